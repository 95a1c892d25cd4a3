"""The live meeting's rules: what phones may answer when, anonymity of the stored answers,
keyboard votes, moderation, needs, actions, polls and resuming after a restart."""

from __future__ import annotations

import asyncio
import json
from datetime import date

import pytest

from mognad_tui.meeting import AnswerRefused, Change, Meeting
from mognad_tui.model import (
    DONT_KNOW,
    ActionItem,
    Kind,
    NeedKind,
    Option,
    Prompt,
    Question,
    QuestionSet,
    SessionInfo,
    Step,
    Voting,
)
from mognad_tui.store import SessionStore, create_session
from mognad_tui.web.messages import ERROR_STATUS

SCALE = (*tuple(Option(n, f"L{n}") for n in range(1, 6)), Option(DONT_KNOW, "Vet ej"))
QSET = QuestionSet(
    id="mini",
    version="1",
    lang="sv",
    title="Mini",
    description="",
    steps=(
        Step(1, "Dialog", (Prompt("p1", "Vad betyder digitalt först för oss?"),)),
        Step(
            2,
            "Enkät",
            (
                Question("q1", Kind.SCALE, "Vi hittar information", SCALE, dimension="d1"),
                Question("q2", Kind.SCALE, "Vi delar dokument", SCALE, dimension="d1"),
                Question("t1", Kind.TEXT, "Något mer?"),
            ),
        ),
        Step(3, "Dialog", (Prompt("p3", "Vad överraskade?"),)),
    ),
)


@pytest.fixture
def session_path(tmp_path):
    info = SessionInfo("mini", "Mini", date.today().isoformat(), "mini", "sv")
    return create_session(tmp_path, info, QSET)


@pytest.fixture
async def meeting(session_path):
    store = SessionStore.open(session_path)
    yield Meeting(store)
    store.close()


async def test_agenda_moves_and_clamps(meeting):
    assert meeting.current.item.id == "p1"
    await meeting.step(+1)
    assert meeting.current.item.id == "q1" and meeting.current.step == 2
    await meeting.step(-5)
    assert meeting.current.item.id == "p1"
    await meeting.step(+99)
    assert meeting.current.item.id == "p3"


async def test_only_open_questions_take_answers(meeting):
    with pytest.raises(AnswerRefused) as refused:
        await meeting.submit("tok-a", "q1", 3)
    assert (refused.value.code, ERROR_STATUS[refused.value.code]) == ("not_open", 409)
    with pytest.raises(AnswerRefused) as unknown:
        await meeting.submit("tok-a", "nope", 3)
    assert (unknown.value.code, ERROR_STATUS[unknown.value.code]) == ("unknown_question", 404)
    await meeting.toggle_open("q1")
    assert [q.id for q in meeting.open_questions()] == ["q1"]
    await meeting.submit("tok-a", "q1", 3)
    with pytest.raises(AnswerRefused) as bad:
        await meeting.submit("tok-a", "q1", 9)
    assert (bad.value.code, ERROR_STATUS[bad.value.code]) == ("bad_value", 422)


async def test_a_device_replaces_its_own_answer(meeting):
    await meeting.toggle_open("q1")
    await meeting.submit("tok-a", "q1", 2)
    await meeting.submit("tok-a", "q1", 4)
    await meeting.submit("tok-b", "q1", 4)
    assert meeting.answer_count("q1") == 2
    assert sorted(meeting.store.answers("q1")) == [4, 4]
    assert meeting.answers_of("tok-a") == {"q1": 4}
    assert meeting.joined_count == 2


async def test_reveal_closes_voting_and_space_reopens(meeting):
    events = []
    meeting.subscribe(lambda e: events.append(e.kind))
    await meeting.toggle_open("q1")
    assert meeting.voting("q1") is Voting.OPEN
    await meeting.toggle_reveal("q1")
    assert meeting.voting("q1") is Voting.REVEALED and meeting.open_questions() == []
    assert meeting.revealed_questions()[0].id == "q1"
    await meeting.toggle_reveal("q1")
    assert meeting.voting("q1") is Voting.CLOSED
    await meeting.toggle_open("q1")
    assert meeting.voting("q1") is Voting.OPEN
    assert events.count("voting") == 4
    # One typed vocabulary: every notice is a ``Change`` member, so a misspelt kind in a face
    # fails on import (an AttributeError) instead of silently matching nothing.
    assert events and all(isinstance(kind, Change) for kind in events)
    with pytest.raises(AttributeError):
        Change.VOTNG  # noqa: B018


async def test_auto_reveal_when_everyone_joined_has_answered(meeting):

    await meeting.set_auto_reveal(True)
    await meeting.toggle_open("q1")
    meeting.join("tok-a")
    meeting.join("tok-b")
    await meeting.submit("tok-a", "q1", 2)
    assert meeting.voting("q1") is Voting.OPEN
    await meeting.submit("tok-b", "q1", 3)
    await _until(lambda: meeting.voting("q1") is Voting.REVEALED)
    assert meeting.voting("q1") is Voting.REVEALED


async def test_nothing_stored_links_a_device_across_questions(meeting, session_path):
    token = "device-token-secret-1234567890"
    await meeting.toggle_open("q1")
    await meeting.toggle_open("q2")
    await meeting.submit(token, "q1", 2)
    await meeting.submit(token, "q2", 5)
    meeting.store.close()
    blob = b"".join(p.read_bytes() for p in session_path.rglob("*") if p.is_file())
    assert token.encode() not in blob
    slots = {meeting.slot(token, "q1"), meeting.slot(token, "q2")}
    assert len(slots) == 2  # a different key per question
    for forbidden in (b"127.0.0.1", b"Mozilla", b"user_agent", b"timestamp"):
        assert forbidden not in blob


