"""``python -m mognad_tui`` and the ``mognad`` command."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    # Imported here so that `python -m mognad_tui` and the console script share one path
    # and `mognad --help` stays fast: cli.py itself imports nothing heavy at module level.
    from mognad_tui.cli import main as cli_main

    return cli_main(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
