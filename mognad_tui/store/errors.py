"""The store's exceptions.

Every failure the store can report carries a short English sentence (``reason``) for logs and
the session folder it concerns (``path``), so the faces can translate by class and still log
something a facilitator's helper can act on.
"""

from __future__ import annotations

import errno
from pathlib import Path


class StoreError(Exception):
    """Anything the store could not do; the subclasses are the cases a face handles apart."""

    def __init__(self, reason: str, path: Path | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.path = path

    def __str__(self) -> str:
        return f"{self.reason} ({self.path})" if self.path is not None else self.reason

    def clone(self) -> StoreError:
        """A fresh instance for each waiter.

        One failed group commit fails many writes; raising the same instance from many places
        would chain their tracebacks onto one object.
        """
        copy = type(self)(self.reason, self.path)
        copy.__cause__ = self.__cause__
        return copy


class SessionDamaged(StoreError):
    """The files exist but cannot be trusted; they are left exactly as they are."""


class SessionLocked(StoreError):
    """Another process has the session open for writing."""


class StoreFull(StoreError):
    """The disk (or the quota, or the file size limit) is full; the write was not saved."""


class SessionExists(StoreError):
    """``create_session`` found the folder already taken."""


class SessionNotFound(StoreError):
    """No session under that name or path."""


class PathTooLong(StoreError):
    """Windows could not open the session's files at that depth (its classic path limit)."""


#: ``EFBIG`` is what a file size limit (RLIMIT_FSIZE) gives: for the facilitator it is the same
#: situation as a full disk, and it clears the same way.
_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def from_os_error(exc: OSError, path: Path | None, doing: str) -> StoreError:
    """Map an ``OSError`` to ``StoreFull`` or ``StoreError`` with the original as the cause."""
    if exc.errno in _FULL:
        err: StoreError = StoreFull(f"The disk is full: could not {doing}.", path)
    else:
        err = StoreError(f"Could not {doing}: {exc.strerror or exc}.", path)
    err.__cause__ = exc
    return err
