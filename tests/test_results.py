"""results.py: hand-computed examples, and properties of the anonymity threshold."""

from __future__ import annotations

import math
import statistics
import sys
from dataclasses import fields, replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

sys.path.insert(0, str(Path(__file__).parent))

from fixtures_sessions import (
    demo_session,
    importance_question,
    previous_session,
    random_records,
    scale_question,
    tiny_record,
)

from mognad_tui import results as R
from mognad_tui.model import (
    DONT_KNOW,
    MIN_THRESHOLD,
    ActionItem,
    ActionStatus,
    Dimension,
    Kind,
    Option,
    Priority,
    Question,
    Step,
)

FIGURES = [
    f.name
    for f in fields(R.QuestionResult)
    if f.name not in ("question", "n", "threshold", "shown", "held", "held_for")
]


def choice(
    qid: str = "c", kind: Kind = Kind.SINGLE, options: str = "abc", dots: int = 0
) -> Question:
    return Question(
        id=qid,
        kind=kind,
        text=f"Choice {qid}",
        options=tuple(Option(o, o.upper()) for o in options),
        dots=dots,
    )


# ---------------------------------------------------------------- threshold


def test_below_threshold_only_n() -> None:
    q = scale_question()
    r = R.question_result(tiny_record(q, {"q": [1, 5]}, threshold=3), q)
    assert (r.n, r.shown) == (2, False)
    assert all(getattr(r, name) is None for name in FIGURES)


def test_threshold_never_below_minimum() -> None:
    q = scale_question()
    record = tiny_record(q, {"q": [4]}, threshold=0)
    assert R.threshold_of(record) == MIN_THRESHOLD
    assert not R.question_result(record, q).shown
    assert R.question_result(tiny_record(q, {"q": [4, 4]}, threshold=0), q).shown


def test_exactly_at_threshold_is_shown() -> None:
    q = scale_question()
    assert R.question_result(tiny_record(q, {"q": [1, 2, 3]}, threshold=3), q).shown


# ---------------------------------------------------------------- scale figures


def test_dont_know_counted_but_not_averaged() -> None:
    q = scale_question()
    r = R.question_result(tiny_record(q, {"q": [1, 2, 3, DONT_KNOW]}), q)
    assert r.n == 4 and r.dont_know == 1 and r.valued == 3
    assert r.median == 2 and r.mean == 2
    assert r.spread == pytest.approx(math.sqrt(2 / 3))  # population sd of 1, 2, 3
    assert r.disagreement == pytest.approx(math.sqrt(2 / 3) / 2)  # half the range of 1-5 is 2
    assert not r.disagrees and not r.all_alike
    assert [c.value for c in r.distribution] == [1, 2, 3, 4, 5, DONT_KNOW]
    assert [c.count for c in r.distribution] == [1, 1, 1, 0, 0, 1]
    assert r.distribution[0].share == pytest.approx(0.25)


def test_two_camps_are_full_disagreement() -> None:
    q = scale_question()
    r = R.question_result(tiny_record(q, {"q": [1, 1, 5, 5]}), q)
    assert r.spread == 2 and r.disagreement == 1 and r.disagrees
    assert r.median == 3 and r.mean == 3


def test_all_alike_flags_revealing_results() -> None:
    q = scale_question()
    alike = R.question_result(tiny_record(q, {"q": [4, 4, 4, DONT_KNOW]}), q)
    assert alike.all_alike and alike.spread == 0 and alike.disagreement == 0
    everyone_dont_know = R.question_result(tiny_record(q, {"q": [DONT_KNOW] * 3}), q)
    assert everyone_dont_know.all_alike and everyone_dont_know.mean is None
    assert everyone_dont_know.median is None and everyone_dont_know.spread is None


def test_tallies_are_added_to_every_figure() -> None:
    q = scale_question()
    record = tiny_record(
        q, {"q": [1, 2]}, tallies={"q": {"3": 2, DONT_KNOW: 1, "9": 5, "1": -1, "2": "x"}}
    )
    r = R.question_result(record, q)
    assert r.n == 5  # 2 phones + 3 hands; unknown option, negative and junk counts ignored
    assert [c.count for c in r.distribution] == [1, 1, 2, 0, 0, 1]
    assert r.mean == pytest.approx(2.25) and r.median == 2.5
    assert r.spread == pytest.approx(statistics.pstdev([1, 2, 3, 3]))


