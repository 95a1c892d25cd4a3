"""The facilitator's terminal app, driven with Textual's Pilot as a facilitator would drive it.

Each test uses a real session store in a temporary folder and the real built-in question set;
answers arrive through ``Meeting.submit`` with made-up device tokens (no web server needed).
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from test_tui_support import (
    GROUP,
    JOIN_URL,
    FakeServer,
    FakeService,
    answer,
    item_ids,
    make_app,
    new_session,
    open_meeting,
    region_text,
    screen_text,
    settled,
    squashed,
    until,
)
from textual.command import CommandPalette
from textual.widgets import DataTable, Input, TextArea

from mognad_tui.meeting import Meeting
from mognad_tui.model import Kind, NeedKind, Question, Voting
from mognad_tui.store import SessionStore, StoreFull
from mognad_tui.tui.app import LIGHT_THEME, MognadApp
from mognad_tui.tui.catalog import T
from mognad_tui.tui.confirm import ConfirmQuit, ConfirmRemove
from mognad_tui.tui.forms import ActionForm, NeedForm, PollForm
from mognad_tui.tui.help_screen import HelpScreen
from mognad_tui.tui.join import JoinScreen
from mognad_tui.tui.keyboard_votes import PrivateVoteScreen, TallyScreen
from mognad_tui.tui.main_screen import MainScreen
from mognad_tui.tui.moderation import ModerationScreen
from mognad_tui.tui.needs import NeedsScreen
from mognad_tui.tui.overview import OverviewScreen
from mognad_tui.tui.qr import QR_STYLE, qr_matrix

SIZE = (120, 36)
SMALL = (80, 24)
WARMUP = "s1-uppvarmning"  # step 1 quick poll (single choice)
PROMPT = "s1-digitalt-forst"
SCALE = "a-natfiske"
FREE_TEXT = "s2-mer"


@pytest.fixture
def session(tmp_path: Path) -> Path:
    return new_session(tmp_path)


@pytest.fixture
def meeting(session: Path):
    meeting = open_meeting(session)
    yield meeting
    meeting.store.close()


def centre(app: MognadApp) -> str:
    """What the centre of the main screen shows (the current item)."""
    return region_text(app, "#centre")


# ---------------------------------------------------------------- navigation, header, keys


async def test_navigation_moves_through_the_agenda_and_names_the_step(meeting: Meeting):
    app = make_app(meeting)
    ids = item_ids(meeting)
    async with app.run_test(size=SIZE) as pilot:
        assert meeting.current.item.id == ids[0]
        text = squashed(app)
        assert f"mognad · {GROUP} · Steg 1 av 4: Dialog om digitalt först" in text
        assert "14:05" in text
        await pilot.press("right")
        assert meeting.current.item.id == ids[1]
        await pilot.press("n", "n")
        assert meeting.current.item.id == ids[3]
        await pilot.press("left")
        assert meeting.current.item.id == ids[2]
        await pilot.press("p", "p", "p")  # clamped at the first item
        assert meeting.current.item.id == ids[0]
        await meeting.go_to(SCALE)
        await pilot.pause()
        assert "Steg 2 av 4: Självskattning" in squashed(app)
        assert "Jag känner igen falska meddelanden" in squashed(app)


async def test_prompt_shows_text_help_and_timer(meeting: Meeting):
    app = make_app(meeting)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right")
        prompt = meeting.current.item
        text = centre(app)
        unwrapped = " ".join(text.replace("█", " ").split())  # a long prompt wraps in the frame
        assert prompt.text in unwrapped
        assert "Samtalsfråga 1 av 5" in text
        view = app.main.prompt_view
        assert not view.timer.running
        await pilot.press("s")
        assert view.timer.running
        await pilot.press("s")
        assert not view.timer.running
        await pilot.press("x")
        assert view.timer.state.left == view.timer.state.total
        # keys that do not fit a prompt are off
        assert app.main.check_action("reveal", ()) is False
        assert app.main.check_action("toggle_open", ()) is False


async def test_help_lists_every_key(meeting: Meeting):
    app = make_app(meeting)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        # The grace rule after a restart (issue 10 item 3) is in the help too.
        assert "Efter omstart: väntar" in text and "högst 2 min" in text
        for key, label in [
            ("→ / n", "Nästa"),
            ("← / p", "Föregående"),
            ("mellanslag", "Öppna"),
            ("mellanslag", "Stäng"),
            ("r", "Visa resultat"),
            ("r", "Dölj resultat"),
            ("z", "Helskärm"),
            ("z", "Visa dagordning"),
            (".", "Paus"),
            ("q", "Avsluta"),
            ("b", "Behov"),
            ("t", "Skriv in handuppräckning"),
            ("u", "Visa resultat när alla svarat (på/av)"),
            ("1–9", "Välj svar vid röstning på tangentbordet"),
            ("k", "Rösta på tangentbordet"),
            ("o", "Översikt"),
            ("Ctrl+P", "Kommandon"),
        ]:
            assert re.search(rf"{re.escape(key)}\s+{re.escape(label)}", text), (key, label)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_command_palette_goes_to_any_item(meeting: Meeting):
    app = make_app(meeting)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"nätfiske")
        await settled(pilot)  # the palette searches in a worker
        await pilot.press("enter")
        await settled(pilot)
        assert meeting.current.item.id == SCALE
        assert isinstance(app.screen, MainScreen)


async def test_quit_asks_while_voting_is_open(meeting: Meeting):
    app = make_app(meeting)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")  # the warm-up poll opens
        await pilot.press("q")
        assert isinstance(app.screen, ConfirmQuit)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        assert app.is_running
        await pilot.press("q")
        box = " ".join(re.sub(r"[█▀▄]", " ", region_text(app, "#quit-box")).split())
        assert "Allt är sparat och du kan fortsätta senare." in box  # wrapped, not cut
        await pilot.press("tab", "enter")  # from "Fortsätt mötet" to "Avsluta"
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


@pytest.mark.parametrize("key", ["q", "ctrl+q", "ctrl+c"])
async def test_quit_without_open_voting_leaves_at_once(meeting: Meeting, key: str):
    """Ctrl+C too: Textual reads it as a key (on Windows always), and a facilitator presses it
    by reflex; Textual's own answer would be an English hint instead of quitting."""
    server = FakeServer()
    app = make_app(meeting, server=server)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press(key)
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0
    assert server.stopped == 1  # the phones' server is shut down, not left to the process


