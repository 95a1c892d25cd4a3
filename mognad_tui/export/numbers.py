"""Numbers the way each language writes them, for the exports.

A thin layer over :mod:`mognad_tui.i18n` (Babel) so that every export rounds the same way:
means and spreads with one decimal, medians without decimals when they are whole, changes
with an explicit sign, and CSV numbers without thousands separators (Excel reads ``1 234,5``
with a no-break space as text).
"""

from __future__ import annotations

from mognad_tui.i18n import format_number, format_percent

#: Decimals of a figure in the data exports (JSON, summary): enough for a script, no float noise.
DATA_DIGITS = 4

#: Typographic minus sign: what Swedish (and careful English) print for negative changes.
MINUS = "\u2212"


def rounded(value: float | None) -> float | None:
    """A figure for the data exports, rounded alike so the JSON export and the summary agree."""
    return None if value is None else round(value, DATA_DIGITS)


def decimal(value: float | None, lang: str, decimals: int = 1) -> str:
    """``2,9`` / ``2.9``; an en dash when there is no value."""
    if value is None:
        return "–"
    return format_number(value, lang, decimals)


def median(value: float | None, lang: str) -> str:
    """A median: ``3`` when whole, ``2,5`` between two points."""
    if value is None:
        return "–"
    return format_number(value, lang, 0 if float(value).is_integer() else 1)


def signed(value: float | None, lang: str) -> str:
    """A change: ``+0,4``, ``−0,2``, ``0,0``."""
    if value is None:
        return "–"
    rounded = round(value, 1)
    if rounded == 0:
        return format_number(0.0, lang, 1)
    sign = "+" if rounded > 0 else MINUS
    return sign + format_number(abs(rounded), lang, 1)


def percent(fraction: float, lang: str) -> str:
    """``12 %`` / ``12%``."""
    return format_percent(fraction, lang)


def csv_number(value: float | None, lang: str, decimals: int = 2) -> str:
    """A CSV figure: decimal comma in Swedish, point in English, no grouping, empty if none."""
    if value is None:
        return ""
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if lang == "sv" else text