def test_tallies_alone_can_reach_threshold() -> None:
    q = scale_question()
    r = R.question_result(tiny_record(q, {}, tallies={"q": {"4": 3}}), q)
    assert r.shown and r.mean == 4 and r.all_alike


def test_string_answers_match_int_options_and_junk_is_ignored() -> None:
    q = scale_question()
    r = R.question_result(tiny_record(q, {"q": ["3", 3, True, "nope", 7]}), q)
    assert r.n == 2 and not r.shown


# ---------------------------------------------------------------- other kinds


def test_single_choice() -> None:
    q = choice()
    r = R.question_result(tiny_record(q, {"c": ["a", "a", "b"]}, tallies={"c": {"c": 1}}), q)
    assert r.n == 4 and [c.count for c in r.distribution] == [2, 1, 1]
    assert r.mean is None and r.dont_know is None and not r.all_alike
    alike = R.question_result(tiny_record(q, {"c": ["b"] * 3}), q)
    assert alike.all_alike


def test_multiple_choice_counts_per_option() -> None:
    q = choice(kind=Kind.MULTIPLE)
    record = tiny_record(q, {"c": [["a", "b"], ["a"], []]}, tallies={"c": {"b": 2}})
    r = R.question_result(record, q)
    # Two raised hands stand for at least two people: n = 3 phones + 2.
    assert r.n == 5
    assert [(c.value, c.count) for c in r.distribution] == [("a", 2), ("b", 3), ("c", 0)]
    assert r.distribution[1].share == pytest.approx(3 / 5)
    assert not r.all_alike
    same = R.question_result(tiny_record(q, {"c": [["a"], ["a"], ["a"]]}), q)
    assert same.all_alike


def test_dot_voting_counts_dots() -> None:
    q = choice(kind=Kind.DOTS, dots=3)
    record = tiny_record(q, {"c": [{"a": 2, "b": 1}, {"a": 3}]}, tallies={"c": {"b": 4}})
    r = R.question_result(record, q)
    assert r.n == 4  # 2 phones + ceil(4 dots / 3 per person)
    assert [(c.value, c.count) for c in r.distribution] == [("a", 5), ("b", 5), ("c", 0)]
    assert r.distribution[0].share == pytest.approx(0.5)


def test_free_text_only_approved_in_stable_shuffled_order() -> None:
    q = Question(id="t", kind=Kind.TEXT, text="Text")
    texts = [f"text {i}" for i in range(12)]
    record = tiny_record(q, {"t": [*texts, "not approved"]}, approved={"t": texts})
    r = R.question_result(record, q)
    assert r.n == 13 and sorted(r.texts) == sorted(texts)
    assert "not approved" not in r.texts
    assert list(r.texts) != texts  # not arrival order
    assert R.question_result(record, q).texts == r.texts  # no reshuffle on repaint
    reversed_arrival = tiny_record(q, {"t": texts}, approved={"t": texts[::-1]})
    assert R.question_result(reversed_arrival, q).texts == r.texts
    record.approved["t"] = [*texts, "late"]
    grown = [t for t in R.question_result(record, q).texts if t != "late"]
    assert grown == list(r.texts)  # a new text does not reorder the old ones
    other_session = tiny_record(q, {"t": texts}, approved={"t": texts}, name="another")
    assert R.question_result(other_session, q).texts != r.texts


def test_shuffled_forgets_arrival_order() -> None:
    values = list(range(20))
    once = R.shuffled(values, "seed")
    assert sorted(once) == values and once != values
    assert R.shuffled(values[::-1], "seed") == once


# ---------------------------------------------------------------- dimensions and overview


def _dimension_record(answers: dict[str, list], threshold: int = 3):
    dims = (
        Dimension("d1", "One"),
        Dimension("d2", "Two"),
        Dimension("d3", "Three"),
        Dimension("d4", "Four"),
    )
    questions = [scale_question(f"{d.id}.{i}", d.id) for d in dims for i in (1, 2)]
    return tiny_record(questions, answers, dimensions=dims, threshold=threshold)


