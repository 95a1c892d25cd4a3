"""Trust under a hostile room (issue 9, items 4, 5, 8 and 9), over real HTTP.

Only devices the server issued vote or count as present; new devices per address are limited
yet a room behind one address joins; the QR code and the link carry a long key while typed
codes have a budget per address and for the whole server; every Retry-After says when trying
again works; only this server's own host names are answered, and every link stays local.

Limits that need time to pass use a clock the test moves (the limiters' ``time.monotonic``),
so nothing sleeps; several addresses are other loopback addresses (127.0.0.2, ...), never a
header the server would have to trust.
"""

from __future__ import annotations

import json
import re
import secrets
import types
from typing import Any

import pytest
from web_harness import Live

from mognad_tui import meeting as meeting_module
from mognad_tui.web import app as web_app
from mognad_tui.web import security
from mognad_tui.web.security import HostCheck

SCALE = "a-hitta-information"


def local_links(html: str) -> list[str]:
    """Every address in the page a browser would follow or load (``data:`` loads nothing)."""
    links = re.findall(r'(?:href|src|action)="([^"]*)"', html)
    return [link for link in links if not link.startswith("data:")]


def assert_error(reply: Any, status: int, code: str) -> None:
    assert reply.status == status, (reply.status, reply.text[:300])
    assert reply.headers["Content-Type"].startswith("application/json")
    assert reply.json()["error"] == code


def answer_body(value: Any = 3) -> str:
    return json.dumps({"question": SCALE, "value": value})


JSON = {"Content-Type": "application/json"}


class Clock:
    """``time.monotonic`` for the limiters and the typed-code pause, moved by the test."""

    def __init__(self) -> None:
        self.now = 10_000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    fake = types.SimpleNamespace(monotonic=clock.monotonic)
    monkeypatch.setattr(security, "time", fake)
    monkeypatch.setattr(meeting_module, "time", fake)
    return clock


def retry_after(reply: Any) -> int:
    return int(reply.headers["Retry-After"])


# ---------------------------------------------------------------- item 4: issued devices only


def test_made_up_device_tokens_neither_vote_nor_count_as_present(live: Live) -> None:
    live.open_question(SCALE)
    phone = live.device()
    assert phone.answer(SCALE, 3).status == 200
    real = phone.cookies["mognad_device"]
    # A real one with its tag altered, always: its last character holds 2 bits only ("A" one
    # time in 4), so a fixed "AA" left 1 real token in 256 as it was, and that one voted.
    altered = real[:-2] + ("B" if real[-2] != "B" else "C") + real[-1]
    assert altered != real
    forged_tokens = [
        secrets.token_urlsafe(24),  # what the old code issued: unsigned, now no device
        secrets.token_urlsafe(33),  # the new shape (44 characters), made up
        altered,
    ]
    for n in range(60):
        forged = forged_tokens[n % 3] if n < 3 else secrets.token_urlsafe(33)
        cookie = {"Cookie": f"mognad_device={forged}"}
        api = f"/api/{live.code}"
        posted = live.request("POST", f"{api}/answers", answer_body(5), {**JSON, **cookie})
        assert_error(posted, 403, "no_device")
        assert_error(live.request("GET", f"{api}/state", headers=cookie), 403, "no_device")
    # The projector's "1 av 1" stays, and only the real phone's answer is stored.
    assert live.call(lambda: live.meeting.joined_count) == 1
    assert live.answers(SCALE) == [3]
    # A phone with an old or made-up cookie opening the page gets a fresh, signed token.
    old = forged_tokens[0]
    page = live.request("GET", f"/j/{live.code}", headers={"Cookie": f"mognad_device={old}"})
    fresh = page.cookie("mognad_device")
    assert page.status == 200 and fresh and fresh != old
    again = live.request(
        "POST",
        f"/api/{live.code}/answers",
        answer_body(4),
        {**JSON, "Cookie": f"mognad_device={fresh}"},
    )
    assert again.status == 200
    assert sorted(live.answers(SCALE)) == [3, 4]