async def test_self_paced_opens_the_whole_survey(session_path):
    store = SessionStore.open(session_path)
    try:
        m = Meeting(store, self_paced=True)
        assert [q.id for q in m.open_questions()] == ["q1", "q2", "t1"]
        await m.submit("tok", "q2", DONT_KNOW)
        assert m.answers_of("tok") == {"q2": DONT_KNOW}
    finally:
        store.close()


async def test_serving_self_paced_keeps_what_a_live_meeting_closed_or_revealed(session_path):
    """Self-paced opens the survey's questions no meeting has touched; one the room already
    answered, closed or revealed in a live meeting stays so: its phones cannot answer again."""
    store = SessionStore.open(session_path)
    try:
        live = Meeting(store)
        await live.set_voting("q1", Voting.REVEALED)
        await live.set_voting("q2", Voting.OPEN)
        await live.set_voting("q2", Voting.CLOSED)
        paced = Meeting(store, self_paced=True)
        assert paced.voting("q1") is Voting.REVEALED
        assert paced.voting("q2") is Voting.CLOSED
        assert [q.id for q in paced.open_questions()] == ["t1"]
        for question in ("q1", "q2"):
            with pytest.raises(AnswerRefused) as refused:
                await paced.submit("tok", question, 3)
            assert refused.value.code == "not_open"
        assert paced.answer_count("q1") == paced.answer_count("q2") == 0
    finally:
        store.close()


async def test_keyboard_votes_tally_and_private(meeting):
    await meeting.toggle_open("q1")
    await meeting.set_tally("q1", {"3": 4, "5": 1, "bogus": 7, "2": 0})
    assert meeting.tally("q1") == {"3": 4, "5": 1}
    await meeting.submit_private("q1", 2)
    await meeting.submit_private("q1", 2)
    assert meeting.answer_count("q1") == 2  # two people, never one replacing the other
    record = meeting.record()
    assert sorted(record.answers["q1"]) == [2, 2] and record.tallies["q1"] == {"3": 4, "5": 1}


async def test_free_text_waits_for_moderation(meeting):
    await meeting.go_to("t1")
    await meeting.toggle_open("t1")
    await meeting.submit("a", "t1", "[@click=app.quit]x[/] \x1b[2J hej")
    await meeting.submit("b", "t1", "Mer tid för lärande")
    pending = meeting.pending_texts("t1")
    assert "[@click=app.quit]x[/] [2J hej" in pending and len(pending) == 2
    assert meeting.record().approved.get("t1", []) == []
    await meeting.moderate("t1", "Mer tid för lärande", approve=True)
    await meeting.moderate("t1", "[@click=app.quit]x[/] [2J hej", approve=False)
    assert meeting.pending_texts("t1") == []
    assert meeting.record().approved["t1"] == ["Mer tid för lärande"]


async def test_needs_actions_polls_and_dot_vote(meeting):
    n1 = await meeting.add_need(NeedKind.COMPETENCE, "Excel för uppföljning")
    n2 = await meeting.add_need(NeedKind.CHANGE, "Färre pappersblanketter", "d1")
    with pytest.raises(AnswerRefused):
        await meeting.add_need(NeedKind.CHANGE, "  \x07 ")
    action = await meeting.save_action(ActionItem("", "Kurs i Excel", "Eva", need=n1.id))
    assert action.id and meeting.actions()[0].what == "Kurs i Excel"
    await meeting.save_action(action.with_changes(owner="Ali"))
    assert [a.owner for a in meeting.actions()] == ["Ali"]
    with pytest.raises(AnswerRefused):
        await meeting.save_action(ActionItem("", "  \x07 ", "Eva"))
    assert [a.what for a in meeting.actions()] == ["Kurs i Excel"]

    poll = await meeting.add_poll("Hur digital är vår dag?", Kind.SCALE, dont_know="Vet ej")
    assert meeting.current.item.id == poll.id and meeting.voting(poll.id) is Voting.OPEN
    assert [o.value for o in poll.options] == [1, 2, 3, 4, 5, DONT_KNOW]
    yes_no = await meeting.add_poll("Fika först?", Kind.SINGLE, ["Ja", "Nej"])
    await meeting.submit("a", yes_no.id, "o1")

    dots = await meeting.start_needs_dot_vote("Vad är viktigast?", dots=3)
    assert {o.value for o in dots.options} == {n1.id, n2.id}
    await meeting.submit("a", dots.id, {n1.id: 2, n2.id: 1})
    with pytest.raises(AnswerRefused):
        await meeting.submit("b", dots.id, {n1.id: 4})


async def test_resume_after_restart(session_path):
    store = SessionStore.open(session_path)
    m = Meeting(store)
    await m.go_to("q2")
    await m.toggle_open("q2")
    await m.submit("phone-1", "q2", 4)
    await m.set_note("p1", "Vi vill ha mindre papper")
    await m.set_threshold(4)
    store.close()

    store = SessionStore.open(session_path)
    try:
        again = Meeting(store)
        assert again.current.item.id == "q2"
        assert again.voting("q2") is Voting.OPEN
        assert again.answers_of("phone-1") == {"q2": 4}  # the same cookie still works
        assert again.note("p1") == "Vi vill ha mindre papper"
        assert again.threshold == 4
    finally:
        store.close()


