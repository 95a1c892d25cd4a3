"""The ``mognad`` command line: parses arguments, composes the faces, reports errors plainly.

This is the only module that knows every face (terminal app, web server, terminal client,
exports): faces never import each other, so the wiring lives here. Heavy libraries (Textual,
aiohttp, questionary, Babel, pygal) are imported inside the command that needs them, which keeps
``mognad --help`` well under 0.3 s.

Every failure a user can cause ends as one clear sentence in their language and exit code 1
(2 for wrong usage); a traceback is printed only with ``MOGNAD_DEBUG=1``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from mognad_tui import __version__
from mognad_tui.cli_text import ARGPARSE_SV, T
from mognad_tui.i18n import resolve_lang
from mognad_tui.model import DEFAULT_PORT, TERMINAL_LIMIT, clean_text
from mognad_tui.schedule import (
    DEFAULT_MEETINGS,
    DEFAULT_MINUTES,
    MEETING_COUNTS,
    MEETING_MINUTES,
)

DEFAULT_DATA_DIR = "sessions"


class UserError(Exception):
    """A failure the user can act on; its text is already in their language."""


def _pre_scan_lang(argv: Sequence[str]) -> str:
    """The language for help and errors, known before argparse runs (help is text too)."""
    for n, arg in enumerate(argv):
        if arg == "--lang" and n + 1 < len(argv):
            return resolve_lang(argv[n + 1])
        if arg.startswith("--lang="):
            return resolve_lang(arg.split("=", 1)[1])
    return resolve_lang(None)


def _translate_argparse(lang: str) -> None:
    """argparse's own words ("usage:", "options:", its error sentences) in Swedish.

    argparse looks up every such string through its module-level ``_`` (gettext) at run time,
    so a small table replaces them without subclassing each formatter.
    """
    if lang == "sv":

        def translate(message: str) -> str:
            return ARGPARSE_SV.get(message, message)

        argparse._ = translate  # type: ignore[attr-defined]


def safe(text: object) -> str:
    """What this command prints of text it did not write itself (a session's title, a file's
    content, a typed argument): escape sequences and bidi overrides removed, lines kept."""
    return clean_text(str(text), TERMINAL_LIMIT, multiline=True)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"mognad: {safe(message)}\n")  # it may quote the argument as typed


def build_parser(lang: str) -> argparse.ArgumentParser:
    t = lambda key, **kw: T(key, lang, **kw)  # noqa: E731
    parser = _Parser(
        prog="mognad",
        description=t("description"),
        epilog=t("epilog"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"mognad {__version__}", help=t("opt_version")
    )
    # Also before the command (`mognad --lang en --help`); the value is read from argv by
    # _pre_scan_lang either way, so the subcommand's default cannot hide it.
    parser.add_argument("--lang", choices=["sv", "en"], help=t("opt_lang"))
    # For `mognad` alone (no command), which runs a meeting from the data folder. Its own dest:
    # a command's --data-dir default (None) would otherwise hide one given before the command.
    parser.add_argument("--data-dir", metavar="DIR", dest="top_data_dir", help=t("opt_data_dir"))
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", metavar="DIR", help=t("opt_data_dir"))
    common.add_argument("--lang", choices=["sv", "en"], help=t("opt_lang"))
    serving = argparse.ArgumentParser(add_help=False)
    serving.add_argument("--host", help=t("opt_host"))

    def port(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = -1
        if not 0 <= value <= 65535:
            raise argparse.ArgumentTypeError(t("err_port", value=text))
        return value

    serving.add_argument("--port", type=port, help=t("opt_port", port=DEFAULT_PORT))
    serving.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        dest="allowed_hosts",
        help=t("opt_allowed_host"),
    )
    serving.add_argument("--cert", metavar="FILE", help=t("opt_cert"))
    serving.add_argument("--key", metavar="FILE", help=t("opt_key"))

    sub = parser.add_subparsers(dest="command", metavar=t("commands_metavar"), parser_class=_Parser)

    def command(name: str, *parents: argparse.ArgumentParser) -> argparse.ArgumentParser:
        return sub.add_parser(
            name,
            parents=[common, *parents],
            help=t(f"cmd_{name}"),
            description=t(f"cmd_{name}_long"),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    p = command("new")
    p.add_argument("--name", help=t("opt_name"))
    p.add_argument("--set", dest="set_name", metavar="SET", help=t("opt_set"))
    p.add_argument("--follow-up", metavar="EARLIER", help=t("opt_follow_up"))
    p.add_argument("--threshold", type=int, help=t("opt_threshold"))

    def one_of(allowed: tuple[int, ...], error: str):
        def parse(text: str) -> int:
            try:
                value = int(text)
            except ValueError:
                value = -1
            if value not in allowed:
                raise argparse.ArgumentTypeError(t(error, value=text))
            return value

        return parse

    p.add_argument("--minutes", type=one_of(MEETING_MINUTES, "err_minutes"), help=t("opt_minutes"))
    p.add_argument(
        "--meetings", type=one_of(MEETING_COUNTS, "err_meetings"), help=t("opt_meetings")
    )

    command("list")

    p = command("run", serving)
    p.add_argument("session", metavar="SESSION", help=t("arg_session"))

    p = command("demo", serving)
    p.add_argument("--participants", type=int, default=9, help=t("opt_demo_participants"))

    p = command("serve", serving)
    p.add_argument("session", metavar="SESSION", help=t("arg_session"))
    p.add_argument("--self-paced", action="store_true", help=t("opt_self_paced"))

    p = command("check")
    p.add_argument("--host", help=t("opt_host"))
    p.add_argument("--port", type=port, help=t("opt_port", port=DEFAULT_PORT))
    p.add_argument("--seconds", type=int, metavar="N", help=t("opt_seconds"))

    p = command("answer")
    p.add_argument("url", metavar="URL", help=t("arg_url"))

    p = command("simulate")
    p.add_argument("url", metavar="URL", help=t("arg_url"))
    p.add_argument("--participants", type=int, default=30, help=t("opt_participants"))
    p.add_argument("--pace", type=float, default=1.0, help=t("opt_pace"))
    p.add_argument("--duration", type=float, default=None, help=t("opt_duration"))

    p = command("export")
    p.add_argument("session", metavar="SESSION", help=t("arg_session"))
    p.add_argument(
        "--format",
        choices=["md", "docx", "html", "json", "csv", "summary"],
        default=None,
        help=t("opt_format"),
    )
    p.add_argument("-o", "--output", metavar="FILE", help=t("opt_output"))
    p.add_argument("--charts", action="store_true", help=t("opt_charts"))
    p.add_argument("--with-texts", action="store_true", help=t("opt_with_texts"))

    p = command("report")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help=t("arg_inputs"))
    p.add_argument("-o", "--output", metavar="FILE", help=t("opt_output"))
    p.add_argument(
        "--format", choices=["md", "html", "docx"], default=None, help=t("opt_report_format")
    )
    p.add_argument("--charts", action="store_true", help=t("opt_report_charts"))
    p.add_argument("--round", metavar="LABEL", default=None, help=t("opt_round"))

    p = command("close")
    p.add_argument("session", metavar="SESSION", help=t("arg_session"))
    p.add_argument("--yes", action="store_true", help=t("opt_yes"))

    p = command("validate")
    p.add_argument("files", nargs="+", metavar="FILE", help=t("arg_files"))
    return parser


def main(argv: Sequence[str]) -> int:
    lang = _pre_scan_lang(argv)
    _translate_argparse(lang)
    parser = build_parser(lang)
    args = parser.parse_args(list(argv))
    args.lang = resolve_lang(getattr(args, "lang", None) or lang)
    handler = COMMANDS.get(args.command or "", cmd_start)
    try:
        return handler(args)
    except UserError as exc:
        print(f"mognad: {safe(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last net: a user never sees a traceback
        if os.environ.get("MOGNAD_DEBUG"):
            raise
        print(T("unexpected", args.lang, error=f"{type(exc).__name__}: {exc}"), file=sys.stderr)
        return 1


# ------------------------------------------------------------------ helpers


def data_dir(args: argparse.Namespace) -> Path:
    given = getattr(args, "data_dir", None) or getattr(args, "top_data_dir", None)
    return Path(given or os.environ.get("MOGNAD_DATA_DIR") or DEFAULT_DATA_DIR)


def _store_error(exc: Exception, lang: str) -> UserError:
    """One sentence for every store failure, naming the session's folder."""
    from mognad_tui import store

    path = getattr(exc, "path", None) or ""
    for cls, key in (
        (store.SessionDamaged, "err_damaged"),
        (store.SessionLocked, "err_locked"),
        (store.StoreFull, "err_full"),
        (store.SessionExists, "err_exists"),
        (store.SessionNotFound, "err_not_found"),
        (store.PathTooLong, "err_path_long"),
    ):
        if isinstance(exc, cls):
            reason = getattr(exc, "reason", exc)
            return UserError(T(key, lang, path=path, name=path, reason=reason))
    return UserError(T("err_store", lang, path=path, reason=getattr(exc, "reason", exc)))


