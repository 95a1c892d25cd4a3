"""SVG charts for the plan, drawn with pygal and written beside the Markdown file.

Data stays on the facilitator's machine and the document must open offline years later, so the
charts carry no JavaScript and no reference to a CDN (pygal links its tooltip script from a
CDN unless ``js=[]``). Figures come from :func:`mognad_tui.results.overview`: a hidden item or
dimension is simply missing from a chart, exactly as it is from the table.
"""

from __future__ import annotations

import re
from pathlib import Path

import pygal
from pygal.style import Style

from mognad_tui.export.messages import messages
from mognad_tui.export.plan import PlanSource
from mognad_tui.export.report import UNIT_CHART, UnitChart
from mognad_tui.i18n import format_date, format_number, resolve_lang
from mognad_tui.model import SessionRecord, clean_text
from mognad_tui.results import DimensionResult, Overview, overview

#: Scale points from red (low) through grey to blue (high), "don't know" in dark grey: a
#: diverging palette that also reads in greyscale print.
_DIVERGING = ("#b2182b", "#ef8a62", "#d9d9d9", "#67a9cf", "#2166ac", "#777777")
_LABEL_CHARS = 40


def _style(colors: tuple[str, ...]) -> Style:
    return Style(
        background="white",
        plot_background="white",
        foreground="#222222",
        foreground_strong="#000000",
        foreground_subtle="#555555",
        colors=colors,
        font_family="sans-serif",
        legend_font_size=12,
    )


def _config(
    title: str, lang: str, colors: tuple[str, ...] = ("#2166ac",), **extra: object
) -> dict[str, object]:
    return {
        "title": title,
        "style": _style(colors),
        "js": [],  # no tooltip script from a CDN: the file must work offline
        "disable_xml_declaration": True,
        "truncate_label": _LABEL_CHARS,
        "truncate_legend": _LABEL_CHARS,
        "value_formatter": lambda v: "" if v is None else format_number(v, lang),
        "print_values": False,
        **{"width": 900, **extra},
    }


_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _clean_svg(svg: str, chart_id: str) -> str:
    """Drop pygal's inline config script and its comments; give the chart a stable id.

    With ``js=[]`` pygal still embeds a ``<script>`` holding its whole configuration, a
    "generated on <date>" comment and a random uuid: without them the file is script-free and
    the same session always gives the same bytes (reviewable diffs, stable tests).
    """
    match = re.search(r'id="chart-([0-9a-f-]+)"', svg)
    if match:
        svg = svg.replace(match.group(1), chart_id)
    return _COMMENT.sub("", _SCRIPT.sub("", svg))


def _label(text: object) -> str:
    """Text for the SVG: control characters would make the file invalid XML (pygal escapes
    ``<`` and ``&`` itself), and a 10,000-character label helps nobody."""
    return clean_text(str(text), limit=200)


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "chart"


def _dimensions_chart(ov: Overview, lang: str) -> pygal.Graph | None:
    shown = [d for d in ov.dimensions if d.shown and d.score is not None]
    if not shown:
        return None
    low, high = shown[0].scale or (1, 5)
    chart = pygal.HorizontalBar(
        **_config(
            messages("chart_dimensions_title", lang),
            lang,
            range=(low, high),
            show_legend=False,
            height=80 + 50 * len(ov.dimensions),
        )
    )
    dimensions = list(reversed(ov.dimensions))  # first dimension on top
    chart.x_labels = [_label(d.title) for d in dimensions]
    chart.add(messages("col_mean", lang), [d.score if d.shown else None for d in dimensions])
    return chart


def _dimension_chart(d: DimensionResult, lang: str) -> pygal.Graph | None:
    """Answers per statement as stacked bars: the distribution, not only the mean."""
    shown = [r for r in d.items if r.shown and r.distribution]
    if not shown:
        return None
    chart = pygal.HorizontalStackedBar(
        **_config(
            messages("chart_dimension_title", lang, title=_label(d.title)),
            lang,
            _DIVERGING,
            height=160 + 45 * len(d.items),
            legend_at_bottom=True,
            legend_at_bottom_columns=2,
            width=1000,
            value_formatter=lambda v: "" if v is None else str(round(v)),
        )
    )
    # pygal draws the first horizontal bar at the bottom: reverse to keep the set's order.
    items = list(reversed(d.items))
    chart.x_labels = [_label(r.question.text) for r in items]
    rows = shown[0].distribution or ()
    for position, row in enumerate(rows):
        values = []
        for r in items:
            dist = r.distribution if r.shown else None
            values.append(dist[position].count if dist and position < len(dist) else None)
        label = row.label if row.label != row.value else messages("dont_know", lang)
        chart.add(_label(label), values)
    return chart