async def test_threshold_never_below_two(meeting):
    await meeting.set_threshold(1)
    assert meeting.threshold == 2


def test_record_is_plain_data(session_path):
    with SessionStore.open(session_path) as store:
        record = Meeting(store).record()
    assert record.question_set == QSET
    json.dumps(record.info.to_dict())


async def test_keyboard_answers_do_not_stand_in_for_phones_in_auto_reveal(meeting):
    import asyncio

    await meeting.set_auto_reveal(True)
    await meeting.toggle_open("q1")
    for token in ("p1", "p2", "p3"):
        meeting.join(token)
    for _ in range(3):
        await meeting.submit_private("q1", 3)
    await asyncio.sleep(0.05)
    assert meeting.voting("q1") is Voting.OPEN  # three keyboard answers, no phone answered
    for token in ("p1", "p2"):
        await meeting.submit(token, "q1", 4)
    await asyncio.sleep(0.05)
    assert meeting.voting("q1") is Voting.OPEN
    await meeting.submit("p3", "q1", 4)
    await _until(lambda: meeting.voting("q1") is Voting.REVEALED)
    assert meeting.voting("q1") is Voting.REVEALED


async def test_a_replaced_approved_text_leaves_the_screen_and_exports(meeting):
    from mognad_tui.results import question_result, raw_answers

    await meeting.go_to("t1")
    await meeting.toggle_open("t1")
    await meeting.submit("a", "t1", "Jag vill ha mer tid")
    await meeting.submit("b", "t1", "Bättre nät")
    await meeting.submit("c", "t1", "Fler kurser")
    await meeting.moderate("t1", "Jag vill ha mer tid", approve=True)
    await meeting.moderate("t1", "Bättre nät", approve=True)
    await meeting.submit("a", "t1", "Ta bort det jag skrev")
    assert meeting.approved_texts("t1") == ["Bättre nät"]
    record = meeting.record()
    question = record.question("t1")
    assert list(question_result(record, question).texts) == ["Bättre nät"]
    assert raw_answers(record, question) == ["Bättre nät"]


async def test_a_failed_write_changes_nothing_on_screen(meeting, monkeypatch):
    from mognad_tui.store import StoreFull

    class Failing:
        def __await__(self):
            raise StoreFull("disk full", None)
            yield  # pragma: no cover

    monkeypatch.setattr(meeting.store, "set_state", lambda *a, **k: Failing())
    with pytest.raises(AnswerRefused) as refused:
        await meeting.toggle_reveal("q1")
    assert refused.value.code == "store_full"
    assert meeting.voting("q1") is Voting.CLOSED
    with pytest.raises(AnswerRefused):
        await meeting.step(+1)
    assert meeting.current.item.id == "p1"


async def test_a_note_on_a_full_disk_is_refused_like_every_other_write(meeting, monkeypatch):
    """The facilitator's notes go through the same funnel: one shape of a full disk."""
    import errno

    from mognad_tui.store import files as store_files

    await meeting.set_note("p1", "före")

    def full(fd, data=None):
        raise OSError(errno.ENOSPC, "simulated")

    monkeypatch.setattr(store_files, "_fsync", full)
    with pytest.raises(AnswerRefused) as refused:
        await meeting.set_note("p1", "efter")
    assert refused.value.code == "store_full"
    assert meeting.note("p1") == "före"  # rolled back, as the store promises


async def test_a_write_to_a_closed_store_is_a_refusal_not_a_store_error(meeting):
    meeting.store.close()
    with pytest.raises(AnswerRefused) as refused:
        await meeting.add_need(NeedKind.CHANGE, "Mer tid")
    assert refused.value.code == "store_error"
    with pytest.raises(AnswerRefused) as note:
        meeting.set_note("p1", "text")
    assert note.value.code == "store_error"


async def test_closing_a_question_folds_away_the_arrival_order(meeting, session_path):

    await meeting.toggle_open("q1")
    for n in range(5):
        await meeting.submit(f"device-{n}", "q1", 1 + n % 5)
    journal = session_path / "journal.log"
    assert b'"q1"' in journal.read_bytes()
    await meeting.toggle_open("q1")  # close voting
    await _until(lambda: b'"q1"' not in journal.read_bytes())
    assert b'"q1"' not in journal.read_bytes()  # answers now live only in the folded snapshot
    assert meeting.answer_count("q1") == 5


# ---------------------------------------------------------------- after a restart


async def _until(condition, limit: float = 120.0) -> None:
    """Yield to the loop until ``condition()`` holds (background writes, timers); ``limit``
    only guards against a hang."""
    async with asyncio.timeout(limit):
        while not condition():
            await asyncio.sleep(0.005)


async def _first_run(session_path, tokens) -> None:
    """A run where ``tokens`` joined and q1 was opened with auto-reveal on; then the laptop
    quits (or crashes) before anyone answered."""
    store = SessionStore.open(session_path)
    first = Meeting(store)
    await first.set_auto_reveal(True)
    await first.toggle_open("q1")
    for token in tokens:
        first.join(token)
    await _until(lambda: store.state("devices") == len(tokens))
    store.close()


