"""TinyDB on a live in-memory state whose every change is recorded as a journal operation.

TinyDB's ``Table._update_table`` reads the whole table from the storage, rebuilds a dict of all
documents with int keys, runs the updater and hands everything back to ``Storage.write``: O(n)
for every insert, and the default JSONStorage then rewrites the whole file. Here the storage
keeps the live tables and never serialises them; the table subclass runs TinyDB's own updaters
on a small int-key view of the live raw table, which changes it in place and notes the logical
operations it made. The store turns those operations into one journal line. An insert or an
update by doc id is O(1) whatever the size of the session.

Documents are never changed in place: an update replaces the document by a changed copy. A
shallow copy of the tables (``snapshot``) is therefore a consistent picture that the journal
writer can serialise on its own thread while the live tables move on.

Tables named in ``random_ids`` give new documents random ids from a large space (checked for
collisions) instead of the next number: the answers, whose ids would otherwise tell in which
order they arrived.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Callable, Collection, Iterator, MutableMapping
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from .files import Doc, Op, Tables

#: Random ids are drawn from [1, 2**53): still exact in any JSON reader.
RANDOM_ID_SPACE = 2**53 - 1
#: Bytes of ``os.urandom`` fetched at once for random ids (512 ids): a system call for every
#: answer was a measurable share of its cost on the loop (bench/RESULTS.md, ingest).
ENTROPY_BLOCK = 8 * 512


class LiveStorage(Storage):
    """Holds the session's tables in memory; writes nothing itself.

    ``read`` returns the live dict (TinyDB's read paths only look), so reads cost nothing.
    Operations are collected between ``begin`` and ``end``; a change outside that window is a
    bug in the store and fails loudly rather than silently escaping the journal.
    """

    def __init__(self, tables: Tables, random_ids: Collection[str] = ()) -> None:
        self._tables = tables
        self._next: dict[str, int] = {}
        self._ops: list[Op] | None = None
        self._known: set[str] = set(tables)
        self._random_ids = frozenset(random_ids)
        self._entropy = b""
        self._entropy_at = 0

    # Storage API
    def read(self) -> Tables:
        return self._tables

    def write(self, data: Tables) -> None:
        # Only TinyDB's drop_table(s) get here. They mutate what ``read`` returned before
        # calling write, so there is no "before" to diff against: record the whole new state.
        ops: list[Op] = [["x", name] for name in self._known if name not in data]
        for name, docs in data.items():
            ops.append(["x", name])
            ops.extend(["p", name, int(doc_id), doc] for doc_id, doc in docs.items())
        self._tables = data
        self._known = set(data)
        self._next.clear()
        self._record(ops)

    def close(self) -> None:
        pass

    # for the store
    def reset(self, tables: Tables) -> None:
        """Install a state read from disk (open, or rolling back a write that failed)."""
        self._tables = tables
        self._next.clear()
        self._known = set(tables)

    def begin(self) -> None:
        self._ops = []

    def end(self) -> list[Op]:
        ops, self._ops = self._ops or [], None
        return ops

    def raw_table(self, name: str) -> dict[str, Doc]:
        self._known.add(name)
        return self._tables.setdefault(name, {})

    def snapshot(self) -> Tables:
        """A consistent copy of the tables, O(documents) but only dict copies: documents are
        shared, which is safe because they are replaced, never changed (see ``IntKeyView``)."""
        return {name: dict(docs) for name, docs in self._tables.items()}

    def allocate_id(self, name: str) -> int:
        if name in self._random_ids:
            table = self._tables.get(name, {})
            while True:
                candidate = 1 + self._draw()
                if str(candidate) not in table:
                    return candidate
        nxt = self._next.get(name)
        if nxt is None:
            nxt = max((int(k) for k in self._tables.get(name, ())), default=0) + 1
        self._next[name] = nxt + 1
        return nxt

    def _draw(self) -> int:
        """A secret random number below ``RANDOM_ID_SPACE``, each equally likely."""
        while True:
            at = self._entropy_at
            if at + 8 > len(self._entropy):
                # secrets, not random: a Mersenne Twister's outputs can be put back in order.
                self._entropy, at = secrets.token_bytes(ENTROPY_BLOCK), 0
            self._entropy_at = at + 8
            value = int.from_bytes(self._entropy[at : at + 8], "big") >> 11  # 53 bits
            if value < RANDOM_ID_SPACE:  # all but the one value past it: no bias
                return value

    def put(self, name: str, doc_id: int | None, doc: Doc) -> int:
        """Put ``doc`` under ``doc_id`` (a new id when ``None``) and journal it: the one
        operation ``Table.insert`` or a whole-document ``Table.update`` would record, without
        their machinery (a closure, an ``IntKeyView``, a copy of the document and a list per
        step): on the answer path that was a tenth of an answer's cost and most of its
        short-lived objects, which is what makes the garbage collector run (bench/notes/
        ingest.md). The caller gives ``doc`` away: it is stored as it is, never copied.
        A document equal to the one it replaces records nothing, as ``IntKeyView`` does."""
        raw = self.raw_table(name)
        if doc_id is None:
            doc_id = self.allocate_id(name)
        else:
            before = raw.get(str(doc_id))
            if before is not None and before == doc:
                return doc_id
        raw[str(doc_id)] = doc
        self.record(name, [["p", doc_id, doc]])
        return doc_id

    def record(self, name: str, ops: list[Op]) -> None:
        nxt = self._next.get(name)
        for op in ops:
            op.insert(1, name)
            if nxt is not None and op[0] == "p" and op[2] >= nxt:
                nxt = self._next[name] = op[2] + 1
            elif op[0] == "x":
                self._next.pop(name, None)
                nxt = None
        self._record(ops)

    def _record(self, ops: list[Op]) -> None:
        if self._ops is None:
            raise RuntimeError("a session table was changed outside a store write")
        self._ops.extend(ops)


class IntKeyView(MutableMapping[int, Doc]):
    """The ``dict[int, doc]`` TinyDB's updaters expect, over the live raw table.

    Updaters also change documents in place (``table[doc_id].update(fields)``), which no
    ``__setitem__`` sees: the first read of a document puts a copy in its place and hands out
    the copy, so the original is never changed (a snapshot taken earlier may share it), and
    ``finish`` records a put for every document that no longer equals its original.
    """

    __slots__ = ("_ops", "_raw", "_touched")

    def __init__(self, raw: dict[str, Doc]) -> None:
        self._raw = raw
        self._ops: list[Op] = []
        self._touched: dict[int, Doc] = {}

    def __getitem__(self, key: int) -> Doc:
        doc_id = str(key)
        doc = self._raw[doc_id]
        if key not in self._touched:
            self._touched[key] = doc
            doc = self._raw[doc_id] = copy.deepcopy(doc)
        return doc

    def __setitem__(self, key: int, doc: Doc) -> None:
        self._raw[str(key)] = doc
        self._touched.pop(key, None)
        self._ops.append(["p", int(key), doc])

    def __delitem__(self, key: int) -> None:
        del self._raw[str(key)]
        self._touched.pop(key, None)
        self._ops.append(["d", int(key)])

    def __contains__(self, key: object) -> bool:
        return str(key) in self._raw

    def __iter__(self) -> Iterator[int]:
        return (int(k) for k in self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def clear(self) -> None:
        self._raw.clear()
        self._touched.clear()
        self._ops.append(["x"])

    def finish(self) -> list[Op]:
        for key, before in self._touched.items():
            doc = self._raw.get(str(key))
            if doc is not None and doc != before:
                self._ops.append(["p", key, doc])
        return self._ops


class LiveTable(Table):
    """A TinyDB table whose writes change the live state in place and are journaled.

    Its two overrides are TinyDB's underscore methods, on purpose; each says below which public
    alternative was tried and why it does not do. Everything else goes through ``Table``'s
    public API (``insert``, ``update``, ``remove``, ``truncate``, ``storage``)."""

    @property
    def live(self) -> LiveStorage:
        return self.storage  # type: ignore[return-value]  # SessionDB opens only LiveStorage

    def put(self, doc: Doc, doc_id: int | None = None) -> int:
        """``insert(doc)``, or with ``doc_id`` the replacement of that whole document, as one
        journaled put (``LiveStorage.put``); the query cache is cleared as TinyDB's own writes
        clear it."""
        doc_id = self.live.put(self.name, doc_id, doc)
        self.clear_cache()
        return doc_id

    def _get_next_id(self) -> int:
        # TinyDB computes max(ids) on first use and forgets it after some inserts: keep it in
        # the storage, where replay and rollback reset it. Public alternative: insert a
        # ``Document(doc, doc_id=...)`` with an id drawn by the store. Table.insert takes that
        # id but resets its own counter, so the next plain insert scans the whole table for
        # max(ids) again, and the answers' random ids would need every caller to wrap its docs.
        return self.live.allocate_id(self.name)

    def _update_table(self, updater: Callable[[dict[int, Any]], None]) -> None:
        # Public alternative: a ``Storage`` whose ``read``/``write`` take the whole database.
        # Table._update_table then copies every document of the table into a new dict and
        # writes all tables back on each insert: O(session) per answer (module docstring).
        view = IntKeyView(self.live.raw_table(self.name))
        try:
            updater(view)  # type: ignore[arg-type]  # a MutableMapping is all updaters use
        finally:
            self.live.record(self.name, view.finish())
            self.clear_cache()


class SessionDB(TinyDB):
    table_class = LiveTable

    @property
    def live(self) -> LiveStorage:
        return self.storage  # type: ignore[return-value]


def open_db(tables: Tables, random_ids: Collection[str] = ()) -> SessionDB:
    return SessionDB(tables, random_ids, storage=LiveStorage)
