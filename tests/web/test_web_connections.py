"""The server under a hostile room: slow and idle connections, the descriptor limit, fair
shares of connections and event streams between addresses, and HTTPS with ``--cert``/``--key``.

Clients on other addresses bind to 127.0.0.2 (all of 127.0.0.0/8 is loopback on Linux). Every
wait is on an event (a socket's end, a line of output), never a fixed pause.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import re
import signal
import ssl
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from web_harness import builtin_set

from mognad_tui.meeting import Meeting
from mognad_tui.model import SessionInfo
from mognad_tui.store import SessionStore, create_session
from mognad_tui.web import WebServer, connections, events
from mognad_tui.web import server as web_server

ROOT = Path(__file__).resolve().parents[2]
OTHER = "127.0.0.2"
pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="127.0.0.2 is loopback on Linux")


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


@contextlib.asynccontextmanager
async def running(meeting: Meeting, **kwargs) -> AsyncIterator[WebServer]:
    server = WebServer(meeting, "127.0.0.1", 0, **kwargs)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def raw(
    server: WebServer, source: str = "127.0.0.1"
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection("127.0.0.1", server.port, local_addr=(source, 0))


async def closed_by_server(reader: asyncio.StreamReader) -> bytes:
    """Everything the server sent until it closed the connection."""
    data = b""
    with contextlib.suppress(ConnectionResetError):
        while chunk := await reader.read(4096):
            data += chunk
    return data


async def get(server: WebServer, path: str, source: str = "127.0.0.1", **kwargs) -> int:
    connector = aiohttp.TCPConnector(local_addr=(source, 0), **kwargs)
    base = f"{server.scheme}://127.0.0.1:{server.port}"
    async with (
        aiohttp.ClientSession(connector=connector) as client,
        client.get(base + path) as response,
    ):
        await response.read()
        return response.status


# ---------------------------------------------------------------- item 6: slow and idle


async def test_a_slowloris_header_is_cut_off(
    meeting: Meeting, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A header sent a line at a time, never finished, is closed after the idle timeout; the
    sender would have gone on for 40 times as long."""
    monkeypatch.setattr(connections, "IDLE_TIMEOUT", 0.5)
    async with running(meeting) as server:
        reader, writer = await raw(server)
        writer.write(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")

        async def dribble() -> None:
            for n in range(200):  # 20 s of a header that never ends
                writer.write(f"X-Slow-{n}: a\r\n".encode())
                await writer.drain()
                await asyncio.sleep(0.1)

        sender = asyncio.create_task(dribble())
        ended = asyncio.create_task(closed_by_server(reader))
        done, _ = await asyncio.wait({sender, ended}, return_when=asyncio.FIRST_COMPLETED)
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError, ConnectionError):
            await sender
        assert ended in done, "the server waited for the whole slow header"
        assert ended.result() == b""  # closed, no answer
        writer.close()
        assert await get(server, "/") == 200  # and the server serves on


