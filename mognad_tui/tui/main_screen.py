"""The facilitator's main screen: agenda, the current item large in the centre, the join panel.

Keys that move through the meeting live here (not on the app) so they are off whenever another
screen (a form, the private vote) is in front. Keys that do not fit the current item (the timer
on a question, reveal on a prompt) are switched off and leave the footer.
"""

from __future__ import annotations

from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Label

from mognad_tui.meeting import Change, Meeting
from mognad_tui.model import Kind, Prompt, Question, Voting
from mognad_tui.tui.agenda import Agenda, step_heading
from mognad_tui.tui.base import HELP_AND_QUIT, Localized, TextLabel, show_text
from mognad_tui.tui.header import TopBar
from mognad_tui.tui.join import JoinPanel, joined_text
from mognad_tui.tui.messages import MeetingCall, MeetingChanged, Requested
from mognad_tui.tui.prompt_view import NotesArea, PromptView
from mognad_tui.tui.question_view import QuestionView, ResultView

PROMPT_ACTIONS = {"notes", "timer", "timer_reset"}
QUESTION_ACTIONS = {"toggle_open", "reveal", "hide_results", "tally", "private"}
#: Changes after which the answer counts and the join panel are drawn again.
REFRESH_COUNTS = frozenset(Change) - {Change.NEEDS, Change.ACTIONS, Change.DISK}


