"""Run every benchmark as one suite and write ``bench/RESULTS.md``.

Why one runner: the benchmarks are plain scripts written by different people (store, ingest,
event streams, key latency, startup, export, the room), each with its own arguments and its
own way of printing. A release needs one answer to "does this machine still meet every
target?", with the machine it was measured on beside the figures, because on a small, shared
2-core laptop the same code can measure very differently from one day to the next. Each
script therefore runs in its own process (one cannot disturb the next, and a crash or a hang
is contained), one after the other (never in parallel: they would measure each other), and
its exit code decides PASS (0) or FAIL (anything else); a script that is not there yet is
MISSING, one that runs too long is TIMEOUT.

Figures: a script may print machine-readable lines, one per figure::

    RESULT {"name": "...", "value": 12.3, "unit": "ms", "baseline": 4.5, "ratio": 2.73,
            "target": "< 100 ms", "pass": true}

(JSON after ``RESULT ``; every key but ``name`` optional). They become the figures table.
What a benchmark's author found out (where the time goes, what was changed) goes in
``bench/notes/NAME.md``, written by hand and quoted under the benchmark's own heading, so it
survives every run.
A script that prints none is still summarised: its lines that mention a ratio, a baseline, a
target, PASS/FAIL or ok are quoted, and its whole output is kept under its own heading.

    python -m bench                       # everything, writes bench/RESULTS.md
    python -m bench --only room store     # some of them; the others' parts of RESULTS.md stay
    python -m bench --arg store=--quick   # extra arguments for one script
    python -m bench --list
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import shlex
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "RESULTS.md"
NOTES = HERE / "notes"

#: name, script, what it measures and against what target (as its author states it).
BENCHMARKS: list[tuple[str, str, str]] = [
    ("store", "store.py", "one answer costs the same in a 20,000-answer session; group commit"),
    ("ingest", "ingest.py", "answers/s and p99 of the real server next to a bare endpoint"),
    ("streams", "streams.py", "server memory with 1,000 open event streams"),
    ("conns", "conns.py", "a phone answers normally while 1,100 idle connections are held"),
    ("keys", "keys.py", "facilitator's key press to screen update while 300 phones answer"),
    ("startup", "startup.py", "time until the command is usable"),
    ("export", "export.py", "Markdown with charts of a 500-person session"),
    ("report", "report.py", "the förvaltning's report over 200 units: under 2 s and 200 MB"),
    ("room", "room.py", "1,000 phones answer one question: within 10 s, p99 < 100 ms"),
]
DEFAULT_TIMEOUT = 900.0
RESULT_LINE = re.compile(r"^RESULT (\{.*\})\s*$")
NOTABLE = re.compile(r"ratio|baseline|target|limit|\bPASS\b|\bFAIL\b|^\s*ok\b|\bp99\b", re.I)


@dataclass
class Outcome:
    name: str
    script: str
    about: str
    status: str = "MISSING"  # PASS, FAIL, ERROR, TIMEOUT, MISSING
    exit_code: int | None = None
    seconds: float = 0.0
    command: list[str] = field(default_factory=list)
    stdout: str = ""
    stderr: str = ""
    figures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def notable(self) -> list[str]:
        lines = [line.rstrip() for line in self.stdout.splitlines()]
        return [line for line in lines if NOTABLE.search(line) and not RESULT_LINE.match(line)]


# ---------------------------------------------------------------- the machine


def machine() -> dict[str, str]:
    """What the figures were measured on: they mean little without it."""
    info: dict[str, str] = {}
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    info["CPU"] = cpu
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    info["Cores"] = f"{usable} usable ({os.cpu_count()} online)"
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith(("MemTotal", "MemAvailable")):
                name, value = line.split(":", 1)
                kib = int(value.split()[0])
                info["Memory" if name == "MemTotal" else "Memory available"] = (
                    f"{kib / 1024 / 1024:.1f} GiB"
                )
    info["Python"] = f"{platform.python_implementation()} {platform.python_version()}"
    info["System"] = f"{platform.system()} {platform.release()}"
    with contextlib.suppress(OSError):
        load = os.getloadavg()
        info["Load average at start"] = " ".join(f"{x:.2f}" for x in load)
    info["Date"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    commit = _git("rev-parse", "--short", "HEAD")
    if commit:
        dirty = _git("status", "--porcelain", "--untracked-files=no")
        info["Commit"] = commit + (" (with uncommitted changes)" if dirty else "")
    return info


def _git(*args: str) -> str:
    """Read-only git queries; empty when git or the repository is not there."""
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


# ---------------------------------------------------------------- running


def run_one(
    name: str, script: str, about: str, extra: list[str], timeout: float, echo: bool
) -> Outcome:
    outcome = Outcome(name, script, about)
    path = HERE / script
    if not path.is_file():
        return outcome
    outcome.command = [sys.executable, str(path.relative_to(ROOT)), *extra]
    began = time.monotonic()
    # Its own process group: a benchmark's servers and clients end with it on a timeout.
    proc = subprocess.Popen(
        outcome.command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        start_new_session=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        outcome.stdout, outcome.stderr = proc.communicate(timeout=timeout)
        outcome.exit_code = proc.returncode
        outcome.status = {0: "PASS", 1: "FAIL"}.get(proc.returncode, "ERROR")
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        outcome.stdout, outcome.stderr = proc.communicate()
        outcome.status = "TIMEOUT"
    outcome.seconds = time.monotonic() - began
    for line in outcome.stdout.splitlines():
        match = RESULT_LINE.match(line)
        if match:
            with contextlib.suppress(ValueError):
                data = json.loads(match.group(1))
                if isinstance(data, dict) and "name" in data:
                    outcome.figures.append(data)
    if echo:
        print(outcome.stdout, end="" if outcome.stdout.endswith("\n") else "\n")
        if outcome.stderr.strip():
            print(
                outcome.stderr, end="" if outcome.stderr.endswith("\n") else "\n", file=sys.stderr
            )
    return outcome


# ---------------------------------------------------------------- the report


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "PASS" if value else "FAIL"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def _fence(text: str) -> str:
    ticks = "```"
    while ticks in text:
        ticks += "`"
    return f"{ticks}text\n{text.rstrip()}\n{ticks}"


@dataclass
class Kept:
    """A benchmark's parts of an earlier RESULTS.md, kept as they were when it is not run."""

    summary: str = ""
    figures: list[str] = field(default_factory=list)
    section: list[str] = field(default_factory=list)


