"""One session's store: TinyDB tables in memory, an fsync'd journal, a snapshot on disk.

Writes change the in-memory tables at once (so the screen shows them) and return a ``Durable``,
the promise that the change is on disk; the participant API answers 200 only after awaiting it.

A commit the disk refuses is rolled back explicitly, at once, on the writer thread; no read
ever rolls anything back. The semantics:

- Between the failed commit and its rollback, memory still shows the failed writes, as it
  did while they were queued: every change is visible before it is durable. That window lasts
  as long as reading the durable files back takes.
- The rollback drops the failed group and every write queued after it up to the rollback
  (including writes made while the durable state was being read back, and any fold queued
  among them): under the store's lock it empties the writer's queue and installs the state
  read from the durable bytes of the files. Writes made after that apply to that state.
- Every dropped write's ``Durable`` raises (``StoreFull`` for a full disk, else
  ``StoreError``), and only after the rollback is installed: a caller that sees the error
  reads the rolled-back state. A write that resolved was durable and is never rolled back.
- If even the durable files cannot be read back, the store refuses every later write with
  that error, so memory never silently differs from the disk again.

Reads take the store's lock, so a reader on any thread sees a state from before or after a
rollback, never half of each.

Anonymity is built into the shape: an answer record is exactly ``{"q", "k", "v"}``, where ``k``
is an opaque slot the caller derives from the device token with the session secret. Nothing
on disk may keep the order answers arrived in, since a device answers its questions one after
the other and that order would link its answers:

- the snapshot lists answers in (question, slot) order, and the fold on open and close
  renumbers them in that order;
- a new answer gets a random document id (see ``live``), so ids say nothing between folds;
- the journal does keep arrival order, line by line, until it is folded or reordered: so the
  store also folds while open, by itself every ``FOLD_EVERY`` answer writes and whenever the
  meeting asks (``fold``, when a question closes or is revealed), and in between reorders the
  journal (rewrites it as its net changes in (question, slot) order) once ``REORDER_EVERY``
  answers came in or ``REORDER_IDLE`` seconds passed without a write, on the writer thread
  (see ``writer``). So one read of the folder shows the arrival order of at most
  ``REORDER_EVERY`` answers (plus those saved in the same group commit), and of none once
  the room has been quiet for ``REORDER_IDLE`` seconds. Someone who copies the folder again
  and again (a sync tool that keeps every version) can still see order: see ``synced_folder``.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import json
import logging
import threading
import time
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from ..model import (
    ActionItem,
    Need,
    Question,
    QuestionSet,
    SessionInfo,
    SessionRecord,
    Voting,
    item_from_dict,
    item_to_dict,
)
from . import files
from .errors import SessionDamaged, SessionNotFound, StoreError, from_os_error
from .live import LiveTable, SessionDB, open_db
from .lock import WriterLock
from .lock import is_locked as is_locked  # re-exported: callers import it from here too
from .snapshot import SnapshotText
from .writer import Commit, JournalWriter, new_future

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

META = "meta"
QUESTION_SET = "question_set"
ANSWERS = "answers"
TALLIES = "tallies"
MODERATION = "moderation"
NOTES = "notes"
NEEDS = "needs"
ACTIONS = "actions"
POLLS = "polls"
STATE = "state"

#: Tables holding one document per key, and how to get the key from a document.
KEYED: dict[str, Callable[[dict[str, Any]], Any]] = {
    TALLIES: lambda d: _str(d["q"]),
    MODERATION: lambda d: (_str(d["q"]), _str(d["text"])),
    NOTES: lambda d: _str(d["item"]),
    NEEDS: lambda d: _str(d["id"]),
    ACTIONS: lambda d: _str(d["id"]),
    POLLS: lambda d: _str(d["id"]),
    STATE: lambda d: _str(d["key"]),
}
ALL_TABLES = (META, QUESTION_SET, ANSWERS, *KEYED)
MODERATION_STATES = ("approved", "hidden")
#: The state key ``mognad close`` sets: ``{"kept": {question id: figures}}``.
CLOSED = "closed"
MAX_KEY = 500  # ids, slots and keys are short; a cap keeps every journal line small

#: How a snapshot lists each table's documents (then by id; tables not named: by id only).
SNAPSHOT_ORDER: dict[str, Callable[[dict[str, Any]], Any]] = {
    ANSWERS: lambda d: (d["q"], d["k"]),
}

#: The writer folds by itself once the journal holds this many answer operations since the
#: last fold: the most arrival order the journal keeps while the room answers (a device
#: answers about 30 questions, so a few devices' worth). A fold costs the changed documents'
#: JSON plus writing the snapshot, so 200 keeps a 20,000-answer session's per-answer cost in
#: ``bench/store.py``'s target.
FOLD_EVERY = 200

#: The journal is reordered once this many answers came in since the last reorder or fold:
#: fewer than one person's survey (about 30 questions). A reorder costs about what the journal
#: holds (at most ``FOLD_EVERY`` answers' worth) plus two fsyncs.
REORDER_EVERY = 25

#: ... and once the journal has had no write for this many seconds (a self-paced survey
#: closes no question, so nothing else would order the last person's answers).
REORDER_IDLE = 2.0


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


# ---------------------------------------------------------------- validation and indexes


@dataclass
class Index:
    """What the store derives from its tables: the parsed header and the O(1) lookups."""

    meta_id: int
    info: SessionInfo
    secret: bytes
    question_set: QuestionSet
    answers: dict[str, dict[str, int]]  # question -> slot -> doc id
    keyed: dict[str, dict[Any, int]]  # table -> key -> doc id
    # The same set in another language (lang -> set), frozen with it: what phones read in
    # that language. Sessions made before it have none.
    translations: dict[str, QuestionSet] = field(default_factory=dict)


def build_index(tables: files.Tables, folder: Path | None) -> Index:
    """Check every document's shape and build the lookups; raise ``SessionDamaged`` if off."""
    where = "the meta table"
    try:
        meta_docs = tables.get(META) or {}
        if len(meta_docs) != 1:
            raise ValueError("expected exactly one meta record")
        meta_key, meta = next(iter(meta_docs.items()))
        schema = meta["schema"]
        if isinstance(schema, int):
            files.check_schema(schema, folder)
        secret = bytes.fromhex(_str(meta["secret"]))
        if len(secret) < 16:
            raise ValueError("the session secret is too short")
        info_data = meta["info"]
        if not isinstance(info_data, dict):
            raise TypeError("info is not an object")
        info = SessionInfo.from_dict(info_data)
        for name in ("name", "title", "created", "set_id", "lang", "join_code"):
            _str(getattr(info, name))

        where = "the frozen question set"
        qs_docs = tables.get(QUESTION_SET) or {}
        if len(qs_docs) != 1:
            raise ValueError("expected exactly one question set")
        qs_doc = next(iter(qs_docs.values()))
        question_set = QuestionSet.from_dict(qs_doc["set"])
        translations: dict[str, QuestionSet] = {}
        for lang, data in (qs_doc.get("translations") or {}).items():
            copy_ = QuestionSet.from_dict(data)
            if copy_.lang != lang or not question_set.asks_the_same(copy_):
                raise ValueError(f"the {lang!r} copy does not ask what the set asks")
            translations[lang] = copy_

        where = "the answers"
        answers: dict[str, dict[str, int]] = {}
        for doc_id, doc in (tables.get(ANSWERS) or {}).items():
            if doc.keys() != {"q", "k", "v"}:
                raise ValueError(f"answer {doc_id} has fields {sorted(doc)}")
            by_slot = answers.setdefault(_str(doc["q"]), {})
            if _str(doc["k"]) in by_slot:
                raise ValueError(f"two answers from one slot to {doc['q']!r}")
            by_slot[doc["k"]] = int(doc_id)

        keyed: dict[str, dict[Any, int]] = {}
        for name, key_of in KEYED.items():
            where = f"the table {name!r}"
            index: dict[Any, int] = {}
            for doc_id, doc in (tables.get(name) or {}).items():
                key = key_of(doc)
                if key in index:
                    raise ValueError(f"two records for {key!r}")
                index[key] = int(doc_id)
                if name == NEEDS:
                    Need.from_dict(doc)
                elif name == ACTIONS:
                    ActionItem.from_dict(doc)
                elif name == POLLS and not isinstance(item_from_dict(doc), Question):
                    raise ValueError(f"poll {key!r} is not a question")
            keyed[name] = index
    except StoreError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise SessionDamaged(
            f"The session's data is not in the expected shape in {where} "
            f"({type(exc).__name__}: {exc}).",
            folder,
        ) from None
    return Index(int(meta_key), info, secret, question_set, answers, keyed, translations)


