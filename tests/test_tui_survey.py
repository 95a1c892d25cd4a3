"""Step 2 live on the projected screen: a statement and its importance follow-up as one item,
the whole survey opened with one key ("8 av 12 klara"), then its results area by area."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_tui_support import (
    answer,
    make_app,
    new_session,
    open_meeting,
    region_text,
    screen_text,
    settled,
    until,
)

from mognad_tui.meeting import Meeting
from mognad_tui.model import Voting

SIZE = (120, 36)
PAIRED = "a-ai-tjanst"  # has an importance follow-up
FOLLOW_UP = "a-ai-tjanst.importance"


@pytest.fixture
def meeting(tmp_path: Path):
    meeting = open_meeting(new_session(tmp_path, threshold=2))
    yield meeting
    meeting.store.close()


def footer(app) -> str:
    return region_text(app, "#footer")


async def test_a_statement_and_its_importance_are_one_item(meeting: Meeting):
    app = make_app(meeting)
    async with app.run_test(size=SIZE) as pilot:
        await meeting.go_to(PAIRED)
        await settled(pilot)
        await pilot.press("space")
        await settled(pilot)
        assert meeting.voting(FOLLOW_UP) is Voting.OPEN  # opening the statement opens both
        for n in range(3):
            meeting.join(f"t{n}")
        await answer(meeting, PAIRED, [4, 5])
        await answer(meeting, FOLLOW_UP, ["high", "high", "medium"])
        await settled(pilot)
        # The count is the statement's, not the optional follow-up's.
        assert "2 av 3 har svarat" in region_text(app, "#centre")
        await pilot.press("r")
        await settled(pilot)
        centre = region_text(app, "#centre")
        assert meeting.voting(FOLLOW_UP) is Voting.REVEALED
        assert "Hur viktigt är detta för oss det kommande året?" in centre
        await pilot.press("right")
        await settled(pilot)
        # → goes past the follow-up to the next statement.
        assert meeting.current.item.id == "a-tillganglighet"


async def test_a_opens_the_whole_survey_and_counts_who_is_done(meeting: Meeting):
    app = make_app(meeting)
    async with app.run_test(size=SIZE) as pilot:
        await meeting.go_to("a-hitta-information")
        await settled(pilot)
        assert "a Öppna enkäten" in footer(app)
        await pilot.press("a")
        await until(pilot, lambda: meeting.survey_open)
        await settled(pilot)
        for n in range(3):
            meeting.join(f"t{n}")
        statements = [q.id for q in meeting.survey_pages if q.kind.value != "text"]
        for question in statements:
            await answer(meeting, question, [3, 4])  # t0 and t1 answer everything
        await settled(pilot)
        centre = region_text(app, "#centre")
        assert "2 av 3 klara" in centre
        assert "Hela enkäten" in centre
        assert "a Stäng enkäten" in footer(app)
        assert "Visa resultat" not in footer(app)  # r would show one item's bars mid-survey
        await pilot.press("a")  # closed: the first area's results together
        await until(pilot, lambda: meeting.walked_area is not None)
        await settled(pilot)
        centre = region_text(app, "#centre")
        assert "Område 1 av 8" in centre
        assert "Digital vardag" in centre
        assert "Jag hittar själv den information" in centre
        assert "Jag stänger av aviseringar" in centre
        await pilot.press("right")
        await until(pilot, lambda: meeting.walked_area[0] == "a-sakerhet")
        await settled(pilot)
        centre = region_text(app, "#centre")
        assert "Område 2 av 8" in centre
        assert "Hur viktigt är detta" in centre  # the follow-up's result under its statement


async def test_the_area_results_honour_the_threshold(tmp_path: Path):
    meeting = open_meeting(new_session(tmp_path, threshold=3))
    try:
        app = make_app(meeting)
        async with app.run_test(size=SIZE) as pilot:
            await settled(pilot)
            assert "Öppna enkäten" not in footer(app)  # step 1: the footer keeps its room
            await pilot.press("a")
            await settled(pilot)
            assert not meeting.survey_open
            await meeting.go_to("a-hitta-information")
            await settled(pilot)
            await pilot.press("a")
            await until(pilot, lambda: meeting.survey_open)
            await answer(meeting, "a-hitta-information", [4, 5])  # two: below three
            await pilot.press("a")
            await until(pilot, lambda: meeting.walked_area is not None)
            await settled(pilot)
            text = screen_text(app)
            assert "2 svar" in text or "2 har svarat" in text
            assert "100 %" not in text and "50 %" not in text
    finally:
        meeting.store.close()


async def test_the_survey_key_in_english(tmp_path: Path):
    meeting = open_meeting(new_session(tmp_path, lang="en"))
    try:
        app = make_app(meeting)
        async with app.run_test(size=SIZE) as pilot:
            await meeting.go_to("a-hitta-information")
            await settled(pilot)
            assert "a Open survey" in footer(app)
            await pilot.press("a")
            await until(pilot, lambda: meeting.survey_open)
            await settled(pilot)
            assert "0 done" in region_text(app, "#centre")
            assert "a Close survey" in footer(app)
    finally:
        meeting.store.close()


async def test_help_and_palette_know_the_survey_key(meeting: Meeting):
    app = make_app(meeting)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        text = screen_text(app)
        assert "a    Öppna enkäten" in text or "a Öppna enkäten" in " ".join(text.split())
        assert "Stäng enkäten" in text
        await pilot.press("escape")
        # The palette opens it from anywhere, here step 1's first prompt.
        await pilot.press("ctrl+p")
        await pilot.press(*"hela enkäten")
        await until(pilot, lambda: "Öppna eller stäng hela enkäten" in screen_text(app))
        await pilot.press("enter")
        await until(pilot, lambda: meeting.survey_open)
        await settled(pilot)
        assert "0 klara" in region_text(app, "#centre")