def open_store(args: argparse.Namespace, name: str, *, readonly: bool = False) -> Any:
    from mognad_tui import store

    try:
        path = store.resolve_session(data_dir(args), name)
        return store.SessionStore.open(path, readonly=readonly)
    except store.SessionNotFound:
        raise UserError(T("err_not_found", args.lang, name=name)) from None
    except store.StoreError as exc:
        raise _store_error(exc, args.lang) from None


def open_live(args: argparse.Namespace, name: str) -> Any:
    """A session opened for a meeting: refused once ``mognad close`` deleted its answers."""
    session = open_store(args, name)
    if session.is_closed_for_good():
        session.close()
        raise UserError(T("err_closed", args.lang, name=session.path.name))
    return session


def _is_interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


# ------------------------------------------------------------------ new, list, validate


def create(
    args: argparse.Namespace,
    *,
    title: str,
    set_name: str,
    lang: str,
    follow_up: str | None = None,
    threshold: int | None = None,
    minutes: int = DEFAULT_MINUTES,
    meetings: int = DEFAULT_MEETINGS,
) -> Path:
    """Create a session folder; shared by ``new``, the no-argument wizard and ``demo``."""
    from mognad_tui import store
    from mognad_tui.model import DEFAULT_THRESHOLD, MIN_THRESHOLD, SessionInfo, clean_text
    from mognad_tui.question_sets import (
        QuestionSetError,
        load_question_set,
        other_language_copy,
    )

    title = clean_text(title, 120)
    if not title:
        raise UserError(T("err_no_name", args.lang))
    if threshold is not None and threshold < MIN_THRESHOLD:
        raise UserError(T("err_threshold", args.lang, minimum=MIN_THRESHOLD))
    try:
        qset = load_question_set(set_name, lang, cwd=Path.cwd())
    except QuestionSetError as exc:
        raise UserError("\n".join(str(p) for p in exc.problems)) from None
    root = data_dir(args)
    earlier_set = None
    if follow_up:
        try:
            earlier = store.resolve_session(root, follow_up)
            with store.SessionStore.open(earlier, readonly=True) as old:
                earlier_set = old.question_set  # its frozen copy, whatever version it was
        except store.SessionNotFound:
            raise UserError(T("err_not_found", args.lang, name=follow_up)) from None
        except store.StoreError as exc:
            raise _store_error(exc, args.lang) from None
        # Its folder name when it sits beside the new one, so the pair can move together.
        follow_up = (
            earlier.name if earlier.parent.resolve() == root.resolve() else str(earlier.resolve())
        )
    base = store.slugify(title)
    name, n = base, 1
    while (root / name).exists():
        n += 1
        name = f"{base}-{n}"
    info = SessionInfo(
        name=name,
        title=title,
        created=date.today().isoformat(),
        set_id=qset.id,
        lang=lang,  # type: ignore[arg-type]
        threshold=threshold or DEFAULT_THRESHOLD,
        follow_up=follow_up,
        minutes=minutes,
        meetings=meetings,
    )
    try:
        # Both language copies when both exist: a phone switched to the other language
        # reads the questions in it too.
        twin = other_language_copy(qset, cwd=Path.cwd())
        path = store.create_session(root, info, qset, [twin] if twin else [])
    except store.StoreError as exc:
        raise _store_error(exc, args.lang) from None
    except OSError as exc:
        raise UserError(T("err_io", args.lang, path=root, reason=exc.strerror or exc)) from None
    if earlier_set is not None:
        _say_set_changes(qset, earlier_set, args.lang)
    return path


