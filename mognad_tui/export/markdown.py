"""The Markdown document for the unit's operational plan (verksamhetsplan).

Follows the outline in UX.md: title, summary, the four steps, "about the data". Every figure
comes from :func:`mognad_tui.results.overview`, so the document cannot show what the results
screen hides; every text typed in the room goes through :mod:`mognad_tui.export.escape`, so it
cannot become markup. The output passes markdownlint (pymarkdownlnt) apart from line length:
tables and notes are single long lines by nature, and wrapping would break the tables.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from mognad_tui.export import escape
from mognad_tui.export.messages import messages, plural
from mognad_tui.export.numbers import decimal, median, percent, signed
from mognad_tui.i18n import format_date, resolve_lang
from mognad_tui.model import (
    DONT_KNOW,
    ActionItem,
    ActionStatus,
    Kind,
    Priority,
    Prompt,
    Question,
    SessionRecord,
)
from mognad_tui.results import (
    Change,
    Comparison,
    DimensionResult,
    Overview,
    QuestionResult,
    is_importance,
    overview,
)

_SPARK = "▁▂▃▄▅▆▇█"
_PRIORITY_ORDER = {Priority.HIGH: 0, Priority.MEDIUM: 1, Priority.LOW: 2}
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


class _Doc:
    """Blocks of Markdown joined by one blank line, with headings kept unique (MD024)."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.used: set[str] = set()

    def heading(self, level: int, text: str) -> None:
        text = text or "–"
        unique, k = text, 2
        while unique.casefold() in self.used:
            unique, k = f"{text} ({k})", k + 1
        self.used.add(unique.casefold())
        self.blocks.append("#" * level + " " + unique)

    def para(self, text: str) -> None:
        if text:
            self.blocks.append(text)

    def bullets(self, items: Iterable[str]) -> None:
        rows = [f"- {item}" for item in items if item]
        if rows:
            self.blocks.append("\n".join(rows))

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> None:
        # markdownlint's "compact" table style (MD060): one space around each cell, an empty
        # cell is a single space, and every delimiter is three characters.
        def line(cells: Sequence[str]) -> str:
            return "|" + "|".join(f" {c} " if c else " " for c in cells) + "|"

        rule = ["--:" if i in right else "---" for i in range(len(header))]
        body = [line(header), line(rule), *(line(r) for r in rows)]
        self.blocks.append("\n".join(body))

    def text(self) -> str:
        return "\n\n".join(b.rstrip() for b in self.blocks) + "\n"


def _statement(text: str) -> str:
    """A statement inside a sentence of ours: escaped, without its own final full stop."""
    return escape.inline(str(text).rstrip().rstrip("."))


def _date(value: str, lang: str) -> str:
    """A date as words (``26 november 2026``), or the text as typed if it is not a date."""
    try:
        return format_date(value, lang)
    except (ValueError, TypeError):
        return escape.inline(value)


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


def _image(doc: _Doc, charts: dict[str, str] | None, key: str, alt: str) -> None:
    if charts and key in charts:
        doc.para(f"![{escape.inline(alt)}]({quote(charts[key], safe='/._-')})")