# ---------------------------------------------------------------- questions: open, count, reveal


async def test_open_shows_only_the_count_and_reveal_shows_the_distribution(meeting: Meeting):
    app = make_app(meeting)
    async with app.run_test(size=SIZE) as pilot:
        await meeting.go_to(SCALE)
        await pilot.pause()
        assert "Röstningen är stängd" in centre(app)
        await pilot.press("space")
        assert meeting.voting(SCALE) is Voting.OPEN
        await answer(meeting, SCALE, [1, 2, 2, 3, 3, 3, 5, "dont_know"])
        await settled(pilot)
        text = centre(app)
        assert "Röstningen är öppen" in text
        assert "8 av 8 har svarat" in text
        # No distribution while voting is open: no option labels, no mean.
        assert "Gör ibland" not in text and "medel" not in text
        await pilot.press("r")
        assert meeting.voting(SCALE) is Voting.REVEALED
        text = centre(app)
        assert "Gör ibland" in text
        assert "Median 3 · medel 2,7" in text  # Swedish decimal comma
        assert "1 svarade ”vet ej / ej relevant”" in text
        assert "stor spridning: någon här kan lära de andra" in text
        await pilot.press("r")  # hide again
        assert meeting.voting(SCALE) is Voting.CLOSED
        assert "Gör ibland" not in centre(app)


async def test_below_threshold_only_the_count_shows(meeting: Meeting):
    app = make_app(meeting)
    async with app.run_test(size=SIZE) as pilot:
        await meeting.go_to(SCALE)
        await pilot.press("space")
        await answer(meeting, SCALE, [1, 5])
        await pilot.press("r")
        text = centre(app)
        assert "2 har svarat. För få svar för att visa resultatet: det behövs minst 3." in text
        assert "Känner inte till" not in text and "medel" not in text
        # The threshold never goes below 2; at 2 the result shows.
        await meeting.set_threshold(1)
        await pilot.pause()
        assert meeting.threshold == 2
        assert "Känner inte till" in centre(app)


async def test_a_latecomer_after_a_reveal_keeps_the_first_result_on_screen(meeting: Meeting):
    app = make_app(meeting)
    async with app.run_test(size=SIZE) as pilot:
        await meeting.go_to(SCALE)
        await pilot.press("space")
        await answer(meeting, SCALE, [2, 3, 3])
        await pilot.press("r")
        first = centre(app)
        assert "Median 3" in first and "3 svar" in first
        await pilot.press("space")  # reopen: one more person answers
        await answer(meeting, SCALE, [5], prefix="late")
        await pilot.press("r")
        text = centre(app)
        assert "Resultatet står kvar som det visades förut" in text
        assert "minst 2 till har svarat" in text
        assert "Median 3" in text and "3 svar" in text and "4 svar" not in text


async def test_threshold_is_set_from_the_command_palette_never_below_two(meeting: Meeting):
    app = make_app(meeting, demo=True)
    async with app.run_test(size=SIZE) as pilot:
        assert "Övning med låtsastelefoner" in region_text(app, "#top")
        await app.run_action("threshold")
        await pilot.pause()
        field = app.screen.query_one("#threshold", Input)
        assert field.value == "3"
        field.value = "1"
        await pilot.press("enter")
        await pilot.pause()
        assert meeting.threshold == 2 and meeting.info.threshold == 2


async def test_all_alike_is_said_on_screen(meeting: Meeting):
    app = make_app(meeting)
    async with app.run_test(size=SIZE) as pilot:
        await meeting.go_to(SCALE)
        await pilot.press("space")
        await answer(meeting, SCALE, [4, 4, 4])
        await pilot.press("r")
        assert "Alla svarade likadant – det visar vad var och en svarade." in centre(app)


