"""The förvaltning's roll-up over the units' summaries (`mognad report`).

It reads only what units sent (:mod:`mognad_tui.export.summary`), never a session's answers,
so nothing below a unit's threshold can reach it: a hidden area has no figure to add. The
förvaltning's figure for an area is the mean of the shown units' area scores weighted by
their respondents; a unit whose area is hidden takes no part in it, so the total and the
shown units together say nothing about a hidden unit.

The city's stance (METHOD.md) holds: no ranking of units and no overall score per unit.
Units appear in alphabetical order everywhere, never sorted by a figure.

The report is built of the plan's blocks (:mod:`mognad_tui.export.document`) so that the
plan's renderers lay it out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from mognad_tui.export.document import MARKDOWN, Bullets, Chart, Escaper, Heading, Para, Plan, Table
from mognad_tui.export.messages import messages, plural
from mognad_tui.export.numbers import decimal, signed
from mognad_tui.export.summary import FORMAT, VERSION
from mognad_tui.i18n import format_date, resolve_lang
from mognad_tui.model import Prerequisite, clean_text

#: How far above the other units (in parts of the scale's range) a unit's area score must be,
#: and at least the scale's midpoint, for the report to name it as one others can learn from.
LEARN_MARGIN = 0.25


class SummaryError(ValueError):
    """A file that is not a usable summary; ``code`` picks the words (``why_<code>``)."""

    def __init__(self, code: str, **fields: Any) -> None:
        super().__init__(code)
        self.code = code
        self.fields = fields


_STR = (str,)
_OPT_STR = (str, type(None))
_NUMBER = (int, float)
#: The fields the report reads from each entry of a list, and the types (or the values) each
#: may hold. A summary that breaks one is refused as damaged, naming the field.
_ENTRIES: dict[str, dict[str, tuple[Any, ...]]] = {
    "areas": {"id": _STR, "title": _OPT_STR, "shown": (bool,)},
    "needs": {
        "text": _STR,
        "kind": ("competence", "change"),
        "dimension": _OPT_STR,
        "request": (None, *(p.value for p in Prerequisite)),
    },
    "actions": {
        "what": _STR,
        "owner": _OPT_STR,
        "due": _OPT_STR,
        "status": ("planned", "started", "done", "dropped"),
    },
    "requests": {"text": _STR, "prerequisite": tuple(p.value for p in Prerequisite)},
}
_SHOWN_AREA: dict[str, tuple[Any, ...]] = {"score": _NUMBER, "n": (int,), "scale": (list,)}


def _fits(value: Any, allowed: tuple[Any, ...]) -> bool:
    if all(isinstance(a, type) for a in allowed):
        if isinstance(value, bool) and bool not in allowed:
            return False
        return isinstance(value, allowed)
    return any(value == a and type(value) is type(a) for a in allowed)


def _check(data: dict[str, Any], fields: dict[str, tuple[Any, ...]], where: str) -> None:
    for key, allowed in fields.items():
        if not _fits(data.get(key), allowed):
            raise SummaryError("damaged", reason=f"{where}.{key}" if where else key)


def read_summary(data: Any) -> dict[str, Any]:
    """``data`` checked as a summary of this version; raises :class:`SummaryError`."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SummaryError("not_summary")
    if data.get("version") != VERSION:
        raise SummaryError("version", version=clean_text(str(data.get("version")), 20))
    _check(data, {"unit": (dict,), "set": (dict,), "date": _STR, "follow_up": _OPT_STR}, "")
    _check(data, {"participants": (int,)}, "")
    _check(data["unit"], {"name": _STR, "session": _OPT_STR}, "unit")
    _check(data["set"], {"id": _STR}, "set")
    if not isinstance(data["set"].get("version", ""), str | int | float):
        raise SummaryError("damaged", reason="set.version")
    try:
        dt.date.fromisoformat(data["date"][:10])
    except ValueError:
        raise SummaryError("damaged", reason="date") from None
    for key, fields in _ENTRIES.items():
        entries = data.get(key)
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise SummaryError("damaged", reason=key)
        for entry in entries:
            _check(entry, fields, key)
    for area in data["areas"]:
        if area["shown"]:
            _check(area, _SHOWN_AREA, "areas")
            scale = area["scale"]
            if len(scale) != 2 or not all(_fits(v, _NUMBER) for v in scale):
                raise SummaryError("damaged", reason="areas.scale")
    return data


