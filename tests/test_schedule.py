"""Which agenda items fit the method's meetings (``schedule.fit_meetings``), on the built-in
set 2.0 and on a set with no optional prompts."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mognad_tui.model import Prompt
from mognad_tui.question_sets import load_question_set
from mognad_tui.schedule import (
    PLAN_WORK_MINUTES,
    SURVEY_MINUTES,
    fit_meetings,
    meeting_of,
)

QSET = load_question_set("digital-mognad", "sv")
OPTIONAL = {i.id for i in QSET.items if isinstance(i, Prompt) and i.optional}
ESSENTIAL_PROMPTS = {i.id for i in QSET.items if isinstance(i, Prompt) and not i.optional}


def kept(plan) -> set[str]:
    return {s.item_id for s in plan.slots if s.kept}


@pytest.mark.parametrize("minutes", [45, 60, 90])
@pytest.mark.parametrize("meetings", [1, 2])
def test_every_meeting_fits_and_keeps_every_essential_prompt(minutes, meetings):
    plans = fit_meetings(QSET, minutes, meetings)
    assert len(plans) == meetings
    for plan in plans:
        assert plan.minutes == minutes
        assert plan.planned <= minutes, (plan.number, plan.planned)
        assert plan.over == 0
    every_kept = set().union(*(kept(p) for p in plans))
    assert every_kept >= ESSENTIAL_PROMPTS
    dropped = {s.item_id for p in plans for s in p.slots if not s.kept}
    assert dropped <= OPTIONAL  # only optional prompts are ever left out


def test_two_meetings_follow_the_method_step_1_and_the_survey_then_steps_3_and_4():
    first, second = fit_meetings(QSET, 60, 2)
    assert first.steps == (1, 2)
    assert second.steps == (3, 4)
    # The survey and the work on the plan are set aside as stated estimates.
    assert sum(b.minutes for b in first.blocks) == SURVEY_MINUTES
    assert sum(b.minutes for b in second.blocks) == PLAN_WORK_MINUTES
    assert [meeting_of(n, 2) for n in (1, 2, 3, 4)] == [1, 1, 2, 2]
    assert [meeting_of(n, 1) for n in (1, 2, 3, 4)] == [1, 1, 1, 1]


def test_the_hour_keeps_step_1s_optional_prompts_and_drops_the_second_meetings():
    first, second = fit_meetings(QSET, 60, 2)
    assert first.dropped == 0
    assert second.dropped == 3
    assert {s.item_id for s in second.slots if not s.kept} == {
        "s3-overraskningar",
        "s3-snabba-vinster",
        "s4-nasta-matning",
    }
    # Essential prompts keep their own timers when they fit.
    assert second.slot("s3-kan-och-behover").minutes == 10


def test_45_minutes_drops_optional_prompts_first_then_shortens_the_essential_ones():
    first, second = fit_meetings(QSET, 45, 2)
    assert first.dropped == 2 and second.dropped == 3
    assert first.slot("s1-digitalt-forst").minutes == 10  # the essentials still fit
    assert second.slot("s3-kan-och-behover").minutes < 10  # they did not: shortened
    assert second.planned <= 45


def test_90_minutes_keeps_everything():
    for plan in fit_meetings(QSET, 90, 2):
        assert plan.dropped == 0
        assert all(s.minutes == getattr(QSET.item(s.item_id), "minutes", 2) for s in plan.slots)


def test_one_meeting_holds_every_step():
    (plan,) = fit_meetings(QSET, 60, 1)
    assert plan.steps == (1, 2, 3, 4)
    assert plan.dropped == len(OPTIONAL)
    assert plan.planned <= 60


def test_a_set_without_optional_prompts_drops_nothing():
    steps = tuple(
        replace(
            s,
            items=tuple(
                replace(i, optional=False) if isinstance(i, Prompt) else i for i in s.items
            ),
        )
        for s in QSET.steps
    )
    plain = replace(QSET, steps=steps)
    for minutes in (45, 60, 90):
        for plan in fit_meetings(plain, minutes, 2):
            assert plan.dropped == 0
            assert plan.planned <= minutes


def test_minutes_left_count_down_through_the_meeting():
    first, _ = fit_meetings(QSET, 60, 2)
    at_start = first.left_from(1, "s1-uppvarmning")
    assert at_start == first.planned
    later = first.left_from(1, "s1-utveckla")
    assert later == at_start - 2 - 10  # the warm-up poll and the first prompt are behind
    assert first.left_from(2, "a-vardag-1") == SURVEY_MINUTES  # a survey question: its block


def test_a_step_without_prompts_and_an_unknown_length_fall_back_to_the_hour():
    only_survey = replace(QSET, steps=tuple(s for s in QSET.steps if s.number == 2))
    (plan, second) = fit_meetings(only_survey, 30, 2)
    assert plan.minutes == 60
    assert plan.planned == SURVEY_MINUTES
    assert second.slots == () and second.steps == ()