async def test_after_a_restart_auto_reveal_waits_for_the_devices_from_before(session_path):
    """Issue 10 item 3: the first phone back is not "everyone present" (1 of 1)."""
    await _first_run(session_path, ["tok-a", "tok-b", "tok-c"])
    # Only a count is on disk: no device token, nor anything derived from one per device.
    kept = "".join(p.read_text("utf-8") for p in session_path.rglob("*") if p.is_file())
    assert "tok-" not in kept
    now = [1000.0]
    store = SessionStore.open(session_path)
    try:
        meeting = Meeting(store, clock=lambda: now[0])
        assert meeting.devices_awaited == 3 and meeting.voting("q1") is Voting.OPEN
        await meeting.submit("tok-a", "q1", 2)
        await meeting.submit("tok-b", "q1", 3)
        await asyncio.sleep(0)  # a reveal would have been started by now
        assert meeting.voting("q1") is Voting.OPEN  # 2 back of 3, both answered: wait
        assert store.state("devices") == 3  # the count from before stands meanwhile
        await meeting.submit("tok-c", "q1", 4)  # the third is back and answers
        await _until(lambda: meeting.voting("q1") is Voting.REVEALED)
        assert sorted(store.answers("q1")) == [2, 3, 4]  # no answer lost
    finally:
        store.close()


async def test_after_the_grace_period_the_devices_present_count(session_path):
    await _first_run(session_path, ["tok-a", "tok-b", "tok-c"])
    now = [1000.0]
    store = SessionStore.open(session_path)
    try:
        meeting = Meeting(store, clock=lambda: now[0], restart_grace=120)
        await meeting.submit("tok-a", "q1", 2)
        assert meeting.grace_left == 120
        now[0] += 119
        meeting.recheck_auto_reveal()  # what the grace timer calls
        await asyncio.sleep(0)
        assert meeting.voting("q1") is Voting.OPEN
        now[0] += 1
        meeting.recheck_auto_reveal()  # the grace is over: 1 of 1 present has answered
        await _until(lambda: meeting.voting("q1") is Voting.REVEALED)
        assert meeting.devices_awaited == 0
        await _until(lambda: store.state("devices") == 1)  # the room now is one device
    finally:
        store.close()


async def test_the_grace_timer_reveals_by_itself(session_path):
    """Nobody else comes back: when the grace period ends, what everyone present answered
    is revealed without another answer to trigger it."""
    await _first_run(session_path, ["tok-a", "tok-b"])
    store = SessionStore.open(session_path)
    try:
        meeting = Meeting(store, restart_grace=0.2)
        await meeting.submit("tok-a", "q1", 2)
        await _until(lambda: meeting.voting("q1") is Voting.REVEALED)
    finally:
        store.close()


async def test_a_failed_reveal_leaves_an_open_question_open_for_the_phones(meeting, monkeypatch):
    """The reveal is shown at once and taken back when the disk refuses it: the question goes
    back to what it was (open, not closed), and the phones can still answer it."""
    from mognad_tui.store import StoreFull

    class Failing:
        def __await__(self):
            raise StoreFull("disk full", None)
            yield  # pragma: no cover

    await meeting.set_voting("q1", Voting.OPEN)
    assert [q.id for q in meeting.open_questions()] == ["q1"]
    monkeypatch.setattr(meeting.store, "set_state", lambda *a, **k: Failing())
    with pytest.raises(AnswerRefused):
        await meeting.toggle_reveal("q1")
    assert meeting.voting("q1") is Voting.OPEN
    assert [q.id for q in meeting.open_questions()] == ["q1"]
    monkeypatch.undo()
    await meeting.submit(meeting.issue_device(), "q1", 3)
    assert meeting.answer_count("q1") == 1


async def test_the_phones_list_of_open_questions_follows_every_change(meeting):
    """What the phones may answer is built once per change: each change must show, the second
    as much as the first."""
    await meeting.set_voting("q1", Voting.OPEN)
    assert [q.id for q in meeting.open_questions()] == ["q1"]
    await meeting.set_voting("q1", Voting.CLOSED)
    assert meeting.open_questions() == []
    await meeting.set_voting("q1", Voting.OPEN)
    assert [q.id for q in meeting.open_questions()] == ["q1"]


# ---------------------------------------------------------------- quick polls


async def test_a_quick_poll_shows_what_was_typed_cleaned_and_cut_like_every_short_text(
    meeting, session_path
):
    """The phones and the plan show a poll's words as typed, minus what a hostile keyboard
    could hide in them, cut at the short-text limit: a scale's typed anchors label 1, 2, ...
    in order (blank ones dropped), the rest keep their numbers."""
    from mognad_tui.export.json_export import export_json
    from mognad_tui.model import MAX_SHORT_TEXT

    long = "Å" * (MAX_SHORT_TEXT + 100)
    scale = await meeting.add_poll(
        "Hur digital\x1b[2J är vår dag?",
        Kind.SCALE,
        ["Inte alls", " \x07 ", "Lite", long],
        dont_know="Vet ej",
    )
    assert scale.text == "Hur digital[2J är vår dag?"
    assert [(o.value, o.label) for o in scale.options] == [
        (1, "Inte alls"),
        (2, "Lite"),
        (3, "Å" * MAX_SHORT_TEXT),
        (4, "4"),
        (5, "5"),
        (DONT_KNOW, "Vet ej"),
    ]
    yes_no = await meeting.add_poll(long, Kind.SINGLE, ["Ja", "", "Nej\x1b"])
    assert yes_no.text == "Å" * MAX_SHORT_TEXT
    assert [(o.value, o.label) for o in yes_no.options] == [("o1", "Ja"), ("o2", "Nej")]
    meeting.store.close()

    with SessionStore.open(session_path) as store:  # as the phones read it after a restart
        again = Meeting(store)
        assert [again.question(p.id) for p in (scale, yes_no)] == [scale, yes_no]
        polls = export_json(again.record())["polls"]
    assert [p["text"] for p in polls] == [scale.text, yes_no.text]
    assert "dots" not in polls[1]  # a yes/no poll has no dots to spend


