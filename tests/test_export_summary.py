"""The unit's summary for the förvaltning: figures above the threshold only, never raw answers."""

from __future__ import annotations

import json
import statistics
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))

from fixtures_sessions import VALUES, demo_session, random_records, scale_question, tiny_record
from test_cli import _answer, mognad, no_traceback
from test_export_markdown import _mutate_hidden

from mognad_tui import results as R
from mognad_tui.export.json_export import export_json
from mognad_tui.export.summary import FORMAT, VERSION, export_summary
from mognad_tui.model import Dimension, Need, NeedKind, Prerequisite, SessionRecord


def _keys(data: Any) -> set[str]:
    if isinstance(data, dict):
        return set(data) | {k for v in data.values() for k in _keys(v)}
    if isinstance(data, list):
        return {k for v in data for k in _keys(v)}
    return set()


def test_summary_names_its_format_set_unit_date_and_participants() -> None:
    record = demo_session("sv")
    record = replace(record, info=replace(record.info, follow_up="enhet-nord-2025"))
    summary = export_summary(record)
    ov = R.overview(record)
    assert summary["format"] == FORMAT == "mognad-summary" and summary["version"] == VERSION == 1
    assert summary["set"] == {
        "id": record.question_set.id,
        "version": record.question_set.version,
        "title": record.question_set.title,
    }
    assert summary["unit"] == {"name": record.info.title, "session": record.info.name}
    assert summary["date"] == record.info.created
    assert summary["participants"] == ov.participants
    assert summary["follow_up"] == "enhet-nord-2025"
    # Never a raw answer, anywhere.
    assert "answers" not in _keys(summary) and "tally" not in _keys(summary)


def test_the_summary_names_each_area_as_the_json_export_does() -> None:
    # A förvaltning joins a unit's summary with its JSON export by area: both name an area
    # by its id, title and part (A or B) of the set, the same way.
    record = demo_session("sv")

    def named(entries: list[dict[str, Any]]) -> list[tuple[str, str, str | None]]:
        return [(e["id"], e["title"], e["part"]) for e in entries]

    expected = [(d.id, d.title, d.part) for d in record.question_set.dimensions]
    assert {part for _, _, part in expected} == {"A", "B"}
    assert named(export_summary(record)["areas"]) == expected
    assert named(export_json(record)["dimensions"]) == expected


def test_hidden_items_and_areas_carry_no_figure_not_even_a_count() -> None:
    record = demo_session("sv")
    summary = export_summary(record)
    ov = R.overview(record)
    hidden = [i for i in summary["items"] if not i["shown"]]
    shown = [i for i in summary["items"] if i["shown"]]
    assert hidden and shown
    for item in hidden:
        assert set(item) == {"id", "text", "dimension", "shown"}
    for item in shown:
        result = ov.questions[item["id"]]
        assert item["n"] == result.n and item["mean"] == round(result.mean, 4)
    for area in summary["areas"]:
        if not area["shown"]:
            assert set(area) == {"id", "title", "part", "scale", "shown"}


def test_needs_priorities_actions_and_requests_go_to_the_forvaltning() -> None:
    record = demo_session("sv")
    record = replace(
        record,
        needs=[
            *record.needs,
            Need("req1", NeedKind.CHANGE, "Fler datorer i fältet", request=Prerequisite.ECONOMY),
        ],
    )
    summary = export_summary(record)
    assert {n["id"] for n in summary["needs"]} == {n.id for n in record.needs}
    assert {"prerequisite": "economy", "need": "req1", "kind": "change"}.items() <= next(
        r for r in summary["requests"] if r["need"] == "req1"
    ).items()
    live = R.plan_actions(record)
    assert [a["id"] for a in summary["actions"]] == [a.id for a in live]
    assert summary["actions"][0].keys() >= {"what", "owner", "due", "status"}
    assert len(summary["priorities"]) == len(R.plan_priorities(record))


