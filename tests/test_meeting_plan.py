"""Step 4 in the meeting: needs edited, removed and brought back, ranked by the dot vote or by
hand, marked as requests to the förvaltning; all of it survives a restart and reaches the JSON
export (the plan document reads ``rank`` and ``request``). And the plan's meetings: which items
each holds, and the minutes each has used, kept across a restart."""

from __future__ import annotations

import gc
import json
import warnings
from datetime import datetime, timedelta

import pytest
from test_tui_support import FIXED_NOW, answer, new_session, open_meeting, question_set

from mognad_tui import results
from mognad_tui.export.json_export import export_json
from mognad_tui.meeting import POLL_STEP, USED_KEY, AnswerRefused, Meeting
from mognad_tui.model import (
    ActionItem,
    Kind,
    Need,
    NeedKind,
    Prerequisite,
    SessionInfo,
    Voting,
)
from mognad_tui.store import SessionStore, StoreFull, create_session


@pytest.fixture
def session(tmp_path):
    return new_session(tmp_path, threshold=3)


@pytest.fixture
async def meeting(session):
    m = open_meeting(session)
    yield m
    m.store.close()


async def three_needs(meeting: Meeting) -> list[str]:
    ids = []
    for text in ("Utbildning i Teams", "Nya datorer", "Tid för lärande"):
        ids.append((await meeting.add_need(NeedKind.COMPETENCE, text)).id)
    return ids


async def test_need_edit_request_rank_survive_a_restart_and_reach_json(session, meeting):
    a, b, c = await three_needs(meeting)
    edit = Need(b, NeedKind.CHANGE, "Nya datorer\x1b till alla", request=Prerequisite.ECONOMY)
    await meeting.save_need(edit)
    await meeting.move_need(c, -2)
    meeting.store.close()

    again = open_meeting(session)
    try:
        needs = again.needs()
        assert [n.text for n in needs] == [
            "Tid för lärande",
            "Utbildning i Teams",
            "Nya datorer till alla",
        ]
        assert [n.rank for n in needs] == [1, 2, 3]
        edited = needs[2]
        assert (edited.id, edited.kind) == (b, NeedKind.CHANGE)
        assert edited.request is Prerequisite.ECONOMY
        data = json.loads(json.dumps(export_json(again.record())))
        by_id = {n["id"]: n for n in data["needs"]}
        assert by_id[b]["request"] == "economy" and by_id[b]["rank"] == 3
        assert by_id[c]["rank"] == 1 and by_id[a]["request"] is None
    finally:
        again.store.close()


async def test_removed_need_and_action_come_back_with_undo(meeting):
    a, b, _ = await three_needs(meeting)
    await meeting.move_need(b, -1)
    action = await meeting.save_action(ActionItem("", "Kurs i Teams", "Eva", need=a))
    await meeting.remove_need(b)
    assert b not in [n.id for n in meeting.needs()]
    back = await meeting.undo_remove()
    assert back is not None and back.id == b
    assert next(n.id for n in meeting.needs()) == b  # its rank came back too
    assert await meeting.undo_remove() is None  # once
    await meeting.remove_action(action.id)
    assert meeting.actions() == []
    await meeting.undo_remove()
    assert meeting.actions() == [action]


async def test_dot_vote_order_becomes_rank_only_above_the_threshold(meeting):
    a, b, c = await three_needs(meeting)
    with pytest.raises(AnswerRefused) as none:
        await meeting.rank_needs_from_vote()
    assert none.value.code == "no_dot_vote"
    poll = await meeting.start_needs_dot_vote("Vad är viktigast?", dots=3)
    await answer(meeting, poll.id, [{c: 3}, {b: 2, c: 1}])
    with pytest.raises(AnswerRefused) as few:  # two people: below the threshold of 3
        await meeting.rank_needs_from_vote()
    assert few.value.code == "too_few_answers"
    assert [n.rank for n in meeting.needs()] == [None, None, None]
    await answer(meeting, poll.id, [{b: 1, a: 2}], prefix="late")
    assert await meeting.rank_needs_from_vote() == [c, b, a]
    assert [(n.id, n.rank) for n in meeting.needs()] == [(c, 1), (b, 2), (a, 3)]
    await meeting.move_need(a, -1)  # the facilitator can still change it
    assert [n.id for n in meeting.needs()] == [c, a, b]


