"""The participant API and pages over real HTTP: every status the contract names, cookies,
headers, one vote per device, the plain-form path without JavaScript, and restarts."""

from __future__ import annotations

import json
import re
import socket
import time
from html import escape as html_escape
from typing import Any

import pytest
from aiohttp.test_utils import make_mocked_request
from web_harness import Live, builtin_set

from mognad_tui.model import DONT_KNOW, Kind, Voting
from mognad_tui.store import StoreFull
from mognad_tui.web import app as web_app
from mognad_tui.web import server as web_server
from mognad_tui.web.messages import error_message
from mognad_tui.web.security import SECURITY_HEADERS, is_json, origin_allowed

SCALE = "a-hitta-information"  # the survey's first statement (practice scale)
SCALE_2 = "a-delade-dokument"
SINGLE = "s1-uppvarmning"  # step 1 warm-up poll
TEXT = "s2-mer"  # step 2 free text


def first(kind: Kind) -> str:
    return next(q.id for q in builtin_set().questions if q.kind is kind)


def assert_error(reply: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert reply.status == status, (reply.status, reply.text[:300])
    assert reply.headers["Content-Type"].startswith("application/json")
    body = reply.json()
    assert set(body) == {"error", "message"}
    assert body["message"] and isinstance(body["message"], str)
    if code:
        assert body["error"] == code
    return body


# ---------------------------------------------------------------- page, cookie, headers


def test_page_gives_an_anonymous_long_lived_strict_cookie(live: Live) -> None:
    reply = live.request("GET", f"/j/{live.code}")
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/html")
    raw = reply.headers["Set-Cookie"]
    token = reply.cookie("mognad_device")
    assert token and re.fullmatch(r"[A-Za-z0-9_-]{32,}", token)  # 24 random bytes, 192 bits
    assert "HttpOnly" in raw and "SameSite=Strict" in raw and "Path=/" in raw
    assert int(re.search(r"Max-Age=(\d+)", raw).group(1)) >= 180 * 24 * 3600
    # The token is never stored: not in the session folder, in no file at all.
    for path in live.path.rglob("*"):
        if path.is_file():
            assert token.encode() not in path.read_bytes()
    # A device that has a cookie keeps it.
    again = live.request("GET", f"/j/{live.code}", headers={"Cookie": f"mognad_device={token}"})
    assert again.cookie("mognad_device") is None


def test_security_headers_on_every_kind_of_response(live: Live) -> None:
    device = live.device()
    replies = [
        device.get("/"),
        device.get(f"/j/{live.code}"),
        device.get(f"/api/{live.code}/state"),
        device.get("/api/000000x/state"),
        device.get("/static/app.css"),
        device.get("/static/app.js"),
        device.get("/nothing-here"),
        device.request("DELETE", f"/api/{live.code}/state"),
        device.answer("nope", 1),
    ]
    for reply in replies:
        for name, value in SECURITY_HEADERS.items():
            assert reply.headers[name] == value, (reply.status, name)
        assert reply.status < 500
    csp = SECURITY_HEADERS["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp


def test_no_inline_script_or_style_and_nothing_from_outside(live: Live, paced: Live) -> None:
    pages = [live.device().get(f"/j/{live.code}").text, live.request("GET", "/").text]
    device = paced.device()
    for q in builtin_set().survey[:3]:
        pages.append(device.get(f"/j/{paced.code}?q={q.id}").text)
    for html in pages:
        assert "style=" not in html
        assert re.search(r"<script(?![^>]*\bsrc=)", html) is None
        assert re.search(r"""(src|href)=["']?(https?:)?//""", html) is None


def test_static_files_only_no_listing_no_traversal(live: Live) -> None:
    assert live.request("GET", "/static/app.css").headers["Content-Type"].startswith("text/css")
    for path in (
        "/static/",
        "/static",
        "/static/../app.py",
        "/static/%2e%2e/app.py",
        "/static/..%2fapp.py",
        "/static/%2e%2e%2f%2e%2e%2fmeeting.py",
        "/static//etc/passwd",
        "/templates/base.html",
        "/mognad_tui/web/app.py",
    ):
        reply = live.request("GET", path)
        assert reply.status == 404, (path, reply.status)
        assert b"import" not in reply.body and b"{%" not in reply.body


def test_start_page_and_join_by_typed_code(live: Live) -> None:
    start = live.request("GET", "/")
    assert start.status == 200 and 'name="code"' in start.text
    typed = live.short_code
    spaced = " ".join(typed[i : i + 3] for i in range(0, len(typed), 3))
    reply = live.request("GET", "/j?code=" + spaced.replace(" ", "+"))
    # On to the link's long key: the short code is only for typing.
    assert reply.status == 303 and reply.headers["Location"] == f"/j/{live.code}"
    assert live.request("GET", f"/j/{typed}").headers["Location"] == f"/j/{live.code}"
    wrong = live.request("GET", "/j?code=abc")
    assert wrong.status == 404 and "text/html" in wrong.headers["Content-Type"]
    assert 'name="code"' in wrong.text  # the friendly page lets one type again


def test_unknown_code_is_404_json_for_api_and_a_page_for_people(live: Live) -> None:
    page = live.request("GET", "/j/999999x")
    assert page.status == 404 and "<h1>Koden finns inte</h1>" in page.text
    for method, path in (
        ("GET", "/api/nope/state"),
        ("POST", "/api/nope/answers"),
        ("GET", "/api/nope/events"),
    ):
        assert_error(live.request(method, path), 404, "unknown_code")


def test_language_by_accept_language_switch_and_cookie(live: Live) -> None:
    sv = live.request("GET", f"/j/{live.code}")
    assert '<html lang="sv">' in sv.text and "Vänta på nästa fråga" in sv.text
    en = live.request("GET", f"/j/{live.code}", headers={"Accept-Language": "de-DE,en;q=0.8"})
    assert '<html lang="en">' in en.text and "Wait for the next question" in en.text
    device = live.device()
    switched = device.get(f"/j/{live.code}?lang=en")
    assert '<html lang="en">' in switched.text and device.cookies["mognad_lang"] == "en"
    # Remembered: errors too speak the device's language.
    body = assert_error(device.answer("nope", 1), 404, "unknown_question")
    assert body["message"] == "There is no such question."
    assert device.get(f"/j/{live.code}?lang=sv").text.count('<html lang="sv">') == 1


# ---------------------------------------------------------------- state


def test_state_lists_open_questions_with_options_and_answered(live: Live) -> None:
    device = live.device()
    state = device.state()
    assert state["open"] == [] and state["answered"] == {} and state["revealed"] == []
    assert state["self_paced"] is False and state["lang"] == "sv"
    live.open_question(SCALE)
    state = device.state()
    (question,) = state["open"]
    assert question["id"] == SCALE and question["kind"] == "scale" and question["text"]
    values = [o["value"] for o in question["options"]]
    assert values == [1, 2, 3, 4, 5, DONT_KNOW]
    assert all(o["label"] for o in question["options"])
    assert question["dimension"] == "a-vardag"
    assert device.answer(SCALE, 4).json() == {"ok": True}
    assert device.state()["answered"] == {SCALE: 4}


def test_state_self_paced_is_the_whole_survey(paced: Live) -> None:
    state = paced.device().state()
    assert state["self_paced"] is True
    ids = [q["id"] for q in state["open"]]
    assert ids == [q.id for q in builtin_set().survey]
    text = next(q for q in state["open"] if q["kind"] == "text")
    assert text["max_length"] > 0 and "options" not in text
    companion = next(q for q in state["open"] if q["id"].endswith(".importance"))
    assert companion["importance_of"] == companion["id"].removesuffix(".importance")


def test_state_without_cookie_is_readable_but_answers_nothing(paced: Live) -> None:
    reply = paced.request("GET", f"/api/{paced.code}/state")
    assert reply.status == 200 and reply.json()["answered"] == {}


# ---------------------------------------------------------------- answers: success


def test_one_vote_per_device_and_two_devices_two_votes(live: Live) -> None:
    live.open_question(SCALE)
    one, two = live.device(), live.device()
    assert one.answer(SCALE, 2).status == 200
    assert one.answer(SCALE, 5).status == 200
    assert sorted(live.answers(SCALE)) == [5]
    assert two.answer(SCALE, DONT_KNOW).status == 200
    assert sorted(live.answers(SCALE), key=str) == [5, DONT_KNOW]
    assert one.state()["answered"] == {SCALE: 5}
    assert two.state()["answered"] == {SCALE: DONT_KNOW}


def test_every_kind_of_value(paced: Live, live: Live) -> None:
    device = paced.device()
    state = device.state()
    text = next(q for q in state["open"] if q["kind"] == "text")
    single = next(q for q in state["open"] if q["kind"] == "single")
    assert device.answer(text["id"], "  Mer tid\u202e för\x1b[31m lärande  ").status == 200
    assert device.answer(single["id"], single["options"][0]["value"]).status == 200
    answered = device.state()["answered"]
    assert answered[text["id"]] == "Mer tid för[31m lärande"  # control chars gone
    # multiple choice and dot voting are quick polls made during the meeting
    multiple = live.call(live.meeting.add_poll("Vilka kanaler?", Kind.MULTIPLE, ["A", "B", "C"]))
    phone = live.device()
    assert phone.answer(multiple.id, ["o3", "o1"]).status == 200
    assert phone.state()["answered"][multiple.id] == ["o1", "o3"]
    assert phone.answer(multiple.id, []).status == 200
    dots = live.call(live.meeting.add_poll("Prioritera", Kind.DOTS, ["X", "Y", "Z"], dots=3))
    state = phone.state()
    assert next(q for q in state["open"] if q["id"] == dots.id)["dots"] == 3
    assert phone.answer(dots.id, {"o1": 2, "o3": 1}).status == 200
    assert phone.state()["answered"][dots.id] == {"o1": 2, "o3": 1}


def test_origin_null_or_same_host_is_accepted_with_json(live: Live) -> None:
    live.open_question(SCALE)
    device = live.device()
    # The page served under --cert posts with an https Origin: host and port are what count.
    for origin in ("null", f"http://127.0.0.1:{live.port}", "", f"https://127.0.0.1:{live.port}"):
        assert device.answer(SCALE, 3, {"Origin": origin}).status == 200, origin


def test_json_with_a_charset_or_in_capitals_is_json_too(live: Live) -> None:
    live.open_question(SCALE)
    device = live.device()
    body = json.dumps({"question": SCALE, "value": 3})
    for ctype in ("application/json; charset=utf-8", "Application/JSON"):
        reply = device.request("POST", f"/api/{live.code}/answers", body, {"Content-Type": ctype})
        assert reply.status == 200, ctype


def test_every_request_passes_one_middleware(live: Live) -> None:
    """The host check, the body's limits and the error pages are one middleware: each is a
    coroutine layer of its own on every request (and aiohttp adds one more whenever there is
    any), a measurable share of an answer's cost under a room's load (bench/notes/ingest.md)."""
    app = live.call(lambda: web_app.create_app(live.meeting))
    assert len(app.middlewares) == 1


def test_an_origin_naming_this_host_in_another_scheme_or_unreadable_is_refused(live: Live) -> None:
    """Only a web page's own origin passes: another scheme on this very host and port, an
    Origin without a host, or one the URL parser cannot read is foreign."""
    live.open_question(SCALE)
    device = live.device()
    for origin in (
        f"ftp://127.0.0.1:{live.port}",
        f"file://127.0.0.1:{live.port}",
        "http://",
        "http:127.0.0.1",
        f"http://[127.0.0.1:{live.port}",  # urlsplit raises: an unclosed IPv6 bracket
    ):
        assert_error(device.answer(SCALE, 3, {"Origin": origin}), 403, "foreign_origin")
    assert live.answers(SCALE) == []


# ---------------------------------------------------------------- answers: each error status


def test_400_malformed_json_and_shapes(live: Live) -> None:
    live.open_question(SCALE)
    device = live.device()
    path = f"/api/{live.code}/answers"
    headers = {"Content-Type": "application/json"}
    for body in (
        b"",
        b"{",
        b"\xff\xfe",
        b"[1, 2]",
        b'"x"',
        b"null",
        b'{"question": "' + SCALE.encode() + b'"}',
        b'{"value": 3}',
        b'{"question": 7, "value": 3}',
        b"[" * 5000 + b"]" * 5000,
        b'{"question": "x", "value": NaN}',
        b'{"question": "x", "value": -Infinity}',
    ):
        body_json = assert_error(device.request("POST", path, body, headers), 400)
        assert body_json["error"] == "bad_request", body


def test_403_foreign_origin_missing_cookie_and_csrf(live: Live) -> None:
    live.open_question(SCALE)
    device = live.device()
    assert_error(device.answer(SCALE, 3, {"Origin": "http://evil.example"}), 403, "foreign_origin")
    assert_error(device.answer(SCALE, 3, {"Origin": "http://127.0.0.1:1"}), 403, "foreign_origin")
    stranger = live.device(join=False)
    assert_error(stranger.answer(SCALE, 3), 403, "no_device")
    # Not JSON (what a cross-site form could send) and no CSRF token: refused.
    body = json.dumps({"question": SCALE, "value": 3})
    for ctype in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        reply = device.request(
            "POST", f"/api/{live.code}/answers", body, {"Content-Type": ctype, "Origin": "null"}
        )
        assert_error(reply, 403, "not_json")
    # The plain form needs the CSRF token.
    form = f"question={SCALE}&v%3A{SCALE}=3"
    ctype = {"Content-Type": "application/x-www-form-urlencoded"}
    reply = device.request("POST", f"/j/{live.code}/answer", form, ctype)
    assert reply.status == 403 and "text/html" in reply.headers["Content-Type"]
    reply = device.request("POST", f"/j/{live.code}/answer", form + "&csrf=00", ctype)
    assert reply.status == 403
    assert live.answers(SCALE) == []


def test_the_form_refuses_a_foreign_origin_even_with_the_right_csrf(live: Live) -> None:
    """Issue 16 rule 3: the no-JS form checks Origin too; the CSRF token is not its only guard."""
    live.open_question(SCALE)
    device = live.device()
    page = device.get(f"/j/{live.code}").text
    form = f"csrf={csrf_of(page)}&question={SCALE}&v%3A{SCALE}=3"
    ctype = "application/x-www-form-urlencoded"
    for origin in ("http://evil.example", "http://127.0.0.1:1", f"http://localhost:{live.port}"):
        headers = {"Content-Type": ctype, "Origin": origin}
        reply = device.request("POST", f"/j/{live.code}/answer", form, headers)
        assert reply.status == 403 and "text/html" in reply.headers["Content-Type"], origin
    assert live.answers(SCALE) == []
    # The same post from our own page is taken: the refusals above were the Origin's.
    headers = {"Content-Type": ctype, "Origin": live.base}
    assert device.request("POST", f"/j/{live.code}/answer", form, headers).status == 303
    assert live.answers(SCALE) == [3]


def test_the_api_takes_a_non_json_body_only_with_this_device_csrf(live: Live) -> None:
    """The API's other path: a body not typed as JSON needs the device's own CSRF token."""
    live.open_question(SCALE)
    device, other = live.device(), live.device()
    mine = csrf_of(device.get(f"/j/{live.code}").text)
    theirs = csrf_of(other.get(f"/j/{live.code}").text)
    assert mine != theirs
    body = json.dumps({"question": SCALE, "value": 4})
    path = f"/api/{live.code}/answers"
    for token in ("", "00", theirs, mine[:-1]):
        headers = {"Content-Type": "text/plain", "X-CSRF-Token": token}
        assert_error(device.request("POST", path, body, headers), 403, "not_json")
    assert live.answers(SCALE) == []
    headers = {"Content-Type": "text/plain", "X-CSRF-Token": mine}
    assert device.request("POST", path, body, headers).status == 200
    assert live.answers(SCALE) == [4]
    # The right token does not excuse a foreign Origin.
    headers = {**headers, "Origin": "http://evil.example"}
    assert_error(other.request("POST", path, body, {**headers, "X-CSRF-Token": theirs}), 403)
    assert live.answers(SCALE) == [4]


def test_a_content_type_the_parser_cannot_read_is_no_json(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CSRF rule's fallback: should aiohttp's parser fail on a Content-Type (older versions
    raised IndexError on some), the body is not taken as JSON, so it needs the CSRF token. No
    header found today makes the parser raise, hence its failure is made here."""
    request = make_mocked_request("POST", "/api/x/answers", headers={"Content-Type": "x"})

    def unreadable(self: Any) -> str:
        raise IndexError("unreadable Content-Type")

    assert is_json(request) is False  # "x" is read, and is no JSON
    monkeypatch.setattr(type(request), "content_type", property(unreadable))
    assert is_json(request) is False


def test_an_origin_is_refused_when_the_request_names_no_host() -> None:
    """Defence in depth: the Host middleware refuses a request without ``Host`` first, but the
    Origin rule must hold on its own too: with no host to compare, no Origin names it (and
    none makes a traceback)."""
    for origin in ("http://localhost", "http://127.0.0.1:8765", "http://xxxx", "https://"):
        request = make_mocked_request("POST", "/api/x/answers", headers={"Origin": origin})
        assert origin_allowed(request) is False, origin
    no_origin = make_mocked_request("POST", "/api/x/answers", headers={})
    assert origin_allowed(no_origin) is True  # no Origin: the JSON type or the token decides


def test_404_unknown_question(live: Live) -> None:
    live.open_question(SCALE)
    device = live.device()
    assert_error(device.answer("no-such-question", 1), 404, "unknown_question")
    assert_error(device.answer("", 1), 404, "unknown_question")


def test_409_question_not_open(live: Live) -> None:
    device = live.device()
    assert_error(device.answer(SCALE, 3), 409, "not_open")
    live.open_question(SCALE)
    assert device.answer(SCALE, 3).status == 200
    live.set_voting(SCALE, Voting.CLOSED)
    assert_error(device.answer(SCALE, 4), 409, "not_open")
    assert live.answers(SCALE) == [3]


def test_413_body_over_the_cap(live: Live) -> None:
    live.open_question(TEXT)
    device = live.device()
    big = json.dumps({"question": TEXT, "value": "x" * 20_000})
    assert_error(device.answer(TEXT, "x" * 20_000), 413, "too_large")
    # The same without a Content-Length (chunked): refused while reading.
    conn = socket.create_connection(("127.0.0.1", live.port), timeout=10)
    cookie = "; ".join(f"{k}={v}" for k, v in device.cookies.items())
    head = (
        f"POST /api/{live.code}/answers HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: application/json\r\nCookie: {cookie}\r\n"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    data = big.encode()
    chunks = b"".join(
        f"{len(data[i : i + 4096]):x}\r\n".encode() + data[i : i + 4096] + b"\r\n"
        for i in range(0, len(data), 4096)
    )
    conn.sendall(head.encode() + chunks + b"0\r\n\r\n")
    response = b""
    while chunk := conn.recv(65536):
        response += chunk
    conn.close()
    assert response.startswith(b"HTTP/1.1 413"), response[:80]
    assert live.answers(TEXT) == []


def test_422_values_that_do_not_fit(live: Live) -> None:
    device = live.device()
    live.open_question(SCALE)
    for value in (9, 0, "fem", [3], {"3": 1}, True, None, 3.5, 1e300):
        body = assert_error(device.answer(SCALE, value), 422)
        assert body["error"] == "bad_value", value
    live.open_question(TEXT)
    assert_error(device.answer(TEXT, "   \x00\x07  "), 422, "empty")
    dots = live.call(live.meeting.add_poll("Prioritera", Kind.DOTS, ["X", "Y"], dots=3))
    assert_error(device.answer(dots.id, {"o1": 3, "o2": 1}), 422, "too_many_dots")
    assert_error(device.answer(dots.id, {"o9": 1}), 422, "bad_value")
    assert_error(device.answer(dots.id, {"o1": -1}), 422, "bad_value")


def test_429_join_code_guessing_is_rate_limited_in_memory(live: Live) -> None:
    for n in range(web_app.WRONG_CODES):
        assert live.request("GET", f"/j?code={100000 + n}").status == 404
    typed = live.request("GET", f"/j?code={live.short_code}")
    assert typed.status == 429 and "text/html" in typed.headers["Content-Type"]
    assert live.request("GET", f"/j/{live.short_code}").status == 429
    # The link's key is never refused, and the API never counted the guesses.
    assert live.request("GET", f"/j/{live.code}").status == 200
    assert live.request("GET", f"/api/{live.code}/state").status == 200
    # Counted in memory only: nothing about addresses in the session folder.
    for path in live.path.rglob("*"):
        if path.is_file():
            assert b"127.0.0.1" not in path.read_bytes()
    # A restart (or a minute) forgets it.
    live.restart()
    assert live.request("GET", f"/j?code={live.short_code}").status == 303


def test_429_answer_flood_from_one_device(live: Live) -> None:
    live.open_question(SCALE)
    device, other = live.device(), live.device()
    statuses = [device.answer(SCALE, 1 + n % 5).status for n in range(web_app.ANSWERS_PER_WINDOW)]
    assert set(statuses) == {200}
    assert_error(device.answer(SCALE, 1), 429, "rate_limited")
    assert other.answer(SCALE, 2).status == 200  # per device, not per address


def test_503_when_the_disk_is_full(live: Live) -> None:
    live.open_question(SCALE)
    device = live.device()

    async def full(*args: Any) -> None:
        raise StoreFull("disk full")

    store = live.meeting.store
    store.put_answer = full  # type: ignore[method-assign]
    body = assert_error(device.answer(SCALE, 3), 503, "store_full")
    assert "disk" in body["message"]
    del store.put_answer
    assert device.answer(SCALE, 3).status == 200


def test_unexpected_failure_is_a_400_and_the_server_keeps_serving(live: Live) -> None:
    device = live.device()

    def broken() -> list:
        raise RuntimeError("boom")

    live.meeting.open_questions = broken  # type: ignore[method-assign]
    assert_error(device.get(f"/api/{live.code}/state"), 400, "bad_request")
    assert device.get(f"/j/{live.code}").status == 400
    del live.meeting.open_questions
    assert device.get(f"/api/{live.code}/state").status == 200


def test_unknown_routes_and_methods_are_4xx(live: Live) -> None:
    assert_error(live.request("GET", f"/api/{live.code}/nothing"), 404, "not_found")
    assert_error(live.request("PUT", f"/api/{live.code}/answers"), 405, "method_not_allowed")
    assert live.request("GET", "/nothing").status == 404
    assert live.request("HEAD", "/").status == 200


# ---------------------------------------------------------------- the page without JavaScript


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)


def test_plain_form_posts_and_redirects_back_saved(live: Live) -> None:
    live.open_question(SCALE)
    device = live.device()
    page = device.get(f"/j/{live.code}").text
    assert f'name="v:{SCALE}"' in page and 'data-role="saved"></p>' in page
    form = f"csrf={csrf_of(page)}&question={SCALE}&v%3A{SCALE}=4"
    ctype = {"Content-Type": "application/x-www-form-urlencoded", "Origin": "null"}
    reply = device.request("POST", f"/j/{live.code}/answer", form, ctype)
    assert reply.status == 303 and reply.headers["Location"] == f"/j/{live.code}?q={SCALE}"
    after = device.get(reply.headers["Location"]).text
    assert "Ditt svar är sparat. Du kan ändra det så länge frågan är öppen." in after
    assert re.search(r'value="4" data-json="4" checked', after)
    # Nothing chosen: back with a sentence, nothing stored.
    form = f"csrf={csrf_of(page)}&question={SCALE}"
    reply = device.request("POST", f"/j/{live.code}/answer", form, ctype)
    assert reply.status == 303 and "error=no_choice" in reply.headers["Location"]
    assert "Välj ett svar först." in device.get(reply.headers["Location"]).text
    assert live.answers(SCALE) == [4]
    # Closed meanwhile: back with the reason.
    live.set_voting(SCALE, Voting.CLOSED)
    form = f"csrf={csrf_of(page)}&question={SCALE}&v%3A{SCALE}=2"
    reply = device.request("POST", f"/j/{live.code}/answer", form, ctype)
    assert "error=not_open" in reply.headers["Location"]
    assert live.answers(SCALE) == [4]


def test_the_plain_form_has_the_api_s_guards(live: Live) -> None:
    """The no-JS path refuses what the API refuses: another code than the link's key, a post
    without this device's cookie, and a full disk is a 503 to try again, not a silent redirect."""
    live.open_question(SCALE)
    device = live.device()
    page = device.get(f"/j/{live.code}").text
    form = f"csrf={csrf_of(page)}&question={SCALE}&v%3A{SCALE}=4"
    ctype = {"Content-Type": "application/x-www-form-urlencoded", "Origin": "null"}
    for code in (live.short_code, live.code[:-1] + ("A" if live.code[-1] != "A" else "B")):
        reply = device.request("POST", f"/j/{code}/answer", form, ctype)
        assert reply.status == 404 and "text/html" in reply.headers["Content-Type"], code
    stranger = live.device(join=False)
    reply = stranger.request("POST", f"/j/{live.code}/answer", form, ctype)
    assert reply.status == 403 and "text/html" in reply.headers["Content-Type"]
    # Told that this phone has no place in the meeting, not that the page was old.
    assert html_escape(error_message("no_device", "sv"), quote=False) in reply.text
    assert live.answers(SCALE) == []

    async def full(*args: Any) -> None:
        raise StoreFull("disk full")

    live.meeting.store.put_answer = full  # type: ignore[method-assign]
    reply = device.request("POST", f"/j/{live.code}/answer", form, ctype)
    assert reply.status == 503 and int(reply.headers["Retry-After"]) >= 1
    del live.meeting.store.put_answer
    assert device.request("POST", f"/j/{live.code}/answer", form, ctype).status == 303
    assert live.answers(SCALE) == [4]


def test_plain_form_walks_the_survey_self_paced(paced: Live) -> None:
    device = paced.device()
    page = device.get(f"/j/{paced.code}").text
    assert "Fråga 1 av " in page and 'class="progress-bar"' in page
    ctype = {"Content-Type": "application/x-www-form-urlencoded"}
    form = f"csrf={csrf_of(page)}&question={SCALE}&v%3A{SCALE}=3&advance=1"
    reply = device.request("POST", f"/j/{paced.code}/answer", form, ctype)
    location = reply.headers["Location"]
    assert reply.status == 303 and f"q={SCALE_2}" in location and f"saved={SCALE}" in location
    page = device.get(location).text
    assert "Fråga 2 av " in page and "Svaret på fråga 1 är sparat." in page
    # An item with its importance companion is one page; the companion is optional.
    survey = builtin_set().survey
    item = next(q for q in survey if any(c.importance_of == q.id for c in survey))
    companion = f"{item.id}.importance"
    page = device.get(f"/j/{paced.code}?q={item.id}").text
    assert f'name="v:{companion}"' in page
    base = f"csrf={csrf_of(page)}&question={item.id}&question={companion}"
    reply = device.request("POST", f"/j/{paced.code}/answer", base + f"&v%3A{item.id}=2", ctype)
    assert reply.status == 303 and "error" not in reply.headers["Location"]
    assert paced.answers(item.id) == [2] and paced.answers(companion) == []
    body = base + f"&v%3A{item.id}=2&v%3A{companion}=high"
    device.request("POST", f"/j/{paced.code}/answer", body, ctype)
    assert paced.answers(companion) == ["high"]
    # Paging on past the item left blank still saves the importance given beside it.
    body = base + f"&v%3A{companion}=low&go=next"
    assert device.request("POST", f"/j/{paced.code}/answer", body, ctype).status == 303
    assert paced.answers(companion) == ["low"] and paced.answers(item.id) == [2]
    # Done: the last page leads to the done state.
    reply = device.get(f"/j/{paced.code}?done=1")
    assert "Du har svarat på 2 av " in reply.text


FORM = {"Content-Type": "application/x-www-form-urlencoded", "Origin": "null"}


def test_the_plain_form_takes_ticks_dots_and_blank_companions(live: Live) -> None:
    """The no-JS form gives the meeting the same values the API does: every ticked box, the dots
    spent (blank and 0 left out, a word refused as a bad value), and nothing ticked is an
    answer ("none of these"), while no dot at all is no answer yet."""
    device = live.device()
    multiple = live.call(live.meeting.add_poll("Vilka kanaler?", Kind.MULTIPLE, ["A", "B", "C"]))
    page = device.get(f"/j/{live.code}?q={multiple.id}").text
    token = csrf_of(page)
    url = f"/j/{live.code}/answer"
    # Paging past it with nothing ticked is no answer ("none of these" needs the button).
    reply = device.request("POST", url, f"csrf={token}&question={multiple.id}&go=next", FORM)
    assert reply.status == 303 and "error" not in reply.headers["Location"]
    assert multiple.id not in device.state()["answered"]
    ticks = f"csrf={token}&question={multiple.id}&v%3A{multiple.id}=o3&v%3A{multiple.id}=o1"
    reply = device.request("POST", url, ticks, FORM)
    assert reply.status == 303 and "error" not in reply.headers["Location"]
    assert device.state()["answered"][multiple.id] == ["o1", "o3"]
    reply = device.request("POST", url, f"csrf={token}&question={multiple.id}", FORM)
    assert reply.status == 303 and "error" not in reply.headers["Location"]
    assert device.state()["answered"][multiple.id] == []
    dots = live.call(live.meeting.add_poll("Prioritera", Kind.DOTS, ["X", "Y", "Z"], dots=3))
    base = f"csrf={token}&question={dots.id}"
    spent = base + f"&d%3A{dots.id}%3Ao1=+2+&d%3A{dots.id}%3Ao2=0&d%3A{dots.id}%3Ao3=1"
    reply = device.request("POST", url, spent + f"&d%3A{dots.id}%3Ao9=1", FORM)
    assert reply.status == 303 and "error" not in reply.headers["Location"]
    assert device.state()["answered"][dots.id] == {"o1": 2, "o3": 1}
    for nothing in (base, base + f"&d%3A{dots.id}%3Ao1=+&d%3A{dots.id}%3Ao2=0"):
        reply = device.request("POST", url, nothing, FORM)
        assert "error=no_choice" in reply.headers["Location"]
    reply = device.request("POST", url, base + f"&d%3A{dots.id}%3Ao1=&d%3A{dots.id}%3Ao3=1", FORM)
    assert device.state()["answered"][dots.id] == {"o3": 1}
    reply = device.request("POST", url, base + f"&d%3A{dots.id}%3Ao1=tv%C3%A5", FORM)
    assert "error=bad_value" in reply.headers["Location"]
    assert device.state()["answered"][dots.id] == {"o3": 1}
    # A post without a question, or a body the parser cannot read, is a bad request.
    for body, ctype in (
        (f"csrf={token}", FORM),
        ("x", {**FORM, "Content-Type": "multipart/form-data"}),
    ):
        reply = device.request("POST", url, body, ctype)
        assert reply.status == 400 and "text/html" in reply.headers["Content-Type"], body
        assert html_escape(error_message("bad_request", "sv"), quote=False) in reply.text


def test_the_plain_form_s_pager_saves_on_the_way_and_goes_where_it_says(paced: Live) -> None:
    """The "Föregående", "Nästa" and "Klar" buttons post the form: what was chosen is saved,
    nothing chosen is no error there, and each goes to its page (before the first and after
    the last: the done page)."""
    device = paced.device()
    survey = [q.id for q in builtin_set().survey]
    pages = [q for q in survey if not q.endswith(".importance")]
    token = csrf_of(device.get(f"/j/{paced.code}").text)
    url = f"/j/{paced.code}/answer"

    def post(body: str) -> str:
        reply = device.request("POST", url, f"csrf={token}&{body}", FORM)
        assert reply.status == 303, reply.text[:300]
        return reply.headers["Location"]

    back = f"/j/{paced.code}"
    first, second = pages[0], pages[1]
    assert post(f"question={first}&v%3A{first}=3&go=next") == (f"{back}?q={second}&saved={first}")
    assert post(f"question={second}&go=next") == f"{back}?q={pages[2]}"
    assert post(f"question={second}&v%3A{second}=2&go=prev") == (f"{back}?q={first}&saved={second}")
    assert post(f"question={first}&go=prev") == f"{back}?done=1"
    assert post(f"question={second}&go=done") == f"{back}?done=1"
    assert post(f"question={second}&v%3A{second}=2&go=done") == f"{back}?done=1&saved={second}"
    # A page needs a choice to walk on with "Nästa" of the form itself.
    assert post(f"question={first}&advance=1") == f"{back}?q={first}&error=no_choice"
    # A question that is no page of the survey (not open) leads to the done page.
    assert post("question=s1-uppvarmning&go=next") == f"{back}?done=1"
    assert paced.answers(first) == [3] and paced.answers(second) == [2]
    # A "go" the page never sends is no pager: nothing chosen is an error again.
    assert post(f"question={second}&go=elsewhere") == (f"{back}?q={second}&error=no_choice")
    # The last page leads on to the done page, saved or walked past.
    last = pages[-1]
    assert post(f"question={last}&v%3A{last}=Mer+tid&advance=1") == (f"{back}?done=1&saved={last}")
    assert post(f"question={last}&advance=1") == f"{back}?done=1"
    assert post(f"question={last}&v%3A{last}=+&advance=1") == f"{back}?done=1"
    assert post(f"question={last}&go=next") == f"{back}?done=1"
    penultimate = pages[-2]
    assert post(f"question={penultimate}&v%3A{penultimate}=3&advance=1") == (
        f"{back}?q={last}&saved={penultimate}"
    )
    assert post(f"question={pages[-2]}&go=next") == f"{back}?q={last}"
    assert post("question=no-such-question&go=next").endswith("error=unknown_question")
    assert paced.answers(last) == ["Mer tid"]


# ---------------------------------------------------------------- results and waiting


def test_revealed_results_follow_the_threshold(live: Live) -> None:
    live.open_question(SCALE)
    devices = [live.device() for _ in range(3)]
    devices[0].answer(SCALE, 2)
    devices[1].answer(SCALE, 4)
    live.set_voting(SCALE, Voting.REVEALED)
    page = devices[0].get(f"/j/{live.code}").text
    assert "För få svar för att visa resultat." in page and "2 svar" in page
    (result,) = devices[0].state()["revealed"]
    assert result == {"id": SCALE, "kind": "scale", "text": result["text"], "n": 2, "shown": False}
    live.open_question(SCALE)
    devices[2].answer(SCALE, 4)
    live.set_voting(SCALE, Voting.REVEALED)
    page = devices[0].get(f"/j/{live.code}").text
    assert "För få svar" not in page and "3 svar" in page
    assert "Median 4 · medel 3,3" in page
    (result,) = devices[0].state()["revealed"]
    assert result["shown"] is True and [r["count"] for r in result["distribution"]] == [
        0,
        1,
        0,
        2,
        0,
        0,
    ]


def test_no_result_leaves_the_server_before_it_is_revealed(live: Live) -> None:
    """Issue 16 rules 1 and 2: while a question is open or closed, neither the state JSON nor
    the page's ``?r=`` link gives its result away, however many have answered."""
    live.open_question(SCALE)
    devices = [live.device() for _ in range(3)]
    for device, value in zip(devices, (2, 4, 4), strict=True):
        assert device.answer(SCALE, value).status == 200
    for state in (Voting.OPEN, Voting.CLOSED):
        live.set_voting(SCALE, state)
        assert devices[0].state()["revealed"] == [], state
        page = devices[0].get(f"/j/{live.code}?r={SCALE}").text
        assert "Resultat" not in page and "3 svar" not in page, state  # not even the count
        assert "Median" not in page and "För få svar" not in page, state
    live.set_voting(SCALE, Voting.REVEALED)
    assert [r["id"] for r in devices[0].state()["revealed"]] == [SCALE]
    assert "Median 4 · medel 3,3" in devices[0].get(f"/j/{live.code}?r={SCALE}").text


def test_waiting_and_closed_pages(live: Live) -> None:
    device = live.device()
    assert "Vänta på nästa fråga" in device.get(f"/j/{live.code}").text
    live.open_question(SCALE)
    live.set_voting(SCALE, Voting.CLOSED)
    # Opened and closed with no answer: nothing to tell, wait.
    assert "Vänta på nästa fråga" in device.get(f"/j/{live.code}").text
    live.open_question(SCALE)
    device.answer(SCALE, 3)
    live.set_voting(SCALE, Voting.CLOSED)
    page = device.get(f"/j/{live.code}").text
    assert "Frågan är stängd" in page
    live.call(live.meeting.go_to("s1-digitalt-forst"))
    page = device.get(f"/j/{live.code}").text
    assert "Just nu pratar vi om:" in page and "digitalt först" in page


# ---------------------------------------------------------------- server-sent events


def read_until(sock: socket.socket, needle: bytes, timeout: float = 60) -> bytes:
    """Read until ``needle`` arrives or the stream ends; ``timeout`` only guards a hang."""
    sock.settimeout(timeout)
    data = b""
    deadline = time.monotonic() + timeout
    while needle not in data and time.monotonic() < deadline:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def open_stream(live: Live) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", live.port), timeout=5)
    sock.sendall(f"GET /api/{live.code}/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode("ascii"))
    head = read_until(sock, b"connected")
    assert head.startswith(b"HTTP/1.1 200"), head[:100]
    assert b"text/event-stream" in head and b"retry: " in head
    return sock


def test_events_follow_the_facilitator_and_keep_alive(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web_app, "KEEPALIVE", 0.3)
    sock = open_stream(live)
    try:
        assert b": keepalive" in read_until(sock, b": keepalive")
        live.open_question(SCALE)
        data = read_until(sock, b'"kind":"voting"')
        assert b"event: update" in data and SCALE.encode() in data
        # An answer is never announced while the question is open (it would tell who answered).
        device = live.device()
        device.answer(SCALE, 3)
        live.set_voting(SCALE, Voting.REVEALED)
        data = read_until(sock, b'"kind":"voting"')
        assert b'"kind":"count"' not in data
    finally:
        sock.close()


def test_stop_ends_streams_quickly(live: Live, monkeypatch: pytest.MonkeyPatch) -> None:
    """Stopping ends the phones' event streams itself rather than waiting them out: with the
    wait for requests in flight set to ten minutes, the stop still returns within ``Live``'s
    20 s bound, which a stop that waited for the stream could not meet however fast the
    machine (a clock limit near the real wait would fail on a busy one)."""
    monkeypatch.setattr(web_server, "SHUTDOWN_TIMEOUT", 600.0)
    live.restart()
    sock = open_stream(live)
    live.stop()
    rest = read_until(sock, b"\r\n0\r\n\r\n")
    sock.close()
    assert b"0\r\n\r\n" in rest or rest == b""
    live.open()


# ---------------------------------------------------------------- restart


def test_restart_keeps_code_cookie_answers_and_csrf(live: Live) -> None:
    live.open_question(SCALE)
    device = live.device()
    page = device.get(f"/j/{live.code}").text
    assert device.answer(SCALE, 2).status == 200
    code, token = live.code, device.cookies["mognad_device"]
    live.restart()
    assert live.code == code
    assert device.state()["answered"] == {SCALE: 2}
    assert device.cookies["mognad_device"] == token
    # The page's CSRF token from before the restart still works: it derives from the secret.
    ctype = {"Content-Type": "application/x-www-form-urlencoded"}
    form = f"csrf={csrf_of(page)}&question={SCALE}&v%3A{SCALE}=5"
    assert device.request("POST", f"/j/{live.code}/answer", form, ctype).status == 303
    assert live.answers(SCALE) == [5]


def test_phones_that_only_ask_for_the_state_count_as_present_each(live: Live) -> None:
    """After a restart the phones' pages are already open: they only poll the state. Each
    one with a cookie this meeting issued counts as present, and the answer is JSON."""
    phones = [live.device(join=False) for _ in range(3)]
    for phone in phones:
        phone.cookies["mognad_device"] = live.call(live.meeting.issue_device)
        reply = phone.get(f"/api/{live.code}/state")
        assert reply.headers["Content-Type"].lower() == "application/json; charset=utf-8"
    assert live.call(lambda: live.meeting.joined_count) == 3
    # The phone's own language comes with the state, for the page's fixed texts.
    english = phones[1].get(f"/api/{live.code}/state", {"Accept-Language": "en-GB,sv;q=0.5"})
    assert english.json()["device_lang"] == "en" and phones[0].state()["device_lang"] == "sv"
    live.open_question(SCALE)
    reply = phones[0].answer(SCALE, 4)
    assert reply.status == 200 and reply.json() == {"ok": True}
    assert reply.headers["Content-Type"].lower() == "application/json; charset=utf-8"


# ---------------------------------------------------------------- texts and hostile input


def test_every_message_exists_in_both_languages() -> None:
    from mognad_tui.web.messages import ERROR_STATUS, MESSAGES

    assert MESSAGES.missing() == {}
    for code in ERROR_STATUS:
        assert MESSAGES(code, "sv") and MESSAGES(code, "en")
    # Every reason the meeting refuses an answer with has a sentence and a status here.
    for code in ("unknown_question", "not_open", "bad_value", "too_many_dots", "empty"):
        assert code in ERROR_STATUS
    assert ERROR_STATUS["store_full"] == 503


def test_hostile_text_is_escaped_everywhere(live: Live) -> None:
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    poll = live.call(live.meeting.add_poll(hostile, Kind.SINGLE, [hostile, "B"]))
    device = live.device()
    page = device.get(f"/j/{live.code}").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert device.answer(poll.id, "o1").status == 200
    # Free text, approved by the facilitator, shown in the results.
    live.set_voting(poll.id, Voting.CLOSED)
    live.open_question(TEXT)
    phones = [live.device() for _ in range(3)]
    for n, phone in enumerate(phones):
        assert phone.answer(TEXT, f"{hostile} {n}").status == 200
    texts = live.call(lambda: live.meeting.pending_texts(TEXT))
    for text in texts[:2]:
        live.call(live.meeting.moderate(TEXT, text, True))
    live.call(live.meeting.moderate(TEXT, texts[2], False))
    live.set_voting(TEXT, Voting.REVEALED)
    page = device.get(f"/j/{live.code}").text
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2  # approved only
    assert "<script>alert" not in page
    (result,) = device.state()["revealed"]
    assert sorted(result["texts"]) == sorted(texts[:2])


def test_a_link_from_another_site_does_not_replace_the_device_key(live: Live) -> None:
    reply = live.request("GET", f"/j/{live.code}", headers={"Sec-Fetch-Site": "cross-site"})
    assert reply.status == 200 and reply.cookie("mognad_device") is None
    assert f'href="/j/{live.code}"' in reply.text  # one same-site click and the cookie is sent


def test_no_log_line_names_an_address_or_a_user_agent(
    live: Live, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    live.open_question(SCALE)
    device = live.device()
    headers = {"User-Agent": "Telefon-UA/1.0", "X-Forwarded-For": "10.1.2.3"}
    device.request("GET", f"/j/{live.code}", headers=headers)
    device.answer(SCALE, 3, headers)
    device.answer("nope", 3, headers)
    live.request("GET", "/j/wrong", headers=headers)
    text = "\n".join(r.getMessage() for r in caplog.records)
    for secret in ("127.0.0.1", "Telefon-UA", "10.1.2.3", device.cookies["mognad_device"]):
        assert secret not in text
    assert not [r for r in caplog.records if r.name == "aiohttp.access"]