def canonical(tables: files.Tables) -> files.Tables:
    """The tables as a snapshot keeps them: answers renumbered in (question, slot) order.

    Doc ids are assigned on arrival; left as they are they would tell, in the file, who
    answered in which order. Other tables keep their ids (their order is the facilitator's).
    """
    out: files.Tables = {}
    for name, docs in tables.items():
        if name == ANSWERS:
            ordered = sorted(docs.values(), key=SNAPSHOT_ORDER[ANSWERS])
            out[name] = {str(i): doc for i, doc in enumerate(ordered, start=1)}
        else:
            out[name] = {k: docs[k] for k in sorted(docs, key=int)}
    return out


def initial_tables(
    info: SessionInfo,
    question_set: QuestionSet,
    secret: str,
    translations: Iterable[QuestionSet] = (),
) -> files.Tables:
    tables: files.Tables = {name: {} for name in ALL_TABLES}
    tables[META]["1"] = {"schema": files.SCHEMA_VERSION, "secret": secret, "info": info.to_dict()}
    frozen: dict[str, Any] = {"set": question_set.to_dict()}
    copies = {t.lang: t.to_dict() for t in translations if t.lang != question_set.lang}
    if copies:
        frozen["translations"] = copies
    tables[QUESTION_SET]["1"] = frozen
    return json.loads(files.dumps(tables))  # plain JSON data: tuples become lists