class _Renderer:
    def __init__(
        self,
        record: SessionRecord,
        lang: str,
        previous: SessionRecord | None,
        charts: dict[str, str] | None,
    ) -> None:
        self.record = record
        self.lang = lang
        self.charts = charts or {}
        self.ov: Overview = overview(record, previous)
        self.doc = _Doc()
        self.qset = record.question_set

    def t(self, key: str, **fields: object) -> str:
        return messages(key, self.lang, **fields)

    def answers(self, n: int) -> str:
        return plural("answers", n, self.lang)

    def num(self, value: float | None) -> str:
        return decimal(value, self.lang)

    def area(self, d: DimensionResult) -> str:
        """A ranked area's title, with its part when the set has several: areas are ranked
        within their part, so a reader must see which part a strength belongs to."""
        title = escape.inline(d.title)
        if len(self.ov.ranking) > 1:
            return self.t("area_in_part", title=title, part=escape.inline(d.dimension.part))
        return title

    # ------------------------------------------------------------ document

    def render(self) -> str:
        self.title()
        self.summary()
        self.step_one()
        self.step_two()
        self.step_three()
        self.step_four()
        self.about()
        return self.doc.text()

    def title(self) -> None:
        info = self.record.info
        self.doc.heading(1, self.t("title", group=escape.heading(info.title)))
        set_name = escape.inline(f"{self.qset.title} {self.qset.version}".strip())
        self.doc.para(
            self.t(
                "byline",
                date=_date(info.created, self.lang),
                participants=plural("participants", self.ov.participants, self.lang),
                set=set_name,
            )
        )
        if self.record.closed:
            self.doc.para(self.t("closed_note"))

    def summary(self) -> None:
        ov = self.ov
        self.doc.heading(2, self.t("summary"))
        strengths = "; ".join(
            f"{self.area(d)} ({self.num(d.score)})" for d in ov.strongest
        ) or self.t("summary_no_strengths")
        if ov.gaps:
            gaps = "; ".join(
                f"{_statement(g.item.question.text)} ({self.num(g.item.mean)})" for g in ov.gaps[:3]
            )
        else:
            gaps = "; ".join(f"{self.area(d)} ({self.num(d.score)})" for d in ov.weakest) or self.t(
                "summary_no_gaps"
            )
        priorities = "; ".join(escape.inline(a.what) for a in ov.priorities) or self.t(
            "summary_no_priorities"
        )
        self.doc.bullets(
            [
                f"**{self.t('summary_strengths')}** {strengths}",
                f"**{self.t('summary_gaps')}** {gaps}",
                f"**{self.t('summary_priorities')}** {priorities}",
            ]
        )

    # ------------------------------------------------------------ shared blocks

    def notes(self, item_id: str) -> list[str]:
        return escape.lines(self.record.notes.get(item_id, ""))

    def step_items(self, number: int, skip: Iterable[str] = ()) -> bool:
        """Prompts with notes and the step's questions under level-3 headings."""
        wrote = False
        skipped = set(skip)
        for step in self.qset.steps:
            if step.number != number:
                continue
            for item in step.items:
                if item.id in skipped or (isinstance(item, Question) and is_importance(item)):
                    continue
                notes = self.notes(item.id)
                if isinstance(item, Prompt) and not notes:
                    continue
                self.doc.heading(3, escape.heading(item.text))
                if isinstance(item, Question):
                    self.question_block(self.ov.questions[item.id])
                self.doc.bullets(notes)
                wrote = True
        return wrote

    def question_block(self, r: QuestionResult) -> None:
        """The result of one question outside the dimension tables (polls, step questions)."""
        if not r.shown:
            self.doc.para(self.t("too_few_line", answers=self.answers(r.n)))
            return
        rows = r.distribution or ()
        if r.kind is Kind.TEXT:
            texts = [escape.inline(t) for t in r.texts or ()]
            self.doc.para(self.answers(r.n) + ".")
            if texts:
                self.doc.bullets(texts)
            else:
                self.doc.para(self.t("no_texts"))
            return
        if r.kind is Kind.DOTS:
            self.doc.para(self.answers(r.n) + ".")
            ranked = sorted(rows, key=lambda c: -c.count)
            self.doc.bullets(
                self.t(
                    "dots_line",
                    label=escape.inline(c.label),
                    dots=plural("dots", c.count, self.lang),
                )
                for c in ranked
            )
            return
        lead = self.answers(r.n) + "."
        if r.kind is Kind.SCALE:
            lead += " " + self.t(
                "scale_summary",
                median=median(r.median, self.lang),
                mean=self.num(r.mean),
                spread=self.num(r.spread),
            )
        self.doc.para(lead)
        self.doc.bullets(
            self.t(
                "choice_line",
                label=escape.inline(self.label(r.question, c.value, c.label)),
                count=c.count,
                share=percent(c.share, self.lang),
            )
            for c in rows
            if c.count or c.value != DONT_KNOW
        )
        if r.all_alike:
            self.doc.para(self.t("all_alike", items=_statement(r.question.text)))

    def label(self, question: Question, value: object, label: str) -> str:
        """The option's own label; the catalogue's for a "don't know" the set did not label."""
        if value == DONT_KNOW and label == DONT_KNOW:
            return self.t("dont_know")
        return label

    # ------------------------------------------------------------ step 1

    def step_one(self) -> None:
        self.doc.heading(2, self.t("step1"))
        if not self.step_items(1):
            self.doc.para(self.t("no_notes"))

    # ------------------------------------------------------------ step 2

    def step_two(self) -> None:
        self.doc.heading(2, self.t("step2"))
        _image(self.doc, self.charts, "dimensions", self.t("chart_alt_dimensions"))
        for d in self.ov.dimensions:
            self.dimension(d)
        self.other_questions()
        self.item_notes()
        self.findings()
        self.polls()

    def dimension(self, d: DimensionResult) -> None:
        self.doc.heading(3, escape.heading(d.title))
        if not d.shown:
            self.doc.para(self.t("too_few_line", answers=self.answers(d.n)))
        else:
            self.doc.para(
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
        low, high = d.scale or (1, 5)
        header = [
            self.t("col_statement"),
            self.t("col_n"),
            self.t("col_dont_know"),
            self.t("col_median"),
            self.t("col_mean"),
            self.t("col_spread"),
            self.t("col_distribution", low=low, high=high),
            self.t("col_bar"),
        ]
        rows = []
        for r in d.items:
            text = escape.inline(r.question.text)
            if not r.shown:
                rows.append([text, str(r.n), self.t("too_few"), "", "", "", "", ""])
                continue
            points = " · ".join(
                str(c.count) for c in r.distribution or () if isinstance(c.value, int)
            )
            rows.append(
                [
                    text,
                    str(r.n),
                    str(r.dont_know or 0),
                    median(r.median, self.lang),
                    self.num(r.mean),
                    self.num(r.spread),
                    points,
                    _bar(r),
                ]
            )
        self.doc.table(header, rows, right={1, 2, 3, 4, 5})
        _image(
            self.doc,
            self.charts,
            f"dimension-{d.id}",
            self.t("chart_alt_dimension", title=d.title),
        )
        alike = [_statement(r.question.text) for r in d.items if r.shown and r.all_alike]
        if alike:
            self.doc.para(self.t("all_alike", items="; ".join(alike)))

    def other_questions(self) -> None:
        """Step-2 questions outside the dimension tables (free text, choices, no dimension)."""
        in_tables = {r.id for d in self.ov.dimensions for r in d.items}
        others = [q for q in self.qset.survey if q.id not in in_tables and not is_importance(q)]
        if not others:
            return
        self.doc.heading(3, self.t("other_questions"))
        for q in others:
            self.doc.heading(4, escape.heading(q.text))
            self.question_block(self.ov.questions[q.id])
            self.doc.bullets(self.notes(q.id))

    def item_notes(self) -> None:
        in_tables = [r for d in self.ov.dimensions for r in d.items]
        rows = []
        for r in in_tables:
            for line in self.notes(r.id):
                rows.append(f"{_statement(r.question.text)}: {line}")
        if rows:
            self.doc.heading(3, self.t("item_notes"))
            self.doc.bullets(rows)

    def findings(self) -> None:
        ov = self.ov
        self.doc.heading(3, self.t("strengths_h"))
        if ov.strongest:
            self.doc.bullets(
                self.t("strength_line", title=self.area(d), score=self.num(d.score))
                for d in ov.strongest
            )
        else:
            self.doc.para(self.t("no_strengths"))
        has_importance = any(is_importance(q) for q in self.qset.questions)
        if has_importance:
            self.doc.heading(3, self.t("gaps_h"))
            if ov.gaps:
                self.doc.bullets(
                    self.t(
                        "gap_line",
                        text=_statement(g.item.question.text),
                        mean=self.num(g.item.mean),
                        important=(g.importance.medium or 0) + (g.importance.high or 0),
                        rated=(g.importance.low or 0)
                        + (g.importance.medium or 0)
                        + (g.importance.high or 0),
                    )
                    for g in ov.gaps
                )
            else:
                self.doc.para(self.t("no_gaps"))
        self.doc.heading(3, self.t("lowest_h"))
        if ov.weakest:
            titles = "; ".join(self.area(d) for d in ov.weakest)
            self.doc.para(self.t("weakest_dims", titles=titles))
        if ov.weakest_items:
            self.doc.bullets(
                self.t("lowest_line", text=_statement(r.question.text), mean=self.num(r.mean))
                for r in ov.weakest_items[:5]
            )
        else:
            self.doc.para(self.t("no_lowest"))
        self.doc.heading(3, self.t("disagree_h"))
        if ov.disagreements:
            self.doc.bullets(
                self.t(
                    "disagree_line",
                    text=_statement(r.question.text),
                    mean=self.num(r.mean),
                    spread=self.num(r.spread),
                )
                for r in ov.disagreements
            )
        else:
            self.doc.para(self.t("no_disagree"))

    def polls(self) -> None:
        if not self.ov.polls:
            return
        self.doc.heading(3, self.t("polls_h"))
        for r in self.ov.polls:
            self.doc.heading(4, escape.heading(r.question.text))
            self.question_block(r)
            self.doc.bullets(self.notes(r.id))

    # ------------------------------------------------------------ step 3

    def step_three(self) -> None:
        self.doc.heading(2, self.t("step3"))
        if not self.step_items(3):
            self.doc.para(self.t("no_notes"))
        for kind, key in (("competence", "competence_h"), ("change", "change_needs_h")):
            self.doc.heading(3, self.t(key))
            needs = [self.need_text(n.id) for n in self.record.needs if n.kind.value == kind]
            if needs:
                self.doc.bullets(needs)
            else:
                self.doc.para(self.t("no_needs"))

    def need_text(self, need_id: str | None) -> str:
        need = next((n for n in self.record.needs if n.id == need_id), None)
        if need is None:
            return ""
        text = escape.inline(need.text)
        dimension = self.qset.dimension(need.dimension)
        if dimension is None:
            return text
        return self.t("need_dimension", text=text, dimension=escape.inline(dimension.title))

    # ------------------------------------------------------------ step 4

    def step_four_prompts(self) -> list[Prompt]:
        return [
            i for s in self.qset.steps if s.number == 4 for i in s.items if isinstance(i, Prompt)
        ]

    def step_four(self) -> None:
        """Step 4: the step's own prompts, the prerequisites, actions, change, next measurement.

        The prompt about the administration's prerequisites and the one about when to measure
        again are found by words in their ids (the built-in set's and the obvious English
        ones); a set without them gets the prerequisites heading with every step-4 note
        under it, and a reminder to decide the next measurement.
        """
        self.doc.heading(2, self.t("step4"))
        prompts = self.step_four_prompts()
        nxt = next((p for p in prompts if _has_hint(p.id, _NEXT_MEASUREMENT_HINTS)), None)
        rest = [p for p in prompts if p is not nxt]
        prerequisites = [p for p in rest if _has_hint(p.id, _PREREQUISITE_HINTS)]
        own = [p for p in rest if p not in prerequisites] if prerequisites else []
        for prompt in own:
            notes = self.notes(prompt.id)
            if notes:
                self.doc.heading(3, escape.heading(prompt.text))
                self.doc.bullets(notes)
        for s in self.qset.steps:
            if s.number != 4:
                continue
            for q in s.questions:
                if is_importance(q):
                    continue
                self.doc.heading(3, escape.heading(q.text))
                self.question_block(self.ov.questions[q.id])
                self.doc.bullets(self.notes(q.id))
        self.doc.heading(3, self.t("prerequisites_h"))
        wrote = False
        for prompt in prerequisites or rest:
            notes = self.notes(prompt.id)
            if notes:
                if len(prerequisites or rest) > 1:
                    self.doc.heading(4, escape.heading(prompt.text))
                self.doc.bullets(notes)
                wrote = True
        if not wrote:
            self.doc.para(self.t("no_notes"))
        self.actions()
        if self.ov.comparison is not None:
            self.change(self.ov.comparison)
        self.doc.heading(3, self.t("next_h"))
        notes = self.notes(nxt.id) if nxt else []
        if notes:
            self.doc.bullets(notes)
        else:
            self.doc.para(self.t("next_missing"))

    def actions(self) -> None:
        """The plan's actions, high priority first; dropped actions are not part of a plan."""
        self.doc.heading(3, self.t("actions_h"))
        live = [a for a in self.record.actions if a.status is not ActionStatus.DROPPED]
        live.sort(key=lambda a: _PRIORITY_ORDER.get(a.priority, 1))
        if not live:
            self.doc.para(self.t("no_actions"))
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
        self.doc.table(header, [self.action_row(a) for a in live], right=set())

    def action_row(self, a: ActionItem) -> list[str]:
        need = self.need_text(a.need)
        if not need and a.dimension:
            dimension = self.qset.dimension(a.dimension)
            need = escape.inline(dimension.title) if dimension else ""
        return [
            escape.inline(a.what),
            escape.inline(a.owner),
            _date(a.due, self.lang) if a.due else "",
            self.t(f"priority_{a.priority.value}"),
            escape.inline(a.follow_up),
            need,
        ]

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
            escape.inline(c.title),
            self.num(c.before),
            self.num(c.after),
            signed(delta, self.lang),
        ]

    def change(self, comparison: Comparison) -> None:
        self.doc.heading(3, self.t("change_h"))
        self.doc.para(self.t("change_intro", date=_date(comparison.previous_created, self.lang)))
        if comparison.new_items or comparison.dropped_items:
            self.doc.para(self.t("change_versions"))
            for key, questions in (
                ("new_items", comparison.new_items),
                ("dropped_items", comparison.dropped_items),
            ):
                if questions:
                    self.doc.para(self.t(key))
                    self.doc.bullets(escape.inline(q.text) for q in questions)
        _image(self.doc, self.charts, "change", self.t("chart_alt_change"))
        head = [self.t("col_before"), self.t("col_after"), self.t("col_delta")]
        if comparison.dimensions:
            self.doc.table(
                [self.t("col_dimension"), *head],
                [self.change_row(c) for c in comparison.dimensions],
                right={1, 2, 3},
            )
        if comparison.items:
            self.doc.heading(4, self.t("change_items_h"))
            self.doc.table(
                [self.t("col_statement"), *head],
                [self.change_row(c) for c in comparison.items],
                right={1, 2, 3},
            )
        self.doc.heading(4, self.t("previous_actions_h"))
        previous = comparison.previous_actions
        if not previous:
            self.doc.para(self.t("no_previous_actions"))
            return
        self.doc.para(
            self.t("previous_actions_done", done=len(comparison.actions_done), total=len(previous))
        )
        self.doc.table(
            [self.t("col_action"), self.t("col_owner"), self.t("col_status")],
            [
                [escape.inline(a.what), escape.inline(a.owner), self.t(f"status_{a.status.value}")]
                for a in previous
            ],
            right=set(),
        )

    # ------------------------------------------------------------ about

    def about(self) -> None:
        self.doc.heading(2, self.t("about_h"))
        self.doc.bullets(
            [
                self.t("about_collected"),
                self.t("about_threshold", threshold=self.ov.threshold),
                self.t("about_dont_know"),
                self.t("about_spread"),
                self.t("about_free_text"),
                self.t("about_no_ranking"),
            ]
        )


def render_markdown(
    record: SessionRecord,
    *,
    lang: str | None = None,
    previous: SessionRecord | None = None,
    charts: dict[str, str] | None = None,
) -> str:
    """The operational-plan document of a session, in its language unless ``lang`` is given.

    ``previous`` (the same group's earlier session) adds "change since last time";
    ``charts`` maps chart names (``dimensions``, ``dimension-<id>``, ``change``) to paths
    relative to the Markdown file, as :func:`mognad_tui.export.charts.write_charts` returns.
    """
    chosen = resolve_lang(lang or record.info.lang)
    return _Renderer(record, chosen, previous, charts).render()
