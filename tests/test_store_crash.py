"""The store against real processes: kill -9 at random moments (folds while live included),
readers beside a live writer, and a real write failure (a file size limit) followed by the room
coming back.

Run as a script (``python test_store_crash.py MODE SESSION START``), this file is also the child
for the ``fold-*`` modes: writers that fold the live session all the time, asked and by
themselves. The other modes live in ``store_crash_child.py``.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from store_crash_child import REPLACE_SLOTS, answer_of, make_info, make_question_set, say

from mognad_tui.store import SessionStore, create_session
from mognad_tui.store import files as store_files

CHILD = Path(__file__).with_name("store_crash_child.py")
FOLD_CHILD = Path(__file__)
#: Set for a fold child: its third fold stops between the snapshot's rename and the journal's,
#: says "in-fold" and waits there to be killed, so a campaign kills inside a fold for certain
#: instead of by chance.
STOP_IN_FOLD = "MOGNAD_TEST_STOP_IN_FOLD"
ROOT = Path(__file__).resolve().parents[1]


class Child:
    """A writer process whose acknowledged answers are collected as it prints them."""

    def __init__(self, mode: str, session: Path, start: int, *, stop_in_fold: bool = False) -> None:
        env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
        if stop_in_fold:
            env[STOP_IN_FOLD] = "1"
        script = FOLD_CHILD if mode.startswith("fold-") else CHILD
        self.proc = subprocess.Popen(
            [sys.executable, str(script), mode, str(session), str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=ROOT,
        )
        self.lines: list[str] = []
        self.ready = threading.Event()
        self.in_fold = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            line = raw.decode().strip()
            if line == "ready":
                self.ready.set()
            elif line == "in-fold":
                self.in_fold.set()
            elif line:
                self.lines.append(line)

    def kill(self) -> list[str]:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        self._reader.join(timeout=30)
        return list(self.lines)

    def failure(self) -> str:
        """What the child said on stderr, for a failed wait: killed first, since reading
        stderr of a live child would block until the test's own timeout."""
        self.kill()
        assert self.proc.stderr is not None
        return self.proc.stderr.read().decode() or f"(nothing on stderr; it printed {self.lines})"

    def finish(self, timeout: float = 60) -> tuple[list[str], str]:
        # Not communicate(): it would race the reader thread for stdout.
        assert self.proc.stderr is not None
        err = self.proc.stderr.read()  # until the child exits
        self.proc.wait(timeout=timeout)
        self._reader.join(timeout=30)
        return list(self.lines), err.decode()


def check_acknowledged(session: Path, mode: str, acked: list[str], *, readonly: bool) -> None:
    with SessionStore.open(session, readonly=readonly) as store:
        if mode.endswith("replace"):
            last: dict[str, int] = {}
            for line in acked:
                slot, value = line.split()
                last[slot] = int(value)
            for slot, value in last.items():
                got = store.answer_for("q0", slot)
                # A later write may have landed without its acknowledgement: never an earlier.
                assert got is not None and got >= value, (slot, got, value)
        else:
            for line in acked:
                question, slot, value = answer_of(int(line))
                assert store.answer_for(question, slot) == value, (mode, line)


def prefilled_session(root: Path, name: str, answers: int) -> Path:
    """A session already holding ``answers`` answers, so that every fold takes a while."""
    session = create_session(root, make_info(name), make_question_set())
    with SessionStore.open(session) as store:
        last = None
        for i in range(answers):
            last = store.put_answer(*answer_of(-1 - i))
        if last is not None:
            last.wait()
    return session


def kill_campaign(
    tmp_path: Path,
    rounds: int,
    seed: int,
    modes: tuple[str, ...] = ("seq", "async", "cycle", "replace", "fold-async", "fold-replace"),
    prefill: int = 0,
) -> int:
    """Returns how many kills landed inside a fold (temporary files or a stale journal left)."""
    rng = random.Random(seed)
    total = in_fold = 0
    for n in range(rounds):
        if n % 40 == 0:  # a fresh session now and then: meetings do not grow forever
            session = prefilled_session(tmp_path / "sessions", f"enhet-{n}", prefill)
        mode = modes[n % len(modes)]
        stop_in_fold = mode.startswith("fold-") and n % 4 == 3
        child = Child(mode, session, start=(n + 1) * 1_000_000, stop_in_fold=stop_in_fold)
        if stop_in_fold:
            assert child.in_fold.wait(60), child.failure()
        elif rng.random() < 0.25:
            time.sleep(rng.uniform(0.0, 0.25))  # often still importing, opening or folding
        else:
            assert child.ready.wait(30), child.failure()
            time.sleep(rng.uniform(0.0, 0.15))
        acked = child.kill()
        total += len(acked)
        in_fold += any(p.name.endswith(".tmp") for p in session.iterdir()) or (
            store_files.read_journal(session).generation
            != json.loads((session / "session.json").read_bytes())["generation"]
        )
        # The reader copes with whatever the kill left, the writer folds it, nothing is lost.
        check_acknowledged(session, mode, acked, readonly=True)
        check_acknowledged(session, mode, acked, readonly=False)
    assert total > rounds, "the children should have acknowledged answers before dying"
    return in_fold


