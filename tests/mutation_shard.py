"""One mutation shard: ``python tests/mutation_shard.py MODULE`` (tests/MUTATION.md).

MODULE is a module of ``[tool.mutmut] only_mutate`` in dotted form below ``mognad_tui``
(``results``, ``web.security``, ``store.writer``, ...). The shard runs mutmut on that module's
mutants only, times it, and prints the line tests/MUTATION.md keeps for it plus every mutant that
was not killed, so that a run and its record cannot drift apart.

Each shard runs in its own working copy, ``.mutation/MODULE/`` (git ignores it), with a
generated pyproject.toml whose ``only_mutate`` is that module and whose test selection is
``SHARD_TESTS[MODULE]``: mapping the whole suite first took 10 to 25 minutes per shard here, and
two shards in one checkout reset each other's verdicts in the shared ``mutants/``. So shards run
side by side, and each maps only its own tests. mutmut keeps a shard's verdicts in
``.mutation/MODULE/mutants/``: ``mutmut show NAME`` run in ``.mutation/MODULE`` prints a mutant's
diff.

Not a test (pytest collects only ``test_*.py``) and not part of .ci/run.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The columns of tests/MUTATION.md, in mutmut's own words for each verdict.
#: mutmut's verdicts that count as killed: a test failed, or the type checker refused it.
KILLED = ("killed", "caught by type check")
COLUMNS = ("killed", "survived", "timeout", "no tests", "skipped", "suspicious")
#: Where each shard's working copy lives (one folder per module, ignored by git).
WORK = ROOT / ".mutation"

#: The in-process test files that reach each module: a shard maps and runs only these. Files
#: that drive mognad in another process are left out everywhere (``[tool.mutmut]`` in
#: pyproject.toml; their single deselected tests are carried over). For the web modules the
#: browser files (tests/web/test_web_browser.py, test_web_live_survey.py) are left out too:
#: they were 59 of the 74 s that reach a web function, every surviving mutant ran them all, and
#: the server paths they reach are the API's and the form's, which test_web_api.py and
#: test_web_trust.py drive over real HTTP; the page's JavaScript they check is no Python mutmut
#: mutates.
_STORE_TESTS = (
    "tests/test_store.py",
    "tests/test_store_fold.py",
    "tests/test_store_order.py",
    "tests/test_store_reopen.py",
    "tests/test_store_model.py",
    "tests/test_store_platforms.py",
    "tests/test_store_nesting.py",
    "tests/test_store_writer_failures.py",
    "tests/test_store_files_damage.py",
)
#: The power-cut simulation on each platform's rules: the files shard runs all three, the
#: writer's only Linux's (the writer's code is the same on every platform; the rules that
#: differ, fsync and the folder's fsync, are in files.py), which saves 3.5 s per writer mutant.
_POWERCUT = "tests/test_store_powercut.py"
_POWERCUT_LINUX = (
    f"{_POWERCUT}::test_a_power_cut_at_any_point_keeps_every_acknowledged_answer[linux]",
    f"{_POWERCUT}::test_a_power_cut_during_the_recovery_keeps_what_the_crash_left[linux]",
)
_WEB_TESTS = (
    "tests/web/test_web_api.py",
    "tests/web/test_web_trust.py",
    "tests/web/test_web_server.py",
)
SHARD_TESTS: dict[str, tuple[str, ...]] = {
    # results: the threshold's own file was missing (its tests killed the sub-shard's mutants);
    # the Markdown export shows every figure, ranking and area total a reader sees. Left out
    # for time (every surviving mutant runs them all): the property test and the hostile-text
    # test (13 s each; faster tests kill what they kill, MUTATION.md), and the five tests that
    # run `mognad` in a subprocess (15 of the row's 30 s; the rule above for such tests).
    "results": (
        "tests/test_results.py",
        "tests/test_results_parts.py",
        "tests/test_results_threshold.py",
        "tests/test_differencing.py",
        "tests/test_follow_up_versions.py",
        "tests/test_export_data.py",
        "tests/test_export_summary.py",
        "tests/test_export_markdown.py",
        "tests/test_meeting_survey.py",
        "--deselect=tests/test_differencing.py::test_no_two_showings_differ_by_fewer_than_the_threshold",
        "--deselect=tests/test_export_markdown.py::test_hostile_text_everywhere",
        "--deselect=tests/test_follow_up_versions.py::test_follow_up_from_a_1_0_session_to_a_2_0_one",
        "--deselect=tests/test_follow_up_versions.py::test_follow_up_in_english",
        "--deselect=tests/test_follow_up_versions.py::test_a_follow_up_on_the_same_set_says_nothing_more",
        "--deselect=tests/test_follow_up_versions.py::test_follow_up_from_the_built_in_1_0_to_the_built_in_2_0",
        "--deselect=tests/test_export_summary.py::test_export_summary_command_writes_the_file",
    ),
    "meeting": (
        # Not the web files: with them the shard did 863 of 1,382 mutants in 32 minutes here
        # (tests/MUTATION.md). The rules of the meeting they reached (device tokens, languages,
        # the server's address) have tests of their own in tests/test_meeting.py.
        "tests/test_meeting.py",
        "tests/test_meeting_plan.py",
        "tests/test_meeting_survey.py",
        "tests/test_store_order.py",
        "tests/test_results.py",
        # Not tests/test_tui_plan.py (it stays in the normal suite): a mutant that breaks the
        # meeting hung its Pilot app until mutmut's limit, minutes each, and the shard stalled
        # at 1,084 of 1,382 mutants in 37 minutes. The rules it reached in the meeting (the
        # plan's meetings, the minutes each used, the agenda, a restart) are tested at the
        # meeting's level in tests/test_meeting_plan.py.
    ),
    "web.security": _WEB_TESTS,
    "web.app": (*_WEB_TESTS, "tests/web/test_payloads.py", "tests/web/test_free_text_warning.py"),
    "store.writer": (*_STORE_TESTS, *_POWERCUT_LINUX),
    "store.files": (
        *_STORE_TESTS,
        _POWERCUT,
        "tests/test_store_lock.py",
        "tests/test_store_files_replay.py",
        "tests/test_store_files_recovery.py",
    ),
    "export.csv_export": ("tests/test_export_data.py", "tests/test_export_summary.py"),
}
#: ``[tool.mutmut]`` settings of one shard over the root's. The store's tests wait on futures a
#: mutant can leave unresolved (the writer thread dead): such a mutant hung until mutmut's wall
#: limit, 4 x (its tests' time + ``timeout_constant``), 90 s for a writer mutant whose tests take
#: 21 s. Now a test that hangs for 15 s fails (pytest-timeout; the slowest store test takes
#: 3.3 s, at most 8 s while three shards share the two cores), and a mutant that kills a thread
#: with an exception ends its run at once (tests/mutation_thread_crash.py): most hung mutants
#: did that. And mutmut times only a test's call, not its fixtures or the collection a forked
#: mutant does first, so a mutant of a function only quick tests reach (0.05 s) got a 4 s limit
#: and timed out on this busy machine while its tests still ran: the constant is 10 s here.
_STORE_ARGS = ["--timeout=15", "-p", "tests.mutation_thread_crash"]
#: The meeting's shard the same way: its tests wait on the store's writer (which calls the
#: meeting back from its thread, ``_order_changed``) and on the auto-reveal's timer, which a
#: mutant can leave never firing; its slowest test takes 3.2 s alone.
SHARD_OPTIONS: dict[str, dict[str, object]] = {
    "store.writer": {"timeout_constant": 10.0, "pytest_add_cli_args": _STORE_ARGS},
    "store.files": {"timeout_constant": 10.0, "pytest_add_cli_args": _STORE_ARGS},
    "meeting": {"timeout_constant": 10.0, "pytest_add_cli_args": _STORE_ARGS},
}
#: What a working copy holds besides ``also_copy``: the package, the tests, the README.
_COPIED = ("mognad_tui", "tests")
_SKIPPED = shutil.ignore_patterns("__pycache__", "node_modules", ".pytest_cache", "*.pyc")


def modules() -> list[str]:
    """The modules the configuration mutates, as dotted names below ``mognad_tui``."""
    config = _config()
    return [
        path.removeprefix("mognad_tui/").removesuffix(".py").replace("/", ".")
        for path in config["only_mutate"]
    ]


def _config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["mutmut"]


def _copy_if_changed(source: Path, target: Path) -> None:
    """Copies with the source's time stamp, and only what changed: mutmut recreates a file's
    mutants (and forgets their verdicts) only when the source is newer than them."""
    if target.exists() and target.read_bytes() == source.read_bytes():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def _sync(source: Path, target: Path) -> None:
    if source.is_file():
        _copy_if_changed(source, target)
        return
    for folder, dirs, files in os.walk(source):
        dirs[:] = [d for d in dirs if d not in _SKIPPED(folder, dirs)]
        here = Path(folder)
        for name in set(files) - _SKIPPED(folder, files):
            _copy_if_changed(here / name, target / here.relative_to(source) / name)


def shard_pyproject(module: str) -> str:
    """The root's pyproject.toml with a ``[tool.mutmut]`` for this module and its tests only."""
    text = (ROOT / "pyproject.toml").read_text("utf-8")
    config = _config()
    tests = SHARD_TESTS[module]
    deselected = [
        option
        for option in config["pytest_add_cli_args_test_selection"]
        if option.startswith("--deselect=") and option.split("=", 1)[1].split("::")[0] in tests
    ]
    table = {
        "source_paths": config["source_paths"],
        "only_mutate": ["mognad_tui/" + module.replace(".", "/") + ".py"],
        "also_copy": config.get("also_copy", []),
        "timeout_multiplier": config.get("timeout_multiplier", 4.0),
        "pytest_add_cli_args_test_selection": [*tests, *deselected],
        **SHARD_OPTIONS.get(module, {}),
    }
    head, _, rest = text.partition("[tool.mutmut]\n")
    tail = re.search(r"^\[", rest, re.MULTILINE)
    lines = [f"{key} = {json.dumps(value)}" for key, value in table.items()]
    generated = "# Generated by tests/mutation_shard.py from the root's pyproject.toml.\n"
    return (
        head
        + "[tool.mutmut]\n"
        + generated
        + "\n".join(lines)
        + "\n\n"
        + (rest[tail.start() :] if tail else "")
    )


