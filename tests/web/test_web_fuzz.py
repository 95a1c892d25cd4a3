"""Hypothesis throws random requests at every endpoint of a live server: random methods, paths,
query strings, headers, cookies, bodies and JSON shapes, and raw bytes that are not HTTP at all.
Nothing may answer 5xx, and the server must still serve afterwards."""

from __future__ import annotations

import http.client
import json
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from web_harness import Live, builtin_set

from mognad_tui.model import Kind
from mognad_tui.web import app as web_app

FUZZ = settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Live, str]]:
    """A self-paced meeting with a quick poll of each remaining kind, and one device's cookie."""
    with pytest.MonkeyPatch.context() as patch:
        # Rate limits would soon answer 429 to everything and hide the deeper handlers.
        patch.setattr(web_app, "WRONG_CODES", 10**9)
        patch.setattr(web_app, "ANSWERS_PER_WINDOW", 10**9)
        live = Live(tmp_path_factory.mktemp("fuzz"), self_paced=True)
        try:
            live.call(live.meeting.add_poll("Flera", Kind.MULTIPLE, ["A", "B", "C"]))
            live.call(live.meeting.add_poll("Prickar", Kind.DOTS, ["A", "B"], dots=3))
            yield live, live.device().cookies["mognad_device"]
        finally:
            live.close()


QUESTION_IDS = [q.id for q in builtin_set().questions] + ["", "x" * 300, "\0csrf"]
ascii_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
any_text = st.text(max_size=40)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | any_text,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(any_text, children, max_size=5)
    ),
    max_leaves=15,
)


@st.composite
def requests(draw: st.DrawFn, code: str, cookie: str) -> tuple[str, str, dict[str, str], bytes]:
    the_code = draw(st.sampled_from([code, code, f" {code}", "000000", ""]) | any_text)
    segment = quote(the_code, safe="")
    path = draw(
        st.sampled_from(
            [
                "/",
                "/j",
                f"/j/{segment}",
                f"/j/{segment}/answer",
                f"/api/{segment}/state",
                f"/api/{segment}/answers",
                f"/api/{segment}/events",
                "/static/app.css",
                "/static/",
                "/static/..%2f..%2fapp.py",
                "/api",
                "/api/",
            ]
        )
        | st.lists(any_text.map(lambda s: quote(s, safe="")), max_size=4).map(
            lambda parts: "/" + "/".join(parts)
        )
    )
    query = draw(
        st.dictionaries(
            st.sampled_from(["q", "r", "done", "saved", "error", "lang", "code", "x"]),
            st.sampled_from(QUESTION_IDS) | any_text,
            max_size=4,
        )
    )
    if query:
        path += "?" + urlencode(query)
    method = draw(
        st.sampled_from(["GET", "POST", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"])
        | st.text(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), min_size=1, max_size=8)
    )
    headers: dict[str, str] = {}
    if draw(st.booleans()):
        headers["Content-Type"] = draw(
            st.sampled_from(
                [
                    "application/json",
                    "application/json; charset=utf-8",
                    "application/x-www-form-urlencoded",
                    "multipart/form-data; boundary=xyz",
                    "text/plain",
                ]
            )
            | ascii_text
        )
    if draw(st.booleans()):
        headers["Origin"] = draw(
            st.sampled_from(["null", "http://127.0.0.1", "http://evil.example", ""]) | ascii_text
        )
    cookies = draw(
        st.lists(
            st.sampled_from(
                [f"mognad_device={cookie}", "mognad_device=short", "mognad_lang=en", "x=y"]
            )
            | ascii_text.filter(lambda s: ";" not in s),
            max_size=3,
        )
    )
    if cookies:
        headers["Cookie"] = "; ".join(cookies)
    for name in ("Accept-Language", "X-CSRF-Token", "X-Mognad-Fragment", "Sec-Fetch-Site"):
        if draw(st.integers(0, 3)) == 0:
            headers[name] = draw(ascii_text)
    body_kind = draw(st.sampled_from(["none", "bytes", "answer", "json", "form"]))
    body = b""
    if body_kind == "bytes":
        body = draw(st.binary(max_size=3000))
    elif body_kind == "answer":
        answer = {"question": draw(st.sampled_from(QUESTION_IDS)), "value": draw(json_values)}
        body = json.dumps(answer).encode()
    elif body_kind == "json":
        body = json.dumps(draw(json_values)).encode()
    elif body_kind == "form":
        qid = draw(st.sampled_from(QUESTION_IDS))
        fields = draw(
            st.lists(
                st.tuples(
                    st.sampled_from(["csrf", "question", f"v:{qid}", f"d:{qid}:o1", "advance"]),
                    st.sampled_from([qid, "1", "3", "o1", "high"]) | any_text,
                ),
                max_size=6,
            )
        )
        body = urlencode(fields).encode()
    return method, path, headers, body


def send(live: Live, method: str, path: str, headers: dict[str, str], body: bytes) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", live.port, timeout=10)
    try:
        conn.request(method, path, body=body or None, headers=headers)
        response = conn.getresponse()
        if "text/event-stream" not in response.headers.get("Content-Type", ""):
            response.read()
        return response.status
    finally:
        conn.close()


def alive(live: Live) -> None:
    assert live.request("GET", "/").status == 200
    assert live.request("GET", f"/api/{live.code}/state").status == 200


@pytest.mark.timeout(120)
def test_random_requests_never_5xx(server: tuple[Live, str]) -> None:
    live, cookie = server

    @FUZZ
    @given(requests(live.code, cookie))
    def check(request: tuple[str, str, dict[str, str], bytes]) -> None:
        method, path, headers, body = request
        status = send(live, method, path, headers, body)
        assert status < 500, (status, request)

    check()
    alive(live)


@pytest.mark.timeout(60)
def test_raw_bytes_never_5xx(server: tuple[Live, str]) -> None:
    live = server[0]

    @settings(max_examples=80, deadline=None)
    @given(
        st.binary(max_size=600)
        | st.builds(
            lambda line, rest: line + b"\r\n" + rest + b"\r\n\r\n",
            st.sampled_from(
                [b"GET / HTTP/1.1", b"POST /api/x/answers HTTP/1.1", b"GET /j/1 HTTP/9.9", b""]
            ),
            st.binary(max_size=300),
        )
    )
    def check(data: bytes) -> None:
        with socket.create_connection(("127.0.0.1", live.port), timeout=2) as sock:
            try:
                sock.sendall(data)
                sock.shutdown(socket.SHUT_WR)
                reply = b""
                while len(reply) < 16:
                    chunk = sock.recv(4096)
                    if not chunk:
                        break
                    reply += chunk
            except (TimeoutError, ConnectionError):
                return
        assert not reply.startswith(b"HTTP/1.1 5") and not reply.startswith(b"HTTP/1.0 5"), reply

    check()
    alive(live)


def test_answers_of_every_shape_to_every_open_question(server: tuple[Live, str]) -> None:
    """Every open question (each kind) against many value shapes: only 200 or 422."""
    live, cookie = server
    device = live.device(join=False)
    device.cookies["mognad_device"] = cookie
    ids = [q["id"] for q in device.state()["open"]]
    kinds = {q["kind"] for q in device.state()["open"]}
    assert kinds == {"scale", "single", "multiple", "text", "dots"}

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.sampled_from(ids), json_values)
    def check(qid: str, value: Any) -> None:
        reply = device.answer(qid, value)
        assert reply.status in (200, 422), (reply.status, reply.text)

    check()
    alive(live)
