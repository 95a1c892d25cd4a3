"""The session store as its users meet it: sessions that survive, refuse, and keep secrets."""

from __future__ import annotations

import asyncio
import base64
import errno
import hashlib
import hmac
import json
import re
import shutil
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from store_crash_child import make_info, make_question_set

from mognad_tui.model import (
    ActionItem,
    ActionStatus,
    Kind,
    Need,
    NeedKind,
    Option,
    Priority,
    Question,
    SessionRecord,
    Voting,
)
from mognad_tui.store import (
    SCHEMA_VERSION,
    SessionDamaged,
    SessionExists,
    SessionLocked,
    SessionNotFound,
    SessionStore,
    StoreError,
    StoreFull,
    create_session,
    list_sessions,
    resolve_session,
    slugify,
)
from mognad_tui.store import files as store_files
from mognad_tui.store.live import LiveTable


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "sessions"


@pytest.fixture
def session(data_dir: Path) -> Path:
    return create_session(data_dir, make_info(), make_question_set())


def file_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def crash_copy(live: Path, dest: Path) -> Path:
    """The folder as a crash would leave it: a writer's journal never folded."""
    shutil.copytree(live, dest)
    return dest


# ---------------------------------------------------------------- create, open, close


def test_create_open_close_round_trip(data_dir: Path) -> None:
    path = create_session(data_dir, make_info(), make_question_set())
    assert path == data_dir / "enhet-nord"
    need = Need("n1", NeedKind.COMPETENCE, "Lära oss e-tjänsterna", dimension="d1")
    action = ActionItem(
        "a1", "Utbildning i e-tjänster", owner="Kim", due="2025-06-01",
        status=ActionStatus.STARTED, priority=Priority.HIGH, follow_up="Mät igen", need="n1",
    )  # fmt: skip
    poll = Question("poll1", Kind.SINGLE, "Hur digital är vår dag?", (Option("a", "Lite"),))
    with SessionStore.open(path) as store:
        assert not store.readonly
        durables = [
            store.put_answer("q0", "slot-a", 4),
            store.put_answer("q0", "slot-b", "dont_know"),
            store.put_answer("multi", "slot-a", ["a", "c"]),
            store.set_tally("q0", {"4": 3, "5": 1}),
            store.set_moderation("free", "Mer tid", "approved"),
            store.set_moderation("free", "Dåligt", "hidden"),
            store.set_note("p1", "Vi pratade om papper.\nOch om tid."),
            store.save_need(need),
            store.save_action(action),
            store.add_poll(poll),
            store.set_state("current", "q0"),
            store.update_info(threshold=4, follow_up="enhet-nord-2024"),
        ]
        for d in durables:
            d.wait(timeout=10)
            assert d.done
    with SessionStore.open(path) as store:
        assert store.info.threshold == 4
        assert store.info.follow_up == "enhet-nord-2024"
        assert store.answer_for("q0", "slot-a") == 4
        assert store.answers("q0") == [4, "dont_know"]
        assert store.answer_for("multi", "slot-a") == ["a", "c"]
        assert store.answer_count("q0") == 2
        assert store.total_answers() == 3
        assert store.tally("q0") == {"4": 3, "5": 1}
        assert store.tallies() == {"q0": {"4": 3, "5": 1}}
        assert store.moderation("free") == {"Mer tid": "approved", "Dåligt": "hidden"}
        assert store.note("p1") == "Vi pratade om papper.\nOch om tid."
        assert store.notes() == {"p1": "Vi pratade om papper.\nOch om tid."}
        assert store.needs() == [need]
        assert store.actions() == [action]
        assert store.polls() == [poll]
        assert store.state("current") == "q0"
        assert store.state("missing", "default") == "default"


def test_create_fills_join_code_and_secret_and_refuses_a_taken_name(data_dir: Path) -> None:
    path = create_session(data_dir, make_info(), make_question_set())
    with SessionStore.open(path, readonly=True) as store:
        assert re.fullmatch(r"\d{6}", store.info.join_code)
        assert len(store.secret) == 32
        first = (store.info.join_code, store.secret)
    with pytest.raises(SessionExists):
        create_session(data_dir, make_info(), make_question_set())
    other = create_session(data_dir, make_info("enhet-syd"), make_question_set())
    with SessionStore.open(other, readonly=True) as store:
        assert store.secret != first[1]
    kept = create_session(
        data_dir, replace(make_info("enhet-vast"), join_code="123456"), make_question_set()
    )
    with SessionStore.open(kept) as store:
        assert store.info.join_code == "123456"
    assert not [p for p in data_dir.iterdir() if p.name.startswith(".")]