def test_dimension_score_is_mean_of_shown_item_means() -> None:
    record = _dimension_record(
        {
            "d1.1": [1, 1, 1, 1, 1, 1, DONT_KNOW],
            "d1.2": [5, 5, 5],
            "d2.1": [1, 2],
            "d2.2": [3, 3, 4],
        }
    )
    d1, d2, d3, _ = R.dimension_results(record)
    assert d1.shown and d1.score == 3  # (1 + 5) / 2, not the pooled mean 1.0 + ...
    assert d1.n == 7 and d1.histogram == (6, 0, 0, 0, 3)
    assert d1.spread == pytest.approx(statistics.pstdev([1] * 6 + [5] * 3))
    # d2.1 is hidden (2 answers): the score uses d2.2 only, so nothing can be subtracted out.
    assert d2.shown and d2.score == pytest.approx(10 / 3) and d2.histogram == (0, 0, 2, 1, 0)
    assert not d3.shown and d3.n == 0
    assert all(getattr(d3, f) is None for f in ("score", "spread", "disagreement", "histogram"))


def test_strongest_and_weakest_with_ties() -> None:
    record = _dimension_record(
        {"d1.1": [4, 4, 4], "d2.1": [3, 3, 3], "d3.1": [3, 3, 3], "d4.1": [2, 2, 2]}
    )
    ov = R.overview(record)
    # d2 and d3 tie across the cut: neither is named, whatever their order in the set.
    assert [d.id for d in ov.strongest] == ["d1"]
    assert [d.id for d in ov.weakest] == ["d4"]
    flat = R.overview(_dimension_record({f"d{i}.1": [3, 3, 3] for i in range(1, 5)}))
    assert flat.strongest == () and flat.weakest == ()
    clear = R.overview(
        _dimension_record(
            {"d1.1": [5, 5, 5], "d2.1": [4, 4, 4], "d3.1": [2, 2, 2], "d4.1": [1, 1, 1]}
        )
    )
    assert [d.id for d in clear.strongest] == ["d1", "d2"]
    assert [d.id for d in clear.weakest] == ["d4", "d3"]


def test_disagreements_top_three_above_minimum() -> None:
    record = _dimension_record(
        {
            "d1.1": [1, 5, 1, 5],  # 1.0
            "d1.2": [1, 3, 5],  # 0.82
            "d2.1": [2, 4, 2, 4],  # 0.5
            "d2.2": [1, 5, 3, 3],  # 0.71
            "d3.1": [3, 3, 4],  # 0.24: agrees
        }
    )
    ov = R.overview(record)
    assert [r.id for r in ov.disagreements] == ["d1.1", "d1.2", "d2.2"]
    assert all(r.disagreement >= R.DISAGREEMENT_MIN for r in ov.disagreements)


def test_priority_gaps_need_low_score_and_importance() -> None:
    low = scale_question("low", "d1")
    low2 = scale_question("low2", "d1")
    high = scale_question("high", "d1")
    unimportant = scale_question("meh", "d1")
    qs = [
        low,
        importance_question(low),
        low2,
        importance_question(low2),
        high,
        importance_question(high),
        unimportant,
        importance_question(unimportant),
    ]
    record = tiny_record(
        qs,
        {
            "low": [1, 1, 2],
            "low.importance": ["high", "high", "medium"],
            "low2": [2, 2, 3],
            "low2.importance": ["high", "high", "high"],
            "high": [4, 4, 5],
            "high.importance": ["high"] * 3,
            "meh": [1, 1, 1],
            "meh.importance": ["low", "low", "medium"],
        },
        dimensions=(Dimension("d1", "One"),),
    )
    ov = R.overview(record)
    assert [g.item.id for g in ov.gaps] == ["low", "low2"]
    first = ov.gaps[0]
    assert first.importance.weight == pytest.approx(2.5 / 3)
    assert first.priority == pytest.approx((3 - 4 / 3) / 2 * 2.5 / 3)
    assert [r.id for r in ov.weakest_items] == ["meh", "low", "low2"]
    # Companions are not statements: no row, no dimension weight.
    assert [r.id for r in ov.dimensions[0].items] == ["low", "low2", "high", "meh"]


