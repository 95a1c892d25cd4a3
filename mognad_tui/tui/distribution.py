"""Draw a revealed question's result as text: horizontal bars with counts, median and mean,
"don't know", the all-alike warning and approved free text.

Every figure comes from :mod:`mognad_tui.results`; this module only lays them out. A result
below the anonymity threshold carries only its count, and so this can show nothing else.
Participant text goes in as plain (text, style) pieces of a ``Content``, never markup, so it
shows literally; styles may name theme variables (``$accent``) so bars suit light and dark rooms.
"""

from __future__ import annotations

import textwrap

from textual.content import Content

from mognad_tui.i18n import format_number
from mognad_tui.model import DONT_KNOW, Kind, clean_text
from mognad_tui.results import QuestionResult
from mognad_tui.tui.catalog import T

BAR = "█"
#: Eighths of a cell, so small differences between bars stay visible.
PARTIAL = " ▏▎▍▌▋▊▉"
MAX_LABEL = 32
#: Longer bars on a wide screen only push the counts away from their labels.
MAX_BAR = 60


def bar(fraction: float, width: int) -> str:
    """A bar ``fraction`` (0..1) of ``width`` cells long, in eighths of a cell."""
    fraction = max(0.0, min(1.0, fraction))
    eighths = round(fraction * width * 8)
    full, part = divmod(eighths, 8)
    return BAR * full + (PARTIAL[part] if part else "")


def _number(value: float, lang: str) -> str:
    return format_number(value, lang, decimals=0 if float(value).is_integer() else 1)


def wrap_label(label: str, width: int) -> list[str]:
    """A label in lines of at most ``width`` cells, never cut: the room reads every option in
    full ("Alla ska kunna dela dokument", not "Alla ska kunna dela dokume…")."""
    return textwrap.wrap(label, max(1, width), break_on_hyphens=False) or [""]


class Builder:
    """Collects (text, style) pieces; ``build()`` assembles them into one literal Content."""

    def __init__(self) -> None:
        self.parts: list[tuple[str, str]] = []

    def append(self, text: str, style: str = "") -> None:
        self.parts.append((text, style))

    @property
    def plain(self) -> str:
        return "".join(text for text, _ in self.parts)

    def build(self) -> Content:
        return Content.assemble(*self.parts)


def render_result(
    result: QuestionResult, lang: str, width: int, *, spacious: bool = False
) -> Content:
    """The body under a revealed question, fitted to ``width`` cells. ``spacious`` (the
    presentation view on a tall screen) puts a blank line between the bars, so each row reads
    on its own from the back of the room."""
    return _render(result, lang, width, spacious).build()


