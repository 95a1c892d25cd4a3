"""What the room sees on the projected screen: the ``r`` key named by what it does, the blank
"Paus" screen (moderation opens behind it), the presentation view, the full-screen QR code at
the largest size the terminal holds, result labels in full, and plain Swedish labels."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from test_tui_support import (
    FakeServer,
    answer,
    make_app,
    new_session,
    open_meeting,
    region_text,
    screen_text,
    settled,
    squashed,
    until,
)

from mognad_tui import results
from mognad_tui.meeting import Meeting
from mognad_tui.model import Kind, Voting
from mognad_tui.tui.distribution import render_result
from mognad_tui.tui.forms import ActionForm, example_due
from mognad_tui.tui.join import JoinScreen
from mognad_tui.tui.main_screen import MainScreen
from mognad_tui.tui.moderation import ModerationScreen
from mognad_tui.tui.pause import PauseScreen
from mognad_tui.tui.qr import PANEL_BORDER, QRCode, full_screen_fit, qr_size

SIZE = (120, 36)
SMALL = (80, 24)
SCALE = "a-natfiske"
FREE_TEXT = "s2-mer"
JOIN_URL = "http://192.168.1.20:8765/j/Zk3v9QeR7tLmX2pW"
LONG_LABELS = [
    "Alla ska kunna dela dokument med varandra utan att mejla filer",
    "Vi behöver mer tid för att lära oss de digitala verktygen tillsammans",
    "Ingen av dem",
]


@pytest.fixture
def meeting(tmp_path: Path):
    meeting = open_meeting(new_session(tmp_path))
    yield meeting
    meeting.store.close()


def footer(app) -> str:
    return region_text(app, "#footer")


# ---------------------------------------------------------------- r: show or hide, by name


async def test_r_is_named_by_what_it_does_after_an_auto_reveal(meeting: Meeting):
    app = make_app(meeting)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("u")  # show automatically when everyone has answered
        for n in range(2):
            meeting.join(f"t{n}")
        await meeting.go_to(SCALE)
        await pilot.press("space")
        await settled(pilot)
        assert "r Visa resultat" in footer(app)
        await answer(meeting, SCALE, [2, 3])
        await until(pilot, lambda: meeting.voting(SCALE) is Voting.REVEALED)
        await settled(pilot)
        # The result is up on its own: the key now says it hides it, not "Resultat".
        assert "r Dölj resultat" in footer(app)
        assert "Visa resultat" not in footer(app)
        await pilot.press("r")
        await settled(pilot)
        assert meeting.voting(SCALE) is Voting.CLOSED
        assert "Röstningen är stängd" in region_text(app, "#centre")
        assert "r Visa resultat" in footer(app)
        await pilot.press("r")
        await settled(pilot)
        assert meeting.voting(SCALE) is Voting.REVEALED


async def test_space_is_named_by_what_it_does(meeting: Meeting):
    """Like ``r``: "Öppna" on a question not open, "Stäng" on an open one (one short word
    each, so the footer keeps room for the keys after it)."""
    app = make_app(meeting)
    async with app.run_test(size=SIZE) as pilot:
        await meeting.go_to(SCALE)
        await settled(pilot)
        assert "mellanslag Öppna" in footer(app) and "Stäng" not in footer(app)
        await pilot.press("space")
        await settled(pilot)
        assert meeting.voting(SCALE) is Voting.OPEN
        assert "mellanslag Stäng" in footer(app)
        assert ". Paus" in footer(app) and "a Öppna enkäten" in footer(app)
        await pilot.press("space")
        await settled(pilot)
        assert meeting.voting(SCALE) is Voting.CLOSED
        assert "mellanslag Öppna" in footer(app)


async def test_r_shows_and_hides_in_english_too(tmp_path: Path):
    meeting = open_meeting(new_session(tmp_path, lang="en"))
    try:
        app = make_app(meeting)
        async with app.run_test(size=SIZE) as pilot:
            await meeting.go_to(SCALE)
            await pilot.press("space")
            await settled(pilot)
            assert "r Show results" in footer(app)
            await pilot.press("r")
            await settled(pilot)
            assert "r Hide results" in footer(app)
    finally:
        meeting.store.close()


# ---------------------------------------------------------------- blanking the room's screen


async def test_full_stop_blanks_the_room_screen_and_brings_it_back(meeting: Meeting):
    app = make_app(meeting, server=FakeServer())
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await meeting.go_to(SCALE)
        await settled(pilot)
        question = meeting.question(SCALE).text
        assert ". Paus" in footer(app)
        await pilot.press("full_stop")
        assert isinstance(app.screen, PauseScreen)
        text = squashed(app)
        assert "Paus" in text
        assert "Kod 4821" in text  # a late arrival can still join
        assert question[:30] not in text and "Dagordning" not in text
        await pilot.press("full_stop")
        assert isinstance(app.screen, MainScreen)
        assert question[:30] in squashed(app)


async def test_moderation_opens_with_the_room_screen_blanked(meeting: Meeting):
    app = make_app(meeting)
    async with app.run_test(size=SIZE) as pilot:
        await meeting.go_to(FREE_TEXT)
        await pilot.press("space")
        await answer(meeting, FREE_TEXT, ["Mer tid för att lära oss"])
        await settled(pilot)
        await pilot.press("m")
        assert isinstance(app.screen, ModerationScreen)
        # Behind the dialog the room sees "Paus", not the agenda or the question's screen.
        assert isinstance(app.screen_stack[-2], PauseScreen)
        assert "Dagordning" not in screen_text(app)
        assert "Gruppen ser Paus" in squashed(app)
        await pilot.press("a")
        await pilot.press("escape")
        # The approved text is not shown until the facilitator chooses to show the screen.
        assert isinstance(app.screen, PauseScreen)
        assert "Mer tid för att lära oss" not in screen_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


# ---------------------------------------------------------------- presentation view


async def test_z_gives_the_question_the_whole_screen_and_brings_the_panels_back(
    meeting: Meeting,
):
    app = make_app(meeting, server=FakeServer())
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await meeting.go_to(SCALE)
        await settled(pilot)
        centre = app.main.query_one("#centre")
        narrow = centre.outer_size.width
        assert "z Helskärm" in footer(app)
        await pilot.press("z")
        await settled(pilot)
        assert not app.main.query_one("#agenda").display
        assert not app.main.query_one("#join").display
        assert centre.outer_size.width == SIZE[0] > narrow
        assert "Kod 4821" in squashed(app)  # the join code stays on one line
        assert "z Visa dagordning" in footer(app)
        await pilot.press("z")
        await settled(pilot)
        assert app.main.query_one("#agenda").display and app.main.query_one("#join").display
        assert centre.outer_size.width == narrow


async def test_the_presentation_view_spaces_the_bars_on_a_projector(meeting: Meeting):
    app = make_app(meeting)
    async with app.run_test(size=SIZE) as pilot:
        await meeting.go_to(SCALE)
        await pilot.press("space")
        await answer(meeting, SCALE, [1, 2, 3, 3, 4])
        await pilot.press("r")
        await settled(pilot)

        def gap_after_first_bar() -> bool:
            result = app.main.query_one("#question-result")
            return result.render().plain.splitlines()[1] == ""  # type: ignore[union-attr]

        assert not gap_after_first_bar()
        await pilot.press("z")
        await settled(pilot)
        assert gap_after_first_bar()
        await pilot.press("z")
        await settled(pilot)
        assert not gap_after_first_bar()


# ---------------------------------------------------------------- results in full


async def test_long_result_labels_wrap_and_are_never_cut(meeting: Meeting):
    app = make_app(meeting)
    async with app.run_test(size=SMALL) as pilot:
        poll = await meeting.add_poll("Vad behöver vi?", Kind.SINGLE, LONG_LABELS)
        await answer(meeting, poll.id, ["o1", "o1", "o2", "o3"])
        await pilot.press("r")
        await settled(pilot)
        shown = region_text(app, "#question-result")
        assert "…" not in shown
        # Each label reads in full once its bar and count (on its first line) are left out.
        words = " ".join(re.sub(r"[█▏▎▍▌▋▊▉░]+\s*\d+", " ", shown).split())
        for label in LONG_LABELS:
            assert label in words


async def test_a_wrapped_label_keeps_its_bar_and_count_on_the_first_line(meeting: Meeting):
    poll = await meeting.add_poll("Vad behöver vi?", Kind.SINGLE, LONG_LABELS)
    await answer(meeting, poll.id, ["o1", "o1", "o1", "o2"])
    await meeting.set_voting(poll.id, Voting.REVEALED)
    result = results.question_result(meeting.record(), meeting.question(poll.id))
    lines = render_result(result, "sv", 60).plain.splitlines()
    assert lines[0].startswith("Alla ska kunna dela") and lines[0].rstrip().endswith("3")
    assert "█" not in lines[1]
    assert max(len(line) for line in lines) <= 60


# ---------------------------------------------------------------- the QR code full screen


@pytest.mark.parametrize("size", [(80, 24), (120, 36), (200, 60)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_g_draws_the_largest_code_the_terminal_holds(meeting: Meeting, size):
    app = make_app(meeting, server=FakeServer())
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("g")
        assert isinstance(app.screen, JoinScreen)
        await settled(pilot)
        qr = app.screen.query_one("#full-qr", QRCode)
        fit = full_screen_fit(
            qr.url, size[0] - 2, size[1], JoinScreen.BELOW_ROWS, JoinScreen.BESIDE_COLS
        )
        assert (qr.scale, qr.border) == (fit.scale, fit.border)
        # Larger than the side panel's code, and whole on the screen with the code beside
        # or under it.
        panel_cols = qr_size(qr.url, PANEL_BORDER)[0]
        cols, rows = qr_size(qr.url, qr.border, qr.scale)
        if size != (80, 24):
            assert cols > panel_cols
        assert qr.region.width == cols and qr.region.height == rows
        assert app.screen.region.contains_region(qr.region)
        text = squashed(app)
        assert "192.168.1.20:8765" in text
        code = app.screen.query_one("#full-code")
        assert app.screen.region.contains_region(code.region)
        assert not code.region.overlaps(qr.region)


def test_a_wide_screen_puts_the_text_beside_a_larger_code():
    # A real join link carries a 32-character key: a 33-module code.
    url = "http://192.168.1.20:8765/j/" + "k" * 32
    assert qr_size(url, 0)[0] == 33
    projector = full_screen_fit(url, 118, 36, 8, 40)
    assert projector.scale == 2 and projector.beside
    assert qr_size(url, projector.border, 2)[1] <= 36
    large = full_screen_fit(url, 198, 60, 8, 40)
    assert large.scale == 3 and large.border >= 1
    small = full_screen_fit(url, 78, 24, 8, 40)
    assert small.scale == 1 and small.border >= PANEL_BORDER
    tiny = full_screen_fit(url, 30, 10, 8, 40)
    assert tiny.scale == 1  # never zero: something is drawn


# ---------------------------------------------------------------- plain words, dates


async def test_the_footer_uses_the_phone_s_word_for_previous(meeting: Meeting):
    from mognad_tui.web.messages import MESSAGES

    app = make_app(meeting)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        assert MESSAGES("previous", "sv") == "Föregående"
        assert "← Föregående" in footer(app)
        assert "Förra" not in footer(app)


def test_example_due_dates_are_never_in_the_past():
    assert example_due(date(2026, 11, 30)) == "2027-02-28"
    assert example_due(date(2026, 1, 15)) == "2026-04-30"
    assert date.fromisoformat(example_due()) > date.today()


async def test_a_bad_due_date_is_explained_with_a_future_example(meeting: Meeting):
    app = make_app(meeting)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("v")
        await settled(pilot)
        await pilot.press("n")
        await settled(pilot)
        assert isinstance(app.screen, ActionForm)
        assert app.screen.query_one("#action-due").placeholder == example_due()
        app.screen.query_one("#action-what").value = "Kurs i Teams"
        app.screen.query_one("#action-due").value = "snart"
        await pilot.press("ctrl+s")
        await settled(pilot)
        assert f"till exempel {example_due()}" in squashed(app)


async def test_the_palette_finds_the_presentation_view_and_the_pause(meeting: Meeting):
    app = make_app(meeting)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"Helskärm")
        await until(pilot, lambda: "Helskärm på/av" in screen_text(app))
        await pilot.press("enter")
        await settled(pilot)
        assert app.main.presenting
        await pilot.press("ctrl+p")
        await pilot.press(*"Paus")
        await until(pilot, lambda: "Paus: dölj skärmen" in screen_text(app))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, PauseScreen))