def test_each_phones_cookie_is_read_once_and_phones_stay_apart(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cookies are remembered per ``Cookie`` header (parsing them for every answer was
    a measurable share of an answer's cost), and that memory never mixes phones up: not when
    it is full and forgets, not with other cookies beside it, not for a header too long to
    remember."""
    import aiohttp.web_request

    parsed: list[str] = []
    real = aiohttp.web_request.parse_cookie_header

    def counted(header: str) -> Any:
        parsed.append(header)
        return real(header)

    monkeypatch.setattr(aiohttp.web_request, "parse_cookie_header", counted)
    monkeypatch.setattr(web_app, "COOKIE_MEMO", 2)  # three phones: it forgets all the time
    live.open_question(SCALE)
    phones = [live.device() for _ in range(3)]
    phones[1].cookies = {"andra": "1", **phones[1].cookies}  # another cookie before it
    phones[2].cookies["lang_pad"] = "x" * web_app.COOKIE_MEMO_LONGEST  # too long to keep
    for n, phone in enumerate(phones):
        assert phone.answer(SCALE, n + 1).status == 200
    for n, phone in enumerate(phones):
        assert phone.state()["answered"][SCALE] == n + 1
    assert sorted(live.answers(SCALE)) == [1, 2, 3]

    one = live.device()
    parsed.clear()
    for value in (1, 2, 3, 4, 5, 4):  # a phone changing its mind
        assert one.answer(SCALE, value).status == 200
    assert one.state()["answered"][SCALE] == 4
    assert len(parsed) == 1  # the first request's header, then remembered


def test_an_issued_token_still_works_after_a_restart(live: Live) -> None:
    live.open_question(SCALE)
    phone = live.device()
    live.restart()
    assert phone.answer(SCALE, 2).status == 200
    assert phone.state()["answered"] == {SCALE: 2}


def test_300_phones_behind_one_address_join_within_a_minute(live: Live) -> None:
    live.open_question(SCALE)
    phones = [live.device() for _ in range(300)]
    tokens = {p.cookies["mognad_device"] for p in phones}
    assert len(tokens) == 300
    assert live.call(lambda: live.meeting.joined_count) == 300


def test_new_devices_per_address_are_limited_with_an_honest_retry_after(
    make_live: Any, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The real bucket holds 1,200; a small one shows the refusal without 1,200 page loads.
    monkeypatch.setattr(web_app, "NEW_DEVICES_BURST", 5)
    monkeypatch.setattr(web_app, "NEW_DEVICES_PER_SECOND", 0.25)  # one every 4 s
    live = make_live()
    phones = [live.device() for _ in range(5)]
    refused = live.request("GET", f"/j/{live.code}")
    assert refused.status == 429 and refused.cookie("mognad_device") is None
    assert retry_after(refused) == 4
    # Another address has its own bucket: a second room is not held up.
    assert live.request("GET", f"/j/{live.code}", source="127.0.0.2").status == 200
    # A phone that already has its token is never held up.
    assert phones[0].get(f"/j/{live.code}").status == 200
    assert live.device(join=False).get(f"/j/{live.code}").status == 429
    clock.now += 3.9
    nearly = live.request("GET", f"/j/{live.code}")
    # 0.1 s of the 4 s are left: the header says the next whole second, not another 4 s.
    assert nearly.status == 429 and retry_after(nearly) == 1
    clock.now += 0.1
    assert live.request("GET", f"/j/{live.code}").status == 200


def test_the_join_counts_stay_within_the_documented_figures() -> None:
    # README and docs/participant-api.md state these; a change must change the docs too.
    assert web_app.NEW_DEVICES_BURST >= 1000  # a rehearsal of 1,000 phones from one machine
    assert web_app.NEW_DEVICES_PER_SECOND * 60 >= 300  # 300 a minute once the burst is spent


# ---------------------------------------------------------------- item 5: Retry-After


def test_retry_after_on_the_answer_limit_is_when_the_window_lets_one_in(
    live: Live, clock: Clock
) -> None:
    live.open_question(SCALE)
    phone = live.device()
    for n in range(web_app.ANSWERS_PER_WINDOW):
        assert phone.answer(SCALE, 1 + n % 5).status == 200
    clock.now += 2.0
    refused = phone.answer(SCALE, 1)
    assert_error(refused, 429, "rate_limited")
    wait = retry_after(refused)
    assert wait == web_app.ANSWERS_WINDOW - 2  # the oldest answer leaves the window then
    clock.now += wait - 0.5
    assert phone.answer(SCALE, 1).status == 429
    clock.now += 0.5
    assert phone.answer(SCALE, 1).status == 200


def test_the_plain_form_counts_against_the_same_answer_limit(live: Live, clock: Clock) -> None:
    """The no-JS form is no way around the per-device answer limit."""
    live.open_question(SCALE)
    phone = live.device()
    page = phone.get(f"/j/{live.code}").text
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": "null"}
    path = f"/j/{live.code}/answer"
    for n in range(web_app.ANSWERS_PER_WINDOW):
        form = f"csrf={csrf}&question={SCALE}&v%3A{SCALE}={1 + n % 5}"
        assert phone.request("POST", path, form, headers).status == 303
    form = f"csrf={csrf}&question={SCALE}&v%3A{SCALE}=2"
    refused = phone.request("POST", path, form, headers)
    assert refused.status == 429 and retry_after(refused) >= 1
    # The API then refuses this device too: one limit per device, whichever path it takes.
    assert_error(phone.answer(SCALE, 2), 429, "rate_limited")


def test_retry_after_on_wrong_typed_codes_is_when_the_address_may_type_again(
    live: Live, clock: Clock
) -> None:
    for n in range(web_app.WRONG_CODES):
        assert live.request("GET", f"/j?code={100000 + n}").status == 404
        clock.now += 1.0
    refused = live.request("GET", f"/j?code={live.short_code}")
    assert refused.status == 429
    wait = retry_after(refused)
    assert wait == web_app.WRONG_CODES_WINDOW - web_app.WRONG_CODES
    clock.now += wait
    assert live.request("GET", f"/j?code={live.short_code}").status == 303


def test_the_typed_code_pause_ends_when_the_oldest_wrong_code_leaves_the_hour(
    make_live: Any, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pause lasts exactly until the server's budget has room again, not a second longer:
    a room whose budget was spent by guesses spread over the hour types again as soon as the
    first guess is an hour old."""
    monkeypatch.setattr(web_app, "WRONG_CODES_TOTAL", 3)  # the real budget is 200 an hour
    live = make_live()
    guesses = (f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" != live.short_code)
    assert live.request("GET", f"/j?code={next(guesses)}", source="127.0.0.2").status == 404
    clock.now += web_app.WRONG_CODES_TOTAL_WINDOW - 0.5
    for address in ("127.0.0.3", "127.0.0.4"):
        assert live.request("GET", f"/j?code={next(guesses)}", source=address).status == 404
    paused = live.request("GET", f"/j?code={live.short_code}", source="127.0.1.1")
    assert paused.status == 429 and retry_after(paused) == 1
    assert 0 < live.call(lambda: live.meeting.typed_codes_paused) <= 0.5
    clock.now += 0.5
    assert live.request("GET", f"/j?code={live.short_code}", source="127.0.1.1").status == 303


# ---------------------------------------------------------------- item 8: join key and codes


def test_the_link_carries_a_long_key_and_the_api_takes_only_it(live: Live) -> None:
    key = live.code
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", key)  # 24 bytes: 192 bits
    assert live.server.url.endswith(f"/j/{key}") and live.short_code not in live.server.url
    # Typed, the short code leads on to the link; the API does not take it.
    assert live.request("GET", f"/j/{live.short_code}").headers["Location"] == f"/j/{key}"
    assert_error(live.request("GET", f"/api/{live.short_code}/state"), 404, "unknown_code")
    # The key is the same after a restart: printed QR codes and sent links keep working.
    live.restart()
    assert live.code == key and live.server.url.endswith(f"/j/{key}")
    # A wrong typed code's page never shows the key.
    wrong = live.request("GET", "/j?code=111111")
    assert wrong.status == 404 and key not in wrong.text


def test_wrong_typed_codes_have_a_budget_for_the_whole_server(live: Live, clock: Clock) -> None:
    addresses = [f"127.0.0.{n}" for n in range(2, 40)]
    wrong = 0
    for address in addresses:
        for _ in range(web_app.WRONG_CODES):
            if wrong == web_app.WRONG_CODES_TOTAL:
                break
            guess = f"{secrets.randbelow(1_000_000):06d}"
            if guess == live.short_code:
                continue
            assert live.request("GET", f"/j?code={guess}", source=address).status == 404
            wrong += 1
    assert wrong == web_app.WRONG_CODES_TOTAL
    # Spent: typed codes pause for everyone, even the right one from a new address...
    fresh = "127.0.1.1"
    paused = live.request("GET", f"/j?code={live.short_code}", source=fresh)
    assert paused.status == 429 and "QR-koden" in paused.text
    assert 3590 <= retry_after(paused) <= web_app.WRONG_CODES_TOTAL_WINDOW
    assert live.call(lambda: live.meeting.typed_codes_paused) > 0
    # ...while the QR code and the link are never refused.
    assert live.request("GET", f"/j/{live.code}", source=fresh).status == 200
    assert live.request("GET", f"/api/{live.code}/state", source=fresh).status == 200
    # When the oldest guess leaves the hour, typing works again.
    clock.now += web_app.WRONG_CODES_TOTAL_WINDOW
    assert live.request("GET", f"/j?code={live.short_code}", source=fresh).status == 303
    assert live.call(lambda: live.meeting.typed_codes_paused) == 0


# ---------------------------------------------------------------- item 9: hosts and links


@pytest.mark.parametrize("path", ["/", "/api/{code}/state", "/api/{code}/events", "/j/{code}"])
def test_a_foreign_host_is_refused_page_and_api(live: Live, path: str) -> None:
    path = path.format(code=live.code)
    headers = {"Host": f"evil.example:{live.port}"}
    reply = live.request("GET", path, headers=headers)
    assert reply.status == 400
    if path.startswith("/api/"):
        assert_error(reply, 400, "foreign_host")
    else:
        assert "text/html" in reply.headers["Content-Type"] and "QR-koden" in reply.text
        assert "evil.example" not in reply.text


def test_dns_rebinding_post_with_foreign_host_and_origin_is_refused(live: Live) -> None:
    live.open_question(SCALE)
    phone = live.device()
    foreign = f"evil.example:{live.port}"
    reply = phone.request(
        "POST",
        f"/api/{live.code}/answers",
        answer_body(),
        {**JSON, "Host": foreign, "Origin": f"http://{foreign}"},
    )
    assert_error(reply, 400, "foreign_host")
    # The no-JS form's post too, with this device's own CSRF token: the Host alone refuses it.
    csrf = re.search(r'name="csrf" value="([^"]+)"', phone.get(f"/j/{live.code}").text)
    assert csrf is not None
    form = f"csrf={csrf[1]}&question={SCALE}&v%3A{SCALE}=3"
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Host": foreign}
    reply = phone.request("POST", f"/j/{live.code}/answer", form, headers)
    assert reply.status == 400 and "text/html" in reply.headers["Content-Type"]
    assert live.answers(SCALE) == []
    # The same form from this server's own name is taken: the refusal was the Host's.
    headers["Host"] = f"127.0.0.1:{live.port}"
    assert phone.request("POST", f"/j/{live.code}/answer", form, headers).status == 303
    assert live.answers(SCALE) == [3]


def test_own_addresses_localhost_and_allowed_names_are_answered(make_live: Any) -> None:
    live = make_live(allowed_hosts=("mote.kommun.se",))
    for host in (
        f"127.0.0.1:{live.port}",
        f"localhost:{live.port}",
        "LOCALHOST.",
        f"[::1]:{live.port}",
        f"mote.kommun.se:{live.port}",
        "Mote.Kommun.SE",
    ):
        assert live.request("GET", f"/api/{live.code}/state", headers={"Host": host}).status == 200
    for host in ("mote.kommun.se.evil.example", "10.9.9.9", "", "a b", "x@127.0.0.1"):
        reply = live.request("GET", f"/api/{live.code}/state", headers={"Host": host})
        assert reply.status == 400, host


def test_the_address_a_request_arrived_on_is_the_servers_own() -> None:
    check = HostCheck(["mote.kommun.se"])
    assert check.allowed("192.168.1.20:8765", arrived_on="192.168.1.20")
    assert check.allowed("[fe80::1]:8765", arrived_on="fe80::1%eth0")
    assert not check.allowed("192.168.1.21:8765", arrived_on="192.168.1.20")
    assert not check.allowed("evil.example", arrived_on="192.168.1.20")


@pytest.mark.parametrize(
    "path", ["//evil.example/x", "//evil.example/j/x", "/%2F%2Fevil.example", "/\\evil.example"]
)
def test_every_link_the_server_makes_is_local(live: Live, path: str) -> None:
    reply = live.request("GET", path)
    assert reply.status in (404, 400)
    links = local_links(reply.text)
    assert links
    for link in links:
        assert link.startswith("/") and not link.startswith(("//", "/\\")), link
    assert "evil.example" not in reply.text


def test_the_pages_links_are_built_from_routes(live: Live) -> None:
    for path in ("/", f"/j/{live.code}", "/j?code=000000x"):
        reply = live.device(join=False).get(path)
        for link in local_links(reply.text):
            assert link.startswith("/") and not link.startswith(("//", "/\\")), (path, link)


def test_serve_answers_a_name_given_with_allowed_host(tmp_path: Any) -> None:
    import http.client
    import os
    import signal
    import subprocess
    import sys

    from web_harness import builtin_set

    from mognad_tui.model import SessionInfo
    from mognad_tui.store import create_session

    info = SessionInfo(
        name="s", title="T", created="2026-11-26", set_id="digital-mognad", lang="sv"
    )
    create_session(tmp_path, info, builtin_set())
    command = [sys.executable, "-m", "mognad_tui", "serve", "s", "--data-dir", str(tmp_path)]
    command += ["--host", "127.0.0.1", "--port", "0", "--allowed-host", "mote.kommun.example"]
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ)
    )
    try:
        url = proc.stdout.readline().strip()
        match = re.fullmatch(r"http://127\.0\.0\.1:(\d+)(/j/[A-Za-z0-9_-]{32})", url)
        assert match, (url, proc.stderr.read() if proc.poll() is not None else "")
        port, path = int(match.group(1)), match.group(2)

        def status(host: str) -> int:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                conn.request("GET", path, headers={"Host": host})
                return conn.getresponse().status
            finally:
                conn.close()

        assert status(f"mote.kommun.example:{port}") == 200
        assert status(f"127.0.0.1:{port}") == 200
        assert status(f"annan.example:{port}") == 400
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=10)


