"""Running the participant application: inside the terminal app, or alone (``mognad serve``).

The server runs on the caller's asyncio loop (``AppRunner`` + ``TCPSite``, never ``run_app``,
which would own the loop), so inside the Textual app the handlers and the screen share one loop
and one ``Meeting``. By default it listens on every interface and shows in the join URL the
machine's address on the local network, the one phones on the office Wi-Fi can reach.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import ipaddress
import logging
import signal
import socket
import ssl
from collections.abc import Callable, Iterable
from pathlib import Path

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from mognad_tui import network
from mognad_tui.meeting import AnswerRefused, Meeting
from mognad_tui.model import DEFAULT_PORT
from mognad_tui.web import connections
from mognad_tui.web.app import create_app
from mognad_tui.web.connections import ConnectionGuard, GuardedSite, capacity_for, fd_limit

log = logging.getLogger(__name__)


class _NoParticipantDetails(logging.Filter):
    """aiohttp reports a request it cannot parse as "Error handling request from <address>"
    with a traceback: a participant's address in the output, and a traceback for what is only
    a client's mistake (already answered 400). Drop those; keep any other failure, without the
    address."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith("Error handling request"):
            return True
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, HttpProcessingError):
            return False
        record.msg, record.args = "Error handling a request", ()
        return True


#: The protocol logger the runner uses instead of aiohttp's global ``aiohttp.server``.
_protocol_log = logging.getLogger("mognad_tui.web.protocol")
_protocol_log.addFilter(_NoParticipantDetails())

#: How long stopping waits for requests in flight (an answer being written) before closing.
SHUTDOWN_TIMEOUT = 3.0
_ANY = ("0.0.0.0", "::", "")


def lan_address() -> str:
    """This machine's address that a phone on the room's Wi-Fi will reach (see ``network``)."""
    return network.local_candidates()[0].address


def _is_loopback(host: str | None) -> bool:
    if host is None:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_own_address(host: str) -> bool:
    """Can this machine listen on ``host`` now (still on the network it was on)?"""
    try:
        family, _, _, _, address = socket.getaddrinfo(host, None, type=socket.SOCK_DGRAM)[0]
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            probe.bind((address[0], 0))
    except (OSError, UnicodeError):
        return False
    return True


class CertificateError(Exception):
    """``--cert``/``--key`` cannot be used; ``problem`` is ``missing``, ``unreadable``,
    ``invalid`` (not PEM, or a key behind a password) or ``mismatch`` (the key is not the
    certificate's)."""

    def __init__(self, problem: str, path: str, reason: str = ""):
        super().__init__(f"{problem}: {path} {reason}".strip())
        self.problem = problem
        self.path = path
        self.reason = reason


def tls_context(cert: str | Path, key: str | Path) -> ssl.SSLContext:
    """A server TLS context from a PEM certificate (chain) and its private key.

    Checked at once, so that a wrong file is reported before anything starts. A key behind a
    password is refused rather than asked for: the terminal belongs to the meeting.
    """
    for path in (cert, key):
        if not Path(path).is_file():
            raise CertificateError("missing", str(path))
        try:
            with open(path, "rb"):
                pass
        except OSError as exc:
            raise CertificateError("unreadable", str(path), exc.strerror or str(exc)) from None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(cert, key, password=lambda: b"")
    except ssl.SSLError as exc:
        problem = "mismatch" if "KEY_VALUES_MISMATCH" in str(exc) else "invalid"
        raise CertificateError(problem, str(cert if problem == "mismatch" else key)) from None
    except OSError as exc:
        raise CertificateError("unreadable", str(cert), exc.strerror or str(exc)) from None
    return context


def url_host(host: str) -> str:
    """An address as it goes into a URL: IPv6 in brackets."""
    with contextlib.suppress(ValueError):
        if ipaddress.ip_address(host).version == 6:
            return f"[{host}]"
    return host


