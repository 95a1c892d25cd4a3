"""``WebServer`` and ``serve_headless``: addresses, ports, the join URL, clean stops."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import os
import re
import signal
import socket
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from web_harness import builtin_set

from mognad_tui.meeting import Meeting, ParticipantServer
from mognad_tui.model import SessionInfo
from mognad_tui.store import SessionStore, create_session
from mognad_tui.web import WebServer, lan_address
from mognad_tui.web import server as web_server


@pytest.fixture
async def meeting(tmp_path: Path) -> AsyncIterator[Meeting]:
    info = SessionInfo(
        name="s", title="T", created="2026-11-26", set_id="digital-mognad", lang="sv"
    )
    store = SessionStore.open(create_session(tmp_path, info, builtin_set()))
    try:
        yield Meeting(store)
    finally:
        store.close()


async def fetch(url: str) -> int:
    async with aiohttp.ClientSession() as client, client.get(url) as response:
        return response.status


async def test_port_zero_shows_the_real_port(meeting: Meeting) -> None:
    server: ParticipantServer = WebServer(meeting, "127.0.0.1", 0)  # the app's protocol
    assert isinstance(server, WebServer)
    url = await server.start()
    try:
        assert url == server.url == f"http://127.0.0.1:{server.port}/j/{meeting.join_key}"
        assert server.port > 0 and server.moved_from is None
        assert await server.start() == url  # idempotent
        assert await fetch(url) == 200
    finally:
        await server.stop()
        await server.stop()
    with pytest.raises(aiohttp.ClientConnectionError):
        await fetch(url)


async def test_taken_default_port_moves_and_says_from_where(
    meeting: Meeting, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        monkeypatch.setattr(web_server, "DEFAULT_PORT", busy)  # the default is looked up here
        server = WebServer(meeting, "127.0.0.1")
        url = await server.start()
        try:
            assert server.moved_from == busy and server.port != busy
            assert f":{server.port}/" in url
            assert await fetch(url) == 200
        finally:
            await server.stop()
        # A port that is asked for is never moved, the default number included: the user
        # named it, so the user hears it is taken.
        with pytest.raises(OSError):
            await WebServer(meeting, "127.0.0.1", busy).start()
        with socket.socket() as other:
            other.bind(("127.0.0.1", 0))
            other.listen()
            with pytest.raises(OSError):
                await WebServer(meeting, "127.0.0.1", other.getsockname()[1]).start()


async def test_default_host_listens_everywhere_and_shows_the_lan_address(
    meeting: Meeting,
) -> None:
    server = WebServer(meeting, None, 0)
    url = await server.start()
    try:
        host = re.match(r"http://([^/:]+):(\d+)/j/", url).group(1)
        assert host == lan_address()
        assert server.addresses[0].address == host  # the join panel lists the rest after it
        ipaddress.ip_address(host)
        # Bound on all interfaces: loopback reaches it too.
        assert await fetch(f"http://127.0.0.1:{server.port}/j/{meeting.join_key}") == 200
    finally:
        await server.stop()


def test_lan_address_is_an_address() -> None:
    address = ipaddress.ip_address(lan_address())
    assert address.version == 4 and not address.is_unspecified


@pytest.mark.skipif(not socket.has_ipv6, reason="no IPv6 on this machine")
async def test_ipv6_host_is_bracketed_in_the_url(meeting: Meeting) -> None:
    server = WebServer(meeting, "::1", 0)
    try:
        url = await server.start()
    except OSError:
        pytest.skip("::1 cannot be bound here")
    try:
        assert url.startswith(f"http://[::1]:{server.port}/j/")
        assert await fetch(url) == 200
    finally:
        await server.stop()


SERVE = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    from mognad_tui.meeting import Meeting
    from mognad_tui.store import SessionStore
    from mognad_tui.web import serve_headless, server

    # Ten minutes' wait for requests in flight: a stop that waited on the open event stream
    # instead of ending it would overrun the test's bound, however busy the machine.
    server.SHUTDOWN_TIMEOUT = 600.0

    async def main():
        store = SessionStore.open(Path(sys.argv[1]))
        try:
            meeting = Meeting(store, self_paced=True)
            await serve_headless(meeting, "127.0.0.1", 0, on_url=lambda url: print(url, flush=True))
        finally:
            store.close()
        print("stopped", flush=True)

    asyncio.run(main())
    """
)


