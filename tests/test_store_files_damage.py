"""What ``store/files.py`` must refuse or keep, found by a mutation run (tests/MUTATION.md).

A hand-edited or damaged session is reported as damaged, never read as something else and never
a traceback; a reorder keeps a deleted answer deleted and every other answer; a full disk during
a reorder is reported as a full disk.
"""

from __future__ import annotations

import errno
import json
import shutil
from pathlib import Path

import pytest
from store_crash_child import make_info, make_question_set
from test_store_reopen import folder_fsync_failing_on_demand

from mognad_tui.store import (
    SessionDamaged,
    SessionStore,
    StoreError,
    StoreFull,
    create_session,
    list_sessions,
)
from mognad_tui.store import files as store_files


@pytest.fixture
def session(tmp_path: Path) -> Path:
    return create_session(tmp_path / "sessions", make_info(), make_question_set())


def journal_with(*ops: object) -> bytes:
    line = store_files.encode_line(json.dumps(list(ops)))
    return store_files.journal_header(1) + line


@pytest.mark.parametrize(
    "op",
    [
        ["p", "answers", 0, {}],  # doc id 0: ids start at 1
        ["p", "answers", 1, "not a document"],
        ["p", "answers", "1", {}],  # an id that is not a number
        ["p", 5, 1, {}],  # a table name that is not a string
        ["d", "answers", "1"],
        ["z", "answers"],  # no such operation
        ["p"],
    ],
)
def test_a_journal_line_of_an_unexpected_shape_is_damage(op: list) -> None:
    with pytest.raises(SessionDamaged):
        store_files.parse_journal(journal_with(op))


@pytest.mark.parametrize("doc_id", ["01", "x1"])
def test_a_snapshot_with_a_bad_document_id_is_damage(session: Path, doc_id: str) -> None:
    path = session / "session.json"
    data = json.loads(path.read_bytes())
    data["tables"]["answers"] = {doc_id: {"q": "q0", "k": "s", "v": 1}}
    path.write_text(json.dumps(data))
    with pytest.raises(SessionDamaged):
        store_files.read_snapshot(session)


def test_a_session_file_that_cannot_be_read_is_a_clear_error(session: Path) -> None:
    path = session / "session.json"
    path.unlink()
    path.mkdir()  # reading it fails with an OSError other than "missing"
    with pytest.raises(StoreError) as info:
        store_files.read_snapshot(session)
    assert "session file" in str(info.value)


def test_a_reorder_keeps_a_deleted_answer_deleted_and_every_other_answer(
    session: Path, tmp_path: Path
) -> None:
    """What a crash right after the reorder leaves (closing would fold from memory)."""
    crashed = tmp_path / "crashed"
    with SessionStore.open(session) as store:
        for i in range(4):
            store.put_answer("q0", f"s{i}", i).wait(timeout=30)
        store.fold().wait(timeout=30)  # these four are in the snapshot now
        store.put_answer("q0", "s9", 9).wait(timeout=30)
        store.delete_answer("q0", "s1").wait(timeout=30)
        store.reorder().wait(timeout=30)
        assert sorted(store.answers("q0")) == [0, 2, 3, 9]
        crashed.mkdir(mode=0o700)
        for name in ("journal.log", "session.json", "writer.lock"):
            shutil.copy2(session / name, crashed / name)
    with SessionStore.open(crashed, readonly=True) as store:
        assert sorted(store.answers("q0")) == [0, 2, 3, 9]


