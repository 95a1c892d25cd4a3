"""``mognad`` in a real pseudo-terminal, the way a facilitator meets it (issue 10).

The command runs as its own process on a pty (pexpect); what it draws is fed to a terminal
emulator (pyte), so a test reads the screen a person would see, whatever escape sequences drew
it. The pty is drained all the time on a thread: a full pty would block the app's writer. Phones
are real HTTP clients of the real server. Every wait is on the screen or on a reply; the time
limits only guard against a hang.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

if sys.platform == "win32":  # pragma: no cover
    pytest.skip("pseudo-terminals are POSIX", allow_module_level=True)

pexpect = pytest.importorskip("pexpect", reason="pexpect drives the pseudo-terminal")
pyte = pytest.importorskip("pyte", reason="pyte reads the pseudo-terminal's screen")

from mognad_tui.client.api import ApiError, ParticipantClient  # noqa: E402
from mognad_tui.meeting import Meeting  # noqa: E402
from mognad_tui.store import SessionStore  # noqa: E402

ROWS, COLS = 40, 140
LIMIT = 90.0  # seconds: a guard against a hang on a loaded machine, never a pace
SCALE = "a-natfiske"
DOWN, ENTER, TAB = "\x1b[B", "\r", "\t"


class _Screen(pyte.Screen):
    """Answers the terminal's reports (cursor position) as a real terminal does."""

    def __init__(self, columns: int, lines: int, reply) -> None:
        super().__init__(columns, lines)
        self._reply = reply

    def write_process_input(self, data: str) -> None:
        self._reply(data)


class Terminal:
    """One command on a pseudo-terminal, then ``EXIT=<code>`` and ``stty -a`` from the shell
    that ran it: how the terminal was left behind."""

    def __init__(self, *args: str, env: dict[str, str], cwd: Path) -> None:
        command = " ".join(f'"{a}"' for a in (sys.executable, "-m", "mognad_tui", *args))
        script = f'{command}; echo "EXIT=$?"; stty -a'
        self.child = pexpect.spawn(
            "/bin/sh", ["-c", script], env=env, cwd=str(cwd), dimensions=(ROWS, COLS)
        )
        self.screen = _Screen(COLS, ROWS, self._answer)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        self.ended = False
        self.changed = threading.Condition()
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()

    def _answer(self, data: str) -> None:
        self.child.send(data)

    def _drain(self) -> None:
        while True:
            try:
                data = self.child.read_nonblocking(65536, timeout=1)
            except pexpect.TIMEOUT:
                continue
            except (pexpect.EOF, OSError):
                with self.changed:
                    self.ended = True
                    self.changed.notify_all()
                return
            with self.changed:
                self.raw += data
                self.stream.feed(data)
                self.changed.notify_all()

    def text(self) -> str:
        with self.changed:
            return "\n".join(self.screen.display)

    def squashed(self) -> str:
        return _squash(self.text())

    def wait_for(self, *phrases: str) -> str:
        """Until every phrase is on the screen (each within one row), then the screen."""
        deadline = time.monotonic() + LIMIT
        with self.changed:
            while True:
                seen = _squash("\n".join(self.screen.display))
                if all(p in seen for p in phrases):
                    return seen
                left = deadline - time.monotonic()
                if left <= 0 or self.ended:
                    raise AssertionError(f"never saw {phrases!r}; the screen:\n{self.text()}")
                self.changed.wait(min(left, 1.0))

    def port(self) -> int:
        """The port of the address the join panel shows, once it shows one."""
        address = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}:(\d+)\b")
        deadline = time.monotonic() + LIMIT
        with self.changed:
            while not (found := address.search("\n".join(self.screen.display))):
                left = deadline - time.monotonic()
                if left <= 0 or self.ended:
                    raise AssertionError(f"no address on the screen:\n{self.text()}")
                self.changed.wait(min(left, 1.0))
        return int(found.group(1))

    def send(self, keys: str) -> None:
        self.child.send(keys)

    def finish(self) -> tuple[int, str]:
        """The command's exit code and the terminal's modes after it (``stty -a``)."""
        self.reader.join(LIMIT)  # the shell has ended and everything it wrote is read
        assert not self.reader.is_alive(), f"still running:\n{self.text()}"
        out = self.raw.decode("utf-8", "replace")
        code = int(re.search(r"EXIT=(\d+)", out).group(1))
        return code, out[out.index("EXIT=") :]

    def close(self) -> None:
        if self.child.isalive():
            self.child.terminate(force=True)


def _squash(text: str) -> str:
    """Screen text with box drawing and runs of spaces folded."""
    return " ".join(re.sub(r"[│╭╮╰╯─▊▎▔▁]", " ", text).split())


def _restored(after: str) -> bool:
    """The terminal is as a shell wants it: line editing and echo back on."""
    modes = after.split()
    return "icanon" in modes and "echo" in modes and "-icanon" not in modes


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOGNAD_", "COLUMNS", "LINES"))}
    env.update(
        MOGNAD_DATA_DIR=str(tmp_path / "sessions"),
        TERM="xterm-256color",
        LANG="C.UTF-8",
        LC_ALL="C.UTF-8",
        MOGNAD_LANG="sv",
    )
    env.pop("NO_COLOR", None)
    return env


