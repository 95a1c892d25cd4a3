"""The journal writer: one thread that appends and fsyncs, with group commit.

The facilitator's screen and the phones' server share one asyncio loop, so an fsync must never
run on it. Writes queue here; the thread takes everything queued since its last fsync, writes it
as one journal line and fsyncs once. Fifty phones answering together cost a couple of fsyncs,
not fifty. A write is acknowledged (its future resolved) only after that fsync returned.

On any failure the line's bytes are cut off again (truncate to the last durable offset), so the
journal never keeps a half-written line in its middle, and the writer carries on once the disk
has room: the next line lands right after the last durable one.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

from . import files
from .errors import StoreError, from_os_error


def new_future() -> Future[None]:
    future: Future[None] = Future()
    # Running futures cannot be cancelled: an awaiting task that is cancelled must not cancel
    # the shared commit the other writes of its group wait on.
    future.set_running_or_notify_cancel()
    return future


class _Batch:
    __slots__ = ("fragments", "future", "waiters")

    def __init__(self) -> None:
        self.fragments: list[str] = []
        self.waiters = 0
        self.future = new_future()


class JournalWriter:
    """Appends group commits to an open journal; all public methods need ``lock`` held.

    ``lock`` is the store's own lock: the store applies a write in memory and queues it under
    the same lock the writer takes to fail everything queued, so a write is either in the
    failed group or applied after the rollback, never in between.
    """

    def __init__(
        self,
        folder: Path,
        fd: int,
        durable_end: int,
        lock: threading.Lock,
        on_failure: Callable[[], None],
    ) -> None:
        self._folder = folder
        self._fd = fd
        self._durable_end = durable_end
        self._dirty_tail = False
        self._cond = threading.Condition(lock)
        self._pending = _Batch()
        self._closing = False
        self._on_failure = on_failure
        self._thread = threading.Thread(
            target=self._run, name=f"mognad-journal-{folder.name}", daemon=True
        )
        self._thread.start()

    @property
    def durable_end(self) -> int:
        """Bytes of the journal known to be on disk: what a rollback may read."""
        return self._durable_end

    def submit(self, fragment: str | None) -> Future[None]:
        """Queue a write's operations (a JSON fragment) or, with None, a barrier.

        A barrier writes nothing; it resolves once everything queued before it is durable.
        """
        batch = self._pending
        if fragment:
            batch.fragments.append(fragment)
        batch.waiters += 1
        self._cond.notify()
        return batch.future

    def close(self) -> None:
        """Drain the queue, stop the thread and close the journal. Call without the lock."""
        with self._cond:
            self._closing = True
            self._cond.notify()
        self._thread.join()
        os.close(self._fd)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._pending.waiters and not self._closing:
                    self._cond.wait()
                if not self._pending.waiters:
                    return
                batch, self._pending = self._pending, _Batch()
            if not batch.fragments:
                batch.future.set_result(None)
                continue
            try:
                line = files.encode_line("[" + ",".join(batch.fragments) + "]")
                self._append(line)
            except OSError as exc:
                self._fail(batch, from_os_error(exc, self._folder, "save to the journal"))
            except BaseException as exc:  # a bug must not leave writers waiting forever
                err = StoreError(f"Could not save to the journal: {exc!r}.", self._folder)
                err.__cause__ = exc
                self._fail(batch, err)
            else:
                self._durable_end += len(line)
                batch.future.set_result(None)

    def _append(self, line: bytes) -> None:
        if self._dirty_tail:
            self._truncate()
        self._dirty_tail = True
        files.write_all(self._fd, line)
        files._fsync(self._fd)
        self._dirty_tail = False

    def _truncate(self) -> None:
        os.ftruncate(self._fd, self._durable_end)
        self._dirty_tail = False

    def _fail(self, batch: _Batch, err: StoreError) -> None:
        if self._dirty_tail:
            # If this fails too, it is tried again before the next line; a rollback reads
            # only the durable bytes anyway.
            with contextlib.suppress(OSError):
                self._truncate()
        with self._cond:
            queued, self._pending = self._pending, _Batch()
            # The store rolls back to the durable state before anyone can see these fail.
            self._on_failure()
        batch.future.set_exception(err)
        if queued.waiters:
            queued.future.set_exception(err)
