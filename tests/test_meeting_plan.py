"""Step 4 in the meeting: needs edited, removed and brought back, ranked by the dot vote or by
hand, marked as requests to the förvaltning; all of it survives a restart and reaches the JSON
export (the plan document reads ``rank`` and ``request``)."""

from __future__ import annotations

import json

import pytest
from test_tui_support import answer, new_session, open_meeting

from mognad_tui.export.json_export import export_json
from mognad_tui.meeting import AnswerRefused, Meeting
from mognad_tui.model import ActionItem, Need, NeedKind, Prerequisite


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