def test_importance_below_threshold_is_hidden() -> None:
    item = scale_question("x")
    record = tiny_record(
        [item, importance_question(item)], {"x": [1, 1, 1], "x.importance": ["high"] * 2}
    )
    imp = R.importance_result(record, "x")
    assert imp is not None and not imp.shown and imp.high is None
    assert R.overview(record).gaps == ()
    assert R.importance_result(record, "nope") is None


def test_participants_and_priorities() -> None:
    record = demo_session("sv")
    ov = R.overview(record)
    survey = {q.id for q in record.question_set.survey}
    assert ov.participants == max(ov.questions[i].n for i in survey) == 9
    assert [a.id for a in ov.priorities] == ["a1", "a2"]  # high, not dropped
    record.actions = [
        ActionItem(f"x{i}", f"Do {i}", priority=Priority.HIGH, status=ActionStatus.PLANNED)
        for i in range(5)
    ]
    assert [a.id for a in R.overview(record).priorities] == ["x0", "x1", "x2"]


# ---------------------------------------------------------------- change since last time


def test_compare_deltas_only_when_both_shown() -> None:
    now = _dimension_record({"d1.1": [4, 4, 4], "d1.2": [3, 3, 3], "d2.1": [5, 5, 5]})
    then = _dimension_record({"d1.1": [2, 2, 2], "d1.2": [3, 3], "d2.1": [1, 1, 1]})
    then.info = replace(then.info, name="then", created="2025-11-20")
    then.actions = [
        ActionItem("p1", "Done thing", status=ActionStatus.DONE),
        ActionItem("p2", "Started thing", status=ActionStatus.STARTED),
    ]
    c = R.compare(now, then)
    items = {x.id: x for x in c.items}
    assert items["d1.1"].delta == 2
    assert items["d1.2"].before is None and items["d1.2"].delta is None  # hidden last time
    assert items["d2.2"].after is None and items["d2.2"].delta is None
    dims = {x.id: x for x in c.dimensions}
    assert dims["d1"].before == 2 and dims["d1"].after == 3.5 and dims["d1"].delta == 1.5
    assert dims["d3"].delta is None
    assert [a.id for a in c.actions_done] == ["p1"] and len(c.previous_actions) == 2
    assert c.previous_created == "2025-11-20"
    assert R.overview(now, then).comparison == c


def test_compare_skips_changed_scales() -> None:
    five = scale_question("q")
    six = replace(five, options=tuple(Option(i, str(i)) for i in range(1, 7)))
    c = R.compare(tiny_record(six, {"q": [6, 6, 6]}), tiny_record(five, {"q": [5, 5, 5]}))
    assert c.items[0].delta is None


def test_demo_session_overview_is_consistent() -> None:
    ov = R.overview(demo_session("sv"), previous_session("sv"))
    assert ov.threshold == 3 and ov.comparison is not None
    hidden = [r for r in ov.questions.values() if not r.shown]
    assert hidden, "the fixture has questions below the threshold"
    for r in hidden:
        assert all(getattr(r, name) is None for name in FIGURES)


# ---------------------------------------------------------------- properties


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(random_records())
def test_nothing_but_n_below_threshold(record) -> None:
    ov = R.overview(record)
    threshold = R.threshold_of(record)
    assert threshold >= MIN_THRESHOLD
    for r in ov.questions.values():
        assert r.shown == (r.n >= threshold)
        if not r.shown:
            assert all(getattr(r, name) is None for name in FIGURES)
        elif r.distribution is not None and r.kind in (Kind.SCALE, Kind.SINGLE):
            assert sum(c.count for c in r.distribution) == r.n
    for d in ov.dimensions:
        shown_items = [r for r in d.items if r.shown and r.mean is not None]
        assert d.shown == bool(shown_items)
        if d.shown:
            assert d.score == pytest.approx(statistics.fmean(r.mean for r in shown_items))
        else:
            assert d.score is None and d.histogram is None
    for g in ov.gaps:
        assert g.item.shown and g.importance.shown
    for r in ov.disagreements + ov.weakest_items:
        assert r.shown


