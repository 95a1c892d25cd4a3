"""The blocks every export document is built of, and the escapers that make typed text safe.

The plan (:mod:`mognad_tui.export.plan`) and the förvaltning's report
(:mod:`mognad_tui.export.report`) are both a :class:`Plan` of these blocks, so Markdown, HTML and
Word each lay out one kind of document and none decides what a document contains. Text typed
in the room is made safe by the :class:`Escaper` the format chooses: Markdown escapes whatever
Markdown would interpret (:mod:`mognad_tui.export.escape`); HTML and Word get plain cleaned
text, which Jinja's autoescape and python-docx's runs keep as text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from mognad_tui.export import escape
from mognad_tui.model import MAX_NOTE_TEXT, clean_text

# ---------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Heading:
    """A heading; ``new_page`` starts a new page in print (the appendix's): HTML's print
    style sheet breaks there, Markdown has no pages and Word flows on."""

    level: int
    text: str
    new_page: bool = False


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Bullets:
    """A list; an item may start with a bold lead (``("Styrkor:", "…")``)."""

    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    """A table; ``weights`` are the columns' relative widths (the statement gets most)."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    right: frozenset[int]
    weights: tuple[int, ...]


@dataclass(frozen=True)
class Chart:
    """A chart by name (``dimensions``, ``dimension-<id>``, ``change``) and its text."""

    key: str
    alt: str


Block = Heading | Para | Bullets | Table | Chart


@dataclass
class Plan:
    lang: str
    title: str
    blocks: list[Block] = field(default_factory=list)


# ---------------------------------------------------------------- escaping


@dataclass(frozen=True)
class Escaper:
    inline: Callable[..., str]
    lines: Callable[..., list[str]]
    heading: Callable[..., str]


def _plain_inline(text: object, limit: int = MAX_NOTE_TEXT) -> str:
    return clean_text(str(text), limit=limit)


def _plain_lines(text: object, limit: int = MAX_NOTE_TEXT) -> list[str]:
    cleaned = clean_text(str(text), limit=limit, multiline=True).replace("\t", " ")
    out = []
    for raw in cleaned.split("\n"):
        raw = re.sub(r"^[-*•]\s+", "", " ".join(raw.split()))
        if raw:
            out.append(raw)
    return out


def _plain_heading(text: object, limit: int = 300) -> str:
    return clean_text(str(text), limit=limit).rstrip(escape.HEADING_TRAILING + " ")


#: Markdown: every text typed in the room is escaped so that it cannot become markup.
MARKDOWN = Escaper(escape.inline, escape.lines, escape.heading)
#: HTML (Jinja autoescape) and Word (text runs): cleaned plain text.
PLAIN = Escaper(_plain_inline, _plain_lines, _plain_heading)
