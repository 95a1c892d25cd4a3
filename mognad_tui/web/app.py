"""The participant web application: routes, handlers and middlewares over one ``Meeting``.

Everything a phone can reach is registered explicitly here: the start page, the participant
page and its form post, the JSON API (state, answers, events) and the bundled static files.
Handlers only translate HTTP to meeting calls and back; what a device sees is decided in
``views``, the defences live in ``security``. Any failure becomes a 4xx answer in the device's
language (JSON for the API, a page otherwise), never a 500, and the server keeps serving.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import secrets
from collections.abc import Iterable, Mapping
from functools import partial
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlencode

import jinja2
from aiohttp import web

from mognad_tui.meeting import AnswerRefused, Meeting
from mognad_tui.model import LANGS, Kind, Question
from mognad_tui.payloads import AnswerAccepted, ErrorPayload
from mognad_tui.web import connections, views
from mognad_tui.web.events import EventHub
from mognad_tui.web.messages import ERROR_STATUS, MESSAGES, error_message
from mognad_tui.web.security import (
    COOKIE_MAX_AGE,
    CSRF_SLOT,
    DEVICE_COOKIE,
    LANG_COOKIE,
    RATE_SLOT,
    SECURITY_HEADERS,
    HostCheck,
    RateLimit,
    TokenBucket,
    is_json,
    origin_allowed,
    retry_after_header,
    same_token,
    valid_token,
)

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

#: Largest request body taken (answers are small; a free text is at most a few KiB of UTF-8).
MAX_BODY = 16 * 1024
#: Wrong typed join codes one address may try per minute before its typed codes answer 429.
#: Generous, because a whole room behind one guest-network address shares the count while
#: people type the code. Only typed codes count: the QR code and the link carry the join key
#: (192 bits), which nobody can guess and which is never refused.
WRONG_CODES = 30
WRONG_CODES_WINDOW = 60.0
#: Wrong typed codes the whole server takes per hour, from all addresses together; when they
#: are spent, typed codes pause (the facilitator's screen says so) until the oldest leaves the
#: hour. Against a 6-digit code (1,000,000 values) that is at most 4,800 guesses a day: under
#: 0.5 % a day for a survey that stays open for days.
WRONG_CODES_TOTAL = 200
WRONG_CODES_TOTAL_WINDOW = 3600.0
#: New devices (cookies) one address may get: a burst for a whole room behind one shared
#: address (a guest network; a rehearsal of 1,000 simulated phones from one machine), then a
#: steady rate that still lets a room of 300 join within a minute with the burst spent. A
#: script minting devices to vote many times gets no more than this.
NEW_DEVICES_BURST = 1200
NEW_DEVICES_PER_SECOND = 10.0
#: Retry-After on a 503 from the store (disk full, write failed): no limiter's window says
#: when that ends (the facilitator frees space), so a short fixed figure lets a phone try again
#: soon after, while a room of phones waiting it out costs the server little.
STORE_RETRY_AFTER = 5.0
#: Answers one device may post per window (generous: a person taps, a script is throttled).
#: Made once: ``json.dumps`` with an option builds a new encoder per call (bench/ingest.py).
_ENCODE_JSON = json.JSONEncoder(ensure_ascii=False).encode
ANSWERS_PER_WINDOW = 30
ANSWERS_WINDOW = 10.0
#: Server-sent events: a comment this often keeps Wi-Fi access points and proxies from closing
#: an idle stream; browsers reconnect after ``RETRY_MS`` when it drops anyway.
KEEPALIVE = 15.0
RETRY_MS = 3000
#: The request header the page's script sends to get only the swappable part of the page.
FRAGMENT_HEADER = "X-Mognad-Fragment"
LANGUAGE_NAMES = (("sv", "Svenska"), ("en", "English"))
#: Query values longer than this are ignored (ids are short).
MAX_PARAM = 200
#: Cookie headers whose cookies are remembered (more than a room's devices), and the longest
#: one remembered (a phone's is well under: its token and its language).
COOKIE_MEMO = 4096
COOKIE_MEMO_LONGEST = 512

PARTICIPANT: web.AppKey[ParticipantApp] = web.AppKey("participant")
#: Every accepted answer's reply, the same bytes each time: encoded once, not per answer.
_ACCEPTED = _ENCODE_JSON(AnswerAccepted(ok=True)).encode()


class Refused(Exception):
    """Answer the request with an error code from the catalogue (``messages.ERROR_STATUS``)."""

    def __init__(self, code: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(code)
        self.code = code
        self.status = status or ERROR_STATUS.get(code, 400)
        #: Seconds until trying again will work, for ``Retry-After`` on a 429 or 503.
        self.retry_after = retry_after


def _refuse(code: str, status: int | None = None, *, retry_after: float | None = None) -> NoReturn:
    raise Refused(code, status, retry_after)


def normalize_code(code: str) -> str:
    """What a person types for the code: spaces and dashes between digits are forgiven."""
    return re.sub(r"[\s-]+", "", code or "").upper()[:64]


def _param(request: web.Request, name: str) -> str | None:
    value = request.query.get(name)
    if value is None or not value or len(value) > MAX_PARAM:
        return None
    return value


class ParticipantApp:
    """The handlers and their shared state for one meeting."""

    def __init__(self, meeting: Meeting, allowed_hosts: Iterable[str] = ()):
        self.meeting = meeting
        self.hub = EventHub(meeting)
        self.hosts = HostCheck(allowed_hosts)
        self.wrong_codes = RateLimit(WRONG_CODES, WRONG_CODES_WINDOW)
        self.wrong_codes_total = RateLimit(WRONG_CODES_TOTAL, WRONG_CODES_TOTAL_WINDOW)
        self.new_devices = TokenBucket(NEW_DEVICES_BURST, NEW_DEVICES_PER_SECOND)
        self.answer_rate = RateLimit(ANSWERS_PER_WINDOW, ANSWERS_WINDOW)
        self._cookies: dict[str, Mapping[str, str]] = {}
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        # Compiled now, not by the first phones to arrive: compiling takes tens of
        # milliseconds, during which the loop would answer nobody.
        for name in TEMPLATES.glob("*.html"):
            self.env.get_template(name.name)
        self.state_text = views.StateText(meeting)
        self._static_version = {
            path.name: hashlib.sha256(path.read_bytes()).hexdigest()[:10]
            for path in STATIC.iterdir()
            if path.is_file()
        }

    # ------------------------------------------------------------ application

    def build(self) -> web.Application:
        app = web.Application(
            client_max_size=MAX_BODY,
            middlewares=[self.middleware],
        )
        app[PARTICIPANT] = self
        app.router.add_get("/", self.start_page, name="start")
        app.router.add_get("/j", self.join_redirect)
        app.router.add_get("/j/{code}", self.page, name="page")
        app.router.add_post("/j/{code}/answer", self.form_answer)
        app.router.add_get("/api/{code}/state", self.api_state)
        app.router.add_post("/api/{code}/answers", self.api_answer)
        app.router.add_get("/api/{code}/events", self.api_events)
        app.router.add_static("/static/", STATIC, show_index=False, follow_symlinks=False)
        app.on_response_prepare.append(self._headers)
        app.on_startup.append(self._startup)
        app.on_shutdown.append(self._shutdown)
        return app

    async def _startup(self, app: web.Application) -> None:
        self.hub.start()

    async def _shutdown(self, app: web.Application) -> None:
        self.hub.close()

    @staticmethod
    async def _headers(request: web.Request, response: web.StreamResponse) -> None:
        response.headers.update(SECURITY_HEADERS)
        if request.path.startswith("/static/") and response.status == 200:
            # File names carry no version, the URLs do (?v=hash): caching a day is safe.
            response.headers["Cache-Control"] = "public, max-age=86400"
        else:
            response.headers["Cache-Control"] = "no-store"

    # ------------------------------------------------------------ middlewares

    @web.middleware
    async def middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        """What every request passes before its handler: the host check, the body's size and
        time limits, and every failure turned into a 4xx (or the store's 503) in the device's
        language. One middleware, not one per concern: each is a coroutine layer of its own on
        every request, and aiohttp adds one more whenever there is any (bench/notes/ingest.md).
        """
        try:
            self.check_host(request)
            length = request.content_length
            if length is not None and length > MAX_BODY:
                _refuse("too_large")  # declared oversize: refused before reading any of it
            # A body already received whole (nearly every answer: one small packet) needs no
            # timer; the handlers read it from aiohttp's cache.
            if request.body_exists and not request.content.is_eof():
                late = await self.read_body(request)
                if late is not None:
                    return late
            return await handler(request)
        except Refused as exc:
            response = self.error_response(request, exc.code, exc.status)
            if response.status in (429, 503):
                # Tells the phone's page and the simulator when trying again will work: the
                # limiter's own figure, else (the store) a short fixed one.
                wait = STORE_RETRY_AFTER if exc.retry_after is None else exc.retry_after
                response.headers["Retry-After"] = retry_after_header(wait)
            return response
        except web.HTTPException as exc:
            if exc.status < 400:
                raise
            if exc.status in (403, 404):
                # aiohttp's own 403 (a static path outside its folder) tells no more than 404.
                return self.error_response(request, "not_found", 404)
            code = {405: "method_not_allowed", 413: "too_large"}.get(exc.status, "bad_request")
            status = exc.status if exc.status < 500 else 400
            return self.error_response(request, code, status)
        except asyncio.CancelledError:
            raise
        except (ConnectionError, TimeoutError):
            # The phone went away mid-request: nobody is left to answer.
            return web.Response(status=400)
        except Exception:
            log.exception("unexpected error in %s %s", request.method, request.rel_url.path)
            return self.error_response(request, "bad_request", 400)

    def check_host(self, request: web.Request) -> None:
        """Answer only under the names this server is reachable by (DNS rebinding: a foreign
        name pointed at this machine would otherwise make its page same-origin with ours)."""
        sockname = request.transport.get_extra_info("sockname") if request.transport else None
        arrived_on = str(sockname[0]) if isinstance(sockname, tuple) and sockname else None
        if not self.hosts.allowed(request.headers.get("Host"), arrived_on):
            _refuse("foreign_host")

    async def read_body(self, request: web.Request) -> web.Response | None:
        """Read a body still arriving within ``BODY_TIMEOUT``: one sent a byte at a time would
        otherwise hold its connection for as long as the sender likes. Returns the 400 that
        closes the connection when it is too slow."""
        try:
            async with asyncio.timeout(connections.BODY_TIMEOUT):
                await request.read()
        except TimeoutError:
            response = self.error_response(request, "bad_request", 400)
            response.force_close()
            return response
        return None

    def error_response(self, request: web.Request, code: str, status: int) -> web.Response:
        lang = self.device_lang(request)[0]
        if request.path.startswith("/api/"):
            body: ErrorPayload = {"error": code, "message": error_message(code, lang)}
            return self.json(body, status=status)
        path_code = request.match_info.get("code") if request.match_info else None
        # The join key goes only to someone who already has it (never on a wrong code's page).
        known = path_code is not None and self.is_key(path_code)
        context: dict[str, Any] = {
            "heading": MESSAGES("error_title", lang),
            "message": error_message(code, lang),
            "join_form": False,
            "code_value": "",
            "back_url": self.page_url() if known else "/",
            "back_label": MESSAGES("try_again" if known else "back_to_start", lang),
        }
        if code == "unknown_code":
            context.update(heading=MESSAGES("unknown_code_title", lang), join_form=True)
        elif code in ("rate_limited", "typed_paused", "too_many_devices"):
            context["heading"] = MESSAGES("rate_limited_title", lang)
        html = self.render("error.html", request, lang, context)
        return web.Response(text=html, status=status, content_type="text/html")

    # ------------------------------------------------------------ helpers

    @staticmethod
    def json(data: Any, status: int = 200) -> web.Response:
        return web.json_response(data, status=status, dumps=_ENCODE_JSON)

    def device_lang(self, request: web.Request) -> tuple[str, bool]:
        """The device's language and whether it was just chosen (to remember in a cookie).

        Order: ``?lang=``, the remembered choice, the browser's Accept-Language, the session's
        language.
        """
        asked = request.query.get("lang", "")[:5].lower()
        if asked in LANGS:
            return asked, True
        remembered = self.cookies(request).get(LANG_COOKIE, "")
        if remembered in LANGS:
            return remembered, False
        return _accept_language(request.headers.get("Accept-Language", ""), self.meeting.lang)

    def code_matches(self, code: str) -> bool:
        expected = normalize_code(self.meeting.join_code)
        return bool(expected) and secrets.compare_digest(
            normalize_code(code).encode(), expected.encode()
        )

    def is_key(self, code: str) -> bool:
        """Whether ``code`` is the join key the QR code and the link carry."""
        return secrets.compare_digest(code.encode(), self.meeting.join_key.encode())

    def check_key(self, code: str) -> None:
        """The API and the form take only the join key: no budget, as it cannot be guessed."""
        if not self.is_key(code):
            _refuse("unknown_code")

    def typed_code(self, request: web.Request, code: str) -> NoReturn:
        """A code someone typed: to the meeting's page when right, else counted as a wrong
        guess against this address's budget and the whole server's (in memory only)."""
        address = connections.address_key(request.remote)
        wait = self.wrong_codes.retry_after(address)
        if wait > 0:
            _refuse("rate_limited", retry_after=wait)
        paused = self.meeting.typed_codes_paused
        if paused > 0:
            _refuse("typed_paused", retry_after=paused)
        if not self.code_matches(code):
            self.wrong_codes.hit(address)
            self.wrong_codes_total.hit("*")
            spent = self.wrong_codes_total.retry_after("*")
            if spent > 0:
                self.meeting.pause_typed_codes(spent)
            _refuse("unknown_code")
        rest = {k: v for k, v in request.query.items() if k != "code"}
        raise web.HTTPSeeOther(self.page_url() + (f"?{urlencode(rest)}" if rest else ""))

    def page_url(self) -> str:
        return f"/j/{self.meeting.join_key}"

    def device(self, request: web.Request) -> tuple[str | None, bool]:
        """This device's token when the meeting issued it, and whether a cookie was sent at
        all (one that was sent but not issued here is made up, or from before signed tokens)."""
        raw = self.cookies(request).get(DEVICE_COOKIE)
        return self.meeting.device(valid_token(raw)), raw is not None

    def cookies(self, request: web.Request) -> Mapping[str, str]:
        """``request.cookies``, remembered per ``Cookie`` header. A phone sends the same header
        with every request, and aiohttp parses it anew each time (into ``Morsel`` objects):
        about 5 % of an answer's cost under load (bench/notes/ingest.md). In memory only and
        bounded (the oldest forgotten first, so made-up headers cannot grow it)."""
        header = request.headers.get("Cookie", "")
        memo = self._cookies
        try:
            return memo[header]
        except KeyError:
            pass
        cookies = request.cookies
        if len(header) <= COOKIE_MEMO_LONGEST:
            if len(memo) >= COOKIE_MEMO:
                del memo[next(iter(memo))]
            memo[header] = cookies
        return cookies

    def csrf(self, token: str) -> str:
        return self.meeting.slot(token, CSRF_SLOT)

    def static_url(self, name: str) -> str:
        return f"/static/{name}?v={self._static_version.get(name, '0')}"

    def render(
        self, template: str, request: web.Request, lang: str, context: dict[str, Any]
    ) -> str:
        def lang_url(code: str) -> str:
            query = {k: v for k, v in request.query.items() if k not in ("lang", "error", "saved")}
            query["lang"] = code
            return f"{_local_path(request)}?{urlencode(query)}"

        base = {
            "lang": lang,
            "content_lang": self.meeting.lang,
            "t": partial(_translate, lang),
            "static": self.static_url,
            "lang_url": lang_url,
            "languages": LANGUAGE_NAMES,
            "session_title": "",
            "page_title": MESSAGES("page_title", lang),
            "code_numeric": self.meeting.join_code.isdigit(),  # a phone's number pad for it
        }
        return self.env.get_template(template).render({**base, **context})

    def remember_lang(self, response: web.StreamResponse, lang: str, chosen: bool) -> None:
        if chosen:
            response.set_cookie(
                LANG_COOKIE,
                lang,
                max_age=COOKIE_MAX_AGE,
                path="/",
                httponly=True,
                samesite="Strict",
            )

    # ------------------------------------------------------------ pages

    async def start_page(self, request: web.Request) -> web.Response:
        lang, chosen = self.device_lang(request)
        context = {
            "heading": MESSAGES("join_title", lang),
            "message": "",
            "code_value": "",
            "plain_http": not request.secure,
        }
        response = web.Response(
            text=self.render("start.html", request, lang, context), content_type="text/html"
        )
        self.remember_lang(response, lang, chosen)
        return response

    async def join_redirect(self, request: web.Request) -> web.Response:
        """The start page's form (``GET /j?code=...``) leads to the meeting's page."""
        code = request.query.get("code", "")
        if not normalize_code(code):
            raise web.HTTPSeeOther("/")
        self.typed_code(request, code)

    async def page(self, request: web.Request) -> web.Response:
        code = request.match_info["code"]
        if not self.is_key(code):
            # A short code typed into the address bar: treated as typed, and on to the link.
            self.typed_code(request, code)
        lang, chosen = self.device_lang(request)
        token = self.device(request)[0]
        new_token = None
        if token is None:
            if request.headers.get("Sec-Fetch-Site") == "cross-site":
                # A link from another site: a SameSite=Strict cookie is not sent on it, so a
                # new token would replace this phone's key. One same-site click fixes that.
                enter_url = self.page_url() + _query(request)
                html = self.render("enter.html", request, lang, {"enter_url": enter_url})
                return web.Response(text=html, content_type="text/html")
            address = connections.address_key(request.remote)
            if not self.new_devices.take(address):
                _refuse("too_many_devices", retry_after=self.new_devices.retry_after(address))
            token = new_token = self.meeting.issue_device()
        self.meeting.join(token)
        error = _param(request, "error")
        view = views.build_view(
            self.meeting,
            token,
            lang,
            q=_param(request, "q"),
            r=_param(request, "r"),
            done=request.query.get("done") == "1",
            saved=_param(request, "saved"),
            error=error if error in ERROR_STATUS else None,
        )
        html = self.render(
            "_view.html" if request.headers.get(FRAGMENT_HEADER) == "1" else "page.html",
            request,
            lang,
            self.page_context(view, token, lang),
        )
        response = web.Response(text=html, content_type="text/html")
        if new_token:
            response.set_cookie(
                DEVICE_COOKIE,
                new_token,
                max_age=COOKIE_MAX_AGE,
                path="/",
                httponly=True,
                samesite="Strict",
            )
        self.remember_lang(response, lang, chosen)
        return response

    def page_context(self, view: views.View, token: str, lang: str) -> dict[str, Any]:
        code = self.meeting.join_key
        pages = views.pages_of(self.meeting.open_questions())

        def view_url(**params: str | None) -> str:
            query = {k: v for k, v in params.items() if v}
            return f"/j/{code}" + (f"?{urlencode(query)}" if query else "")

        js_messages = {
            key: MESSAGES(key, lang)
            for key in (
                "sending",
                "saved",
                "changed",
                "offline",
                "new_question",
                "page_updated",
                "left_saved",
            )
        }
        js_messages["dots_left"] = MESSAGES("dots_left", lang, n="{n}", total="{total}")
        js_messages["text_counter"] = MESSAGES("text_counter", lang, n="{n}", max="{max}")
        js_messages["no_choice"] = MESSAGES("no_choice", lang)
        js_messages["left_unsaved"] = MESSAGES("left_unsaved", lang, reason="{reason}")
        return {
            "view": view,
            "csrf": self.csrf(token),
            "answer_url": f"/j/{code}/answer",
            "answers_url": f"/api/{code}/answers",
            "events_url": f"/api/{code}/events",
            "view_url": view_url,
            "first_page": pages[0].id if pages else None,
            "error_text": error_message(view.error, lang) if view.error else "",
            "session_title": self.meeting.info.title,
            "content_lang": view.content_lang or self.meeting.lang,
            "js_messages": json.dumps(js_messages, ensure_ascii=False),
        }

    async def form_answer(self, request: web.Request) -> web.Response:
        """The plain form's post (no JavaScript): answer, then 303 back to the page."""
        self.check_key(request.match_info["code"])
        if not origin_allowed(request):
            _refuse("foreign_origin")
        token = self.device(request)[0]
        if token is None:
            _refuse("no_device")
        try:
            form = await request.post()
        except (ValueError, LookupError):
            # A multipart body without its boundary, an unknown charset, a Content-Type the
            # parser cannot read: the client's mistake, not a failure worth a traceback.
            _refuse("bad_request")
        if not same_token(_form_str(form, "csrf"), self.csrf(token)):
            _refuse("csrf")
        ids = [v for v in form.getall("question", []) if isinstance(v, str)][:2]
        if not ids:
            _refuse("bad_request")
        main = ids[0]
        back = self.page_url()

        def again(error: str) -> NoReturn:
            raise web.HTTPSeeOther(f"{back}?{urlencode({'q': main, 'error': error})}")

        advance = form.get("advance") == "1"
        # The pager ("← Föregående", "Nästa →", "Klar") submits this form too: whatever was
        # chosen is saved on the way, and nothing chosen is no error there.
        go = _form_str(form, "go")
        go = go if go in ("prev", "next", "done") else None
        self.count_answer(token)
        saved = main
        for index, qid in enumerate(ids):
            question = self.meeting.question(qid)
            if question is None:
                again("unknown_question")
            value = _form_value(form, question)
            if (index > 0 or go) and value in ([], {}):
                value = None  # an optional companion left alone, or a page only passed through
            if value is None:
                if go:
                    if index == 0:
                        saved = ""
                    continue
                if index > 0:
                    continue
                if not (advance and question.kind is Kind.TEXT):
                    again("no_choice")
                saved = ""  # walking on past a free text left empty is fine
                break
            try:
                await self.meeting.submit(token, qid, value)
            except AnswerRefused as exc:
                if ERROR_STATUS.get(exc.code, 400) >= 500:
                    _refuse(exc.code)
                again(exc.code)
        pages = [p.id for p in views.pages_of(self.meeting.open_questions())]
        position = pages.index(main) if main in pages else -1
        if go:
            if go == "prev" and position > 0:
                target = {"q": pages[position - 1], "saved": saved}
            elif go == "next" and 0 <= position < len(pages) - 1:
                target = {"q": pages[position + 1], "saved": saved}
            else:
                target = {"done": "1", "saved": saved}
            raise web.HTTPSeeOther(f"{back}?{urlencode({k: v for k, v in target.items() if v})}")
        if advance:
            if 0 <= position < len(pages) - 1:
                target = {"q": pages[position + 1], "saved": saved}
            else:
                target = {"done": "1", "saved": saved}
            raise web.HTTPSeeOther(f"{back}?{urlencode({k: v for k, v in target.items() if v})}")
        raise web.HTTPSeeOther(f"{back}?{urlencode({'q': main})}")

    # ------------------------------------------------------------ participant API

    def count_answer(self, token: str) -> None:
        """Per device, ``ANSWERS_PER_WINDOW`` answers per ``ANSWERS_WINDOW`` seconds."""
        key = self.meeting.slot(token, RATE_SLOT)
        if self.answer_rate.hit(key):
            _refuse("rate_limited", retry_after=self.answer_rate.retry_after(key))

    async def api_state(self, request: web.Request) -> web.Response:
        self.check_key(request.match_info["code"])
        token, sent = self.device(request)
        if token is not None:
            self.meeting.join(token)
        elif sent:
            _refuse("no_device")  # a made-up cookie is no device, and never counts as present
        lang = self.device_lang(request)[0]
        return web.Response(text=self.state_text(token, lang), content_type="application/json")

    async def api_answer(self, request: web.Request) -> web.Response:
        self.check_key(request.match_info["code"])
        if not origin_allowed(request):
            _refuse("foreign_origin")
        token = self.device(request)[0]
        # Without the JSON type only a valid CSRF token shows the post came from our page.
        if not is_json(request) and (
            token is None or not same_token(request.headers.get("X-CSRF-Token"), self.csrf(token))
        ):
            _refuse("not_json")
        if token is None:
            _refuse("no_device")
        raw = await request.read()
        try:
            data = _DECODE_JSON(raw.decode("utf-8"))
        except (ValueError, RecursionError):
            _refuse("bad_request")
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("question"), str)
            or "value" not in data
        ):
            _refuse("bad_request")
        self.count_answer(token)
        try:
            await self.meeting.submit(token, data["question"], data["value"])
        except AnswerRefused as exc:
            _refuse(exc.code)
        return web.Response(body=_ACCEPTED, content_type="application/json", charset="utf-8")

    async def api_events(self, request: web.Request) -> web.StreamResponse:
        self.check_key(request.match_info["code"])
        if request.method == "HEAD":
            return web.Response(content_type="text/event-stream")
        queue = self.hub.open(request.remote)
        if queue is None:
            # Streams free up as phones leave, which no window predicts: the browser's own
            # reconnection delay is the honest figure.
            _refuse("rate_limited", retry_after=RETRY_MS / 1000)
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "X-Accel-Buffering": "no"}
        )
        try:
            await response.prepare(request)
            await response.write(f"retry: {RETRY_MS}\n: connected\n\n".encode())
            while True:
                try:
                    item = await asyncio.wait_for(queue.get(), KEEPALIVE)
                except TimeoutError:
                    item = b": keepalive\n\n"
                if item is None:
                    break
                await response.write(item)
            await response.write_eof()
        except (ConnectionError, RuntimeError):
            pass  # the phone went away (Wi-Fi dropped, page closed)
        finally:
            self.hub.release(queue)
        return response