# ---------------------------------------------------------------- found by the mutation run
# Each test below failed with a mutant of results.py applied by hand (tests/MUTATION.md).


def test_dots_spent_alike_in_any_order_say_everyone_spent_them_alike() -> None:
    """Phones post a dot vote's dots as an object whose keys come in any order: the same
    dots in another order are the same choice, so the screen still warns that the result
    shows what each person chose."""
    q = choice(kind=Kind.DOTS, dots=2, options="ab")
    record = tiny_record(q, {"c": [{"a": 1, "b": 1}, {"b": 1, "a": 1}, {"a": 1, "b": 1}]})
    assert R.question_result(record, q).all_alike is True


def test_an_approved_text_its_writer_replaced_leaves_the_screen_and_the_exports() -> None:
    q = Question(id="t", kind=Kind.TEXT, text="Text")
    record = tiny_record(
        q, {"t": ["Wifi", "Kurs i Teams", "Mer tid"]}, approved={"t": ["Kurs", "Wifi"]}
    )
    assert R.question_result(record, q).texts == ("Wifi",)
    assert R.raw_answers(record, q) == ["Wifi"]


def test_the_overview_finds_a_question_s_result_by_its_id() -> None:
    record = _dimension_record({"d1.1": [4, 4, 4]})
    ov = R.overview(record)
    assert ov.question("d1.1") is ov.questions["d1.1"] and ov.question("d1.1").mean == 4
    assert ov.question("no-such-question") is None


def test_an_area_maps_items_on_another_scale_onto_its_first_item_s_scale() -> None:
    """An area whose items use two scales (1-5 and 1-10): each item's mean and points are
    placed on the first item's scale before the area's score and histogram are made."""
    five = scale_question("a", "d1")
    ten = replace(scale_question("b", "d1"), options=tuple(Option(i, str(i)) for i in range(1, 11)))
    record = tiny_record(
        [five, ten], {"a": [5, 5, 5], "b": [7, 7, 10]}, dimensions=(Dimension("d1", "One"),)
    )
    (area,) = R.dimension_results(record)
    # b's mean 8 on 1-10 is 1 + 7/9 * 4 on 1-5; 7 is 1 + 6/9 * 4 (in the fourth bucket).
    assert area.scale == (1, 5)
    assert area.score == pytest.approx((5 + 1 + 7 / 9 * 4) / 2)
    assert area.histogram == (0, 0, 0, 2, 4)
    # The other way round: a's 5 on 1-5 is 10 on b's 1-10 scale.
    flipped = tiny_record(
        [ten, five], {"a": [5, 5, 5], "b": [7, 7, 10]}, dimensions=(Dimension("d1", "One"),)
    )
    (area,) = R.dimension_results(flipped)
    assert area.scale == (1, 10) and area.score == pytest.approx((8 + 10) / 2)


def test_a_hand_written_importance_question_with_dont_know_is_hidden_below_the_threshold() -> None:
    """Three answered the importance of an item, but one said "vet ej": two ratings are fewer
    than the threshold, so the importance is hidden and the item is no priority gap."""
    item = scale_question("x")
    companion = replace(
        importance_question(item),
        options=(*importance_question(item).options, Option(DONT_KNOW, "Vet ej")),
    )
    record = tiny_record(
        [item, companion], {"x": [1, 1, 2], "x.importance": ["high", "high", DONT_KNOW]}
    )
    assert R.question_result(record, companion).shown
    imp = R.importance_result(record, "x")
    assert imp is not None and (imp.n, imp.shown, imp.high, imp.weight) == (3, False, None, None)
    assert R.overview(record).gaps == ()


def test_an_item_rated_important_by_exactly_half_is_no_priority_gap() -> None:
    """Important means a strict majority said medium or high: three of six is no majority."""
    item = scale_question("x")
    ratings = ["high", "medium", "high", "low", "low", "low"]
    record = tiny_record([item, importance_question(item)], {"x": [1] * 6, "x.importance": ratings})
    imp = R.importance_result(record, "x")
    assert (imp.n, imp.shown, imp.important) == (6, True, False)
    assert R.overview(record).gaps == ()
    record.answers["x.importance"] = [*ratings, "medium"]
    assert [g.item.id for g in R.overview(record).gaps] == ["x"]


