"""Folding while the session is live: the journal must not keep arrival order for long.

The journal lists writes in the order they arrived, and a device answers its questions one
after the other, so until the journal is folded it links a device's answers. These tests pin
down ``SessionStore.fold`` (and the folds the writer makes by itself): writes before, during
and after it all survive, a crash copy taken at any point opens with every acknowledged write,
a fold that finds no room changes nothing, and the files then hold no arrival order: no
answers in the journal, answers in (question, slot) order in the snapshot, and doc ids that
are not numbered by arrival.
"""

from __future__ import annotations

import asyncio
import errno
import hashlib
import itertools
import json
import shutil
import threading
from pathlib import Path

import pytest
from store_crash_child import make_info, make_question_set

from mognad_tui.store import SessionStore, StoreError, StoreFull, create_session
from mognad_tui.store import files as store_files
from mognad_tui.store import session as store_session


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "sessions"


@pytest.fixture
def session(data_dir: Path) -> Path:
    return create_session(data_dir, make_info(), make_question_set())


def slot(device: int, question: str) -> str:
    return hashlib.sha256(f"device-{device}/{question}".encode()).hexdigest()


def snapshot(folder: Path) -> dict:
    return json.loads((folder / "session.json").read_bytes())


def journal_batches(folder: Path) -> list[list]:
    scan = store_files.read_journal(folder)
    return scan.batches


def journal_answer_ops(folder: Path) -> list[list]:
    return [op for batch in journal_batches(folder) for op in batch if op[1] == "answers"]


def settle(store: SessionStore) -> None:
    """Wait until everything queued on the writer, folds included, is done."""
    with store._lock:
        assert store._writer is not None
        future = store._writer.submit(None)
    future.result(30)


def crash_copy(live: Path, dest: Path) -> Path:
    """The folder as a crash now would leave it, even while the writer is folding.

    A plain copytree can read the old snapshot and then the new journal, which no crash can
    leave (the snapshot is renamed into place before the journal). Copying the journal first
    sees the files in the order the writer changes them.
    """
    dest.mkdir(mode=0o700)
    shutil.copy2(live / "journal.log", dest / "journal.log")
    shutil.copy2(live / "session.json", dest / "session.json")
    shutil.copy2(live / "writer.lock", dest / "writer.lock")
    return dest


def assert_canonical(folder: Path) -> None:
    answers = list(snapshot(folder)["tables"]["answers"].values())
    assert answers == sorted(answers, key=lambda d: (d["q"], d["k"]))


# ---------------------------------------------------------------- what a fold leaves


def test_after_a_fold_the_journal_holds_no_answers_and_the_snapshot_is_canonical(
    data_dir: Path, session: Path
) -> None:
    questions = ["q0", "q1", "q2", "free"]
    with SessionStore.open(session) as store:
        generation = snapshot(session)["generation"]
        for device in range(12):  # device by device: the journal links each one's answers
            for q in questions:
                store.put_answer(q, slot(device, q), 3 if q != "free" else f"text {device}")
        store.set_note("p1", "a note").wait()
        assert len(journal_answer_ops(session)) == 12 * len(questions)

        store.fold().wait(timeout=30)

        assert journal_batches(session) == []
        assert (session / "journal.log").read_bytes().count(b"\n") == 1  # the header only
        snap = snapshot(session)
        assert snap["generation"] == generation + 1
        assert len(snap["tables"]["answers"]) == 12 * len(questions)
        assert_canonical(session)
        assert snap["tables"]["notes"]
        assert not [p for p in session.iterdir() if p.name.endswith(".tmp")]
        # The live session goes on in the new generation, and a crash now loses nothing.
        store.put_answer("q0", slot(99, "q0"), 5).wait()
        store.put_answer("q0", slot(3, "q0"), 1).wait()  # replaces one folded answer
        store.delete_answer("q1", slot(4, "q1")).wait()  # and deletes another
        crashed = crash_copy(session, data_dir / "crashed")
    for folder in (session, crashed):
        for readonly in (True, False):
            with SessionStore.open(folder, readonly=readonly) as store:
                assert store.answer_count("q0") == 13
                assert store.answer_for("q0", slot(3, "q0")) == 1
                assert store.answer_for("q0", slot(99, "q0")) == 5
                assert store.answer_for("q1", slot(4, "q1")) is None
                assert store.answer_for("free", slot(7, "free")) == "text 7"
                assert store.note("p1") == "a note"
                assert store.total_answers() == 12 * len(questions)
        assert_canonical(folder)


