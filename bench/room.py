#!/usr/bin/env python3
"""Room benchmark: 1,000 phones answer one question the facilitator has just opened.

What a large room does, step by step, as faithfully as one machine can play it:

1. every phone opens the join page (``GET /j/CODE``: the page and its device cookie) and then
   its event stream (``GET /api/CODE/events``), as the page's script does;
2. the facilitator opens the question (``Meeting.go_to`` + ``set_voting(OPEN)``, what the
   space key does in ``mognad run``); every stream gets the update and every phone fetches its
   new view at once (``GET /j/CODE`` with the fragment header);
3. each person reads and taps: a reaction time drawn from a log-normal distribution (median
   3 s, most within 1.5 to 6 s, capped at 8.5 s), then ``POST /api/CODE/answers``.

The server runs in its own process exactly as in ``mognad run`` minus the terminal: a real
session (created with ``mognad new --set`` from a one-question YAML), ``Meeting`` and
``WebServer`` on one asyncio loop. Beside them a 10 ms ticker measures how late the loop
wakes up: the Textual screen shares that loop, so its lateness is how much the projected
screen would stutter while the room answers.

Baseline, same run, same client, same schedule: a bare aiohttp server with the same routes
that only parses the JSON and says ok (no checks, no store, no fsync, no templates).

Targets: every answer acknowledged (and stored) within 10 s of the question opening, answer
p99 under 100 ms, no error (no refused join, stream, view or answer). The machine is small and
shared, so the room plays ``--runs`` times (3), interleaved with the baseline, on a fresh
session each time, and the median of each figure is judged; errors count in every run.
Prints the figures, the baseline and the ratio, one ``RESULT {json}`` line per figure for
``bench/run.py``, then PASS or FAIL; exit 1 on FAIL.

    .venv/bin/python bench/room.py [--phones 1000] [--runs 3] [--limit-ms 100] [--within 10]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

URL_LINE = re.compile(r"^(http://127\.0\.0\.1:\d+)/j/([A-Za-z0-9_-]+)$")
QUESTION_ID = "rum-fraga"
ROOM_SET = f"""\
id: room-bench
version: "1"
lang: sv
title: Rummet
scales:
  practice:
    labels: [Känner inte till, Känner till, Gör ibland, Gör regelbundet, Kan lära ut]
    dont_know: Vet ej / ej relevant
steps:
  - number: 3
    title: Samtal om resultatet
    items:
      - id: {QUESTION_ID}
        kind: scale
        scale: practice
        text: Vi hittar snabbt rätt information när vi behöver den.
