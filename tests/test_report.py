"""The förvaltning's roll-up (`mognad report`): what it needs to do, areas, units, privacy."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))

from fixtures_sessions import VALUES, scale_question, tiny_record
from test_cli import _answer, mognad, no_traceback
from test_export_markdown import _mutate_hidden, lint

from mognad_tui.export.markdown import render_blocks
from mognad_tui.export.report import build_report, collect
from mognad_tui.export.summary import export_summary
from mognad_tui.model import (
    ActionItem,
    ActionStatus,
    Dimension,
    Need,
    NeedKind,
    Prerequisite,
    SessionRecord,
)

GOLDEN = Path(__file__).parent / "golden"
TODAY = dt.date(2026, 12, 1)
DIMS = (Dimension("d1", "Vardagen", "A"), Dimension("d2", "Säkerhet", "A"))
QUESTIONS = [scale_question(f"{d.id}.{i}", d.id) for d in DIMS for i in (1, 2)]


def unit(
    title: str,
    answers: dict[str, list],
    *,
    created: str = "2026-11-26",
    name: str | None = None,
    follow_up: str | None = None,
    needs: list[Need] | None = None,
    actions: list[ActionItem] | None = None,
) -> SessionRecord:
    record = tiny_record(QUESTIONS, answers, dimensions=DIMS, name=name or title.lower())
    info = replace(record.info, title=title, created=created, follow_up=follow_up)
    return replace(record, info=info, needs=list(needs or []), actions=list(actions or []))


def forvaltning() -> list[SessionRecord]:
    """Four units, one below the threshold, one with last year's summary (five records)."""
    return [
        unit(
            "Äldreomsorg Norr",
            {"d1.1": [2, 2, 3], "d1.2": [2, 1, 2], "d2.1": [1, 2, 2, 2], "d2.2": [2, 2, 1]},
            needs=[
                Need("n1", NeedKind.COMPETENCE, "Lära oss Teams", "d1", rank=1),
                Need("n2", NeedKind.CHANGE, "Fler surfplattor", request=Prerequisite.ECONOMY),
                Need("n3", NeedKind.CHANGE, "Bättre wifi", request=Prerequisite.INFRASTRUCTURE),
            ],
            actions=[ActionItem("a1", "Beställ plattor", owner="Bo", due="2026-02-01")],
        ),
        unit(
            "Barn och skola",
            {"d1.1": [4, 5, 4, 5], "d1.2": [4, 4, 5], "d2.1": [3, 3, 4], "d2.2": [1]},
            needs=[
                Need("n1", NeedKind.COMPETENCE, "Kurs i delade dokument", "d1", rank=1),
                Need(
                    "n2",
                    NeedKind.CHANGE,
                    "Wifi i *alla* lokaler",
                    request=Prerequisite.INFRASTRUCTURE,
                ),
            ],
            actions=[
                ActionItem(
                    "a1",
                    "Workshop om OneDrive",
                    owner="Anna",
                    due="2026-01-15",
                    status=ActionStatus.DONE,
                )
            ],
        ),
        unit("IT-stöd", {"d1.1": [5, 5], "d1.2": [5], "d2.1": [4, 5]}),
        unit(
            "Ekonomi",
            {"d1.1": [3, 3, 4], "d1.2": [3, 4, 4], "d2.1": [3, 3, 3], "d2.2": [3, 4, 3]},
            name="ekonomi-2026",
            follow_up="ekonomi-2025",
            needs=[Need("n1", NeedKind.CHANGE, "Tydligare mål", request=Prerequisite.STRATEGY)],
            actions=[ActionItem("a1", "Rutin för attest", owner="Cia", due="2027-03-01")],
        ),
        unit(
            "Ekonomi",
            {"d1.1": [2, 3, 3], "d1.2": [2, 2, 3], "d2.1": [2, 3, 3], "d2.2": [3, 3, 2]},
            created="2025-11-20",
            name="ekonomi-2025",
        ),
    ]


