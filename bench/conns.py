#!/usr/bin/env python3
"""Connection-abuse benchmark: a phone on another address answers normally while one client
holds 1,100 idle connections to the participant server.

The abuse: someone on the office Wi-Fi opens 1,100 connections from one address and sends
nothing, reopening each one the server closes (a second later), for as long as the run lasts.
The server is ``mognad serve`` under a descriptor limit of 1,024, soft and hard, so that it
cannot raise it: the common Linux default, and a laptop where the tool cannot do better. 1,100
connections are then more than the server has descriptors for.

The phone: from 127.0.0.2 (another address; all of 127.0.0.0/8 is loopback on Linux), it
joins, then ``--rounds`` times reads its state and sends an answer, each request on a new
connection (what a phone does after its idle connection was closed), half a second
apart. Latency is from sending the request to the full answer.

Baseline, same run, same server, same phone: the phone alone, with no abuse. Targets: every
request of the phone answered (no error, no timeout) under abuse, its p99 under ``--limit-ms``
(250 ms), and no traceback or "Too many open files" in the server's output (one line says the
server is full, then a summary a minute). Prints the figures, the baseline and the ratio, one
``RESULT {json}`` line per figure for ``bench/run.py``, then PASS or FAIL; exit 1 on FAIL.

    .venv/bin/python bench/conns.py [--idle 1100] [--rounds 40] [--limit-ms 250] [--fd-limit 1024]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiohttp
from ingest import start_real_server
from room import result

PHONE = "127.0.0.2"


def raise_own_limit(wanted: int) -> None:
    """The attacker needs a descriptor per idle connection, too."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))


class Abuser:
    """Holds ``count`` idle connections from 127.0.0.1, reopening each one a second after the
    server closes it."""

    def __init__(self, host: str, port: int, count: int):
        self.host, self.port, self.count = host, port, count
        self.open = 0
        self.opened = 0
        self.closed_by_server = 0
        self._tasks: list[asyncio.Task[None]] = []

    async def _hold(self) -> None:
        while True:
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection(self.host, self.port), 10
                )
            except (OSError, TimeoutError):
                await asyncio.sleep(1.0)
                continue
            self.open += 1
            self.opened += 1
            try:
                with contextlib.suppress(OSError):
                    await reader.read()  # nothing comes; returns when the server closes it
                self.closed_by_server += 1
            finally:
                self.open -= 1
                writer.close()
            await asyncio.sleep(1.0)

    async def start(self, settle: float) -> None:
        self._tasks = [asyncio.create_task(self._hold()) for _ in range(self.count)]
        deadline = time.monotonic() + settle
        while self.opened < self.count and time.monotonic() < deadline:
            await asyncio.sleep(0.1)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