async def test_phones_repaint_in_batches_and_the_facilitator_at_once(meeting: Meeting):
    # A batch delay longer than the test: answers from phones wait for it, while a change
    # the facilitator makes repaints at once and takes the waiting answers along.
    app = make_app(meeting, batch_delay=3600)
    async with app.run_test(size=SIZE) as pilot:
        await meeting.go_to(SCALE)
        await pilot.press("space")
        await settled(pilot)
        await answer(meeting, SCALE, [1, 2, 3])
        await settled(pilot)
        assert "3 av 3 har svarat" not in centre(app)
        await meeting.set_threshold(4)
        await settled(pilot)
        assert "3 av 3 har svarat" in centre(app)


async def test_without_a_batch_delay_phones_repaint_on_the_next_turn(meeting: Meeting):
    # Tests wait on the app's queue, never on the clock: with batch_delay=0 an answer is drawn
    # as soon as the queue has run (no timer between).
    app = make_app(meeting, batch_delay=0)
    async with app.run_test(size=SIZE) as pilot:
        await meeting.go_to(SCALE)
        await pilot.press("space")
        await settled(pilot)
        await answer(meeting, SCALE, [1, 2, 3])
        for queue in (app, app.screen):  # each runs what was posted before, in order
            done = asyncio.Event()
            queue.call_later(done.set)
            await done.wait()
        assert "3 av 3 har svarat" in centre(app)


async def test_auto_reveal_when_every_joined_device_answered(meeting: Meeting):
    app = make_app(meeting)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("u")
        assert meeting.auto_reveal
        assert "Visar automatiskt" in region_text(app, "#top")
        for n in range(3):
            meeting.join(f"t{n}")
        await meeting.go_to(SCALE)
        await pilot.press("space")
        await answer(meeting, SCALE, [1, 2])
        await settled(pilot)
        assert meeting.voting(SCALE) is Voting.OPEN  # 2 of 3 joined
        await meeting.submit("t2", SCALE, 3)
        await until(pilot, lambda: meeting.voting(SCALE) is Voting.REVEALED)
        assert meeting.voting(SCALE) is Voting.REVEALED
        await settled(pilot)
        assert "Gör ibland" in centre(app)
        await pilot.press("u")
        assert not meeting.auto_reveal


# ---------------------------------------------------------------- keyboard votes


async def test_tally_adds_hand_counts_to_phone_votes(meeting: Meeting):
    app = make_app(meeting)
    async with app.run_test(size=SIZE) as pilot:
        await meeting.go_to(SCALE)
        await pilot.press("space")
        await answer(meeting, SCALE, [3])
        await pilot.press("t")
        assert isinstance(app.screen, TallyScreen)
        fields = list(app.screen.query(Input))
        assert len(fields) == len(meeting.question(SCALE).options)
        fields[1].value = "2"  # two hands for "Känner till, ej provat"
        fields[2].value = "4"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert meeting.tally(SCALE) == {"2": 2, "3": 4}
        assert "Handuppräckning är inräknad" in centre(app)
        await pilot.press("r")
        text = screen_text(app)
        row = next(line for line in text.splitlines() if "Gör ibland" in line)
        assert re.search(r"Gör ibland\s+█+\s+5\s", row)  # 1 phone + 4 hands
        assert "7 svar" in centre(app)


async def test_tally_refuses_negative_numbers(meeting: Meeting):
    app = make_app(meeting)
    async with app.run_test(size=SIZE) as pilot:
        await meeting.go_to(SCALE)
        await pilot.pause()
        await pilot.press("t")
        app.screen.query(Input).first().value = "-3"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, TallyScreen)
        assert "Skriv ett heltal" in squashed(app)
        await pilot.press("escape")
        assert meeting.tally(SCALE) == {}


async def test_private_mode_never_shows_the_previous_answer(meeting: Meeting):
    app = make_app(meeting)
    async with app.run_test(size=SIZE) as pilot:
        await meeting.go_to(SCALE)
        await pilot.pause()
        await pilot.press("k")
        assert isinstance(app.screen, MainScreen)  # voting is closed: refused with a message
        await pilot.press("space")
        await pilot.press("k")
        screen = app.screen
        assert isinstance(screen, PrivateVoteScreen)
        before = screen_text(app)
        await pilot.press("3")
        await pilot.pause()
        after = screen_text(app)
        assert "Tack! Nästa person." in after
        assert meeting.answer_count(SCALE) == 1
        # The screen after an answer is the one before plus the thanks and the count: the
        # options are drawn exactly as before, nothing marks the choice.
        options_before = [line for line in before.splitlines() if "Gör ibland" in line]
        options_after = [line for line in after.splitlines() if "Gör ibland" in line]
        assert options_before == options_after
        await pilot.press("5")
        await pilot.press("6")  # "vet ej"
        await pilot.pause()
        assert meeting.answer_count(SCALE) == 3
        assert "3 har svarat på tangentbordet nu." in squashed(app)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        assert sorted(map(str, meeting.store.answers(SCALE))) == ["3", "5", "dont_know"]


# ---------------------------------------------------------------- free text


HOSTILE = [
    "[@click=app.quit]x[/]",
    "[/",
    "före\x1b[2Jefter",
    "שלום עולם مرحبا 👩‍👩‍👧‍👦🎉",
    "A" * 10_000,
]