def report(records: list[SessionRecord], lang: str = "sv") -> str:
    summaries = [(r.info.name + ".json", export_summary(r)) for r in records]
    return render_blocks(build_report(collect(summaries), lang=lang, today=TODAY).blocks)


def test_requests_first_grouped_by_prerequisite_with_the_units_behind_each() -> None:
    text = report(forvaltning())
    todo = text.index("Det här behöver förvaltningen göra")
    assert todo < text.index("## Områden") < text.index("## Enheter och områden")
    assert "**Infrastruktur (2 enheter):**" in text
    assert "**Ekonomi (1 enhet):**" in text and "**Strategi (1 enhet):**" in text
    # Their own words, escaped for Markdown, with the unit named.
    assert "”Wifi i \\*alla\\* lokaler” (Barn och skola)" in text
    # Needs grouped by area and kind, not by guessing at meaning.
    assert "**Vardagen, kompetens (2 enheter):**" in text


def test_a_unit_that_asks_twice_counts_once_behind_a_request_or_a_need() -> None:
    # "How many units stand behind it" counts units, not lines: IT-stöd names two
    # infrastructure requests and two security competence needs, and is one unit each time.
    records = forvaltning()
    records[2] = replace(
        records[2],
        needs=[
            Need("x1", NeedKind.CHANGE, "Snabbare nät", request=Prerequisite.INFRASTRUCTURE),
            Need("x2", NeedKind.CHANGE, "Wifi i källaren", request=Prerequisite.INFRASTRUCTURE),
            Need("x3", NeedKind.COMPETENCE, "Kurs i lösenord", "d2"),
            Need("x4", NeedKind.COMPETENCE, "Kurs i phishing", "d2"),
        ],
    )
    text = report(records)
    assert "**Infrastruktur (3 enheter):**" in text
    assert "”Snabbare nät” (IT-stöd); ”Wifi i källaren” (IT-stöd)" in text
    assert "**Säkerhet, kompetens (1 enhet):**" in text


def test_forvaltning_figure_is_weighted_by_respondents_over_shown_units_only() -> None:
    records = forvaltning()
    text = report(records)
    # d1 (Vardagen): Äldre 3 answers, score mean(7/3, 5/3) = 2.0; Barn n 4, (4.5 + 13/3)/2;
    # Ekonomi n 3, (10/3 + 11/3)/2 = 3.5. IT-stöd is below the threshold: left out.
    barn = (4.5 + 13 / 3) / 2
    expected = (3 * 2.0 + 4 * barn + 3 * 3.5) / 10
    row = next(line for line in text.splitlines() if line.startswith("| Vardagen"))
    assert f"| {expected:.1f}".replace(".", ",") in row and "3 av 4" in row
    assert "2,0–4,4" in row


def test_units_in_swedish_alphabetical_order_too_few_where_hidden() -> None:
    text = report(forvaltning())
    table = text[text.index("## Enheter och områden") : text.index("## Åtgärder")]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line]
    names = [r.split("|")[1].strip() for r in rows[1:]]
    assert names == ["Barn och skola", "Ekonomi", "IT-stöd", "Äldreomsorg Norr"]
    assert rows[3].count("för få svar") == 2
    # Never an overall figure per unit, never a ranking word.
    assert "rang" not in text.replace("rangordnar inte", "")


def test_actions_with_owner_and_due_overdue_and_done_marked() -> None:
    text = report(forvaltning())
    assert "| Beställ plattor | Bo | 1 februari 2026 | Planerad, försenad |" in text
    assert "| Workshop om OneDrive | Anna | 15 januari 2026 | Klar |" in text
    assert "| Rutin för attest | Cia | 1 mars 2027 | Planerad |" in text


