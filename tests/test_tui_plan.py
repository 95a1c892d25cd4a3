"""The agenda shows the method's meetings and what fits them; the header counts the minutes
used of the meeting under way, from the app's clock, and a restart continues the count."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from test_tui_support import (
    FIXED_NOW,
    FakeServer,
    make_app,
    question_set,
    region_text,
    settled,
)

from mognad_tui.meeting import Meeting
from mognad_tui.model import SessionInfo, Voting
from mognad_tui.schedule import minutes_between
from mognad_tui.store import SessionStore, create_session
from mognad_tui.tui.agenda import Agenda
from mognad_tui.tui.header import TopBar


def session(tmp_path: Path, *, minutes: int = 60, meetings: int = 2, lang: str = "sv") -> Path:
    info = SessionInfo(
        name="enhet-nord",
        title="Enhet Nord",
        created="2026-11-26",
        set_id="digital-mognad",
        lang=lang,  # type: ignore[arg-type]
        join_code="4821",
        minutes=minutes,
        meetings=meetings,
    )
    return create_session(tmp_path / "sessions", info, question_set(lang))


def agenda_rows(app) -> list[str]:
    agenda = app.screen.query_one(Agenda)
    return [str(agenda.get_option_at_index(n).prompt) for n in range(agenda.option_count)]


class Clock:
    """The facilitator's clock, moved by hand: no test waits for real minutes."""

    def __init__(self) -> None:
        self.now = FIXED_NOW

    def __call__(self) -> datetime:
        return self.now


async def test_the_agenda_shows_the_two_meetings_and_marks_what_does_not_fit(tmp_path):
    meeting = Meeting(SessionStore.open(session(tmp_path, minutes=60)))
    app = make_app(meeting, server=FakeServer())
    async with app.run_test(size=(120, 36)) as pilot:
        await settled(pilot)
        rows = agenda_rows(app)
        first = rows.index("Möte 1: 60 min · steg 1–2")
        second = rows.index("Möte 2: 60 min · steg 3–4")
        assert first == 0 < second
        # At an hour the first meeting holds every prompt; the second leaves three optional out.
        assert not any("valfri" in row for row in rows[first:second])
        assert rows[second + 1].strip() == "valfria utanför: 3"
        dropped = [row for row in rows[second:] if "(valfri)" in row]
        assert len(dropped) == 3
        assert any("Vad i resultatet förvånar oss?" in row for row in dropped)
        # The facilitator can still go to one.
        await app.go_to("s3-overraskningar")
        await settled(pilot)
        assert meeting.current.item.id == "s3-overraskningar"
        assert "▸" in next(r for r in agenda_rows(app) if "förvånar" in r)


async def test_the_one_meeting_variant_has_one_heading_and_counts_what_is_left(tmp_path):
    meeting = Meeting(SessionStore.open(session(tmp_path, minutes=90, meetings=1)))
    app = make_app(meeting, server=FakeServer())
    async with app.run_test(size=(120, 36)) as pilot:
        await settled(pilot)
        rows = agenda_rows(app)
        assert rows[0] == "Mötet: 90 min · steg 1–4"
        assert not any(row.startswith("Möte 2") for row in rows)
        await app.go_to("s1-uppvarmning")
        await settled(pilot)
        (plan,) = meeting.plans()
        assert agenda_rows(app)[1].strip().startswith(f"kvar: {plan.planned} min")
        await app.go_to("s1-utveckla")  # the warm-up poll and the first prompt are behind
        await settled(pilot)
        left = plan.left_from(1, "s1-utveckla")
        assert left < plan.planned
        assert agenda_rows(app)[1].strip().startswith(f"kvar: {left} min")


async def bar_after(pilot, clock: Clock, minutes: float = 0) -> str:
    """Move the clock on, let the bar tick as its one-second timer would, and read the bar."""
    clock.now += timedelta(minutes=minutes)
    pilot.app.screen.query_one(TopBar).tick()
    await settled(pilot)
    return region_text(pilot.app, "#top")


async def bar_at(pilot, item_id: str) -> str:
    """Go to an item, as the agenda or the arrow keys do, and read the bar."""
    await pilot.app.go_to(item_id)
    await settled(pilot)
    return region_text(pilot.app, "#top")


