"""A pytest plugin for the store's mutation shards (``SHARD_OPTIONS`` in tests/mutation_shard.py).

A mutant that makes the journal writer's thread die on an exception leaves every write waiting
on a future nobody resolves: its tests hung until their timeout, 30 s each, a third of a shard's
time. A thread that dies on an exception is a failure a user would see (a traceback on the
terminal, writes that never come back), so here it ends the mutant's run at once as a failed
test run (exit status 1: mutmut's "killed").

Only in a mutant's run: mutmut's own runs (mapping the tests, the clean run) keep pytest's
behaviour, so an exception there still shows as pytest's warning and the clean run must pass.
Not a test module (pytest collects only ``test_*.py``); loaded with ``-p
tests.mutation_thread_crash`` from a shard's working copy.
"""

from __future__ import annotations

import os
import threading

import pytest

#: What mutmut sets ``MUTANT_UNDER_TEST`` to outside a mutant's own run.
_NOT_A_MUTANT = {"", "stats", "fail", "mutant_generation"}


@pytest.hookimpl(trylast=True)  # after pytest's threadexception plugin installed its hook
def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("MUTANT_UNDER_TEST", "") in _NOT_A_MUTANT:
        return
    previous = threading.excepthook

    def crashed(args: threading.ExceptHookArgs) -> None:
        previous(args)
        os._exit(1)

    threading.excepthook = crashed