async def test_a_quick_poll_needs_words_and_two_choices(meeting):
    """What the facilitator is told (``empty``) when a poll would be useless on the phones;
    a free-text poll needs no choices and takes text as long as any free text."""
    from mognad_tui.model import MAX_FREE_TEXT

    for text, kind, options in (
        (" \x07 ", Kind.SINGLE, ["Ja", "Nej"]),
        ("Fika först?", Kind.SINGLE, ["Ja", " "]),
        ("Fika först?", Kind.MULTIPLE, []),
    ):
        with pytest.raises(AnswerRefused) as refused:
            await meeting.add_poll(text, kind, options)
        assert refused.value.code == "empty"
    assert meeting.store.polls() == []  # no poll made

    words = await meeting.add_poll("Vad saknas?", Kind.TEXT)
    assert words.options == () and meeting.voting(words.id) is Voting.OPEN
    stored = await meeting.submit("tok-a", words.id, "x" * (MAX_FREE_TEXT + 50))
    assert stored == "x" * MAX_FREE_TEXT


async def test_a_new_poll_is_announced_opened_and_made_current(meeting):
    """The screen hears of the poll itself (its agenda grows), then of the move and the
    opening: in that order, so the phones never see a poll they cannot answer yet."""
    events = []
    meeting.subscribe(events.append)
    poll = await meeting.add_poll("Fika först?", Kind.SINGLE, ["Ja", "Nej"])
    assert [(e.kind, e.question) for e in events] == [
        (Change.POLL, poll.id),
        (Change.AGENDA, None),
        (Change.VOTING, poll.id),
    ]
    assert meeting.current.item == poll and meeting.open_questions() == [poll]
    # The header counts a quick poll in the meeting under way: the first, before any other.
    assert meeting.plan_of(meeting.current) == meeting.plans()[0]


async def test_the_screen_is_told_of_every_change_it_shows(meeting):
    """Each face redraws on the notice of what changed (``Change``): a change without its
    notice stays off the projector until something else happens."""
    events = []
    meeting.subscribe(events.append)

    def told() -> list[tuple[Change, str | None]]:
        seen = [(e.kind, e.question) for e in events]
        events.clear()
        return seen

    meeting.join("tok-a")
    meeting.join("tok-a")  # the same phone again is no news
    assert told() == [(Change.JOINED, None)]
    need = await meeting.add_need(NeedKind.COMPETENCE, "Excel")
    other = await meeting.add_need(NeedKind.CHANGE, "Färre blanketter")
    assert told() == [(Change.NEEDS, None)] * 2
    await meeting.move_need(other.id, -1)
    assert told() == [(Change.NEEDS, None)]
    await meeting.remove_need(need.id)
    assert told() == [(Change.NEEDS, None)]
    action = await meeting.save_action(ActionItem("", "Kurs i Excel", "Eva"))
    assert told() == [(Change.ACTIONS, None)]
    await meeting.remove_action(action.id)
    assert told() == [(Change.ACTIONS, None)]

    await meeting.set_tally("q1", {"3": 2})
    assert told() == [(Change.COUNT, "q1")]
    await meeting.toggle_open("q1")
    told()
    await meeting.submit("tok-a", "q1", 4)  # a phone already present
    assert told() == [(Change.COUNT, "q1")]
    await meeting.go_to("t1")
    await meeting.toggle_open("t1")
    told()
    await meeting.submit("tok-a", "t1", "Mer tid")
    assert told() == [(Change.COUNT, "t1"), (Change.MODERATION, "t1")]
    await meeting.moderate("t1", "Mer tid", approve=True)
    assert told() == [(Change.MODERATION, "t1")]
    await meeting.set_threshold(4)
    await meeting.set_auto_reveal(True)
    assert told() == [(Change.SETTINGS, None)] * 2


async def test_the_facilitator_is_told_once_when_typed_codes_stop(meeting):
    """The web face pauses typed join codes after too many wrong guesses: the screen says so
    once, not again for each guess while they are paused."""
    events = []
    meeting.subscribe(events.append)
    assert meeting.typed_codes_paused == 0
    meeting.pause_typed_codes(600)
    assert [e.kind for e in events] == [Change.TYPED_CODES]
    assert 0 < meeting.typed_codes_paused <= 600
    meeting.pause_typed_codes(30)  # a shorter pause does not end the longer one early
    assert [e.kind for e in events] == [Change.TYPED_CODES]
    assert meeting.typed_codes_paused > 30


# ---------------------------------------------------------------- devices, languages, address


async def test_only_a_token_this_session_issued_is_a_device(meeting, session_path, tmp_path):
    """A phone's cookie counts (to vote, to be present) only if this session made it, before
    or after a restart; a made-up, cut, altered or other session's token is no device."""
    token = meeting.issue_device()
    second = meeting.issue_device()
    assert len(token) == len(second) == 44 and token != second
    assert meeting.device(token) == token and meeting.device(second) == second
    for other in (None, "", token[:-1], token + "A", second[:22] + token[22:]):
        assert meeting.device(other) is None
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert meeting.device(flipped) is None

    info = SessionInfo("andra", "Andra", date.today().isoformat(), "mini", "sv")
    with SessionStore.open(create_session(tmp_path / "other", info, QSET)) as store:
        elsewhere = Meeting(store)
        assert elsewhere.device(token) is None  # same shape, another session's secret
        assert meeting.device(elsewhere.issue_device()) is None
    meeting.store.close()
    with SessionStore.open(session_path) as store:
        assert Meeting(store).device(token) == token  # still valid after a restart