# ---------------------------------------------------------------- helpers


def _translate(lang: str, key: str, **fields: Any) -> str:
    return MESSAGES(key, lang, **fields)


def _query(request: web.Request) -> str:
    return f"?{request.query_string}" if request.query_string else ""


#: Routes whose own address a page may link back to (the language links).
_LOCAL_ROUTES = ("start", "page")


def _local_path(request: web.Request) -> str:
    """The shown page's path rebuilt from its route, never the raw request path: a request
    for ``//evil.example/x`` would otherwise give links to another site."""
    route = request.match_info.route if request.match_info else None
    resource = route.resource if route is not None else None
    if resource is not None and resource.name in _LOCAL_ROUTES:
        return str(resource.url_for(**request.match_info).path)
    return "/"


def _accept_language(header: str, fallback: str) -> tuple[str, bool]:
    """The first of our languages in the browser's preference order, else ``fallback``."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")[:20]):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()[:2]
        weight = 1.0
        for piece in pieces[1:]:
            name, _, value = piece.strip().partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if tag in LANGS and weight > 0:
            ranked.append((-weight, index, tag))
    return (min(ranked)[2] if ranked else fallback), False


def _no_constant(name: str) -> NoReturn:
    """Strict JSON: ``NaN`` and ``Infinity`` are Python's extension, not JSON."""
    raise ValueError(name)


