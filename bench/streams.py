#!/usr/bin/env python3
"""Event-stream benchmark: the server's resident memory while 1,000 devices each hold an open
event stream (``GET /api/{code}/events``), as a large room or a busy self-paced survey would.

Every phone keeps one stream open for as long as the page is open, so memory per stream decides
how large a room one laptop carries. The target: the server's VmRSS stays under 250 MB with all
streams open. The baseline is the same server idle, after one device has read its state.

The server is ``mognad serve`` on a fresh session of the built-in set, on 127.0.0.1, as a
subprocess whose /proc/PID/status we read. Bounded in time. Exit 1 on FAIL.

    .venv/bin/python bench/streams.py [--streams 1000] [--hold 5] [--limit-mb 250]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiohttp
from ingest import Server, start_real_server

from mognad_tui.client.api import ApiError, ParticipantClient


async def hold_streams(server: Server, count: int, hold: float, deadline: float) -> dict:
    """Join ``count`` devices, open one stream each, keep them open ``hold`` seconds while
    sampling the server's memory; returns what happened."""
    connector = aiohttp.TCPConnector(limit=100)  # joins: a bounded pool, like a room
    streams = aiohttp.TCPConnector(limit=0)  # one socket per held stream
    clients = [
        ParticipantClient(server.url, connector=connector, stream_connector=streams, timeout=60)
        for _ in range(count)
    ]
    opened = asyncio.Semaphore(0)
    refused: Counter[str] = Counter()
    peak = 0

    async def device(client: ParticipantClient) -> None:
        try:
            await client.join()
            async with contextlib.aclosing(client.events(reconnect=False)) as events:
                async for event in events:
                    if event.synthetic:
                        opened.release()
        except ApiError as exc:
            refused[f"{exc.status} {exc.code}"] += 1

    tasks = [asyncio.create_task(device(c)) for c in clients]
    began = time.monotonic()
    open_count = 0
    try:
        while open_count + sum(refused.values()) < count and time.monotonic() < deadline:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(opened.acquire(), 0.5)
                open_count += 1
            peak = max(peak, server.rss_kb())
        ramp = time.monotonic() - began
        still_open = sum(1 for t in tasks if not t.done())
        end = min(time.monotonic() + hold, deadline)
        while time.monotonic() < end:
            peak = max(peak, server.rss_kb())
            await asyncio.sleep(0.2)
        held = sum(1 for t in tasks if not t.done())
        rss = server.rss_kb()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)
        await connector.close()
        await streams.close()
    return {
        "opened": open_count,
        "still_open": still_open,
        "held": held,
        "refused": dict(refused),
        "ramp": ramp,
        "rss": rss,
        "peak": max(peak, rss),
    }


async def warm_up(url: str) -> None:
    async with ParticipantClient(url) as client:
        await client.join()
        await client.state()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--hold", type=float, default=5.0, help="seconds to hold them open")
    parser.add_argument("--limit-mb", type=float, default=250.0)
    parser.add_argument("--timeout", type=float, default=90.0, help="seconds for the run, at most")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="mognad-bench-streams-"))
    server = None
    try:
        server = start_real_server(tmp, self_paced=True)
        asyncio.run(warm_up(server.url))
        time.sleep(0.5)
        baseline = server.rss_kb()
        deadline = time.monotonic() + args.timeout
        result = asyncio.run(hold_streams(server, args.streams, args.hold, deadline))
        alive = server.proc.poll() is None
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    mb = result["peak"] / 1024
    per_stream = (result["peak"] - baseline) / max(result["opened"], 1)
    print(f"server pid {server.pid}, baseline (idle) VmRSS {baseline / 1024:.1f} MB")
    print(
        f"streams opened {result['opened']} of {args.streams} in {result['ramp']:.1f} s, "
        f"held {result['held']} for {args.hold:.0f} s, refused {result['refused'] or 'none'}"
    )
    print(
        f"VmRSS with streams open {result['rss'] / 1024:.1f} MB, peak {mb:.1f} MB "
        f"(+{(result['peak'] - baseline) / 1024:.1f} MB, {per_stream:.1f} kB per stream)"
    )
    checks = {
        f"all {args.streams} streams open at once": result["opened"] == args.streams
        and result["held"] == args.streams,
        f"peak VmRSS {mb:.1f} MB < {args.limit_mb:.0f} MB": mb < args.limit_mb,
        "server still running": alive,
    }
    for name, ok in checks.items():
        print(f"{'ok  ' if ok else 'FAIL'} {name}")
    passed = all(checks.values())
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
