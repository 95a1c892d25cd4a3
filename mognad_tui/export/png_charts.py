"""PNG charts for the Word plan, drawn with matplotlib's Agg backend.

Word cannot show the SVG charts everywhere, and pygal's PNG path needs native Cairo; matplotlib
installs from wheels on Windows, macOS and Linux with no system libraries. Its Figure API draws
with Agg, without pyplot. It is imported here only, and this module only when a docx is
written, so ``mognad --help`` and the app's start do not pay for it. The figures come from
:func:`mognad_tui.results.overview` and are the same as the SVG charts': a hidden item or area
is missing from a chart, as from the table.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from typing import Any

from mognad_tui.export.messages import messages
from mognad_tui.export.report import UnitChart
from mognad_tui.i18n import format_number
from mognad_tui.model import clean_text
from mognad_tui.results import DimensionResult, Overview

#: The SVG charts' diverging palette (charts._DIVERGING): reads in greyscale print too.
_DIVERGING = ("#b2182b", "#ef8a62", "#d9d9d9", "#67a9cf", "#2166ac", "#777777")
_WIDTH_IN = 6.5
_DPI = 100


def _figure(height: float) -> tuple[Any, Any]:
    """A figure and its axes, without pyplot: no figure manager, no GUI backend chosen, and
    the import of ``matplotlib.pyplot`` (a third of the time of a small chart) is saved."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(_WIDTH_IN, height))
    return fig, fig.subplots()


def _label(text: object, width: int = 45) -> str:
    return "\n".join(textwrap.wrap(clean_text(str(text), limit=200), width)[:2])