def _say_set_changes(qset: Any, earlier: Any, lang: str) -> None:
    """Tell the facilitator, when they link a follow-up, that the set changed since last time:
    the comparison covers only the questions both asked. On stderr: stdout is the name."""
    from mognad_tui.results import set_changes

    new, dropped = set_changes(qset, earlier)
    if not new and not dropped:
        return
    lines = [T("follow_up_versions", lang, old=earlier.version, new=qset.version)]
    for key, questions in (("follow_up_new", new), ("follow_up_dropped", dropped)):
        if questions:
            lines.append(T(key, lang, n=len(questions)))
            lines += [f"  {q.id}: {q.text}" for q in questions]
    print(safe("\n".join(lines)), file=sys.stderr)


def cmd_new(args: argparse.Namespace) -> int:
    title, set_name = args.name, args.set_name
    minutes, meetings = args.minutes, args.meetings
    lang = args.lang
    if (title is None or set_name is None) and _is_interactive():
        answers = wizard_new(
            args,
            ask_title=title is None,
            ask_set=set_name is None,
            ask_length=minutes is None and meetings is None,
        )
        if answers is None:
            return 1
        title = title or answers["title"]
        set_name = set_name or answers["set"]
        minutes = minutes or answers.get("minutes")
        meetings = meetings or answers.get("meetings")
    if title is None:
        raise UserError(T("err_no_name", lang))
    path = create(
        args,
        title=title,
        set_name=set_name or "digital-mognad",
        lang=lang,
        follow_up=args.follow_up,
        threshold=args.threshold,
        minutes=minutes or DEFAULT_MINUTES,
        meetings=meetings or DEFAULT_MEETINGS,
    )
    print(path.name)
    if sys.stderr.isatty():  # a person at a terminal; scripts read the name alone on stdout
        print(T("new_next", lang, command=run_command(args, path.name)), file=sys.stderr)
    return 0


def run_command(args: argparse.Namespace, name: str) -> str:
    """The command that starts ``name``, with the data folder when a flag chose it."""
    import shlex

    parts = ["mognad", "run", name]
    if getattr(args, "data_dir", None):
        parts[2:2] = ["--data-dir", str(args.data_dir)]
    return shlex.join(parts)


def select(message: str, choices: list[Any], lang: str, default: Any = None) -> Any:
    """``questionary.select`` in the meeting's language: its own hint is English only
    ("(Use arrow keys)"), so ours replaces it."""
    import questionary

    return questionary.select(
        message, choices=choices, instruction=T("ask_arrows", lang), default=default
    ).ask()


def wizard_new(
    args: argparse.Namespace, *, ask_title: bool, ask_set: bool, ask_length: bool = False
) -> dict | None:
    """Ask for what the flags did not say, with questionary (only on a terminal)."""
    import questionary

    from mognad_tui.question_sets import available_sets

    lang = args.lang
    out: dict[str, str] = {}
    if ask_title:
        title = questionary.text(
            T("ask_title", lang), validate=lambda s: bool(s.strip()) or T("err_no_name", lang)
        ).ask()
        if title is None:
            return None
        out["title"] = title
    if ask_set:
        sets = [s for s in available_sets(Path.cwd()) if s.lang == lang] or available_sets(
            Path.cwd()
        )
        choices = [
            questionary.Choice(
                safe(f"{s.title} ({s.id} {s.version}{'' if s.builtin else ', ' + str(s.path)})"),
                value=s.id,
            )
            for s in sets
        ]
        picked = select(T("ask_set", lang), choices, lang)
        if picked is None:
            return None
        out["set"] = picked
    if ask_length:
        minutes = select(
            T("ask_minutes", lang),
            [
                questionary.Choice(T("ask_minutes_choice", lang, minutes=m), value=m)
                for m in MEETING_MINUTES
            ],
            lang,
            default=DEFAULT_MINUTES,
        )
        if minutes is None:
            return None
        meetings = select(
            T("ask_meetings", lang),
            [questionary.Choice(T(f"ask_meetings_{n}", lang), value=n) for n in (2, 1)],
            lang,
        )
        if meetings is None:
            return None
        out |= {"minutes": minutes, "meetings": meetings}
    return out


