"""Every disk operation of the store goes through ``store/files.py``.

That is what lets the power-cut simulation (``powercut_sim.py``) see every write, fsync,
rename, truncation, creation and removal the store makes: a call made anywhere else would be
invisible to it, and the simulation would vouch for code it never saw. So this walks the
syntax of every other module of ``mognad_tui/store/`` and refuses a call that changes the
disk, or opens a file or a folder, by any route but ``files``: the builtin ``open``, ``os``
(bar the calls below that touch no file), ``shutil``, ``io``, ``tempfile``, and the methods by
which ``pathlib`` writes. Reading is allowed (``exists``, ``iterdir``, ``read_bytes``): a read
changes nothing a power cut could lose.
"""

from __future__ import annotations

import ast
from pathlib import Path

STORE = Path(__file__).resolve().parents[1] / "mognad_tui" / "store"

#: Modules through which a file could be opened, written or moved.
DISK_MODULES = frozenset({"os", "shutil", "io", "tempfile", "pathlib", "fcntl", "msvcrt"})
#: ``os`` calls that touch no file.
OS_HARMLESS = frozenset({"urandom", "fspath", "getpid", "cpu_count"})
#: Methods by which ``pathlib.Path`` (or a file object) writes, moves, removes or opens.
PATH_WRITES = frozenset(
    {"write_bytes", "write_text", "mkdir", "rename", "replace", "unlink", "rmdir", "touch",
     "chmod", "symlink_to", "hardlink_to", "truncate", "open", "write", "fsync", "flush"}
)  # fmt: skip
#: Calls whose method names collide with those above but touch no file, spelt exactly.
NOT_DISK = frozenset({"SessionStore.open", "self._tables[name].truncate"})


def direct_disk_calls(source: str, name: str = "<source>") -> list[str]:
    """``file:line: call`` for each disk operation in ``source`` that bypasses ``files``."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source, name)):
        what: str | None = None
        if isinstance(node, ast.Import):
            bad = [a.name for a in node.names if a.name.partition(".")[0] in DISK_MODULES - {"os"}]
            what = f"import {', '.join(bad)}" if bad else None
        elif isinstance(node, ast.ImportFrom):
            # ``Path`` itself is fine: its writing methods are caught where they are called.
            module = (node.module or "").partition(".")[0]
            if node.level == 0 and module in DISK_MODULES - {"pathlib"}:
                what = f"from {node.module} import ..."
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "open":
                what = "open(...)"
            elif isinstance(func, ast.Attribute):
                spelt = ast.unparse(func)
                root = func.value
                while isinstance(root, ast.Attribute):
                    root = root.value
                module = root.id if isinstance(root, ast.Name) else None
                if module == "files" or spelt in NOT_DISK:
                    continue
                if spelt.startswith("os.path."):
                    continue  # names and queries (abspath, isdir), never a write
                if func.attr == "replace" and len(node.args) >= 2:
                    continue  # str.replace(old, new); Path.replace takes one argument
                direct = module == "os" and func.attr not in OS_HARMLESS
                if direct or module in DISK_MODULES - {"os"} or func.attr in PATH_WRITES:
                    what = f"{spelt}(...)"
        if what is not None:
            found.append(f"{name}:{getattr(node, 'lineno', 0)}: {what}")
    return found


def test_no_module_of_the_store_but_files_touches_the_disk() -> None:
    modules = sorted(p for p in STORE.glob("*.py") if p.name != "files.py")
    assert len(modules) >= 8, "the store's modules moved: point STORE at them"
    found = [
        call
        for path in modules
        for call in direct_disk_calls(path.read_text(encoding="utf-8"), path.name)
    ]
    assert found == [], "disk calls that bypass store/files.py:\n" + "\n".join(found)


def test_the_check_sees_each_kind_of_direct_call() -> None:
    """The check itself: each way the store used to reach the disk directly is caught."""
    source = """
import os
import shutil
from os import replace

def before(path, fd, tmp, target):
    os.close(os.open(path / "writer.lock", os.O_WRONLY | os.O_CREAT))
    os.rename(tmp, target)
    os.ftruncate(fd, 0)
    shutil.rmtree(tmp, ignore_errors=True)
    (path / "x").unlink()
    tmp.mkdir(mode=0o700)
    with open(path / "journal.log", "r+b") as f:
        f.truncate(10)
    Path(path).write_bytes(b"")
"""
    found = direct_disk_calls(source)
    assert sorted(line.partition(": ")[2] for line in found) == sorted(
        [
            "import shutil",
            "from os import ...",
            "os.close(...)",
            "os.open(...)",
            "os.rename(...)",
            "os.ftruncate(...)",
            "shutil.rmtree(...)",
            "(path / 'x').unlink(...)",
            "tmp.mkdir(...)",
            "open(...)",
            "f.truncate(...)",
            "Path(path).write_bytes(...)",
        ]
    )
    harmless = """
from . import files
def fine(path, fd, data):
    files.replace(path, path)
    files.write_all(fd, data)
    os.urandom(16)
    os.path.abspath(path)
    path.read_bytes()
    sorted(path.iterdir())
    "a-b".replace("-", "")
    SessionStore.open(path)
"""
    assert direct_disk_calls(harmless) == []
