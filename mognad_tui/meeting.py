"""The live meeting as a state machine, and the one place where answers are accepted.

Both faces drive the same object: the facilitator's keys (tui/) move through the agenda and open,
close and reveal questions; the phones (web/) and the terminal client submit answers. Every change
is written to the session store before anyone is told about it, and then published as an
``Event`` that the screen and the phones subscribe to. Nothing here imports a face.

Anonymity lives here too: a device's token never reaches the store. Each answer is filed under a
per-question slot, an HMAC of the token and the question id with the session secret, so a device
can replace its own answer while nothing stored links one person's answers across questions.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Awaitable, Callable, Generator, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from mognad_tui import results
from mognad_tui.model import (
    DONT_KNOW,
    MAX_FREE_TEXT,
    MAX_NOTE_TEXT,
    MAX_SHORT_TEXT,
    MIN_THRESHOLD,
    ActionItem,
    Item,
    Kind,
    Need,
    NeedKind,
    Option,
    Prerequisite,
    Question,
    SessionInfo,
    SessionRecord,
    Voting,
    clean_text,
)
from mognad_tui.results import shown_texts
from mognad_tui.schedule import MeetingPlan, fit_meetings, meeting_of, minutes_between
from mognad_tui.store import SessionStore, StoreError, StoreFull, synced_folder

#: An item kept as what it is (a question stays a question) by ``Meeting.in_lang``.
ItemT = TypeVar("ItemT", bound=Item)

#: Step number under which quick polls made during the meeting appear in the agenda.
POLL_STEP = 0
#: A device token is a random nonce and its HMAC tag with the session secret, both 16 bytes
#: (128 bits) in unpadded base64url: 22 + 22 characters. Only the server can make a valid one,
#: and it stays valid after a restart because the secret is stored with the session.
_NONCE_BYTES = 16
_TAG_BYTES = 16
_NONCE_CHARS = 22
DEVICE_TOKEN_LENGTH = 44
#: The join link's secret: 24 bytes (192 bits) of an HMAC with the session secret, unpadded
#: base64url (32 characters). Stable across restarts, never typed by anyone.
_JOIN_KEY_BYTES = 24
#: After a restart, seconds that auto-reveal waits for the devices that had joined before to
#: come back (see ``Meeting.devices_awaited``).
RESTART_GRACE = 120.0
#: State keys: how many devices had joined (a count, never who), and the address the
#: participants' server listened on, so a restart takes the same one.
DEVICES_KEY = "devices"
ADDRESS_KEY = "address"
#: The whole minutes each meeting has used ({"1": 23, ...}), so the header's "23 av 60 min"
#: continues after a restart: a duration, never a time stamp (the session folder holds none).
USED_KEY = "minutes_used"

log = logging.getLogger(__name__)


def _count(value: Any) -> int:
    """A stored count, or 0 for anything else (a hand-edited or older session)."""
    return value if isinstance(value, int) and value > 0 else 0


class _AwaitedLater:
    """A write's follow-up (wait for the disk, then publish), made only when awaited.

    The store takes a change the moment it is asked; what is handed back is only the wait for
    the disk. A face may never await it: the app quits with the header's minutes or a note
    still in its queue. A coroutine made up front would then print "coroutine ... was never
    awaited" into the facilitator's terminal after the app has left it, although the change is
    already on its way to disk.
    """

    __slots__ = ("_make",)

    def __init__(self, make: Callable[[], Awaitable[None]]) -> None:
        self._make: Callable[[], Awaitable[None]] | None = make

    def __await__(self) -> Generator[Any, None, None]:
        make, self._make = self._make, None
        if make is None:  # as a coroutine would: the follow-up must not run twice
            raise RuntimeError("a meeting write can be awaited only once")
        return make().__await__()


class AnswerRefused(Exception):
    """Something the meeting does not take: an answer, or any write the disk refused.

    It carries only ``code``, a message key: each face has its own words for it, and the web
    face its one table of HTTP statuses (``web.messages.ERROR_STATUS``).
    """

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class Change(StrEnum):
    """What changed in the meeting: the one vocabulary of change notices.

    Faces name members (``Change.COUNT``), never strings, so a typo fails on import instead of
    silently matching nothing. The values are sent to the phones in server-sent events.
    """

    #: The current item changed.
    AGENDA = "agenda"
    #: A question opened, closed, was revealed or hidden.
    VOTING = "voting"
    #: How many answered ``Event.question`` changed.
    COUNT = "count"
    #: A new device joined.
    JOINED = "joined"
    #: A quick poll was added.
    POLL = "poll"
    #: Free text to review.
    MODERATION = "moderation"
    #: The needs list changed.
    NEEDS = "needs"
    #: The action list changed.
    ACTIONS = "actions"
    #: Threshold or auto-reveal changed.
    SETTINGS = "settings"
    #: Typed join codes paused or resumed after too many wrong guesses.
    TYPED_CODES = "typed_codes"
    #: ``Meeting.disk_problem`` changed: the store could, or could again, clear the order
    #: answers arrived in from the session folder.
    DISK = "disk"


@dataclass(frozen=True)
class Event:
    """Something the screen or the phones should react to (``question``: which one, if any)."""

    kind: Change
    question: str | None = None


Listener = Callable[[Event], None]


class ParticipantServer(Protocol):
    """What the terminal app needs of the web face, without importing it (layers)."""

    url: str

    async def start(self) -> str: ...

    async def stop(self) -> None: ...


class BackgroundService(Protocol):
    """Something that runs beside the meeting, such as the demo's simulated phones."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


@dataclass(frozen=True)
class AgendaEntry:
    step: int
    item: Item


