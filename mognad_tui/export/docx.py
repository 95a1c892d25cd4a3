"""The operational plan as a Word file (python-docx), from the plan's blocks.

The same content as the Markdown and the HTML (:mod:`mognad_tui.export.plan`), laid out the
way Word users expect: real heading styles (the navigation pane and a table of contents work),
tables with set column widths (the statement column widest), numeric columns right-aligned,
the header row repeated on each page, the charts as PNG images with their text as
alternative text, A4 pages, and the document's language set so that spelling and hyphenation
are Swedish (or English). Unlike the printed HTML, the appendix starts without a page break:
the Word file is cut and pasted from, and stays short. Text typed in the room is plain text in
runs: Word has no markup for it to become.
"""

from __future__ import annotations

import io
import re
from typing import Any
from xml.sax.saxutils import escape

from mognad_tui.export.document import PLAIN, Bullets, Chart, Heading, Para, Plan, Table
from mognad_tui.export.messages import messages
from mognad_tui.export.plan import PlanSource, build_plan
from mognad_tui.i18n import format_date
from mognad_tui.results import overview

#: Word's language tags for the plan's languages (w:lang).
_LANG_TAGS = {"sv": "sv-SE", "en": "en-GB"}
_PAGE_W_CM, _PAGE_H_CM, _MARGIN_CM = 21.0, 29.7, 2.0
_BODY_PT, _TABLE_PT = 10, 9
#: A chart's width on the page: readable, and small enough that the plan stays short.
_CHART_CM = 12.0


def _set_language(document: Any, tag: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), tag)
    document.core_properties.language = tag


#: Characters XML 1.0 forbids (C0 controls but tab, newline and carriage return; lone
#: surrogates; U+FFFE, U+FFFF): python-docx raises on them, and a table's text is typed in the
#: room. They are dropped: the escapers upstream already remove them, this is the last guard.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: What python-docx turns into elements of their own in a run's text: a tab, a line break.
_RUN_BREAKS = re.compile("([\t\n\r])")


def _run_text(text: str) -> str:
    """A run's content as python-docx's ``add_run(text)`` writes it: tabs as ``<w:tab/>``,
    line breaks as ``<w:br/>``, spaces at either end kept, the text escaped for XML."""
    text = _NOT_XML.sub("", text)
    out = []
    for piece in _RUN_BREAKS.split(text):
        if piece == "\t":
            out.append("<w:tab/>")
        elif piece in ("\n", "\r"):
            out.append("<w:br/>")
        elif piece:
            keep = ' xml:space="preserve"' if piece != piece.strip() else ""
            out.append(f"<w:t{keep}>{escape(piece)}</w:t>")
    return "".join(out)


def _table_xml(block: Table) -> str:
    """A table as one ``<w:tbl>`` string: the same XML that python-docx's cell-by-cell API
    writes (set widths, 9-point runs, bold header repeated on each page, numbers
    right-aligned), in one pass. The cell API re-walks the grid and searches each element's
    children on every access: a 200-unit report's 200 tables took two seconds that way."""
    from docx.oxml.ns import nsdecls
    from docx.shared import Cm

    usable = _PAGE_W_CM - 2 * _MARGIN_CM
    total = sum(block.weights) or 1
    widths = [Cm(usable * w / total).twips for w in block.weights]
    size = f'<w:sz w:val="{_TABLE_PT * 2}"/>'  # half-points
    cells = [f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{w}"/></w:tcPr><w:p>' for w in widths]
    right = '<w:pPr><w:jc w:val="right"/></w:pPr>'
    aligned = [cell + right if i in block.right else cell for i, cell in enumerate(cells)]
    parts = [
        f"<w:tbl {nsdecls('w')}><w:tblPr>"
        '<w:tblStyle w:val="TableGrid"/><w:tblW w:type="auto" w:w="0"/>'
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" '
        'w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr><w:tblGrid>',
        *(f'<w:gridCol w:w="{w}"/>' for w in widths),
        '</w:tblGrid><w:tr><w:trPr><w:tblHeader w:val="true"/></w:trPr>',
    ]
    for row, props in ((block.header, f"<w:b/>{size}"), *((r, size) for r in block.rows)):
        if row is not block.header:
            parts.append("<w:tr>")
        # A short row's missing cells stay empty, as python-docx's grid left them.
        for cell, value in zip(aligned, (*row, *("",) * (len(widths) - len(row))), strict=True):
            parts.append(f"{cell}<w:r><w:rPr>{props}</w:rPr>{_run_text(value)}</w:r></w:p></w:tc>")
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


def _table(document: Any, block: Table) -> None:
    from docx.oxml import parse_xml

    document.element.body._insert_tbl(parse_xml(_table_xml(block)))


def _a4_document(lang: str) -> Any:
    """An empty Word document with the plan's page (A4, margins), body size and language."""
    from docx import Document
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(_PAGE_W_CM), Cm(_PAGE_H_CM)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(_MARGIN_CM))
    _set_language(document, _LANG_TAGS.get(lang, lang))
    document.styles["Normal"].font.size = Pt(_BODY_PT)
    return document


