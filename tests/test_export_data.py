"""JSON and CSV exports: the contract, the threshold, Swedish spreadsheets, hostile text."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))

from fixtures_sessions import (
    choice_question,
    demo_session,
    handmade_set,
    importance_question,
    previous_session,
    random_records,
    scale_question,
    tiny_record,
)
from test_export_markdown import _mutate_hidden, hostile_record

from mognad_tui import results as R
from mognad_tui.export.csv_export import ENCODING, export_csv
from mognad_tui.export.json_export import SCHEMA, export_json
from mognad_tui.model import DONT_KNOW, Dimension, Kind, Question, SessionRecord

FIGURE_KEYS = {
    "distribution",
    "dont_know",
    "valued",
    "median",
    "mean",
    "spread",
    "disagreement",
    "disagrees",
    "all_alike",
    "approved_texts",
}


def _rows(text: str, lang: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=";" if lang == "sv" else ","))


# ---------------------------------------------------------------- JSON


def test_json_contract() -> None:
    record = demo_session("sv")
    data = export_json(record, previous_session("sv"))
    assert data["schema"] == SCHEMA == 1
    text = json.dumps(data, ensure_ascii=False)
    assert json.loads(text) == data
    assert '"4821"' not in text and "join_code" not in text  # no join code, nothing secret
    assert data["session"]["threshold"] == 3 and data["session"]["set"]["id"] == "digital-mognad"
    ids = [q["id"] for q in data["questions"]]
    assert ids == [q.id for q in record.question_set.questions]
    for q in data["questions"] + data["polls"]:
        assert {
            "id",
            "kind",
            "text",
            "answers",
            "dimension",
            "options",
            "tally",
            "n",
            "shown",
        } <= set(q)
        expected = record.answers.get(q["id"], [])
        if q["kind"] == "text":  # unapproved free text never leaves the room
            expected = [t for t in expected if t in record.approved.get(q["id"], [])]
            assert len(q["answers"]) < len(record.answers.get(q["id"], []))
        assert sorted(map(json.dumps, q["answers"])) == sorted(map(json.dumps, expected))
    assert data["needs"][0]["kind"] == "competence" and data["actions"][0]["priority"] == "high"
    assert {n["item"] for n in data["notes"]} <= {i.id for i in record.question_set.items}
    assert "change" in data["summary"]


def test_json_single_answer_is_present_but_no_figures() -> None:
    q = scale_question()
    data = export_json(tiny_record(q, {"q": [4]}))
    (out,) = data["questions"]
    assert out["answers"] == [4] and out["n"] == 1 and out["shown"] is False
    assert not FIGURE_KEYS & set(out)


def test_raw_answers_below_the_threshold_are_marked_in_json_and_raw_csv() -> None:
    q = scale_question()
    few = tiny_record(q, {"q": [4, 2]}, threshold=3)
    (out,) = export_json(few)["questions"]
    assert out["answers"] and out["below_threshold"] is True
    enough = tiny_record(q, {"q": [4, 2, 5]}, threshold=3)
    assert export_json(enough)["questions"][0]["below_threshold"] is False
    # Two phones beside a show of hands: the figures have 12, the raw list still 2 answers.
    hands = tiny_record(q, {"q": [4, 2]}, threshold=3, tallies={"q": {"3": 10}})
    (out,) = export_json(hands)["questions"]
    assert out["shown"] and out["below_threshold"] is True
    for lang, yes, no in (("sv", "ja", "nej"), ("en", "yes", "no")):
        rows = _rows(export_csv(few, lang=lang)[1], lang)
        assert rows[0][2] == ("under_gränsen" if lang == "sv" else "below_threshold")
        assert [r[2] for r in rows[1:]] == [yes, yes]
        rows = _rows(export_csv(enough, lang=lang)[1], lang)
        assert [r[2] for r in rows[1:]] == [no, no, no]


def test_json_answers_not_in_arrival_order() -> None:
    q = scale_question()
    answers = [1, 2, 3, 4, 5, DONT_KNOW, 1, 2, 3, 4, 5, 2, 3]
    data = export_json(tiny_record(q, {"q": answers}))
    out = data["questions"][0]["answers"]
    assert out != answers and sorted(map(str, out)) == sorted(map(str, answers))
    assert export_json(tiny_record(q, {"q": answers[::-1]}))["questions"][0]["answers"] == out


def test_json_figures_match_results() -> None:
    record = demo_session("en")
    ov = R.overview(record)
    for q in export_json(record)["questions"]:
        r = ov.questions[q["id"]]
        assert q["shown"] == r.shown and q["n"] == r.n
        if r.shown and r.mean is not None:
            assert abs(q["mean"] - r.mean) < 1e-4


def _strip_raw(data: dict[str, Any]) -> dict[str, Any]:
    for q in data["questions"] + data["polls"]:
        q.pop("answers")
    return data


# ---------------------------------------------------------------- CSV


def test_csv_swedish_excel() -> None:
    record = demo_session("sv", question_set=handmade_set("sv"))
    summary, raw = export_csv(record)
    assert not summary.startswith("\ufeff") and ENCODING == "utf-8-sig"
    assert summary.encode(ENCODING).startswith(b"\xef\xbb\xbf")
    rows = _rows(summary, "sv")
    assert rows[0][:6] == ["fråga", "typ", "område", "text", "antal_svar", "visas"]
    by_id = {row[0]: row for row in rows[1:]}
    ov = R.overview(record)
    first = ov.questions["everyday.1"]
    row = by_id["everyday.1"]
    assert row[8] == f"{first.mean:.2f}".replace(".", ",") and "." not in row[8]
    assert "Känner inte till" in row[12]  # Swedish characters intact
    hidden = next(r for r in ov.questions.values() if not r.shown)
    assert by_id[hidden.id][5] == "nej" and by_id[hidden.id][6:] == [""] * 7
    raw_rows = _rows(raw, "sv")
    assert raw_rows[0] == ["fråga", "svar", "under_gränsen"]
    unapproved = sum(
        1
        for q, texts in record.answers.items()
        for t in texts
        if record.question(q).kind.value == "text" and t not in record.approved.get(q, [])
    )
    assert unapproved and "Ej godkänd" not in raw
    assert len(raw_rows) - 1 == sum(len(v) for v in record.answers.values()) - unapproved
    # A multiple choice is its options joined in their order; dots are option=count pairs.
    by_question: dict[str, list[str]] = {}
    for question, answer, _ in raw_rows[1:]:
        by_question.setdefault(question, []).append(answer)
    assert sorted(by_question["poll.2"]) == ["", "mail", "mail|chat", "mail|chat", "mail|paper"]
    assert sorted(by_question["poll.4"]) == [
        "learning-time=1|phishing=2",
        "learning-time=2|equipment=1",
        "learning-time=3",
        "phishing=2|equipment=1",
    ]


def test_csv_english() -> None:
    summary, _ = export_csv(demo_session("sv", question_set=handmade_set("sv")), lang="en")
    rows = _rows(summary, "en")
    assert rows[0][:2] == ["question", "kind"]
    means = [r[8] for r in rows[1:] if r[8]]
    assert means and all("," not in m and "." in m for m in means)


def test_csv_hostile_text_cannot_run_formulas() -> None:
    record = hostile_record("sv")
    record.approved["poll.3"] = ['=HYPERLINK("http://evil")', "+1", "-2", "@SUM(A1)"]
    record.answers["poll.3"] = list(record.approved["poll.3"])
    summary, raw = export_csv(record)
    for text in (summary, raw):
        for row in _rows(text, "sv"):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
                assert "\x1b" not in cell
    assert "'=HYPERLINK" in raw


def test_csv_hostile_option_values_in_choices_and_dots_cannot_run_formulas() -> None:
    """A question set file may give an option any text as its value: a multiple choice's
    joined values and a dot vote's ``option=n`` pairs are cells of the raw file too."""
    record = hostile_record("sv")
    record.answers["poll.2"] = [['=HYPERLINK("http://evil")', "mail"], ["+1", "chat"]]
    record.answers["poll.4"] = [{"@SUM(A1)": 2, "phishing": 1}, {"-2": 3}]
    _, raw = export_csv(record)
    cells = {row[0]: [] for row in _rows(raw, "sv")}
    for question, value, _ in _rows(raw, "sv")[1:]:
        cells[question].append(value)
    assert sorted(cells["poll.2"]) == ["'+1|chat", '\'=HYPERLINK("http://evil")|mail']
    assert sorted(cells["poll.4"]) == ["'-2=3", "'@SUM(A1)=2|phishing=1"]


