"""The seam inside the terminal face: what the app tells its screens, and what screens need.

The app turns the meeting's change notices into one :class:`MeetingChanged` message per batch,
posted to every screen on the stack; each screen repaints what it shows in its own
``@on(MeetingChanged)`` handler, so the app knows no screen's widgets. Screens reach the app
only through :class:`Host` (shared settings and a few requests), never by importing
``tui/app.py`` (an import-linter contract keeps it so).
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime
from typing import Any, Protocol

from textual.message import Message
from textual.notifications import SeverityLevel

from mognad_tui.meeting import Change


class MeetingChanged(Message, bubble=False):
    """The meeting changed in the ways ``kinds`` names since the last repaint."""

    def __init__(self, kinds: frozenset[Change]) -> None:
        super().__init__()
        self.kinds = kinds

    def touches(self, *kinds: Change) -> bool:
        return not self.kinds.isdisjoint(kinds)


class Host(Protocol):
    """What screens and widgets may ask of the running app (``Localized.mognad``)."""

    lang: str
    demo: bool
    cursor_blink: bool

    def clock(self) -> datetime: ...

    def say(self, message: str, *, severity: SeverityLevel = "information") -> None: ...

    async def run_meeting(self, call: Awaitable[Any], *, wait: bool = True) -> bool: ...

    def join_state(self) -> Any: ...

    async def go_to(self, item_id: str) -> None: ...

    def edit_action(self, action: Any) -> None: ...

    async def action_dot_vote(self) -> None: ...

    def action_tally(self) -> None: ...

    def action_private(self) -> None: ...

    def action_moderate(self) -> None: ...