async def test_needs_and_actions_keep_the_words_typed_cleaned_and_cut(session, meeting):
    """The plan prints what was typed, without what a hostile keyboard could hide in it, cut
    at the short-text limit (a date at ten characters); the area and the request stay."""
    from mognad_tui.model import MAX_SHORT_TEXT

    long = "Å" * (MAX_SHORT_TEXT + 50)
    need = await meeting.add_need(NeedKind.CHANGE, long, "d1", request=Prerequisite.ECONOMY)
    action = await meeting.save_action(
        ActionItem(
            "",
            "Kurs\x1b[2J i Excel",
            owner="Eva\x1b[31m",
            due="2027-01-15\x1bX",
            follow_up="Vid\x07 nästa möte",
            need=need.id,
        )
    )
    long_action = await meeting.save_action(ActionItem("", long, long, follow_up=long))
    meeting.store.close()

    again = open_meeting(session)
    try:
        [kept] = again.needs()
        assert (kept.id, kept.text, kept.dimension) == (need.id, "Å" * MAX_SHORT_TEXT, "d1")
        assert kept.request is Prerequisite.ECONOMY
        first, second = again.actions()
        assert (first.id, first.what, first.owner, first.due, first.follow_up) == (
            action.id,
            "Kurs[2J i Excel",
            "Eva[31m",
            "2027-01-15",
            "Vid nästa möte",
        )
        assert second.id == long_action.id
        assert (second.what, second.owner, second.follow_up) == ("Å" * MAX_SHORT_TEXT,) * 3
    finally:
        again.store.close()


async def test_a_need_or_action_without_words_is_refused_and_a_gone_one_is_no_error(meeting):
    """``empty`` tells the facilitator why nothing was added; removing what is already gone
    (a key pressed twice) changes nothing and undo has nothing to bring back."""
    for attempt in (
        meeting.add_need(NeedKind.CHANGE, " \x07 "),
        meeting.save_action(ActionItem("", " \x1b ", "Eva")),
    ):
        with pytest.raises(AnswerRefused) as refused:
            await attempt
        assert refused.value.code == "empty"
    assert meeting.needs() == [] and meeting.actions() == []
    await meeting.remove_need("need-gone")
    await meeting.remove_action("action-gone")
    assert await meeting.undo_remove() is None


async def test_ranked_needs_come_first_then_the_rest_as_named(meeting):
    a, b, c = await three_needs(meeting)
    await meeting.set_ranks([b])
    assert [(n.id, n.rank) for n in meeting.needs()] == [(b, 1), (a, None), (c, None)]
    await meeting.move_need(a, +5)  # moved past the end: it becomes the last
    assert [n.id for n in meeting.needs()] == [b, c, a]
    await meeting.move_need(b, -5)  # already first
    assert [(n.id, n.rank) for n in meeting.needs()] == [(b, 1), (c, 2), (a, 3)]


