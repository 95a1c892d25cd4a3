"""Which agenda items fit the method's meetings of a chosen length.

The built-in prompts' timers add up to far more than an hour, and the method holds two
meetings with the survey between them (step 1 and the survey; steps 3 and 4), or, for a group
short of time, everything in one. A meeting keeps its essential items, then the optional prompts
in agenda order while they fit; when even the essential ones do not fit, their minutes shrink in
proportion, so the plan still ends on time. One pure function decides it, so the agenda on the
screen and anything that prints the agenda agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from mognad_tui.model import Prompt, QuestionSet

#: The lengths ``mognad new --minutes`` offers; the default is the method's hour. 120 is in
#: the command line's published contract (ARCHITECTURE.md: 60|90|120), 45 in the workshop's.
MEETING_MINUTES = (45, 60, 90, 120)
DEFAULT_MINUTES = 60
#: Two meetings (the method's) or everything in one.
MEETING_COUNTS = (1, 2)
DEFAULT_MEETINGS = 2

#: The step whose questions are the self-assessment survey, and the step that writes the plan.
SURVEY_STEP = 2
PLAN_STEP = 4
#: The stated estimates for what has no timer of its own. METHOD.md: the survey "must be
#: answerable in 10 minutes"; writing the needs and actions into the plan takes a few more.
SURVEY_MINUTES = 10
PLAN_WORK_MINUTES = 5
#: A question outside the survey (step 1's warm-up poll): opening, answering, the result.
QUESTION_MINUTES = 2
#: A prompt whose author gave no timer.
PROMPT_MINUTES = 5


@dataclass(frozen=True)
class Slot:
    """One agenda item's place in a meeting: its planned minutes, and whether it is kept."""

    item_id: str
    step: int
    minutes: int
    optional: bool
    kept: bool


@dataclass(frozen=True)
class Block:
    """Time the plan sets aside with no item of its own (the survey, the step 4 work)."""

    step: int
    minutes: int


@dataclass(frozen=True)
class MeetingPlan:
    number: int  # 1-based
    steps: tuple[int, ...]
    minutes: int  # the meeting's length
    slots: tuple[Slot, ...]
    blocks: tuple[Block, ...]

    @property
    def planned(self) -> int:
        return sum(b.minutes for b in self.blocks) + sum(s.minutes for s in self.slots if s.kept)

    @property
    def dropped(self) -> int:
        """How many optional items do not fit (the facilitator can still go to them)."""
        return sum(1 for s in self.slots if not s.kept)

    @property
    def over(self) -> int:
        return max(0, self.planned - self.minutes)

    def slot(self, item_id: str) -> Slot | None:
        return next((s for s in self.slots if s.item_id == item_id), None)

    def left_from(self, step: int, item_id: str | None) -> int:
        """The planned minutes from the item ``item_id`` (in ``step``) to the meeting's end: the
        kept items from it on, and the blocks of its step and later steps."""
        ids = [s.item_id for s in self.slots]
        start = ids.index(item_id) if item_id in ids else None
        if start is None:  # a survey question, or a step with no slots: from the step on
            start = next((n for n, s in enumerate(self.slots) if s.step >= step), len(ids))
        items = sum(s.minutes for s in self.slots[start:] if s.kept)
        return items + sum(b.minutes for b in self.blocks if b.step >= step)


def minutes_between(start: datetime, now: datetime) -> int:
    """Whole minutes from ``start`` to ``now``, never negative (a clock set back); a time with
    a zone and one without compare in local time."""
    if (start.tzinfo is None) != (now.tzinfo is None):
        start, now = (t.astimezone().replace(tzinfo=None) for t in (start, now))
    return max(0, int((now - start).total_seconds() // 60))


def meeting_of(step: int, meetings: int) -> int:
    """The meeting (1 or 2) a step belongs to: the survey ends the first of two meetings."""
    return 1 if meetings < 2 or step <= SURVEY_STEP else 2


def _item_minutes(item: object) -> int:
    if isinstance(item, Prompt):
        return item.minutes if item.minutes and item.minutes > 0 else PROMPT_MINUTES
    return QUESTION_MINUTES


def fit_meetings(qset: QuestionSet, minutes: int, meetings: int) -> tuple[MeetingPlan, ...]:
    """The meetings' plans: essential items always, optional prompts in agenda order while
    the meeting's length allows, essential minutes shortened in proportion when needed."""
    minutes = minutes if minutes in MEETING_MINUTES else DEFAULT_MINUTES
    meetings = meetings if meetings in MEETING_COUNTS else DEFAULT_MEETINGS
    plans = []
    for number in range(1, meetings + 1):
        steps = [s for s in qset.steps if meeting_of(s.number, meetings) == number]
        blocks = []
        items = []
        for step in steps:
            if step.number == SURVEY_STEP and step.questions:
                blocks.append(Block(step.number, SURVEY_MINUTES))
            elif step.number == PLAN_STEP:
                blocks.append(Block(step.number, PLAN_WORK_MINUTES))
            items += [
                (step.number, item)
                for item in step.items
                if not (step.number == SURVEY_STEP and item.is_question)
            ]
        budget = minutes - sum(b.minutes for b in blocks)
        essential = sum(_item_minutes(i) for _s, i in items if not getattr(i, "optional", False))
        factor = 1.0 if essential <= budget else max(budget, 0) / essential
        left = budget - essential if factor == 1.0 else 0
        slots = []
        for step_number, item in items:
            own = _item_minutes(item)
            optional = isinstance(item, Prompt) and item.optional
            if optional:
                kept = own <= left
                left -= own if kept else 0
                planned = own
            else:
                kept = True
                planned = own if factor == 1.0 else max(1, math.floor(own * factor))
            slots.append(Slot(item.id, step_number, planned, optional, kept))
        plans.append(
            MeetingPlan(
                number, tuple(s.number for s in steps), minutes, tuple(slots), tuple(blocks)
            )
        )
    return tuple(plans)
