"""The frame every dialog box shares (``Dialog``: a titled box and a footer; confirmations
and forms build on it), the one of the dialogs about the current question (tally, private
vote, moderation): the question as literal text, an intro, the dialog's own body, and the
Save/Cancel ending of the dialogs that hand back what was typed (forms, tally).

The letters of the meeting are off while one is open (someone types or votes on it).
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Static

from mognad_tui.meeting import Meeting
from mognad_tui.model import Question
from mognad_tui.tui.base import Localized

ResultT = TypeVar("ResultT")


class Dialog(Localized, ModalScreen[ResultT]):
    """The frame every dialog box shares (questions, confirmations, forms): a box with its
    title, the dialog's own content, a compact footer. The meeting's letters are off."""

    ALLOW_APP_KEYS = False
    #: The box's id (the style sheet sizes each dialog), its classes and its title's key.
    BOX_ID: ClassVar[str | None] = None
    BOX_CLASSES: ClassVar[str] = "dialog"
    TITLE_KEY: ClassVar[str] = ""

    def compose(self) -> ComposeResult:
        with Vertical(classes=self.BOX_CLASSES, id=self.BOX_ID):
            yield Label(self.t(self.TITLE_KEY), classes="dialog-title", markup=False)
            yield from self.compose_box()
        yield Footer(compact=True, show_command_palette=False)

    def compose_box(self) -> ComposeResult:
        """What the box holds under its title."""
        yield from ()


class SaveDialog(Dialog[ResultT]):
    """A dialog that hands back what was typed: Save (Ctrl+S or its button) hands back
    ``value()`` once that is complete, Cancel (Esc or its button) hands back ``None``."""

    BINDINGS = [
        Binding("escape", "cancel", "key.cancel"),
        Binding("ctrl+s", "save", "key.save"),
    ]

    def compose_buttons(self) -> ComposeResult:
        with Horizontal(classes="buttons"):
            yield Button(self.t("key.save"), id="save", variant="primary", compact=True)
            yield Button(self.t("key.cancel"), id="cancel", compact=True)

    def value(self) -> ResultT | None:
        """The result, or ``None`` after the dialog has said what is missing or wrong."""
        raise NotImplementedError

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        value = self.value()
        if value is not None:
            self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class QuestionDialog(Dialog[ResultT]):
    INTRO_KEY: ClassVar[str] = ""
    QUESTION_CLASSES: ClassVar[str] = "dialog-question"

    def __init__(self, question: Question) -> None:
        super().__init__()
        self.question = question

    def compose_box(self) -> ComposeResult:
        yield Static(Content(self.question.text), classes=self.QUESTION_CLASSES)
        yield Label(self.t(self.intro_key()), classes="muted", markup=False)
        yield from self.compose_body()

    def intro_key(self) -> str:
        """The catalogue key of the line under the question (a dialog may choose by state)."""
        return self.INTRO_KEY

    def compose_body(self) -> ComposeResult:
        """The dialog's own widgets, between the intro and the footer."""
        yield from ()

    @on(events.Mount)
    def _cursor_setting(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = self.mognad.cursor_blink


class LiveDialog(QuestionDialog[None]):
    """A dialog that changes the meeting while it is open (private vote, moderation): each
    step is kept as it is made, so closing it (Esc, "Done") hands nothing back."""

    #: Esc is "Done" in every live dialog; each places it where its footer reads best.
    CLOSE = Binding("escape", "close", "key.done")

    def __init__(self, meeting: Meeting, question: Question) -> None:
        super().__init__(question)
        self.meeting = meeting

    def action_close(self) -> None:
        self.dismiss()
