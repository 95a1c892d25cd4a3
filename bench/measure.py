"""Timing and memory helpers shared by the benchmarks that render documents (export, report).

Kept free of heavy imports: a benchmark that measures a cold import (matplotlib, python-docx)
must not have it loaded by its helpers first.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def timed(work: Callable[[], T], repeat: int = 3) -> tuple[float, T]:
    """Best wall time of ``repeat`` runs (the first includes warm-up), without tracemalloc:
    tracing every allocation makes Python code several times slower than it really is."""
    best = float("inf")
    result: T | None = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - started)
    return best, result  # type: ignore[return-value]


def traced_peak(work: Callable[[], object]) -> int:
    """Peak Python memory of one run, measured in a separate pass under tracemalloc."""
    tracemalloc.start()
    work()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak
