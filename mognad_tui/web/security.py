"""The participant server's defences, kept apart from the handlers so each can be read alone.

The page is reachable by anyone on the office Wi-Fi, so it treats every request as hostile:
join codes are short and could be guessed (rate limit per address), answers could be forged from
another site (Origin check, CSRF token, JSON content type), and bodies could be large (cap).
Nothing here is written to disk: the addresses the rate limit counts live in memory only and
are forgotten after the window, because the session folder must never hold a participant's
address.
"""

from __future__ import annotations

import functools
import hmac
import ipaddress
import math
import re
import time
from collections import OrderedDict, deque
from collections.abc import Iterable
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

#: The device cookie. Its value is a token the meeting issued and signed (``Meeting.issue_device``)
#: that the server never stores: the meeting derives a per-question slot from it with the
#: session secret.
DEVICE_COOKIE = "mognad_device"
#: The remembered language choice (``?lang=en``).
LANG_COOKIE = "mognad_lang"
#: About a year: long enough for a survey answered before the meeting and the meeting itself.
COOKIE_MAX_AGE = 365 * 24 * 3600
#: The shape of a token (its signature is checked by the meeting); 22+ url-safe characters.
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
    if request.headers.get("Content-Type") == "application/json":
        return True  # what the page and the client send: no parsing needed on every answer
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

    def retry_after(self, key: str) -> float:
        """Seconds until ``key`` may count one more event: when its oldest counted event
        leaves the window (0 when it may now)."""
        now = time.monotonic()
        hits = self._recent(key, now)
        if hits is None or len(hits) < self.limit:
            return 0.0
        return max(0.0, hits[0] + self.window - now)

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


class TokenBucket:
    """Per key, a burst of ``burst`` events, then ``rate`` events a second, in memory only.

    Used for new devices per address: a whole room behind one guest-network address joins in
    a burst, while a script minting devices is held to the steady rate once the burst is spent.
    The table is capped at ``max_keys`` (oldest forgotten first, which only ever gives a key a
    full bucket back).
    """

    def __init__(self, burst: int, rate: float, *, max_keys: int = 10_000):
        self.burst = burst
        self.rate = rate
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def _level(self, key: str, now: float) -> float:
        level, since = self._buckets.get(key, (float(self.burst), now))
        return min(float(self.burst), level + (now - since) * self.rate)

    def take(self, key: str) -> bool:
        """Take one event for ``key``; returns whether it was allowed."""
        now = time.monotonic()
        level = self._level(key, now)
        if level < 1.0:
            return False
        self._buckets[key] = (level - 1.0, now)
        self._buckets.move_to_end(key)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return True

    def retry_after(self, key: str) -> float:
        """Seconds until ``key`` has one event again."""
        level = self._level(key, time.monotonic())
        return 0.0 if level >= 1.0 else (1.0 - level) / self.rate


def retry_after_header(seconds: float) -> str:
    """``Retry-After`` in whole seconds, rounded up so that trying then does work (at least 1)."""
    return str(max(1, math.ceil(seconds)))


# ---------------------------------------------------------------- hosts


def host_name(header: str | None) -> str | None:
    """The name or address in a ``Host`` header, lower case, without port, brackets or a
    trailing dot; ``None`` when it cannot be read."""
    text = (header or "").strip().lower()
    if not text or any(c.isspace() or c in "/\\@?#" for c in text):
        return None
    if text.startswith("["):
        end = text.find("]")
        if end < 0 or (text[end + 1 :] and not re.fullmatch(r":\d{1,5}", text[end + 1 :])):
            return None
        return text[1:end]
    name, _, port = text.partition(":")
    if port and not port.isdigit():
        return None
    return name.rstrip(".") or None


def canonical_host(name: str) -> str:
    """One spelling per host, so ``::1`` and ``0:0::1`` or ``Example.org.`` compare equal."""
    name = name.strip().lower().rstrip(".")
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    try:
        return str(ipaddress.ip_address(name))
    except ValueError:
        return name


class HostCheck:
    """Which ``Host`` names the server answers to (DNS rebinding: a foreign name that resolves
    to this machine must not reach the API from a page on that foreign site).

    Allowed: ``localhost``, loopback addresses, the address the request arrived on (asked of
    its socket, so it holds whatever the server is bound to), the addresses given (the
    machine's own when bound to every interface) and the names the facilitator added with
    ``--allowed-host``.
    """

    def __init__(self, names: Iterable[str] = ()):
        self.names = {canonical_host(n) for n in names if n and n.strip()} | {"localhost"}
        # Every request asks, and a room sends the same one or two Host headers all meeting:
        # parsing them each time was a measurable share of an answer's cost (bench/ingest.py).
        # Bounded, so made-up names cannot grow it.
        self.allowed = functools.lru_cache(maxsize=64)(self._allowed)

    def _allowed(self, header: str | None, arrived_on: str | None) -> bool:
        name = host_name(header)
        if name is None:
            return False
        name = canonical_host(name)
        if name in self.names:
            return True
        try:
            address = ipaddress.ip_address(name)
        except ValueError:
            return False
        if address.is_loopback:
            return True
        return arrived_on is not None and canonical_host(arrived_on.split("%")[0]) == name
