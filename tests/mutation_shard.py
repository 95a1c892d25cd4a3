"""One mutation shard: ``python tests/mutation_shard.py MODULE`` (tests/MUTATION.md).

MODULE is a module of ``[tool.mutmut] only_mutate`` in dotted form below ``mognad_tui``
(``results``, ``web.security``, ``store.writer``, ...). The shard runs mutmut on that module's
mutants only, times it, and prints the line tests/MUTATION.md keeps for it plus every mutant that
was not killed, so that a run and its record cannot drift apart. mutmut itself keeps the verdicts
in ``mutants/``: ``mutmut show NAME`` prints a mutant's diff, ``mutmut run NAME`` runs it again.

Not a test (pytest collects only ``test_*.py``) and not part of .ci/run.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import fnmatch
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


def modules() -> list[str]:
    """The modules the configuration mutates, as dotted names below ``mognad_tui``."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["mutmut"]
    return [
        path.removeprefix("mognad_tui/").removesuffix(".py").replace("/", ".")
        for path in config["only_mutate"]
    ]


def verdicts(prefix: str) -> dict[str, str]:
    """Every mutant of the module with mutmut's verdict, read back through ``mutmut results``."""
    listed = subprocess.run(
        [str(Path(sys.executable).with_name("mutmut")), "results", "--all", "true"],
        cwd=ROOT,
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

    prefix = f"mognad_tui.{args.module}."
    patterns = [prefix + function for function in args.functions] or [f"{prefix}*"]

    def in_shard(name: str) -> bool:
        return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)

    chosen = patterns
    if args.again:
        chosen = [
            name
            for name, status in verdicts(prefix).items()
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
        cwd=ROOT,
    )
    minutes = (time.monotonic() - started) / 60
    found = {name: status for name, status in verdicts(prefix).items() if in_shard(name)}
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
