"""A power cut at any point of a real meeting keeps every acknowledged answer, on each
platform's rules.

A meeting runs on the real store and the real ``Meeting``: a session is made, phones answer
one after the other and all at once, some change their minds, questions close and are
revealed (each a fold), the journal is reordered every few answers and folded every dozen,
the meeting restarts and goes on, and the disk refuses one answer half-way through.
``powercut_sim`` records every disk operation of that run; then, at every point of it, every
state a power cut there could leave (``powercut_sim``'s docstring and docs/durability.md say
which) is put in a folder of its own and opened with the real store: read-only, then as the
writer (which folds what it finds), then listed as ``mognad list`` reads it. Each must open
and hold every answer acknowledged before that point.

A second test puts a power cut at every point of the recovery that follows one: the next
writer opens a crashed session whose journal ends in a torn line, folds it, and takes answers.

kill -9 campaigns (``test_store_crash.py``) keep the page cache and so cannot see an answer
acknowledged before its fsync: this does.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import tempfile
from collections.abc import Awaitable, Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from powercut_sim import (
    LINUX,
    MACOS,
    PLATFORMS,
    WINDOWS,
    Disk,
    Opened,
    Recorder,
    Recording,
    Rules,
    Tree,
    freeze,
    materialise,
    read_tree,
    verify,
)
from store_crash_child import make_info, make_question_set

from mognad_tui.meeting import AnswerRefused, Meeting
from mognad_tui.model import Voting
from mognad_tui.store import SessionStore, list_sessions
from mognad_tui.store import create_session as create
from mognad_tui.store import session as store_session

NAME = "enhet-nord"
PHONES = 8


async def a_meeting(recorder: Recorder, data_dir: Path) -> None:
    """Three dozen answers, through every kind of write the store makes to disk."""
    path = create(data_dir, make_info(NAME), make_question_set())
    recorder.created()
    store = SessionStore.open(path)
    recorder.watch(store)
    meeting = Meeting(store, restart_grace=0)
    phones = [meeting.issue_device() for _ in range(PHONES)]

    # q0: one phone after the other; closing the question folds.
    await meeting.set_voting("q0", Voting.OPEN)
    for n, phone in enumerate(phones):
        await meeting.submit(phone, "q0", n % 5 + 1)
    await meeting.set_voting("q0", Voting.CLOSED)
    # q1: all at once (group commits); three change their minds; revealing folds.
    await meeting.set_voting("q1", Voting.OPEN)
    await asyncio.gather(*(meeting.submit(phone, "q1", 2) for phone in phones[:6]))
    for phone in phones[:3]:
        await meeting.submit(phone, "q1", 4)
    await asyncio.gather(*(meeting.submit(phone, "q1", 5) for phone in phones[6:]))
    await meeting.set_voting("q1", Voting.REVEALED)
    # q2: answers, and a reorder asked for before the restart.
    await meeting.set_voting("q2", Voting.OPEN)
    await asyncio.gather(*(meeting.submit(phone, "q2", 3) for phone in phones[:5]))
    await store.reorder()
    await meeting.settle()
    store.close()

    # The restart: the same phones carry on.
    store = SessionStore.open(path)
    recorder.watch(store)
    meeting = Meeting(store, restart_grace=0)
    for phone in phones[5:]:
        await meeting.submit(phone, "q2", 1)
    await meeting.set_voting("q3", Voting.OPEN)
    for phone in phones:
        await meeting.submit(phone, "q3", 4)
    await store.fold()
    # The disk fills up half-way through an answer: refused, cut off the journal again.
    await meeting.settle()
    recorder.full_writes = 1
    with pytest.raises(AnswerRefused):
        await meeting.submit(phones[0], "q3", 1)
    assert recorder.full_writes == 0
    await meeting.submit(phones[0], "q3", 2)
    await meeting.settle()
    store.close()


def record_run(
    monkeypatch: pytest.MonkeyPatch,
    rules: Rules,
    root: Path,
    run: Callable[[Recorder, Path], Awaitable[None]],
) -> Recording:
    """``run`` on the data folder ``root/sessions``, every disk operation recorded."""
    recorder = Recorder(rules)
    with monkeypatch.context() as mp:
        mp.setattr(store_session, "FOLD_EVERY", 12)
        mp.setattr(store_session, "REORDER_EVERY", 5)
        mp.setattr(store_session, "REORDER_IDLE", 3600.0)  # reorders by count, not the clock
        recorder.install(mp)
        asyncio.run(run(recorder, root / "sessions"))
    return recorder.record


def answers_in(store: SessionStore, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Any]:
    found = {key: store.answer_for(*key) for key in keys}
    return {key: value for key, value in found.items() if value is not None}


class States:
    """Opens each state a power cut leaves in a folder of its own, with the real store."""

    def __init__(self, work: Path, keys: Iterable[tuple[str, str]]) -> None:
        self.work = work
        work.mkdir()
        self.keys = sorted(set(keys))
        self.count = itertools.count()

    def __call__(self, tree: Tree) -> Opened:
        where = self.work / f"state-{next(self.count)}"
        materialise(tree, where)
        try:
            return self._open(where / "sessions")
        finally:
            shutil.rmtree(where)

    def _open(self, data_dir: Path) -> Opened:
        session = data_dir / NAME
        if not session.is_dir():
            return Opened(exists=False)
        try:
            with SessionStore.open(session, readonly=True) as reader:
                read = answers_in(reader, self.keys)
            with SessionStore.open(session) as writer:  # recovers: folds what it finds
                written = answers_in(writer, self.keys)
            # What the recovery left, read as `mognad list` reads it.
            listed = [(s.error, s.answers) for s in list_sessions(data_dir) if s.name == NAME]
        except Exception as exc:
            return Opened(exists=True, error=f"{type(exc).__name__}: {exc}")
        if read != written:
            return Opened(exists=True, error="the reader and the writer disagree")
        if listed != [(None, len(read))]:
            return Opened(exists=True, error=f"mognad list says {listed}")
        return Opened(exists=True, answers=read)


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Path]:
    """Where the states are opened: in memory where Linux offers it (``/dev/shm``), else under
    ``tmp_path``. The check opens hundreds of states, and on a busy disk their fsyncs took most
    of its time (15 s against 2.5 s); nothing there needs to be durable: the model decides what
    a power cut keeps. The recorded run itself writes to the real disk under ``tmp_path``."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path
        return
    where = Path(tempfile.mkdtemp(prefix="mognad-powercut-", dir=shm))
    try:
        yield where
    finally:
        shutil.rmtree(where, ignore_errors=True)