def _render(result: QuestionResult, lang: str, width: int, spacious: bool = False) -> Builder:
    width = max(20, width)
    out = Builder()
    if _not_shown(result, lang, out):
        return out
    if result.kind is Kind.TEXT:
        return _render_texts(result, lang, out)
    if result.kind is Kind.DOTS:
        return _render_dots(result, lang, width, out)
    rows = result.distribution or ()
    label_w = min(MAX_LABEL, max((len(row.label) for row in rows), default=0), width // 2)
    counts = [str(row.count) for row in rows]
    count_w = max((len(c) for c in counts), default=1)
    bar_w = max(4, min(MAX_BAR, width - label_w - count_w - 4))
    top = max((row.count for row in rows), default=0) or 1
    for row, count in zip(rows, counts, strict=True):
        dont_know = row.value == DONT_KNOW
        label_style = "dim" if dont_know else ""
        first, *more = wrap_label(row.label, label_w)
        out.append(first.ljust(label_w), style=label_style)
        out.append("  ")
        drawn = bar(row.count / top, bar_w)
        if dont_know:  # a pattern, not only a colour: "don't know" is no point on the scale
            drawn = "░" * len(drawn)
        out.append(drawn.ljust(bar_w), style="$accent")
        out.append("  ")
        out.append(count.rjust(count_w), style="bold")
        out.append("\n")
        for line in more:  # the rest of a long label under its first line, beside no bar
            out.append(line, style=label_style)
            out.append("\n")
        if spacious:
            out.append("\n")
    out.append("\n")
    out.parts.extend(_summary(result, lang).parts)
    if result.kind is Kind.SCALE and result.dont_know:
        key = "question.dont_know_one" if result.dont_know == 1 else "question.dont_know"
        out.append("\n")
        out.append(T(key, lang, count=result.dont_know), style="dim")
    if result.all_alike:
        out.append("\n\n")
        out.append("⚠ " + T("question.all_alike", lang), style="bold $text-warning")
    return out


def render_compact(result: QuestionResult, lang: str) -> Content:
    """One item's result in a line or two, for an area's items shown together (the survey's
    results area by area): the median and mean of a scale, the counts of a choice. The
    threshold rules are the same as the full result's."""
    out = Builder()
    if _not_shown(result, lang, out):
        return out.build()
    if result.kind is Kind.TEXT:
        return _render_texts(result, lang, out).build()
    if result.kind is not Kind.SCALE:
        rows = result.distribution or ()
        out.append(" · ".join(f"{row.label} {row.count}" for row in rows), style="bold")
        out.append(" · ")
    out.parts.extend(_summary(result, lang).parts)
    if result.all_alike:
        out.append(" · ⚠ " + T("question.all_alike", lang), style="bold $text-warning")
    return out.build()


def _not_shown(result: QuestionResult, lang: str, out: Builder) -> bool:
    """Say why no figures are shown (held back, below the threshold) and return True; or
    note what is held and return False."""
    if result.held and not result.shown and result.n >= result.threshold:
        out.append(T("question.held_unkept", lang), style="bold $text-warning")
        return True
    if result.held and result.held_for > 0:
        out.append(T("question.held", lang, count=result.held_for), style="bold $text-warning")
        out.append("\n\n")
    if not result.shown:
        if result.n == 0:
            out.append(T("question.no_answers", lang))
        else:
            out.append(
                T("question.below_threshold", lang, n=result.n, threshold=result.threshold),
                style="bold",
            )
        return True
    return False


def _summary(result: QuestionResult, lang: str) -> Builder:
    """ "Median 4 · medel 3,8 · 12 svar": the line under a result."""
    summary = Builder()
    if result.kind is Kind.SCALE:
        if result.median is not None and result.mean is not None:
            summary.append(
                T(
                    "question.median_mean",
                    lang,
                    median=_number(result.median, lang),
                    mean=format_number(result.mean, lang, decimals=1),
                ),
                style="bold",
            )
        if result.someone_can_teach:
            summary.append(" · " if summary.plain else "")
            summary.append(T("question.spread", lang), style="bold $text-warning")
        summary.append(" · " if summary.plain else "")
        summary.append(T("question.n", lang, n=result.n))
    else:
        summary.append(T("question.n_people", lang, n=result.n))
    return summary


def _render_dots(result: QuestionResult, lang: str, width: int, out: Builder) -> Builder:
    """A dot vote ranks needs: most dots first, each need's words in full (wrapped, never
    cut: the room must know what it chose) with its bar on the line below."""
    rows = sorted(result.distribution or (), key=lambda row: -row.count)
    count_w = max((len(str(row.count)) for row in rows), default=1)
    bar_w = max(4, min(MAX_BAR, width - count_w - 4))
    top = max((row.count for row in rows), default=0) or 1
    for row in rows:
        for line in textwrap.wrap(row.label, max(10, width - 2)) or [""]:
            out.append(line + "\n", style="bold")
        out.append(bar(row.count / top, bar_w).ljust(bar_w), style="$accent")
        out.append("  ")
        out.append(str(row.count).rjust(count_w), style="bold")
        out.append("\n")
    out.append("\n")
    total = sum(row.count for row in rows)
    out.append(T("question.dots_total", lang, count=total))
    out.append(" · " + T("question.n_people", lang, n=result.n))
    if result.all_alike:
        out.append("\n\n")
        out.append("⚠ " + T("question.all_alike", lang), style="bold $text-warning")
    return out


def _render_texts(result: QuestionResult, lang: str, out: Builder) -> Builder:
    texts = result.texts or ()
    if not texts:
        out.append(T("question.texts_none", lang))
        return out
    for text in texts:
        out.append("• ", style="bold")
        out.append(clean_text(text))  # literal: never markup; never a raw control either
        out.append("\n")
    out.append(T("question.n_people", lang, n=result.n), style="dim")
    return out
