"""Run mognad on Linux with Windows' primitives in place of POSIX ones, as far as it can go.

No Windows machine runs these tests, so this claims no more than it simulates:

- ``fcntl``, ``termios``, ``pwd``, ``grp`` and ``resource`` cannot be imported by any module
  of ``mognad_tui`` (at module level or in a function that runs): every import is seen
  through ``builtins.__import__``, which hands over the importing module's globals, so even a
  module some library already loaded is refused. Libraries import what their own platform
  checks choose (Textual's drivers, prompt_toolkit): that is their maintainers' business.
- ``portalocker`` is imported as on Windows (``os.name == "nt"`` while it loads) over a
  stand-in ``msvcrt`` whose ``locking`` behaves like the real one for what mognad asks of it:
  an exclusive, non-blocking lock per open file, refused with ``EACCES`` while another open
  file holds it, dropped when the file is closed or the process dies. (It is built on
  ``flock``, captured before the blocker is installed.) No ``pywin32``: a shared lock raises
  ``ImportError`` exactly as portalocker does there.
- No folder can be opened (``os.open`` refuses, as on Windows), so neither the writer lock
  nor the store's durability may need one.
- ``os.replace`` and ``os.rename`` refuse, with ``EACCES`` as Windows' sharing violation, to
  rename a file that this process holds open, to rename over one, or to rename a folder
  holding one (``refusing_renames``; the open files are the targets of ``/proc/self/fd``).
  Another process's open files are not seen.
- The event loop refuses ``add_signal_handler`` as Windows' loops do, so Ctrl-C reaches the
  program only as ``KeyboardInterrupt``.

Use: ``python windows_sim.py mognad ARGS...`` runs the command line; ``python windows_sim.py
import-all`` imports every module of ``mognad_tui``; ``python windows_sim.py lock_child ...``
runs ``lock_child.py`` under the simulation. Each prints what the simulation refused on stderr.
"""

from __future__ import annotations

import builtins
import contextlib
import errno
import fcntl
import importlib
import os
import pathlib
import sys
import types

PORTALOCKER_NEEDS = ("abc", "atexit", "collections.abc", "contextlib", "enum", "inspect", "io",
                     "logging", "random", "tempfile", "threading", "time", "typing", "warnings",
                     "weakref")  # fmt: skip
POSIX_ONLY = frozenset({"fcntl", "termios", "pwd", "grp", "resource"})
msvcrt_calls: list[int] = []


def _fake_msvcrt() -> types.ModuleType:
    flock = fcntl.flock
    mod = types.ModuleType("msvcrt")
    mod.LK_UNLCK, mod.LK_LOCK, mod.LK_NBLCK, mod.LK_RLCK, mod.LK_NBRLCK = range(5)

    def locking(fd: int, mode: int, nbytes: int) -> None:
        msvcrt_calls.append(mode)
        if not os.path.isfile(f"/proc/self/fd/{fd}"):
            raise OSError(errno.EACCES, "Permission denied")  # Windows locks files only
        if mode == mod.LK_UNLCK:
            flock(fd, fcntl.LOCK_UN)
            return
        try:
            flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OSError(errno.EACCES, "Permission denied") from None

    def get_osfhandle(fd: int) -> int:
        return fd

    mod.locking = locking
    mod.get_osfhandle = get_osfhandle
    return mod


def _import_portalocker_as_on_windows() -> None:
    # What portalocker imports, loaded first as on this platform, so that only portalocker's
    # own platform checks see "nt".
    for name in PORTALOCKER_NEEDS:
        importlib.import_module(name)

    sys.modules["msvcrt"] = _fake_msvcrt()
    real_name, real_windows_path = os.name, pathlib.WindowsPath
    os.name = "nt"
    pathlib.WindowsPath = pathlib.PosixPath  # type: ignore[misc]  # Path() asks os.name too
    try:
        import portalocker
        import portalocker.portalocker as backend
    finally:
        os.name, pathlib.WindowsPath = real_name, real_windows_path
        # Only portalocker holds the stand-in: subprocess, for one, decides it runs on Windows
        # by whether ``import msvcrt`` works.
        del sys.modules["msvcrt"]
    assert backend.LOCKER is backend.MsvcrtLocker, "portalocker did not take its Windows branch"
    del portalocker