def test_change_since_the_last_round_per_unit_and_for_the_forvaltning() -> None:
    text = report(forvaltning())
    change = text[text.index("## Förändring sedan förra omgången") :]
    assert "| Ekonomi | Vardagen | 2,5 | 3,5 | +1,0 |" in change
    assert "| Förvaltningen | Vardagen | 2,5 | 3,5 | +1,0 |" in change
    # Last year's summary is matched, not counted as a fifth unit.
    assert "4 enheter" in text and "5 enheter" not in text
    without = report(forvaltning()[:-1])
    assert "Förändring sedan förra omgången" not in without


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_golden_report(lang: str) -> None:
    text = report(forvaltning(), lang)
    golden = GOLDEN / f"report.{lang}.md"
    if os.environ.get("MOGNAD_REGENERATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_report_is_clean_markdown_even_with_hostile_names(lang: str) -> None:
    records = forvaltning()
    hostile = "Enhet | [klicka](http://x.example) <b>"
    records[2] = replace(records[2], info=replace(records[2].info, title=hostile))
    records[0] = replace(
        records[0],
        actions=[ActionItem("a1", "# rubrik | ![bild](http://x.example/a.png)", owner="*Bo*")],
    )
    text = report(records, lang)
    assert lint(text) == []
    assert "](http://x.example" not in text and "<b>" not in text
    # Every row of every table keeps its columns: a "|" in a name is escaped.
    tables: list[list[str]] = [[]]
    for line in text.splitlines():
        if line.startswith("|"):
            tables[-1].append(line.replace("\\|", ""))
        elif tables[-1]:
            tables.append([])
    for rows in filter(None, tables):
        assert {r.count("|") for r in rows} == {rows[0].count("|")}, rows


# ---------------------------------------------------------------- item 4: a hidden unit


@st.composite
def _units(draw: Any) -> list[SessionRecord]:
    """Two to four units, some of whose items or whole surveys are below the threshold."""
    out = []
    for i in range(draw(st.integers(2, 4))):
        answers = {q.id: draw(st.lists(VALUES, max_size=6)) for q in QUESTIONS}
        out.append(unit(f"Enhet {i}", answers))
    return out


@settings(max_examples=50, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(_units(), st.data())
def test_a_hidden_unit_cannot_be_recovered_from_the_totals(records: Any, data: Any) -> None:
    """Whatever a unit answered below its threshold, the report reads the same: the
    förvaltning's totals and the shown units hold nothing of it to subtract."""
    others = [_mutate_hidden(r, data) for r in records]
    assert report(records) == report(others)


# ---------------------------------------------------------------- the command


def _write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_report_command_names_what_it_cannot_use_and_why(tmp_path: Path) -> None:
    records = forvaltning()
    folder = tmp_path / "in"
    folder.mkdir()
    for r in records:
        _write(folder / f"{r.info.name}.json", export_summary(r))
    (tmp_path / "trasig.json").write_text("{nej", encoding="utf-8")
    _write(tmp_path / "v9.json", {**export_summary(records[0]), "version": 9})
    _write(tmp_path / "annan.json", {"format": "mognad-summary", "version": 1, "unit": 3})
    _write(tmp_path / "twice.json", export_summary(records[1]))
    out = tmp_path / "rapport.md"
    args = [str(folder), str(tmp_path / "trasig.json"), str(tmp_path / "v9.json")]
    args += [str(tmp_path / "annan.json"), str(tmp_path / "twice.json"), str(tmp_path / "nix")]
    done = mognad("report", *args, "-o", str(out))
    assert done.returncode == 0 and no_traceback(done), done.stderr
    err = done.stderr
    assert "trasig.json: inte en läsbar JSON-fil" in err
    assert "v9.json: okänd version 9" in err
    assert "annan.json: sammanfattningen är skadad (unit)" in err
    assert "twice.json: samma enhet (Barn och skola) två gånger i samma omgång (tiny 2026)" in err
    assert "nix: finns inte" in err
    text = out.read_text(encoding="utf-8")
    assert "Barn och skola" in text and "Äldreomsorg Norr" in text
    nothing = mognad("report", str(tmp_path / "trasig.json"), "--lang", "en")
    assert nothing.returncode == 1 and no_traceback(nothing)
    assert "None of the files could be used" in nothing.stderr
    assert "not a readable JSON file" in nothing.stderr


def test_report_has_help() -> None:
    result = mognad("report", "--help")
    assert result.returncode == 0 and no_traceback(result)
    assert "förvaltning" in result.stdout and "--format" in result.stdout


def test_report_reads_a_session_by_name(tmp_path: Path) -> None:
    data = tmp_path / "d"
    assert mognad("new", "--name", "Enhet Nord", "--data-dir", str(data)).returncode == 0
    _answer(data, "enhet-nord", "a-hitta-information", [2, 3, 4, 4])
    done = mognad("report", "enhet-nord", "--data-dir", str(data), "--lang", "en")
    assert done.returncode == 0 and no_traceback(done), done.stderr
    assert "Enhet Nord" in done.stdout and "too few answers" in done.stdout


def test_another_question_set_is_used_on_the_shared_areas_and_said_so() -> None:
    records = forvaltning()
    other = export_summary(records[1])
    other["set"] = {**other["set"], "id": "annat-set"}
    other["areas"] = other["areas"][:1]
    summaries = [(r.info.name, export_summary(r)) for r in records if r is not records[1]]
    rollup = collect([*summaries, ("barn.json", other)])
    assert [(src, e.code, e.fields) for src, e in rollup.notes] == [
        ("barn.json", "other_set", {"set": "annat-set", "shared": 1})
    ]
    text = render_blocks(build_report(rollup, today=TODAY).blocks)
    assert "Barn och skola svarade på ett annat frågeset (annat-set)" in text
    assert "bara de 1 områden" in text


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, (*prefix, i))
    return out


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.data())
def test_a_damaged_summary_is_refused_or_reported_never_a_crash(data: Any) -> None:
    from mognad_tui.export.report import SummaryError, read_summary

    records = forvaltning()
    summary = json.loads(json.dumps(export_summary(records[0])))
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(_paths(summary)[1:]))
        target = summary
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = data.draw(_JSON)
    try:
        checked = read_summary(summary)
    except SummaryError:
        return
    good = [(r.info.name, export_summary(r)) for r in records[1:]]
    text = render_blocks(build_report(collect([("x.json", checked), *good]), today=TODAY).blocks)
    assert "Barn och skola" in text