class Meeting:
    """One live meeting over one open session store.

    All methods run on the asyncio loop's thread (or the main thread of a command): the store
    is single-threaded by contract and does its disk work on its own writer thread.
    """

    def __init__(
        self,
        store: SessionStore,
        *,
        self_paced: bool = False,
        clock: Callable[[], float] = time.monotonic,
        restart_grace: float = RESTART_GRACE,
    ):
        self.store = store
        # Every answer checks its device's signed token and derives its rate and answer keys
        # from it: an HMAC each time was a measurable share of an answer's cost (see
        # bench/RESULTS.md, ingest). The results are remembered, in memory only and bounded,
        # so made-up tokens cannot grow it.
        self._device_tag = functools.lru_cache(maxsize=4096)(self._device_tag)
        self.slot = functools.lru_cache(maxsize=16384)(self.slot)
        self.self_paced = self_paced
        self.question_set = store.question_set
        self._listeners: list[Listener] = []
        # Devices present in this run: join marker -> token, in memory only (never stored), so
        # auto-reveal can check that every device present has answered.
        self._joined: dict[str, str] = {}
        # Keyboard (private) answers per question in this run, so that phone answers can be
        # told apart from them without marking anything in the store.
        self._private: dict[str, int] = {}
        # Until when typed join codes are paused (time.monotonic()), set by the web face.
        self._typed_paused_until = 0.0
        # After a restart: how many devices had joined before (a count from the store, never
        # who) and until when (``clock()``) auto-reveal waits for them to come back.
        self._clock = clock
        self._devices_before = _count(store.state(DEVICES_KEY))
        self._devices_stored = self._devices_before
        self._devices_writing = False
        self._grace_until = clock() + restart_grace if self._devices_before else 0.0
        self._grace_timer: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task] = set()
        # The loop the listeners run on: the store reports from its writer thread.
        self._loop: asyncio.AbstractEventLoop | None = None
        store.watch_order(self._order_changed)
        self._record: SessionRecord | None = None
        # The need or action item removed last, in memory only: undo is for a slip of the key.
        self._removed: Need | ActionItem | None = None
        # Every phone's page and state read asks for the agenda and what is open; both change
        # only with the polls or the voting, so they are built once per change, not per request.
        self._agenda_key: tuple[Any, ...] | None = None
        self._agenda: tuple[AgendaEntry, ...] = ()
        self._plans: tuple[tuple[int, int], tuple[MeetingPlan, ...]] | None = None
        # The meeting whose minutes run now: (number, since when by the face's clock, minutes
        # used before that). In memory only; the session keeps whole minutes (``USED_KEY``).
        self._running: tuple[int, datetime, int] | None = None
        # The minutes of the last ``USED_KEY`` write until it is on disk: a write the disk
        # refused leaves them here, so the header still counts them and the next write keeps
        # them (a refused switch to the next meeting lost the previous one's minutes).
        self._minutes_unsaved: dict[str, int] = {}
        self._voting_gen = 0
        self._open_key: tuple[Any, ...] | None = None
        self._open: tuple[Question, ...] = ()
        self._voting: dict[str, Voting] = {
            qid: Voting(v) for qid, v in (store.state("voting") or {}).items()
        }
        self._current = store.state("current")
        # Walking the survey's results area by area (``close_survey``): in memory only.
        self._walking = False
        if self.entry_index(self._current) is None:
            self._current = self.agenda()[0].item.id if self.agenda() else None

    # ------------------------------------------------------------ identity and settings

    @property
    def info(self) -> SessionInfo:
        """A property, not a copy, so a threshold change shows everywhere at once."""
        return self.store.info

    @property
    def lang(self) -> str:
        return self.store.info.lang

    @property
    def join_code(self) -> str:
        return self.store.info.join_code

    @functools.cached_property
    def join_key(self) -> str:
        """The long secret the QR code and the link carry in place of the typed code.

        Derived from the session secret, so it survives restarts without being stored; at
        192 bits it cannot be guessed, which is why the link needs no guessing budget.
        Computed once: every request compares against it, and the secret never changes.
        """
        tag = hmac.new(self.store.secret, b"join-link\0", hashlib.sha256).digest()
        return _b64(tag[:_JOIN_KEY_BYTES])

    @property
    def threshold(self) -> int:
        return max(MIN_THRESHOLD, self.store.info.threshold)

    async def set_threshold(self, value: int) -> None:
        await self._write(self.store.update_info, threshold=max(MIN_THRESHOLD, int(value)))
        # Revealed results are re-judged under the new threshold before anyone redraws them.
        keep = self._keep(self.revealed_questions())
        self._publish(Event(Change.SETTINGS))
        if keep is not None:
            await keep

    @property
    def auto_reveal(self) -> bool:
        return bool(self.store.state("auto_reveal", False))

    async def set_auto_reveal(self, on: bool) -> None:
        await self._write(
            self.store.set_state, "auto_reveal", bool(on), publish=Event(Change.SETTINGS)
        )

    # ------------------------------------------------------------ the plan's meetings

    def plans(self) -> tuple[MeetingPlan, ...]:
        """The meetings' plans for this session's length and number of meetings."""
        info = self.store.info
        key = (info.minutes, info.meetings)
        if self._plans is None or self._plans[0] != key:
            self._plans = (key, fit_meetings(self.question_set, *key))
        return self._plans[1]

    def plan_of(self, entry: AgendaEntry | None) -> MeetingPlan | None:
        """The meeting an agenda entry belongs to; a quick poll counts in the meeting under way
        (else the latest started, else the first)."""
        plans = self.plans()
        if entry is not None and entry.step != POLL_STEP:
            return plans[meeting_of(entry.step, len(plans)) - 1]
        if self._running is not None and self._running[0] <= len(plans):
            return plans[self._running[0] - 1]
        kept = self._kept_minutes()
        started = [p for p in plans if str(p.number) in kept]
        return (started or plans[:1] or [None])[-1]

    def _kept_minutes(self) -> dict[str, int]:
        """The minutes used per meeting as the session keeps them; a hand-edited entry that is
        not a whole number of minutes counts as not started."""
        kept = self.store.state(USED_KEY)
        if not isinstance(kept, dict):
            kept = {}
        return {
            **{
                k: v
                for k, v in kept.items()
                if isinstance(v, int) and not isinstance(v, bool) and v >= 0
            },
            **self._minutes_unsaved,
        }

    def minutes_used(self, number: int, now: datetime) -> int | None:
        """The minutes meeting ``number`` has used: running, from where it stood when it began
        to run in this process; otherwise as kept. ``None`` until it starts."""
        running = self._running
        if running is not None and running[0] == number:
            return running[2] + minutes_between(running[1], now)
        return self._kept_minutes().get(str(number))

    def track_time(self, number: int, now: datetime, *, start: bool) -> Awaitable[None] | None:
        """Let meeting ``number``'s minutes run from ``now`` (the one running before stops), and
        keep the whole minutes used in the session so a restart continues the count. A meeting
        not running in this process runs (again) only when ``start`` says the facilitator
        acted in it: the app left open on the last item overnight, or started ahead of the
        room, counts nothing. Returns the write to wait for; ``None`` when nothing is new."""
        kept = self._kept_minutes()
        wanted = dict(kept)
        running = self._running
        if running is not None:
            used = running[2] + minutes_between(running[1], now)
            wanted[str(running[0])] = max(used, kept.get(str(running[0]), 0))
        if running is None or running[0] != number:
            if start:
                base = wanted.get(str(number), 0)
                self._running = (number, now, base)
                wanted[str(number)] = base
            else:
                self._running = None
        if wanted == kept:
            return None
        self._minutes_unsaved = wanted
        write = self._write(self.store.set_state, USED_KEY, wanted)
        return _AwaitedLater(functools.partial(self._keep_minutes, write, wanted))

    async def _keep_minutes(self, write: Awaitable[None], wanted: dict[str, int]) -> None:
        await write
        if self._minutes_unsaved is wanted:  # no later count is on its way
            self._minutes_unsaved = {}

    # ------------------------------------------------------------ events

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` on every event; returns the function that unsubscribes.

        Listeners run synchronously on the loop and must be quick (post a message, set a flag).
        Subscribe from the loop: events that start off it (the store's writer thread) are
        delivered on the loop of the latest subscription.
        """
        with contextlib.suppress(RuntimeError):
            self._loop = asyncio.get_running_loop()
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _publish(self, event: Event) -> None:
        self._record = None  # every change publishes: the cached copy is stale now
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                # A face's bug must not turn a durable answer into an error for the phone.
                log.exception("listener failed on %s", event)

    @property
    def disk_problem(self) -> str | None:
        """``store_full`` or ``store_error`` while the store cannot reorder what it saved, so
        the session folder shows in which order answers arrived (it keeps trying, with a
        back-off); None when all is well. Faces say so to the facilitator."""
        problem = self.store.order_problem
        return None if problem is None else _store_code(problem)

    @property
    def synced_folder(self) -> str | None:
        """The sync service whose folder holds the session, if any (see ``synced_folder``)."""
        return synced_folder(self.store.path)

    def _order_changed(self, problem: StoreError | None) -> None:
        """From the store's writer thread: hand the change to the loop."""
        loop = self._loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody to tell
                loop.call_soon_threadsafe(self._publish, Event(Change.DISK))

    # ------------------------------------------------------------ agenda

    def agenda(self) -> list[AgendaEntry]:
        return list(self._agenda_entries())

    def _agenda_entries(self) -> tuple[AgendaEntry, ...]:
        # The poll documents themselves are the key: the store replaces a document on every
        # change and never changes one in place, and holding them keeps their ids unique.
        key = self.store.polls_key()
        cached = self._agenda_key
        if (
            cached is None
            or len(cached) != len(key)
            or any(a is not b for a, b in zip(cached, key, strict=True))
        ):
            entries = [AgendaEntry(s.number, i) for s in self.question_set.steps for i in s.items]
            entries += [AgendaEntry(POLL_STEP, p) for p in self.store.polls()]
            self._agenda = tuple(entries)
            self._agenda_key = key
        return self._agenda

    def entry_index(self, item_id: str | None) -> int | None:
        return next((n for n, e in enumerate(self._agenda_entries()) if e.item.id == item_id), None)

    @property
    def current(self) -> AgendaEntry | None:
        current = self._current
        return next((e for e in self._agenda_entries() if e.item.id == current), None)

    async def go_to(self, item_id: str) -> None:
        if self.entry_index(item_id) is None or item_id == self._current:
            return
        # Shown at once (the projector must not wait for the disk) and taken back if the write
        # fails, so memory never holds what the disk refused and a later write cannot save it.
        previous, self._current = self._current, item_id
        self._publish(Event(Change.AGENDA))
        try:
            await self._write(self.store.set_state, "current", item_id)
        except AnswerRefused:
            if self._current == item_id:
                self._current = previous
                self._publish(Event(Change.AGENDA))
            raise

    async def step(self, delta: int) -> None:
        """Move ``delta`` items along the agenda (``+1`` next, ``-1`` previous), clamped.

        An importance follow-up is asked together with its statement, so it is no stop of its
        own. While the whole survey is open, moving on closes it and shows the first area's
        results; while its results are walked, a step is a whole area (``walk_areas``).
        """
        if self.survey_open and delta > 0:
            await self.close_survey()
            return
        if self._walking and await self._walk_step(delta):
            return
        agenda = self.agenda()
        index = self.entry_index(self._current) or 0
        target = min(max(index + delta, 0), len(agenda) - 1)
        while 0 < target < len(agenda) - 1 and self._paired(agenda[target].item):
            target += 1 if delta >= 0 else -1
        await self.go_to(agenda[target].item.id)

    def _paired(self, item: Item) -> bool:
        """Is ``item`` an importance follow-up whose statement is in the set (asked with it)?"""
        base = item.importance_base if isinstance(item, Question) else None
        return base is not None and base in self._companions

    def question(self, question_id: str) -> Question | None:
        return self.question_set.question(question_id) or next(
            (p for p in self.store.polls() if p.id == question_id), None
        )

    def texts_lang(self, lang: str) -> str:
        """The language a device asking for ``lang`` reads the set's texts in: ``lang`` when
        the session froze the set in it, else the set's own."""
        own = self.question_set.lang
        return lang if lang == own or lang in self.store.translations else own

    def in_lang(self, item: ItemT, lang: str) -> ItemT:
        """``item`` as the set says it in ``lang`` (``texts_lang``): the same id, kind and
        option values, other words. Quick polls are written in one language and stay so."""
        copy_ = self.store.translations.get(lang) if lang != self.question_set.lang else None
        found = copy_.item(item.id) if copy_ is not None else None
        return found if type(found) is type(item) else item  # type: ignore[return-value]

    # ------------------------------------------------------------ voting

    def voting(self, question_id: str) -> Voting:
        if self.self_paced and question_id in self.question_set.survey_ids:
            return self._voting.get(question_id, Voting.OPEN)
        return self._voting.get(question_id, Voting.CLOSED)

    def open_questions(self) -> list[Question]:
        """What phones may answer now, in agenda order."""
        agenda = self._agenda_entries()
        key = (agenda, self._voting_gen, self.self_paced)
        cached = self._open_key
        if cached is None or cached[0] is not agenda or cached[1:] != key[1:]:
            self._open = tuple(
                e.item
                for e in agenda
                if isinstance(e.item, Question) and self.voting(e.item.id) is Voting.OPEN
            )
            self._open_key = key
        return list(self._open)

    def revealed_questions(self) -> list[Question]:
        return [
            e.item
            for e in self._agenda_entries()
            if isinstance(e.item, Question) and self.voting(e.item.id) is Voting.REVEALED
        ]

    @functools.cached_property
    def _companions(self) -> dict[str, tuple[str, ...]]:
        """Statement id -> the ids of its importance follow-ups, for the set's own questions."""
        out: dict[str, tuple[str, ...]] = {}
        ids = {q.id for q in self.question_set.questions}
        for question in self.question_set.questions:
            base = question.importance_base
            if base in ids and base != question.id:
                out[base] = (*out.get(base, ()), question.id)
        return out

    def companions(self, question_id: str) -> list[Question]:
        """The importance follow-ups asked together with ``question_id`` (live and on the
        phone: one page, one item on the screen)."""
        found = (self.question(c) for c in self._companions.get(question_id, ()))
        return [q for q in found if q is not None]

    async def set_voting(self, question_id: str, state: Voting) -> None:
        """Open, close or reveal a question, and its importance follow-ups with it."""
        if self.question(question_id) is None:
            return
        await self._set_votings([question_id, *self._companions.get(question_id, ())], state)

    async def _set_votings(self, question_ids: Iterable[str], state: Voting) -> None:
        """Give every question of ``question_ids`` the voting ``state`` in one write."""
        changed = [
            q
            for q in dict.fromkeys(question_ids)
            if self.question(q) is not None and self.voting(q) is not state
        ]
        if not changed:
            return
        keep = None
        if state is Voting.REVEALED:
            keep = self._keep([self.question(q) for q in changed])  # type: ignore[misc]
        previous = {q: self._voting.get(q) for q in changed}
        was_open = any(self.voting(q) is Voting.OPEN for q in changed)
        for q in changed:  # shown at once, taken back on failure (see go_to)
            self._voting[q] = state
        self._voting_gen += 1
        self._publish(Event(Change.VOTING, changed[0]))
        try:
            if keep is not None:  # what the reveal shows is kept before the reveal itself
                await keep
            stored = {q: v.value for q, v in self._voting.items()}
            await self._write(self.store.set_state, "voting", stored)
        except AnswerRefused:
            undone = [q for q in changed if self._voting.get(q) is state]
            for q in undone:
                if previous[q] is None:
                    self._voting.pop(q, None)
                else:
                    self._voting[q] = previous[q]  # type: ignore[assignment]
            if undone:
                self._voting_gen += 1
                self._publish(Event(Change.VOTING, changed[0]))
            raise
        if was_open:
            # Voting on it is over: fold the journal so the order answers arrived in (which
            # could link one person's answers across questions) does not stay on disk.
            self._background(self._fold())

    async def toggle_open(self, question_id: str) -> Voting:
        """``space``: open a closed or revealed question (results hide again), close an open one."""
        state = Voting.CLOSED if self.voting(question_id) is Voting.OPEN else Voting.OPEN
        await self.set_voting(question_id, state)
        return state

    async def toggle_reveal(self, question_id: str) -> Voting:
        """``r``: reveal (which closes voting, so no bar moves while people still vote) or hide."""
        state = Voting.CLOSED if self.voting(question_id) is Voting.REVEALED else Voting.REVEALED
        await self.set_voting(question_id, state)
        return state

    # ------------------------------------------------------------ the whole survey at once

    @property
    def survey_pages(self) -> list[Question]:
        """The survey's statements: what a device must answer to be done (an importance
        follow-up shares its statement's page and may be left blank)."""
        return [q for q in self.question_set.survey if not self._paired(q)]

    @property
    def survey_open(self) -> bool:
        """Is the whole survey open at once inside a live meeting? Read from the voting
        state itself (every survey question open), so it holds again after a restart."""
        survey = self.question_set.survey
        return (
            not self.self_paced
            and bool(survey)
            and all(self.voting(q.id) is Voting.OPEN for q in survey)
        )

    @property
    def room_paced(self) -> bool:
        """Do the phones walk the open questions at their own pace (``serve --self-paced``,
        or the whole survey opened in a live meeting)?"""
        return self.self_paced or self.survey_open

    async def open_survey(self) -> None:
        """Open every survey question at once: the room answers at its own pace."""
        if self.self_paced or not self.question_set.survey:
            return
        self._walking = False
        await self._set_votings([q.id for q in self.question_set.survey], Voting.OPEN)

    async def close_survey(self) -> None:
        """Close the whole survey, then show its results area by area, from the first."""
        await self._set_votings([q.id for q in self.question_set.survey], Voting.CLOSED)
        areas = self.survey_areas()
        if areas:
            self._walking = True
            await self._show_area(areas[0][1])

    def survey_ready(self) -> int:
        """How many devices present have answered every survey statement: "8 av 12 klara".

        Free text ("Vill du lägga till något?") may be left blank, as the follow-ups may.
        Counted from the answers in memory each time it is asked; which devices are done is
        never kept, in memory or on disk (anonymity)."""
        pages = [q for q in self.survey_pages if q.kind is not Kind.TEXT]
        return sum(
            1
            for token in self._joined.values()
            if all(self.store.answer_for(q.id, self.slot(token, q.id)) is not None for q in pages)
        )

    def survey_areas(self) -> list[tuple[str | None, list[Question]]]:
        """The survey's questions by area (dimension), in the set's order."""
        areas: dict[str | None, list[Question]] = {}
        for question in self.question_set.survey:
            areas.setdefault(question.dimension, []).append(question)
        return list(areas.items())

    @property
    def walked_area(self) -> tuple[str | None, list[Question]] | None:
        """The area whose results are shown together now (after the whole survey closed),
        or ``None`` outside that walk (or on an item of an area not revealed yet)."""
        current = self.current
        if not self._walking or current is None:
            return None
        area = next((a for a in self.survey_areas() if current.item in a[1]), None)
        if area is None or any(self.voting(q.id) is not Voting.REVEALED for q in area[1]):
            return None
        return area

    async def _show_area(self, questions: list[Question]) -> None:
        await self._set_votings([q.id for q in questions], Voting.REVEALED)
        await self.go_to(questions[0].id)

    async def _walk_step(self, delta: int) -> bool:
        """One area on (or back); past the last, on to the item after the survey. False when
        the walk has ended and the ordinary step should move instead."""
        areas = self.survey_areas()
        shown = self.walked_area
        if shown is None:
            self._walking = False
            return False
        index = next(n for n, a in enumerate(areas) if a[0] == shown[0]) + delta
        if 0 <= index < len(areas):
            await self._show_area(areas[index][1])
            return True
        self._walking = False
        if index < 0:
            return False
        last = self.entry_index(self.question_set.survey[-1].id) or 0
        agenda = self.agenda()
        self._publish(Event(Change.AGENDA))  # the area view gives way even at the agenda's end
        await self.go_to(agenda[min(last + 1, len(agenda) - 1)].item.id)
        return True

    # ------------------------------------------------------------ devices and answers

    def slot(self, token: str, question_id: str) -> str:
        """The per-question key a device's answer is filed under (see the module docstring)."""
        message = f"{question_id}\0{token}".encode()
        return hmac.new(self.store.secret, message, hashlib.sha256).hexdigest()[:32]

    def issue_device(self) -> str:
        """A new device token that ``device`` will recognise, now and after a restart."""
        nonce = _b64(secrets.token_bytes(_NONCE_BYTES))
        return nonce + self._device_tag(nonce)

    def device(self, token: str | None) -> str | None:
        """``token`` if this session issued it, else ``None``: a made-up or old unsigned
        cookie is no device, so it can neither vote nor be counted as present."""
        if not token or len(token) != DEVICE_TOKEN_LENGTH:
            return None
        nonce, tag = token[:_NONCE_CHARS], token[_NONCE_CHARS:]
        if hmac.compare_digest(tag.encode(), self._device_tag(nonce).encode()):
            return token
        return None

    def _device_tag(self, nonce: str) -> str:
        message = b"device\0" + nonce.encode()
        return _b64(hmac.new(self.store.secret, message, hashlib.sha256).digest()[:_TAG_BYTES])

    def join(self, token: str) -> None:
        """Count a device as present (in memory only: who joined is never stored; how many
        did is, for a restart, see ``devices_awaited``)."""
        marker = self.slot(token, "\0joined")
        if marker not in self._joined:
            self._joined[marker] = token
            self._watch_grace()
            self._store_devices()
            self._publish(Event(Change.JOINED))

    @property
    def joined_count(self) -> int:
        return len(self._joined)

    @property
    def devices_awaited(self) -> int:
        """How many devices auto-reveal waits for before "everyone has answered" can hold.

        The grace rule: after a restart (the session remembers that devices had joined
        before), auto-reveal waits until as many devices are back as had joined before, or
        until ``restart_grace`` seconds (two minutes) have passed since the meeting started
        again; then it counts the devices present, as in a first run. 0 when not waiting.
        """
        if self._devices_before and self._clock() < self._grace_until:
            return self._devices_before
        return 0

    @property
    def devices_counted(self) -> int:
        """The devices "7 av 9 har svarat" counts: those present, and during a restart's grace
        period those from before that are not back yet."""
        return max(len(self._joined), self.devices_awaited)

    @property
    def grace_left(self) -> float:
        """Seconds left of the restart's grace period, 0 when it is over or there is none."""
        return max(0.0, self._grace_until - self._clock()) if self.devices_awaited else 0.0

    def _watch_grace(self) -> None:
        """Look again when the grace period ends: nothing else happens then by itself (the
        room may all have answered already)."""
        if self._grace_timer is not None or not self.devices_awaited:
            return
        with contextlib.suppress(RuntimeError):  # no loop: a command reading the session
            loop = asyncio.get_running_loop()
            self._grace_timer = loop.call_later(self.grace_left, self.recheck_auto_reveal)

    def recheck_auto_reveal(self) -> None:
        """When the grace period is over: reveal what everyone present has answered."""
        self._grace_timer = None
        if self.devices_awaited:  # a clock that has not got there yet (tests inject one)
            self._watch_grace()
            return
        if self._devices_before:
            self._devices_before = 0
            self._store_devices()
            self._publish(Event(Change.JOINED))
        for question in self.open_questions():
            self._maybe_auto_reveal(question)

    def _store_devices(self) -> None:
        """Keep how many devices are here (a count only), one write at a time: after a crash
        the next run knows how many to wait for. While the grace period lasts the count from
        before stands unless more are back."""
        wanted = max(len(self._joined), self.devices_awaited)
        if self._devices_writing or wanted in (0, self._devices_stored):
            return  # 0: nobody back yet, the count from before is kept for the next restart
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # no loop: a command reading the session keeps nothing
            return
        self._devices_writing = True

        async def write() -> None:
            try:
                await self._write(self.store.set_state, DEVICES_KEY, wanted)
                self._devices_stored = wanted
            finally:
                self._devices_writing = False
            self._store_devices()  # more joined while this was written

        self._background(write())

    # ------------------------------------------------------------ the server's address

    @property
    def remembered_address(self) -> tuple[str | None, int | None]:
        """The host (``None``: every interface) and port the participants' server had last
        time, so the phones' saved links still work after a restart."""
        value = self.store.state(ADDRESS_KEY) or {}
        host = value.get("host") if isinstance(value, dict) else None
        port = value.get("port") if isinstance(value, dict) else None
        ok_port = isinstance(port, int) and 0 < port <= 65535
        return (host if isinstance(host, str) and host else None, port if ok_port else None)

    async def remember_address(self, host: str | None, port: int) -> None:
        """Keep the server's own address with the session (never a participant's)."""
        if self.remembered_address != (host or None, port):
            await self._write(self.store.set_state, ADDRESS_KEY, {"host": host, "port": port})

    def answer_count(self, question_id: str) -> int:
        return self.store.answer_count(question_id)

    def phone_answers_exceed_present(self, question_id: str) -> int:
        """How many more phone answers ``question_id`` has than phones present, or 0.

        Keyboard answers (private mode) and typed-in tallies are not phones and do not count:
        they exceed the phones by design. More phone answers than phones present means answers
        from phones that are gone (before a restart) or from devices nobody in the room holds,
        and the facilitator should know before trusting the figures.
        """
        phones = self.store.answer_count(question_id) - self._private.get(question_id, 0)
        return max(0, phones - len(self._joined))

    # ------------------------------------------------------------ typed join codes

    @property
    def typed_codes_paused(self) -> float:
        """Seconds until typed join codes work again (0 when they work)."""
        return max(0.0, self._typed_paused_until - time.monotonic())

    def pause_typed_codes(self, seconds: float) -> None:
        """The web face spent the server's budget of wrong typed codes: typed codes stop for
        ``seconds`` (the QR code and the link still work) and the facilitator is told."""
        was_paused = self.typed_codes_paused > 0
        self._typed_paused_until = max(self._typed_paused_until, time.monotonic() + seconds)
        if not was_paused:
            self._publish(Event(Change.TYPED_CODES))

    def answers_of(self, token: str, questions: list[Question] | None = None) -> dict[str, Any]:
        """What this device has answered among ``questions`` (default: those open now)."""
        out = {}
        for q in self.open_questions() if questions is None else questions:
            value = self.store.answer_for(q.id, self.slot(token, q.id))
            if value is not None:
                out[q.id] = value
        return out

    async def submit(self, token: str, question_id: str, value: Any) -> Any:
        """Accept a device's answer; returns the stored value once it is durable on disk.

        Raises ``AnswerRefused`` for an unknown or closed question, a value that does not fit,
        or a full disk; in each case nothing is acknowledged.
        """
        question = self._open_question(question_id)
        stored = self._checked(question, value)
        self.join(token)
        await self._write(self.store.put_answer, question.id, self.slot(token, question.id), stored)
        self._after_answer(question)
        return stored

    async def submit_private(self, question_id: str, value: Any) -> Any:
        """One person's answer typed on the facilitator's keyboard (private mode).

        Each gets a fresh random slot: nobody's answer can be replaced or linked to another.
        """
        question = self._open_question(question_id)
        stored = self._checked(question, value)
        await self._write(self.store.put_answer, question.id, secrets.token_hex(16), stored)
        self._private[question.id] = self._private.get(question.id, 0) + 1
        self._after_answer(question)
        return stored

    async def set_tally(self, question_id: str, counts: dict[str, int]) -> None:
        """Counts typed by the facilitator (hands, paper); added to the phones' votes."""
        question = self.question(question_id)
        if question is None or not question.kind.tallied:
            raise AnswerRefused("unknown_question")
        allowed = {str(o.value) for o in question.options}
        clean = {k: int(n) for k, n in counts.items() if k in allowed and int(n) > 0}
        await self._write(self.store.set_tally, question.id, clean)
        keep = self._keep([question]) if self.voting(question.id) is Voting.REVEALED else None
        self._publish(Event(Change.COUNT, question.id))
        if keep is not None:
            await keep

    def tally(self, question_id: str) -> dict[str, int]:
        return self.store.tally(question_id)

    def _open_question(self, question_id: Any) -> Question:
        question = self.question(question_id) if isinstance(question_id, str) else None
        if question is None:
            raise AnswerRefused("unknown_question")
        if self.voting(question.id) is not Voting.OPEN:
            raise AnswerRefused("not_open")
        return question

    @staticmethod
    def _checked(question: Question, value: Any) -> Any:
        try:
            return question.validate_value(value)
        except ValueError as exc:
            raise AnswerRefused(str(exc)) from None

    def _write(
        self,
        start: Callable[..., Awaitable[None]],
        *args: Any,
        publish: Event | None = None,
        **kwargs: Any,
    ) -> Awaitable[None]:
        """The one way a change reaches the store: ``start(*args)`` changes memory now (in call
        order) and the returned awaitable ends once it is on disk, then ``publish`` is told:
        durable first, then published. Whatever the store refuses, at once (a closed or broken
        store) or on disk, comes out as ``AnswerRefused`` with a code, so the faces know one
        shape of a failed write. (``go_to`` and ``set_voting`` show a change before it is
        durable, and take it back if the write fails: the projector must not wait for the disk.)
        """
        self._record = None  # the cached copy is stale from the moment memory changes
        try:
            write = start(*args, **kwargs)
        except StoreError as exc:
            raise self._refused(exc) from None
        return _AwaitedLater(functools.partial(self._durable, write, publish))

    async def _durable(self, write: Awaitable[None], publish: Event | None) -> None:
        try:
            await write
        except StoreError as exc:  # the store rolled the write back
            raise self._refused(exc) from None
        self._record = None  # a copy made while the write was on its way may be stale too
        if publish is not None:
            self._publish(publish)

    def _refused(self, exc: StoreError) -> AnswerRefused:
        self._record = None
        return AnswerRefused(_store_code(exc))

    def _after_answer(self, question: Question) -> None:
        self._publish(Event(Change.COUNT, question.id))
        if question.kind is Kind.TEXT:
            self._publish(Event(Change.MODERATION, question.id))
        self._maybe_auto_reveal(question)

    def _maybe_auto_reveal(self, question: Question) -> None:
        if self._paired(question):  # revealed with its statement, when that is answered
            question = self.question(question.importance_base) or question  # type: ignore[arg-type]
        if self.auto_reveal and not self.room_paced and self.everyone_answered(question.id):
            self._background(self.set_voting(question.id, Voting.REVEALED))
        elif self.devices_awaited:
            self._watch_grace()

    def everyone_answered(self, question_id: str) -> bool:
        """Has every device present in this run answered? (Keyboard answers are not devices:
        they neither count as present nor stand in for a phone that has not answered.) After
        a restart, during the grace period, the devices from before must be back first."""
        if len(self._joined) < self.devices_awaited:
            return False
        return bool(self._joined) and all(
            self.store.answer_for(question_id, self.slot(token, question_id)) is not None
            for token in self._joined.values()
        )

    async def settle(self) -> None:
        """Wait until the follow-up work started so far, and any it starts, is done: for a
        caller about to close the store, or one that reads what that work wrote."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def _background(self, work: Awaitable[None]) -> None:
        """Run follow-up work without making the caller wait; failures are logged, not lost."""

        async def run() -> None:
            try:
                await work
            except Exception:
                log.exception("background work failed")

        task = asyncio.get_running_loop().create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _fold(self) -> None:
        await self.store.fold()

    # ------------------------------------------------------------ free text moderation

    def pending_texts(self, question_id: str) -> list[str]:
        """Texts not yet approved or hidden, distinct, in a stable order that is not arrival."""
        decided = self.store.moderation(question_id)
        texts = {t for t in self.store.answers(question_id) if isinstance(t, str)}
        return sorted(t for t in texts if t not in decided)

    def approved_texts(self, question_id: str) -> list[str]:
        approved = [t for t, s in self.store.moderation(question_id).items() if s == "approved"]
        return shown_texts(approved, self.store.answers(question_id))

    async def moderate(self, question_id: str, text: str, approve: bool) -> None:
        state = "approved" if approve else "hidden"
        await self._write(
            self.store.set_moderation,
            question_id,
            text,
            state,
            publish=Event(Change.MODERATION, question_id),
        )

    # ------------------------------------------------------------ notes, needs, actions

    def note(self, item_id: str) -> str:
        return self.store.note(item_id)

    def set_note(self, item_id: str, text: str) -> Awaitable[None]:
        """Save the facilitator's notes for an item. Returns the write unawaited so typing
        never waits for the disk; the app awaits it in a worker to report a full disk."""
        text = clean_text(text, MAX_NOTE_TEXT, multiline=True)
        return self._write(self.store.set_note, item_id, text)

    def needs(self) -> list[Need]:
        """The needs in the group's order: ranked ones first (1 first), then the rest as they
        were named; step 4's screen and the plan list them alike."""
        needs = self.store.needs()
        return sorted(needs, key=lambda n: (n.rank is None, n.rank or 0))

    async def add_need(
        self,
        kind: NeedKind,
        text: str,
        dimension: str | None = None,
        request: Prerequisite | None = None,
    ) -> Need:
        need = Need("", kind, text, dimension, request=request)
        return await self.save_need(need)

    async def save_need(self, need: Need) -> Need:
        """Add or update a need (same id replaces), text cleaned here; its rank is kept as
        given, so editing a need's words does not move it in the group's order."""
        if not need.id:
            need = replace(need, id=_new_id("need"))
        need = replace(need, text=clean_text(need.text, MAX_SHORT_TEXT))
        await self._save_plan(self.store.save_need, need, need.text, Change.NEEDS)
        return need

    async def remove_need(self, need_id: str) -> None:
        """Remove a need; :meth:`undo_remove` brings the last one removed back."""
        await self._remove_plan(self.store.needs(), self.store.delete_need, need_id, Change.NEEDS)

    def actions(self) -> list[ActionItem]:
        return self.store.actions()

    async def save_action(self, action: ActionItem) -> ActionItem:
        """Add or update an action item (same id replaces). Text fields are cleaned here."""
        if not action.id:
            action = action.with_changes(id=_new_id("action"))
        action = action.with_changes(
            what=clean_text(action.what, MAX_SHORT_TEXT),
            owner=clean_text(action.owner, MAX_SHORT_TEXT),
            follow_up=clean_text(action.follow_up, MAX_SHORT_TEXT),
            due=clean_text(action.due, 10),
        )
        await self._save_plan(self.store.save_action, action, action.what, Change.ACTIONS)
        return action

    async def remove_action(self, action_id: str) -> None:
        """Remove an action item; :meth:`undo_remove` brings the last one removed back."""
        await self._remove_plan(
            self.store.actions(), self.store.delete_action, action_id, Change.ACTIONS
        )

    @property
    def removed(self) -> Need | ActionItem | None:
        """The need or action item removed last, which :meth:`undo_remove` can bring back."""
        return self._removed

    async def undo_remove(self) -> Need | ActionItem | None:
        """Bring back the need or action item removed last (once); ``None`` when there is none.

        A slip of the key in front of the room must cost nothing: the item comes back with its
        id, so the actions made from a need point to it again, and with its rank."""
        removed, self._removed = self._removed, None
        if isinstance(removed, Need):
            await self.save_need(removed)
        elif isinstance(removed, ActionItem):
            await self.save_action(removed)
        return removed

    async def set_ranks(self, order: list[str]) -> None:
        """Rank the needs in ``order`` (need ids, first is 1); needs not named lose their rank.
        One change notice for the lot."""
        rank = {need_id: n for n, need_id in enumerate(order, 1)}
        writes = []
        for need in self.store.needs():
            new = rank.get(need.id)
            if need.rank != new:
                writes.append(self._write(self.store.save_need, replace(need, rank=new)))
        if writes:
            await asyncio.gather(*writes)
            self._publish(Event(Change.NEEDS))

    async def move_need(self, need_id: str, step: int) -> None:
        """Move a need ``step`` places up (negative) or down in the group's order; every need
        gets a rank from then on, the ones without one keeping their place after the ranked."""
        order = [n.id for n in self.needs()]
        if need_id not in order:
            return
        at = order.index(need_id)
        to = max(0, min(len(order) - 1, at + step))
        order.insert(to, order.pop(at))
        await self.set_ranks(order)

    def needs_dot_vote(self) -> Question | None:
        """The latest dot vote over needs (its options are need ids), if one was held."""
        ids = {n.id for n in self.store.needs()}
        votes = [
            q
            for q in self.store.polls()
            if q.kind is Kind.DOTS and any(o.value in ids for o in q.options)
        ]
        return votes[-1] if votes else None

    async def rank_needs_from_vote(self) -> list[str]:
        """The dot vote's order becomes the needs' rank: most dots first, needs with equal dots
        in their present order, needs the vote did not include after them.

        Only when the vote's figures may be shown (the threshold, the held counts of
        ``results.question_result``): a rank is a figure the room sees. Refused with
        ``no_dot_vote`` or ``too_few_answers`` otherwise; the facilitator then ranks by hand.
        An open vote with enough answers is closed and revealed first: ranking shows its
        result, and a late answer must not change an order the room has already seen.
        """
        poll = self.needs_dot_vote()
        if poll is None:
            raise AnswerRefused("no_dot_vote")
        record = self.record()
        if not results.is_shown(results.count(record, poll).n, results.threshold_of(record)):
            raise AnswerRefused("too_few_answers")  # before closing: the room can vote on
        if self.voting(poll.id) is Voting.OPEN:
            await self.set_voting(poll.id, Voting.REVEALED)
        await self.remember_shown([poll])
        result = results.question_result(self.record(), poll)
        if not result.shown or result.distribution is None:
            raise AnswerRefused("too_few_answers")
        dots = {str(row.value): row.count for row in result.distribution}
        present = [n.id for n in self.needs()]
        voted = sorted((i for i in present if i in dots), key=lambda i: -dots[i])
        order = voted + [i for i in present if i not in dots]
        await self.set_ranks(order)
        return order

    async def _save_plan(
        self, save: Callable[[Any], Any], item: Need | ActionItem, text: str, change: Change
    ) -> None:
        """Keep a need or an action item; one without text is refused, not kept empty."""
        if not text:
            raise AnswerRefused("empty")
        await self._write(save, item, publish=Event(change))

    async def _remove_plan(
        self,
        items: list[Need] | list[ActionItem],
        delete: Callable[[str], Any],
        item_id: str,
        change: Change,
    ) -> None:
        """Remove a need or an action item, remembered (once it is gone) for ``undo_remove``."""
        removed = next((item for item in items if item.id == item_id), None)
        await self._write(delete, item_id, publish=Event(change))
        if removed is not None:
            self._removed = removed

    # ------------------------------------------------------------ quick polls and dot voting

    async def add_poll(
        self,
        text: str,
        kind: Kind = Kind.SINGLE,
        options: list[str] | None = None,
        *,
        dots: int = 0,
        dont_know: str | None = None,
    ) -> Question:
        """A quick anonymous poll typed on the spot; it opens at once and becomes current.

        ``kind=SCALE`` with no options gives a 1-5 scale; pass ``dont_know`` to offer it.
        """
        text = clean_text(text, MAX_SHORT_TEXT)
        labels = [clean_text(o, MAX_SHORT_TEXT) for o in options or []]
        labels = [label for label in labels if label]
        if kind is Kind.SCALE:
            opts = [Option(n, labels[n - 1] if len(labels) >= n else str(n)) for n in range(1, 6)]
            if dont_know:
                opts.append(Option(DONT_KNOW, dont_know))
        else:
            opts = [Option(f"o{n}", label) for n, label in enumerate(labels, 1)]
        if not text or (kind is not Kind.TEXT and len(opts) < 2):
            raise AnswerRefused("empty")
        return await self._open_poll(kind, text, opts, dots, max_length=MAX_FREE_TEXT)

    async def start_needs_dot_vote(self, text: str, dots: int = 3) -> Question:
        """Let the room prioritise the needs: each person spends ``dots`` dots across them."""
        needs = self.needs()
        if len(needs) < 2:
            raise AnswerRefused("too_few_needs")
        text = clean_text(text, MAX_SHORT_TEXT)
        if not text or dots < 1:
            raise AnswerRefused("empty")
        return await self._open_poll(Kind.DOTS, text, [Option(n.id, n.text) for n in needs], dots)

    async def _open_poll(
        self, kind: Kind, text: str, options: list[Option], dots: int, **more: Any
    ) -> Question:
        """A new poll is kept, shown in the agenda, made current and opened, in that order."""
        poll = Question(
            id=_new_id("poll"),
            kind=kind,
            text=text,
            options=tuple(options),
            dots=dots,
            **more,
        )
        await self._write(self.store.add_poll, poll, publish=Event(Change.POLL, poll.id))
        await self.go_to(poll.id)
        await self.set_voting(poll.id, Voting.OPEN)
        return poll

    # ------------------------------------------------------------ results

    async def remember_shown(self, questions: Iterable[Question] | None = None) -> None:
        """Keep, durably, today's counts of ``questions`` (``None``: all) as shown, where the
        rule allows it, before a face shows them.

        Results show only counts the session has kept (``results.question_result``: no two
        showings of a question differ by fewer answers than the threshold), so everything that
        shows results keeps them first: a reveal, a tally or threshold change under a revealed
        result (those through :meth:`_keep`, at once), the overview and an export (here).
        Only aggregates are kept, never a device or an order. Counting every question runs in
        a thread so a big session does not hold up the projected screen.
        """
        record = self.record()
        wanted = list(record.all_questions if questions is None else questions)
        new = await asyncio.to_thread(results.to_remember, record, wanted)
        if (record.shown or {}) != self.store.state("shown", {}):
            # Something else was kept meanwhile: judged against it, on the loop (rare).
            new = results.to_remember(self.record(), wanted)
        write = self._keep_new(new)
        if write is not None:
            await write

    def _keep(self, questions: Iterable[Question]) -> Awaitable[None] | None:
        """Keep the counts of a few revealed questions, in memory at once (as the voting
        state itself is), returning the write to wait for; ``None`` when nothing is new.

        Counted from a record of just these questions: a copy of a whole big session would
        hold up the loop on every reveal (18 ms for 15,500 answers here).
        """
        wanted = list(questions)
        kept = self.store.state("shown", {})
        record = SessionRecord(
            info=self.store.info,
            question_set=self.question_set,
            answers={q.id: self.store.answers(q.id) for q in wanted},
            tallies={q.id: self.store.tally(q.id) for q in wanted},
            shown=kept if isinstance(kept, dict) else {},
        )
        return self._keep_new(results.to_remember(record, wanted))

    def _keep_new(self, new: dict[str, Any]) -> Awaitable[None] | None:
        if not new:
            return None
        kept = self.store.state("shown", {})
        kept = kept if isinstance(kept, dict) else {}
        for question_id, signature in new.items():
            earlier = kept.get(question_id)
            kept[question_id] = [*(earlier if isinstance(earlier, list) else []), signature]
        return self._write(self.store.set_state, "shown", kept)

    def record(self) -> SessionRecord:
        """A plain-data copy for results and exports (``results.py`` does every number).

        Cached until the next change: when the facilitator reveals a question, every phone in
        the room asks for its results at once, and copying a big session for each of them would
        hold up the loop (and the projected screen). Callers must treat it as read-only.
        """
        if self._record is None:
            self._record = self.store.record()
        return self._record


def _store_code(exc: StoreError) -> str:
    """The refusal code of a store failure: faces tell a full disk apart from the rest."""
    return "store_full" if isinstance(exc, StoreFull) else "store_error"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _new_id(prefix: str) -> str:
    """The id of something made during the meeting: a need, an action item, a poll."""
    return f"{prefix}-{secrets.token_hex(4)}"
