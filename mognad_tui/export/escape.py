"""Escaping of participant and facilitator text for Markdown.

Everything typed in the room (notes, needs, actions, poll texts, approved free text, even the
group's name) ends up in a document that is pasted into the operational plan and rendered by
whatever the administration uses. None of it may become markup there: no heading, list,
table cell break, emphasis, image, link, autolink or raw HTML. So text is first stripped of
control and format characters (``model.clean_text``), then every character that could start
Markdown syntax is neutralised:

- ``&``, ``<``, ``>`` become HTML entities (no raw HTML, no ``<https://...>`` autolink);
- ``\\ ` * _ [ ] # | ~ $ @ { }`` are backslash-escaped everywhere (emphasis, code, links,
  images, tables, strike-through, math in some renderers, e-mail autolinks); ``!`` is not,
  as it makes an image only before ``[``, which always is;
- ``://``, ``//`` and dots inside domain-like words (``www.x.se``, ``evil.com``) are escaped so
  GFM's and linkify's bare-URL detection finds nothing;
- a line that would start a list, a setext underline or an ordered list (``-``, ``+``, ``=``,
  ``1.``, ``1)``) has that character escaped, and leading blanks (code blocks) are dropped.

The result is ugly only where the text itself was hostile; ordinary Swedish reads as typed.
"""

from __future__ import annotations

import re

from mognad_tui.model import MAX_NOTE_TEXT, clean_text

_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
#: ``!`` is not here: it starts an image only before ``[``, and ``[`` is always escaped, so
#: "plan 3!" stays as typed.
_BACKSLASHED = set("\\`*_[]#|~$@{}")
#: A dot between letters of any script ("bä.com", "på.se", "σ.com"): linkify renderers treat
#: all of them as domains, so every such dot is escaped.
_URL_DOT = re.compile(r"(?<=[^\W_]|-)\.(?=[^\W\d_])")
_SCHEME = re.compile(r":(?=//)")
_SLASHES = re.compile(r"(?<![:\\])//")
_LIST_START = re.compile(r"^([-+=]|\d+[.)])")
#: Trailing punctuation markdownlint (MD026) does not want at the end of a heading.
HEADING_TRAILING = ".,;:!。，；：！"


def _escape_chars(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ENTITIES:
            out.append(_ENTITIES[ch])
        elif ch in _BACKSLASHED:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def _escape_line(line: str) -> str:
    line = line.strip()
    line = _URL_DOT.sub(r"\\.", line)
    line = _SCHEME.sub(r"\\:", line)
    line = _SLASHES.sub(r"\\//", line)
    # The regex escapes above insert backslashes that _escape_chars must not double: escape the
    # characters first on the raw pieces between the inserted escapes.
    parts = line.split("\\")
    escaped = "\\".join(_escape_chars(p) for p in parts)
    match = _LIST_START.match(escaped)
    if match:
        marker = match.group(1)
        escaped = marker[:-1] + "\\" + marker[-1] + escaped[len(marker) :]
    return escaped


def _raw_backslashes(text: str) -> str:
    """Mark the text's own backslashes so they survive the split in :func:`_escape_line`."""
    return text.replace("\\", "\ue000")


def _restore(text: str) -> str:
    return text.replace("\ue000", "\\\\")


def inline(text: object, limit: int = MAX_NOTE_TEXT) -> str:
    """One line of safe Markdown text: for table cells, list items and paragraphs.

    Newlines, tabs and runs of blanks become one space, so the text cannot leave its cell.
    """
    cleaned = clean_text(str(text), limit=limit)
    return _restore(_escape_line(_raw_backslashes(cleaned)))


def lines(text: object, limit: int = MAX_NOTE_TEXT) -> list[str]:
    """The non-empty lines of a multi-line note, each made safe on its own.

    A leading bullet the facilitator typed (``-``, ``*``, ``•``) is dropped, because the
    export lists each line as a bullet itself.
    """
    cleaned = clean_text(str(text), limit=limit, multiline=True).replace("\t", " ")
    out = []
    for raw in cleaned.split("\n"):
        raw = " ".join(raw.split())
        raw = re.sub(r"^[-*•]\s+", "", raw)
        if raw:
            out.append(_restore(_escape_line(_raw_backslashes(raw))))
    return out


def heading(text: object, limit: int = 300) -> str:
    """Safe heading text: one line, no trailing punctuation (markdownlint MD026)."""
    cleaned = clean_text(str(text), limit=limit).rstrip(HEADING_TRAILING + " ")
    return _restore(_escape_line(_raw_backslashes(cleaned)))
