"""What a device sees, decided in one place for the page, the API and the live updates.

The page (templates), the JSON state and the server-sent refresh all ask these functions, so a
phone with JavaScript, one without and a script see the same questions in the same order. Every
figure comes from ``mognad_tui.results`` with the anonymity threshold applied; nothing here counts
answers itself.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from mognad_tui import results
from mognad_tui.i18n import format_number, format_percent
from mognad_tui.meeting import Meeting
from mognad_tui.model import DONT_KNOW, Kind, Prompt, Question, Voting
from mognad_tui.payloads import QuestionPayload, ResultPayload, StatePayload
from mognad_tui.web.messages import MESSAGES

# ---------------------------------------------------------------- JSON (participant API)


def question_json(meeting: Meeting, question: Question) -> QuestionPayload:
    """A question as the participant API describes it (docs/participant-api.md)."""
    data: QuestionPayload = {"id": question.id, "kind": question.kind.value, "text": question.text}
    if question.kind is not Kind.TEXT:
        data["options"] = [{"value": o.value, "label": o.label} for o in question.options]
    if question.kind is Kind.DOTS:
        data["dots"] = question.dots
    if question.kind is Kind.TEXT:
        data["max_length"] = question.max_length
    if question.dimension:
        data["dimension"] = question.dimension
        dimension = meeting.question_set.dimension(question.dimension)
        if dimension is not None:
            data["dimension_title"] = dimension.title
    base = question.importance_base
    if base:
        data["importance_of"] = base
    return data


def result_json(result: results.QuestionResult) -> ResultPayload:
    """A revealed result: only ``n`` when below the threshold (``shown`` false)."""
    question = result.question
    data: ResultPayload = {
        "id": question.id,
        "kind": question.kind.value,
        "text": question.text,
        "n": result.n,
        "shown": result.shown,
    }
    if not result.shown:
        return data
    if result.distribution is not None:
        data["distribution"] = [
            {"value": row.value, "label": row.label, "count": row.count, "share": row.share}
            for row in result.distribution
        ]
    for name in ("median", "mean", "spread", "all_alike", "disagrees", "dont_know"):
        value = getattr(result, name)
        if value is not None:
            data[name] = value
    if result.texts is not None:
        data["texts"] = list(result.texts)
    return data


def state_json(meeting: Meeting, token: str | None, device_lang: str) -> StatePayload:
    """``GET /api/{code}/state``: what is open, what this device answered, what was revealed."""
    open_questions = meeting.open_questions()
    return {
        "open": [question_json(meeting, q) for q in open_questions],
        **_state_rest(meeting, token, device_lang, open_questions),
    }


class StateText:
    """``state_json`` as the JSON text the API sends, for a server that answers every phone.

    The ``open`` part is the bulk of it and the same for every device until the agenda or the
    voting changes, so its text is kept (while the same question objects are open) and only the
    device's own part is built per request.
    """

    def __init__(self, meeting: Meeting):
        self.meeting = meeting
        self._open: tuple[Question, ...] | None = None
        self._open_text = "[]"

    def __call__(self, token: str | None, device_lang: str) -> str:
        meeting = self.meeting
        open_questions = meeting.open_questions()
        kept = self._open
        # By identity: questions are immutable, and a changed poll is a new object.
        if (
            kept is None
            or len(kept) != len(open_questions)
            or any(a is not b for a, b in zip(kept, open_questions, strict=True))
        ):
            self._open_text = json.dumps(
                [question_json(meeting, q) for q in open_questions], ensure_ascii=False
            )
            self._open = tuple(open_questions)
        rest = json.dumps(
            _state_rest(meeting, token, device_lang, open_questions), ensure_ascii=False
        )
        return '{"open": ' + self._open_text + ", " + rest[1:]


def _state_rest(
    meeting: Meeting, token: str | None, device_lang: str, open_questions: list[Question]
) -> dict[str, Any]:
    answered = meeting.answers_of(token, open_questions) if token else {}
    revealed = meeting.revealed_questions()
    record = meeting.record() if revealed else None
    current = meeting.current
    return {
        "answered": answered,
        "revealed": [result_json(results.question_result(record, q)) for q in revealed]
        if record
        else [],
        "current": current.item.id if current and isinstance(current.item, Question) else None,
        "self_paced": meeting.room_paced,
        "lang": meeting.lang,
        "device_lang": device_lang,
        "title": meeting.info.title,
    }


# ---------------------------------------------------------------- questions on the page


def pages_of(open_questions: list[Question]) -> list[Question]:
    """The questions a device walks one at a time.

    An importance companion shares its item's page (it is the same statement, asked a second
    way), so it is left out here when its item is open too.
    """
    ids = {q.id for q in open_questions}
    return [q for q in open_questions if q.importance_base not in ids]


def companion_of(question: Question, open_questions: list[Question]) -> Question | None:
    return next((q for q in open_questions if q.importance_base == question.id), None)


@dataclass(frozen=True)
class Choice:
    """One row of a radio or checkbox group, or one option of a dot vote."""

    value: str  # as the form posts it
    json: str  # as the API takes it (JSON text), for the page's script
    label: str
    checked: bool = False
    dots: int = 0
    dont_know: bool = False


@dataclass(frozen=True)
class QuestionForm:
    question: Question
    field: str  # the form field name of its value
    choices: tuple[Choice, ...]
    answered: bool
    text_value: str = ""
    dots_left: int = 0
    optional: bool = False

    #: The question's id and kind (as text), as the templates name them.
    id = property(attrgetter("question.id"))
    kind = property(attrgetter("question.kind.value"))


def field_name(question: Question) -> str:
    return f"v:{question.id}"


def question_form(question: Question, value: Any, *, optional: bool = False) -> QuestionForm:
    answered = value is not None
    choices: list[Choice] = []
    for option in question.options:
        if question.kind is Kind.MULTIPLE:
            checked = answered and any(str(v) == str(option.value) for v in value)
        elif question.kind is Kind.DOTS:
            checked = False
        else:
            checked = answered and str(value) == str(option.value)
        dots = 0
        if question.kind is Kind.DOTS and isinstance(value, dict):
            raw = value.get(str(option.value), 0)
            dots = raw if isinstance(raw, int) and not isinstance(raw, bool) else 0
        choices.append(
            Choice(
                value=str(option.value),
                json=json.dumps(option.value, ensure_ascii=False),
                label=option.label,
                checked=checked,
                dots=dots,
                dont_know=option.value == DONT_KNOW,
            )
        )
    spent = sum(c.dots for c in choices)
    return QuestionForm(
        question=question,
        field=field_name(question),
        choices=tuple(choices),
        answered=answered,
        text_value=value if question.kind is Kind.TEXT and isinstance(value, str) else "",
        dots_left=max(0, question.dots - spent),
        optional=optional,
    )


# ---------------------------------------------------------------- results on the page


@dataclass(frozen=True)
class ResultRow:
    label: str
    count: int
    percent: str
    width: int  # 0..100, the bar's length class


@dataclass(frozen=True)
class ResultView:
    question: Question
    shown: bool
    count_text: str
    rows: tuple[ResultRow, ...] = ()
    summary: str = ""
    notes: tuple[str, ...] = ()
    texts: tuple[str, ...] | None = None


def result_view(
    result: results.QuestionResult, lang: str, question: Question | None = None
) -> ResultView:
    """The revealed result as the page draws it; below the threshold only the count.

    ``question``: the same question in the device's language (``Meeting.in_lang``), whose
    words replace the session's in the heading and the rows."""
    question = question or result.question
    labels = {o.value: o.label for o in question.options}
    key = "answers_one" if result.n == 1 else "answers_many"
    count_text = MESSAGES(key, lang, n=result.n)
    if not result.shown:
        return ResultView(question=question, shown=False, count_text=count_text)
    rows = tuple(
        ResultRow(
            # results.py names a scale's missing "don't know" option by its value
            label=MESSAGES("dont_know", lang)
            if row.label == DONT_KNOW
            else labels.get(row.value, row.label),
            count=row.count,
            percent=format_percent(row.share, lang),
            width=max(0, min(100, round(row.share * 100))),
        )
        for row in result.distribution or ()
        if not (row.label == DONT_KNOW and row.count == 0)
    )
    summary = ""
    if result.median is not None and result.mean is not None:
        summary = MESSAGES(
            "median_mean",
            lang,
            median=format_number(result.median, lang, decimals=0 if result.median % 1 == 0 else 1),
            mean=format_number(result.mean, lang),
        )
    notes: list[str] = []
    if result.dont_know:
        notes.append(MESSAGES("dont_know_note", lang))
    if result.someone_can_teach:
        notes.append(MESSAGES("disagrees", lang))
    if result.all_alike:
        notes.append(MESSAGES("all_alike", lang))
    return ResultView(
        question=question,
        shown=True,
        count_text=count_text,
        rows=rows,
        summary=summary,
        notes=tuple(notes),
        texts=result.texts,
    )


