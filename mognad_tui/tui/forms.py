"""Small forms typed on the spot: a need, an action item, a quick poll, the anonymity threshold.

Each is a modal that dismisses with plain values (or ``None`` when cancelled); the app does the
meeting call and reports a refusal, so a form never half-saves. Enter in the last field saves,
Esc cancels, and every label that may hold typed text is literal ``Content``.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Input, Label, RadioButton, RadioSet, Select, TextArea

from mognad_tui.model import (
    MAX_SHORT_TEXT,
    ActionItem,
    ActionStatus,
    Dimension,
    Kind,
    Need,
    NeedKind,
    Prerequisite,
    Priority,
)
from mognad_tui.tui.dialog import SaveDialog


class Form(SaveDialog[Any]):
    """Shared frame: title, fields, an error line, Save and Cancel."""

    BOX_CLASSES = "dialog form"
    #: The Input that has the focus when the form opens.
    FIRST_FIELD = ""

    def compose_box(self) -> ComposeResult:
        with VerticalScroll(classes="form-fields"):
            yield from self.fields()
        yield Label("", classes="error", id="form-error", markup=False)
        yield from self.compose_buttons()

    def fields(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = self.mognad.cursor_blink
        for area in self.query(TextArea):
            area.cursor_blink = self.mognad.cursor_blink
        if self.FIRST_FIELD:
            self.query_one(self.FIRST_FIELD, Input).focus()

    def error(self, key: str, **fields: Any) -> None:
        self.query_one("#form-error", Label).update(Content(self.t(key, **fields)))

    def typed(self, field: str) -> str:
        return self.query_one(field, Input).value.strip()

    def required(self, field: str, error_key: str) -> str | None:
        """The typed text, or ``None`` after showing ``error_key`` when nothing was typed."""
        text = self.typed(field)
        if not text:
            self.error(error_key)
            return None
        return text

    def picked(self, field: str) -> str | None:
        """A Select's value, ``None`` while it shows its blank prompt."""
        value = self.query_one(field, Select).value
        return value if isinstance(value, str) else None

    def enum_select(self, field: str, prefix: str, current: Enum) -> Select[str]:
        """A Select over every member of ``current``'s enum, named by ``prefix.<value>``."""
        return Select(
            [(self.t(f"{prefix}.{member.value}"), member.value) for member in type(current)],
            id=field.removeprefix("#"),
            value=current.value,
            allow_blank=False,
            compact=True,
        )

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()


def example_due(today: date | None = None) -> str:
    """An example due date a facilitator could really write: the end of the month three
    months ahead, never a date already past (a fixed example ages into the past)."""
    today = today or date.today()
    month0 = today.month - 1 + 3
    year, month = today.year + month0 // 12, month0 % 12 + 1
    return date(year, month, calendar.monthrange(year, month)[1]).isoformat()


def _label(text: str) -> Label:
    return Label(Content(text), classes="form-label")


def _text_field(
    field: str, label: str, value: str = "", placeholder: str = "", limit: int = MAX_SHORT_TEXT
) -> ComposeResult:
    """A label and the Input it names."""
    yield _label(label)
    yield Input(
        value, id=field.removeprefix("#"), placeholder=placeholder, max_length=limit, compact=True
    )


def _optional_select(
    field: str, label: str, prompt: str, options: dict[str, str], current: str | None
) -> ComposeResult:
    """A labelled Select that may stay blank (showing ``prompt``), shown only when there is
    something to pick; ``options`` maps ids to typed texts, shown literally."""
    if not options:
        return
    yield _label(label)
    yield Select(
        [(Content(text), value) for value, text in options.items()],
        id=field.removeprefix("#"),
        prompt=prompt,
        value=current if current in options else Select.NULL,
        compact=True,
    )


#: The "who does it" choice of a need: the unit itself, or a request to the förvaltning.
UNIT_ITSELF = "unit"