async def test_free_text_is_moderated_and_shown_literally(meeting: Meeting):
    app = make_app(meeting)
    async with app.run_test(size=SIZE) as pilot:
        await meeting.go_to(FREE_TEXT)
        await pilot.press("space")
        await answer(meeting, FREE_TEXT, [*HOSTILE, "Dölj mig"])
        await settled(pilot)
        pending = meeting.pending_texts(FREE_TEXT)
        assert len(pending) == 6
        assert "6 svar väntar på granskning" in squashed(app)
        await pilot.press("m")
        assert isinstance(app.screen, ModerationScreen)
        while meeting.pending_texts(FREE_TEXT):
            current = app.screen.current
            await pilot.press("h" if current == "Dölj mig" else "a")
        assert len(meeting.approved_texts(FREE_TEXT)) == 5
        await pilot.press("escape")
        await pilot.press("full_stop")  # moderation left the room's screen blanked: show it
        await pilot.press("r")
        await pilot.pause()
        assert app.is_running and app.return_code is None
        text = screen_text(app)
        assert "[@click=app.quit]x[/]" in text
        assert "[/" in text
        assert "\x1b" not in text  # the escape character was stripped where it entered
        assert "före[2Jefter" in text
        assert "👩" in text and "שלום" in text
        assert "Dölj mig" not in text
        # The hostile click text is characters: clicking it does nothing.
        await pilot.click("#question-result")
        await pilot.pause()
        assert app.is_running


async def test_hostile_text_in_polls_needs_and_notes_is_harmless(meeting: Meeting):
    app = make_app(meeting)
    async with app.run_test(size=SIZE) as pilot:
        await meeting.add_poll("[@click=app.quit]Fråga[/] [/", Kind.SINGLE, ["[b]ja[/b]", "[/"])
        await meeting.add_need(NeedKind.CHANGE, "[@click=app.quit]behov[/]")
        await pilot.pause()
        assert "[@click=app.quit]Fråga[/] [/" in squashed(app)
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, NeedsScreen)
        assert "[@click=app.quit]behov[/]" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await pilot.press(*"Fråga")
        await settled(pilot)
        assert app.is_running
        await pilot.press("escape")
        assert app.is_running


# ---------------------------------------------------------------- notes


async def test_notes_are_saved_as_typed(meeting: Meeting):
    app = make_app(meeting)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right")
        await pilot.press("enter")
        notes = app.main.query_one("#notes", TextArea)
        assert notes.has_focus
        await pilot.press(*"Vi vill ha mindre papper")
        # typing n, p, q in notes types letters; it does not navigate or quit
        assert meeting.current.item.id == PROMPT
        await until(pilot, lambda: meeting.note(PROMPT) == "Vi vill ha mindre papper")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert meeting.note(PROMPT) == "Vi vill ha mindre papper"
        assert "✓ sparat" in squashed(app)
        await pilot.press("escape")
        assert not notes.has_focus
        await pilot.press("right")  # navigation works again
        assert meeting.current.item.id != PROMPT


async def test_notes_on_a_full_disk_warn_and_keep_the_text(meeting: Meeting, monkeypatch):
    async def full(*_args):
        raise StoreFull("No space left on device.")

    # The store fails, not the meeting: the meeting's one write funnel must say so.
    monkeypatch.setattr(meeting.store, "set_note", lambda item, text: full())
    app = make_app(meeting)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right", "enter")
        await pilot.press(*"Viktigt")
        await until(pilot, lambda: "Disken är full" in squashed(app))
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running
        assert "Disken är full" in squashed(app)
        assert app.main.query_one("#notes", TextArea).text == "Viktigt"
        assert app.main.prompt_view.unsaved


# ---------------------------------------------------------------- needs, actions, polls, dots


async def test_need_from_any_screen_and_action_items(meeting: Meeting):
    app = make_app(meeting)
    async with app.run_test(size=SIZE) as pilot:
        await meeting.go_to(SCALE)
        await pilot.pause()
        await pilot.press("b")
        assert isinstance(app.screen, NeedForm)
        await pilot.click("#kind-change")
        await pilot.click("#need-text")
        await pilot.press(*"Lära oss känna igen nätfiske", "enter")
        await pilot.pause()
        needs = meeting.needs()
        assert [(n.kind, n.text) for n in needs] == [
            (NeedKind.CHANGE, "Lära oss känna igen nätfiske")
        ]
        assert needs[0].dimension == meeting.question(SCALE).dimension
        await pilot.press("o")
        await pilot.press("b")  # from the overview too
        assert isinstance(app.screen, NeedForm)
        await pilot.press(*"Tid för lärande", "enter")
        await pilot.pause()
        assert len(meeting.needs()) == 2
        await pilot.press("v")
        assert isinstance(app.screen, NeedsScreen)
        await pilot.press("n")  # an action from the selected (first) need
        form = app.screen
        assert isinstance(form, ActionForm)
        assert form.query_one("#action-what", Input).value == "Lära oss känna igen nätfiske"
        form.query_one("#action-owner", Input).value = "Anna"
        form.query_one("#action-due", Input).value = "31 mars"
        await pilot.press("ctrl+s")
        assert "ÅÅÅÅ-MM-DD" in squashed(app)
        form.query_one("#action-due", Input).value = "2027-03-31"
        form.query_one("#action-follow-up", Input).value = "Vi frågar på APT i april"
        await pilot.press("ctrl+s")
        await pilot.pause()
        actions = meeting.actions()
        assert len(actions) == 1
        action = actions[0]
        assert (action.owner, action.due, action.need) == ("Anna", "2027-03-31", needs[0].id)
        assert "Vi frågar på APT i april" in screen_text(app)
        # edit it from the actions table
        app.screen.query_one("#actions-table", DataTable).focus()
        await pilot.press("enter")
        assert isinstance(app.screen, ActionForm)
        app.screen.query_one("#action-owner", Input).value = "Bo"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert meeting.actions()[0].owner == "Bo"
        assert len(meeting.actions()) == 1
        app.screen.query_one("#actions-table", DataTable).focus()
        await pilot.press("delete")
        assert isinstance(app.screen, ConfirmRemove)
        await pilot.click("#leave")
        await settled(pilot)
        assert meeting.actions() == []


