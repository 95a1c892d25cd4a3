"""A writer process for the store's crash and disk-full tests, and the question set they use.

Run as ``python store_crash_child.py MODE SESSION START``. Every answer is written to
stdout (``say``) only after its ``Durable`` resolved, so the parent, which kills this process with
SIGKILL at a random moment, knows exactly which answers were acknowledged.

Answer number ``i`` goes to question ``q{i % 5}`` from slot ``s{i}`` with value ``i``
(see ``answer_of``), except in the ``replace`` mode, which keeps overwriting a few slots with
growing values.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import resource
import signal
import sys
from pathlib import Path

from mognad_tui.model import (
    DONT_KNOW,
    Kind,
    Option,
    Prompt,
    Question,
    QuestionSet,
    SessionInfo,
    Step,
)

QUESTIONS = 5
REPLACE_SLOTS = 7


def make_question_set(set_id: str = "test-set", title: str = "Testfrågor") -> QuestionSet:
    scale = (*(Option(v, f"{v}") for v in range(1, 6)), Option(DONT_KNOW, "Vet ej"))
    survey = tuple(Question(f"q{i}", Kind.SCALE, f"Fråga {i}", scale) for i in range(QUESTIONS))
    multi = (Option("a", "A"), Option("b", "B"), Option("c", "C"))
    return QuestionSet(
        id=set_id,
        version="1",
        lang="sv",
        title=title,
        description="Frågor för testerna",
        steps=(
            Step(1, "Dialog", (Prompt("p1", "Vad betyder digitalt först för oss?", minutes=5),)),
            Step(
                2,
                "Enkät",
                (
                    *survey,
                    Question("free", Kind.TEXT, "Något mer?"),
                    Question("multi", Kind.MULTIPLE, "Vilka?", multi),
                ),
            ),
        ),
    )


def make_info(name: str = "enhet-nord", created: str = "2025-03-01") -> SessionInfo:
    return SessionInfo(name=name, title="Enhet Nord", created=created, set_id="test-set", lang="sv")


def say(line: object) -> None:
    """Print one line to the parent with a single ``write`` on the pipe.

    Not ``print``: it writes the text and the newline separately, so a line printed from the
    writer thread (``in-fold``) could land inside an answer's line from another thread
    ("1228in-fold"), and the parent, never seeing its line, waited for it until the timeout.
    A write of at most ``PIPE_BUF`` bytes to a pipe is never interleaved with another.
    """
    data = f"{line}\n".encode()
    while data:
        data = data[os.write(sys.stdout.fileno(), data) :]


def answer_of(i: int) -> tuple[str, str, int]:
    return f"q{i % QUESTIONS}", f"s{i}", i


def _open(path: Path):  # imported late so a bare `--help` stays cheap
    from mognad_tui.store import SessionStore

    return SessionStore.open(path)


def run_seq(path: Path, start: int) -> None:
    store = _open(path)
    say("ready")
    i = start
    while True:
        store.put_answer(*answer_of(i)).wait()
        say(i)
        i += 1


def run_cycle(path: Path, start: int) -> None:
    """Short writer sessions back to back, so kills land in the folds of open and close."""
    i = start
    rng = random.Random(start)
    say("ready")
    while True:
        store = _open(path)
        for _ in range(rng.randint(1, 8)):
            store.put_answer(*answer_of(i)).wait()
            say(i)
            i += 1
        store.close()


def run_async(path: Path, start: int) -> None:
    async def main() -> None:
        store = _open(path)
        say("ready")
        counter = iter(range(start, start + 10_000_000))

        async def phone() -> None:
            while True:
                i = next(counter)
                await store.put_answer(*answer_of(i))
                say(i)

        await asyncio.gather(*(phone() for _ in range(20)))

    asyncio.run(main())


def run_replace(path: Path, start: int) -> None:
    store = _open(path)
    say("ready")
    value = start
    while True:
        slot = f"r{value % REPLACE_SLOTS}"
        store.put_answer("q0", slot, value).wait()
        say(f"{slot} {value}")
        value += 1


def run_fsize(path: Path, start: int) -> None:
    """Hit a real write failure (a file size limit gives EFBIG), then get the room back."""
    from mognad_tui.store import StoreFull

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write instead of killing us
    store = _open(path)
    journal = path / "journal.log"
    _, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (journal.stat().st_size + 2_000, hard))
    acked, failed = [], None
    i = start
    while failed is None:
        try:
            store.put_answer(*answer_of(i)).wait()
            acked.append(i)
        except StoreFull:
            failed = i
            visible = store.answer_for(*answer_of(i)[:2])
        i += 1
    size_after_failure = journal.stat().st_size
    resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))
    later = list(range(i, i + 20))
    for j in later:
        store.put_answer(*answer_of(j)).wait()
    store.close()
    say(
        json.dumps(
            {
                "acked": acked,
                "failed": failed,
                "visible_after_failure": visible,
                "size_after_failure": size_after_failure,
                "later": later,
            }
        )
    )


SURVEY_DEVICES = 3


def survey_answers() -> list[tuple[str, str, int]]:
    """Three people answering the whole survey one after another: (question, slot, value)."""
    return [
        (f"q{q}", f"device{d}-q{q}", 1 + (d + q) % 5)
        for d in range(SURVEY_DEVICES)
        for q in range(QUESTIONS)
    ]


def run_survey(path: Path, start: int) -> None:
    """Answer ``survey_answers`` one by one, then say "ready" and wait to be killed.

    The idle reorder is put off, so the kill finds the journal in arrival order."""
    from mognad_tui.store import session as store_session

    store_session.REORDER_IDLE = 3600.0
    store = _open(path)
    for question, slot, value in survey_answers():
        store.put_answer(question, slot, value).wait()
        say(f"{question} {slot} {value}")
    say("ready")
    signal.pause()


MODES = {
    "survey": run_survey,
    "seq": run_seq,
    "cycle": run_cycle,
    "async": run_async,
    "replace": run_replace,
    "fsize": run_fsize,
}

if __name__ == "__main__":
    mode, session, first = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    MODES[mode](session, first)
