"""The session store: the only code that touches disk for sessions.

One TinyDB per session, kept in memory and made durable by an fsync'd append-only journal with
group commit, folded into an atomically replaced snapshot on open and close (and while live),
and reordered in between so that no file keeps the order answers arrived in for long. See
``files`` for the format, ``live`` for how TinyDB is plugged in, ``writer`` for the group
commit, the folds and the reorders.
"""

from .closing import EXPORTS, close_session
from .errors import (
    PathTooLong,
    SessionDamaged,
    SessionExists,
    SessionLocked,
    SessionNotFound,
    StoreError,
    StoreFull,
)
from .files import SCHEMA_VERSION
from .session import Durable, SessionStore
from .sessions import (
    SessionSummary,
    create_session,
    list_sessions,
    resolve_session,
    slugify,
    synced_folder,
)

__all__ = [
    "EXPORTS",
    "SCHEMA_VERSION",
    "Durable",
    "PathTooLong",
    "SessionDamaged",
    "SessionExists",
    "SessionLocked",
    "SessionNotFound",
    "SessionStore",
    "SessionSummary",
    "StoreError",
    "StoreFull",
    "close_session",
    "create_session",
    "list_sessions",
    "resolve_session",
    "slugify",
    "synced_folder",
]
