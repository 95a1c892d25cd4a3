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
from textual.content import Content
from textual.reactive import var
from textual.widgets import Label, ProgressBar, Static

from mognad_tui import results
from mognad_tui.meeting import POLL_STEP, AgendaEntry, Meeting
from mognad_tui.model import Kind, Question, Voting
from mognad_tui.tui.agenda import position
from mognad_tui.tui.base import Localized, TextBlock, TextLabel, count_of, show_text
from mognad_tui.tui.distribution import render_compact, render_result

#: Results drawn under the first one: (heading, result) pairs.
Shown = tuple[tuple[str, results.QuestionResult], ...]


class ResultView(Static):
    """The revealed result; re-laid out when its width changes."""

    #: What is drawn: (result, the results shown under it with their headings, language,
    #: width, spacious). Textual calls ``watch_drawing`` only when it changes, so a repaint
    #: with the same figures costs nothing.
    drawing: var[tuple[results.QuestionResult | None, Shown, str, int, bool, bool] | None] = var(
        None, init=False
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.result: results.QuestionResult | None = None
        self.more: Shown = ()
        self.compact = False
        self.lang = "sv"
        self.spacious = False

    def set_spacious(self, spacious: bool) -> None:
        self.spacious = spacious
        self._draw()

    def show(
        self,
        result: results.QuestionResult | None,
        lang: str,
        more: Shown = (),
        *,
        compact: bool = False,
    ) -> None:
        """``more``: results drawn under ``result``, each under its heading (an importance
        follow-up under its statement; an area's items), in a line or two each if
        ``compact`` (an area's items must fit one screen together)."""
        self.result = result
        self.more = more
        self.compact = compact
        self.lang = lang
        self._draw()

    def _draw(self) -> None:
        width = self.content_region.width or (self.app.size.width // 2)
        self.drawing = (self.result, self.more, self.lang, width, self.spacious, self.compact)

    def watch_drawing(
        self, drawing: tuple[results.QuestionResult | None, Shown, str, int, bool, bool]
    ) -> None:
        result, more, lang, width, spacious, compact = drawing
        parts: list[Content | str] = []
        if result is not None:
            parts.append(render_result(result, lang, width, spacious=spacious))
        for heading, other in more:
            gap = ("\n\n" if spacious or not compact else "\n") if parts else ""
            parts += [gap, Content.styled(heading, "" if compact else "bold"), "\n"]
            if compact:
                parts.append(render_compact(other, lang))
            else:
                parts.append(render_result(other, lang, width, spacious=spacious))
        self.update(Content.assemble(*parts))

    def on_resize(self) -> None:
        self._draw()


class QuestionView(Localized, VerticalScroll):
    def __init__(self, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.meeting = meeting
        self.item: Question | None = None
        #: What is shown: one question, the whole survey open, or one area's results.
        self.mode = "question"

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
        self.mode = "question"
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

    def show_survey(self) -> None:
        """The whole survey is open: the room answers on the phones at its own pace, and the
        screen shows only how many are done."""
        self.mode = "survey"
        self.item = None
        show_text(self.query_one("#question-kicker", Label), self.t("survey.kicker"))
        show_text(self.query_one("#question-text", Static), self.t("survey.text"))
        self._show_state(Voting.OPEN, self.t("survey.state"))
        self.query_one("#question-progress-row").display = True
        self.query_one(ResultView).display = False
        for name in ("#question-tallied", "#question-excess", "#question-hint"):
            self.query_one(name).display = False
        self.update_counts()

    def show_area(self, area: str | None, questions: list[Question]) -> None:
        """One area of the closed survey: its items' results together, thresholds honoured
        (``results.question_result`` shows only the count below the threshold)."""
        self.mode = "area"
        self.item = None
        areas = [a for a, _ in self.meeting.survey_areas()]
        dim = self.meeting.question_set.dimension(area)
        kicker = self.t("survey.area_kicker", index=areas.index(area) + 1, count=len(areas))
        show_text(self.query_one("#question-kicker", Label), kicker)
        show_text(
            self.query_one("#question-text", Static), dim.title if dim else self.t("survey.other")
        )
        self._show_state(Voting.REVEALED, self.t("survey.area_state"))
        self.query_one("#question-progress-row").display = False
        for name in ("#question-tallied", "#question-excess", "#question-hint"):
            self.query_one(name).display = False
        record = self.meeting.record()
        shown = tuple(
            (("↳ " if q.importance_of else "") + q.text, results.question_result(record, q))
            for q in questions
            if self.meeting.voting(q.id) is Voting.REVEALED
        )
        result_view = self.query_one(ResultView)
        result_view.show(None, self.mognad.lang, shown, compact=True)
        result_view.display = bool(shown)

    def _show_state(self, state: Voting, text: str) -> None:
        label = self.query_one("#question-state", Label)
        for value in Voting:
            label.set_class(value is state, f"-{value.value}")
        show_text(label, text)

    def update_state(self) -> None:
        """Voting state, counts and (when revealed) the result, with its importance
        follow-up's under it (they are asked and shown together)."""
        item = self.item
        if item is None:
            return
        state = self.meeting.voting(item.id)
        key = {
            Voting.CLOSED: "question.closed",
            Voting.OPEN: "question.open",
            Voting.REVEALED: "question.revealed",
        }[state]
        self._show_state(state, self.t(key))
        self.query_one("#question-progress-row").display = state is Voting.OPEN
        result_view = self.query_one(ResultView)
        if state is Voting.REVEALED:
            record = self.meeting.record()
            result = results.question_result(record, item)
            more = tuple(
                (c.text, results.question_result(record, c))
                for c in self.meeting.companions(item.id)
                if self.meeting.voting(c.id) is Voting.REVEALED
            )
            result_view.show(result, self.mognad.lang, more)
            result_view.display = True
        else:
            result_view.show(None, self.mognad.lang)
            result_view.display = False
        self.update_counts()

    def update_counts(self) -> None:
        """Cheap: how many answered, from the store's counter. Safe to call on every answer."""
        if self.mode == "survey":
            self._update_ready()
            return
        item = self.item
        if item is None:
            return
        answered = self.meeting.answer_count(item.id)
        joined = self.meeting.joined_count
        counted = self.meeting.devices_counted
        state = self.meeting.voting(item.id)
        if state is Voting.OPEN:
            self._show_progress(answered, counted, "question.answered")
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

    def _update_ready(self) -> None:
        """ "8 av 12 klara": the devices present that answered every survey statement."""
        self._show_progress(
            self.meeting.survey_ready(), self.meeting.devices_counted, "survey.ready"
        )

    def _show_progress(self, done: int, counted: int, key: str) -> None:
        """ "8 av 12" and the bar, for one question's answers or the whole survey's."""
        show_text(self.query_one("#question-answered", Label), count_of(self, key, done, counted))
        bar = self.query_one("#question-progress", ProgressBar)
        total = max(counted, done, 1)
        if (bar.total, bar.progress) != (total, done):
            bar.update(total=total, progress=done)