@pytest.mark.parametrize("rules", PLATFORMS, ids=lambda rules: rules.name)
def test_a_power_cut_at_any_point_keeps_every_acknowledged_answer(
    tmp_path: Path, scratch: Path, monkeypatch: pytest.MonkeyPatch, rules: Rules
) -> None:
    root = tmp_path / "disk"
    root.mkdir()
    record = record_run(monkeypatch, rules, root, a_meeting)

    # The run did what it is meant to exercise.
    assert len(record.acks) == len(record.answers) - 1 == 36  # all but the one refused
    kinds = [op[0] for op in record.ops]
    moved = [op[2].name for op in record.ops if op[0] == "replace"]
    assert moved.count("session.json") >= 5, "folds: on open, asked for, automatic, on close"
    assert moved.count("journal.log") > moved.count("session.json"), "and reorders"
    assert "rename" in kinds and "mkdir" in kinds  # the session folder made and put in place
    assert "truncate" in kinds  # the refused answer's half line cut off
    if rules is MACOS:
        assert record.full_fsyncs == kinds.count("sync") > 0

    states = States(scratch / "states", (a[:2] for a in record.answers))
    result = verify(
        record,
        rules,
        root,
        states,
        # A new session's folder is durable at once where folders are fsynced; on Windows only
        # with the first sync after it (the meeting's first write): docs/durability.md.
        create_is_durable=rules is not WINDOWS,
    )
    assert result.failures == [], "\n".join(result.failures)
    # The model followed the real disk all along: it ends where the disk did.
    assert result.disk.now() == read_tree(root)
    assert result.states > result.points / 2, "power cuts should leave many different states"


async def after_a_crash(recorder: Recorder, data_dir: Path) -> None:
    """The writer that opens a crashed session recovers it, and the meeting goes on."""
    store = SessionStore.open(data_dir / NAME)
    recorder.watch(store)
    meeting = Meeting(store, restart_grace=0)
    await meeting.set_voting("q4", Voting.OPEN)
    for n in range(4):
        await meeting.submit(meeting.issue_device(), "q4", n + 1)
    await meeting.settle()
    store.close()