def round_of(summary: dict[str, Any]) -> tuple[str, int]:
    """A round: the set id and the year of the meeting."""
    return summary["set"]["id"], int(summary["date"][:4])


@dataclass
class Unit:
    """One unit's summary in the current round, and its summary of the round before."""

    summary: dict[str, Any]
    source: str
    previous: dict[str, Any] | None = None

    @property
    def name(self) -> str:
        return str(self.summary["unit"]["name"])


@dataclass
class Rollup:
    """The inputs sorted into the current round, earlier rounds and the files left out."""

    units: list[Unit] = field(default_factory=list)
    #: The round's label when ``--round`` named it; else the round is the set id and year.
    label: str | None = None
    skipped: list[tuple[str, SummaryError]] = field(default_factory=list)
    #: Used, but on another question set than most units: only shared areas are compared.
    notes: list[tuple[str, SummaryError]] = field(default_factory=list)


#: Swedish alphabetical order: å, ä, ö come after z (code point order would put ä before å).
_SWEDISH_ORDER = str.maketrans(
    {"å": "z\x01", "ä": "z\x02", "æ": "z\x02", "ö": "z\x03", "ø": "z\x03"}
)


def _sort_key(name: str) -> str:
    return name.casefold().translate(_SWEDISH_ORDER)


def _key(summary: dict[str, Any]) -> tuple[str, str]:
    return summary["unit"]["name"].casefold(), summary["set"]["id"]


def _split_by_unit(
    summaries: Sequence[tuple[str, dict[str, Any]]],
) -> tuple[list[tuple[str, dict[str, Any]]], list[tuple[str, dict[str, Any]]]]:
    """This round and the earlier ones when ``--round`` names the round instead of the year:
    a summary is earlier when a later one links to it or the same unit (name and set id) has
    a later one; every other summary is this round's, whatever its year (a round may run
    from autumn to spring)."""
    linked = {s["follow_up"] for _, s in summaries if s.get("follow_up")}
    newest: dict[tuple[str, str], str] = {}
    for _, s in summaries:
        newest[_key(s)] = max(newest.get(_key(s), ""), s["date"])
    current, earlier = [], []
    for src, s in summaries:
        is_earlier = (s["unit"].get("session") in linked) or s["date"] < newest[_key(s)]
        (earlier if is_earlier else current).append((src, s))
    return current, earlier


