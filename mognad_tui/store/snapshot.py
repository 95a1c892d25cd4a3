"""The snapshot's text, kept current between folds, so a live fold costs CPU for the changes
only.

A fold while the room is live runs on the journal writer's thread, and Python runs one thread
at a time: serialising a session of 20,000 answers from scratch takes tens of milliseconds,
which the room would feel at every fold. This keeps each document's JSON text, and each table's
documents in snapshot order (answers by question and slot, everything else by id), and at a
fold brings only the documents written since the previous fold up to date. The writer knows
which ones: it saw their operations go into the journal.

Everything here runs on the writer thread, on a copy of the tables taken when the fold was
queued: the store replaces a document rather than changing it in place (see ``live``), so the
copy's documents never change under the reader.
"""

from __future__ import annotations

import json
from bisect import bisect_left, insort
from collections.abc import Callable, Mapping
from operator import itemgetter
from typing import Any

from . import files
from .files import Doc, Tables

#: Per table, the documents to (re)write since the last fold; None: the whole table.
Touched = dict[str, set[str] | None]

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
_text_of = itemgetter(2)


def doc_text(doc_id: str, doc: Doc) -> bytes:
    """``"id":{...}`` as the snapshot holds it, in UTF-8."""
    text = f'"{doc_id}":{_encode(doc)}'
    try:
        return text.encode()
    except UnicodeEncodeError:  # a lone surrogate: only its escaped form is UTF-8
        return f'"{doc_id}":{files.dumps(doc)}'.encode()


class _Table:
    """One table's documents as ``(order key, int id, text)``, sorted; and each one's key."""

    __slots__ = ("entries", "keys")

    def __init__(self) -> None:
        self.entries: list[tuple[Any, int, bytes]] = []
        self.keys: dict[str, tuple[Any, int]] = {}


class SnapshotText:
    """The text of the snapshot of some tables, updated document by document.

    ``order`` gives, per table, the key its documents are listed by (then by id); a table
    without one is listed by id. The answers' key is (question, slot): the file then says
    nothing about who answered when, whatever the ids.
    """

    def __init__(self, tables: Tables, order: Mapping[str, Callable[[Doc], Any]]) -> None:
        self.order = order
        self._tables: dict[str, _Table] = {}
        for name, docs in tables.items():
            self._load(name, docs)

    def _load(self, name: str, docs: dict[str, Doc]) -> _Table:
        key = self.order.get(name)
        table = _Table()
        for doc_id, doc in docs.items():
            k = (key(doc) if key else (), int(doc_id))
            table.keys[doc_id] = k
            table.entries.append((*k, doc_text(doc_id, doc)))
        table.entries.sort()  # (key, id) is unique, so texts are never compared
        self._tables[name] = table
        return table

    def update(self, tables: Tables, touched: Touched) -> None:
        """Bring the text up to ``tables`` for the documents in ``touched``.

        Raises ``RuntimeError`` if the text and the tables disagree in a way no update can
        explain; the caller then builds a new ``SnapshotText`` from the tables.
        """
        for name, ids in touched.items():
            docs = tables.get(name)
            table = self._tables.get(name)
            if docs is None:
                self._tables.pop(name, None)
            elif ids is None or table is None:
                self._load(name, docs)
            else:
                for doc_id in ids:
                    self._put(name, table, doc_id, docs.get(doc_id))

    def _put(self, name: str, table: _Table, doc_id: str, doc: Doc | None) -> None:
        old = table.keys.get(doc_id)
        if old is not None:
            i = bisect_left(table.entries, old)
            if i == len(table.entries) or table.entries[i][:2] != old:
                raise RuntimeError(f"snapshot text lost document {doc_id} of {name!r}")
            if doc is None:
                del table.entries[i]
                del table.keys[doc_id]
                return
            key = self.order.get(name)
            new = (key(doc) if key else (), old[1])
            if new == old:
                table.entries[i] = (*old, doc_text(doc_id, doc))
                return
            del table.entries[i]
        elif doc is None:
            return
        else:
            key = self.order.get(name)
            new = (key(doc) if key else (), int(doc_id))
        table.keys[doc_id] = new
        insort(table.entries, (*new, doc_text(doc_id, doc)))

    def render(self, generation: int, tables: Tables) -> bytes:
        """The snapshot file for ``tables`` (already brought up to date by ``update``)."""
        for gone in self._tables.keys() - tables.keys():
            del self._tables[gone]
        parts = [files.snapshot_head(generation).encode(), b"{"]
        for n, (name, docs) in enumerate(tables.items()):
            table = self._tables.get(name)
            if table is None:
                table = self._load(name, docs)
            elif len(table.entries) != len(docs):
                raise RuntimeError(f"snapshot text of {name!r} does not match the table")
            parts.append(f"{',' if n else ''}{files.dumps(name)}:{{".encode())
            parts.append(b",".join(map(_text_of, table.entries)))
            parts.append(b"}")
        parts.append(b"}}")
        return b"".join(parts)
