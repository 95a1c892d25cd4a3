"""A stand-in participant server for what the real one never sends (hostile replies).

Tests of the clients use the real server wherever it can say what they test; this serves an
aiohttp app of the test's own on 127.0.0.1, port 0, for the rest.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from aiohttp import web


@contextlib.asynccontextmanager
async def serving(app: web.Application) -> AsyncIterator[str]:
    """Serve ``app`` and yield a join URL on it (its code is never checked)."""
    runner = web.AppRunner(app, shutdown_timeout=0.5)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/j/123456"
    finally:
        await runner.cleanup()
