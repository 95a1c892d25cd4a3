"""The domain rules every face relies on: what an answer may be, and what text may hold."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mognad_tui.i18n import Catalog, format_date, format_number, format_percent, resolve_lang
from mognad_tui.model import (
    DONT_KNOW,
    ActionItem,
    ActionStatus,
    Kind,
    Need,
    NeedKind,
    Option,
    Priority,
    Prompt,
    Question,
    QuestionSet,
    SessionInfo,
    Step,
    clean_text,
)

SCALE = Question(
    "q1",
    Kind.SCALE,
    "Vi hittar information",
    (*tuple(Option(n, f"L{n}") for n in range(1, 6)), Option(DONT_KNOW, "Vet ej")),
    dimension="vardag",
)


def test_scale_accepts_points_and_dont_know_and_form_strings():
    assert SCALE.validate_value(3) == 3
    assert SCALE.validate_value("4") == 4  # a plain HTML form posts strings
    assert SCALE.validate_value(DONT_KNOW) == DONT_KNOW
    assert SCALE.scale_values == (1, 2, 3, 4, 5)
    for bad in (0, 6, True, None, [3], {"a": 1}, "3.0", 3.5):
        with pytest.raises(ValueError):
            SCALE.validate_value(bad)


def test_multiple_choice_dedupes_and_keeps_option_order():
    q = Question(
        "m", Kind.MULTIPLE, "Vilka?", (Option("a", "A"), Option("b", "B"), Option("c", "C"))
    )
    assert q.validate_value(["c", "a", "c"]) == ["a", "c"]
    assert q.validate_value([]) == []
    for bad in ("a", ["x"], [True], None):
        with pytest.raises(ValueError):
            q.validate_value(bad)


def test_dot_voting_spends_at_most_the_dots():
    q = Question("d", Kind.DOTS, "Prioritera", (Option("a", "A"), Option("b", "B")), dots=3)
    assert q.validate_value({"a": 2, "b": 1}) == {"a": 2, "b": 1}
    with pytest.raises(ValueError, match="empty"):
        q.validate_value({"a": 0})
    with pytest.raises(ValueError, match="too_many_dots"):
        q.validate_value({"a": 3, "b": 1})
    for bad in ({"x": 1}, {"a": -1}, {"a": 1.5}, {"a": True}, ["a"]):
        with pytest.raises(ValueError):
            q.validate_value(bad)


def test_free_text_is_cleaned_and_capped():
    q = Question("t", Kind.TEXT, "Tankar?", max_length=20)
    assert q.validate_value("  hej\x1b[2J  då \u202e ") == "hej[2J då"
    assert len(q.validate_value("x" * 10_000)) == 20
    with pytest.raises(ValueError, match="empty"):
        q.validate_value("\x00\x07 ")


@given(st.text())
def test_clean_text_never_leaves_control_or_format_characters(text):
    import unicodedata

    cleaned = clean_text(text, 500)
    assert len(cleaned) <= 500 and clean_text(cleaned, 500) == cleaned
    assert not any(unicodedata.category(ch).startswith("C") for ch in cleaned)


def test_notes_keep_their_lines():
    assert clean_text("a\nb\tc\x1b", 100, multiline=True) == "a\nb\tc"


def test_question_set_round_trips_through_plain_dicts():
    qset = QuestionSet(
        id="x",
        version="1",
        lang="sv",
        title="X",
        description="",
        steps=(
            Step(1, "Dialog", (Prompt("p1", "Vad betyder digitalt först?", "hjälp", 10),)),
            Step(2, "Enkät", (SCALE,)),
        ),
    )
    assert QuestionSet.from_dict(qset.to_dict()) == qset
    assert qset.survey == (SCALE,)
    assert qset.step_of("q1").number == 2


def test_needs_actions_and_info_round_trip():
    need = Need("n1", NeedKind.COMPETENCE, "Excel", "vardag")
    assert Need.from_dict(need.to_dict()) == need
    action = ActionItem(
        "a1", "Kurs", "Eva", "2027-03-01", ActionStatus.DONE, Priority.HIGH, "", "n1"
    )
    assert ActionItem.from_dict(action.to_dict()) == action
    info = SessionInfo("n", "N", "2026-11-26", "digital-mognad", "sv")
    assert SessionInfo.from_dict({**info.to_dict(), "unknown_later_field": 1}) == info


def test_numbers_and_dates_follow_the_language(monkeypatch):
    assert format_number(2.94, "sv") == "2,9" and format_number(2.94, "en") == "2.9"
    assert format_percent(0.12, "sv").replace("\xa0", " ") == "12 %"
    assert format_percent(0.12, "en") == "12%"
    assert format_date("2026-11-26", "sv") == "26 november 2026"
    assert format_date("2026-11-26", "en") == "26 November 2026"
    monkeypatch.setenv("MOGNAD_LANG", "en")
    assert resolve_lang(None) == "en" and resolve_lang("sv") == "sv"
    monkeypatch.setenv("MOGNAD_LANG", "fr")
    assert resolve_lang(None) == "sv"


def test_every_catalogue_is_complete_in_both_languages():
    import importlib
    import pkgutil

    import mognad_tui

    catalogues = []
    for mod in pkgutil.walk_packages(mognad_tui.__path__, "mognad_tui."):
        if mod.name.startswith(("mognad_tui.tui", "mognad_tui.web.server")):
            continue  # imported by their own tests; importing Textual here is slow
        module = importlib.import_module(mod.name)
        catalogues += [v for v in vars(module).values() if isinstance(v, Catalog)]
    assert catalogues
    for catalogue in catalogues:
        assert catalogue.missing() == {}, catalogue.missing()


def test_what_each_kind_allows_is_decided_on_kind():
    """Tallies, keyboard votes, per-option counts and one-choice answers, one table for all."""
    by_rule = {
        "one_choice": {Kind.SCALE, Kind.SINGLE},
        "tallied": {Kind.SCALE, Kind.SINGLE, Kind.MULTIPLE},
        "typed_privately": {Kind.SCALE, Kind.SINGLE, Kind.MULTIPLE, Kind.TEXT},
        "counted": {Kind.SCALE, Kind.SINGLE, Kind.MULTIPLE, Kind.DOTS},
    }
    for rule, kinds in by_rule.items():
        assert {k for k in Kind if getattr(k, rule)} == kinds, rule
