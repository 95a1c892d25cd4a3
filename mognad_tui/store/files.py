"""The session's files on disk: a snapshot replaced atomically, and an append-only journal.

A session folder holds:

- ``session.json``: the snapshot, ``{"format", "schema", "generation", "tables"}`` where
  ``tables`` is TinyDB's own shape (table name -> doc id as a string -> document). It is only
  ever replaced whole (write a temporary file, fsync, ``os.replace``, fsync the folder), so it is
  either the old or the new one, never half of each.
- ``journal.log``: what happened since that snapshot. The first line is a header naming the
  snapshot generation it continues; every later line is one group commit: a JSON list of
  logical operations on tables. Each line is ``<crc32 as 8 hex digits> <json>\\n``, so a line
  torn by a crash is recognised and dropped, while a bad line with good lines after it (which
  no crash can produce, because a line is written only after the one before it is durable) is
  reported as damage instead of being silently skipped.
- ``writer.lock``: the file the single writer holds an exclusive lock on (see ``lock``).

Operations are absolute (put this document under this id, delete this id, drop this table), so
replaying them is deterministic and needs nothing but the snapshot.

Every rename happens with no descriptor open on its source or its target, on every platform
(Windows refuses it; one code path, so the Linux tests run what Windows runs): a temporary
file is closed once fsynced, and a live writer closes the journal before a rename over it and
opens it again by name after.

A fold (``write_generation``) writes both new files under temporary names first, then renames
the snapshot into place, fsyncs the folder, and renames the journal: so the files on disk are
always a snapshot with its own journal, or a new snapshot beside the previous generation's
journal (which readers ignore: the snapshot holds all of it), never a journal newer than its
snapshot.

A reorder (``replace_file`` of ``journal_bytes`` from ``NetOps``) renames a journal of the
same generation over the journal: the same changes, as one line in an order that says nothing
about arrival. A reader gets the old journal or the new one, and either gives the same tables.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import SessionDamaged, StoreError, from_os_error

SCHEMA_VERSION = 1

SNAPSHOT = "session.json"
JOURNAL = "journal.log"
LOCK = "writer.lock"
SNAPSHOT_FORMAT = "mognad-session"
JOURNAL_FORMAT = "mognad-journal"

#: Session files hold the secret that keys the anonymous slots: keep them to their owner.
FILE_MODE = 0o600
DIR_MODE = 0o700

Doc = dict[str, Any]
Tables = dict[str, dict[str, Doc]]
Op = list[Any]

#: errnos with which ``F_FULLFSYNC`` says "not on this filesystem" (SMB, FAT, some USB disks).
_NO_FULLFSYNC = {errno.EINVAL, errno.ENOTSUP, errno.ENOTTY, getattr(errno, "EOPNOTSUPP", 95)}


def choose_fsync(platform: str = sys.platform, fcntl: Any = None) -> Callable[[int], None]:
    """The call that gets a file's bytes onto the disk itself on this platform.

    Linux and Windows: ``os.fsync`` (``FlushFileBuffers`` on Windows). macOS: ``fsync`` only
    hands the data to the drive, whose cache a power cut empties; ``F_FULLFSYNC`` asks the
    drive to write it out, as SQLite does. Where a filesystem refuses ``F_FULLFSYNC``, plain
    ``fsync`` is the best there is; any other error (a full disk, an I/O error) is raised.
    """
    if platform != "darwin":
        return os.fsync
    if fcntl is None:
        import fcntl  # macOS only here: never imported on Windows
    full = getattr(fcntl, "F_FULLFSYNC", None)
    if full is None:
        return os.fsync
    fcntl_call = fcntl.fcntl

    def full_fsync(fd: int) -> None:
        try:
            fcntl_call(fd, full)
        except OSError as exc:
            if exc.errno not in _NO_FULLFSYNC:
                raise
            os.fsync(fd)

    return full_fsync


#: Whether a folder can be opened and fsynced to make a rename in it durable. Windows cannot
#: open a folder at all; NTFS makes a rename durable with the file's own metadata journal.
FOLDER_FSYNC = os.name != "nt"

# ---------------------------------------------------------------- the disk
#
# Every call through which the store changes what is on disk, or opens a file or folder to do
# so, is one of the names below, and no other module of the store makes one (tests/
# test_store_disk_calls.py checks that). So a test sees each of them by replacing these names:
# a full disk is simulated by replacing ``_write`` or ``_fsync`` (the real one is also tested
# with RLIMIT_FSIZE in a subprocess), and the power-cut simulation (tests/powercut_sim.py)
# records every one to compute what a power cut at that moment would leave (docs/durability.md).
# Callers look them up on this module at call time (``files.replace(...)``), and each looks up
# ``os`` at call time too, so a test that replaces ``os.replace`` (the Windows simulation) is
# obeyed as well.

_write = os.write
_fsync = choose_fsync()


def open_fd(path: Path, flags: int, mode: int = FILE_MODE) -> int:
    return os.open(path, flags, mode)


def close(fd: int) -> None:
    os.close(fd)


def truncate(fd: int, size: int) -> None:
    os.ftruncate(fd, size)


def replace(src: Path, dst: Path) -> None:
    os.replace(src, dst)


def rename(src: Path, dst: Path) -> None:
    """Rename without replacing: unlike ``replace``, an existing file at ``dst`` is an error
    (on Linux an empty folder there is still replaced)."""
    os.rename(src, dst)


def unlink(path: Path) -> None:
    os.unlink(path)


def make_folder(path: Path, mode: int = DIR_MODE) -> None:
    os.mkdir(path, mode)


def remove_tree(path: Path, ignore_errors: bool = False) -> None:
    shutil.rmtree(path, ignore_errors=ignore_errors)


def open_folder(path: Path) -> int | None:
    """``path`` opened to lock it, or ``None`` where folders cannot be opened (Windows)."""
    try:
        return open_fd(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0), 0)
    except OSError:
        return None


def size(fd: int) -> int:
    return os.fstat(fd).st_size


def same_file(fd: int, path: Path) -> bool:
    """Whether ``path`` (not followed if a link) is still the file open as ``fd``."""
    try:
        now = os.lstat(path)
    except OSError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino)


def make_folders(path: Path) -> None:
    """``path`` and its missing parents, each made durable in its own parent: a data folder
    that ``mognad new`` makes is lost with its sessions in a power cut unless its parent is
    fsynced too."""
    if path.is_dir():
        return
    if path.parent != path:
        make_folders(path.parent)
    try:
        make_folder(path, 0o777)
    except FileExistsError:
        if not path.is_dir():
            raise
        return
    with contextlib.suppress(PermissionError):  # a parent we may write in but not read
        fsync_dir(path.parent)


def create_empty(path: Path) -> None:
    """An empty file at ``path`` unless one is there (the lock file of a new session)."""
    close(open_fd(path, os.O_WRONLY | os.O_CREAT))


_LINE = re.compile(rb"([0-9a-f]{8}) (.*)\Z", re.DOTALL)

#: How deeply a session file's JSON may nest. The store's own documents reach about a dozen
#: levels (a frozen question set); anything deeper was not written by mognad. Without a bound,
#: ``[[[[...]]]]`` 100,000 deep raises ``RecursionError`` in the parser, and a few hundred
#: levels, which the parser still takes, do so later in any copy or export of the value.
MAX_DEPTH = 64
#: How deeply a value the store is asked to write may nest: well inside ``MAX_DEPTH``, so the
#: documents and lines around it never make a file the store would refuse to read back.
MAX_VALUE_DEPTH = MAX_DEPTH // 2


# ---------------------------------------------------------------- low-level writing


def write_all(fd: int, data: bytes) -> None:
    """Write every byte or raise: a short write on a regular file means the disk filled up."""
    view = memoryview(data)
    while view:
        n = _write(fd, view)
        if n <= 0:
            raise OSError(28, "No space left on device")  # ENOSPC
        view = view[n:]


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in ``path`` durable (some filesystems refuse: that is fine)."""
    if not FOLDER_FSYNC:
        return
    fd = open_fd(path, os.O_RDONLY, 0)
    try:
        _fsync(fd)
    except OSError as exc:
        if exc.errno not in (22,):  # EINVAL: this filesystem cannot fsync a folder
            raise
    finally:
        close(fd)


