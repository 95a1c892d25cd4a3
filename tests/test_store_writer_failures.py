"""The journal writer after a failed commit: what a facilitator would notice if it went wrong.

These close gaps a mutation run of ``store/writer.py`` found (tests/MUTATION.md): a refused
answer that comes back after the rollback, a replaced answer that a later fold turns back into
its old value, and a writer that stops clearing the order answers arrived in after one failed
write. Each drives the real store on a tmp folder; only the disk's answers are faked.
"""

from __future__ import annotations

import asyncio
import errno
import hashlib
import json
import logging
import os
import threading
import time
from pathlib import Path

import pytest
from store_crash_child import make_info, make_question_set
from test_store_reopen import folder_fsync_failing_on_demand

from mognad_tui.store import SessionStore, StoreError, StoreFull, create_session
from mognad_tui.store import files as store_files
from mognad_tui.store import session as store_session
from mognad_tui.store import writer as store_writer
from mognad_tui.store.closing import close_session


@pytest.fixture
def session(tmp_path: Path) -> Path:
    return create_session(tmp_path / "sessions", make_info(), make_question_set())


def slot(device: int, question: str) -> str:
    return hashlib.sha256(f"device-{device}/{question}".encode()).hexdigest()


def settle(store: SessionStore) -> None:
    """Wait until everything queued on the writer (and what it does after) is done."""
    with store._lock:
        assert store._writer is not None
        future = store._writer.submit(None)
    future.result(30)


def snapshot_answers(folder: Path) -> dict[str, object]:
    """Slot -> value as the snapshot file holds them."""
    tables = json.loads((folder / "session.json").read_bytes())["tables"]
    return {d["k"]: d["v"] for d in tables.get("answers", {}).values()}


class GatedFsync:
    """fsync fails (disk full) while ``full`` is set, each failing call held until released,
    so the test decides what is queued behind the failing commit."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.full = threading.Event()
        self.inside = threading.Event()
        self.gate = threading.Event()
        real = store_files._fsync

        def fsync(fd: int) -> None:
            if self.full.is_set():
                self.inside.set()
                assert self.gate.wait(30), "the test never released the failing fsync"
                raise OSError(errno.ENOSPC, "simulated")
            real(fd)

        monkeypatch.setattr(store_files, "_fsync", fsync)


def hold_fsyncs(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """From now on every fsync waits until the test sets ``release`` (``held`` says one is
    waiting): the test decides what happens while a write is not yet durable."""
    held, release = threading.Event(), threading.Event()
    real_fsync = store_files._fsync

    def fsync(fd: int) -> None:
        if not release.is_set():
            held.set()
            assert release.wait(30), "the test never released the fsync"
        real_fsync(fd)

    monkeypatch.setattr(store_files, "_fsync", fsync)
    return held, release


def io_errors_while_set(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """fsync and ftruncate fail with an I/O error while the returned event is set: a write
    that cannot be made durable, and its line that cannot be cut off again either."""
    broken = threading.Event()
    real_fsync, real_ftruncate = store_files._fsync, os.ftruncate

    def fsync(fd: int) -> None:
        if broken.is_set():
            raise OSError(errno.EIO, "simulated")
        real_fsync(fd)

    def ftruncate(fd: int, length: int) -> None:
        if broken.is_set():
            raise OSError(errno.EIO, "simulated")
        real_ftruncate(fd, length)

    monkeypatch.setattr(store_files, "_fsync", fsync)
    monkeypatch.setattr(os, "ftruncate", ftruncate)
    return broken


def test_a_refused_answer_never_comes_back_even_if_its_line_could_not_be_cut_off(
    session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole line reached the file but its fsync failed, and cutting it off failed too:
    the phone was told no, so the rollback reads only the bytes known to be durable and the
    answer must not show, now or after a restart. The writer carries on."""
    broken = io_errors_while_set(monkeypatch)
    with SessionStore.open(session) as store:
        store.put_answer("q0", slot(1, "q0"), 1).wait(timeout=30)
        broken.set()
        refused = store.put_answer("q0", slot(2, "q0"), 5)
        with pytest.raises(Exception) as info:
            refused.wait(timeout=30)
        assert not isinstance(info.value, TimeoutError), "the writer stopped"
        assert store.answer_for("q0", slot(2, "q0")) is None
        assert store.answers("q0") == [1]
        broken.clear()
        store.put_answer("q0", slot(3, "q0"), 3).wait(timeout=30)
        assert sorted(store.answers("q0")) == [1, 3]
    with SessionStore.open(session, readonly=True) as store:
        assert store.answer_for("q0", slot(2, "q0")) is None
        assert sorted(store.answers("q0")) == [1, 3]


