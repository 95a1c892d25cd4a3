"""Crash campaign: ``kill -9`` of the real ``mognad serve`` while phones answer, then a restart.

Why end to end: the store's own crash tests (test_store_crash.py) prove the journal keeps what
its ``Durable`` promised. What a room relies on is one step further out: an HTTP ``200 {"ok":
true}`` means the answer survives anything, the join code and the phones' cookies keep working
after the laptop comes back, and the phones' event streams reconnect. So this test drives the
real command (``mognad serve SESSION --self-paced --host 127.0.0.1 --port 0``) in a subprocess,
with devices that each keep their own cookie jar across restarts, and checks after every kill:

- every acknowledged answer is in the session with the device's last acknowledged value; an
  answer in flight at the kill (sent, no reply) may have landed or not, nothing else may differ;
- exactly one answer per device per question: the stored slots are exactly the slots of the
  devices that answered (computed from each device's cookie with ``Meeting.slot``), so the
  count per question equals the number of distinct devices whose answer is there;
- the session opens (read-only, and ``list_sessions`` sees no damage), and so does every file;
- after the restart: the same join code, each device's ``/state`` "answered" shows its answers,
  and an event stream opens and receives data.

The default run does a few rounds (part of ``pytest``); ``-m slow`` runs the full campaign.
Other campaign tests import the harness below (``ServeProcess``, ``Phone``, ``mognad``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from mognad_tui.meeting import Meeting
from mognad_tui.model import Kind, Question
from mognad_tui.store import SessionStore, list_sessions

ROOT = Path(__file__).resolve().parents[1]
URL_LINE = re.compile(r"^(http://127\.0\.0\.1:(\d+))/j/([A-Za-z0-9_-]+)$")
DEVICE_COOKIE = "mognad_device"


# ---------------------------------------------------------------- harness: the real command


def mognad(
    *args: str, data_dir: Path, timeout: float = 60, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run one ``mognad`` command the way a facilitator does (same interpreter, new process)."""
    return subprocess.run(
        [sys.executable, "-m", "mognad_tui", *args, "--data-dir", str(data_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "MOGNAD_LANG": "en", **(env or {})},
    )


class ServeProcess:
    """``mognad serve SESSION --host 127.0.0.1 --port 0`` as a subprocess.

    Its output is read by threads as it comes, so a full pipe never blocks the server and the
    test can look for tracebacks afterwards. ``argv`` replaces the command for a launcher that
    patches something first (the fuzz campaign lifts the rate limits that way).
    """

    def __init__(
        self,
        data_dir: Path,
        session: str,
        *,
        self_paced: bool = True,
        argv: Sequence[str] | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        command = list(argv or [sys.executable, "-m", "mognad_tui"])
        command += ["serve", session, "--host", "127.0.0.1", "--port", "0"]
        command += ["--data-dir", str(data_dir)]
        if self_paced:
            command.append("--self-paced")
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "MOGNAD_LANG": "en", **(env or {})},
        )
        self.out: list[str] = []
        self.err: list[str] = []
        self.url: str | None = None
        self.base = ""
        self.code = ""
        self._ready = threading.Event()
        self._threads = [
            threading.Thread(target=self._read, args=(self.proc.stdout, self.out), daemon=True),
            threading.Thread(target=self._read, args=(self.proc.stderr, self.err), daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def _read(self, stream: Any, sink: list[str]) -> None:
        for raw in stream:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            sink.append(line)
            match = URL_LINE.match(line.strip())
            if match and self.url is None:
                self.url = match.group(0)
                self.base = match.group(1)
                self.code = match.group(3)
                self._ready.set()
        if stream is self.proc.stdout:
            self._ready.set()  # ended without a URL: let wait_url fail at once

    def wait_url(self, timeout: float = 30) -> str:
        """The join URL, once the server accepts connections (it prints it alone on a line)."""
        self._ready.wait(timeout)
        if self.url is None:
            self.kill()
            raise AssertionError(f"mognad serve printed no URL:\n{self.output}")
        return self.url

    @property
    def ready_after(self) -> float:
        return time.monotonic() - self.started

    @property
    def output(self) -> str:
        return "\n".join(self.out + self.err)

    @property
    def stderr(self) -> str:
        return "\n".join(self.err)

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        """``kill -9``: no handler runs, nothing is flushed or folded."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)
        self._join()

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM, what ``systemctl stop`` or closing the laptop's terminal sends."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"mognad serve did not stop on SIGTERM:\n{self.output}") from None
        self._join()
        return code

    def _join(self) -> None:
        for thread in self._threads:
            thread.join(10)


def assert_no_traceback(text: str) -> None:
    assert "Traceback" not in text, text
    assert "unexpected error" not in text, text


# ---------------------------------------------------------------- harness: phones


class Phone:
    """One phone: its own cookie jar, kept across server restarts (the port may change, the
    cookie does not care), and a distinctive user agent so leaks of it can be searched for."""

    def __init__(self, user_agent: str = "CampaignPhone/1.0") -> None:
        self.jar = aiohttp.CookieJar(unsafe=True)  # the server is reached by a bare IP
        self.user_agent = user_agent
        self._session: aiohttp.ClientSession | None = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                cookie_jar=self.jar,
                timeout=aiohttp.ClientTimeout(total=15),
                headers={"User-Agent": self.user_agent},
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    @property
    def token(self) -> str | None:
        return next((c.value for c in self.jar if c.key == DEVICE_COOKIE), None)

    async def join(self, base: str, code: str) -> None:
        async with self.session.get(f"{base}/j/{code}") as resp:
            await resp.read()
            assert resp.status == 200, resp.status
        assert self.token, "the page gave no device cookie"

    async def state(self, base: str, code: str) -> dict[str, Any]:
        async with self.session.get(f"{base}/api/{code}/state") as resp:
            body = await resp.json(content_type=None)
            assert resp.status == 200, (resp.status, body)
            return body

    async def answer(self, base: str, code: str, qid: str, value: Any) -> tuple[int, Any]:
        """Post one answer as the page does; returns the status and the decoded JSON body."""
        async with self.session.post(
            f"{base}/api/{code}/answers", json={"question": qid, "value": value}
        ) as resp:
            raw = await resp.read()
            ctype = resp.headers.get("Content-Type", "")
        try:
            body = json.loads(raw)
        except ValueError:
            body = {"not_json": raw[:200].decode("utf-8", "replace"), "content_type": ctype}
        return resp.status, body

    async def first_event_bytes(self, base: str, code: str, timeout: float = 10) -> bytes:
        """Open the event stream and return what arrives first (the server's hello)."""
        async with (
            asyncio.timeout(timeout),
            self.session.get(
                f"{base}/api/{code}/events", headers={"Accept": "text/event-stream"}
            ) as resp,
        ):
            assert resp.status == 200, resp.status
            assert resp.headers.get("Content-Type", "").startswith("text/event-stream")
            data = b""
            while b"\n\n" not in data:
                chunk = await resp.content.readany()
                if not chunk:
                    break
                data += chunk
            return data


def random_value(question: Question, rng: random.Random) -> Any:
    """A valid answer of the question's kind, as a phone would post it."""
    values = [o.value for o in question.options]
    if question.kind in (Kind.SCALE, Kind.SINGLE):
        return rng.choice(values)
    if question.kind is Kind.MULTIPLE:
        return rng.sample(values, rng.randint(0, len(values)))
    if question.kind is Kind.DOTS:
        spent: dict[str, int] = {}
        for _ in range(rng.randint(1, question.dots)):
            key = str(rng.choice(values))
            spent[key] = spent.get(key, 0) + 1
        return spent
    return f"Tanke {rng.randrange(10**6)}: vi behöver mer tid"[: question.max_length]


def stored_for(folder: Path, phones: Sequence[Phone], questions: Sequence[Question]) -> Any:
    """Open the session read-only: per phone its stored value for each question (found under
    the slot its cookie gives), per question the number of stored answers, and the record."""
    with SessionStore.open(folder, readonly=True) as store:
        meeting = Meeting(store)
        values: list[dict[str, Any]] = []
        for phone in phones:
            mine: dict[str, Any] = {}
            if phone.token:
                for q in questions:
                    value = store.answer_for(q.id, meeting.slot(phone.token, q.id))
                    if value is not None:
                        mine[q.id] = value
            values.append(mine)
        counts = {q.id: store.answer_count(q.id) for q in questions}
        record = store.record()
    return values, counts, record


def check_files(folder: Path) -> None:
    """Every file of the session opens as what it claims to be, and the folder lists clean."""
    for path in folder.iterdir():
        if path.name == "session.json":
            data = json.loads(path.read_text(encoding="utf-8"))
            assert data.get("format") == "mognad-session", path
        elif path.name == "journal.log":
            lines = path.read_bytes().split(b"\n")
            assert lines and re.match(rb"[0-9a-f]{8} ", lines[0]), path
    summaries = list_sessions(folder.parent)
    assert [s.error for s in summaries if s.path == folder] == [None]


# ---------------------------------------------------------------- the campaign


@dataclass
class Device:
    phone: Phone
    rng: random.Random
    acked: dict[str, Any] = field(default_factory=dict)  # question -> last acknowledged value
    maybe: dict[str, Any] = field(default_factory=dict)  # sent at the kill, no reply


@dataclass
class Figures:
    rounds: int = 0
    acknowledged: int = 0  # 200 {"ok": true} received
    in_flight_at_kill: int = 0
    in_flight_landed: int = 0
    refused_429: int = 0
    early_kills: int = 0  # killed while starting (folding the journal), before the URL
    restart_seconds: list[float] = field(default_factory=list)
    final_answers: int = 0
    seconds: float = 0.0


async def answer_until_killed(
    devices: list[Device],
    server: ServeProcess,
    questions: list[Question],
    kill_after: float,
    figures: Figures,
) -> None:
    """Every device answers at a person's pace until the server is killed under it.

    The kill comes first and the devices learn of it from their own requests failing, so
    some are killed mid-request: sent, perhaps written, never acknowledged.
    """
    stop = asyncio.Event()
    killing = False

    async def device_loop(device: Device) -> None:
        rng = device.rng
        while not stop.is_set():
            question = rng.choice(questions)
            value = random_value(question, rng)
            expected = question.validate_value(value)
            try:
                status, body = await device.phone.answer(
                    server.base, server.code, question.id, value
                )
            except aiohttp.ClientConnectorError:
                if not killing:
                    raise
                return  # refused at connect: this one never left the phone
            except (aiohttp.ClientError, TimeoutError, OSError):
                if not killing:
                    raise
                device.maybe[question.id] = expected  # sent; whether it landed, nobody knows
                figures.in_flight_at_kill += 1
                return
            if status == 200:
                assert body == {"ok": True}, body
                device.acked[question.id] = expected
                device.maybe.pop(question.id, None)
                figures.acknowledged += 1
            elif status == 429:
                figures.refused_429 += 1
                await asyncio.sleep(1.0)
                continue
            else:
                raise AssertionError(f"answer refused: {status} {body}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), rng.uniform(0.15, 0.4))

    async def killer() -> None:
        nonlocal killing
        await asyncio.sleep(kill_after)
        killing = True
        await asyncio.to_thread(server.kill)
        stop.set()

    await asyncio.gather(killer(), *(device_loop(d) for d in devices))


def verify(
    folder: Path, devices: list[Device], questions: list[Question], figures: Figures
) -> None:
    """Everything acknowledged is there, once per device, with the last acknowledged value;
    then adopt what is stored as the truth (a landed in-flight answer replaced the old one)."""
    check_files(folder)
    values, counts, _record = stored_for(folder, [d.phone for d in devices], questions)
    for device, stored in zip(devices, values, strict=True):
        for q in questions:
            got = stored.get(q.id)
            allowed = [device.acked.get(q.id)]
            if q.id in device.maybe:
                allowed.append(device.maybe[q.id])
            assert got in allowed, (q.id, got, allowed)
            if q.id in device.maybe and got == device.maybe[q.id] != device.acked.get(q.id):
                figures.in_flight_landed += 1
            if got is None:
                device.acked.pop(q.id, None)
            else:
                device.acked[q.id] = got
        device.maybe.clear()
    for q in questions:
        # Slots of distinct devices differ, so equal counts also mean no stranger's slot.
        holders = sum(1 for stored in values if q.id in stored)
        assert counts[q.id] == holders, (q.id, counts[q.id], holders)


async def check_after_restart(server: ServeProcess, code: str, devices: list[Device]) -> None:
    """Same code; every device's cookie still sees its answers; an event stream reconnects."""
    assert server.code == code, (server.code, code)
    for device in devices:
        if device.phone.token is None:
            continue
        state = await device.phone.state(server.base, code)
        assert state["answered"] == device.acked, (state["answered"], device.acked)
    listener = devices[0].phone if devices else Phone()
    try:
        hello = await listener.first_event_bytes(server.base, code)
    finally:
        if not devices:
            await listener.close()
    assert b"retry:" in hello or b"data:" in hello, hello


async def campaign(tmp_path: Path, rounds: int, seed: int, start_devices: int = 20) -> Figures:
    rng = random.Random(seed)
    data_dir = tmp_path / "sessions"
    created = mognad("new", "--name", "Krascharna", data_dir=data_dir)
    assert created.returncode == 0, created.stderr
    name = created.stdout.strip()
    folder = data_dir / name
    with SessionStore.open(folder, readonly=True) as store:
        questions = list(store.question_set.survey)
    figures = Figures()
    began = time.monotonic()
    devices: list[Device] = []
    code = ""
    server: ServeProcess | None = None
    try:
        for round_no in range(rounds + 1):
            server = ServeProcess(data_dir, name)
            if round_no % 7 == 3:
                # A crash while the server starts, when it folds the journal into a snapshot.
                await asyncio.sleep(rng.uniform(0.05, 0.5))
                server.kill()
                figures.early_kills += 1
                verify(folder, devices, questions, figures)
                server = ServeProcess(data_dir, name)
            t0 = time.monotonic()
            await asyncio.to_thread(server.wait_url)
            figures.restart_seconds.append(time.monotonic() - t0)
            if not code:
                code = server.code
            await check_after_restart(server, code, devices)
            # The room at the start, then now and then someone new arrives.
            if not devices or (len(devices) < 30 and rng.random() < 0.5):
                for _ in range(start_devices if not devices else 1):
                    device = Device(Phone(), random.Random(rng.random()))
                    await device.phone.join(server.base, code)
                    devices.append(device)
            if round_no == rounds:
                assert server.stop() == 0, server.output
                assert_no_traceback(server.output)
                break
            await answer_until_killed(devices, server, questions, rng.uniform(0.3, 1.5), figures)
            assert_no_traceback(server.output)
            verify(folder, devices, questions, figures)
            figures.rounds += 1
        # After a clean stop: what the export says is exactly what the devices last saw.
        exported = mognad("export", name, "--format", "json", data_dir=data_dir)
        assert exported.returncode == 0, exported.stderr
        data = json.loads(exported.stdout)
        by_id = {q["id"]: q for q in data["questions"]}
        _values, _counts, record = stored_for(folder, [d.phone for d in devices], questions)
        for q in questions:
            expected = sorted(
                json.dumps(d.acked[q.id], sort_keys=True) for d in devices if q.id in d.acked
            )
            stored = sorted(json.dumps(v, sort_keys=True) for v in record.answers.get(q.id, []))
            assert stored == expected, q.id
            # Free text leaves only once the facilitator approved it (none was, here).
            exported_values = [] if q.kind is Kind.TEXT else expected
            got = sorted(json.dumps(v, sort_keys=True) for v in by_id[q.id]["answers"])
            assert got == exported_values, q.id
            figures.final_answers += len(stored)
    finally:
        if server is not None:
            server.kill()
        for device in devices:
            await device.phone.close()
    figures.seconds = time.monotonic() - began
    return figures


def report(figures: Figures) -> str:
    restarts = sorted(figures.restart_seconds)
    return (
        f"crash campaign: {figures.rounds} kill -9 rounds ({figures.early_kills} during start), "
        f"{figures.acknowledged} answers acknowledged (changes of mind included), after every "
        f"kill each device's last acknowledged answer present, none lost; "
        f"{figures.final_answers} device/question answers at the end; "
        f"{figures.in_flight_at_kill} in flight at a kill, {figures.in_flight_landed} of them "
        f"landed; {figures.refused_429} refused 429; restart to URL median "
        f"{restarts[len(restarts) // 2]:.2f} s, max {restarts[-1]:.2f} s; "
        f"{figures.seconds:.1f} s"
    )


@pytest.mark.timeout(120)
async def test_crash_campaign_short(tmp_path: Path) -> None:
    figures = await campaign(tmp_path, rounds=5, seed=20261126)
    print(report(figures))
    assert figures.rounds == 5
    assert figures.acknowledged > 0


@pytest.mark.slow
@pytest.mark.timeout(1800)
async def test_crash_campaign_full(tmp_path: Path) -> None:
    seed = int(os.environ.get("MOGNAD_CAMPAIGN_SEED", "7"))
    figures = await campaign(tmp_path, rounds=100, seed=seed)
    print(report(figures))
    assert figures.rounds == 100