def _temporary(folder: Path, name: str, data: bytes) -> Path:
    """``data`` written, fsynced and closed as ``folder/.name.tmp``: the one place the store
    writes a file whole. Closed before anything renames it, because Windows refuses to rename
    a file that is open (or over one). On any failure the temporary file is removed and the
    error raised, so a full disk never leaves half a file behind.
    """
    tmp = folder / f".{name}.tmp"
    fd = open_fd(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    with _removed_on_failure(tmp):
        try:
            write_all(fd, data)
            _fsync(fd)
        finally:
            close(fd)
    return tmp


@contextlib.contextmanager
def _removed_on_failure(tmp: Path) -> Iterator[None]:
    """A temporary file whose step failed is removed before the error goes on: left behind,
    it would fill a full disk further and be mistaken for a leftover by the next open."""
    try:
        yield
    except BaseException:
        with contextlib.suppress(OSError):
            unlink(tmp)
        raise


def _put(tmp: Path, target: Path) -> None:
    """Rename the closed temporary file ``tmp`` over ``target``; on failure remove ``tmp``."""
    with _removed_on_failure(tmp):
        replace(tmp, target)


def open_journal(folder: Path) -> int:
    """The journal, opened by name for appending.

    By name, every time a writer (re)starts on it: after a rename over the journal, a
    descriptor kept from before would append to the old, unlinked file, which no one reads.
    """
    return open_fd(folder / JOURNAL, os.O_WRONLY | os.O_APPEND)


def cut_journal(folder: Path, size: int) -> None:
    """Cut a torn last line off the journal (back to ``size`` bytes), durably."""
    fd = open_fd(folder / JOURNAL, os.O_WRONLY)
    try:
        truncate(fd, size)
        _fsync(fd)
    finally:
        close(fd)


def encode_line(payload: str) -> bytes:
    data = payload.encode("ascii")
    return b"%08x " % zlib.crc32(data) + data + b"\n"


def nested_too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether ``value`` nests lists and objects more than ``limit`` levels (no recursion)."""
    level = [value] if isinstance(value, (list, tuple, dict)) else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        children: list[Any] = []
        for item in level:
            for child in item.values() if isinstance(item, dict) else item:
                if isinstance(child, (list, tuple, dict)):
                    children.append(child)
        level = children
    return False


class TooDeep(ValueError):
    """JSON nested more deeply than ``MAX_DEPTH``."""


def loads(data: bytes | str) -> Any:
    """The journal's and snapshot's JSON, read back: ``ValueError`` for anything malformed,
    nesting deeper than ``MAX_DEPTH`` included (never ``RecursionError``)."""
    try:
        value = json.loads(data)
    except RecursionError:
        value = None
        too_deep = True
    else:
        too_deep = nested_too_deep(value)
    if too_deep:
        raise TooDeep(f"it nests more than {MAX_DEPTH} levels deep")
    return value


#: Made once: ``json.dumps`` with options builds a new encoder per call, and every write
#: encodes its operations on the loop (bench/ingest.py).
_ENCODER = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"), allow_nan=False)


def dumps(obj: Any) -> str:
    """The one JSON dialect of the journal: compact, ASCII (a line never contains a newline)."""
    return _ENCODER.encode(obj)


def journal_header(generation: int) -> bytes:
    return encode_line(
        dumps({"format": JOURNAL_FORMAT, "schema": SCHEMA_VERSION, "generation": generation})
    )


def snapshot_head(generation: int) -> str:
    """The snapshot's text up to its tables: ``{"format":...,"generation":N,"tables":``."""
    head = dumps({"format": SNAPSHOT_FORMAT, "schema": SCHEMA_VERSION, "generation": generation})
    return head[:-1] + ',"tables":'


def snapshot_bytes(generation: int, tables: Tables) -> bytes:
    body = {
        "format": SNAPSHOT_FORMAT,
        "schema": SCHEMA_VERSION,
        "generation": generation,
        "tables": tables,
    }
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    try:
        return text.encode()
    except UnicodeEncodeError:
        # A lone surrogate (valid in a JSON string, not in UTF-8) arrived in some value: the
        # ASCII form escapes it and reads back the same.
        return dumps(body).encode()


class HalfFold(OSError):
    """The new snapshot is in place, but the new journal naming it is not (yet) installed.

    The old journal is stale from here on (readers ignore it, because the snapshot holds all of
    it), so nothing may be appended to it: ``finish_generation`` must succeed first. With
    ``renamed`` the new journal is in place and only the folder's fsync is missing.
    """

    def __init__(self, cause: OSError, renamed: bool) -> None:
        super().__init__(cause.errno, cause.strerror)
        self.__cause__ = cause
        self.renamed = renamed


def finish_generation(folder: Path, renamed: bool) -> None:
    """Install the new journal after the new snapshot: the second half of ``write_generation``.

    The folder is fsynced between the two renames, so no crash can keep the journal's rename
    without the snapshot's (a journal newer than its snapshot would read as damage).
    """
    if not renamed:
        fsync_dir(folder)
        replace(folder / f".{JOURNAL}.tmp", folder / JOURNAL)
    fsync_dir(folder)


def install_journal(folder: Path, generation: int) -> None:
    """Put a fresh journal naming ``generation`` in place, after a ``HalfFold``: the snapshot
    of that generation is already there. Nothing may hold the journal open (Windows refuses
    the rename); raises ``OSError``."""
    tmp = _temporary(folder, JOURNAL, journal_header(generation))
    with _removed_on_failure(tmp):
        finish_generation(folder, False)


def replace_file(folder: Path, name: str, data: bytes) -> None:
    """Replace ``folder/name`` by ``data`` so a crash leaves the old or the new file, whole.

    Written, fsynced and closed under a temporary name, then renamed over the old file, then
    the folder fsynced. Nothing may hold ``name`` open meanwhile: Windows refuses to rename
    over an open file. Raises ``OSError`` (the temporary file removed, the old file as it was)
    or, once the rename is done and only the folder's fsync failed, ``HalfFold`` with
    ``renamed`` set.
    """
    _put(_temporary(folder, name, data), folder / name)
    try:
        fsync_dir(folder)
    except OSError as exc:
        raise HalfFold(exc, renamed=True) from exc


def journal_bytes(generation: int, texts: list[str]) -> bytes:
    """A journal of ``generation`` holding the operations ``texts`` (their ``dumps``) as one
    line: what a reorder puts in place with ``replace_file``."""
    data = journal_header(generation)
    if texts:
        data += encode_line("[" + ",".join(texts) + "]")
    return data


def write_generation(folder: Path, generation: int, tables: Tables | bytes) -> None:
    """Fold: a new snapshot (``tables``, or its bytes), then a fresh journal naming it.

    Both files are written, fsynced and closed under temporary names first, so a full disk
    fails the fold before anything changed (a plain ``OSError``: the old files are as they
    were). Then the snapshot is renamed into place, and the journal after it. A crash between
    the two renames leaves a journal of the previous generation, which readers ignore because
    everything in it is already in the snapshot. A failure between them raises ``HalfFold``.

    Nothing may hold the journal open meanwhile (Windows refuses to rename over an open file):
    a live writer closes it before and opens the new one by name after (``open_journal``).
    """
    data = tables if isinstance(tables, bytes) else snapshot_bytes(generation, tables)
    journal_tmp = _temporary(folder, JOURNAL, journal_header(generation))
    with _removed_on_failure(journal_tmp):
        _put(_temporary(folder, SNAPSHOT, data), folder / SNAPSHOT)
    try:
        finish_generation(folder, renamed=False)
    except OSError as exc:
        raise HalfFold(exc, renamed=not journal_tmp.exists()) from exc


# ---------------------------------------------------------------- reading


@dataclass
class Snapshot:
    generation: int
    tables: Tables


def read_snapshot(folder: Path) -> Snapshot:
    path = folder / SNAPSHOT
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SessionDamaged("The session file session.json is missing.", folder) from None
    except OSError as exc:
        raise from_os_error(exc, folder, "read the session file") from exc
    try:
        data = loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SessionDamaged(
            f"The session file {SNAPSHOT} is not valid JSON ({exc}).", folder
        ) from None
    if not isinstance(data, dict) or data.get("format") != SNAPSHOT_FORMAT:
        raise SessionDamaged("The session file is not a mognad session.", folder)
    schema = data.get("schema")
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        raise SessionDamaged("The session file has no valid schema version.", folder)
    check_schema(schema, folder)
    generation = data.get("generation")
    if not _is_int(generation) or generation < 1:
        raise SessionDamaged("The session file has no valid generation.", folder)
    tables = data.get("tables")
    problem = _check_tables(tables)
    if problem:
        raise SessionDamaged(f"The session file has an unexpected shape: {problem}.", folder)
    return Snapshot(generation, tables)


def check_schema(schema: int, folder: Path | None) -> None:
    """Refuse what a newer mognad wrote: reading it could lose what this version doesn't know."""
    if schema > SCHEMA_VERSION:
        raise StoreError(
            f"The session was written by a newer mognad (schema {schema}); "
            f"this version reads schema {SCHEMA_VERSION}. Upgrade mognad to open it.",
            folder,
        )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_tables(tables: Any) -> str | None:
    if not isinstance(tables, dict):
        return "'tables' is not an object"
    for name, docs in tables.items():
        if not isinstance(docs, dict):
            return f"table {name!r} is not an object"
        for doc_id, doc in docs.items():
            if not doc_id.isdigit() or doc_id.startswith("0"):
                return f"table {name!r} has a bad document id {doc_id!r}"
            if not isinstance(doc, dict):
                return f"document {doc_id} of table {name!r} is not an object"
    return None


@dataclass
class JournalScan:
    """What a journal holds, read without changing it."""

    generation: int | None  # None: no usable journal (missing, empty, or only a torn header)
    batches: list[list[Op]] = field(default_factory=list)
    valid_end: int = 0  # offset just after the last good line
    size: int = 0

    @property
    def torn(self) -> bool:
        return self.size > self.valid_end

    @property
    def ops(self) -> int:
        return sum(len(b) for b in self.batches)


def read_journal(folder: Path, limit: int | None = None) -> JournalScan:
    """Read and check the journal; ``limit`` reads only the bytes known to be durable."""
    try:
        with open(folder / JOURNAL, "rb") as f:
            data = f.read() if limit is None else f.read(limit)
    except FileNotFoundError:
        return JournalScan(None)
    except OSError as exc:
        raise from_os_error(exc, folder, "read the journal") from exc
    return parse_journal(data, folder)


def parse_journal(data: bytes, folder: Path | None = None) -> JournalScan:
    lines: list[tuple[int, int, Any]] = []  # (start, end, payload or _BAD)
    pos = 0
    while pos < len(data):
        nl = data.find(b"\n", pos)
        if nl < 0:
            lines.append((pos, len(data), _BAD))  # no newline: torn at the end
            break
        lines.append((pos, nl + 1, _decode(data[pos:nl])))
        pos = nl + 1
    for n, (_, _, payload) in enumerate(lines, start=1):
        if payload is _DEEP:  # whole, with a good checksum: written so, not torn by a crash
            raise SessionDamaged(
                f"Journal line {n} of {JOURNAL} nests more than {MAX_DEPTH} levels deep.", folder
            )
    first_bad = next((i for i, line in enumerate(lines) if line[2] is _BAD), len(lines))
    if any(line[2] is not _BAD for line in lines[first_bad + 1 :]):
        raise SessionDamaged(
            f"The journal is corrupt at line {first_bad + 1}, with intact records after it; "
            "this is not a torn write.",
            folder,
        )
    good = lines[:first_bad]
    scan = JournalScan(None, size=len(data))
    if not good:
        return scan
    header = good[0][2]
    if (
        not isinstance(header, dict)
        or header.get("format") != JOURNAL_FORMAT
        or not _is_int(header.get("generation"))
        or not _is_int(header.get("schema"))
    ):
        raise SessionDamaged("The journal does not start with a valid header.", folder)
    check_schema(header["schema"], folder)
    scan.generation = header["generation"]
    for n, (_, _, payload) in enumerate(good[1:], start=2):
        problem = _check_batch(payload)
        if problem:
            raise SessionDamaged(f"Journal line {n} has an unexpected shape: {problem}.", folder)
        scan.batches.append(payload)
    scan.valid_end = good[-1][1]
    return scan


_BAD = object()
_DEEP = object()


def _decode(line: bytes) -> Any:
    m = _LINE.match(line)
    if not m:
        return _BAD
    body = m.group(2)
    if int(m.group(1), 16) != zlib.crc32(body):
        return _BAD
    try:
        return loads(body)
    except TooDeep:
        return _DEEP
    except ValueError:
        return _BAD


def _check_batch(batch: Any) -> str | None:
    if not isinstance(batch, list):
        return "not a list of operations"
    for op in batch:
        if not isinstance(op, list) or len(op) < 2 or not isinstance(op[1], str):
            return f"bad operation {op!r:.60}"
        kind = op[0]
        if kind == "p":
            ok = len(op) == 4 and _is_int(op[2]) and op[2] > 0 and isinstance(op[3], dict)
        elif kind == "d":
            ok = len(op) == 3 and _is_int(op[2])
        elif kind == "x":
            ok = len(op) == 2
        else:
            ok = False
        if not ok:
            return f"bad operation {op!r:.60}"
    return None


def apply_ops(tables: Tables, ops: list[Op]) -> None:
    """Apply logical operations to raw tables (string doc ids, like TinyDB's own storage)."""
    for op in ops:
        kind, name = op[0], op[1]
        if kind == "p":
            tables.setdefault(name, {})[str(op[2])] = op[3]
        elif kind == "d":
            table = tables.get(name)
            if table is not None:
                table.pop(str(op[2]), None)
        else:
            tables[name] = {}


class NetOps:
    """What a journal's operations change, gathered as they come; ``texts`` lists them in an
    order that says nothing about arrival.

    Replaying ``texts`` on the snapshot gives the same tables as replaying the operations
    added: per document only the last operation counts, and a dropped table is dropped first.
    Tables come by name; within one, the documents put come in ``order``'s key (then by id),
    and the ids deleted come after them by number.

    The live writer keeps one for the journal it appends to, each put with the JSON text it
    was journaled as, so a reorder neither reads the journal back nor encodes it again (that
    was the biggest cost left on the answer path: bench/notes/ingest.md). After a crash
    nothing is in memory: the next writer reads the journal and adds its operations (without
    their texts, encoded here), which gives the same bytes.
    """

    __slots__ = ("_tables",)

    def __init__(self, batches: Iterable[list[Op]] = ()) -> None:
        # Per table: whether it was dropped, and per doc id the put (document, its op's JSON)
        # or None for a delete.
        self._tables: dict[str, tuple[list[bool], dict[int, tuple[Doc, str] | None]]] = {}
        for batch in batches:
            for op in batch:
                self.add(op)

    def add(self, op: Op, text: str | None = None) -> None:
        """One more operation; ``text`` is its ``dumps`` if the caller already has it."""
        entry = self._tables.get(op[1])
        if entry is None:
            entry = self._tables[op[1]] = ([False], {})
        dropped, docs = entry
        if op[0] == "p":
            docs[op[2]] = (op[3], dumps(op) if text is None else text)
        elif op[0] == "d":
            docs[op[2]] = None
        else:
            dropped[0] = True
            docs.clear()

    def texts(self, order: Mapping[str, Callable[[Doc], Any]]) -> list[str]:
        """The net operations' JSON texts, in canonical order."""
        out: list[str] = []
        for name in sorted(self._tables):
            dropped, docs = self._tables[name]
            if dropped[0]:
                out.append(dumps(["x", name]))
            key = order.get(name)
            puts = sorted(
                (key(put[0]) if key else (), doc_id)
                for doc_id, put in docs.items()
                if put is not None
            )
            out.extend(docs[doc_id][1] for _, doc_id in puts)  # type: ignore[index]
            out.extend(
                dumps(["d", name, doc_id])
                for doc_id in sorted(i for i, d in docs.items() if d is None)
            )
        return out


@dataclass
class Loaded:
    """A session's tables as of the last good journal line, and where the files stand."""

    snapshot_generation: int
    tables: Tables
    journal: JournalScan
    journal_current: bool  # the journal continues this snapshot (else it is absent or stale)


class RetryRead(Exception):
    """The journal is newer than the snapshot read just before it: a fold raced the read."""


def load(folder: Path, limit: int | None = None) -> Loaded:
    """Snapshot plus journal, as one consistent state; raises ``RetryRead`` on a race.

    The journal is read before the snapshot. A fold renames the new snapshot into place before
    the new journal, so whatever journal a reader got, the snapshot it reads next is of the same
    generation (apply the journal) or newer (it already holds that journal): no retry is needed
    however often a live writer folds. Snapshot first could starve a reader of a big session
    while folds keep coming (an export in the middle of a busy meeting).
    """
    scan = read_journal(folder, limit)
    snap = read_snapshot(folder)
    tables = snap.tables
    current = scan.generation == snap.generation
    if scan.generation is not None and scan.generation > snap.generation:
        raise RetryRead
    if current:
        for batch in scan.batches:
            apply_ops(tables, batch)
    return Loaded(snap.generation, tables, scan, current)
