"""Benchmark: export a large session to Markdown with charts in under one second, and to
HTML and Word (docx) in under two seconds each.

A session of 500 participants, 30 survey questions (six dimensions of five statements, each
with 500 answers), five importance companions and 50 action items is exported the way
``mognad export --format md --charts -o plan.md`` does it: SVG charts written to a folder, then
the Markdown rendered. Reported: wall time, peak Python memory (tracemalloc) and the process's
peak resident size (ru_maxrss), against a baseline measured in the same run on the same record
(``json.dumps`` of the raw data), so a slow machine shows as a slow baseline too.

The HTML plan (inline SVG charts) and the Word plan (PNG charts from matplotlib) are timed the
same way; the Word plan's first run imports python-docx and matplotlib (nothing has imported
them before it), so its cold time includes the charting library's import.

    .venv/bin/python bench/export.py    # exit 1 if Markdown takes 1 s or more, html/docx 2 s
"""

from __future__ import annotations

import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import TypeVar

# Run from a checkout without installing: the repository root holds the package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import timed, traced_peak

from mognad_tui.export.charts import chart_svgs, write_charts
from mognad_tui.export.docx import render_docx
from mognad_tui.export.html import render_html
from mognad_tui.export.markdown import render_markdown
from mognad_tui.export.plan import PlanSource
from mognad_tui.model import (
    DONT_KNOW,
    IMPORTANCE_SUFFIX,
    ActionItem,
    Dimension,
    Kind,
    Need,
    NeedKind,
    Option,
    Priority,
    Prompt,
    Question,
    QuestionSet,
    SessionInfo,
    SessionRecord,
    Step,
)

PARTICIPANTS = 500
DIMENSIONS = 6
PER_DIMENSION = 5
ACTIONS = 50
LIMIT_SECONDS = 1.0
#: The HTML and Word plans, each, the charting library's import included.
LIMIT_DOCUMENT_SECONDS = 2.0
T = TypeVar("T")


def big_session() -> SessionRecord:
    rng = random.Random(2026)
    scale = (
        *(
            Option(i, label)
            for i, label in enumerate(["Inte alls", "Lite", "Delvis", "Mest", "Helt"], 1)
        ),
        Option(DONT_KNOW, "Vet ej"),
    )
    importance = tuple(Option(v, v) for v in ("low", "medium", "high"))
    dims = tuple(Dimension(f"d{i}", f"Dimension {i}", "A") for i in range(DIMENSIONS))
    survey: list[Question] = []
    for d in dims:
        for j in range(PER_DIMENSION):
            q = Question(f"{d.id}.q{j}", Kind.SCALE, f"Påstående {j} om {d.title}.", scale, d.id)
            survey.append(q)
            if j == 0:
                survey.append(
                    Question(
                        q.id + IMPORTANCE_SUFFIX,
                        Kind.SINGLE,
                        "Hur viktigt?",
                        importance,
                        d.id,
                        importance_of=q.id,
                    )
                )
    prompts = {
        n: tuple(Prompt(f"s{n}.p{k}", f"Samtalsfråga {k} i steg {n}?") for k in range(5))
        for n in (1, 3, 4)
    }
    qset = QuestionSet(
        id="bench",
        version="1",
        lang="sv",
        title="Bench",
        description="",
        steps=(
            Step(1, "Dialog", prompts[1]),
            Step(2, "Självskattning", tuple(survey)),
            Step(3, "Dialog", prompts[3]),
            Step(4, "Plan", prompts[4]),
        ),
        dimensions=dims,
    )
    info = SessionInfo("bench", "Förvaltningen för bänktester", "2026-11-26", "bench", "sv", 3)
    record = SessionRecord(info=info, question_set=qset)
    for q in survey:
        if q.importance_of:
            record.answers[q.id] = [
                rng.choice(("low", "medium", "high")) for _ in range(PARTICIPANTS)
            ]
        else:
            record.answers[q.id] = [
                rng.choice((1, 2, 3, 4, 5, DONT_KNOW)) for _ in range(PARTICIPANTS)
            ]
    for items in prompts.values():
        for p in items:
            record.notes[p.id] = "\n".join(f"Anteckning {k} om {p.text}" for k in range(10))
    record.needs = [
        Need(
            f"n{i}",
            NeedKind.COMPETENCE if i % 2 else NeedKind.CHANGE,
            f"Behov {i}",
            dims[i % DIMENSIONS].id,
        )
        for i in range(20)
    ]
    record.actions = [
        ActionItem(
            f"a{i}",
            f"Åtgärd nummer {i} med en lagom lång beskrivning",
            f"Person {i}",
            f"2027-{1 + i % 12:02d}-15",
            priority=list(Priority)[i % 3],
            follow_up="Följs upp på APT",
            need=f"n{i % 20}",
        )
        for i in range(ACTIONS)
    ]
    return record


