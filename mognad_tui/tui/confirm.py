"""Asking before something that is hard to take back: quitting while voting is open (people
may be answering right now), removing a need or an action item in front of the room."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Button, Label

from mognad_tui.tui.dialog import Dialog


class Confirm(Dialog[bool]):
    """A yes/no question whose safe answer has the focus, so Enter never does the harm."""

    BINDINGS = [Binding("escape", "stay", "key.cancel")]
    AUTO_FOCUS = "#stay"
    BOX_ID = "confirm-box"
    NO_KEY = ""
    YES_KEY = ""

    def __init__(self, text: str) -> None:
        super().__init__()
        #: What is asked about; may hold typed text, so it is shown literally.
        self.text = text

    def compose_box(self) -> ComposeResult:
        yield Label(Content(self.body()), classes="dialog-text")
        with Horizontal(classes="buttons"):
            yield Button(self.t(self.NO_KEY), id="stay", variant="primary", compact=True)
            yield Button(self.t(self.YES_KEY), id="leave", variant="error", compact=True)

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
