"""Step 4 in the meeting: needs edited, removed and brought back, ranked by the dot vote or by
hand, marked as requests to the förvaltning; all of it survives a restart and reaches the JSON
export (the plan document reads ``rank`` and ``request``)."""

from __future__ import annotations

import json

import pytest
from test_tui_support import answer, new_session, open_meeting

from mognad_tui import results
from mognad_tui.export.json_export import export_json
from mognad_tui.meeting import AnswerRefused, Meeting
from mognad_tui.model import ActionItem, Kind, Need, NeedKind, Prerequisite, Voting


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