# ---------------------------------------------------------------- which view a device sees


@dataclass
class View:
    """Everything the page's swappable part needs. ``key`` changes when the view does."""

    kind: str  # question | results | wait | closed | done
    key: str
    title: str
    form: QuestionForm | None = None
    companion: QuestionForm | None = None
    position: int = 0
    total: int = 0
    answered_count: int = 0
    prev_id: str | None = None
    next_id: str | None = None
    advance: bool = False
    result: ResultView | None = None
    #: A revealed statement's importance follow-up, shown under it (asked together).
    companion_result: ResultView | None = None
    prompt: str | None = None
    revealed: list[tuple[str, str]] = field(default_factory=list)
    first_unanswered: str | None = None
    flash: str | None = None
    error: str | None = None
    content_lang: str = ""  # the language of the set's texts shown here (see Meeting.in_lang)


def _key(*parts: Any) -> str:
    text = "\0".join(str(p) for p in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def build_view(
    meeting: Meeting,
    token: str | None,
    lang: str,
    *,
    q: str | None = None,
    r: str | None = None,
    done: bool = False,
    saved: str | None = None,
    error: str | None = None,
) -> View:
    """Choose what the device sees now.

    ``q`` asks for an open question (navigation), ``r`` for a revealed result, ``done`` for the
    end of a walk. A request that no longer fits (the question closed meanwhile) falls back to
    the default: in self-paced mode the first unanswered question, else the facilitator's current
    item if it is open, any open question, the current item's revealed result, or waiting.
    """
    open_questions = meeting.open_questions()
    pages = pages_of(open_questions)
    ids = [p.id for p in pages]
    answered = meeting.answers_of(token, open_questions) if token else {}
    answered_pages = sum(1 for p in pages if p.id in answered)
    first_unanswered = next((p.id for p in pages if p.id not in answered), None)
    current = meeting.current
    current_item = current.item if current else None
    texts_lang = meeting.texts_lang(lang)

    def said(item: Any) -> Any:
        return meeting.in_lang(item, texts_lang)

    def lang_of(item: Any) -> str:
        return texts_lang if said(item) is not item else meeting.lang

    flash = None
    if saved in answered and saved in ids:
        flash = MESSAGES("saved_earlier", lang, n=ids.index(saved) + 1)
    base = {
        "total": len(pages),
        "answered_count": answered_pages,
        "first_unanswered": first_unanswered,
        "flash": flash,
        "error": error,
        "content_lang": texts_lang,
    }

    def question_view(question: Question) -> View:
        index = ids.index(question.id)
        companion = companion_of(question, open_questions)
        form = question_form(said(question), answered.get(question.id))
        comp = (
            question_form(said(companion), answered.get(companion.id), optional=True)
            if companion
            else None
        )
        title = (
            MESSAGES("progress", lang, n=index + 1, total=len(pages))
            if len(pages) > 1
            else form.question.text
        )
        return View(
            kind="question",
            key=_key("q", question.id, len(pages), index),
            title=title,
            form=form,
            companion=comp,
            position=index + 1,
            prev_id=ids[index - 1] if index > 0 else None,
            next_id=ids[index + 1] if index + 1 < len(ids) else None,
            advance=len(pages) > 1,
            **{**base, "content_lang": lang_of(question)},
        )

    def results_view(question: Question) -> View:
        record = meeting.record()
        result = results.question_result(record, question)
        shown = [result_json(result)]
        companion = next(
            (c for c in meeting.companions(question.id) if meeting.voting(c.id) is Voting.REVEALED),
            None,
        )
        more = None
        if companion is not None:
            companion_result = results.question_result(record, companion)
            shown.append(result_json(companion_result))
            more = result_view(companion_result, lang, said(companion))
        return View(
            kind="results",
            key=_key("r", question.id, json.dumps(shown, sort_keys=True, default=str)),
            title=MESSAGES("results_title", lang),
            result=result_view(result, lang, said(question)),
            companion_result=more,
            **{**base, "content_lang": lang_of(question)},
        )

    if q in ids:
        return question_view(pages[ids.index(q)])
    asked = meeting.question(r) if r else None
    if asked is not None and meeting.voting(asked.id) is Voting.REVEALED:
        return results_view(asked)
    if done and pages:
        return _done_view(pages, lang, base)
    if meeting.room_paced and pages:
        if first_unanswered is None:
            return _done_view(pages, lang, base)
        return question_view(pages[ids.index(first_unanswered)])
    if isinstance(current_item, Question):
        if current_item.id in ids:
            return question_view(current_item)
        if meeting.voting(current_item.id) is Voting.REVEALED:
            return results_view(current_item)
    if pages:
        target = first_unanswered or ids[0]
        return question_view(pages[ids.index(target)])
    # A follow-up's result is shown with its statement's, not listed alone.
    revealed = [(q.id, said(q).text) for q in pages_of(meeting.revealed_questions())]
    if (
        isinstance(current_item, Question)
        and meeting.voting(current_item.id) is Voting.CLOSED
        and meeting.answer_count(current_item.id) > 0  # opened before, not just not yet open
    ):
        return View(
            kind="closed",
            key=_key("closed", current_item.id, len(revealed)),
            title=MESSAGES("closed_title", lang),
            prompt=said(current_item).text,
            revealed=revealed,
            **base,
        )
    prompt = said(current_item).text if isinstance(current_item, Prompt) else None
    return View(
        kind="wait",
        key=_key("wait", prompt, len(revealed)),
        title=MESSAGES("wait_title", lang),
        prompt=prompt,
        revealed=revealed,
        **base,
    )


def _done_view(pages: list[Question], lang: str, base: dict[str, Any]) -> View:
    return View(
        kind="done",
        key=_key("done", len(pages), base["answered_count"]),
        title=MESSAGES("done_title", lang)
        if base["answered_count"] == len(pages)
        else MESSAGES("done_partial", lang, n=base["answered_count"], total=len(pages)),
        **base,
    )
