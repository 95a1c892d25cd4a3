"""Free text waits for the facilitator: approve (a) or hide (h) each answer, one at a time,
before anything is shown to the group. Texts are drawn as literal Content: participant text
such as ``[@click=app.quit]`` is characters, never markup or an action."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Label, Static

from mognad_tui.meeting import Change
from mognad_tui.tui.base import TextBlock, TextLabel, refusal_text, show_text
from mognad_tui.tui.dialog import LiveDialog
from mognad_tui.tui.messages import MeetingChanged, Say


class ModerationScreen(LiveDialog):
    BOX_ID = "moderation-box"
    TITLE_KEY = "moderation.title"
    INTRO_KEY = "moderation.intro"
    BINDINGS = [
        Binding("a", "decide(True)", "key.approve"),
        Binding("h", "decide(False)", "key.hide"),
        LiveDialog.CLOSE,
    ]

    def compose_body(self) -> ComposeResult:
        yield TextBlock(id="moderation-text", classes="moderation-text")
        yield Label(id="moderation-count", classes="muted", markup=False)
        yield TextLabel(id="moderation-keys", markup=False)

    def on_mount(self) -> None:
        self.refresh_queue()

    @property
    def current(self) -> str | None:
        pending = self.meeting.pending_texts(self.question.id)
        return pending[0] if pending else None

    def refresh_queue(self) -> None:
        pending = self.meeting.pending_texts(self.question.id)
        text = self.query_one("#moderation-text", Static)
        if pending:
            show_text(text, pending[0])
        else:
            show_text(text, self.t("moderation.empty"))
        approved = len(self.meeting.approved_texts(self.question.id))
        self.query_one("#moderation-count", Label).update(
            Content(
                self.t("moderation.count", count=len(pending))
                + " · "
                + self.t("moderation.approved", count=approved)
            )
        )
        keys = f"a {self.t('key.approve')}   h {self.t('key.hide')}   Esc {self.t('key.done')}"
        show_text(self.query_one("#moderation-keys", Label), keys)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "decide":
            return self.current is not None
        return True

    async def action_decide(self, approve: bool) -> None:
        text = self.current
        if text is None:
            return
        try:
            await self.meeting.moderate(self.question.id, text, approve)
        except Exception as exc:
            self.post_message(Say(refusal_text(exc, self.mognad.lang), "error"))
        self.refresh_queue()

    @on(MeetingChanged)
    def _meeting_changed(self, message: MeetingChanged) -> None:
        if message.touches(Change.MODERATION, Change.COUNT):
            self.refresh_queue()
