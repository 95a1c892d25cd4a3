"""A discussion prompt (steps 1, 3 and 4): the prompt large, its help text, a timer, and the
facilitator's notes.

Notes are saved as they are typed, half a second after the last key, and the durable write is
awaited in a worker: typing never waits for the disk, yet a full disk is reported on screen (a
clear warning and the text kept in the field) instead of being lost or crashing the meeting.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.timer import Timer
from textual.widgets import Label, Static, TextArea

from mognad_tui.meeting import AgendaEntry, Meeting
from mognad_tui.model import MAX_NOTE_TEXT, Prompt, clean_text
from mognad_tui.tui.agenda import position
from mognad_tui.tui.base import (
    Localized,
    TextBlock,
    TextLabel,
    is_disk_full,
    show_text,
)
from mognad_tui.tui.messages import Say
from mognad_tui.tui.timer import CountdownTimer

#: Seconds of quiet typing after which the notes are written.
SAVE_DELAY = 0.5


class NotesArea(TextArea):
    """The notes field. Esc hands the keys back to the facilitator's navigation."""

    BINDINGS = [Binding("escape", "leave", "key.leave_notes", key_display="Esc")]

    def action_leave(self) -> None:
        self.screen.set_focus(None)


class PromptView(Localized, VerticalScroll):
    def __init__(self, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.meeting = meeting
        self.item: Prompt | None = None
        self._pending: dict[str, str] = {}
        self._saved_text: dict[str, str] = {}
        self._in_flight = 0
        self._save_timer: Timer | None = None
        self._disk_full = False
        self._loading = False
        self._writes: set[asyncio.Future[None]] = set()

    def compose(self) -> ComposeResult:
        yield TextLabel(id="prompt-kicker", classes="kicker", markup=False)
        yield TextBlock(id="prompt-text", classes="big-text", markup=False)
        yield TextBlock(id="prompt-help", classes="help-text", markup=False)
        yield CountdownTimer(id="prompt-timer")
        with Horizontal(id="notes-head"):
            yield Label(self.t("prompt.notes"), id="notes-title", markup=False)
            yield Label(self.t("prompt.notes_hint"), id="notes-hint", markup=False)
            yield TextLabel("", id="notes-saved", markup=False)
        yield TextLabel("", id="notes-warning", markup=False)
        yield NotesArea(id="notes", soft_wrap=True, tab_behavior="focus")

    def on_mount(self) -> None:
        self.query_one("#notes-warning").display = False
        notes = self.query_one("#notes", NotesArea)
        notes.cursor_blink = self.mognad.cursor_blink

    # ------------------------------------------------------------ showing a prompt

    def show_entry(self, entry: AgendaEntry) -> None:
        item = entry.item
        assert isinstance(item, Prompt)
        if self.item is not None and self.item.id != item.id:
            self.flush()
        lang = self.mognad.lang
        pos = position(self.meeting, entry, lang)
        show_text(
            self.query_one("#prompt-kicker", Label),
            self.t("prompt.kicker", step=pos.step, index=pos.index, count=pos.count),
        )
        show_text(self.query_one("#prompt-text", Static), item.text)
        help_text = self.query_one("#prompt-help", Static)
        show_text(help_text, item.help)
        help_text.display = bool(item.help)
        self.query_one(CountdownTimer).show_item(item.id, item.minutes)
        if self.item is None or self.item.id != item.id:
            self.item = item
            # Cleaned as a new note is: the session folder may have been edited.
            saved = clean_text(self.meeting.note(item.id), MAX_NOTE_TEXT, multiline=True)
            text = self._pending.get(item.id, saved)
            self._saved_text.setdefault(item.id, saved)
            self._loading = True
            self.query_one("#notes", NotesArea).load_text(text)
            self._loading = False
        self._show_saved()

    def focus_notes(self) -> None:
        notes = self.query_one("#notes", NotesArea)
        notes.focus()
        notes.move_cursor(notes.document.end)

    @property
    def timer(self) -> CountdownTimer:
        return self.query_one(CountdownTimer)

    # ------------------------------------------------------------ saving notes

    @on(TextArea.Changed, "#notes")
    def _typed(self, event: TextArea.Changed) -> None:
        if self._loading or self.item is None:
            return
        text = event.text_area.text
        if text == self._saved_text.get(self.item.id) and self.item.id not in self._pending:
            return
        self._pending[self.item.id] = text
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(SAVE_DELAY, self.flush)
        self._show_saved()

    def flush(self) -> None:
        """Hand every pending note to the store now; the writes are awaited in workers."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        pending, self._pending = self._pending, {}
        for item_id, text in pending.items():
            try:
                write = self.meeting.set_note(item_id, text)
            except Exception as exc:  # a closed or broken store: say so, keep the text
                self._failed(item_id, text, exc)
                continue
            future = asyncio.ensure_future(write)
            self._writes.add(future)
            future.add_done_callback(self._writes.discard)
            self._in_flight += 1
            self.run_worker(self._await_write(item_id, text, future), group="notes")
        self._show_saved()

    async def drain(self) -> None:
        """Write what is pending and wait until every note write is durable (before quitting)."""
        self.flush()
        if self._writes:
            await asyncio.gather(*list(self._writes), return_exceptions=True)

    async def _await_write(self, item_id: str, text: str, write: Awaitable[None]) -> None:
        try:
            await write
        except Exception as exc:
            self._in_flight -= 1
            self._failed(item_id, text, exc)
            return
        self._in_flight -= 1
        self._saved_text[item_id] = text
        if self._disk_full:
            self._disk_full = False
            self.query_one("#notes-warning").display = False
        self._show_saved()

    def _failed(self, item_id: str, text: str, exc: BaseException) -> None:
        # Keep the text as pending so it is written with the next key or item change.
        self._pending.setdefault(item_id, text)
        warning = self.query_one("#notes-warning", Label)
        if is_disk_full(exc):
            message = self.t("prompt.disk_full")
            if not self._disk_full:
                self.post_message(Say(message, "error"))
            self._disk_full = True
        else:
            message = self.t("prompt.save_error", error=str(exc) or type(exc).__name__)
            self.post_message(Say(message, "error"))
        show_text(warning, message)
        warning.display = True
        self._show_saved()

    def _show_saved(self) -> None:
        found = self.query("#notes-saved")
        if not found:
            return  # not composed yet (a repaint that came before mounting): on_mount shows it
        label = found.first(Label)
        if self._disk_full:
            show_text(label, "")
        elif self._pending or self._in_flight:
            show_text(label, self.t("prompt.saving"))
        elif self.item is not None and self._saved_text.get(self.item.id):
            show_text(label, "✓ " + self.t("prompt.saved"))
        else:
            show_text(label, "")

    @property
    def unsaved(self) -> bool:
        return bool(self._pending) or self._in_flight > 0