"""
TICK = 0.010


# ---------------------------------------------------------------- the server process


class LagTicker:
    """How late a 10 ms timer fires on the loop: the screen's stutter, sampled."""

    def __init__(self) -> None:
        self.samples: list[tuple[float, float]] = []  # (monotonic time, lateness in s)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            began = loop.time()
            await asyncio.sleep(TICK)
            self.samples.append((time.monotonic(), loop.time() - began - TICK))

    def window(self, t0: float, t1: float) -> dict[str, float]:
        late = sorted(s for t, s in self.samples if t0 <= t <= t1)
        if not late:
            return {"ticks": 0, "max_ms": 0.0, "p99_ms": 0.0, "p50_ms": 0.0}
        return {
            "ticks": len(late),
            "max_ms": late[-1] * 1000,
            "p99_ms": late[min(len(late) - 1, math.ceil(0.99 * len(late)) - 1)] * 1000,
            "p50_ms": late[len(late) // 2] * 1000,
        }


async def serve_real(session: Path) -> tuple[str, Any, Any]:
    """The meeting as ``mognad run`` holds it, without the terminal UI."""
    from mognad_tui.meeting import Meeting
    from mognad_tui.model import Voting
    from mognad_tui.store import SessionStore
    from mognad_tui.web.server import WebServer

    store = SessionStore.open(session)
    meeting = Meeting(store)  # facilitator-paced: nothing is open until the facilitator says
    server = WebServer(meeting, "127.0.0.1", 0)
    url = await server.start()

    async def open_question() -> None:
        await meeting.go_to(QUESTION_ID)
        await meeting.set_voting(QUESTION_ID, Voting.OPEN)

    async def stop() -> None:
        await server.stop()
        store.close()

    return url, open_question, stop


async def serve_bare() -> tuple[str, Any, Any]:
    """The same routes doing nothing but HTTP and JSON: the machine's ceiling."""
    from aiohttp import web

    streams: set[asyncio.Queue[bytes | None]] = set()

    async def page(request: web.Request) -> web.Response:
        response = web.Response(text="<!doctype html><title>bare</title>", content_type="text/html")
        if "d" not in request.cookies:
            response.set_cookie("d", os.urandom(16).hex(), httponly=True, samesite="Strict")
        return response

    async def events(request: web.Request) -> web.StreamResponse:
        queue: asyncio.Queue[bytes | None] = asyncio.Queue(8)
        streams.add(queue)
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        try:
            await response.prepare(request)
            await response.write(b"retry: 3000\n: connected\n\n")
            while (item := await queue.get()) is not None:
                await response.write(item)
        except (ConnectionError, RuntimeError):
            pass
        finally:
            streams.discard(queue)
        return response

    async def answer(request: web.Request) -> web.Response:
        data = await request.json()
        if not isinstance(data, dict):
            raise web.HTTPBadRequest()
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_get("/j/{code}", page)
    app.router.add_get("/api/{code}/events", events)
    app.router.add_post("/api/{code}/answers", answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]

    async def open_question() -> None:
        frame = b'event: update\ndata: {"kind":"voting","question":"q"}\n\n'
        for queue in list(streams):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(frame)

    async def stop() -> None:
        for queue in list(streams):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(None)
        await runner.cleanup()

    return f"http://127.0.0.1:{port}/j/000000", open_question, stop


async def child(kind: str, session: str | None) -> int:
    """``room.py --serve real|bare``: print the URL, then obey ``open``, ``lag T0 T1``, ``quit``
    read from stdin, answering each with one JSON line."""
    ticker = LagTicker()
    url, open_question, stop = await (
        serve_real(Path(session or "")) if kind == "real" else serve_bare()
    )
    ticker.start()
    print(url, flush=True)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := (await reader.readline()).decode().split():
        if line[0] == "open":
            began = time.monotonic()
            await open_question()
            print(json.dumps({"opened": time.monotonic() - began}), flush=True)
        elif line[0] == "lag":
            print(json.dumps(ticker.window(float(line[1]), float(line[2]))), flush=True)
        elif line[0] == "quit":
            break
    await stop()
    return 0


# ---------------------------------------------------------------- the phones


@dataclass
class RoomRun:
    """What one room did against one server."""

    name: str
    phones: int
    joined: int = 0
    join_seconds: float = 0.0
    streams: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    views: list[float] = field(default_factory=list)  # seconds, view refresh after the event
    answers: list[float] = field(default_factory=list)  # seconds, acknowledged answers
    last_ack: float = 0.0  # seconds after the question opened
    lag: dict[str, float] = field(default_factory=dict)
    lag_after: dict[str, float] = field(default_factory=dict)  # from 1 s after opening

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def pct(self, values: list[float], q: float) -> float:
        if not values:
            return float("nan")
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))] * 1000

    @property
    def throughput(self) -> float:
        return len(self.answers) / self.last_ack if self.last_ack else 0.0


class Server:
    """A ``room.py --serve`` child process, spoken to line by line."""

    def __init__(self, proc: asyncio.subprocess.Process, url: str):
        self.proc = proc
        self.url = url
        match = URL_LINE.match(url)
        assert match, url
        self.base, self.code = match.group(1), match.group(2)

    @classmethod
    async def start(cls, kind: str, session: Path | None) -> Server:
        args = [sys.executable, __file__, "--serve", kind]
        if session is not None:
            args += ["--session", str(session)]
        proc = await asyncio.create_subprocess_exec(
            *args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT
        )
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), 60)).decode().strip()
        if not URL_LINE.match(line):
            proc.kill()
            await proc.wait()
            raise RuntimeError(f"the {kind} server did not start (its errors are above): {line!r}")
        return cls(proc, line)

    async def ask(self, command: str) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(command.encode() + b"\n")
        await self.proc.stdin.drain()
        return json.loads(await asyncio.wait_for(self.proc.stdout.readline(), 60))

    async def quit(self) -> None:
        with contextlib.suppress(Exception):
            assert self.proc.stdin is not None
            self.proc.stdin.write(b"quit\n")
            await self.proc.stdin.drain()
        try:
            await asyncio.wait_for(self.proc.wait(), 20)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()


def reaction_times(n: int, seed: int, median: float) -> list[float]:
    """Seconds from the question appearing to the tap: log-normal, as reaction times are."""
    rng = random.Random(seed)
    return [min(8.5, max(0.8, rng.lognormvariate(math.log(median), 0.45))) for _ in range(n)]


async def play_room(
    server: Server, name: str, reactions: list[float], values: list[int], timeout: float
) -> RoomRun:
    run = RoomRun(name, len(reactions))
    loop = asyncio.get_running_loop()
    sessions = [
        aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True),
            timeout=aiohttp.ClientTimeout(total=timeout, sock_connect=10),
            connector=aiohttp.TCPConnector(limit=0),
        )
        for _ in reactions
    ]
    page = f"{server.base}/j/{server.code}"
    opened = asyncio.Event()
    open_at = 0.0
    stream_ready = asyncio.Semaphore(0)
    stream_tasks: list[asyncio.Task[None]] = []
    refreshes: list[asyncio.Task[None]] = []

    async def join(n: int, gate: asyncio.Semaphore) -> None:
        async with gate:  # people scan the QR code over a while, not in one millisecond
            try:
                async with sessions[n].get(page) as resp:
                    await resp.read()
                    if resp.status != 200:
                        run.errors[f"join {resp.status}"] += 1
                        return
            except (aiohttp.ClientError, TimeoutError) as exc:
                run.errors[f"join {type(exc).__name__}"] += 1
                return
            run.joined += 1

    async def refresh(n: int) -> None:
        began = loop.time()
        try:
            async with sessions[n].get(page, headers={"X-Mognad-Fragment": "1"}) as resp:
                await resp.read()
                if resp.status != 200:
                    run.errors[f"view {resp.status}"] += 1
                    return
        except (aiohttp.ClientError, TimeoutError) as exc:
            run.errors[f"view {type(exc).__name__}"] += 1
            return
        run.views.append(loop.time() - began)

    async def stream(n: int) -> None:
        url = f"{server.base}/api/{server.code}/events"
        try:
            async with sessions[n].get(
                url, timeout=aiohttp.ClientTimeout(total=None, sock_connect=10)
            ) as resp:
                if resp.status != 200:
                    run.errors[f"stream {resp.status}"] += 1
                    stream_ready.release()
                    return
                run.streams += 1
                stream_ready.release()
                async for raw in resp.content:
                    if raw.startswith(b"event: update"):
                        refreshes.append(loop.create_task(refresh(n)))
        except (aiohttp.ClientError, TimeoutError) as exc:
            run.errors[f"stream {type(exc).__name__}"] += 1
            stream_ready.release()

    async def answer(n: int) -> None:
        await opened.wait()
        await asyncio.sleep(max(0.0, open_at + reactions[n] - loop.time()))
        body = {"question": QUESTION_ID, "value": values[n]}
        began = loop.time()
        try:
            async with sessions[n].post(
                f"{server.base}/api/{server.code}/answers", json=body
            ) as resp:
                data = await resp.read()
                if resp.status != 200 or json.loads(data) != {"ok": True}:
                    run.errors[f"answer {resp.status}"] += 1
                    return
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            run.errors[f"answer {type(exc).__name__}"] += 1
            return
        now = loop.time()
        run.answers.append(now - began)
        run.last_ack = max(run.last_ack, now - open_at)

    try:
        began = loop.time()
        gate = asyncio.Semaphore(50)
        await asyncio.gather(*(join(n, gate) for n in range(len(reactions))))
        run.join_seconds = loop.time() - began
        stream_tasks = [loop.create_task(stream(n)) for n in range(len(reactions))]
        for _ in reactions:
            await asyncio.wait_for(stream_ready.acquire(), timeout)
        await asyncio.sleep(0.5)  # the room settles; then the facilitator presses space
        answering = [loop.create_task(answer(n)) for n in range(len(reactions))]
        t0 = time.monotonic()
        open_at = loop.time()
        opened.set()
        await server.ask("open")
        await asyncio.wait_for(asyncio.gather(*answering), timeout + 10)
        await asyncio.wait_for(asyncio.gather(*refreshes), timeout)
        end = t0 + max(run.last_ack, 0.1)
        run.lag = await server.ask(f"lag {t0} {end}")
        # Apart from the first second, when every phone fetches its new view at once.
        run.lag_after = await server.ask(f"lag {t0 + 1.0} {end}")
    finally:
        for task in stream_tasks:
            task.cancel()
        await asyncio.gather(*stream_tasks, return_exceptions=True)
        await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
    return run


