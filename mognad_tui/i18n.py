"""Messages in Swedish and English, and numbers and dates the way each language writes them.

Swedish is the default everywhere. Each face keeps its own catalogue (a ``Catalog`` of plain
dicts) next to its code, so a face's texts live with the face; this module holds the machinery
and the formats. Babel does the locale work (``2,9`` / ``2.9``, ``12 %`` / ``12%``,
``26 november 2026``) rather than hand-written rules.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from typing import Any

from mognad_tui.model import LANGS, TERMINAL_LIMIT, Lang, clean_text

DEFAULT_LANG: Lang = "sv"
_LOCALES = {"sv": "sv_SE", "en": "en_GB"}


def resolve_lang(value: str | None = None) -> Lang:
    """The language to use: an explicit choice, else ``MOGNAD_LANG``, else Swedish."""
    for candidate in (value, os.environ.get("MOGNAD_LANG")):
        if candidate:
            short = candidate.strip().lower()[:2]
            if short in LANGS:
                return short  # type: ignore[return-value]
    return DEFAULT_LANG


class Catalog:
    """A face's messages: ``{"sv": {key: text}, "en": {key: text}}`` with ``str.format`` fields.

    A missing key is a programming error and raises at once (tests walk every key in both
    languages), rather than showing a half-translated screen in the room.
    """

    def __init__(self, messages: Mapping[str, Mapping[str, str]]):
        self.messages = messages

    def __call__(self, key: str, lang: str = DEFAULT_LANG, **fields: Any) -> str:
        table = self.messages.get(lang) or self.messages[DEFAULT_LANG]
        text = table[key]
        return text.format(**{k: _safe(v) for k, v in fields.items()}) if fields else text

    def missing(self) -> dict[str, set[str]]:
        """Keys present in one language and not the other (for the completeness test)."""
        keys = {lang: set(table) for lang, table in self.messages.items()}
        every = set().union(*keys.values())
        return {lang: every - have for lang, have in keys.items() if every - have}


def _safe(value: Any) -> Any:
    """A message's field as the terminal may print it: a name, path, reason or server text can
    hold escape sequences (a session folder, a typed argument, a hostile server), so every
    field that is text goes through ``clean_text``; numbers and dates keep their format specs."""
    if isinstance(value, str | os.PathLike | BaseException):
        return clean_text(str(value), TERMINAL_LIMIT, multiline=True)
    return value


def format_number(value: float, lang: str = DEFAULT_LANG, decimals: int = 1) -> str:
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(round(value, decimals), format=pattern, locale=_LOCALES[lang])


def format_percent(fraction: float, lang: str = DEFAULT_LANG) -> str:
    from babel.numbers import format_percent as babel_percent

    return babel_percent(fraction, locale=_LOCALES[lang])


def format_date(value: date | str, lang: str = DEFAULT_LANG) -> str:
    from babel.dates import format_date as babel_date

    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return babel_date(value, format="d MMMM y", locale=_LOCALES[lang])
