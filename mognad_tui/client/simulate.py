"""``mognad simulate URL --participants N``: simulated phones, through the participant API.

Three uses share this one code path: the demo (``mognad demo`` fills a throwaway room), a
facilitator's rehearsal before an event ("will my laptop carry 30, or 300, phones on this
network?"), and the benchmarks. Each simulated device is a ``ParticipantClient`` with its own
cookie jar, so the server sees N real, distinct, anonymous devices, exactly as in a room.

Devices share two connection pools: a bounded one for requests (so 1,000 devices do not open
1,000 sockets at once and exhaust a laptop) and an unbounded one for the event streams, which
are long-lived by nature and would otherwise starve the request pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import random
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from mognad_tui.client import questions as Q
from mognad_tui.client.api import ApiError, ParticipantClient, parse_join_url
from mognad_tui.client.messages import MESSAGES
from mognad_tui.i18n import format_number, resolve_lang
from mognad_tui.payloads import QuestionPayload, StatePayload

#: Requests in flight at once across all simulated devices (a room of phones rarely has more).
DEFAULT_MAX_CONNECTIONS = 100
#: Statuses worth trying again: nothing came back, the server asked to slow down, or was busy.
_RETRY = {0, 429, 503}

COMMENTS = {
    "sv": [
        "Vi behöver mer tid för att lära oss systemen.",
        "Bra att vi pratar om det här tillsammans.",
        "Svårt att hitta rätt information på intranätet.",
        "Fler digitala möten, färre resor.",
        "Vi skriver fortfarande ut mycket på papper.",
        "Det saknas stöd när tekniken krånglar.",
        "Någon i gruppen kan visa oss andra hur man gör.",
        "Wifi-nätet fungerar dåligt i vissa rum.",
        "Vet inte riktigt vad digitalt först betyder för oss.",
        "Vi borde dela dokument i stället för att mejla dem.",
    ],
    "en": [
        "We need more time to learn the systems.",
        "Good that we talk about this together.",
        "Hard to find the right information on the intranet.",
        "More online meetings, less travel.",
        "We still print a lot on paper.",
        "There is no support when the technology acts up.",
        "Someone in the group could show the rest of us how.",
        "The Wi-Fi is poor in some rooms.",
        "Not sure what digital first means for us.",
        "We should share documents instead of emailing them.",
    ],
}


@dataclass
class SimStats:
    """What the simulation has done so far; read it any time (``on_progress`` gets it)."""

    participants: int
    joined: int = 0
    join_failed: int = 0
    sent: int = 0  # answer attempts, retries included
    acked: int = 0  # answers the meeting confirmed durable
    closed: int = 0  # refused with 409: the question closed before the device answered
    gave_up: int = 0  # answers abandoned after errors and retries
    errors: Counter[int] = field(default_factory=Counter)  # HTTP status (0: no reply) -> count
    latencies: list[float] = field(default_factory=list)  # seconds, acknowledged answers only
    started: float = field(default_factory=time.monotonic)
    first_sent: float | None = None
    last_ack: float | None = None

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def percentile(self, q: float) -> float:
        """Latency percentile in milliseconds (nearest rank), 0 when nothing was acknowledged."""
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        rank = max(1, math.ceil(q / 100 * len(ordered)))
        return ordered[min(rank, len(ordered)) - 1] * 1000

    @property
    def p50(self) -> float:
        return self.percentile(50)

    @property
    def p99(self) -> float:
        return self.percentile(99)

    @property
    def busy_seconds(self) -> float:
        if self.first_sent is None or self.last_ack is None:
            return 0.0
        return max(self.last_ack - self.first_sent, 1e-6)

    @property
    def throughput(self) -> float:
        """Acknowledged answers per second, from the first sent to the last acknowledged."""
        return self.acked / self.busy_seconds if self.acked else 0.0


class _Values:
    """Plausible answers: a room agrees roughly per dimension, each person leans a little one
    way, a few say "don't know". Enough shape for the results screens to be worth looking at."""

    def __init__(self, rng: random.Random, lang: str):
        self.rng = rng
        self.lang = lang if lang in COMMENTS else "sv"
        self.centers: dict[str, float] = {}

    def pick(self, question: QuestionPayload, bias: float, rng: random.Random) -> Any:
        kind = Q.kind(question)
        options = [value for value, _ in Q.options(question)]
        if kind == "text":
            return rng.choice(COMMENTS[self.lang])[: Q.text_limit(question)]
        if kind == "dots":
            spent: dict[str, int] = {}
            for _ in range(Q.dots_total(question)):
                key = str(rng.choice(options))
                spent[key] = spent.get(key, 0) + 1
            return spent
        if kind == "multiple":
            return rng.sample(options, rng.randint(1, min(3, len(options))))
        points = [v for v in options if isinstance(v, int) and not isinstance(v, bool)]
        if kind == "scale" and points:
            others = [v for v in options if v not in points]
            if others and rng.random() < 0.05:
                return others[0]
            low, high = min(points), max(points)
            dimension = str(question.get("dimension") or Q.qid(question))
            center = self.centers.setdefault(
                dimension, self.rng.uniform(low + 0.5, high - 0.5) if high > low else low
            )
            target = rng.gauss(center + bias, 0.8)
            return min(points, key=lambda p: abs(p - target))
        return rng.choice(options)


class _Device:
    """One simulated phone: joins, reads what is open, answers after a think time, listens."""

    def __init__(self, sim: Simulator, index: int, rng: random.Random):
        self.sim = sim
        self.index = index
        self.rng = rng
        self.bias = rng.gauss(0, 0.6)
        self.client = ParticipantClient(
            sim.url,
            lang=sim.lang,
            connector=sim._connector,
            stream_connector=sim._stream_connector,
            timeout=sim.timeout,
        )
        self.done: set[str] = set()  # questions answered (or found closed) by this device
        self.idle = False  # the last state read had nothing left for this device
        self.self_paced = False
        self.ended = False  # gave up (could not join, or the meeting is gone)
        self._last_post = 0.0
        self._changed = asyncio.Event()

    def _think(self, question: QuestionPayload) -> float:
        """Seconds a person takes to read and answer: a few for a scale, longer to write."""
        if self.sim.pace <= 0:
            return 0.0
        median = {"text": 20.0, "dots": 12.0, "multiple": 8.0}.get(Q.kind(question), 5.0)
        return self.sim.pace * self.rng.lognormvariate(math.log(median), 0.5)

    async def run(self) -> None:
        listener: asyncio.Task[None] | None = None
        try:
            if self.sim.pace > 0:  # people scan the QR code over a few seconds, not at once
                await asyncio.sleep(self.sim.pace * self.rng.uniform(0, 5))
            if not await self._join():
                return
            if self.sim.listen == "events":
                listener = asyncio.get_running_loop().create_task(self._listen())
            while True:
                self._changed.clear()  # what changes from here on is seen by the next read
                state = await self._state()
                if state is None:
                    return
                self.self_paced = Q.is_self_paced(state)
                answered = state["answered"]
                todo = [
                    q
                    for q in state["open"]
                    if Q.qid(q) not in answered and Q.qid(q) not in self.done
                ]
                if not todo:
                    self.idle = True
                    self.sim._touch()
                    await self._wait()
                    continue
                self.idle = False
                for question in todo:
                    await asyncio.sleep(self._think(question))
                    await self._answer(question)
        except ApiError as exc:
            self.sim._fatal(exc)
            self.ended = True
        finally:
            if listener:
                listener.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await listener

    def _backoff(self, exc: ApiError, attempt: int) -> float:
        """How long to wait before trying again: what the server asked for, else doubling
        from 0.2 s (0.5 s when it said it was too busy), with jitter, at most 5 s."""
        if exc.retry_after:
            return exc.retry_after * self.rng.uniform(1.0, 1.3)
        base = 0.5 if exc.status == 429 else 0.2
        return min(base * 2**attempt, 5.0) * self.rng.uniform(0.5, 1.5)

    async def _retrying(self, call: Callable[[], Any], attempts: int = 5) -> Any:
        for attempt in range(attempts):
            try:
                return await call()
            except ApiError as exc:
                if exc.status not in _RETRY or attempt == attempts - 1:
                    raise
                self.sim.stats.errors[exc.status] += 1
                self.sim._touch()
                await asyncio.sleep(self._backoff(exc, attempt))
        return None  # pragma: no cover - the loop returns or raises

    async def _join(self) -> bool:
        try:
            await self._retrying(self.client.join)
        except ApiError as exc:
            self.sim.stats.errors[exc.status] += 1
            self.sim.stats.join_failed += 1
            self.ended = True
            if exc.code in ("wrong_code", "bad_url"):
                self.sim._fatal(exc)
            elif self.sim.stats.joined == 0:
                self.sim._last_join_error = exc
            self.sim._touch()
            return False
        self.sim.stats.joined += 1
        self.sim._touch()
        return True

    async def _state(self) -> StatePayload | None:
        try:
            return await self._retrying(self.client.state, attempts=8)
        except ApiError as exc:
            self.sim.stats.errors[exc.status] += 1
            if exc.code == "wrong_code":
                self.sim._fatal(exc)
            self.ended = True
            self.sim._touch()
            return None

    async def _answer(self, question: QuestionPayload) -> None:
        stats = self.sim.stats
        qid = Q.qid(question)
        value = self.sim._values.pick(question, self.bias, self.rng)
        attempts = 12
        for attempt in range(attempts):
            if self.sim.min_interval > 0:
                wait = self._last_post + self.sim.min_interval - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._last_post = time.monotonic()
            stats.sent += 1
            begun = time.monotonic()
            if stats.first_sent is None:
                stats.first_sent = begun
            try:
                await self.client.answer(qid, value)
            except ApiError as exc:
                if exc.code == "not_open":
                    stats.closed += 1
                    self.done.add(qid)
                    self.sim._touch()
                    return
                stats.errors[exc.status] += 1
                self.sim._touch()
                if exc.status == 403 and attempt == 0:
                    with contextlib.suppress(ApiError):
                        await self.client.join()  # lost the cookie: come back once
                    continue
                if exc.status in _RETRY and attempt < attempts - 1:
                    await asyncio.sleep(self._backoff(exc, attempt))
                    continue
                stats.gave_up += 1
                self.done.add(qid)
                return
            now = time.monotonic()
            stats.latencies.append(now - begun)
            stats.acked += 1
            stats.last_ack = now
            self.done.add(qid)
            self.sim._touch()
            return

    async def _listen(self) -> None:
        """Wake the device when the meeting changes; the reading happens in ``run``."""
        try:
            async with contextlib.aclosing(self.client.events()) as events:
                async for _event in events:
                    self._changed.set()
        except ApiError:
            self.sim.listen_failures += 1  # fall back to reading the state now and then

    async def _wait(self) -> None:
        """Until something may have changed; then a short random pause, so that a room of
        devices does not ask for the state in the same millisecond."""
        poll = self.sim.poll_interval * self.rng.uniform(0.7, 1.3)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), poll)
        jitter = 0.5 * self.sim.pace if self.sim.pace > 0 else 0.05
        await asyncio.sleep(self.rng.uniform(0, jitter))


class Simulator:
    """N simulated phones answering whatever the meeting opens. A ``BackgroundService``:
    ``await start()`` returns at once with the devices running, ``await stop()`` ends them.

    ``url`` may be a callable, for the demo, where the server's port is known only once it has
    started. ``pace`` scales the human think times (1.0 realistic, 0 as fast as possible).
    ``on_progress(stats)`` is called at most ten times a second from the loop and must be quick.
    ``min_interval`` is the least time between two answers of one device (a person needs some);
    a server that limits answers per device refuses faster ones with 429, which are retried.
    """

    def __init__(
        self,
        url: str | Callable[[], str],
        participants: int,
        *,
        pace: float = 1.0,
        seed: int | None = None,
        on_progress: Callable[[SimStats], None] | None = None,
        lang: str = "sv",
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        listen: str = "events",
        poll_interval: float = 5.0,
        timeout: float = 30.0,
        min_interval: float = 0.0,
        verify_tls: bool = True,
    ):
        self._url_source = url
        # False only for the demo, whose phones reach its own HTTPS server on loopback, where
        # the municipality's certificate names another host.
        self.verify_tls = verify_tls
        self.participants = max(0, int(participants))
        self.pace = max(0.0, float(pace))
        self.on_progress = on_progress
        self.lang = resolve_lang(lang)
        self.max_connections = max(1, int(max_connections))
        self.listen = listen
        self.poll_interval = poll_interval
        self.timeout = timeout
        self.min_interval = max(0.0, float(min_interval))
        self.stats = SimStats(self.participants)
        self.fatal: ApiError | None = None
        self.listen_failures = 0
        self._rng = random.Random(seed)
        self._values = _Values(self._rng, self.lang)
        self._devices: list[_Device] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._connector: aiohttp.TCPConnector | None = None
        self._stream_connector: aiohttp.TCPConnector | None = None
        self._progress_handle: asyncio.TimerHandle | None = None
        self._last_join_error: ApiError | None = None
        self.url = ""

    async def start(self) -> None:
        self.url = self._url_source() if callable(self._url_source) else self._url_source
        parse_join_url(self.url, self.lang)  # a bad address fails here, clearly, once
        self.stats = SimStats(self.participants)
        self.fatal = None
        self._devices = []
        self._connector = aiohttp.TCPConnector(limit=self.max_connections, ssl=self.verify_tls)
        self._stream_connector = aiohttp.TCPConnector(limit=0, ssl=self.verify_tls)
        loop = asyncio.get_running_loop()
        for index in range(self.participants):
            device = _Device(self, index, random.Random(self._rng.random()))
            self._devices.append(device)
            self._tasks.append(loop.create_task(device.run(), name=f"mognad-sim-{index}"))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await asyncio.gather(*(d.client.close() for d in self._devices), return_exceptions=True)
        for connector in (self._connector, self._stream_connector):
            if connector is not None:
                await connector.close()
        if self._progress_handle:
            self._progress_handle.cancel()
            self._progress_handle = None
        self._tasks.clear()

    async def __aenter__(self) -> Simulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ------------------------------------------------------------ where things stand

    @property
    def running(self) -> bool:
        return any(not t.done() for t in self._tasks)

    @property
    def all_answered(self) -> bool:
        """Every device that got in has nothing left to answer (and at least one got in)."""
        live = [d for d in self._devices if not d.ended]
        return bool(live) and all(d.idle for d in live)

    @property
    def finished(self) -> bool:
        """Self-paced and everything answered, or nobody could get in: nothing more to do."""
        if self.fatal or (self._devices and all(d.ended for d in self._devices)):
            return True
        live = [d for d in self._devices if not d.ended]
        return self.all_answered and all(d.self_paced for d in live)

    @property
    def failure(self) -> ApiError | None:
        """Why nothing works, when it does not: a wrong code, or no device could join."""
        if self.fatal:
            return self.fatal
        if self.stats.joined == 0 and self._devices and all(d.ended for d in self._devices):
            return self._last_join_error
        return None

    async def wait_finished(self, timeout: float | None = None) -> bool:
        """Wait until ``finished``; False if ``timeout`` seconds passed first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.finished:
            if deadline is not None and time.monotonic() >= deadline:
                return False
            await asyncio.sleep(0.05)
        return True

    # ------------------------------------------------------------ internals

    def _fatal(self, exc: ApiError) -> None:
        if self.fatal is None:
            self.fatal = exc

    def _touch(self) -> None:
        if self.on_progress is None or self._progress_handle is not None:
            return
        loop = asyncio.get_running_loop()
        self._progress_handle = loop.call_later(0.1, self._report)

    def _report(self) -> None:
        self._progress_handle = None
        if self.on_progress is not None:
            self.on_progress(self.stats)