async def test_quick_poll_goes_to_the_phones_at_once(meeting: Meeting):
    app = make_app(meeting)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right")  # on a prompt
        await pilot.press("f")
        assert isinstance(app.screen, PollForm)
        await pilot.press(*"Ska vi ha fika?")
        await pilot.press("enter")
        await pilot.pause()
        poll = meeting.current.item
        assert isinstance(poll, Question) and poll.text == "Ska vi ha fika?"
        assert [o.label for o in poll.options] == ["Ja", "Nej"]
        assert meeting.voting(poll.id) is Voting.OPEN
        assert "Snabbfråga" in centre(app)
        assert "Snabbfrågor" in region_text(app, "#agenda")
        await answer(meeting, poll.id, ["o1", "o1", "o2"])
        await pilot.press("r")
        assert "3 har svarat" in centre(app)


async def test_quick_poll_with_own_options_and_scale(meeting: Meeting):
    app = make_app(meeting)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        form = app.screen
        form.query_one("#poll-text", Input).value = "Vilken dag?"
        await pilot.click("#poll-options")
        form.query_one("#poll-option-lines", TextArea).text = "Måndag\n\nTisdag\nOnsdag\n"
        await pilot.press("ctrl+s")
        await pilot.pause()
        poll = meeting.current.item
        assert [o.label for o in poll.options] == ["Måndag", "Tisdag", "Onsdag"]
        await pilot.press("f")
        app.screen.query_one("#poll-text", Input).value = "Hur nöjda är vi?"
        await pilot.click("#poll-scale")
        await pilot.press("ctrl+s")
        await pilot.pause()
        poll = meeting.current.item
        assert poll.kind is Kind.SCALE and len(poll.scale_values) == 5


async def test_each_form_says_it_saved_once_kept_and_cancel_says_nothing(meeting: Meeting):
    """The facilitator hears that a need, an action, a quick poll or the threshold was saved
    (the threshold as the meeting holds it); Cancel closes with nothing kept or said."""
    app = make_app(meeting)
    async with app.run_test(size=SIZE) as pilot:

        def said() -> list[str]:
            return [str(n.message) for n in app._notifications]

        await pilot.press("b")
        await pilot.press("escape")
        await settled(pilot)
        assert not isinstance(app.screen, NeedForm) and meeting.needs() == [] and said() == []
        await pilot.press("b")
        await pilot.press(*"Tid för lärande", "enter")
        await until(pilot, lambda: said() == ["Behovet är sparat."])
        await pilot.press("v")
        await pilot.press("n")
        form = app.screen
        assert isinstance(form, ActionForm)
        form.query_one("#action-owner", Input).value = "Anna"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: said()[-1:] == ["Åtgärden är sparad."])
        assert len(meeting.actions()) == 1
        await pilot.press("f")
        assert isinstance(app.screen, PollForm)
        await pilot.press(*"Ska vi ha fika?", "enter")
        await until(pilot, lambda: said()[-1:] == ["Snabbfrågan är öppen på mobilerna."])
        assert isinstance(app.screen, MainScreen)  # the poll shows where the room looks
        await app.run_action("threshold")
        await pilot.pause()
        app.screen.query_one("#threshold", Input).value = "1"
        await pilot.press("enter")
        await until(pilot, lambda: said()[-1:] == ["Anonymitetsgränsen är 2."])
        assert len(said()) == 4


async def test_quick_poll_scale_shows_its_ends_and_no_teaching_remark(meeting: Meeting):
    """A 1-5 poll says what 1 and 5 mean (on the phones: the options' labels; on the screen:
    the result rows), and a wide spread there is no "someone here can teach the others"."""
    app = make_app(meeting)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        app.screen.query_one("#poll-text", Input).value = "Hur nöjda är vi med Teams?"
        await pilot.click("#poll-scale")
        await pilot.press("ctrl+s")
        await settled(pilot)
        poll = meeting.current.item
        labels = [o.label for o in poll.options]
        assert labels[0] == "1 – Inte alls" and labels[4] == "5 – Helt och hållet"
        await answer(meeting, poll.id, [1, 1, 5, 5, 3])
        await pilot.press("r")
        await settled(pilot)
        text = centre(app)
        assert "1 – Inte alls" in text and "5 – Helt och hållet" in text
        assert "Median 3" in text
        assert "lära de andra" not in text


