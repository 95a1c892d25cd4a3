"""Small forms typed on the spot: a need, an action item, a quick poll, the anonymity threshold.

Each is a modal that dismisses with plain values (or ``None`` when cancelled); the app does the
meeting call and reports a refusal, so a form never half-saves. Enter in the last field saves,
Esc cancels, and every label that may hold typed text is literal ``Content``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, RadioButton, RadioSet, Select, TextArea

from mognad_tui.model import (
    MAX_SHORT_TEXT,
    ActionItem,
    ActionStatus,
    Dimension,
    Kind,
    Need,
    NeedKind,
    Priority,
)
from mognad_tui.tui.base import Localized


class Form(Localized, ModalScreen[Any]):
    """Shared frame: title, fields, an error line, Save and Cancel."""

    ALLOW_APP_KEYS = False
    BINDINGS = [
        Binding("escape", "cancel", "key.cancel"),
        Binding("ctrl+s", "save", "key.save"),
    ]
    TITLE_KEY = ""

    def __init__(self) -> None:
        super().__init__()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Label(self.t(self.TITLE_KEY), classes="dialog-title", markup=False)
            with VerticalScroll(classes="form-fields"):
                yield from self.fields()
            yield Label("", classes="error", id="form-error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(self.t("key.save"), id="save", variant="primary", compact=True)
                yield Button(self.t("key.cancel"), id="cancel", compact=True)
        yield Footer(compact=True, show_command_palette=False)

    def fields(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = self.mognad.cursor_blink
        for area in self.query(TextArea):
            area.cursor_blink = self.mognad.cursor_blink

    def error(self, key: str) -> None:
        self.query_one("#form-error", Label).update(Content(self.t(key)))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def value(self) -> Any:
        """The form's result, or ``None`` after calling ``error`` for what is missing."""
        raise NotImplementedError

    def action_save(self) -> None:
        value = self.value()
        if value is not None:
            self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _label(text: str) -> Label:
    return Label(Content(text), classes="form-label")


def _dimension_options(dimensions: tuple[Dimension, ...]) -> list[tuple[Content, str]]:
    return [(Content(d.title), d.id) for d in dimensions]


@dataclass(frozen=True)
class NeedDraft:
    kind: NeedKind
    text: str
    dimension: str | None


class NeedForm(Form):
    """``b``: a competence need or a change need, from any screen."""

    TITLE_KEY = "need_form.title"

    def __init__(self, dimensions: tuple[Dimension, ...], dimension: str | None = None) -> None:
        super().__init__()
        self.dimensions = dimensions
        self.dimension = dimension

    def fields(self) -> ComposeResult:
        yield _label(self.t("need_form.kind"))
        with RadioSet(id="need-kind", compact=True):
            yield RadioButton(self.t("needs.competence"), value=True, id="kind-competence")
            yield RadioButton(self.t("needs.change"), id="kind-change")
        yield _label(self.t("need_form.text"))
        yield Input(
            id="need-text",
            placeholder=self.t("need_form.text_placeholder"),
            max_length=MAX_SHORT_TEXT,
            compact=True,
        )
        if self.dimensions:
            yield _label(self.t("need_form.dimension"))
            yield Select(
                _dimension_options(self.dimensions),
                id="need-dimension",
                prompt=self.t("need_form.dimension"),
                value=self.dimension if self.dimension else Select.NULL,
                compact=True,
            )

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#need-text", Input).focus()

    def value(self) -> NeedDraft | None:
        text = self.query_one("#need-text", Input).value.strip()
        if not text:
            self.error("form.empty")
            return None
        pressed = self.query_one("#need-kind", RadioSet).pressed_button
        kind = NeedKind.CHANGE if pressed and pressed.id == "kind-change" else NeedKind.COMPETENCE
        dimension = None
        if self.dimensions:
            picked = self.query_one("#need-dimension", Select).value
            dimension = picked if isinstance(picked, str) else None
        return NeedDraft(kind, text, dimension)


