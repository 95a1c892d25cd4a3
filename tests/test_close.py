"""Issue 9, item 15: ``mognad close`` keeps the plan and deletes raw answers and free texts.

A real meeting over a real store takes answers and free texts, then the real command closes it.
Every byte left under the session folder is read back: no free text, no answer, no device slot
may remain; the plan exported afterwards shows the same figures as before.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from test_tui_support import answer, new_session, open_meeting

from mognad_tui.meeting import Meeting
from mognad_tui.model import Kind, NeedKind, Voting
from mognad_tui.store import SessionStore

ROOT = Path(__file__).resolve().parent.parent
FREE_TEXT = "s2-mer"
#: Free texts easy to grep for, in any encoding the store might use (ASCII only).
SECRETS = ["ZQX klient Svensson 1", "ZQX klient Svensson 2", "ZQX approved Berg 3"]


def mognad(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MOGNAD_LANG": "", "MOGNAD_DATA_DIR": ""}
    return subprocess.run(
        [sys.executable, "-m", "mognad_tui", *args, "--data-dir", str(data_dir)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )


async def hold_a_meeting(meeting: Meeting) -> list[str]:
    """Five people answer the survey, two answer one more poll (below the threshold), three
    write free text and one of those texts is approved. Returns the device slots used."""
    rnd = random.Random(9)
    for q in meeting.question_set.survey:
        if q.kind is Kind.TEXT:
            continue
        await meeting.set_voting(q.id, Voting.OPEN)
        await answer(meeting, q.id, [rnd.choice(q.options).value for _ in range(5)])
        await meeting.set_voting(q.id, Voting.REVEALED)
    poll = await meeting.add_poll("Vilka verktyg?", Kind.MULTIPLE, ["A", "B", "C"])
    await answer(meeting, poll.id, [["o1"], ["o1", "o2"]], prefix="p")
    hands = await meeting.add_poll("Räck upp handen", Kind.SINGLE, ["Ja", "Nej"])
    await meeting.set_tally(hands.id, {"o1": 2})  # a show of hands, below the threshold
    await meeting.set_voting(FREE_TEXT, Voting.OPEN)
    await answer(meeting, FREE_TEXT, SECRETS, prefix="x")
    await meeting.moderate(FREE_TEXT, SECRETS[2], approve=True)
    await meeting.moderate(FREE_TEXT, SECRETS[0], approve=False)
    await meeting.set_note("s1-digitalt-forst", "Vi pratade om e-tjänster.")
    await meeting.add_need(NeedKind.COMPETENCE, "Mer stöd i nya system", None)
    return [meeting.slot(f"t{n}", q.id) for n in range(5) for q in meeting.question_set.survey]


def figures_of(export: dict) -> dict[str, dict]:
    """Every figure per question (everything but the raw answers, hand counts and texts)."""
    drop = {"answers", "tally", "approved_texts"}
    return {
        q["id"]: {k: v for k, v in q.items() if k not in drop}
        for q in export["questions"] + export["polls"]
    }


def plan_tables(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("|")]


@pytest.fixture
async def held(tmp_path: Path) -> tuple[Path, list[str]]:
    session = new_session(tmp_path)
    meeting = open_meeting(session)
    try:
        slots = await hold_a_meeting(meeting)
    finally:
        meeting.store.close()
    return session, slots


async def test_close_keeps_the_plan_and_leaves_no_raw_answer_or_free_text_on_disk(held) -> None:
    session, slots = held
    data = session.parent
    before_md = mognad("export", session.name, data_dir=data)
    before_json = mognad("export", session.name, "--format", "json", data_dir=data)
    assert before_md.returncode == 0, before_md.stderr
    assert SECRETS[2] in before_md.stdout  # the approved text is in the plan until closed
    exports = session / "exports"
    exports.mkdir()
    (exports / "plan.md").write_text(before_md.stdout, encoding="utf-8")

    # Without a terminal to ask in, nothing happens unless --yes says so.
    refused = mognad("close", session.name, data_dir=data)
    assert refused.returncode == 1 and "--yes" in refused.stderr
    assert (
        b"ZQX" in (session / "session.json").read_bytes() + (session / "journal.log").read_bytes()
    )

    # A meeting holding the session refuses the close.
    with SessionStore.open(session):
        busy = mognad("close", session.name, "--yes", data_dir=data)
    assert busy.returncode == 1 and "redan öppet" in busy.stderr

    done = mognad("close", session.name, "--yes", data_dir=data)
    assert done.returncode == 0, done.stderr
    assert "stängt" in done.stdout

    # Every byte under the folder: no free text, no device slot, no answers table content.
    everything = b"".join(p.read_bytes() for p in session.rglob("*") if p.is_file())
    for text in SECRETS:
        assert text.encode() not in everything
    for slot in slots:
        assert slot.encode() not in everything
    snapshot = json.loads((session / "session.json").read_bytes())
    assert snapshot["tables"]["answers"] == {} and snapshot["tables"]["moderation"] == {}
    assert snapshot["tables"]["tallies"] == {}  # the show of hands, counted in the kept figures
    assert len((session / "journal.log").read_bytes().splitlines()) == 1  # the header only
    assert not exports.exists()
    assert not [p.name for p in session.iterdir() if p.name.endswith(".tmp")]

    after_md = mognad("export", session.name, data_dir=data)
    after_json = mognad("export", session.name, "--format", "json", data_dir=data)
    assert after_md.returncode == 0 and after_json.returncode == 0, after_md.stderr
    assert plan_tables(after_md.stdout) == plan_tables(before_md.stdout)
    assert "Mötet är stängt: enskilda svar och fritexter är raderade." in after_md.stdout
    assert "Vi pratade om e-tjänster." in after_md.stdout and "Mer stöd" in after_md.stdout
    old, new = json.loads(before_json.stdout), json.loads(after_json.stdout)
    assert figures_of(new) == figures_of(old)
    assert new["summary"] == old["summary"] and new["dimensions"] == old["dimensions"]
    assert all(q["answers"] == [] for q in new["questions"] + new["polls"])
    assert all(q["tally"] == {} for q in new["questions"] + new["polls"])
    assert any(q["tally"] for q in old["polls"])
    assert new["session"]["raw_answers_deleted"] is True
    assert old["session"]["raw_answers_deleted"] is False
    poll = next(q for q in new["polls"])
    assert poll["n"] == 2 and poll["shown"] is False and "distribution" not in poll

    listed = mognad("list", data_dir=data)
    assert "stängt" in listed.stdout
    serve = mognad("serve", session.name, "--port", "0", data_dir=data)
    assert serve.returncode == 1 and "är stängt" in serve.stderr
    run = mognad("run", session.name, data_dir=data)
    assert run.returncode == 1 and "är stängt" in run.stderr

    again = mognad("close", session.name, "--yes", data_dir=data)
    assert again.returncode == 0, again.stderr
    again_json = mognad("export", session.name, "--format", "json", data_dir=data)
    assert figures_of(json.loads(again_json.stdout)) == figures_of(old)


def test_close_an_unknown_session_says_so(tmp_path: Path) -> None:
    result = mognad("close", "finns-inte", "--yes", data_dir=tmp_path)
    assert result.returncode == 1 and "finns-inte" in result.stderr
    assert "Traceback" not in result.stderr


class Terminal:
    """``mognad`` on a pseudo-terminal, so questionary asks as it does for a facilitator; every
    read waits for the text it expects (with a deadline), never for a fixed time."""

    def __init__(self, *args: str) -> None:
        import pty

        self.master, slave = pty.openpty()
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "MOGNAD_LANG": "",
            "TERM": "xterm",
            "PROMPT_TOOLKIT_NO_CPR": "1",  # nobody answers cursor-position requests here
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mognad_tui", *args],
            cwd=ROOT,
            env=env,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            close_fds=True,
        )
        os.close(slave)
        self.seen = b""

    def expect(self, text: str, timeout: float = 30) -> None:
        import select
        import time

        deadline = time.monotonic() + timeout
        while text.encode() not in self.seen:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.master], [], [], max(0, left))
            if not ready:
                pytest.fail(f"{text!r} never came; the terminal showed:\n{self.seen!r}")
            try:
                self.seen += os.read(self.master, 65536)
            except OSError:  # the program ended and the terminal closed
                pytest.fail(f"{text!r} never came; the terminal showed:\n{self.seen!r}")

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def finish(self) -> int:
        code = self.proc.wait(30)
        os.close(self.master)
        return code


async def test_close_on_a_terminal_says_what_goes_and_asks_first(held) -> None:
    session, _ = held
    data = str(session.parent)
    term = Terminal("close", session.name, "--data-dir", data)
    term.expect("även de som är godkända")  # approved free texts go too, and it says so
    term.expect("Vill du stänga mötet och radera svaren?")
    term.send("\r")  # the first choice, "no", is the default
    term.expect("Mötet är inte stängt. Inget har raderats.")
    assert term.finish() == 1
    assert (
        SECRETS[0].encode()
        in (session / "session.json").read_bytes() + (session / "journal.log").read_bytes()
    )

    term = Terminal("close", session.name, "--data-dir", data)
    term.expect("Vill du stänga mötet och radera svaren?")
    term.send("j\r")  # down to "yes" (j: no escape sequence to split), and choose it
    term.expect(f"Mötet {session.name} är stängt.")
    assert term.finish() == 0
    everything = b"".join(p.read_bytes() for p in session.rglob("*") if p.is_file())
    assert not any(text.encode() in everything for text in SECRETS)


async def test_a_kept_figure_edited_by_hand_shows_its_count_only(held) -> None:
    """A closed session's kept figures are data read from disk: a damaged one is shown as its
    count only, never as a traceback in `mognad export`."""
    session, _ = held
    data = session.parent
    assert mognad("close", session.name, "--yes", data_dir=data).returncode == 0
    with SessionStore.open(session) as store:
        closed = store.state("closed")
        first = next(iter(closed["kept"]))
        closed["kept"][first].update(mean="fem", distribution=[{"value": 1}])
        closed["kept"][next(iter(list(closed["kept"])[1:]))]["distribution"] = [7]
        store.set_state("closed", closed).wait()
    for fmt in ("md", "json", "csv"):
        out = mognad("export", session.name, "--format", fmt, data_dir=data)
        assert out.returncode == 0, out.stderr
        assert "Traceback" not in out.stderr and "oväntat" not in out.stderr
    exported = json.loads(mognad("export", session.name, "--format", "json", data_dir=data).stdout)
    damaged = next(q for q in exported["questions"] + exported["polls"] if q["id"] == first)
    assert damaged["shown"] is False and "distribution" not in damaged
