"""The JSON export: the whole session as data, for scripts and for next year's comparison.

Contract (ARCHITECTURE.md): ``questions`` is a list of objects with at least ``id``, ``kind``,
``text`` and ``answers``, the raw anonymous answer values, one per device that answered, in no
particular order. They are there even below the threshold: the facilitator's administration
owns the data, and a script that checks the export must find every answer; such a question
has ``below_threshold: true`` (fewer answered than the threshold, so its raw answers may be
traced to people and must not be shared). The *figures*
follow the threshold like every other view: below it a question has ``shown: false`` and no
figures at all. Nothing identifies a device or a person: no join code, no token, no time.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from mognad_tui.export.numbers import rounded
from mognad_tui.model import Question, SessionRecord
from mognad_tui.results import (
    DimensionResult,
    Overview,
    QuestionResult,
    importance_result,
    is_importance,
    overview,
    raw_answers,
    raw_below_threshold,
)

SCHEMA = 1


def figures(result: QuestionResult) -> dict[str, Any]:
    """The figures of one question as plain data; only ``n`` and ``shown`` when hidden."""
    out: dict[str, Any] = {"n": result.n, "shown": result.shown, "threshold": result.threshold}
    if result.held:  # the figures shown before: newer answers would single people out
        out["held"] = True
    if not result.shown:
        return out
    if result.distribution is not None:
        out["distribution"] = [
            {"value": c.value, "label": c.label, "count": c.count, "share": rounded(c.share)}
            for c in result.distribution
        ]
    for name in ("dont_know", "valued"):
        value = getattr(result, name)
        if value is not None:
            out[name] = value
    for name in ("median", "mean", "spread", "disagreement"):
        value = getattr(result, name)
        if value is not None:
            out[name] = rounded(value)
    if result.disagrees is not None:
        out["disagrees"] = result.disagrees
    if result.all_alike is not None:
        out["all_alike"] = result.all_alike
    if result.texts is not None:
        out["approved_texts"] = list(result.texts)
    return out


def _question(record: SessionRecord, q: Question, result: QuestionResult) -> dict[str, Any]:
    step = record.question_set.step_of(q.id)
    out: dict[str, Any] = {
        "id": q.id,
        "kind": q.kind.value,
        "text": q.text,
        "step": step.number if step else None,
        "dimension": q.dimension,
        "importance_of": q.importance_of,
        "options": [{"value": o.value, "label": o.label} for o in q.options],
        "answers": raw_answers(record, q),
        "below_threshold": raw_below_threshold(record, q),
        "tally": dict(record.tallies.get(q.id) or {}),
    }
    if q.dots:
        out["dots"] = q.dots
    out.update(figures(result))
    if q.kind.value == "scale" and not is_importance(q):
        importance = importance_result(record, q.id)
        if importance is not None:
            out["importance"] = {"n": importance.n, "shown": importance.shown}
            if importance.shown:
                out["importance"].update(
                    low=importance.low,
                    medium=importance.medium,
                    high=importance.high,
                    weight=rounded(importance.weight),
                    important=importance.important,
                )
    return out


def dimension_names(d: DimensionResult) -> dict[str, Any]:
    """How a data export names a dimension, the same in the JSON export and the summary."""
    return {"id": d.id, "title": d.title, "part": d.dimension.part}


def part_rankings(ov: Overview) -> list[dict[str, Any]]:
    """The strongest and weakest areas within each part, the same in the JSON export and the
    summary: a practice score is never ranked against an agreement score."""
    return [
        {
            "part": r.part,
            "strongest": [d.id for d in r.strongest],
            "weakest": [d.id for d in r.weakest],
        }
        for r in ov.ranking
    ]


def _dimension(d: DimensionResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        **dimension_names(d),
        "items": [r.id for r in d.items],
        "n": d.n,
        "shown": d.shown,
    }
    if d.shown:
        out.update(
            score=rounded(d.score),
            spread=rounded(d.spread),
            disagreement=rounded(d.disagreement),
            histogram=list(d.histogram or ()),
            scale=list(d.scale) if d.scale else None,
        )
    return out


def _summary(ov: Overview) -> dict[str, Any]:
    out: dict[str, Any] = {
        "participants": ov.participants,
        "strongest": [d.id for d in ov.strongest],
        "weakest": [d.id for d in ov.weakest],
        "ranking": part_rankings(ov),
        "disagreements": [r.id for r in ov.disagreements],
        "gaps": [{"id": g.item.id, "priority": rounded(g.priority)} for g in ov.gaps],
        "weakest_items": [r.id for r in ov.weakest_items],
        "priorities": [a.id for a in ov.priorities],
    }
    if ov.comparison is not None:
        c = ov.comparison
        out["change"] = {
            "previous": {"name": c.previous_name, "created": c.previous_created},
            "dimensions": [vars(x) for x in c.dimensions],
            "items": [vars(x) for x in c.items],
            "previous_actions": [a.to_dict() for a in c.previous_actions],
            # Another version of the set: only shared ids are compared; these are the others.
            "new_items": [q.id for q in c.new_items],
            "dropped_items": [q.id for q in c.dropped_items],
        }
    return out


_NON_ASCII = re.compile("[^\x00-\x7e]")


def _escape_control(match: re.Match[str]) -> str:
    char = match.group()
    # Category C, as clean_text judges it; json.dumps gives the right escape (pairs included).
    return json.dumps(char)[1:-1] if unicodedata.category(char).startswith("C") else char


def to_text(data: dict[str, Any]) -> str:
    """The export as JSON text, readable (å, ä, ö as they are) and safe to print on a terminal.

    ``ensure_ascii=False`` escapes only U+0000-U+001F: a raw answer or a note in an edited
    session folder may also hold a C1 control or a bidi override. Those are written as
    ``\\uXXXX`` escapes, so the parsed values stay exactly what the session holds.
    """
    return _NON_ASCII.sub(_escape_control, json.dumps(data, ensure_ascii=False, indent=2))


def export_json(record: SessionRecord, previous: SessionRecord | None = None) -> dict[str, Any]:
    """The session as a JSON-ready dict (``json.dumps(..., ensure_ascii=False)`` it).

    ``previous`` adds ``summary.change``. The join code and anything secret stay out.
    """
    ov = overview(record, previous)
    info = record.info
    qset = record.question_set
    return {
        "schema": SCHEMA,
        "session": {
            "name": info.name,
            "title": info.title,
            "created": info.created,
            "lang": info.lang,
            "threshold": ov.threshold,
            "follow_up": info.follow_up,
            # The plan it was made for (`mognad new --minutes/--meetings`).
            "minutes": info.minutes,
            "meetings": info.meetings,
            "set": {"id": qset.id, "version": qset.version, "title": qset.title},
            # `mognad close` deleted every raw answer and free text: `answers` lists are empty
            # and the figures are the ones the plan showed when the session was closed.
            "raw_answers_deleted": record.closed,
        },
        "questions": [_question(record, q, ov.questions[q.id]) for q in qset.questions],
        "polls": [_question(record, q, ov.questions[q.id]) for q in record.polls],
        "dimensions": [_dimension(d) for d in ov.dimensions],
        "summary": _summary(ov),
        "notes": [
            {
                "item": item_id,
                "step": step.number if (step := qset.step_of(item_id)) else None,
                "prompt": item.text if (item := qset.item(item_id)) else None,
                "text": text,
            }
            for item_id, text in record.notes.items()
            if text
        ],
        "needs": [n.to_dict() for n in record.needs],
        "actions": [a.to_dict() for a in record.actions],
    }
