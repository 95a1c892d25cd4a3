"""Asking before quitting while voting is open (people may be answering right now)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Label

from mognad_tui.tui.base import Localized


class ConfirmQuit(Localized, ModalScreen[bool]):
    ALLOW_APP_KEYS = False
    BINDINGS = [Binding("escape", "stay", "key.cancel")]
    AUTO_FOCUS = "#stay"

    def __init__(self) -> None:
        super().__init__()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="quit-box"):
            yield Label(self.t("quit.title"), classes="dialog-title", markup=False)
            yield Label(self.t("quit.voting_open"), classes="dialog-text", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(self.t("quit.no"), id="stay", variant="primary", compact=True)
                yield Button(self.t("quit.yes"), id="leave", variant="error", compact=True)
        yield Footer(compact=True, show_command_palette=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "leave")

    def action_stay(self) -> None:
        self.dismiss(False)