def test_the_plan_lists_actions_by_their_need_s_rank_then_by_priority() -> None:
    record = demo_session("sv")
    record.needs = [replace(n, rank=None) for n in record.needs]
    record.actions = [
        ActionItem("low", "Low", priority=Priority.LOW),
        ActionItem("high", "High", priority=Priority.HIGH),
        ActionItem("medium", "Medium", priority=Priority.MEDIUM),
        ActionItem("dropped", "Dropped", priority=Priority.HIGH, status=ActionStatus.DROPPED),
    ]
    assert [a.id for a in R.plan_actions(record)] == ["high", "medium", "low"]
    assert [a.id for a in R.plan_priorities(record)] == ["high", "medium", "low"]


def test_a_scale_s_distribution_ends_with_dont_know_under_the_set_s_label() -> None:
    q = scale_question()
    record = tiny_record(q, {"q": [DONT_KNOW, 2, 2]})
    rows = R.question_result(record, q).distribution
    counts = [(c.value, c.count) for c in rows]
    assert counts == [(1, 0), (2, 2), (3, 0), (4, 0), (5, 0), (DONT_KNOW, 1)]
    assert rows[-1].label == q.options[-1].label != DONT_KNOW
    assert [c.share for c in rows] == [0, 2 / 3, 0, 0, 0, 1 / 3]  # an unchosen point is 0 %
    # A scale written without "vet ej" still counts it, last.
    bare = replace(q, options=q.options[:-1])
    rows = R.question_result(tiny_record(bare, {"q": [DONT_KNOW, 2, 2]}), bare).distribution
    assert [(c.value, c.count) for c in rows][-1] == (DONT_KNOW, 1)


def test_a_dot_vote_where_nobody_placed_a_dot_shows_no_share() -> None:
    """An edited session file can hold answers without dots (the meeting refuses them): no
    option may then read as 100 %."""
    q = choice(kind=Kind.DOTS, dots=2, options="ab")
    r = R.question_result(tiny_record(q, {"c": [{"a": 0}, {"b": 0}, {}]}), q)
    assert r.shown and [(c.count, c.share) for c in r.distribution] == [(0, 0), (0, 0)]


def test_an_area_counts_only_its_scale_statements() -> None:
    """A choice question filed under an area is no statement of it: the area's count and
    score are its scale statements' alone."""
    statement = scale_question("s", "d1")
    poll = replace(choice("p"), dimension="d1")
    record = tiny_record(
        [statement, poll],
        {"s": [4, 4, 5], "p": ["a"] * 6},
        dimensions=(Dimension("d1", "One"),),
    )
    (area,) = R.dimension_results(record)
    assert [r.id for r in area.items] == ["s"] and area.n == 3
    assert area.score == pytest.approx(13 / 3)


def test_participants_are_counted_over_the_survey_not_the_quick_polls() -> None:
    record = _dimension_record({"d1.1": [4, 4, 4, 4]})
    record.polls = [choice("poll")]
    record.answers["poll"] = ["a"] * 9
    assert R.overview(record).participants == 4
    assert R.overview(record).question("poll").n == 9


def _versions() -> tuple:
    """Two sessions of one group on two versions of a set: the new version starts with an
    item of its own and changed the scale of area d2's first item."""
    dims = (Dimension("d1", "One"), Dimension("d2", "Two"))
    new = scale_question("new", "d1")
    kept = scale_question("d1.1", "d1")
    six = replace(
        scale_question("d2.1", "d2"), options=tuple(Option(i, str(i)) for i in range(1, 7))
    )
    then_questions = [kept, scale_question("d2.1", "d2")]
    now = tiny_record(
        [new, kept, six],
        {"new": [1, 1, 1], "d1.1": [4, 4, 4], "d2.1": [6, 6, 6]},
        dimensions=dims,
    )
    then = tiny_record(
        then_questions, {"d1.1": [2, 2, 2], "d2.1": [5, 5, 5]}, dimensions=dims, name="then"
    )
    return now, then


