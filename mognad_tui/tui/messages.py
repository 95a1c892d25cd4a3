"""The seam inside the terminal face: what the app tells its screens, and what screens need.

The app turns the meeting's change notices into one :class:`MeetingChanged` message per batch,
posted to every screen on the stack; each screen repaints what it shows in its own
``@on(MeetingChanged)`` handler, so the app knows no screen's widgets. Screens reach the app
by posting messages (:class:`MeetingCall`, :class:`Say`, ...) and read shared settings through
:class:`Host`, never by importing ``tui/app.py`` (an import-linter contract keeps it so).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import KW_ONLY, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from textual.message import Message
from textual.notifications import SeverityLevel

from mognad_tui.meeting import Change, Meeting
from mognad_tui.model import ActionItem, Need

if TYPE_CHECKING:
    from mognad_tui.tui.join import JoinState


@dataclass
class MeetingChanged(Message, bubble=False):
    """The meeting changed in the ways ``kinds`` names since the last repaint."""

    kinds: frozenset[Change]

    def touches(self, *kinds: Change) -> bool:
        return not self.kinds.isdisjoint(kinds)


@dataclass
class Say(Message):
    """A screen has something to tell the facilitator: a toast with literal text."""

    text: str
    severity: SeverityLevel = "information"


@dataclass
class MeetingCall(Message):
    """The facilitator asked the meeting for a change (``call`` makes the coroutine).

    The app runs it, repaints, turns a refusal into a message, and says ``done`` once it holds.
    ``wait=False`` (navigation) lets the key return before the disk has the change."""

    call: Callable[[], Awaitable[Any]]
    _: KW_ONLY
    wait: bool = True
    done: str = ""
    back_to_main: bool = False


@dataclass
class GoTo(Message):
    """Show this agenda item (picked in the agenda list or the palette)."""

    item_id: str


@dataclass
class EditAction(Message):
    """Open the action form on ``action`` (a new one has an empty id)."""

    action: ActionItem


@dataclass
class EditNeed(Message):
    """Open the need form on ``need`` (a new one has an empty id)."""

    need: Need


@dataclass
class Requested(Message):
    """The facilitator pressed a key whose screen belongs to the app (``tally``, ``private``,
    ``moderate``, ``dot_vote``): the app checks and opens it."""

    action: str


class Host(Protocol):
    """What screens and widgets may read of the running app (``Localized.mognad``)."""

    meeting: Meeting
    lang: str
    demo: bool
    cursor_blink: bool

    def clock(self) -> datetime: ...

    def join_state(self) -> JoinState: ...
