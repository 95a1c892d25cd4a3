"""The plan's content, built once and rendered as Markdown, HTML or Word.

Markdown, HTML and docx must not each decide what the plan contains: :func:`build_plan`
turns a session into a list of blocks (:mod:`mognad_tui.export.document`: headings,
paragraphs, bullet lists, tables with column weights, charts by name), with typed text made
safe by the escaper the format chooses, and the renderers only lay them out. Every figure
comes from :func:`mognad_tui.results.overview`, so no format can show what the results screen
hides.

The outline is decision first (UX.md): what goes into the operational plan (priorities,
actions, requests to the förvaltning), then what we found, the change since last time, about
the data, and the survey's tables in an appendix.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mognad_tui.export.document import (
    PLAIN,
    Block,
    Bullets,
    Chart,
    Escaper,
    Heading,
    Para,
    Plan,
    Table,
)
from mognad_tui.export.messages import messages, plural
from mognad_tui.export.numbers import decimal, median, percent, signed
from mognad_tui.i18n import format_date, resolve_lang
from mognad_tui.model import (
    DONT_KNOW,
    ActionItem,
    Kind,
    Need,
    Prerequisite,
    Prompt,
    Question,
    SessionRecord,
    clean_text,
)
from mognad_tui.results import (
    Change,
    Comparison,
    DimensionResult,
    OptionCount,
    Overview,
    QuestionResult,
    is_importance,
    overview,
    plan_actions,
    plan_priorities,
)

_SPARK = "▁▂▃▄▅▆▇█"
#: Words in a step-4 prompt's id that mark it as "when do we measure again?".
_NEXT_MEASUREMENT_HINTS = ("next", "measur", "again", "matning", "mätning")
#: Words in a step-4 prompt's id that mark it as "what we need from the administration".
_PREREQUISITE_HINTS = (
    "forvaltning",
    "förvaltning",
    "prerequisit",
    "administration",
    "forutsattning",
)


def _has_hint(item_id: str, hints: Sequence[str]) -> bool:
    lowered = item_id.lower()
    return any(hint in lowered for hint in hints)


@dataclass(frozen=True)
class PlanSource:
    """What a plan is made of, one value for every format's entry point (Markdown, HTML,
    Word) and for its charts, so that no format can take other options than the rest: the
    session, the same group's earlier session (adds the change since last time) and the
    language asked for (``None``: the session's own)."""

    record: SessionRecord
    previous: SessionRecord | None = None
    lang: str | None = None

    @property
    def chosen_lang(self) -> str:
        """The language the documents are written in."""
        return resolve_lang(self.lang or self.record.info.lang)


# ---------------------------------------------------------------- helpers


def _bar(result: QuestionResult) -> str:
    """The mean as filled blocks on the scale's points: 2,9 on 1-5 gives ``███░░``."""
    if result.mean is None or result.scale is None:
        return ""
    low, high = result.scale
    cells = high - low + 1
    filled = min(cells, max(1, math.floor(result.mean - low + 0.5) + 1))
    return "█" * filled + "░" * (cells - filled)


def sparkline(histogram: Sequence[int] | None) -> str:
    """Block characters for a histogram, tallest bucket full height."""
    if not histogram:
        return ""
    top = max(histogram) or 1
    return "".join(_SPARK[round(c / top * (len(_SPARK) - 1))] for c in histogram)


def _join(parts: Iterable[str]) -> str:
    """Notes on one line: a note that ends a sentence is followed by a space, others by ";"."""
    out = ""
    for part in (p for p in parts if p):
        if out:
            out += " " if out[-1] in ".!?" else "; "
        out += part
    return out


class _Builder:
    def __init__(
        self, record: SessionRecord, lang: str, previous: SessionRecord | None, esc: Escaper
    ) -> None:
        self.record = record
        self.lang = lang
        self.esc = esc
        self.ov: Overview = overview(record, previous)
        self.qset = record.question_set
        self.blocks: list[Block] = []
        self.used: set[str] = set()

    # ------------------------------------------------------------ blocks

    def heading(self, level: int, text: str, *, new_page: bool = False) -> None:
        """A heading, kept unique (markdownlint MD024; anchors in HTML and Word)."""
        text = text or "–"
        unique, k = text, 2
        while unique.casefold() in self.used:
            unique, k = f"{text} ({k})", k + 1
        self.used.add(unique.casefold())
        self.blocks.append(Heading(level, unique, new_page))

    def para(self, text: str) -> None:
        if text:
            self.blocks.append(Para(text))

    def bullets(self, items: Iterable[str | tuple[str, str]]) -> None:
        rows = tuple(i if isinstance(i, tuple) else ("", i) for i in items if i)
        if rows:
            self.blocks.append(Bullets(rows))

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        right: set[int],
        weights: Sequence[int],
    ) -> None:
        self.blocks.append(
            Table(
                tuple(header),
                tuple(tuple(r) for r in rows),
                frozenset(right),
                tuple(weights),
            )
        )

    def chart(self, key: str, alt: str) -> None:
        self.blocks.append(Chart(key, alt))

    # ------------------------------------------------------------ words

    def t(self, key: str, **fields: object) -> str:
        return messages(key, self.lang, **fields)

    def answers(self, n: int) -> str:
        return plural("answers", n, self.lang)

    def num(self, value: float | None) -> str:
        return decimal(value, self.lang)

    def statement(self, text: str) -> str:
        """A statement inside a sentence of ours: escaped, without its own final full stop."""
        return self.esc.inline(str(text).rstrip().rstrip("."))

    def date(self, value: str) -> str:
        """A date as words (``26 november 2026``), or the text as typed if it is not a date."""
        try:
            return format_date(value, self.lang)
        except (ValueError, TypeError):
            return self.esc.inline(value)

    def area(self, d: DimensionResult) -> str:
        """A ranked area's title, with its part when the set has several: areas are ranked
        within their part, so a reader must see which part a strength belongs to."""
        title = self.esc.inline(d.title)
        if len(self.ov.ranking) > 1:
            return self.t("area_in_part", title=title, part=self.esc.inline(d.dimension.part))
        return title

    def notes(self, item_id: str) -> list[str]:
        return self.esc.lines(self.record.notes.get(item_id, ""))

    # ------------------------------------------------------------ document

    def build(self) -> Plan:
        title = self.t("title", group=self.esc.heading(self.record.info.title))
        self.title(title)
        self.for_the_plan()
        self.found()
        if self.ov.comparison is not None:
            self.change(self.ov.comparison)
        self.about()
        self.appendix()
        return Plan(self.lang, title, self.blocks)

    def title(self, title: str) -> None:
        info = self.record.info
        self.heading(1, title)
        set_name = self.esc.inline(f"{self.qset.title} {self.qset.version}".strip())
        # Participants are counted over the survey: before anyone answered it, "0 deltagare"
        # beside a step 1 question with 7 answers would mislead the reader, so it is left out.
        participants = self.ov.participants
        self.para(
            self.t(
                "byline" if participants else "byline_before_survey",
                date=self.date(info.created),
                participants=plural("participants", participants, self.lang),
                set=set_name,
            )
        )
        if self.record.closed:
            self.para(self.t("closed_note"))

    # ------------------------------------------------------------ for the plan (step 4)

    def for_the_plan(self) -> None:
        """Step 4 first: what the manager copies into the operational plan."""
        self.heading(2, self.t("plan_h"))
        self.priorities()
        self.actions()
        self.requests()
        self.dot_votes()
        self.step_four_notes()

    def priority_text(self, item: Need | ActionItem) -> str:
        if isinstance(item, Need):
            return self.need_text(item.id)
        return self.esc.inline(item.what)

    def priorities(self) -> None:
        """Three when there are three; with fewer the heading does not promise three."""
        chosen = plan_priorities(self.record)
        key = "priorities_three_h" if len(chosen) == 3 else "priorities_h"
        self.heading(3, self.t(key))
        if chosen:
            self.bullets(self.priority_text(p) for p in chosen)
        else:
            self.para(self.t("no_priorities"))

    def actions(self) -> None:
        """The plan's actions, the most important first; dropped actions are not in a plan."""
        self.heading(3, self.t("actions_h"))
        live = plan_actions(self.record)
        if not live:
            self.para(self.t("no_actions"))
            return
        header = [
            self.t(k)
            for k in (
                "col_action",
                "col_owner",
                "col_due",
                "col_priority",
                "col_follow_up",
                "col_need",
            )
        ]
        self.table(header, [self.action_row(a) for a in live], set(), (4, 2, 2, 2, 3, 3))

    def action_row(self, a: ActionItem) -> list[str]:
        need = self.need_text(a.need)
        if not need and a.dimension:
            dimension = self.qset.dimension(a.dimension)
            need = self.esc.inline(dimension.title) if dimension else ""
        return [
            self.esc.inline(a.what),
            self.esc.inline(a.owner),
            self.date(a.due) if a.due else "",
            self.t(f"priority_{a.priority.value}"),
            self.esc.inline(a.follow_up),
            need,
        ]

    def requests(self) -> None:
        """Needs marked as requests to the förvaltning, by prerequisite, and the notes of
        the step-4 prompt about the förvaltning's prerequisites."""
        self.heading(3, self.t("requests_h"))
        asked = [n for n in self.record.needs if n.request is not None]
        order = {p: i for i, p in enumerate(Prerequisite)}
        asked.sort(key=lambda n: (order[n.request], n.rank or 10**6))  # type: ignore[index]
        lines = [
            self.t(
                "request_line",
                prerequisite=self.t(f"request_{n.request.value}"),  # type: ignore[union-attr]
                text=self.need_text(n.id),
            )
            for n in asked
        ]
        for prompt in self.step_four_prompts():
            if _has_hint(prompt.id, _PREREQUISITE_HINTS):
                lines += self.notes(prompt.id)
        if lines:
            self.bullets(lines)
        else:
            self.para(self.t("no_requests"))

    def dot_votes(self) -> None:
        """The dot vote decides the priorities, so its result is part of step 4."""
        for r in self.ov.polls:
            if r.kind is Kind.DOTS:
                self.heading(3, self.esc.heading(r.question.text))
                self.question_block(r)
                self.bullets(self.notes(r.id))

    def step_four_prompts(self) -> list[Prompt]:
        return [
            i for s in self.qset.steps if s.number == 4 for i in s.items if isinstance(i, Prompt)
        ]

    def step_four_notes(self) -> None:
        """The step's other prompts and questions, and when we measure again.

        The prompt about the förvaltning's prerequisites and the one about when to measure
        again are found by words in their ids (the built-in set's and the obvious English
        ones); a set without them gets a reminder to decide the next measurement.
        """
        prompts = self.step_four_prompts()
        nxt = next((p for p in prompts if _has_hint(p.id, _NEXT_MEASUREMENT_HINTS)), None)
        for prompt in prompts:
            if prompt is nxt or _has_hint(prompt.id, _PREREQUISITE_HINTS):
                continue
            notes = self.notes(prompt.id)
            if notes:
                self.heading(3, self.esc.heading(prompt.text))
                self.bullets(notes)
        for s in self.qset.steps:
            if s.number != 4:
                continue
            for q in s.questions:
                if is_importance(q):
                    continue
                self.heading(3, self.esc.heading(q.text))
                self.question_block(self.ov.questions[q.id])
                self.bullets(self.notes(q.id))
        self.heading(3, self.t("next_h"))
        notes = self.notes(nxt.id) if nxt else []
        if notes:
            self.bullets(notes)
        else:
            self.para(self.t("next_missing"))

    def need_text(self, need_id: str | None) -> str:
        need = next((n for n in self.record.needs if n.id == need_id), None)
        if need is None:
            return ""
        text = self.esc.inline(need.text)
        dimension = self.qset.dimension(need.dimension)
        if dimension is None:
            return text
        return self.t("need_dimension", text=text, dimension=self.esc.inline(dimension.title))

    # ------------------------------------------------------------ what we found (steps 1-3)

    def found(self) -> None:
        """Steps 1-3 in short: the summary, then one line per prompt, question and kind of
        need; the figures behind them are in the appendix."""
        self.heading(2, self.t("found_h"))
        self.summary()
        for number, key in ((1, "step1"), (3, "step3")):
            self.heading(3, self.t(key))
            lines = self.step_lines(number)
            if number == 3:
                for kind, need_key in (
                    ("competence", "competence_h"),
                    ("change", "change_needs_h"),
                ):
                    needs = [
                        self.need_text(n.id) for n in self.record.needs if n.kind.value == kind
                    ]
                    lines.append((self.t(need_key) + ":", _join(needs) or self.t("no_needs")))
            if lines:
                self.bullets(lines)
            else:
                self.para(self.t("no_notes"))

    def step_lines(self, number: int) -> list[tuple[str, str]]:
        """One line per prompt with notes and per question of a step: the notes or the
        result joined, led by the prompt's or question's text."""
        lines = []
        for step in self.qset.steps:
            if step.number != number:
                continue
            for item in step.items:
                if isinstance(item, Question) and is_importance(item):
                    continue
                parts = self.notes(item.id)
                if isinstance(item, Question):
                    parts = [self.result_line(self.ov.questions[item.id]), *parts]
                if parts:
                    lines.append((self.lead(item.text), _join(parts)))
        return lines

    def lead(self, text: str) -> str:
        """A prompt's or question's text as the bold start of a line, ending in ":" or "?"."""
        raw = clean_text(text, limit=300).rstrip().rstrip(".")
        return self.esc.inline(raw if raw[-1:] in ("?", "!", ":") else raw + ":")

    def question_line(self, r: QuestionResult) -> tuple[str, str]:
        """A question (a poll, a step question) on one line: its result, then its notes."""
        return (self.lead(r.question.text), _join([self.result_line(r), *self.notes(r.id)]))

    def result_line(self, r: QuestionResult) -> str:
        """A question's result on one line: the count, then each answer and its share."""
        if not r.shown:
            return self.t("too_few_line", answers=self.answers(r.n)).rstrip(".")
        if r.kind is Kind.TEXT:
            return "; ".join([self.answers(r.n), *(self.esc.inline(t) for t in r.texts or ())])
        rows = [c for c in r.distribution or () if c.count or c.value != DONT_KNOW]
        cells = self.dots_lines(rows) if r.kind is Kind.DOTS else self.choice_lines(rows)
        return self.answers(r.n) + ": " + " · ".join(cells)

    def dots_lines(self, rows: Iterable[OptionCount]) -> list[str]:
        """A dot vote's options, most dots first, each with its dots."""
        return [
            self.t(
                "dots_line", label=self.esc.inline(c.label), dots=plural("dots", c.count, self.lang)
            )
            for c in sorted(rows, key=lambda c: -c.count)
        ]

    def choice_lines(self, rows: Iterable[OptionCount]) -> list[str]:
        """Each option with how many chose it and their share."""
        return [
            self.t(
                "choice_line",
                label=self.esc.inline(self.label(c.value, c.label)),
                count=c.count,
                share=percent(c.share, self.lang),
            )
            for c in rows
        ]

    def summary(self) -> None:
        ov = self.ov
        strengths = "; ".join(
            f"{self.area(d)} ({self.num(d.score)})" for d in ov.strongest
        ) or self.t("summary_no_strengths")
        if ov.gaps:
            gaps = "; ".join(
                f"{self.statement(g.item.question.text)} ({self.num(g.item.mean)})"
                for g in ov.gaps[:3]
            )
        else:
            gaps = "; ".join(f"{self.area(d)} ({self.num(d.score)})" for d in ov.weakest) or self.t(
                "summary_no_gaps"
            )
        disagree = "; ".join(self.statement(r.question.text) for r in ov.disagreements) or self.t(
            "no_disagree_short"
        )
        self.bullets(
            [
                (self.t("summary_strengths"), strengths),
                (self.t("summary_gaps"), gaps),
                (self.t("summary_disagree"), disagree),
            ]
        )

    def question_block(self, r: QuestionResult) -> None:
        """The result of one question outside the dimension tables (polls, step questions)."""
        if not r.shown:
            self.para(self.t("too_few_line", answers=self.answers(r.n)))
            return
        rows = r.distribution or ()
        if r.kind is Kind.TEXT:
            texts = [self.esc.inline(t) for t in r.texts or ()]
            self.para(self.answers(r.n) + ".")
            if texts:
                self.bullets(texts)
            else:
                self.para(self.t("no_texts"))
            return
        if r.kind is Kind.DOTS:
            self.para(self.answers(r.n) + ".")
            self.bullets(self.dots_lines(rows))
            return
        lead = self.answers(r.n) + "."
        if r.kind is Kind.SCALE:
            lead += " " + self.t(
                "scale_summary",
                median=median(r.median, self.lang),
                mean=self.num(r.mean),
                spread=self.num(r.spread),
            )
        self.para(lead)
        self.bullets(self.choice_lines(c for c in rows if c.count or c.value != DONT_KNOW))
        if r.all_alike:
            self.para(self.t("all_alike", items=self.statement(r.question.text)))

    def label(self, value: object, label: str) -> str:
        """The option's own label; the catalogue's for a "don't know" the set did not label."""
        if value == DONT_KNOW and label == DONT_KNOW:
            return self.t("dont_know")
        return label

    # ------------------------------------------------------------ change since last time

    def change_row(self, c: Change) -> list[str]:
        """Before, now and the change, the change taken between the numbers as printed.

        ``results`` keeps exact means; a reader who sees 3,0 and 3,2 must also read +0,2,
        not the +0,1 the unrounded means would give, so the change shown is the difference of
        the rounded figures (rounded the way ``format_number`` rounds).
        """
        delta = None
        if c.delta is not None and c.before is not None and c.after is not None:
            delta = round(c.after, 1) - round(c.before, 1)
        return [
            self.esc.inline(c.title),
            self.num(c.before),
            self.num(c.after),
            signed(delta, self.lang),
        ]

    def change(self, comparison: Comparison) -> None:
        """The areas' change and last time's actions; the statements' change is in the
        appendix."""
        self.heading(2, self.t("change_h"))
        self.para(self.t("change_intro", date=self.date(comparison.previous_created)))
        if comparison.new_items or comparison.dropped_items:
            self.para(self.t("change_versions"))
            for key, questions in (
                ("new_items", comparison.new_items),
                ("dropped_items", comparison.dropped_items),
            ):
                if questions:
                    self.para(self.t(key))
                    self.bullets(self.esc.inline(q.text) for q in questions)
        self.chart("change", self.t("chart_alt_change"))
        head = [self.t("col_before"), self.t("col_after"), self.t("col_delta")]
        if comparison.dimensions:
            self.table(
                [self.t("col_dimension"), *head],
                [self.change_row(c) for c in comparison.dimensions],
                {1, 2, 3},
                (4, 2, 1, 2),
            )
        self.heading(3, self.t("previous_actions_h"))
        previous = comparison.previous_actions
        if not previous:
            self.para(self.t("no_previous_actions"))
            return
        self.para(
            self.t("previous_actions_done", done=len(comparison.actions_done), total=len(previous))
        )
        self.table(
            [self.t("col_action"), self.t("col_owner"), self.t("col_status")],
            [
                [
                    self.esc.inline(a.what),
                    self.esc.inline(a.owner),
                    self.t(f"status_{a.status.value}"),
                ]
                for a in previous
            ],
            set(),
            (5, 2, 2),
        )

    # ------------------------------------------------------------ about

    def about(self) -> None:
        self.heading(2, self.t("about_h"))
        self.bullets(
            [
                self.t("about_collected"),
                self.t("about_threshold", threshold=self.ov.threshold),
                self.t("about_dont_know"),
                self.t("about_spread"),
                self.t("about_free_text"),
                self.t("about_no_ranking"),
            ]
        )

    # ------------------------------------------------------------ appendix (step 2)

    def appendix(self) -> None:
        self.heading(2, self.t("appendix_h"), new_page=True)
        self.chart("dimensions", self.t("chart_alt_dimensions"))
        for d in self.ov.dimensions:
            self.dimension(d)
        self.other_questions()
        self.item_notes()
        self.findings()
        self.polls()

    def dimension(self, d: DimensionResult) -> None:
        self.heading(3, self.esc.heading(d.title))
        if not d.shown:
            self.para(self.t("too_few_line", answers=self.answers(d.n)))
        else:
            self.para(
                self.t(
                    "dimension_line",
                    score=self.num(d.score),
                    spread=self.num(d.spread),
                    answers=self.answers(d.n),
                    sparkline=sparkline(d.histogram),
                )
            )
        if not d.items:
            return
        header = [
            self.t("col_statement"),
            self.t("col_n"),
            self.t("col_median"),
            self.t("col_mean"),
            self.t("col_spread"),
        ]
        weights = [14, 2, 3, 3, 3]
        # With a previous meeting each statement's change sits in its own row: one table
        # per area, not a second long table of the same statements.
        changes = {c.id: c for c in self.ov.comparison.items} if self.ov.comparison else None
        if changes is not None:
            header.append(self.t("col_delta"))
            weights.append(3)
        rows = []
        for r in d.items:
            text = self.esc.inline(r.question.text)
            if not r.shown:
                row = [text, str(r.n), self.t("too_few"), "", ""]
            else:
                row = [
                    text,
                    str(r.n),
                    median(r.median, self.lang),
                    self.num(r.mean),
                    self.num(r.spread),
                ]
            if changes is not None:
                change = changes.get(r.id)
                row.append(self.change_row(change)[3] if change else "")
            rows.append(row)
        self.table(header, rows, set(range(1, len(header))), weights)
        self.chart(f"dimension-{d.id}", self.t("chart_alt_dimension", title=d.title))
        alike = [self.statement(r.question.text) for r in d.items if r.shown and r.all_alike]
        if alike:
            self.para(self.t("all_alike", items="; ".join(alike)))

    def other_questions(self) -> None:
        """Step-2 questions outside the dimension tables (free text, choices, no dimension)."""
        in_tables = {r.id for d in self.ov.dimensions for r in d.items}
        others = [q for q in self.qset.survey if q.id not in in_tables and not is_importance(q)]
        if not others:
            return
        self.heading(3, self.t("other_questions"))
        self.bullets(self.question_line(self.ov.questions[q.id]) for q in others)

    def item_notes(self) -> None:
        in_tables = [r for d in self.ov.dimensions for r in d.items]
        rows = []
        for r in in_tables:
            for line in self.notes(r.id):
                rows.append(f"{self.statement(r.question.text)}: {line}")
        if rows:
            self.heading(3, self.t("item_notes"))
            self.bullets(rows)

    def findings(self) -> None:
        """The appendix's findings with their figures; the strengths are in the summary."""
        ov = self.ov
        has_importance = any(is_importance(q) for q in self.qset.questions)
        if has_importance:
            self.heading(3, self.t("gaps_h"))
            if ov.gaps:
                self.bullets(
                    self.t(
                        "gap_line",
                        text=self.statement(g.item.question.text),
                        mean=self.num(g.item.mean),
                        important=(g.importance.medium or 0) + (g.importance.high or 0),
                        rated=(g.importance.low or 0)
                        + (g.importance.medium or 0)
                        + (g.importance.high or 0),
                    )
                    for g in ov.gaps
                )
            else:
                self.para(self.t("no_gaps"))
        self.heading(3, self.t("lowest_h"))
        if ov.weakest:
            titles = "; ".join(self.area(d) for d in ov.weakest)
            self.para(self.t("weakest_dims", titles=titles))
        if ov.weakest_items:
            self.bullets(
                self.t("lowest_line", text=self.statement(r.question.text), mean=self.num(r.mean))
                for r in ov.weakest_items[:5]
            )
        else:
            self.para(self.t("no_lowest"))
        self.heading(3, self.t("disagree_h"))
        if ov.disagreements:
            self.bullets(
                self.t(
                    "disagree_line",
                    text=self.statement(r.question.text),
                    mean=self.num(r.mean),
                    spread=self.num(r.spread),
                )
                for r in ov.disagreements
            )
        else:
            self.para(self.t("no_disagree"))

    def polls(self) -> None:
        """Quick polls other than the dot vote, which step 4 shows."""
        polls = [r for r in self.ov.polls if r.kind is not Kind.DOTS]
        if not polls:
            return
        self.heading(3, self.t("polls_h"))
        self.bullets(self.question_line(r) for r in polls)


def build_plan(source: PlanSource, esc: Escaper = PLAIN) -> Plan:
    """The plan's blocks, with typed text made safe by the format's escaper."""
    return _Builder(source.record, source.chosen_lang, source.previous, esc).build()
