"""A question on the shared screen.

While voting is open the room sees only how many have answered ("7 av 9 har svarat") and a
progress bar, never a moving distribution: a bar that grows when one person votes tells the
room how that person voted. The distribution appears only on reveal, and below the session's
anonymity threshold only the count does (the numbers come from :mod:`mognad_tui.results`).
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import var
from textual.widgets import Label, ProgressBar, Static

from mognad_tui import results
from mognad_tui.meeting import POLL_STEP, AgendaEntry, Meeting
from mognad_tui.model import Kind, Question, Voting
from mognad_tui.tui.agenda import position
from mognad_tui.tui.base import Localized, TextBlock, TextLabel, show_text
from mognad_tui.tui.distribution import render_result


class ResultView(Static):
    """The revealed result; re-laid out when its width changes."""

    #: What is drawn: (result, language, width, spacious). Textual calls ``watch_drawing``
    #: only when it changes, so a repaint with the same figures costs nothing.
    drawing: var[tuple[results.QuestionResult | None, str, int, bool] | None] = var(
        None, init=False
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.result: results.QuestionResult | None = None
        self.lang = "sv"
        self.spacious = False

    def set_spacious(self, spacious: bool) -> None:
        self.spacious = spacious
        self._draw()

    def show(self, result: results.QuestionResult | None, lang: str) -> None:
        self.result = result
        self.lang = lang
        self._draw()

    def _draw(self) -> None:
        width = self.content_region.width or (self.app.size.width // 2)
        self.drawing = (self.result, self.lang, width, self.spacious)

    def watch_drawing(self, drawing: tuple[results.QuestionResult | None, str, int, bool]) -> None:
        result, lang, width, spacious = drawing
        if result is None:
            self.update("")
        else:
            self.update(render_result(result, lang, width, spacious=spacious))

    def on_resize(self) -> None:
        self._draw()


class QuestionView(Localized, VerticalScroll):
    def __init__(self, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.meeting = meeting
        self.item: Question | None = None

    def compose(self) -> ComposeResult:
        yield TextLabel(id="question-kicker", classes="kicker", markup=False)
        yield TextBlock(id="question-text", classes="big-text", markup=False)
        yield TextLabel(id="question-state", classes="voting-state", markup=False)
        with Horizontal(id="question-progress-row"):
            yield TextLabel(id="question-answered", markup=False)
            yield ProgressBar(
                total=1, show_eta=False, show_percentage=False, id="question-progress"
            )
        yield TextLabel(id="question-tallied", classes="muted", markup=False)
        yield TextLabel(id="question-excess", markup=False)
        yield ResultView(id="question-result")
        yield TextLabel(id="question-hint", classes="hint", markup=False)

    def show_entry(self, entry: AgendaEntry) -> None:
        item = entry.item
        assert isinstance(item, Question)
        self.item = item
        lang = self.mognad.lang
        if entry.step == POLL_STEP:
            kicker = self.t("question.kicker_poll")
        else:
            pos = position(self.meeting, entry, lang)
            dim = self.meeting.question_set.dimension(item.dimension)
            if dim is not None:
                kicker = self.t(
                    "question.kicker_dim",
                    step=pos.step,
                    index=pos.index,
                    count=pos.count,
                    dimension=dim.title,
                )
            else:
                kicker = self.t("question.kicker", step=pos.step, index=pos.index, count=pos.count)
        show_text(self.query_one("#question-kicker", Label), kicker)
        show_text(self.query_one("#question-text", Static), item.text)
        self.update_state()

    def update_state(self) -> None:
        """Voting state, counts and (when revealed) the result."""
        item = self.item
        if item is None:
            return
        state = self.meeting.voting(item.id)
        label = self.query_one("#question-state", Label)
        for value in Voting:
            label.set_class(value is state, f"-{value.value}")
        key = {
            Voting.CLOSED: "question.closed",
            Voting.OPEN: "question.open",
            Voting.REVEALED: "question.revealed",
        }[state]
        show_text(label, self.t(key))
        self.query_one("#question-progress-row").display = state is Voting.OPEN
        result_view = self.query_one(ResultView)
        if state is Voting.REVEALED:
            result = results.question_result(self.meeting.record(), item)
            result_view.show(result, self.mognad.lang)
            result_view.display = True
        else:
            result_view.show(None, self.mognad.lang)
            result_view.display = False
        self.update_counts()

    def update_counts(self) -> None:
        """Cheap: how many answered, from the store's counter. Safe to call on every answer."""
        item = self.item
        if item is None:
            return
        answered = self.meeting.answer_count(item.id)
        joined = self.meeting.joined_count
        counted = self.meeting.devices_counted
        state = self.meeting.voting(item.id)
        if state is Voting.OPEN:
            total = max(counted, answered, 1)
            if counted and answered <= counted:
                text = self.t("question.answered", count=answered, total=counted)
            else:
                text = self.t("question.answered_plain", count=answered)
            show_text(self.query_one("#question-answered", Label), text)
            bar = self.query_one("#question-progress", ProgressBar)
            if (bar.total, bar.progress) != (total, answered):
                bar.update(total=total, progress=answered)
        excess = self.meeting.phone_answers_exceed_present(item.id)
        warning = self.query_one("#question-excess", Label)
        warning.display = excess > 0
        if excess:
            phones = self.t("question.excess", answers=joined + excess, joined=joined)
            show_text(warning, phones)
        tallied = self.query_one("#question-tallied", Label)
        has_tally = item.kind.tallied and bool(self.meeting.tally(item.id))
        tallied.display = has_tally and state is not Voting.REVEALED
        show_text(tallied, self.t("question.tallied"))
        hint = self.query_one("#question-hint", Label)
        pending = len(self.meeting.pending_texts(item.id)) if item.kind is Kind.TEXT else 0
        hint.display = pending > 0
        show_text(hint, self.t("question.pending", count=pending))
