"""A small async client of the participant HTTP API (see ARCHITECTURE.md and
docs/participant-api.md), shared by the terminal client (``mognad answer``) and the simulated
phones (``mognad simulate``, the demo and the benchmarks).

It speaks the same API as the phone page and nothing else, so whatever works here works for a
phone, and a load test measures what a room would meet. Every failure becomes an ``ApiError``
whose ``message`` is a sentence in the user's language: the people who see it are municipal
employees at a meeting, and a traceback helps none of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from mognad_tui.client.messages import MESSAGES
from mognad_tui.model import MAX_SHORT_TEXT, clean_text, clean_tree
from mognad_tui.payloads import AnswerPayload, StatePayload

#: Error codes the server sends as ``{"error": CODE}`` (see web/messages.py), mapped to the key
#: of our own sentence. A code not listed here falls back to the server's own ``message`` (it
#: is in our language: we send ``Accept-Language``), then to what the status means.
_SERVER_CODES = {
    "unknown_question": "unknown_question",
    "not_open": "not_open",
    "bad_value": "bad_value",
    "no_choice": "bad_value",
    "too_long": "too_long",
    "too_many_dots": "too_many_dots",
    "empty": "empty",
    "store_full": "store_full",
    "store_error": "store_error",
    "unknown_code": "wrong_code",
    "rate_limited": "too_many_requests",
    "typed_paused": "too_many_requests",
    "too_many_devices": "too_many_requests",
    "no_device": "forbidden",
    "foreign_origin": "forbidden",
    "csrf": "forbidden",
    "not_json": "forbidden",
    "too_large": "too_large",
}

_STATUS_KEYS = {
    403: "forbidden",
    409: "not_open",
    413: "too_large",
    422: "bad_value",
    429: "too_many_requests",
    503: "store_error",
}


class ApiError(Exception):
    """A request the meeting did not carry out.

    ``status`` is the HTTP status, or 0 when no answer came at all (refused, timed out, dropped);
    ``code`` a stable key (``wrong_code``, ``not_open``, ``unreachable``...) for programs;
    ``message`` the sentence to show the person, already in their language.
    """

    def __init__(self, status: int, code: str, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after  # seconds, when the server said when to come back

    def __repr__(self) -> str:
        return f"ApiError({self.status}, {self.code!r}, {self.message!r})"


@dataclass(frozen=True)
class JoinUrl:
    """The parts of a join address ``http://host:port/j/CODE``."""

    base: str  # scheme://host:port, no trailing slash
    code: str
    host: str  # host:port, for messages

    @property
    def page(self) -> str:
        return f"{self.base}/j/{self.code}"

    def api(self, path: str) -> str:
        return f"{self.base}/api/{self.code}/{path}"


def parse_join_url(url: str, lang: str = "sv") -> JoinUrl:
    """Split a join address, accepting what people copy from a screen: no scheme, a trailing
    slash, spaces around it. Anything else is a clear ``ApiError(0, "bad_url")``."""
    text = (url or "").strip()
    if text and "://" not in text:
        text = "http://" + text
    try:
        parts = urlsplit(text)
        port = parts.port  # raises ValueError on a bad port
    except ValueError:
        parts, port = None, None
    match = re.fullmatch(r"/j/([A-Za-z0-9_-]+)/?", parts.path) if parts else None
    if not parts or parts.scheme not in ("http", "https") or not parts.hostname or not match:
        raise ApiError(0, "bad_url", MESSAGES("bad_url", lang, url=url))
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    netloc = f"{host}:{port}" if port else host
    return JoinUrl(f"{parts.scheme}://{netloc}", match.group(1), netloc)


@dataclass(frozen=True)
class SseEvent:
    """One server-sent event. ``synthetic`` events come from the client itself: ``open`` when
    the stream is (re)established, so a listener re-reads the state it may have missed."""

    event: str = "message"
    data: str = ""
    id: str | None = None
    synthetic: bool = False

    def json(self) -> Any:
        import json

        try:
            return json.loads(self.data) if self.data else None
        except (ValueError, RecursionError):  # a hostile server's [[[[...]]]]
            return None


async def _read_sse(content: aiohttp.StreamReader) -> AsyncIterator[tuple[SseEvent, int | None]]:
    """Parse an event stream (the WHATWG rules: ``field: value`` lines, a blank line ends an
    event, ``:`` starts a comment). Yields each event with the server's ``retry`` hint."""
    event, data, last_id, retry = "message", [], None, None
    while True:
        raw = await content.readline()
        if not raw:
            return
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        if not line:
            if data or event != "message":
                yield SseEvent(event, "\n".join(data), last_id), retry
            event, data, retry = "message", [], None
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "event":
            event = value or "message"
        elif name == "data":
            data.append(value)
        elif name == "id" and "\0" not in value:
            last_id = value
        elif name == "retry" and value.isdigit():
            retry = int(value)


