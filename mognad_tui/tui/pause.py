"""``.``: the room sees a calm "Paus" while the facilitator moderates free text or reads notes.

The laptop's screen is the room's screen, so anything the facilitator looks at, the room reads
too. This screen covers the meeting (the question, its pending texts, the notes) with one word
and how to join, and stays until the facilitator shows the meeting again. Moderation opens on
top of it, so the texts under review are never shown behind the dialog.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Label

from mognad_tui.tui.base import Localized, show_text
from mognad_tui.tui.join import joined_text
from mognad_tui.tui.messages import MeetingChanged


class PauseScreen(Localized, Screen[None]):
    BINDINGS = [
        Binding("full_stop,escape", "dismiss_screen", "key.unblank", key_display="."),
    ]

    def compose(self) -> ComposeResult:
        with Middle():
            with Center():
                yield Label(self.t("pause.title"), id="pause-title", markup=False)
            with Center():
                yield Label(id="pause-join", markup=False)
            with Center():
                yield Label(self.t("pause.hint"), id="pause-hint", markup=False)

    def on_mount(self) -> None:
        self.show_join()

    def show_join(self) -> None:
        """How to join stays visible: a pause is a good moment for a late arrival to scan."""
        state = self.mognad.join_state()
        text = ""
        if state.code:
            text = self.t("pause.join", code=state.code, joined=joined_text(self, state.joined))
        show_text(self.query_one("#pause-join", Label), text)

    @on(MeetingChanged)
    def _meeting_changed(self, _message: MeetingChanged) -> None:
        self.show_join()

    def action_dismiss_screen(self) -> None:
        self.dismiss()
