"""Paths of ``store/files.py`` that only a rare failure takes, driven in this process.

A mutation run of the module (tests/MUTATION.md) found them reached by no in-process test: the
torn line cut off a journal when the opening fold finds no room, the clean-up of a session
whose creation failed half-way, and the exports folder ``mognad close`` removes (until now
only run in a ``mognad`` subprocess, which a mutant cannot reach).
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
from pathlib import Path

import pytest
from store_crash_child import make_info, make_question_set
from test_store_reopen import folder_fsync_failing_on_demand

from mognad_tui.store import SessionStore, StoreError, StoreFull, create_session, files
from mognad_tui.store.closing import EXPORTS, close_session


@pytest.fixture
def session(tmp_path: Path) -> Path:
    return create_session(tmp_path / "sessions", make_info(), make_question_set())


def refuse_snapshots(monkeypatch: pytest.MonkeyPatch) -> None:
    """No room for a snapshot (a whole session.json); journal lines still fit."""
    real = files._write

    def write(fd: int, data) -> int:
        if bytes(data[:12]) == b'{"format":"m':
            raise OSError(errno.ENOSPC, "simulated")
        return real(fd, data)

    monkeypatch.setattr(files, "_write", write)


def test_a_torn_line_is_cut_off_when_the_opening_fold_finds_no_room(
    session: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash tore the journal's last line, and the disk is too full for the fold a writer
    makes on opening. The writer carries on in the journal as it is: it must cut the torn
    bytes off first, else its next line lands after them and the session reads as damaged
    (a bad line with good ones after it) the next time it is opened."""
    with SessionStore.open(session) as store:
        for n in range(3):
            store.put_answer("q0", f"s{n}", n + 1).wait(timeout=30)
        crashed = Path(shutil.copytree(session, tmp_path / "crashed"))
    line = files.encode_line('[["p","answers",99,{"q":"q0","k":"torn","v":1}]]')
    with open(crashed / files.JOURNAL, "ab") as journal:
        journal.write(line[:-9])  # the crash came in the middle of this write
    refuse_snapshots(monkeypatch)
    with SessionStore.open(crashed) as writer:
        assert writer.total_answers() == 3
        writer.put_answer("q0", "after", 5).wait(timeout=30)
    monkeypatch.undo()
    with SessionStore.open(crashed, readonly=True) as reader:
        assert sorted(reader.answers("q0")) == [1, 2, 3, 5]
        assert reader.answer_for("q0", "torn") is None


def test_a_session_whose_creation_fails_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk while a session is made: the facilitator is told, and the half-made
    folder (under a hidden name) is removed, so it neither fills the disk further nor turns
    up later; the same name can be used once there is room."""
    data_dir = tmp_path / "sessions"
    data_dir.mkdir()
    refuse_snapshots(monkeypatch)
    with pytest.raises(StoreFull):
        create_session(data_dir, make_info(), make_question_set())
    assert list(data_dir.iterdir()) == []
    monkeypatch.undo()
    made = create_session(data_dir, make_info(), make_question_set())
    assert [p.name for p in data_dir.iterdir()] == [made.name]


def test_closing_removes_the_exports_that_quote_free_text(session: Path) -> None:
    exports = session / EXPORTS
    (exports / "bilder").mkdir(parents=True)
    (exports / "plan.md").write_text("Någon skrev: ett namn", "utf-8")
    (exports / "bilder" / "a.png").write_bytes(b"png")
    close_session(session, lambda record: {})
    assert not exports.exists()
    with SessionStore.open(session, readonly=True) as reader:
        assert reader.is_closed_for_good()


def test_closing_says_so_when_the_exports_cannot_be_removed(
    session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An export that stays would keep quoting the free text closing deleted: a clear error
    (run it again), never a close that reports success."""
    exports = session / EXPORTS
    exports.mkdir()
    (exports / "plan.md").write_text("Någon skrev: ett namn", "utf-8")
    real_unlink = os.unlink

    def unlink(path, *args, **kwargs):
        if str(path).endswith("plan.md"):
            raise PermissionError(errno.EACCES, "simulated", str(path))
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", unlink)
    with pytest.raises(StoreError) as refused:
        close_session(session, lambda record: {})
    assert "exports" in str(refused.value)
    assert (exports / "plan.md").exists()


def test_a_clean_up_that_fails_too_does_not_hide_the_full_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The half-made folder cannot be removed either (the same full or failing disk): the
    facilitator must still hear that the disk is full, not a traceback from the clean-up."""
    data_dir = tmp_path / "sessions"
    data_dir.mkdir()
    refuse_snapshots(monkeypatch)
    real_rmdir = os.rmdir

    def rmdir(path, *args, **kwargs):
        raise PermissionError(errno.EACCES, "simulated", str(path))

    monkeypatch.setattr(os, "rmdir", rmdir)
    with pytest.raises(StoreFull) as refused:
        create_session(data_dir, make_info(), make_question_set())
    assert refused.value.path == data_dir / make_info().name
    monkeypatch.setattr(os, "rmdir", real_rmdir)


def test_an_io_error_when_a_reorder_syncs_the_folder_names_its_cause(
    session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reordered journal is in place but the folder's fsync failed: the error says what
    the disk said, for whoever reads the log, and the writer tries again on the next append."""
    failing = folder_fsync_failing_on_demand(monkeypatch, errno.EIO)
    with SessionStore.open(session) as store:
        for i in range(3):
            store.put_answer("q0", f"s{i}", i).wait(timeout=30)
        failing["on"] = True
        with pytest.raises(StoreError) as info:
            store.reorder().wait(timeout=30)
        failing["on"] = False
        assert not isinstance(info.value, StoreFull)
        assert info.value.reason == "Could not reorder the journal: simulated."
        store.put_answer("q0", "s9", 9).wait(timeout=30)
    with SessionStore.open(session, readonly=True) as reader:
        assert sorted(reader.answers("q0")) == [0, 1, 2, 9]