@pytest.fixture
def terminals():
    opened: list[Terminal] = []
    yield opened
    for term in opened:
        term.close()


def _mognad(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mognad_tui", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=LIMIT,
        stdin=subprocess.DEVNULL,
    )


def test_bare_mognad_asks_in_swedish_creates_a_meeting_runs_it_and_q_quits(
    env, tmp_path, terminals
):
    """Issue 10 item 1: `mognad` alone on a terminal (it failed on a missing --data-dir)."""
    term = Terminal(env=env, cwd=tmp_path)
    terminals.append(term)
    screen = term.wait_for("Vilket möte vill du leda?", "Skapa ett nytt möte")
    assert "(välj med piltangenterna och tryck Enter)" in screen and "Use arrow keys" not in screen
    term.send(ENTER)
    term.wait_for("Vad heter gruppen?")
    term.send("Enhet Prov" + ENTER)
    assert "Use arrow keys" not in term.wait_for("Vilket frågeset?", "piltangenterna")
    term.send(ENTER)
    screen = term.wait_for("mognad · Enhet Prov", "Dagordning", "Gå med")
    assert "Traceback" not in screen
    term.send("q")
    code, after = term.finish()
    assert code == 0 and "Traceback" not in term.raw.decode("utf-8", "replace")
    assert _restored(after)
    assert (tmp_path / "sessions" / "enhet-prov").is_dir()


def test_bare_mognad_runs_a_meeting_chosen_from_the_list(env, tmp_path, terminals):
    assert _mognad(env, "new", "--name", "Enhet Nord").returncode == 0
    term = Terminal(env=env, cwd=tmp_path)
    terminals.append(term)
    term.wait_for("Vilket möte vill du leda?", "Enhet Nord (enhet-nord")
    term.send(DOWN)
    term.send(ENTER)
    term.wait_for("mognad · Enhet Nord", "Dagordning")
    term.send("q")
    code, after = term.finish()
    assert code == 0 and _restored(after)


async def _state(phone: ParticipantClient) -> list[str]:
    return [q["id"] for q in (await phone.state())["open"]]


async def test_a_restart_with_phones_keeps_the_port_and_auto_reveal_waits(env, tmp_path, terminals):
    """Issue 10, Proof: `mognad run` in a pty, three phones, `q`, `mognad run` again.

    The port is kept (the phones' saved address still works), the first phone back answering
    is not "everyone" (no early reveal), and every phone's answer counts."""
    assert _mognad(env, "new", "--name", "Enhet Syd").returncode == 0
    folder = tmp_path / "sessions" / "enhet-syd"
    store = SessionStore.open(folder)
    meeting = Meeting(store)
    key = meeting.join_key
    await meeting.go_to(SCALE)  # the facilitator had stepped to this question
    store.close()

    # Run 1: any free port (as when 8765 is taken); three phones join; nobody answers yet.
    first = Terminal("run", "enhet-syd", "--port", "0", env=env, cwd=tmp_path)
    terminals.append(first)
    first.wait_for("Gå med", "0 anslutna")
    port = first.port()
    first.send("u")
    first.wait_for("Visar automatiskt")
    first.send(" ")
    first.wait_for("Röstningen är öppen")
    url = f"http://127.0.0.1:{port}/j/{key}"
    phones = [ParticipantClient(url) for _ in range(3)]
    try:
        for phone in phones:
            await phone.join()
            assert await _state(phone) == [SCALE]
        first.wait_for("3 anslutna")
        first.send("q")  # voting is open: it asks first
        first.wait_for("Avsluta?", "Fortsätt mötet")
        first.send(TAB)
        first.send(ENTER)
        code, after = first.finish()
        assert code == 0 and _restored(after)
        for phone in phones:  # the laptop is gone: "Vi fick ingen kontakt med servern"
            with pytest.raises(ApiError):
                await phone.state()

        # Run 2: `mognad run` again, no --port: the same address.
        second = Terminal("run", "enhet-syd", env=env, cwd=tmp_path)
        terminals.append(second)
        second.wait_for("Gå med", "Röstningen är öppen")
        assert second.port() == port
        assert "NY ADRESS" not in second.squashed()
        a, b, c = phones
        assert await _state(a) == [SCALE]  # the first phone back, on its saved address
        assert await a.answer(SCALE, 2)
        second.wait_for("1 av 3 har svarat", "Efter omstarten är 1 av 3")
        assert await _state(b) == [SCALE]  # still open: 1 of 1 present is not everyone
        assert await b.answer(SCALE, 3)
        second.wait_for("2 av 3 har svarat")
        assert await _state(c) == [SCALE]
        assert await c.answer(SCALE, 4)  # the last one's answer is taken, then revealed
        second.wait_for("Resultat", "3 har svarat")
        assert await _state(a) == []
        second.send("q")
        code, after = second.finish()
        assert code == 0 and _restored(after)
    finally:
        for phone in phones:
            await phone.close()

    exported = _mognad(env, "export", "enhet-syd", "--format", "json")
    assert exported.returncode == 0, exported.stderr
    question = next(q for q in json.loads(exported.stdout)["questions"] if q["id"] == SCALE)
    assert sorted(question["answers"]) == [2, 3, 4]  # no answer lost
