"""A real participant server for the web tests: real store in a temporary folder, the built-in
question set, ``WebServer`` on 127.0.0.1 port 0.

The server runs on its own asyncio loop in a background thread, as it runs on Textual's loop in
the app. Tests talk HTTP to it with plain sockets (``http.client``) and drive the meeting through
``live.call(...)`` on the server's loop, so hypothesis and Playwright's sync API can be used
without an event loop of their own.
"""

from __future__ import annotations

import asyncio
import functools
import http.client
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest

from mognad_tui.meeting import Meeting
from mognad_tui.model import QuestionSet, SessionInfo
from mognad_tui.question_sets import load_question_set
from mognad_tui.store import SessionStore, create_session
from mognad_tui.web import WebServer


@functools.cache
def builtin_set(lang: str = "sv") -> QuestionSet:
    return load_question_set("digital-mognad", lang)


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body)

    def cookie(self, name: str) -> str | None:
        for raw in self.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(raw)
            if name in jar:
                return jar[name].value
        return None


@dataclass
class Device:
    """One phone: its cookies, sent with every request, updated from every answer."""

    live: Live
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        all_headers = dict(headers or {})
        if self.cookies and "Cookie" not in all_headers:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        reply = self.live.request(method, path, body, all_headers)
        for raw in reply.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(raw)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value
        return reply

    def get(self, path: str, headers: dict[str, str] | None = None) -> Reply:
        return self.request("GET", path, headers=headers)

    def join(self) -> Reply:
        reply = self.get(f"/j/{self.live.code}")
        assert reply.status == 200, reply.text
        return reply

    def state(self) -> dict[str, Any]:
        reply = self.get(f"/api/{self.live.code}/state")
        assert reply.status == 200, reply.text
        return reply.json()

    def answer(self, question: str, value: Any, headers: dict[str, str] | None = None) -> Reply:
        return self.request(
            "POST",
            f"/api/{self.live.code}/answers",
            json.dumps({"question": question, "value": value}),
            {"Content-Type": "application/json", **(headers or {})},
        )


class Live:
    """A session on disk, its store and meeting, and the server, restartable."""

    def __init__(
        self,
        data_dir: Path,
        *,
        self_paced: bool = False,
        threshold: int = 3,
        allowed_hosts: tuple[str, ...] = (),
    ):
        self.data_dir = data_dir
        self.self_paced = self_paced
        self.allowed_hosts = allowed_hosts
        qs = builtin_set("sv")
        info = SessionInfo(
            name="enhet-nord",
            title="Enhet Socialtjänst Nord",
            created="2026-11-26",
            set_id=qs.id,
            lang="sv",
            threshold=threshold,
        )
        # Both language copies, as `mognad new` freezes them.
        self.path = create_session(data_dir, info, qs, [builtin_set("en")])
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.store: SessionStore | None = None
        self.meeting: Meeting
        self.server: WebServer
        self.open()

    # -- running things on the server's loop

    def call(self, work: Any, timeout: float = 20) -> Any:
        """Run a coroutine, or a plain callable, on the server's loop and return its result."""
        if asyncio.iscoroutine(work):
            coro = work
        else:

            async def run() -> Any:
                return work()

            coro = run()
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def open(self, port: int = 0) -> None:
        self.store = self.call(lambda: SessionStore.open(self.path))
        self.meeting = self.call(lambda: Meeting(self.store, self_paced=self.self_paced))
        self.server = WebServer(self.meeting, "127.0.0.1", port, allowed_hosts=self.allowed_hosts)
        self.url = self.call(self.server.start())

    def stop(self) -> None:
        self.call(self.server.stop())
        if self.store is not None:
            self.call(self.store.close)
            self.store = None

    def restart(self, *, same_port: bool = False) -> None:
        """Stop everything and open again, as after a crash or a quit and ``run`` again.

        ``same_port`` keeps the address (what a browser that is still open needs to reconnect).
        """
        port = self.port if same_port else 0
        self.stop()
        self.open(port)

    def close(self) -> None:
        try:
            self.stop()
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(5)
            self.loop.close()

    # -- facts

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def code(self) -> str:
        """The join key: what the QR code and the link carry, and the API's ``{code}``."""
        return self.meeting.join_key

    @property
    def short_code(self) -> str:
        """The short code people type on the start page."""
        return self.meeting.join_code

    def request(
        self,
        method: str,
        path: str,
        body: bytes | str | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 10,
        source: str | None = None,
    ) -> Reply:
        """One request on a new connection; ``source`` is the client's own address (another
        loopback address such as ``127.0.0.2`` plays another phone's network)."""
        conn = http.client.HTTPConnection(
            "127.0.0.1",
            self.port,
            timeout=timeout,
            source_address=(source, 0) if source else None,
        )
        try:
            if isinstance(body, str):
                body = body.encode()
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return Reply(response.status, response.headers, response.read())
        finally:
            conn.close()

    def device(self, *, join: bool = True) -> Device:
        device = Device(self)
        if join:
            device.join()
        return device

    # -- driving the meeting as the facilitator does

    def open_question(self, question_id: str) -> None:
        from mognad_tui.model import Voting

        self.call(self.meeting.go_to(question_id))
        self.call(self.meeting.set_voting(question_id, Voting.OPEN))

    def set_voting(self, question_id: str, state: Any) -> None:
        self.call(self.meeting.set_voting(question_id, state))

    def answers(self, question_id: str) -> list[Any]:
        return self.call(lambda: list(self.meeting.store.answers(question_id)))


@pytest.fixture
def make_live(tmp_path: Path) -> Iterator[Callable[..., Live]]:
    made: list[Live] = []

    def make(**kwargs: Any) -> Live:
        live = Live(tmp_path / f"sessions{len(made)}", **kwargs)
        made.append(live)
        return live

    yield make
    for live in made:
        live.close()


@pytest.fixture
def live(make_live: Callable[..., Live]) -> Live:
    """A facilitator-paced meeting (nothing open until a test opens it)."""
    return make_live()


@pytest.fixture
def paced(make_live: Callable[..., Live]) -> Live:
    """A self-paced meeting: the whole survey is open."""
    return make_live(self_paced=True)