async def test_a_phone_reads_the_set_in_its_language_and_polls_as_typed(tmp_path):
    """A session frozen with an English copy shows English to a phone asking for it, the
    set's own words to every other language, and quick polls as the facilitator typed them."""
    from dataclasses import replace

    english = replace(
        QSET,
        lang="en",
        steps=tuple(
            replace(s, items=tuple(replace(i, text=f"EN {i.text}") for i in s.items))
            for s in QSET.steps
        ),
    )
    info = SessionInfo("sprak", "Språk", date.today().isoformat(), "mini", "sv")
    with SessionStore.open(create_session(tmp_path, info, QSET, [english])) as store:
        meeting = Meeting(store)
        assert [meeting.texts_lang(lang) for lang in ("sv", "en", "de")] == ["sv", "en", "sv"]
        q1 = meeting.question("q1")
        assert meeting.in_lang(q1, "en") == english.question("q1")
        assert meeting.in_lang(q1, "en").text == "EN Vi hittar information"
        assert meeting.in_lang(q1, "sv") is q1 and meeting.in_lang(q1, "de") is q1
        poll = await meeting.add_poll("Fika först?", Kind.SINGLE, ["Ja", "Nej"])
        assert meeting.in_lang(poll, "en") is poll


async def test_the_servers_address_is_kept_for_the_next_run(meeting, session_path):
    """The phones' saved links keep working after a restart: the address the server listened
    on is kept, host and port, and a new one replaces it."""
    assert meeting.remembered_address == (None, None)
    await meeting.remember_address(None, 8443)
    assert meeting.remembered_address == (None, 8443)
    await meeting.remember_address("10.0.0.5", 8443)
    assert meeting.remembered_address == ("10.0.0.5", 8443)
    meeting.store.close()
    with SessionStore.open(session_path) as store:
        assert Meeting(store).remembered_address == ("10.0.0.5", 8443)


async def test_the_screen_warns_of_phone_answers_from_phones_not_present(session_path):
    """After a restart the answers of phones that have not come back exceed the phones
    present; keyboard answers are no phones and never count toward that warning."""
    store = SessionStore.open(session_path)
    first = Meeting(store)
    await first.toggle_open("q1")
    for token in ("a", "b", "c"):
        await first.submit(token, "q1", 3)
    assert first.phone_answers_exceed_present("q1") == 0
    store.close()

    store = SessionStore.open(session_path)
    try:
        again = Meeting(store)
        assert again.phone_answers_exceed_present("q1") == 3  # nobody back yet
        await again.submit_private("q1", 2)
        await again.submit_private("q1", 4)
        assert again.answer_count("q1") == 5
        assert again.phone_answers_exceed_present("q1") == 3
        again.join("a")
        assert again.phone_answers_exceed_present("q1") == 2
        for token in ("b", "c", "d"):
            again.join(token)
        assert again.phone_answers_exceed_present("q1") == 0  # more phones than answers
        assert again.phone_answers_exceed_present("q2") == 0
    finally:
        store.close()


# ---------------------------------------------------------------- what is shown is kept first


def _result(meeting, question_id):
    from mognad_tui.results import question_result

    result = question_result(meeting.record(), question_id)
    return result.shown, result.held, result.n


async def test_counts_typed_in_are_for_countable_questions_only(meeting):
    for question_id in ("nope", "t1", "p1"):
        with pytest.raises(AnswerRefused) as refused:
            await meeting.set_tally(question_id, {"3": 2})
        assert refused.value.code == "unknown_question"
    assert meeting.tally("t1") == {}


async def test_hands_counted_under_a_revealed_result_show_at_once(meeting):
    """The facilitator types the hands after the reveal: the screen shows phones and hands
    together, not the phones' count held back."""
    await meeting.toggle_open("q1")
    for token in ("a", "b", "c"):
        await meeting.submit(token, "q1", 3)
    await meeting.toggle_reveal("q1")
    assert _result(meeting, "q1") == (True, False, 3)
    await meeting.set_tally("q1", {"4": 3})
    assert _result(meeting, "q1") == (True, False, 6)


async def test_hands_counted_while_voting_is_open_are_no_showing(meeting):
    """Counts typed in before the reveal were never on the screen: the reveal one phone
    later shows everyone, not the figures of before that phone held back."""
    await meeting.toggle_open("q1")
    for token in ("a", "b", "c"):
        await meeting.submit(token, "q1", 3)
    await meeting.set_tally("q1", {"2": 1})
    await meeting.submit("d", "q1", 5)
    await meeting.toggle_reveal("q1")
    assert _result(meeting, "q1") == (True, False, 5)


async def test_lowering_the_threshold_under_a_revealed_result_shows_it(meeting):
    await meeting.set_threshold(5)
    await meeting.toggle_open("q1")
    for token in ("a", "b", "c"):
        await meeting.submit(token, "q1", 3)
    await meeting.toggle_reveal("q1")
    assert _result(meeting, "q1")[0] is False  # 3 of 5: hidden
    await meeting.set_threshold(3)
    assert _result(meeting, "q1") == (True, False, 3)


