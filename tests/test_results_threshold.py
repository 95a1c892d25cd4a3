"""The threshold as a closed session and an export's warning see it, in this process.

``mognad close`` keeps each question's figures (``kept_figures``) and deletes the raw answers;
``mognad export`` warns about raw answers below the threshold. Both are also tested through
the command line (tests/test_close.py, tests/test_cli.py), but in a subprocess, where a broken
rule in results.py is invisible to a mutation run (tests/MUTATION.md): these tests hold the same
rules on the functions themselves.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fixtures_sessions import scale_question, tiny_record

from mognad_tui import results as R
from mognad_tui.model import DONT_KNOW, MIN_THRESHOLD, Kind, Option, Question, SessionRecord

POLL = Question(
    id="poll", kind=Kind.SINGLE, text="Fika?", options=(Option("ja", "Ja"), Option("nej", "Nej"))
)
TEXT = Question(id="fri", kind=Kind.TEXT, text="Vad saknas?")
SCALE = scale_question()


def meeting_record(threshold: int = 3) -> SessionRecord:
    """Five scale answers (shown), two poll answers (below the threshold), four free texts."""
    return tiny_record(
        [SCALE, POLL, TEXT],
        {
            "q": [1, 2, 2, 4, 5],
            "poll": ["ja", "nej"],
            "fri": ["Mer tid", "Kurs", "Wifi", "Mer tid"],
        },
        approved={"fri": ["Kurs"]},
        threshold=threshold,
    )


def closed(
    record: SessionRecord, kept: dict[str, Any], threshold: int | None = None
) -> SessionRecord:
    """``record`` as ``mognad close`` leaves it: no raw answers, only the kept figures."""
    info = record.info if threshold is None else replace(record.info, threshold=threshold)
    return replace(record, info=info, closed=True, kept=kept, answers={}, approved={})


def test_a_closed_session_shows_the_figures_it_kept_and_no_free_text() -> None:
    record = meeting_record()
    done = closed(record, R.kept_figures(record))
    scale, poll, text = (R.question_result(done, q) for q in (SCALE, POLL, TEXT))
    assert scale == R.question_result(record, SCALE)  # every figure, the distribution too
    assert scale.shown and scale.n == 5 and scale.mean == pytest.approx(2.8)
    assert [c.count for c in scale.distribution] == [1, 2, 0, 1, 1, 0]
    assert poll == R.question_result(record, POLL)
    assert (poll.question, poll.n, poll.threshold, poll.shown) == (POLL, 2, 3, False)
    assert poll.distribution is None and poll.mean is None
    # Free text: its count and that it was shown, no text (closing deleted them all).
    assert (text.question, text.n, text.threshold, text.shown) == (TEXT, 4, 3, True)
    assert text.texts == () and text.distribution is None
    assert R.question_result(done, SCALE).texts is None


def test_a_closed_session_honours_the_threshold_in_force_when_it_is_read() -> None:
    record = meeting_record()
    kept = R.kept_figures(record)
    raised = R.question_result(closed(record, kept, threshold=6), SCALE)
    assert (raised.question, raised.n, raised.threshold, raised.shown) == (SCALE, 5, 6, False)
    assert raised.distribution is None and raised.mean is None
    # A threshold edited to 0 is the minimum still: a kept figure of one answer stays hidden.
    one = {"q": {**kept["q"], "n": 1, "shown": True}}
    alone = R.question_result(closed(record, one, threshold=0), SCALE)
    assert (alone.n, alone.threshold, alone.shown) == (1, MIN_THRESHOLD, False)
    at_minimum = {"q": {**kept["q"], "n": MIN_THRESHOLD}}
    assert R.question_result(closed(record, at_minimum, threshold=0), SCALE).shown


@pytest.mark.parametrize(
    ("edit", "n"),
    [
        (lambda k: [k], 0),  # not an object at all
        (lambda k: {**k, "n": True}, 0),  # a boolean is no count
        (lambda k: {**k, "n": -5}, 0),
        (lambda k: {**k, "n": "5"}, 0),
        (lambda k: {k2: v for k2, v in k.items() if k2 != "n"}, 0),
        (lambda k: {**k, "shown": False}, 5),  # hidden when kept: hidden now
        (lambda k: {k2: v for k2, v in k.items() if k2 != "shown"}, 5),
        (lambda k: {**k, "mean": "fem"}, 5),  # a figure of the wrong type
        (lambda k: {**k, "disagrees": 1}, 5),
        (lambda k: {**k, "distribution": [{"value": 1}]}, 5),  # a row without its fields
        (lambda k: {**k, "distribution": [7]}, 5),
        (lambda k: {**k, "distribution": [{**k["distribution"][0], "count": "1"}]}, 5),
        (lambda k: {**k, "distribution": [{**k["distribution"][0], "value": [1]}]}, 5),
    ],
)
def test_a_kept_figure_edited_by_hand_shows_its_count_only(edit, n) -> None:
    record = meeting_record()
    kept = R.kept_figures(record)
    result = R.question_result(closed(record, {**kept, "q": edit(kept["q"])}), SCALE)
    assert (result.question, result.n, result.threshold, result.shown) == (SCALE, n, 3, False)
    assert all(
        getattr(result, name) is None
        for name in ("distribution", "mean", "median", "spread", "disagrees", "all_alike")
    )


def test_a_kept_figure_keeps_a_hostile_label_harmless_and_missing_rows_as_none() -> None:
    record = meeting_record()
    kept = R.kept_figures(record)
    rows = [{**kept["q"]["distribution"][0], "label": "Inte\x1b[2J alls"}]
    result = R.question_result(closed(record, {"q": {**kept["q"], "distribution": rows}}), SCALE)
    assert result.shown and [c.label for c in result.distribution] == ["Inte[2J alls"]
    assert result.distribution[0].count == 1 and isinstance(result.distribution[0].share, float)
    bare = {k: v for k, v in kept["q"].items() if k != "distribution"}
    result = R.question_result(closed(record, {"q": bare}), SCALE)
    assert result.shown and result.distribution is None and result.mean == pytest.approx(2.8)


def test_a_closed_session_marks_raw_answers_below_the_threshold_by_their_kept_count() -> None:
    record = meeting_record()
    done = closed(record, R.kept_figures(record))
    assert not R.raw_below_threshold(done, SCALE)  # kept n 5
    assert R.raw_below_threshold(done, POLL)  # kept n 2
    assert R.raw_below_threshold(closed(record, R.kept_figures(record), threshold=6), SCALE)
    # Nothing raw is left to list, so a closed session has nothing to warn about.
    assert R.raw_answers_below_threshold(done) == []


def test_the_export_warns_only_of_raw_answers_it_lists_below_the_threshold() -> None:
    hands = Question(id="hands", kind=Kind.SINGLE, text="Händer", options=POLL.options)
    record = tiny_record(
        [SCALE, POLL, TEXT, hands],
        {"q": [1, 2, 2, 4, 5], "poll": ["ja", "nej"], "fri": ["Mer tid", "Kurs"]},
        approved={"fri": ["Kurs"]},
        tallies={"poll": {"ja": 10}, "hands": {"ja": 1}},
    )
    # The poll: 2 phones beside 10 hands are still 2 raw answers. The free text: 2 answers,
    # one approved, listed. The show of hands: below too, but no raw answer to list.
    assert R.raw_answers_below_threshold(record) == [POLL, TEXT]
    assert R.question_result(record, POLL).shown  # the figures may be shown: 12 counted
    unapproved = replace(record, approved={})
    assert R.raw_answers_below_threshold(unapproved) == [POLL]  # no text listed, no warning
    assert R.raw_answers_below_threshold(replace(record, answers={})) == []
    everyone = replace(record, info=replace(record.info, threshold=2))
    assert R.raw_answers_below_threshold(everyone) == []


def held_view(
    question: Question,
    before: dict[str, Any],
    now: dict[str, Any],
    tallies: tuple[dict[str, Any], dict[str, Any]] = ({}, {}),
    threshold: int = 3,
) -> R.QuestionResult:
    """The result a view gets after a showing of ``before``, now that the answers are ``now``
    (both answers by question id, and the hands counted then and now)."""
    shown = tiny_record(question, before, tallies=tallies[0], threshold=threshold)
    kept = R.signature(R.count(shown, question))
    record = tiny_record(question, now, tallies=tallies[1], threshold=threshold)
    return R.question_result(replace(record, shown={question.id: [kept]}), question)


def test_two_hands_taken_back_after_a_showing_are_two_people() -> None:
    """Five phones and two hands were shown; the facilitator then takes the two hands back.
    The screen keeps the old figures and says one more person must change something."""
    q = Question(id="c", kind=Kind.SINGLE, text="Fika?", options=(*POLL.options, Option("k", "K")))
    phones = {"c": ["ja"] * 5}
    result = held_view(q, phones, phones, tallies=({"c": {"nej": 1, "k": 1}}, {}))
    assert result.held and result.held_for == 1 and result.n == 7
    assert [c.count for c in result.distribution] == [5, 1, 1]
    # Three hands taken back: as far from the showing as the threshold, free to be shown
    # (held for nobody: today's counts are shown once the meeting keeps them).
    fresh = held_view(q, phones, phones, tallies=({"c": {"nej": 2, "k": 1}}, {}))
    assert fresh.held and fresh.held_for == 0


def test_one_more_person_on_a_multiple_choice_is_held_for_the_rest() -> None:
    q = Question(id="m", kind=Kind.MULTIPLE, text="Vad?", options=POLL.options)
    before = {"m": [["ja"], ["ja", "nej"], ["nej"], ["ja"]]}
    result = held_view(q, before, {"m": [*before["m"], ["ja"]]})
    assert result.held and result.held_for == 2 and result.n == 4
    assert [c.count for c in result.distribution] == [3, 2]
    later = held_view(q, before, {"m": [*before["m"], ["ja"], ["ja"], ["nej"]]})
    assert later.held_for == 0


def test_free_text_results_carry_the_threshold_they_were_judged_by() -> None:
    record = meeting_record(threshold=4)
    shown = R.question_result(record, TEXT)
    assert (shown.n, shown.threshold, shown.shown, shown.texts) == (4, 4, True, ("Kurs",))
    few = R.question_result(meeting_record(threshold=5), TEXT)
    assert (few.n, few.threshold, few.shown, few.texts) == (4, 5, False, None)


def test_raw_answers_that_match_no_option_any_more_do_not_count_toward_the_threshold() -> None:
    """A question set edited after the meeting: three raw answers, one still matches an
    option. The figures count one answer, so the export warns about the three it lists."""
    record = tiny_record(POLL, {"poll": ["ja", "kanske", "vet ej"]})
    assert R.question_result(record, POLL).n == 1
    assert R.raw_answers_below_threshold(record) == [POLL]


def dot_vote(dots: int, options: str) -> Question:
    return Question(
        id="d",
        kind=Kind.DOTS,
        text="Prioritera",
        options=tuple(Option(o, o.upper()) for o in options),
        dots=dots,
    )


def test_dots_moved_after_a_showing_count_the_people_who_moved_them() -> None:
    """Three of five people move all three dots to another need: three people, one short of
    a threshold of four. Counting every dot as a person would show it at once; counting
    too few would ask for more than one."""
    q = dot_vote(3, "abc")
    before = {"d": [{"a": 3}] * 5}
    now = {"d": [{"b": 3}] * 3 + [{"a": 3}] * 2}
    result = held_view(q, before, now, threshold=4)
    assert result.held and result.held_for == 1 and result.distribution[0].count == 15


def test_one_dot_each_moved_by_two_people_is_two_people() -> None:
    q = dot_vote(1, "abcd")
    before = {"d": [{"a": 1}, {"a": 1}, {"c": 1}, {"c": 1}, {"b": 1}]}
    now = {"d": [{"b": 1}, {"a": 1}, {"d": 1}, {"c": 1}, {"b": 1}]}
    result = held_view(q, before, now)
    assert result.held and result.held_for == 1 and result.n == 5


def test_counts_shown_before_read_back_as_the_same_showing() -> None:
    """A kept showing, read back, equals today's counts when nothing changed: a dot vote
    (whose "everyone alike" is kept beside the counts) and a scale with "vet ej" (values of
    two types) are shown, not held."""
    dots = dot_vote(2, "ab")
    same = {"d": [{"a": 1, "b": 1}] * 3}
    result = held_view(dots, same, same)
    assert not result.held and result.shown and result.all_alike
    scale = {"q": [1, 2, DONT_KNOW, 4, DONT_KNOW]}
    result = held_view(SCALE, scale, scale)
    assert not result.held and result.shown and result.dont_know == 2


def test_a_dot_vote_that_stops_being_alike_is_one_person_away() -> None:
    """Same counts, same number of people, but no longer everyone alike: one person at least
    changed, and the screen must not show that before enough others do."""
    q = dot_vote(2, "ab")
    result = held_view(
        q, {"d": [{"a": 1, "b": 1}] * 3}, {"d": [{"a": 2}, {"b": 2}, {"a": 1, "b": 1}]}
    )
    assert result.held and result.held_for == 2 and result.all_alike is True


def test_counts_above_the_threshold_not_yet_kept_are_held_with_their_count_only() -> None:
    """A session read from its store that kept no showing of the question: today's counts
    wait until the meeting keeps them (``to_remember``)."""
    record = replace(tiny_record(SCALE, {"q": [1, 2, 3, 4]}), shown={})
    result = R.question_result(record, SCALE)
    assert (result.question, result.n, result.threshold) == (SCALE, 4, 3)
    assert result.held is True and result.held_for == 0 and not result.shown
    assert result.distribution is None and result.mean is None
    assert R.to_remember(record, [SCALE]) == {"q": R.signature(R.count(record, SCALE))}


@pytest.mark.parametrize(
    "kept",
    [
        5,  # not a list
        [{"n": "4", "counts": [[1, 4]], "alike": None}],  # a count that is no number
        [{"n": 4, "counts": [[1, "4"]], "alike": None}],
        [{"n": 4, "counts": [[1.5, 4]], "alike": None}],  # a value of no option's type
        [{"n": 4, "counts": [[1, 4]], "alike": "ja"}],
        ["q"],
    ],
)
def test_a_kept_showing_edited_by_hand_is_ignored(kept) -> None:
    record = replace(tiny_record(SCALE, {"q": [1, 1, 1, 1]}), shown={"q": kept})
    result = R.question_result(record, SCALE)
    assert result.held and result.held_for == 0 and not result.shown and result.n == 4


def test_every_question_that_may_be_shown_is_kept_whatever_comes_before_it() -> None:
    """Free text, a question below the threshold and one already kept come first: the
    questions after them are kept all the same."""
    other = scale_question("q2")
    base = tiny_record(
        [TEXT, POLL, SCALE, other],
        {"fri": ["a", "b", "c"], "poll": ["ja"], "q": [1, 2, 3], "q2": [4, 4, 5]},
    )
    kept = R.signature(R.count(base, SCALE))
    record = replace(base, shown={"q": [kept]})
    assert R.to_remember(record, [TEXT, POLL, SCALE, other]) == {
        "q2": R.signature(R.count(record, other))
    }


def test_a_threshold_edited_into_no_number_is_the_minimum() -> None:
    record = tiny_record(SCALE, {"q": [1, 2]})
    broken = replace(record, info=replace(record.info, threshold="tre"))
    assert R.threshold_of(broken) == MIN_THRESHOLD
    assert R.question_result(broken, SCALE).n == 2
    assert not R.question_result(replace(broken, answers={"q": [1]}), SCALE).shown


def test_closing_keeps_the_held_figures_and_what_an_export_would_show() -> None:
    """``mognad close`` on a session read from its store: a question revealed at five answers
    and answered once more since keeps the five answers' figures (the plan must not show the
    latecomer's answer by difference), and a question nobody revealed keeps today's figures,
    as an export would show them."""
    other = scale_question("q2")
    before = tiny_record([SCALE, other], {"q": [1, 2, 2, 4, 5]})
    shown = {"q": [R.signature(R.count(before, SCALE))], "poll": "edited by hand"}
    now = tiny_record([SCALE, other], {"q": [1, 2, 2, 4, 5, 5], "q2": [4, 4, 5]})
    record = replace(now, shown=shown)
    kept = R.kept_figures(record)
    assert (kept["q"]["n"], kept["q"]["shown"], kept["q"]["mean"]) == (5, True, 2.8)
    assert [row["count"] for row in kept["q"]["distribution"]] == [1, 2, 0, 1, 1, 0]
    assert (kept["q2"]["n"], kept["q2"]["shown"]) == (3, True)
    assert kept["q2"]["mean"] == pytest.approx(13 / 3)
    done = closed(record, kept)
    assert R.question_result(done, other).mean == pytest.approx(13 / 3)
    assert record.shown == shown  # closing computed its showings on a copy
