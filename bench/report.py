"""Benchmark: the förvaltning's report over 200 units × 30 items in under 2 s and 200 MB.

200 units' summaries (``mognad export --format summary``), each of 30 statements in six areas
with 8 to 25 respondents (some statements below the threshold), three needs, two requests and
five action items, plus last year's summary of half of them, are written to a folder. The
report is made the way ``mognad report FOLDER -o rapport.md`` makes it (the command's own
function, in this process): every file read and checked, the rounds matched, the blocks built
and rendered; then the same as HTML and Word. Reported: wall time (cold and best of three),
peak Python memory (tracemalloc) and the process's peak resident size (ru_maxrss), against a
baseline of reading and parsing the same files with ``json.loads``. Every report is made with
``--charts`` (the issue's bar: the report WITH its chart of 200 units × 6 areas: SVG beside the
Markdown, inline in the HTML, a matplotlib PNG in the Word file).

    .venv/bin/python bench/report.py    # exit 1 if a report takes 2 s or more, or 200 MB
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import timed, traced_peak

from mognad_tui import cli
from mognad_tui.export.summary import export_summary
from mognad_tui.model import (
    DONT_KNOW,
    ActionItem,
    ActionStatus,
    Dimension,
    Kind,
    Need,
    NeedKind,
    Option,
    Prerequisite,
    Question,
    QuestionSet,
    SessionInfo,
    SessionRecord,
    Step,
)

UNITS = 200
AREAS = 6
PER_AREA = 5
LIMIT_SECONDS = 2.0
LIMIT_MB = 200.0


def unit_record(i: int, rng: random.Random, year: int) -> SessionRecord:
    scale = (*(Option(v, f"{v}") for v in range(1, 6)), Option(DONT_KNOW, "Vet ej"))
    dims = tuple(Dimension(f"d{a}", f"Område {a}", "A") for a in range(AREAS))
    survey = tuple(
        Question(f"d{a}.q{j}", Kind.SCALE, f"Påstående {j} om område {a}.", scale, f"d{a}")
        for a in range(AREAS)
        for j in range(PER_AREA)
    )
    qset = QuestionSet("bench", "1", "sv", "Bench", "", (Step(2, "Enkät", survey),), dims)
    name = f"enhet-{i:03d}-{year}"
    follow = f"enhet-{i:03d}-{year - 1}" if year == 2026 and i % 2 == 0 else None
    info = SessionInfo(name, f"Enhet {i:03d}", f"{year}-11-20", "bench", "sv", 5, follow)
    record = SessionRecord(info=info, question_set=qset)
    people = rng.randint(8, 25)
    for q in survey:
        n = people if rng.random() > 0.1 else rng.randint(1, 4)
        record.answers[q.id] = [rng.choice((1, 2, 3, 4, 5, DONT_KNOW)) for _ in range(n)]
    record.needs = [
        Need(f"n{k}", list(NeedKind)[k % 2], f"Behov {k} hos enhet {i}", f"d{k % AREAS}", k + 1)
        for k in range(3)
    ] + [
        Need(f"r{k}", NeedKind.CHANGE, f"Begäran {k}", request=list(Prerequisite)[(i + k) % 4])
        for k in range(2)
    ]
    record.actions = [
        ActionItem(
            f"a{k}",
            f"Åtgärd {k} hos enhet {i}",
            f"Person {k}",
            f"2026-{1 + k:02d}-15",
            status=list(ActionStatus)[k % 3],
        )
        for k in range(5)
    ]
    return record


def write_summaries(folder: Path) -> int:
    rng = random.Random(2026)
    count = 0
    for i in range(UNITS):
        for year in (2025, 2026) if i % 2 == 0 else (2026,):
            data = export_summary(unit_record(i, rng, year))
            (folder / f"enhet-{i:03d}-{year}.json").write_text(
                json.dumps(data, ensure_ascii=False), encoding="utf-8"
            )
            count += 1
    return count


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "enheter"
        folder.mkdir()
        files = write_summaries(folder)
        print(f"summaries: {files} files, {UNITS} units this round, 30 statements each")

        def baseline() -> object:
            return [json.loads(p.read_text(encoding="utf-8")) for p in folder.glob("*.json")]

        def report(suffix: str, charts: bool = True) -> Callable[[], object]:
            def run() -> object:
                args = argparse.Namespace(
                    inputs=[str(folder)],
                    output=str(Path(tmp) / f"rapport.{suffix}"),
                    format=None,
                    charts=charts,
                    round=None,
                    lang="sv",
                    data_dir=str(Path(tmp) / "sessions"),
                )
                with contextlib.redirect_stderr(io.StringIO()):
                    code = cli.cmd_report(args)
                assert code == 0
                return code

            return run

        base, _ = timed(baseline)
        base_peak = traced_peak(baseline)
        print(
            f"{'baseline: json.loads of every file':<34} {base * 1000:8.1f} ms   "
            f"peak {base_peak / 1e6:6.1f} MB"
        )
        ok = True
        for suffix in ("md", "html", "docx"):
            started, started_cpu = time.perf_counter(), time.process_time()
            report(suffix)()  # cold: the first Word run imports python-docx
            cold = time.perf_counter() - started
            # This process's CPU time beside the wall time: on a shared machine the wall
            # time waits for other processes too, the CPU time much less.
            cold_cpu = time.process_time() - started_cpu
            best, _ = timed(report(suffix))
            peak = traced_peak(report(suffix))
            worst = max(cold, best)
            size = (Path(tmp) / f"rapport.{suffix}").stat().st_size
            print(
                f"{'report --charts: ' + suffix:<34} {best * 1000:8.1f} ms   "
                f"peak {peak / 1e6:6.1f} MB"
                f"   (cold run {cold * 1000:.1f} ms, CPU {cold_cpu * 1000:.1f} ms, {size:,} bytes)"
            )
            print(f"ratio report --charts {suffix} / baseline: {best / base:.1f}x")
            passed = worst < LIMIT_SECONDS and peak / 1e6 < LIMIT_MB
            ok = ok and passed
            print(
                f"{'PASS' if passed else 'FAIL'}: report --charts {suffix} "
                f"took {worst:.3f} s at worst "
                f"(limit {LIMIT_SECONDS:.1f} s), peak {peak / 1e6:.1f} MB "
                f"(limit {LIMIT_MB:.0f} MB)"
            )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rss_ok = rss < LIMIT_MB
    print(
        f"{'PASS' if rss_ok else 'FAIL'}: peak RSS of the process {rss:.1f} MB (ru_maxrss; "
        f"limit {LIMIT_MB:.0f} MB)"
    )
    return 0 if ok and rss_ok else 1


if __name__ == "__main__":
    sys.exit(main())