@pytest.mark.parametrize("which", [0, 2])  # a unit with every area shown; one below
def test_every_field_of_a_summary_damaged_in_turn_is_refused_or_reported(which: int) -> None:
    """Each field set to each wrong kind of value, one at a time: never a crash."""
    from mognad_tui.export.report import SummaryError, read_summary

    records = forvaltning()
    good = [(r.info.name, export_summary(r)) for i, r in enumerate(records) if i != which]
    original = json.dumps(export_summary(records[which]))
    for path in _paths(json.loads(original))[1:]:
        for bad in (None, 7, 2.5, True, "x", "", [], {}, [1], {"a": 1}):
            summary = json.loads(original)
            target = summary
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = bad
            try:
                checked = read_summary(summary)
            except SummaryError:
                continue
            for inputs in ([("x.json", checked)], [("x.json", checked), *good]):
                render_blocks(build_report(collect(inputs), today=TODAY).blocks)


def test_report_as_html_and_word_from_the_same_blocks(tmp_path: Path) -> None:
    from docx import Document

    records = forvaltning()
    hostile = "Enhet <script>alert(1)</script> & \u202eR\x07"
    shown = "Enhet <script>alert(1)</script> & R"  # the bidi override and the bell dropped
    records[2] = replace(records[2], info=replace(records[2].info, title=hostile))
    inputs = []
    for r in records:
        inputs.append(str(_write(tmp_path / f"{r.info.name}.json", export_summary(r))))
    html = mognad("report", *inputs, "-o", str(tmp_path / "r.html"))
    assert html.returncode == 0 and no_traceback(html), html.stderr
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Äldreomsorg Norr" in page and "för få svar" in page and 'lang="sv"' in page
    word = mognad("report", *inputs, "--format", "docx", "-o", str(tmp_path / "r.docx"))
    assert word.returncode == 0 and no_traceback(word), word.stderr
    document = Document(str(tmp_path / "r.docx"))
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert {"Barn och skola", "Äldreomsorg Norr", "för få svar", shown} <= cells
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:2] == [
        "Digital mognad: förvaltningens sammanställning",
        "Det här behöver förvaltningen göra",
    ]
    no_file = mognad("report", *inputs, "--format", "docx")
    assert no_file.returncode == 1 and no_traceback(no_file)