def test_a_limiter_keeps_its_last_max_keys_and_forgets_only_the_oldest(clock: Clock) -> None:
    """The table's cap (10,000 addresses or devices) holds exactly that many: a key within it
    keeps its count, so reaching the cap does not let the newest keys start afresh."""
    limiter = security.RateLimit(1, 60, max_keys=3)
    for key in ("a", "b", "c"):
        assert limiter.hit(key) is False
    assert [limiter.hit(key) for key in ("a", "b", "c")] == [True, True, True]
    assert limiter.hit("d") is False  # a fourth key: "a", the least recently hit, is forgotten
    assert [limiter.hit(key) for key in ("b", "c", "d")] == [True, True, True]
    assert limiter.hit("a") is False


def test_the_limiters_remember_at_most_ten_thousand_keys_by_default(clock: Clock) -> None:
    """The server's tables (addresses, devices) are bounded at 10,000 keys: a flood of made-up
    addresses cannot grow them, and the 10,001st forgets the oldest, not one key later."""
    limiter = security.RateLimit(1, 60)
    buckets = security.TokenBucket(1, 0.001)
    assert limiter.hit("first") is False and buckets.take("first") is True
    for number in range(9_999):
        limiter.hit(f"key-{number}")
        buckets.take(f"key-{number}")
    # 10,000 keys: "first" is still remembered, at its limit and with an empty bucket.
    assert limiter.retry_after("first") > 0 and buckets.retry_after("first") > 0
    limiter.hit("the-10001st")
    buckets.take("the-10001st")
    assert limiter.retry_after("first") == 0 and buckets.retry_after("first") == 0
    assert limiter.hit("first") is False and buckets.take("first") is True


