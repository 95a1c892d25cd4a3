"""Connections under a hostile room: how many the server holds, from where, and for how long.

A laptop on the office Wi-Fi has a file-descriptor limit (often 1,024 on Linux, 256 on macOS),
and every open connection costs one. Someone with a laptop on the same network can open
connections and send nothing, or send a request header a byte at a time; unchecked, that uses
up every descriptor: real phones then time out while the loop logs "Too many open files" over
and over, and the store itself could fail to open a file. So:

- the soft descriptor limit is raised as far as needed and allowed, and the server holds at
  most ``capacity`` connections, leaving ``FD_RESERVE`` descriptors for the store, templates,
  static files and logs;
- while there is room, any address may open connections (a whole room behind one guest-network
  address needs about three per phone: its event stream and one or two keep-alive connections);
  when the server is full, a connection from an address holding less than its fair share takes
  the oldest connection of the busiest address, and any other new connection is closed at once;
- a connection that has not delivered a complete request header within ``IDLE_TIMEOUT`` of
  opening or of its previous answer is closed: the first header by a watchdog here, later ones
  by aiohttp's keep-alive timer (it closes a connection still waiting for a complete request
  when the timeout has passed since the previous answer, whatever bytes came meanwhile);
- an overload is logged once, then summarised once a minute while it lasts; never per
  connection, and never with an address.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import ipaddress
import logging
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from aiohttp import web

log = logging.getLogger(__name__)

#: Seconds a connection may stay without a complete request header: after it opens, and after
#: each answer on a kept-alive connection. Browsers open a new connection when one was closed.
IDLE_TIMEOUT = 15.0
#: Seconds a request body (at most 16 KiB) may take to arrive once its header is in.
BODY_TIMEOUT = 15.0
#: Descriptors kept free for everything that is not a connection (store, templates, logs).
FD_RESERVE = 128
#: Connections held at most, whatever the platform allows (memory: an idle connection costs a
#: few kB, an event stream about 70 kB, and streams have their own cap in ``events``).
MAX_CONNECTIONS = 8192
#: The fewest connections the server takes even on a tiny limit.
MIN_CONNECTIONS = 16
#: The listening socket's backlog at most. asyncio accepts up to ``backlog`` connections in one
#: go before any of them reaches the guard, so that many descriptors must be free on top of the
#: connections held: otherwise a burst runs the process out of descriptors, and asyncio then
#: stops accepting for a whole second while phones' connection attempts pile up behind it.
MAX_BACKLOG = 512
#: While overloaded, a summary of what was refused is logged this often (seconds).
SUMMARY_EVERY = 60.0
#: The loop's message when ``accept()`` fails for lack of descriptors (asyncio's wording).
_ACCEPT_FAILED = "socket.accept() out of system resource"
_OUT_OF_DESCRIPTORS = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}


def address_key(address: str | None) -> str:
    """The unit that caps and fair shares count by: an IPv4 address, or an IPv6 /64.

    One IPv6 device may use many addresses of its /64 (privacy addresses), so the network is
    the fair unit there. An IPv4-mapped IPv6 address counts as its IPv4 address.
    """
    try:
        ip = ipaddress.ip_address((address or "").split("%", 1)[0])
    except ValueError:
        return address or "?"
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


T = TypeVar("T", bound=Hashable)


class FairShare(Generic[T]):
    """Items (connections, event streams) held per address, up to a capacity shared fairly.

    Any address may take what is free. When everything is taken, an address holding less than
    its fair share (capacity / addresses, the newcomer included) may take the oldest item of
    the busiest address, if that one holds more than its share; anyone else is refused.
    """

    def __init__(self, capacity: int):
        self.capacity = capacity
        self._owner: dict[T, str] = {}
        # Per address, its items oldest first (dicts keep insertion order).
        self._by_address: dict[str, dict[T, None]] = {}

    def __len__(self) -> int:
        return len(self._owner)

    def __iter__(self) -> Any:
        return iter(list(self._owner))

    def count(self, key: str) -> int:
        return len(self._by_address.get(key, ()))

    def full(self) -> bool:
        return len(self._owner) >= self.capacity

    def add(self, key: str, item: T) -> None:
        self._owner[item] = key
        self._by_address.setdefault(key, {})[item] = None

    def remove(self, item: T) -> bool:
        key = self._owner.pop(item, None)
        if key is None:
            return False
        held = self._by_address[key]
        del held[item]
        if not held:
            del self._by_address[key]
        return True

    def victim_for(self, key: str) -> T | None:
        """The item to give up so that ``key`` gets one, removed already; ``None``: refuse."""
        busiest = max(self._by_address, key=lambda k: len(self._by_address[k]), default=None)
        if busiest is None or busiest == key:
            return None
        share = self.capacity / (len(self._by_address) + (key not in self._by_address))
        if self.count(key) >= share or self.count(busiest) <= share:
            return None
        oldest = next(iter(self._by_address[busiest]))
        self.remove(oldest)
        return oldest


def fd_limit() -> int | None:
    """The soft descriptor limit, raised towards what the server can use, or ``None`` where
    the platform has no such limit (``resource`` is POSIX-only; Windows' proactor loop has no
    per-process descriptor limit of this kind)."""
    try:
        import resource
    except ImportError:
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = MAX_CONNECTIONS + FD_RESERVE + MAX_BACKLOG
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return wanted
    target = wanted if hard == resource.RLIM_INFINITY else min(hard, wanted)
    if target > soft:
        # macOS refuses more than OPEN_MAX (10,240) even when the hard limit is "unlimited";
        # MAX_CONNECTIONS + FD_RESERVE + MAX_BACKLOG stays below it.
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
    return int(soft)


def backlog_for(limit: int | None) -> int:
    """The listening backlog under a descriptor limit: an eighth of what the reserve leaves."""
    if limit is None:
        return MAX_BACKLOG
    return max(MIN_CONNECTIONS, min(MAX_BACKLOG, (limit - FD_RESERVE) // 8))


def capacity_for(limit: int | None) -> int:
    """Connections held at most under a descriptor limit, so that the connections held, one
    burst of accepts and the reserve together never need more descriptors than there are."""
    if limit is None:
        return MAX_CONNECTIONS
    free = limit - FD_RESERVE - backlog_for(limit)
    return max(MIN_CONNECTIONS, min(MAX_CONNECTIONS, free))


class ConnectionGuard:
    """Counts connections per address and decides who gets in when the server is full."""

    def __init__(self, capacity: int):
        self.capacity = capacity
        self.held: FairShare[_Counted] = FairShare(capacity)
        self.refused = 0
        self.evicted = 0
        self._summary: asyncio.TimerHandle | None = None
        self._reported = (0, 0)

    @property
    def total(self) -> int:
        return len(self.held)

    def count(self, address: str | None) -> int:
        return self.held.count(address_key(address))

    def admit(self, conn: _Counted, key: str) -> bool:
        if self.held.full():
            victim = self.held.victim_for(key)
            if victim is None:
                self.refused += 1
                self._overloaded()
                return False
            victim.abort()
            self.evicted += 1
            self._overloaded()
        self.held.add(key, conn)
        return True

    def release(self, conn: _Counted) -> None:
        self.held.remove(conn)

    def accept_failed(self) -> None:
        """The loop could not accept for lack of descriptors (something else used them)."""
        self.refused += 1
        self._overloaded()

    def _overloaded(self) -> None:
        if self._summary is not None:
            return
        log.warning(
            "participant server full (%d connections): new connections are refused, and the "
            "busiest address gives up its oldest ones to newcomers",
            self.capacity,
        )
        self._reported = (self.refused, self.evicted)
        self._schedule()

    def _schedule(self) -> None:
        with contextlib.suppress(RuntimeError):
            loop = asyncio.get_running_loop()
            self._summary = loop.call_later(SUMMARY_EVERY, self._summarise)

    def _summarise(self) -> None:
        refused = self.refused - self._reported[0]
        evicted = self.evicted - self._reported[1]
        self._summary = None
        if refused or evicted:
            log.warning(
                "participant server still full: %d connections refused and %d closed to make "
                "room in the last %d s",
                refused,
                evicted,
                int(SUMMARY_EVERY),
            )
            self._reported = (self.refused, self.evicted)
            self._schedule()

    def close(self) -> None:
        if self._summary is not None:
            self._summary.cancel()
            self._summary = None

    def loop_exception_handler(self, previous: Callable[..., Any] | None) -> Callable[..., Any]:
        """A loop exception handler that counts ``accept()`` failures for lack of descriptors
        instead of printing a traceback each time; passes anything else on."""

        def handle(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
            exc = context.get("exception")
            if context.get("message") == _ACCEPT_FAILED or (
                isinstance(exc, OSError) and exc.errno in _OUT_OF_DESCRIPTORS
            ):
                self.accept_failed()
                return
            if previous is not None:
                previous(loop, context)
            else:
                loop.default_exception_handler(context)

        return handle


class _Counted(asyncio.Protocol):
    """aiohttp's protocol behind a door: it only sees connections the guard admitted.

    The wrapped ``RequestHandler`` is made only once a connection is admitted, so a refused
    connection costs no parser.
    """

    def __init__(self, make: Callable[[], asyncio.Protocol], guard: ConnectionGuard):
        self._make = make
        self._guard = guard
        self._inner: Any = None
        self._key = ""
        self._transport: asyncio.BaseTransport | None = None
        # Until the first request header is complete: aiohttp before 3.14 arms its keep-alive
        # timer only after a first answer, so a connection that never finishes one would stay.
        self._first_header: asyncio.TimerHandle | None = None
        self._tail = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        peer = transport.get_extra_info("peername")
        self._key = address_key(peer[0] if isinstance(peer, tuple) and peer else None)
        self._transport = transport
        if not self._guard.admit(self, self._key):
            transport.abort()
            return
        self._inner = self._make()
        self._inner.connection_made(transport)
        self._first_header = asyncio.get_running_loop().call_later(IDLE_TIMEOUT, self.abort)

    def abort(self) -> None:
        if self._transport is not None:
            self._transport.abort()

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None
        self._header_done()
        if self._inner is None:
            return
        self._guard.release(self)
        inner, self._inner = self._inner, None
        inner.connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._first_header is not None:
            seen = self._tail + data
            if b"\r\n\r\n" in seen or b"\n\n" in seen:
                self._header_done()
            else:
                self._tail = seen[-3:]
        if self._inner is not None:
            self._inner.data_received(data)

    def _header_done(self) -> None:
        if self._first_header is not None:
            self._first_header.cancel()
            self._first_header = None

    def eof_received(self) -> bool | None:
        return self._inner.eof_received() if self._inner is not None else None

    def pause_writing(self) -> None:
        if self._inner is not None:
            self._inner.pause_writing()

    def resume_writing(self) -> None:
        if self._inner is not None:
            self._inner.resume_writing()


class GuardedSite(web.BaseSite):
    """``TCPSite`` with every connection passing the guard first."""

    def __init__(
        self,
        runner: web.BaseRunner,
        host: str,
        port: int,
        guard: ConnectionGuard,
        *,
        ssl_context: Any = None,
    ):
        super().__init__(runner, ssl_context=ssl_context, backlog=backlog_for(fd_limit()))
        self._host = host
        self._port = port
        self._guard = guard

    @property
    def name(self) -> str:
        scheme = "https" if self._ssl_context else "http"
        return f"{scheme}://{self._host}:{self._port}"

    async def start(self) -> None:
        await super().start()
        server = self._runner.server
        assert server is not None
        guard = self._guard
        self._server = await asyncio.get_running_loop().create_server(
            lambda: _Counted(server, guard),
            self._host,
            self._port,
            ssl=self._ssl_context,
            backlog=self._backlog,
            # The handshake comes before the guard sees the connection: bound it too.
            ssl_handshake_timeout=IDLE_TIMEOUT if self._ssl_context else None,
        )
