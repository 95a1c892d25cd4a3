"""SVG charts: offline (no script, no CDN), deterministic, in the session's language."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from fixtures_sessions import demo_session, handmade_set, previous_session
from test_export_markdown import hostile_record, lint

from mognad_tui.export.charts import write_charts
from mognad_tui.export.markdown import render_markdown
from mognad_tui.export.plan import PlanSource


def test_charts_written_beside_markdown(tmp_path: Path) -> None:
    record = demo_session("sv", question_set=handmade_set("sv"))
    previous = previous_session("sv", question_set=handmade_set("sv"))
    charts = write_charts(PlanSource(record, previous, lang="sv"), tmp_path / "plan-charts")
    # The areas' answer charts stay out of the Markdown's folder: they made the plan three A4
    # pages longer through pandoc, and the appendix tables give the same figures.
    assert set(charts) == {"dimensions", "change"}
    for name, relative in charts.items():
        assert relative.startswith("plan-charts/") and relative.endswith(".svg")
        svg = (tmp_path / relative).read_text(encoding="utf-8")
        ET.fromstring(svg)  # well-formed
        lowered = svg.lower()
        assert "<script" not in lowered and "cdn" not in lowered
        assert "http" not in lowered.replace("http://www.w3.org/", ""), name
        assert 'id="chart-' in svg
    dims = (tmp_path / charts["dimensions"]).read_text(encoding="utf-8")
    assert "Medelvärde per område" in dims and "Digital vardag" in dims
    assert "3,0" in dims or "2,0" in dims  # Swedish decimal comma on the axis
    change = (tmp_path / charts["change"]).read_text(encoding="utf-8")
    assert "Förändring sedan 20 november 2025" in change
    text = render_markdown(PlanSource(record, previous), charts=charts)
    assert "](plan-charts/dimensions.svg)" in text and lint(text) == []


def test_charts_are_deterministic_and_english(tmp_path: Path) -> None:
    record = demo_session("en", question_set=handmade_set("en"))
    first = write_charts(PlanSource(record, lang="en"), tmp_path / "a")
    second = write_charts(PlanSource(record, lang="en"), tmp_path / "b")
    for name in first:
        a = (tmp_path / first[name]).read_bytes()
        b = (tmp_path / second[name]).read_bytes()
        assert a == b
    assert b"Mean per area" in (tmp_path / first["dimensions"]).read_bytes()
    assert "change" not in first


def test_hidden_dimension_has_no_chart_and_hostile_titles_are_escaped(tmp_path: Path) -> None:
    record = hostile_record("sv")
    record.answers = {}
    assert write_charts(PlanSource(record), tmp_path / "c") == {}
    record = hostile_record("sv")
    charts = write_charts(PlanSource(record), tmp_path / "d")
    for relative in charts.values():
        svg = (tmp_path / relative).read_text(encoding="utf-8")
        ET.fromstring(svg)
        assert "<script" not in svg.lower()


def test_chart_files_carry_a_print_size(tmp_path: Path) -> None:
    """pandoc sizes an image from the SVG's width and height; with only a viewBox it takes
    pixels at 96 dpi and stretches the chart across the page."""
    record = demo_session("sv", question_set=handmade_set("sv"))
    charts = write_charts(PlanSource(record, lang="sv"), tmp_path / "plan-charts")
    root = ET.fromstring((tmp_path / charts["dimensions"]).read_text(encoding="utf-8"))
    view = [float(v) for v in root.get("viewBox", "").split()]
    width, height = (float(root.get(k, "0").removesuffix("px")) for k in ("width", "height"))
    assert 0 < width < view[2] and abs(width / height - view[2] / view[3]) < 0.02