class ActionForm(Form):
    """An action item for the operational plan: what, owner, due date, priority, follow-up."""

    TITLE_KEY = "action_form.title"

    def __init__(self, action: ActionItem, needs: list[Need]) -> None:
        super().__init__()
        self.action = action
        self.needs = needs

    def fields(self) -> ComposeResult:
        a = self.action
        yield _label(self.t("action_form.what"))
        yield Input(a.what, id="action-what", max_length=MAX_SHORT_TEXT, compact=True)
        yield _label(self.t("action_form.owner"))
        yield Input(a.owner, id="action-owner", max_length=MAX_SHORT_TEXT, compact=True)
        yield _label(self.t("action_form.due"))
        yield Input(a.due, id="action-due", max_length=10, placeholder="2026-03-31", compact=True)
        with Horizontal(classes="form-pair"):
            with Vertical():
                yield _label(self.t("action_form.priority"))
                yield Select(
                    [(self.t(f"priority.{p.value}"), p.value) for p in Priority],
                    id="action-priority",
                    value=a.priority.value,
                    allow_blank=False,
                    compact=True,
                )
            with Vertical():
                yield _label(self.t("action_form.status"))
                yield Select(
                    [(self.t(f"status.{s.value}"), s.value) for s in ActionStatus],
                    id="action-status",
                    value=a.status.value,
                    allow_blank=False,
                    compact=True,
                )
        yield _label(self.t("action_form.follow_up"))
        yield Input(a.follow_up, id="action-follow-up", max_length=MAX_SHORT_TEXT, compact=True)
        if self.needs:
            yield _label(self.t("action_form.need"))
            yield Select(
                [(Content(n.text), n.id) for n in self.needs],
                id="action-need",
                prompt=self.t("action_form.no_need"),
                value=a.need if a.need in {n.id for n in self.needs} else Select.NULL,
                compact=True,
            )

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#action-what", Input).focus()

    def value(self) -> ActionItem | None:
        what = self.query_one("#action-what", Input).value.strip()
        if not what:
            self.error("form.empty")
            return None
        due = self.query_one("#action-due", Input).value.strip()
        if due:
            try:
                date.fromisoformat(due)
            except ValueError:
                self.error("action_form.due_bad")
                return None
        need = self.action.need
        if self.needs:
            picked = self.query_one("#action-need", Select).value
            need = picked if isinstance(picked, str) else None
        return self.action.with_changes(
            what=what,
            owner=self.query_one("#action-owner", Input).value.strip(),
            due=due,
            priority=Priority(self.query_one("#action-priority", Select).value),
            status=ActionStatus(self.query_one("#action-status", Select).value),
            follow_up=self.query_one("#action-follow-up", Input).value.strip(),
            need=need,
        )


@dataclass(frozen=True)
class PollDraft:
    text: str
    kind: Kind
    options: list[str]
    dont_know: str | None = None


class PollForm(Form):
    """``f``: a quick anonymous poll typed on the spot (yes/no, a 1-5 scale, own options)."""

    TITLE_KEY = "poll_form.title"

    def fields(self) -> ComposeResult:
        yield _label(self.t("poll_form.text"))
        yield Input(
            id="poll-text",
            placeholder=self.t("poll_form.text_placeholder"),
            max_length=MAX_SHORT_TEXT,
            compact=True,
        )
        yield _label(self.t("poll_form.kind"))
        with RadioSet(id="poll-kind", compact=True):
            yield RadioButton(self.t("poll_form.yes_no"), value=True, id="poll-yes-no")
            yield RadioButton(self.t("poll_form.scale"), id="poll-scale")
            yield RadioButton(self.t("poll_form.options"), id="poll-options")
            yield RadioButton(self.t("poll_form.free_text"), id="poll-free-text")
        yield _label(self.t("poll_form.options_label"))
        yield TextArea(id="poll-option-lines", soft_wrap=True, tab_behavior="focus", compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#poll-text", Input).focus()
        self._show_options(False)

    def _show_options(self, on: bool) -> None:
        area = self.query_one("#poll-option-lines", TextArea)
        area.display = on
        labels = self.query(".form-label")
        labels[-1].display = on

    @on(RadioSet.Changed, "#poll-kind")
    def _kind_changed(self, event: RadioSet.Changed) -> None:
        self._show_options(event.pressed.id == "poll-options")

    def value(self) -> PollDraft | None:
        text = self.query_one("#poll-text", Input).value.strip()
        if not text:
            self.error("poll_form.need_text")
            return None
        pressed = self.query_one("#poll-kind", RadioSet).pressed_button
        choice = pressed.id if pressed else "poll-yes-no"
        if choice == "poll-scale":
            # The ends say what 1 and 5 mean, on the phones and on the screen alike.
            ends = [self.t("poll_form.scale_low"), "2", "3", "4", self.t("poll_form.scale_high")]
            return PollDraft(text, Kind.SCALE, ends, self.t("poll_form.dont_know"))
        if choice == "poll-free-text":
            return PollDraft(text, Kind.TEXT, [])
        if choice == "poll-options":
            lines = self.query_one("#poll-option-lines", TextArea).text.splitlines()
            options = [line.strip() for line in lines if line.strip()]
            if len(options) < 2:
                self.error("poll_form.need_options")
                return None
            return PollDraft(text, Kind.SINGLE, options)
        return PollDraft(text, Kind.SINGLE, [self.t("poll_form.yes"), self.t("poll_form.no")])


class ThresholdForm(Form):
    """The anonymity threshold (never below 2; the meeting enforces it too)."""

    TITLE_KEY = "threshold.title"

    def __init__(self, current: int) -> None:
        super().__init__()
        self.current = current

    def fields(self) -> ComposeResult:
        yield Label(self.t("threshold.intro"), classes="muted", markup=False)
        yield Input(
            str(self.current), id="threshold", type="integer", select_on_focus=True, compact=True
        )

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#threshold", Input).focus()

    def value(self) -> int | None:
        try:
            value = int(self.query_one("#threshold", Input).value)
        except ValueError:
            self.error("tally.bad_number")
            return None
        return max(2, value)
