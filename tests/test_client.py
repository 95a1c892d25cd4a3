"""The participant's side out of a browser, against the real server and a real store.

Each test starts ``WebServer`` on 127.0.0.1, port 0, over a fresh session of the built-in set in
a temporary folder, and talks to it only over HTTP, as a phone would. The terminal client runs as
``python -m mognad_tui answer URL`` with piped input, exactly as a script would drive it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mognad_tui.client import ApiError, ParticipantClient, parse_join_url
from mognad_tui.client.api import _read_sse
from mognad_tui.client.messages import MESSAGES
from mognad_tui.client.simulate import SimStats, Simulator, summary_lines
from mognad_tui.meeting import Meeting
from mognad_tui.model import (
    DONT_KNOW,
    Kind,
    Option,
    Question,
    QuestionSet,
    SessionInfo,
    Step,
    Voting,
)
from mognad_tui.question_sets import load_question_set
from mognad_tui.store import SessionStore, create_session
from mognad_tui.web import WebServer

ROOT = Path(__file__).resolve().parent.parent

Room = tuple[Meeting, str]


@pytest.fixture
async def room(tmp_path: Path) -> AsyncIterator[Callable[..., Awaitable[Room]]]:
    """A factory: ``await room(self_paced=...)`` gives a live meeting and its join URL."""
    opened: list[tuple[SessionStore, WebServer]] = []

    async def make(
        *, self_paced: bool = False, lang: str = "sv", question_set: QuestionSet | None = None
    ) -> Room:
        question_set = question_set or load_question_set("digital-mognad", lang)
        name = f"room{len(opened)}"
        info = SessionInfo(
            name=name, title="Enhet Test", created="", set_id=question_set.id, lang=lang
        )
        store = SessionStore.open(create_session(tmp_path / "sessions", info, question_set))
        meeting = Meeting(store, self_paced=self_paced)
        server = WebServer(meeting, "127.0.0.1", 0)
        url = await server.start()
        opened.append((store, server))
        return meeting, url

    yield make
    for store, server in opened:
        await server.stop()
        store.close()


async def until(condition: Callable[[], bool], limit: float = 120) -> None:
    """Yield to the loop until ``condition()`` holds; ``limit`` only guards against a hang,
    so it is far beyond what a busy machine needs."""
    async with asyncio.timeout(limit):
        while not condition():
            await asyncio.sleep(0.02)


async def run_cli(*args: str, stdin: str = "", timeout: float = 120) -> tuple[int, str]:
    """``python -m mognad_tui ARGS`` with piped input, while this loop keeps serving."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MOGNAD_LANG": ""}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "mognad_tui",
        *args,
        cwd=ROOT,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        out, _ = await asyncio.wait_for(proc.communicate(stdin.encode()), timeout)
    except TimeoutError:
        proc.kill()
        out, _ = await proc.communicate()
        pytest.fail(f"the command did not end within {timeout} s:\n{out.decode()}")
    return proc.returncode or 0, out.decode()


def small_survey() -> QuestionSet:
    """Three survey questions, one of each common kind: a self-paced walk in a second (the
    built-in set has 40, and the server lets one device post 30 answers per 10 s)."""
    points = [Option(n, label) for n, label in enumerate("abcde", 1)]
    scale = (*points, Option(DONT_KNOW, "Vet ej"))
    return QuestionSet(
        id="liten",
        version="1",
        lang="sv",
        title="Liten enkät",
        description="",
        steps=(
            Step(
                2,
                "Självskattning",
                (
                    Question("s-skala", Kind.SCALE, "Vi hittar information.", scale, "d1"),
                    Question(
                        "s-flera",
                        Kind.MULTIPLE,
                        "Vilka verktyg?",
                        (Option("a", "A"), Option("b", "B"), Option("c", "C")),
                    ),
                    Question("s-text", Kind.TEXT, "Något mer?"),
                ),
            ),
        ),
    )