async def test_dot_vote_on_needs_is_shown_like_any_poll(meeting: Meeting):
    app = make_app(meeting)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v")
        await pilot.press("p")  # too few needs: a message, nothing else
        assert isinstance(app.screen, NeedsScreen)
        for text in ("Utbildning i Teams", "Nya datorer", "Tid för lärande"):
            await meeting.add_need(NeedKind.COMPETENCE, text)
        await pilot.pause()
        await pilot.press("p")
        await settled(pilot)
        assert isinstance(app.screen, NeedsScreen)  # the room reads what it votes on
        assert "Prickröstningen är öppen: 0 har svarat" in squashed(app)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        poll = meeting.current.item
        assert poll.kind is Kind.DOTS and meeting.voting(poll.id) is Voting.OPEN
        ids = [o.value for o in poll.options]
        await answer(
            meeting, poll.id, [{ids[0]: 2, ids[1]: 1}, {ids[0]: 3}, {ids[2]: 1, ids[1]: 2}]
        )
        await pilot.press("r")
        text = centre(app)
        assert "Utbildning i Teams" in text and "9 prickar · 3 har svarat" in text


# ---------------------------------------------------------------- overview, join, theme


async def fill_survey(
    meeting: Meeting, people: int = 5, by_dimension: dict[str, int] | None = None
) -> None:
    """Random answers to the whole survey; ``by_dimension`` fixes every answer to an area's
    statements (its importance companions stay random)."""
    import random

    rnd = random.Random(7)
    fixed = by_dimension or {}
    for q in meeting.question_set.survey:
        if q.kind is Kind.TEXT:
            continue
        await meeting.set_voting(q.id, Voting.OPEN)
        if q.dimension in fixed and q.importance_of is None:
            values = [fixed[q.dimension]] * people
        else:
            values = [rnd.choice(q.options).value for _ in range(people)]
        await answer(meeting, q.id, values)
        await meeting.set_voting(q.id, Voting.REVEALED)