def _change_chart(
    ov: Overview, record: SessionRecord, previous: SessionRecord, lang: str
) -> pygal.Graph | None:
    comparison = ov.comparison
    if comparison is None or not any(c.delta is not None for c in comparison.dimensions):
        return None
    chart = pygal.Bar(
        **_config(
            messages("chart_change_title", lang, date=format_date(previous.info.created, lang)),
            lang,
            ("#999999", "#2166ac"),
            range=(ov.dimensions[0].scale or (1, 5)) if ov.dimensions else (1, 5),
            x_label_rotation=20,
            legend_at_bottom=True,
        )
    )
    chart.x_labels = [_label(c.title) for c in comparison.dimensions]
    chart.add(
        messages("chart_before", lang, date=format_date(previous.info.created, lang)),
        [c.before if c.delta is not None else None for c in comparison.dimensions],
    )
    chart.add(
        messages("chart_after", lang, date=format_date(record.info.created, lang)),
        [c.after if c.delta is not None else None for c in comparison.dimensions],
    )
    return chart


def chart_svgs(source: PlanSource, *, per_dimension: bool = True) -> dict[str, str]:
    """The charts as SVG text by name (``dimensions``, ``dimension-<id>``, ``change``): what
    :func:`write_charts` writes beside the Markdown and the HTML plan carries inline;
    ``per_dimension=False`` leaves out the charts of the areas' answers."""
    record, previous, chosen = source.record, source.previous, source.chosen_lang
    ov = overview(record, previous)
    charts: dict[str, pygal.Graph | None] = {"dimensions": _dimensions_chart(ov, chosen)}
    for d in ov.dimensions if per_dimension else ():
        charts[f"dimension-{d.id}"] = _dimension_chart(d, chosen)
    if previous is not None:
        charts["change"] = _change_chart(ov, record, previous, chosen)
    svgs: dict[str, str] = {}
    for name, chart in charts.items():
        if chart is None:
            continue
        svg = chart.render()
        text = svg.decode("utf-8") if isinstance(svg, bytes) else svg
        svgs[name] = _clean_svg(text, _safe_name(name))
    return svgs


#: A chart file's size as a share of its drawing's: 900 drawn pixels become about 14 cm on
#: paper, text still readable.
_PRINT_SCALE = 0.6
_VIEWBOX = re.compile(r'<svg\b[^>]*?\bviewBox="0 0 ([0-9.]+) ([0-9.]+)"')


def _sized(svg: str) -> str:
    """The SVG with a width and height: pygal writes only a viewBox, which pandoc takes as
    pixels at 96 dpi and then stretches across the page."""
    match = _VIEWBOX.match(svg)
    if match is None:
        return svg
    width, height = (round(float(v) * _PRINT_SCALE) for v in match.groups())
    return svg.replace("<svg ", f'<svg width="{width}px" height="{height}px" ', 1)


def sized(svg: str) -> str:
    """The SVG with its print size, for a file beside a Markdown document."""
    return _sized(svg)


def write_charts(source: PlanSource, directory: Path) -> dict[str, str]:
    """Write the SVG charts into ``directory`` and return ``{name: relative path}``.

    ``directory`` is the folder beside the Markdown file (``plan-charts/`` for ``plan.md``);
    the returned paths are relative to the Markdown file's folder (``plan-charts/x.svg``), which
    is what :func:`~mognad_tui.export.markdown.render_markdown` takes as ``charts=``. Names:
    ``dimensions`` and, with ``previous``, ``change``.

    The areas' answer charts are left out: a Markdown file cannot size its images, so pandoc
    and Word put each one across the page, and eight of them added three pages to a plan
    whose appendix tables already give every statement's figures (issue 11, item 6). Each file
    carries its print size (:data:`_PRINT_SCALE`), which pandoc and browsers read.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written: dict[str, str] = {}
    svgs = chart_svgs(source, per_dimension=False)
    for name, svg in svgs.items():
        filename = _safe_name(name) + ".svg"
        (directory / filename).write_text(_sized(svg), encoding="utf-8")
        written[name] = f"{directory.name}/{filename}"
    return written


def unit_chart_svg(data: UnitChart, lang: str | None = None) -> str | None:
    """A part of the report's unit × area table as a dot chart: one row per unit, top to
    bottom in alphabetical order, one dot per area on the areas' scale (compact enough for
    :data:`~mognad_tui.export.report.UNIT_CHART_ROWS` units); ``None`` without a unit."""
    if not data.units:
        return None
    chosen = resolve_lang(lang)
    n = len(data.units)
    low, high = data.scale
    chart = pygal.XY(
        **_config(
            messages("report_chart_title", chosen),
            chosen,
            ("#2166ac", "#ef8a62", "#1b9e77", "#b2182b", "#777777", "#67a9cf"),
            stroke=False,
            dots_size=4,
            xrange=(low, high),
            range=(-0.5, n - 0.5),
            x_labels=list(range(int(low), int(high) + 1)),
            # Each unit's row by its place: the first unit on top.
            y_labels=[
                {"label": _label(name), "value": n - 1 - k}
                for k, (name, _) in enumerate(data.units)
            ],
            show_y_guides=False,
            show_x_guides=True,
            legend_at_bottom=True,
            legend_at_bottom_columns=3,
            height=140 + 16 * n,
        )
    )
    for i, title in enumerate(data.areas):
        points = [
            (scores[i], n - 1 - k) if scores[i] is not None else None
            for k, (_, scores) in enumerate(data.units)
        ]
        chart.add(_label(title), points)
    svg = chart.render()
    text = svg.decode("utf-8") if isinstance(svg, bytes) else svg
    return _clean_svg(text, UNIT_CHART)