class WebServer:
    """The participant server for one meeting (implements ``meeting.ParticipantServer``).

    ``host=None`` listens on all interfaces and puts the LAN address in the URL; a given host is
    bound and shown as it is. ``port=None`` means the default, 8765; when the default is taken
    the server moves to a free port (``moved_from`` then says 8765, for the caller to tell the
    facilitator). ``port=0`` picks a free port. A port that was asked for and is taken raises
    ``OSError``: the user named it, so the user hears it. With ``ssl_context`` (see
    ``tls_context``) it serves HTTPS and the join URL says ``https://``.

    With neither ``host`` nor ``port`` given, the address the meeting remembers from its last
    run is taken again (``Meeting.remembered_address``), so phones carry on after a restart;
    a remembered port that is taken moves like the default (``moved_from``), a remembered host
    that is gone (another network) gives way to every interface (``host_moved_from``). The
    address used is remembered once the server listens.

    ``allowed_hosts`` are the names (``--allowed-host``) the server answers to besides its own
    addresses and ``localhost``; any other ``Host`` is refused (DNS rebinding).
    """

    def __init__(
        self,
        meeting: Meeting,
        host: str | None = None,
        port: int | None = None,
        *,
        allowed_hosts: Iterable[str] = (),
        ssl_context: ssl.SSLContext | None = None,
    ):
        self.meeting = meeting
        self.host = host
        self.allowed_hosts = tuple(allowed_hosts)
        self.requested_port = port
        self.ssl_context = ssl_context
        self.url = ""
        self.port = 0
        self.moved_from: int | None = None
        #: Every address the page listens on, best first (the one in ``url`` leads).
        self.addresses: tuple[network.Candidate, ...] = ()
        self.host_moved_from: str | None = None
        self._runner: web.AppRunner | None = None
        self._guard: ConnectionGuard | None = None
        self._previous_handler: object = None

    @property
    def scheme(self) -> str:
        return "https" if self.ssl_context is not None else "http"

    @property
    def guard(self) -> ConnectionGuard | None:
        """Connection counts while running (for tests and the benchmark)."""
        return self._guard

    async def start(self) -> str:
        """Start listening; returns the join URL ``http(s)://ADDR:PORT/j/KEY`` (the join key,
        never the short code: the URL goes into the QR code and onto links)."""
        if self._runner is not None:
            return self.url
        remembered_host, remembered_port = self.meeting.remembered_address
        if self.host is None and remembered_host is not None:
            if await asyncio.to_thread(_is_own_address, remembered_host):
                self.host = remembered_host
            else:
                self.host_moved_from = remembered_host
        bind = self.host or "0.0.0.0"
        # The blocking reads (psutil, a routing lookup) take a few milliseconds: off the loop.
        self.addresses = tuple(await asyncio.to_thread(network.listening_candidates, bind))
        shown = self.addresses[0].address if bind in _ANY else bind
        # The request's own socket address covers any interface it arrived on; the names
        # shown and bound are added for a Host that names them (a host name given to --host).
        hosts = (*self.allowed_hosts, shown, *([] if bind in _ANY else [bind]))
        # access_log=None: no log line with a phone's address or user agent, ever.
        # keepalive_timeout: an idle connection, or one whose request header is not complete,
        # is closed after IDLE_TIMEOUT (see connections).
        runner = web.AppRunner(
            create_app(self.meeting, hosts),
            access_log=None,
            logger=_protocol_log,
            shutdown_timeout=SHUTDOWN_TIMEOUT,
            keepalive_timeout=connections.IDLE_TIMEOUT,
        )
        await runner.setup()
        guard = ConnectionGuard(capacity_for(fd_limit()))
        port = self.requested_port
        if port is None:
            port = remembered_port or DEFAULT_PORT

        def site(port: int) -> GuardedSite:
            return GuardedSite(runner, bind, port, guard, ssl_context=self.ssl_context)

        try:
            try:
                await site(port).start()
            except OSError as exc:
                if self.requested_port is not None or exc.errno != errno.EADDRINUSE:
                    raise
                await site(0).start()
                self.moved_from = port
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._guard = guard
        loop = asyncio.get_running_loop()
        self._previous_handler = loop.get_exception_handler()
        loop.set_exception_handler(guard.loop_exception_handler(loop.get_exception_handler()))
        self.port = int(runner.addresses[0][1])
        self.url = f"{self.scheme}://{url_host(shown)}:{self.port}/j/{self.meeting.join_key}"
        # A loopback host is not kept: no phone reaches it, and a later run would bind only it.
        kept_host = None if _is_loopback(self.host) else self.host
        with contextlib.suppress(AnswerRefused):  # a full disk: the next run moves, and says so
            await self.meeting.remember_address(kept_host, self.port)
        return self.url

    async def stop(self) -> None:
        """Stop listening, end the phones' event streams and wait briefly for answers in flight."""
        runner, self._runner = self._runner, None
        guard, self._guard = self._guard, None
        if runner is not None:
            await runner.cleanup()
        if guard is not None:
            guard.close()
            with contextlib.suppress(RuntimeError):
                asyncio.get_running_loop().set_exception_handler(self._previous_handler)  # type: ignore[arg-type]

    @property
    def running(self) -> bool:
        return self._runner is not None


async def serve_headless(
    meeting: Meeting,
    host: str | None,
    port: int | None,
    *,
    on_url: Callable[[str], None],
    on_moved: Callable[[int, int], None] | None = None,
    allowed_hosts: Iterable[str] = (),
    ssl_context: ssl.SSLContext | None = None,
) -> None:
    """Serve the participants until SIGINT or SIGTERM, then stop cleanly (``mognad serve``).

    ``on_url`` gets the join URL once the server accepts connections (the CLI prints it alone on
    a line); ``on_moved(default_port, actual_port)`` is called first when the default port was
    taken (without it, a warning is logged).
    """
    server = WebServer(meeting, host, port, allowed_hosts=allowed_hosts, ssl_context=ssl_context)
    url = await server.start()
    try:
        if server.moved_from is not None:
            if on_moved is not None:
                on_moved(server.moved_from, server.port)
            else:
                log.warning("port %s is taken; serving on %s", server.moved_from, server.port)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        installed = []
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                # Not in the main thread (tests): the caller stops the loop itself.
                loop.add_signal_handler(sig, stop.set)
                installed.append(sig)
        try:
            on_url(url)
            await stop.wait()
        finally:
            for sig in installed:
                loop.remove_signal_handler(sig)
    finally:
        await server.stop()