async def phone(url: str, rounds: int, timeout: float) -> tuple[list[float], list[str]]:
    """Latencies (ms) of the phone's requests and its errors."""
    base, code = url.split("/j/")
    connector = aiohttp.TCPConnector(local_addr=(PHONE, 0), force_close=True)
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    latencies: list[float] = []
    errors: list[str] = []
    async with aiohttp.ClientSession(
        connector=connector, timeout=client_timeout, cookie_jar=aiohttp.CookieJar(unsafe=True)
    ) as client:

        async def timed(method: str, path: str, **kwargs) -> bytes | None:
            began = time.perf_counter()
            try:
                async with client.request(method, base + path, **kwargs) as response:
                    body = await response.read()
                    if response.status != 200:
                        errors.append(f"{method} {response.status}")
                        return None
            except (aiohttp.ClientError, TimeoutError) as exc:
                errors.append(f"{method} {type(exc).__name__}")
                return None
            latencies.append((time.perf_counter() - began) * 1000)
            return body

        if await timed("GET", f"/j/{code}") is None:
            return latencies, errors
        for n in range(rounds):
            state = await timed("GET", f"/api/{code}/state")
            if state is not None:
                questions = [q for q in json.loads(state)["open"] if q.get("options")]
                if questions:
                    question = questions[n % len(questions)]
                    value = question["options"][n % len(question["options"])]["value"]
                    body = {"question": question["id"], "value": value}
                    await timed("POST", f"/api/{code}/answers", json=body)
            await asyncio.sleep(0.5)  # 20 answers in 10 s: under the 30 a device may send
    return latencies, errors


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def measure(url: str, args: argparse.Namespace) -> dict:
    alone = await phone(url, args.rounds, args.timeout)
    port = int(url.split(":")[2].split("/")[0])
    abuser = Abuser("127.0.0.1", port, args.idle)
    await abuser.start(settle=20.0)
    held_before = abuser.open
    try:
        abused = await phone(url, args.rounds, args.timeout)
    finally:
        held_after = abuser.open
        opened, closed = abuser.opened, abuser.closed_by_server
        await abuser.stop()
    return {
        "alone": alone,
        "abused": abused,
        "held": (held_before, held_after),
        "opened": opened,
        "closed": closed,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--idle", type=int, default=1100, help="idle connections held")
    parser.add_argument("--rounds", type=int, default=40, help="state + answer per phone run")
    parser.add_argument("--limit-ms", type=float, default=250.0)
    parser.add_argument("--fd-limit", type=int, default=1024, help="the server's limit")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    args = parser.parse_args()
    if not sys.platform.startswith("linux"):
        print("needs Linux (a second loopback address, /proc)")
        return 1
    raise_own_limit(args.idle + 512)

    tmp = Path(tempfile.mkdtemp(prefix="mognad-bench-conns-"))
    server = None
    try:
        server = start_real_server(tmp, self_paced=True, fd_limit=args.fd_limit)
        outcome = asyncio.run(measure(server.url, args))
        alive = server.proc.poll() is None
        server.stop()
        log = server.log_path.read_text(encoding="utf-8", errors="replace")
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    alone, alone_errors = outcome["alone"]
    abused, abused_errors = outcome["abused"]
    p50, p99, worst = pct(abused, 50), pct(abused, 99), max(abused, default=float("nan"))
    b50, b99 = pct(alone, 50), pct(alone, 99)
    tracebacks = log.count("Traceback") + log.count("Too many open files")
    full_lines = log.count("participant server full")
    print(
        f"server: mognad serve, descriptor limit {args.fd_limit} (soft and hard); abuse: "
        f"{args.idle} idle connections from 127.0.0.1, reopened a second after each close"
    )
    print(
        f"abuser: {outcome['opened']} connections opened, {outcome['closed']} closed by the "
        f"server; open at the phone's start {outcome['held'][0]}, at its end "
        f"{outcome['held'][1]} (the kernel completes a connect before the server decides)"
    )
    print(
        f"phone from {PHONE}, alone (baseline): {len(alone)} requests, p50 {b50:.1f} ms, "
        f"p99 {b99:.1f} ms, errors {alone_errors or 'none'}"
    )
    print(
        f"phone from {PHONE}, under abuse: {len(abused)} requests, p50 {p50:.1f} ms, "
        f"p99 {p99:.1f} ms, max {worst:.1f} ms, errors {abused_errors or 'none'}; "
        f"ratio p99 {p99 / b99:.2f} x baseline"
    )
    print(f"server output: {tracebacks} tracebacks, {full_lines} 'server full' line(s)")
    checks = {
        "every request of the phone answered under abuse": not abused_errors and not alone_errors,
        f"phone p99 under abuse {p99:.1f} ms < {args.limit_ms:.0f} ms": p99 < args.limit_ms,
        "no traceback or 'Too many open files' in the server's output": tracebacks == 0,
        "server still running": alive,
    }
    print(result("phone p50 under abuse", p50, "ms", b50, "informative", None))
    target = f"< {args.limit_ms:.0f} ms"
    print(result("phone p99 under abuse", p99, "ms", b99, target, p99 < args.limit_ms))
    print(
        result(
            "phone errors under abuse",
            len(abused_errors),
            "requests",
            len(alone_errors),
            "0",
            not abused_errors,
        )
    )
    print(result("server tracebacks", tracebacks, "", None, "0", tracebacks == 0))
    for name, ok in checks.items():
        print(f"{'ok  ' if ok else 'FAIL'} {name}")
    passed = all(checks.values())
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