async def test_the_header_counts_minutes_from_the_meetings_first_step_and_after_a_restart(
    tmp_path,
):
    path = session(tmp_path, minutes=45)
    clock = Clock()
    meeting = Meeting(SessionStore.open(path))
    async with make_app(meeting, server=FakeServer(), clock=clock).run_test() as pilot:
        await settled(pilot)
        # People arrive: nothing is open yet.
        assert "0 av 45 min" in await bar_after(pilot, clock, 5)
        assert meeting.minutes_used(1, clock.now) is None
        # The warm-up poll opens: the meeting starts now.
        await pilot.app.run_meeting(meeting.set_voting("s1-uppvarmning", Voting.OPEN))
        await bar_after(pilot, clock)
        assert "23 av 45 min" in await bar_after(pilot, clock, 23.7)
    meeting.store.close()

    # A crash or a quit, and `mognad run` again: the count continues where it stood, from
    # the facilitator's first step (the minutes the laptop stood still are not counted).
    clock.now += timedelta(minutes=7)
    meeting = Meeting(SessionStore.open(path))
    async with make_app(meeting, server=FakeServer(), clock=clock).run_test() as pilot:
        assert "23 av 45 min" in await bar_after(pilot, clock)
        await bar_at(pilot, "s1-digitalt-forst")
        assert "25 av 45 min" in await bar_after(pilot, clock, 2)
        # The second meeting: its own count from its own first item.
        assert "0 av 45 min" in await bar_at(pilot, "s3-kan-och-behover")
        assert "12 av 45 min" in await bar_after(pilot, clock, 12)
        # Back to step 1: the first meeting's count, stopped where it ended.
        assert "25 av 45 min" in await bar_at(pilot, "s1-utveckla")
    meeting.store.close()
    # Whole minutes, never a time of day, are what the session folder keeps.
    with SessionStore.open(path, readonly=True) as store:
        assert store.state("minutes_used") == {"1": 25, "2": 12}

    # Another day: `mognad run` with the last item of the first meeting still on the screen.
    # The week the laptop was closed, and the minutes before the room gathers, count nothing.
    clock.now += timedelta(days=7)
    meeting = Meeting(SessionStore.open(path))
    async with make_app(meeting, server=FakeServer(), clock=clock).run_test() as pilot:
        assert "25 av 45 min" in await bar_after(pilot, clock)
        assert "25 av 45 min" in await bar_after(pilot, clock, 15)
        assert "12 av 45 min" in await bar_at(pilot, "s3-lara-varandra")
        time = pilot.app.screen.query_one("#top-time")
        assert not time.has_class("-over")
        # Past the meeting's length, the count turns to the warning colour.
        assert "46 av 45 min" in await bar_after(pilot, clock, 34)
        assert time.has_class("-over")
    meeting.store.close()


async def test_the_header_speaks_english_in_an_english_meeting(tmp_path):
    meeting = Meeting(SessionStore.open(session(tmp_path, lang="en")))
    app = make_app(meeting, server=FakeServer())
    async with app.run_test(size=(120, 36)) as pilot:
        await settled(pilot)
        await app.go_to("s1-uppvarmning")
        await settled(pilot)
        assert "0 of 60 min" in region_text(app, "#top")
        assert agenda_rows(app)[0] == "Meeting 1: 60 min · steps 1–2"


def test_minutes_between_mixed_zones_and_a_clock_set_back():
    start = datetime(2026, 11, 26, 14, 0)
    assert minutes_between(start, start + timedelta(minutes=59, seconds=59)) == 59
    assert minutes_between(start, start - timedelta(minutes=5)) == 0  # never negative
    aware = start.astimezone()
    assert minutes_between(aware, start + timedelta(minutes=3)) == 3


def test_an_older_session_without_a_plan_reads_as_two_meetings_of_an_hour():
    data = replace(
        SessionInfo("x", "X", "2026-01-01", "digital-mognad", "sv"), minutes=60
    ).to_dict()
    del data["minutes"], data["meetings"]
    info = SessionInfo.from_dict(data)
    assert (info.minutes, info.meetings) == (60, 2)
