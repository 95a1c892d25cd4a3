"""Time from launching the facilitator's screen to its first paint.

Two figures:

- ``mognad run``: the real command in a pseudo-terminal (120x36), from the moment the process
  is spawned until the main screen's agenda title has been drawn on the terminal; then Ctrl+Q.
  This is what the facilitator waits for, Python start-up and imports included.
- in-process: ``MognadApp`` under Textual's test driver, from creating the app to the first
  screen update handed to the driver (no interpreter start-up), for comparison.

And ``mognad --help``: wall time of the whole command (target 0.3 s), against the baseline of
a bare ``python -c pass`` measured in the same run, with the ratio.

Prints each run and the median; ``--limit`` (seconds, default 3) makes it exit 1 when the
command's median is slower, and so does a ``--help`` slower than 0.3 s.

    .venv/bin/python bench/startup.py [--runs 5] [--limit 3]
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import pty
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
MOGNAD = shutil.which("mognad", path=str(ROOT / ".venv" / "bin")) or "mognad"
COLS, ROWS = 120, 36
#: Drawn once the main screen is painted: the agenda's border title.
MARKER = b"Dagordning"


def make_session(data_dir: Path) -> Path:
    from mognad_tui.model import SessionInfo
    from mognad_tui.question_sets import load_question_set
    from mognad_tui.store import create_session

    info = SessionInfo("start", "Start", "2026-11-26", "digital-mognad", "sv", join_code="4821")
    return create_session(data_dir, info, load_question_set("digital-mognad", "sv"))


def time_command(session: Path, timeout: float = 30.0) -> float:
    """Spawn ``mognad run`` on a pty and wait for the first paint of the main screen."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(COLS), "LINES": str(ROWS)}
    start = time.perf_counter()
    proc = subprocess.Popen(
        [MOGNAD, "run", str(session), "--port", "0", "--host", "127.0.0.1"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        close_fds=True,
    )
    os.close(follower)
    seen = b""
    painted = None
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([leader], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:
                    break
                seen = (seen + chunk)[-200_000:]
                if MARKER in seen:
                    painted = time.perf_counter() - start
                    break
            if proc.poll() is not None:
                break
        os.write(leader, b"\x11")  # Ctrl+Q
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    finally:
        os.close(leader)
    if painted is None:
        raise RuntimeError(f"no first paint within {timeout} s; output ended with {seen[-500:]!r}")
    return painted


async def time_in_process(session: Path) -> float:
    from mognad_tui.meeting import Meeting
    from mognad_tui.store import SessionStore
    from mognad_tui.tui.app import MognadApp

    store = SessionStore.open(session)
    try:
        start = time.perf_counter()
        app = MognadApp(Meeting(store))
        first: list[float] = []
        original = app._display

        def display(screen, renderable):  # type: ignore[no-untyped-def]
            if renderable is not None and not first:
                first.append(time.perf_counter() - start)
            return original(screen, renderable)

        app._display = display  # type: ignore[method-assign]
        async with app.run_test(size=(COLS, ROWS)) as pilot:
            while not first:
                await pilot.pause(0.005)
        return first[0]
    finally:
        store.close()


HELP_LIMIT = 0.3


def wall_time(argv: list[str], runs: int) -> float:
    """Median wall time of a whole command, interpreter start-up included."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--limit", type=float, default=3.0, help="seconds, for `mognad run`")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mognad-startup-") as tmp:
        session = make_session(Path(tmp))
        command = []
        for n in range(args.runs):
            seconds = time_command(session)
            command.append(seconds)
            print(f"mognad run, run {n + 1}: {seconds * 1000:7.1f} ms to the first paint")
        inproc = []
        for n in range(args.runs):
            seconds = asyncio.run(time_in_process(session))
            inproc.append(seconds)
            print(f"in-process,  run {n + 1}: {seconds * 1000:7.1f} ms to the first paint")
    median_cmd = statistics.median(command)
    print(f"median `mognad run`: {median_cmd * 1000:.1f} ms (max {max(command) * 1000:.1f} ms)")
    print(f"median in-process:   {statistics.median(inproc) * 1000:.1f} ms")
    ok = median_cmd <= args.limit
    print(f"{'PASS' if ok else 'FAIL'}: median {median_cmd:.2f} s (limit {args.limit:.1f} s)")
    bare = wall_time([sys.executable, "-c", "pass"], 11)
    help_time = wall_time([MOGNAD, "--help"], 11)
    help_ok = help_time <= HELP_LIMIT
    print(f"baseline `python -c pass`: {bare * 1000:.1f} ms (median of 11)")
    print(
        f"`mognad --help`: {help_time * 1000:.1f} ms (median of 11), ratio {help_time / bare:.2f}"
    )
    print(
        f"{'PASS' if help_ok else 'FAIL'}: `mognad --help` {help_time:.3f} s (limit {HELP_LIMIT} s)"
    )
    return 0 if ok and help_ok else 1


if __name__ == "__main__":
    sys.exit(main())