class ParticipantClient:
    """One participant's device: its own cookie jar (the anonymous token) and the four calls.

    Pass a shared ``connector`` (and ``stream_connector`` for the long-lived event stream) when
    many devices run in one process, so they share a bounded pool of connections instead of
    each opening its own; the client then leaves the connectors open on ``close()``.
    """

    def __init__(
        self,
        url: str,
        *,
        lang: str = "sv",
        connector: aiohttp.BaseConnector | None = None,
        stream_connector: aiohttp.BaseConnector | None = None,
        timeout: float = 30.0,
    ):
        self.lang = lang
        self.url = parse_join_url(url, lang)
        self._connector = connector
        self._stream_connector = stream_connector
        self._timeout = aiohttp.ClientTimeout(total=timeout, sock_connect=min(10.0, timeout))
        # unsafe=True: a meeting is reached by IP address (192.168.x.y, 127.0.0.1), and
        # aiohttp's default jar silently drops cookies from bare IP hosts.
        self._jar = aiohttp.CookieJar(unsafe=True)
        self._session: aiohttp.ClientSession | None = None
        self._stream_session: aiohttp.ClientSession | None = None

    # ------------------------------------------------------------ lifecycle

    def _new_session(self, connector: aiohttp.BaseConnector | None) -> aiohttp.ClientSession:
        return aiohttp.ClientSession(
            connector=connector,
            connector_owner=connector is None,
            cookie_jar=self._jar,
            timeout=self._timeout,
            raise_for_status=False,
            # The server's own error sentences then come in the person's language too.
            headers={"Accept-Language": self.lang},
        )

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = self._new_session(self._connector)
        return self._session

    @property
    def stream_session(self) -> aiohttp.ClientSession:
        if self._stream_connector is None:
            return self.session
        if self._stream_session is None:
            self._stream_session = self._new_session(self._stream_connector)
        return self._stream_session

    async def close(self) -> None:
        for session in (self._stream_session, self._session):
            if session is not None and not session.closed:
                await session.close()
        self._session = self._stream_session = None

    async def __aenter__(self) -> ParticipantClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def has_token(self) -> bool:
        """Whether the meeting gave this device its cookie (after ``join``)."""
        return len(self._jar) > 0

    # ------------------------------------------------------------ the four calls

    async def join(self) -> None:
        """Open the participant page once, as a phone does: that is what hands out the token.

        An address with the short typed code leads on to the meeting's own link; the API
        answers only under that link's key, so the calls that follow use where we landed.
        """
        async with self._request("GET", self.url.page) as resp:
            if resp.status != 200:
                raise await self._error(resp, "join")
            await resp.read()
            landed = re.fullmatch(r"/j/([A-Za-z0-9_-]+)", resp.url.path)
            asked = urlsplit(self.url.page)
            same_server = (resp.url.scheme, resp.url.host, resp.url.port) == (
                asked.scheme,
                asked.hostname,
                asked.port or resp.url.port,
            )
            if landed and same_server:
                self.url = replace(self.url, code=landed.group(1))

    async def state(self) -> StatePayload:
        """What is open now and what this device has answered (``open``, ``answered``...)."""
        async with self._request("GET", self.url.api("state")) as resp:
            if resp.status != 200:
                raise await self._error(resp, "state")
            body = await self._json(resp)
        if not isinstance(body, dict) or not isinstance(body.get("open", []), list):
            raise ApiError(resp.status, "bad_response", MESSAGES("bad_response", self.lang))
        # Question texts, labels and titles end up on a terminal: a hostile server's escape
        # sequences are removed here, once, for the terminal client and the simulator alike.
        body = clean_tree(body)
        body.setdefault("open", [])
        if not isinstance(body.get("answered"), dict):
            body["answered"] = {}
        return body

    async def answer(self, question_id: str, value: Any) -> bool:
        """Post one answer; returns True once the meeting says it is durable on disk."""
        payload: AnswerPayload = {"question": question_id, "value": value}
        async with self._request("POST", self.url.api("answers"), json=payload) as resp:
            if resp.status != 200:
                raise await self._error(resp, "answer")
            body = await self._json(resp)
        if not isinstance(body, dict) or body.get("ok") is not True:
            raise ApiError(resp.status, "bad_response", MESSAGES("bad_response", self.lang))
        return True

    async def events(
        self,
        *,
        reconnect: bool = True,
        backoff: float = 0.5,
        max_backoff: float = 10.0,
        read_timeout: float | None = None,
        on_status: Callable[[str], None] | None = None,
    ) -> AsyncIterator[SseEvent]:
        """The meeting's events, for as long as the caller iterates.

        After a drop it reconnects with exponential backoff and jitter (a room of phones must
        not come back in lockstep), sending ``Last-Event-ID``; each (re)connection yields a
        synthetic ``open`` event first, because events sent while away are lost and the state
        must be read again. ``on_status("reconnecting" | "reconnected")`` lets a face say so.
        A wrong code (404) or a refusal (403) is raised, never retried. Close it with
        ``contextlib.aclosing`` or by closing the client.
        """
        last_id: str | None = None
        delay = backoff
        connected_before = False
        while True:
            headers = {"Accept": "text/event-stream", "Cache-Control": "no-cache"}
            if last_id is not None:
                headers["Last-Event-ID"] = last_id
            timeout = aiohttp.ClientTimeout(
                total=None, sock_connect=self._timeout.sock_connect, sock_read=read_timeout
            )
            try:
                async with self._request(
                    "GET",
                    self.url.api("events"),
                    headers=headers,
                    timeout=timeout,
                    stream=True,
                ) as resp:
                    if resp.status != 200:
                        raise await self._error(resp, "events")
                    if connected_before and on_status:
                        on_status("reconnected")
                    yield SseEvent("open", "", None, synthetic=True)
                    connected_before = True
                    delay = backoff
                    try:
                        async for event, retry in _read_sse(resp.content):
                            if event.id is not None:
                                last_id = event.id
                            if retry is not None:
                                backoff = delay = min(max(retry / 1000, 0.1), max_backoff)
                            yield event
                    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
                        raise self._connection_error(exc) from None
                # The server ended the stream (a restart, a proxy): come back like after a drop.
                if not reconnect:
                    return
            except ApiError as exc:
                if not reconnect or exc.status in (400, 403, 404, 410):
                    raise
            if on_status:
                on_status("reconnecting")
            await asyncio.sleep(delay * random.uniform(0.5, 1.5))
            delay = min(delay * 2, max_backoff)

    # ------------------------------------------------------------ plumbing

    def _request(
        self,
        method: str,
        url: str,
        *,
        stream: bool = False,
        **kwargs: Any,
    ) -> _Request:
        session = self.stream_session if stream else self.session
        return _Request(self, session, method, url, kwargs)

    @staticmethod
    async def _json(resp: aiohttp.ClientResponse) -> Any:
        try:
            return await resp.json(content_type=None)
        except (ValueError, RecursionError, aiohttp.ClientError):  # RecursionError: [[[[...]]]]
            return None

    async def _error(self, resp: aiohttp.ClientResponse, context: str) -> ApiError:
        """Turn a refusal into a sentence: the server's own code when we know it, else what the
        status means where it happened (a 404 on the page is a wrong code, on an answer an
        unknown question)."""
        body = await self._json(resp)
        server_code = body.get("error") if isinstance(body, dict) else None
        server_message = body.get("message") if isinstance(body, dict) else None
        status = resp.status
        retry_after = None
        with contextlib.suppress(ValueError):
            retry_after = float(resp.headers.get("Retry-After", ""))
        key: str
        if isinstance(server_code, str) and server_code in _SERVER_CODES:
            key = _SERVER_CODES[server_code]
        elif isinstance(server_code, str) and isinstance(server_message, str) and server_message:
            # A refusal this client does not know yet: the server's sentence, made harmless.
            text = clean_text(server_message, MAX_SHORT_TEXT)
            return ApiError(status, clean_text(server_code, 64), text, retry_after)
        elif status == 404 and context != "answer":
            key = "wrong_code"
        elif status == 404:
            key = "unknown_question"
        elif status in _STATUS_KEYS:
            key = _STATUS_KEYS[status]
        elif status >= 500:
            key = "server_error"
        else:
            key = "unexpected"
        return ApiError(status, key, self._message(key, status=status), retry_after)

    def _connection_error(self, exc: BaseException) -> ApiError:
        if isinstance(exc, aiohttp.InvalidURL):
            key = "bad_url"
        elif isinstance(exc, aiohttp.ClientConnectorError | ConnectionRefusedError):
            key = "unreachable"
        elif isinstance(exc, TimeoutError | aiohttp.ServerTimeoutError):
            key = "timeout"
        else:
            key = "disconnected"
        return ApiError(0, key, self._message(key, status=0))

    def _message(self, key: str, **fields: Any) -> str:
        return MESSAGES(
            key, self.lang, url=self.url.page, host=self.url.host, code=self.url.code, **fields
        )


class _Request:
    """``async with`` around one request that turns connection failures into ``ApiError``
    (refused, timed out, dropped), so callers handle one kind of error."""

    def __init__(
        self,
        client: ParticipantClient,
        session: aiohttp.ClientSession,
        method: str,
        url: str,
        kwargs: dict[str, Any],
    ):
        self._client = client
        self._cm = session.request(method, url, **kwargs)

    async def __aenter__(self) -> aiohttp.ClientResponse:
        try:
            return await self._cm.__aenter__()
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise self._client._connection_error(exc) from None

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> bool | None:
        if isinstance(exc, aiohttp.ClientError | TimeoutError) and not isinstance(exc, ApiError):
            await self._cm.__aexit__(exc_type, exc, tb)
            raise self._client._connection_error(exc) from None
        return await self._cm.__aexit__(exc_type, exc, tb)