def test_a_device_bucket_asks_for_no_wait_while_it_has_an_event_left(clock: Clock) -> None:
    """``retry_after`` is 0 while a key may take one more event (a whole one or more left), and
    otherwise the time until it may: never negative, never a wait for nothing."""
    buckets = security.TokenBucket(3, 1.0)
    assert buckets.retry_after("new") == 0.0  # a full bucket
    assert buckets.take("new") and buckets.take("new")
    assert buckets.retry_after("new") == 0.0  # exactly one left
    clock.now += 0.5
    assert buckets.retry_after("new") == 0.0  # one and a half left
    assert buckets.take("new") and not buckets.take("new")
    assert buckets.retry_after("new") == 0.5  # half refilled: half a second to go


def test_the_origin_of_a_named_host_is_compared_without_case(live: Live) -> None:
    """A phone that reached the server as ``localhost`` (or a name given with --allowed-host)
    posts with that name as Origin, in whatever case the address bar had."""
    live.open_question(SCALE)
    phone = live.device()
    for host, origin in (
        (f"localhost:{live.port}", f"http://localhost:{live.port}"),
        (f"LocalHost:{live.port}", f"http://localhost:{live.port}"),
        (f"localhost:{live.port}", f"http://LOCALHOST:{live.port}"),
    ):
        headers = {"Host": host, "Origin": origin}
        assert phone.answer(SCALE, 3, headers).status == 200, (host, origin)
    foreign = {"Host": f"localhost:{live.port}", "Origin": "http://evil.localhost"}
    assert_error(phone.answer(SCALE, 3, foreign), 403, "foreign_origin")


