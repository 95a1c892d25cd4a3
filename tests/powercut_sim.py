"""A power cut, simulated at every disk operation the store makes.

kill -9 keeps the operating system's page cache, so a crash campaign cannot tell an answer
acknowledged before its fsync from one acknowledged after. A power cut loses the cache. This
records every disk operation the store makes through ``store/files.py`` (all of them do: see
``test_store_disk_calls.py``) during a real run, replays them into a model of a file system,
and at every point of the run lists the states a power cut there could leave on the disk
under one platform's rules (``Rules``), for the test to open with the real store.

The model (docs/durability.md says the same for developers):

- A file's content survives as of its last sync. What was written since may be lost, kept,
  or kept in part: the state after any prefix of the writes since the sync, and each write
  torn after its first byte, its middle and its next-to-last byte (a line torn anywhere looks
  the same to the journal's checksum).
- A change of a folder's entries (a file made, renamed, replaced or removed; a folder made)
  is a metadata change:

  - Linux (``fsync`` on files and folders) and macOS (only ``F_FULLFSYNC`` counts, and the
    store fsyncs through it; a plain ``fsync`` there leaves data in the drive's cache): a
    folder's changes survive as of its last sync; after it, any prefix of them, in the order
    made (what ext4's and APFS's journals give; a rename is one change, whole or not at all).
    A file's sync does not make its name durable.
  - Windows: no folder can be opened, so no folder is synced. NTFS writes every metadata
    change to one log per volume, in order, and flushing a file (``FlushFileBuffers``, what
    ``os.fsync`` calls) forces that log to disk up to the file's last change, which is later
    than every change made before it: so a power cut keeps any prefix of the changes made
    since the last file sync, and every change before that sync.

  Content and names are chosen independently: any combination of them is a state.
- Not modelled: a drive that lies about its cache flush, data written in place being torn
  within a sector, ext4's ``data=writeback`` showing zeros in a file's unsynced tail.
"""

from __future__ import annotations

import errno
import itertools
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from windows_sim import refusing_renames

from mognad_tui.store import files


@dataclass(frozen=True)
class Rules:
    """What one platform makes durable, and how the store runs there."""

    name: str
    #: Whether a folder is synced to make its changes durable (else NTFS's ordered log).
    folder_fsync: bool


LINUX = Rules("linux", folder_fsync=True)
MACOS = Rules("macos", folder_fsync=True)
WINDOWS = Rules("windows", folder_fsync=False)
PLATFORMS = (LINUX, MACOS, WINDOWS)

Tree = dict[str, "bytes | Tree"]
Op = tuple[Any, ...]
Change = tuple[Any, ...]  # ("put", name, node) | ("del", name) | ("move", src, dst)


class Node:
    """A file or a folder of the model: what it holds now, and what survives a power cut."""

    __slots__ = ("changes", "data", "durable", "entries", "folder", "pending", "synced")

    def __init__(self, folder: bool) -> None:
        self.folder = folder
        self.data = bytearray()  # a file's content now
        self.synced = b""  # ... as of its last sync
        self.pending: list[Change] = []  # ... changed since by ("w", offset, bytes), ("t", size)
        self.entries: dict[str, Node] = {}  # a folder's entries now
        self.durable: dict[str, Node] = {}  # ... as of its last sync
        self.changes: list[Change] = []  # ... changed since (with folder fsync)


def _change_entries(entries: dict[str, Node], change: Change) -> None:
    kind = change[0]
    if kind == "put":
        entries[change[1]] = change[2]
    elif kind == "del":
        entries.pop(change[1], None)
    else:
        entries[change[2]] = entries.pop(change[1])


def _change_data(data: bytearray, change: Change) -> None:
    if change[0] == "w":
        _, offset, chunk = change
        if offset > len(data):
            data.extend(b"\0" * (offset - len(data)))
        data[offset : offset + len(chunk)] = chunk
    else:
        del data[change[1] :]


