"""The operational plan as Markdown, from its blocks (:mod:`mognad_tui.export.document`).

Every text typed in the room goes through :mod:`mognad_tui.export.escape` (the plan is built
with the Markdown escaper), so it cannot become markup. The output passes markdownlint
(pymarkdownlnt) apart from line length: tables and notes are single long lines by nature.

Tables survive conversion to Word: pandoc sets a pipe table's relative column widths from the
dashes of its separator row when a line is longer than ``--columns``, so the dashes are
written in proportion to the plan's column weights (the statement column gets the most).
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

from mognad_tui.export import escape
from mognad_tui.export.document import MARKDOWN, Block, Bullets, Chart, Heading, Para, Table
from mognad_tui.export.plan import PlanSource, build_plan, sparkline

__all__ = ["render_blocks", "render_markdown", "sparkline"]

#: Dashes per unit of column weight in a table's separator row (pandoc reads the proportion).
_DASHES = 4


def _line(cells: Sequence[str]) -> str:
    # markdownlint's "compact" table style (MD060): one space around each cell, an empty cell
    # is a single space.
    return "|" + "|".join(f" {c} " if c else " " for c in cells) + "|"


def _table(table: Table) -> str:
    rule = []
    for i, weight in enumerate(table.weights):
        dashes = "-" * max(3, weight * _DASHES)
        rule.append(dashes[:-1] + ":" if i in table.right else dashes)
    body = [_line(table.header), _line(rule), *(_line(r) for r in table.rows)]
    return "\n".join(body)


def _block(block: Block, charts: dict[str, str]) -> str:
    if isinstance(block, Heading):
        return "#" * block.level + " " + block.text
    if isinstance(block, Para):
        return block.text
    if isinstance(block, Bullets):
        return "\n".join(
            f"- **{lead}** {text}" if lead else f"- {text}" for lead, text in block.items
        )
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Chart):
        if block.key not in charts:
            return ""
        return f"![{escape.inline(block.alt)}]({quote(charts[block.key], safe='/._-')})"
    raise TypeError(block)  # pragma: no cover - every block kind is handled above


def render_markdown(source: PlanSource, *, charts: dict[str, str] | None = None) -> str:
    """The operational-plan document of a session.

    ``charts`` maps chart names (``dimensions``, ``dimension-<id>``, ``change``) to paths
    relative to the Markdown file, as :func:`mognad_tui.export.charts.write_charts` returns.
    """
    plan = build_plan(source, MARKDOWN)
    return render_blocks(plan.blocks, charts)


def render_blocks(blocks: Sequence[Block], charts: dict[str, str] | None = None) -> str:
    """Any document built of the plan's blocks (the plan, the förvaltning's report)."""
    parts = (_block(b, charts or {}).rstrip() for b in blocks)
    return "\n\n".join(p for p in parts if p) + "\n"