async def test_results_overview_and_svg(meeting: Meeting, session: Path):
    # Answers that rank the areas by design, so the order is known without computing it:
    # part A's n-th area is answered n (1 to 4); part B's areas 5, 3 and 1, beyond part A's
    # both ways, so a ranking across the parts would name them in part A's lines.
    dims = meeting.question_set.dimensions
    a = [d for d in dims if d.part == "A"]
    b = [d for d in dims if d.part == "B"]
    assert (len(a), len(b)) == (4, 3)
    by_design = {d.id: n for n, d in enumerate(a, 1)} | dict(
        zip((d.id for d in b), (5, 3, 1), strict=True)
    )
    await fill_survey(meeting, by_dimension=by_design)
    app = make_app(meeting)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        assert isinstance(app.screen, OverviewScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = squashed(app)
        for dim in meeting.question_set.dimensions:
            assert dim.title in text
        # Ranked within each part, strongest and weakest first; part B's areas, on another
        # scale, are never ranked against part A's.
        assert f"Starkast i del A: {a[3].title}, {a[2].title} Svagast" in text
        assert f"Svagast i del A: {a[0].title}, {a[1].title} Starkast" in text
        assert f"Starkast i del B: {b[0].title} Svagast i del B: {b[2].title} " in text
        assert "5 har svarat på enkäten · anonymitetsgräns 3" in text
        await pilot.press("s")
        await pilot.pause()
        svgs = list(session.glob("*.svg"))
        assert len(svgs) == 1 and svgs[0].read_text().startswith("<svg")
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_join_panel_and_full_screen_qr(meeting: Meeting):
    server = FakeServer()
    app = make_app(meeting, server=server)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert server.started == 1
        # The address to type leads to the start page, which asks for the code shown below
        # it; the link's long key is for the QR code, never for typing.
        assert "192.168.1.20:8765" in screen_text(app)
        assert "/j/" not in screen_text(app)
        meeting.join("a")
        meeting.join("b")
        await settled(pilot)
        assert "2 anslutna" in squashed(app)
        await pilot.press("g")
        assert isinstance(app.screen, JoinScreen)
        qr = app.screen.query_one("#full-qr")
        assert qr._scale() >= 1
        await pilot.press("escape")
    assert server.stopped == 1


async def test_small_screen_folds_the_join_panel(meeting: Meeting):
    app = make_app(meeting, server=FakeServer())
    async with app.run_test(size=SMALL) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert (
            not app.main.query_one("#join").display or app.main.query_one("#join").size.width == 0
        )
        assert "Kod 4821 · 0 anslutna · g visar QR-koden" in squashed(app)
        await pilot.press("g")
        assert isinstance(app.screen, JoinScreen)


class MovedServer(FakeServer):
    """The web face after a restart whose remembered port (8765) was taken."""

    moved_from = 8765
    port = 40123

    def __init__(self) -> None:
        super().__init__("http://192.168.1.20:40123/j/4821")


async def test_a_moved_address_is_said_large_with_the_new_qr_code(meeting: Meeting):
    """Issue 10 item 2: on the screen itself, at once, not after leaving the app."""
    await meeting.remember_address(None, 8765)
    app = make_app(meeting, server=MovedServer())
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await settled(pilot)
        assert isinstance(app.screen, JoinScreen)  # the full-screen QR code, unasked
        assert app.screen.query_one("#full-qr").url.endswith(":40123/j/4821")
        text = squashed(app)
        assert "NY ADRESS: port 8765 var upptagen, så sidan har nu port 40123." in text
        assert "Alla måste skanna QR-koden igen." in text
        await pilot.press("escape")
        await settled(pilot)
        assert "NY ADRESS" in region_text(app, "#join-moved")  # and it stays in the panel


async def test_a_first_run_that_moves_from_the_default_port_opens_nothing(meeting: Meeting):
    """No phone has the old address yet: nothing to scan again."""
    app = make_app(meeting, server=MovedServer())
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await settled(pilot)
        assert not isinstance(app.screen, JoinScreen)
        assert "NY ADRESS" not in squashed(app)


async def test_after_a_restart_auto_reveal_waits_and_says_so(session: Path):
    """Issue 10 item 3 on the screen: the first phone back answers, nothing is revealed, the
    panel says how many are back; the grace period over, the result shows by itself."""
    first = open_meeting(session)
    await first.set_auto_reveal(True)
    await first.go_to(SCALE)
    await first.toggle_open(SCALE)
    for n in range(3):
        first.join(f"t{n}")
    await first.settle()  # the device count is written in the background
    assert first.store.state("devices") == 3
    first.store.close()
    now = [0.0]
    store = SessionStore.open(session)
    meeting = Meeting(store, clock=lambda: now[0])
    app = make_app(meeting, server=FakeServer())
    try:
        async with app.run_test(size=SIZE) as pilot:
            await meeting.submit("t0", SCALE, 2)
            await settled(pilot)
            assert meeting.voting(SCALE) is Voting.OPEN
            assert "1 av 3 har svarat" in centre(app)  # not "1 av 1": two are not back yet
            assert "Efter omstarten är 1 av 3 mobiler tillbaka." in region_text(app, "#join-notice")
            assert "1 av 3 har svarat" in region_text(app, "#join-answered")
            now[0] += 120
            meeting.recheck_auto_reveal()
            await until(pilot, lambda: meeting.voting(SCALE) is Voting.REVEALED)
            await settled(pilot)
            assert not app.main.query_one("#join-notice").display
            assert "Resultat" in centre(app) and "1 har svarat" in centre(app)
    finally:
        store.close()


def test_qr_text_is_the_code_in_half_blocks():
    from mognad_tui.tui.qr import qr_text

    text = qr_text(JOIN_URL)
    matrix = qr_matrix(JOIN_URL, 2)
    rows = text.plain.split("\n")
    decoded: list[list[bool]] = []
    for row in rows:
        top = [c in "█▀" for c in row]
        bottom = [c in "█▄" for c in row]
        decoded += [top, bottom]
    assert decoded[: len(matrix)] == [list(r) for r in matrix]
    assert text.style == QR_STYLE and QR_STYLE.color.triplet.hex == "#000000"
    assert QR_STYLE.bgcolor.triplet.hex == "#ffffff"
    assert all(not any(r) for r in matrix[:2])  # quiet zone


async def test_server_error_is_shown_and_keyboard_votes_still_work(meeting: Meeting):
    app = make_app(meeting, server=FakeServer(fail=OSError("Address already in use")))
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Servern för mobiler startade inte: Address already in use" in region_text(
            app, "#join"
        )
        await pilot.press("space", "k", "2")
        assert meeting.answer_count(WARMUP) == 1


async def test_services_start_after_the_server_and_stop_on_quit(meeting: Meeting):
    service = FakeService()
    app = make_app(meeting, server=FakeServer(), services=[service])
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        assert service.started == 1
        await pilot.press("q")
        await pilot.pause()
    assert service.stopped == 1


async def test_theme_toggle_keeps_the_qr_black_on_white(meeting: Meeting):
    app = make_app(meeting, server=FakeServer())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        assert app.theme == LIGHT_THEME
        await app.workers.wait_for_complete()
        await pilot.pause()
        qr = app.main.query_one("#join-qr")
        assert qr.render().style == QR_STYLE


async def test_export_runs_in_a_thread_and_says_where(meeting: Meeting, tmp_path: Path):
    import threading

    threads: list[str] = []
    records: list[object] = []

    def exporter(record: object) -> str:
        threads.append(threading.current_thread().name)
        records.append(record)
        return str(tmp_path / "plan.md")

    app = make_app(meeting, exporter=exporter)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        # The export's thread starts only after the shown figures are kept: waited for by
        # what it says, not by the workers there were when the key returned.
        said = str(tmp_path / "plan.md")
        await until(pilot, lambda: any(said in str(n.message) for n in app._notifications), 60)
        assert threads and threads[0] != threading.main_thread().name
        # The live meeting's own record, not the session read again from disk.
        assert records == [meeting.record()] and records[0] is meeting.record()