def test_approved_texts_only_when_asked() -> None:
    record = demo_session("sv")
    assert "texts" not in export_summary(record)
    texts = export_summary(record, with_texts=True)["texts"]
    shown = [r for r in R.overview(record).questions.values() if r.texts]
    assert texts and [t["texts"] for t in texts] == [list(r.texts) for r in shown]


# ---------------------------------------------------------------- item 4: no differencing


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(random_records(), st.data())
def test_hidden_answers_change_nothing_in_the_summary(record: SessionRecord, data: Any) -> None:
    other = _mutate_hidden(record, data)
    assert export_summary(record, with_texts=True) == export_summary(other, with_texts=True)


@st.composite
def _area_with_a_hidden_item(draw: Any) -> tuple[SessionRecord, SessionRecord]:
    """One area of three to five items, one of them below the threshold, and the same
    session with any other answers (any number below the threshold) to that item."""
    threshold = draw(st.integers(2, 5))
    size = draw(st.integers(3, 5))
    questions = [scale_question(f"d.{i}", "d") for i in range(size)]
    hidden = draw(st.sampled_from([q.id for q in questions]))
    answers: dict[str, list] = {}
    for q in questions:
        if q.id == hidden:
            answers[q.id] = draw(st.lists(VALUES, max_size=threshold - 1))
        else:
            answers[q.id] = draw(st.lists(VALUES, min_size=threshold, max_size=9))
    record = tiny_record(questions, answers, threshold=threshold, dimensions=(Dimension("d", "D"),))
    other = dict(answers)
    other[hidden] = draw(st.lists(VALUES, max_size=threshold - 1))
    return record, replace(record, answers=other)


@settings(max_examples=80, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(_area_with_a_hidden_item())
def test_an_area_figure_never_gives_away_a_hidden_item(pair: Any) -> None:
    record, other = pair
    summary = export_summary(record)
    # Whatever the hidden item's answers, the summary is the same: nothing to subtract.
    assert summary == export_summary(other)
    (area,) = summary["areas"]
    if area["shown"]:
        # The area says which items it is made of, and its score is theirs alone.
        items = {i["id"]: i for i in summary["items"]}
        assert all(items[i]["shown"] for i in area["items_shown"])
        assert area["items_hidden"] and not set(area["items_hidden"]) & set(area["items_shown"])
        means = [items[i]["mean"] for i in area["items_shown"]]
        assert abs(area["score"] - statistics.fmean(means)) < 1e-3


# ---------------------------------------------------------------- the command


def test_export_summary_command_writes_the_file(tmp_path: Path) -> None:
    data = tmp_path / "d"
    made = mognad("new", "--name", "Enhet Nord", "--data-dir", str(data))
    assert made.returncode == 0, made.stderr
    _answer(data, "enhet-nord", "a-hitta-information", [2, 3, 4, 4])
    _answer(data, "enhet-nord", "a-delade-dokument", [1])
    out = tmp_path / "enhet.json"
    done = mognad(
        "export", "enhet-nord", "--format", "summary", "-o", str(out), "--data-dir", str(data)
    )
    assert done.returncode == 0 and no_traceback(done), done.stderr
    summary = json.loads(out.read_text(encoding="utf-8"))
    assert summary["format"] == "mognad-summary" and summary["unit"]["name"] == "Enhet Nord"
    items = {i["id"]: i for i in summary["items"]}
    assert items["a-hitta-information"]["n"] == 4
    assert items["a-delade-dokument"] == {**items["a-delade-dokument"], "shown": False}
    assert "n" not in items["a-delade-dokument"]
    # The raw-answer warning of the JSON export does not apply: nothing raw is in it.
    assert "tröskel" not in done.stderr.lower()
    wrong = mognad("export", "enhet-nord", "--with-texts", "--data-dir", str(data))
    assert wrong.returncode == 1 and "--with-texts" in wrong.stderr and no_traceback(wrong)
