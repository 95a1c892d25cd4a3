"""``mognad check``: a tiny temporary server that tells whether phones can reach this machine.

It listens where a meeting would (the same host and port rules as ``WebServer``), asks itself
over the chosen network address whether the port answers, and serves ``/check``: a page that
a phone in the room opens to prove the way in. It counts the phones that opened it; it never
keeps or prints a phone's address or user agent (no access log).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import html
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import ClientError, ClientSession, ClientTimeout, web

from mognad_tui import network
from mognad_tui.model import DEFAULT_PORT
from mognad_tui.web.messages import MESSAGES
from mognad_tui.web.server import url_host

#: How long the self-test waits for its own answer.
PROBE_TIMEOUT = 5.0


@dataclass
class CheckServer:
    """Serves ``/check`` until stopped; ``on_phone(count)`` is called on the loop each time a
    phone (anything but the self-test) opens it."""

    host: str | None
    port: int | None
    lang: str = "sv"
    on_phone: Callable[[int], None] = lambda _count: None
    candidates: list[network.Candidate] = field(default_factory=list)
    bound_port: int = 0
    moved_from: int | None = None
    phones: int = 0
    _runner: web.AppRunner | None = None
    _token: str = field(default_factory=lambda: secrets.token_urlsafe(16))

    @property
    def address(self) -> str:
        """The address the join QR code would carry."""
        return self.candidates[0].address

    @property
    def url(self) -> str:
        return f"http://{url_host(self.address)}:{self.bound_port}/check"

    async def start(self) -> None:
        bind = self.host or "0.0.0.0"
        self.candidates = await asyncio.to_thread(network.listening_candidates, bind)
        app = web.Application()
        app.router.add_get("/check", self._page)
        runner = web.AppRunner(app, access_log=None)  # never a phone's address in a log
        await runner.setup()
        port = DEFAULT_PORT if self.port is None else self.port
        try:
            try:
                await web.TCPSite(runner, bind, port).start()
            except OSError as exc:
                if self.port is not None or exc.errno != errno.EADDRINUSE:
                    raise
                await web.TCPSite(runner, bind, 0).start()
                self.moved_from = port
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self.bound_port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def probe(self) -> bool:
        """Whether the page answers on the chosen address, asked from this machine."""
        url = f"{self.url}?probe={self._token}"
        with contextlib.suppress(ClientError, OSError, asyncio.TimeoutError):
            async with (
                ClientSession(timeout=ClientTimeout(total=PROBE_TIMEOUT)) as session,
                session.get(url) as response,
            ):
                return response.status == 200
        return False

    async def _page(self, request: web.Request) -> web.Response:
        if request.query.get("probe") != self._token:
            self.phones += 1
            self.on_phone(self.phones)
        t = lambda key: html.escape(MESSAGES(key, self.lang))  # noqa: E731
        body = (
            f'<!doctype html><html lang="{self.lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<link rel="icon" href="data:,">'  # no second request for a favicon
            f"<title>{t('check_title')}</title></head>"
            '<body style="font-family:sans-serif;font-size:1.3rem;margin:2rem;line-height:1.5">'
            f"<h1>{t('check_title')}</h1><p>{t('check_ok')}</p></body></html>"
        )
        return web.Response(
            text=body,
            content_type="text/html",
            headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
        )
