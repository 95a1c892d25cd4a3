"""mognad with no POSIX-only module and Windows' locking primitive (see ``windows_sim.py``):
every module imports, and a facilitator can create, list, validate and export.

This proves what the simulation covers and no more: a real Windows laptop also differs in
paths, in other programs holding the session's files open, and in the terminal (see issue 14
and docs/windows.md).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_store_lock import Contender, answers_on_disk

from mognad_tui.store.session import REORDER_EVERY

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


def sim(*args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(TESTS)]),
        "MOGNAD_LANG": "en",
    }
    result = subprocess.run(
        [sys.executable, "windows_sim.py", *args],
        capture_output=True,
        text=True,
        cwd=TESTS,
        env=env,
        timeout=120,
    )
    assert "refused import" not in result.stderr, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_every_module_imports_without_posix_only_modules() -> None:
    result = sim("import-all")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("imported ")


def test_new_list_validate_and_export_work_without_posix_only_modules(tmp_path: Path) -> None:
    data = str(tmp_path / "sessions")
    made = sim("mognad", "new", "--name", "Enhet Nord", "--data-dir", data)
    assert made.returncode == 0, made.stderr
    name = made.stdout.strip()
    assert name == "enhet-nord"

    listed = sim("mognad", "list", "--data-dir", data)
    assert listed.returncode == 0 and "enhet-nord" in listed.stdout and "new" in listed.stdout

    sets = sorted(str(p) for p in (ROOT / "mognad_tui" / "question_sets").glob("*.yaml"))
    validated = sim("mognad", "validate", *sets)
    assert validated.returncode == 0, validated.stderr

    writer = Contender(tmp_path / "sessions" / name, windows=True)
    try:
        assert writer.ask("open") == "won"
        assert writer.ask("answer 1") == "ok 1"
        running = sim("mognad", "list", "--data-dir", data)
        assert "running" in running.stdout, running.stdout
        exported = sim("mognad", "export", name, "--format", "json", "--data-dir", data)
        assert exported.returncode == 0, exported.stderr  # beside the live writer
        assert json.loads(exported.stdout)["session"]["name"] == name
    finally:
        writer.stop()
    markdown = sim("mognad", "export", name, "--format", "md", "--data-dir", data)
    assert markdown.returncode == 0 and "Enhet Nord" in markdown.stdout


def test_a_live_writer_reorders_and_folds_where_open_files_cannot_be_renamed(
    tmp_path: Path,
) -> None:
    """A meeting's writer replaces the journal it appends to (a reorder past the bound, a
    fold): on Windows neither rename may meet an open file, and every answer stays."""
    data = str(tmp_path / "sessions")
    assert sim("mognad", "new", "--name", "Enhet Nord", "--data-dir", data).returncode == 0
    session = tmp_path / "sessions" / "enhet-nord"
    journal = session / "journal.log"
    answers = REORDER_EVERY + 5  # past the bound: the writer reorders by itself too
    writer = Contender(session, windows=True)
    try:
        assert writer.ask("open") == "won"
        for n in range(answers):
            assert writer.ask(f"answer {n}") == f"ok {n}"
        assert writer.ask("reorder") == "reordered"
        assert len(journal.read_bytes().splitlines()) == 2  # header, one line of net changes
        assert writer.ask("fold") == "folded"
        assert len(journal.read_bytes().splitlines()) == 1  # the new generation's header
        assert writer.ask(f"answer {answers}") == f"ok {answers}"  # into the new journal
        assert len(journal.read_bytes().splitlines()) == 2
        assert writer.ask("close") == "closed"
    finally:
        err = writer.stop()
    assert "refused" not in err and "Traceback" not in err, err
    assert len(answers_on_disk(session)) == answers + 1
    exported = sim("mognad", "export", "enhet-nord", "--format", "json", "--data-dir", data)
    assert exported.returncode == 0, exported.stderr


def test_ctrl_c_stops_serve_cleanly_where_the_loop_has_no_signal_handlers(tmp_path: Path) -> None:
    """Ctrl-C on a Windows laptop: the server stops, the session is closed and unlocked, and
    the answer it acknowledged is on disk; no traceback."""
    import signal
    import urllib.request

    data = str(tmp_path / "sessions")
    assert sim("mognad", "new", "--name", "Enhet Nord", "--data-dir", data).returncode == 0
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(TESTS)])}
    env["MOGNAD_LANG"] = "en"
    proc = subprocess.Popen(
        [sys.executable, "windows_sim.py", "mognad", "serve", "enhet-nord", "--self-paced",
         "--host", "127.0.0.1", "--port", "0", "--data-dir", data],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=TESTS, env=env,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        if "/j/" not in url:  # killed first: reading a live child's stderr would block
            proc.kill()
            pytest.fail(f"no join URL: {url!r}\n{proc.stderr.read() if proc.stderr else ''}")
        base, key = url.split("/j/")
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        opener.open(url, timeout=30).read()  # joins: the device cookie
        state = json.loads(opener.open(f"{base}/api/{key}/state", timeout=30).read())
        question = next(q for q in state["open"] if q.get("options"))
        answer = urllib.request.Request(
            f"{base}/api/{key}/answers",
            data=json.dumps(
                {"question": question["id"], "value": question["options"][0]["value"]}
            ).encode(),
            headers={"Content-Type": "application/json", "Origin": base},
        )
        assert opener.open(answer, timeout=30).status == 200
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "Traceback" not in err, err
    assert proc.returncode in (0, 130), err
    exported = sim("mognad", "export", "enhet-nord", "--format", "json", "--data-dir", data)
    answers = json.loads(exported.stdout)["questions"]
    assert sum(len(q.get("answers", [])) for q in answers) == 1
    listed = sim("mognad", "list", "--data-dir", data)
    assert "running" not in listed.stdout  # the lock went with the process