def test_the_set_in_another_language_is_frozen_beside_it(data_dir: Path) -> None:
    """Kept and read back; a session made without one opens as before; a copy that asks
    something else is damage, never shown to a phone as if it were the same question."""
    own = make_question_set()
    english = replace(own, lang="en", title="Digital maturity")
    path = create_session(data_dir, make_info(), own, [english])
    with SessionStore.open(path) as store:
        store.put_answer(own.questions[0].id, "slot-a", 1).wait(timeout=10)
    with SessionStore.open(path, readonly=True) as store:  # after a fold too
        assert store.question_set == own
        assert store.translations == {"en": english}
    plain = create_session(data_dir, make_info("enhet-syd"), own)
    with SessionStore.open(plain, readonly=True) as store:
        assert store.translations == {}
    other = replace(english, steps=own.steps[:1])
    with pytest.raises(SessionDamaged):
        create_session(data_dir, make_info("enhet-vast"), own, [other])


@pytest.mark.parametrize("bad", ["", "../x", "a/b", ".hidden", "x" * 101])
def test_create_refuses_a_name_that_is_not_a_folder_name(data_dir: Path, bad: str) -> None:
    with pytest.raises(StoreError):
        create_session(data_dir, make_info(bad), make_question_set())


def test_close_is_idempotent_and_writes_after_close_fail(session: Path) -> None:
    store = SessionStore.open(session)
    store.put_answer("q0", "a", 1).wait()
    store.close()
    store.close()
    assert store.answer_for("q0", "a") == 1  # reads still work from memory
    with pytest.raises(StoreError):
        store.put_answer("q0", "b", 2)


def test_frozen_question_set_survives_the_yaml_changing(data_dir: Path) -> None:
    original = make_question_set()
    path = create_session(data_dir, make_info(), original)
    changed = make_question_set(title="Helt nya frågor")  # the YAML was edited afterwards
    assert changed != original
    with SessionStore.open(path) as store:
        assert store.question_set == original
        assert store.record().question_set == original


def test_a_second_answer_from_the_same_slot_replaces_the_first(session: Path) -> None:
    with SessionStore.open(session) as store:
        store.put_answer("q1", "slot", 2).wait()
        store.put_answer("q1", "slot", 5).wait()
        store.put_answer("q1", "other", 3).wait()
        assert store.answer_for("q1", "slot") == 5
        assert store.answer_count("q1") == 2
        store.delete_answer("q1", "other").wait()
        store.delete_answer("q1", "never").wait()  # nothing to delete: still fine
        assert store.answers("q1") == [5]
    with SessionStore.open(session) as store:
        assert store.answers("q1") == [5]
        assert store.total_answers() == 1


def test_values_are_private_copies(session: Path) -> None:
    with SessionStore.open(session) as store:
        mine = ["a"]
        store.put_answer("multi", "s", mine).wait()
        mine.append("b")
        got = store.answer_for("multi", "s")
        got.append("c")
        assert store.answer_for("multi", "s") == ["a"]
        with pytest.raises(TypeError):
            store.put_answer("q0", "s", object())
        with pytest.raises(TypeError):
            store.put_answer("q0", "s", float("nan"))


def test_record_is_a_consistent_plain_copy(session: Path) -> None:
    with SessionStore.open(session) as store:
        store.put_answer("q0", "b", 2)
        store.put_answer("q0", "a", 4)
        store.put_answer("free", "a", "Mer tid")
        store.set_moderation("free", "Mer tid", "approved")
        store.set_moderation("free", "Nej", "hidden")
        store.set_state("voting", {"q0": "revealed", "free": "open", "x": "bogus"})
        store.set_tally("q1", {"3": 2})
        d = store.add_poll(Question("poll", Kind.SINGLE, "Snabbt?", (Option("y", "Ja"),)))
        d.wait()
        record = store.record()
        assert isinstance(record, SessionRecord)
        assert sorted(record.answers["q0"]) == [2, 4]
        assert record.answers["free"] == ["Mer tid"]
        assert record.approved == {"free": ["Mer tid"]}
        assert record.voting == {"q0": Voting.REVEALED, "free": Voting.OPEN}
        assert record.tallies == {"q1": {"3": 2}}
        assert [p.id for p in record.polls] == ["poll"]
        assert record.question("poll") is not None
        store.put_answer("q0", "c", 1).wait()
        assert sorted(record.answers["q0"]) == [2, 4]  # a copy, not a live view
        with pytest.raises(ValueError):
            store.set_moderation("free", "x", "maybe")


