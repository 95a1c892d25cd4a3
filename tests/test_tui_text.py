"""The terminal's text widgets: cleaned, literal text, redrawn only when it changed.

Navigation sets a dozen labels on every key press; a label whose text did not change must not
be rebuilt (each rebuild costs a layout pass on the projector's screen).
"""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Label

from mognad_tui.tui.base import TextBlock, TextLabel, show_text

EVIL = "Titel\x1b]0;PWNED\x07\x1b[2J\u202e [b]fet[/b]"


class TextApp(App[None]):
    def compose(self) -> ComposeResult:
        yield TextLabel(id="label", markup=False)
        yield TextBlock(id="block", markup=False)
        yield Label(id="plain")


@pytest.mark.parametrize("widget_id", ["label", "block"])
async def test_text_is_shown_cleaned_and_literal(widget_id: str) -> None:
    app = TextApp()
    async with app.run_test():
        widget = app.query_one(f"#{widget_id}")
        show_text(widget, EVIL)
        shown = str(widget.render())
        assert "\x1b" not in shown and "\u202e" not in shown
        assert "Titel" in shown and "[b]fet[/b]" in shown  # literal: no markup applied


@pytest.mark.parametrize("widget_id", ["label", "block"])
async def test_unchanged_text_is_not_redrawn(widget_id: str) -> None:
    app = TextApp()
    async with app.run_test():
        widget = app.query_one(f"#{widget_id}")
        show_text(widget, "Fråga 1 av 12")
        drawn = widget.visual
        show_text(widget, "Fråga 1 av 12")
        assert widget.visual is drawn
        show_text(widget, "Fråga 2 av 12")
        assert widget.visual is not drawn
        assert "Fråga 2 av 12" in str(widget.render())


async def test_a_plain_label_still_shows_the_text_cleaned() -> None:
    """A Label made without the text class still shows the text, cleaned, on every call."""
    app = TextApp()
    async with app.run_test():
        plain = app.query_one("#plain", Label)
        show_text(plain, EVIL)
        shown = str(plain.render())
        assert "\x1b" not in shown and "Titel" in shown and "[b]fet[/b]" in shown