# ---------------------------------------------------------------- --charts and --round


def _chart_rows(svg: str) -> list[str]:
    """The unit names on the chart's rows, top to bottom (pygal writes each row's label as a
    text with its height on the page)."""
    import xml.etree.ElementTree as ET

    ns = "{http://www.w3.org/2000/svg}"
    root = ET.fromstring(svg)
    rows = [
        (float(t.get("y", "0")), "".join(t.itertext()))
        for g in root.iter(f"{ns}g")
        if g.get("class") == "axis y"
        for t in g.iter(f"{ns}text")
    ]
    return [name for _, name in sorted(rows)]


def _unit_svg(records: list[SessionRecord], lang: str = "sv") -> str:
    from mognad_tui.export.charts import unit_chart_svg
    from mognad_tui.export.report import area_totals, unit_chart

    rollup = collect([(r.info.name + ".json", export_summary(r)) for r in records])
    svg = unit_chart_svg(unit_chart(rollup.units, area_totals(rollup.units)), lang)
    assert svg is not None
    return svg


def test_unit_chart_names_every_unit_shown_and_no_hidden_one(tmp_path: Path) -> None:
    inputs = [
        str(_write(tmp_path / f"{r.info.name}.json", export_summary(r))) for r in forvaltning()
    ]
    out = tmp_path / "rapport.md"
    done = mognad("report", *inputs, "--charts", "-o", str(out))
    assert done.returncode == 0 and no_traceback(done), done.stderr
    text = out.read_text(encoding="utf-8")
    assert "![Diagram: varje enhets medelvärde per område" in text
    assert "(rapport-charts/units-1.svg)" in text
    # IT-stöd is below the threshold everywhere: out of the chart, and the caption says so.
    assert "Inte med i diagrammet (för få svar i alla områden): IT-stöd." in text
    svg = (tmp_path / "rapport-charts" / "units-1.svg").read_text(encoding="utf-8")
    assert "<script" not in svg
    # Every unit shown, top to bottom in Swedish alphabetical order (no ranking by a
    # figure), and no trace of the unit below the threshold.
    assert _chart_rows(svg) == ["Barn och skola", "Ekonomi", "Äldreomsorg Norr"]
    assert "IT-stöd" not in svg


def test_report_without_charts_is_unchanged_and_charts_go_inline_in_html_and_word(
    tmp_path: Path,
) -> None:
    from docx import Document

    inputs = [
        str(_write(tmp_path / f"{r.info.name}.json", export_summary(r))) for r in forvaltning()
    ]
    plain = mognad("report", *inputs, "-o", str(tmp_path / "r.md"))
    assert plain.returncode == 0 and not (tmp_path / "r-charts").exists()
    assert "diagram" not in (tmp_path / "r.md").read_text(encoding="utf-8").casefold()
    html = mognad("report", *inputs, "--charts", "--lang", "en", "-o", str(tmp_path / "r.html"))
    assert html.returncode == 0 and no_traceback(html), html.stderr
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<svg" in page and "Mean per area and unit" in page and "<script" not in page
    assert "Not in the chart (too few answers in every area): IT-stöd." in page
    word = mognad("report", *inputs, "--charts", "-o", str(tmp_path / "r.docx"))
    assert word.returncode == 0 and no_traceback(word), word.stderr
    document = Document(str(tmp_path / "r.docx"))
    assert len(document.inline_shapes) == 1
    assert document.inline_shapes[0]._inline.docPr.get("descr").startswith("Diagram:")
    no_file = mognad("report", *inputs, "--charts")
    assert no_file.returncode == 1 and no_traceback(no_file)


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(_units(), st.data())
def test_hidden_answers_change_nothing_in_the_unit_chart(records: Any, data: Any) -> None:
    """The chart, like the table, holds nothing of what a unit answered below its threshold."""
    others = [_mutate_hidden(r, data) for r in records]
    try:
        svg = _unit_svg(records)
    except AssertionError:  # no unit shown at all: no chart for either
        with pytest.raises(AssertionError):
            _unit_svg(others)
        return
    assert svg == _unit_svg(others)


