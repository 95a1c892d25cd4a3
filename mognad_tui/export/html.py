"""The operational plan as one self-contained, printable HTML file.

The same blocks as the Markdown (:mod:`mognad_tui.export.document`), laid out by a Jinja2
template with autoescape: every text typed in the room is plain text here and Jinja escapes
it. The charts are inline SVG (pygal, no script), the styles inline, no font or script is
fetched: the file opens offline and prints on A4 with the appendix on a new page.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from mognad_tui.export.document import PLAIN, Bullets, Chart, Heading, Para, Plan, Table
from mognad_tui.export.plan import PlanSource, build_plan


@cache
def _template() -> Any:
    env = Environment(autoescape=True, trim_blocks=False, keep_trailing_newline=True)
    source = files("mognad_tui.export").joinpath("templates/plan.html").read_text("utf-8")
    return env.from_string(source)


def _widths(weights: tuple[int, ...]) -> list[str]:
    total = sum(weights) or 1
    return [f"{100 * w / total:.1f}" for w in weights]


def render_html(source: PlanSource, *, charts: dict[str, str] | None = None) -> str:
    """The plan as HTML. ``charts`` maps chart names to SVG text
    (:func:`mognad_tui.export.charts.chart_svgs`); without it the plan has no charts."""
    return render_plan_html(build_plan(source, PLAIN), charts)


def render_plan_html(plan: Plan, charts: dict[str, str] | None = None) -> str:
    """Any document built of the plan's blocks with the plain escaper (the plan, the
    förvaltning's report) as one HTML file."""
    charts = charts or {}
    blocks: list[dict[str, Any]] = []
    for b in plan.blocks:
        if isinstance(b, Heading):
            blocks.append(
                {"kind": "heading", "level": b.level, "text": b.text, "new_page": b.new_page}
            )
        elif isinstance(b, Para):
            blocks.append({"kind": "para", "text": b.text})
        elif isinstance(b, Bullets):
            blocks.append({"kind": "bullets", "lines": b.items})
        elif isinstance(b, Table):
            blocks.append(
                {
                    "kind": "table",
                    "header": b.header,
                    "rows": b.rows,
                    "right": b.right,
                    "widths": _widths(b.weights),
                }
            )
        elif isinstance(b, Chart) and b.key in charts:
            # pygal escapes the labels it draws; the SVG carries no script (charts._clean_svg).
            blocks.append({"kind": "chart", "alt": b.alt, "svg": Markup(charts[b.key])})
    return _template().render(lang=plan.lang, title=plan.title, blocks=blocks)