@contextlib.contextmanager
def refused_port() -> Iterator[int]:
    """A port on 127.0.0.1 that refuses connections for as long as the block runs: bound, so
    nothing else can take it meanwhile, but not listening (a port merely found free could
    be taken by another test's server before it is used)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        yield s.getsockname()[1]


# ---------------------------------------------------------------- pure parts


def test_catalog_complete_in_both_languages() -> None:
    assert MESSAGES.missing() == {}


@pytest.mark.parametrize(
    ("url", "base", "code"),
    [
        ("http://192.168.1.20:8765/j/4821", "http://192.168.1.20:8765", "4821"),
        ("  192.168.1.20:8765/j/4821/ ", "http://192.168.1.20:8765", "4821"),
        ("http://[::1]:8765/j/ab-12", "http://[::1]:8765", "ab-12"),
    ],
)
def test_parse_join_url(url: str, base: str, code: str) -> None:
    parsed = parse_join_url(url)
    assert (parsed.base, parsed.code) == (base, code)
    assert parsed.api("state") == f"{base}/api/{code}/state"


@pytest.mark.parametrize("url", ["", "http://host:8765/", "ftp://h/j/1", "http://h:99999/j/1"])
def test_parse_join_url_refuses_clearly(url: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_join_url(url, "en")
    assert caught.value.code == "bad_url"
    assert "should look like" in caught.value.message


async def test_sse_parser_follows_the_rules() -> None:
    class Lines:
        def __init__(self, data: bytes):
            self.lines = data.splitlines(keepends=True)

        async def readline(self) -> bytes:
            return self.lines.pop(0) if self.lines else b""

    raw = b': hello\r\nretry: 3000\n\nevent: update\ndata: {"a":\ndata: 1}\nid: 7\n\ndata: x\n\n'
    got = [(e, r) async for e, r in _read_sse(Lines(raw))]  # type: ignore[arg-type]
    assert [e.event for e, _ in got] == ["update", "message"]
    assert got[0][0].json() == {"a": 1}
    assert got[0][0].id == "7"
    assert got[1][0].data == "x"


def test_summary_reads_in_swedish_and_english() -> None:
    stats = SimStats(participants=3, joined=3, acked=6, latencies=[0.01, 0.02, 0.5])
    stats.errors[429] += 2
    stats.first_sent, stats.last_ack = 1.0, 3.0
    sv = "\n".join(summary_lines(stats, "sv"))
    en = "\n".join(summary_lines(stats, "en"))
    assert "Svar som mötet tog emot: 6" in sv and "3,0 svar per sekund" in sv
    assert "acknowledged: 6" in en and "3.0 answers per second" in en
    assert "429 för snabbt, skickades igen: 2" in sv and "429 too fast, sent again: 2" in en


# ---------------------------------------------------------------- the API client


async def test_client_joins_reads_state_answers_and_is_refused_clearly(room: Any) -> None:
    meeting, url = await room()
    scale = meeting.question_set.survey[0]
    async with ParticipantClient(url, lang="en") as client:
        await client.join()
        assert client.has_token
        state = await client.state()
        assert state["open"] == [] and state["answered"] == {}
        with pytest.raises(ApiError) as closed:
            await client.answer(scale.id, 3)
        assert (closed.value.status, closed.value.code) == (409, "not_open")
        assert closed.value.message == "The question is closed. You cannot answer it now."

        await meeting.set_voting(scale.id, Voting.OPEN)
        state = await client.state()
        assert [q["id"] for q in state["open"]] == [scale.id]
        assert await client.answer(scale.id, 4) is True
        assert await client.answer(scale.id, 2) is True  # a second answer replaces the first
        assert (await client.state())["answered"] == {scale.id: 2}
        with pytest.raises(ApiError) as bad:
            await client.answer(scale.id, 99)
        assert bad.value.status == 422
    assert meeting.store.answers(scale.id) == [2]

    wrong = url.rsplit("/", 1)[0] + "/000000x"
    async with ParticipantClient(wrong) as client:
        with pytest.raises(ApiError) as caught:
            await client.join()
    assert (caught.value.status, caught.value.code) == (404, "wrong_code")

    # An address with the short typed code works too: the page leads on to the link's key,
    # and the client's API calls follow it there (the API takes only the key).
    typed = url.rsplit("/", 1)[0] + "/" + meeting.join_code
    async with ParticipantClient(typed) as client:
        await client.join()
        assert client.url.code == meeting.join_key
        assert await client.answer(scale.id, 5) is True
    assert sorted(meeting.store.answers(scale.id)) == [2, 5]

    with refused_port() as port:
        async with ParticipantClient(f"http://127.0.0.1:{port}/j/1234") as client:
            with pytest.raises(ApiError) as down:
                await client.state()
    assert (down.value.status, down.value.code) == (0, "unreachable")
    assert "Det går inte att nå mötet" in down.value.message


async def test_events_arrive_and_the_stream_comes_back_after_a_drop(tmp_path: Path) -> None:
    question_set = load_question_set("digital-mognad", "sv")
    info = SessionInfo(name="ev", title="Ev", created="", set_id=question_set.id, lang="sv")
    path = create_session(tmp_path, info, question_set)
    store = SessionStore.open(path)
    meeting = Meeting(store)
    server = WebServer(meeting, "127.0.0.1", 0)
    url = await server.start()
    statuses: list[str] = []
    client = ParticipantClient(url)
    await client.join()
    events = client.events(backoff=0.1, max_backoff=0.3, on_status=statuses.append)
    try:
        first = await asyncio.wait_for(anext(events), 60)
        assert first.synthetic and first.event == "open"
        await meeting.set_voting(question_set.survey[0].id, Voting.OPEN)
        update = await asyncio.wait_for(anext(events), 60)
        assert not update.synthetic

        # The server goes away and comes back on the same port, as after a restart.
        port = server.port
        await server.stop()
        server = WebServer(meeting, "127.0.0.1", port)
        await server.start()
        again = await asyncio.wait_for(anext(events), 60)
        assert again.synthetic and again.event == "open"
        assert statuses[0] == "reconnecting" and statuses[-1] == "reconnected"
    finally:
        await events.aclose()
        await client.close()
        await server.stop()
        store.close()


# ---------------------------------------------------------------- mognad answer


async def test_terminal_client_answers_scale_multiple_and_text(room: Any) -> None:
    meeting, url = await room()
    scale = meeting.question_set.survey[0]
    await meeting.set_voting(scale.id, Voting.OPEN)
    multiple = await meeting.add_poll("Vilka verktyg använder vi?", Kind.MULTIPLE, ["A", "B", "C"])
    text = await meeting.add_poll("Något mer?", Kind.TEXT)
    dots = await meeting.add_poll("Prioritera", Kind.DOTS, ["Tid", "Stöd"], dots=3)
    long_text = "x" * (text.max_length + 1)
    # scale: option 4; multiple: options 1 and 3; text: too long first (refused, asked again);
    # dots: 4 on the first is more than there are (asked again), then 2, the last one gets 1.
    stdin = f"4\n1, 3\n{long_text}\nVi behöver mer tid för att lära oss.\n4\n2\n1\n"
    code, out = await run_cli("answer", url, stdin=stdin)
    assert code == 0, out
    assert "Traceback" not in out
    assert out.count("Ditt svar är sparat.") == 4
    assert f"högst {text.max_length} tecken" in out
    assert "Texten är för lång" in out
    assert "Fråga 1 av 4" in out and "Fråga 4 av 4" in out
    assert "Du har 3 punkter att fördela." in out and "1 kvar" in out
    assert meeting.store.answers(dots.id) == [{"o1": 2, "o2": 1}]
    assert out.rstrip().endswith("Hej då, och tack för dina svar.")
    assert meeting.store.answers(scale.id) == [4]
    assert meeting.store.answers(multiple.id) == [["o1", "o3"]]
    assert meeting.store.answers(text.id) == ["Vi behöver mer tid för att lära oss."]


async def test_terminal_client_self_paced_walk_and_change(room: Any) -> None:
    meeting, url = await room(self_paced=True)
    survey = meeting.question_set.survey
    pages = [q for q in survey if not q.importance_of]
    first, second = survey[0], survey[1]
    # Walk: answer the first two, skip the rest (empty lines), then change the first one
    # (every other question is kept with an empty line), then say no to a further pass.
    walk = ["2", "5"] + [""] * (len(survey) - 2)
    change = ["y", "3"] + [""] * (len(survey) - 1) + ["n"]
    code, out = await run_cli("answer", url, "--lang", "en", stdin="\n".join(walk + change) + "\n")
    assert code == 0, out
    assert "Traceback" not in out
    assert out.count(f"Question 1 of {len(pages)}") == 2
    assert f"Question {len(pages)} of {len(pages)}" in out
    assert f"You have answered 2 of {len(pages)} questions." in out
    assert "Your answer now: Känner till, inte provat" in out
    assert "You kept your answer." in out
    assert out.count("Your answer is saved.") == 3
    assert meeting.store.answers(first.id) == [3]
    assert meeting.store.answers(second.id) == [5]
    assert sum(meeting.store.answer_count(q.id) for q in survey) == 2


async def test_terminal_client_wrong_code_and_server_down(room: Any) -> None:
    _, url = await room()
    wrong = url.rsplit("/", 1)[0] + "/999999x"
    code, out = await run_cli("answer", wrong)
    assert code == 1
    assert "Det finns inget möte med koden 999999x" in out
    assert "Traceback" not in out

    with refused_port() as port:
        code, out = await run_cli("answer", f"http://127.0.0.1:{port}/j/123456", "--lang", "en")
    assert code == 1
    assert "Cannot reach the meeting at 127.0.0.1:" in out
    assert "Traceback" not in out

    code, out = await run_cli("answer", "not a url")
    assert code == 1 and "Adressen går inte att använda" in out and "Traceback" not in out


# ---------------------------------------------------------------- mognad simulate


async def test_simulator_every_answer_acknowledged_and_stored_once(room: Any) -> None:
    meeting, url = await room()
    survey = meeting.question_set.survey
    opened = [survey[0], survey[1]]
    for question in opened:
        await meeting.set_voting(question.id, Voting.OPEN)
    multiple = await meeting.add_poll("Verktyg?", Kind.MULTIPLE, ["A", "B", "C", "D"])
    text = await meeting.add_poll("Kommentar?", Kind.TEXT)
    dots = await meeting.add_poll("Prioritera", Kind.DOTS, ["Tid", "Utbildning", "Stöd"], dots=3)
    questions = [*opened, multiple, text, dots]
    progress: list[SimStats] = []
    sim = Simulator(url, 20, pace=0, seed=1, on_progress=progress.append)
    await sim.start()
    try:
        await until(lambda: sim.all_answered)
        # Facilitator-paced: a question opened later is answered too.
        later = survey[2]
        await meeting.set_voting(later.id, Voting.OPEN)
        questions.append(later)
        await until(lambda: meeting.store.answer_count(later.id) == 20 and sim.all_answered)
    finally:
        await sim.stop()
    stats = sim.stats
    assert stats.joined == 20
    assert stats.acked == 20 * len(questions)
    assert stats.error_count == 0 and stats.gave_up == 0
    assert progress, "on_progress was never called"
    # What is on disk, read afresh: every acknowledged answer, once per device and question.
    with SessionStore.open(meeting.store.path, readonly=True) as on_disk:
        record = on_disk.record()
    for question in questions:
        answers = record.answers.get(question.id, [])
        assert len(answers) == 20, question.id
        for value in answers:
            question.validate_value(value)  # every stored value fits its question
    assert all(sum(v.values()) == 3 for v in record.answers[dots.id])  # dots spent fully


async def test_simulate_command_self_paced_to_the_end(room: Any) -> None:
    meeting, url = await room(self_paced=True, question_set=small_survey())
    code, out = await run_cli(
        "simulate", url, "--participants", "5", "--pace", "0", "--duration", "30", timeout=40
    )
    assert code == 0, out
    survey = meeting.question_set.survey
    assert "Telefoner som gick med: 5 av 5" in out
    assert f"Svar som mötet tog emot: {5 * len(survey)}" in out
    assert "Fel: inga" in out
    assert "Svarstid: p50" in out and "svar per sekund" in out
    assert all(meeting.store.answer_count(q.id) == 5 for q in survey)


async def test_simulate_command_wrong_code(room: Any) -> None:
    _, url = await room()
    wrong = url.rsplit("/", 1)[0] + "/999999x"
    code, out = await run_cli("simulate", wrong, "--participants", "2", "--pace", "0")
    assert code == 1
    assert "Det finns inget möte med koden 999999x" in out
    assert "Traceback" not in out


async def test_simulator_stops_cleanly_when_the_server_is_down() -> None:
    with refused_port() as port:
        sim = Simulator(f"http://127.0.0.1:{port}/j/1", 3, pace=0)
        await sim.start()
        finished = await sim.wait_finished(120)  # a bound for a hang, never reached otherwise
        await sim.stop()
    assert finished, "the simulator kept trying a server that is down"
    assert sim.failure is not None and sim.failure.code == "unreachable"


async def test_terminal_client_with_questionary_keys(room: Any) -> None:
    """The questionary path (a real terminal), driven by keys through prompt_toolkit's pipe."""
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from mognad_tui.client.answer import AnswerSession, TerminalPrompter

    meeting, url = await room()
    scale = meeting.question_set.survey[0]
    await meeting.set_voting(scale.id, Voting.OPEN)
    multiple = await meeting.add_poll("Verktyg?", Kind.MULTIPLE, ["A", "B", "C"])
    text = await meeting.add_poll("Kommentar?", Kind.TEXT)
    down, enter = "\x1b[B", "\r"
    said: list[str] = []

    async def until_saved(n: int) -> None:
        await until(lambda: said.count("Ditt svar är sparat.") >= n)

    with create_pipe_input() as keys:
        prompter = TerminalPrompter("sv", pt_input=keys, pt_output=DummyOutput())
        prompter.say = said.append  # type: ignore[method-assign]
        task = asyncio.create_task(AnswerSession(url, "sv", prompter).run())
        typed = [
            down * 3 + enter,  # the fourth scale point
            " " + down + down + " " + enter,  # A and C
            "Mer tid" + enter,
        ]
        for n, chunk in enumerate(typed):
            await until_saved(n)  # type when the prompt is there, as a person would
            await asyncio.sleep(0.2)
            keys.send_text(chunk)
        await until_saved(3)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert said.count("Ditt svar är sparat.") == 3
    assert meeting.store.answers(scale.id) == [4]
    assert meeting.store.answers(multiple.id) == [["o1", "o3"]]
    assert meeting.store.answers(text.id) == ["Mer tid"]
