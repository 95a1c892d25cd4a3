"""The data folder: creating, finding and listing sessions.

One folder per session, named by its slug, so a facilitator can see, copy, back up or delete a
session with the file manager, and one damaged session never hides the others.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from ..model import QuestionSet, SessionInfo
from . import files
from .errors import PathTooLong, SessionExists, SessionNotFound, StoreError, from_os_error
from .lock import is_locked
from .session import SessionStore, build_index, initial_tables

MAX_SLUG = 60
#: Names Windows keeps for devices, with any extension: a folder called ``con`` or ``aux.1``
#: cannot be made there, and a session copied from a Mac or Linux laptop would not open.
WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"{dev}{n}" for dev in ("com", "lpt") for n in range(1, 10)}
)
#: Windows' classic path limit, which still holds where long paths are not enabled.
WINDOWS_MAX_PATH = 259
_WINDOWS = os.name == "nt"
#: The longest path inside a session folder beyond its name: its own name again in an export
#: (``exports/NAME-2026-11-30.md``) and a temporary file's suffix, with some room to spare.
_LONGEST_INSIDE = 48

# Letters NFKD does not take apart into a base letter plus accents.
_TRANSLIT = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ð": "d", "þ": "th",
                           "ł": "l", "đ": "d", "ı": "i"})  # fmt: skip
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")


def slugify(title: str) -> str:
    """A folder name from a group's title: ascii ``a-z0-9-``, never empty, at most 60 chars.

    Names are typed on the command line (`mognad run enhet-socialtjanst-nord`), so they must
    survive any shell and file system; "å", "ä" and "ö" lose their dots rather than the letter.
    """
    text = unicodedata.normalize("NFKD", title.lower().translate(_TRANSLIT))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    slug = re.sub(r"[^a-z0-9]+", "-", text.encode("ascii", "ignore").decode()).strip("-")
    slug = slug[:MAX_SLUG].rstrip("-")
    if _reserved_on_windows(slug):
        slug = f"{slug}-session"
    return slug or "session"


def _reserved_on_windows(name: str) -> bool:
    return name.split(".", 1)[0].lower() in WINDOWS_RESERVED


def _check_name(name: str) -> None:
    if not isinstance(name, str) or not _NAME.match(name) or len(name) > 100:
        raise StoreError(
            f"{name!r} cannot be a session name: use letters, digits and dashes "
            "(see slugify), starting with a letter or digit."
        )
    if name.endswith(".") or _reserved_on_windows(name):
        raise StoreError(
            f"{name!r} cannot be a session name: Windows cannot make a folder by that name "
            "(a device name such as CON or AUX, or a name ending in a dot)."
        )


def _check_path_length(target: Path) -> None:
    """Refuse, before anything is written, a session whose files Windows could not open."""
    if not _WINDOWS:
        return
    longest = len(str(target.resolve())) + len(target.name) + _LONGEST_INSIDE
    if longest > WINDOWS_MAX_PATH:
        raise PathTooLong(
            f"The path to the session folder is too long for Windows ({longest} characters "
            f"with its files, at most {WINDOWS_MAX_PATH}): choose a data folder nearer the "
            "top of the disk with --data-dir, or a shorter name.",
            target,
        )


def new_join_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def create_session(
    data_dir: Path,
    info: SessionInfo,
    question_set: QuestionSet,
    translations: Iterable[QuestionSet] = (),
) -> Path:
    """Create ``data_dir/info.name`` with a frozen copy of the question set; return the folder.

    ``translations``: the same set in other languages (``question_sets.other_language_copy``),
    frozen beside it so a phone switched to that language reads the questions in it.

    The folder is built under a hidden temporary name and renamed into place, so a crash never
    leaves a half-made session that would later show up as damaged.
    """
    data_dir = Path(data_dir)
    _check_name(info.name)
    target = data_dir / info.name
    _check_path_length(target)
    if target.exists():
        raise SessionExists(f"A session named {info.name!r} already exists.", target)
    info = replace(
        info,
        join_code=info.join_code or new_join_code(),
        created=info.created or dt.date.today().isoformat(),
    )
    tables = initial_tables(info, question_set, secrets.token_bytes(32).hex(), translations)
    build_index(tables, target)  # the frozen copy must read back, or the session never opens
    tmp: Path | None = None
    try:
        files.make_folders(data_dir)
        tmp = data_dir / f".{info.name}.creating-{secrets.token_hex(4)}"
        files.make_folder(tmp)
        files.write_generation(tmp, 1, tables)
        files.create_empty(tmp / files.LOCK)
        files.fsync_dir(tmp)
        try:
            files.rename(tmp, target)
        except OSError as exc:
            if target.exists():
                raise SessionExists(
                    f"A session named {info.name!r} already exists.", target
                ) from None
            raise exc
        tmp = None
        files.fsync_dir(data_dir)
    except OSError as exc:
        raise from_os_error(exc, target, "create the session") from exc
    finally:
        if tmp is not None:
            files.remove_tree(tmp, ignore_errors=True)
    return target


def resolve_session(data_dir: Path, name_or_path: str | Path) -> Path:
    """A name from ``mognad list`` or a path to a session folder."""
    name_or_path = str(name_or_path)
    candidates = []
    if name_or_path and "/" not in name_or_path and os.sep not in name_or_path:
        candidates.append(Path(data_dir) / name_or_path)
    candidates.append(Path(name_or_path).expanduser())
    for candidate in candidates:
        if candidate.is_dir() and (candidate / files.SNAPSHOT).is_file():
            return candidate
    raise SessionNotFound(
        f"No session named {name_or_path!r} in {data_dir}, and no session folder at that path.",
        Path(data_dir),
    )


@dataclass
class SessionSummary:
    name: str
    path: Path
    title: str
    created: str
    set_id: str
    lang: str
    answers: int
    locked: bool  # a live process has it open for writing
    current: str | None  # the meeting's current item (state "current")
    error: str | None  # why it cannot be opened, if it cannot
    closed: bool = False  # `mognad close` deleted its raw answers and free texts


def list_sessions(data_dir: Path) -> list[SessionSummary]:
    """Every session under ``data_dir``, newest first; a bad one is listed with its error."""
    data_dir = Path(data_dir)
    try:
        entries = sorted(data_dir.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return []
    out: list[SessionSummary] = []
    for path in entries:
        if path.name.startswith(".") or not path.is_dir():
            continue
        if not ((path / files.SNAPSHOT).exists() or (path / files.JOURNAL).exists()):
            continue
        locked = is_locked(path)
        try:
            with SessionStore.open(path, readonly=True) as store:
                info = store.info
                current = store.state("current")
                summary = SessionSummary(
                    name=path.name,
                    path=path,
                    title=info.title,
                    created=info.created,
                    set_id=info.set_id,
                    lang=info.lang,
                    answers=store.total_answers(),
                    locked=locked,
                    current=current if isinstance(current, str) else None,
                    error=None,
                    closed=store.is_closed_for_good(),
                )
        except (StoreError, OSError) as exc:
            reason = exc.reason if isinstance(exc, StoreError) else str(exc)
            summary = SessionSummary(
                name=path.name, path=path, title="", created="", set_id="", lang="",
                answers=0, locked=locked, current=None, error=reason,
            )  # fmt: skip
        out.append(summary)
    out.sort(key=lambda s: s.name)
    out.sort(key=lambda s: s.created, reverse=True)
    return out


# ---------------------------------------------------------------- synced folders

#: Folder names that sync clients create, lower-cased: a session folder below one is copied
#: to a cloud that may keep every version of its files.
_SYNCED_NAMES = {
    "dropbox": "Dropbox",
    "icloud drive": "iCloud Drive",
    "iclouddrive": "iCloud Drive",
    "mobile documents": "iCloud Drive",
    "google drive": "Google Drive",
    "googledrive": "Google Drive",
    "my drive": "Google Drive",
    "nextcloud": "Nextcloud",
    "owncloud": "ownCloud",
    "box": "Box",
    "box sync": "Box",
    "pcloud drive": "pCloud",
    "pclouddrive": "pCloud",
    "sync.com": "Sync.com",
    "tresorit": "Tresorit",
    "mega": "MEGA",
    "megasync": "MEGA",
    "seafile": "Seafile",
    "synologydrive": "Synology Drive",
    "cloudstorage": "a cloud service",  # macOS ~/Library/CloudStorage holds all of them
}
#: Windows sets these to the OneDrive folders.
_SYNCED_ENV = ("OneDrive", "OneDriveCommercial", "OneDriveConsumer")


def synced_folder(path: Path, environ: dict[str, str] | None = None) -> str | None:
    """The sync service whose folder holds ``path`` (by folder names and Windows' OneDrive
    variables), or None.

    Someone who keeps every version of the session's files can put answers back in the order
    they arrived, whatever the store does between versions: the facilitator should be warned.
    Decided by names only (nothing is asked of the system), so a name can mislead either way.
    """
    env = os.environ if environ is None else environ
    full = Path(os.path.abspath(path))
    for var in _SYNCED_ENV:
        root = env.get(var)
        if root and (full == Path(root) or Path(root) in full.parents):
            return "OneDrive"
    home = Path(env.get("HOME") or env.get("USERPROFILE") or "~").expanduser()
    for part in full.parts:
        name = part.lower()
        if name == "onedrive" or name.startswith("onedrive - "):
            return "OneDrive"
        if name in _SYNCED_NAMES:
            return _SYNCED_NAMES[name]
    if home / "Sync" in (full, *full.parents):  # Sync.com's (and Syncthing's) default folder
        return "Sync"
    return None