def a_crash_with_a_torn_line(record: Recording, rules: Rules, root: Path) -> Tree:
    """The first state a power cut leaves, once ten answers are acknowledged, whose journal
    holds operations and ends in a torn line: what the next writer must recover from."""
    disk = Disk(rules, root)
    for point, op in enumerate(record.ops, start=1):
        disk.apply(op)
        if sum(mark <= point for mark, _ in record.acks) < 10:
            continue
        for _, tree in disk.crash_states():
            session = tree.get("sessions", {}).get(NAME, {})  # type: ignore[union-attr]
            journal = session.get("journal.log", b"")  # type: ignore[union-attr]
            if journal.count(b"\n") >= 3 and not journal.endswith(b"\n"):  # type: ignore[union-attr]
                return tree
    raise AssertionError("no power cut left a torn journal")


@pytest.mark.parametrize("rules", PLATFORMS, ids=lambda rules: rules.name)
def test_a_power_cut_during_the_recovery_keeps_what_the_crash_left(
    tmp_path: Path, scratch: Path, monkeypatch: pytest.MonkeyPatch, rules: Rules
) -> None:
    """A power cut at any point of the next writer's recovery (the torn line dropped, the
    journal folded on open) and of the answers after it keeps every answer the first power cut
    left and every one acknowledged since."""
    first = tmp_path / "disk"
    first.mkdir()
    crashed = record_run(monkeypatch, rules, first, a_meeting)
    start = a_crash_with_a_torn_line(crashed, rules, first)
    root = tmp_path / "again"
    materialise(start, root)
    keys = [a[:2] for a in crashed.answers]
    with SessionStore.open(root / "sessions" / NAME, readonly=True) as reader:
        held = answers_in(reader, keys)
    assert len(held) >= 10

    record = record_run(monkeypatch, rules, root, after_a_crash)
    assert len(record.acks) == len(record.answers) == 4
    moved = [op[2].name for op in record.ops if op[0] == "replace"]
    assert moved[:2] == ["session.json", "journal.log"], "the recovery folds first"
    states = States(scratch / "states", keys + [a[:2] for a in record.answers])
    result = verify(record, rules, root, states, start=start, held=held)
    assert result.failures == [], "\n".join(result.failures)
    assert result.disk.now() == read_tree(root)


# ---------------------------------------------------------------- the model itself

ROOT = Path("/model")


def states_of(rules: Rules, ops: list[tuple[Any, ...]]) -> list[Tree]:
    disk = Disk(rules, ROOT)
    for op in ops:
        disk.apply(op)
    return [tree for _, tree in disk.crash_states()]


def test_an_unsynced_append_may_be_lost_torn_or_kept() -> None:
    made = [("open", ROOT / "j", os.O_WRONLY | os.O_CREAT, 3), ("write", 3, b"head\n")]
    made += [("sync", 3), ("open", ROOT, os.O_RDONLY, 4), ("sync", 4)]
    appended = [*made, ("write", 3, b"line\n")]
    contents = sorted(tree["j"] for tree in states_of(LINUX, appended))  # type: ignore[misc]
    assert contents == [b"head\n", b"head\nl", b"head\nli", b"head\nline", b"head\nline\n"]
    assert states_of(LINUX, [*appended, ("sync", 3)]) == [{"j": b"head\nline\n"}]


def test_a_rename_survives_only_after_its_folder_is_synced_where_folders_are() -> None:
    ops = [("open", ROOT / ".t", os.O_WRONLY | os.O_CREAT, 3), ("write", 3, b"new")]
    ops += [("sync", 3), ("close", 3), ("replace", ROOT / ".t", ROOT / "f")]
    for rules in (LINUX, MACOS):
        assert {freeze(t) for t in states_of(rules, ops)} == {
            freeze({}),
            freeze({".t": b"new"}),
            freeze({"f": b"new"}),
        }
        synced = [*ops, ("open", ROOT, os.O_RDONLY, 3), ("sync", 3)]
        assert states_of(rules, synced) == [{"f": b"new"}]


def test_on_windows_a_file_sync_makes_every_earlier_rename_durable() -> None:
    ops = [("open", ROOT / ".t", os.O_WRONLY | os.O_CREAT, 3), ("write", 3, b"new")]
    ops += [("sync", 3), ("close", 3), ("replace", ROOT / ".t", ROOT / "f")]
    assert {freeze(t) for t in states_of(WINDOWS, ops)} == {
        freeze({".t": b"new"}),  # made before the sync: durable with it
        freeze({"f": b"new"}),
    }
    ops += [("open", ROOT / "g", os.O_WRONLY | os.O_CREAT, 3), ("sync", 3)]
    assert states_of(WINDOWS, ops) == [{"f": b"new", "g": b""}]
