"""The journal writer: one thread that appends and fsyncs, with group commit, and folds.

The facilitator's screen and the phones' server share one asyncio loop, so an fsync must never
run on it. Writes queue here; the thread takes everything queued since its last fsync, writes it
as one journal line and fsyncs once. Fifty phones answering together cost a couple of fsyncs,
not fifty. A write is acknowledged (its future resolved) only after that fsync returned.

On any failure the line's bytes are cut off again (truncate to the last durable offset), so the
journal never keeps a half-written line in its middle, and the writer carries on once the disk
has room: the next line lands right after the last durable one.

Folds run here too, in queue order. A fold is queued with a copy of the tables taken under the
store's lock at the moment it was queued, so the copy holds exactly the writes queued before
it: by the time the thread reaches the fold, those are all durable in the journal, and the
snapshot it writes corresponds exactly to the journal's end. Writes queued after the fold wait
for it and go into the new generation's journal; nothing is appended while the two files are
swapped, so a crash at any moment leaves either the old snapshot with every acknowledged line of
the old journal, or the new snapshot holding all of them. A fold that fails (a full disk) leaves
the old generation as it was and the writer appends to it as before.

The journal keeps the order writes arrived in, which links one device's answers to each other;
the snapshot does not (see ``snapshot``). So besides the folds the meeting asks for, the writer
folds by itself once the journal holds ``fold_every`` answer operations. A fold rewrites the
whole snapshot, too costly to do every few answers in a big session, so in between the writer
*reorders* the journal: it rewrites the journal's own content as one line of its net changes
in an order that says nothing about arrival (``files.NetOps``: answers by question and slot)
and renames it over the journal. That costs what the journal holds, whatever the session; the
thread keeps the journal's net changes in memory as it appends, with their JSON text, so a
reorder writes without reading the journal back (only the first one after a crash reads it:
nothing is in memory then).
It runs once ``reorder_every`` answers came in since the last reorder or fold, once
``reorder_idle`` seconds passed without a write, on close, and before anything else when the
writer starts on a journal that holds operations (the open fold found no room). The rename is
atomic, and nothing is appended meanwhile (this thread does both): a crash leaves the old
journal or the new one, each holding every acknowledged write.

Before a fold or a reorder renames a journal over the one it appends to, the thread closes its
descriptor (Windows refuses to rename over an open file; every platform runs that one path),
and the next append opens the journal again by name: the new one if the rename happened, the
old one, whole, if it failed before. Never a descriptor kept across the rename, which on Linux
would append to the unlinked old journal and lose what it acknowledged. A reorder that fails (a full
disk) is retried after a back-off that doubles from ``REORDER_RETRY`` up to
``REORDER_RETRY_MAX`` seconds; ``on_order`` hears of the first failure and of the recovery.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

from . import files
from .errors import StoreError, from_os_error
from .files import Op, Tables
from .snapshot import SnapshotText, Touched

log = logging.getLogger(__name__)


#: Seconds before a failed reorder is tried again; doubled after each failure, up to the max.
REORDER_RETRY = 1.0
REORDER_RETRY_MAX = 30.0


class Commit(Future[None]):
    """A commit's future, awaited on a loop by every write of its group (``session.Durable``).

    Each awaiting write gets a loop future of its own, and the commit, once done, wakes the
    loop once and resolves them all: one wake-up per commit, not one per write. A waiter of
    its own is what lets one write's task be cancelled without cancelling its group's wait;
    ``asyncio.wrap_future`` and ``asyncio.shield`` did the same with a future and two
    callbacks more per write, a measurable share of an answer's cost and of the objects that
    make the garbage collector run (bench/notes/ingest.md).
    """

    _waiters_loop: asyncio.AbstractEventLoop | None = None
    _on_loop: list[asyncio.Future[None]] | None = None

    def waiter(self) -> asyncio.Future[None]:
        """A future on the running loop that is resolved once this commit is done (its
        outcome is read from the commit itself); for a caller on that loop's thread."""
        loop = asyncio.get_running_loop()
        waiter = loop.create_future()
        if self._on_loop is None or self._waiters_loop is not loop:
            # The first waiter on this loop (a store used from two loops, as some tests do,
            # gets a fan-out for the latest: the earlier one's waiters are resolved below).
            self._waiters_loop, self._on_loop = loop, [waiter]
            self.add_done_callback(self._done_on(loop, self._on_loop))
        else:
            self._on_loop.append(waiter)
        return waiter

    @staticmethod
    def _done_on(
        loop: asyncio.AbstractEventLoop, waiters: list[asyncio.Future[None]]
    ) -> Callable[[Future[None]], None]:
        def wake(_: Future[None]) -> None:
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits
                loop.call_soon_threadsafe(_resolve_all, waiters)

        return wake