def test_a_fold_with_nothing_new_is_a_no_op(session: Path) -> None:
    with SessionStore.open(session) as store:
        store.fold().wait()  # nothing written since open: nothing to do
        assert journal_batches(session) == []
        store.put_answer("q0", "a", 1).wait()
        store.fold().wait()
        before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in session.iterdir()}
        for _ in range(3):
            durable = store.fold()
            assert durable.done
            durable.wait()
        after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in session.iterdir()}
        assert after == before


def test_fold_is_refused_on_a_read_only_or_closed_store(session: Path) -> None:
    with SessionStore.open(session, readonly=True) as reader, pytest.raises(StoreError):
        reader.fold()
    store = SessionStore.open(session)
    store.close()
    with pytest.raises(StoreError):
        store.fold()


def test_new_answer_ids_are_random_not_in_arrival_order(session: Path) -> None:
    with SessionStore.open(session) as store:
        for device in range(40):
            store.put_answer("q0", slot(device, "q0"), 1)
            store.put_answer("q1", slot(device, "q1"), 2)
        store.set_note("p1", "x").wait()
        ids = [op[2] for op in journal_answer_ops(session)]
    assert len(ids) == 80 and len(set(ids)) == 80
    assert ids != sorted(ids) and ids != sorted(ids, reverse=True)
    steps = {b - a for a, b in itertools.pairwise(ids)}
    assert len(steps) > 40, "ids must not step by a constant"
    assert max(ids) > 10**9, "drawn from a large space"
    # A clean close renumbers them in (question, slot) order, as before.
    answers = snapshot(session)["tables"]["answers"]
    assert list(answers) == [str(i) for i in range(1, 81)]
    assert_canonical(session)