def test_a_fold_after_a_failed_one_keeps_every_answer_replaced_before_it(
    session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A device changes its answer; a fold queued behind a write that fails is dropped with it.
    The next fold must still write the changed answer: if it forgot which answers changed, the
    snapshot would keep the old value and the acknowledged change would be lost on disk."""
    disk = GatedFsync(monkeypatch)
    a, b = slot(1, "q0"), slot(2, "q0")
    with SessionStore.open(session) as store:
        store.put_answer("q0", a, 1).wait(timeout=30)
        store.fold().wait(timeout=30)
        assert snapshot_answers(session) == {a: 1}
        store.put_answer("q0", a, 4).wait(timeout=30)  # acknowledged: the device changed it
        disk.full.set()
        failing = store.put_answer("q0", b, 2)
        assert disk.inside.wait(30)
        fold = store.fold()  # queued behind the failing write: dropped with it
        disk.full.clear()
        disk.gate.set()
        for durable in (failing, fold):
            with pytest.raises(StoreFull):
                durable.wait(timeout=30)
        assert store.answer_for("q0", a) == 4
        store.fold().wait(timeout=30)
        assert snapshot_answers(session) == {a: 4}
    with SessionStore.open(session, readonly=True) as store:
        assert store.answer_for("q0", a) == 4
        assert store.answer_for("q0", b) is None


def test_after_a_failed_write_with_a_fold_behind_it_the_writer_still_clears_the_order(
    session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fold dropped with a failed write must not count as still coming: else the writer
    waits for it forever and no longer reorders the journal, which then keeps the order the
    room answered in."""
    monkeypatch.setattr(store_session, "REORDER_EVERY", 5)
    monkeypatch.setattr(store_session, "REORDER_IDLE", 3600.0)  # only the count reorders here
    disk = GatedFsync(monkeypatch)
    with SessionStore.open(session) as store:
        store.put_answer("q0", slot(0, "q0"), 1).wait(timeout=30)
        disk.full.set()
        failing = store.put_answer("q0", slot(1, "q0"), 2)
        assert disk.inside.wait(30)
        fold = store.fold()
        disk.full.clear()
        disk.gate.set()
        for durable in (failing, fold):
            with pytest.raises(StoreFull):
                durable.wait(timeout=30)
        # Four more devices answer, one after the other, in an order that is not (question,
        # slot): with the one before the failure, five answers, and the writer reorders.
        for s in sorted((slot(d, "q1") for d in range(10, 14)), reverse=True):
            store.put_answer("q1", s, 3).wait(timeout=30)
        settle(store)
        batches = store_files.read_journal(session).batches
        assert len(batches) == 1, "the journal still lists the answers as they came"
        keys = [(op[3]["q"], op[3]["k"]) for op in batches[0] if op[1] == "answers"]
        assert len(keys) == 5
        assert keys == sorted(keys), "the journal keeps the order the answers arrived in"


def test_a_fold_that_fails_on_a_bug_leaves_the_next_fold_working(
    session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fold that stops on something unexpected (not the disk) is reported; the answers stay
    in the journal, and the next fold still folds them away, so the order they arrived in does
    not stay on disk for the rest of the meeting."""
    real = store_files.write_generation
    calls = {"n": 0}

    def buggy(folder: Path, generation: int, tables: object) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ValueError("simulated bug")
        real(folder, generation, tables)  # type: ignore[arg-type]

    monkeypatch.setattr(store_files, "write_generation", buggy)
    with SessionStore.open(session) as store:
        for d in range(3):
            store.put_answer("q0", slot(d, "q0"), 1 + d).wait(timeout=30)
        with pytest.raises(StoreError) as info:
            store.fold().wait(timeout=30)
        assert info.value.reason == "Could not fold the journal: ValueError('simulated bug')."
        assert info.value.path == session
        assert isinstance(info.value.__cause__, ValueError)  # the bug's traceback, for the log
        assert store_files.read_journal(session).batches, "a failed fold must keep the journal"
        store.fold().wait(timeout=30)
        assert calls["n"] == 2, "the second fold was never tried"
        assert store_files.read_journal(session).batches == []
        assert sorted(snapshot_answers(session).values()) == [1, 2, 3]
        # The snapshot built anew reads back as it is now, as a crash would leave it.
        with SessionStore.open(session, readonly=True) as reader:
            assert sorted(reader.answers("q0")) == [1, 2, 3]


def test_two_folds_dropped_with_a_failed_write_keep_every_answer_replaced_before_them(
    session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two folds queued behind a write that fails are both dropped with it. The first holds an
    answer a device changed before the failure (acknowledged, in the journal), the second only
    what came after it: the next fold must write the changed answer all the same, else the
    snapshot keeps the old value and a restart shows it."""
    disk = GatedFsync(monkeypatch)
    a, b, c = slot(1, "q0"), slot(2, "q0"), slot(3, "q0")
    with SessionStore.open(session) as store:
        store.put_answer("q0", a, 1).wait(timeout=30)
        store.fold().wait(timeout=30)
        store.put_answer("q0", a, 4).wait(timeout=30)  # acknowledged: the device changed it
        disk.full.set()
        failing = store.put_answer("q0", b, 2)
        assert disk.inside.wait(30)
        first = store.fold()  # holds a's change
        behind = store.put_answer("q0", c, 3)
        second = store.fold()  # holds c's answer only
        disk.full.clear()
        disk.gate.set()
        for durable in (failing, first, behind, second):
            with pytest.raises(StoreFull):
                durable.wait(timeout=30)
        store.fold().wait(timeout=30)
        assert snapshot_answers(session) == {a: 4}
    with SessionStore.open(session, readonly=True) as store:
        assert store.answer_for("q0", a) == 4
        assert store.answer_for("q0", b) is None
        assert store.answer_for("q0", c) is None


@pytest.mark.parametrize(
    ("code", "kind", "reasons"),
    [
        (
            errno.ENOSPC,
            StoreFull,
            {
                "answer": "The disk is full: could not save to the journal.",
                "fold": "The disk is full: could not fold the journal.",
                "reorder": "The disk is full: could not reorder the journal.",
                "half fold": "The disk is full: could not replace the journal after folding.",
            },
        ),
        (
            errno.EIO,
            StoreError,
            {
                "answer": "Could not save to the journal: simulated.",
                "fold": "Could not fold the journal: simulated.",
                "reorder": "Could not reorder the journal: simulated.",
                "half fold": "Could not replace the journal after folding: simulated.",
            },
        ),
    ],
)
def test_each_failed_step_is_reported_with_what_failed_and_where(
    session: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    code: int,
    kind: type,
    reasons: dict,
) -> None:
    """The class decides what the facilitator is told (a full disk: free some space); the
    reason and the folder go with it, into the error line and the log, for whoever helps."""
    fsync_fails = threading.Event()
    folder_fails = threading.Event()
    real_fsync, real_fsync_dir = store_files._fsync, store_files.fsync_dir

    def fsync(fd: int) -> None:
        if fsync_fails.is_set():
            raise OSError(code, "simulated")
        real_fsync(fd)

    def fsync_dir(folder: Path) -> None:
        if folder_fails.is_set():
            raise OSError(code, "simulated")
        real_fsync_dir(folder)

    monkeypatch.setattr(store_files, "_fsync", fsync)
    monkeypatch.setattr(store_files, "fsync_dir", fsync_dir)
    monkeypatch.setattr(store_session, "REORDER_IDLE", 3600.0)  # only the reorder asked for
    got = {}
    with SessionStore.open(session) as store:
        store.put_answer("q0", slot(0, "q0"), 1).wait(timeout=30)
        for step, failing, run in (
            ("answer", fsync_fails, lambda: store.put_answer("q0", slot(1, "q0"), 2)),
            ("fold", fsync_fails, store.fold),
            ("reorder", fsync_fails, store.reorder),
            ("half fold", folder_fails, store.fold),
        ):
            failing.set()
            with pytest.raises(StoreError) as info:
                run().wait(timeout=30)
            failing.clear()
            got[step] = (type(info.value), info.value.reason, info.value.path)
            store.put_answer("q0", slot(2, "q0"), 3).wait(timeout=30)  # the next one is saved
        settle(store)
    assert got == {step: (kind, reason, session) for step, reason in reasons.items()}
    # Each failure went to the caller, which reports it: none is logged as well.
    assert [r for r in caplog.records if r.name == "mognad_tui.store.writer"] == []


def test_the_log_says_when_the_order_stays_on_disk_and_when_it_is_gone(
    session: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The facilitator is told through ``watch_order``; whoever helps them reads the log: it
    must say that a reorder failed, why, when the writer tries again (a back-off that doubles),
    and that the order is gone once it succeeds."""
    monkeypatch.setattr(store_session, "REORDER_IDLE", 3600.0)  # only the reorders asked for
    full = threading.Event()
    real_fsync = store_files._fsync

    def fsync(fd: int) -> None:
        if full.is_set():
            raise OSError(errno.ENOSPC, "simulated")
        real_fsync(fd)

    monkeypatch.setattr(store_files, "_fsync", fsync)
    caplog.set_level(logging.INFO, logger="mognad_tui.store.writer")
    told: list[str | None] = []
    with SessionStore.open(session) as store:
        store.watch_order(lambda err: told.append(err and err.reason))
        for round_ in range(2):  # the disk fills up, is freed, and fills up again
            store.put_answer("q0", slot(round_, "q0"), 1).wait(timeout=30)
            full.set()
            for _ in range(2):
                with pytest.raises(StoreFull):
                    store.reorder().wait(timeout=30)
            full.clear()
            store.reorder().wait(timeout=30)
    reason = "The disk is full: could not reorder the journal."
    logged = [
        f"could not reorder {session} (next try in 1 s): {reason} ({session})",
        f"could not reorder {session} (next try in 2 s): {reason} ({session})",
        f"the journal of {session} is reordered again",
    ]
    assert [r.getMessage() for r in caplog.records if r.name == "mognad_tui.store.writer"] == [
        *logged,
        *logged,  # the back-off starts again from 1 s
    ]
    assert told == [reason, None, reason, None]  # the facilitator hears of each


def test_a_reorder_that_fails_on_a_bug_is_logged_and_the_next_one_works(
    session: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Not the disk but something unexpected: the log keeps the traceback, the journal on disk
    is the old one, whole, and the next reorder reads it back and succeeds."""
    monkeypatch.setattr(store_session, "REORDER_IDLE", 3600.0)
    real = store_files.replace_file
    calls = {"n": 0}

    def buggy(folder: Path, name: str, data: bytes) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ValueError("simulated bug")
        real(folder, name, data)

    monkeypatch.setattr(store_files, "replace_file", buggy)
    with SessionStore.open(session) as store:
        for d in (2, 1, 0):
            store.put_answer("q0", slot(d, "q0"), d).wait(timeout=30)
        with pytest.raises(StoreError) as info:
            store.reorder().wait(timeout=30)
        assert info.value.reason == "Could not reorder the journal: ValueError('simulated bug')."
        assert info.value.path == session
        assert isinstance(info.value.__cause__, ValueError)
        [logged] = [r for r in caplog.records if r.levelno == logging.ERROR]
        assert logged.getMessage() == f"could not reorder the journal of {session}"
        assert logged.exc_info is not None
        store.reorder().wait(timeout=30)
        [line] = store_files.read_journal(session).batches
        assert [op[3]["k"] for op in line] == sorted(slot(d, "q0") for d in (2, 1, 0))
    with SessionStore.open(session, readonly=True) as store:
        assert sorted(store.answers("q0")) == [0, 1, 2]


def test_a_write_awaited_on_a_loop_that_closed_before_its_fsync_is_saved_quietly(
    session: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The app quits (its loop closes) while a phone's answer waits for its fsync: the answer
    is still saved, and nothing is left to wake on the closed loop, so no error is logged."""

    async def give_up_waiting(durable) -> None:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(durable, timeout=0.01)

    with SessionStore.open(session) as store:
        held, release = hold_fsyncs(monkeypatch)
        durable = store.put_answer("q0", slot(1, "q0"), 4)
        assert held.wait(30)
        asyncio.run(give_up_waiting(durable))  # the loop is closed when this returns
        release.set()
        durable.wait(timeout=30)
        settle(store)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    with SessionStore.open(session, readonly=True) as store:
        assert store.answer_for("q0", slot(1, "q0")) == 4


def test_a_write_that_fails_on_a_bug_is_refused_with_the_folder_and_the_next_is_saved(
    session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not the disk but something unexpected while saving: the phone is told no (the writer
    must not leave it waiting), the error names what failed and where, the answer is rolled
    back, and the next answer is saved."""
    real = store_files.write_all
    calls = {"n": 0}

    def buggy(fd: int, data: bytes) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ValueError("simulated bug")
        real(fd, data)

    with SessionStore.open(session) as store:
        monkeypatch.setattr(store_files, "write_all", buggy)
        with pytest.raises(StoreError) as info:
            store.put_answer("q0", slot(1, "q0"), 1).wait(timeout=30)
        assert not isinstance(info.value, StoreFull)
        assert info.value.reason == "Could not save to the journal: ValueError('simulated bug')."
        assert info.value.path == session
        assert isinstance(info.value.__cause__, ValueError)  # the bug's traceback, for the log
        assert store.answer_for("q0", slot(1, "q0")) is None
        store.put_answer("q0", slot(2, "q0"), 2).wait(timeout=30)
    with SessionStore.open(session, readonly=True) as store:
        assert store.answers("q0") == [2]


def test_an_automatic_fold_that_fails_is_logged_and_the_answers_are_kept(
    session: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Nobody waits on a fold the writer makes by itself, so the log is the only place its
    failure shows: it names the folder and the reason. The answers stay in the journal."""
    monkeypatch.setattr(store_session, "FOLD_EVERY", 2)
    real = store_files._write

    def no_room_for_a_snapshot(fd: int, data) -> int:
        if bytes(data[:12]) == b'{"format":"m':
            raise OSError(errno.ENOSPC, "simulated")
        return real(fd, data)

    with SessionStore.open(session) as store:
        monkeypatch.setattr(store_files, "_write", no_room_for_a_snapshot)
        for d in range(2):
            store.put_answer("q0", slot(d, "q0"), d + 1).wait(timeout=30)
        settle(store)
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        monkeypatch.setattr(store_files, "_write", real)
    reason = f"The disk is full: could not fold the journal. ({session})"
    assert warnings == [f"could not fold {session}: {reason}"]
    with SessionStore.open(session, readonly=True) as store:
        assert sorted(store.answers("q0")) == [1, 2]


def test_a_fold_asked_for_again_with_nothing_new_waits_for_the_one_coming(
    session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two folds asked for in a row (the meeting reveals a result, then ``mognad close``
    checks the files): the second queues nothing, but it must not say "done" before the
    first has written the snapshot, or the caller reads the files too early."""
    a = slot(1, "q0")
    with SessionStore.open(session) as store:
        held, release = hold_fsyncs(monkeypatch)
        answer = store.put_answer("q0", a, 4)
        assert held.wait(30)
        first = store.fold()
        second = store.fold()
        early = second.done
        release.set()
        assert not early, "the second fold said done before the first was written"
        second.wait(timeout=30)
        assert snapshot_answers(session) == {a: 4}
        assert first.done and answer.done


def test_a_reorder_that_reads_the_journal_back_reads_only_what_was_acknowledged(
    session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a reorder failed on a bug the writer reads the journal back for the next one.
    A refused answer's whole line may still be in the file (its fsync failed, and so did
    cutting it off): the read must stop at the last acknowledged byte, so the reorder
    succeeds and the refused answer stays out."""
    monkeypatch.setattr(store_session, "REORDER_IDLE", 3600.0)
    real_replace_file = store_files.replace_file
    bug = {"on": True}

    def replace_file(folder: Path, name: str, data: bytes) -> None:
        if bug["on"]:
            raise ValueError("simulated bug")
        real_replace_file(folder, name, data)

    monkeypatch.setattr(store_files, "replace_file", replace_file)
    broken = io_errors_while_set(monkeypatch)
    with SessionStore.open(session) as store:
        for d in (2, 1):
            store.put_answer("q0", slot(d, "q0"), d).wait(timeout=30)
        with pytest.raises(StoreError):
            store.reorder().wait(timeout=30)  # the bug: the writer forgets what it kept
        bug["on"] = False
        broken.set()
        with pytest.raises(StoreError):
            store.put_answer("q0", slot(3, "q0"), 3).wait(timeout=30)
        broken.clear()
        store.reorder().wait(timeout=30)
        [line] = store_files.read_journal(session).batches
        assert [op[3]["k"] for op in line] == sorted(slot(d, "q0") for d in (2, 1))
    with SessionStore.open(session, readonly=True) as store:
        assert sorted(store.answers("q0")) == [1, 2]


def test_after_a_failed_reorder_the_writer_waits_for_the_back_off_before_the_next(
    session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk is not hammered: answers keep coming (and keep counting toward the next
    reorder), but the writer tries again only once the back-off has passed."""
    monkeypatch.setattr(store_session, "REORDER_EVERY", 2)
    monkeypatch.setattr(store_session, "REORDER_IDLE", 3600.0)
    monkeypatch.setattr(store_writer, "REORDER_RETRY", 3600.0)
    tries = []

    def full(folder: Path, name: str, data: bytes) -> None:
        tries.append(name)
        raise OSError(errno.ENOSPC, "simulated")

    monkeypatch.setattr(store_files, "replace_file", full)
    with SessionStore.open(session) as store:
        for d in range(10):
            store.put_answer("q0", slot(d, "q0"), 1).wait(timeout=30)
        settle(store)
        assert store.order_problem is not None
        assert tries == [store_files.JOURNAL]
        monkeypatch.undo()


def test_answers_saved_together_count_one_by_one_toward_the_reorder(
    session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Phones answering at once share one journal line (group commit): each answer counts,
    so no more than ``REORDER_EVERY`` answers stay in the order they arrived in."""
    monkeypatch.setattr(store_session, "REORDER_EVERY", 5)
    monkeypatch.setattr(store_session, "REORDER_IDLE", 3600.0)  # only the count reorders here
    with SessionStore.open(session) as store:
        held, release = hold_fsyncs(monkeypatch)
        first = store.put_answer("q0", slot(0, "q0"), 1)
        assert held.wait(30)
        together = [store.put_answer("q1", slot(d, "q1"), 2) for d in range(4, 0, -1)]
        release.set()
        for durable in (first, *together):
            durable.wait(timeout=30)
        settle(store)
        [line] = store_files.read_journal(session).batches
        keys = [(op[3]["q"], op[3]["k"]) for op in line if op[1] == "answers"]
        assert len(keys) == 5
        assert keys == sorted(keys), "five answers still keep the order they arrived in"


def test_closing_for_good_leaves_no_raw_answer_in_the_files(
    session: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """``mognad close`` drops the answers table whole: the fold after it must rewrite that
    table as a whole (else the snapshot text goes out of step with the tables, and the fold
    only gets it right by building the text anew, logging an error)."""
    with SessionStore.open(session) as store:
        for d in range(3):
            store.put_answer("q0", slot(d, "q0"), d + 1).wait(timeout=30)
        store.fold().wait(timeout=30)  # the answers are in the snapshot
    close_session(session, lambda record: {"q0": {"n": 3}})
    assert snapshot_answers(session) == {}
    assert store_files.read_journal(session).batches == []
    with SessionStore.open(session, readonly=True) as store:
        assert store.is_closed_for_good()
        assert store.answers("q0") == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_a_store_left_open_never_keeps_mognad_from_exiting(session: Path) -> None:
    """If a crash skips the close, the interpreter must still exit: the writer's thread is a
    daemon (what was acknowledged is on disk already)."""
    with SessionStore.open(session):
        [writer] = [t for t in threading.enumerate() if t.name == f"mognad-journal-{session.name}"]
        assert writer.daemon


def test_one_answer_after_a_reorder_is_reordered_after_the_idle_window(
    session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last answer of a meeting, alone after a reorder, must not stay behind the others
    in its own line (that says it came last) for longer than the idle window."""
    monkeypatch.setattr(store_session, "REORDER_IDLE", 0.2)
    with SessionStore.open(session) as store:
        for d in (3, 2):
            store.put_answer("q0", slot(d, "q0"), 1).wait(timeout=30)
        store.reorder().wait(timeout=30)
        store.put_answer("q0", slot(1, "q0"), 1).wait(timeout=30)
        deadline = time.monotonic() + 20  # only for a hang: the window is 0.2 s
        while len(store_files.read_journal(session).batches) > 1:
            assert time.monotonic() < deadline, "the lone answer kept its own line"
            time.sleep(0.05)
        [line] = store_files.read_journal(session).batches
        assert [op[3]["k"] for op in line] == sorted(slot(d, "q0") for d in (3, 2, 1))


def test_a_session_opened_and_closed_or_folded_with_nothing_new_is_left_as_it_was(
    session: Path,
) -> None:
    """A meeting started and quit without an answer, or a fold asked for with nothing new,
    rewrites nothing: the files stay byte for byte (no new generation to copy or back up)."""
    with SessionStore.open(session) as store:
        store.put_answer("q0", slot(1, "q0"), 1).wait(timeout=30)
    before = {p.name: p.read_bytes() for p in session.iterdir()}
    with SessionStore.open(session) as store:
        store.fold().wait(timeout=30)
        assert {p.name: p.read_bytes() for p in session.iterdir()} == before
    assert {p.name: p.read_bytes() for p in session.iterdir()} == before


@pytest.mark.parametrize("after", ["fold", "reorder"])
def test_the_count_toward_a_reorder_starts_again_after_a_fold_or_a_reorder(
    session: Path, monkeypatch: pytest.MonkeyPatch, after: str
) -> None:
    """``REORDER_EVERY`` answers after the last fold or reorder, not one fewer: a reorder
    costs what the journal holds, and the bound is what it promises."""
    monkeypatch.setattr(store_session, "REORDER_EVERY", 4)
    monkeypatch.setattr(store_session, "REORDER_IDLE", 3600.0)
    with SessionStore.open(session) as store:
        for d in range(2):
            store.put_answer("q0", slot(d, "q0"), 1).wait(timeout=30)
        (store.fold if after == "fold" else store.reorder)().wait(timeout=30)
        before = len(store_files.read_journal(session).batches)
        for d in range(3):
            store.put_answer("q1", slot(10 + d, "q1"), 1).wait(timeout=30)
        settle(store)
        assert len(store_files.read_journal(session).batches) == before + 3  # not reordered yet
        store.put_answer("q1", slot(20, "q1"), 1).wait(timeout=30)
        settle(store)
        assert len(store_files.read_journal(session).batches) == 1  # the fourth reorders


def test_a_reorder_after_a_fold_writes_from_memory_without_reading_the_journal(
    session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The live writer keeps the journal's net changes as it appends, so a reorder costs no
    read of the journal (only the first one after a crash reads it back)."""
    monkeypatch.setattr(store_session, "REORDER_IDLE", 3600.0)
    with SessionStore.open(session) as store:
        store.put_answer("q0", slot(1, "q0"), 1).wait(timeout=30)
        store.fold().wait(timeout=30)
        reads = []
        real = store_files.read_journal
        monkeypatch.setattr(
            store_files, "read_journal", lambda *a, **k: reads.append(a) or real(*a, **k)
        )
        for d in (3, 2):
            store.put_answer("q0", slot(d, "q0"), 1).wait(timeout=30)
        store.reorder().wait(timeout=30)
        assert reads == []


async def test_answers_saved_together_wake_the_loop_once(
    session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fifty phones answering at once share one fsync, and their writes one wake-up of the
    loop the screen and the server run on, not one each (bench/notes/ingest.md)."""
    loop = asyncio.get_running_loop()
    wakes = []
    real_wake = loop.call_soon_threadsafe

    def call_soon_threadsafe(callback, *args, **kwargs):
        wakes.append(callback)
        return real_wake(callback, *args, **kwargs)

    with SessionStore.open(session) as store:
        held, release = hold_fsyncs(monkeypatch)
        first = store.put_answer("q0", slot(0, "q0"), 1)
        assert await asyncio.to_thread(held.wait, 30)
        together = [store.put_answer("q1", slot(d, "q1"), 2) for d in range(10)]
        waits = [asyncio.ensure_future(asyncio.wait_for(d, 30)) for d in together]
        await asyncio.sleep(0)  # every write awaits its commit now
        monkeypatch.setattr(loop, "call_soon_threadsafe", call_soon_threadsafe)
        release.set()
        await asyncio.gather(*waits)
        first.wait(timeout=30)
        monkeypatch.undo()
    assert len(wakes) == 1


def test_a_fold_whose_new_journal_could_not_be_put_in_place_finishes_when_idle(
    session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new snapshot is in place but its journal is not (the folder's fsync failed, twice):
    the previous journal still lists answers in the order they came. Once the disk works again
    the writer puts the new journal in place after the idle window, without waiting for the
    next answer (which may never come: the meeting is over)."""
    monkeypatch.setattr(store_session, "REORDER_IDLE", 0.2)
    # An idle reorder that comes while the disk still fails is retried this soon.
    monkeypatch.setattr(store_writer, "REORDER_RETRY", 0.1)
    failing = folder_fsync_failing_on_demand(monkeypatch, errno.EIO)
    with SessionStore.open(session) as store:
        for d in (2, 1):
            store.put_answer("q0", slot(d, "q0"), 1).wait(timeout=30)
        failing["on"] = True
        with pytest.raises(StoreError):
            store.fold().wait(timeout=30)
        # Checked while the disk still fails: once it works, the writer may put the new
        # journal in place at any moment (the idle window began before the fold).
        snapshot = store_files.read_snapshot(session).generation
        assert store_files.read_journal(session).generation == snapshot - 1  # the stale one
        failing["on"] = False
        deadline = time.monotonic() + 20  # only for a hang: the window is 0.2 s
        while store_files.read_journal(session).generation != snapshot:
            assert time.monotonic() < deadline, "the stale journal stayed"
            time.sleep(0.05)
        assert store_files.read_journal(session).batches == []