class MainScreen(Localized, Screen[None]):
    AUTO_FOCUS = None

    BINDINGS = [
        Binding("right,n", "next", "key.next", key_display="→"),
        Binding("left,p", "prev", "key.prev", key_display="←"),
        # As ``r`` below: the footer names what the key does now, and keeps its room short.
        Binding("space", "toggle_open(True)", "key.open_voting", key_display="help.space"),
        Binding("space", "toggle_open(False)", "key.close_voting", key_display="help.space"),
        # One key, two actions: the footer names what ``r`` does now (show or hide), so
        # nobody hides a result the room is reading while meaning to show it.
        Binding("r", "reveal", "key.reveal"),
        Binding("r", "hide_results", "key.hide_results"),
        *HELP_AND_QUIT,
        # After help and quit: on a narrow footer those two must stay in view, and then the
        # keys that change what the room sees.
        Binding("z", "present(True)", "key.present"),
        Binding("z", "present(False)", "key.present_off"),
        Binding("full_stop", "app.blank", "key.blank", key_display="."),
        # One key, two actions, as ``r``: the footer says whether it opens or closes. Shown
        # in step 2 only (``check_action``), where it comes before the screen's own keys.
        Binding("a", "survey(True)", "key.survey_open"),
        Binding("a", "survey(False)", "key.survey_close"),
        Binding("m", "moderate", "key.moderate"),
        Binding("enter", "notes", "key.notes", key_display="⏎"),
        Binding("s", "timer", "key.timer"),
        Binding("x", "timer_reset", "key.timer_reset", show=False),
        Binding("t", "tally", "key.tally", show=False),
        Binding("k", "private", "key.private", show=False),
        Binding("u", "auto_reveal", "key.auto_reveal", show=False),
    ]

    #: The kind of item shown and its voting state; the footer (which rebuilds all its keys)
    #: is redrawn only when they change.
    keys_for: var[tuple[type | None, Kind | None, Voting | None, bool]] = var(
        (type(None), None, None, False), bindings=True
    )
    #: The presentation view: the question and its result fill the screen; the agenda and
    #: the join panel step aside (the one-line join summary stays) until ``z`` again.
    presenting: var[bool] = var(False, bindings=True)

    def __init__(self, meeting: Meeting) -> None:
        super().__init__(id="main")
        self.meeting = meeting

    def compose(self) -> ComposeResult:
        yield TopBar(id="top")
        with Horizontal(id="body"):
            yield Agenda(self.meeting, id="agenda")
            with Vertical(id="centre"), ContentSwitcher(id="views", initial="prompt-view"):
                yield PromptView(self.meeting, id="prompt-view")
                yield QuestionView(self.meeting, id="question-view")
            yield JoinPanel(id="join")
        yield TextLabel(id="join-compact", markup=False)
        yield Footer(id="footer", compact=True)

    def on_mount(self) -> None:
        self.query_one("#agenda", Agenda).border_title = self.t("agenda.title")
        self.refresh_all()

    #: Rows from which the presentation view spaces the result's bars apart.
    SPACIOUS_ROWS = 36

    def watch_presenting(self, presenting: bool) -> None:
        self.set_class(presenting, "-presenting")
        self._space_result()

    def _space_result(self) -> None:
        spacious = self.presenting and self.size.height >= self.SPACIOUS_ROWS
        self.query_one(ResultView).set_spacious(spacious)

    def on_resize(self) -> None:
        # Below 100 columns the footer needs every cell for the meeting's own keys.
        self.query_one(Footer).show_command_palette = self.size.width >= 100
        self._space_result()

    # ------------------------------------------------------------ refreshing

    @property
    def prompt_view(self) -> PromptView:
        return self.query_one(PromptView)

    @property
    def question_view(self) -> QuestionView:
        return self.query_one(QuestionView)

    def refresh_all(self) -> None:
        self.show_current()
        self.refresh_join()
        self.refresh_status()

    def show_current(self) -> None:
        """Show the meeting's current item in the centre, the header and the agenda."""
        entry = self.meeting.current
        self.query_one(Agenda).rebuild()
        top = self.query_one(TopBar)
        group = self.meeting.info.title
        if entry is None:
            top.set_title(group, "")
            return
        top.set_title(group, step_heading(self.meeting, entry, self.mognad.lang))
        switcher = self.query_one("#views", ContentSwitcher)
        area = self.meeting.walked_area
        if self.meeting.survey_open or area is not None:
            if isinstance(self.focused, NotesArea):
                self.set_focus(None)
            self.prompt_view.flush()
            if area is None:
                self.question_view.show_survey()
            else:
                self.question_view.show_area(*area)
            switcher.current = "question-view"
        elif isinstance(entry.item, Prompt):
            if isinstance(self.focused, NotesArea) and self.prompt_view.item is not entry.item:
                self.set_focus(None)
            self.prompt_view.show_entry(entry)
            switcher.current = "prompt-view"
        else:
            if isinstance(self.focused, NotesArea):
                self.set_focus(None)
            self.prompt_view.flush()
            self.question_view.show_entry(entry)
            switcher.current = "question-view"
        self._refresh_keys()

    def _refresh_keys(self) -> None:
        """Redraw the footer only when the kind of item or its voting state changed: it
        rebuilds all its keys."""
        item = self.current_item
        state = self.meeting.voting(item.id) if isinstance(item, Question) else None
        self.keys_for = (type(item), getattr(item, "kind", None), state, self.meeting.survey_open)

    @on(MeetingChanged)
    def _meeting_changed(self, message: MeetingChanged) -> None:
        with self.app.batch_update():
            if message.touches(Change.AGENDA, Change.POLL):
                self.show_current()
            elif message.touches(Change.VOTING):
                self.refresh_voting()
            if message.touches(*REFRESH_COUNTS):
                self.refresh_counts()
            if message.touches(Change.SETTINGS):
                self.refresh_status()
                if isinstance(self.current_item, Question):
                    self.question_view.update_state()

    def survey_key_applies(self, *, on: bool, anywhere: bool = False) -> bool:
        """Does ``a`` open (``on``) or close the whole survey now? On the screen's own keys
        only in the survey's step, so the footer keeps its room elsewhere (``anywhere``: the
        command palette, which has room)."""
        meeting = self.meeting
        survey = meeting.question_set.survey
        if not survey or meeting.self_paced or on is meeting.survey_open:
            return False
        entry = meeting.current
        survey_step = meeting.question_set.step_of(survey[0].id)
        in_step = entry is not None and survey_step is not None and entry.step == survey_step.number
        return anywhere or in_step or meeting.survey_open or meeting.walked_area is not None

    def _mode(self) -> str:
        """What the centre should show: the whole survey open, one area's results, or the
        current item (``QuestionView.mode`` tells what it shows)."""
        if self.meeting.survey_open:
            return "survey"
        return "question" if self.meeting.walked_area is None else "area"

    def refresh_voting(self) -> None:
        if self._mode() != "question" or self.question_view.mode != "question":
            self.show_current()  # into or out of the whole survey or an area's results
            self.refresh_join()
            return
        self.query_one(Agenda).rebuild()
        if isinstance(self.current_item, Question):
            self.question_view.update_state()
        self._refresh_keys()
        self.refresh_join()

    def refresh_counts(self) -> None:
        if isinstance(self.current_item, Question) or self.question_view.mode == "survey":
            self.question_view.update_counts()
        self.refresh_join()

    def refresh_join(self) -> None:
        state = self.mognad.join_state()
        self.query_one(JoinPanel).show(state)
        compact = self.query_one("#join-compact", Label)
        if state.code:
            text = self.t("join.compact", code=state.code, joined=joined_text(self, state.joined))
        else:
            text = state.error
        if state.error and state.code:
            text = f"{text} · {state.error}"
        if state.notice:
            text = f"{text} · {state.notice}"
        if state.hint:  # one line has no room for the whole hint: the short form first
            text = f"{self.t('join.no_phone_short')} · {text}"
        show_text(compact, text)

    def refresh_status(self) -> None:
        parts = []
        if self.mognad.demo:
            parts.append(self.t("status.demo"))
        if self.meeting.auto_reveal:
            parts.append(self.t("status.auto_on"))
        self.query_one(TopBar).set_status(" · ".join(parts))

    @property
    def current_item(self) -> Prompt | Question | None:
        entry = self.meeting.current
        return entry.item if entry else None

    # ------------------------------------------------------------ which keys apply

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        item = self.current_item
        if action in PROMPT_ACTIONS:
            return isinstance(item, Prompt)
        if action == "survey":
            return self.survey_key_applies(on=bool(parameters and parameters[0]))
        if action in QUESTION_ACTIONS and (
            not isinstance(item, Question) or self.question_view.mode != "question"
        ):
            return False
        if action == "toggle_open":
            is_open = self.meeting.voting(item.id) is Voting.OPEN  # type: ignore[union-attr]
            return is_open is not bool(parameters and parameters[0])
        if action in ("reveal", "hide_results"):
            revealed = self.meeting.voting(item.id) is Voting.REVEALED  # type: ignore[union-attr]
            return revealed is (action == "hide_results")
        if action == "present":
            return parameters == (not self.presenting,)
        if action == "tally":
            return isinstance(item, Question) and item.kind.tallied
        if action == "private":
            return isinstance(item, Question) and item.kind.typed_privately
        if action == "moderate":
            return isinstance(item, Question) and item.kind is Kind.TEXT
        return True

    # ------------------------------------------------------------ actions

    def action_next(self) -> None:
        self.post_message(MeetingCall(partial(self.meeting.step, +1), wait=False))

    def action_prev(self) -> None:
        self.post_message(MeetingCall(partial(self.meeting.step, -1), wait=False))

    def action_toggle_open(self, opening: bool = True) -> None:
        """Space opens a question that is not open and closes one that is (``opening`` only
        names which of the two the footer offered)."""
        item = self.current_item
        if isinstance(item, Question):
            call = partial(self.meeting.toggle_open, item.id)
            self.post_message(MeetingCall(call, wait=False))

    def action_reveal(self) -> None:
        item = self.current_item
        if isinstance(item, Question):
            call = partial(self.meeting.set_voting, item.id, Voting.REVEALED)
            self.post_message(MeetingCall(call, wait=False))

    def action_hide_results(self) -> None:
        item = self.current_item
        if isinstance(item, Question):
            call = partial(self.meeting.set_voting, item.id, Voting.CLOSED)
            self.post_message(MeetingCall(call, wait=False))

    def action_survey(self, on: bool) -> None:
        """``a``: open the whole survey at once, or close it and show its results by area."""
        call = self.meeting.open_survey if on else self.meeting.close_survey
        self.post_message(MeetingCall(call, wait=False))

    def action_present(self, on: bool) -> None:
        self.presenting = on

    def action_notes(self) -> None:
        if isinstance(self.current_item, Prompt):
            self.prompt_view.focus_notes()

    def action_timer(self) -> None:
        self.prompt_view.timer.toggle()

    def action_timer_reset(self) -> None:
        self.prompt_view.timer.reset()

    def action_auto_reveal(self) -> None:
        turn_on = not self.meeting.auto_reveal
        done = self.t("auto.on" if turn_on else "auto.off")
        self.post_message(MeetingCall(partial(self.meeting.set_auto_reveal, turn_on), done=done))

    def action_tally(self) -> None:
        self.post_message(Requested("tally"))

    def action_private(self) -> None:
        self.post_message(Requested("private"))

    def action_moderate(self) -> None:
        self.post_message(Requested("moderate"))

    def flush_notes(self) -> None:
        """Hand typed notes to the meeting now (before an export shows them)."""
        self.prompt_view.flush()

    async def drain_notes(self) -> None:
        """Write typed notes and wait until they are durable (before quitting)."""
        await self.prompt_view.drain()

    def voting_open(self) -> bool:
        return any(
            self.meeting.voting(e.item.id) is Voting.OPEN
            for e in self.meeting.agenda()
            if isinstance(e.item, Question)
        )