def test_random_ids_never_collide(session: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mognad_tui.store import live

    with SessionStore.open(session) as store:
        for i in range(5):
            store.put_answer("q0", f"s{i}", i).wait()
        store.fold().wait()
        taken = sorted(int(k) for k in store._db.live.read()["answers"])
        draws = iter([taken[0] - 1, taken[-1] - 1, 7_777_777])  # two taken ids, then a free one
        monkeypatch.setattr(live.LiveStorage, "_draw", lambda self: next(draws))
        store.put_answer("q0", "new", 9).wait()
        assert store._answers["q0"]["new"] == 7_777_778
    with SessionStore.open(session, readonly=True) as store:
        assert store.answers("q0") == [9, 0, 1, 2, 3, 4]  # slot order: "new" < "s0"


def test_random_ids_come_from_fresh_secret_bytes_past_each_block() -> None:
    from mognad_tui.store import live

    storage = live.LiveStorage({}, random_ids=["answers"])
    ids = [storage.allocate_id("answers") for _ in range(3 * live.ENTROPY_BLOCK // 8 + 5)]
    assert all(1 <= i <= live.RANDOM_ID_SPACE for i in ids)
    assert len(set(ids)) == len(ids)  # three blocks and more: none repeats an earlier one
    assert max(ids) > 2**52  # the high bits are used too


def test_close_after_live_folds_leaves_canonical_ids(session: Path) -> None:
    with SessionStore.open(session) as store:
        for device in range(10):
            store.put_answer("q0", slot(device, "q0"), device % 5 + 1)
        store.fold().wait()
        assert max(int(k) for k in snapshot(session)["tables"]["answers"]) > 10**6
    answers = snapshot(session)["tables"]["answers"]
    assert list(answers) == [str(i) for i in range(1, 11)]
    assert_canonical(session)
    assert journal_batches(session) == []


def test_a_snapshot_written_by_a_live_fold_matches_one_written_from_scratch(
    session: Path,
) -> None:
    """The live fold serialises only what changed since the previous one: check its file."""
    with SessionStore.open(session) as store:
        for round_ in range(4):
            for device in range(15):
                q = f"q{(device + round_) % 5}"
                store.put_answer(q, slot(device, q), round_ + 1)
            store.delete_answer("q0", slot(round_, "q0"))
            store.set_note("p1", f"note {round_}")
            store.set_state("current", f"q{round_}")
            store.set_moderation("free", f"text {round_}", "approved")
            store.fold().wait()
            snap = snapshot(session)
            live = store._db.live.read()
            assert snap["tables"] == json.loads(json.dumps(live))
            assert_canonical(session)
            for name, docs in snap["tables"].items():
                if name != "answers":
                    assert list(docs) == sorted(docs, key=int)


def test_a_lone_surrogate_does_not_stop_a_fold(session: Path) -> None:
    with SessionStore.open(session) as store:
        store.put_answer("free", "a", "broken \ud800 text").wait()
        store.fold().wait()
        store.put_answer("free", "b", "ok").wait()
    for readonly in (True, False):
        with SessionStore.open(session, readonly=readonly) as store:
            assert store.answer_for("free", "a") == "broken \ud800 text"
            assert store.answer_for("free", "b") == "ok"


# ---------------------------------------------------------------- folds among live writes


async def test_fold_while_writes_are_in_flight(data_dir: Path, session: Path) -> None:
    """50 phones answering while the meeting folds again and again: every answer arrives."""
    per_phone = 12
    folds: list[int] = []
    crashes: list[tuple[Path, set[tuple[str, str]]]] = []
    acked: set[tuple[str, str]] = set()
    with SessionStore.open(session) as store:

        async def phone(n: int) -> None:
            for i in range(per_phone):
                q = f"q{i % 5}" if i < 10 else "multi"
                value = 1 + (n + i) % 5 if q != "multi" else ["a", "c"]
                key = slot(n * 100 + i, q)
                await store.put_answer(q, key, value)
                acked.add((q, key))
                if i % 4 == 3:
                    await asyncio.sleep(0)

        async def facilitator() -> None:
            for n in range(8):
                await asyncio.sleep(0.002 * (n % 3))
                await store.fold()
                folds.append(snapshot(session)["generation"])
                if n % 3 == 1:  # a crash copy while the phones keep answering
                    crashes.append((crash_copy(session, data_dir / f"crash-{n}"), set(acked)))

        await asyncio.gather(*(phone(n) for n in range(50)), facilitator())
        assert store.total_answers() == 50 * per_phone
        assert len(set(folds)) >= 2, "the folds should have had something to fold"
        await store.fold()
        assert journal_batches(session) == []
        assert_canonical(session)
    for folder, acknowledged in [*crashes, (session, acked)]:
        with SessionStore.open(folder, readonly=True) as store:
            for q, key in acknowledged:
                assert store.answer_for(q, key) is not None, (folder.name, q)
    with SessionStore.open(session) as store:
        assert store.total_answers() == 50 * per_phone
        assert store.answer_for("multi", slot(100 * 7 + 11, "multi")) == ["a", "c"]


def test_the_writer_folds_by_itself_every_few_answers(
    session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_session, "FOLD_EVERY", 10)
    with SessionStore.open(session) as store:
        generation = snapshot(session)["generation"]
        for device in range(7):
            for q in ("q0", "q1", "q2", "q3", "q4"):
                store.put_answer(q, slot(device, q), 2).wait()  # 35 answers
                assert len(journal_answer_ops(session)) <= 10
        settle(store)
        assert snapshot(session)["generation"] == generation + 3
        assert len(journal_answer_ops(session)) == 5
        assert_canonical(session)
        store.put_answer("q0", "late", 4).wait()
    with SessionStore.open(session, readonly=True) as store:
        assert store.total_answers() == 36


async def test_automatic_folds_keep_up_with_a_room(
    session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_session, "FOLD_EVERY", 25)
    with SessionStore.open(session) as store:
        generation = snapshot(session)["generation"]

        async def phone(n: int) -> None:
            for i in range(10):
                await store.put_answer(f"q{i % 5}", slot(n, f"q{i % 5}{i}"), 1 + i % 5)

        await asyncio.gather(*(phone(n) for n in range(50)))
        settle(store)
        assert snapshot(session)["generation"] >= generation + 500 // 25 // 2
        assert len(journal_answer_ops(session)) < 25 + 50  # one more group at the most
        assert store.total_answers() == 500
    with SessionStore.open(session, readonly=True) as store:
        assert store.total_answers() == 500


# ---------------------------------------------------------------- folds that fail


class SmallDisk:
    """Room for journal lines, not for a snapshot: writes above ``limit`` bytes fail."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, limit: int = 1_000) -> None:
        self.full = False
        self.limit = limit
        self.refused = 0
        real = store_files._write

        def fake(fd: int, data) -> int:
            if self.full and len(data) > self.limit:
                self.refused += 1
                real(fd, bytes(data[: len(data) // 2]))  # half of it lands, then ENOSPC
                raise OSError(errno.ENOSPC, "simulated")
            return real(fd, data)

        monkeypatch.setattr(store_files, "_write", fake)


def test_a_fold_that_finds_no_room_keeps_the_session_working(
    data_dir: Path, session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    disk = SmallDisk(monkeypatch)
    with SessionStore.open(session) as store:
        for i in range(6):
            store.put_answer("q0", f"s{i}", i).wait()
        files_before = {p.name: p.read_bytes() for p in session.iterdir()}
        disk.full = True
        with pytest.raises(StoreFull) as info:
            store.fold().wait(timeout=30)
        assert info.value.reason
        assert disk.refused
        # Nothing changed on disk, nothing vanished from memory, and writes go on.
        assert {p.name: p.read_bytes() for p in session.iterdir()} == files_before
        assert store.answers("q0") == [0, 1, 2, 3, 4, 5]
        for i in range(6, 10):
            store.put_answer("q0", f"s{i}", i).wait()
        # Not a no-op next time: the journal still holds everything.
        with pytest.raises(StoreFull):
            store.fold().wait(timeout=30)
        crashed = crash_copy(session, data_dir / "crashed")
        disk.full = False
        store.fold().wait(timeout=30)
        assert journal_batches(session) == []
        store.put_answer("q0", "s10", 10).wait()
    with SessionStore.open(crashed) as store:
        assert store.answers("q0") == list(range(10))
    with SessionStore.open(session) as store:
        assert sorted(store.answers("q0")) == list(range(11))


def test_automatic_folds_that_find_no_room_change_nothing(
    session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_session, "FOLD_EVERY", 5)
    disk = SmallDisk(monkeypatch)
    with SessionStore.open(session) as store:
        disk.full = True
        for i in range(23):
            store.put_answer(f"q{i % 5}", f"s{i}", 1 + i % 5).wait()
        settle(store)
        assert disk.refused >= 4, "the writer should have tried to fold"
        assert len(journal_answer_ops(session)) == 23
        disk.full = False
    with SessionStore.open(session, readonly=True) as store:
        assert store.total_answers() == 23


def test_a_fold_queued_behind_a_failed_write_fails_with_it(
    session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = store_files._fsync
    full = threading.Event()
    gate = threading.Event()

    def fsync(fd: int) -> None:
        if full.is_set():
            gate.wait(30)  # hold the failing write until the fold is queued behind it
            raise OSError(errno.ENOSPC, "simulated")
        real(fd)

    monkeypatch.setattr(store_files, "_fsync", fsync)
    with SessionStore.open(session) as store:
        store.put_answer("q0", "a", 1).wait()
        full.set()
        write = store.put_answer("q0", "b", 2)
        fold = store.fold()  # its copy of the tables holds "b", which never reaches the disk
        gate.set()
        for durable in (write, fold):
            with pytest.raises(StoreFull):
                durable.wait(timeout=30)
        assert store.answer_for("q0", "b") is None
        full.clear()
        store.fold().wait(timeout=30)  # the journal still held "a": folded now
        assert journal_batches(session) == []
        assert [d["k"] for d in snapshot(session)["tables"]["answers"].values()] == ["a"]
        store.put_answer("q0", "c", 3).wait()
    with SessionStore.open(session, readonly=True) as store:
        assert store.answers("q0") == [1, 3]


@pytest.mark.parametrize("failures", [1, 2, 3])
def test_a_fold_whose_journal_cannot_be_installed_loses_nothing(
    data_dir: Path, session: Path, monkeypatch: pytest.MonkeyPatch, failures: int
) -> None:
    """The new snapshot is in place but the new journal is not: the old one is stale now, so
    nothing may be appended to it until the new one is installed."""
    real = store_files.finish_generation
    calls = {"n": 0}

    def flaky(folder: Path, renamed: bool) -> None:
        calls["n"] += 1
        if calls["n"] <= failures:
            raise OSError(errno.EIO, "simulated")
        real(folder, renamed)

    with SessionStore.open(session) as store:
        for i in range(4):
            store.put_answer("q0", f"s{i}", i).wait()
        generation = snapshot(session)["generation"]
        monkeypatch.setattr(store_files, "finish_generation", flaky)
        fold = store.fold()
        if failures >= 2:  # the writer tries again at once
            with pytest.raises(StoreError):
                fold.wait(timeout=30)
        else:
            fold.wait(timeout=30)
        assert snapshot(session)["generation"] == generation + 1
        crashed = crash_copy(session, data_dir / "crashed")
        write = store.put_answer("q0", "s4", 4)
        if failures >= 3:  # installing before the append failed too: rolled back
            with pytest.raises(StoreError):
                write.wait(timeout=30)
            assert store.answer_for("q0", "s4") is None
            store.put_answer("q0", "s4", 4).wait()
        else:
            write.wait(timeout=30)
        monkeypatch.undo()
        store.put_answer("q0", "s5", 5).wait()
        crashed_later = crash_copy(session, data_dir / "crashed-later")
    with SessionStore.open(crashed) as store:
        assert store.answers("q0") == [0, 1, 2, 3]
    for folder in (crashed_later, session):
        with SessionStore.open(folder) as store:
            assert store.answers("q0") == [0, 1, 2, 3, 4, 5]


def test_a_failed_fold_after_a_half_fold_does_not_strand_the_writer(
    data_dir: Path, session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = store_files.finish_generation
    calls = {"n": 0}

    def flaky(folder: Path, renamed: bool) -> None:
        calls["n"] += 1
        if calls["n"] <= 2:
            raise OSError(errno.EIO, "simulated")
        real(folder, renamed)

    disk = SmallDisk(monkeypatch)
    with SessionStore.open(session) as store:
        for i in range(3):
            store.put_answer("q0", f"s{i}", i).wait()
        monkeypatch.setattr(store_files, "finish_generation", flaky)
        with pytest.raises(StoreError):
            store.fold().wait(timeout=30)  # new snapshot, old journal still there
        disk.full = True
        with pytest.raises(StoreFull):
            store.fold().wait(timeout=30)  # and no room for another
        store.put_answer("q0", "s3", 3).wait()  # a fresh journal goes in before it
        disk.full = False
        crashed = crash_copy(session, data_dir / "crashed")
        store.put_answer("q0", "s4", 4).wait()
    with SessionStore.open(crashed) as store:
        assert store.answers("q0") == [0, 1, 2, 3]
    with SessionStore.open(session) as store:
        assert store.answers("q0") == [0, 1, 2, 3, 4]
