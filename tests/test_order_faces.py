"""The facilitator hears about the order answers arrived in: the terminal app and ``serve``.

The store reorders its journal so the session folder shows no arrival order (see
``test_store_order``). When it cannot (a full disk), the facilitator is told and told again
when it could; and a data folder inside a synced folder, where every version of the files may
be kept, is warned about at start.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import pytest
from store_crash_child import make_info, make_question_set
from test_campaign_crash import Phone, ServeProcess, assert_no_traceback
from test_store_order import NoRoomFor, answer_survey, in_arrival_order
from test_tui_support import make_app, new_session, open_meeting

from mognad_tui.meeting import Meeting
from mognad_tui.store import SessionStore, StoreFull, create_session, synced_folder
from mognad_tui.tui.catalog import T

SIZE = (120, 36)


@pytest.mark.parametrize(
    ("path", "env", "service"),
    [
        ("/home/ann/Dropbox/mognad/sessions", {}, "Dropbox"),
        ("/home/ann/OneDrive - Kommunen/sessions", {}, "OneDrive"),
        ("/home/ann/work/sessions", {"OneDrive": "/home/ann/work"}, "OneDrive"),
        ("/Users/ann/Library/Mobile Documents/com~apple~CloudDocs/s", {}, "iCloud Drive"),
        ("/Users/ann/Library/CloudStorage/GoogleDrive-ann/My Drive/s", {}, "a cloud service"),
        ("/home/ann/Nextcloud/s", {}, "Nextcloud"),
        ("/home/ann/Sync/s", {}, "Sync"),
        ("/home/ann/work/sessions", {}, None),
        ("/home/ann/dropboxes/sessions", {}, None),
        ("/home/ann/work/Sync/sessions", {}, None),  # only the home's own Sync folder
    ],
)
def test_synced_folders_are_recognised_by_name(path: str, env: dict, service: str | None) -> None:
    assert synced_folder(Path(path), {"HOME": "/home/ann", **env}) == service


async def test_the_app_tells_the_facilitator_when_the_order_cannot_be_cleared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting = Meeting(SessionStore.open(new_session(tmp_path)), self_paced=True)
    disk = NoRoomFor(monkeypatch)
    told = asyncio.Event()
    app = make_app(meeting)
    try:
        async with app.run_test(size=SIZE):
            meeting.subscribe(lambda e: told.set() if e.kind == "disk" else None)
            await answer_survey(meeting)
            with pytest.raises(StoreFull):
                await meeting.store.reorder()
            await asyncio.wait_for(told.wait(), 60)
            shown = [str(n.message) for n in app._notifications]
            assert T("disk.order_full", "sv") in shown
            told.clear()
            disk.full = False  # the writer's next try, after its back-off, works
            await asyncio.wait_for(told.wait(), 60)
            shown = [str(n.message) for n in app._notifications]
            assert T("disk.order_ok", "sv") in shown
    finally:
        meeting.store.close()


async def test_the_app_warns_when_the_session_lies_in_a_synced_folder(tmp_path: Path) -> None:
    meeting = open_meeting(new_session(tmp_path / "Dropbox"))
    app = make_app(meeting)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            shown = [str(n.message) for n in app._notifications]
            assert T("warn.synced", "sv", service="Dropbox") in shown
    finally:
        meeting.store.close()


#: ``mognad serve`` on a disk with room for single answers but not for a reordered journal,
#: until the file named by MOGNAD_TEST_ROOM exists.
LAUNCHER = """
import errno, os, sys
from mognad_tui.store import files
real, flag = files._write, os.environ["MOGNAD_TEST_ROOM"]
def write(fd, data):
    if len(data) > 600 and not os.path.exists(flag):
        raise OSError(errno.ENOSPC, "simulated")
    return real(fd, data)
files._write = write
from mognad_tui.cli import main
sys.exit(main(sys.argv[1:]))
"""


async def three_people_answer_the_survey(server: ServeProcess) -> None:
    """Three phones, one after the other, each answering every open question."""
    for n in range(3):
        phone = Phone()
        try:
            await phone.join(server.base, server.code)
            for question in (await phone.state(server.base, server.code))["open"]:
                if question["kind"] == "text":
                    value: object = "ok"
                elif question["kind"] == "multiple":
                    value = [question["options"][0]["value"]]
                elif question["kind"] == "dots":
                    value = {question["options"][0]["value"]: 1}
                else:
                    value = question["options"][n]["value"]
                while True:
                    status, body = await phone.answer(
                        server.base, server.code, question["id"], value
                    )
                    if status != 429:  # the per-device limit: a person is never this fast
                        break
                    await asyncio.sleep(1)
                assert status == 200, (question["id"], body)
        finally:
            await phone.close()


def wait_for_line(server: ServeProcess, text: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while text not in server.stderr:
        assert time.monotonic() < deadline, f"no {text!r} on stderr:\n{server.output}"
        assert server.proc.poll() is None, server.output
        time.sleep(0.05)


async def test_serve_says_on_stderr_when_the_order_cannot_be_cleared_and_when_it_can(
    tmp_path: Path,
) -> None:
    from mognad_tui.cli_text import T as cli_T

    data_dir = tmp_path / "Dropbox" / "sessions"
    session = create_session(data_dir, make_info(), make_question_set())
    flag = tmp_path / "room"
    server = ServeProcess(
        data_dir,
        session.name,
        argv=[sys.executable, "-c", LAUNCHER],
        env={"MOGNAD_TEST_ROOM": str(flag)},
    )
    try:
        server.wait_url()
        assert cli_T("warn_synced", "en", path=session, service="Dropbox") in server.stderr
        await three_people_answer_the_survey(server)
        await asyncio.to_thread(wait_for_line, server, cli_T("disk_order_full", "en"))
        assert in_arrival_order(session)
        flag.touch()
        await asyncio.to_thread(wait_for_line, server, cli_T("disk_order_ok", "en"))
        assert in_arrival_order(session) == []
    finally:
        server.stop()
    assert_no_traceback(server.output)
