"""Shared helpers for the terminal app's tests (no tests here).

A real session store in a temporary folder with the real built-in question set, a fixed clock,
no blinking cursors, and the screen's text read from the compositor so a test can check what
the room actually sees.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from mognad_tui.meeting import Meeting
from mognad_tui.model import QuestionSet, SessionInfo
from mognad_tui.question_sets import load_question_set
from mognad_tui.store import SessionStore, create_session
from mognad_tui.tui.app import MognadApp

FIXED_NOW = datetime(2026, 11, 26, 14, 5)
JOIN_URL = "http://192.168.1.20:8765/j/4821"
GROUP = "Enhet Socialtjänst Nord"


@lru_cache(maxsize=4)
def question_set(lang: str = "sv") -> QuestionSet:
    return load_question_set("digital-mognad", lang)


def new_session(tmp_path: Path, lang: str = "sv", threshold: int = 3) -> Path:
    info = SessionInfo(
        name="enhet-nord",
        title=GROUP,
        created="2026-11-26",
        set_id="digital-mognad",
        lang=lang,  # type: ignore[arg-type]
        threshold=threshold,
        join_code="4821",
    )
    return create_session(tmp_path / "sessions", info, question_set(lang))


def open_meeting(path: Path) -> Meeting:
    return Meeting(SessionStore.open(path))


class FakeServer:
    """Stands in for the web face: ``start()`` returns the join URL (or fails on request)."""

    def __init__(self, url: str = JOIN_URL, fail: Exception | None = None) -> None:
        self.url = url
        self.fail = fail
        self.started = 0
        self.stopped = 0

    async def start(self) -> str:
        self.started += 1
        if self.fail is not None:
            raise self.fail
        return self.url

    async def stop(self) -> None:
        self.stopped += 1


class FakeService:
    def __init__(self) -> None:
        self.started = 0
        self.stopped = 0

    async def start(self) -> None:
        self.started += 1

    async def stop(self) -> None:
        self.stopped += 1


def make_app(meeting: Meeting, **kwargs: Any) -> MognadApp:
    kwargs.setdefault("clock", lambda: FIXED_NOW)
    kwargs.setdefault("cursor_blink", False)
    kwargs.setdefault("batch_delay", 0)
    return MognadApp(meeting, **kwargs)


async def settled(pilot: Pilot) -> None:
    """Wait, on events, until what the meeting changed is drawn: the workers have finished,
    the app's queue has run what was posted before (``call_later`` keeps order, and the app
    repaints through it), then the screen's."""
    app = pilot.app
    await app.workers.wait_for_complete()
    done = asyncio.Event()
    app.call_later(done.set)
    await done.wait()
    await pilot.pause()


async def until(pilot: Pilot, condition: Callable[[], object], limit: float = 10.0) -> None:
    """Wait for something the app does on its own time (a debounce, a background reveal):
    idle pauses until ``condition()`` holds; ``limit`` seconds only guard against a hang."""
    async with asyncio.timeout(limit):
        while not condition():
            await pilot.pause()


def screen_text(app: MognadApp) -> str:
    """Everything on the screen as plain text, one line per row."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def squashed(app: MognadApp) -> str:
    """Screen text with every run of whitespace and box drawing folded, for phrase checks
    that must not break where the layout wraps a line."""
    import re

    text = screen_text(app)
    text = re.sub(r"[│╭╮╰╯─▊▎▔▁█▌▐]", " ", text)
    return " ".join(text.split())


async def answer(meeting: Meeting, question_id: str, values: list[Any], prefix: str = "t") -> None:
    """Answers from made-up device tokens, as phones would post them."""
    for n, value in enumerate(values):
        await meeting.submit(f"{prefix}{n}", question_id, value)


def item_ids(meeting: Meeting) -> list[str]:
    return [e.item.id for e in meeting.agenda()]


def region_text(app: MognadApp, selector: str) -> str:
    """The text inside one widget's region of the screen, whitespace folded: what the room
    reads there, whatever the layout wrapped."""
    widget = app.screen.query_one(selector)
    region = widget.region
    lines = screen_text(app).splitlines()
    import re

    rows = [line[region.x : region.right] for line in lines[region.y : region.bottom]]
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", " ".join(rows)).split())
