"""A real full disk under the real server: a small tmpfs holds the data folder.

Why a real one: the store's unit tests simulate ENOSPC by replacing ``os.write``; a file system
that really fills up also fails the snapshot's temporary file, the fold on open and ``mkdir``.
The room must see, on a full disk: every ``200`` stored, every refusal a clear ``503
store_full`` in JSON (never a 500, never a 200 that is later lost), a server that keeps
serving (and starts again while the disk is still full), and answers accepted again as soon
as space is freed. ``mognad new`` on a full disk says so in one sentence, no traceback.

Needs root for ``mount -t tmpfs`` (CI runs as root); skipped with the reason otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import random
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_campaign_crash import Phone, ServeProcess, assert_no_traceback, mognad, random_value

from mognad_tui.meeting import Meeting
from mognad_tui.store import SessionStore, list_sessions

DISK_SIZE = "2m"
#: Room left on the disk when the server starts: a few hundred journal lines.
HEADROOM = 32 * 1024
BLOCK = 4096


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A fresh tmpfs of ``DISK_SIZE`` mounted for the test, unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    where = tmp_path / "disk"
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK_SIZE},mode=0700", "tmpfs", str(where)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip() or mounted.returncode}")
    try:
        yield where
    finally:
        if subprocess.run(["umount", str(where)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(where)], capture_output=True)


def fill(path: Path, leave: int = 0) -> int:
    """Write ``path`` until the disk is full, then give back ``leave`` bytes; returns its size."""
    size = 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        block = b"\0" * BLOCK
        while True:
            try:
                size += os.write(fd, block)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC, exc
                break
        if leave:
            size = max(0, size - leave)
            os.ftruncate(fd, size)
    finally:
        os.close(fd)
    return size


class Room:
    """Phones answering; every reply is checked as it comes and the last 200 per device and
    question is remembered."""

    def __init__(self, server: ServeProcess, questions: list[Any], phones: int, seed: int):
        self.server = server
        self.questions = questions
        self.rng = random.Random(seed)
        self.phones = [Phone() for _ in range(phones)]
        self.acked: list[dict[str, Any]] = [{} for _ in range(phones)]
        self.ok = 0
        self.full = 0
        self.other: list[tuple[int, Any]] = []

    async def join(self) -> None:
        for phone in self.phones:
            await phone.join(self.server.base, self.server.code)

    async def close(self) -> None:
        for phone in self.phones:
            await phone.close()

    async def answer_once(self, n: int) -> int:
        question = self.rng.choice(self.questions)
        value = random_value(question, self.rng)
        status, body = await self.phones[n].answer(
            self.server.base, self.server.code, question.id, value
        )
        if status == 200 and body == {"ok": True}:
            self.acked[n][question.id] = question.validate_value(value)
            self.ok += 1
        elif status == 503 and isinstance(body, dict) and body.get("error") == "store_full":
            assert isinstance(body.get("message"), str) and body["message"], body
            self.full += 1
        elif status == 429:
            await asyncio.sleep(1)  # the per-device limit: a person is never this fast
        else:
            self.other.append((status, body))
        return status

    async def until_full(self, refusals: int, timeout: float = 60) -> None:
        """Everyone answers at a quick person's pace until ``refusals`` 503s were seen."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout

        async def phone(n: int) -> None:
            while self.full < refusals and loop.time() < deadline and not self.other:
                await self.answer_once(n)
                await asyncio.sleep(self.rng.uniform(0.2, 0.4))

        await asyncio.gather(*(phone(n) for n in range(len(self.phones))))
        assert not self.other, self.other[:5]
        assert self.full >= refusals, f"the disk never filled ({self.ok} answers taken)"

    async def check_state(self, server: ServeProcess) -> None:
        for phone, acked in zip(self.phones, self.acked, strict=True):
            state = await phone.state(server.base, server.code)
            assert state["answered"] == acked, (state["answered"], acked)


def check_stored(folder: Path, room: Room) -> int:
    """Every acknowledged answer is on disk with its last acknowledged value, nothing else."""
    total = 0
    with SessionStore.open(folder, readonly=True) as store:
        meeting = Meeting(store)
        for phone, acked in zip(room.phones, room.acked, strict=True):
            assert phone.token
            for q in room.questions:
                got = store.answer_for(q.id, meeting.slot(phone.token, q.id))
                assert got == acked.get(q.id), (q.id, got, acked.get(q.id))
        for q in room.questions:
            holders = sum(1 for acked in room.acked if q.id in acked)
            assert store.answer_count(q.id) == holders, q.id
            total += holders
    return total