# ---------------------------------------------------------------- the report


def machine_line() -> str:
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{cpu}, {os.cpu_count()} cores, Python {sys.version.split()[0]}"


def describe(run: RoomRun) -> list[str]:
    errors = ", ".join(f"{k}: {v}" for k, v in sorted(run.errors.items())) or "none"
    return [
        f"{run.name}:",
        f"  joined {run.joined}/{run.phones} in {run.join_seconds:.1f} s; "
        f"{run.streams} event streams open",
        f"  answers acknowledged {len(run.answers)}/{run.phones}, the last "
        f"{run.last_ack:.2f} s after the question opened ({run.throughput:.0f}/s on average)",
        f"  answer latency p50 {run.pct(run.answers, 50):.1f} ms, p99 "
        f"{run.pct(run.answers, 99):.1f} ms, max {run.pct(run.answers, 100):.1f} ms",
        f"  view refresh after the event: {len(run.views)}, p50 {run.pct(run.views, 50):.1f} ms, "
        f"p99 {run.pct(run.views, 99):.1f} ms",
        f"  server loop lateness (10 ms ticker) while answering: p50 "
        f"{run.lag.get('p50_ms', 0):.1f} ms, p99 {run.lag.get('p99_ms', 0):.1f} ms, max "
        f"{run.lag.get('max_ms', 0):.1f} ms over {run.lag.get('ticks', 0):.0f} ticks; "
        f"from 1 s after opening: p99 {run.lag_after.get('p99_ms', 0):.1f} ms, max "
        f"{run.lag_after.get('max_ms', 0):.1f} ms",
        f"  errors: {errors}",
    ]


def result(
    name: str, value: float, unit: str, baseline: float | None, target: str, ok: bool | None
) -> str:
    ratio = value / baseline if baseline else None
    data = {
        "name": name,
        "value": round(value, 3),
        "unit": unit,
        "baseline": None if baseline is None else round(baseline, 3),
        "ratio": None if ratio is None else round(ratio, 2),
        "target": target,
        "pass": ok,
    }
    return "RESULT " + json.dumps(data, ensure_ascii=False)


