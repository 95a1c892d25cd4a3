"""Issue 9, item 11: nothing a session folder, a file or a server holds reaches the terminal raw.

A title such as ``ESC ]0;... BEL ESC [2J`` retitles and wipes the facilitator's terminal; a bidi
override makes a line read differently than it is. Every test plants such text where a hostile
person could (a session folder someone edited, a question set file, a typed argument, a server
that is not ours) and reads what the real command prints, byte for byte.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import unicodedata
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from fake_server import serving
from test_client import run_cli
from test_tui_support import make_app, screen_text

from mognad_tui.meeting import Meeting
from mognad_tui.model import (
    DONT_KNOW,
    Kind,
    Option,
    Prompt,
    Question,
    QuestionSet,
    SessionInfo,
    Step,
    Voting,
)
from mognad_tui.store import SessionStore, create_session
from mognad_tui.web import WebServer

ROOT = Path(__file__).resolve().parent.parent

#: OSC retitle, clear screen, a C1 CSI, a bidi override and NEL: what a terminal must never get.
EVIL = "\x1b]0;PWNED\x07\x1b[2J\u009b31m\u202e"
TITLE = EVIL + "Enhet Nord"
QUESTION = EVIL + "Vi hittar information"
LABEL = EVIL + "Ganska bra"


def control_chars(text: str) -> list[str]:
    """Every character of Unicode category C except the line breaks a terminal needs."""
    return [repr(ch) for ch in text if unicodedata.category(ch).startswith("C") and ch != "\n"]


def hostile_set() -> QuestionSet:
    points = [Option(n, LABEL if n == 4 else str(n)) for n in range(1, 6)]
    return QuestionSet(
        id="fientlig",
        version="1",
        lang="sv",
        title=EVIL + "Enkät",
        description="",
        steps=(
            Step(
                2,
                EVIL + "Självskattning",
                (
                    Prompt("s-prat", EVIL + "Prata om det"),
                    Question("s-skala", Kind.SCALE, QUESTION, (*points, Option(DONT_KNOW, "Ej"))),
                    Question("s-fritt", Kind.TEXT, EVIL + "Något mer?"),
                ),
            ),
        ),
    )


def hostile_session(data_dir: Path) -> Path:
    """A session folder whose stored title and frozen question set carry escape sequences,
    written as they are (the store writes what it is given; someone may edit the files too)."""
    info = SessionInfo(
        name="fientlig", title=TITLE, created="2026-11-26", set_id="fientlig", lang="sv"
    )
    path = create_session(data_dir, info, hostile_set())
    raw = (path / "session.json").read_text(encoding="utf-8")
    assert "\x1b]0;PWNED" in json.loads(raw)["tables"]["meta"]["1"]["info"]["title"]
    return path


def run_mognad(*args: str) -> tuple[int, str, str]:
    import subprocess

    env = {**os.environ, "PYTHONPATH": str(ROOT), "MOGNAD_LANG": ""}
    proc = subprocess.run(
        [sys.executable, "-m", "mognad_tui", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=60,
    )
    return proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")


def test_list_prints_a_hostile_title_without_its_escape_sequences(tmp_path: Path) -> None:
    hostile_session(tmp_path)
    code, out, err = run_mognad("list", "--data-dir", str(tmp_path))
    assert code == 0, err
    assert control_chars(out + err) == []
    assert "PWNED" in out and "Enhet Nord" in out  # the text is shown, only its controls go


async def test_run_header_and_screen_show_the_cleaned_title_and_texts(tmp_path: Path) -> None:
    path = hostile_session(tmp_path)
    # What no participant or facilitator could type, written straight into the store as
    # someone editing the folder could: a note and approved free texts with escape sequences.
    with SessionStore.open(path) as store:
        store.set_note("s-prat", EVIL + "Anteckning").wait()
        for n in range(3):
            store.put_answer("s-fritt", f"slot-{n}", EVIL + f"Fritext {n}").wait()
            store.set_moderation("s-fritt", EVIL + f"Fritext {n}", "approved").wait()
    meeting = Meeting(SessionStore.open(path))
    try:
        app = make_app(meeting)
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            text = screen_text(app)
            assert control_chars(text) == []
            assert "Enhet Nord" in text and "Prata om det" in text and "Anteckning" in text
            assert "\x1b" not in app.title and "Enhet Nord" in app.title
            await meeting.go_to("s-skala")
            await pilot.pause()
            text = screen_text(app)
            assert control_chars(text) == []
            assert "Vi hittar information" in text
            await meeting.go_to("s-fritt")
            await meeting.set_voting("s-fritt", Voting.REVEALED)
            await pilot.pause()
            text = screen_text(app)
            assert control_chars(text) == []
            assert "Fritext 1" in text
    finally:
        meeting.store.close()


@pytest.fixture
async def hostile_room(tmp_path: Path) -> AsyncIterator[tuple[Meeting, str]]:
    store = SessionStore.open(hostile_session(tmp_path / "sessions"))
    meeting = Meeting(store)
    server = WebServer(meeting, "127.0.0.1", 0)
    url = await server.start()
    try:
        yield meeting, url
    finally:
        await server.stop()
        store.close()


async def test_answer_prints_a_session_s_hostile_texts_cleaned(hostile_room) -> None:
    meeting, url = hostile_room
    await meeting.set_voting("s-skala", Voting.OPEN)
    code, out = await run_cli("answer", url, stdin="4\n")
    assert code == 0, out
    assert control_chars(out) == []
    assert "Vi hittar information" in out and "Ganska bra" in out
    assert meeting.store.answers("s-skala") == [4]


@pytest.fixture
async def foreign_server() -> AsyncIterator[str]:
    """Not a mognad server: what a hostile one could send that ours never would (an error
    sentence and a code with escape sequences, a title, texts and labels of any shape)."""
    question = {
        "id": "q1",
        "kind": "single",
        "text": QUESTION,
        "options": [{"value": "a", "label": LABEL}, {"value": "b", "label": EVIL}],
    }

    async def page(request: web.Request) -> web.Response:
        resp = web.Response(text="<html></html>", content_type="text/html")
        resp.set_cookie("mognad_device", "x" * 32)
        return resp

    async def state(request: web.Request) -> web.Response:
        return web.json_response(
            {"open": [question], "answered": {EVIL: EVIL}, "title": TITLE, "self_paced": False}
        )

    async def answers(request: web.Request) -> web.Response:
        return web.json_response({"error": EVIL + "odd", "message": EVIL + "Nej tack"}, status=418)

    async def events(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        await resp.write(b": hello\n\n")
        await asyncio.sleep(60)  # held open, as a live stream is; cut by the cleanup
        return resp

    app = web.Application()
    app.router.add_get("/j/{code}", page)
    app.router.add_get("/api/{code}/state", state)
    app.router.add_post("/api/{code}/answers", answers)
    app.router.add_get("/api/{code}/events", events)
    async with serving(app) as url:
        yield url


async def test_answer_prints_a_foreign_server_s_texts_and_errors_cleaned(foreign_server) -> None:
    _, out = await run_cli("answer", foreign_server, stdin="1\n", timeout=120)
    assert control_chars(out) == []
    assert "Vi hittar information" in out and "Ganska bra" in out
    assert "Nej tack" in out  # the server's sentence, shown without its controls
    assert "Traceback" not in out


async def test_simulate_prints_a_foreign_server_s_errors_cleaned(foreign_server) -> None:
    _, out = await run_cli(
        "simulate", foreign_server, "--participants", "1", "--duration", "3", timeout=120
    )
    assert control_chars(out) == []
    assert "Traceback" not in out


def test_validate_and_argument_errors_quote_hostile_text_cleaned(tmp_path: Path) -> None:
    bad = tmp_path / "fientlig.yaml"
    bad.write_text(
        'id: "x\\e]0;PWNED\\a"\nversion: 1\nlang: sv\ntitle: "T\\e[2J"\n'
        'steps:\n  - number: 1\n    title: "S"\n    items:\n'
        '      - id: "q\\e[2J"\n        kind: "\\e]0;PWNED\\a\\u202e"\n        text: "F"\n',
        encoding="utf-8",
    )
    code, out, err = run_mognad("validate", str(bad))
    assert code == 1
    assert err.strip() and control_chars(out + err) == []
    code, out, err = run_mognad("serve", "x", "--port", "\x1b[2J\u202e80")
    assert code == 2
    assert control_chars(out + err) == []
    code, out, err = run_mognad("export", "\x1b]0;PWNED\x07nowhere", "--data-dir", str(tmp_path))
    assert code == 1
    assert "nowhere" in err and control_chars(out + err) == []


def test_json_export_on_a_terminal_escapes_controls_it_keeps(tmp_path: Path) -> None:
    """A note and a raw answer in an edited session folder can hold C1 controls or a bidi
    override; the JSON export keeps the values (a script gets them back) but never as raw
    bytes on the terminal."""
    path = hostile_session(tmp_path)
    note = "Anteckning \u009b31m\u202e med åäö"
    with SessionStore.open(path) as store:
        store.set_note("s-skala", note).wait()
        store.put_answer("s-skala", "slot-a", EVIL).wait()
    code, out, err = run_mognad(
        "export", "fientlig", "--format", "json", "--data-dir", str(tmp_path)
    )
    assert code == 0, err
    assert control_chars(out) == []
    assert "åäö" in out  # still readable
    data = json.loads(out)
    assert data["notes"][0]["text"] == note
    assert data["questions"][0]["answers"] == [EVIL]