def test_a_comparison_across_set_versions_keeps_every_item_after_a_new_one() -> None:
    now, then = _versions()
    c = R.compare(now, then)
    assert c.items == (
        R.Change("d1.1", "Statement d1.1", 2, 4, 2),
        R.Change("d2.1", "Statement d2.1", None, None, None),  # 1-5 then, 1-6 now
    )
    # Area d1 is compared on the item both asked ("new" left out), d2 not at all: its scale
    # changed, and a 1-5 score beside a 1-6 one says nothing.
    assert c.dimensions == (
        R.Change("d1", "One", 2, 4, 2),
        R.Change("d2", "Two", None, None, None),
    )
    assert [q.id for q in c.new_items] == ["new"] and c.previous_name == "then"
    assert R.overview(now, then).comparison == c


def test_answers_as_numbers_match_options_spelled_as_text() -> None:
    """A set edited after the meeting spells its options "1", "2", "3": the answers kept as
    numbers still count for them."""
    q = Question(
        id="c",
        kind=Kind.SINGLE,
        text="?",
        options=tuple(Option(str(i), f"L{i}") for i in (1, 2, 3)),
    )
    r = R.question_result(tiny_record(q, {"c": [1, 2, 2, 3]}), q)
    assert r.n == 4 and [c.count for c in r.distribution] == [1, 2, 1]


def test_a_broken_or_unknown_tally_does_not_stop_the_hands_after_it() -> None:
    q = choice()
    tallies = {"c": {"b": "många", "zzz": 3, "a": 0, "c": 4}}
    r = R.question_result(tiny_record(q, {"c": ["a"]}, tallies=tallies), q)
    assert r.n == 5 and [c.count for c in r.distribution] == [1, 0, 4]


def test_a_zero_tally_keeps_a_dot_vote_that_everyone_spent_alike_alike() -> None:
    """The facilitator counted hands for an option and took them back to 0: no hand was
    raised, so the phones' identical dots still reveal each person's choice."""
    q = choice(kind=Kind.DOTS, dots=2, options="ab")
    record = tiny_record(q, {"c": [{"a": 2}] * 3}, tallies={"c": {"b": 0}})
    r = R.question_result(record, q)
    assert r.n == 3 and r.all_alike is True


def test_answers_of_another_kind_do_not_stop_the_count_after_them() -> None:
    """A set edited after the meeting changed a question's kind: old answers of the other
    shape are not counted, and the answers after them are."""
    multiple = choice(kind=Kind.MULTIPLE)
    r = R.question_result(tiny_record(multiple, {"c": ["a", ["a"], ["b"], ["a", "c"]]}), multiple)
    assert r.n == 3 and [c.count for c in r.distribution] == [2, 1, 1]
    dots = choice(kind=Kind.DOTS, dots=3)
    r = R.question_result(tiny_record(dots, {"c": ["a", {"a": 2}, {"b": 3}, {"c": 1}]}), dots)
    assert r.n == 3 and [c.count for c in r.distribution] == [2, 3, 1]


def test_dots_edited_by_hand_count_only_whole_dots_on_options() -> None:
    """Only a positive whole number of dots on an existing option counts: not a dot on an
    option that is gone, a "2" in quotes, a fraction, true or a zero (which would also make
    identical votes look different)."""
    q = choice(kind=Kind.DOTS, dots=3, options="ab")
    answers = [
        {"zzz": 2, "a": 1},
        {"a": "2", "b": 1.5},
        {"a": 1, "b": True},
        {"a": 1, "b": 0},
    ]
    r = R.question_result(tiny_record(q, {"c": answers}), q)
    assert [(c.value, c.count) for c in r.distribution] == [("a", 3), ("b", 0)]
    assert r.distribution[0].share == 1.0
    assert r.all_alike is False  # the second answer spent nothing
    alike = tiny_record(q, {"c": [{"a": 1, "b": 0}, {"a": 1}, {"a": 1}]})
    assert R.question_result(alike, q).all_alike is True


def test_no_dont_know_is_zero_dont_know() -> None:
    q = scale_question()
    r = R.question_result(tiny_record(q, {"q": [2, 3, 4]}), q)
    assert r.dont_know == 0 and r.valued == 3


