"""Asking before something that is hard to take back: quitting while voting is open (people
may be answering right now), removing a need or an action item in front of the room."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Label

from mognad_tui.tui.base import Localized


class Confirm(Localized, ModalScreen[bool]):
    """A yes/no question whose safe answer has the focus, so Enter never does the harm."""

    ALLOW_APP_KEYS = False
    BINDINGS = [Binding("escape", "stay", "key.cancel")]
    AUTO_FOCUS = "#stay"
    BOX_ID = "confirm-box"
    TITLE_KEY = ""
    NO_KEY = ""
    YES_KEY = ""

    def __init__(self, text: str) -> None:
        super().__init__()
        #: What is asked about; may hold typed text, so it is shown literally.
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id=self.BOX_ID):
            yield Label(self.t(self.TITLE_KEY), classes="dialog-title", markup=False)
            yield Label(Content(self.body()), classes="dialog-text")
            with Horizontal(classes="buttons"):
                yield Button(self.t(self.NO_KEY), id="stay", variant="primary", compact=True)
                yield Button(self.t(self.YES_KEY), id="leave", variant="error", compact=True)
        yield Footer(compact=True, show_command_palette=False)

    def body(self) -> str:
        return self.text

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "leave")

    def action_stay(self) -> None:
        self.dismiss(False)


class ConfirmQuit(Confirm):
    BOX_ID = "quit-box"
    TITLE_KEY = "quit.title"
    NO_KEY = "quit.no"
    YES_KEY = "quit.yes"

    def __init__(self) -> None:
        super().__init__("")

    def body(self) -> str:
        return self.t("quit.voting_open")


class ConfirmRemove(Confirm):
    """``Delete`` on a need or an action item: the item's own words, then remove or keep."""

    TITLE_KEY = "remove.title"
    NO_KEY = "remove.no"
    YES_KEY = "remove.yes"