def collect(summaries: Sequence[tuple[str, dict[str, Any]]], label: str | None = None) -> Rollup:
    """Sort checked summaries into units of this round, each with its latest earlier summary
    (matched by the follow-up link, else by unit name and set id). This round is the latest
    year's summaries, or with ``label`` (``--round``) every unit's latest summary."""
    out = Rollup(label=label)
    if not summaries:
        return out
    latest = max(round_of(s)[1] for _, s in summaries)
    if label is None:
        current = [(src, s) for src, s in summaries if round_of(s)[1] == latest]
        rest = [(src, s) for src, s in summaries if round_of(s)[1] < latest]
    else:
        current, rest = _split_by_unit(summaries)
    earlier = sorted(rest, key=lambda p: p[1]["date"], reverse=True)
    seen: dict[tuple[str, str], str] = {}
    for src, s in current:
        key = _key(s)
        if key in seen:
            round_label = label or f"{s['set']['id']} {latest}"
            out.skipped.append(
                (
                    src,
                    SummaryError(
                        "twice", unit=s["unit"]["name"], round=round_label, other=seen[key]
                    ),
                )
            )
            continue
        seen[key] = src
        out.units.append(Unit(s, src))
    counts: dict[str, int] = {}
    for u in out.units:
        counts[u.summary["set"]["id"]] = counts.get(u.summary["set"]["id"], 0) + 1
    main = min(counts, key=lambda k: (-counts[k], k))
    main_areas = {
        a["id"] for u in out.units if u.summary["set"]["id"] == main for a in u.summary["areas"]
    }
    for u in out.units:
        if u.summary["set"]["id"] != main:
            shared = len(main_areas & {a["id"] for a in u.summary["areas"]})
            error = SummaryError("other_set", set=str(u.summary["set"]["id"]), shared=shared)
            out.notes.append((u.source, error))
    for unit in out.units:
        s = unit.summary
        link = s.get("follow_up")
        match = next((p for _, p in earlier if link and p["unit"].get("session") == link), None)
        if match is None:
            match = next(
                (
                    p
                    for _, p in earlier
                    if p["unit"]["name"].casefold() == unit.name.casefold()
                    and p["set"]["id"] == s["set"]["id"]
                ),
                None,
            )
        unit.previous = match
    out.units.sort(key=lambda u: _sort_key(u.name))
    return out


# ---------------------------------------------------------------- figures


@dataclass(frozen=True)
class AreaTotal:
    id: str
    title: str
    scale: tuple[float, float]
    score: float | None  # the förvaltning's figure, weighted by respondents
    shown_units: int
    low: float | None
    high: float | None
    learn_from: tuple[str, ...]


def _area(summary: dict[str, Any] | None, area_id: str) -> dict[str, Any] | None:
    if summary is None:
        return None
    return next((a for a in summary["areas"] if a["id"] == area_id), None)


def _shown(summary: dict[str, Any] | None, area_id: str) -> dict[str, Any] | None:
    area = _area(summary, area_id)
    return area if area is not None and area.get("shown") else None


def _weighted(pairs: Sequence[tuple[float, int]]) -> float | None:
    total = sum(n for _, n in pairs)
    return sum(score * n for score, n in pairs) / total if total else None


def area_totals(units: Sequence[Unit], *, previous: bool = False) -> list[AreaTotal]:
    """Per area of the units' sets (first seen order): the förvaltning's figure over the
    units where the area is shown, the lowest and highest unit, and who others can learn
    from. ``previous`` computes the same over the units' earlier summaries."""
    order: dict[str, dict[str, Any]] = {}
    for u in units:
        for a in u.summary["areas"]:
            order.setdefault(a["id"], a)
    out = []
    for area_id, first in order.items():
        shown = [
            (u.name, a)
            for u in units
            if (a := _shown(u.previous if previous else u.summary, area_id)) is not None
        ]
        # A shown area's scale was checked by read_summary; a hidden one's is not used.
        scale = tuple(shown[0][1]["scale"]) if shown else (1, 5)
        pairs = [(a["score"], a["n"]) for _, a in shown]
        score = _weighted(pairs)
        scores = [a["score"] for _, a in shown]
        lo, hi = float(scale[0]), float(scale[1])
        midpoint = (lo + hi) / 2
        learn = []
        for name, a in shown:
            # Only a unit above the midpoint can be learnt from: the others' figure (every
            # unit against all the rest, 200 × 200 per area) is computed for those alone.
            if a["score"] < midpoint:
                continue
            others = _weighted(
                [pair for (other, _), pair in zip(shown, pairs, strict=True) if other != name]
            )
            if (
                others is not None
                and others < midpoint
                and a["score"] - others >= LEARN_MARGIN * (hi - lo)
            ):
                learn.append(name)
        out.append(
            AreaTotal(
                id=area_id,
                title=str(first.get("title") or area_id),
                scale=(lo, hi),
                score=score,
                shown_units=len(shown),
                low=min(scores) if scores else None,
                high=max(scores) if scores else None,
                learn_from=tuple(learn),
            )
        )
    return out