async def test_an_export_keeps_what_it_shows_and_nothing_else(meeting):
    """``remember_shown`` (an export, the overview) keeps the counts it shows, and only those
    of the questions it shows."""
    await meeting.toggle_open("q1")
    await meeting.toggle_open("q2")
    for token in ("a", "b", "c"):
        await meeting.submit(token, "q1", 3)
        await meeting.submit(token, "q2", 4)
    await meeting.remember_shown([meeting.question("q1")])
    assert _result(meeting, "q1") == (True, False, 3)
    await meeting.submit("d", "q2", 2)
    await meeting.remember_shown()
    assert _result(meeting, "q2") == (True, False, 4)


async def test_a_reveal_while_an_export_counts_is_judged_against(meeting, monkeypatch):
    """An export counts in a thread; a reveal (and a late answer) that comes meanwhile keeps
    its own showing. The export then judges against that one: it keeps what it may still
    show, and never a count from before the late answer beside the one after it (two showings
    one person apart would tell the room what that person answered)."""
    import threading

    from mognad_tui import results

    real = results.to_remember
    counted, go_on = threading.Event(), threading.Event()

    def gated(record, questions):
        found = real(record, questions)
        if threading.current_thread() is not threading.main_thread():
            counted.set()
            go_on.wait(60)
        return found

    monkeypatch.setattr(results, "to_remember", gated)
    await meeting.toggle_open("q1")
    await meeting.toggle_open("q2")
    for token in ("a", "b", "c", "d", "e"):
        await meeting.submit(token, "q1", 3)
    for token in ("a", "b", "c"):
        await meeting.submit(token, "q2", 4)
    export = asyncio.create_task(meeting.remember_shown())
    try:
        await _until(counted.is_set)
        await meeting.submit("f", "q1", 2)
        await meeting.toggle_reveal("q1")
    finally:
        go_on.set()
    await export
    assert _result(meeting, "q1") == (True, False, 6)
    assert _result(meeting, "q2") == (True, False, 3)
    assert len(meeting.record().shown["q1"]) == 1  # the reveal's showing, none from before


async def test_a_result_one_person_later_is_held_on_the_screen(meeting):
    """Revealed at 3, opened again, one more answer, revealed again: the screen holds the
    first figures, or the room would learn what the latecomer answered. Every showing stays
    kept, also across the reveals of other questions."""
    await meeting.toggle_open("q1")
    await meeting.toggle_open("q2")
    for token in ("a", "b", "c"):
        await meeting.submit(token, "q1", 3)
        await meeting.submit(token, "q2", 4)
    await meeting.toggle_reveal("q1")
    assert _result(meeting, "q1") == (True, False, 3)
    await meeting.toggle_reveal("q2")  # another question's showing keeps q1's
    await meeting.toggle_open("q1")
    await meeting.submit("d", "q1", 5)
    await meeting.toggle_reveal("q1")
    assert _result(meeting, "q1") == (True, True, 3)
    await meeting.toggle_open("q1")
    for token in ("e", "f"):
        await meeting.submit(token, "q1", 1)
    await meeting.toggle_reveal("q1")
    assert _result(meeting, "q1") == (True, False, 6)
    assert len(meeting.record().shown["q1"]) == 2  # 3 and 6: both showings kept


async def test_closing_a_question_folds_the_journal_at_once(session_path, monkeypatch):
    """The order answers arrived in could link one person's answers across questions: it
    leaves the disk when voting closes, not only when the room has been quiet a while."""
    from mognad_tui.store import session as store_session

    monkeypatch.setattr(store_session, "REORDER_IDLE", 3600.0)
    with SessionStore.open(session_path) as store:
        meeting = Meeting(store)
        await meeting.toggle_open("q1")
        for n in range(3):
            await meeting.submit(f"device-{n}", "q1", 2)
        journal = session_path / "journal.log"
        assert b'"q1"' in journal.read_bytes()
        await meeting.toggle_open("q1")
        await meeting.settle()
        assert b'"q1"' not in journal.read_bytes()


async def test_a_question_set_to_the_state_it_has_is_no_change(meeting):
    events = []
    meeting.subscribe(events.append)
    await meeting.set_voting("q1", Voting.CLOSED)
    await meeting.set_voting("nope", Voting.OPEN)
    assert events == []
    await meeting.set_voting("q1", Voting.OPEN)
    await meeting.set_voting("q1", Voting.OPEN)
    assert [(e.kind, e.question) for e in events] == [(Change.VOTING, "q1")]


async def test_a_failed_reveal_is_shown_and_taken_back(meeting, monkeypatch):
    """The screen shows the reveal at once and is told again when the disk refuses it."""
    from mognad_tui.store import StoreFull

    class Failing:
        def __await__(self):
            raise StoreFull("disk full", None)
            yield  # pragma: no cover

    await meeting.set_voting("q1", Voting.OPEN)
    events = []
    meeting.subscribe(events.append)
    monkeypatch.setattr(meeting.store, "set_state", lambda *a, **k: Failing())
    with pytest.raises(AnswerRefused):
        await meeting.toggle_reveal("q1")
    assert [(e.kind, e.question) for e in events] == [(Change.VOTING, "q1")] * 2
    assert meeting.voting("q1") is Voting.OPEN


async def test_held_results_edited_by_hand_in_the_folder_are_kept_again_at_the_next_reveal(
    meeting,
):
    """The session folder is as hostile as a participant: a record of what was shown that is
    no table reads as nothing shown yet, and the next reveal still shows and keeps its
    figures."""
    await meeting.store.set_state("shown", ["q1", "mixat för hand"])
    await meeting.set_voting("q1", Voting.OPEN)
    for n, value in enumerate((3, 4, 5, 5)):
        await meeting.submit(f"tok-{n}", "q1", value)
    await meeting.set_voting("q1", Voting.REVEALED)
    assert meeting.voting("q1") is Voting.REVEALED
    shown = meeting.store.state("shown")
    assert isinstance(shown, dict) and list(shown) == ["q1"]


