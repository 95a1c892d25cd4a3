"""The single-writer lock of a session folder: portable, never stale, and not fooled by a
removed or replaced ``writer.lock``.

What it guarantees, on Linux, macOS and Windows alike:

- One writer per session. A second ``SessionStore.open`` for writing, in this process or any
  other, gets ``SessionLocked``.
- Readers beside it. A read-only store takes no lock at all (an export in the middle of a
  meeting), and ``is_locked`` only probes, never waits (``mognad list``).
- No stale lock. Every lock here is one the operating system drops with the process that held
  it (kill -9, a crash, a power cut): nothing is left to clean up by hand.
- A removed or replaced lock file never lets a second writer in. Deleting ``writer.lock``
  while a meeting runs used to do exactly that (the newcomer created a fresh file, locked it,
  folded the journal under the first writer's feet, and acknowledged answers were lost).

How:

- The locks come from ``portalocker``: ``flock`` on POSIX and ``msvcrt.locking`` (the Win32
  ``LockFile``) on Windows, the backend picked by platform when it is imported, so mognad
  imports nothing POSIX-only itself. Both are held by the OS for an open file and dropped with
  it. ``filelock`` was not chosen: where ``fcntl`` is missing it silently becomes a "soft"
  lock, a file whose mere existence means locked, which a kill leaves behind.
- ``writer.lock`` is held exclusively on every platform. Where the folder lock below is not
  held, the file at the path must still be the one locked after locking it (same device and
  inode from ``fstat`` and ``stat``): if it was removed or replaced between our open and our
  lock, we try again with the file now there. Where the folder lock is held, it alone excludes
  other writers, so a lock file swept away under us is no reason to retry (someone deleting it
  in a loop would otherwise starve every writer).
- Where a folder can be opened (Linux, macOS), the session folder itself is locked first: a
  folder cannot be deleted while the session's files are in it, and renaming it keeps its
  identity (and the lock). So a writer whose ``writer.lock`` was deleted still holds the folder,
  and a newcomer that re-creates and locks ``writer.lock`` is refused by the folder. Windows
  cannot open a folder, but it needs no help there: Python opens files without
  ``FILE_SHARE_DELETE``, so a file a writer holds open cannot be deleted or renamed at all.
- Where the folder opens but will not lock (NFS turns ``flock`` into byte-range locks, which
  need a file open for writing), ``writer.lock`` with its identity check is the guard.

Readers probe with a shared lock where the platform has one. ``msvcrt`` has none (portalocker
needs pywin32 for it), so there a probe takes the exclusive lock for an instant and lets go; a
writer that opens at that instant retries for a moment before it says "locked".
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

import portalocker

from . import files
from .errors import SessionLocked, StoreError, from_os_error

_EXCLUSIVE = portalocker.LockFlags.EXCLUSIVE | portalocker.LockFlags.NON_BLOCKING
_SHARED = portalocker.LockFlags.SHARED | portalocker.LockFlags.NON_BLOCKING

#: A lock file that is a symbolic link is refused: it could make us create or lock a file
#: anywhere the link points.
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)

#: A writer retries this often, ``RETRY_DELAY`` apart, while a probe holds the lock briefly.
RETRIES = 12
RETRY_DELAY = 0.025


class _Busy(Exception):
    """Somebody else holds the lock (as opposed to a lock that cannot be taken at all)."""


def _lock(fd: int, flags: portalocker.LockFlags) -> portalocker.LockException | None:
    """Lock ``fd``; raise ``_Busy`` when another holder has it, and return (not raise) the
    failure when this kind of file cannot be locked here at all."""
    try:
        portalocker.lock(fd, flags)
    except portalocker.AlreadyLocked:
        raise _Busy from None
    except portalocker.LockException as exc:
        return exc
    return None


def _unlock(fd: int) -> None:
    # Windows asks for an explicit unlock before the close; elsewhere the close alone would do.
    with contextlib.suppress(portalocker.LockException, OSError):
        portalocker.unlock(fd)
    files.close(fd)


class WriterLock:
    """The locks one writer holds on a session folder until ``release``."""

    __slots__ = ("_fds",)

    def __init__(self, fds: list[int]) -> None:
        self._fds = fds

    @classmethod
    def acquire(cls, path: Path) -> WriterLock:
        """Take the session for writing, or raise ``SessionLocked`` (or ``StoreError``)."""
        for _ in range(RETRIES):
            fds: list[int] = []
            try:
                cls._take_once(path, fds)
            except _Busy:
                for fd in reversed(fds):
                    _unlock(fd)
                time.sleep(RETRY_DELAY)
                continue
            except BaseException:
                for fd in reversed(fds):
                    _unlock(fd)
                raise
            return cls(fds)
        raise SessionLocked("The session is open for writing in another mognad process.", path)

    @staticmethod
    def _take_once(path: Path, fds: list[int]) -> None:
        folder = files.open_folder(path)
        folder_held = False
        if folder is not None:
            fds.append(folder)
            if _lock(folder, _EXCLUSIVE) is not None:
                fds.pop()
                files.close(folder)
            else:
                folder_held = True
        lock_path = path / files.LOCK
        for _ in range(RETRIES):
            try:
                fd = files.open_fd(lock_path, os.O_RDWR | os.O_CREAT | _NOFOLLOW)
            except OSError as exc:
                raise from_os_error(exc, path, "open the session's lock file") from exc
            fds.append(fd)
            failure = _lock(fd, _EXCLUSIVE)
            if failure is not None:
                cause = failure.__cause__
                if isinstance(cause, OSError):
                    raise from_os_error(cause, path, "lock the session") from cause
                raise StoreError(f"Could not lock the session: {failure}.", path) from failure
            if folder_held or files.same_file(fd, lock_path):
                return
            # Removed or replaced between our open and our lock: the file there now counts.
            fds.pop()
            _unlock(fd)
        raise _Busy

    def release(self) -> None:
        fds, self._fds = self._fds, []
        for fd in reversed(fds):
            _unlock(fd)


def _probe(fd: int) -> bool:
    """Whether another process holds ``fd``'s file: a lock taken and let go at once."""
    try:
        try:
            failure = _lock(fd, _SHARED)
        except ImportError:  # msvcrt has no shared lock without pywin32
            failure = _lock(fd, _EXCLUSIVE)
    except _Busy:
        return True
    if failure is None:
        with contextlib.suppress(portalocker.LockException, OSError):
            portalocker.unlock(fd)
    return False


def is_locked(path: Path) -> bool:
    """Whether a live process holds the session for writing (probed, never waited for)."""
    candidates = [files.open_folder(path)]
    with contextlib.suppress(OSError):  # no lock file: nobody who left it there holds it
        candidates.append(files.open_fd(path / files.LOCK, os.O_RDONLY | _NOFOLLOW))
    try:
        return any(fd is not None and _probe(fd) for fd in candidates)
    finally:
        for fd in candidates:
            if fd is not None:
                files.close(fd)
