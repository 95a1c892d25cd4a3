"""Votes from people without a phone.

Tally: the facilitator types counts per option (a show of hands, paper slips); they are added
to the phones' answers by the results module. Private: each person in turn answers on the
facilitator's keyboard. The screen is projected, so a private answer is never echoed: a number
key submits at once, and the screen says only "Tack! Nästa person" with a blank choice.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Input, Label, Static

from mognad_tui.meeting import AnswerRefused, Meeting
from mognad_tui.model import Kind, Question
from mognad_tui.tui.base import TextLabel, refusal_text, show_text
from mognad_tui.tui.dialog import LiveDialog, QuestionDialog, SaveDialog


class TallyScreen(QuestionDialog[dict[str, int] | None], SaveDialog[dict[str, int] | None]):
    """Counts per option for one question; dismisses with ``{str(value): count}``."""

    BOX_ID = "tally-box"
    TITLE_KEY = "tally.title"
    INTRO_KEY = "tally.intro"

    def __init__(self, question: Question, current: dict[str, int]) -> None:
        super().__init__(question)
        self.current = current

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="tally-rows"):
            for n, option in enumerate(self.question.options):
                with Horizontal(classes="form-row"):
                    yield Label(Content(option.label), classes="form-label")
                    yield Input(
                        str(self.current.get(str(option.value), 0)),
                        type="integer",
                        id=f"tally-{n}",
                        classes="tally-input",
                        select_on_focus=True,
                        compact=True,
                    )
        yield TextLabel("", id="tally-error", classes="error", markup=False)
        yield from self.compose_buttons()

    def counts(self) -> dict[str, int] | None:
        out: dict[str, int] = {}
        for n, option in enumerate(self.question.options):
            raw = self.query_one(f"#tally-{n}", Input).value.strip() or "0"
            try:
                value = int(raw)
            except ValueError:
                return None
            if value < 0:
                return None
            if value:
                out[str(option.value)] = value
        return out

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        index = inputs.index(event.input)
        if index + 1 < len(inputs):
            inputs[index + 1].focus()
        else:
            self.action_save()

    def value(self) -> dict[str, int] | None:
        counts = self.counts()
        if counts is None:
            show_text(self.query_one("#tally-error", Label), self.t("tally.bad_number"))
        return counts


class PrivateVoteScreen(LiveDialog):
    """One person at a time answers on this keyboard; nothing shows what they chose."""

    BOX_ID = "private-box"
    TITLE_KEY = "private.title"
    QUESTION_CLASSES = "dialog-question big-text"
    BINDINGS = [
        LiveDialog.CLOSE,
        *[Binding(str(n), f"pick({n})", show=False) for n in range(1, 10)],
        Binding("enter", "submit", "key.save", show=False),
    ]

    def __init__(self, meeting: Meeting, question: Question) -> None:
        super().__init__(meeting, question)
        self.chosen: list[Any] = []
        self.answered = 0

    @property
    def is_text(self) -> bool:
        return self.question.kind is Kind.TEXT

    @property
    def is_multiple(self) -> bool:
        return self.question.kind is Kind.MULTIPLE

    def intro_key(self) -> str:
        if self.is_text:
            return "private.intro_text"
        if self.is_multiple:
            return "private.intro_multiple"
        return "private.intro"

    def compose_body(self) -> ComposeResult:
        if self.is_text:
            yield Input(id="private-text", max_length=self.question.max_length, compact=True)
        else:
            yield Static(id="private-options")
        yield TextLabel("", id="private-thanks", markup=False)
        yield Label("", id="private-count", classes="muted", markup=False)
        yield Label(self.t("private.end"), classes="muted", markup=False)

    def on_mount(self) -> None:
        if self.is_text:
            self.query_one("#private-text", Input).focus()
        self._draw()

    def _draw(self) -> None:
        if self.is_text:
            return
        parts: list[tuple[str, str] | str] = []
        for n, option in enumerate(self.question.options[:9], 1):
            mark = ""
            if self.is_multiple:
                mark = "[x] " if option.value in self.chosen else "[ ] "
            parts.append((f" {n} ", "bold reverse"))
            parts.append("  " + mark)
            parts.append(option.label + "\n")
        if self.is_multiple:
            parts.append((self.t("private.selected", count=len(self.chosen)), "dim"))
        self.query_one("#private-options", Static).update(Content.assemble(*parts))

    async def action_pick(self, number: int) -> None:
        if self.is_text or number > len(self.question.options):
            return
        value = self.question.options[number - 1].value
        if self.is_multiple:
            if value in self.chosen:
                self.chosen.remove(value)
            else:
                self.chosen.append(value)
            self._thanks("")
            self._draw()
            return
        await self._submit(value)

    async def action_submit(self) -> None:
        if self.is_multiple and self.chosen:
            await self._submit(list(self.chosen))

    @on(Input.Submitted, "#private-text")
    async def _text_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            await self._submit(event.value)

    async def _submit(self, value: Any) -> None:
        try:
            await self.meeting.submit_private(self.question.id, value)
        except AnswerRefused as exc:
            message = (
                self.t("private.not_open")
                if exc.code == "not_open"
                else refusal_text(exc, self.mognad.lang)
            )
            show_text(self.query_one("#private-thanks", Label), message)
            return
        self.answered += 1
        self.chosen = []
        if self.is_text:
            self.query_one("#private-text", Input).value = ""
        self._thanks(self.t("private.thanks"))
        self.query_one("#private-count", Label).update(
            Content(self.t("private.count", count=self.answered))
        )
        self._draw()

    def _thanks(self, text: str) -> None:
        show_text(self.query_one("#private-thanks", Label), text)
