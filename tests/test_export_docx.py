"""The plan as a Word file, and the command line's html and docx exports.

The Word file is read back with python-docx (headings, widths, language, images) and, where
LibreOffice is installed (``.ci/run`` installs it), printed to PDF headless to count its A4
pages and find its text.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))

from fixtures_sessions import builtin_set, handmade_set, previous_session, random_records
from test_cli import _answer, mognad, no_traceback
from test_export_markdown import _mutate_hidden, decided_session, hostile_record

from mognad_tui import results as R
from mognad_tui.export.docx import reference_docx, render_docx
from mognad_tui.export.markdown import render_markdown
from mognad_tui.export.plan import PlanSource
from mognad_tui.export.png_charts import chart_pngs
from mognad_tui.model import SessionRecord

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def plan(lang: str = "sv", participants: int = 12) -> bytes:
    qset = builtin_set(lang)
    record = decided_session(lang, question_set=qset, participants=participants)
    return render_docx(PlanSource(record, previous_session(lang, question_set=qset)))


@pytest.fixture(scope="module")
def sv_plan() -> bytes:
    return plan("sv")


def test_real_headings_in_the_plans_order(sv_plan: bytes) -> None:
    document = docx.Document(io.BytesIO(sv_plan))
    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    record = decided_session("sv", question_set=builtin_set("sv"), participants=12)
    md = render_markdown(PlanSource(record, previous_session("sv", question_set=builtin_set("sv"))))
    expected = [(f"Heading {len(h)}", t) for h, t in re.findall(r"^(#+) (.+)$", md, re.M)]
    assert headings == expected
    assert headings[:3] == [
        ("Heading 1", "Digital mognad: Enhet Socialtjänst Nord"),
        ("Heading 2", "Till verksamhetsplanen"),
        ("Heading 3", "Våra tre prioriteringar"),
    ]


def test_tables_have_set_widths_statement_widest(sv_plan: bytes) -> None:
    document = docx.Document(io.BytesIO(sv_plan))
    statement = [t for t in document.tables if t.rows[0].cells[0].text == "Påstående"]
    assert len(statement) >= 5
    for table in statement:
        grid = [int(g.get(W + "w")) for g in table._tbl.tblGrid.findall(W + "gridCol")]
        assert grid[0] == max(grid) and grid[0] / sum(grid) >= 0.4
        assert table.rows[1].cells[0].width == table.columns[0].width
        # Swedish numbers: a decimal comma in the mean column.
        assert any(re.fullmatch(r"\d,\d", row.cells[3].text) for row in table.rows[1:])
    actions = next(t for t in document.tables if t.rows[0].cells[0].text == "Åtgärd")
    assert [c.text for c in actions.rows[1].cells][:4] == [
        "En timme lärande i månaden",
        "Enhetschefen",
        "31 januari 2027",
        "Hög",
    ]


@pytest.mark.parametrize(("lang", "tag"), [("sv", "sv-SE"), ("en", "en-GB")])
def test_language_is_set(lang: str, tag: str) -> None:
    data = plan(lang, participants=9) if lang == "en" else plan("sv")
    document = docx.Document(io.BytesIO(data))
    lang_el = document.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang_el is not None and lang_el.get(W + "val") == tag
    assert document.core_properties.language == tag


def test_charts_are_png_images_with_alt_text(sv_plan: bytes) -> None:
    document = docx.Document(io.BytesIO(sv_plan))
    shapes = list(document.inline_shapes)
    assert len(shapes) >= 3
    for shape in shapes:
        assert shape._inline.docPr.get("descr", "").startswith("Diagram")
    images = [p for p in document.part.package.parts if p.content_type == "image/png"]
    assert images and all(p.blob.startswith(b"\x89PNG") for p in images)


def test_hostile_text_is_plain_text() -> None:
    record = hostile_record("sv")
    document = docx.Document(io.BytesIO(render_docx(PlanSource(record), charts=False)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "<script>alert(1)</script>" in text and "\x1b" not in text and "\u202e" not in text


#: What a reader must find in the printed plan: the decision first, the appendix last.
_PRINTED = (
    "Till verksamhetsplanen",
    "Våra tre prioriteringar",
    "Infrastruktur: Wifi som når personalrummet",
    "Bilaga: enkätens resultat",
)


def _print_to_pdf(source: Path) -> tuple[int, tuple[float, float], str]:
    """LibreOffice's headless PDF of a Word file: its page count, first page size in points
    and its text with whitespace folded."""
    from pypdf import PdfReader

    profile = source.parent / "lo-profile"  # its own profile: runs beside another soffice
    subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(source.parent),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=200,
    )
    reader = PdfReader(str(source.with_suffix(".pdf")))
    box = reader.pages[0].mediabox
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    return len(reader.pages), (float(box.width), float(box.height)), text


def _is_a4(size: tuple[float, float]) -> bool:
    return abs(size[0] - 595.3) < 2 and abs(size[1] - 841.9) < 2


@pytest.mark.skipif(SOFFICE is None, reason="needs LibreOffice (.ci/run installs it)")
@pytest.mark.timeout(240)
def test_libreoffice_prints_the_twelve_person_plan_on_at_most_six_a4_pages(
    tmp_path: Path, sv_plan: bytes
) -> None:
    source = tmp_path / "plan.docx"
    source.write_bytes(sv_plan)
    pages, size, text = _print_to_pdf(source)
    assert pages <= 6 and _is_a4(size)
    for needle in _PRINTED:
        assert needle in text


@pytest.mark.skipif(
    SOFFICE is None or shutil.which("pandoc") is None,
    reason="needs pandoc and LibreOffice (.ci/run installs them)",
)
@pytest.mark.timeout(240)
def test_markdown_through_pandoc_prints_on_at_most_six_a4_pages(tmp_path: Path) -> None:
    """The README's route to Word (issue 11, item 6): ``mognad export --charts -o plan.md``,
    then ``pandoc plan.md -o plan.docx --reference-doc=plan-charts/reference.docx``, then
    LibreOffice's PDF: the 12-person plan on at most 6 A4 pages, its text all there."""
    from mognad_tui.cli import _write_markdown

    qset = builtin_set("sv")
    record = decided_session("sv", question_set=qset, participants=12)
    previous = previous_session("sv", question_set=qset)
    _write_markdown(PlanSource(record, previous), tmp_path / "plan.md", charts=True)
    subprocess.run(
        ["pandoc", "plan.md", "-o", "plan.docx", "--reference-doc=plan-charts/reference.docx"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=120,
    )
    pages, size, text = _print_to_pdf(tmp_path / "plan.docx")
    assert pages <= 6 and _is_a4(size), (pages, size)
    for needle in (*_PRINTED, "Medel 2,4"):
        assert needle in text


# ---------------------------------------------------------------- the command line


def test_cli_exports_html_and_docx_and_infers_them_from_the_suffix(tmp_path: Path) -> None:
    data = tmp_path / "d"
    name = mognad("new", "--name", "Team Väst", "--data-dir", str(data)).stdout.strip()
    _answer(data, name, "vardag-information", [2, 3, 4, 4])
    html = tmp_path / "plan.html"
    done = mognad("export", name, "--format", "html", "-o", str(html), "--data-dir", str(data))
    assert done.returncode == 0 and no_traceback(done), done.stderr
    assert html.read_text(encoding="utf-8").startswith('<!DOCTYPE html>\n<html lang="sv">')
    word = tmp_path / "plan.docx"
    done = mognad("export", name, "-o", str(word), "--data-dir", str(data))  # by the suffix
    assert done.returncode == 0 and no_traceback(done), done.stderr
    headings = [p.text for p in docx.Document(str(word)).paragraphs if p.style.name == "Heading 2"]
    assert headings[0] == "Till verksamhetsplanen"
    inferred = tmp_path / "p.htm"
    assert mognad("export", name, "-o", str(inferred), "--data-dir", str(data)).returncode == 0
    assert inferred.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    md = tmp_path / "p.txt"
    assert mognad("export", name, "-o", str(md), "--data-dir", str(data)).returncode == 0
    assert md.read_text(encoding="utf-8").startswith("# ")
    no_file = mognad("export", name, "--format", "docx", "--data-dir", str(data))
    assert no_file.returncode == 1 and "-o plan.docx" in no_file.stderr and no_traceback(no_file)
    helped = mognad("export", "--help", "--lang", "en")
    assert ".docx" in helped.stdout and "html" in helped.stdout


def test_pandoc_reference_is_a4_in_the_plans_language() -> None:
    """The reference document the Markdown export writes for pandoc: A4 (pandoc's own has no
    paper size, and LibreOffice then prints on Letter) and the language set."""
    document = docx.Document(io.BytesIO(reference_docx("en")))
    section = document.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert document.core_properties.language == "en-GB"
    assert {"Compact", "First Paragraph", "Body Text"} <= {s.name for s in document.styles}


def test_docx_without_charts_is_readable() -> None:
    record = decided_session("sv", question_set=handmade_set("sv"))
    document = docx.Document(io.BytesIO(render_docx(PlanSource(record), charts=False)))
    assert not list(document.inline_shapes)
    assert document.paragraphs[0].text == "Digital mognad: Enhet Socialtjänst Nord"


def _docx_text(data: bytes) -> list[str]:
    document = docx.Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return [p.text for p in document.paragraphs] + cells


@settings(max_examples=10, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(random_records(), st.data())
def test_hidden_answers_change_nothing_in_word(record: SessionRecord, data: Any) -> None:
    """The threshold holds in Word as in Markdown: the same text whatever the hidden answers
    were, and the charts are drawn from shown results only."""
    other = _mutate_hidden(record, data)
    assert _docx_text(render_docx(PlanSource(record), charts=False)) == _docx_text(
        render_docx(PlanSource(other), charts=False)
    )
    assert chart_pngs(R.overview(record), "sv") == chart_pngs(R.overview(other), "sv")


def test_chart_axes_have_no_decimal_points(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every number on the Word plan's chart axes is a whole scale point or count: the
    default ticks were halves written "2.5", an English decimal point in a Swedish plan."""
    from mognad_tui.export import png_charts

    figures: list[Any] = []
    monkeypatch.setattr(png_charts, "_png", lambda fig, **_: figures.append(fig) or b"png")
    qset = builtin_set("sv")
    record = decided_session("sv", question_set=qset, participants=12)
    overview = R.overview(record, previous_session("sv", question_set=qset))
    assert png_charts.chart_pngs(overview, "sv", "före", "nu")
    labels = []
    for fig in figures:
        fig.draw_without_rendering()
        for ax in fig.axes:
            labels += [t.get_text() for t in (*ax.get_xticklabels(), *ax.get_yticklabels())]
    numbers = [t for t in labels if re.fullmatch(r"[\d.,−-]+", t)]
    assert numbers and all(re.fullmatch(r"−?\d+", t) for t in numbers), numbers


# ---------------------------------------------------------------- tables written in one pass

#: Cell texts a room can type, and what Word must show of each: markup and entities as plain
#: text, spaces at the ends kept, tab and line break as Word's own, the characters XML 1.0
#: forbids (an escape sequence, NUL, a bell, a lone surrogate, U+FFFF) dropped instead of
#: breaking the file. A bidi override is legal XML and passes this layer: the escapers before
#: it remove it (see ``test_hostile_text_is_plain_text`` and the report's Word test).
_CELLS = (
    ("<script>alert(1)</script>", "<script>alert(1)</script>"),
    ("Tom & Jerry &amp; ]]> \"'", "Tom & Jerry &amp; ]]> \"'"),
    ("\x1b[31mröd\x1b[0m\x00\x07\ud800\uffff", "[31mröd[0m"),
    ("\u202eabc", "\u202eabc"),
    ("  kant  ", "  kant  "),
    ("flik\there", "flik\there"),
    ("rad\nett", "rad\nett"),
    ("", ""),
)


def _hostile_table_docx() -> bytes:
    from mognad_tui.export.document import Heading, Plan, Table
    from mognad_tui.export.docx import render_plan_docx

    plan = Plan(lang="sv", title="Tabell")
    plan.blocks.append(Heading(1, "Tabell"))
    rows = tuple((given, f"{i},5") for i, (given, _) in enumerate(_CELLS))
    header = ("Text <&>", "Medel")
    plan.blocks.append(Table(header, rows, right=frozenset({1}), weights=(3, 1)))
    return render_plan_docx(plan)


def test_a_table_reads_back_exactly_with_its_format() -> None:
    """A table is written as one piece of XML, not cell by cell: python-docx reads back the
    exact texts (hostile ones included), the bold header repeated on every page, the
    numbers right-aligned, the set widths and the 9-point text."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = docx.Document(io.BytesIO(_hostile_table_docx()))
    (table,) = document.tables
    texts = [[table.cell(r, c).text for c in range(2)] for r in range(len(table.rows))]
    assert texts == [
        ["Text <&>", "Medel"],
        *([shown, f"{i},5"] for i, (_, shown) in enumerate(_CELLS)),
    ]
    # Word drops spaces at a text's ends unless told to keep them.
    (edged,) = table.cell(5, 0)._tc.iter(W + "t")
    assert edged.get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"
    header = table.rows[0]._tr.trPr.find(W + "tblHeader")
    assert header is not None and header.get(W + "val") == "true"
    assert all(table.rows[r]._tr.trPr is None for r in range(1, len(table.rows)))
    grid = [int(g.get(W + "w")) for g in table._tbl.tblGrid.findall(W + "gridCol")]
    assert grid == [7228, 2409]  # 17 cm in the ratio 3:1, in twentieths of a point
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            assert cell.width is not None and cell.width.twips == grid[c]
            (paragraph,) = cell.paragraphs
            right = paragraph.alignment == WD_ALIGN_PARAGRAPH.RIGHT
            assert right == (c == 1)
            for run in paragraph.runs:
                assert run.font.size == Pt(9) and bool(run.bold) == (r == 0)
    assert table.style is not None and table.style.name == "Table Grid"


def test_a_short_table_row_leaves_its_last_cells_empty() -> None:
    from mognad_tui.export.document import Plan, Table
    from mognad_tui.export.docx import render_plan_docx

    plan = Plan(lang="sv", title="Tabell")
    plan.blocks.append(Table(("A", "B", "C"), (("1",), ("1", "2", "3")), frozenset(), (1, 1, 1)))
    (table,) = docx.Document(io.BytesIO(render_plan_docx(plan))).tables
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["A", "B", "C"],
        ["1", "", ""],
        ["1", "2", "3"],
    ]


@pytest.mark.skipif(SOFFICE is None, reason="needs LibreOffice (.ci/run installs it)")
@pytest.mark.timeout(240)
def test_libreoffice_prints_a_table_written_in_one_pass(tmp_path: Path) -> None:
    source = tmp_path / "tabell.docx"
    source.write_bytes(_hostile_table_docx())
    pages, size, text = _print_to_pdf(source)
    assert pages == 1 and _is_a4(size)
    for needle in ("Text <&>", "<script>alert(1)</script>", "Tom & Jerry &amp; ]]>", "7,5"):
        assert needle in text, (needle, text)
