"""How people join: the QR code, the address and the short code, and how many are here.

The side panel shows it beside the agenda on wide screens; on small screens (80x24) it gives
way to one compact line, and ``g`` shows the code full-screen, as large as the terminal allows,
for scanning from the back of the room.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Digits, Label

from mognad_tui.tui.base import Localized, TextLabel, count_of, show_text
from mognad_tui.tui.messages import MeetingChanged
from mognad_tui.tui.qr import FULL_BORDER, PANEL_BORDER, QRCode, full_screen_fit, qr_size


@dataclass(frozen=True)
class JoinState:
    """What the panel shows; the app builds it from the meeting and the server."""

    url: str
    code: str
    joined: int
    answered: int | None  # for the current question, None when the item is not a question
    error: str  # a sentence when the server did not start or is missing, else ""
    notice: str = ""  # a warning for the facilitator (typed codes paused), else ""
    others: tuple[str, ...] = ()  # other addresses a phone may reach the page on
    hint: str = ""  # what to try when no phone has joined for a while, else ""
    expected: int = 0  # devices counted as present (see Meeting.devices_counted), if more
    moved: str = ""  # the address changed since the last run: phones must scan again, else ""


def _digits_safe(code: str) -> bool:
    return bool(code) and all(c in "0123456789ABCDEF-" for c in code.upper())


class JoinPanel(Localized, Vertical):
    """The side panel."""

    def compose(self) -> ComposeResult:
        yield Label(self.t("join.title"), classes="panel-title", markup=False)
        yield QRCode(border=PANEL_BORDER, fit="parent", id="join-qr")
        yield TextLabel(id="join-url", markup=False)
        with Horizontal(id="join-code-row"):
            yield Label(self.t("join.code"), id="join-code-label", markup=False)
            yield Digits("", id="join-code")
        yield TextLabel(id="join-code-text", markup=False)
        yield TextLabel(id="join-joined", markup=False)
        yield TextLabel(id="join-answered", markup=False)
        yield TextLabel(id="join-error", markup=False)
        yield TextLabel(id="join-notice", markup=False)
        yield TextLabel(id="join-moved", markup=False)
        yield TextLabel(id="join-others", markup=False)
        yield TextLabel(id="join-hint", markup=False)

    def on_resize(self) -> None:
        self.query_one("#join-qr", QRCode).refresh(layout=True)

    def show(self, state: JoinState) -> None:
        qr = self.query_one("#join-qr", QRCode)
        if qr.url != state.url:
            qr.set_url(state.url)
        qr.display = bool(state.url)
        show_text(self.query_one("#join-url", Label), _short_url(state.url))
        digits = _digits_safe(state.code)
        self.query_one("#join-code-row").display = digits
        code = self.query_one("#join-code", Digits)
        if code.value != (state.code if digits else ""):
            code.update(state.code if digits else "")
        code_text = self.query_one("#join-code-text", Label)
        code_text.display = bool(state.code) and not digits
        show_text(code_text, f"{self.t('join.code')}: {state.code}")
        show_text(self.query_one("#join-joined", Label), joined_text(self, state.joined))
        answered = self.query_one("#join-answered", Label)
        answered.display = state.answered is not None
        if state.answered is not None:
            total = max(state.joined, state.expected)
            show_text(answered, count_of(self, "join.answered", state.answered, total))
        error = self.query_one("#join-error", Label)
        error.display = bool(state.error)
        show_text(error, state.error)
        notice = self.query_one("#join-notice", Label)
        notice.display = bool(state.notice)
        show_text(notice, state.notice)
        moved = self.query_one("#join-moved", Label)
        moved.display = bool(state.moved)
        show_text(moved, state.moved)
        others = self.query_one("#join-others", Label)
        others.display = bool(state.others)
        show_text(others, self.t("join.others", addresses=", ".join(state.others)))
        hint = self.query_one("#join-hint", Label)
        hint.display = bool(state.hint)
        show_text(hint, state.hint)


def _short_url(url: str) -> str:
    """What a person without the QR code types: the server's address, whose start page asks
    for the code shown below it. The link's own path carries the long join key, which nobody
    types; ``http://`` is left out (browsers add it), ``https://`` is kept (they would not)."""
    parts = urlsplit(url)
    if not parts.netloc:
        return url
    return parts.netloc if parts.scheme == "http" else f"{parts.scheme}://{parts.netloc}"


def joined_text(node: Localized, joined: int) -> str:
    return node.t("join.joined_one") if joined == 1 else node.t("join.joined", count=joined)


class JoinScreen(Localized, Screen[None]):
    """The QR code full-screen: as large as fits, with the address and the code."""

    BINDINGS = [
        Binding("escape", "dismiss_screen", "key.back"),
        Binding("g", "dismiss_screen", "key.back", show=False),
    ]

    def __init__(self, state: JoinState) -> None:
        super().__init__()
        self.state = state

    #: Rows under the code for the address, the code, the count and the hint; columns beside
    #: it for the same text on a wide screen.
    BELOW_ROWS = 8
    BESIDE_COLS = 40

    def compose(self) -> ComposeResult:
        with Horizontal(id="full-layout"):
            yield QRCode(self.state.url, border=FULL_BORDER, id="full-qr")
            with Vertical(id="full-text"):
                yield Label(Content(_short_url(self.state.url)), id="full-url")
                if _digits_safe(self.state.code):
                    yield Digits(self.state.code, id="full-code")
                else:
                    yield Label(Content(self.state.code), id="full-code-text")
                yield TextLabel(id="full-joined", markup=False)
                yield TextLabel(id="full-hint", markup=False)

    def on_mount(self) -> None:
        self.show(self.state)

    def show(self, state: JoinState) -> None:
        self.state = state
        qr = self.query_one("#full-qr", QRCode)
        if qr.url != state.url:
            qr.set_url(state.url)
            self._fit()
        show_text(self.query_one("#full-joined", Label), joined_text(self, state.joined))
        hint = state.moved or state.error or state.notice or state.hint or self.t("join.scan")
        label = self.query_one("#full-hint", Label)
        show_text(label, hint)
        label.set_class(bool(state.moved), "-moved")

    @on(MeetingChanged)
    def _meeting_changed(self, _message: MeetingChanged) -> None:
        self.show(self.mognad.join_state())

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """The largest code this terminal holds; the text goes where it leaves most room."""
        qr = self.query_one("#full-qr", QRCode)
        if not qr.url:
            return
        width, height = self.size
        fit = full_screen_fit(qr.url, width - 2, height, self.BELOW_ROWS, self.BESIDE_COLS)
        qr.border, qr.scale = fit.border, fit.scale
        self.set_class(fit.beside, "-beside")
        # Beside the code, the text sits at the code's middle height.
        rows = qr_size(qr.url, fit.border, fit.scale)[1]
        self.query_one("#full-text").styles.height = rows if fit.beside else "auto"
        qr.refresh(layout=True)

    def action_dismiss_screen(self) -> None:
        self.dismiss()