async def test_the_dot_vote_over_needs_offers_every_need_by_its_words(meeting):
    """Three dots each unless told otherwise, one dot is a vote too; the vote needs two needs
    and a question, and another dot vote in between is not the needs' vote."""
    a = (await meeting.add_need(NeedKind.COMPETENCE, "Utbildning i Teams")).id
    with pytest.raises(AnswerRefused) as few:
        await meeting.start_needs_dot_vote("Vad är viktigast?")
    assert few.value.code == "too_few_needs"
    b = (await meeting.add_need(NeedKind.CHANGE, "Nya datorer")).id
    with pytest.raises(AnswerRefused) as empty:
        await meeting.start_needs_dot_vote(" \x07 ")
    assert empty.value.code == "empty"
    with pytest.raises(AnswerRefused) as no_dots:
        await meeting.start_needs_dot_vote("Vad är viktigast?", dots=0)
    assert no_dots.value.code == "empty"

    vote = await meeting.start_needs_dot_vote("Vad är \x1b[2Jviktigast?" + "x" * 300)
    assert vote.dots == 3 and vote.text == ("Vad är [2Jviktigast?" + "x" * 300)[:200]
    assert [(o.value, o.label) for o in vote.options] == [
        (a, "Utbildning i Teams"),
        (b, "Nya datorer"),
    ]
    one = await meeting.start_needs_dot_vote("En prick var", dots=1)
    assert one.dots == 1 and meeting.voting(one.id) is Voting.OPEN
    days = await meeting.add_poll("Vilken dag?", Kind.DOTS, ["Måndag", "Tisdag"], dots=2)
    assert days.dots == 2
    assert meeting.needs_dot_vote() == one


async def test_ranking_from_the_vote_reveals_it_and_keeps_only_its_own_showing(meeting):
    """The room sees the vote's result when the order is taken from it; nothing else counts
    as shown by that, so a statement still open shows its own figures when it is revealed."""
    a, b, c = await three_needs(meeting)
    await meeting.set_voting("a-hitta-information", Voting.OPEN)
    await answer(meeting, "a-hitta-information", [1, 2, 3], prefix="s")
    poll = await meeting.start_needs_dot_vote("Vad är viktigast?")
    await answer(meeting, poll.id, [{c: 3}, {b: 2, c: 1}, {a: 1}])
    assert await meeting.rank_needs_from_vote() == [c, b, a]
    assert meeting.voting(poll.id) is Voting.REVEALED
    shown = results.question_result(meeting.record(), poll)
    assert shown.shown and not shown.held and shown.n == 3

    await answer(meeting, "a-hitta-information", [4], prefix="late")
    await meeting.set_voting("a-hitta-information", Voting.REVEALED)
    statement = results.question_result(meeting.record(), "a-hitta-information")
    assert (statement.shown, statement.held, statement.n) == (True, False, 4)


# ------------------------------------------------------------ the plan's meetings and their time
# The header's "23 av 45 min" and the agenda's meetings, at the meeting's level: the terminal's
# tests (tests/test_tui_plan.py) show them on the screen, these keep the rules themselves (and
# are what the meeting's mutation shard runs, tests/MUTATION.md).


def _at(minutes: float) -> datetime:
    """The facilitator's clock ``minutes`` after the session began: no test waits."""
    return FIXED_NOW + timedelta(minutes=minutes)


def _planned_session(tmp_path, *, minutes: int = 45, meetings: int = 2):
    info = SessionInfo(
        name="plan",
        title="Plan",
        created="2026-11-26",
        set_id="digital-mognad",
        lang="sv",
        join_code="4821",
        minutes=minutes,
        meetings=meetings,
    )
    return create_session(tmp_path / "sessions", info, question_set("sv"))


def _kept(path) -> object:
    with SessionStore.open(path, readonly=True) as store:
        return store.state(USED_KEY)


