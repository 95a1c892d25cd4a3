"""Small shared pieces of the terminal face: language lookup and translated key bindings.

Bindings are declared once per class with catalogue keys as descriptions
(``Binding("r", "reveal", "key.reveal")``) and translated where a screen lists its active
bindings (the footer and the key panel read ``Screen.active_bindings``), so they speak the
meeting's language without two copies of every binding list.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual.binding import ActiveBinding, Binding
from textual.content import Content
from textual.dom import DOMNode
from textual.reactive import var
from textual.widgets import Label, Static

from mognad_tui.i18n import DEFAULT_LANG
from mognad_tui.meeting import AnswerRefused
from mognad_tui.model import TERMINAL_LIMIT, clean_text
from mognad_tui.tui.catalog import T

if TYPE_CHECKING:
    from mognad_tui.tui.messages import Host


def current_lang(node: DOMNode) -> str:
    """The meeting's language, from the running app (Swedish when there is none)."""
    try:
        app = node.app
    except Exception:  # no app runs (Textual's NoActiveAppError lives in a private module)
        return DEFAULT_LANG
    return getattr(app, "lang", DEFAULT_LANG)


#: Help and quit: the app's keys everywhere, and the main screen lists them again where they
#: must stand in its footer (before its own keys, so a narrow footer keeps them in view).
HELP_AND_QUIT = (
    Binding("question_mark", "app.help", "key.help", key_display="?"),
    Binding("q", "app.request_quit", "key.quit"),
)


def _localized(binding: Binding, lang: str) -> Binding:
    changes = {}
    if binding.description.startswith("key."):
        changes["description"] = T(binding.description, lang)
    if binding.key_display and binding.key_display.startswith("help."):
        changes["key_display"] = T(binding.key_display, lang)
    return replace(binding, **changes) if changes else binding


class Localized:
    """Mixin for widgets and screens: ``self.t(key, **fields)`` in the meeting's language."""

    def t(self, key: str, **fields: Any) -> str:
        return T(key, current_lang(self), **fields)  # type: ignore[arg-type]

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """On a screen: its active bindings (the app's, the screen's and the focused
        widget's), with catalogue keys translated for the footer and the key panel."""
        lang = current_lang(self)  # type: ignore[arg-type]
        return {
            key: active._replace(binding=_localized(active.binding, lang))
            for key, active in super().active_bindings.items()  # type: ignore[misc]
        }

    @property
    def mognad(self) -> Host:
        return self.app  # type: ignore[attr-defined, no-any-return]


def count_of(node: Localized, key: str, count: int, total: int) -> str:
    """ "8 av 12" when the total is known and not passed (a phone may answer before it is
    counted as present); otherwise only the count, from ``key``'s ``_plain`` variant."""
    if total and count <= total:
        return node.t(key, count=count, total=total)
    return node.t(f"{key}_plain", count=count)


def is_disk_full(exc: BaseException) -> bool:
    """Whether a failed write failed because the disk is full: the meeting turns every failed
    write into ``AnswerRefused``, so its code is the one place to look."""
    return isinstance(exc, AnswerRefused) and exc.code == "store_full"


def refusal_text(exc: BaseException, lang: str) -> str:
    """A sentence for a refused action: a full disk gets its own clear warning."""
    if is_disk_full(exc):
        return T("error.store_full", lang)
    if isinstance(exc, AnswerRefused):
        try:
            reason = T(f"reason.{exc.code}", lang)
        except KeyError:
            reason = exc.code
        return T("error.refused", lang, reason=reason)
    return T("error.store", lang, error=str(exc) or type(exc).__name__)


def _cleaned(text: str) -> Content:
    """Literal, and cleaned: Textual passes an ESC or a bidi override through to the terminal,
    and the text may come from a session folder someone edited."""
    return Content(clean_text(text, TERMINAL_LIMIT, multiline=True))


class _Shown:
    """Text held in a Textual reactive: Textual calls ``watch_text`` only when the text
    changed, so the update (and the layout pass it costs) is skipped otherwise; navigation
    repaints a dozen labels on every key."""

    text: var[str] = var("", init=False)

    def watch_text(self, text: str) -> None:
        self.update(_cleaned(text))  # type: ignore[attr-defined]  # mixed only into Statics


class TextLabel(_Shown, Label):
    """A Label for text from the meeting, the catalogue or a session folder (``show_text``)."""


class TextBlock(_Shown, Static):
    """The same for a block that takes the full width and wraps (a question, a help text)."""


def show_text(widget: Static, text: str) -> None:
    """Show ``text`` cleaned and literal; a ``TextLabel`` or ``TextBlock`` skips an unchanged
    text. Any other Label is still updated (cleaned, every time) rather than refused: a label
    added without the new class must not stop a meeting."""
    if isinstance(widget, _Shown):
        widget.text = text
    else:
        widget.update(_cleaned(text))
