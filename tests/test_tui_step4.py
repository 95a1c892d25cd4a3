"""Step 4 on the projected screen (``v``): needs edited and marked as requests to the
förvaltning, removed only after a question and brought back with ``u``, ranked by the dot vote
(only where its figures may be shown) or by hand, and an action table the room can read at 120
and at 80 columns. A real store in a temporary folder; waits on events, never the clock."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_tui_support import (
    answer,
    make_app,
    new_session,
    open_meeting,
    region_text,
    settled,
    squashed,
    until,
)
from textual.widgets import DataTable, Input, Select

from mognad_tui.meeting import Meeting
from mognad_tui.model import ActionItem, ActionStatus, NeedKind, Prerequisite, Priority, Voting
from mognad_tui.tui.confirm import ConfirmRemove
from mognad_tui.tui.forms import NeedForm
from mognad_tui.tui.help_screen import HelpScreen
from mognad_tui.tui.needs import NeedsScreen

NEEDS = ("Utbildning i Teams", "Nya datorer", "Tid för lärande")


@pytest.fixture
def meeting(tmp_path: Path):
    m = open_meeting(new_session(tmp_path, threshold=3))
    yield m
    m.store.close()


async def add_needs(meeting: Meeting) -> list[str]:
    return [(await meeting.add_need(NeedKind.COMPETENCE, text)).id for text in NEEDS]


def said(app) -> str:
    """The toasts so far (the test app does not draw them, as in tests/test_tui_app.py)."""
    return " ".join(str(n.message) for n in app._notifications)


def needs_table(app) -> DataTable:
    return app.screen.query_one("#needs-table", DataTable)


async def test_enter_edits_the_need_and_marks_it_a_request(meeting: Meeting):
    ids = await add_needs(meeting)
    await meeting.save_action(ActionItem("", "Kurs", need=ids[0]))
    app = make_app(meeting)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("v")
        assert "Vi gör själva: 3 · Till förvaltningen: 0" in squashed(app)
        await pilot.press("enter")  # edits the need, no longer a new action
        form = app.screen
        assert isinstance(form, NeedForm)
        assert "Ändra behov" in squashed(app)
        assert form.query_one("#need-text", Input).value == "Utbildning i Teams"
        form.query_one("#need-text", Input).value = "Utbildning i Teams för alla"
        form.query_one("#need-request", Select).value = Prerequisite.SUPPORT.value
        await pilot.click("#kind-change")
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert isinstance(app.screen, NeedsScreen)
        need = next(n for n in meeting.needs() if n.id == ids[0])
        assert (need.text, need.kind, need.request) == (
            "Utbildning i Teams för alla",
            NeedKind.CHANGE,
            Prerequisite.SUPPORT,
        )
        assert len(meeting.needs()) == 3 and meeting.actions()[0].need == ids[0]
        text = squashed(app)
        assert "Förvaltningen: stöd" in text
        assert "Vi gör själva: 2 · Till förvaltningen: 1" in text


async def test_remove_asks_first_and_u_brings_it_back(meeting: Meeting):
    await add_needs(meeting)
    await meeting.save_action(ActionItem("", "Övning i nätfiske", "Anna"))
    app = make_app(meeting)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("v")
        await pilot.press("delete")
        assert isinstance(app.screen, ConfirmRemove)
        assert "Utbildning i Teams" in squashed(app)
        await pilot.press("enter")  # the safe answer has the focus
        await settled(pilot)
        assert isinstance(app.screen, NeedsScreen) and len(meeting.needs()) == 3
        await pilot.press("backspace")
        await pilot.click("#leave")
        await settled(pilot)
        assert [n.text for n in meeting.needs()] == ["Nya datorer", "Tid för lärande"]
        assert "Utbildning i Teams" not in squashed(app)
        await pilot.press("u")
        await settled(pilot)
        assert "Utbildning i Teams" in squashed(app) and len(meeting.needs()) == 3
        await pilot.press("u")  # once only
        await until(pilot, lambda: "Det finns inget att ångra" in said(app))
        app.screen.query_one("#actions-table", DataTable).focus()
        await pilot.press("delete")
        assert isinstance(app.screen, ConfirmRemove)
        assert "Övning i nätfiske" in squashed(app)
        await pilot.click("#leave")
        await settled(pilot)
        assert meeting.actions() == [] and "Övning i nätfiske" not in squashed(app)
        await pilot.press("u")
        await settled(pilot)
        assert [a.what for a in meeting.actions()] == ["Övning i nätfiske"]
        assert "Övning i nätfiske" in squashed(app)


async def test_the_vote_ranks_the_needs_above_the_threshold_and_by_hand_below(meeting: Meeting):
    a, b, c = await add_needs(meeting)
    poll = await meeting.start_needs_dot_vote("Vilka behov är viktigast?", dots=3)
    await answer(meeting, poll.id, [{c: 3}, {b: 2, c: 1}])
    await meeting.set_voting(poll.id, Voting.REVEALED)
    app = make_app(meeting)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("v")
        assert "2 har svarat. För få svar för att visa resultat" in squashed(app)
        await pilot.press("r")  # refused: the order would tell what the two chose
        await until(pilot, lambda: "för få svar för att visa resultat" in said(app))
        assert [n.rank for n in meeting.needs()] == [None, None, None]
        assert all(str(needs_table(app).get_row(i)[3]) == "" for i in (a, b, c))
        # By hand: the cursor on "Tid för lärande" (third), moved up twice.
        await pilot.press("down", "down", "plus")
        await settled(pilot)
        await pilot.press("plus")
        await settled(pilot)
        assert [n.text for n in meeting.needs()] == [
            "Tid för lärande",
            "Utbildning i Teams",
            "Nya datorer",
        ]
        assert [n.rank for n in meeting.needs()] == [1, 2, 3]
        assert needs_table(app).cursor_row == 0  # the cursor followed the need
        await pilot.press("down", "minus")  # "Utbildning i Teams" one down
        await settled(pilot)
        assert [n.id for n in meeting.needs()] == [c, b, a]
        # A third person votes: now the vote's figures may be shown, and its order ranks.
        await meeting.set_voting(poll.id, Voting.OPEN)
        await answer(meeting, poll.id, [{a: 3}], prefix="late")
        await pilot.press("r")
        await settled(pilot)
        assert [(n.id, n.rank) for n in meeting.needs()] == [(c, 1), (a, 2), (b, 3)]
        table = needs_table(app)
        assert [str(table.get_row(i)[3]) for i in (c, a, b)] == ["4", "3", "2"]
        await until(pilot, lambda: "Behoven är ordnade efter röstningen" in said(app))


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
async def test_the_action_table_shows_every_field_without_scrolling_sideways(
    meeting: Meeting, size
):
    long = "Ansöka om pengar till sex nya datorer i budgeten för nästa år"
    need = await meeting.add_need(
        NeedKind.CHANGE,
        "Nya datorer till dem som delar en, så att alla kan vara med på möten i Teams",
        request=Prerequisite.ECONOMY,
    )
    await meeting.save_action(
        ActionItem(
            "",
            long,
            "Enhetschefen",
            "2027-03-31",
            status=ActionStatus.STARTED,
            priority=Priority.HIGH,
            follow_up="Vi stämmer av på APT i april",
            need=need.id,
        )
    )
    app = make_app(meeting)
    async with app.run_test(size=size) as pilot:
        await pilot.press("v")
        await settled(pilot)
        text = squashed(app)
        for field in ("Enhetschefen", "2027-03-31", "Hög", "Påbörjad", "Förvaltningen:"):
            assert field in text
        for word in [*long.split(), *["Vi", "stämmer", "av", "på", "APT", "i", "april"], "Teams"]:
            assert word in text
        for table in app.screen.query(DataTable):
            assert table.virtual_size.width <= table.scrollable_content_region.width


async def test_step4_keys_are_in_the_help_in_both_languages(tmp_path: Path):
    for lang, words in (("sv", ("Ångra", "Upp", "Ändra")), ("en", ("Undo", "Up", "Edit"))):
        meeting = open_meeting(new_session(tmp_path / lang, lang=lang))
        app = make_app(meeting)
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.press("v")
            assert all(w in squashed(app) for w in words)  # the footer
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)
            text = squashed(app)
            assert all(w in text for w in words) and "+" in text and "Shift+↑" in text
        meeting.store.close()


async def test_the_dot_vote_keeps_the_needs_in_full_on_view_and_r_ends_it(meeting: Meeting):
    long = (
        "Lära oss känna igen nätfiske och falska inloggningssidor, så att ingen lämnar ut "
        "sitt lösenord i en stressig stund"
    )
    a = (await meeting.add_need(NeedKind.COMPETENCE, long)).id
    b = (await meeting.add_need(NeedKind.CHANGE, "Nya datorer")).id
    app = make_app(meeting)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("v", "p")
        await settled(pilot)
        assert isinstance(app.screen, NeedsScreen)
        poll = meeting.current.item
        assert meeting.voting(poll.id) is Voting.OPEN
        await answer(meeting, poll.id, [{b: 3}, {a: 1, b: 2}, {a: 3}, {b: 1}])
        await settled(pilot)
        text = squashed(app)
        assert "Prickröstningen är öppen: 4 har svarat" in text
        assert all(word in text for word in long.split())  # wrapped, never cut
        assert str(needs_table(app).get_row(a)[3]) == ""  # no figures while people vote
        await pilot.press("r")
        await settled(pilot)
        assert meeting.voting(poll.id) is Voting.REVEALED  # a late answer cannot reorder it
        assert [(n.id, n.rank) for n in meeting.needs()] == [(b, 1), (a, 2)]
        assert [str(needs_table(app).get_row(i)[3]) for i in (b, a)] == ["6", "4"]


async def test_the_revealed_dot_vote_is_sorted_and_labelled_in_full(meeting: Meeting):
    long = (
        "Lära oss känna igen nätfiske och falska inloggningssidor, så att ingen lämnar ut "
        "sitt lösenord i en stressig stund"
    )
    texts = [long, "Nya datorer till dem som delar en", "Tid för lärande"]
    a, b, c = [(await meeting.add_need(NeedKind.COMPETENCE, t)).id for t in texts]
    poll = await meeting.start_needs_dot_vote("Vilka behov är viktigast?", dots=3)
    await answer(meeting, poll.id, [{a: 3}, {b: 3}, {b: 2, c: 1}, {c: 3}])
    app = make_app(meeting)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")  # on the main screen, like any poll
        await settled(pilot)
        centre = region_text(app, "#centre")
        assert long in centre  # wrapped, never cut
        at = [centre.index(t) for t in (texts[1], texts[2], long)]
        assert at == sorted(at)  # 5, 4, 3 dots: most first
        assert "12 prickar · 4 har svarat" in centre


async def test_the_remove_question_shows_hostile_text_literally(meeting: Meeting):
    await meeting.add_need(NeedKind.CHANGE, "[@click=app.quit]Mer tid[/]")
    app = make_app(meeting)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("v", "delete")
        assert isinstance(app.screen, ConfirmRemove)
        assert "[@click=app.quit]Mer tid[/]" in squashed(app)
        await pilot.click(".dialog-text")
        await pilot.press("escape")
        assert app.is_running and len(meeting.needs()) == 1
