"""The join QR code as terminal text: half-block characters, black on white, with a quiet zone.

A terminal cell is about twice as tall as it is wide, so one module drawn as the upper or lower
half of a cell is square. The colours are fixed RGB (never ANSI names, which the terminal's own
palette may remap, and never theme colours): phones need dark modules on a light ground whatever
the room's theme is. ``segno.make_qr`` (never ``segno.make``, which may pick a Micro QR that
many phones cannot read).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import segno
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

QR_STYLE = Style(color="#000000", bgcolor="#ffffff")
#: Quiet zone in modules. The standard asks for 4; 2 is what most phone readers need and saves
#: width in the side panel. The full-screen view uses 4 when that costs no size; its page is
#: white around the code, so a narrower drawn zone (down to ``MIN_BORDER``) still leaves a
#: wide light margin, except at the screen's own edge.
PANEL_BORDER = 2
FULL_BORDER = 4
MIN_BORDER = 1

_HALF = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}


@lru_cache(maxsize=16)
def qr_matrix(url: str, border: int) -> tuple[tuple[bool, ...], ...]:
    """Rows of dark (True) and light modules, quiet zone included."""
    qr = segno.make_qr(url)
    return tuple(tuple(bool(m) for m in row) for row in qr.matrix_iter(scale=1, border=border))


def qr_size(url: str, border: int, scale: int = 1) -> tuple[int, int]:
    """(columns, rows) the code takes at ``scale`` (modules per half-cell)."""
    side = len(qr_matrix(url, border)) * scale
    return side, (side + 1) // 2


def fitting_scale(url: str, border: int, width: int, height: int) -> int:
    """The largest whole scale that fits ``width`` x ``height`` cells; 0 when none does."""
    scale = 0
    while True:
        cols, rows = qr_size(url, border, scale + 1)
        if cols > width or rows > height:
            return scale
        scale += 1


def best_scale(url: str, border: int, width: int, height: int) -> int:
    """The largest whole scale that fits ``width`` x ``height`` cells (at least 1)."""
    return max(1, fitting_scale(url, border, width, height))


@dataclass(frozen=True)
class Fit:
    """How the full-screen code is drawn: its scale and quiet zone, and whether the address
    and the code go beside it (a wide screen) or under it."""

    scale: int
    border: int
    beside: bool


def full_screen_fit(url: str, width: int, height: int, below_rows: int, beside_cols: int) -> Fit:
    """The largest code the screen holds, with room for the text under or beside it.

    Only whole scales keep every module the same size (a reader samples module centres), so
    the choice is between layouts and quiet zones: a 120x36 projector fits a code twice as
    large with the text beside it and a narrow drawn quiet zone (the page around it is white)
    as with 4 modules and the text under it. Ties go to the wider quiet zone, then to the text
    under the code."""
    candidates = [
        Fit(
            fitting_scale(
                url,
                border,
                width - (beside_cols if beside else 0),
                height - (0 if beside else below_rows),
            ),
            border,
            beside,
        )
        for border in (FULL_BORDER, PANEL_BORDER, MIN_BORDER)
        for beside in (False, True)
    ]
    best = max(candidates, key=lambda f: (f.scale, f.border, not f.beside))
    return best if best.scale else Fit(1, PANEL_BORDER, False)


def qr_text(url: str, *, border: int = PANEL_BORDER, scale: int = 1) -> Text:
    """The QR code of ``url`` as Rich text, one line per two module rows."""
    matrix = qr_matrix(url, border)
    pixels = [tuple(m for m in row for _ in range(scale)) for row in matrix for _ in range(scale)]
    if len(pixels) % 2:
        pixels.append(tuple(False for _ in pixels[0]))
    lines = []
    for top, bottom in zip(pixels[0::2], pixels[1::2], strict=True):
        lines.append("".join(_HALF[pair] for pair in zip(top, bottom, strict=True)))
    return Text("\n".join(lines), style=QR_STYLE, no_wrap=True, overflow="crop", end="")


class QRCode(Widget):
    """A QR code that picks the largest scale fitting its region when ``fit`` is set."""

    DEFAULT_CSS = """
    QRCode {
        width: auto;
        height: auto;
    }
    """

    def __init__(
        self, url: str = "", *, border: int = PANEL_BORDER, fit: str = "", **kwargs: Any
    ) -> None:
        """``fit``: "" draws at ``scale`` (one module per half-cell unless set); "parent"
        grows to the parent's width. The full-screen view sets ``border`` and ``scale`` from
        :func:`full_screen_fit`."""
        super().__init__(**kwargs)
        self.url = url
        self.border = border
        self.fit = fit
        self.scale = 1

    def set_url(self, url: str) -> None:
        self.url = url
        self.refresh(layout=True)

    def _scale(self) -> int:
        if self.fit != "parent" or not self.url or not self.is_mounted or self.parent is None:
            return self.scale
        width = self.parent.content_region.width  # type: ignore[attr-defined]
        height = self.screen.size.height - 16
        return best_scale(self.url, self.border, max(1, width), max(1, height))

    def get_content_width(self, container, viewport) -> int:  # type: ignore[override]
        return qr_size(self.url, self.border, self._scale())[0] if self.url else 0

    def get_content_height(self, container, viewport, width: int) -> int:  # type: ignore[override]
        return qr_size(self.url, self.border, self._scale())[1] if self.url else 0

    def render(self) -> Text:
        if not self.url:
            return Text("")
        return qr_text(self.url, border=self.border, scale=self._scale())