def test_validation_happens_before_anything_changes(session: Path) -> None:
    with SessionStore.open(session) as store:
        with pytest.raises(ValueError):
            store.put_answer("", "slot", 1)
        with pytest.raises(ValueError):
            store.set_tally("q0", {"1": -1})
        with pytest.raises(ValueError):
            store.update_info(name="other")
        with pytest.raises(TypeError):
            store.update_info(nonsense=1)
        assert store.total_answers() == 0
        assert store.tallies() == {}


# ---------------------------------------------------------------- readers and writers


def test_readonly_sees_acknowledged_answers_while_the_writer_is_live(session: Path) -> None:
    before = file_bytes(session)
    with SessionStore.open(session) as writer:
        for i in range(30):
            writer.put_answer(f"q{i % 5}", f"s{i}", 1 + i % 5).wait()
        journal_before = (session / "journal.log").read_bytes()
        with SessionStore.open(session, readonly=True) as reader:
            assert reader.readonly
            assert reader.total_answers() == 30
            assert reader.answer_for("q2", "s7") == 3
            with pytest.raises(StoreError):
                reader.put_answer("q0", "x", 1)
        assert (session / "journal.log").read_bytes() == journal_before
        writer.put_answer("q0", "late", 5).wait()
        assert writer.total_answers() == 31  # the reader did not disturb the writer
    assert file_bytes(session) != before


def test_a_second_writer_is_refused(session: Path) -> None:
    with SessionStore.open(session):
        with pytest.raises(SessionLocked):
            SessionStore.open(session)
        [summary] = list_sessions(session.parent)
        assert summary.locked
    with SessionStore.open(session):
        pass
    [summary] = list_sessions(session.parent)
    assert not summary.locked


def test_newer_schema_is_refused_clearly(data_dir: Path, session: Path) -> None:
    snap = session / "session.json"
    data = json.loads(snap.read_bytes())
    data["schema"] = SCHEMA_VERSION + 1
    snap.write_text(json.dumps(data))
    before = file_bytes(session)
    for readonly in (True, False):
        with pytest.raises(StoreError, match="newer") as info:
            SessionStore.open(session, readonly=readonly)
        assert not isinstance(info.value, SessionDamaged)
    assert file_bytes(session) == before
    [summary] = list_sessions(data_dir)
    assert "newer" in summary.error


# ---------------------------------------------------------------- damage


def _damage_snapshot_garbage(path: Path) -> None:
    (path / "session.json").write_bytes(b"\x00\x17garbage{{{")


def _damage_snapshot_shape(path: Path) -> None:
    data = json.loads((path / "session.json").read_bytes())
    data["tables"]["answers"]["99"] = {"q": "q0", "k": "s", "v": 1, "token": "x"}
    (path / "session.json").write_text(json.dumps(data))


def _damage_snapshot_not_a_session(path: Path) -> None:
    (path / "session.json").write_text("[1, 2, 3]")


def _damage_journal_middle(path: Path) -> None:
    journal = path / "journal.log"
    lines = journal.read_bytes().split(b"\n")
    assert len(lines) >= 5, "the crash copy should hold several journal lines"
    middle = bytearray(lines[2])
    middle[-3] ^= 0x01  # one flipped bit: the checksum no longer matches
    lines[2] = bytes(middle)
    journal.write_bytes(b"\n".join(lines))


def _damage_journal_shape(path: Path) -> None:
    with open(path / "journal.log", "ab") as f:
        f.write(store_files.encode_line('[["p","answers","x",{}]]'))


