"""A follow-up across versions of a set (issue 15, item 4).

A group measured with version 1.0 of the built-in set measures again with version 2.0. Only
the questions both sessions asked (the same id) are compared, dimensions included; the new
questions and the dropped ones are named, when the follow-up is made and in the export. The
1.0 session keeps its frozen copy and stays readable after the set file changed.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from fixtures_sessions import scale_question, tiny_record
from test_cli import mognad

from mognad_tui import results as R
from mognad_tui.model import Dimension

FOLLOW_UP = Path(__file__).parent / "data" / "follow_up"
V1 = Path(__file__).parent / "fixtures" / "digital-mognad-1.0.sv.yaml"  # the built-in 1.0
V2 = FOLLOW_UP / "digital-mognad-2.0-like.sv.yaml"


def test_only_shared_questions_are_compared() -> None:
    dim = (Dimension("d", "Vardag", "A"),)
    before = tiny_record(
        [scale_question(i, "d") for i in ("kept1", "kept2", "old")],
        {"kept1": [2, 2, 2], "kept2": [3, 3, 3], "old": [1, 1, 1]},
        dimensions=dim,
        name="förra",
    )
    after = tiny_record(
        [scale_question(i, "d") for i in ("kept1", "kept2", "new")],
        {"kept1": [3, 3, 3], "kept2": [4, 4, 4], "new": [5, 5, 5]},
        dimensions=dim,
    )
    comparison = R.compare(after, before)
    # Over the shared items the area went from 2.5 to 3.5; over all its items it would seem
    # to go from 2.0 to 4.0, a change made by the new and the dropped question alone.
    (area,) = comparison.dimensions
    assert (area.before, area.after, area.delta) == (2.5, 3.5, 1.0)
    assert [c.id for c in comparison.items] == ["kept1", "kept2"]
    assert [q.id for q in comparison.new_items] == ["new"]
    assert [q.id for q in comparison.dropped_items] == ["old"]
    # The overview of the session itself still scores the area on all its items.
    (now,) = R.overview(after, before).dimensions
    assert now.score == 4.0


def test_the_same_set_has_nothing_new() -> None:
    record = tiny_record(scale_question("q", None), {"q": [1, 2, 3]})
    comparison = R.compare(record, record)
    assert comparison.new_items == () and comparison.dropped_items == ()


NEW = ("df-annan-vag", "fs-tid", "fs-pengar")
DROPPED = ("df-mindre-papper", "fs-tid-pengar")


def test_follow_up_from_a_1_0_session_to_a_2_0_one(tmp_path: Path) -> None:
    data = tmp_path / "sessions"
    work = tmp_path / "work"
    work.mkdir()
    own_set = work / "digital-mognad.sv.yaml"
    shutil.copy(V1, own_set)
    first = mognad("new", "--name", "Enhet Nord", "--set", str(own_set), "--data-dir", str(data))
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "enhet-nord"
    # The facilitator's file moves on to version 2.0; the 1.0 session keeps its frozen copy.
    shutil.copy(V2, own_set)

    second = mognad(
        "new",
        "--name",
        "Enhet Nord",
        "--set",
        str(own_set),
        "--follow-up",
        "enhet-nord",
        "--data-dir",
        str(data),
    )
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "enhet-nord-2"  # stdout stays the name alone
    said = second.stderr
    assert "version 1.0, nu 2.0" in said
    assert "Nya frågor sedan förra mätningen (3):" in said
    assert "Frågor som inte finns med längre (2):" in said
    for item_id in NEW + DROPPED:
        assert f"  {item_id}: " in said
    assert "fs-tid: Vi har tid att utveckla vårt arbete digitalt." in said
    assert "vardag-information" not in said  # kept: not listed

    md = mognad("export", "enhet-nord-2", "--format", "md", "--data-dir", str(data))
    assert md.returncode == 0, md.stderr
    text = md.stdout
    assert "Frågesetet har ändrats sedan dess" in text
    new_part = text.split("Nya frågor sedan förra mätningen:", 1)[1]
    new_part, dropped_part = new_part.split("Frågor som inte finns med längre:", 1)
    assert "- Vi har tid att utveckla vårt arbete digitalt." in new_part
    assert "- Det finns pengar för de digitala förändringar vi behöver." in new_part
    assert "- Vi har tid och pengar för att utveckla vårt arbete digitalt." in dropped_part

    exported = mognad("export", "enhet-nord-2", "--format", "json", "--data-dir", str(data))
    change = json.loads(exported.stdout)["summary"]["change"]
    assert change["new_items"] == ["df-annan-vag", "fs-tid", "fs-pengar"]
    assert change["dropped_items"] == ["df-mindre-papper", "fs-tid-pengar"]
    assert {c["id"] for c in change["items"]}.isdisjoint(NEW + DROPPED)

    # Version 1.0's session still opens with its own questions, after the file changed.
    old = mognad("export", "enhet-nord", "--format", "json", "--data-dir", str(data))
    assert old.returncode == 0, old.stderr
    ids = {q["id"] for q in json.loads(old.stdout)["questions"]}
    assert set(DROPPED) <= ids and not set(NEW) & ids


def test_follow_up_in_english(tmp_path: Path) -> None:
    data = tmp_path / "sessions"
    assert mognad("new", "--name", "A", "--set", str(V1), "--data-dir", str(data)).returncode == 0
    second = mognad(
        "new", "--lang", "en", "--name", "A", "--set", str(V2), "--follow-up", "a",
        "--data-dir", str(data),
    )  # fmt: skip
    assert second.returncode == 0, second.stderr
    assert "New questions since the last measurement (3):" in second.stderr
    assert "Questions no longer asked (2):" in second.stderr


def test_a_follow_up_on_the_same_set_says_nothing_more(tmp_path: Path) -> None:
    data = tmp_path / "sessions"
    assert mognad("new", "--name", "A", "--set", str(V1), "--data-dir", str(data)).returncode == 0
    second = mognad(
        "new", "--name", "A", "--set", str(V1), "--follow-up", "a", "--data-dir", str(data)
    )
    assert second.returncode == 0 and second.stderr == ""


def test_follow_up_from_the_built_in_1_0_to_the_built_in_2_0(tmp_path: Path) -> None:
    """The real case: last year's meeting ran on version 1.0; this year's runs on 2.0."""
    data = tmp_path / "sessions"
    assert mognad("new", "--name", "A", "--set", str(V1), "--data-dir", str(data)).returncode == 0
    second = mognad("new", "--name", "A", "--follow-up", "a", "--data-dir", str(data))
    assert second.returncode == 0, second.stderr
    said = second.stderr
    assert "version 1.0, nu 2.0" in said
    assert "Nya frågor sedan förra mätningen" in said and "a-tillganglighet" in said
    assert "Frågor som inte finns med längre" in said
    shared = {"fs-stod", "fs-system"}  # the only survey items that kept meaning, voice, scale
    exported = mognad("export", "a-2", "--format", "json", "--data-dir", str(data))
    change = json.loads(exported.stdout)["summary"]["change"]
    assert {c["id"] for c in change["items"]} <= shared
    assert not shared & set(change["new_items"]) and not shared & set(change["dropped_items"])
