"""A countdown for a discussion prompt: start, pause, reset; counts down the prompt's minutes.

It keeps its time per prompt while the meeting moves on, so going back to a prompt shows where
its discussion stopped. Time is measured with the loop's monotonic clock, not by counting
ticks, so a busy loop never makes the group's time run slow.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Digits, Label

from mognad_tui.tui.base import Localized, TextLabel, show_text

DEFAULT_MINUTES = 5


@dataclass
class TimerState:
    total: float
    left: float
    started_at: float | None = None  # monotonic time when it last started running

    def remaining(self, now: float) -> float:
        if self.started_at is None:
            return self.left
        return max(0.0, self.left - (now - self.started_at))


class CountdownTimer(Localized, Horizontal):
    DEFAULT_CSS = """
    CountdownTimer { height: auto; }
    CountdownTimer Digits { width: auto; margin: 0 2 0 0; }
    CountdownTimer #timer-side { width: 1fr; height: auto; }
    CountdownTimer.-done Digits { color: $warning; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._states: dict[str, TimerState] = {}
        self._item: str | None = None
        self._ticker = None

    def compose(self) -> ComposeResult:
        yield Digits("00:00", id="timer-digits")
        with Vertical(id="timer-side"):
            yield TextLabel(id="timer-state", markup=False)
            yield Label(self.t("timer.hint"), id="timer-hint", markup=False)

    def on_mount(self) -> None:
        self._ticker = self.set_interval(0.5, self._tick, pause=True)

    @property
    def state(self) -> TimerState | None:
        return self._states.get(self._item) if self._item else None

    def show_item(self, item_id: str, minutes: int | None) -> None:
        self._item = item_id
        if item_id not in self._states:
            total = float((minutes or DEFAULT_MINUTES) * 60)
            self._states[item_id] = TimerState(total, total)
        self._tick()

    @property
    def running(self) -> bool:
        state = self.state
        return state is not None and state.started_at is not None

    def toggle(self) -> None:
        state = self.state
        if state is None:
            return
        now = time.monotonic()
        if state.started_at is None:
            if state.remaining(now) <= 0:
                state.left = state.total
            state.started_at = now
        else:
            state.left = state.remaining(now)
            state.started_at = None
        self._tick()

    def reset(self) -> None:
        state = self.state
        if state is None:
            return
        state.left = state.total
        state.started_at = None
        self._tick()

    def _tick(self) -> None:
        state = self.state
        if state is None or not self.is_mounted:
            return
        left = state.remaining(time.monotonic())
        if state.started_at is not None and left <= 0:
            state.left, state.started_at = 0.0, None
        seconds = int(left + 0.999)
        digits = self.query_one("#timer-digits", Digits)
        value = f"{seconds // 60:02d}:{seconds % 60:02d}"
        if digits.value != value:
            digits.update(value)
        if left <= 0:
            key = "timer.done"
        elif state.started_at is not None:
            key = "timer.running"
        else:
            key = "timer.paused"
        show_text(self.query_one("#timer-state", Label), self.t(key))
        self.set_class(left <= 0, "-done")
        if self._ticker is not None:
            if any(s.started_at is not None for s in self._states.values()):
                self._ticker.resume()
            else:
                self._ticker.pause()