class NeedForm(Form):
    """``b``: a competence need or a change need, from any screen; Enter on a need in step 4
    edits it (its rank is kept). Who does it: the unit itself, or a request to the förvaltning
    for one of its prerequisites (METHOD.md, step 4)."""

    TITLE_KEY = "need_form.title"
    FIRST_FIELD = "#need-text"

    def __init__(self, dimensions: tuple[Dimension, ...], need: Need) -> None:
        super().__init__()
        self.dimensions = dimensions
        self.need = need
        if need.id:
            self.TITLE_KEY = "need_form.edit_title"

    def fields(self) -> ComposeResult:
        need = self.need
        yield _label(self.t("need_form.kind"))
        with RadioSet(id="need-kind", compact=True):
            competence = need.kind is NeedKind.COMPETENCE
            yield RadioButton(self.t("needs.competence"), value=competence, id="kind-competence")
            yield RadioButton(self.t("needs.change"), value=not competence, id="kind-change")
        placeholder = self.t("need_form.text_placeholder")
        yield from _text_field(
            "#need-text", self.t("need_form.text"), need.text, placeholder=placeholder
        )
        dimensions = {d.id: d.title for d in self.dimensions}
        label = self.t("need_form.dimension")
        yield from _optional_select("#need-dimension", label, label, dimensions, need.dimension)
        yield _label(self.t("need_form.who"))
        choices = [(self.t("needs.unit"), UNIT_ITSELF)] + [
            (self.t(f"needs.request_{p.value}"), p.value) for p in Prerequisite
        ]
        current = need.request.value if need.request is not None else UNIT_ITSELF
        yield Select(choices, id="need-request", value=current, allow_blank=False, compact=True)

    def value(self) -> Need | None:
        text = self.required("#need-text", "form.empty")
        if text is None:
            return None
        pressed = self.query_one("#need-kind", RadioSet).pressed_button
        kind = NeedKind.CHANGE if pressed and pressed.id == "kind-change" else NeedKind.COMPETENCE
        dimension = self.picked("#need-dimension") if self.dimensions else self.need.dimension
        who = self.picked("#need-request")
        request = Prerequisite(who) if who and who != UNIT_ITSELF else None
        return replace(self.need, kind=kind, text=text, dimension=dimension, request=request)


class ActionForm(Form):
    """An action item for the operational plan: what, owner, due date, priority, follow-up."""

    TITLE_KEY = "action_form.title"
    FIRST_FIELD = "#action-what"

    def __init__(self, action: ActionItem, needs: list[Need]) -> None:
        super().__init__()
        self.action = action
        self.needs = needs

    def fields(self) -> ComposeResult:
        a = self.action
        yield from _text_field("#action-what", self.t("action_form.what"), a.what)
        yield from _text_field("#action-owner", self.t("action_form.owner"), a.owner)
        yield from _text_field("#action-due", self.t("action_form.due"), a.due, example_due(), 10)
        with Horizontal(classes="form-pair"):
            with Vertical():
                yield _label(self.t("action_form.priority"))
                yield self.enum_select("#action-priority", "priority", a.priority)
            with Vertical():
                yield _label(self.t("action_form.status"))
                yield self.enum_select("#action-status", "status", a.status)
        yield from _text_field("#action-follow-up", self.t("action_form.follow_up"), a.follow_up)
        label, prompt = self.t("action_form.need"), self.t("action_form.no_need")
        needs = {n.id: n.text for n in self.needs}
        yield from _optional_select("#action-need", label, prompt, needs, a.need)

    def value(self) -> ActionItem | None:
        what = self.required("#action-what", "form.empty")
        if what is None:
            return None
        due = self.typed("#action-due")
        if due:
            try:
                date.fromisoformat(due)
            except ValueError:
                self.error("action_form.due_bad", example=example_due())
                return None
        need = self.picked("#action-need") if self.needs else self.action.need
        return self.action.with_changes(
            what=what,
            owner=self.typed("#action-owner"),
            due=due,
            priority=Priority(self.query_one("#action-priority", Select).value),
            status=ActionStatus(self.query_one("#action-status", Select).value),
            follow_up=self.typed("#action-follow-up"),
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
    FIRST_FIELD = "#poll-text"

    def fields(self) -> ComposeResult:
        placeholder = self.t("poll_form.text_placeholder")
        yield from _text_field("#poll-text", self.t("poll_form.text"), placeholder=placeholder)
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
        text = self.required("#poll-text", "poll_form.need_text")
        if text is None:
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
    """The anonymity threshold (never below 2; the meeting enforces it too), starting from
    the meeting's own."""

    TITLE_KEY = "threshold.title"
    FIRST_FIELD = "#threshold"

    def fields(self) -> ComposeResult:
        current = str(self.mognad.meeting.threshold)
        yield Label(self.t("threshold.intro"), classes="muted", markup=False)
        yield Input(current, id="threshold", type="integer", select_on_focus=True, compact=True)

    def value(self) -> int | None:
        try:
            value = int(self.query_one("#threshold", Input).value)
        except ValueError:
            self.error("tally.bad_number")
            return None
        return max(2, value)