def test_a_read_that_races_a_fold_is_told_to_read_again_and_a_missing_journal_is_none(
    tmp_path: Path,
) -> None:
    """A reader got the new generation's journal but the old snapshot: it must read again
    (``RetryRead``), never apply nothing and show fewer answers than there are. With no
    journal at all the snapshot alone is the state."""
    folder = tmp_path / "s"
    folder.mkdir()
    files.write_generation(folder, 1, {"answers": {"1": {"v": 1}}})
    (folder / files.JOURNAL).write_bytes(files.journal_header(2))
    with pytest.raises(files.RetryRead):
        files.load(folder)
    (folder / files.JOURNAL).unlink()
    loaded = files.load(folder)
    assert loaded.tables == {"answers": {"1": {"v": 1}}}
    assert not loaded.journal_current


def test_a_data_folder_with_missing_parents_is_made_like_mkdir_p(tmp_path: Path) -> None:
    """``mognad new`` in a data folder nobody made yet: every missing parent is made, with
    the permissions ``mkdir -p`` would give (the sessions inside keep theirs, 0700)."""
    umask = os.umask(0)
    os.umask(umask)
    data_dir = tmp_path / "a" / "b" / "sessions"
    made = create_session(data_dir, make_info(), make_question_set())
    for folder in (tmp_path / "a", tmp_path / "a" / "b", data_dir):
        assert folder.stat().st_mode & 0o777 == 0o777 & ~umask
    assert made.stat().st_mode & 0o777 == files.DIR_MODE


def test_a_data_folder_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    data_dir = tmp_path / "sessions"
    data_dir.write_text("not a folder")
    with pytest.raises(StoreError) as refused:
        create_session(data_dir, make_info(), make_question_set())
    assert refused.value.reason == "Could not create the session: File exists."


def test_a_parent_that_cannot_be_read_does_not_stop_a_new_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A parent folder one may write in but not read (so not open to fsync it): the data
    folder is made all the same."""
    real = files.fsync_dir

    def fsync_dir(folder: Path) -> None:
        if folder == tmp_path:
            raise PermissionError(errno.EACCES, "simulated", str(folder))
        real(folder)

    monkeypatch.setattr(files, "fsync_dir", fsync_dir)
    made = create_session(tmp_path / "sessions", make_info(), make_question_set())
    assert made.is_dir()


def test_a_write_that_writes_nothing_is_a_full_disk_not_a_hang(
    session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that reports 0 bytes written will never finish: it is treated as a full disk
    (the answer refused, the phone told), not retried for ever while the phone waits."""
    real = files._write
    stuck = {"on": False, "calls": 0}

    def write(fd: int, data) -> int:
        if not stuck["on"]:
            return real(fd, data)
        stuck["calls"] += 1
        # A writer that would loop for ever ends here instead (the store reports this bug as
        # a plain StoreError, which the test tells apart from the full disk it wants).
        assert stuck["calls"] < 1000, "the writer retried a write that writes nothing"
        return 0

    monkeypatch.setattr(files, "_write", write)
    with SessionStore.open(session) as store:
        stuck["on"] = True
        with pytest.raises(StoreFull):
            store.put_answer("q0", "s1", 1).wait(timeout=30)
        stuck["on"] = False
        store.put_answer("q0", "s2", 2).wait(timeout=30)
    with SessionStore.open(session, readonly=True) as reader:
        assert reader.answers("q0") == [2]


def test_short_writes_still_save_every_byte(session: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write may take only part of what it was given (a pipe, a network disk): the rest is
    written after it, so a line is never acknowledged half on disk."""
    real = files._write
    monkeypatch.setattr(files, "_write", lambda fd, data: real(fd, bytes(data[:7])))
    with SessionStore.open(session) as store:
        for n in range(3):
            store.put_answer("q0", f"s{n}", n + 1).wait(timeout=30)
        store.fold().wait(timeout=30)
        store.put_answer("q0", "s9", 9).wait(timeout=30)
    with SessionStore.open(session, readonly=True) as reader:
        assert sorted(reader.answers("q0")) == [1, 2, 3, 9]


@pytest.mark.parametrize(
    ("code", "fails"), [(errno.EINVAL, False), (errno.EIO, True)], ids=["einval", "eio"]
)
def test_a_folder_fsync_fails_loudly_unless_the_filesystem_cannot_do_it(
    session: Path, monkeypatch: pytest.MonkeyPatch, code: int, fails: bool
) -> None:
    """Some filesystems refuse to fsync a folder (EINVAL): nothing better can be done, and
    the meeting goes on. Any other failure means a rename may not be on disk: reported."""
    real = files._fsync

    def fsync(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(code, "simulated")
        real(fd)

    monkeypatch.setattr(files, "_fsync", fsync)
    with SessionStore.open(session) as store:
        store.put_answer("q0", "s1", 1).wait(timeout=30)
        if fails:
            with pytest.raises(StoreError):
                store.fold().wait(timeout=30)
        else:
            store.fold().wait(timeout=30)
        monkeypatch.setattr(files, "_fsync", real)
    with SessionStore.open(session, readonly=True) as reader:
        assert reader.answers("q0") == [1]
