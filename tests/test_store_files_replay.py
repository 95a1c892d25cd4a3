"""A reordered journal replays to the same tables as the journal it replaced.

A reorder (``NetOps``) writes only each document's last operation, and a dropped table first:
so it can delete a document the snapshot never had (put and deleted since the last fold), put
into a table the snapshot lacks, and must drop a table that was dropped. After a crash, the
next writer reads exactly that journal back (``load``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mognad_tui.store import SessionDamaged, files

SNAPSHOT_TABLES = {"answers": {"1": {"v": "old"}, "3": {"v": "kept"}}}


def reorder_and_reload(folder: Path, ops: list[list]) -> dict:
    files.write_generation(folder, 1, {k: dict(v) for k, v in SNAPSHOT_TABLES.items()})
    replayed = {k: dict(v) for k, v in SNAPSHOT_TABLES.items()}
    files.apply_ops(replayed, ops)
    net = files.NetOps([ops])
    files.replace_file(folder, files.JOURNAL, files.journal_bytes(1, net.texts({})))
    tables = files.load(folder).tables
    assert tables == replayed  # the reorder and the journal it stands for agree
    return tables


def test_a_dropped_table_stays_dropped_after_a_reorder(tmp_path: Path) -> None:
    ops = [["p", "answers", 2, {"v": "gone"}], ["x", "answers"], ["p", "answers", 4, {"v": "new"}]]
    assert reorder_and_reload(tmp_path, ops) == {"answers": {"4": {"v": "new"}}}


def test_a_document_put_and_deleted_since_the_fold_replays_cleanly(tmp_path: Path) -> None:
    ops = [
        ["p", "answers", 5, {"v": "brief"}],
        ["d", "answers", 5],
        ["d", "answers", 1],
        ["p", "notes", 1, {"t": "ny tabell"}],
    ]
    assert reorder_and_reload(tmp_path, ops) == {
        "answers": {"3": {"v": "kept"}},
        "notes": {"1": {"t": "ny tabell"}},
    }


def test_a_journal_line_that_is_a_bare_number_is_damage_not_a_traceback() -> None:
    data = files.journal_header(1) + files.encode_line("5")
    with pytest.raises(SessionDamaged, match="line 2"):
        files.parse_journal(data)