#: The unit × area chart's name among the report's charts (``Chart.key``, file name), and
#: how many units one chart holds: a Word picture must fit a page, so 200 units are 4 charts.
UNIT_CHART = "units"
UNIT_CHART_ROWS = 50


@dataclass(frozen=True)
class UnitChart:
    """The unit × area table as a chart's data: units in alphabetical order, one score or
    ``None`` ("för få svar", or the area not in the unit's set) per area; the units with no
    shown area are left out and named in the caption. No ranking: never sorted by a figure."""

    areas: tuple[str, ...]
    scale: tuple[float, float]
    units: tuple[tuple[str, tuple[float | None, ...]], ...]
    left_out: tuple[str, ...]

    def parts(self) -> list[tuple[str, UnitChart]]:
        """The chart in parts of :data:`UNIT_CHART_ROWS` units by name (``units-1``, ...)."""
        return [
            (
                f"{UNIT_CHART}-{i // UNIT_CHART_ROWS + 1}",
                replace(self, units=self.units[i : i + UNIT_CHART_ROWS]),
            )
            for i in range(0, len(self.units), UNIT_CHART_ROWS)
        ]


def unit_chart(units: Sequence[Unit], totals: Sequence[AreaTotal]) -> UnitChart:
    """What the charts of the unit × area table draw (SVG and PNG alike)."""
    rows, left_out = [], []
    for u in units:
        scores = tuple(
            a["score"] if (a := _shown(u.summary, t.id)) is not None else None for t in totals
        )
        if any(v is not None for v in scores):
            rows.append((u.name, scores))
        else:
            left_out.append(u.name)
    scale = next((t.scale for t in totals if t.score is not None), (1.0, 5.0))
    return UnitChart(tuple(t.title for t in totals), scale, tuple(rows), tuple(left_out))


def _overdue(action: dict[str, Any], today: dt.date) -> bool:
    if action.get("status") == "done":
        return False
    try:
        return dt.date.fromisoformat(str(action.get("due") or "")[:10]) < today
    except ValueError:
        return False


# ---------------------------------------------------------------- blocks


class _Column(NamedTuple):
    """A column of one of the report's fixed tables."""

    key: str  # the header's message key
    weight: int  # its width relative to the others
    right: bool = False  # figures, aligned right


_AREA_COLUMNS = (
    _Column("col_dimension", 4),
    _Column("report_col_forvaltning", 2, right=True),
    _Column("report_col_units", 2, right=True),
    _Column("report_col_range", 2, right=True),
    _Column("report_col_learn", 4),
)
_ACTION_COLUMNS = (
    _Column("col_action", 6),
    _Column("col_owner", 3),
    _Column("col_due", 2),
    _Column("col_status", 2),
)
_CHANGE_COLUMNS = (
    _Column("report_col_unit", 4),
    _Column("col_dimension", 4),
    _Column("col_before", 2, right=True),
    _Column("col_after", 2, right=True),
    _Column("col_delta", 2, right=True),
)


def _table(columns: Sequence[_Column], rows: list[tuple[str, ...]], lang: str) -> Table:
    return Table(
        header=tuple(messages(c.key, lang) for c in columns),
        rows=tuple(rows),
        right=frozenset(i for i, c in enumerate(columns) if c.right),
        weights=tuple(c.weight for c in columns),
    )