def _png(fig: Any, left: float = 0.42, bottom: float = 0.12) -> bytes:
    buffer = io.BytesIO()
    # A fixed margin for the labels instead of bbox_inches="tight", which draws twice.
    fig.subplots_adjust(left=left, right=0.97, top=0.88, bottom=bottom)
    fig.savefig(buffer, format="png", dpi=_DPI, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def _dimensions(ov: Overview, lang: str) -> bytes | None:
    shown = [d for d in ov.dimensions if d.shown and d.score is not None]
    if not shown:
        return None
    low, high = shown[0].scale or (1, 5)
    dims = list(reversed(ov.dimensions))
    fig, ax = _figure(0.6 + 0.3 * len(dims))
    scores = [d.score if d.shown and d.score is not None else 0 for d in dims]
    bars = ax.barh([_label(d.title, 35) for d in dims], scores, color="#2166ac")
    for bar, d in zip(bars, dims, strict=True):
        if d.shown and d.score is not None:
            ax.text(
                bar.get_width() + 0.05,
                bar.get_y() + bar.get_height() / 2,
                format_number(d.score, lang),
                va="center",
                fontsize=8,
            )
    ax.set_xlim(low, high + 0.4)
    # The scale's own points: matplotlib's default ticks are halves written with a decimal
    # point ("2.5"), English in a Swedish plan, and twice as many ticks to lay out.
    ax.set_xticks(range(int(low), int(high) + 1))
    ax.set_title(messages("chart_dimensions_title", lang), fontsize=10)
    ax.tick_params(labelsize=8)
    return _png(fig, left=0.32, bottom=0.15)


def _dimension(d: DimensionResult, lang: str) -> bytes | None:
    from matplotlib.ticker import MaxNLocator

    shown = [r for r in d.items if r.shown and r.distribution]
    if not shown:
        return None
    items = list(reversed(d.items))
    fig, ax = _figure(0.9 + 0.3 * len(items))
    labels = [_label(r.question.text) for r in items]
    rows = shown[0].distribution or ()
    left = [0.0] * len(items)
    for position, row in enumerate(rows):
        values = []
        for r in items:
            dist = r.distribution if r.shown else None
            values.append(dist[position].count if dist and position < len(dist) else 0)
        name = row.label if row.label != row.value else messages("dont_know", lang)
        color = _DIVERGING[min(position, len(_DIVERGING) - 1)]
        ax.barh(labels, values, left=left, color=color, label=_label(name, 30))
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_title(messages("chart_dimension_title", lang, title=_label(d.title, 60)), fontsize=10)
    ax.tick_params(labelsize=7)
    # Whole numbers of answers: a count is never "2.5", and a Swedish plan has no decimal point.
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    ax.legend(fontsize=7, ncols=3, loc="upper center", bbox_to_anchor=(0.3, -0.1))
    return _png(fig, left=0.45, bottom=0.3)


def _change(ov: Overview, lang: str, before: str, after: str) -> bytes | None:
    comparison = ov.comparison
    if comparison is None or not any(c.delta is not None for c in comparison.dimensions):
        return None
    dims = [c for c in comparison.dimensions if c.delta is not None]
    fig, ax = _figure(2.4)
    xs = range(len(dims))
    ax.bar([x - 0.2 for x in xs], [c.before or 0 for c in dims], 0.4, color="#999999", label=before)
    ax.bar([x + 0.2 for x in xs], [c.after or 0 for c in dims], 0.4, color="#2166ac", label=after)
    ax.set_xticks(list(xs), [_label(c.title, 18) for c in dims], fontsize=7)
    low, high = (ov.dimensions[0].scale or (1, 5)) if ov.dimensions else (1, 5)
    ax.set_ylim(low, high)
    ax.set_yticks(range(int(low), int(high) + 1))  # whole scale points, as in _dimensions
    ax.legend(fontsize=7)
    ax.set_title(messages("chart_alt_change", lang), fontsize=10)
    return _png(fig, left=0.08, bottom=0.2)


def chart_pngs(ov: Overview, lang: str, before: str = "", after: str = "") -> dict[str, bytes]:
    """The plan's charts as PNG bytes by the names the plan uses (see ``plan.Chart``)."""
    out: dict[str, bytes | None] = {"dimensions": _dimensions(ov, lang)}
    for d in ov.dimensions:
        out[f"dimension-{d.id}"] = _dimension(d, lang)
    out["change"] = _change(ov, lang, before, after)
    return {k: v for k, v in out.items() if v is not None}


def unit_chart_pngs(parts: Sequence[tuple[str, UnitChart]], lang: str) -> dict[str, bytes]:
    """The report's unit × area chart for Word, a picture per part by its name
    (:meth:`UnitChart.parts`: 50 units fit an A4 page): the same dots as the SVG's
    (:func:`mognad_tui.export.charts.unit_chart_svg`), each area also its own marker so that
    it reads in greyscale print.

    One figure draws every part: its axes, legend, title and the rows' ticks are made once,
    and each part only moves the dots and renames the rows. Made anew per part, the ticks
    and axes were half the time of a 200-unit report's pictures."""
    import numpy as np

    parts = [(key, data) for key, data in parts if data.units]
    if not parts:
        return {}
    areas, (low, high) = parts[0][1].areas, parts[0][1].scale  # the same in every part
    fig, ax = _figure(1.0)
    colors = ("#2166ac", "#ef8a62", "#1b9e77", "#b2182b", "#777777", "#67a9cf")
    markers = "osD^vP"
    dots = [
        ax.scatter(
            [],
            [],
            s=14,
            marker=markers[i % len(markers)],
            color=colors[i % len(colors)],
            label=_label(title, 30),
        )
        for i, title in enumerate(areas)
    ]
    ax.set_xlim(low - 0.1, high + 0.1)
    ax.set_xticks(range(int(low), int(high) + 1))  # whole scale points, no "2.5"
    ax.tick_params(axis="x", labelsize=8)
    ax.tick_params(axis="y", labelsize=7)
    ax.grid(axis="x", color="#dddddd")
    # A title at a set height, and the axes' (empty) labels at set places: left to
    # matplotlib, each is placed anew on every draw by measuring every tick label.
    ax.set_title(messages("report_chart_title", lang), fontsize=10, y=1.0)
    ax.xaxis.set_label_coords(0.5, -0.1)
    ax.yaxis.set_label_coords(-0.1, 0.5)
    fig.legend(fontsize=7, ncols=3, loc="lower center")
    legend_in = 0.22 * (1 + (len(areas) - 1) // 3) + 0.35
    out = {}
    for key, data in parts:
        n = len(data.units)
        height_in = 1.3 + 0.16 * n
        fig.set_size_inches(_WIDTH_IN, height_in)
        for i, collection in enumerate(dots):
            shown = [(s[i], n - 1 - k) for k, (_, s) in enumerate(data.units) if s[i] is not None]
            collection.set_offsets(np.array(shown, dtype=float).reshape(-1, 2))
        ax.set_yticks([n - 1 - k for k in range(n)], [_label(name, 30) for name, _ in data.units])
        ax.set_ylim(-0.5, n - 0.5)
        out[key] = _png(fig, left=0.3, bottom=min(0.5, legend_in / height_in))
    return out