def cmd_list(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from mognad_tui import store
    from mognad_tui.i18n import format_date

    lang = args.lang
    sessions = store.list_sessions(data_dir(args))
    if not sessions:
        print(T("list_empty", lang, path=data_dir(args)))
        return 0
    table = Table(box=None, pad_edge=False)
    for key in ("col_name", "col_group", "col_date", "col_set", "col_answers", "col_state"):
        table.add_column(T(key, lang))
    for s in sessions:
        if s.error:
            state = T("state_damaged", lang, reason=s.error)
        elif s.locked:
            state = T("state_running", lang)
        elif s.closed:
            state = T("state_closed", lang)
        elif s.answers:
            state = T("state_started", lang)
        else:
            state = T("state_new", lang)
        when = ""
        if s.created:
            try:
                when = format_date(s.created, lang)
            except ValueError:
                when = str(s.created)
        cells = (s.name, s.title or "", when, s.set_id or "", s.answers, state)
        table.add_row(*(Text(clean_text(str(x), TERMINAL_LIMIT)) for x in cells))
    # On a terminal the table fits the window; piped into a script, nothing is cut or wrapped.
    Console(width=None if sys.stdout.isatty() else 1000).print(table)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Errors fail the command; warnings are advice and never change the exit code, so a
    script that checks sets keeps working when an author keeps a warned item on purpose."""
    from mognad_tui.question_sets import check_file

    lang = args.lang
    failed = 0
    for name in args.files:
        check = check_file(Path(name), lang)
        if check.problems:
            failed += 1
            for problem in check.problems:
                print(safe(problem), file=sys.stderr)  # problems quote the file's content
            continue
        for advice in check.warnings:
            line = T("warning", lang, where=advice.where, code=advice.code, message=advice.message)
            print(safe(line), file=sys.stderr)
        for advice in check.silenced:
            line = T("silenced", lang, where=advice.where, code=advice.code, reason=advice.reason)
            print(safe(line))
        if check.warnings:
            print(T("valid_warned", lang, path=name, n=len(check.warnings)))
        else:
            print(T("valid", lang, path=name))
    return 1 if failed else 0


def cmd_close(args: argparse.Namespace) -> int:
    """Keep the plan, delete the raw answers and free texts for good (issue 9, item 15)."""
    from mognad_tui import store
    from mognad_tui.results import kept_figures

    lang = args.lang
    try:
        path = store.resolve_session(data_dir(args), args.session)
    except store.SessionNotFound:
        raise UserError(T("err_not_found", lang, name=args.session)) from None
    except store.StoreError as exc:
        raise _store_error(exc, lang) from None
    if store.sessions.is_locked(path):
        raise UserError(T("err_locked", lang, path=path))
    if not args.yes:
        if not _is_interactive():
            raise UserError(T("close_needs_yes", lang))
        with open_store(args, str(path), readonly=True) as session:
            title = session.info.title
        import questionary

        print(T("close_explain", lang, title=title, name=path.name, exports=path / store.EXPORTS))
        choices = [
            questionary.Choice(T("close_no", lang), value=False),
            questionary.Choice(T("close_yes", lang), value=True),
        ]
        if not select(T("close_ask", lang), choices, lang):
            print(T("close_cancelled", lang))
            return 1
    try:
        store.close_session(path, kept_figures)
    except store.StoreError as exc:
        raise _store_error(exc, lang) from None
    print(T("closed_done", lang, name=path.name))
    return 0


# ------------------------------------------------------------------ export


#: Formats a plan file's suffix names when --format is not given.
_SUFFIX_FORMATS = {".docx": "docx", ".html": "html", ".htm": "html"}


def cmd_export(args: argparse.Namespace) -> int:
    if args.format is None:
        suffix = Path(args.output).suffix.lower() if args.output else ""
        args.format = _SUFFIX_FORMATS.get(suffix, "md")
    if args.format == "docx" and not args.output:
        raise UserError(T("err_docx_needs_output", args.lang))
    if args.charts and not args.output:
        raise UserError(T("err_charts_need_output", args.lang))
    if args.charts and args.format != "md":
        raise UserError(T("err_charts_md_only", args.lang))
    if args.with_texts and args.format != "summary":
        raise UserError(T("err_texts_summary_only", args.lang))
    written = export_session(args)
    for path in written:
        print(T("exported", args.lang, path=path), file=sys.stderr)
    return 0


def _warn_held(args: argparse.Namespace, record: Any) -> None:
    """One line when figures are held at what was shown before (no differencing)."""
    from mognad_tui.results import question_result

    held = sum(1 for q in record.all_questions if question_result(record, q).held)
    if held:
        print(T("warn_held", args.lang, count=held), file=sys.stderr)


def _warn_raw_below_threshold(args: argparse.Namespace, record: Any) -> None:
    """One line when a raw export (JSON, CSV) lists answers below the threshold."""
    from mognad_tui.results import raw_answers_below_threshold, threshold_of

    below = raw_answers_below_threshold(record)
    if below:
        threshold = threshold_of(record)
        text = T("warn_raw_below_threshold", args.lang, count=len(below), threshold=threshold)
        print(text, file=sys.stderr)


def _read_record(args: argparse.Namespace, name: str, *, keep: bool = True) -> Any:
    """A consistent copy of a session, read without disturbing a live meeting on it.

    An export is a showing: no two showings of a question may differ by fewer answers than the
    threshold (``results.question_result``). So when no meeting has the session open, the
    export first keeps what it is about to show, as the meeting does (``keep``); while one
    runs, the meeting keeps its own showings (the app's export key asks it to) and the export
    shows only those. ``keep=False`` only reads: the app's own export (its meeting holds the
    session) and an earlier meeting compared with (nothing is written into last year's folder).
    """
    import asyncio

    from mognad_tui import store
    from mognad_tui.meeting import AnswerRefused, Meeting

    writable = None
    if keep:
        # Refused while a live meeting has it open, or where we may not write: then read only.
        with contextlib.suppress(store.StoreError):
            writable = store.SessionStore.open(store.resolve_session(data_dir(args), name))
    if writable is not None:
        with writable:
            with contextlib.suppress(AnswerRefused):  # a full disk: show what was kept
                asyncio.run(Meeting(writable).remember_shown())
            return writable.record()
    with open_store(args, name, readonly=True) as s:
        return s.record()


def export_session(args: argparse.Namespace) -> list[Path]:
    """Write the export ``mognad export`` asks for; returns the files written (empty when it
    went to standard output). What it shows is kept as shown (see ``_read_record``), and its
    warnings go to stderr: the terminal app's export key has its own way (``_app_exporter``)."""

    from mognad_tui.export import csv_export, json_export
    from mognad_tui.export.plan import PlanSource

    name, fmt = args.session, args.format
    record = _read_record(args, name)
    previous = _previous_record(args, name, record, warn=True)
    out = Path(args.output) if args.output else None
    written: list[Path] = []
    try:
        if fmt == "json":
            text = json_export.to_text(json_export.export_json(record, previous=previous))
            written += _emit(out, text + "\n")
        elif fmt == "summary":
            from mognad_tui.export.summary import export_summary

            text = json_export.to_text(export_summary(record, with_texts=args.with_texts))
            written += _emit(out, text + "\n")
        elif fmt == "csv":
            summary, raw = csv_export.export_csv(record)
            if out is None:
                sys.stdout.write(summary)
            else:
                raw_path = out.with_name(out.stem + "-answers" + out.suffix)
                written += _emit(out, summary, bom=True) + _emit(raw_path, raw, bom=True)
        elif fmt == "html":
            from mognad_tui.export.charts import chart_svgs
            from mognad_tui.export.html import render_html

            source = PlanSource(record, previous)
            written += _emit(out, render_html(source, charts=chart_svgs(source)))
        elif fmt == "docx":
            from mognad_tui.export.docx import render_docx

            written += _emit_bytes(out, render_docx(PlanSource(record, previous)))
        else:
            written = _write_markdown(PlanSource(record, previous), out, charts=args.charts)
    except OSError as exc:
        raise UserError(T("err_io", args.lang, path=out, reason=exc.strerror or exc)) from None
    if fmt in ("json", "csv"):
        _warn_raw_below_threshold(args, record)
    _warn_held(args, record)
    return written


def _report_inputs(args: argparse.Namespace) -> tuple[list[tuple[str, Any]], list[str]]:
    """Every usable summary among the inputs, each with its source; and one line for each
    input left out, naming the file and why (never a traceback)."""
    from mognad_tui import store
    from mognad_tui.export.report import SummaryError, read_summary
    from mognad_tui.export.summary import VERSION, export_summary

    used: list[tuple[str, Any]] = []
    skipped: list[str] = []

    def skip(path: object, error: SummaryError) -> None:
        reason = safe(T(f"why_{error.code}", args.lang, known=VERSION, **error.fields))
        skipped.append(T("report_skipped", args.lang, path=safe(str(path)), reason=reason))

    def read_file(path: Path) -> None:
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            reason = getattr(exc, "strerror", None) or type(exc).__name__
            skip(path, SummaryError("not_json", reason=reason))
            return
        try:
            used.append((str(path), read_summary(data)))
        except SummaryError as exc:
            skip(path, exc)

    for given in args.inputs:
        path = Path(given).expanduser()
        if path.is_file():
            read_file(path)
            continue
        try:
            store.resolve_session(data_dir(args), given)
        except store.SessionNotFound:
            if path.is_dir():
                found = sorted(p for p in path.glob("*.json") if p.is_file())
                if not found:
                    skip(path, SummaryError("empty_folder"))
                for p in found:
                    read_file(p)
            else:
                skip(path, SummaryError("not_found"))
            continue
        try:
            record = _read_record(args, given)
        except UserError as exc:
            skipped.append(T("report_skipped", args.lang, path=safe(given), reason=exc))
            continue
        used.append((given, export_summary(record)))
    return used, skipped


def cmd_report(args: argparse.Namespace) -> int:
    from mognad_tui.export.document import MARKDOWN, PLAIN
    from mognad_tui.export.markdown import render_blocks
    from mognad_tui.export.report import area_totals, build_report, collect, unit_chart

    used, skipped = _report_inputs(args)
    rollup = collect(used, label=args.round)
    for line in skipped:
        print(line, file=sys.stderr)
    for source, error in rollup.skipped:
        reason = safe(T(f"why_{error.code}", args.lang, **error.fields))
        print(T("report_skipped", args.lang, path=safe(source), reason=reason), file=sys.stderr)
    for source, error in rollup.notes:
        reason = safe(T(f"why_{error.code}", args.lang, **error.fields))
        print(T("report_note", args.lang, path=safe(source), reason=reason), file=sys.stderr)
    if not rollup.units:
        print(T("report_nothing", args.lang), file=sys.stderr)
        return 1
    out = Path(args.output) if args.output else None
    fmt = args.format or _SUFFIX_FORMATS.get(out.suffix.lower() if out else "", "md")
    if fmt == "docx" and out is None:
        raise UserError(T("err_docx_needs_output", args.lang))
    if args.charts and fmt == "md" and out is None:
        raise UserError(T("err_charts_need_output", args.lang))
    esc = MARKDOWN if fmt == "md" else PLAIN
    chart = unit_chart(rollup.units, area_totals(rollup.units)) if args.charts else None
    plan = build_report(rollup, lang=args.lang, esc=esc, chart=chart)
    parts = chart.parts() if chart is not None else []
    try:
        if fmt == "docx":
            from mognad_tui.export.docx import render_plan_docx

            pngs: dict[str, bytes] = {}
            if parts:
                from mognad_tui.export.png_charts import unit_chart_pngs

                pngs = unit_chart_pngs(parts, plan.lang)
            written = _emit_bytes(out, render_plan_docx(plan, pngs))
        elif fmt == "html":
            from mognad_tui.export.html import render_plan_html

            written = _emit(out, render_plan_html(plan, _unit_chart_svgs(parts, plan.lang)))
        else:
            links: dict[str, str] = {}
            written = []
            svgs = _unit_chart_svgs(parts, plan.lang)
            if svgs and out is not None:
                from mognad_tui.export.charts import sized

                folder = out.with_name(out.stem + "-charts")
                folder.mkdir(parents=True, exist_ok=True)
                for key, svg in svgs.items():
                    (folder / f"{key}.svg").write_text(sized(svg), encoding="utf-8")
                    links[key] = f"{folder.name}/{key}.svg"
                written.append(folder)
            written = _emit(out, render_blocks(plan.blocks, links)) + written
    except OSError as exc:
        raise UserError(T("err_io", args.lang, path=out, reason=exc.strerror or exc)) from None
    for path in written:
        print(T("exported", args.lang, path=path), file=sys.stderr)
    return 0


def _unit_chart_svgs(parts: list[tuple[str, Any]], lang: str) -> dict[str, str]:
    """The report's unit × area chart's parts as SVG by name (none without ``--charts``)."""
    if not parts:
        return {}
    from mognad_tui.export.charts import unit_chart_svg

    return {k: svg for k, part in parts if (svg := unit_chart_svg(part, lang))}


def _previous_record(args: argparse.Namespace, name: str, record: Any, *, warn: bool) -> Any:
    """The earlier meeting a follow-up compares with (read only), or ``None``."""
    if not record.info.follow_up:
        return None
    from mognad_tui import store

    try:
        here = store.resolve_session(data_dir(args), name).parent
        return _read_record(args, str(here / record.info.follow_up), keep=False)
    except UserError as exc:
        if warn:
            print(T("warn_follow_up", args.lang, reason=exc), file=sys.stderr)
        return None


def _write_markdown(source: Any, out: Path | None, *, charts: bool) -> list[Path]:
    """The Markdown export (and its charts beside it when asked): the files written."""
    from mognad_tui.export import markdown

    written: list[Path] = []
    chart_links = None
    if charts and out is not None:
        from mognad_tui.export.charts import write_charts
        from mognad_tui.export.docx import REFERENCE_DOCX, reference_docx

        folder = out.with_name(out.stem + "-charts")
        chart_links = write_charts(source, folder)
        # pandoc's --reference-doc for the route to Word: A4 and the Word plan's sizes.
        (folder / REFERENCE_DOCX).write_bytes(reference_docx(source.record.info.lang))
        written.append(folder)
    text = markdown.render_markdown(source, charts=chart_links)
    return _emit(out, text) + written


def _emit_bytes(path: Path | None, data: bytes) -> list[Path]:
    """A binary file (the Word plan), written whole or not at all."""
    if path is None:
        sys.stdout.buffer.write(data)
        return []
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return [path]


def _emit(path: Path | None, text: str, *, bom: bool = False) -> list[Path]:
    if path is None:
        sys.stdout.write(text)
        return []
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8-sig" if bom else "utf-8", newline="")
    os.replace(tmp, path)
    return [path]


# ------------------------------------------------------------------ live: run, demo, serve


def _tls(args: argparse.Namespace) -> Any:
    """The HTTPS context for ``--cert``/``--key``, checked before anything starts."""
    if args.cert is None and args.key is None:
        return None
    if args.cert is None or args.key is None:
        raise UserError(T("err_cert_pair", args.lang))
    from mognad_tui.web.server import CertificateError, tls_context

    try:
        return tls_context(args.cert, args.key)
    except CertificateError as exc:
        raise UserError(
            T(f"err_cert_{exc.problem}", args.lang, path=exc.path, reason=exc.reason)
        ) from None


def _make_server(meeting: Any, args: argparse.Namespace, tls: Any = None) -> Any:
    from mognad_tui.web.server import WebServer

    return WebServer(
        meeting, host=args.host, port=args.port, allowed_hosts=args.allowed_hosts, ssl_context=tls
    )


def live_app(
    args: argparse.Namespace,
    meeting: Any,
    services_factory: Callable | None = None,
    tls: Any = None,
    **app_options: Any,
) -> Any:
    """The terminal app with its participant server, services and export key, wired as
    ``run`` and ``demo`` use them; apart from ``_run_app`` so that tests drive this very
    wiring under ``app.run_test()`` (``app_options``: the app's test knobs, e.g. a clock)."""
    from mognad_tui.tui.app import MognadApp

    server = _make_server(meeting, args, tls)
    services = services_factory(server, meeting) if services_factory else ()
    return MognadApp(
        meeting,
        server=server,
        services=services,
        exporter=_app_exporter(args, str(meeting.store.path)),
        demo=services_factory is not None,
        **app_options,
    )


def _run_app(
    args: argparse.Namespace, session: Any, services_factory: Callable | None = None
) -> int:
    from mognad_tui.meeting import Meeting

    tls = _tls(args)
    with session:
        meeting = Meeting(session)
        if services_factory is None:  # not the demo's throwaway folder
            _warn_if_synced(args, meeting)
        app = live_app(args, meeting, services_factory, tls)
        server = app.server
        app.run()
        if getattr(server, "moved_from", None):
            print(
                T("port_moved", args.lang, old=server.moved_from, new=server.port), file=sys.stderr
            )
    return int(app.return_code or 0)


def _warn_if_synced(args: argparse.Namespace, meeting: Any) -> None:
    service = meeting.synced_folder
    if service:
        path = meeting.store.path
        print(T("warn_synced", args.lang, path=path, service=service), file=sys.stderr, flush=True)


def _report_disk(args: argparse.Namespace, meeting: Any) -> None:
    """For ``serve``: a line on stderr when the store cannot (or can again) clear the order
    answers arrived in from the session folder."""
    keys = {"store_full": "disk_order_full", "store_error": "disk_order_error"}
    key = keys.get(meeting.disk_problem, "disk_order_ok")
    print(T(key, args.lang), file=sys.stderr, flush=True)


def _app_exporter(args: argparse.Namespace, name: str) -> Callable[[Any], str]:
    """The app's export key: Markdown with charts into the session folder's exports/, from
    the live meeting's record (the app takes it on the loop; this runs in a worker thread).
    Returns the Markdown file's path."""
    from mognad_tui.export.plan import PlanSource
    from mognad_tui.store import EXPORTS

    def export(record: Any) -> str:
        folder = Path(name)
        out = folder / EXPORTS / f"{folder.name}-{date.today().isoformat()}.md"
        previous = _previous_record(args, name, record, warn=False)
        try:
            _write_markdown(PlanSource(record, previous), out, charts=True)
        except OSError as exc:
            raise UserError(T("err_io", args.lang, path=out, reason=exc.strerror or exc)) from None
        return str(out)

    return export


def cmd_run(args: argparse.Namespace) -> int:
    return _run_app(args, open_live(args, args.session))


def cmd_demo(args: argparse.Namespace) -> int:
    import tempfile

    from mognad_tui.client.simulate import Simulator

    lang = args.lang
    _tls(args)  # a wrong --cert/--key is reported before the demo session is made
    with tempfile.TemporaryDirectory(prefix="mognad-demo-") as tmp:
        if not args.data_dir and not os.environ.get("MOGNAD_DATA_DIR"):
            args.data_dir = tmp
        title = T("demo_title", lang)
        path = create(args, title=title, set_name="digital-mognad", lang=lang)
        participants = max(1, args.participants)

        def services(server: Any, meeting: Any) -> list[Any]:
            # The simulated phones talk to this machine's loopback address, whatever address
            # the join URL shows: the demo sends nothing onto the network.
            host = args.host if args.host not in (None, "", "0.0.0.0", "::") else "127.0.0.1"

            def local_url() -> str:
                return f"{server.scheme}://{host}:{server.port}/j/{meeting.join_key}"

            return [Simulator(local_url, participants, pace=1.0, verify_tls=False)]

        return _run_app(args, open_store(args, str(path)), services)


def cmd_serve(args: argparse.Namespace) -> int:
    import asyncio

    from mognad_tui.meeting import AnswerRefused, Change, Meeting
    from mognad_tui.web.server import serve_headless

    tls = _tls(args)
    session = open_live(args, args.session)
    with session:
        meeting = Meeting(session, self_paced=args.self_paced)
        _warn_if_synced(args, meeting)

        def on_url(url: str) -> None:
            print(url, flush=True)
            print(T("serve_running", args.lang), file=sys.stderr, flush=True)

        def on_moved(old: int, new: int) -> None:
            print(T("port_moved", args.lang, old=old, new=new), file=sys.stderr, flush=True)

        async def serve() -> None:
            # On the loop: see Meeting.subscribe. A problem found at open is told at once.
            meeting.subscribe(
                lambda e: _report_disk(args, meeting) if e.kind is Change.DISK else None
            )
            if meeting.disk_problem is not None:
                _report_disk(args, meeting)
            # Results revealed before this run (a session from an older version) are kept as
            # shown before a phone asks for them.
            with contextlib.suppress(AnswerRefused):  # a full disk: they stay held
                await meeting.remember_shown(meeting.revealed_questions())
            await serve_headless(
                meeting,
                args.host,
                args.port,
                on_url=on_url,
                on_moved=on_moved,
                allowed_hosts=args.allowed_hosts,
                ssl_context=tls,
            )

        try:
            asyncio.run(serve())
        except (OSError, UnicodeError, ValueError) as exc:
            reason = getattr(exc, "strerror", None) or exc
            raise UserError(T("err_serve", args.lang, reason=reason)) from None
    print(T("serve_stopped", args.lang), file=sys.stderr)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Whether phones can reach this machine: the same diagnosis the join panel gives."""
    import asyncio

    from mognad_tui import network
    from mognad_tui.web.check import CheckServer

    lang = args.lang

    def say(key: str, **fields: Any) -> None:
        print(T(key, lang, **fields), flush=True)

    def phone(count: int) -> None:
        say("check_phone", count=count)

    server = CheckServer(args.host, args.port, lang=lang, on_phone=phone)
    problems: list[network.Finding] = []

    async def check() -> None:
        await server.start()
        try:
            if server.moved_from is not None:
                say("check_port_moved", old=server.moved_from, new=server.bound_port)
            say("check_addresses")
            for n, c in enumerate(server.candidates):
                if n and c.kind is network.Kind.LOOPBACK:
                    continue  # no phone uses it; it only matters when it is all there is
                mark = "*" if n == 0 else " "
                kind = T(f"check_kind_{c.kind}", lang)
                print(f"  {mark} {c.address:<15}  {safe(c.name or '-')}: {kind}")
            say("check_chosen", address=server.address)
            reachable = await server.probe()
            key = "check_reach_ok" if reachable else "check_reach_fail"
            say(key, port=server.bound_port, address=server.address)
            findings = network.diagnose(
                server.candidates, reachable=reachable, platform=sys.platform
            )
            for finding in findings:
                print()
                say(f"check_{finding.code}", detail=finding.detail, port=server.bound_port)
            problems.extend(f for f in findings if f.problem)
            print()
            say("check_summary_problem" if problems else "check_summary_ok")
            print()
            say("check_open")
            print(f"  {server.url}", flush=True)
            if args.seconds is not None:
                say("check_waiting_seconds", seconds=args.seconds)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.Event().wait(), args.seconds)
            else:
                say("check_waiting")
                await asyncio.Event().wait()
        finally:
            if not server.phones:
                say("check_no_phone")
            await server.stop()

    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is the usual way to end
        try:
            asyncio.run(check())
        except (OSError, UnicodeError, ValueError) as exc:
            reason = getattr(exc, "strerror", None) or exc
            raise UserError(T("err_check", lang, reason=reason)) from None
    # A phone that opened the page is proof that outweighs any likely problem.
    return 0 if server.phones or not problems else 1


# ------------------------------------------------------------------ participants' side


def cmd_answer(args: argparse.Namespace) -> int:
    from mognad_tui.client.answer import run_answer

    return run_answer(args.url, args.lang)


def cmd_simulate(args: argparse.Namespace) -> int:
    from mognad_tui.client.simulate import run_simulate

    if args.participants < 1:
        raise UserError(T("err_participants", args.lang))
    return run_simulate(
        args.url, args.participants, pace=args.pace, duration=args.duration, lang=args.lang
    )


# ------------------------------------------------------------------ no arguments


def cmd_start(args: argparse.Namespace) -> int:
    """``mognad`` alone: pick a session or create one, then run it.

    Without a terminal (a script, a pipe) there is nobody to ask: usage and one sentence on
    stderr, exit 2 as for any other wrong usage."""
    lang = args.lang
    if not _is_interactive():
        build_parser(lang).print_usage(sys.stderr)
        print(f"mognad: {T('start_no_terminal', lang)}", file=sys.stderr)
        return 2
    import questionary

    from mognad_tui import store

    # The top-level parser has none of a serving command's options: their defaults here.
    for attr, default in (("host", None), ("port", None), ("cert", None), ("key", None)):
        setattr(args, attr, getattr(args, attr, default))
    args.allowed_hosts = getattr(args, "allowed_hosts", [])
    sessions = [
        s for s in store.list_sessions(data_dir(args)) if not (s.error or s.locked or s.closed)
    ]
    new = "\0new"
    choices = [questionary.Choice(T("start_new", lang), value=new)] + [
        questionary.Choice(safe(f"{s.title} ({s.name}, {s.created})"), value=s.name)
        for s in sessions
    ]
    picked = select(T("start_pick", lang), choices, lang)
    if picked is None:
        return 1
    if picked == new:
        answers = wizard_new(args, ask_title=True, ask_set=True)
        if answers is None:
            return 1
        picked = create(args, title=answers["title"], set_name=answers["set"], lang=lang).name
    return _run_app(args, open_store(args, picked))


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "new": cmd_new,
    "list": cmd_list,
    "run": cmd_run,
    "demo": cmd_demo,
    "serve": cmd_serve,
    "check": cmd_check,
    "answer": cmd_answer,
    "simulate": cmd_simulate,
    "export": cmd_export,
    "validate": cmd_validate,
    "close": cmd_close,
    "report": cmd_report,
}