def _resolve_all(waiters: list[asyncio.Future[None]]) -> None:
    for waiter in waiters:
        if not waiter.done():  # a cancelled write's task has gone already
            waiter.set_result(None)


def new_future() -> Commit:
    future = Commit()
    # Running futures cannot be cancelled: an awaiting task that is cancelled must not cancel
    # the shared commit the other writes of its group wait on.
    future.set_running_or_notify_cancel()
    return future


def _resolved() -> Future[None]:
    future = new_future()
    future.set_result(None)
    return future


class _Batch:
    __slots__ = ("counted", "future", "ops", "texts", "waiters")

    def __init__(self) -> None:
        self.ops: list[Op] = []
        self.texts: list[str] = []  # each op's ``files.dumps``, made under the store's lock
        self.waiters = 0
        self.counted = 0
        self.future = new_future()


class _Reorder:
    __slots__ = ("future",)

    def __init__(self) -> None:
        self.future = new_future()


class _Fold:
    __slots__ = ("auto", "future", "tables", "touched")

    def __init__(self, tables: Tables, touched: Touched, auto: bool) -> None:
        self.tables = tables
        self.touched = touched
        self.auto = auto
        self.future = new_future()


class JournalWriter:
    """Appends group commits to an open journal and folds it; public methods need ``lock``.

    ``lock`` is the store's own lock: the store applies a write in memory and queues it under
    the same lock the writer takes to fail everything queued and install the rollback, so a
    write is either dropped with the failed group or applied after the rollback, never in
    between. For the same reason a fold's copy of the tables (``snapshot_of``, called with the
    lock held) matches the queue exactly.

    ``prepare_rollback(durable_end)`` is called on this thread without the lock after a commit
    failed: it reads the durable state back and returns what installs it, which is called with
    the lock held, before any failed write's future fails.
    """

    def __init__(
        self,
        folder: Path,
        fd: int | None,
        durable_end: int,
        *,
        generation: int,
        clean_end: int,
        text: SnapshotText,
        lock: threading.Lock,
        prepare_rollback: Callable[[int], Callable[[], None]],
        snapshot_of: Callable[[], Tables],
        counted_table: str,
        fold_every: int,
        reorder_every: int,
        reorder_idle: float,
        on_order: Callable[[StoreError | None], None],
        install_pending: bool | None = None,
    ) -> None:
        self._folder = folder
        # The journal, open for appending; None while it is closed for a rename over it, or
        # until it could be opened again by name (``_journal``).
        self._fd: int | None = fd
        self._durable_end = durable_end
        self._dirty_tail = False
        self._generation = generation
        self._clean_end = clean_end  # the journal's size right after its header
        self._install_pending = install_pending  # after a HalfFold: whether renamed
        self._live_folds = 0
        self._text: SnapshotText | None = text
        self._order = text.order
        self._cond = threading.Condition(lock)
        self._queue: deque[_Batch | _Fold | _Reorder] = deque()
        self._closing = False
        self._prepare_rollback = prepare_rollback
        self._snapshot_of = snapshot_of
        self._counted_table = counted_table
        self._fold_every = fold_every
        # Under the lock: what the queue holds beyond the last queued fold.
        self._unfolded = durable_end > clean_end
        self._touched: Touched = {}
        self._counted = 0
        self._last_fold: _Fold | None = None  # queued and not yet done
        # Thread-only: the journal's bytes that hold no arrival order (its header, or all of
        # it right after a reorder), answers appended since, and when the last line went in.
        self._reorder_every = reorder_every
        self._reorder_idle = reorder_idle
        self._on_order = on_order
        self._ordered_end = clean_end
        # The net changes of the journal's operations, or None while they are only on disk
        # (a writer opening on a journal that holds operations).
        self._net: files.NetOps | None = files.NetOps() if durable_end == clean_end else None
        self._unordered_answers = 0
        self._last_append: float | None = None  # None: reorder at once (just opened)
        self._retry_at: float | None = None
        self._retry_delay = REORDER_RETRY
        self._order_error: StoreError | None = None
        self._thread = threading.Thread(
            target=self._run, name=f"mognad-journal-{folder.name}", daemon=True
        )
        self._thread.start()

    @property
    def durable_end(self) -> int:
        """Bytes of the journal known to be on disk: what a rollback may read."""
        return self._durable_end

    @property
    def generation(self) -> int:
        return self._generation

    @property
    def needs_final_fold(self) -> bool:
        """Whether closing should fold: the journal holds operations, or a stale journal is
        still on disk, or live folds left answers under ids that are not canonical."""
        return (
            self._durable_end > self._clean_end
            or self._install_pending is not None
            or self._live_folds > 0
        )

    def submit(self, ops: list[Op] | None) -> Future[None]:
        """Queue a write's operations or, with None, a barrier.

        A barrier writes nothing; it resolves once everything queued before it is durable.
        """
        last = self._queue[-1] if self._queue else None
        if isinstance(last, _Batch):
            batch = last
        else:
            batch = _Batch()
            self._queue.append(batch)
        if ops:
            # Encoded here, under the lock: documents are replaced, never changed in place
            # (``live``), so the ops the thread keeps in ``_net`` stay what was journaled.
            batch.ops += ops
            batch.texts += [files.dumps(op) for op in ops]
            self._unfolded = True
            touched = self._touched
            for op in ops:
                name = op[1]
                if name == self._counted_table:
                    self._counted += 1
                    batch.counted += 1
                if op[0] == "x":
                    touched[name] = None
                else:
                    ids = touched.get(name, ())
                    if ids is not None:
                        if not ids:
                            ids = touched[name] = set()
                        ids.add(str(op[2]))
        batch.waiters += 1
        self._cond.notify()
        return batch.future

    def request_fold(self, *, auto: bool = False) -> Future[None]:
        """Queue a fold after everything queued so far.

        With nothing written since the last fold, this queues nothing: the future is that
        fold's (or a resolved one).
        """
        if not self._unfolded:
            return self._last_fold.future if self._last_fold is not None else _resolved()
        tables = self._snapshot_of()
        fold = _Fold(tables, self._touched, auto)
        self._touched = {}
        self._counted = 0
        self._unfolded = False
        self._last_fold = fold
        self._queue.append(fold)
        self._cond.notify()
        return fold.future

    def request_reorder(self) -> Future[None]:
        """Queue a reorder after everything queued so far: what the idle timer does, on demand.

        Resolves once the journal holds no arrival order, or fails as the reorder did (no
        back-off for this one; a failure also schedules the usual retry).
        """
        item = _Reorder()
        self._queue.append(item)
        self._cond.notify()
        return item.future

    def close(self) -> None:
        """Drain the queue, stop the thread and close the journal. Call without the lock."""
        with self._cond:
            self._closing = True
            self._cond.notify()
        self._thread.join()
        self._let_go()

    # ------------------------------------------------------------ the thread

    @property
    def _unordered(self) -> bool:
        """Whether the journal on disk may hold arrival order (or is a stale one)."""
        return self._install_pending is not None or self._durable_end > self._ordered_end

    def _reorder_due_in(self) -> float | None:
        """Seconds until the idle reorder, or ``None`` when none is due. Only answers carry
        an order worth hiding, and only they start the idle window: notes saved while the
        facilitator types must not put off the reorder of the answers before them."""
        if not self._unordered:
            return None
        if self._unordered_answers == 0 and self._install_pending is None and self._last_append:
            return None
        now = time.monotonic()
        due = now if self._last_append is None else self._last_append + self._reorder_idle
        if self._retry_at is not None:
            due = max(due, self._retry_at)
        return due - now

    def _run(self) -> None:
        if self._unordered:  # opened on a journal the open fold could not fold: before any write
            self._reorder()
        while True:
            with self._cond:
                while not self._queue and not self._closing:
                    due = self._reorder_due_in()
                    if due is not None and due <= 0:
                        break
                    self._cond.wait(due)
                item = self._queue.popleft() if self._queue else None
                closing = self._closing
            if item is None:
                if self._unordered:  # idle long enough, or closing
                    self._reorder()
                if closing:
                    return
            elif isinstance(item, _Fold):
                self._fold(item)
            elif isinstance(item, _Reorder):
                err = self._reorder() if self._unordered else None
                if err is None:
                    item.future.set_result(None)
                else:
                    item.future.set_exception(err)
            else:
                self._commit(item)

    def _commit(self, batch: _Batch) -> None:
        if not batch.texts:
            batch.future.set_result(None)
            return
        try:
            if self._install_pending is not None:
                self._install()
            line = files.encode_line("[" + ",".join(batch.texts) + "]")
            self._append(line)
        except OSError as exc:
            self._fail(batch, from_os_error(exc, self._folder, "save to the journal"))
        except BaseException as exc:  # a bug must not leave writers waiting forever
            err = StoreError(f"Could not save to the journal: {exc!r}.", self._folder)
            err.__cause__ = exc
            self._fail(batch, err)
        else:
            self._durable_end += len(line)
            if self._net is not None:
                add = self._net.add
                for op, text in zip(batch.ops, batch.texts, strict=True):
                    add(op, text)
            with self._cond:
                # Queued before the writes are acknowledged, so whatever their writers do
                # next comes after the fold.
                if (
                    self._counted >= self._fold_every
                    and self._last_fold is None
                    and not self._closing
                ):
                    self.request_fold(auto=True)
            batch.future.set_result(None)
            if not batch.counted:
                return
            self._unordered_answers += batch.counted
            self._last_append = now = time.monotonic()
            if (
                self._unordered_answers >= self._reorder_every
                and self._last_fold is None  # a fold is coming, which orders it anyway
                and (self._retry_at is None or now >= self._retry_at)
            ):
                self._reorder()

    def _append(self, line: bytes) -> None:
        fd = self._journal()
        if self._dirty_tail:
            self._truncate()
        self._dirty_tail = True
        files.write_all(fd, line)
        files._fsync(fd)
        self._dirty_tail = False

    def _truncate(self) -> None:
        files.truncate(self._journal(), self._durable_end)
        self._dirty_tail = False

    def _journal(self) -> int:
        """The journal's descriptor, opened again by name if a rename closed it: so the
        writer appends to the journal on disk, never to one a rename unlinked. Only called
        when no ``HalfFold`` is pending (the journal on disk may be stale then)."""
        if self._fd is None:
            self._fd = files.open_journal(self._folder)
        return self._fd

    def _let_go(self) -> None:
        """Close the journal before a rename over it: Windows refuses to rename over an open
        file, and so does every platform here, to run one code path. If the rename fails, the
        next append opens the old journal again (``_journal``)."""
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                files.close(fd)

    def _fail(self, batch: _Batch, err: StoreError) -> None:
        if self._dirty_tail:
            # If this fails too, it is tried again before the next line; a rollback reads
            # only the durable bytes anyway.
            with contextlib.suppress(OSError):
                self._truncate()
        install = self._prepare_rollback(self._durable_end)
        with self._cond:
            queued = list(self._queue)
            self._queue.clear()
            for item in queued:
                if isinstance(item, _Fold):
                    # Never run: what it would have written is still to be folded.
                    self._merge_touched(item.touched)
                    self._unfolded = True
                    if self._last_fold is item:
                        self._last_fold = None
            # Rolled back to the durable state before anyone can see these fail.
            install()
        batch.future.set_exception(err)
        for item in queued:
            if not isinstance(item, _Batch) or item.waiters:
                item.future.set_exception(err)

    def _merge_touched(self, touched: Touched) -> None:
        for name, ids in touched.items():
            if ids is None:
                self._touched[name] = None
            else:
                mine = self._touched.get(name, ())
                if mine is not None:
                    self._touched[name] = set(mine) | ids

    # ------------------------------------------------------------ folding

    def _fold(self, fold: _Fold) -> None:
        generation = self._generation + 1
        try:
            data = self._render(fold, generation)
            self._let_go()
            files.write_generation(self._folder, generation, data)
        except files.HalfFold as half:
            # The new snapshot holds everything; only the new journal is missing. Nothing may
            # go into the old one now: every append first tries to install the new one.
            self._switch(generation)
            self._install_pending = half.renamed
            try:
                self._install()
            except OSError as exc:
                # Folded, but the old journal is still there: the next fold replaces it.
                err = from_os_error(exc, self._folder, "replace the journal after folding")
                self._finish_fold(fold, err, True)
            else:
                self._finish_fold(fold, None)
        except OSError as exc:
            self._finish_fold(fold, from_os_error(exc, self._folder, "fold the journal"), True)
        except BaseException as exc:  # a bug: the old generation is still whole
            self._text = None
            err = StoreError(f"Could not fold the journal: {exc!r}.", self._folder)
            err.__cause__ = exc
            self._finish_fold(fold, err, True)
        else:
            self._switch(generation)
            self._install_pending = None
            self._finish_fold(fold, None)

    def _render(self, fold: _Fold, generation: int) -> bytes:
        if self._text is not None:
            try:
                self._text.update(fold.tables, fold.touched)
                return self._text.render(generation, fold.tables)
            except RuntimeError:
                log.exception("the snapshot text went out of step; building it anew")
        self._text = None
        text = SnapshotText(fold.tables, self._order)
        data = text.render(generation, fold.tables)
        self._text = text
        return data

    def _switch(self, generation: int) -> None:
        """Carry on in the new generation's journal, opened by name at the next append."""
        self._let_go()
        self._generation = generation
        self._durable_end = self._clean_end = len(files.journal_header(generation))
        self._ordered_end = self._clean_end
        self._net = files.NetOps()
        self._unordered_answers = 0
        self._dirty_tail = False
        self._live_folds += 1

    def _install(self) -> None:
        """After a ``HalfFold``: make the new generation's journal the one on disk."""
        if self._install_pending:  # renamed: only the folder's fsync is missing
            files.finish_generation(self._folder, renamed=True)
        else:
            # A fresh one, not the half-installed temporary file: a failed fold since may
            # have removed that.
            self._let_go()
            files.install_journal(self._folder, self._generation)
            self._durable_end = self._clean_end = len(files.journal_header(self._generation))
            self._ordered_end = self._clean_end
            self._net = files.NetOps()
            self._unordered_answers = 0
            self._dirty_tail = False
        self._install_pending = None

    def _finish_fold(self, fold: _Fold, err: StoreError | None, unfolded: bool = False) -> None:
        with self._cond:
            if self._last_fold is fold:
                self._last_fold = None
            if unfolded:
                self._unfolded = True
        if err is None:
            fold.future.set_result(None)
            return
        if fold.auto:
            log.warning("could not fold %s: %s", self._folder, err)
        fold.future.set_exception(err)

    # ------------------------------------------------------------ reordering

    def _reorder(self) -> StoreError | None:
        """Leave no arrival order in the journal on disk; on failure, schedule a retry."""
        try:
            if self._install_pending is not None:
                self._install()  # the journal on disk is stale: a fresh one holds nothing
            elif self._durable_end > self._ordered_end:
                self._rewrite()
        except OSError as exc:
            err = from_os_error(exc, self._folder, "reorder the journal")
        except Exception as exc:  # a bug: the journal on disk is still the old, whole one
            self._net = None  # and read back next time, in case memory went out of step
            log.exception("could not reorder the journal of %s", self._folder)
            err = StoreError(f"Could not reorder the journal: {exc!r}.", self._folder)
            err.__cause__ = exc
        else:
            err = None
        self._order_done(err)
        return err

    def _rewrite(self) -> None:
        if self._net is None:  # only on disk: read it back, once
            scan = files.read_journal(self._folder, self._durable_end)
            if scan.generation != self._generation or scan.valid_end != self._durable_end:
                raise RuntimeError("the journal on disk is not the one this writer appends to")
            self._net = files.NetOps(scan.batches)
        data = files.journal_bytes(self._generation, self._net.texts(self._order))
        self._let_go()
        try:
            files.replace_file(self._folder, files.JOURNAL, data)
        except files.HalfFold:
            # The reordered journal is in place; only the folder's fsync is missing, and
            # every append first tries it again.
            self._take_journal(len(data))
            self._install_pending = True
            raise
        self._take_journal(len(data))

    def _take_journal(self, size: int) -> None:
        """Carry on in the reordered journal, opened by name at the next append."""
        self._durable_end = self._ordered_end = size
        self._unordered_answers = 0
        self._dirty_tail = False

    def _order_done(self, err: StoreError | None) -> None:
        if err is None:
            self._retry_at = None
            self._retry_delay = REORDER_RETRY
            if self._order_error is not None:
                self._order_error = None
                log.info("the journal of %s is reordered again", self._folder)
                self._tell(None)
            return
        self._retry_at = time.monotonic() + self._retry_delay
        # Info, not a warning: the faces tell the facilitator, in their language (``on_order``).
        log.info(
            "could not reorder %s (next try in %.0f s): %s", self._folder, self._retry_delay, err
        )
        self._retry_delay = min(self._retry_delay * 2, REORDER_RETRY_MAX)
        if self._order_error is None:
            self._order_error = err
            self._tell(err)

    def _tell(self, err: StoreError | None) -> None:
        try:
            self._on_order(err)
        except Exception:  # a listener's bug must not stop the writer
            log.exception("the order listener failed")