async def test_minutes_count_from_the_first_step_and_continue_after_a_restart(tmp_path):
    path = _planned_session(tmp_path)
    meeting = Meeting(SessionStore.open(path))
    try:
        # The app open before the room gathers counts nothing, and keeps nothing.
        assert meeting.track_time(1, _at(0), start=False) is None
        assert meeting.minutes_used(1, _at(5)) is None
        await meeting.track_time(1, _at(5), start=True)  # the facilitator's first step
        assert meeting.store.state(USED_KEY) == {"1": 0}
        assert meeting.minutes_used(1, _at(28.7)) == 23
        # The same meeting again in the same minute: nothing new to keep.
        assert meeting.track_time(1, _at(5.5), start=True) is None
        await meeting.track_time(1, _at(28.7), start=True)
        assert meeting.store.state(USED_KEY) == {"1": 23}
        assert meeting.minutes_used(1, _at(30)) == 25  # still running
        assert meeting.minutes_used(2, _at(30)) is None  # the second has not started
    finally:
        meeting.store.close()
    assert _kept(path) == {"1": 23}

    # `mognad run` again a week later, the first meeting's last item still on the screen: the
    # week counts nothing, and nor do the minutes until the facilitator acts.
    meeting = Meeting(SessionStore.open(path))
    try:
        assert meeting.minutes_used(1, _at(10_000)) == 23
        assert meeting.track_time(1, _at(10_000), start=False) is None
        assert meeting.minutes_used(1, _at(10_015)) == 23
        # It runs again from where it stood (already kept: nothing to write).
        assert meeting.track_time(1, _at(10_015), start=True) is None
        assert meeting.minutes_used(1, _at(10_017)) == 25
        # The second meeting starts: the first stops where it stood, the second counts from 0.
        await meeting.track_time(2, _at(10_017), start=True)
        assert meeting.store.state(USED_KEY) == {"1": 25, "2": 0}
        assert meeting.minutes_used(1, _at(10_029)) == 25
        assert meeting.minutes_used(2, _at(10_029)) == 12
        # Back to the first meeting's items: its count goes on from 25, the second's is kept.
        await meeting.track_time(1, _at(10_029), start=True)
        assert meeting.minutes_used(2, _at(10_040)) == 12
        assert meeting.minutes_used(1, _at(10_040)) == 36
    finally:
        meeting.store.close()
    # Whole minutes per meeting, never a time of day, are what the folder keeps.
    assert _kept(path) == {"1": 25, "2": 12}


async def test_leaving_a_meeting_without_starting_another_stops_its_minutes(tmp_path):
    path = _planned_session(tmp_path)
    meeting = Meeting(SessionStore.open(path))
    try:
        await meeting.track_time(1, _at(0), start=True)
        # The facilitator only looks at the second meeting's items: the first stops, the
        # second does not start.
        await meeting.track_time(2, _at(10), start=False)
        assert meeting.store.state(USED_KEY) == {"1": 10}
        assert meeting.minutes_used(1, _at(50)) == 10
        assert meeting.minutes_used(2, _at(50)) is None
        assert meeting.track_time(2, _at(50), start=False) is None  # nothing runs, nothing new
        assert meeting.store.state(USED_KEY) == {"1": 10}
    finally:
        meeting.store.close()


async def test_a_clock_set_back_never_takes_minutes_away(tmp_path):
    meeting = Meeting(SessionStore.open(_planned_session(tmp_path)))
    try:
        await meeting.track_time(1, _at(0), start=True)
        await meeting.track_time(1, _at(15), start=True)
        assert meeting.store.state(USED_KEY) == {"1": 15}
        # The laptop's clock is put back ten minutes: what was kept stays.
        assert meeting.track_time(1, _at(5), start=True) is None
        await meeting.track_time(2, _at(5), start=True)
        assert meeting.store.state(USED_KEY) == {"1": 15, "2": 0}
    finally:
        meeting.store.close()


async def test_each_item_belongs_to_its_meeting_and_a_quick_poll_to_the_one_under_way(tmp_path):
    meeting = Meeting(SessionStore.open(_planned_session(tmp_path)))
    try:
        first, second = meeting.plans()
        assert (first.number, second.number) == (1, 2)
        assert (first.minutes, second.minutes) == (45, 45)
        by_step = {e.step: meeting.plan_of(e).number for e in meeting.agenda()}
        assert by_step == {1: 1, 2: 1, 3: 2, 4: 2}
        # Before any meeting started, a quick poll counts in the first.
        poll = await meeting.add_poll("Fika först?", Kind.SINGLE, ["Ja", "Nej"])
        entry = meeting.agenda()[-1]
        assert (entry.step, entry.item.id) == (POLL_STEP, poll.id)
        assert meeting.plan_of(entry) == first
        # The second meeting under way: the poll counts there.
        await meeting.track_time(2, _at(0), start=True)
        assert meeting.plan_of(entry) == second
        # Back in the first: the poll counts there, though the second started later.
        await meeting.track_time(1, _at(3), start=True)
        assert meeting.plan_of(entry) == first
        # Nothing runs (as after a restart): the latest meeting that started.
        meeting.store.close()
        meeting = Meeting(SessionStore.open(meeting.store.path))
        assert meeting.plan_of(meeting.agenda()[-1]) == second
    finally:
        meeting.store.close()


