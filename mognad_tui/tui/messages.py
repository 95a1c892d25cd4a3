"""The seam inside the terminal face: what the app tells its screens, and what screens need.

The app turns the meeting's change notices into one :class:`MeetingChanged` message per batch,
posted to every screen on the stack; each screen repaints what it shows in its own
``@on(MeetingChanged)`` handler, so the app knows no screen's widgets. Screens reach the app
by posting messages (:class:`MeetingCall`, :class:`Say`, ...) and read shared settings through
:class:`Host`, never by importing ``tui/app.py`` (an import-linter contract keeps it so).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from textual.message import Message
from textual.notifications import SeverityLevel

from mognad_tui.meeting import Change, Meeting
from mognad_tui.model import ActionItem, Need

if TYPE_CHECKING:
    from mognad_tui.tui.join import JoinState


class MeetingChanged(Message, bubble=False):
    """The meeting changed in the ways ``kinds`` names since the last repaint."""

    def __init__(self, kinds: frozenset[Change]) -> None:
        super().__init__()
        self.kinds = kinds

    def touches(self, *kinds: Change) -> bool:
        return not self.kinds.isdisjoint(kinds)


class Say(Message):
    """A screen has something to tell the facilitator: a toast with literal text."""

    def __init__(self, text: str, severity: SeverityLevel = "information") -> None:
        super().__init__()
        self.text = text
        self.severity = severity


class MeetingCall(Message):
    """The facilitator asked the meeting for a change (``call`` makes the coroutine).

    The app runs it, repaints, turns a refusal into a message, and says ``done`` once it holds.
    ``wait=False`` (navigation) lets the key return before the disk has the change."""

    def __init__(
        self,
        call: Callable[[], Awaitable[Any]],
        *,
        wait: bool = True,
        done: str = "",
        back_to_main: bool = False,
    ) -> None:
        super().__init__()
        self.call = call
        self.wait = wait
        self.done = done
        self.back_to_main = back_to_main


class GoTo(Message):
    """Show this agenda item (picked in the agenda list or the palette)."""

    def __init__(self, item_id: str) -> None:
        super().__init__()
        self.item_id = item_id


class EditAction(Message):
    """Open the action form on ``action`` (a new one has an empty id)."""

    def __init__(self, action: ActionItem) -> None:
        super().__init__()
        self.action = action


class EditNeed(Message):
    """Open the need form on ``need`` (a new one has an empty id)."""

    def __init__(self, need: Need) -> None:
        super().__init__()
        self.need = need


class Requested(Message):
    """The facilitator pressed a key whose screen belongs to the app (``tally``, ``private``,
    ``moderate``, ``dot_vote``): the app checks and opens it."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action


class Host(Protocol):
    """What screens and widgets may read of the running app (``Localized.mognad``)."""

    meeting: Meeting
    lang: str
    demo: bool
    cursor_blink: bool

    def clock(self) -> datetime: ...

    def join_state(self) -> JoinState: ...