def test_serve_headless_prints_the_url_and_stops_on_sigterm(tmp_path: Path) -> None:
    info = SessionInfo(
        name="s", title="T", created="2026-11-26", set_id="digital-mognad", lang="sv"
    )
    path = create_session(tmp_path, info, builtin_set())
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = proc.stdout.readline().strip()
        url_shape = r"http://127\.0\.0\.1:\d+/j/[A-Za-z0-9_-]{32}"
        if not re.fullmatch(url_shape, line):  # killed first: a live child's stderr blocks
            proc.kill()
            pytest.fail(f"not a join URL: {line!r}\n{proc.stderr.read()}")
        port = int(line.split(":")[2].split("/")[0])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            path_ = line.split(str(port), 1)[1]
            head = f"GET {path_} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
            sock.sendall(head.encode())
            assert sock.recv(64).startswith(b"HTTP/1.1 200")
        # An event stream is open while it stops: it must not hold the stop up.
        stream = socket.create_connection(("127.0.0.1", port), timeout=5)
        code = line.rsplit("/", 1)[1]
        stream.sendall(f"GET /api/{code}/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        stream.recv(256)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=120)  # far below the 600 s it would otherwise wait
        stream.close()
        assert proc.returncode == 0, err
        assert out.strip() == "stopped"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


async def test_serve_headless_reports_a_moved_port(
    meeting: Meeting, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        monkeypatch.setattr(web_server, "DEFAULT_PORT", busy)  # the default is looked up here
        seen: list[object] = []
        serving = asyncio.Event()  # on_url: the server listens and the signal handlers are set

        def on_url(url: str) -> None:
            seen.append(url)
            serving.set()

        task = asyncio.ensure_future(
            web_server.serve_headless(
                meeting,
                "127.0.0.1",
                None,
                on_url=on_url,
                on_moved=lambda a, b: seen.append((a, b)),
            )
        )
        try:
            await asyncio.wait_for(serving.wait(), 120)
            moved, url = seen
            assert moved[0] == busy and f":{moved[1]}/" in url
            # serve_headless handles SIGTERM on this loop: the test process lives on. Sent only
            # once the handler is known to be there (the default would end the test run).
            assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, signal.SIG_IGN, None)
            os.kill(os.getpid(), signal.SIGTERM)
            await asyncio.wait_for(task, 120)
        finally:
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task


async def test_a_restart_takes_the_remembered_port_again(meeting: Meeting) -> None:
    """Issue 10 item 2: the phones' links carry the port; `mognad run` again must keep it."""
    first = WebServer(meeting, port=0)
    await first.start()
    port = first.port
    await first.stop()
    assert meeting.remembered_address == (None, port)
    again = WebServer(meeting)  # `mognad run` with neither --host nor --port
    url = await again.start()
    try:
        assert again.port == port and again.moved_from is None
        assert url.endswith(f":{port}/j/{meeting.join_key}")
        assert await fetch(f"http://127.0.0.1:{port}/j/{meeting.join_key}") == 200
    finally:
        await again.stop()


async def test_a_named_host_is_remembered_but_never_loopback(meeting: Meeting) -> None:
    """`--host` is taken again after a restart; a loopback one is not kept: a later run would
    listen where no phone reaches."""
    own = lan_address()
    if own == "127.0.0.1":
        pytest.skip("this machine has no address besides loopback")
    first = WebServer(meeting, own, 0)
    await first.start()
    await first.stop()
    assert meeting.remembered_address == (own, first.port)
    again = WebServer(meeting)
    await again.start()
    try:
        assert (again.host, again.port, again.host_moved_from) == (own, first.port, None)
    finally:
        await again.stop()
    local = WebServer(meeting, "127.0.0.1", 0)
    await local.start()
    await local.stop()
    assert meeting.remembered_address == (None, local.port)


async def test_a_taken_remembered_port_moves_and_is_remembered_anew(meeting: Meeting) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        await meeting.remember_address("127.0.0.1", busy)
        server = WebServer(meeting)
        url = await server.start()
        try:
            assert server.moved_from == busy and server.port != busy
            assert await fetch(url) == 200
            assert meeting.remembered_address == (None, server.port)
        finally:
            await server.stop()


async def test_a_remembered_host_that_is_gone_gives_way_to_every_interface(
    meeting: Meeting,
) -> None:
    """Another day, another network: the address from last time is not this machine's."""
    await meeting.remember_address("192.0.2.77", 1)  # TEST-NET-1: never ours
    server = WebServer(meeting, port=0)
    await server.start()
    try:
        assert server.host_moved_from == "192.0.2.77" and server.host is None
        assert await fetch(f"http://127.0.0.1:{server.port}/j/{meeting.join_key}") == 200
        assert meeting.remembered_address == (None, server.port)
    finally:
        await server.stop()