def test_a_disagreement_exactly_at_the_minimum_is_a_disagreement() -> None:
    q = scale_question()
    r = R.question_result(tiny_record(q, {"q": [2, 4, 2, 4]}), q)
    assert r.disagreement == R.DISAGREEMENT_MIN and r.disagrees is True


def test_every_shown_result_carries_the_threshold_it_was_judged_by() -> None:
    for kind, answers in (
        (Kind.SINGLE, ["a", "b", "a", "a"]),
        (Kind.MULTIPLE, [["a"], ["b"], ["a", "b"], ["c"]]),
        (Kind.DOTS, [{"a": 1}, {"b": 1}, {"a": 1}, {"c": 1}]),
    ):
        q = choice(kind=kind, dots=1 if kind is Kind.DOTS else 0)
        r = R.question_result(tiny_record(q, {"c": answers}, threshold=4), q)
        assert (r.shown, r.threshold) == (True, 4), kind


def _ten_point(qid: str, dimension: str = "d1") -> Question:
    return replace(
        scale_question(qid, dimension), options=tuple(Option(i, str(i)) for i in range(1, 11))
    )


def test_an_area_takes_the_scale_of_its_first_shown_statement() -> None:
    """The first statement is hidden (two answers) and on 1-10: the area is on the 1-5 scale
    of the first statement it shows."""
    five = scale_question("b", "d1")
    record = tiny_record(
        [_ten_point("a"), five],
        {"a": [10, 10], "b": [4, 4, 4]},
        dimensions=(Dimension("d1", "One"),),
    )
    (area,) = R.dimension_results(record)
    assert area.scale == (1, 5) and area.score == 4


def test_an_area_s_histogram_and_disagreement_pool_every_point() -> None:
    """On a 1-10 scale two neighbouring points share a bucket of the sparkline."""
    record = tiny_record(
        [_ten_point("a")], {"a": [1, 2, 2, 10]}, dimensions=(Dimension("d1", "One"),)
    )
    (area,) = R.dimension_results(record)
    assert area.histogram == (3, 0, 0, 0, 1)
    spread = statistics.pstdev([1, 2, 2, 10])
    assert area.spread == pytest.approx(spread)
    assert area.disagreement == pytest.approx(spread / 4.5)


def test_a_comparison_shows_today_s_area_score_when_last_time_it_was_hidden() -> None:
    now = _dimension_record({"d1.1": [4, 4, 4]})
    then = _dimension_record({"d1.1": [2, 2]})
    d1 = R.compare(now, then).dimensions[0]
    assert d1 == R.Change("d1", "One", None, 4, None)


def test_dots_spent_differently_are_not_alike() -> None:
    """The same options with other amounts, or the same amount on other options, is a
    different choice: the screen must not say that everyone spent their dots alike."""
    q = choice(kind=Kind.DOTS, dots=3, options="ab")
    amounts = tiny_record(q, {"c": [{"a": 2, "b": 1}, {"a": 1, "b": 2}, {"a": 2, "b": 1}]})
    assert R.question_result(amounts, q).all_alike is False
    options = tiny_record(q, {"c": [{"a": 3}, {"b": 3}, {"a": 3}]})
    assert R.question_result(options, q).all_alike is False


def test_hands_counted_for_a_one_dot_vote_are_people() -> None:
    """With one dot each, every hand counted is a person."""
    q = choice(kind=Kind.DOTS, dots=1, options="ab")
    r = R.question_result(tiny_record(q, {"c": []}, tallies={"c": {"a": 3, "b": 1}}), q)
    assert r.n == 4 and r.shown


def test_an_area_without_statements_counts_nobody() -> None:
    poll = replace(choice("p"), dimension="d1")
    record = tiny_record([poll], {"p": ["a"] * 5}, dimensions=(Dimension("d1", "One"),))
    (area,) = R.dimension_results(record)
    assert (area.items, area.n, area.shown, area.score) == ((), 0, False, None)


def test_a_set_without_a_survey_has_no_participants_yet() -> None:
    """A set for the workshop steps only: nobody has answered a survey."""
    record = tiny_record(choice(), {"c": ["a"] * 4})
    workshop = Step(3, "Verkstad", record.question_set.steps[0].items)
    record.question_set = replace(record.question_set, steps=(workshop,))
    assert R.overview(record).participants == 0
