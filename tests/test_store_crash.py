"""The store against real processes: kill -9 at random moments, readers beside a live writer,
and a real write failure (a file size limit) followed by the room coming back."""

from __future__ import annotations

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
from store_crash_child import answer_of, make_info, make_question_set

from mognad_tui.store import SessionStore, create_session

CHILD = Path(__file__).with_name("store_crash_child.py")
ROOT = Path(__file__).resolve().parents[1]


class Child:
    """A writer process whose acknowledged answers are collected as it prints them."""

    def __init__(self, mode: str, session: Path, start: int) -> None:
        env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
        self.proc = subprocess.Popen(
            [sys.executable, str(CHILD), mode, str(session), str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=ROOT,
        )
        self.lines: list[str] = []
        self.ready = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            line = raw.decode().strip()
            if line == "ready":
                self.ready.set()
            elif line:
                self.lines.append(line)

    def kill(self) -> list[str]:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        self._reader.join(timeout=30)
        return list(self.lines)

    def finish(self, timeout: float = 60) -> tuple[list[str], str]:
        # Not communicate(): it would race the reader thread for stdout.
        assert self.proc.stderr is not None
        err = self.proc.stderr.read()  # until the child exits
        self.proc.wait(timeout=timeout)
        self._reader.join(timeout=30)
        return list(self.lines), err.decode()


def check_acknowledged(session: Path, mode: str, acked: list[str], *, readonly: bool) -> None:
    with SessionStore.open(session, readonly=readonly) as store:
        if mode == "replace":
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


def kill_campaign(tmp_path: Path, rounds: int, seed: int) -> None:
    rng = random.Random(seed)
    modes = ["seq", "async", "cycle", "replace"]
    total = 0
    for n in range(rounds):
        if n % 40 == 0:  # a fresh session now and then: meetings do not grow forever
            info = make_info(f"enhet-{n}")
            session = create_session(tmp_path / "sessions", info, make_question_set())
        mode = modes[n % len(modes)]
        child = Child(mode, session, start=(n + 1) * 1_000_000)
        if rng.random() < 0.25:
            time.sleep(rng.uniform(0.0, 0.25))  # often still importing, opening or folding
        else:
            assert child.ready.wait(30), child.proc.stderr and child.proc.stderr.read()
            time.sleep(rng.uniform(0.0, 0.15))
        acked = child.kill()
        total += len(acked)
        # The reader copes with whatever the kill left, the writer folds it, nothing is lost.
        check_acknowledged(session, mode, acked, readonly=True)
        check_acknowledged(session, mode, acked, readonly=False)
    assert total > rounds, "the children should have acknowledged answers before dying"


def test_kill_9_never_loses_an_acknowledged_answer(tmp_path: Path) -> None:
    kill_campaign(tmp_path, rounds=20, seed=1)


@pytest.mark.slow
def test_kill_9_campaign_long(tmp_path: Path) -> None:
    kill_campaign(tmp_path, rounds=300, seed=2)


def test_readers_see_a_consistent_session_while_a_writer_is_live(tmp_path: Path) -> None:
    session = create_session(tmp_path / "sessions", make_info(), make_question_set())
    for mode in ("seq", "cycle"):  # "cycle" folds all the time: readers race the folds
        child = Child(mode, session, start=1 if mode == "seq" else 5_000_000)
        assert child.ready.wait(30)
        reads = 0
        deadline = time.monotonic() + 1.5
        try:
            while time.monotonic() < deadline:
                acked = list(child.lines)
                with SessionStore.open(session, readonly=True) as reader:
                    for line in acked:
                        question, slot, value = answer_of(int(line))
                        assert reader.answer_for(question, slot) == value
                reads += 1
        finally:
            child.kill()
        assert reads > 5 and child.lines


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