# ---------------------------------------------------------------- the command


def _ms(value: float, lang: str) -> str:
    return format_number(value, lang, decimals=0)


def _progress_line(stats: SimStats, lang: str) -> str:
    return MESSAGES(
        "sim_progress",
        lang,
        joined=stats.joined,
        participants=stats.participants,
        acked=stats.acked,
        errors=stats.error_count,
        p50=_ms(stats.p50, lang),
        p99=_ms(stats.p99, lang),
    )


def summary_lines(stats: SimStats, lang: str) -> list[str]:
    """The rehearsal's result, for the terminal (and the benchmarks' logs)."""
    t = MESSAGES
    lines = [
        t("sim_summary_title", lang),
        t("sim_joined", lang, joined=stats.joined, participants=stats.participants),
        t("sim_acked", lang, acked=stats.acked),
    ]
    if stats.closed:
        lines.append(t("sim_closed", lang, closed=stats.closed))
    if stats.errors:
        parts = []
        for status, count in sorted(stats.errors.items()):
            if status == 0:
                name = t("sim_connection", lang)
            elif status in (429, 503):  # the server asked to wait; the phone tried again
                name = t(f"sim_status_{status}", lang)
            else:
                name = str(status)
            parts.append(f"{name}: {count}")
        lines.append(t("sim_errors", lang, errors=", ".join(parts)))
    else:
        lines.append(t("sim_errors_none", lang))
    lines.append(t("sim_latency", lang, p50=_ms(stats.p50, lang), p99=_ms(stats.p99, lang)))
    lines.append(
        t(
            "sim_throughput",
            lang,
            rate=format_number(stats.throughput, lang, decimals=1),
            seconds=format_number(stats.busy_seconds, lang, decimals=1),
        )
    )
    return lines


