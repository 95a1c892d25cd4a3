"""The product's main path end to end: the terminal app and the REAL participant server on one
loop, wired exactly as ``mognad run`` wires them (``cli.live_app``), with phones that join and
answer over HTTP on 127.0.0.1.

The other terminal tests hand the app a stand-in server and post answers straight into the
meeting; these prove the screen, the export key and the phones agree when the answers travel
the real road (cookie from the join page, JSON POST, server-sent events).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from test_tui_support import FIXED_NOW, GROUP, new_session, region_text, settled, until

from mognad_tui import cli
from mognad_tui.client.api import ParticipantClient, SseEvent
from mognad_tui.meeting import Meeting
from mognad_tui.model import Voting
from mognad_tui.store import EXPORTS

SIZE = (120, 36)
SCALE = "a-natfiske"  # a scale question of the built-in set: "Jag känner igen falska meddelanden"
VALUES = [2, 3, 3]  # three phones: the session's anonymity threshold, so the result shows


@pytest.fixture
def session(tmp_path: Path) -> Path:
    return new_session(tmp_path)


@pytest.fixture
def run_args(session: Path) -> Any:
    """The command line ``mognad run SESSION --host 127.0.0.1 --port 0``, parsed as cli does."""
    args = cli.build_parser("sv").parse_args(
        ["run", str(session), "--host", "127.0.0.1", "--port", "0"]
    )
    args.lang = "sv"
    return args


@pytest.fixture
def meeting(run_args: Any) -> Any:
    store = cli.open_live(run_args, run_args.session)
    meeting = Meeting(store)
    yield meeting
    store.close()


def real_app(run_args: Any, meeting: Meeting) -> Any:
    # The test knobs only: a fixed clock, no blinking cursor, no batching delay.
    return cli.live_app(
        run_args, meeting, clock=lambda: FIXED_NOW, cursor_blink=False, batch_delay=0
    )


@contextlib.asynccontextmanager
async def phones(url: str, count: int) -> AsyncIterator[list[ParticipantClient]]:
    """``count`` phones that opened the join link (each now holds its own cookie)."""
    clients = [ParticipantClient(url) for _ in range(count)]
    try:
        for client in clients:
            await client.join()
            assert client.has_token
        yield clients
    finally:
        for client in clients:
            await client.close()


def centre(app: Any) -> str:
    return region_text(app, "#centre")


async def open_scale(pilot: Any, meeting: Meeting) -> None:
    """The facilitator moves to the scale question and opens voting with the space key."""
    await meeting.go_to(SCALE)
    await settled(pilot)
    await pilot.press("space")
    await settled(pilot)
    assert meeting.voting(SCALE) is Voting.OPEN


async def test_phones_answer_over_http_and_the_screen_counts_them(run_args, meeting):
    app = real_app(run_args, meeting)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.join_url, limit=60)
        assert app.server.running and app.join_url.startswith("http://127.0.0.1:")
        await settled(pilot)
        # The room reads the address the server really listens on.
        assert f"127.0.0.1:{app.server.port}" in region_text(app, "#join")
        await open_scale(pilot, meeting)
        async with phones(app.join_url, len(VALUES)) as clients:
            state = await clients[0].state()
            assert [q["id"] for q in state["open"]] == [SCALE]
            for client, value in zip(clients, VALUES, strict=True):
                assert await client.answer(SCALE, value)
            await until(pilot, lambda: "3 av 3 har svarat" in centre(app), limit=60)
            # Open voting shows only the count: no distribution, no mean.
            assert "medel" not in centre(app)
            # The phone sees its own answer, the store holds one record per phone.
            assert (await clients[1].state())["answered"] == {SCALE: 3}
            assert sorted(meeting.store.answers(SCALE)) == VALUES


async def test_reveal_key_puts_the_result_on_the_phones(run_args, meeting):
    app = real_app(run_args, meeting)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.join_url, limit=60)
        await open_scale(pilot, meeting)
        async with phones(app.join_url, len(VALUES)) as clients:
            for client, value in zip(clients, VALUES, strict=True):
                await client.answer(SCALE, value)
            await until(pilot, lambda: "3 av 3 har svarat" in centre(app), limit=60)
            assert (await clients[0].state())["revealed"] == []
            # The phone follows the event stream as the page does; after `r` it is told to
            # look again, and what it then reads holds the result the room sees.
            events: asyncio.Queue[SseEvent] = asyncio.Queue()

            async def follow() -> None:
                async for event in clients[0].events(reconnect=False):
                    await events.put(event)

            task = asyncio.create_task(follow())
            try:
                assert (await asyncio.wait_for(events.get(), 30)).event == "open"
                await pilot.press("r")
                await settled(pilot)
                assert meeting.voting(SCALE) is Voting.REVEALED
                assert "Median 3 · medel 2,7" in centre(app)
                # The bound only guards against a hang: the frame comes or the test fails.
                async with asyncio.timeout(30):
                    while (await events.get()).json() != {"kind": "voting", "question": SCALE}:
                        pass
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            revealed = (await clients[0].state())["revealed"]
            assert [r["id"] for r in revealed] == [SCALE]
            result = revealed[0]
            assert result["n"] == 3 and result["shown"] is True
            counts = {row["value"]: row["count"] for row in result["distribution"]}
            assert counts[2] == 1 and counts[3] == 2 and counts[1] == 0


async def test_export_key_writes_the_phones_answers_to_the_markdown_file(
    run_args, meeting, session: Path
):
    app = real_app(run_args, meeting)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.join_url, limit=60)
        await open_scale(pilot, meeting)
        async with phones(app.join_url, len(VALUES)) as clients:
            for client, value in zip(clients, VALUES, strict=True):
                await client.answer(SCALE, value)
        await until(pilot, lambda: "3 av 3 har svarat" in centre(app), limit=60)
        await pilot.press("r")
        await settled(pilot)
        out = session / EXPORTS / f"{session.name}-{date.today().isoformat()}.md"
        assert not out.exists()
        await pilot.press("e")
        await settled(pilot)
        await until(
            pilot, lambda: any(str(out) in str(n.message) for n in app._notifications), limit=60
        )
        text = out.read_text(encoding="utf-8")
        assert GROUP in text
        assert "Jag känner igen falska meddelanden" in text
        # The three phones' answers, as the room saw them revealed.
        row = next(line for line in text.splitlines() if "Jag känner igen falska" in line)
        assert row.split("|")[2:5] == [" 3 ", " 3 ", " 2,7 "]  # answers, median, mean
        assert "3 deltagare" in text  # the three phones that joined
        assert (session / EXPORTS / f"{out.stem}-charts").is_dir()
    # The server is stopped with the app: the port no longer answers.
    assert not app.server.running