async def test_one_long_meeting_holds_every_step(tmp_path):
    meeting = Meeting(SessionStore.open(_planned_session(tmp_path, minutes=120, meetings=1)))
    try:
        (only,) = meeting.plans()
        assert only.minutes == 120
        assert {meeting.plan_of(e).number for e in meeting.agenda()} == {1}
        await meeting.track_time(1, _at(0), start=True)
        assert meeting.plan_of(None) == only
    finally:
        meeting.store.close()


async def test_the_agenda_is_the_sets_items_then_the_quick_polls_and_survives_a_restart(tmp_path):
    path = _planned_session(tmp_path)
    meeting = Meeting(SessionStore.open(path))
    try:
        expected = [(s.number, i.id) for s in meeting.question_set.steps for i in s.items]
        assert [(e.step, e.item.id) for e in meeting.agenda()] == expected
        assert meeting.current.item.id == expected[0][1]  # a new session starts at the top
        first = await meeting.add_poll("Fika först?", Kind.SINGLE, ["Ja", "Nej"])
        second = await meeting.add_poll("Paus nu?", Kind.SINGLE, ["Ja", "Nej"])
        polls = [(POLL_STEP, first.id), (POLL_STEP, second.id)]
        assert [(e.step, e.item.id) for e in meeting.agenda()] == expected + polls
        assert meeting.entry_index(second.id) == len(expected) + 1
        await meeting.set_voting(expected[0][1], Voting.REVEALED)
        await meeting.set_voting(first.id, Voting.CLOSED)
        await meeting.go_to(expected[3][1])
    finally:
        meeting.store.close()

    # After a restart: the same agenda, the item on the screen, what was open still open.
    meeting = Meeting(SessionStore.open(path))
    try:
        assert [(e.step, e.item.id) for e in meeting.agenda()] == expected + polls
        assert meeting.current.item.id == expected[3][1]
        assert meeting.voting(expected[0][1]) is Voting.REVEALED
        assert meeting.voting(first.id) is Voting.CLOSED
        assert meeting.voting(second.id) is Voting.OPEN
        assert not meeting.self_paced
    finally:
        meeting.store.close()


async def test_minutes_edited_by_hand_in_the_folder_count_as_not_started(tmp_path):
    """The session folder is as hostile as a participant: minutes that are not a whole
    number, or not even a table, read as "not started"; the next real start replaces them."""
    path = _planned_session(tmp_path)
    for junk in (["1"], {"1": "i går"}, {"1": -5}, {"1": True}, {"1": 2.5}):
        with SessionStore.open(path) as store:
            await store.set_state(USED_KEY, junk)
        meeting = Meeting(SessionStore.open(path))
        try:
            assert meeting.minutes_used(1, _at(0)) is None
            assert meeting.track_time(1, _at(0), start=False) is None  # nothing to keep
            await meeting.track_time(1, _at(0), start=True)
            assert meeting.minutes_used(1, _at(3)) == 3
            assert meeting.store.state(USED_KEY) == {"1": 0}
        finally:
            meeting.store.close()


class _DiskFull:
    """The store's answer to a write on a full disk."""

    def __await__(self):
        raise StoreFull("disk full", None)
        yield  # pragma: no cover


