"""Step 2 live: a statement and its importance follow-up are one item; the whole survey can be
opened inside a live meeting, counted as "8 av 12 klara" in memory only, and its results are
then walked area by area with the thresholds honoured."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date

import pytest

from mognad_tui import results
from mognad_tui.meeting import Change, Event, Meeting
from mognad_tui.model import (
    DONT_KNOW,
    Kind,
    Option,
    Prompt,
    Question,
    QuestionSet,
    SessionInfo,
    Step,
    Voting,
)
from mognad_tui.store import SessionStore, create_session

SCALE = (*tuple(Option(n, f"L{n}") for n in range(1, 6)), Option(DONT_KNOW, "Vet ej"))
QSET = QuestionSet(
    id="pairs",
    version="1",
    lang="sv",
    title="Par",
    description="",
    steps=(
        Step(1, "Dialog", (Prompt("p1", "Vad betyder digitalt först för oss?"),)),
        Step(
            2,
            "Enkät",
            (
                Question("q1", Kind.SCALE, "Vi delar dokument", SCALE, dimension="d1"),
                Question(
                    "q1.importance",
                    Kind.SCALE,
                    "Hur viktigt är detta för er?",
                    SCALE,
                    dimension="d1",
                    importance_of="q1",
                ),
                Question("q2", Kind.SCALE, "Vi hittar information", SCALE, dimension="d1"),
                Question("q3", Kind.SCALE, "Vi mäter nyttan", SCALE, dimension="d2"),
            ),
        ),
        Step(3, "Dialog", (Prompt("p3", "Vad överraskade?"),)),
    ),
)
SURVEY = ["q1", "q1.importance", "q2", "q3"]


@pytest.fixture
def session_path(tmp_path):
    info = SessionInfo("pairs", "Par", date.today().isoformat(), "pairs", "sv")
    return create_session(tmp_path, info, QSET)


@pytest.fixture
async def meeting(session_path):
    store = SessionStore.open(session_path)
    yield Meeting(store)
    store.close()


async def _until(condition, limit: float = 10.0) -> None:
    """Yield to the loop until ``condition()`` holds; ``limit`` only guards against a hang."""
    async with asyncio.timeout(limit):
        while not condition():
            await asyncio.sleep(0.005)


def _states(meeting: Meeting) -> dict[str, Voting]:
    return {q: meeting.voting(q) for q in SURVEY}


async def test_the_follow_up_is_no_stop_of_its_own(meeting):
    await meeting.step(+1)
    assert meeting.current.item.id == "q1"
    await meeting.step(+1)
    assert meeting.current.item.id == "q2"  # past "Hur viktigt är detta…" without its statement
    await meeting.step(-1)
    assert meeting.current.item.id == "q1"


async def test_a_statement_opens_closes_and_reveals_with_its_importance(meeting):
    await meeting.toggle_open("q1")
    assert [q.id for q in meeting.open_questions()] == ["q1", "q1.importance"]
    await meeting.set_threshold(2)
    for token in ("tok-a", "tok-b"):
        await meeting.submit(token, "q1", 4)
        await meeting.submit(token, "q1.importance", 5)
    await meeting.set_voting("q1", Voting.REVEALED)
    assert meeting.voting("q1.importance") is Voting.REVEALED
    # Both results were kept as shown (the no-differencing rule) before the reveal.
    assert set(meeting.store.state("shown")) == {"q1", "q1.importance"}
    await meeting.toggle_open("q1")
    assert meeting.voting("q1.importance") is Voting.OPEN


async def test_auto_reveal_waits_for_the_statement_not_the_optional_follow_up(meeting):
    await meeting.set_auto_reveal(True)
    await meeting.toggle_open("q1")
    for token in ("tok-a", "tok-b"):
        meeting.join(token)
        await meeting.submit(token, "q1.importance", 5)
    await _until(lambda: not meeting._tasks)  # any reveal it started has run
    # The follow-up alone reveals nothing: it is shown with its statement.
    assert meeting.voting("q1") is meeting.voting("q1.importance") is Voting.OPEN
    for token in ("tok-a", "tok-b"):
        await meeting.submit(token, "q1", 3)
    await _until(lambda: meeting.voting("q1") is Voting.REVEALED)
    assert meeting.voting("q1.importance") is Voting.REVEALED


async def test_the_whole_survey_opens_at_once_and_counts_who_is_done(meeting):
    await meeting.set_auto_reveal(True)
    for token in ("tok-a", "tok-b", "tok-c"):
        meeting.join(token)
    await meeting.open_survey()
    assert meeting.survey_open and meeting.room_paced
    assert set(_states(meeting).values()) == {Voting.OPEN}
    assert meeting.survey_ready() == 0
    for question in ("q1", "q2", "q3"):  # every statement; the follow-up left blank
        await meeting.submit("tok-a", question, 3)
        await meeting.submit("tok-b", question, 4)
    await meeting.submit("tok-c", "q1", 2)
    assert meeting.survey_ready() == 2  # "2 av 3 klara"
    # Everyone answered q1, but nothing is revealed while the room answers at its own pace.
    await asyncio.sleep(0)
    assert set(_states(meeting).values()) == {Voting.OPEN}


async def test_nothing_per_device_reaches_the_session_folder(meeting, session_path):
    tokens = [f"device-token-{n}-abcdefghijklmnopqrstuvwxyz" for n in range(3)]
    for token in tokens:
        meeting.join(token)
    await meeting.open_survey()
    for token in tokens[:2]:
        for question in ("q1", "q2", "q3"):
            await meeting.submit(token, question, 3)
    assert meeting.survey_ready() == 2
    await meeting.close_survey()
    await _until(lambda: meeting.store.state("devices") == 3)
    meeting.store.close()
    blob = b"".join(p.read_bytes() for p in session_path.rglob("*") if p.is_file())
    for token in tokens:
        assert token.encode() not in blob
    for forbidden in (b"ready", b"klar", b"done", b"127.0.0.1", b"Mozilla", b"timestamp"):
        assert forbidden not in blob


async def test_the_open_survey_survives_a_restart(session_path):
    store = SessionStore.open(session_path)
    await Meeting(store).open_survey()
    store.close()
    store = SessionStore.open(session_path)
    try:
        again = Meeting(store)
        assert again.survey_open
        assert again.survey_ready() == 0  # who was done is not remembered: nobody is back
    finally:
        store.close()


async def test_closing_walks_the_results_area_by_area(meeting):
    await meeting.set_threshold(2)
    await meeting.open_survey()
    for token in ("tok-a", "tok-b"):
        for question in ("q1", "q2"):
            await meeting.submit(token, question, 4)
    await meeting.submit("tok-a", "q3", 1)  # one answer: below the threshold
    await meeting.step(+1)  # moving on closes the survey and shows the first area
    assert not meeting.survey_open
    assert meeting.walked_area == ("d1", [QSET.question(q) for q in SURVEY[:3]])
    assert meeting.current.item.id == "q1"
    assert [meeting.voting(q) for q in SURVEY] == [Voting.REVEALED] * 3 + [Voting.CLOSED]
    await meeting.step(+1)
    assert meeting.walked_area[0] == "d2" and meeting.voting("q3") is Voting.REVEALED
    shown = results.question_result(meeting.record(), QSET.question("q3"))
    assert (shown.n, shown.shown) == (1, False)  # the threshold holds in the area's results
    await meeting.step(-1)
    assert meeting.walked_area[0] == "d1"
    await meeting.step(+1)
    await meeting.step(+1)  # past the last area: on to the item after the survey
    assert meeting.current.item.id == "p3" and meeting.walked_area is None


async def test_the_key_again_closes_the_survey_too(meeting):
    await meeting.open_survey()
    await meeting.close_survey()
    assert [meeting.voting(q) for q in SURVEY] == [Voting.REVEALED] * 3 + [Voting.CLOSED]
    assert meeting.walked_area[0] == "d1"
    # Opening it again hides the results and ends the walk.
    await meeting.open_survey()
    assert meeting.survey_open and meeting.walked_area is None


async def test_an_area_not_revealed_yet_is_no_area_view(meeting):
    await meeting.open_survey()
    await meeting.close_survey()
    await meeting.go_to("q3")  # picked in the agenda: its area is still closed
    assert meeting.walked_area is None
    await meeting.step(+1)  # an ordinary step from there
    assert meeting.current.item.id == "p3"


async def test_back_from_the_first_area_leaves_the_walk(meeting):
    await meeting.open_survey()
    await meeting.close_survey()
    assert meeting.walked_area[0] == "d1"
    await meeting.step(-1)  # before the first area: the item before the survey
    assert meeting.current.item.id == "p1" and meeting.walked_area is None


async def test_after_the_walk_an_item_picked_shows_alone(meeting):
    """Once the walk has ended (past the last area, or stepped away from a closed area), a
    question picked in the agenda is shown on its own, not as its area."""
    await meeting.open_survey()
    await meeting.close_survey()
    await meeting.step(+1)
    await meeting.step(+1)  # past the last area
    await meeting.go_to("q1")
    assert meeting.walked_area is None

    await meeting.open_survey()
    await meeting.close_survey()
    await meeting.go_to("q3")  # its area is not revealed: the walk ends at the next step
    await meeting.step(+1)
    await meeting.go_to("q1")
    assert meeting.walked_area is None


async def step_past_the_last_area(meeting: Meeting) -> list[Event]:
    """Open and close the survey, step onto its last area's results, then step once more: the
    events of that last step."""
    await meeting.open_survey()
    await meeting.close_survey()
    await meeting.step(+1)
    events: list[Event] = []
    meeting.subscribe(events.append)
    await meeting.step(+1)
    return events


async def test_past_the_last_area_comes_the_item_after_the_survey(meeting):
    """A quick poll made earlier sits at the agenda's end: the walk ends on the item right
    after the survey, in one step, and the screen is told it leaves the area view."""
    await meeting.add_poll("Fika först?", Kind.SINGLE, ["Ja", "Nej"])
    await meeting.go_to("p1")
    events = await step_past_the_last_area(meeting)
    assert meeting.current.item.id == "p3" and meeting.walked_area is None
    assert [e.kind for e in events] == [Change.AGENDA, Change.AGENDA]


async def test_a_survey_at_the_end_of_the_agenda_ends_its_walk_in_place(tmp_path):
    """When nothing follows the survey, stepping past its last area stays on it and the
    screen leaves the area view."""
    info = SessionInfo("slut", "Slut", date.today().isoformat(), "pairs", "sv")
    ending = replace(QSET, steps=QSET.steps[:2])
    with SessionStore.open(create_session(tmp_path, info, ending)) as store:
        meeting = Meeting(store)
        events = await step_past_the_last_area(meeting)
        assert meeting.current.item.id == "q3" and meeting.walked_area is None
        assert [e.kind for e in events] == [Change.AGENDA]


async def test_a_follow_up_just_before_the_last_item_is_skipped(tmp_path):
    info = SessionInfo("kort", "Kort", date.today().isoformat(), "pairs", "sv")
    short = replace(
        QSET,
        steps=(
            QSET.steps[0],
            replace(QSET.steps[1], items=QSET.steps[1].items[:2]),
            QSET.steps[2],
        ),
    )
    with SessionStore.open(create_session(tmp_path, info, short)) as store:
        meeting = Meeting(store)
        await meeting.step(+1)
        assert meeting.current.item.id == "q1"
        await meeting.step(+1)
        assert meeting.current.item.id == "p3"
        await meeting.step(-1)
        assert meeting.current.item.id == "q1"


async def test_an_agenda_ending_on_a_follow_up_stops_there(tmp_path):
    info = SessionInfo("sista", "Sista", date.today().isoformat(), "pairs", "sv")
    ending = replace(
        QSET, steps=(QSET.steps[0], replace(QSET.steps[1], items=QSET.steps[1].items[:2]))
    )
    with SessionStore.open(create_session(tmp_path, info, ending)) as store:
        meeting = Meeting(store)
        await meeting.step(+99)
        assert meeting.current.item.id == "q1.importance"


async def test_a_statement_is_asked_with_its_follow_up_only(meeting):
    """One page on the phone, one item on the screen: the statement and its importance."""
    assert meeting.companions("q1") == [QSET.question("q1.importance")]
    assert meeting.companions("q2") == [] and meeting.companions("nope") == []


async def test_a_step_lands_on_a_prompt_in_the_middle_of_the_agenda(meeting):
    """A quick poll at the end puts the last prompt between two items: a step stops on it."""
    poll = await meeting.add_poll("Fika först?", Kind.SINGLE, ["Ja", "Nej"])
    await meeting.go_to("q3")
    await meeting.step(+1)
    assert meeting.current.item.id == "p3"
    await meeting.step(+1)
    assert meeting.current.item == poll
    await meeting.step(-1)
    assert meeting.current.item.id == "p3"
