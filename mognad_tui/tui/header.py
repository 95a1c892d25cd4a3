"""The top line: "mognad · <group> · Steg 2 av 4: Självskattning", status marks and the clock.

The clock comes from the app's ``clock`` callable so snapshot tests can freeze it.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from mognad_tui.tui.base import Localized, TextLabel, show_text


class TopBar(Localized, Horizontal):
    DEFAULT_CSS = """
    TopBar {
        height: 1;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    TopBar #top-title { width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; text-style: bold; }
    TopBar #top-status { width: auto; color: $text-accent; margin: 0 2 0 0; }
    TopBar #top-clock { width: 5; }
    """

    def compose(self) -> ComposeResult:
        yield TextLabel(id="top-title", markup=False)
        yield TextLabel(id="top-status", markup=False)
        yield TextLabel(id="top-clock", markup=False)

    def on_mount(self) -> None:
        self.tick()
        self.set_interval(1.0, self.tick)

    def tick(self) -> None:
        show_text(self.query_one("#top-clock", Label), self.mognad.clock().strftime("%H:%M"))

    def set_title(self, group: str, step: str) -> None:
        parts = [self.t("header.app")]
        if group:
            parts.append(group)
        if step:
            parts.append(step)
        show_text(self.query_one("#top-title", Label), " · ".join(parts))

    def set_status(self, text: str) -> None:
        show_text(self.query_one("#top-status", Label), text)
