"""The facilitator's terminal app: the live meeting on the projected screen.

``MognadApp`` drives a :class:`~mognad_tui.meeting.Meeting`; it never touches the store's
files nor counts answers itself (figures come from :mod:`mognad_tui.results`). The participant
server and background services (the demo's simulated phones) are passed in by the CLI and run
on this app's asyncio loop: they are started on mount and stopped on unmount.

The meeting publishes events synchronously on the loop; the app folds them into a set of
"dirty" kinds and repaints once per batch. Facilitator actions repaint at once; answers from
phones repaint at most ten times a second, so 300 phones voting at the same moment cost a few
repaints, not 300, and the keys stay quick.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import math
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer

from mognad_tui import network
from mognad_tui.meeting import (
    AnswerRefused,
    BackgroundService,
    Change,
    Event,
    Meeting,
    ParticipantServer,
)
from mognad_tui.model import ActionItem, Kind, Need, NeedKind, Question, SessionRecord
from mognad_tui.tui.base import HELP_AND_QUIT, refusal_text
from mognad_tui.tui.catalog import T
from mognad_tui.tui.commands import MognadCommands
from mognad_tui.tui.confirm import ConfirmQuit
from mognad_tui.tui.forms import ActionForm, Form, NeedForm, PollDraft, PollForm, ThresholdForm
from mognad_tui.tui.help_screen import HelpScreen, key_rows
from mognad_tui.tui.join import JoinScreen, JoinState
from mognad_tui.tui.keyboard_votes import PrivateVoteScreen, TallyScreen
from mognad_tui.tui.main_screen import MainScreen
from mognad_tui.tui.messages import (
    EditAction,
    EditNeed,
    GoTo,
    MeetingCall,
    MeetingChanged,
    Requested,
    Say,
)
from mognad_tui.tui.moderation import ModerationScreen
from mognad_tui.tui.needs import NeedsScreen
from mognad_tui.tui.overview import OverviewScreen
from mognad_tui.tui.pause import PauseScreen

#: Event kinds that follow a phone's answer: repainted in batches.
BATCHED = frozenset({Change.COUNT, Change.JOINED, Change.MODERATION})
#: Seconds between repaints caused by phones.
BATCH_DELAY = 0.1

#: App actions bound to plain letters (see ``check_action``).
LETTER_ACTIONS = frozenset(
    {
        "new_need",
        "help",
        "request_quit",
        "join",
        "overview",
        "needs",
        "new_poll",
        "export",
        "toggle_theme",
        "blank",
    }
)

DARK_THEME = "textual-dark"
LIGHT_THEME = "textual-light"


#: No phone this long after the first question opened: the join panel says what to try.
NO_PHONE_AFTER = timedelta(minutes=2)


class MognadApp(App[None]):
    """The live meeting in the terminal.

    ``server`` serves the participants' phones (its ``start()`` returns the join URL); without
    one, people vote on the keyboard. ``services`` run beside the meeting (the demo's phones).
    ``exporter(record)`` writes the Markdown export of the live meeting's record (taken on
    the loop) and returns its path; the CLI provides it, and it runs in a worker thread.
    ``clock``, ``cursor_blink`` and ``batch_delay`` exist for tests (a fixed time, no blinking
    cursors, and with ``batch_delay=0`` phones' answers repaint at once, so a test waits on
    the app's queue instead of the clock).
    """

    CSS_PATH = "app.tcss"
    TITLE = "mognad"
    COMMANDS: ClassVar = {MognadCommands}
    ENABLE_COMMAND_PALETTE = True
    #: Screen classes for the layout: below 110 columns the join panel folds into one line,
    #: below 30 rows the spacing tightens (see app.tcss).
    HORIZONTAL_BREAKPOINTS: ClassVar = [(0, "-narrow"), (110, "-wide"), (170, "-huge")]
    VERTICAL_BREAKPOINTS: ClassVar = [(0, "-short"), (30, "-tall")]

    BINDINGS = [
        Binding("b", "new_need", "key.new_need"),
        *HELP_AND_QUIT,
        Binding("g", "join", "key.join", show=False),
        Binding("o", "overview", "key.overview", show=False),
        Binding("v", "needs", "key.needs_screen", show=False),
        Binding("f", "new_poll", "key.new_poll", show=False),
        Binding("e", "export", "key.export", show=False),
        Binding("l", "toggle_theme", "key.theme", show=False),
        Binding("ctrl+p", "command_palette", "key.palette", show=False, priority=True),
    ]

    def __init__(
        self,
        meeting: Meeting,
        *,
        server: ParticipantServer | None = None,
        services: Sequence[BackgroundService] = (),
        exporter: Callable[[SessionRecord], str] | None = None,
        demo: bool = False,
        clock: Callable[[], datetime] | None = None,
        cursor_blink: bool = True,
        batch_delay: float = BATCH_DELAY,
    ) -> None:
        super().__init__()
        self.meeting = meeting
        self.server = server
        self.services = list(services)
        self.exporter = exporter
        self.demo = demo
        self.clock: Callable[[], datetime] = clock or datetime.now
        self.cursor_blink = cursor_blink
        self.batch_delay = batch_delay
        self.lang: str = meeting.lang if meeting.lang in ("sv", "en") else "sv"
        self.join_url: str = ""
        self.server_error: str = ""
        self.address_moved: str = ""
        self._server_started = False
        self._started_services: list[BackgroundService] = []
        self._dirty: set[Change] = set()
        self._batch_timer: Timer | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._meeting_closed = False
        self._background: set[asyncio.Future[Any]] = set()
        self._first_open: datetime | None = None  # when this run first had a question open
        self._no_phone_told = False
        self.theme = DARK_THEME
        self.title = f"mognad · {meeting.info.title}"

    # ------------------------------------------------------------ lifecycle

    def get_default_screen(self) -> Screen:
        return MainScreen(self.meeting)

    @property
    def main(self) -> MainScreen:
        """The main screen: always at the bottom of the stack."""
        return self.screen_stack[0]  # type: ignore[return-value]

    def get_system_commands(self, screen: Screen) -> Any:
        """Textual's own commands are English and include a quit without asking: none."""
        return iter(())

    async def on_mount(self) -> None:
        self._unsubscribe = self.meeting.subscribe(self._on_meeting_event)
        service = None if self.demo else self.meeting.synced_folder
        if service:
            self.notify(
                T("warn.synced", self.lang, service=service),
                severity="warning",
                markup=False,
                timeout=20,
            )
        if self.meeting.disk_problem is not None:
            self._say_disk()
        self.run_worker(self._start_outside(), group="startup", exit_on_error=False)
        self.call_after_refresh(self._freeze_startup_objects)

    @staticmethod
    def _freeze_startup_objects() -> None:
        """Move what start-up built (widgets, styles, the question set) out of the garbage
        collector's view: a full collection then scans only what the meeting adds, so it no
        longer stalls a key press for 30-50 ms."""
        gc.collect()
        gc.freeze()

    async def _start_outside(self) -> None:
        """Start the phones' server, then the services; a failure is shown, never fatal."""
        # Results revealed before this run (a session from an older version) are kept as shown
        # before a phone asks for them; a full disk leaves them held, and says so on screen.
        revealed = self.meeting.revealed_questions()
        if revealed:
            with contextlib.suppress(AnswerRefused):
                await self.meeting.remember_shown(revealed)
        if self.server is not None:
            remembered_port = self.meeting.remembered_address[1]
            try:
                url = await self.server.start()
                self._server_started = True
                self.join_url = url or getattr(self.server, "url", "")
            except Exception as exc:
                self.server_error = T("join.error", self.lang, error=str(exc) or type(exc).__name__)
            else:
                self._tell_if_moved(remembered_port)
        for service in self.services:
            try:
                await service.start()
                self._started_services.append(service)
            except Exception as exc:
                self.say(refusal_text(exc, self.lang), severity="error")
        self._mark({Change.JOINED})

    def _tell_if_moved(self, remembered_port: int | None) -> None:
        """The phones' saved links point at last run's address: when it could not be had
        again, say so large, with the new QR code, at once (not after leaving the app)."""
        moved_port = getattr(self.server, "moved_from", None)
        moved_host = getattr(self.server, "host_moved_from", None)
        if moved_host:
            self.address_moved = T("join.host_moved", self.lang, old=moved_host)
        elif moved_port is not None and moved_port == remembered_port:
            new = getattr(self.server, "port", "")
            self.address_moved = T("join.moved", self.lang, old=moved_port, new=new)
        if self.address_moved:
            self.action_join()

    async def _stop_outside(self) -> None:
        for service in reversed(self._started_services):
            with contextlib.suppress(Exception):  # stopping must never keep the app from closing
                await service.stop()
        self._started_services.clear()
        if self.server is not None and self._server_started:
            self._server_started = False
            with contextlib.suppress(Exception):
                await self.server.stop()

    async def on_unmount(self) -> None:
        await self._close_meeting()

    async def _close_meeting(self) -> None:
        if self._meeting_closed:
            return
        self._meeting_closed = True
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._background:
            await asyncio.wait(list(self._background), timeout=5)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.main.drain_notes(), timeout=5)
        await self._stop_outside()
        with contextlib.suppress(TimeoutError):  # the meeting's own follow-up writes
            await asyncio.wait_for(self.meeting.settle(), timeout=5)

    # ------------------------------------------------------------ meeting events

    def _on_meeting_event(self, event: Event) -> None:
        """Called synchronously by the meeting: note what changed, repaint soon."""
        if event.kind is Change.DISK:
            self._say_disk()
        self._mark({event.kind})
        if event.kind is Change.TYPED_CODES:
            self._typed_codes_check()

    def _typed_codes_check(self) -> None:
        """While typed codes are paused, look again when the pause should end: nothing is
        published when it ends by itself."""
        paused = self.meeting.typed_codes_paused
        if paused > 0:
            self.set_timer(min(paused, 60.0) + 0.1, self._typed_codes_check)
        self._mark({Change.TYPED_CODES})

    def _say_disk(self) -> None:
        """Whether the session folder still shows the order answers arrived in (a full
        disk keeps the store from reordering it; it keeps trying)."""
        problem = self.meeting.disk_problem
        if problem is None:
            self.say(T("disk.order_ok", self.lang))
        else:
            key = "disk.order_full" if problem == "store_full" else "disk.order_error"
            self.notify(T(key, self.lang), severity="warning", markup=False, timeout=30)

    def _mark(self, kinds: set[Change]) -> None:
        self._dirty |= kinds
        if kinds - BATCHED or self.batch_delay <= 0:
            self.call_later(self.apply_changes)
        elif self._batch_timer is None:
            self._batch_timer = self.set_timer(self.batch_delay, self._batch_due)

    def _batch_due(self) -> None:
        self._batch_timer = None
        self.apply_changes()

    def apply_changes(self) -> None:
        """Repaint what the pending events touched, on every screen that shows it."""
        kinds, self._dirty = frozenset(self._dirty), set()
        if not kinds or self._meeting_closed:
            return
        self._apply(kinds)

    def _apply(self, kinds: frozenset[Change]) -> None:
        """Tell every screen on the stack; each repaints what it shows (``@on``)."""
        if Change.VOTING in kinds or Change.JOINED in kinds:
            self._note_first_open()
        for screen in self.screen_stack:
            screen.post_message(MeetingChanged(kinds))

    async def run_meeting(self, call: Awaitable[Any], *, wait: bool = True) -> bool:
        """Run a meeting call and repaint; a refusal becomes a message, not a crash.

        The meeting changes its state in memory before it waits for the disk, so the screen is
        repainted from memory at once. With ``wait=False`` (navigation, open, reveal) the key's
        handler returns right there: the screen's own queue is then free to paint, and the
        durable write finishes in the background (a failure is still reported). Forms wait, to
        say "saved" only once it is.
        """
        task = asyncio.ensure_future(call)
        await asyncio.sleep(0)  # the call runs up to its first wait for the disk
        if not task.done():
            self._dirty |= {Change.AGENDA, Change.VOTING}
            self.apply_changes()
        if not wait:
            self._background.add(task)
            task.add_done_callback(self._background_done)
            return True
        try:
            await task
        except Exception as exc:
            self.say(refusal_text(exc, self.lang), severity="error")
            self.apply_changes()
            return False
        self.apply_changes()
        return True

    def _background_done(self, task: asyncio.Future[Any]) -> None:
        self._background.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            self.say(refusal_text(exc, self.lang), severity="error")
        self._mark({Change.VOTING})

    def _note_first_open(self) -> None:
        """Start the two minutes at the first question this run opens (or found open), and
        look again when they are up."""
        if self._first_open is not None or not self.meeting.open_questions():
            return
        self._first_open = self.clock()
        self.set_timer(NO_PHONE_AFTER.total_seconds(), self.look_for_phones)

    def look_for_phones(self) -> None:
        """Look again whether phones have joined: shows or clears the join panel's hint. The
        timer calls it when the two minutes are up by the wall clock; the app's ``clock`` may
        say otherwise (a test's), so it waits on until that clock agrees too."""
        if self._first_open is None or self.meeting.joined_count:
            self._mark({Change.JOINED})
            return
        left = (self._first_open + NO_PHONE_AFTER - self.clock()).total_seconds()
        if left > 0:
            self.set_timer(left, self.look_for_phones)
        elif not self._no_phone_told and self._no_phone_hint():
            # Once, as a toast too: a short screen has no room for it under the QR code.
            self._no_phone_told = True
            self.notify(self._no_phone_hint(), severity="warning", markup=False, timeout=30)
        self._mark({Change.JOINED})

    def _no_phone_hint(self) -> str:
        """What to try when no phone reached the page two minutes after the first question
        opened (the server is up: a failed start says so itself); gone once one joins."""
        if self._first_open is None or not self.join_url or self.meeting.joined_count:
            return ""
        if self.clock() - self._first_open < NO_PHONE_AFTER:
            return ""
        minutes = int(NO_PHONE_AFTER.total_seconds() // 60)
        return T("join.no_phone", self.lang, minutes=minutes)

    def _other_addresses(self) -> tuple[str, ...]:
        """The other addresses a phone may reach the page on (the QR code has the best)."""
        candidates = getattr(self.server, "addresses", ())
        return tuple(
            c.address for c in candidates[1:] if isinstance(c, network.Candidate) and c.reachable
        )

    def join_state(self) -> JoinState:
        entry = self.meeting.current
        answered = None
        # One item's count, not while the whole survey or an area is on the screen.
        one_item = not self.meeting.survey_open and self.meeting.walked_area is None
        if entry is not None and isinstance(entry.item, Question) and one_item:
            answered = self.meeting.answer_count(entry.item.id)
        if self.server is None:
            error = T("join.no_server", self.lang)
        elif self.server_error:
            error = self.server_error
        elif not self.join_url:
            error = T("join.starting", self.lang)
        else:
            error = ""
        paused = self.meeting.typed_codes_paused
        notices = []
        if paused:
            notices.append(T("join.typed_paused", self.lang, minutes=math.ceil(paused / 60)))
        awaited = self.meeting.devices_awaited
        if awaited and self.meeting.auto_reveal:
            minutes = max(1, math.ceil(self.meeting.grace_left / 60))
            back = min(self.meeting.joined_count, awaited)
            notices.append(T("join.awaiting", self.lang, back=back, count=awaited, minutes=minutes))
        return JoinState(
            url=self.join_url,
            code=self.meeting.join_code,
            joined=self.meeting.joined_count,
            answered=answered,
            error=error,
            notice=" ".join(notices),
            expected=self.meeting.devices_counted,
            moved=self.address_moved,
            others=self._other_addresses() if self.join_url else (),
            hint=self._no_phone_hint(),
        )

    # ------------------------------------------------------------ helpers

    def say(self, message: str, *, severity: SeverityLevel = "information") -> None:
        """A toast with literal text (paths and errors may hold brackets)."""
        self.notify(message, severity=severity, markup=False, timeout=6)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The meeting's single-letter keys are off on screens where someone types or votes
        (forms, the private vote); Ctrl+Q, Ctrl+P and Textual's own keys (Tab) always work."""
        if action in LETTER_ACTIONS:
            return getattr(self.screen, "ALLOW_APP_KEYS", True)
        return True

    async def go_to(self, item_id: str) -> None:
        """Show an agenda item (from the agenda list or the palette), closing other screens."""
        self._back_to_main()
        await self.run_meeting(self.meeting.go_to(item_id))

    def current_question(self) -> Question | None:
        entry = self.meeting.current
        if entry is not None and isinstance(entry.item, Question):
            return entry.item
        return None

    def _back_to_main(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    # ------------------------------------------------------------ quitting

    async def action_quit(self) -> None:
        if isinstance(self.screen, ConfirmQuit):
            return
        if self.main.voting_open():
            self.push_screen(ConfirmQuit(), self._quit_answer)
            return
        await self._quit_now()

    async def action_request_quit(self) -> None:
        """``q``: like Ctrl+Q, but off on screens where someone else is typing (private vote)."""
        await self.action_quit()

    async def action_help_quit(self) -> None:
        await self.action_quit()

    async def _quit_answer(self, leave: bool | None) -> None:
        if leave:
            await self._quit_now()

    async def _quit_now(self) -> None:
        await self._close_meeting()
        self.exit()

    # ------------------------------------------------------------ screens

    def action_command_palette(self) -> None:
        if not CommandPalette.is_open(self):
            self.push_screen(
                CommandPalette(id="--command-palette", placeholder=T("cmd.placeholder", self.lang))
            )

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        sections = [
            (T("help.main", self.lang), key_rows(list(MainScreen.BINDINGS), self.lang)),
            (T("help.everywhere", self.lang), key_rows(list(MognadApp.BINDINGS), self.lang)),
        ]
        sections[0][1].append((T("help.digits", self.lang), T("help.digits_text", self.lang)))
        restart = (T("help.auto_restart", self.lang), T("help.auto_restart_text", self.lang))
        sections[0][1].append(restart)
        if isinstance(self.screen, NeedsScreen):  # step 4's own keys, where they work
            sections[0] = (T("needs.title", self.lang), key_rows(NeedsScreen.BINDINGS, self.lang))
        self.push_screen(HelpScreen(sections))

    def action_join(self) -> None:
        if not isinstance(self.screen, JoinScreen):
            self.push_screen(JoinScreen(self.join_state()))

    def action_blank(self) -> None:
        """Cover what the room sees with "Paus" (the screen's own key shows it again)."""
        if not isinstance(self.screen, PauseScreen):
            self.push_screen(PauseScreen())

    def action_present(self) -> None:
        """The palette's way to ``z``: the presentation view on or off."""
        self._back_to_main()
        self.main.presenting = not self.main.presenting

    def action_survey(self) -> None:
        """The palette's way to ``a``: open the whole survey, or close it."""
        self._back_to_main()
        on = not self.meeting.survey_open
        if self.main.survey_key_applies(on=on, anywhere=True):
            self.main.action_survey(on)

    def action_overview(self) -> None:
        if not isinstance(self.screen, OverviewScreen):
            self._back_to_main()
            self.push_screen(OverviewScreen(self.meeting, session_dir=self.session_dir))

    def action_needs(self) -> None:
        if not isinstance(self.screen, NeedsScreen):
            self._back_to_main()
            self.push_screen(NeedsScreen(self.meeting))

    @property
    def session_dir(self) -> Path | None:
        path = getattr(self.meeting.store, "path", None)
        if path is None:
            return None
        path = Path(path)
        return path if path.is_dir() else path.parent

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME if self.theme == DARK_THEME else DARK_THEME
        self.say(T("theme.light" if self.theme == LIGHT_THEME else "theme.dark", self.lang))

    def action_auto_reveal(self) -> None:
        self.main.action_auto_reveal()

    # ------------------------------------------------------------ what screens ask for

    @on(Say)
    def _said(self, message: Say) -> None:
        self.say(message.text, severity=message.severity)

    @on(MeetingCall)
    async def _meeting_call(self, message: MeetingCall) -> None:
        if message.back_to_main:
            self._back_to_main()
        if await self.run_meeting(message.call(), wait=message.wait) and message.done:
            self.say(message.done)

    @on(GoTo)
    async def _go_to(self, message: GoTo) -> None:
        await self.go_to(message.item_id)

    @on(EditAction)
    def _edit_action(self, message: EditAction) -> None:
        self.edit_action(message.action)

    @on(EditNeed)
    def _edit_need(self, message: EditNeed) -> None:
        self.edit_need(message.need)

    @on(Requested)
    async def _requested(self, message: Requested) -> None:
        await self.run_action(message.action)

    # ------------------------------------------------------------ keyboard votes, moderation

    def action_tally(self) -> None:
        question = self.current_question()
        if question is None or not question.kind.tallied:
            self.say(T("tally.not_possible", self.lang), severity="warning")
            return
        self._back_to_main()
        self.push_screen(
            TallyScreen(question, self.meeting.tally(question.id)),
            lambda counts: self._save_tally(question, counts),
        )

    async def _save_tally(self, question: Question, counts: dict[str, int] | None) -> None:
        if counts is None:
            return
        if await self.run_meeting(self.meeting.set_tally(question.id, counts)):
            self.say(T("tally.saved", self.lang))

    def action_private(self) -> None:
        question = self.current_question()
        if question is None or not question.kind.typed_privately:
            self.say(T("private.not_possible", self.lang), severity="warning")
            return
        from mognad_tui.model import Voting

        if self.meeting.voting(question.id) is not Voting.OPEN:
            self.say(T("private.not_open", self.lang), severity="warning")
            return
        self._back_to_main()
        self.push_screen(PrivateVoteScreen(self.meeting, question))

    def action_moderate(self) -> None:
        question = self.current_question()
        if question is None or question.kind is not Kind.TEXT:
            self.say(T("error.not_question", self.lang), severity="warning")
            return
        self._back_to_main()
        # Opens blanked: the room sees "Paus", not the texts under review, and keeps seeing
        # it after the dialog closes until the facilitator shows the meeting again.
        self.push_screen(PauseScreen())
        self.push_screen(ModerationScreen(self.meeting, question))

    # ------------------------------------------------------------ needs, actions, polls

    def action_new_need(self) -> None:
        entry = self.meeting.current
        dimension = getattr(entry.item, "dimension", None) if entry else None
        self.edit_need(Need("", NeedKind.COMPETENCE, "", dimension))

    def _open_form(
        self, form: Form, save: Callable[[Any], Awaitable[Any]], saved: Callable[[], str]
    ) -> None:
        """Save hands the form's value to a meeting call (``save``) and, once the meeting has
        kept it, says ``saved()``; Cancel does nothing."""

        async def done(value: Any) -> None:
            if value is not None and await self.run_meeting(save(value)):
                self.say(saved())

        self.push_screen(form, done)

    def edit_need(self, need: Need) -> None:
        form = NeedForm(self.meeting.question_set.dimensions, need)
        self._open_form(form, self.meeting.save_need, lambda: T("need_form.saved", self.lang))

    def edit_action(self, action: ActionItem) -> None:
        form = ActionForm(action, self.meeting.needs())
        self._open_form(form, self.meeting.save_action, lambda: T("action_form.saved", self.lang))

    def action_new_poll(self) -> None:
        self._open_form(PollForm(), self._start_poll, lambda: T("poll_form.started", self.lang))

    async def _start_poll(self, draft: PollDraft) -> None:
        self._back_to_main()
        await self.meeting.add_poll(
            draft.text, draft.kind, draft.options, dont_know=draft.dont_know
        )

    async def action_dot_vote(self) -> None:
        """Step 4's screen stays on view: the room reads the needs it votes on in full."""
        if len(self.meeting.needs()) < 2:
            self.say(T("needs.too_few", self.lang), severity="warning")
            return
        if not isinstance(self.screen, NeedsScreen):
            self.action_needs()
        ok = await self.run_meeting(
            self.meeting.start_needs_dot_vote(T("needs.dot_vote_text", self.lang))
        )
        if ok:
            self.say(T("needs.dot_vote_started", self.lang))

    def action_threshold(self) -> None:
        def saved() -> str:
            return T("threshold.saved", self.lang, value=self.meeting.threshold)

        self._open_form(ThresholdForm(), self.meeting.set_threshold, saved)

    # ------------------------------------------------------------ export

    def action_export(self) -> None:
        if self.exporter is None:
            self.say(T("export.unavailable", self.lang), severity="warning")
            return
        self.main.flush_notes()
        self.say(T("export.started", self.lang))
        self.run_worker(self._keep_then_export(), group="export", exit_on_error=False)

    async def _keep_then_export(self) -> None:
        """An export is a showing: the meeting keeps what it is about to show first, then the
        export renders the live record (taken here, on the loop) in a thread."""
        if await self.run_meeting(self.meeting.remember_shown()):
            self._export(self.meeting.record())

    @work(thread=True, group="export", exit_on_error=False)
    def _export(self, record: SessionRecord) -> None:
        assert self.exporter is not None
        try:
            path = self.exporter(record)
        except Exception as exc:
            self.call_from_thread(
                self.say,
                T("export.failed", self.lang, error=str(exc) or type(exc).__name__),
                severity="error",
            )
            return
        self.call_from_thread(self.say, T("export.done", self.lang, path=str(path)))