def build_report(
    rollup: Rollup,
    *,
    lang: str | None = None,
    esc: Escaper = MARKDOWN,
    today: dt.date | None = None,
    chart: UnitChart | None = None,
) -> Plan:
    """The förvaltning's report as the plan's blocks, in ``lang`` (Swedish by default);
    ``chart`` (:func:`unit_chart`, made once by the caller, which also draws it) adds its
    place below the unit × area table."""
    lang = resolve_lang(lang)
    today = today or dt.date.today()

    def m(key: str, **kw: Any) -> str:
        return messages(key, lang, **kw)

    def quoted(
        lead: str, named: list[tuple[str, dict[str, Any]]], **fields: Any
    ) -> tuple[str, str]:
        """A bullet of what units asked for alike: the lead (``lead`` with ``fields``) says how
        many units stand behind it, then each one's own words, named by its unit."""
        behind = len({name for name, _ in named})
        words = "; ".join(
            m("report_quote", text=esc.inline(entry.get("text", "")), unit=esc.inline(name))
            for name, entry in named
        )
        return m(lead, units=plural("units", behind, lang), **fields), words

    units = rollup.units
    plan = Plan(lang=lang, title=m("report_title"))
    b = plan.blocks
    b.append(Heading(1, m("report_title")))
    dates = sorted(u.summary["date"] for u in units)
    b.append(
        Para(
            m(
                "report_byline" if dates[0] != dates[-1] else "report_byline_one_day",
                units=plural("units", len(units), lang),
                first=format_date(dates[0], lang),
                last=format_date(dates[-1], lang),
            )
        )
    )
    if rollup.label is not None:
        b.append(Para(m("report_round", label=esc.inline(clean_text(rollup.label, 80)))))
    b.append(Para(m("report_stance")))

    # What the förvaltning needs to do, first.
    b.append(Heading(2, m("report_todo_h")))
    b.append(Heading(3, m("report_requests_h")))
    requests: list[tuple[str, str]] = []
    for prerequisite in Prerequisite:
        asked = [
            (u.name, r)
            for u in units
            for r in u.summary["requests"]
            if r.get("prerequisite") == prerequisite.value
        ]
        if not asked:
            continue
        requests.append(
            quoted("report_request_lead", asked, prerequisite=m(f"request_{prerequisite.value}"))
        )
    b.append(Bullets(tuple(requests)) if requests else Para(m("report_no_requests")))

    b.append(Heading(3, m("report_needs_h")))
    titles = {a["id"]: a.get("title") or a["id"] for u in units for a in u.summary["areas"]}
    groups: dict[tuple[str, str], list[tuple[str, dict[str, Any]]]] = {}
    for u in units:
        for need in u.summary["needs"]:
            if need.get("request"):
                continue  # listed with the requests
            key = (str(need.get("dimension") or ""), str(need.get("kind") or "change"))
            groups.setdefault(key, []).append((u.name, need))
    area_order = {a: i for i, a in enumerate(titles)}
    needs: list[tuple[str, str]] = []
    for (area, kind), named in sorted(
        groups.items(), key=lambda kv: (area_order.get(kv[0][0], len(area_order)), kv[0][1])
    ):
        shown_area = esc.inline(titles.get(area, area)) if area else m("report_no_area")
        known = kind if kind in ("competence", "change") else "change"
        needs.append(
            quoted("report_need_lead", named, area=shown_area, kind=m(f"report_kind_{known}"))
        )
    b.append(Bullets(tuple(needs)) if needs else Para(m("report_no_needs")))

    # Per area: the förvaltning's figure, the spread between units, who others can learn from.
    totals = area_totals(units)
    b.append(Heading(2, m("report_areas_h")))
    b.append(Para(m("report_areas_note")))
    rows = []
    for t in totals:
        rows.append(
            (
                esc.inline(t.title),
                decimal(t.score, lang) if t.score is not None else m("report_too_few"),
                m("report_units_of", shown=t.shown_units, total=len(units)),
                f"{decimal(t.low, lang)}–{decimal(t.high, lang)}" if t.low is not None else "–",
                ", ".join(esc.inline(n) for n in t.learn_from) or "–",
            )
        )
    b.append(_table(_AREA_COLUMNS, rows, lang))

    # Units × areas, alphabetical, "för få svar" where hidden.
    b.append(Heading(2, m("report_units_h")))
    b.append(Para(m("report_units_note")))
    header = (m("report_col_unit"), m("col_n"), *(esc.inline(t.title) for t in totals))
    table_rows = []
    for u in units:
        cells = []
        for t in totals:
            area = _area(u.summary, t.id)
            if area is None:
                cells.append("–")
            elif area.get("shown"):
                cells.append(decimal(area["score"], lang))
            else:
                cells.append(m("report_too_few"))
        table_rows.append((esc.inline(u.name), str(u.summary.get("participants", "")), *cells))
    b.append(
        Table(
            header=header,
            rows=tuple(table_rows),
            right=frozenset(range(1, len(header))),
            weights=(4, 1, *(2 for _ in totals)),
        )
    )
    if chart is not None:
        data = chart
        parts = data.parts()
        for i, (key, _) in enumerate(parts, 1):
            alt = m("report_chart_alt")
            b.append(Chart(key, alt if len(parts) == 1 else f"{alt} ({i}/{len(parts)})"))
        if data.left_out:
            left_out = ", ".join(esc.inline(n) for n in data.left_out)
            b.append(Para(m("report_chart_left_out", units=left_out)))

    # Every unit's action items.
    b.append(Heading(2, m("actions_h")))
    any_action = False
    for u in units:
        actions = [a for a in u.summary["actions"] if a.get("status") != "dropped"]
        if not actions:
            continue
        any_action = True
        b.append(Heading(3, esc.heading(u.name)))
        arows = []
        for a in actions:
            status = m(f"status_{a.get('status', 'planned')}")
            if _overdue(a, today):
                status = m("report_overdue", status=status)
            due = str(a.get("due") or "")
            arows.append(
                (
                    esc.inline(a.get("what", "")),
                    esc.inline(a.get("owner", "")) or "–",
                    format_date(due, lang) if _is_date(due) else "–",
                    status,
                )
            )
        b.append(_table(_ACTION_COLUMNS, arows, lang))
    if not any_action:
        b.append(Para(m("report_no_actions")))

    # Change since the last round, where earlier summaries are among the inputs.
    followed = [u for u in units if u.previous is not None]
    if followed:
        b.append(Heading(2, m("report_change_h")))
        before = {t.id: t for t in area_totals(followed, previous=True)}
        after = {t.id: t for t in area_totals(followed)}
        b.append(Para(m("report_change_note", n=len(followed))))
        crows = []
        for t in totals:
            x, y = before.get(t.id), after.get(t.id)
            if x is None or y is None:
                continue
            delta = y.score - x.score if x.score is not None and y.score is not None else None
            crows.append(
                (
                    m("report_forvaltning"),
                    esc.inline(t.title),
                    decimal(x.score, lang),
                    decimal(y.score, lang),
                    signed(delta, lang),
                )
            )
        for u in followed:
            for t in totals:
                x, y = _shown(u.previous, t.id), _shown(u.summary, t.id)
                if x is None and y is None:
                    continue
                delta = y["score"] - x["score"] if x is not None and y is not None else None
                crows.append(
                    (
                        esc.inline(u.name),
                        esc.inline(t.title),
                        decimal(x["score"], lang) if x else m("report_too_few"),
                        decimal(y["score"], lang) if y else m("report_too_few"),
                        signed(delta, lang),
                    )
                )
        b.append(_table(_CHANGE_COLUMNS, crows, lang))

    # About the data: which sets, which files were left out.
    b.append(Heading(2, m("report_about_h")))
    sets = sorted(
        {f"{u.summary['set']['id']} {u.summary['set'].get('version', '')}".strip() for u in units}
    )
    b.append(Para(m("report_about", sets=", ".join(esc.inline(s) for s in sets))))
    names = {u.source: u.name for u in units}
    for source, note in rollup.notes:
        unit_name = esc.inline(names.get(source, source))
        other = esc.inline(note.fields["set"])
        b.append(
            Para(m("report_other_set", unit=unit_name, set=other, shared=note.fields["shared"]))
        )
    return plan


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text[:10])
    except ValueError:
        return False
    return bool(text)
