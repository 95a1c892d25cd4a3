"""``mognad close``: a session keeps its plan and loses its raw answers and free texts for good.

Free text in a workplace survey can name clients or colleagues, and raw answers are more than
the plan needs. Closing keeps what the plan shows (the figures, threshold applied, as the
caller computes them), the notes, needs and actions, and deletes the rest from the files: the
snapshot is rewritten and a new journal started, so no file this tool can reach still holds
them (a copy made earlier, a backup or the disk's own wear levelling are out of its reach).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..model import SessionRecord
from . import files
from .errors import StoreError, from_os_error
from .session import ANSWERS, MODERATION, SessionStore

#: Exports written by the meeting's export key into the session folder; they quote approved
#: free text, so closing removes them (``mognad export`` writes the plan again from what is kept).
EXPORTS = "exports"


def close_session(path: Path, kept_of: Callable[[SessionRecord], dict[str, Any]]) -> None:
    """Delete the raw answers and free texts of the session at ``path`` for good.

    Takes the writer's lock (``SessionLocked`` while a meeting has the session open), keeps
    ``kept_of(record)``, then folds and checks the files. Running it again on a closed session
    finishes what an interrupted run left (a full disk, say) and changes nothing else.
    """
    path = Path(path)
    with SessionStore.open(path) as store:
        record = store.record()
        kept = record.kept if record.closed else kept_of(record)
        store.drop_raw(kept).wait()
        store.fold().wait()
    try:
        files.remove_tree(path / EXPORTS)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise from_os_error(exc, path, "remove the exports in the session folder") from exc
    _check_nothing_left(path)


def _check_nothing_left(path: Path) -> None:
    """The files as a reader finds them: no answer or moderated text in the snapshot, nothing
    but the header in the journal, no temporary file beside them."""
    snapshot = files.read_snapshot(path)
    journal = files.read_journal(path)
    leftovers = [p.name for p in path.iterdir() if p.name.endswith(".tmp")]
    if (
        snapshot.tables.get(ANSWERS)
        or snapshot.tables.get(MODERATION)
        or journal.ops
        or journal.generation != snapshot.generation
        or leftovers
    ):
        raise StoreError(
            "The session's files could not be rewritten without the raw answers; "
            "free some disk space and run mognad close again.",
            path,
        )
