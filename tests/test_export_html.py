"""The plan as one self-contained HTML file: golden files, no outside requests, print CSS,
hostile text, the threshold, and WCAG 2.1 AA with axe-core in Debian's Chromium.

Regenerate the golden files with the Markdown ones:
``UPDATE_GOLDEN=1 .venv/bin/python -m pytest -k golden tests/test_export_*.py``.
"""

from __future__ import annotations

import os
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import axe_playwright_python
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))

from fixtures_sessions import builtin_set, handmade_set, previous_session, random_records
from test_export_markdown import HOSTILE, _mutate_hidden, decided_session, hostile_record

from mognad_tui import results as R
from mognad_tui.export.charts import chart_svgs
from mognad_tui.export.html import render_html
from mognad_tui.export.plan import PlanSource
from mognad_tui.model import SessionRecord

GOLDEN = Path(__file__).parent / "golden"
CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(axe_playwright_python.__file__).with_name("axe.min.js")  # as tests/web's
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text, as a browser would parse them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


def full_plan(lang: str = "sv") -> str:
    qset = builtin_set(lang)
    record = decided_session(lang, question_set=qset)
    previous = previous_session(lang, question_set=qset)
    source = PlanSource(record, previous)
    return render_html(source, charts=chart_svgs(source))


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_golden(lang: str) -> None:
    """Without charts, so the golden file reads as the document's text and structure."""
    qset = builtin_set(lang)
    record = decided_session(lang, question_set=qset)
    html = render_html(PlanSource(record, previous_session(lang, question_set=qset)))
    path = GOLDEN / f"plan.{lang}.html"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(html, encoding="utf-8")
    assert html == path.read_text(encoding="utf-8"), "UPDATE_GOLDEN=1 to accept a change"


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_self_contained_printable_and_in_its_language(lang: str) -> None:
    html = full_plan(lang)
    tags = parse(html).tags
    assert tags[0] == ("html", {"lang": lang})
    names = {t for t, _ in tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed"}
    # Charts are inline SVG; nothing is fetched (no src/href outside the file, no url()).
    assert sum(1 for t, _ in tags if t == "svg") >= 3
    for _, attrs in tags:
        for key in ("src", "href", "xlink:href"):
            value = attrs.get(key)
            assert value is None or value.startswith("#"), (key, value)
    assert "url(" not in html and "@import" not in html and "@font-face" not in html
    # Print: A4, and the appendix starts on a new page.
    assert "@media print" in html and "size: A4" in html
    appendix = "Bilaga: enkätens resultat" if lang == "sv" else "Appendix: survey results"
    assert f'<h2 class="new-page">{appendix}</h2>' in html
    assert re.search(r"\.new-page\s*{\s*break-before:\s*page", html)


def test_same_content_as_markdown() -> None:
    """Headings in the same order as the Markdown: one plan, two layouts."""
    from mognad_tui.export.markdown import render_markdown

    record = decided_session("sv", question_set=handmade_set("sv"))
    md = re.findall(r"^#+ (.+)$", render_markdown(PlanSource(record)), re.M)
    html = re.findall(r"<h\d[^>]*>(.+?)</h\d>", render_html(PlanSource(record)))
    assert html == md
    widths = re.findall(r'<col style="width: ([\d.]+)%">', render_html(PlanSource(record)))
    assert widths and float(widths[0]) >= 20


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_hostile_text_stays_text(lang: str) -> None:
    record = hostile_record(lang)
    html = render_html(
        PlanSource(record, hostile_record(lang)), charts=chart_svgs(PlanSource(record))
    )
    parsed = parse(html)
    names = [t for t, _ in parsed.tags]
    assert "script" not in names and "img" not in names and "a" not in names
    for _, attrs in parsed.tags:
        assert not any(k.startswith("on") for k in attrs)
    text = "".join(parsed.text)
    assert "<script>alert(1)</script>" in text and "[@click=app.quit]x[/]" in text
    assert "\x1b" not in html and "\u202e" not in html
    assert HOSTILE[0] in text


@settings(max_examples=15, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(random_records(), st.data())
def test_hidden_answers_change_nothing_in_html(record: SessionRecord, data: Any) -> None:
    other = _mutate_hidden(record, data)
    assert render_html(PlanSource(record)) == render_html(PlanSource(other))
    html = render_html(PlanSource(record))
    for r in R.overview(record).questions.values():
        if not r.shown:
            for option in r.question.options:
                if option.label.startswith("Label "):
                    assert option.label not in html


@pytest.mark.browser
@pytest.mark.timeout(120)
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not at /usr/bin/chromium")
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_axe_finds_no_wcag_violation_and_nothing_is_fetched(lang: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    path = tmp_path / "plan.html"
    path.write_text(full_plan(lang), encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page()
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(path.as_uri())
            assert requests == [path.as_uri()]
            page.add_script_tag(path=str(AXE))
            violations = page.evaluate(
                """async (tags) => {
                    const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                       resultTypes: ['violations']});
                    return r.violations.map(v => v.id + ': ' + v.help + ' -> ' +
                        v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
                }""",
                WCAG,
            )
            assert violations == []
            page.emulate_media(media="print")
            assert (
                page.evaluate("getComputedStyle(document.querySelector('h2.new-page')).breakBefore")
                == "page"
            )
        finally:
            browser.close()
