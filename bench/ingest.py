#!/usr/bin/env python3
"""Ingest benchmark: how many answers a second the real participant server takes, and how
quickly it acknowledges them, next to a bare aiohttp endpoint that only parses the JSON.

Why the comparison: the real server does the work that matters (checks the answer, files it
under an anonymous slot, makes it durable on disk with fsync before saying ok). The bare endpoint
is the ceiling of this machine, this Python and this client. The target is that doing the real
work costs at most 30 % of the throughput and at most half again the p99 latency:

    throughput(real) / throughput(bare) >= 0.7   and   p99(real) <= 1.5 x p99(bare)

Both run as subprocesses on 127.0.0.1, measured by the same client (``mognad_tui.client``'s
ParticipantClient, 300 devices, each with its own cookie and its own kept-alive connection).
What is measured is capacity: every device sends 30 answers at once, one after the other
without pause. That is as much as the server takes from one device in 10 s
(``ANSWERS_PER_WINDOW``; faster is refused with 429), so none is refused and the server, not
a pacing, sets the pace. A round runs the bare endpoint and the real server one right after
the other (every other round the real one first), so both meet the same load of a shared
machine; the result is the median over ``ROUNDS`` rounds of each round's ratios. ``--burst``
adds a run of the Simulator answering every open question with no pause at all, for
information: past 30 answers the limit shows as 429s and retries. The run is bounded in
time. Exit 1 on FAIL.

    .venv/bin/python bench/ingest.py [--participants 300] [--answers 30] [--rounds 5]
        [--timeout 180] [--burst]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mognad_tui.client.api import ApiError, ParticipantClient  # noqa: E402
from mognad_tui.client.simulate import SimStats, Simulator  # noqa: E402

#: The participant server takes at most this many answers per device in PER_WINDOW seconds
#: (web/app.py ANSWERS_PER_WINDOW, ANSWERS_WINDOW; read over HTTP it is not, so it is stated).
PER_DEVICE = 30
PER_WINDOW = 10.0
#: Targets: the real server's throughput at least this share of the bare endpoint's, its p99
#: at most this multiple of the bare endpoint's; each the median over ROUNDS rounds of the ratio
#: between a bare and a real run made side by side.
MIN_THROUGHPUT = 0.7
MAX_P99 = 1.5
ROUNDS = 5
URL_LINE = re.compile(r"^\s*(https?://127\.0\.0\.1:(\d+)/j/[A-Za-z0-9_-]+)\s*$", re.M)


# ---------------------------------------------------------------- the real server


def mognad(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mognad_tui", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


class Server:
    """A server subprocess that prints its join URL alone on a line once it accepts
    connections (``mognad serve`` does, and so does the bare endpoint below)."""

    def __init__(self, argv: list[str], log: Path, *, fd_limit: int | None = None):
        self.log_path = log
        self._log = open(log, "w+", encoding="utf-8")  # noqa: SIM115 - closed in stop()

        def limit_fds() -> None:  # runs in the child: a laptop whose limit cannot be raised
            import resource

            resource.setrlimit(resource.RLIMIT_NOFILE, (fd_limit, fd_limit))

        self.proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            start_new_session=True,
            preexec_fn=limit_fds if fd_limit else None,
        )
        self.url = self._wait_url()

    def _wait_url(self, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._log.seek(0)
            match = URL_LINE.search(self._log.read())
            if match and match.group(2) != "0":
                return match.group(1)
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        self._log.seek(0)
        self.stop()
        raise SystemExit(f"the server did not start:\n{self._log.read()[-2000:]}")

    @property
    def pid(self) -> int:
        return self.proc.pid

    def rss_kb(self) -> int:
        """Resident memory of the server process (VmRSS, kB)."""
        with open(f"/proc/{self.proc.pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self._log.close()


def start_real_server(
    tmp: Path, *, self_paced: bool = True, name: str = "bench", fd_limit: int | None = None
) -> Server:
    """``mognad new`` a fresh session of the built-in set, then ``mognad serve`` it (with
    ``fd_limit``, under that descriptor limit, soft and hard)."""
    data = tmp / "sessions"
    made = mognad(
        "new", "--name", name, "--set", "digital-mognad", "--lang", "sv", "--data-dir", str(data)
    )
    if made.returncode != 0:
        raise SystemExit(f"mognad new failed:\n{made.stdout}{made.stderr}")
    session = made.stdout.strip().splitlines()[-1].strip()
    argv = [sys.executable, "-m", "mognad_tui", "serve", session]
    argv += ["--self-paced"] if self_paced else []
    argv += ["--host", "127.0.0.1", "--port", "0", "--data-dir", str(data)]
    return Server(argv, tmp / f"serve-{name}.log", fd_limit=fd_limit)


# ---------------------------------------------------------------- the bare endpoint


def bare_main(questions_file: str) -> None:
    """The ceiling: the same four routes, doing nothing but parse the posted JSON."""
    from aiohttp import web

    with open(questions_file, encoding="utf-8") as f:
        open_questions = json.load(f)
    code = "bare"

    async def page(request: web.Request) -> web.Response:
        response = web.Response(text="<!doctype html><title>bare</title>", content_type="text/html")
        if "t" not in request.cookies:
            response.set_cookie("t", secrets.token_urlsafe(16), httponly=True, samesite="Strict")
        return response

    async def state(request: web.Request) -> web.Response:
        return web.json_response({"open": open_questions, "answered": {}, "self_paced": True})

    async def answers(request: web.Request) -> web.Response:
        body = await request.json()
        if not isinstance(body, dict) or "question" not in body or "value" not in body:
            return web.json_response({"error": "bad_value"}, status=422)
        return web.json_response({"ok": True})

    async def events(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        while True:
            await asyncio.sleep(15)
            await response.write(b": keep-alive\n\n")

    async def run() -> None:
        app = web.Application()
        app.add_routes(
            [
                web.get("/j/{code}", page),
                web.get("/api/{code}/state", state),
                web.post("/api/{code}/answers", answers),
                web.get("/api/{code}/events", events),
            ]
        )
        runner = web.AppRunner(app, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        print(f"http://127.0.0.1:{port}/j/{code}", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        await runner.cleanup()

    asyncio.run(run())


# ---------------------------------------------------------------- measuring


async def open_questions(url: str) -> list[dict]:
    async with ParticipantClient(url) as client:
        await client.join()
        return (await client.state())["open"]


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system, every thread) the process has used so far."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def capacity(
    url: str, devices: int, answers: int, timeout: float, pid: int
) -> tuple[SimStats, bool, float]:
    """What the room can send: every device joins and reads what is open (not timed), then all
    of them at once post ``answers`` answers each, one after the other without pause, which is
    as many as the per-device limit takes in one window. Each device keeps its own connection
    alive, as a phone does, so the latency is the server's, not a wait for a pooled one. Also
    returns the server's CPU time per acknowledged answer (µs): a busy shared machine disturbs
    it less than the rates, so it shows where a change helped."""
    import random

    import aiohttp

    from mognad_tui.client.simulate import _Values

    stats = SimStats(devices)
    rng = random.Random(7)
    values = _Values(rng, "sv")
    connector = aiohttp.TCPConnector(limit=devices, limit_per_host=devices)
    clients = [ParticipantClient(url, connector=connector, timeout=timeout) for _ in range(devices)]

    async def ready(client: ParticipantClient) -> list[tuple[str, object]]:
        await client.join()
        todo = (await client.state())["open"][:answers]
        return [(str(q["id"]), values.pick(q, 0.0, rng)) for q in todo]

    async def send(client: ParticipantClient, todo: list[tuple[str, object]]) -> None:
        for qid, value in todo:
            begun = time.monotonic()
            try:
                await client.answer(qid, value)
            except ApiError as exc:
                stats.errors[exc.status] += 1
                continue
            except (aiohttp.ClientError, TimeoutError):
                stats.errors[0] += 1
                continue
            now = time.monotonic()
            stats.latencies.append(now - begun)
            stats.acked += 1
            stats.last_ack = now

    try:
        plans = await asyncio.gather(*(ready(c) for c in clients))
        stats.joined = devices
        cpu_before = cpu_seconds(pid)
        stats.first_sent = time.monotonic()
        try:
            await asyncio.wait_for(
                asyncio.gather(*(send(c, t) for c, t in zip(clients, plans, strict=True))),
                timeout,
            )
            finished = True
        except TimeoutError:
            finished = False
        cpu = (cpu_seconds(pid) - cpu_before) / max(stats.acked, 1) * 1e6
    finally:
        await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)
        await connector.close()
    return stats, finished, cpu


async def drive(
    url: str, participants: int, timeout: float, min_interval: float = 0.0
) -> tuple[SimStats, bool]:
    """All devices answer everything open, as fast as they may; returns the stats and whether
    they finished within ``timeout``."""
    sim = Simulator(
        url, participants, pace=0, seed=7, max_connections=100, min_interval=min_interval
    )
    await sim.start()
    try:
        finished = await sim.wait_finished(timeout)
    finally:
        await sim.stop()
    if sim.failure:
        raise SystemExit(f"the simulated devices could not take part: {sim.failure.message}")
    return sim.stats, finished


def line(name: str, stats: SimStats) -> str:
    errors = ", ".join(f"{s or 'conn'}:{n}" for s, n in sorted(stats.errors.items())) or "none"
    return (
        f"{name:<5} answers {stats.acked:>6}  in {stats.busy_seconds:6.2f} s  "
        f"throughput {stats.throughput:8.1f}/s  p50 {stats.p50:7.1f} ms  "
        f"p99 {stats.p99:7.1f} ms  errors {errors}"
    )


def stored_counts(tmp: Path, session: str = "bench") -> dict[str, int] | None:
    """Answers per question as the export reads them from disk (after the server stopped)."""
    out = tmp / "export.json"
    made = mognad(
        "export", session, "--format", "json", "-o", str(out), "--data-dir", str(tmp / "sessions")
    )
    if made.returncode != 0 or not out.exists():
        return None
    data = json.loads(out.read_text(encoding="utf-8"))
    # ``n`` counts every answer; ``answers`` leaves out free text nobody has approved yet.
    return {
        str(q["id"]): int(q.get("n", len(q.get("answers") or [])))
        for q in data.get("questions", [])
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument(
        "--rounds", type=int, default=ROUNDS, help="pairs of a bare and a real run, side by side"
    )
    parser.add_argument("--timeout", type=float, default=180, help="seconds per run, at most")
    parser.add_argument(
        "--answers",
        type=int,
        default=PER_DEVICE,
        help=f"answers each device sends at once (default {PER_DEVICE}, the per-device limit)",
    )
    parser.add_argument(
        "--burst", action="store_true", help="also measure with no pause (for information)"
    )
    parser.add_argument("--bare", metavar="QUESTIONS_JSON", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare:
        bare_main(args.bare)
        return 0

    tmp = Path(tempfile.mkdtemp(prefix="mognad-bench-ingest-"))
    real = bare = None
    rounds: list[tuple[SimStats, bool, SimStats, bool, dict[str, int] | None]] = []
    cpu: list[tuple[float, float]] = []
    try:
        real = start_real_server(tmp)
        questions = asyncio.run(open_questions(real.url))
        real.stop()
        real = None
        (tmp / "questions.json").write_text(json.dumps(questions), encoding="utf-8")
        bare = Server(
            [sys.executable, str(Path(__file__).resolve()), "--bare", str(tmp / "questions.json")],
            tmp / "bare.log",
        )
        n = args.participants
        per = max(1, min(args.answers, PER_DEVICE, len(questions)))
        print(f"{n} devices x {per} of {len(questions)} open questions = {n * per} answers")
        print(
            f"A. every device sends its {per} answers at once, without pause (the server takes "
            f"{PER_DEVICE} per device and {PER_WINDOW:g} s, so none is refused): the target; "
            f"{args.rounds} rounds of bare and real side by side (every other round real first); "
            "the median of the rounds' ratios is the result (a noisy machine)"
        )
        for r in range(args.rounds):
            # A fresh session each round, so every round records new answers, not replacements.
            real = start_real_server(tmp, name=f"bench{r}")
            measured = {}
            for name, server in (("bare", bare), ("real", real))[:: 1 if r % 2 == 0 else -1]:
                measured[name] = asyncio.run(capacity(server.url, n, per, args.timeout, server.pid))
                stats, _, server_cpu = measured[name]
                print(f"{line(f'{name} {r + 1}', stats)}  server CPU {server_cpu:.0f} µs/answer")
            bare_stats, bare_done, bare_cpu = measured["bare"]
            real_stats, real_done, real_cpu = measured["real"]
            real.stop()
            real = None
            rounds.append(
                (bare_stats, bare_done, real_stats, real_done, stored_counts(tmp, f"bench{r}"))
            )
            cpu.append((bare_cpu, real_cpu))
        if args.burst:
            # B. For information: no pause at all. The server's per-device limit then refuses
            # with 429 what comes too fast, and the devices retry after a backoff.
            real = start_real_server(tmp, name="burst")
            print("B. no pause between answers (429 = refused by the per-device limit, retried)")
            burst_bare, _ = asyncio.run(drive(bare.url, n, args.timeout))
            print(line("bare", burst_bare))
            burst_real, _ = asyncio.run(drive(real.url, n, args.timeout))
            print(line("real", burst_real))
            if burst_bare.throughput:
                print(f"   throughput ratio {burst_real.throughput / burst_bare.throughput:.2f}")
    finally:
        for server in (bare, real):
            if server is not None:
                server.stop()

    expected = args.participants * per

    def stored_right(counts: dict[str, int] | None) -> bool:
        return counts is not None and all(
            counts.get(str(q["id"]), 0) == (args.participants if i < per else 0)
            for i, q in enumerate(questions)
        )

    bare_tp = statistics.median(r[0].throughput for r in rounds)
    real_tp = statistics.median(r[2].throughput for r in rounds)
    bare_p99 = statistics.median(r[0].p99 for r in rounds)
    real_p99 = statistics.median(r[2].p99 for r in rounds)
    print(f"median bare: {bare_tp:.1f}/s, p99 {bare_p99:.1f} ms")
    print(f"median real: {real_tp:.1f}/s, p99 {real_p99:.1f} ms")
    # The two runs of a round share the machine's load of that moment; rounds apart do not (on
    # a shared machine the bare endpoint alone moved between 900 and 5,700 answers/s). So each
    # round gives its own ratios, and their median is the result.
    tp_ratios = [r[2].throughput / r[0].throughput for r in rounds if r[0].throughput]
    p99_ratios = [r[2].p99 / r[0].p99 for r in rounds if r[0].p99]
    cpu_ratios = [real / bare for bare, real in cpu if bare]
    ratio = statistics.median(tp_ratios) if tp_ratios else 0.0
    p99_ratio = statistics.median(p99_ratios) if p99_ratios else float("inf")
    checks = {
        "every answer acknowledged (real)": all(r[3] and r[2].acked == expected for r in rounds),
        "every answer acknowledged (bare)": all(r[1] and r[0].acked == expected for r in rounds),
        "stored exactly once per device and question": all(stored_right(r[4]) for r in rounds),
        f"throughput ratio {ratio:.2f} >= {MIN_THROUGHPUT}": ratio >= MIN_THROUGHPUT,
        f"p99 ratio {p99_ratio:.2f} <= {MAX_P99}": p99_ratio <= MAX_P99,
    }
    bare_cpu = statistics.median(c[0] for c in cpu)
    real_cpu = statistics.median(c[1] for c in cpu)
    print(f"throughput ratio per round: {', '.join(f'{x:.2f}' for x in tp_ratios)}")
    print(f"p99 ratio per round: {', '.join(f'{x:.2f}' for x in p99_ratios)}")
    figures = [
        (
            "answers/s, median",
            real_tp,
            bare_tp,
            "answers/s",
            ratio,
            f">= {MIN_THROUGHPUT}x (median of the rounds' ratios)",
            ratio >= MIN_THROUGHPUT,
        ),
        (
            "answer p99, median",
            real_p99,
            bare_p99,
            "ms",
            p99_ratio,
            f"<= {MAX_P99}x (median of the rounds' ratios)",
            p99_ratio <= MAX_P99,
        ),
        (
            "server CPU per answer, median",
            real_cpu,
            bare_cpu,
            "µs",
            statistics.median(cpu_ratios) if cpu_ratios else None,
            "(information)",
            None,
        ),
    ]
    for name, value, base, unit, of, target, ok in figures:
        figure = {"name": name, "value": round(value, 1), "baseline": round(base, 1), "unit": unit}
        figure |= {"ratio": None if of is None else round(of, 2), "target": target, "pass": ok}
        print("RESULT " + json.dumps(figure, ensure_ascii=False))
    for name, ok in checks.items():
        print(f"{'ok  ' if ok else 'FAIL'} {name}")
    passed = all(checks.values())
    print("PASS" if passed else "FAIL")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