def _contents(node: Node) -> list[bytes]:
    """Every content a power cut may leave in ``node``: see the module docstring."""
    data = bytearray(node.synced)
    out = [node.synced]
    for change in node.pending:
        if change[0] == "w":
            chunk = change[2]
            for cut in {1, len(chunk) // 2, len(chunk) - 1}:
                if 0 < cut < len(chunk):
                    torn = bytearray(data)
                    _change_data(torn, ("w", change[1], chunk[:cut]))
                    out.append(bytes(torn))
        _change_data(data, change)
        out.append(bytes(data))
    return list(dict.fromkeys(out))


class Disk:
    """The model of the disk under ``root``, fed the recorded operations one by one."""

    def __init__(self, rules: Rules, root: Path, start: Tree | None = None) -> None:
        """A disk whose folder ``root`` holds ``start`` (all of it durable), or nothing."""
        self.rules = rules
        self.root_path = root
        self.nodes: list[Node] = []
        self.root = self._load(start or {})
        self.fds: dict[int, list[Any]] = {}  # fd -> [node, opened for appending, offset]
        # Without folder fsync: entry changes made since the last file sync, in order.
        self.log: list[tuple[Node, Change]] = []

    def _load(self, tree: Tree) -> Node:
        folder = self._new(folder=True)
        for name, item in tree.items():
            if isinstance(item, dict):
                node = self._load(item)
            else:
                node = self._new(folder=False)
                node.data, node.synced = bytearray(item), item
            folder.entries[name] = folder.durable[name] = node
        return folder

    def _where(self, path: Path) -> tuple[Node, str]:
        parts = Path(path).relative_to(self.root_path).parts
        folder = self.root
        for part in parts[:-1]:
            folder = folder.entries[part]
        return folder, parts[-1]

    def _entries(self, folder: Node, change: Change) -> None:
        _change_entries(folder.entries, change)
        if self.rules.folder_fsync:
            folder.changes.append(change)
        else:
            self.log.append((folder, change))

    def _data(self, node: Node, change: Change) -> None:
        _change_data(node.data, change)
        node.pending.append(change)

    def _new(self, folder: bool) -> Node:
        node = Node(folder)
        self.nodes.append(node)
        return node

    def apply(self, op: Op) -> None:
        kind = op[0]
        if kind == "open":
            _, path, flags, fd = op
            if Path(path) == self.root_path:
                self.fds[fd] = [self.root, False, 0]
                return
            folder, name = self._where(path)
            node = folder.entries.get(name)
            if node is None:
                assert flags & os.O_CREAT, f"opened a file that is not there: {path}"
                node = self._new(folder=False)
                self._entries(folder, ("put", name, node))
            elif flags & os.O_TRUNC:
                self._data(node, ("t", 0))
            self.fds[fd] = [node, bool(flags & os.O_APPEND), 0]
        elif kind == "close":
            del self.fds[op[1]]
        elif kind == "write":
            _, fd, chunk = op
            node, append, offset = self.fds[fd]
            if append:
                offset = len(node.data)
            self._data(node, ("w", offset, chunk))
            self.fds[fd][2] = offset + len(chunk)
        elif kind == "truncate":
            self._data(self.fds[op[1]][0], ("t", op[2]))
        elif kind == "sync":
            self._sync(self.fds[op[1]][0])
        elif kind in ("replace", "rename"):
            src_folder, src = self._where(op[1])
            dst_folder, dst = self._where(op[2])
            assert src_folder is dst_folder, "the store renames within one folder only"
            self._entries(src_folder, ("move", src, dst))
        elif kind in ("unlink", "rmtree"):
            folder, name = self._where(op[1])
            self._entries(folder, ("del", name))
        elif kind == "mkdir":
            folder, name = self._where(op[1])
            self._entries(folder, ("put", name, self._new(folder=True)))
        else:  # pragma: no cover - a new kind of operation needs a rule here
            raise AssertionError(f"no model for {op!r}")

    def _sync(self, node: Node) -> None:
        if node.folder:
            node.durable = dict(node.entries)
            node.changes = []
            return
        node.synced = bytes(node.data)
        node.pending = []
        if not self.rules.folder_fsync:  # NTFS: the flush forces the log, earlier changes too
            for folder, change in self.log:
                _change_entries(folder.durable, change)
            self.log = []

    # ------------------------------------------------------------ what a power cut leaves

    def now(self) -> Tree:
        """The disk as the running program sees it (to check the model against the real one)."""
        return self._tree(self.root, lambda folder: folder.entries, lambda node: bytes(node.data))

    def crash_states(self) -> Iterator[tuple[str, Tree]]:
        """Every state a power cut now could leave, each with a short description."""
        for how, views in self._entry_views():
            shape = self._tree(self.root, views.__getitem__, lambda node: node)
            torn = [n for n in dict.fromkeys(_leaves(shape)) if n.pending]
            choices = [_contents(n) for n in torn]
            for picked in itertools.product(*choices):
                content = {id(n): c for n, c in zip(torn, picked, strict=True)}
                fates = [
                    "lost" if c == n.synced else "kept" if c == n.data else "torn"
                    for n, c in zip(torn, picked, strict=True)
                ]
                yield f"{how}; unsynced writes {fates or 'none'}", self._fill(shape, content)

    def _entry_views(self) -> Iterator[tuple[str, dict[Node, dict[str, Node]]]]:
        folders = [n for n in self.nodes if n.folder]
        if self.rules.folder_fsync:
            changed = [f for f in folders if f.changes]
            for kept in itertools.product(*(range(len(f.changes) + 1) for f in changed)):
                views = {f: f.durable for f in folders}
                for folder, k in zip(changed, kept, strict=True):
                    entries = dict(folder.durable)
                    for change in folder.changes[:k]:
                        _change_entries(entries, change)
                    views[folder] = entries
                yield (
                    f"folder changes kept {list(kept)} of {[len(f.changes) for f in changed]}",
                    views,
                )
        else:
            for k in range(len(self.log) + 1):
                views = {f: dict(f.durable) for f in folders}
                for folder, change in self.log[:k]:
                    _change_entries(views[folder], change)
                yield f"{k} of {len(self.log)} metadata changes kept", views

    def _tree(
        self,
        folder: Node,
        entries_of: Callable[[Node], dict[str, Node]],
        leaf: Callable[[Node], Any],
    ) -> Tree:
        out: Tree = {}
        for name, node in entries_of(folder).items():
            if node.folder:
                out[name] = self._tree(node, entries_of, leaf)
            else:
                out[name] = leaf(node)
        return out

    def _fill(self, shape: Tree, content: dict[int, bytes]) -> Tree:
        return {
            name: self._fill(item, content)
            if isinstance(item, dict)
            else content.get(id(item), item.synced)  # type: ignore[union-attr]
            for name, item in shape.items()
        }


def _leaves(shape: Tree) -> Iterator[Node]:
    for item in shape.values():
        if isinstance(item, dict):
            yield from _leaves(item)
        else:
            yield item  # type: ignore[misc]


def freeze(tree: Tree) -> tuple[Any, ...]:
    """A hashable copy of ``tree``, equal for equal trees."""
    return tuple(
        sorted(
            (name, freeze(item) if isinstance(item, dict) else item) for name, item in tree.items()
        )
    )


def materialise(tree: Tree, where: Path) -> None:
    where.mkdir()
    for name, item in tree.items():
        if isinstance(item, dict):
            materialise(item, where / name)
        else:
            (where / name).write_bytes(item)


def read_tree(where: Path) -> Tree:
    """The real disk under ``where``, as ``Disk.now`` shows the model's."""
    return {p.name: read_tree(p) if p.is_dir() else p.read_bytes() for p in sorted(where.iterdir())}


# ---------------------------------------------------------------- recording a real run


@dataclass
class Recording:
    """What a run did: its disk operations in order, and which answers it acknowledged when."""

    ops: list[Op] = field(default_factory=list)
    answers: list[tuple[str, str, Any]] = field(default_factory=list)  # (question, slot, value)
    acks: list[tuple[int, int]] = field(default_factory=list)  # (len(ops) then, answer index)
    created: int | None = None  # len(ops) when create_session returned
    full_fsyncs: int = 0


class Recorder:
    """Replaces the disk functions of ``files`` with ones that call the real one and note it.

    One lock orders the notes as the calls happened, across the writer thread and the caller.
    An answer's acknowledgement is noted by its commit's own callback, on the writer thread at
    the moment the commit resolves, with the count of operations made so far; the write that
    queues it holds the lock until that callback is in place, so none can be missed.
    """

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.record = Recording()
        self.lock = threading.RLock()
        #: Writes still to fail as on a full disk: half the bytes written, then ENOSPC.
        self.full_writes = 0

    def _note(self, op: Op) -> None:
        self.record.ops.append(op)

    def install(self, mp: pytest.MonkeyPatch) -> None:
        real = {
            name: getattr(files, name)
            for name in (
                "open_fd", "close", "_write", "truncate", "replace", "rename", "unlink",
                "make_folder", "remove_tree",
            )
        }  # fmt: skip
        lock, note = self.lock, self._note

        def open_fd(path: Path, flags: int, mode: int = files.FILE_MODE) -> int:
            with lock:
                fd = real["open_fd"](path, flags, mode)
                note(("open", Path(path), flags, fd))
                return fd

        def close(fd: int) -> None:
            with lock:
                real["close"](fd)
                note(("close", fd))

        def write(fd: int, data: bytes | memoryview) -> int:
            with lock:
                full = self.full_writes > 0
                if full:
                    self.full_writes -= 1
                    data = data[: len(data) // 2]
                n = real["_write"](fd, data)
                note(("write", fd, bytes(data[:n])))
                if full:
                    raise OSError(errno.ENOSPC, "No space left on device (simulated)")
                return n

        def truncate(fd: int, size: int) -> None:
            with lock:
                real["truncate"](fd, size)
                note(("truncate", fd, size))

        def moving(kind: str) -> Callable[[Path, Path], None]:
            def move(src: Path, dst: Path) -> None:
                with lock:
                    real[kind](src, dst)
                    note((kind, Path(src), Path(dst)))

            return move

        def unlink(path: Path) -> None:
            with lock:
                real["unlink"](path)
                note(("unlink", Path(path)))

        def make_folder(path: Path, mode: int = files.DIR_MODE) -> None:
            with lock:
                real["make_folder"](path, mode)
                note(("mkdir", Path(path)))

        def remove_tree(path: Path, ignore_errors: bool = False) -> None:
            with lock:
                there = os.path.lexists(path)
                real["remove_tree"](path, ignore_errors)
                if there and not os.path.lexists(path):
                    note(("rmtree", Path(path)))

        def synced(fd: int) -> None:
            with lock:
                os.fsync(fd)
                note(("sync", fd))

        for name, fake in (
            ("open_fd", open_fd), ("close", close), ("_write", write), ("truncate", truncate),
            ("replace", moving("replace")), ("rename", moving("rename")), ("unlink", unlink),
            ("make_folder", make_folder), ("remove_tree", remove_tree),
        ):  # fmt: skip
            mp.setattr(files, name, fake)
        if self.rules is MACOS:
            # The store's own choice for macOS, over an fcntl whose F_FULLFSYNC is recorded:
            # the only sync that counts there.
            mp.setattr(files, "_fsync", files.choose_fsync("darwin", _FullFsync(self, synced)))
        else:
            mp.setattr(files, "_fsync", synced)
        if self.rules is WINDOWS:
            mp.setattr(files, "FOLDER_FSYNC", False)
            mp.setattr(files, "open_folder", lambda path: None)  # no folder opens there
            mp.setattr(os, "replace", refusing_renames(os.replace))
            mp.setattr(os, "rename", refusing_renames(os.rename))

    def created(self) -> None:
        with self.lock:
            self.record.created = len(self.record.ops)

    def watch(self, store: Any) -> None:
        """Note each answer ``store`` takes, and the moment its commit is acknowledged."""
        put_answer = store.put_answer

        def noted(question: str, slot: str, value: Any) -> Any:
            with self.lock:
                durable = put_answer(question, slot, value)
                n = len(self.record.answers)
                self.record.answers.append((question, slot, value))
                durable._future.add_done_callback(lambda future: self._acked(n, future))
            return durable

        store.put_answer = noted

    def _acked(self, n: int, future: Any) -> None:
        if future.exception() is None:
            with self.lock:
                self.record.acks.append((len(self.record.ops), n))


class _FullFsync:
    """``fcntl`` as macOS has it, for ``files.choose_fsync``: ``F_FULLFSYNC`` is recorded."""

    F_FULLFSYNC = 51

    def __init__(self, recorder: Recorder, synced: Callable[[int], None]) -> None:
        self._recorder = recorder
        self._synced = synced

    def fcntl(self, fd: int, cmd: int, arg: int = 0) -> int:
        assert cmd == self.F_FULLFSYNC
        self._synced(fd)
        self._recorder.record.full_fsyncs += 1
        return 0


# ---------------------------------------------------------------- checking every point


@dataclass
class Opened:
    """What the real store made of one state: every answer it holds, or why it failed."""

    exists: bool
    answers: dict[tuple[str, str], Any] = field(default_factory=dict)
    error: str | None = None


@dataclass
class Verdict:
    failures: list[str]  # the first few
    points: int  # moments a power cut was put at
    states: int  # distinct states those left, each opened once
    disk: Disk  # the model at the end of the run


def verify(
    record: Recording,
    rules: Rules,
    root: Path,
    open_state: Callable[[Tree], Opened],
    *,
    create_is_durable: bool = False,
    start: Tree | None = None,
    held: dict[tuple[str, str], Any] | None = None,
) -> Verdict:
    """Replay ``record`` and check every state a power cut at each point could leave.

    ``open_state`` opens a state with the real store; each distinct state is opened once.
    A run that started on the files ``start`` must keep the answers they ``held`` throughout.
    """
    disk = Disk(rules, root, start)
    held = held or {}
    seen: dict[tuple[Any, ...], Opened] = {}
    acks = sorted(record.acks)
    failures: list[str] = []
    later: dict[tuple[str, str], list[int]] = {}  # answer key -> its answer indices
    for n, (question, slot, _) in enumerate(record.answers):
        later.setdefault((question, slot), []).append(n)
    for point in range(len(record.ops) + 1):
        if point:
            disk.apply(record.ops[point - 1])
        acked: dict[tuple[str, str], int] = {}  # key -> the last acknowledged answer index
        for mark, n in acks:
            if mark > point:
                break
            key = record.answers[n][:2]
            acked[key] = max(acked.get(key, -1), n)
        must_exist = bool(acked or held) or (
            create_is_durable and record.created is not None and point >= record.created
        )
        where = f"power cut after {point} of {len(record.ops)} operations"
        if point:
            where += f" (the last: {describe(record.ops[point - 1])})"
        for how, tree in disk.crash_states():
            key = freeze(tree)
            opened = seen.get(key)
            if opened is None:
                opened = seen[key] = open_state(tree)
            problem = None
            if opened.error is not None:
                problem = f"the store failed: {opened.error}"
            elif not opened.exists:
                problem = "the session is gone" if must_exist else None
            else:
                lost = [
                    (k, record.answers[n][2])
                    for k, n in acked.items()
                    if opened.answers.get(k)
                    not in {record.answers[m][2] for m in later[k] if m >= n}
                ]
                lost += [  # held before the run, and not replaced by an acknowledged answer
                    (k, value)
                    for k, value in held.items()
                    if k not in acked
                    and opened.answers.get(k)
                    not in {value, *(record.answers[m][2] for m in later.get(k, ()))}
                ]
                if lost:
                    problem = f"{len(lost)} acknowledged answers lost, e.g. {lost[0]}"
            if problem and len(failures) < 10:
                failures.append(f"{where}, {how}: {problem}")
    return Verdict(failures, len(record.ops) + 1, len(seen), disk)


def describe(op: Op) -> str:
    kind = op[0]
    if kind == "write":
        return f"write of {len(op[2])} bytes to fd {op[1]}"
    if kind in ("open", "unlink", "mkdir", "rmtree"):
        return f"{kind} {Path(op[1]).name}"
    if kind in ("replace", "rename"):
        return f"{kind} {Path(op[1]).name} -> {Path(op[2]).name}"
    return f"{kind} fd {op[1]}"
