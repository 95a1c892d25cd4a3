"""The frame shared by the dialogs about the current question (tally, private vote,
moderation): a title, the question as literal text, an intro, the dialog's own body, a footer.

The letters of the meeting are off while one is open (someone types or votes on it).
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from mognad_tui.meeting import Meeting
from mognad_tui.model import Question
from mognad_tui.tui.base import Localized

ResultT = TypeVar("ResultT")


class QuestionDialog(Localized, ModalScreen[ResultT]):
    ALLOW_APP_KEYS = False
    #: The box's id (the style sheet sizes each dialog) and its title's catalogue key.
    BOX_ID: ClassVar[str]
    TITLE_KEY: ClassVar[str]
    INTRO_KEY: ClassVar[str] = ""
    QUESTION_CLASSES: ClassVar[str] = "dialog-question"

    def __init__(self, question: Question) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id=self.BOX_ID):
            yield Label(self.t(self.TITLE_KEY), classes="dialog-title", markup=False)
            yield Static(Content(self.question.text), classes=self.QUESTION_CLASSES)
            yield Label(self.t(self.intro_key()), classes="muted", markup=False)
            yield from self.compose_body()
        yield Footer(compact=True, show_command_palette=False)

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

    def __init__(self, meeting: Meeting, question: Question) -> None:
        super().__init__(question)
        self.meeting = meeting

    def action_close(self) -> None:
        self.dismiss()
