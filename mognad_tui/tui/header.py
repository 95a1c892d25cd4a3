"""The top line: "mognad · <group> · Steg 2 av 4: Självskattning", status marks, the time used
of the meeting under way against its plan ("23 av 60 min") and the clock.

The clock comes from the app's ``clock`` callable so snapshot tests can freeze it; the same
clock measures the minutes a meeting uses, which the session keeps (whole minutes, never a time
of day) so a restart continues the count.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from mognad_tui.model import Question, Voting
from mognad_tui.tui.base import Localized, TextLabel, show_text
from mognad_tui.tui.messages import MeetingCall


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
    TopBar #top-time.-over { color: $text-warning; text-style: bold; }
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
        self._track_time()
        self.show_time()

    def show_time(self) -> None:
        """ "23 av 60 min" for the meeting the current item belongs to (0 until it starts)."""
        meeting = self.mognad.meeting
        plan = meeting.plan_of(meeting.current)
        text = ""
        over = False
        if plan is not None:
            used = meeting.minutes_used(plan.number, self.mognad.clock()) or 0
            text = self.t("header.time", used=used, minutes=plan.minutes)
            over = used > plan.minutes
        label = self.query_one("#top-time", Label)
        show_text(label, text)
        label.set_class(over, "-over")  # past the meeting's length: in the warning colour

    #: The item shown when this bar first looked: the app opens on it by itself (often well
    #: before the room has gathered), so only moving on or opening its vote starts the count.
    _first_seen: str | None = None

    def _track_time(self) -> None:
        """Let the minutes of the current item's meeting run, and keep them in the session. The
        facilitator's first step in a meeting starts it: going to one of its items, or opening
        the vote on the item the app opened on."""
        meeting = self.mognad.meeting
        current = meeting.current
        plan = meeting.plan_of(current) if current is not None else None
        if current is None or plan is None:
            return
        if self._first_seen is None:
            self._first_seen = current.item.id
        acted = current.item.id != self._first_seen or (
            isinstance(current.item, Question)
            and meeting.voting(current.item.id) is not Voting.CLOSED
        )
        write = meeting.track_time(plan.number, self.mognad.clock(), start=acted)
        if write is not None:
            # Through the screen: called from the screen's own handler, a message posted here
            # would count the screen as its sender and stop there, short of the app.
            self.screen.post_message(MeetingCall(lambda: write, wait=False))

    def set_title(self, group: str, step: str) -> None:
        parts = [self.t("header.app")]
        if group:
            parts.append(group)
        if step:
            parts.append(step)
        show_text(self.query_one("#top-title", Label), " · ".join(parts))
        self._track_time()
        self.show_time()

    def set_status(self, text: str) -> None:
        show_text(self.query_one("#top-status", Label), text)
