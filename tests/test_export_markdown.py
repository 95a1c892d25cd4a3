"""The Markdown plan: golden files, markdownlint, rendering, hostile text, the threshold.

Regenerate the golden files (Markdown and HTML) after a deliberate change with one command,
``UPDATE_GOLDEN=1 .venv/bin/python -m pytest -k golden tests/test_export_*.py``, and review
the diff like code.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from pymarkdown.api import PyMarkdownApi

sys.path.insert(0, str(Path(__file__).parent))

from fixtures_sessions import (
    builtin_set,
    demo_session,
    handmade_set,
    previous_session,
    random_records,
)

from mognad_tui import results as R
from mognad_tui.export import escape
from mognad_tui.export.markdown import render_markdown, sparkline
from mognad_tui.export.messages import MESSAGES, messages
from mognad_tui.export.plan import PlanSource
from mognad_tui.model import (
    ActionItem,
    Dimension,
    Kind,
    Need,
    NeedKind,
    Option,
    Prerequisite,
    Priority,
    Prompt,
    Question,
    QuestionSet,
    SessionRecord,
    Step,
)

GOLDEN = Path(__file__).parent / "golden"
CHARTS = {
    "dimensions": "plan-charts/dimensions.svg",
    "dimension-a-sakerhet": "plan-charts/dimension-a-sakerhet.svg",
    "change": "plan-charts/change.svg",
}


def lint(text: str) -> list[str]:
    """markdownlint via pymarkdownlnt. MD013 (line length) is off: table rows and notes are
    one line each by nature, and wrapping them would break the tables. MD060 (table column
    style) is off: its styles want three-dash delimiters or a padded header, and the dashes
    are what sets the columns' widths when pandoc makes a Word file (item 6). GFM tables are
    switched on so the table rules (MD055, MD056, MD058) check ours."""
    api = (
        PyMarkdownApi()
        .enable_extension_by_identifier("markdown-tables")
        .disable_rule_by_identifier("md013")
        .disable_rule_by_identifier("md060")
    )
    result = api.scan_string(text)
    assert not result.critical_errors
    return [
        f"{f.line_number}:{f.rule_id} {f.extra_error_information}" for f in result.scan_failures
    ]


def tokens(text: str) -> list[Any]:
    """All tokens of a GFM-like render with linkify on: the strictest common renderer."""
    md = MarkdownIt("gfm-like")
    out = []
    for token in md.parse(text):
        out.append(token)
        out.extend(token.children or ())
    return out


def html(text: str) -> str:
    return MarkdownIt("gfm-like").render(text)


def decided_session(
    lang: str, question_set: QuestionSet | None = None, **demo: Any
) -> SessionRecord:
    """The demo meeting after step 4: the dot vote ranked three needs, and two needs are
    requests to the förvaltning (one of them a new need for wifi)."""
    record = demo_session(lang, question_set=question_set, **demo)
    sv = lang == "sv"
    ranks = {"n3": 1, "n1": 2, "n4": 3}
    record.needs = [replace(n, rank=ranks.get(n.id)) for n in record.needs]
    record.needs[1] = replace(record.needs[1], request=Prerequisite.SUPPORT)
    record.needs.append(
        Need(
            "n5",
            NeedKind.CHANGE,
            "Wifi som når personalrummet" if sv else "Wi-Fi that reaches the staff room",
            request=Prerequisite.INFRASTRUCTURE,
        )
    )
    return record


# ---------------------------------------------------------------- golden files


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_golden(lang: str) -> None:
    qset = builtin_set(lang)
    if qset is None:  # pragma: no cover - the built-in set ships with the package
        pytest.skip("the built-in question set does not load")
    record = decided_session(lang, question_set=qset)
    previous = previous_session(lang, question_set=qset)
    text = render_markdown(PlanSource(record, previous), charts=CHARTS)
    path = GOLDEN / f"plan.{lang}.md"
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), "UPDATE_GOLDEN=1 to accept a change"


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_golden_files_lint_and_render(lang: str) -> None:
    text = (GOLDEN / f"plan.{lang}.md").read_text(encoding="utf-8")
    assert lint(text) == []
    kinds = {t.type for t in tokens(text)}
    assert not kinds & {"html_inline", "html_block", "link_open", "code_inline", "fence"}
    images = [t.attrs["src"] for t in tokens(text) if t.type == "image"]
    assert sorted(images) == sorted(CHARTS.values())


def test_outline_and_language() -> None:
    sv = render_markdown(PlanSource(demo_session("sv", question_set=handmade_set("sv"))))
    headings = re.findall(r"^## (.+)$", sv, re.M)
    assert headings == [
        "Till verksamhetsplanen",
        "Det här kom vi fram till",
        "Om underlaget",
        "Bilaga: enkätens resultat",
    ]
    assert sv.startswith(
        "# Digital mognad: Enhet Socialtjänst Nord\n\n26 november 2026 · 9 deltagare"
    )
    assert "| Åtgärd | Ansvarig | Klart senast | Prioritet | Uppföljning | Behov |" in sv
    assert "31 mars 2027" in sv and re.search(r"\| 3,\d \|", sv)
    assert "för få svar för att visa resultat" in sv
    assert "Bestäm när vi mäter igen" not in sv  # the fixture noted the next measurement
    en = render_markdown(PlanSource(demo_session("sv", question_set=handmade_set("sv")), lang="en"))
    assert "## Appendix: survey results" in en and "too few answers to show results" in en
    assert "## For the operational plan" in en
    assert re.search(r"\| 3\.\d \|", en) and "31 March 2027" in en
    assert "Sammanfattning" not in en


def _section(text: str, heading: str) -> str:
    """The text under a heading, up to the next heading of the same or a higher level."""
    level = heading.split(" ")[0]
    start = text.index(heading + "\n")
    rest = text[start + len(heading) :]
    stop = re.search(rf"^#{{1,{len(level)}}} ", rest, re.M)
    return rest[: stop.start()] if stop else rest


def test_decision_first_priorities_actions_requests() -> None:
    """The plan opens with what goes into the operational plan: the ranked needs in rank
    order, the actions, and the needs that are requests to the förvaltning."""
    text = render_markdown(PlanSource(decided_session("sv", question_set=handmade_set("sv"))))
    assert text.index("## Till verksamhetsplanen") < text.index("## Det här kom vi fram till")
    assert text.index("## Om underlaget") < text.index("## Bilaga: enkätens resultat")
    top = _section(text, "### Våra tre prioriteringar")
    assert re.findall(r"^- (.+)$", top, re.M) == [
        "Tid för lärande varje månad (Lärande och kunskapsdelning)",
        "Känna igen nätfiske (Information, data och säkerhet)",
        "Sluta skriva ut scheman",
    ]
    actions = _section(text, "### Åtgärder")
    # The action for the first-ranked need comes first, whatever order they were typed in.
    assert actions.index("En timme lärande i månaden") < actions.index("Kurs om nätfiske")
    requests = _section(text, "### Behov vi tar till förvaltningen")
    assert "- Infrastruktur: Wifi som når personalrummet" in requests
    assert "- Stöd: Dela dokument säkert" in requests
    # The survey tables are in the appendix, not before the decisions.
    assert text.index("| Påstående |") > text.index("## Bilaga: enkätens resultat")
    en = render_markdown(PlanSource(decided_session("en", question_set=handmade_set("en"))))
    assert "### Our three priorities" in en and "### Needs we take to the administration" in en
    assert "- Infrastructure: Wi-Fi that reaches the staff room" in en


def test_priorities_never_promise_three_they_do_not_list() -> None:
    record = demo_session("sv", question_set=handmade_set("sv"))
    # No need ranked: the actions' priority orders them, high first, three when there are three.
    text = render_markdown(PlanSource(record))
    top = _section(text, "### Våra tre prioriteringar")
    assert re.findall(r"^- (.+)$", top, re.M) == [
        "Kurs om nätfiske för alla",
        "En timme lärande i månaden",
        "Digitala scheman",
    ]
    record.actions = record.actions[:2]
    text = render_markdown(PlanSource(record))
    assert "Våra tre prioriteringar" not in text
    assert len(re.findall(r"^- ", _section(text, "### Våra prioriteringar"), re.M)) == 2
    record.actions = []
    text = render_markdown(PlanSource(record))
    assert "Vi har inte prioriterat ännu." in _section(text, "### Våra prioriteringar")


def test_dot_vote_belongs_to_step_four() -> None:
    record = demo_session("sv", question_set=handmade_set("sv"))
    dots = next(p for p in record.polls if p.kind is Kind.DOTS)
    text = render_markdown(PlanSource(record))
    heading = f"### {escape.heading(dots.text)}"
    assert text.index(heading) < text.index("## Det här kom vi fram till")
    assert escape.heading(dots.text) not in _section(text, "### Snabbfrågor")


def _widths(separator: str) -> list[int]:
    return [len(cell.strip()) for cell in separator.strip("|").split("|")]


def test_separator_dashes_give_the_statement_most_of_the_width() -> None:
    """pandoc takes a long table's relative column widths from its separator's dashes."""
    text = render_markdown(PlanSource(decided_session("sv", question_set=handmade_set("sv"))))
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("| Påstående |"):
            widths = _widths(lines[i + 1])
            assert widths[0] / sum(widths) >= 0.4, lines[i + 1]
        if line.startswith("| Åtgärd | Ansvarig | Klart"):
            widths = _widths(lines[i + 1])
            assert widths[0] == max(widths)


def test_no_needless_escapes_in_prose() -> None:
    assert escape.inline("Vi når plan 3!") == "Vi når plan 3!"
    md = MarkdownIt("gfm-like")
    for hostile in ("![x](http://e.example/y.png)", "!" * 3 + "[a](b)", "![](x)"):
        rendered = md.render(escape.inline(hostile))
        assert "<img" not in rendered and "<a " not in rendered, rendered


def test_hidden_row_shows_only_count() -> None:
    record = demo_session("sv", question_set=handmade_set("sv"))
    ov = R.overview(record)
    hidden = [r for d in ov.dimensions for r in d.items if not r.shown]
    assert hidden
    text = render_markdown(PlanSource(record))
    for r in hidden:
        text_cell = escape.inline(r.question.text)
        row = f"| {text_cell} | {r.n} | för få svar för att visa resultat | | |"
        assert row in text


def test_empty_session_is_valid() -> None:
    record = demo_session("sv", question_set=handmade_set("sv"))
    record.answers.clear()
    record.tallies.clear()
    record.notes.clear()
    record.needs.clear()
    record.actions.clear()
    record.approved.clear()
    record.polls.clear()
    text = render_markdown(PlanSource(record))
    assert lint(text) == []
    assert "Inga åtgärder ännu." in text
    # No one answered the survey: the byline gives no count rather than "0 deltagare".
    assert "deltagare" not in text.splitlines()[2]
    assert re.match(r"\d+ \w+ \d{4} · frågeset ", text.splitlines()[2])
    assert "Bestäm när vi mäter igen" in text


def test_catalog_complete_and_formats() -> None:
    assert messages.missing() == {}
    for lang, table in MESSAGES.items():
        for key, text in table.items():
            fields = re.findall(r"{(\w+)}", text)
            assert messages(key, lang, **{f: "x" for f in fields}) if fields else text


def test_sparkline() -> None:
    assert sparkline((0, 1, 2, 4, 0)) == "▁▃▅█▁"
    assert sparkline(None) == ""


# ---------------------------------------------------------------- hostile text

HOSTILE = [
    "[@click=app.quit]x[/]",
    "<script>alert(1)</script>",
    "[klick](javascript:alert(1))",
    "](javascript:..)",
    "| a | b |",
    "# heading",
    "\x1b[31mred\x1b]0;title\x07 \x9b2J",
    "https://evil.example/x www.evil.se evil.com mail@evil.se",
    "x" * 10_000,
    "مرحبا بالعالم \u202egnp.exe\u202c",
    "🎉👩‍👩‍👧 emoji",
    "line one\nline two\n\n- item\n1. one\n> quote\n    code\n---\n===",
    "![img](http://evil.example/y.png)",
    "<img src=x onerror=alert(1)>",
    "&lt;b&gt; &amp; &#60;",
    "`code` **b** _i_ ~~s~~ $x$",
    "<!-- comment -->",
    "\\",
    "1) first",
    "+ plus",
    "<https://evil.example>",
    "[ref]: https://evil.example",
    "*",
]


def hostile_record(lang: str = "sv") -> SessionRecord:
    """Every text that reaches the export, from the set to the notes, made hostile."""
    h = iter(HOSTILE * 20)
    base = handmade_set(lang)
    steps = []
    for step in base.steps:
        items = []
        for item in step.items:
            if isinstance(item, Prompt):
                items.append(replace(item, text=next(h)))
            elif isinstance(item, Question):
                options = tuple(replace(o, label=next(h)) for o in item.options)
                items.append(replace(item, text=next(h), options=options))
        steps.append(Step(step.number, next(h), tuple(items)))
    qset = QuestionSet(
        id=base.id,
        version=next(h),
        lang=base.lang,
        title=next(h),
        description=next(h),
        steps=tuple(steps),
        dimensions=tuple(Dimension(d.id, next(h), d.part) for d in base.dimensions),
    )
    record = demo_session(lang, question_set=qset)
    record.info = replace(record.info, title=next(h))
    for item in qset.items:
        record.notes[item.id] = "\n".join(HOSTILE)
    record.needs = [
        Need(f"n{i}", NeedKind.COMPETENCE if i % 2 else NeedKind.CHANGE, text, "everyday")
        for i, text in enumerate(HOSTILE)
    ]
    record.actions = [
        ActionItem(
            f"a{i}",
            text,
            owner=next(h),
            due=next(h),
            priority=Priority.HIGH,
            follow_up=next(h),
            need=f"n{i}",
        )
        for i, text in enumerate(HOSTILE)
    ]
    poll_texts = iter(HOSTILE)
    record.polls = [
        replace(
            p, text=next(poll_texts), options=tuple(replace(o, label=next(h)) for o in p.options)
        )
        for p in record.polls
    ]
    record.polls.append(
        Question(id="poll.hostile", kind=Kind.TEXT, text=next(h)),
    )
    record.answers["poll.hostile"] = list(HOSTILE)
    record.approved["poll.hostile"] = list(HOSTILE)
    record.approved["poll.3"] = list(HOSTILE)
    record.polls.append(
        Question(
            id="poll.hostile2",
            kind=Kind.SINGLE,
            text="Hostile options",
            options=tuple(Option(f"o{i}", text) for i, text in enumerate(HOSTILE)),
        )
    )
    record.answers["poll.hostile2"] = [f"o{i}" for i in range(len(HOSTILE))]
    return record


def _check_safe(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
    assert "\u202e" not in text and "\u202c" not in text
    all_tokens = tokens(text)
    kinds = [t.type for t in all_tokens]
    forbidden = {
        "html_inline",
        "html_block",
        "link_open",
        "image",
        "code_inline",
        "code_block",
        "fence",
        "s_open",
        "blockquote_open",
        "hr",
        "ordered_list_open",
        "em_open",
    }
    assert not forbidden & set(kinds), forbidden & set(kinds)
    # Bold only where the plan leads a line (the summary's labels, a prompt's text): never
    # from the text itself.
    assert kinds.count("strong_open") == len(re.findall(r"^- \*\*", text, re.M))
    assert [t.tag for t in all_tokens if t.type == "heading_open"].count("h1") == 1
    # Every table row has as many cells as its header.
    width = None
    for t in all_tokens:
        if t.type == "thead_open":
            width = None
        if t.type == "tr_open":
            cells = 0
        if t.type in ("th_open", "td_open"):
            cells += 1
        if t.type == "tr_close":
            width = width or cells
            assert cells == width
    rendered = html(text)
    for needle in ("<script", "<img", "<a ", "<iframe", "<!--", 'javascript:alert(1)"', "href="):
        assert needle not in rendered


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_hostile_text_everywhere(lang: str) -> None:
    record = hostile_record(lang)
    text = render_markdown(PlanSource(record, hostile_record(lang)))
    _check_safe(text)
    assert lint(text) == []
    rendered = html(text)
    # The texts survive as text: escaped, not dropped.
    for literal in (
        "[@click=app.quit]x[/]",
        "| a | b |",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "🎉",
    ):
        assert literal in rendered
    assert "x" * 10_000 in text


def test_hostile_chart_paths_are_encoded() -> None:
    record = demo_session("sv", question_set=handmade_set("sv"))
    text = render_markdown(PlanSource(record), charts={"dimensions": "my plan-charts/a b).svg"})
    assert "![Diagram: medelvärde per område](my%20plan-charts/a%20b%29.svg)" in text
    assert lint(text) == []


# ---------------------------------------------------------------- the threshold, for any session


def _mutate_hidden(record: SessionRecord, data: Any) -> SessionRecord:
    """The same session with different answers to every hidden question, same counts."""
    ov = R.overview(record)
    answers = {k: list(v) for k, v in record.answers.items()}
    approved = {k: list(v) for k, v in record.approved.items()}
    for r in ov.questions.values():
        if r.shown:
            continue
        qid = r.id
        current = answers.get(qid, [])
        values = [o.value for o in r.question.options]
        if r.kind in (Kind.SCALE, Kind.SINGLE):
            valid = [v for v in current if R._match_option(r.question, v) is not None]
            answers[qid] = [data.draw(st.sampled_from(values)) for _ in valid]
        elif r.kind is Kind.MULTIPLE:
            answers[qid] = [
                data.draw(st.lists(st.sampled_from(values), unique=True))
                for v in current
                if isinstance(v, list)
            ]
        elif r.kind is Kind.DOTS:
            answers[qid] = [
                data.draw(st.dictionaries(st.sampled_from(values), st.integers(1, 2), max_size=1))
                for v in current
                if isinstance(v, dict)
            ]
        elif r.kind is Kind.TEXT:
            answers[qid] = [f"other {i}" for i in range(len(current))]
            approved[qid] = [f"secret {i}" for i in range(len(approved.get(qid, [])))]
    return replace(record, answers=answers, approved=approved)


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(random_records(), st.data())
def test_hidden_answers_change_nothing_in_markdown(record: SessionRecord, data: Any) -> None:
    other = _mutate_hidden(record, data)
    assert render_markdown(PlanSource(record)) == render_markdown(PlanSource(other))
    text = render_markdown(PlanSource(record))
    for r in R.overview(record).questions.values():
        if not r.shown:
            # Choice options carry unique labels ("Label single A") that only a result shows.
            for option in r.question.options:
                if option.label.startswith("Label "):
                    assert option.label not in text


@settings(max_examples=8, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(random_records())
def test_random_sessions_lint_clean(record: SessionRecord) -> None:
    text = render_markdown(PlanSource(record))
    assert lint(text) == []


def test_domains_in_any_script_never_become_links() -> None:
    from markdown_it import MarkdownIt

    from mognad_tui.export.escape import inline

    md = MarkdownIt("gfm-like", {"linkify": True})
    for text in ("bä.com/login", "besök på.se", "σ.com", "www.exempel.se", "https://x.se"):
        html = md.render(inline(text))
        assert "<a " not in html, (text, html)
    assert "2,9" in md.render(inline("medel 2,9"))


# ---------------------------------------------------------------- tables that survive Word


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="needs pandoc (.ci/run installs it)")
def test_pandoc_gives_the_statement_column_forty_percent(tmp_path: Path) -> None:
    """``pandoc plan.md -o plan.docx``: every survey table's statement column gets at least
    40 % of the table's width, and the action column is the actions table's widest."""
    import docx

    source = tmp_path / "plan.md"
    record = decided_session("sv", question_set=builtin_set("sv"))
    source.write_text(render_markdown(PlanSource(record)), encoding="utf-8")
    subprocess.run(["pandoc", str(source), "-o", str(tmp_path / "plan.docx")], check=True)
    tables = docx.Document(str(tmp_path / "plan.docx")).tables
    statement = [t for t in tables if t.rows[0].cells[0].text == "Påstående"]
    assert statement
    for table in statement:
        grid = table._tbl.tblGrid.findall(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}gridCol"
        )
        widths = [
            int(g.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}w"))
            for g in grid
        ]
        assert widths[0] / sum(widths) >= 0.4, widths
