"""Snapshots of the main screens at the smallest supported size (80x24) and a projector size
(120x36): a discussion prompt with the agenda and the join panel, an open question, a revealed
question and the results overview; the presentation view (also at 200x60); and the
full-screen QR code.

A real session with the built-in set, a fixed clock and no blinking cursor, so the pictures only
change when the screen does. Update with ``pytest tests/test_tui_snapshots.py --snapshot-update``
and look at ``snapshot_report.html`` before accepting.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from test_tui_support import FakeServer, answer, make_app, new_session, open_meeting, settled
from textual.pilot import Pilot

from mognad_tui.meeting import Meeting
from mognad_tui.model import Kind, Voting

SIZES = [(80, 24), (120, 36)]
PROMPT = "s1-digitalt-forst"
SCALE = "a-natfiske"


@pytest.fixture
def meeting(tmp_path: Path):
    meeting = open_meeting(new_session(tmp_path))
    yield meeting
    meeting.store.close()


def snapshot(
    snap_compare, meeting: Meeting, size: tuple[int, int], before: Callable[[Pilot], Awaitable]
) -> bool:
    app = make_app(meeting, server=FakeServer())

    async def run_before(pilot: Pilot) -> None:
        await app.workers.wait_for_complete()
        await before(pilot)
        # Let the repaints and the layout they cause settle (a scrollbar or a label that
        # changes width moves the bar by a cell), then take the picture.
        await settled(pilot)
        await pilot.wait_for_scheduled_animations()
        app.refresh(layout=True)
        await pilot.pause()

    return snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_prompt_with_agenda_and_join(snap_compare, meeting: Meeting, size):
    async def before(pilot: Pilot) -> None:
        await meeting.go_to(PROMPT)

    assert snapshot(snap_compare, meeting, size, before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_agenda_with_the_second_meeting(snap_compare, meeting: Meeting, size):
    """The agenda's second meeting of an hour: its heading, the minutes left, and the three
    optional prompts it leaves out (dimmed, marked "valfri", still there to go to)."""

    async def before(pilot: Pilot) -> None:
        await meeting.go_to("s3-kan-och-behover")

    assert snapshot(snap_compare, meeting, size, before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_open_question(snap_compare, meeting: Meeting, size):
    async def before(pilot: Pilot) -> None:
        await meeting.go_to(SCALE)
        await meeting.set_voting(SCALE, Voting.OPEN)
        for n in range(9):
            meeting.join(f"t{n}")
        await answer(meeting, SCALE, [2, 3, 3, 4, 1, 3, 5])

    assert snapshot(snap_compare, meeting, size, before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_revealed_question(snap_compare, meeting: Meeting, size):
    async def before(pilot: Pilot) -> None:
        await meeting.go_to(SCALE)
        await meeting.set_voting(SCALE, Voting.OPEN)
        await answer(meeting, SCALE, [1, 2, 2, 3, 3, 3, 3, 3, 4, 4, 5, "dont_know"])
        await pilot.press("r")

    assert snapshot(snap_compare, meeting, size, before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_results_overview(snap_compare, meeting: Meeting, size):
    async def before(pilot: Pilot) -> None:
        rnd = random.Random(11)
        for q in meeting.question_set.survey:
            if q.kind is Kind.TEXT:
                continue
            await meeting.set_voting(q.id, Voting.OPEN)
            await answer(meeting, q.id, [rnd.choice(q.options).value for _ in range(6)])
            await meeting.set_voting(q.id, Voting.REVEALED)
        await pilot.press("o")

    assert snapshot(snap_compare, meeting, size, before)


def test_full_screen_qr(snap_compare, meeting: Meeting):
    async def before(pilot: Pilot) -> None:
        await pilot.press("g")

    assert snapshot(snap_compare, meeting, (120, 36), before)


@pytest.mark.parametrize("size", [*SIZES, (200, 60)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_presentation_view(snap_compare, meeting: Meeting, size):
    """``z``: the revealed question fills the screen, labels in full, read from the back."""

    async def before(pilot: Pilot) -> None:
        await meeting.go_to(SCALE)
        await meeting.set_voting(SCALE, Voting.OPEN)
        await answer(meeting, SCALE, [1, 2, 2, 3, 3, 3, 3, 3, 4, 4, 5, "dont_know"])
        await pilot.press("r")
        await pilot.press("z")

    assert snapshot(snap_compare, meeting, size, before)


async def step4(meeting: Meeting) -> None:
    """A plan being built: needs (one long, two asked of the förvaltning) ranked by a dot vote,
    and actions with every field filled in."""
    from mognad_tui.model import ActionItem, ActionStatus, NeedKind, Prerequisite, Priority

    texts = [
        (
            NeedKind.COMPETENCE,
            "Lära oss känna igen nätfiske och falska inloggningssidor, så att ingen "
            "lämnar ut sitt lösenord i en stressig stund",
            None,
        ),
        (NeedKind.CHANGE, "Nya datorer till dem som delar en", Prerequisite.ECONOMY),
        (NeedKind.CHANGE, "Snabbare hjälp när Teams krånglar", Prerequisite.SUPPORT),
        (NeedKind.COMPETENCE, "Tid för lärande på arbetsplatsträffen", None),
    ]
    needs = [await meeting.add_need(kind, text, request=who) for kind, text, who in texts]
    poll = await meeting.start_needs_dot_vote("Vilka behov är viktigast för oss?", dots=3)
    ids = [n.id for n in needs]
    await answer(meeting, poll.id, [{ids[1]: 3}, {ids[0]: 2, ids[1]: 1}, {ids[3]: 3}, {ids[1]: 3}])
    await meeting.set_voting(poll.id, Voting.REVEALED)
    await meeting.rank_needs_from_vote()
    await meeting.save_action(
        ActionItem(
            "",
            "Ansöka om pengar till sex nya datorer i budgeten för nästa år",
            "Enhetschefen",
            "2027-03-31",
            status=ActionStatus.STARTED,
            priority=Priority.HIGH,
            follow_up="Vi stämmer av på APT i april",
            need=ids[1],
        )
    )
    await meeting.save_action(
        ActionItem(
            "", "Övning i nätfiske", "Anna och Bo", "2027-02-15", follow_up="Ny övning i höst"
        )
    )


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_step4_needs_and_actions(snap_compare, meeting: Meeting, size):
    async def before(pilot: Pilot) -> None:
        await step4(meeting)
        await pilot.press("v")

    assert snapshot(snap_compare, meeting, size, before)


async def _survey_answered(pilot: Pilot, meeting: Meeting) -> None:
    """The whole survey opened with ``a`` in step 2; 8 of 12 phones answered everything."""
    await meeting.go_to("a-hitta-information")
    await settled(pilot)
    await pilot.press("a")
    await settled(pilot)
    for n in range(12):
        meeting.join(f"t{n}")
    rnd = random.Random(7)
    for q in meeting.question_set.survey:
        if q.kind is not Kind.TEXT:
            await answer(meeting, q.id, [rnd.choice(q.options).value for _ in range(8)])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_whole_survey_open(snap_compare, meeting: Meeting, size):
    """``a``: the room answers at its own pace; the screen shows only "8 av 12 klara"."""

    async def before(pilot: Pilot) -> None:
        await _survey_answered(pilot, meeting)

    assert snapshot(snap_compare, meeting, size, before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_survey_results_by_area(snap_compare, meeting: Meeting, size):
    """``a`` again, then →: the second area's items revealed together, a follow-up under its
    statement."""

    async def before(pilot: Pilot) -> None:
        await _survey_answered(pilot, meeting)
        await pilot.press("a")
        await settled(pilot)
        await pilot.press("right")

    assert snapshot(snap_compare, meeting, size, before)