def working_copy(module: str) -> Path:
    """Brings ``.mutation/MODULE/`` up to date with the checkout and returns it."""
    place = WORK / module
    for name in (*_COPIED, *_config().get("also_copy", []), "README.md"):
        if (ROOT / name).exists():
            _sync(ROOT / name, place / name)
    modules_folder = ROOT / "tests" / "web" / "node_modules"
    link = place / "tests" / "web" / "node_modules"
    if modules_folder.exists() and not link.exists():
        link.symlink_to(modules_folder)
    pyproject = place / "pyproject.toml"
    text = shard_pyproject(module)
    if not pyproject.exists() or pyproject.read_text("utf-8") != text:
        pyproject.write_text(text, "utf-8")
    return place


def verdicts(prefix: str, place: Path) -> dict[str, str]:
    """Every mutant of the module with mutmut's verdict, read back through ``mutmut results``."""
    listed = subprocess.run(
        [str(Path(sys.executable).with_name("mutmut")), "results", "--all", "true"],
        cwd=place,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = {}
    for line in listed.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name.startswith(prefix):
            found[name] = status
    return found


def main(argv: list[str] | None = None) -> int:
    known = modules()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("module", choices=known, help="dotted name below mognad_tui")
    parser.add_argument(
        "functions",
        nargs="*",
        help="only these functions' mutants, as mutmut names them below the module "
        "(globs: 'x_threshold_of*', 'xǁParticipantAppǁapi_answer*')",
    )
    parser.add_argument(
        "--again",
        action="store_true",
        help="run again only the mutants the last run did not kill (after adding tests)",
    )
    parser.add_argument("--max-children", type=int, default=2, help="parallel mutants (2 cores)")
    args = parser.parse_args(argv)

    place = working_copy(args.module)
    prefix = f"mognad_tui.{args.module}."
    patterns = [prefix + function for function in args.functions] or [f"{prefix}*"]

    def in_shard(name: str) -> bool:
        return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)

    chosen = patterns
    if args.again:
        chosen = [
            name
            for name, status in verdicts(prefix, place).items()
            if in_shard(name) and status not in KILLED
        ]
    started = time.monotonic()
    run = subprocess.run(
        [
            str(Path(sys.executable).with_name("mutmut")),
            "run",
            "--max-children",
            str(args.max_children),
            *chosen,
        ],
        cwd=place,
    )
    minutes = (time.monotonic() - started) / 60
    found = {name: status for name, status in verdicts(prefix, place).items() if in_shard(name)}
    counts = collections.Counter(found.values())
    killed = sum(counts[status] for status in KILLED)
    share = 100 * killed / len(found) if found else 0.0
    today = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    shard = args.module + "".join(f" {function}" for function in args.functions)
    cells = [shard, today, str(len(found))]
    cells += [str(killed if column == "killed" else counts[column]) for column in COLUMNS]
    cells += [f"{share:.1f} %", f"{minutes:.1f} min" + (" (again)" if args.again else "")]
    print()
    print("| " + " | ".join(cells) + " |")
    for name, status in sorted(found.items()):
        if status not in KILLED:
            print(f"- `{name}`: {status}")
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
