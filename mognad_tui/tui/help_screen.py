"""``?``: every key in one list, in the meeting's language, built from the bindings themselves
so the list cannot drift from what the keys do."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static

from mognad_tui.tui.base import Localized
from mognad_tui.tui.catalog import T

#: How a key is written on the help screen when its name is not what is printed on the key.
KEY_NAMES = {
    "right": "→",
    "left": "←",
    "space": "help.space",
    "enter": "help.enter",
    "escape": "help.escape",
    "question_mark": "?",
    "full_stop": ".",
    "ctrl+p": "Ctrl+P",
    "ctrl+q": "Ctrl+Q",
    "plus": "+",
    "minus": "-",
    "shift+up": "Shift+↑",
    "shift+down": "Shift+↓",
    "delete": "Delete",
    "backspace": "Backspace",
    "tab": "Tab",
}


def key_name(key: str, lang: str) -> str:
    names = []
    for part in key.split(","):
        name = KEY_NAMES.get(part.strip(), part.strip())
        names.append(T(name, lang) if name.startswith("help.") else name)
    return " / ".join(names)


def key_rows(bindings: list[Binding], lang: str) -> list[tuple[str, str]]:
    rows = []
    for b in bindings:
        if not b.description.startswith("key."):
            continue
        rows.append((key_name(b.key, lang), T(b.description, lang)))
    return rows


class HelpScreen(Localized, ModalScreen[None]):
    ALLOW_APP_KEYS = False
    BINDINGS = [
        Binding("escape,question_mark,q", "close", "key.back"),
    ]

    def __init__(self, sections: list[tuple[str, list[tuple[str, str]]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box", classes="dialog"):
            yield Label(self.t("help.title"), classes="dialog-title", markup=False)
            yield Label(self.t("help.intro"), classes="muted", markup=False)
            width = max((len(k) for _, rows in self.sections for k, _ in rows), default=4) + 2
            with Horizontal(id="help-columns"):
                for title, rows in self.sections:
                    parts: list[tuple[str, str] | str] = [(title + "\n", "bold $text-accent")]
                    for key, text in rows:
                        parts.append((key.ljust(width), "bold"))
                        parts.append(text + "\n")
                    yield Static(Content.assemble(*parts), classes="help-section")
            yield Label(self.t("help.close"), classes="muted", markup=False)
        yield Footer(compact=True, show_command_palette=False)

    def action_close(self) -> None:
        self.dismiss()