async def test_minutes_count_from_a_start_the_full_disk_refused_and_are_kept_when_it_has_room(
    tmp_path, monkeypatch
):
    meeting = Meeting(SessionStore.open(_planned_session(tmp_path)))
    try:
        room = meeting.store.set_state
        monkeypatch.setattr(meeting.store, "set_state", lambda *a, **k: _DiskFull())
        with pytest.raises(AnswerRefused) as refused:
            await meeting.track_time(1, _at(0), start=True)
        assert refused.value.code == "store_full"
        assert meeting.minutes_used(1, _at(0.5)) == 0  # the header counts on
        monkeypatch.setattr(meeting.store, "set_state", room)
        assert meeting.track_time(1, _at(0.5), start=True) is None  # nothing new this minute
        await meeting.track_time(1, _at(1), start=True)
        assert meeting.store.state(USED_KEY) == {"1": 1}
        await meeting.track_time(2, _at(7), start=True)
        assert meeting.store.state(USED_KEY) == {"1": 7, "2": 0}
    finally:
        meeting.store.close()


async def test_a_quick_poll_counts_in_the_meeting_under_way_though_the_disk_refused_its_start(
    tmp_path, monkeypatch
):
    meeting = Meeting(SessionStore.open(_planned_session(tmp_path)))
    try:
        await meeting.track_time(1, _at(0), start=True)
        monkeypatch.setattr(meeting.store, "set_state", lambda *a, **k: _DiskFull())
        with pytest.raises(AnswerRefused):
            await meeting.track_time(2, _at(5), start=True)
        assert meeting.plan_of(None) == meeting.plans()[1]
        assert meeting.minutes_used(2, _at(8)) == 3
    finally:
        meeting.store.close()


async def test_minutes_of_a_meeting_left_while_the_disk_was_full_are_kept_when_it_has_room(
    tmp_path, monkeypatch
):
    """The facilitator moves on to the second meeting while the disk is full: the first
    meeting's minutes stay on the header and reach the folder with the next count it takes."""
    path = _planned_session(tmp_path)
    meeting = Meeting(SessionStore.open(path))
    try:
        await meeting.track_time(1, _at(0), start=True)
        room = meeting.store.set_state
        monkeypatch.setattr(meeting.store, "set_state", lambda *a, **k: _DiskFull())
        with pytest.raises(AnswerRefused):
            await meeting.track_time(2, _at(7), start=True)
        assert meeting.minutes_used(1, _at(9)) == 7
        monkeypatch.setattr(meeting.store, "set_state", room)
        await meeting.track_time(2, _at(9), start=True)
        assert meeting.store.state(USED_KEY) == {"1": 7, "2": 2}
    finally:
        meeting.store.close()
    assert _kept(path) == {"1": 7, "2": 2}


async def test_a_minutes_write_the_app_quit_before_awaiting_is_kept_and_warns_nothing(tmp_path):
    """The header posts the minutes' write for the app to await; quitting before the app got
    to it must neither lose the minutes nor print "coroutine ... was never awaited" into the
    facilitator's terminal after the app has left it."""
    path = _planned_session(tmp_path)
    meeting = Meeting(SessionStore.open(path))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        write = meeting.track_time(1, _at(5), start=True)
        assert write is not None
        note = meeting.set_note(meeting.agenda()[0].item.id, "Skrivet just innan vi slutade")
        del write, note  # the app quit with both still in its queue
        gc.collect()
        meeting.store.close()
    assert [str(w.message) for w in caught if w.category is RuntimeWarning] == []
    assert _kept(path) == {"1": 0}
    with SessionStore.open(path, readonly=True) as store:
        assert "Skrivet just innan vi slutade" in store.notes().values()


async def test_a_meeting_write_is_awaited_once_as_a_coroutine_would_be(meeting):
    write = meeting.set_note(meeting.agenda()[0].item.id, "En gång")
    await write
    with pytest.raises(RuntimeError):
        await write  # a second wait would publish the change twice
    assert meeting.note(meeting.agenda()[0].item.id) == "En gång"