async def test_idle_connections_are_closed(
    meeting: Meeting, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A connection that says nothing, and a kept-alive one after its answer, are closed."""
    # The request goes out right after its connection opens, before anything else; the idle
    # timeout is long enough that a stalled machine cannot close the connection before it.
    monkeypatch.setattr(connections, "IDLE_TIMEOUT", 2.0)
    async with running(meeting) as server:
        kept_reader, kept = await raw(server)
        kept.write(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        silent_reader, silent = await raw(server)
        ends = asyncio.gather(closed_by_server(silent_reader), closed_by_server(kept_reader))
        silent_data, kept_data = await asyncio.wait_for(ends, 30)
        assert silent_data == b""
        assert kept_data.startswith(b"HTTP/1.1 200") and kept_data.count(b"HTTP/1.1") == 1
        silent.close()
        kept.close()


async def test_when_full_a_newcomer_takes_the_busiest_address_oldest_connection(
    meeting: Meeting, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One address holds every connection the server may hold: a phone on another address
    still gets its answer (the hog's oldest connection makes room), and the hog's next
    connection is closed at once."""
    monkeypatch.setattr(web_server, "capacity_for", lambda limit: 6)
    async with running(meeting) as server:
        hog = [await raw(server) for _ in range(6)]
        guard = server.guard
        assert guard is not None
        # The server counts a connection when it accepts it: a request on the last one proves
        # all six were accepted (answers come in order of acceptance on one listener).
        hog[-1][1].write(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert (await hog[-1][0].readline()).startswith(b"HTTP/1.1 200")
        assert guard.count("127.0.0.1") == 6

        phone_reader, phone = await raw(server, OTHER)  # kept open, as a phone's browser does
        phone.write(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert (await phone_reader.readline()).startswith(b"HTTP/1.1 200")
        assert await asyncio.wait_for(closed_by_server(hog[0][0]), 30) == b""

        reader, writer = await raw(server)
        writer.write(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert await asyncio.wait_for(closed_by_server(reader), 30) == b""
        assert guard.refused >= 1 and guard.evicted >= 1
        for _, w in [*hog, (reader, writer), (phone_reader, phone)]:
            w.close()


FLOOD_SERVER = textwrap.dedent(
    """
    import asyncio, logging, sys
    from pathlib import Path
    from mognad_tui.meeting import Meeting
    from mognad_tui.store import SessionStore
    from mognad_tui.web import serve_headless
    from mognad_tui.web.connections import ConnectionGuard

    counted = ConnectionGuard.accept_failed

    def accept_failed(self):  # asyncio then stops accepting for a second: phones wait
        print("accept failed: out of descriptors", file=sys.stderr, flush=True)
        counted(self)

    ConnectionGuard.accept_failed = accept_failed
    store = SessionStore.open(Path(sys.argv[1]))
    meeting = Meeting(store)

    def on_url(url):
        print(url, flush=True)

    async def main():
        task = asyncio.create_task(serve_headless(meeting, "127.0.0.1", 0, on_url=on_url))
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    asyncio.run(main())
    store.close()
    """
)
LIMIT = 200


def _low_fd_limit() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_NOFILE, (LIMIT, LIMIT))


async def test_the_server_survives_more_connections_than_its_descriptor_limit(
    tmp_path: Path,
) -> None:
    """With a limit of 200 descriptors (soft and hard, so it cannot be raised), 400 idle
    connections from one address: a phone on another address is answered, stderr holds one
    line about the overload and no traceback, and once the flood is gone all is as before."""
    info = SessionInfo(
        name="s", title="T", created="2026-11-26", set_id="digital-mognad", lang="sv"
    )
    path = create_session(tmp_path, info, builtin_set())
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        FLOOD_SERVER,
        str(path),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        preexec_fn=_low_fd_limit,
    )
    flood: list[asyncio.StreamWriter] = []
    try:
        assert proc.stdout is not None and proc.stdin is not None and proc.stderr is not None
        # Read all along, so that a flood of messages can never block the server on a full pipe.
        errors = asyncio.create_task(proc.stderr.read())
        line = (await asyncio.wait_for(proc.stdout.readline(), 60)).decode().strip()
        match = re.fullmatch(r"http://127\.0\.0\.1:(\d+)(/j/[A-Za-z0-9_-]+)", line)
        assert match, line
        port, page = int(match[1]), match[2]

        async def connect() -> None:
            # Without a cap, the backlog fills and further connects hang: bound them.
            with contextlib.suppress(OSError, TimeoutError):
                opening = asyncio.open_connection("127.0.0.1", port)
                flood.append((await asyncio.wait_for(opening, 10))[1])

        async def all_connected() -> None:
            while len(flood) < LIMIT:
                await asyncio.sleep(0.01)

        # A loop busy elsewhere for a moment: connections queue up in the backlog and reach
        # the server in one burst when it runs again...
        proc.send_signal(signal.SIGSTOP)
        try:
            burst = asyncio.gather(*(connect() for _ in range(LIMIT)))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(all_connected(), 2)
        finally:
            proc.send_signal(signal.SIGCONT)
        await burst
        # ...and then a steady flood that certainly fills the server (a connection the burst
        # left half-open in a full backlog may never reach it).
        await asyncio.gather(*(connect() for _ in range(2 * LIMIT)))

        async def phone(source: str) -> int:
            connector = aiohttp.TCPConnector(local_addr=(source, 0))
            timeout = aiohttp.ClientTimeout(total=30)
            async with (
                aiohttp.ClientSession(connector=connector, timeout=timeout) as client,
                client.get(f"http://127.0.0.1:{port}{page}") as response,
            ):
                await response.read()
                return response.status

        assert await phone(OTHER) == 200
        for writer in flood:
            writer.close()
        flood.clear()
        assert await phone("127.0.0.1") == 200
        proc.stdin.write(b"stop\n")
        await proc.stdin.drain()
        await asyncio.wait_for(proc.wait(), 60)
        err = (await asyncio.wait_for(errors, 60)).decode()
        assert "Traceback" not in err and "Too many open files" not in err, err[:2000]
        # A burst of accepts never needs more descriptors than the limit leaves.
        assert "accept failed" not in err, err[:2000]
        assert err.count("participant server full") == 1, err
        assert "127.0.0.1" not in err  # no address in the log
    finally:
        for writer in flood:
            writer.close()
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def test_accept_failures_are_logged_once_without_a_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """When ``accept()`` runs out of descriptors the loop reports it on every retry, with a
    traceback; the server says it once, then a summary, and passes other errors on."""
    guard = connections.ConnectionGuard(10)
    passed_on: list[dict] = []
    handle = guard.loop_exception_handler(lambda loop, context: passed_on.append(context))
    loop = asyncio.get_running_loop()
    failure = {
        "message": "socket.accept() out of system resource",
        "exception": OSError(errno.EMFILE, "Too many open files"),
    }
    with caplog.at_level(logging.WARNING):
        for _ in range(1000):
            handle(loop, failure)
        handle(loop, {"message": "something else"})
    guard.close()
    assert [r.getMessage() for r in caplog.records if "full" in r.getMessage()] and len(
        caplog.records
    ) == 1
    assert not any(r.exc_info for r in caplog.records)
    assert guard.refused == 1000
    assert passed_on == [{"message": "something else"}]


# ---------------------------------------------------------------- item 7: fair streams


async def open_stream(
    client: aiohttp.ClientSession, url: str
) -> tuple[int, aiohttp.ClientResponse]:
    response = await client.get(url)
    if response.status == 200:
        assert (await response.content.readuntil(b": connected\n\n")).endswith(b"connected\n\n")
    return response.status, response


async def test_event_streams_are_shared_fairly_between_addresses(
    meeting: Meeting, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One address takes every stream; a phone on another address still gets one (the hog's
    oldest stream ends), and the hog's next stream is refused with 429."""
    monkeypatch.setattr(events, "MAX_STREAMS", 4)
    async with running(meeting) as server:
        url = f"http://127.0.0.1:{server.port}/api/{meeting.join_key}/events"
        hog = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        other = aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(OTHER, 0)))
        try:
            held = [await open_stream(hog, url) for _ in range(4)]
            assert [status for status, _ in held] == [200] * 4
            status, extra = await open_stream(hog, url)
            assert status == 429
            extra.release()

            status, phone = await open_stream(other, url)
            assert status == 200
            oldest = held[0][1]
            assert await asyncio.wait_for(oldest.content.read(), 30) == b""  # it ended
            status, again = await open_stream(hog, url)
            assert status == 429  # the hog is over its share now
            again.release()
            phone.close()
            for _, response in held:
                response.close()
        finally:
            await hog.close()
            await other.close()


# ---------------------------------------------------------------- item 10: HTTPS


@pytest.fixture
def certificate(tmp_path: Path):
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    chain, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.private_key_pem.write_to_path(key)
    chain.write_bytes(b"".join(blob.bytes() for blob in cert.cert_chain_pems))
    client = ssl.create_default_context()
    ca.configure_trust(client)
    return chain, key, client


async def test_https_with_the_municipality_certificate(meeting: Meeting, certificate) -> None:
    chain, key, client_context = certificate
    context = web_server.tls_context(chain, key)
    async with running(meeting, ssl_context=context) as server:
        assert server.url.startswith(f"https://127.0.0.1:{server.port}/j/")
        assert await get(server, f"/j/{meeting.join_key}", ssl=client_context) == 200
        connector = aiohttp.TCPConnector(ssl=client_context)
        async with (
            aiohttp.ClientSession(connector=connector) as client,
            client.get(f"https://127.0.0.1:{server.port}/?lang=en") as response,
        ):
            page = await response.text()
        assert "not encrypted" not in page  # the plain-HTTP warning is not shown over HTTPS


async def test_plain_http_says_what_the_same_wifi_can_see(meeting: Meeting) -> None:
    async with running(meeting) as server, aiohttp.ClientSession() as client:
        for lang, words in (("sv", "samma wifi"), ("en", "same Wi-Fi")):
            async with client.get(f"{server.url.split('/j/')[0]}/?lang={lang}") as response:
                assert words in await response.text()


async def test_serve_headless_prints_an_https_url(meeting: Meeting, certificate) -> None:
    chain, key, _ = certificate
    urls: list[str] = []
    shown = asyncio.Event()

    def on_url(url: str) -> None:
        urls.append(url)
        shown.set()

    task = asyncio.create_task(
        web_server.serve_headless(
            meeting,
            "127.0.0.1",
            0,
            on_url=on_url,
            ssl_context=web_server.tls_context(chain, key),
        )
    )
    try:
        await asyncio.wait_for(shown.wait(), 30)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert urls[0].startswith("https://127.0.0.1:")


def test_bad_certificate_files_are_clear_errors(tmp_path: Path, certificate) -> None:
    chain, key, _ = certificate
    trustme = pytest.importorskip("trustme")
    other_key = tmp_path / "other.pem"
    trustme.CA().issue_cert("127.0.0.1").private_key_pem.write_to_path(other_key)
    unreadable = tmp_path / "locked.pem"
    unreadable.write_bytes(key.read_bytes())
    unreadable.chmod(0)
    not_pem = tmp_path / "notes.txt"
    not_pem.write_text("hej")
    data = tmp_path / "d"
    cases = [
        (["--cert", str(chain)], "--cert och --key"),
        (["--cert", str(chain), "--key", str(tmp_path / "nope.pem")], "hittar ingen fil"),
        (["--cert", str(chain), "--key", str(other_key)], "hör inte till certifikatet"),
        (["--cert", str(not_pem), "--key", str(key)], "inte ett certifikat"),
    ]
    if os.geteuid() != 0:  # root reads every file
        cases.append((["--cert", str(chain), "--key", str(unreadable)], "kan inte läsa"))
    for flags, words in cases:
        result = subprocess.run(
            [sys.executable, "-m", "mognad_tui", "serve", "x", "--data-dir", str(data), *flags],
            capture_output=True,
            text=True,
            env={**os.environ, "MOGNAD_LANG": ""},
            timeout=60,
        )
        assert result.returncode == 1, (flags, result.stderr)
        assert result.stderr.startswith("mognad: ") and words in result.stderr, result.stderr
        assert "Traceback" not in result.stderr


async def test_a_slow_body_is_cut_off(meeting: Meeting, monkeypatch: pytest.MonkeyPatch) -> None:
    """An answer whose body never finishes arriving gets 400 after the body timeout, and its
    connection is to close, instead of being held for as long as the sender likes."""
    monkeypatch.setattr(connections, "BODY_TIMEOUT", 0.5)
    async with running(meeting) as server:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
            async with client.get(server.url) as response:  # a real device cookie
                assert response.status == 200
            cookie = "; ".join(f"{c.key}={c.value}" for c in client.cookie_jar)
        reader, writer = await raw(server)
        writer.write(
            f"POST /api/{meeting.join_key}/answers HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Cookie: {cookie}\r\nContent-Type: application/json\r\n"
            "Content-Length: 100\r\n\r\n{".encode()
        )
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 60)
        assert head.startswith(b"HTTP/1.1 400")
        assert b"Connection: close" in head
        length = int(re.search(rb"Content-Length: (\d+)", head)[1])
        assert b'"error": "bad_request"' in await reader.readexactly(length)
        writer.close()
