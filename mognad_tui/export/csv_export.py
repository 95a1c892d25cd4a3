"""CSV exports for a spreadsheet: a summary per question and the raw anonymous answers.

Swedish Excel expects ``;`` between fields and a decimal comma, and reads UTF-8 correctly
only with a byte-order mark; English Excel expects ``,`` and a decimal point. The CLI writes
the returned text with :data:`ENCODING` (``utf-8-sig``, the BOM). Figures honour the
anonymity threshold exactly as on screen.

A cell that starts with ``=``, ``+``, ``-``, ``@`` (or their full-width forms) would be run as a
formula by a spreadsheet. A spreadsheet set to the other separator (``,`` for a ``;`` file, or the
reverse) or to tabs splits a text at those characters too, so ``Bra möte,=4+4`` would start a
cell with ``=4+4`` there. So every field is quoted, and a ``'`` is put before any formula start
that begins the text or follows a ``,``, ``;`` or tab (with blanks or quotes between).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

from mognad_tui.export.messages import messages
from mognad_tui.export.numbers import csv_number
from mognad_tui.i18n import resolve_lang
from mognad_tui.model import SessionRecord, clean_text
from mognad_tui.results import overview, raw_answers, raw_below_threshold

#: What the CLI encodes the CSV text with: UTF-8 with a BOM, so Excel keeps å, ä and ö.
ENCODING = "utf-8-sig"
#: A formula start at the beginning of a cell under any separator a spreadsheet may be set to:
#: the text's start, or a ``,``, ``;`` or tab followed by blanks or quotes.
_FORMULA_AFTER_SEPARATOR = re.compile(r"""((?:^|[,;\t])[\s"']*)(?=[=+\-@\t\r＝＋－＠])""")


def _text(value: object) -> str:
    text = clean_text(str(value), limit=100_000)
    return _FORMULA_AFTER_SEPARATOR.sub(r"\1'", text)


def _value(value: Any) -> str:
    """A raw answer as one cell: options joined by ``|``, dots as ``option=n``."""
    if isinstance(value, list | tuple):
        return _text("|".join(str(v) for v in value))
    if isinstance(value, dict):
        return _text("|".join(f"{k}={v}" for k, v in value.items()))
    return _text(value)


def _write(rows: Iterable[list[str]], lang: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(
        buffer,
        delimiter=";" if lang == "sv" else ",",
        lineterminator="\r\n",
        quoting=csv.QUOTE_ALL,
    )
    writer.writerows(rows)
    return buffer.getvalue()


def export_csv(record: SessionRecord, *, lang: str | None = None) -> tuple[str, str]:
    """``(summary, raw)`` CSV texts, without the BOM (see :data:`ENCODING`).

    Summary: one row per question (quick polls included) with its figures; below the
    threshold only the count. Raw: ``question, value, below_threshold`` per answer, shuffled
    per question so the order tells nothing about who answered when; the last column says
    "yes" where fewer answered than the threshold (answers that may be traced to people).
    """
    chosen = resolve_lang(lang or record.info.lang)
    ov = overview(record)
    t = lambda key: messages(key, chosen)  # noqa: E731
    yes, no = t("csv_yes"), t("csv_no")
    header = [
        t(k)
        for k in (
            "csv_question",
            "csv_kind",
            "csv_dimension",
            "csv_text",
            "csv_n",
            "csv_shown",
            "csv_dont_know",
            "csv_median",
            "csv_mean",
            "csv_spread",
            "csv_disagreement",
            "csv_all_alike",
            "csv_distribution",
        )
    ]
    summary = [header]
    for q in record.all_questions:
        r = ov.questions[q.id]
        row = [_text(q.id), q.kind.value, _text(q.dimension or ""), _text(q.text), str(r.n)]
        if not r.shown:
            summary.append([*row, no, "", "", "", "", "", "", ""])
            continue
        if r.texts is not None:
            distribution = " | ".join(r.texts)
        else:
            distribution = " | ".join(f"{c.label}: {c.count}" for c in r.distribution or ())
        summary.append(
            [
                *row,
                yes,
                "" if r.dont_know is None else str(r.dont_know),
                csv_number(r.median, chosen, 1),
                csv_number(r.mean, chosen),
                csv_number(r.spread, chosen),
                csv_number(r.disagreement, chosen),
                "" if r.all_alike is None else (yes if r.all_alike else no),
                _text(distribution),
            ]
        )
    raw = [[t("csv_question"), t("csv_value"), t("csv_below_threshold")]]
    for q in record.all_questions:
        below = yes if raw_below_threshold(record, q) else no
        raw.extend([_text(q.id), _value(v), below] for v in raw_answers(record, q))
    return _write(summary, chosen), _write(raw, chosen)
