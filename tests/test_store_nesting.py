"""Deeply nested JSON in a session folder is damage, reported as such, never a RecursionError.

``[[[[...]]]]`` 100,000 deep used to make ``mognad list`` print nothing at all and ``serve``
and ``export`` say "something unexpected went wrong"; a few hundred levels, which the JSON
parser still takes, failed later in any copy of the value. Real files, the real command line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from store_crash_child import make_info, make_question_set

from mognad_tui.store import (
    SessionDamaged,
    SessionStore,
    create_session,
    list_sessions,
)
from mognad_tui.store import files as store_files

ROOT = Path(__file__).resolve().parents[1]
HUGE = 100_000


def nested(depth: int, leaf: str = "1") -> str:
    return "[" * depth + leaf + "]" * depth


def deep_list(depth: int) -> list:
    value: list = [1]
    for _ in range(depth - 1):
        value = [value]
    return value


def mognad(*args: str, data: Path, lang: str = "sv") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MOGNAD_LANG": lang, "MOGNAD_DATA_DIR": str(data)}
    env.pop("MOGNAD_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "mognad_tui", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )


def snapshot_whole(path: Path) -> None:
    (path / "session.json").write_text(nested(HUGE))


def snapshot_value(path: Path) -> None:
    """Deep enough to break a copy or an export, shallow enough for the JSON parser."""
    data = json.loads((path / "session.json").read_bytes())
    data["tables"]["answers"]["1"] = {"q": "q0", "k": "s", "v": json.loads(nested(400))}
    (path / "session.json").write_text(json.dumps(data))


def journal_line(path: Path) -> None:
    with open(path / "journal.log", "ab") as f:
        f.write(store_files.encode_line(nested(HUGE)))


def journal_value(path: Path) -> None:
    op = f'[["p","answers",1,{{"q":"q0","k":"s","v":{nested(400)}}}]]'
    with open(path / "journal.log", "ab") as f:
        f.write(store_files.encode_line(op))


DAMAGE = {
    snapshot_whole: "session.json",
    snapshot_value: "session.json",
    journal_line: "journal.log",
    journal_value: "journal.log",
}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "sessions"
    create_session(folder, make_info("friska", created="2025-04-01"), make_question_set())
    return folder


@pytest.mark.parametrize("damage", list(DAMAGE), ids=lambda f: f.__name__)
def test_deep_nesting_is_damage_named_by_file_and_the_others_still_list(data: Path, damage) -> None:
    bad = create_session(data, make_info("djup"), make_question_set())
    damage(bad)
    before = {p.name: p.read_bytes() for p in bad.iterdir()}
    for readonly in (True, False):
        with pytest.raises(SessionDamaged) as info:
            SessionStore.open(bad, readonly=readonly)
        assert DAMAGE[damage] in info.value.reason
        assert "deep" in info.value.reason
    summaries = {s.name: s for s in list_sessions(data)}
    assert summaries["friska"].error is None
    assert DAMAGE[damage] in summaries["djup"].error
    assert {p.name: p.read_bytes() for p in bad.iterdir()} == before  # left as it was


def test_the_command_line_reports_a_deeply_nested_session_as_damaged(data: Path) -> None:
    bad = create_session(data, make_info("djup"), make_question_set())
    snapshot_whole(bad)

    listed = mognad("list", data=data)
    assert listed.returncode == 0, listed.stderr
    rows = {line.split()[0]: line for line in listed.stdout.splitlines()[1:]}
    assert "skadat" in rows["djup"] and "session.json" in rows["djup"]
    assert "skadat" not in rows["friska"] and "Enhet Nord" in rows["friska"]

    for command in (["export", "djup", "--format", "json"], ["serve", "djup"], ["run", "djup"]):
        result = mognad(*command, data=data)
        assert result.returncode == 1, (command, result.stdout)
        assert "är skadat" in result.stderr and str(bad) in result.stderr, result.stderr
        assert "session.json" in result.stderr
        assert "oväntat" not in result.stderr and "Traceback" not in result.stderr
    english = mognad("export", "djup", "--format", "md", data=data, lang="en")
    assert "is damaged" in english.stderr and "session.json" in english.stderr


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_validate_explains_a_deeply_nested_question_set(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"djup{suffix}"
    path.write_text(nested(HUGE))
    result = mognad("validate", str(path), data=tmp_path, lang="en")
    assert result.returncode == 1
    assert "too many levels" in result.stderr and "Traceback" not in result.stderr


def test_the_store_refuses_to_write_what_it_could_not_read_back(tmp_path: Path) -> None:
    path = create_session(tmp_path, make_info(), make_question_set())
    deepest = deep_list(store_files.MAX_VALUE_DEPTH)
    with SessionStore.open(path) as store:
        with pytest.raises(TypeError, match="levels deep"):
            store.set_state("x", [deepest])
        with pytest.raises(TypeError, match="levels deep"):
            store.put_answer("q0", "s", deep_list(HUGE))
        store.set_state("x", deepest).wait()
    with SessionStore.open(path) as store:  # replayed from the journal
        assert store.state("x") == deepest
    with SessionStore.open(path, readonly=True) as store:  # and from the folded snapshot
        assert store.state("x") == deepest