@pytest.mark.parametrize(
    "damage",
    [
        _damage_snapshot_garbage,
        _damage_snapshot_shape,
        _damage_snapshot_not_a_session,
        _damage_journal_middle,
        _damage_journal_shape,
    ],
)
def test_a_damaged_session_is_reported_and_left_exactly_as_it_was(
    data_dir: Path, tmp_path: Path, damage
) -> None:
    live = create_session(data_dir, make_info("live"), make_question_set())
    with SessionStore.open(live) as store:
        for i in range(6):
            store.put_answer("q0", f"s{i}", 1).wait()
        bad = crash_copy(live, data_dir / "damaged")
    damage(bad)
    create_session(data_dir, make_info("healthy", created="2025-04-01"), make_question_set())
    before = file_bytes(bad)
    for readonly in (True, False, True):
        with pytest.raises(SessionDamaged) as info:
            SessionStore.open(bad, readonly=readonly)
        assert info.value.reason
        assert info.value.path == bad
    assert file_bytes(bad) == before
    summaries = {s.name: s for s in list_sessions(data_dir)}
    assert set(summaries) == {"live", "healthy", "damaged"}
    assert summaries["damaged"].error
    assert summaries["healthy"].error is None and summaries["live"].answers == 6
    assert file_bytes(bad) == before
    with SessionStore.open(data_dir / "healthy") as store:  # the others still work
        store.put_answer("q0", "s", 3).wait()


def test_a_torn_journal_tail_is_dropped(data_dir: Path, session: Path) -> None:
    with SessionStore.open(session) as store:
        for i in range(5):
            store.put_answer("q0", f"s{i}", i).wait()
        crashed = crash_copy(session, data_dir / "crashed")
    full_line = store_files.encode_line('[["p","answers",99,{"q":"q0","k":"torn","v":1}]]')
    with open(crashed / "journal.log", "ab") as f:
        f.write(full_line[:-9])  # died in the middle of the write
    before = file_bytes(crashed)
    with SessionStore.open(crashed, readonly=True) as reader:
        assert reader.total_answers() == 5
        assert reader.answer_for("q0", "torn") is None
    assert file_bytes(crashed) == before  # a reader never repairs
    with SessionStore.open(crashed) as writer:
        assert writer.total_answers() == 5
        writer.put_answer("q0", "after", 1).wait()
    with SessionStore.open(crashed, readonly=True) as reader:
        assert reader.total_answers() == 6


def test_a_complete_last_line_with_a_bad_checksum_is_a_torn_tail_too(
    data_dir: Path, session: Path
) -> None:
    with SessionStore.open(session) as store:
        store.put_answer("q0", "a", 1).wait()
        crashed = crash_copy(session, data_dir / "crashed")
    with open(crashed / "journal.log", "ab") as f:
        f.write(b"00000000 [garbage]\n")
    with SessionStore.open(crashed, readonly=True) as reader:
        assert reader.total_answers() == 1


def test_a_crash_between_snapshot_and_journal_replacement_loses_nothing(
    data_dir: Path, session: Path
) -> None:
    with SessionStore.open(session) as store:
        for i in range(4):
            store.put_answer("q0", f"s{i}", i).wait()
        crashed = crash_copy(session, data_dir / "crashed")
    # The fold wrote the new snapshot and died before replacing the journal.
    loaded = store_files.load(crashed)
    store_files.replace_file(
        crashed,
        "session.json",
        store_files.snapshot_bytes(loaded.snapshot_generation + 1, loaded.tables),
    )
    for readonly in (True, False):
        with SessionStore.open(crashed, readonly=readonly) as store:
            assert store.answers("q0") == [0, 1, 2, 3]


# ---------------------------------------------------------------- full disk