#: The reference document's name in the Markdown export's charts folder (``plan-charts/``).
REFERENCE_DOCX = "reference.docx"
#: The paragraph styles pandoc writes (name, size in points, space after in points): body
#: text, tight lists and table cells ("Compact"), and the captions under images.
_PANDOC_STYLES = (
    ("Body Text", _BODY_PT, 3),
    ("First Paragraph", _BODY_PT, 3),
    ("Compact", _TABLE_PT, 0),
    ("Captioned Figure", _BODY_PT, 0),
    ("Image Caption", _TABLE_PT, 6),
)


def reference_docx(lang: str) -> bytes:
    """A reference document for ``pandoc plan.md -o plan.docx --reference-doc=...``.

    pandoc's own reference has no page size (LibreOffice then prints on Letter) and 12-point
    text with wide spacing, which spread the 12-person plan over 10 pages; with the Word
    plan's A4 page, sizes and language the same Markdown prints on at most 6 A4 pages.
    """
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt

    document = _a4_document(lang)
    styles = document.styles
    normal = styles["Normal"]
    normal.paragraph_format.space_after = Pt(3)
    names = {style.name for style in styles}
    for name, size, after in _PANDOC_STYLES:
        style = styles[name] if name in names else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.font.size = Pt(size)
        style.paragraph_format.space_before = Pt(0)
        style.paragraph_format.space_after = Pt(after)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render_docx(source: PlanSource, *, charts: bool = True) -> bytes:
    """The plan as the bytes of a .docx file; ``charts=False`` leaves the charts out (and
    matplotlib unimported)."""
    plan = build_plan(source, PLAIN)
    pngs: dict[str, bytes] = {}
    if charts:
        from mognad_tui.export.png_charts import chart_pngs

        record, previous = source.record, source.previous
        before = after = ""
        if previous is not None:
            before = messages(
                "chart_before", plan.lang, date=format_date(previous.info.created, plan.lang)
            )
            after = messages(
                "chart_after", plan.lang, date=format_date(record.info.created, plan.lang)
            )
        pngs = chart_pngs(overview(record, previous), plan.lang, before, after)
    return render_plan_docx(plan, pngs)


def render_plan_docx(plan: Plan, pngs: dict[str, bytes] | None = None) -> bytes:
    """Any document built of the plan's blocks with the plain escaper (the plan, the
    förvaltning's report) as the bytes of a .docx file."""
    from docx.shared import Cm

    pngs = pngs or {}
    document = _a4_document(plan.lang)
    document.core_properties.title = plan.title
    for b in plan.blocks:
        # Styles by id: python-docx looks a style's name up by scanning every style, which
        # made a 500-person plan spend half a second on it.
        if isinstance(b, Heading):
            document.add_paragraph(b.text)._p.style = f"Heading{min(b.level, 9)}"
        elif isinstance(b, Para):
            document.add_paragraph(b.text)
        elif isinstance(b, Bullets):
            for lead, text in b.items:
                paragraph = document.add_paragraph()
                paragraph._p.style = "ListBullet"
                if lead:
                    paragraph.add_run(lead + " ").bold = True
                paragraph.add_run(text)
        elif isinstance(b, Table):
            _table(document, b)
        elif isinstance(b, Chart) and b.key in pngs:
            shape = document.add_picture(io.BytesIO(pngs[b.key]), width=Cm(_CHART_CM))
            shape._inline.docPr.set("descr", b.alt)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
