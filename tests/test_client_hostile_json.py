"""The participant client against a server that answers with absurdly nested JSON.

The real server never sends such a thing, so a tiny aiohttp app plays the hostile server (on
127.0.0.1, port 0). ``[[[[...]]]]`` 100,000 deep used to raise ``RecursionError`` out of the
client, which ``mognad answer`` could only report as "something unexpected went wrong".
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from fake_server import serving

from mognad_tui.client import ApiError, ParticipantClient
from mognad_tui.client.api import SseEvent

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.fixture
async def hostile() -> AsyncIterator[str]:
    async def deep(request: web.Request) -> web.Response:
        status = 200 if request.method == "GET" else 400
        return web.Response(text=DEEP, status=status, content_type="application/json")

    app = web.Application()
    app.router.add_get("/api/{code}/state", deep)
    app.router.add_post("/api/{code}/answers", deep)
    async with serving(app) as url:
        yield url


async def test_deeply_nested_replies_are_a_clear_refusal(hostile: str) -> None:
    async with ParticipantClient(hostile, lang="en") as client:
        with pytest.raises(ApiError) as state:
            await client.state()
        assert state.value.code == "bad_response"
        with pytest.raises(ApiError) as answer:
            await client.answer("q1", 3)
        assert answer.value.status == 400
    assert SseEvent(data=DEEP).json() is None
