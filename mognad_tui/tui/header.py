"""The top line: "mognad · <group> · Steg 2 av 4: Självskattning", status marks, the time used
of the meeting under way against its plan ("23 av 60 min") and the clock.

The clock comes from the app's ``clock`` callable so snapshot tests can freeze it; the same
clock stamps a meeting's start, kept in the session so a restart continues the count.
"""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from mognad_tui.model import Question, Voting
from mognad_tui.tui.base import Localized, TextLabel, show_text
from mognad_tui.tui.messages import MeetingCall


def minutes_between(start: datetime, now: datetime) -> int:
    """Whole minutes from ``start`` to ``now``, never negative; a stored time with a zone
    and a clock without one (or the other way round) compare in local time."""
    if (start.tzinfo is None) != (now.tzinfo is None):
        start, now = (t.astimezone().replace(tzinfo=None) for t in (start, now))
    return max(0, int((now - start).total_seconds() // 60))


class TopBar(Localized, Horizontal):
    DEFAULT_CSS = """
    TopBar {
        height: 1;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    TopBar #top-title { width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; text-style: bold; }
    TopBar #top-status { width: auto; color: $text-accent; margin: 0 2 0 0; }
    TopBar #top-time { width: auto; margin: 0 2 0 0; }
    TopBar #top-clock { width: 5; }
    """

    def compose(self) -> ComposeResult:
        yield TextLabel(id="top-title", markup=False)
        yield TextLabel(id="top-status", markup=False)
        yield TextLabel(id="top-time", markup=False)
        yield TextLabel(id="top-clock", markup=False)

    def on_mount(self) -> None:
        self.tick()
        self.set_interval(1.0, self.tick)

    def tick(self) -> None:
        show_text(self.query_one("#top-clock", Label), self.mognad.clock().strftime("%H:%M"))
        self._start_meeting()
        self.show_time()

    def show_time(self) -> None:
        """ "23 av 60 min" for the meeting the current item belongs to (0 until it starts)."""
        meeting = self.mognad.meeting
        plan = meeting.plan_of(meeting.current)
        text = ""
        if plan is not None:
            started = meeting.meeting_started(plan.number)
            used = 0 if started is None else minutes_between(started, self.mognad.clock())
            text = self.t("header.time", used=used, minutes=plan.minutes)
        show_text(self.query_one("#top-time", Label), text)

    #: The item shown when this bar first looked: the app opens on it by itself (often well
    #: before the room has gathered), so only moving on or opening its vote starts the count.
    _first_seen: str | None = None

    def _start_meeting(self) -> None:
        """The facilitator's first step in a meeting starts its count: going to one of its
        items, or opening the vote on the item the app opened on. Once: the first is kept."""
        meeting = self.mognad.meeting
        current = meeting.current
        plan = meeting.plan_of(current) if current is not None else None
        if current is None or plan is None:
            return
        if self._first_seen is None:
            self._first_seen = current.item.id
        if meeting.meeting_started(plan.number) is not None:
            return
        acted = current.item.id != self._first_seen or (
            isinstance(current.item, Question)
            and meeting.voting(current.item.id) is not Voting.CLOSED
        )
        if not acted:
            return
        at = self.mognad.clock()

        async def start() -> None:
            await meeting.start_meeting(plan.number, at)
            self.show_time()

        # Through the screen: called from the screen's own handler, a message posted here
        # would count the screen as its sender and stop there, short of the app.
        self.screen.post_message(MeetingCall(start, wait=False))

    def set_title(self, group: str, step: str) -> None:
        parts = [self.t("header.app")]
        if group:
            parts.append(group)
        if step:
            parts.append(step)
        show_text(self.query_one("#top-title", Label), " · ".join(parts))
        self._start_meeting()
        self.show_time()

    def set_status(self, text: str) -> None:
        show_text(self.query_one("#top-status", Label), text)