def test_a_full_disk_when_a_reorder_syncs_the_folder_is_reported_as_a_full_disk(
    session: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = folder_fsync_failing_on_demand(monkeypatch, errno.ENOSPC)
    with SessionStore.open(session) as store:
        for i in range(3):
            store.put_answer("q0", f"s{i}", i).wait(timeout=30)
        full["on"] = True
        with pytest.raises(StoreFull):
            store.reorder().wait(timeout=30)
        full["on"] = False


def _snapshot_edited(**changes: object):
    def damage(folder: Path) -> None:
        path = folder / "session.json"
        data = json.loads(path.read_bytes())
        data.update(changes)
        path.write_text(json.dumps(data))

    return damage


def _journal_lines(*payloads: str, torn: bytes = b""):
    def damage(folder: Path) -> None:
        generation = json.loads((folder / "session.json").read_bytes())["generation"]
        lines = b"".join(store_files.encode_line(p) for p in payloads)
        (folder / "journal.log").write_bytes(store_files.journal_header(generation) + lines + torn)

    return damage


def _replace(name: str, data: bytes):
    def damage(folder: Path) -> None:
        (folder / name).write_bytes(data)

    return damage


def _snapshot_missing(folder: Path) -> None:
    (folder / "session.json").unlink()


def _journal_after_an_empty_line(folder: Path) -> None:
    path = folder / "journal.log"
    path.write_bytes(b"\n" + path.read_bytes() + store_files.encode_line("[]"))


def _journal_a_folder(folder: Path) -> None:
    (folder / "journal.log").unlink()
    (folder / "journal.log").mkdir()


def _snapshot_a_folder(folder: Path) -> None:
    (folder / "session.json").unlink()
    (folder / "session.json").mkdir()


DEEP = "[" * 70 + "]" * 70


@pytest.mark.parametrize(
    ("damage", "kind", "reason"),
    [
        (_snapshot_missing, SessionDamaged, "The session file session.json is missing."),
        (_snapshot_a_folder, StoreError, "Could not read the session file: Is a directory."),
        (_journal_a_folder, StoreError, "Could not read the journal: Is a directory."),
        (
            _replace(
                "journal.log",
                store_files.encode_line('{"format":"mognad-journal","schema":1,"generation":"1"}'),
            ),
            SessionDamaged,
            "The journal does not start with a valid header.",
        ),
        (
            _replace(
                "journal.log",
                store_files.encode_line('{"format":"mognad-journal","schema":2,"generation":1}'),
            ),
            StoreError,
            "The session was written by a newer mognad (schema 2); this version reads schema 1. "
            "Upgrade mognad to open it.",
        ),
        (
            _replace(
                "journal.log",
                store_files.encode_line('{"format":"mognad-journal","schema":"1","generation":1}'),
            ),
            SessionDamaged,
            "The journal does not start with a valid header.",
        ),
        (
            _journal_after_an_empty_line,
            SessionDamaged,
            "The journal is corrupt at line 1, with intact records after it; "
            "this is not a torn write.",
        ),
        (
            _replace("session.json", b"[1, 2"),
            SessionDamaged,
            "The session file session.json is "
            "not valid JSON (Expecting ',' delimiter: line 1 column 6 (char 5)).",
        ),
        (
            _replace("session.json", b"[]"),
            SessionDamaged,
            "The session file is not a mognad session.",
        ),
        (_snapshot_edited(format="x"), SessionDamaged, "The session file is not a mognad session."),
        (
            _snapshot_edited(schema=True),
            SessionDamaged,
            "The session file has no valid schema version.",
        ),
        (
            _snapshot_edited(schema=0),
            SessionDamaged,
            "The session file has no valid schema version.",
        ),
        (
            _snapshot_edited(schema=2),
            StoreError,
            "The session was written by a newer mognad "
            "(schema 2); this version reads schema 1. Upgrade mognad to open it.",
        ),
        (
            _snapshot_edited(generation=0),
            SessionDamaged,
            "The session file has no valid generation.",
        ),
        (
            _snapshot_edited(generation="1"),
            SessionDamaged,
            "The session file has no valid generation.",
        ),
        (
            _snapshot_edited(tables=[]),
            SessionDamaged,
            "The session file has an unexpected shape: 'tables' is not an object.",
        ),
        (
            _snapshot_edited(tables={"answers": []}),
            SessionDamaged,
            "The session file has an unexpected shape: table 'answers' is not an object.",
        ),
        (
            _snapshot_edited(tables={"answers": {"01": {}}}),
            SessionDamaged,
            "The session file has an unexpected shape: table 'answers' has a bad document id '01'.",
        ),
        (
            _snapshot_edited(tables={"answers": {"1": 5}}),
            SessionDamaged,
            "The session file has an unexpected shape: "
            "document 1 of table 'answers' is not an object.",
        ),
        (
            _replace("journal.log", store_files.encode_line("[]")),
            SessionDamaged,
            "The journal does not start with a valid header.",
        ),
        (
            _journal_lines("{}"),
            SessionDamaged,
            "Journal line 2 has an unexpected shape: not a list of operations.",
        ),
        (
            _journal_lines('[["z","answers"]]'),
            SessionDamaged,
            "Journal line 2 has an unexpected shape: bad operation ['z', 'answers'].",
        ),
        (
            _journal_lines('[["p"]]'),
            SessionDamaged,
            "Journal line 2 has an unexpected shape: bad operation ['p'].",
        ),
        (
            _journal_lines(DEEP),
            SessionDamaged,
            "Journal line 2 of journal.log nests more than 64 levels deep.",
        ),
        (
            _journal_lines("[]", torn=b"00000000 [garbage]\n" + store_files.encode_line("[]")),
            SessionDamaged,
            "The journal is corrupt at line 3, with intact records after it; "
            "this is not a torn write.",
        ),
    ],
)
def test_damage_is_reported_with_what_is_wrong_and_where(
    session: Path, damage, kind: type, reason: str
) -> None:
    """``mognad list`` and every error show this reason beside the folder: it is what the
    facilitator reads out to whoever helps them, so it must name the file and the fault."""
    damage(session)
    with pytest.raises(StoreError) as info:
        SessionStore.open(session, readonly=True)
    assert type(info.value) is kind
    assert info.value.reason == reason
    assert info.value.path == session
    [listed] = list_sessions(session.parent)
    assert listed.error == reason