def test_csv_hostile_ids_from_an_edited_session_folder_cannot_run_formulas() -> None:
    """The loader allows only plain ids, but a session folder someone edited is read back
    without it: a question id or a dimension there is a cell of both files too."""
    question = scale_question("=1+1", dimension="@SUM(A1)")
    record = tiny_record(
        question, {"=1+1": [2, 3, 4]}, dimensions=(Dimension("@SUM(A1)", "Område", ""),)
    )
    summary, raw = export_csv(record)
    (row,) = _rows(summary, "sv")[1:]
    assert row[:3] == ["'=1+1", "scale", "'@SUM(A1)"]
    assert {r[0] for r in _rows(raw, "sv")[1:]} == {"'=1+1"}


def test_csv_summary_has_a_full_row_for_every_question_even_after_a_hidden_one() -> None:
    """Each question's row says which area and statement it is and carries its figures as the
    spreadsheet's language writes them, a question below the threshold does not cut the rows
    after it, and a free text's approved answers all reach the cell."""
    long_texts = [f"Svar {i}: " + "mer tid för utbildning " * 12 for i in range(4)]
    questions = [
        scale_question("hidden", dimension="d1"),
        scale_question("scale", dimension="d2"),
        scale_question("alike"),
        choice_question("choice"),
        Question("free", Kind.TEXT, "Vad vill ni behålla?"),
    ]
    record = tiny_record(
        questions,
        {
            "hidden": [4, 2],
            "scale": [4, 2, 5, 3, DONT_KNOW],
            "alike": [3, 3, 3],
            "choice": ["a", "b", "a"],
            "free": list(long_texts),
        },
        approved={"free": list(long_texts)},
        dimensions=(Dimension("d1", "Ett"), Dimension("d2", "Två")),
    )
    # 4, 2, 5, 3 and one "don't know": median 3.5, mean 3.50, standard deviation 1.12.
    for lang, figures, alike in (
        ("sv", ["1", "3,5", "3,50", "1,12", "0,56", "nej"], "ja"),
        ("en", ["1", "3.5", "3.50", "1.12", "0.56", "no"], "yes"),
    ):
        rows = _rows(export_csv(record, lang=lang)[0], lang)
        assert [row[0] for row in rows[1:]] == ["hidden", "scale", "alike", "choice", "free"]
        by_id = {row[0]: row for row in rows[1:]}
        for q in questions:
            assert by_id[q.id][2:4] == [q.dimension or "", q.text]
        assert by_id["scale"][6:12] == figures
        assert by_id["alike"][11] == alike
        assert by_id["choice"][6] == ""  # a choice has no "don't know" at all
        # How many answered, and each option's count in the order the question lists them.
        assert [by_id[q][4] for q in ("scale", "alike", "choice")] == ["5", "3", "3"]
        assert by_id["choice"][12] == "Label choice A: 2 | Label choice B: 1 | Label choice C: 0"
        assert by_id["free"][6:12] == [""] * 6  # free texts have no figures, "alike" neither
        cell = by_id["free"][12]
        assert sorted(cell.split(" | ")) == sorted(text.strip() for text in long_texts)


