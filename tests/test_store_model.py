"""Any sequence of writes, failed writes, folds (asked for, automatic, failed), restarts and
crashes leaves the store equal to a plain dict that saw only the acknowledged writes."""

from __future__ import annotations

import contextlib
import errno
import itertools
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_crash_child import make_info, make_question_set

from mognad_tui.store import SessionStore, StoreFull, create_session
from mognad_tui.store import files as store_files
from mognad_tui.store import session as store_session

questions = st.sampled_from(["q0", "q1", "free"])
slots = st.sampled_from(["a", "b", "c", "d"])
values = st.one_of(st.integers(1, 5), st.text(max_size=8), st.lists(st.sampled_from("abc")))
steps = st.lists(
    st.one_of(
        st.tuples(st.just("put"), questions, slots, values),
        st.tuples(st.just("delete"), questions, slots),
        st.tuples(st.just("note"), st.sampled_from(["p1", "q0"]), st.text(max_size=8)),
        st.tuples(st.just("state"), st.sampled_from(["current", "voting"]), values),
        st.tuples(st.just("full"), questions, slots, values),
        st.tuples(st.just("fold")),
        st.tuples(st.just("fold_full")),
        st.tuples(st.just("reopen")),
        st.tuples(st.just("crash")),
    ),
    max_size=40,
)


class Disk:
    full = False

    def __init__(self) -> None:
        self.real = store_files._fsync

    def fsync(self, fd: int) -> None:
        if self.full:
            raise OSError(errno.ENOSPC, "simulated")
        self.real(fd)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps)
def test_store_matches_a_dict_of_acknowledged_writes(plan: list[tuple]) -> None:
    disk = Disk()
    store_files._fsync = disk.fsync
    fold_every, store_session.FOLD_EVERY = store_session.FOLD_EVERY, 3  # folds all the time
    root = Path(tempfile.mkdtemp(prefix="mognad-model-"))
    counter = itertools.count()
    try:
        path = create_session(root, make_info(), make_question_set())
        store = SessionStore.open(path)
        answers: dict[tuple[str, str], object] = {}
        notes: dict[str, str] = {}
        state: dict[str, object] = {}
        for step in plan:
            kind = step[0]
            if kind == "put":
                store.put_answer(*step[1:]).wait()
                answers[step[1], step[2]] = step[3]
            elif kind == "delete":
                store.delete_answer(*step[1:]).wait()
                answers.pop((step[1], step[2]), None)
            elif kind == "note":
                store.set_note(step[1], step[2]).wait()
                notes[step[1]] = step[2]
                if not step[2]:
                    del notes[step[1]]
            elif kind == "state":
                store.set_state(step[1], step[2]).wait()
                state[step[1]] = step[2]
            elif kind == "full":
                disk.full = True
                durable = store.put_answer(*step[1:])
                try:
                    durable.wait(timeout=10)
                except StoreFull:
                    pass
                else:  # only a write that changed nothing needs no fsync
                    assert answers.get((step[1], step[2])) == step[3]
                disk.full = False
            elif kind == "fold":
                store.fold().wait(timeout=10)
            elif kind == "fold_full":
                disk.full = True
                with contextlib.suppress(StoreFull):
                    store.fold().wait(timeout=10)
                disk.full = False
            elif kind == "reopen":
                store.close()
                store = SessionStore.open(path)
            else:  # crash: continue from a copy of the folder as it is now
                crashed = root / f"crash-{next(counter)}"
                crashed.mkdir()
                # The journal first: the writer may be folding, and it replaces the snapshot
                # before the journal, so this order sees what some crash could leave.
                for name in ("journal.log", "session.json", "writer.lock"):
                    shutil.copy2(path / name, crashed / name)
                store.close()
                path = crashed
                store = SessionStore.open(path)
            for (q, k), v in answers.items():
                assert store.answer_for(q, k) == v
            assert store.total_answers() == len(answers)
            assert store.notes() == notes
            assert {k: store.state(k) for k in state} == state
        store.close()
        with SessionStore.open(path, readonly=True) as reader:
            got = {(q, k): reader.answer_for(q, k) for (q, k) in answers}
            assert got == answers
            assert reader.total_answers() == len(answers)
            assert reader.notes() == notes
    finally:
        store_files._fsync = disk.real
        store_session.FOLD_EVERY = fold_every
        shutil.rmtree(root, ignore_errors=True)