class FailingDisk:
    """Stands in for os.write / os.fsync; fails while ``full`` is set.

    With ``hold``, a failing call first waits until the test calls ``release()``: the test,
    not the writer thread's timing, decides when the commit fails (``failing`` tells it that
    the writer is inside the failing call).
    """

    def __init__(
        self,
        monkeypatch: pytest.MonkeyPatch,
        where: str,
        err: int = errno.ENOSPC,
        *,
        hold: bool = False,
    ):
        self.full = False
        self.calls = 0
        self.err = err
        self.failing = threading.Event()
        self._gate = threading.Event()
        if not hold:
            self._gate.set()
        real = getattr(store_files, where)

        def fake(fd, data=None):
            self.calls += 1
            if self.full:
                if where == "_write" and len(data) > 4:  # half of it lands, then the disk fills
                    real(fd, bytes(data[: len(data) // 2]))
                self.failing.set()
                assert self._gate.wait(30), "the test never released the failing call"
                raise OSError(self.err, "simulated")
            return real(fd) if data is None else real(fd, data)

        monkeypatch.setattr(store_files, where, fake)

    def release(self) -> None:
        self._gate.set()


@pytest.mark.parametrize(
    ("where", "err", "kind"),
    [
        ("_fsync", errno.ENOSPC, StoreFull),
        ("_write", errno.ENOSPC, StoreFull),
        ("_write", errno.EDQUOT, StoreFull),
        ("_fsync", errno.EIO, StoreError),
    ],
)
def test_a_full_disk_is_reported_rolled_back_and_recovered_from(
    session: Path, monkeypatch: pytest.MonkeyPatch, where: str, err: int, kind: type
) -> None:
    disk = FailingDisk(monkeypatch, where, err, hold=True)
    real_load = store_files.load
    loads_by_thread: list[str] = []

    def load(*args, **kwargs):
        loads_by_thread.append(threading.current_thread().name)
        return real_load(*args, **kwargs)

    with SessionStore.open(session) as store:
        store.put_answer("q0", "a", 1).wait()
        store.set_note("p1", "före").wait()
        durable_size = (session / "journal.log").stat().st_size
        monkeypatch.setattr(store_files, "load", load)
        disk.full = True
        failing = [store.put_answer("q0", "a", 5)]  # a replacement: its commit fails ...
        assert disk.failing.wait(10)
        failing += [
            store.put_answer("q0", "b", 2),  # ... and writes queued behind it are dropped too
            store.set_note("p1", "efter"),
        ]
        # Every change shows at once, before it is durable, until the commit fails.
        assert store.answer_for("q0", "a") == 5
        assert store.answer_for("q0", "b") == 2
        assert store.note("p1") == "efter"
        assert not any(d.done for d in failing)
        disk.release()
        for d in failing:
            with pytest.raises(kind) as info:
                d.wait(timeout=10)
            assert info.value.reason
        # The rollback was the writer's own step after the failed commit, not a read's.
        assert loads_by_thread and all(n.startswith("mognad-journal") for n in loads_by_thread)
        assert store.answer_for("q0", "a") == 1  # rolled back to what is on disk
        assert store.answer_for("q0", "b") is None
        assert store.note("p1") == "före"
        assert (session / "journal.log").stat().st_size == durable_size  # no half line kept
        disk.full = False
        store.put_answer("q0", "c", 3).wait()
        store.put_answer("q0", "b", 4).wait()
        assert sorted(store.answers("q0")) == [1, 3, 4]
    with SessionStore.open(session, readonly=True) as store:
        assert store.answer_for("q0", "a") == 1
        assert store.answer_for("q0", "b") == 4
        assert store.note("p1") == "före"


async def test_a_full_disk_raises_when_awaited_on_the_loop(
    session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    disk = FailingDisk(monkeypatch, "_fsync")
    with SessionStore.open(session) as store:
        await store.put_answer("q0", "a", 1)
        disk.full = True
        with pytest.raises(StoreFull):
            await store.put_answer("q0", "b", 2)
        assert store.answer_for("q0", "b") is None
        disk.full = False
        await store.put_answer("q0", "b", 3)
        assert store.answer_for("q0", "b") == 3


def test_a_fold_that_finds_no_room_keeps_the_journal(
    data_dir: Path, session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SessionStore.open(session) as store:
        for i in range(5):
            store.put_answer("q0", f"s{i}", i).wait()
        crashed = crash_copy(session, data_dir / "crashed")

    def no_room(*args, **kwargs):
        raise OSError(errno.ENOSPC, "simulated")

    monkeypatch.setattr(store_files, "write_generation", no_room)
    with SessionStore.open(crashed) as store:  # cannot fold: appends to the journal as it is
        store.put_answer("q0", "more", 9).wait()
    monkeypatch.undo()
    with SessionStore.open(crashed) as store:
        assert store.total_answers() == 6
        assert store.answer_for("q0", "more") == 9


# ---------------------------------------------------------------- concurrency


async def test_concurrent_answers_share_fsyncs_and_all_arrive(
    session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    disk = FailingDisk(monkeypatch, "_fsync")
    with SessionStore.open(session) as store:
        disk.calls = 0

        async def phone(n: int) -> None:
            for i in range(10):
                await store.put_answer(f"q{i % 5}", f"phone{n}", i)

        await asyncio.gather(*(phone(n) for n in range(50)))
        assert store.total_answers() == 5 * 50
        assert disk.calls < 500 / 2, "group commit should share fsyncs"
    with SessionStore.open(session, readonly=True) as store:
        assert store.answer_for("q4", "phone7") == 9


async def test_cancelling_one_waiter_does_not_cancel_its_group(session: Path) -> None:
    with SessionStore.open(session) as store:
        first = asyncio.ensure_future(_await(store.put_answer("q0", "a", 1)))
        second = store.put_answer("q0", "b", 2)
        first.cancel()
        await second
        assert second.done
    with SessionStore.open(session) as store:
        assert store.answers("q0") == [1, 2]


async def _await(durable) -> None:
    await durable


async def test_writes_awaiting_one_commit_cost_the_loop_one_wake_up_each(
    session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under a room's load every answer waits for a group commit. Its waiting costs the loop
    one callback per write (the write's task waking), not three (a wrapped future, a shield's
    two callbacks): a measurable share of an answer's cost (bench/notes/ingest.md)."""
    real_fsync = store_files._fsync
    held = threading.Event()
    monkeypatch.setattr(store_files, "_fsync", lambda fd: held.wait(30) and real_fsync(fd))
    loop = asyncio.get_running_loop()
    writes = 40
    with SessionStore.open(session) as store:
        durables = [store.put_answer("q0", f"s{i}", i) for i in range(writes)]
        tasks = [asyncio.ensure_future(_await(d)) for d in durables]
        await asyncio.sleep(0)  # every task is now waiting for its commit
        calls = 0
        real_call_soon = loop.call_soon

        def call_soon(*args, **kwargs):
            nonlocal calls
            calls += 1
            return real_call_soon(*args, **kwargs)

        monkeypatch.setattr(loop, "call_soon", call_soon)
        held.set()
        await asyncio.wait(tasks)
        monkeypatch.setattr(loop, "call_soon", real_call_soon)
        assert all(t.exception() is None for t in tasks)
    # Each task wakes once and tells ``asyncio.wait`` it is done: two callbacks per write.
    assert calls <= 2 * writes + 4, calls


def test_an_answer_is_one_put_without_tinydbs_update_machinery(
    session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new answer and a changed one are each filed as one whole-document put, an unchanged
    one as nothing, without TinyDB's insert or update: those build a closure, a view of the
    table and copies for every answer, which under a room's load made the garbage collector
    run several times as often (bench/notes/ingest.md)."""

    def refuse(*args, **kwargs):
        raise AssertionError("an answer went through TinyDB's update machinery")

    monkeypatch.setattr(LiveTable, "_update_table", refuse)
    with SessionStore.open(session) as store:
        store.put_answer("q0", "a", 1).wait()
        store.put_answer("q0", "a", 2).wait()
        store.put_answer("q0", "a", 2).wait()
        store.put_answer("q0", "b", 3).wait()
        assert store.answers("q0") == [2, 3]
        puts = [
            line
            for line in (session / "journal.log").read_text(encoding="utf-8").splitlines()
            if '"answers"' in line
        ]
        assert len(puts) == 3, puts  # a, a changed, b: the unchanged answer wrote nothing
    monkeypatch.undo()
    with SessionStore.open(session, readonly=True) as store:
        assert store.answers("q0") == [2, 3]
        assert store.answer_for("q0", "a") == 2


# ---------------------------------------------------------------- anonymity


def unkeyed_derivations(token: str, questions: tuple[str, ...]) -> set[str]:
    """What anyone holding a device's token could compute without the session secret: the
    token's hashes alone and with each question id, in either order and with the usual
    separators, whole or cut to the lengths a key is often cut to, hex or base64."""
    messages = {token.encode()}
    for q in questions:
        for sep in ("\0", ":", "|", "/", "", "\n"):
            messages |= {f"{q}{sep}{token}".encode(), f"{token}{sep}{q}".encode()}
    digests: set[bytes] = set()
    for message in messages:
        for name in ("md5", "sha1", "sha224", "sha256", "sha384", "sha512", "blake2b", "sha3_256"):
            digests.add(hashlib.new(name, message).digest())
        for key in (b"", token.encode(), *(q.encode() for q in questions)):
            digests.add(hmac.new(key, message, hashlib.sha256).digest())
    found: set[str] = set()
    for digest in digests:
        for text in (
            digest.hex(),
            base64.urlsafe_b64encode(digest).decode().rstrip("="),
            base64.b64encode(digest).decode().rstrip("="),
        ):
            found |= {text[:n] for n in (12, 16, 20, 24, 32, 40, 64) if n <= len(text)}
    return found


def _texts(folder: Path) -> list[str]:
    return [p.read_bytes().decode() for p in folder.rglob("*") if p.is_file()]


async def _answer_through_the_meeting(session: Path, tokens: list[str]) -> list[str]:
    """Every token answers both questions; returns the files' texts while still open (the
    journal) followed by their texts once closed (the folded snapshot)."""
    from mognad_tui.meeting import Meeting

    with SessionStore.open(session) as store:
        meeting = Meeting(store)
        for question in ("q0", "free"):
            await meeting.toggle_open(question)
        for token in tokens:  # arrival order: by token
            await meeting.submit(token, "q0", 3)
            await meeting.submit(token, "free", "Mer tid")
        live = _texts(session)
    return live + _texts(session)


def _stored_keys(session: Path) -> set[str]:
    answers = json.loads((session / "session.json").read_text())["tables"]["answers"]
    return {str(doc["k"]) for doc in answers.values()}


async def test_files_hold_no_token_nor_anything_made_from_it_without_the_secret(
    data_dir: Path, session: Path
) -> None:
    """The real device tokens, answered through the meeting as a phone's answers are: no file
    holds a token, nor any key a person holding the token could recompute without the
    session's secret (a slot must be keyed by it, or the folder tells whose answer is whose)."""
    from mognad_tui.meeting import Meeting

    with SessionStore.open(session) as store:
        tokens = [Meeting(store).issue_device() for _ in range(12)]
    blobs = await _answer_through_the_meeting(session, tokens)
    derived = set().union(*(unkeyed_derivations(t, ("q0", "free")) for t in tokens))
    for text in blobs:
        for token in tokens:
            assert token not in text
        leaked = [d for d in derived if d in text]
        assert not leaked, f"a key anyone with the token can recompute: {leaked[:3]}"
    # The same phones in another session (another secret) get other keys: the key is the
    # secret's, not the token's.
    other = create_session(data_dir, make_info("enhet-syd"), make_question_set())
    await _answer_through_the_meeting(other, tokens)
    mine, theirs = _stored_keys(session), _stored_keys(other)
    assert len(mine) == 24 and len(theirs) == 24
    assert not mine & theirs


def test_files_hold_no_address_or_time_and_no_arrival_order(session: Path) -> None:
    with SessionStore.open(session) as store:
        for n in reversed(range(12)):  # arrival order: descending keys
            store.put_answer("q0", f"slot-{n:02d}", 3).wait()
            store.put_answer("free", f"slot-{n:02d}", "Mer tid").wait()
        live = file_bytes(session)
    closed = file_bytes(session)
    for blob in (*live.values(), *closed.values()):
        text = blob.decode()
        assert not re.search(r"\d{2}:\d{2}", text), "no clock times"
        assert not re.search(r"\b1[6-9]\d{8}\b", text), "no epoch stamps"
        for word in ("ip", "user_agent", "token", "time", "remote", "addr"):
            assert f'"{word}"' not in text
    tables = json.loads(closed["session.json"])["tables"]
    answers = list(tables["answers"].values())
    assert all(set(doc) == {"q", "k", "v"} for doc in answers)
    assert answers == sorted(answers, key=lambda d: (d["q"], d["k"]))  # not arrival order
    with SessionStore.open(session) as store:
        assert store.answers("q0") == [3] * 12


def test_session_files_are_private_to_their_owner(session: Path) -> None:
    for p in session.iterdir():
        assert p.stat().st_mode & 0o077 == 0, p
    assert session.stat().st_mode & 0o077 == 0


# ---------------------------------------------------------------- folder helpers


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Enhet Socialtjänst Nord", "enhet-socialtjanst-nord"),
        ("  Åre / Östersund: IT-stöd!  ", "are-ostersund-it-stod"),
        ("Straße & Søren", "strasse-soren"),
        ("???", "session"),
        ("", "session"),
        ("x" * 100, "x" * 60),
        ("a " * 40, ("a-" * 30)[:59]),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug
    assert re.fullmatch(r"[a-z0-9-]{1,67}", slugify(title))


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Enhet: Nord?", "enhet-nord"),
        ("CON", "con-session"),
        ("Aux", "aux-session"),
        ("nul.", "nul-session"),
        ("LPT1", "lpt1-session"),
        ("com9 ", "com9-session"),
        ("Console", "console"),
        ("com10", "com10"),
        ('a\\b/c:d*e?f"g<h>i|j', "a-b-c-d-e-f-g-h-i-j"),
    ],
)
def test_folder_names_follow_windows_rules(tmp_path: Path, title: str, slug: str) -> None:
    """A session made on a Mac or Linux laptop must open on Windows: no device names, no
    characters Windows refuses, no trailing dot or space."""
    assert slugify(title) == slug
    assert create_session(tmp_path, make_info(slugify(title)), make_question_set()).name == slug


@pytest.mark.parametrize("name", ["con", "AUX", "nul.txt", "com1", "lpt9.x", "nord."])
def test_names_windows_cannot_make_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(StoreError, match="Windows"):
        create_session(tmp_path, make_info(name), make_question_set())
    assert not list(tmp_path.iterdir())


def test_a_path_too_long_for_windows_is_refused_before_anything_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from mognad_tui import cli
    from mognad_tui.store import sessions

    deep = tmp_path / ("d" * 200)
    made = cli.main(["new", "--name", "Enhet Nord", "--data-dir", str(deep)])
    assert made == 0  # elsewhere, no such limit
    capsys.readouterr()
    monkeypatch.setattr(sessions, "_WINDOWS", True)
    assert cli.main(["new", "--name", "Enhet Nord", "--data-dir", str(tmp_path / "d")]) == 0
    capsys.readouterr()
    assert cli.main(["new", "--name", "Enhet Syd", "--data-dir", str(deep)]) == 1
    err = capsys.readouterr().err
    assert "för lång för Windows" in err and "--data-dir" in err and "Traceback" not in err
    assert sorted(p.name for p in deep.iterdir()) == ["enhet-nord"]


def test_resolve_session_by_name_or_path(data_dir: Path, session: Path, tmp_path: Path) -> None:
    assert resolve_session(data_dir, "enhet-nord") == session
    assert resolve_session(tmp_path / "elsewhere", str(session)) == session
    assert resolve_session(tmp_path / "elsewhere", session) == session  # a Path works too
    with pytest.raises(SessionNotFound):
        resolve_session(data_dir, "nobody")
    with pytest.raises(SessionNotFound):
        resolve_session(data_dir, str(tmp_path))
    with pytest.raises(SessionNotFound):
        SessionStore.open(tmp_path / "nothing-here")


def test_list_sessions_newest_first_and_empty_without_a_folder(tmp_path: Path) -> None:
    assert list_sessions(tmp_path / "missing") == []
    data_dir = tmp_path / "sessions"
    create_session(data_dir, make_info("b-old", created="2024-01-01"), make_question_set())
    create_session(data_dir, make_info("b-new", created="2025-05-01"), make_question_set())
    create_session(data_dir, make_info("a-new", created="2025-05-01"), make_question_set())
    (data_dir / "not-a-session").mkdir()
    (data_dir / "notes.txt").write_text("hej")
    with SessionStore.open(data_dir / "b-old") as store:
        store.set_state("current", "q3").wait()
        store.put_answer("q3", "s", 1).wait()
    summaries = list_sessions(data_dir)
    assert [s.name for s in summaries] == ["a-new", "b-new", "b-old"]
    old = summaries[-1]
    assert (old.current, old.answers, old.title, old.set_id, old.lang, old.error) == (
        "q3", 1, "Enhet Nord", "test-set", "sv", None,
    )  # fmt: skip