#: Formula starts a spreadsheet runs, full-width forms included (some locales take them too).
_FORMULA_CHARS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_OTHER_SEPARATOR_TEXTS = [
    "Bra möte,=4+4",
    "ok;=4+4",
    'ok; =HYPERLINK("http://evil")',
    'a,"+1',
    'a;"@SUM(A1)',
    "x, -2, y",
    "ett\u00a0;\u00a0＝1+1",
    "＋1",
]


def test_csv_formula_after_the_other_separator_is_neutralised() -> None:
    """Opened with ``,``, ``;`` or tabs as separator, no cell of either file starts a formula."""
    for lang in ("sv", "en"):
        record = hostile_record(lang)
        record.approved["poll.3"] = list(_OTHER_SEPARATOR_TEXTS)
        record.answers["poll.3"] = list(_OTHER_SEPARATOR_TEXTS)
        record.approved["t1"] = list(_OTHER_SEPARATOR_TEXTS)
        record.answers["t1"] = list(_OTHER_SEPARATOR_TEXTS)
        summary, raw = export_csv(record)
        assert "Bra möte,'=4+4" in raw and "ok;'=4+4" in raw
        for text in (summary, raw):
            assert text.startswith('"')  # every field quoted
            # No field holds a line break, so each line is read alone, as a spreadsheet set to
            # the wrong separator does (a whole-text parse would let a stray quote run on).
            for delimiter in (";", ",", "\t"):
                for line in text.splitlines():
                    for cell in next(csv.reader([line], delimiter=delimiter)):
                        assert not cell.lstrip(' "\u00a0').startswith(_FORMULA_CHARS), (
                            lang,
                            delimiter,
                            cell,
                        )


# ---------------------------------------------------------------- threshold, any session


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(random_records(), st.data())
def test_hidden_answers_change_no_figures(record: SessionRecord, data: Any) -> None:
    other = _mutate_hidden(record, data)
    assert _strip_raw(export_json(record)) == _strip_raw(export_json(other))
    assert export_csv(record)[0] == export_csv(other)[0]
    exported = export_json(record)
    for q in exported["questions"]:
        if not q["shown"]:
            assert not FIGURE_KEYS & set(q)
    for row in _rows(export_csv(record)[0], "sv")[1:]:
        if row[5] == "nej":
            assert row[6:] == [""] * 7


def test_json_gives_an_item_s_importance_with_its_count_shown_or_hidden() -> None:
    """The importance block of an item: how many rated it always, the ratings only at or
    above the threshold."""
    item = scale_question("x")
    ratings = {"x": [1, 2, 2], "x.importance": ["high", "medium", "low"]}
    record = tiny_record([item, importance_question(item)], ratings)
    (out,) = [q for q in export_json(record)["questions"] if q["id"] == "x"]
    assert out["importance"] == {
        "n": 3,
        "shown": True,
        "low": 1,
        "medium": 1,
        "high": 1,
        "weight": 0.5,
        "important": True,
    }
    record.answers["x.importance"] = ["high", "high"]
    (out,) = [q for q in export_json(record)["questions"] if q["id"] == "x"]
    assert out["importance"] == {"n": 2, "shown": False}
