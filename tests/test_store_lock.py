"""The writer lock against real processes: a removed or replaced ``writer.lock``, writers
racing for one session, kill -9, and the same on Windows' locking primitive (simulated, see
``windows_sim.py``)."""

from __future__ import annotations

import os
import queue
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from store_crash_child import make_info, make_question_set

from mognad_tui.store import (
    SessionLocked,
    SessionStore,
    StoreError,
    create_session,
    files,
    list_sessions,
    lock,
)
from mognad_tui.store.lock import is_locked

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
TIMEOUT = 60


class Contender:
    """A ``lock_child.py`` process: one command in, one line out."""

    def __init__(self, session: Path, *, windows: bool = False) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(TESTS)])}
        script = ["windows_sim.py", "lock_child"] if windows else ["lock_child.py"]
        self.proc = subprocess.Popen(
            [sys.executable, *script, str(session)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=TESTS,
            env=env,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        assert self.reply() == "ready"

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.strip())
        self.lines.put("<exit>")

    def send(self, command: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def reply(self) -> str:
        try:
            return self.lines.get(timeout=TIMEOUT)
        except queue.Empty:  # most likely hung: killed, or stop() would wait on it too
            self.proc.kill()
            raise AssertionError(f"no reply; stderr: {self.stop()}") from None

    def ask(self, command: str) -> str:
        self.send(command)
        return self.reply()

    def stop(self) -> str:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
        self.proc.wait(timeout=TIMEOUT)
        assert self.proc.stderr is not None
        return self.proc.stderr.read()

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=TIMEOUT)


@pytest.fixture
def session(tmp_path: Path) -> Path:
    return create_session(tmp_path / "sessions", make_info(), make_question_set())


def answers_on_disk(session: Path) -> set[str]:
    with SessionStore.open(session, readonly=True) as store:
        return {k for k in store._answers.get("q0", {})}


def remove_lock_file(session: Path) -> None:
    (session / "writer.lock").unlink(missing_ok=True)


def replace_lock_file(session: Path) -> None:
    fresh = session / ".writer.lock.new"
    fresh.write_bytes(b"")
    os.replace(fresh, session / "writer.lock")


@pytest.mark.parametrize("tamper", [remove_lock_file, replace_lock_file])
def test_a_removed_or_replaced_lock_file_never_lets_a_second_writer_in(
    session: Path, tamper
) -> None:
    first = Contender(session)
    try:
        assert first.ask("open") == "won"
        acked = {first.ask(f"answer {i}").split()[1] for i in range(5)}
        tamper(session)
        with pytest.raises(SessionLocked):  # in this process...
            SessionStore.open(session)
        second = Contender(session)  # ...and in another one
        assert second.ask("open") == "locked"
        assert second.ask("probe") == "locked"
        [summary] = list_sessions(session.parent)
        assert summary.locked and summary.error is None
        acked |= {first.ask(f"answer {i}").split()[1] for i in range(5, 10)}
        assert first.ask("close") == "closed"
        assert second.ask("open") == "won"  # free again once the first writer is gone
        assert second.ask("close") == "closed"
        second.stop()
    finally:
        first.stop()
    assert answers_on_disk(session) == {f"s{i}" for i in range(10)} == {f"s{a}" for a in acked}


def test_writers_racing_for_a_session_whose_lock_file_keeps_vanishing(session: Path) -> None:
    contenders = [Contender(session) for _ in range(4)]
    stop = threading.Event()

    def vandal() -> None:
        while not stop.is_set():
            remove_lock_file(session)

    thread = threading.Thread(target=vandal)
    thread.start()
    try:
        for round_ in range(3):
            for c in contenders:
                c.send("open")
            results = [c.reply() for c in contenders]
            assert sorted(results) == ["locked"] * 3 + ["won"], f"round {round_}: {results}"
            winner = contenders[results.index("won")]
            assert winner.ask(f"answer {round_}") == f"ok {round_}"
            assert winner.ask("close") == "closed"
    finally:
        stop.set()
        thread.join()
        for c in contenders:
            c.stop()
    assert answers_on_disk(session) == {"s0", "s1", "s2"}


def test_a_lock_file_deleted_at_every_attempt_does_not_keep_the_folder_holder_out(
    session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race a vandal loop makes likely, made certain: the lock file vanishes between each
    open and its lock. Whoever holds the folder is the one writer and must get in; a loop
    retrying for the file's identity used to end with every contender saying "locked"."""
    real_lock = lock._lock

    def vanishing(fd: int, flags):
        if not stat.S_ISDIR(os.fstat(fd).st_mode):
            (session / "writer.lock").unlink(missing_ok=True)
        return real_lock(fd, flags)

    monkeypatch.setattr(lock, "_lock", vanishing)
    with SessionStore.open(session) as store:
        assert store is not None
        with pytest.raises(SessionLocked):
            SessionStore.open(session)


@pytest.mark.parametrize("windows", [False, True], ids=["posix", "windows-sim"])
def test_a_writer_killed_with_sigkill_leaves_no_stale_lock(session: Path, windows: bool) -> None:
    writer = Contender(session, windows=windows)
    assert writer.ask("open") == "won"
    assert writer.ask("answer 1") == "ok 1"
    assert is_locked(session)
    writer.kill()
    assert not is_locked(session)
    with SessionStore.open(session) as store:
        assert store.answer_count("q0") == 1


def test_windows_locking_keeps_one_writer_readers_beside_it_and_no_stale_lock(
    session: Path,
) -> None:
    """portalocker's msvcrt branch: no folder lock, no shared lock (no pywin32)."""
    first = Contender(session, windows=True)
    second = Contender(session, windows=True)
    try:
        assert first.ask("probe") == "free"
        assert first.ask("open") == "won"
        assert second.ask("open") == "locked"
        assert second.ask("probe") == "locked"
        assert first.ask("answer 7") == "ok 7"
        with SessionStore.open(session, readonly=True) as reader:  # readers need no lock
            assert reader.answer_count("q0") == 1
        replace_lock_file(session)  # impossible on Windows; the identity check still holds
        assert first.ask("close") == "closed"
        assert second.ask("probe") == "free"
        assert second.ask("open") == "won"
        assert second.ask("answer 8") == "ok 8"
        second.kill()
        assert first.ask("probe") == "free"
        assert first.ask("open") == "won"
    finally:
        refused = first.stop() + second.stop()
    assert "refused import" not in refused
    assert answers_on_disk(session) == {"s7", "s8"}


def test_a_lock_file_replaced_between_open_and_lock_is_not_trusted(
    session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the folder lock (as on Windows) the identity check alone must hold: a file
    swapped in between our open and our lock, and taken by another writer, refuses us."""
    monkeypatch.setattr(files, "open_folder", lambda path: None)
    real_lock = lock._lock
    others: list[SessionStore] = []

    def racing_lock(fd: int, flags):
        if not others:
            others.append(None)  # type: ignore[arg-type]
            replace_lock_file(session)
            others[0] = SessionStore.open(session)  # locks the new file
        return real_lock(fd, flags)

    monkeypatch.setattr(lock, "_lock", racing_lock)
    try:
        with pytest.raises(SessionLocked):
            SessionStore.open(session)
    finally:
        others[0].close()


def test_a_lock_file_that_is_a_symbolic_link_is_refused(session: Path, tmp_path: Path) -> None:
    """A link could make the writer create or lock a file wherever it points."""
    elsewhere = tmp_path / "elsewhere"
    remove_lock_file(session)
    (session / "writer.lock").symlink_to(elsewhere)
    with pytest.raises(StoreError, match="lock file") as refused:
        SessionStore.open(session)
    assert not isinstance(refused.value, SessionLocked)
    assert not elsewhere.exists()
    with SessionStore.open(session, readonly=True) as reader:  # reading needs no lock
        assert reader.info.name == session.name


def test_a_lock_file_deleted_between_open_and_lock_is_not_trusted(
    session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the folder lock (as on Windows) a lock taken on a file deleted meanwhile holds
    nothing: the next writer creates the file again and locks that. The first must take the
    file that is there, so the second is refused, not let in beside it."""
    monkeypatch.setattr(files, "open_folder", lambda path: None)
    real_lock = lock._lock
    deleted: list[bool] = []

    def vanishing_once(fd: int, flags):
        if not deleted:
            deleted.append(True)
            (session / "writer.lock").unlink()
        return real_lock(fd, flags)

    monkeypatch.setattr(lock, "_lock", vanishing_once)
    with SessionStore.open(session) as store:
        assert deleted
        monkeypatch.setattr(lock, "_lock", real_lock)
        with pytest.raises(SessionLocked):
            SessionStore.open(session)
        store.put_answer("q0", "s1", 1).wait(timeout=TIMEOUT)
    with SessionStore.open(session, readonly=True) as reader:
        assert reader.answer_count("q0") == 1