def test_a_full_device_bucket_table_forgets_the_oldest_address_not_the_newest(
    clock: Clock,
) -> None:
    """Past its cap the new-device table forgets the least recent address: were it the newest,
    an address arriving after the table filled would never be held to the limit."""
    buckets = security.TokenBucket(1, 0.001, max_keys=3)
    for key in ("a", "b", "c"):
        assert buckets.take(key) is True
    assert [buckets.take(key) for key in ("a", "b", "c")] == [False, False, False]
    assert buckets.take("d") is True  # "a", the oldest, is forgotten (a full bucket again)
    assert [buckets.take(key) for key in ("b", "c", "d")] == [False, False, False]


def test_an_allowed_host_is_matched_in_any_spelling_and_a_broken_one_is_no_address() -> None:
    """``--allowed-host`` names are written by hand: brackets, case, a trailing dot and spaces
    must not stop the room's phones, and a half-bracketed address must not turn into another
    address (``[::1`` read as ``::``, the unspecified address)."""
    assert security.canonical_host("[0:0::1]") == "::1"
    assert security.canonical_host(" Example.ORG. ") == "example.org"
    assert security.canonical_host("[::1") == "[::1"
    assert security.canonical_host("::1]") == "::1]"
    check = security.HostCheck([" [FE80:0::2] ", "Skola.Example.", "", "  "])
    assert check.allowed("[fe80::2]:8765", None) and check.allowed("skola.example", None)
    assert not check.allowed("", None) and not check.allowed("[::]", None)
    # Made-up Host names cannot grow the memo of answers without end.
    for number in range(200):
        assert not check.allowed(f"made-up-{number}.example", None)
    assert check.allowed.cache_info().currsize <= 64


def test_a_host_header_with_a_path_user_or_blank_is_unreadable() -> None:
    for header in (
        *("localhost/x", "localhost\\x", "x@localhost", "localhost?x", "local host", ""),
        *("[::1]x", "[::1]:80x", "[::1"),  # after the brackets only a port may follow
        *("[::1]]", "[::1]:80]"),  # the first closing bracket ends the address
    ):
        assert security.host_name(header) is None, header
    assert security.host_name(" LocalHost.:8765 ") == "localhost"
    # A browser on the default port sends the bracketed address alone, without ":port".
    assert security.host_name("[::1]") == "::1"
    assert security.host_name("[FE80::1]:8765") == "fe80::1"