async def test_export_key_writes_markdown_with_charts_from_the_live_meeting(
    meeting: Meeting, session: Path
):
    import argparse
    from datetime import date

    from mognad_tui.cli import _app_exporter
    from mognad_tui.store import EXPORTS

    args = argparse.Namespace(lang="sv", data_dir=str(session.parent))
    app = make_app(meeting, exporter=_app_exporter(args, str(session)))
    async with app.run_test(size=SIZE) as pilot:
        await meeting.go_to(SCALE)
        await pilot.press("space")
        await answer(meeting, SCALE, [2, 3, 3, 4])
        await pilot.press("r")
        await settled(pilot)
        await pilot.press("e")
        out = session / EXPORTS / f"{session.name}-{date.today().isoformat()}.md"
        await until(pilot, lambda: any(str(out) in str(n.message) for n in app._notifications), 60)
        text = out.read_text(encoding="utf-8")
        assert GROUP in text and "Jag känner igen falska meddelanden" in text
        assert (session / EXPORTS / f"{out.stem}-charts").is_dir() and "-charts/" in text
        # An export is a showing: what it shows is kept as shown first.
        assert meeting.store.state("shown", {}).get(SCALE)


async def test_english_session_speaks_english(tmp_path: Path):
    meeting = open_meeting(new_session(tmp_path, lang="en"))
    try:
        app = make_app(meeting)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            text = squashed(app)
            assert "Step 1 of 4" in text and "Next" in text and "Nästa" not in text
            await meeting.go_to("a-natfiske")
            await pilot.press("space")
            await answer(meeting, "a-natfiske", [2, 3, 3])
            await pilot.press("r")
            assert "Median 3 · mean 2.7" in centre(app)
    finally:
        meeting.store.close()


# ---------------------------------------------------------------- resume after a restart


async def test_resume_shows_the_same_item_notes_votes_and_state(session: Path):
    first = open_meeting(session)
    app = make_app(first)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right", "enter")
        await pilot.press(*"Mindre papper")
        await pilot.press("escape")
        await first.go_to(SCALE)
        await pilot.press("space")
        await answer(first, SCALE, [2, 3, 4])
        await pilot.pause()
    first.store.close()  # as after a quit (a crash leaves the journal, replayed the same)

    again = Meeting(SessionStore.open(session))
    try:
        assert again.note(PROMPT) == "Mindre papper"
        app = make_app(again)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert again.current.item.id == SCALE
            text = centre(app)
            assert "Jag känner igen falska meddelanden" in text
            assert "Röstningen är öppen" in text and "3 har svarat" in text
            await pilot.press("r")
            assert "Median 3" in centre(app)
            await again.go_to(PROMPT)
            await pilot.pause()
            assert app.main.query_one("#notes", TextArea).text == "Mindre papper"
    finally:
        again.store.close()


# ---------------------------------------------------------------- the catalogue


def test_catalog_is_complete_and_every_used_key_exists():
    assert T.missing() == {}
    root = Path(__file__).resolve().parents[1] / "mognad_tui" / "tui"
    used: set[str] = set()
    for path in root.glob("*.py"):
        used |= set(
            re.findall(
                r"""["']((?:key|help|header|status|agenda|join|prompt|timer|"""
                r"""question|tally|private|moderation|overview|needs|priority|"""
                r"""need_form|action_form|poll_form|threshold|form|quit|export|"""
                r"""auto|theme|error|reason|cmd|survey)\.[a-z_]+)["']""",
                path.read_text(),
            )
        )
    for key in used:
        for lang in ("sv", "en"):
            T(key, lang)


# ---------------------------------------------------------------- trust (issue 9)


async def after_a_restart(session: Path, phones: int) -> Meeting:
    """A meeting whose open question got ``phones`` phone answers before a restart."""
    before = open_meeting(session)
    await before.go_to(SCALE)
    await before.toggle_open(SCALE)
    await answer(before, SCALE, [1 + n % 5 for n in range(phones)])
    before.store.close()
    return open_meeting(session)


async def test_the_screen_says_when_phone_answers_outnumber_the_phones_present(session: Path):
    meeting = await after_a_restart(session, 3)
    app = make_app(meeting)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            shown = region_text(app, "QuestionView")
            assert "fler svar från mobiler (3) än anslutna mobiler (0)" in shown
    finally:
        meeting.store.close()


async def test_keyboard_votes_do_not_count_as_phones_answering(session: Path):
    meeting = await after_a_restart(session, 3)
    for n in range(3):
        meeting.join(f"back-{n}")  # the three phones come back
    await meeting.submit_private(SCALE, 4)  # and two people vote on the keyboard
    await meeting.submit_private(SCALE, 5)
    app = make_app(meeting)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            shown = region_text(app, "QuestionView")
            assert "5 har svarat" in shown and "fler svar från mobiler" not in shown
    finally:
        meeting.store.close()


async def test_the_screen_says_when_typed_codes_are_paused(meeting: Meeting):
    app = make_app(meeting, server=FakeServer())
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "skriva in koden" not in region_text(app, "#join")
        meeting.pause_typed_codes(600)
        await pilot.pause()
        assert (
            "Det går inte att skriva in koden förrän om 10 min. QR-koden och länken fungerar."
            in region_text(app, "#join")
        )
        await pilot.press("g")  # the full-screen QR code says it too, not "type the code"
        assert isinstance(app.screen, JoinScreen)
        assert "QR-koden och länken fungerar" in region_text(app, "#full-hint")