def kept_parts(text: str, names: list[str]) -> dict[str, Kept]:
    """Each benchmark's summary row, figure rows and section in a RESULTS.md this runner wrote."""
    kept: dict[str, Kept] = {}
    part = ""
    current: Kept | None = None
    fenced = ""
    for line in text.splitlines():
        if fenced:
            fenced = "" if line.strip() == fenced else fenced
        elif line.startswith("```"):
            fenced = line[: len(line) - len(line.lstrip("`"))]
        elif line.startswith("## "):
            part = line[3:].strip()
            name = part.split(":", 1)[0]
            current = kept.setdefault(name, Kept()) if ":" in part and name in names else None
        cells = [c.strip() for c in line.split("|")] if line.startswith("| ") else []
        if current is not None:
            current.section.append(line)
        elif cells and len(cells) > 2 and cells[1] in names:
            if part == "Summary":
                kept.setdefault(cells[1], Kept()).summary = line
            elif part == "Figures":
                kept.setdefault(cells[1], Kept()).figures.append(line)
    return kept


def render(
    info: dict[str, str],
    outcomes: list[Outcome],
    total: float,
    kept: dict[str, Kept] | None = None,
) -> str:
    """The report; with ``kept``, the parts of benchmarks not run now come from an earlier
    report, in the suite's order."""
    kept = kept or {}
    ran = {o.name: o for o in outcomes}
    order = [name for name, _, _ in BENCHMARKS if name in ran or name in kept]
    out = [
        "# Benchmark results",
        "",
        f"Written by `python -m bench` (bench/run.py) in {total:.0f} s; do not edit by hand.",
        "Each benchmark runs as its own process, one after the other; its exit code gives",
        "PASS (0) or FAIL. Every figure is measured beside its baseline in the same run, on the",
        "machine below."
        + (
            " Benchmarks not run this time keep their parts from the run before (each section"
            " names its date and commit; the machine may have been busier or quieter)."
            if any(name not in ran for name in order)
            else ""
        ),
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {k} | {_cell(v)} |" for k, v in info.items()),
        "",
        "## Summary",
        "",
        "| benchmark | result | exit code | time | what it measures |",
        "|---|---|---|---|---|",
    ]
    for name in order:
        o = ran.get(name)
        if o is None:
            out.append(kept[name].summary)
            continue
        code = "" if o.exit_code is None else str(o.exit_code)
        seconds = f"{o.seconds:.0f} s" if o.status != "MISSING" else ""
        out.append(f"| {o.name} | **{o.status}** | {code} | {seconds} | {_cell(o.about)} |")
    figure_rows: list[str] = []
    for name in order:
        o = ran.get(name)
        if o is None:
            figure_rows += kept[name].figures
            continue
        for f in o.figures:
            unit = f" {f['unit']}" if f.get("unit") else ""
            value = f"{_cell(f.get('value'))}{unit}" if f.get("value") is not None else ""
            base = f.get("baseline")
            baseline = f"{_cell(base)}{unit}" if base is not None else ""
            ratio = f"{_cell(f.get('ratio'))}x" if f.get("ratio") is not None else ""
            figure_rows.append(
                f"| {o.name} | {_cell(f.get('name'))} | {value} | {baseline} | {ratio} | "
                f"{_cell(f.get('target'))} | {_cell(f.get('pass'))} |"
            )
    if figure_rows:
        out += [
            "",
            "## Figures",
            "",
            "| benchmark | figure | value | baseline | ratio | target | result |",
            "|---|---|---|---|---|---|---|",
            *figure_rows,
        ]
    for name in order:
        o = ran.get(name)
        if o is None:
            out += ["", *kept[name].section]
            while out[-1] == "":
                out.pop()
            continue
        out += ["", f"## {o.name}: {o.status}", "", o.about + "."]
        notes = NOTES / f"{o.name}.md"
        if notes.is_file():
            out += ["", notes.read_text(encoding="utf-8").strip()]
        if o.status == "MISSING":
            out += ["", f"`bench/{o.script}` does not exist yet."]
            continue
        # "python" rather than this machine's interpreter path: RESULTS.md is committed.
        shown = shlex.join(["python", *o.command[1:]])
        when = ", ".join(v for v in (info.get("Date"), info.get("Commit")) if v)
        out += ["", f"`{shown}` ({o.seconds:.1f} s, exit code {o.exit_code}; {when})."]
        if not o.figures and o.notable:
            out += ["", "Lines about targets and ratios:", ""]
            out += [f"- `{line.strip()}`" for line in o.notable[:20]]
        out += ["", "Output:", "", _fence(o.stdout or "(nothing)")]
        if o.stderr.strip():
            out += ["", "Errors and warnings:", "", _fence(o.stderr[-8000:])]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    names = [name for name, _, _ in BENCHMARKS]
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__.split("\n\n")[0] if __doc__ else None
    )
    parser.add_argument("--only", nargs="+", choices=names, metavar="NAME", help=", ".join(names))
    parser.add_argument(
        "--arg",
        action="append",
        default=[],
        metavar="NAME=ARGS",
        help="extra arguments for one benchmark, e.g. store=--quick (repeatable)",
    )
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds each")
    parser.add_argument("--output", type=Path, default=RESULTS, help="default: bench/RESULTS.md")
    parser.add_argument("--quiet", action="store_true", help="do not echo each script's output")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and stop")
    args = parser.parse_args(argv)
    if args.list:
        for name, script, about in BENCHMARKS:
            there = "" if (HERE / script).is_file() else "  (MISSING)"
            print(f"{name:8} bench/{script:11} {about}{there}")
        return 0
    extra: dict[str, list[str]] = {}
    for item in args.arg:
        name, sep, rest = item.partition("=")
        if not sep or name not in names:
            parser.error(f"--arg wants NAME=ARGS with NAME one of {', '.join(names)}")
        extra.setdefault(name, []).extend(shlex.split(rest))

    info = machine()
    began = time.monotonic()
    outcomes = []
    for name, script, about in BENCHMARKS:
        if args.only and name not in args.only:
            continue
        print(f"=== {name} (bench/{script})", flush=True)
        outcome = run_one(name, script, about, extra.get(name, []), args.timeout, not args.quiet)
        print(f"=== {name}: {outcome.status} ({outcome.seconds:.0f} s)", flush=True)
        outcomes.append(outcome)
    total = time.monotonic() - began
    kept: dict[str, Kept] = {}
    if args.only and args.output.is_file():
        kept = kept_parts(args.output.read_text(encoding="utf-8"), names)
        kept = {name: parts for name, parts in kept.items() if name not in args.only}
    args.output.write_text(render(info, outcomes, total, kept), encoding="utf-8")
    print(f"\nwrote {args.output}")
    for o in outcomes:
        print(f"  {o.name:8} {o.status}")
    failed = [o for o in outcomes if o.status not in ("PASS", "MISSING")]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