async def _simulate(
    url: str, participants: int, pace: float, duration: float | None, lang: str
) -> int:
    out = sys.stdout
    live = out.isatty()
    sim = Simulator(url, participants, pace=pace, lang=lang)
    print(MESSAGES("sim_starting", lang, participants=participants, url=url), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError, RuntimeError):
        loop.add_signal_handler(signal.SIGINT, stop.set)
        loop.add_signal_handler(signal.SIGTERM, stop.set)
    interrupted = False
    await sim.start()
    began = time.monotonic()
    last_line = 0.0
    try:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.25)
            now = time.monotonic()
            if live:
                out.write("\r\x1b[K" + _progress_line(sim.stats, lang))
                out.flush()
            elif now - last_line >= 5:
                last_line = now
                print(_progress_line(sim.stats, lang), flush=True)
            if stop.is_set():
                interrupted = True
                break
            if sim.finished or (duration and now - began >= duration):
                break
    finally:
        await sim.stop()
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(signal.SIGINT)
            loop.remove_signal_handler(signal.SIGTERM)
    if live:
        out.write("\n")
    if interrupted:
        print(MESSAGES("sim_stopped", lang))
    failure = sim.failure
    if failure is not None:
        print(failure.message, flush=True)
        return 1
    for line in summary_lines(sim.stats, lang):
        print(line)
    out.flush()
    if sim.stats.joined == 0:
        print(MESSAGES("sim_no_join", lang), flush=True)
        return 1
    return 1 if sim.stats.gave_up or sim.stats.join_failed else 0


