"""The command palette (Ctrl+P): every action and every agenda item, found by typing.

The facilitator need not remember a key: "gå till nätfiske", "snabbfråga", "exportera" all
work. Prompts are literal ``Content`` because item texts may hold brackets.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from mognad_tui.tui.agenda import position
from mognad_tui.tui.catalog import T
from mognad_tui.tui.messages import GoTo

if TYPE_CHECKING:
    from mognad_tui.tui.messages import Host

#: (catalogue key of the title, app action) in the order the palette lists them.
ACTIONS: tuple[tuple[str, str], ...] = (
    ("cmd.new_poll", "new_poll"),
    ("cmd.new_need", "new_need"),
    ("cmd.needs", "needs"),
    ("cmd.dot_vote", "dot_vote"),
    ("cmd.overview", "overview"),
    ("cmd.export", "export"),
    ("cmd.join", "join"),
    ("cmd.present", "present"),
    ("cmd.survey", "survey"),
    ("cmd.blank", "blank"),
    ("cmd.tally", "tally"),
    ("cmd.private", "private"),
    ("cmd.moderate", "moderate"),
    ("cmd.auto_reveal", "auto_reveal"),
    ("cmd.threshold", "threshold"),
    ("cmd.theme", "toggle_theme"),
    ("cmd.help", "help"),
    ("cmd.quit", "request_quit"),
)


class MognadCommands(Provider):
    @property
    def mognad(self) -> Host:
        return self.app  # type: ignore[return-value]

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        app = self.mognad
        lang = app.lang
        out: list[tuple[str, Callable[[], object], str]] = []
        for key, action in ACTIONS:
            out.append((T(key, lang), partial(self.app.run_action, action), T(key + "_help", lang)))
        for entry in app.meeting.agenda():
            number = position(app.meeting, entry, lang).number
            label = T("cmd.go_to", lang, label=f"{number} {entry.item.text}")
            go_to = partial(self.app.post_message, GoTo(entry.item.id))
            out.append((label, go_to, T("cmd.go_to_help", lang)))
        return out

    async def discover(self) -> Hits:
        for title, callback, help_text in self._commands()[: len(ACTIONS)]:
            yield DiscoveryHit(Content(title), callback, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, callback, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, text=title, help=help_text)
