"""Benchmark of the session store: does one answer cost the same in a big session, and does
group commit carry a room of phones answering at once?

Run: ``python bench/store.py`` (add ``--quick`` for a smoke run). Prints each figure, the
baseline, the ratio and PASS/FAIL against the targets; exits 1 on a FAIL.

Targets (from the store's issue):
- one answer, each waited until durable, into a session holding 20,000 answers costs at most
  1.5 times what it costs in a session holding 100 (20,000 spread over 30 questions, and
  20,000 in a single question);
- 50 answers arriving together (50 asyncio tasks) reach at least 2,000 durable answers/s.

The machine is small and shared, so every figure is the median of several runs, the cases
are interleaved run by run, and each run starts from a fresh copy of the same session.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mognad_tui.model import (  # noqa: E402
    DONT_KNOW,
    Kind,
    Option,
    Question,
    QuestionSet,
    SessionInfo,
    Step,
)
from mognad_tui.store import SessionStore, create_session  # noqa: E402
from mognad_tui.store import files as store_files  # noqa: E402

QUESTIONS = 30
RATIO_TARGET = 1.5
THROUGHPUT_TARGET = 2_000.0
SCALE = (*(Option(v, str(v)) for v in range(1, 6)), Option(DONT_KNOW, "Vet ej"))
VALUES = [1, 2, 3, 4, 5, DONT_KNOW]


def question_set() -> QuestionSet:
    items = tuple(Question(f"q{i:02d}", Kind.SCALE, f"Fråga {i}", SCALE) for i in range(QUESTIONS))
    return QuestionSet("bench", "1", "sv", "Bench", "", (Step(2, "Enkät", items),))


def slot(device: str, question: str) -> str:
    """Shaped like the real slots (an HMAC in hex), so index and sort costs are realistic."""
    return hashlib.sha256(f"{device}/{question}".encode()).hexdigest()


def scratch_dir() -> tuple[Path, str]:
    """A folder on the same disk as the project: fsync on tmpfs would measure nothing."""
    tmp = Path(tempfile.gettempdir())
    fstype = _fstype(tmp)
    if fstype not in ("tmpfs", "ramfs") and os.stat(tmp).st_dev == os.stat(ROOT).st_dev:
        base = tmp
    else:
        base = ROOT / "bench"
    path = Path(tempfile.mkdtemp(prefix="mognad-bench-", dir=base))
    # Said by kind, not by path: RESULTS.md is committed and names no folder of this machine.
    where = "the system's temporary folder" if base == tmp else "bench/"
    return path, f"{where} ({_fstype(path)})"


def _fstype(path: Path) -> str:
    best, kind = "", "?"
    try:
        with open("/proc/mounts") as f:
            for line in f:
                parts = line.split()
                mount = parts[1]
                if str(path.resolve()).startswith(mount) and len(mount) > len(best):
                    best, kind = mount, parts[2]
    except OSError:
        pass
    return kind


def make_session(root: Path, name: str, answers: int, questions: int) -> Path:
    info = SessionInfo(name=name, title=name, created="2025-01-01", set_id="bench", lang="sv")
    path = create_session(root, info, question_set())
    with SessionStore.open(path) as store:
        last = None
        for i in range(answers):
            q = f"q{i % questions:02d}"
            device = f"device-{i // questions}"
            last = store.put_answer(q, slot(device, q), VALUES[i % len(VALUES)])
            if i % 2_000 == 1_999:
                last.wait()
        if last is not None:
            last.wait()
    return path


def fresh_copy(base: Path, path: Path) -> None:
    """Copy a prepared session and flush the copy, so the first timed fsync does not pay for
    writing out the megabytes of the copy (ext4 flushes such data with the next commit)."""
    shutil.copytree(base, path)
    for p in [*path.iterdir(), path]:
        fd = os.open(p, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def sequential_run(base: Path, work: Path, questions: int, n: int, tag: str) -> float:
    """Seconds per answer, each waited durable, from a fresh copy of ``base``."""
    path = work / f"{base.name}-{tag}"
    fresh_copy(base, path)
    try:
        with SessionStore.open(path) as store:
            start = time.perf_counter()
            for i in range(n):
                q = f"q{i % questions:02d}"
                store.put_answer(q, slot(f"new-{tag}-{i // questions}", q), 3).wait()
            elapsed = time.perf_counter() - start
            assert store.answer_count("q00") > 0
        return elapsed / n
    finally:
        shutil.rmtree(path, ignore_errors=True)


def concurrent_run(base: Path, work: Path, tag: str, phones: int, per_phone: int) -> tuple:
    path = work / f"{base.name}-{tag}"
    fresh_copy(base, path)
    fsyncs = 0
    real_fsync = store_files._fsync

    def counting_fsync(fd: int) -> None:
        nonlocal fsyncs
        fsyncs += 1
        real_fsync(fd)

    async def room() -> float:
        with SessionStore.open(path) as store:

            async def phone(n: int) -> None:
                for i in range(per_phone):
                    q = f"q{i % QUESTIONS:02d}"
                    device = f"phone-{tag}-{n}-{i // QUESTIONS}"
                    await store.put_answer(q, slot(device, q), 1 + i % 5)

            store_files._fsync = counting_fsync
            start = time.perf_counter()
            await asyncio.gather(*(phone(n) for n in range(phones)))
            elapsed = time.perf_counter() - start
            store_files._fsync = real_fsync
            return elapsed

    try:
        elapsed = asyncio.run(room())
    finally:
        store_files._fsync = real_fsync
        shutil.rmtree(path, ignore_errors=True)
    total = phones * per_phone
    return total / elapsed, total / max(fsyncs, 1)


def raw_fsync_latency(work: Path) -> float:
    fd = os.open(work / "raw", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    samples = []
    try:
        for _ in range(200):
            start = time.perf_counter()
            os.write(fd, b"x" * 80 + b"\n")
            os.fsync(fd)
            samples.append(time.perf_counter() - start)
    finally:
        os.close(fd)
    return statistics.median(samples)


def us(seconds: float) -> str:
    return f"{seconds * 1e6:8.1f} µs"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="runs per case (median taken)")
    parser.add_argument("--answers", type=int, default=300, help="answers timed per run")
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.answers = 3, 100

    work, where = scratch_dir()
    try:
        print(f"scratch folder: {where}")
        print(f"raw write+fsync of one line: {us(raw_fsync_latency(work))} (median of 200)")
        t0 = time.perf_counter()
        bases = {
            "100 answers / 30 questions": (make_session(work, "small", 100, QUESTIONS), QUESTIONS),
            "20,000 answers / 30 questions": (make_session(work, "big", 20_000, QUESTIONS), 30),
            "20,000 answers / 1 question": (make_session(work, "one", 20_000, 1), 1),
        }
        print(f"sessions prepared in {time.perf_counter() - t0:.1f} s")

        print(
            f"\n1. one answer at a time, each waited durable "
            f"({args.answers} answers per run, median of {args.runs} runs)"
        )
        samples: dict[str, list[float]] = {name: [] for name in bases}
        for run in range(args.runs):
            order = list(bases.items())
            order = order[run % len(order) :] + order[: run % len(order)]  # interleave
            for name, (base, questions) in order:
                samples[name].append(
                    sequential_run(base, work, questions, args.answers, tag=f"r{run}")
                )
        baseline_name = next(iter(bases))
        baseline = statistics.median(samples[baseline_name])
        failed = False
        print(f"   {baseline_name:32s} {us(baseline)} per answer   (baseline)")
        for name in list(bases)[1:]:
            cost = statistics.median(samples[name])
            ratio = cost / baseline
            ok = ratio <= RATIO_TARGET
            failed |= not ok
            print(
                f"   {name:32s} {us(cost)} per answer   ratio {ratio:4.2f} "
                f"(target <= {RATIO_TARGET})  {'PASS' if ok else 'FAIL'}"
            )

        phones, per_phone = 50, 40 if not args.quick else 20
        print(
            f"\n2. {phones} answers arriving together: {phones} asyncio tasks, "
            f"{per_phone} awaited answers each, into the 20,000-answer session "
            f"(median of {args.runs} runs)"
        )
        big = bases["20,000 answers / 30 questions"][0]
        results = [
            concurrent_run(big, work, f"c{run}", phones, per_phone) for run in range(args.runs)
        ]
        rate = statistics.median(r[0] for r in results)
        per_fsync = statistics.median(r[1] for r in results)
        ok = rate >= THROUGHPUT_TARGET
        failed |= not ok
        print(
            f"   {rate:8.0f} durable answers/s, {per_fsync:.1f} answers per fsync "
            f"(target >= {THROUGHPUT_TARGET:.0f}/s)  {'PASS' if ok else 'FAIL'}"
        )
        print(f"\n{'FAIL' if failed else 'PASS'}")
        return 1 if failed else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
