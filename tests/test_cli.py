"""The command line as a user and a script meet it: real subprocesses, real files."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def mognad(*args: str, cwd: Path | None = None, env: dict | None = None, stdin: str = ""):
    full_env = {**os.environ, "MOGNAD_LANG": "", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "mognad_tui", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        input=stdin,
        timeout=60,
    )


def no_traceback(result) -> bool:
    return "Traceback" not in result.stdout + result.stderr


def test_help_is_swedish_by_default_and_english_on_request():
    sv = mognad("--help")
    assert sv.returncode == 0
    assert "användning: mognad" in sv.stdout and "skapa ett nytt möte" in sv.stdout
    en = mognad("--help", "--lang", "en")
    assert "usage: mognad" in en.stdout and "create a new meeting" in en.stdout
    env_en = mognad("--help", env={"MOGNAD_LANG": "en"})
    assert "create a new meeting" in env_en.stdout


@pytest.mark.parametrize(
    "command",
    ["new", "list", "run", "demo", "serve", "check", "answer", "simulate", "export", "validate"],
)
def test_every_command_has_help(command):
    result = mognad(command, "--help")
    assert result.returncode == 0, result.stderr
    assert "--data-dir" in result.stdout and no_traceback(result)


SWEDISH_MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)  # fmt: skip


def swedish_date(day: date) -> str:
    return f"{day.day} {SWEDISH_MONTHS[day.month - 1]} {day.year}"


def days_around_now() -> set[date]:
    """Today, and yesterday in case the test ran across midnight."""
    today = date.today()
    return {today, today - timedelta(days=1)}


def test_new_list_export_round_trip(tmp_path):
    data = tmp_path / "data"
    made = mognad("new", "--name", "Enhet Socialtjänst Nord", "--data-dir", str(data))
    assert made.returncode == 0, made.stderr
    name = made.stdout.strip()
    assert name == "enhet-socialtjanst-nord"
    assert (data / name).is_dir()

    listed = mognad("list", "--data-dir", str(data))
    assert listed.returncode == 0
    assert "Enhet Socialtjänst Nord" in listed.stdout and "nytt" in listed.stdout
    # The day the session was made, written out in Swedish ("30 november 2026").
    assert any(swedish_date(day) in listed.stdout for day in days_around_now())

    # the same group again gets its own folder, not an error
    again = mognad("new", "--name", "Enhet Socialtjänst Nord", "--data-dir", str(data))
    assert again.returncode == 0 and again.stdout.strip() == "enhet-socialtjanst-nord-2"

    out = tmp_path / "x.json"
    exported = mognad("export", name, "--format", "json", "-o", str(out), "--data-dir", str(data))
    assert exported.returncode == 0, exported.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert len(doc["questions"]) >= 25
    assert all({"id", "kind", "text", "answers"} <= set(q) for q in doc["questions"])

    md = mognad("export", name, "--data-dir", str(data))
    assert md.returncode == 0 and md.stdout.startswith("# ")

    csv_out = tmp_path / "r.csv"
    csv = mognad("export", name, "--format", "csv", "-o", str(csv_out), "--data-dir", str(data))
    assert csv.returncode == 0, csv.stderr
    assert csv_out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert (tmp_path / "r-answers.csv").exists()


def test_data_dir_from_environment(tmp_path):
    data = tmp_path / "env-data"
    made = mognad("new", "--name", "Team A", env={"MOGNAD_DATA_DIR": str(data)})
    assert made.returncode == 0 and (data / "team-a").is_dir()
    assert "Team A" in mognad("list", env={"MOGNAD_DATA_DIR": str(data)}).stdout


@pytest.mark.parametrize(("lang", "other"), [("sv", "en"), ("en", "sv")])
def test_new_freezes_the_set_in_both_languages(tmp_path, lang, other):
    """A phone switched to the other language reads the questions in it: the session keeps
    both copies of the built-in set, each asking the same."""
    from mognad_tui.question_sets import load_question_set
    from mognad_tui.store import SessionStore

    data = tmp_path / "d"
    made = mognad("new", "--name", "Enhet Nord", "--lang", lang, "--data-dir", str(data))
    assert made.returncode == 0, made.stderr
    with SessionStore.open(data / made.stdout.strip(), readonly=True) as store:
        assert store.question_set.lang == lang
        assert set(store.translations) == {other}
        copy = store.translations[other]
        assert copy.lang == other and store.question_set.asks_the_same(copy)
        first = copy.questions[0]
        assert first.text == load_question_set("digital-mognad", other).question(first.id).text
        assert first.text != store.question_set.question(first.id).text


def test_english_session_and_messages(tmp_path):
    data = tmp_path / "d"
    made = mognad("new", "--name", "Unit North", "--lang", "en", "--data-dir", str(data))
    assert made.returncode == 0
    listed = mognad("list", "--lang", "en", "--data-dir", str(data))
    assert "Group" in listed.stdout and "new" in listed.stdout


def test_clear_errors_never_tracebacks(tmp_path):
    data = tmp_path / "d"
    cases = [
        ("export", "no-such-session", "--data-dir", str(data)),
        ("run", "no-such-session", "--data-dir", str(data)),
        ("new", "--data-dir", str(data)),  # no name, not a terminal
        ("new", "--name", "X", "--set", "no-such-set", "--data-dir", str(data)),
        ("new", "--name", "X", "--threshold", "1", "--data-dir", str(data)),
        ("export", "x", "--charts", "--data-dir", str(data)),
    ]
    for case in cases:
        result = mognad(*case)
        assert result.returncode == 1, case
        assert result.stderr.startswith("mognad: "), (case, result.stderr)
        assert no_traceback(result), (case, result.stderr)
    usage = mognad("export")
    assert usage.returncode == 2 and "det här saknas" in usage.stderr


def test_damaged_session_is_reported_and_kept(tmp_path):
    data = tmp_path / "d"
    assert mognad("new", "--name", "Good", "--data-dir", str(data)).returncode == 0
    assert mognad("new", "--name", "Bad", "--data-dir", str(data)).returncode == 0
    files = [p for p in (data / "bad").iterdir() if p.is_file() and p.stat().st_size > 0]
    victim = next(p for p in files if p.suffix == ".json")
    victim.write_bytes(b"\x00garbage{")
    before = {p.name: p.read_bytes() for p in (data / "bad").iterdir() if p.is_file()}
    listed = mognad("list", "--data-dir", str(data))
    assert listed.returncode == 0 and "Good" in listed.stdout and "skadat" in listed.stdout
    exported = mognad("export", "bad", "--data-dir", str(data))
    assert exported.returncode == 1 and "skadat" in exported.stderr and no_traceback(exported)
    after = {p.name: p.read_bytes() for p in (data / "bad").iterdir() if p.is_file()}
    assert after == before
    assert mognad("export", "good", "--data-dir", str(data)).returncode == 0


def test_validate_reports_file_line_item(tmp_path):
    good = ROOT / "mognad_tui" / "question_sets" / "digital-mognad.sv.yaml"
    ok = mognad("validate", str(good))
    assert ok.returncode == 0 and "inga fel" in ok.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "id: x\ntitle: X\nsteps:\n  - number: 2\n    items:\n"
        "      - id: a\n        kind: nope\n        text: hej\n"
    )
    result = mognad("validate", str(bad), str(good))
    assert result.returncode == 1 and no_traceback(result)
    assert "bad.yaml:" in result.stderr
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(os.urandom(2000) + b"\x00")
    assert mognad("validate", str(binary)).returncode == 1


HEAVY = ("textual", "aiohttp", "tinydb", "rich", "questionary", "prompt_toolkit", "jinja2")


def test_help_is_fast():
    """``--help`` answers at once because it loads none of the heavy libraries (the figure,
    about 0.05 s, is measured by bench/startup.py; a clock here would fail on a busy machine)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "mognad_tui", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "MOGNAD_LANG": ""},
        timeout=60,
    )
    assert result.returncode == 0 and "--data-dir" not in result.stderr
    loaded = {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "mognad_tui.cli" in loaded  # the listing is real
    assert not {m for m in loaded if m.split(".")[0] in HEAVY}


def test_wizard_asks_for_what_flags_leave_out(tmp_path, monkeypatch):
    """questionary's prompts, driven with piped keystrokes as a person would type them."""
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from mognad_tui import cli

    monkeypatch.setattr(cli, "_is_interactive", lambda: True)
    monkeypatch.chdir(tmp_path)
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text("Enhet Väst\r")  # the group's name
        pipe.send_text("\r")  # the first question set offered (the built-in one)
        pipe.send_text("\x1b[B\r")  # the meeting's length: one down from 60 is 90 minutes
        pipe.send_text("\x1b[B\r")  # one meeting instead of the method's two
        code = cli.main(["new", "--data-dir", str(tmp_path / "d")])
    assert code == 0
    assert (tmp_path / "d" / "enhet-vast").is_dir()
    info = _info(tmp_path / "d" / "enhet-vast")
    assert (info.minutes, info.meetings) == (90, 1)


def _info(path: Path):
    from mognad_tui.store import SessionStore

    with SessionStore.open(path, readonly=True) as store:
        return store.info


def test_new_minutes_sets_each_meetings_length_and_the_json_export_says_so(tmp_path):
    data = str(tmp_path / "d")
    made = mognad(
        "new", "--name", "Enhet Syd", "--minutes", "90", "--meetings", "1", "--data-dir", data
    )
    assert made.returncode == 0, made.stderr
    info = _info(tmp_path / "d" / "enhet-syd")
    assert (info.minutes, info.meetings) == (90, 1)
    exported = mognad("export", "enhet-syd", "--format", "json", "--data-dir", data)
    session = json.loads(exported.stdout)["session"]
    assert (session["minutes"], session["meetings"]) == (90, 1)
    # Without the flags: the method's two meetings of an hour each.
    assert mognad("new", "--name", "Enhet Öst", "--data-dir", data).returncode == 0
    info = _info(tmp_path / "d" / "enhet-ost")
    assert (info.minutes, info.meetings) == (60, 2)


@pytest.mark.parametrize(
    ("flag", "value", "said"),
    [
        ("--minutes", "30", "mötets längd måste vara 45, 60, 90 eller 120 minuter, inte 30"),
        ("--minutes", "en timme", "inte en timme"),
        ("--meetings", "3", "antalet möten måste vara 1 eller 2, inte 3"),
    ],
)
def test_a_meeting_length_not_offered_is_a_clear_swedish_usage_error(tmp_path, flag, value, said):
    result = mognad("new", "--name", "Enhet Syd", flag, value, "--data-dir", str(tmp_path / "d"))
    assert result.returncode == 2
    assert said in result.stderr
    assert no_traceback(result)
    assert not (tmp_path / "d").exists()


def test_installed_wheel_works_in_an_empty_folder(tmp_path):
    """Built wheel, installed apart from the checkout: the built-in sets ship inside it."""
    import shutil

    source = tmp_path / "src"  # a copy, so the build leaves nothing in the checkout
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".venv",
            ".git",
            "node_modules",
            "sessions",
            "build",
            "*.egg-info",
            "__pycache__",
            ".pytest_cache",
            ".hypothesis",
            ".ruff_cache",
        ),
    )
    dist = tmp_path / "dist"
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(dist),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    wheel = next(dist.glob("mognad-*.whl"))
    target = tmp_path / "site"
    inst = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert inst.returncode == 0, inst.stderr[-2000:]
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "MOGNAD_LANG": ""}
    where = subprocess.run(
        [sys.executable, "-c", "import mognad_tui; print(mognad_tui.__file__)"],
        capture_output=True,
        text=True,
        cwd=empty,
        env=env,
    )
    assert where.stdout.strip().startswith(str(target))
    made = subprocess.run(
        [sys.executable, "-m", "mognad_tui", "new", "--name", "Från hjulet"],
        capture_output=True,
        text=True,
        cwd=empty,
        env=env,
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    assert (empty / "sessions" / "fran-hjulet").is_dir()
    exported = subprocess.run(
        [sys.executable, "-m", "mognad_tui", "export", "fran-hjulet", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=empty,
        env=env,
        timeout=60,
    )
    assert exported.returncode == 0, exported.stderr
    assert len(json.loads(exported.stdout)["questions"]) >= 25
    web = target / "mognad_tui" / "web"
    assert list((web / "templates").glob("*.html")) and list((web / "static").rglob("*.css"))
    assert list((target / "mognad_tui" / "question_sets").glob("digital-mognad.*.yaml"))


def test_no_arguments_off_a_terminal_is_a_usage_error():
    """Nobody to ask which meeting: the usage and one sentence saying what to type, exit 2."""
    result = mognad()
    assert result.returncode == 2 and no_traceback(result)
    assert "KOMMANDO" in result.stderr and "behöver en terminal" in result.stderr
    assert "mognad run" in result.stderr and result.stdout == ""


def test_port_out_of_range_is_a_usage_error(tmp_path):
    result = mognad("serve", "x", "--port", "70000", "--data-dir", str(tmp_path))
    assert result.returncode == 2 and "65535" in result.stderr and no_traceback(result)


def test_follow_up_links_sessions_and_exports_the_change(tmp_path):
    data = tmp_path / "d"
    assert mognad("new", "--name", "Enhet Nord", "--data-dir", str(data)).returncode == 0
    later = mognad(
        "new", "--name", "Enhet Nord 2027", "--follow-up", "enhet-nord", "--data-dir", str(data)
    )
    assert later.returncode == 0, later.stderr
    earlier = data / "enhet-nord"
    _answer(data, "enhet-nord", "a-hitta-information", [2, 3, 4, 4])
    before = {p.name: p.read_bytes() for p in earlier.iterdir() if p.is_file()}
    md = mognad("export", later.stdout.strip(), "--data-dir", str(data))
    assert md.returncode == 0 and no_traceback(md)
    # Comparing with last year reads its folder and writes nothing there.
    assert {p.name: p.read_bytes() for p in earlier.iterdir() if p.is_file()} == before
    missing = mognad("new", "--name", "X", "--follow-up", "nope", "--data-dir", str(data))
    assert missing.returncode == 1 and "nope" in missing.stderr


def _answer(data: Path, name: str, question: str, values: list) -> None:
    """Answers put straight into the session, as phones would have (no meeting running)."""
    from mognad_tui.store import SessionStore, resolve_session

    with SessionStore.open(resolve_session(data, name)) as store:
        for value in values:
            store.put_answer(question, secrets.token_hex(16), value).wait()


def test_export_warns_once_when_raw_answers_are_below_the_threshold(tmp_path):
    data = tmp_path / "d"
    name = mognad("new", "--name", "Team B", "--data-dir", str(data)).stdout.strip()
    _answer(data, name, "a-hitta-information", [2, 4])
    for fmt, lang, words in (("json", "sv", "färre än 3"), ("csv", "en", "fewer than 3")):
        out = tmp_path / f"x.{fmt}"
        args = ("export", name, "--format", fmt, "-o", str(out), "--lang", lang)
        done = mognad(*args, "--data-dir", str(data))
        assert done.returncode == 0 and no_traceback(done), done.stderr
        warnings = [line for line in done.stderr.splitlines() if words in line]
        assert len(warnings) == 1 and "1)" in warnings[0], done.stderr
    md = mognad("export", name, "--data-dir", str(data))
    assert md.returncode == 0 and "färre än" not in md.stderr
    _answer(data, name, "a-hitta-information", [3])
    enough = mognad("export", name, "--format", "json", "--data-dir", str(data))
    assert "färre än" not in enough.stderr


def test_the_csv_files_written_by_the_command_start_no_formula(tmp_path):
    """The CSV guard on the path people use (``mognad export --format csv`` writing files), not
    only on the function: an approved text that starts a formula, or starts one after the other
    separator, is opened as text by a spreadsheet set to ``;``, ``,`` or tabs."""
    import csv as csv_module

    from mognad_tui.store import SessionStore, resolve_session

    data = tmp_path / "d"
    name = mognad("new", "--name", "Team F", "--data-dir", str(data)).stdout.strip()
    hostile = ['=HYPERLINK("http://evil")', "+1+1", "@SUM(A1)", "ok;=4+4", "Bra,-2"]
    with SessionStore.open(resolve_session(data, name)) as store:
        for text in hostile:
            store.put_answer("s2-mer", secrets.token_hex(16), text).wait()
            store.set_moderation("s2-mer", text, "approved").wait()
    out = tmp_path / "r.csv"
    done = mognad("export", name, "--format", "csv", "-o", str(out), "--data-dir", str(data))
    assert done.returncode == 0, done.stderr
    raw = (tmp_path / "r-answers.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in raw and "ok;'=4+4" in raw  # the texts are there, made harmless
    for text in (out.read_text(encoding="utf-8-sig"), raw):
        for delimiter in (";", ",", "\t"):
            for line in text.splitlines():
                for cell in next(csv_module.reader([line], delimiter=delimiter)):
                    assert not cell.lstrip(' "').startswith(("=", "+", "-", "@")), cell


def test_exports_do_not_single_out_a_latecomer(tmp_path):
    """Exported at 3 answers, then one more: the next export shows the same figures."""
    data = tmp_path / "d"
    name = mognad("new", "--name", "Team C", "--data-dir", str(data)).stdout.strip()
    _answer(data, name, "a-hitta-information", [2, 3, 3])

    said = []

    def figures():
        done = mognad("export", name, "--format", "json", "--data-dir", str(data))
        assert done.returncode == 0, done.stderr
        said.append(done.stderr)
        questions = json.loads(done.stdout)["questions"]
        item = next(q for q in questions if q["id"] == "a-hitta-information")
        said.append(item.get("held", False))
        return item["n"], [(r["value"], r["count"]) for r in item.get("distribution", [])]

    first = figures()
    assert first[0] == 3 and first[1]
    assert "visades förut" not in said[-2] and said[-1] is False
    _answer(data, name, "a-hitta-information", [5])
    assert figures() == first
    assert "visas som de visades förut" in said[-2] and "antal frågor: 1)" in said[-2]
    assert said[-1] is True  # the JSON says the figures are the ones shown before
    _answer(data, name, "a-hitta-information", [1, 1])
    assert figures()[0] == 6


def test_wizard_speaks_swedish_even_in_questionary_s_own_hint(tmp_path, monkeypatch):
    """questionary's select says "(Use arrow keys)" unless told otherwise: the Swedish
    wizard says it in Swedish."""
    import io

    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.data_structures import Size
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output.vt100 import Vt100_Output

    from mognad_tui import cli

    monkeypatch.setattr(cli, "_is_interactive", lambda: True)
    monkeypatch.chdir(tmp_path)
    screen = io.StringIO()
    output = Vt100_Output(screen, lambda: Size(rows=24, columns=100), term="dumb")
    codes: list[int] = []
    with create_pipe_input() as pipe:

        def wizard() -> None:
            with create_app_session(input=pipe, output=output):
                codes.append(cli.main(["new", "--data-dir", str(tmp_path / "d")]))

        thread = threading.Thread(target=wizard)
        thread.start()
        pipe.send_text("Enhet Väst\r")
        # Answer the list only once it is drawn, as a person would, so its hint is drawn too.
        deadline = time.monotonic() + 120  # only a guard against a hang
        for question in ("Vilket frågeset?", "Hur långt är varje möte?", "Hur många möten?"):
            while question not in screen.getvalue() and time.monotonic() < deadline:
                time.sleep(0.01)
            pipe.send_text("\r")
        thread.join(120)
        assert not thread.is_alive(), "the wizard still waits for input"
    assert codes == [0]
    drawn = screen.getvalue()
    assert "välj med piltangenterna" in drawn
    assert "Use arrow keys" not in drawn


def test_new_on_a_terminal_says_how_to_start_the_meeting(tmp_path):
    """On stderr, so a script reading the name on stdout is unchanged; only on a terminal."""
    import pty

    data = tmp_path / "möten d"
    command = [sys.executable, "-m", "mognad_tui", "new", "--name", "Enhet Nord"]
    main, secondary = pty.openpty()
    try:
        result = subprocess.run(
            [*command, "--data-dir", str(data)],
            stdout=subprocess.PIPE,
            stderr=secondary,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "MOGNAD_LANG": ""},
            text=True,
            timeout=60,
        )
        os.close(secondary)
        said = b""
        with contextlib.suppress(OSError):
            while chunk := os.read(main, 4096):
                said += chunk
    finally:
        os.close(main)
    assert result.returncode == 0
    assert result.stdout == "enhet-nord\n"
    text = said.decode()
    assert "Starta det med: mognad run --data-dir" in text
    assert f"'{data}' enhet-nord" in text
    # Off a terminal (a script): the name alone, nothing on stderr.
    piped = mognad("new", "--name", "Enhet Syd", "--data-dir", str(data))
    assert piped.stdout == "enhet-syd\n" and piped.stderr == ""


def test_new_takes_every_length_the_contract_names(tmp_path):
    """ARCHITECTURE.md publishes `--minutes 60|90|120`, the workshop asks for 45: all hold."""
    data = str(tmp_path / "sessions")
    for minutes in ("45", "60", "90", "120"):
        made = mognad("new", "--name", f"Enhet {minutes}", "--minutes", minutes, "--data-dir", data)
        assert made.returncode == 0, made.stderr
        exported = mognad("export", made.stdout.strip(), "--format", "json", "--data-dir", data)
        assert json.loads(exported.stdout)["session"]["minutes"] == int(minutes)
