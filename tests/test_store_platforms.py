"""Durability per platform, each branch tested by injecting that platform's primitive.

Linux: ``fsync`` on files and folders. macOS: ``F_FULLFSYNC`` (plain ``fsync`` leaves the data
in the drive's cache), falling back to ``fsync`` only where the filesystem refuses it. Windows:
no folder can be opened, so no folder fsync (see also ``test_windows_sim.py``, which runs the
command line that way). A failure that means data was not written is raised on every platform.
"""

from __future__ import annotations

import errno
import os
import types
from pathlib import Path

import pytest
from store_crash_child import make_info, make_question_set
from windows_sim import refusing_renames

from mognad_tui.store import SessionStore, StoreError, StoreFull, create_session, files

F_FULLFSYNC = 51  # the value on macOS


class FakeFcntl:
    """``fcntl`` as macOS has it, recording every F_FULLFSYNC and failing on request."""

    F_FULLFSYNC = F_FULLFSYNC

    def __init__(self, fail: int | None = None) -> None:
        self.full = 0
        self.fail = fail

    def fcntl(self, fd: int, cmd: int, arg: int = 0) -> int:
        assert cmd == F_FULLFSYNC
        os.fstat(fd)  # a real, open descriptor
        if self.fail is not None:
            raise OSError(self.fail, os.strerror(self.fail))
        self.full += 1
        return 0


@pytest.mark.parametrize("platform", ["linux", "win32"])
def test_linux_and_windows_use_fsync(platform: str) -> None:
    assert files.choose_fsync(platform, FakeFcntl()) is os.fsync


def test_macos_without_f_fullfsync_uses_fsync() -> None:
    assert files.choose_fsync("darwin", types.SimpleNamespace(fcntl=None)) is os.fsync


def test_every_commit_on_macos_reaches_the_platter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeFcntl()
    monkeypatch.setattr(files, "_fsync", files.choose_fsync("darwin", fake))
    session = create_session(tmp_path, make_info(), make_question_set())
    made = fake.full
    assert made >= 2  # the snapshot and journal of a new session
    with SessionStore.open(session) as store:
        before = fake.full
        store.put_answer("q0", "s1", 3).wait()
        assert fake.full > before  # acknowledged only after F_FULLFSYNC
    with SessionStore.open(session, readonly=True) as store:
        assert store.answers("q0") == [3]


@pytest.mark.parametrize("refusal", [errno.ENOTSUP, errno.EINVAL, errno.ENOTTY])
def test_a_filesystem_that_refuses_f_fullfsync_falls_back_to_fsync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, refusal: int
) -> None:
    synced: list[int] = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real(fd))[1])
    full_fsync = files.choose_fsync("darwin", FakeFcntl(fail=refusal))
    fd = os.open(tmp_path / "f", os.O_WRONLY | os.O_CREAT)
    try:
        full_fsync(fd)
    finally:
        os.close(fd)
    assert synced == [fd]


@pytest.mark.parametrize("failure", [errno.EIO, errno.ENOSPC])
def test_a_real_failure_of_f_fullfsync_is_never_acknowledged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: int
) -> None:
    session = create_session(tmp_path, make_info(), make_question_set())
    with SessionStore.open(session) as store:
        monkeypatch.setattr(files, "_fsync", files.choose_fsync("darwin", FakeFcntl(failure)))
        with pytest.raises(StoreError) as raised:
            store.put_answer("q0", "s1", 3).wait()
        assert isinstance(raised.value, StoreFull) == (failure == errno.ENOSPC)
        monkeypatch.setattr(files, "_fsync", os.fsync)
        assert store.answers("q0") == []


def test_without_folder_fsync_no_folder_is_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows: the store makes, writes, reorders, folds and closes a session without opening a
    folder, and without renaming a file it holds open or renaming over one."""
    real_open = os.open

    def no_folders(path, flags, mode=0o777, *, dir_fd=None):
        if os.path.isdir(path):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, mode, dir_fd=dir_fd)

    monkeypatch.setattr(files, "FOLDER_FSYNC", False)
    monkeypatch.setattr(os, "open", no_folders)
    monkeypatch.setattr(os, "replace", refusing_renames(os.replace))
    monkeypatch.setattr(os, "rename", refusing_renames(os.rename))
    session = create_session(tmp_path, make_info(), make_question_set())
    with SessionStore.open(session) as store:
        for n in range(30):  # past the reorder bound
            store.put_answer("q0", f"s{n}", n % 5 + 1).wait()
        store.reorder().wait()
        store.fold().wait()
        store.put_answer("q0", "s30", 1).wait()
    with SessionStore.open(session, readonly=True) as store:
        assert len(store.answers("q0")) == 31


def test_an_os_module_without_o_directory_still_opens_a_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows' ``os`` has no ``O_DIRECTORY``: taking the folder's lock must do without it
    (there the open fails and the lock file alone holds), never stop on a missing name."""
    session = create_session(tmp_path / "sessions", make_info(), make_question_set())
    monkeypatch.delattr(os, "O_DIRECTORY")
    with SessionStore.open(session) as store:
        store.put_answer("q0", "s1", 3).wait(timeout=30)
    with SessionStore.open(session, readonly=True) as reader:
        assert reader.answers("q0") == [3]
