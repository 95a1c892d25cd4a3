"""Key press to screen updated, while 300 simulated phones answer.

The facilitator's keys must stay quick while the whole room votes: this drives the real app
(Pilot, headless) on a real session store, with 300 device tokens submitting answers
concurrently on the same asyncio loop, and measures for each key the time from the key press
to the first screen update that shows its effect (the compositor's update handed to the
driver after the app repainted the new agenda item). A baseline with no phones is measured in
the same run on the same machine, so a loaded machine shows up in both.

Prints p50/p95/p99/max for both runs, the ratio, and PASS/FAIL against 100 ms p99 with phones;
exits 1 on FAIL.

    .venv/bin/python bench/keys.py [--phones 300] [--keys 120] [--limit-ms 100]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mognad_tui.meeting import AnswerRefused, Meeting  # noqa: E402
from mognad_tui.model import SessionInfo, Voting  # noqa: E402
from mognad_tui.question_sets import load_question_set  # noqa: E402
from mognad_tui.store import SessionStore, create_session  # noqa: E402
from mognad_tui.tui.app import MognadApp  # noqa: E402

SIZE = (120, 36)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


class Phones:
    """300 devices answering together: every ``interval`` seconds each device answers one of
    the open questions, all 300 submits concurrently (as when the room answers the moment a
    question opens). Each answer replaces the device's earlier one, as on a real phone."""

    def __init__(self, meeting: Meeting, count: int, questions: list[str], interval: float):
        self.meeting = meeting
        self.tokens = [f"bench-phone-{n:04d}" for n in range(count)]
        self.questions = questions
        self.interval = interval
        self.submitted = 0
        self.refused = 0
        self.waves = 0
        self._stop = asyncio.Event()

    async def _answer(self, token: str, rnd: random.Random) -> None:
        qid = rnd.choice(self.questions)
        question = self.meeting.question(qid)
        assert question is not None
        try:
            await self.meeting.submit(token, qid, rnd.choice(question.options).value)
            self.submitted += 1
        except AnswerRefused:
            self.refused += 1

    async def run(self) -> None:
        rnd = random.Random(1)
        while not self._stop.is_set():
            self.waves += 1
            await asyncio.gather(*(self._answer(t, rnd) for t in self.tokens))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=self.interval)

    def stop(self) -> None:
        self._stop.set()


async def measure(
    phones: int, keys: int, data_dir: Path, interval: float = 0.5
) -> tuple[list[float], dict]:
    qset = load_question_set("digital-mognad", "sv")
    info = SessionInfo(
        name=f"bench-{phones}",
        title="Bänk",
        created="2026-11-26",
        set_id="digital-mognad",
        lang="sv",
        join_code="4821",
    )
    store = SessionStore.open(create_session(data_dir, info, qset))
    meeting = Meeting(store)
    survey = [q.id for q in qset.survey if q.options][:6]
    for qid in survey:
        await meeting.set_voting(qid, Voting.OPEN)
    await meeting.go_to(survey[0])
    app = MognadApp(meeting, cursor_blink=False, clock=lambda: datetime(2026, 11, 26, 14, 5))
    latencies: list[float] = []
    shown = {"at": 0.0, "waiting": False, "painted": 0.0}
    original_display = app._display

    def display(screen, renderable):  # type: ignore[no-untyped-def]
        if shown["waiting"] and not shown["painted"] and renderable is not None:
            shown["painted"] = time.perf_counter()
            shown["waiting"] = False
        return original_display(screen, renderable)

    original_apply = app.apply_changes

    def apply_changes() -> None:
        before = set(app._dirty)
        original_apply()
        if "agenda" in before:
            shown["waiting"] = True  # the next screen update shows the new item

    app._display = display  # type: ignore[method-assign]
    app.apply_changes = apply_changes  # type: ignore[method-assign]
    crowd = Phones(meeting, phones, survey, interval) if phones else None
    stats: dict = {}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        task = asyncio.ensure_future(crowd.run()) if crowd else None
        await asyncio.sleep(0.5 if crowd else 0.0)  # let the crowd get going
        for n in range(keys):
            key = "right" if n % 2 == 0 else "left"
            shown["painted"] = 0.0
            start = time.perf_counter()
            await pilot.press(key)
            deadline = start + 5.0
            while not shown["painted"] and time.perf_counter() < deadline:
                await asyncio.sleep(0.001)
            latencies.append((shown["painted"] or time.perf_counter()) - start)
            await asyncio.sleep(0.02)
        if crowd and task:
            crowd.stop()
            await task
            stats = {"answers": crowd.submitted, "refused": crowd.refused, "waves": crowd.waves}
    store.close()
    return latencies, stats


def summary(name: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"{name:<24} n={len(ms):<4} p50={statistics.median(ms):6.1f} ms  "
        f"p95={percentile(ms, 95):6.1f} ms  p99={percentile(ms, 99):6.1f} ms  "
        f"max={max(ms):6.1f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=300)
    parser.add_argument("--keys", type=int, default=120)
    parser.add_argument("--limit-ms", type=float, default=100.0)
    parser.add_argument(
        "--interval", type=float, default=0.5, help="seconds between waves of answers"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mognad-bench-") as tmp:
        base, _ = asyncio.run(measure(0, args.keys, Path(tmp) / "a"))
        loaded, stats = asyncio.run(measure(args.phones, args.keys, Path(tmp) / "b", args.interval))
    print(summary("baseline (no phones)", base))
    print(summary(f"with {args.phones} phones", loaded))
    print(
        f"answers accepted during the run: {stats.get('answers', 0)} "
        f"in {stats.get('waves', 0)} waves of {args.phones} concurrent submits"
    )
    p99_base = percentile(base, 99) * 1000
    p99_loaded = percentile(loaded, 99) * 1000
    print(f"ratio p99 loaded/baseline: {p99_loaded / p99_base:.2f}")
    ok = p99_loaded <= args.limit_ms
    print(f"{'PASS' if ok else 'FAIL'}: p99 {p99_loaded:.1f} ms (limit {args.limit_ms:.0f} ms)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
