"""bench/run.py: a partial run (``--only``) rewrites its own benchmarks' parts of RESULTS.md
and keeps every other benchmark's parts as they were, in the suite's order."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run  # noqa: E402


def outcome(name: str, status: str, stdout: str) -> run.Outcome:
    script = f"{name}.py"
    return run.Outcome(
        name, script, f"about {name}", status, 0 if status == "PASS" else 1, 1.0,
        ["python", f"bench/{script}"], stdout, "",
        [{"name": f"{name} figure", "value": 1.0, "target": "t", "pass": status == "PASS"}],
    )  # fmt: skip


def test_a_partial_run_keeps_the_other_benchmarks_parts() -> None:
    info = {"Date": "2026-01-01 00:00 UTC", "Commit": "abc1234"}
    names = [name for name, _, _ in run.BENCHMARKS]
    first = run.render(
        info,
        [
            outcome("store", "PASS", "store old output\n## not a heading inside a fence\n"),
            outcome("ingest", "FAIL", "ingest old output\n"),
            outcome("room", "PASS", "room old output\n"),
        ],
        3.0,
    )
    kept = run.kept_parts(first, names)
    kept.pop("ingest")
    second = run.render(info, [outcome("ingest", "PASS", "ingest new output\n")], 1.0, kept)

    assert "store old output" in second and "room old output" in second
    assert "## not a heading inside a fence" in second
    assert "ingest new output" in second and "ingest old output" not in second
    assert "| ingest | **PASS** |" in second and "| ingest | **FAIL** |" not in second
    assert second.count("| store | store figure |") == 1
    assert second.count("| room | room figure |") == 1
    headings = [line for line in second.splitlines() if line.endswith(": PASS")]
    assert headings == ["## store: PASS", "## ingest: PASS", "## room: PASS"]
    assert "keep their parts from the run before" in second