def _block_posix_modules() -> None:
    real_import = builtins.__import__

    def guarded(name, globals=None, locals=None, fromlist=(), level=0):
        importer = (globals or {}).get("__name__") or ""
        if (
            level == 0
            and name.partition(".")[0] in POSIX_ONLY
            and importer.partition(".")[0] == "mognad_tui"
        ):
            print(f"windows_sim: refused import of {name} by {importer}", file=sys.stderr)
            raise ModuleNotFoundError(f"No module named {name!r} (simulated Windows)", name=name)
        return real_import(name, globals, locals, fromlist, level)

    builtins.__import__ = guarded


def _no_loop_signal_handlers() -> None:
    """Windows' event loops have no ``add_signal_handler``: they raise NotImplementedError,
    and Ctrl-C arrives as KeyboardInterrupt through Python's own handler instead."""
    import asyncio.unix_events

    def refused(self, sig, callback, *args):
        raise NotImplementedError

    asyncio.unix_events._UnixSelectorEventLoop.add_signal_handler = refused  # type: ignore[method-assign]


def _no_open_folders() -> None:
    """``os.open`` refuses every folder, as on Windows; shutil's folder removal takes the path
    it takes there (no descriptors for folders); the store is told it runs where folders
    cannot be fsynced (the platform flag that ``os.name`` sets on a real Windows)."""
    import shutil

    real_open = os.open

    def open_no_folders(path, flags, mode=0o777, *, dir_fd=None):
        if dir_fd is None and os.path.isdir(path):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, mode, dir_fd=dir_fd)

    os.open = open_no_folders
    shutil._use_fd_functions = False  # type: ignore[attr-defined]
    from mognad_tui.store import files

    files.FOLDER_FSYNC = False


def _open_paths() -> set[str]:
    """What this process holds open, by path (an unlinked file reads "... (deleted)")."""
    held = set()
    for fd in os.listdir("/proc/self/fd"):
        # closed meanwhile (the listing's own descriptor, another thread's): not held
        with contextlib.suppress(OSError):
            held.add(os.readlink(f"/proc/self/fd/{fd}"))
    return held


def refusing_renames(rename):
    """``rename`` (``os.replace`` or ``os.rename``) as Windows has it: a sharing violation when
    the source or the target is open, or is a folder with an open file in it."""

    def windows_rename(src, dst, *, src_dir_fd=None, dst_dir_fd=None):
        if src_dir_fd is None and dst_dir_fd is None:
            held = _open_paths()
            for path in (os.path.realpath(src), os.path.realpath(dst)):
                if any(h == path or h.startswith(path + os.sep) for h in held):
                    print(f"windows_sim: refused to rename {src} -> {dst}", file=sys.stderr)
                    raise PermissionError(
                        errno.EACCES, "Permission denied", str(src), None, str(dst)
                    )
        return rename(src, dst, src_dir_fd=src_dir_fd, dst_dir_fd=dst_dir_fd)

    return windows_rename


def _no_renames_of_open_files() -> None:
    os.replace = refusing_renames(os.replace)
    os.rename = refusing_renames(os.rename)


def install() -> None:
    _import_portalocker_as_on_windows()
    _block_posix_modules()
    _no_loop_signal_handlers()
    _no_open_folders()
    _no_renames_of_open_files()


def import_all() -> None:
    import pkgutil

    import mognad_tui

    names = [m.name for m in pkgutil.walk_packages(mognad_tui.__path__, "mognad_tui.")]
    for name in names:
        importlib.import_module(name)
    print(f"imported {len(names)} modules", flush=True)


if __name__ == "__main__":
    install()
    what, args = sys.argv[1], sys.argv[2:]
    if what == "import-all":
        import_all()
    elif what == "mognad":
        from mognad_tui.__main__ import main

        sys.exit(main(args))
    elif what == "lock_child":
        import lock_child

        lock_child.main(args)
    else:
        raise SystemExit(f"unknown: {what}")
