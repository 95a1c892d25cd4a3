"""Phones must reach the laptop: the join panel's other addresses, and the hint that appears
when no phone has joined two minutes after the first question opened (an injected clock,
no waiting)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from test_tui_support import (
    FIXED_NOW,
    FakeServer,
    make_app,
    new_session,
    open_meeting,
    region_text,
    settled,
    squashed,
)

from mognad_tui.meeting import Meeting
from mognad_tui.model import Voting
from mognad_tui.network import Candidate, Kind
from mognad_tui.tui.catalog import T
from mognad_tui.tui.join import JoinScreen

SIZE = (120, 36)
SMALL = (80, 24)
WARMUP = "s1-uppvarmning"  # the first item: a quick poll
HINT = "Ingen telefon har anslutit på 2 minuter"


@pytest.fixture
def meeting(tmp_path: Path):
    meeting = open_meeting(new_session(tmp_path))
    yield meeting
    meeting.store.close()


class Clock:
    def __init__(self) -> None:
        self.now = FIXED_NOW

    def __call__(self):
        return self.now


def join_panel(app) -> str:
    return " ".join(region_text(app, "#join").split())


async def test_no_phone_hint_two_minutes_after_the_first_question_and_gone_on_join(
    meeting: Meeting,
):
    clock = Clock()
    app = make_app(meeting, server=FakeServer(), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        clock.now += timedelta(minutes=10)  # time before any question opens does not count
        app.look_for_phones()
        await settled(pilot)
        assert HINT not in join_panel(app)
        await pilot.press("space")  # open the first question
        await settled(pilot)
        assert meeting.voting(WARMUP) is Voting.OPEN
        clock.now += timedelta(seconds=119)
        app.look_for_phones()
        await settled(pilot)
        assert HINT not in join_panel(app)
        clock.now += timedelta(seconds=2)
        app.look_for_phones()
        await settled(pilot)
        panel = join_panel(app)
        assert HINT in panel
        for advice in ("samma wifi som datorn", "surfzon", "Tillåt i brandväggen", "mognad check"):
            assert advice in panel, advice
        await pilot.press("g")  # the room's full-screen code says it too
        assert isinstance(app.screen, JoinScreen)
        assert HINT in " ".join(region_text(app, "#full-hint").split())
        await pilot.press("escape")
        meeting.join("phone-1")
        await settled(pilot)
        assert HINT not in join_panel(app)
        assert "1 ansluten" in join_panel(app)


async def test_no_phone_hint_on_a_small_screen_and_in_english(tmp_path: Path):
    meeting = open_meeting(new_session(tmp_path, lang="en"))
    clock = Clock()
    app = make_app(meeting, server=FakeServer(), clock=clock)
    try:
        async with app.run_test(size=SMALL) as pilot:
            await settled(pilot)
            await pilot.press("space")
            await settled(pilot)
            clock.now += timedelta(minutes=3)
            app.look_for_phones()
            await settled(pilot)
            assert "No phone has connected: same Wi-Fi? firewall? mognad check" in squashed(app)
            # No room for the whole hint on 24 rows: it also comes once as a toast.
            toasts = [n.message for n in app._notifications]
            assert toasts == [T("join.no_phone", "en", minutes=2)]
            app.look_for_phones()
            await settled(pilot)
            assert len(app._notifications) == 1
    finally:
        meeting.store.close()


async def test_no_hint_without_a_server_to_reach(meeting: Meeting):
    clock = Clock()
    app = make_app(meeting, server=FakeServer(fail=OSError("Address already in use")), clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("space")
        await settled(pilot)
        clock.now += timedelta(minutes=5)
        app.look_for_phones()
        await settled(pilot)
        assert HINT not in join_panel(app)


async def test_join_panel_lists_other_reachable_addresses_not_vpn_or_containers(
    meeting: Meeting,
):
    server = FakeServer()
    server.addresses = (  # type: ignore[attr-defined]
        Candidate("Wi-Fi", "192.168.1.20", Kind.WIRELESS, True, 4),
        Candidate("Ethernet 2", "10.8.0.14", Kind.WIRED, True, 4),
        Candidate("vEthernet (WSL)", "172.29.16.1", Kind.VIRTUAL, True, 4),
        Candidate("utun3", "100.88.12.5", Kind.VPN, False, 4),
    )
    app = make_app(meeting, server=server)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        panel = join_panel(app)
        assert "192.168.1.20:8765" in panel
        assert "Andra adresser: 10.8.0.14" in panel
        assert "172.29.16.1" not in panel and "100.88.12.5" not in panel
