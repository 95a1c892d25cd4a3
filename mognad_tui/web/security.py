"""The participant server's defences, kept apart from the handlers so each can be read alone.

The page is reachable by anyone on the office Wi-Fi, so it treats every request as hostile:
join codes are short and could be guessed (rate limit per address), answers could be forged from
another site (Origin check, CSRF token, JSON content type), and bodies could be large (cap).
Nothing here is written to disk: the addresses the rate limit counts live in memory only and
are forgotten after the window, because the session folder must never hold a participant's
address.
"""

from __future__ import annotations

import hmac
import re
import time
from collections import OrderedDict, deque
from urllib.parse import urlsplit

from aiohttp import web

#: Security headers on every response (pages, API, static files, errors).
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}

#: The device cookie. Its value is a random token that the server never stores: the meeting
#: derives a per-question slot from it with the session secret.
DEVICE_COOKIE = "mognad_device"
#: The remembered language choice (``?lang=en``).
LANG_COOKIE = "mognad_lang"
#: About a year: long enough for a survey answered before the meeting and the meeting itself.
COOKIE_MAX_AGE = 365 * 24 * 3600
#: ``secrets.token_urlsafe(24)`` gives 32 characters (192 bits); accept 22+ (>= 128 bits).
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{22,86}")
#: The pseudo question id whose slot is the device's CSRF token. It contains a NUL, so no real
#: question can have it; like every slot it is an HMAC with the session secret, so the token
#: survives a restart of the server and is worthless without the device's cookie.
CSRF_SLOT = "\0csrf"
#: Pseudo question id whose slot keys the per-device answer rate limit (in memory).
RATE_SLOT = "\0rate"


def valid_token(value: str | None) -> str | None:
    """The device token from a cookie value, or ``None`` when missing or malformed."""
    if value and _TOKEN_RE.fullmatch(value):
        return value
    return None


def same_token(given: str | None, expected: str) -> bool:
    return bool(given) and hmac.compare_digest(str(given).encode(), expected.encode())


def origin_allowed(request: web.Request) -> bool:
    """Whether a POST's ``Origin`` may be accepted.

    A missing Origin, or ``null`` (what Chromium sends under ``Referrer-Policy: no-referrer``
    and from sandboxed frames), passes here; the caller then demands the JSON content type or
    the form's CSRF token. Any other Origin must name this very host and port.
    """
    origin = request.headers.get("Origin")
    if origin is None or origin.strip() in ("", "null"):
        return True
    try:
        parts = urlsplit(origin.strip())
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    host = request.headers.get("Host", "")
    return parts.netloc.lower() == host.strip().lower()


def is_json(request: web.Request) -> bool:
    """``application/json`` (any charset): a content type no other site can send here.

    A cross-site page can post only simple content types (forms, text/plain) without a CORS
    preflight, and this server answers no preflight, so JSON is proof enough of a same-site or
    non-browser client.
    """
    try:
        return request.content_type == "application/json"
    except (ValueError, LookupError):
        return False  # a Content-Type the parser cannot read (it raises IndexError) is no JSON


class RateLimit:
    """At most ``limit`` events per key within ``window`` seconds, counted in memory only.

    Keys are remote addresses (wrong join codes) or device slots (answers). The table is capped
    at ``max_keys`` entries, oldest forgotten first, so a flood of addresses cannot grow it.
    """

    def __init__(self, limit: int, window: float, *, max_keys: int = 10_000):
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, key: str, now: float) -> deque[float] | None:
        hits = self._hits.get(key)
        if hits is None:
            return None
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if not hits:
            del self._hits[key]
            return None
        return hits

    def blocked(self, key: str) -> bool:
        hits = self._recent(key, time.monotonic())
        return hits is not None and len(hits) >= self.limit

    def hit(self, key: str) -> bool:
        """Count one event; returns whether the key is now over the limit."""
        now = time.monotonic()
        hits = self._recent(key, now)
        if hits is None:
            hits = self._hits[key] = deque()
            while len(self._hits) > self.max_keys:
                self._hits.popitem(last=False)
        else:
            self._hits.move_to_end(key)
        if len(hits) < self.limit:
            hits.append(now)
            return False
        return True

    def clear(self) -> None:
        self._hits.clear()
