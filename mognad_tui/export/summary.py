"""The unit's summary: what a unit sends to its förvaltning (`export --format summary`).

Unlike the JSON export it carries no raw answers and nothing below the threshold: a hidden
item or area appears with ``shown: false`` and no figures, not even its count. An area's
figures are those of :func:`mognad_tui.results.dimension_results`, computed over the shown
items only (``items_shown``), so a hidden item cannot be recovered by subtracting the shown
items from the area. The format is documented in ``docs/summary-format.md``; a change that
breaks a reader raises ``VERSION``.
"""

from __future__ import annotations

from typing import Any

from mognad_tui.export.json_export import dimension_names, part_rankings
from mognad_tui.export.numbers import rounded
from mognad_tui.model import Kind, Need, SessionRecord
from mognad_tui.results import (
    DimensionResult,
    QuestionResult,
    is_importance,
    overview,
    plan_actions,
    plan_priorities,
)

FORMAT = "mognad-summary"
VERSION = 1


def _item(result: QuestionResult) -> dict[str, Any]:
    q = result.question
    out: dict[str, Any] = {"id": q.id, "text": q.text, "dimension": q.dimension}
    out["shown"] = result.shown
    if not result.shown:
        return out
    out.update(
        n=result.n,
        distribution=[
            {"value": c.value, "count": c.count}
            for c in result.distribution or ()
            if isinstance(c.value, int)
        ],
        dont_know=result.dont_know,
        mean=rounded(result.mean),
        median=rounded(result.median),
        spread=rounded(result.spread),
    )
    return out


def _area(d: DimensionResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        **dimension_names(d),
        "scale": list(d.scale) if d.scale else None,
        "shown": d.shown,
    }
    if not d.shown:
        return out
    shown = [r.id for r in d.items if r.shown and r.mean is not None]
    out.update(
        n=d.n,
        score=rounded(d.score),
        spread=rounded(d.spread),
        items_shown=shown,
        # Named so a reader knows the score leaves them out; their figures never appear.
        items_hidden=[r.id for r in d.items if r.id not in shown],
    )
    return out


def export_summary(record: SessionRecord, *, with_texts: bool = False) -> dict[str, Any]:
    """The unit's summary as a JSON-ready dict; ``with_texts`` adds the approved free texts."""
    ov = overview(record)
    info = record.info
    qset = record.question_set
    items = [
        ov.questions[q.id]
        for q in qset.questions
        if q.kind is Kind.SCALE and not is_importance(q) and q.id in ov.questions
    ]
    out: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "unit": {"name": info.title, "session": info.name},
        "date": info.created,
        "lang": info.lang,
        "set": {"id": qset.id, "version": qset.version, "title": qset.title},
        "threshold": ov.threshold,
        "participants": ov.participants,
        "follow_up": info.follow_up,
        "areas": [_area(d) for d in ov.dimensions],
        "ranking": part_rankings(ov),
        "items": [_item(r) for r in items],
        "needs": [n.to_dict() for n in record.needs],
        "priorities": [
            {"need": p.id, "text": p.text}
            if isinstance(p, Need)
            else {"action": p.id, "text": p.what}
            for p in plan_priorities(record)
        ],
        "actions": [a.to_dict() for a in plan_actions(record)],
        "requests": [
            {"prerequisite": n.request.value, "need": n.id, "kind": n.kind.value, "text": n.text}
            for n in record.needs
            if n.request is not None
        ],
    }
    if with_texts:
        out["texts"] = [
            {"id": r.id, "text": r.question.text, "texts": list(r.texts)}
            for r in ov.questions.values()
            if r.kind is Kind.TEXT and r.shown and r.texts
        ]
    return out