#: Made once, as ``_ENCODE_JSON``: ``json.loads`` with an option builds a decoder per call.
_DECODE_JSON = json.JSONDecoder(parse_constant=_no_constant).decode


def _form_str(form: Any, name: str) -> str | None:
    value = form.get(name)
    return value if isinstance(value, str) else None


def _form_value(form: Any, question: Question) -> Any:
    """A plain form's fields as the value the meeting takes, or ``None`` when not answered.

    Each question's value is posted under ``v:<id>`` (dot votes: ``d:<id>:<option>``).
    """
    name = views.field_name(question)
    if question.kind is Kind.MULTIPLE:
        # Nothing ticked is an answer too ("none of these"): the button was pressed.
        return [v for v in form.getall(name, []) if isinstance(v, str)]
    if question.kind is Kind.DOTS:
        spent: dict[str, Any] = {}
        for option in question.options:
            raw = form.get(f"d:{question.id}:{option.value}")
            if not isinstance(raw, str) or not raw.strip():
                continue
            try:
                n = int(raw.strip())
            except ValueError:
                spent[str(option.value)] = raw  # the meeting refuses it with bad_value
                continue
            if n:
                spent[str(option.value)] = n
        return spent or None  # no dot given is no answer yet
    value = form.get(name)
    if not isinstance(value, str):
        return None
    if question.kind is Kind.TEXT and not value.strip():
        return None
    return value


def create_app(meeting: Meeting, allowed_hosts: Iterable[str] = ()) -> web.Application:
    """The participant application for one meeting (the ``WebServer`` runs it).

    ``allowed_hosts``: names and addresses the server answers to besides ``localhost``,
    loopback and the address a request arrived on (see ``security.HostCheck``).
    """
    return ParticipantApp(meeting, allowed_hosts).build()