def test_round_label_decides_which_summaries_are_earlier() -> None:
    """A round over new year: without --round the December meeting counts as last year's
    round; with --round every unit's latest summary is this round's."""
    records = forvaltning()[:4]
    records[1] = replace(records[1], info=replace(records[1].info, created="2025-12-10"))
    summaries = [(r.info.name + ".json", export_summary(r)) for r in records]
    by_year = collect(summaries)
    assert [u.name for u in by_year.units] == ["Ekonomi", "IT-stöd", "Äldreomsorg Norr"]
    labelled = collect(summaries, label="2025/26")
    assert [u.name for u in labelled.units] == [
        "Barn och skola",
        "Ekonomi",
        "IT-stöd",
        "Äldreomsorg Norr",
    ]
    # Last year's summary of a unit is still matched as earlier, by link and by name.
    with_last = [*summaries, ("e25.json", export_summary(forvaltning()[4]))]
    ekonomi = next(u for u in collect(with_last, label="2025/26").units if u.name == "Ekonomi")
    assert ekonomi.previous is not None and ekonomi.previous["date"].startswith("2025-11-20")
    text = render_blocks(build_report(labelled, today=TODAY).blocks)
    assert "Omgång: 2025/26." in text and "4 enheter" in text


def test_round_option_on_the_command_line(tmp_path: Path) -> None:
    records = forvaltning()[:4]
    records[1] = replace(records[1], info=replace(records[1].info, created="2025-12-10"))
    inputs = [str(_write(tmp_path / f"{r.info.name}.json", export_summary(r))) for r in records]
    done = mognad("report", *inputs, "--round", "2025/26", "--lang", "en")
    assert done.returncode == 0 and no_traceback(done), done.stderr
    assert "Round: 2025/26." in done.stdout and "Barn och skola" in done.stdout
    by_year = mognad("report", *inputs)
    assert "Barn och skola" not in by_year.stdout
    assert "--round" in mognad("report", "--help").stdout


def test_a_long_unit_chart_is_cut_into_parts_that_fit_a_page() -> None:
    """200 units in one Word picture would run over many pages: parts of 50, in order."""
    from mognad_tui.export.png_charts import unit_chart_pngs
    from mognad_tui.export.report import UnitChart

    # Area B has dots in the first part only.
    rows = tuple(
        (f"Enhet {i:03}", (1.0 + i % 5, 2.0 + i % 3 if i < 50 else None)) for i in range(120)
    )
    parts = UnitChart(("A", "B"), (1.0, 5.0), rows, ()).parts()
    assert [k for k, _ in parts] == ["units-1", "units-2", "units-3"]
    assert [len(p.units) for _, p in parts] == [50, 50, 20]
    assert tuple(r for _, p in parts for r in p.units) == rows
    pngs = unit_chart_pngs(parts, "sv")
    assert list(pngs) == ["units-1", "units-2", "units-3"]
    assert all(png.startswith(b"\x89PNG") for png in pngs.values())
    # The parts share one figure: each picture is the one its part would get alone, with no
    # dot, row name or height left over from the part before it.
    assert pngs["units-1"] != pngs["units-2"]
    for key, part in parts:
        assert unit_chart_pngs([(key, part)], "sv") == {key: pngs[key]}


def test_a_unit_chart_part_with_no_unit_has_no_picture() -> None:
    from mognad_tui.export.png_charts import unit_chart_pngs
    from mognad_tui.export.report import UnitChart

    assert unit_chart_pngs([("units-1", UnitChart(("A",), (1.0, 5.0), (), ()))], "sv") == {}