@pytest.mark.timeout(180)
async def test_disk_full_under_the_server(small_disk: Path) -> None:
    data_dir = small_disk / "sessions"
    created = mognad("new", "--name", "Fulla disken", data_dir=data_dir)
    assert created.returncode == 0, created.stderr
    name = created.stdout.strip()
    folder = data_dir / name
    with SessionStore.open(folder, readonly=True) as store:
        questions = list(store.question_set.survey)
    filler = small_disk / "filler"
    fill(filler, leave=HEADROOM)

    server = ServeProcess(data_dir, name)
    room: Room | None = None
    try:
        await asyncio.to_thread(server.wait_url)
        code = server.code
        room = Room(server, questions, phones=25, seed=2026)
        await room.join()
        await room.until_full(refusals=40)
        taken_before_full = room.ok

        # Full, and still serving: the page, the state, and more refusals, never a 500.
        assert server.alive, server.output
        for n in range(len(room.phones)):
            assert await room.answer_once(n) in (200, 503, 429)
        assert not room.other, room.other
        await room.check_state(server)

        # Stopped and started again while the disk is still full (the laptop restarted).
        assert server.stop() == 0, server.output
        assert_no_traceback(server.output)
        server = ServeProcess(data_dir, name)
        await asyncio.to_thread(server.wait_url)
        assert server.code == code
        room.server = server
        await room.check_state(server)

        # Space freed: every phone's next answer is taken again.
        filler.unlink()
        ok_before = room.ok
        for n in range(len(room.phones)):
            assert await room.answer_once(n) == 200, room.other
        assert room.ok == ok_before + len(room.phones)
        await room.check_state(server)
        assert server.stop() == 0, server.output
        assert_no_traceback(server.output)
        kept = check_stored(folder, room)
        print(
            f"disk full: {taken_before_full} answers taken before the disk filled, "
            f"{room.full} refused 503 store_full, {room.ok} acknowledged in all, "
            f"{kept} distinct device/question answers stored, none lost"
        )
    finally:
        server.kill()
        if room is not None:
            await room.close()

    # `mognad new` on a full disk: one sentence, exit 1, and no half-made session left.
    fill(filler)
    refused = mognad("new", "--name", "Ingen plats", data_dir=data_dir)
    assert refused.returncode == 1, (refused.stdout, refused.stderr)
    assert "disk is full" in refused.stderr, refused.stderr
    assert_no_traceback(refused.stderr)
    assert sorted(p.name for p in data_dir.iterdir()) == [name]
    assert [s.error for s in list_sessions(data_dir)] == [None]
    with contextlib.suppress(FileNotFoundError):
        filler.unlink()


@pytest.mark.timeout(180)
async def test_a_real_full_disk_keeps_the_order_only_until_space_returns(
    small_disk: Path,
) -> None:
    """Three people answer a self-paced survey; the server dies (kill -9) and starts again on a
    disk that is now full: it cannot fold or reorder, says so on stderr, keeps trying, and
    once space is freed the folder shows no arrival order and every answer is there."""
    from test_order_faces import three_people_answer_the_survey, wait_for_line
    from test_store_order import in_arrival_order

    from mognad_tui.cli_text import T

    data_dir = small_disk / "sessions"
    created = mognad("new", "--name", "Ordning", data_dir=data_dir)
    assert created.returncode == 0, created.stderr
    name = created.stdout.strip()
    folder = data_dir / name
    server = ServeProcess(data_dir, name)
    try:
        await asyncio.to_thread(server.wait_url)
        await three_people_answer_the_survey(server)
        server.kill()
        with SessionStore.open(folder, readonly=True) as store:
            answered = store.total_answers()
        filler = small_disk / "filler"
        fill(filler)
        server = ServeProcess(data_dir, name)
        await asyncio.to_thread(server.wait_url)
        await asyncio.to_thread(wait_for_line, server, T("disk_order_full", "en"))
        filler.unlink()
        await asyncio.to_thread(wait_for_line, server, T("disk_order_ok", "en"))
        assert in_arrival_order(folder) == []
        assert server.stop() == 0, server.output
        assert_no_traceback(server.output)
    finally:
        server.kill()
    assert in_arrival_order(folder) == []
    with SessionStore.open(folder, readonly=True) as store:
        assert store.total_answers() == answered > 0