def main() -> int:
    record = big_session()
    previous = big_session()
    answers = sum(len(v) for v in record.answers.values())
    print(
        f"session: {PARTICIPANTS} participants, {DIMENSIONS * PER_DIMENSION} questions, "
        f"{answers} answers, {len(record.actions)} action items, with a previous session"
    )

    def baseline() -> str:
        return json.dumps(
            {
                "answers": record.answers,
                "notes": record.notes,
                "actions": [a.to_dict() for a in record.actions],
            },
            ensure_ascii=False,
        )

    with tempfile.TemporaryDirectory() as tmp:
        first = Path(tmp) / "plan-charts"

        def export() -> str:
            charts = write_charts(PlanSource(record, previous, lang="sv"), first)
            text = render_markdown(PlanSource(record, previous), charts=charts)
            (Path(tmp) / "plan.md").write_text(text, encoding="utf-8")
            return text

        started = time.perf_counter()
        export()  # a cold run: what one `mognad export` pays, imports already done
        cold = time.perf_counter() - started
        export_time, text = timed(export)
        base_time, _ = timed(baseline)
        md_time, _ = timed(lambda: render_markdown(PlanSource(record, previous)))
        export_peak = traced_peak(export)
        base_peak = traced_peak(baseline)

        def export_html() -> str:
            svgs = chart_svgs(PlanSource(record, previous, lang="sv"))
            html = render_html(PlanSource(record, previous), charts=svgs)
            (Path(tmp) / "plan.html").write_text(html, encoding="utf-8")
            return html

        def export_docx() -> bytes:
            data = render_docx(PlanSource(record, previous))
            (Path(tmp) / "plan.docx").write_bytes(data)
            return data

        documents: dict[str, tuple[float, float, int, float]] = {}
        for name, work in (("html", export_html), ("docx", export_docx)):
            imported = "matplotlib" in sys.modules
            started, cpu = time.perf_counter(), time.process_time()
            work()  # cold: for docx this run imports python-docx and matplotlib
            doc_cold = time.perf_counter() - started
            cold_cpu = time.process_time() - cpu
            doc_time, doc = timed(work, repeat=2)
            documents[name] = (doc_cold, doc_time, len(doc), cold_cpu)
            if name == "docx" and imported:  # pragma: no cover - a guard on the bench itself
                print("note: matplotlib was imported before the Word run; cold time excludes it")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    worst = max(cold, export_time)
    ratio = export_time / base_time if base_time else float("inf")
    print(
        f"{'baseline: json.dumps of the record':<36} {base_time * 1000:8.1f} ms   "
        f"peak {base_peak / 1e6:6.1f} MB"
    )
    print(
        f"{'export: Markdown + SVG charts':<36} {export_time * 1000:8.1f} ms   "
        f"peak {export_peak / 1e6:6.1f} MB   (cold run {cold * 1000:.1f} ms)"
    )
    print(f"{'  of which Markdown alone':<36} {md_time * 1000:8.1f} ms")
    print(f"Markdown: {len(text):,} characters; peak RSS of the process {rss:.1f} MB (ru_maxrss)")
    print(f"ratio export / baseline: {ratio:.1f}x")
    for name, (doc_cold, doc_time, size, cold_cpu) in documents.items():
        label = f"export: {name} plan + charts"
        # CPU time beside wall time: on a shared machine the wall time also measures the load.
        print(
            f"{label:<36} {doc_time * 1000:8.1f} ms   {size:,} bytes   "
            f"(cold run {doc_cold * 1000:.1f} ms, {cold_cpu * 1000:.1f} ms CPU)"
        )
    ok = worst < LIMIT_SECONDS
    print(
        f"{'PASS' if ok else 'FAIL'}: export took {worst:.3f} s at worst "
        f"(limit {LIMIT_SECONDS:.1f} s)"
    )
    for name, (doc_cold, doc_time, _, _) in documents.items():
        doc_worst = max(doc_cold, doc_time)
        doc_ok = doc_worst < LIMIT_DOCUMENT_SECONDS
        ok = ok and doc_ok
        print(
            f"{'PASS' if doc_ok else 'FAIL'}: {name} took {doc_worst:.3f} s at worst "
            f"(limit {LIMIT_DOCUMENT_SECONDS:.1f} s)"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