def test_kill_9_never_loses_an_acknowledged_answer(tmp_path: Path) -> None:
    kill_campaign(tmp_path, rounds=24, seed=1)


def test_kill_9_during_live_folds_never_loses_an_acknowledged_answer(tmp_path: Path) -> None:
    """Children that fold all the time, in a session big enough that a fold takes a while:
    most kills land in a fold (writing the snapshot, swapping the files) or right around it."""
    in_fold = kill_campaign(
        tmp_path,
        rounds=24,
        seed=3,
        modes=("fold-async", "fold-replace", "fold-seq"),
        prefill=3_000,
    )
    assert in_fold >= 3, "some kills should have landed inside a fold"


@pytest.mark.slow
def test_kill_9_campaign_long(tmp_path: Path) -> None:
    kill_campaign(tmp_path, rounds=300, seed=2)


def test_readers_see_a_consistent_session_while_a_writer_is_live(tmp_path: Path) -> None:
    session = create_session(tmp_path / "sessions", make_info(), make_question_set())
    # "cycle" folds on open and close, "fold-seq" while live: readers race the folds.
    for mode, start in (("seq", 1), ("cycle", 5_000_000), ("fold-seq", 9_000_000)):
        child = Child(mode, session, start=start)
        assert child.ready.wait(30), child.failure()
        reads, acked = 0, []
        deadline = time.monotonic() + 1.5
        hang = deadline + 120  # only for a writer that never acknowledges anything
        try:
            # At least six reads while the writer is still live, the last of them checking
            # acknowledged answers ("cycle" says ready before it even opens the store),
            # however slow this machine is.
            while time.monotonic() < deadline or reads <= 5 or not acked:
                assert time.monotonic() < hang, child.failure()
                acked = list(child.lines)
                with SessionStore.open(session, readonly=True) as reader:
                    for line in acked:
                        question, slot, value = answer_of(int(line))
                        assert reader.answer_for(question, slot) == value
                reads += 1
        finally:
            child.kill()
        assert reads > 5 and acked


def test_a_real_write_failure_is_reported_and_the_session_recovers(tmp_path: Path) -> None:
    session = create_session(tmp_path / "sessions", make_info(), make_question_set())
    child = Child("fsize", session, start=1)
    lines, err = child.finish()
    assert child.proc.returncode == 0, err
    result = json.loads(lines[-1])
    assert result["acked"], "some answers fit before the limit"
    assert result["visible_after_failure"] is None, "a failed answer must not stay visible"
    with SessionStore.open(session, readonly=True) as store:
        for i in result["acked"] + result["later"]:
            question, slot, value = answer_of(i)
            assert store.answer_for(question, slot) == value
        question, slot, _ = answer_of(result["failed"])
        assert store.answer_for(question, slot) is None
        assert store.total_answers() == len(result["acked"]) + len(result["later"])


# ---------------------------------------------------------------- the child for "fold-*" modes


def _fold_child(mode: str, path: Path, start: int) -> None:
    from mognad_tui.store import session as store_session

    store_session.FOLD_EVERY = 7  # the writer folds by itself too, often
    if os.environ.get(STOP_IN_FOLD):
        finish, folds = store_files.finish_generation, [0]

        def stop_on_the_third(folder: Path, renamed: bool) -> None:
            folds[0] += 1
            if folds[0] == 3:
                say("in-fold")
                time.sleep(600)  # killed here, between the two renames
            finish(folder, renamed)

        store_files.finish_generation = stop_on_the_third
    rng = random.Random(start)
    store = SessionStore.open(path)
    say("ready")
    if mode == "fold-seq":  # answers, each acknowledged, with a fold every few
        i = start
        while True:
            store.put_answer(*answer_of(i)).wait()
            say(i)
            i += 1
            if rng.random() < 0.3:
                store.fold().wait()
    elif mode == "fold-replace":  # the same slots over and over: folded answers change
        value = start
        while True:
            slot = f"r{value % REPLACE_SLOTS}"
            store.put_answer("q0", slot, value).wait()
            say(f"{slot} {value}")
            value += 1
            if rng.random() < 0.3:
                store.fold().wait()
    else:  # fold-async: a room answering while the meeting folds
        asyncio.run(_fold_room(store, start, rng))


async def _fold_room(store: SessionStore, start: int, rng: random.Random) -> None:
    counter = iter(range(start, start + 10_000_000))

    async def phone() -> None:
        while True:
            i = next(counter)
            await store.put_answer(*answer_of(i))
            say(i)

    async def facilitator() -> None:
        while True:
            await store.fold()
            await asyncio.sleep(rng.uniform(0, 0.004))

    await asyncio.gather(*(phone() for _ in range(20)), facilitator())


if __name__ == "__main__":
    _fold_child(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]))