def new_session(work: Path, n: int) -> Path:
    """A fresh session of the one-question set, made the way a facilitator makes one."""
    made = subprocess.run(
        [sys.executable, "-m", "mognad_tui", "new", "--name", f"Rummet {n}", "--set",
         str(work / "room.yaml"), "--data-dir", str(work / "sessions"), "--lang", "sv"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    if made.returncode != 0:
        raise RuntimeError(f"mognad new failed: {made.stderr}")
    return work / "sessions" / made.stdout.strip()


def stored_answers(session: Path) -> int:
    from mognad_tui.store import SessionStore

    with SessionStore.open(session, readonly=True) as store:
        return store.answer_count(QUESTION_ID)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


async def main_async(args: argparse.Namespace) -> int:
    work = Path(tempfile.mkdtemp(prefix="mognad-room-"))
    try:
        (work / "room.yaml").write_text(ROOM_SET, encoding="utf-8")
        reactions = reaction_times(args.phones, args.seed, args.median)
        rng = random.Random(args.seed)
        values = [rng.randint(1, 5) for _ in reactions]
        print(f"machine: {machine_line()}")
        print(
            f"room: {args.phones} phones, one scale question opened by the facilitator; "
            f"reaction time median {args.median:.1f} s (log-normal, 0.8 to 8.5 s); "
            f"{args.runs} runs, the median of each figure is reported"
        )
        runs: dict[str, list[RoomRun]] = {"bare": [], "real": []}
        stored: list[int] = []
        for n in range(args.runs):
            # Interleaved, the baseline first each time: a noisy machine hits both alike.
            for kind in ("bare", "real"):
                session = new_session(work, n) if kind == "real" else None
                server = await Server.start(kind, session)
                try:
                    name = "baseline (bare aiohttp)" if kind == "bare" else "mognad"
                    run = await play_room(
                        server, f"run {n + 1}, {name}", reactions, values, args.timeout
                    )
                finally:
                    await server.quit()
                runs[kind].append(run)
                if session is not None:
                    stored.append(stored_answers(session))
                for line in describe(run):
                    print(line, flush=True)
        print(f"stored answers in the sessions: {stored}")

        def figure(kind: str, what: Any) -> float:
            return median([what(r) for r in runs[kind]])

        p99 = figure("real", lambda r: r.pct(r.answers, 99))
        p99_bare = figure("bare", lambda r: r.pct(r.answers, 99))
        last = figure("real", lambda r: r.last_ack)
        last_bare = figure("bare", lambda r: r.last_ack)
        errors = sum(r.error_count for r in runs["real"])
        acked = min(len(r.answers) for r in runs["real"])
        checks = [
            ("every answer acknowledged and stored, every run",
             acked == args.phones and all(n == args.phones for n in stored)),
            (f"all within {args.within:.0f} s (median)", last <= args.within),
            (f"answer p99 < {args.limit_ms:.0f} ms (median of the runs)", p99 < args.limit_ms),
            ("no error in any run (join, stream, view, answer)", errors == 0),
        ]  # fmt: skip
        print(f"ratio answer p99 mognad/baseline: {p99 / p99_bare:.2f}")
        print(f"ratio last answer mognad/baseline: {last / max(last_bare, 1e-9):.2f}")
        target_ms = f"< {args.limit_ms:.0f} ms"
        lines = [
            ("room: answer p99", p99, "ms", p99_bare, target_ms, checks[2][1]),
            ("room: answer p99, worst run", max(r.pct(r.answers, 99) for r in runs["real"]),
             "ms", max(r.pct(r.answers, 99) for r in runs["bare"]), "(information)", None),
            ("room: last answer after opening", last, "s", last_bare,
             f"<= {args.within:.0f} s", checks[1][1]),
            ("room: answers acknowledged (fewest in a run)", acked, "",
             min(len(r.answers) for r in runs["bare"]), f"= {args.phones}", checks[0][1]),
            ("room: errors (all runs)", errors, "",
             sum(r.error_count for r in runs["bare"]), "= 0", checks[3][1]),
            ("room: view refresh p99", figure("real", lambda r: r.pct(r.views, 99)), "ms",
             figure("bare", lambda r: r.pct(r.views, 99)), "(information)", None),
            ("room: server loop lateness max", figure("real", lambda r: r.lag.get("max_ms", 0)),
             "ms", figure("bare", lambda r: r.lag.get("max_ms", 0)), "(information)", None),
            ("room: server loop lateness max from 1 s after opening",
             figure("real", lambda r: r.lag_after.get("max_ms", 0)), "ms",
             figure("bare", lambda r: r.lag_after.get("max_ms", 0)), "(information)", None),
            ("room: server loop lateness p99", figure("real", lambda r: r.lag.get("p99_ms", 0)),
             "ms", figure("bare", lambda r: r.lag.get("p99_ms", 0)), "(information)", None),
        ]  # fmt: skip
        for line in lines:
            print(result(*line))
        for label, ok in checks:
            print(f"{'ok  ' if ok else 'FAIL'} {label}")
        passed = all(ok for _, ok in checks)
        print("PASS" if passed else "FAIL")
        return 0 if passed else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=1000)
    parser.add_argument("--limit-ms", type=float, default=100.0)
    parser.add_argument("--within", type=float, default=10.0, help="seconds for every answer")
    parser.add_argument("--median", type=float, default=3.0, help="median reaction time, s")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per request, at most")
    parser.add_argument("--seed", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3, help="runs of each; medians reported")
    parser.add_argument("--serve", choices=["real", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--session", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        return asyncio.run(child(args.serve, args.session))
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
