"""The live writer closes the journal before a rename over it and opens it again by name after.

Windows refuses to rename over an open file, so a fold or a reorder cannot keep the journal's
descriptor across its rename; every platform runs that one path. Each failure point is
injected here: the rename refused (as Windows does when another program holds a file), the
folder's fsync failing after the rename, and the journal failing to open again. Whatever
happens, every acknowledged answer is in the files on disk (a crash copy), never in a journal
a rename unlinked.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from store_crash_child import make_info, make_question_set
from test_store_fold import crash_copy, snapshot

from mognad_tui.store import SessionStore, StoreError, create_session
from mognad_tui.store import files as store_files


def folder_fsync_failing_on_demand(monkeypatch: pytest.MonkeyPatch, code: int) -> dict[str, bool]:
    """The store's folder fsync fails with ``code`` while the returned switch's ``"on"`` is
    true: a disk that refuses only the step a test is about."""
    real = store_files.fsync_dir
    switch = {"on": False}

    def fsync_dir(folder: Path) -> None:
        if switch["on"]:
            raise OSError(code, "simulated")
        real(folder)

    monkeypatch.setattr(store_files, "fsync_dir", fsync_dir)
    return switch


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "sessions"


@pytest.fixture
def session(data_dir: Path) -> Path:
    return create_session(data_dir, make_info(), make_question_set())


def answers_after_a_crash(session: Path, dest: Path) -> list[int]:
    with SessionStore.open(crash_copy(session, dest), readonly=True) as store:
        return store.answers("q0")


def journal_lines(session: Path) -> int:
    return len((session / store_files.JOURNAL).read_bytes().splitlines())


class Refuse:
    """``os.replace`` refusing, while ``on``, to put anything in place of ``name``: what
    Windows does while another program (a reader, an antivirus) holds that file open."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
        self.on = True
        self.refused = 0
        real = os.replace

        def replace(src, dst, **kwargs):
            if self.on and os.path.basename(dst) == name:
                self.refused += 1
                raise PermissionError(errno.EACCES, "Permission denied", str(src))
            return real(src, dst, **kwargs)

        monkeypatch.setattr(os, "replace", replace)


def test_answers_after_a_reorder_and_a_fold_land_in_the_journal_on_disk(
    data_dir: Path, session: Path
) -> None:
    """Not in the journal the rename replaced: on Linux a descriptor kept across the rename
    would append to the unlinked file and lose what was acknowledged."""
    with SessionStore.open(session) as store:
        for i in range(3):
            store.put_answer("q0", f"s{i}", i).wait()
        store.reorder().wait(30)
        store.put_answer("q0", "s3", 3).wait()
        assert answers_after_a_crash(session, data_dir / "after-reorder") == [0, 1, 2, 3]
        store.fold().wait(30)
        store.put_answer("q0", "s4", 4).wait()
        assert answers_after_a_crash(session, data_dir / "after-fold") == [0, 1, 2, 3, 4]
    with SessionStore.open(session, readonly=True) as store:
        assert store.answers("q0") == [0, 1, 2, 3, 4]


def test_a_reorder_whose_rename_is_refused_keeps_the_old_journal_and_appends_to_it(
    data_dir: Path, session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    refuse = Refuse(monkeypatch, store_files.JOURNAL)
    with SessionStore.open(session) as store:
        for i in range(3):
            store.put_answer("q0", f"s{i}", i).wait()
        with pytest.raises(StoreError):
            store.reorder().wait(30)
        assert refuse.refused == 1
        assert not (session / f".{store_files.JOURNAL}.tmp").exists()
        store.put_answer("q0", "s3", 3).wait()  # the old journal, opened again by name
        assert journal_lines(session) == 5  # header, three answers in arrival order, one more
        assert answers_after_a_crash(session, data_dir / "refused") == [0, 1, 2, 3]
        refuse.on = False
        store.reorder().wait(30)
        assert journal_lines(session) == 2
        store.put_answer("q0", "s4", 4).wait()
        assert answers_after_a_crash(session, data_dir / "allowed") == [0, 1, 2, 3, 4]


def test_a_fold_whose_snapshot_rename_is_refused_keeps_the_old_generation_working(
    data_dir: Path, session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    refuse = Refuse(monkeypatch, store_files.SNAPSHOT)
    with SessionStore.open(session) as store:
        for i in range(3):
            store.put_answer("q0", f"s{i}", i).wait()
        generation = snapshot(session)["generation"]
        with pytest.raises(StoreError):
            store.fold().wait(30)
        assert snapshot(session)["generation"] == generation
        store.put_answer("q0", "s3", 3).wait()
        assert answers_after_a_crash(session, data_dir / "refused") == [0, 1, 2, 3]
        refuse.on = False
        store.fold().wait(30)
        assert snapshot(session)["generation"] == generation + 1
        store.put_answer("q0", "s4", 4).wait()
        assert answers_after_a_crash(session, data_dir / "allowed") == [0, 1, 2, 3, 4]


def test_a_reorder_whose_folder_fsync_fails_after_the_rename_carries_on_in_the_new_journal(
    data_dir: Path, session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing = folder_fsync_failing_on_demand(monkeypatch, errno.EIO)
    with SessionStore.open(session) as store:
        for i in range(3):
            store.put_answer("q0", f"s{i}", i).wait()
        failing["on"] = True
        with pytest.raises(StoreError):
            store.reorder().wait(30)
        assert journal_lines(session) == 2  # renamed: the reordered journal is in place
        with pytest.raises(StoreError):  # its fsync is tried again first, and fails again
            store.put_answer("q0", "s3", 3).wait(30)
        assert store.answer_for("q0", "s3") is None
        failing["on"] = False
        store.put_answer("q0", "s3", 3).wait()
        assert journal_lines(session) == 3  # appended to the new journal, by name
        assert answers_after_a_crash(session, data_dir / "crashed") == [0, 1, 2, 3]


@pytest.mark.parametrize("after", ["reorder", "fold"])
def test_a_journal_that_cannot_be_opened_again_fails_the_next_write_only(
    data_dir: Path, session: Path, monkeypatch: pytest.MonkeyPatch, after: str
) -> None:
    """The rename went through but the journal cannot be opened again (too many open files):
    the answer that needed it is refused, not acknowledged, and the next one opens it."""
    real = store_files.open_journal
    failing = {"on": True}

    def open_journal(folder: Path) -> int:
        if failing["on"]:
            raise OSError(errno.EMFILE, "Too many open files")
        return real(folder)

    with SessionStore.open(session) as store:
        for i in range(3):
            store.put_answer("q0", f"s{i}", i).wait()
        monkeypatch.setattr(store_files, "open_journal", open_journal)
        (store.reorder() if after == "reorder" else store.fold()).wait(30)
        with pytest.raises(StoreError):
            store.put_answer("q0", "s3", 3).wait(30)
        assert store.answer_for("q0", "s3") is None
        failing["on"] = False
        store.put_answer("q0", "s3", 3).wait()
        assert answers_after_a_crash(session, data_dir / "crashed") == [0, 1, 2, 3]
    with SessionStore.open(session, readonly=True) as store:
        assert store.answers("q0") == [0, 1, 2, 3]