async def test_one_phone_is_remembered_for_a_restart(meeting):
    meeting.join("tok-a")
    await meeting.settle()
    assert meeting.store.state("devices") == 1


async def test_after_a_failed_reveal_the_phones_see_every_open_question(meeting, monkeypatch):
    """The phones' list of open questions is rebuilt after a refused change as after any
    other: a list from earlier changes must not come back."""
    from mognad_tui.store import StoreFull

    class Failing:
        def __await__(self):
            raise StoreFull("disk full", None)
            yield  # pragma: no cover

    await meeting.set_voting("q1", Voting.OPEN)
    assert [q.id for q in meeting.open_questions()] == ["q1"]  # a phone asked then
    await meeting.set_voting("q2", Voting.OPEN)  # nobody asked since
    monkeypatch.setattr(meeting.store, "set_state", lambda *a, **k: Failing())
    with pytest.raises(AnswerRefused):
        await meeting.toggle_reveal("q2")
    assert [q.id for q in meeting.open_questions()] == ["q1", "q2"]


async def test_notes_keep_their_lines_and_length(meeting):
    from mognad_tui.model import MAX_NOTE_TEXT

    text = "Rad ett\n\tRad två\x1b[2J\n" + "x" * 1000
    await meeting.set_note("p1", text)
    assert meeting.note("p1") == "Rad ett\n\tRad två[2J\n" + "x" * 1000
    await meeting.set_note("p1", "y" * (MAX_NOTE_TEXT + 10))
    assert meeting.note("p1") == "y" * MAX_NOTE_TEXT


async def test_the_screen_is_told_when_the_grace_period_ends(session_path):
    """ "1 av 3 har svarat" becomes "1 av 1" when the devices from before are no longer
    awaited: the screen must hear of it."""
    await _first_run(session_path, ["tok-a", "tok-b", "tok-c"])
    now = [1000.0]
    store = SessionStore.open(session_path)
    try:
        meeting = Meeting(store, clock=lambda: now[0], restart_grace=120)
        meeting.join("tok-a")
        assert meeting.devices_counted == 3
        events = []
        meeting.subscribe(events.append)
        now[0] += 120
        meeting.recheck_auto_reveal()
        assert [e.kind for e in events] == [Change.JOINED]
        assert meeting.devices_counted == 1
    finally:
        await meeting.settle()
        store.close()


async def test_an_answer_to_a_question_id_that_is_no_text_is_refused(meeting):
    """The phones send JSON: a question "id" that is a list or a number is an unknown
    question, not a crash."""
    await meeting.toggle_open("q1")
    for bad in (["q1"], {"q1": 1}, 1, None):
        with pytest.raises(AnswerRefused) as refused:
            await meeting.submit("tok-a", bad, 3)
        assert refused.value.code == "unknown_question"
    assert meeting.answer_count("q1") == 0


async def test_before_anything_runs_the_first_meeting_is_the_plans(meeting):
    """The header names a meeting even before the first step (no item, no time counted)."""
    assert meeting.plan_of(None) == meeting.plans()[0]


async def test_after_a_restart_even_one_phone_from_before_is_awaited(session_path):
    await _first_run(session_path, ["tok-a"])
    with SessionStore.open(session_path) as store:
        assert Meeting(store, clock=lambda: 0.0).devices_awaited == 1
        await store.set_state("devices", "många")  # edited by hand: no count
    with SessionStore.open(session_path) as store:
        meeting = Meeting(store, clock=lambda: 0.0)
        assert meeting.devices_awaited == 0 and meeting.devices_counted == 0


async def test_a_refused_move_is_shown_and_taken_back(meeting, monkeypatch):
    from mognad_tui.store import StoreFull

    class Failing:
        def __await__(self):
            raise StoreFull("disk full", None)
            yield  # pragma: no cover

    events = []
    meeting.subscribe(events.append)
    monkeypatch.setattr(meeting.store, "set_state", lambda *a, **k: Failing())
    with pytest.raises(AnswerRefused):
        await meeting.step(+1)
    assert [e.kind for e in events] == [Change.AGENDA, Change.AGENDA]
    assert meeting.current.item.id == "p1"


async def test_results_can_be_read_while_a_change_is_being_saved(meeting):
    """A phone asks for results while the facilitator's note is on its way to disk."""
    saving = meeting.set_note("p1", "Mindre papper")
    assert meeting.record().notes["p1"] == "Mindre papper"
    await saving


async def test_only_revealed_questions_are_revealed(meeting):
    """The phones get results only of what the facilitator revealed: open, closed and never
    touched questions are not among them."""
    assert meeting.revealed_questions() == []
    await meeting.toggle_open("q1")
    await meeting.toggle_open("q2")
    await meeting.toggle_reveal("q2")
    assert [q.id for q in meeting.revealed_questions()] == ["q2"]


async def test_a_face_that_unsubscribes_hears_no_more(meeting):
    """A phone that leaves (its event stream closes) stops listening; leaving twice is fine."""
    heard, other = [], []
    leave = meeting.subscribe(heard.append)
    meeting.subscribe(other.append)
    leave()
    leave()
    await meeting.toggle_open("q1")
    assert heard == [] and [e.kind for e in other] == [Change.VOTING]