# ---------------------------------------------------------------- small helpers


#: Types whose values are JSON as they are and cannot change (a float may be NaN: not these).
_IMMUTABLE_JSON = (str, int, bool)


def _json_copy(value: Any, what: str = "value") -> Any:
    """A private copy of JSON data, or ``TypeError``: the journal can hold nothing else, and
    a caller mutating its own list later must not change what the store holds."""
    if value is None or type(value) in _IMMUTABLE_JSON:  # most answers: nothing to copy
        return value
    if files.nested_too_deep(value, files.MAX_VALUE_DEPTH):  # the file would not read back
        raise TypeError(f"the {what} nests more than {files.MAX_VALUE_DEPTH} levels deep")
    try:
        return json.loads(files.dumps(value))
    except (TypeError, ValueError) as exc:
        raise TypeError(f"the {what} is not JSON data: {exc}") from None


def _check_key(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_KEY:
        raise ValueError(f"{what} must be a non-empty string of at most {MAX_KEY} characters")
    return value


def _copy_value(value: Any) -> Any:
    return copy.deepcopy(value) if isinstance(value, (list, dict)) else value


def _replace_with(doc: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    def replace_doc(target: dict[str, Any]) -> None:
        target.clear()
        target.update(doc)

    return replace_doc


def _is_session_dir(path: Path) -> bool:
    return path.is_dir() and ((path / files.SNAPSHOT).exists() or (path / files.JOURNAL).exists())


def _load_readonly(path: Path) -> files.Loaded:
    """Read without a lock while a writer may be folding: retry when the two files disagree."""
    deadline = time.monotonic() + 2.0
    damaged_tries = 0
    delay = 0.001
    while True:
        try:
            return files.load(path)
        except files.RetryRead:
            if time.monotonic() > deadline:
                raise SessionDamaged(
                    "The journal continues a newer snapshot than session.json.", path
                ) from None
        except SessionDamaged:
            # A read that overlapped a writer cutting back a failed line can look damaged.
            damaged_tries += 1
            if damaged_tries >= 3:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.05)


def _locked(
    method: Callable[Concatenate[SessionStore, P], R],
) -> Callable[Concatenate[SessionStore, P], R]:
    """A read under the store's lock: a rollback on the writer thread swaps the tables and
    their indexes together, and a read must see all of one state."""

    @functools.wraps(method)
    def read(self: SessionStore, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._lock:
            return method(self, *args, **kwargs)

    return read


# ---------------------------------------------------------------- Durable


class Durable:
    """The promise that a write is on disk: ``wait()`` from plain code, ``await`` on the loop.

    Writes that share a group commit share one future. If the commit failed, the store had
    rolled back before the future failed (see the module docstring).
    """

    __slots__ = ("_future", "_store")

    def __init__(self, future: Commit, store: SessionStore | None) -> None:
        self._future = future
        self._store = store

    @property
    def done(self) -> bool:
        return self._future.done()

    def wait(self, timeout: float | None = None) -> None:
        try:
            self._future.result(timeout)
        except TimeoutError:
            raise TimeoutError("the write is not on disk yet") from None
        except StoreError as exc:
            self._raise(exc)

    def __await__(self) -> Generator[Any, None, None]:
        future = self._future
        if not future.done():
            yield from future.waiter().__await__()
        exc = future.exception()
        if exc is not None:
            self._raise(exc)

    def _raise(self, exc: BaseException) -> None:
        if isinstance(exc, StoreError):
            raise exc.clone()
        raise exc


def _resolved() -> Durable:
    future = new_future()
    future.set_result(None)
    return Durable(future, None)


_PLACEHOLDER = _resolved()  # replaced by the real promise when the write is queued


# ---------------------------------------------------------------- the store


class _Write:
    """One write: under the store's lock, apply through TinyDB, then queue its operations."""

    __slots__ = ("durable", "store")

    def __init__(self, store: SessionStore) -> None:
        self.store = store
        self.durable = _PLACEHOLDER

    def __enter__(self) -> _Write:
        store = self.store
        store._lock.acquire()
        try:
            store._check_writable()
            store._db.live.begin()
        except BaseException:
            store._lock.release()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        store = self.store
        try:
            # Even if the body failed half-way, what it changed in memory goes to the journal:
            # memory and disk must never disagree.
            ops = store._db.live.end()
            assert store._writer is not None
            self.durable = Durable(store._writer.submit(ops), store)
        finally:
            store._lock.release()


class SessionStore:
    """A session opened for writing (one process at a time) or read-only (any number)."""

    path: Path
    info: SessionInfo
    question_set: QuestionSet
    translations: dict[str, QuestionSet]  # the set in other languages, see ``Index``
    secret: bytes
    readonly: bool

    def __init__(self) -> None:
        raise TypeError("use SessionStore.open(path)")

    # ------------------------------------------------------------ opening and closing

    @classmethod
    def open(cls, path: Path, *, readonly: bool = False) -> SessionStore:
        path = Path(path)
        if not _is_session_dir(path):
            raise SessionNotFound("There is no session here.", path)
        self = object.__new__(cls)
        self.path = path
        self.readonly = readonly
        # Reentrant: ``record`` reads under it through the other reads.
        self._lock = threading.RLock()
        self._closed = False
        self._broken: StoreError | None = None
        self._order_listeners: list[Callable[[StoreError | None], None]] = []
        self.order_problem: StoreError | None = None
        self._writer: JournalWriter | None = None
        self._writer_lock: WriterLock | None = None
        if readonly:
            loaded = _load_readonly(path)
            self._setup(loaded.tables, build_index(loaded.tables, path))
            return self
        self._writer_lock = WriterLock.acquire(path)
        try:
            self._open_writer()
        except BaseException:
            self._writer_lock.release()
            self._writer_lock = None
            raise
        return self

    def _open_writer(self) -> None:
        path = self.path
        try:
            loaded = files.load(path)
        except files.RetryRead:
            raise SessionDamaged(
                "The journal continues a newer snapshot than session.json.", path
            ) from None
        index = build_index(loaded.tables, path)  # raises before anything is written
        for leftover in (f".{files.SNAPSHOT}.tmp", f".{files.JOURNAL}.tmp"):
            with contextlib.suppress(OSError):
                files.unlink(path / leftover)
        tables = loaded.tables
        generation = loaded.snapshot_generation
        scan = loaded.journal
        install_pending: bool | None = None
        if loaded.journal_current and not scan.ops and not scan.torn:
            clean_end = scan.valid_end  # nothing to fold
            text = SnapshotText(tables, SNAPSHOT_ORDER)
        else:
            folded = canonical(tables)
            text = SnapshotText(folded, SNAPSHOT_ORDER)
            try:
                files.write_generation(path, generation + 1, text.render(generation + 1, folded))
            except files.HalfFold as half:
                # The new snapshot is in place and the old journal is stale (it still lists
                # the answers as they arrived): the writer installs the new journal before
                # anything else, and keeps trying while the disk refuses (see ``writer``).
                log.warning("could not finish folding %s on open: %s", path, half)
                install_pending = half.renamed
                generation += 1
                tables = folded
                index = build_index(tables, path)
                clean_end = len(files.journal_header(generation))
            except OSError as exc:
                if not loaded.journal_current:
                    raise from_os_error(exc, path, "fold the journal into the snapshot") from exc
                # No room for a new snapshot: carry on appending to the journal as it is.
                log.warning("could not fold %s on open: %s", path, exc)
                clean_end = 0
                text = SnapshotText(tables, SNAPSHOT_ORDER)
                self._trim_torn_tail(scan)
            else:
                generation += 1
                tables = folded
                index = build_index(tables, path)
                clean_end = len(files.journal_header(generation))
        fd: int | None = None
        if install_pending is False:
            # The journal on disk is the stale one: the writer installs the new one first.
            end = clean_end
        else:
            try:
                fd = files.open_journal(path)
                end = files.size(fd)
            except OSError as exc:
                if fd is not None:
                    files.close(fd)
                raise from_os_error(exc, path, "open the journal") from exc
        try:
            self._setup(tables, index)
            self._writer = JournalWriter(
                path,
                fd,
                end,
                generation=generation,
                clean_end=clean_end,
                text=text,
                lock=self._lock,
                prepare_rollback=self._prepare_rollback,
                snapshot_of=self._snapshot_for_fold,
                counted_table=ANSWERS,
                fold_every=FOLD_EVERY,
                reorder_every=REORDER_EVERY,
                reorder_idle=REORDER_IDLE,
                on_order=self._order_changed,
                install_pending=install_pending,
            )
        except BaseException:
            if fd is not None:
                files.close(fd)
            raise

    def _trim_torn_tail(self, scan: files.JournalScan) -> None:
        if not scan.torn:
            return
        try:
            files.cut_journal(self.path, scan.valid_end)
        except OSError as exc:
            raise from_os_error(exc, self.path, "cut a torn line off the journal") from exc

    def _setup(self, tables: files.Tables, index: Index) -> None:
        self._db: SessionDB = open_db(tables, random_ids=(ANSWERS,))
        self._tables: dict[str, LiveTable] = {
            name: self._db.table(name)  # type: ignore[misc]
            for name in ALL_TABLES
        }
        self.question_set = index.question_set
        self.translations = index.translations
        self._install(tables, index)

    def _install(self, tables: files.Tables, index: Index) -> None:
        self._db.live.reset(tables)
        for table in self._tables.values():
            table.clear_cache()
        self._meta_id = index.meta_id
        self.info = index.info
        self.secret = index.secret
        self._answers = index.answers
        self._keys = index.keyed

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        if self.readonly:
            return
        try:
            writer = self._writer
            assert writer is not None
            writer.close()
            if writer.needs_final_fold:
                tables = canonical(self._db.live.read())
                try:
                    files.write_generation(self.path, writer.generation + 1, tables)
                except OSError as exc:
                    # Everything acknowledged is in the journal (or the snapshot, if only the
                    # journal's replacement failed); the next open folds it.
                    log.warning("could not fold %s on close: %s", self.path, exc)
        finally:
            if self._writer_lock is not None:
                self._writer_lock.release()
                self._writer_lock = None

    def __enter__(self) -> SessionStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "read-only" if self.readonly else "writer"
        return f"<SessionStore {self.path} {mode}{' closed' if self._closed else ''}>"

    # ------------------------------------------------------------ folding

    def fold(self) -> Durable:
        """Fold the journal into a new snapshot now, while the session stays open and live.

        The journal keeps answers in the order they arrived, which links a device's answers;
        the snapshot does not. The meeting calls this when a question closes or is revealed
        (the store also folds by itself every ``FOLD_EVERY`` answer writes). The fold runs on
        the writer thread after every write queued before it; writes made meanwhile go to the
        new journal. Only a copy of the table dicts is taken here, under the lock.

        The ``Durable`` resolves when the new snapshot is in place, and raises ``StoreFull``
        or ``StoreError`` if it could not be written: the session then carries on in the old
        snapshot and journal, and nothing is lost. With nothing written since the last fold
        this does nothing.
        """
        with self._lock:
            self._check_writable()
            assert self._writer is not None
            future = self._writer.request_fold()
        return Durable(future, self)

    def reorder(self) -> Durable:
        """Reorder the journal now, as the writer does by itself after ``REORDER_IDLE`` quiet
        seconds: resolves once no file of the session holds arrival order (after every
        write queued before it), or raises as ``fold`` does."""
        with self._lock:
            self._check_writable()
            assert self._writer is not None
            future = self._writer.request_reorder()
        return Durable(future, self)

    def watch_order(self, listener: Callable[[StoreError | None], None]) -> Callable[[], None]:
        """Hear when the journal could not be reordered (the error: its answers' arrival order
        stays on disk while the writer tries again) and when it could again (None).

        The listener runs on the writer thread and must be quick; returns the unsubscriber.
        """
        with self._lock:
            self._order_listeners.append(listener)
        return lambda: self._order_listeners.remove(listener)

    def _order_changed(self, err: StoreError | None) -> None:
        self.order_problem = err
        for listener in list(self._order_listeners):
            try:
                listener(err)
            except Exception:
                log.exception("an order listener failed")

    def _snapshot_for_fold(self) -> files.Tables:
        """For the writer, with the lock held: the tables as the queue leaves them."""
        return self._db.live.snapshot()

    # ------------------------------------------------------------ rollback

    def _prepare_rollback(self, durable_end: int) -> Callable[[], None]:
        """On the writer thread, after a failed commit and without the lock: read back the
        durable state, and return what installs it (the writer calls that under the lock)."""
        try:
            try:
                loaded = files.load(self.path, limit=durable_end)
            except files.RetryRead:  # pragma: no cover - only this process writes these files
                raise SessionDamaged("The journal changed under the writer.", self.path) from None
            index = build_index(loaded.tables, self.path)
        except (StoreError, OSError) as exc:
            err = (
                exc
                if isinstance(exc, StoreError)
                else from_os_error(exc, self.path, "read the session back after a failed write")
            )
            log.error("could not roll %s back after a failed write: %s", self.path, err)

            def refuse_writes() -> None:
                self._broken = err

            return refuse_writes
        return lambda: self._install(loaded.tables, index)

    # ------------------------------------------------------------ writes

    def _check_writable(self) -> None:
        if self.readonly:
            raise StoreError("The session is open read-only.", self.path)
        if self._closed:
            raise StoreError("The session is closed.", self.path)
        if self._broken is not None:
            raise self._broken.clone()

    def _write(self) -> _Write:
        return _Write(self)

    def put_answer(self, question: str, slot: str, value: Any) -> Durable:
        """Record a device's answer (replacing its earlier one): O(1) whatever the session."""
        _check_key(question, "question")
        _check_key(slot, "slot")
        value = _json_copy(value)
        with self._write() as w:
            by_slot = self._answers.get(question)
            doc_id = by_slot.get(slot) if by_slot else None
            # A new document each time, whole (documents are replaced, never changed).
            put = self._tables[ANSWERS].put({"q": question, "k": slot, "v": value}, doc_id)
            if doc_id is None:
                self._answers.setdefault(question, {})[slot] = put
        return w.durable

    def delete_answer(self, question: str, slot: str) -> Durable:
        with self._write() as w:
            by_slot = self._answers.get(question)
            doc_id = by_slot.pop(slot, None) if by_slot else None
            if doc_id is not None:
                self._tables[ANSWERS].remove(doc_ids=[doc_id])
                if not by_slot:
                    del self._answers[question]
        return w.durable

    def _put_keyed(self, name: str, key: Any, doc: dict[str, Any]) -> Durable:
        with self._write() as w:
            self._put_keyed_within(name, key, doc)
        return w.durable

    def _put_keyed_within(self, name: str, key: Any, doc: dict[str, Any]) -> None:
        """The keyed put itself, inside a write that may change more (``drop_raw``)."""
        index = self._keys[name]
        doc_id = index.get(key)
        if doc_id is None:
            index[key] = self._tables[name].insert(doc)
        else:
            self._tables[name].update(_replace_with(doc), doc_ids=[doc_id])

    def _delete_keyed(self, name: str, key: Any) -> Durable:
        with self._write() as w:
            doc_id = self._keys[name].pop(key, None)
            if doc_id is not None:
                self._tables[name].remove(doc_ids=[doc_id])
        return w.durable

    def set_tally(self, question: str, counts: dict[str, int]) -> Durable:
        """Counts typed in by the facilitator (hands, paper); an empty dict clears them."""
        _check_key(question, "question")
        clean: dict[str, int] = {}
        for option, n in dict(counts).items():
            if isinstance(n, bool) or not isinstance(n, int) or n < 0:
                raise ValueError(f"a count must be a whole number >= 0, not {n!r}")
            clean[str(option)] = n
        if not clean:
            return self._delete_keyed(TALLIES, question)
        return self._put_keyed(TALLIES, question, {"q": question, "counts": clean})

    def set_moderation(self, question: str, text: str, state: str) -> Durable:
        _check_key(question, "question")
        if not isinstance(text, str):
            raise TypeError("text must be a string")
        if state not in MODERATION_STATES:
            raise ValueError(f"state must be one of {MODERATION_STATES}, not {state!r}")
        doc = {"q": question, "text": text, "state": state}
        return self._put_keyed(MODERATION, (question, text), doc)

    def set_note(self, item_id: str, text: str) -> Durable:
        """The facilitator's notes for an item; empty text removes them."""
        _check_key(item_id, "item id")
        if not isinstance(text, str):
            raise TypeError("text must be a string")
        if not text:
            return self._delete_keyed(NOTES, item_id)
        return self._put_keyed(NOTES, item_id, {"item": item_id, "text": text})

    def save_need(self, need: Need) -> Durable:
        _check_key(need.id, "need id")
        return self._put_keyed(NEEDS, need.id, _json_copy(need.to_dict(), "need"))

    def delete_need(self, need_id: str) -> Durable:
        return self._delete_keyed(NEEDS, need_id)

    def save_action(self, action: ActionItem) -> Durable:
        _check_key(action.id, "action id")
        return self._put_keyed(ACTIONS, action.id, _json_copy(action.to_dict(), "action"))

    def delete_action(self, action_id: str) -> Durable:
        return self._delete_keyed(ACTIONS, action_id)

    def add_poll(self, question: Question) -> Durable:
        """A quick poll made during the meeting; the same id replaces the earlier one."""
        _check_key(question.id, "poll id")
        return self._put_keyed(POLLS, question.id, _json_copy(item_to_dict(question), "poll"))

    def set_state(self, key: str, value: Any) -> Durable:
        """Meeting state that must survive a restart (current item, voting per question...)."""
        _check_key(key, "state key")
        return self._put_keyed(STATE, key, {"key": key, "value": _json_copy(value)})

    def update_info(self, **changes: Any) -> Durable:
        if "name" in changes:
            raise ValueError("a session's name is its folder and cannot change")
        new = replace(self.info, **changes)
        data = _json_copy(new.to_dict(), "session info")
        with self._write() as w:
            self._tables[META].update({"info": data}, doc_ids=[self._meta_id])
            self.info = new
        return w.durable

    def drop_raw(self, kept: dict[str, Any]) -> Durable:
        """``mognad close``: delete every raw answer, free text (moderated ones too) and hand
        count in one write, and keep ``kept`` (the plan's figures) in their place.

        The deletion reaches the files only with the next fold (``fold``), which rewrites the
        snapshot and starts a new journal: ``store.closing`` does both and checks the result.
        """
        doc = {"key": CLOSED, "value": {"kept": _json_copy(kept, "kept figures")}}
        with self._write() as w:
            # Hand counts go too: below the threshold they are as telling as raw answers, and
            # the kept figures already hold them where they may be shown.
            for name in (ANSWERS, MODERATION, TALLIES):
                self._tables[name].truncate()
            self._answers = {}
            self._keys[MODERATION] = {}
            self._keys[TALLIES] = {}
            self._put_keyed_within(STATE, CLOSED, doc)
        return w.durable

    def is_closed_for_good(self) -> bool:
        """Whether ``mognad close`` ran: no meeting may take answers here any more."""
        return isinstance(self.state(CLOSED), dict)

    # ------------------------------------------------------------ reads (from memory)

    def _docs(self, name: str) -> dict[str, dict[str, Any]]:
        return self._db.live.read().get(name, {})

    def _ordered(self, name: str) -> list[dict[str, Any]]:
        docs = self._docs(name)
        return [docs[k] for k in sorted(docs, key=int)]

    @_locked
    def answer_for(self, question: str, slot: str) -> Any | None:
        doc_id = self._answers.get(question, {}).get(slot)
        if doc_id is None:
            return None
        doc = self._tables[ANSWERS].get(doc_id=doc_id)
        return None if doc is None else _copy_value(doc["v"])

    @_locked
    def answers(self, question: str) -> list[Any]:
        """Every device's answer, in slot order: an order that says nothing about who or when."""
        docs = self._docs(ANSWERS)
        by_slot = self._answers.get(question, {})
        return [_copy_value(docs[str(by_slot[k])]["v"]) for k in sorted(by_slot)]

    @_locked
    def answer_count(self, question: str) -> int:
        return len(self._answers.get(question, ()))

    @_locked
    def total_answers(self) -> int:
        return sum(len(by_slot) for by_slot in self._answers.values())

    @_locked
    def tally(self, question: str) -> dict[str, int]:
        doc_id = self._keys[TALLIES].get(question)
        docs = self._docs(TALLIES)
        return dict(docs[str(doc_id)]["counts"]) if doc_id is not None else {}

    @_locked
    def tallies(self) -> dict[str, dict[str, int]]:
        return {d["q"]: dict(d["counts"]) for d in self._ordered(TALLIES)}

    @_locked
    def moderation(self, question: str) -> dict[str, str]:
        return {d["text"]: d["state"] for d in self._ordered(MODERATION) if d["q"] == question}

    @_locked
    def note(self, item_id: str) -> str:
        doc_id = self._keys[NOTES].get(item_id)
        docs = self._docs(NOTES)
        return docs[str(doc_id)]["text"] if doc_id is not None else ""

    @_locked
    def notes(self) -> dict[str, str]:
        return {d["item"]: d["text"] for d in self._ordered(NOTES)}

    @_locked
    def needs(self) -> list[Need]:
        return [Need.from_dict(copy.deepcopy(d)) for d in self._ordered(NEEDS)]

    @_locked
    def actions(self) -> list[ActionItem]:
        return [ActionItem.from_dict(copy.deepcopy(d)) for d in self._ordered(ACTIONS)]

    @_locked
    def polls_key(self) -> tuple[Any, ...]:
        """The poll documents as they are now: a different tuple (element by element, by
        identity) whenever a poll is added, changed or removed, because documents are replaced,
        never changed in place (see ``live``)."""
        return tuple(self._docs(POLLS).values())

    @_locked
    def polls(self) -> list[Question]:
        return [item_from_dict(copy.deepcopy(d)) for d in self._ordered(POLLS)]  # type: ignore[misc]

    @_locked
    def state(self, key: str, default: Any = None) -> Any:
        doc_id = self._keys[STATE].get(key)
        docs = self._docs(STATE)
        return _copy_value(docs[str(doc_id)]["value"]) if doc_id is not None else default

    @_locked
    def record(self) -> SessionRecord:
        """A plain-data copy of the whole session, for results and exports."""
        approved: dict[str, list[str]] = {}
        for d in self._ordered(MODERATION):
            if d["state"] == "approved":
                approved.setdefault(d["q"], []).append(d["text"])
        voting: dict[str, Voting] = {}
        closed = self.state(CLOSED)
        raw_voting = self.state("voting", {})
        if isinstance(raw_voting, dict):
            for qid, value in raw_voting.items():
                with contextlib.suppress(ValueError):
                    voting[qid] = Voting(value)
        return SessionRecord(
            info=self.info,
            question_set=self.question_set,
            answers={q: self.answers(q) for q in sorted(self._answers) if self._answers[q]},
            tallies=self.tallies(),
            notes=self.notes(),
            needs=self.needs(),
            actions=self.actions(),
            approved={q: sorted(texts) for q, texts in approved.items()},
            polls=self.polls(),
            voting=voting,
            closed=isinstance(closed, dict),
            kept=dict(closed.get("kept") or {}) if isinstance(closed, dict) else {},
            shown=shown if isinstance(shown := self.state("shown", {}), dict) else {},
        )