def run_simulate(
    url: str,
    participants: int,
    *,
    pace: float = 1.0,
    duration: float | None = None,
    lang: str | None = None,
) -> int:
    """Run simulated phones against a meeting until Ctrl-C, ``duration`` seconds, or (in a
    self-paced survey) until every device has answered everything; print a summary.

    Exit code 0 when every device joined and every answer was acknowledged (or found its
    question closed); 1 otherwise, with the reason in the user's language.
    """
    lang = resolve_lang(lang)
    try:
        return asyncio.run(_simulate(url, participants, pace, duration, lang))
    except KeyboardInterrupt:
        print(MESSAGES("sim_stopped", lang), flush=True)
        return 0
    except ApiError as exc:
        print(exc.message, flush=True)
        return 1


def main(argv: list[str] | None = None) -> int:
    """``python -m mognad_tui.client.simulate URL --participants N``, beside ``mognad
    simulate``, for scripts and rehearsals."""
    import argparse

    parser = argparse.ArgumentParser(prog="mognad simulate")
    parser.add_argument("url")
    parser.add_argument("--participants", "-n", type=int, default=20)
    parser.add_argument("--pace", type=float, default=1.0)
    parser.add_argument("--duration", type=float, default=None)
    parser.add_argument("--lang", choices=["sv", "en"], default=None)
    args = parser.parse_args(argv)
    return run_simulate(
        args.url, args.participants, pace=args.pace, duration=args.duration, lang=args.lang
    )


if __name__ == "__main__":
    sys.exit(main())
