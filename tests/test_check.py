"""``mognad check``: whether phones can reach this machine, run as a user runs it (a real
subprocess, a real server on this machine's network address, a "phone" that opens the page)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request

import pytest
from test_cli import mognad, no_traceback

from mognad_tui.network import Candidate, Kind, diagnose, local_candidates

URL = re.compile(r"^\s+(http://\S+/check)$", re.M)


def lan_here() -> bool:
    return local_candidates()[0].reachable


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_check_reports_addresses_the_qr_address_and_the_port_then_ends(lang: str) -> None:
    result = mognad("check", "--port", "0", "--seconds", "0", "--lang", lang)
    assert no_traceback(result), result.stderr
    best = local_candidates()[0].address
    out = result.stdout
    if lang == "sv":
        assert "Datorns adresser:" in out
        assert f"QR-koden och länken använder {best}." in out
        assert f"svarar på {best} från den här datorn" in out
        assert "Ingen telefon öppnade sidan." in out
    else:
        assert "This computer's addresses:" in out
        assert f"The QR code and the link use {best}." in out
        assert f"answers on {best} from this computer" in out
        assert "No phone opened the page." in out
    assert re.search(rf"^  \* {re.escape(best)} ", out, re.M)  # marked as the chosen one
    match = URL.search(out)
    assert match and match.group(1).startswith(f"http://{best}:")
    # Here (a container with lo and eth0, or a laptop on a LAN) nothing is in the way.
    assert result.returncode == (0 if lan_here() else 1), out


def test_loopback_only_is_a_likely_problem_exit_1() -> None:
    result = mognad("check", "--host", "127.0.0.1", "--port", "0", "--seconds", "0")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Datorn har ingen adress i ett vanligt nätverk som telefonerna når" in result.stdout
    assert "Något hindrar troligen telefonerna, se ovan." in result.stdout
    assert no_traceback(result)


def test_a_taken_port_is_one_clear_sentence() -> None:
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = mognad("check", "--port", str(port), "--seconds", "0", "--lang", "en")
    assert result.returncode == 1
    assert result.stderr.startswith("mognad: The check could not start:")
    assert no_traceback(result)


def test_a_phone_that_opens_the_page_is_reported_without_its_address() -> None:
    """The page stays up until Ctrl-C; a phone opening it is told at once, and its proof
    makes the exit code 0 even on a machine where something looked likely to be in the way.
    The "phone" comes from this machine's loopback, an address never printed otherwise."""
    env = {**os.environ, "MOGNAD_LANG": ""}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mognad_tui",
            "check",
            "--port",
            "0",
            "--host",
            "0.0.0.0",
            "--seconds",
            "60",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if URL.match(line.rstrip("\n")):
                break
        url = URL.match(lines[-1].rstrip("\n")).group(1)  # type: ignore[union-attr]
        port = url.rsplit(":", 1)[1].split("/")[0]
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/check", timeout=30)
        html = page.read().decode()
        assert "Telefonen når datorn" in html and 'lang="sv"' in html
        for line in proc.stdout:
            lines.append(line)
            if "En telefon öppnade sidan" in line:
                break
        assert "telefoner hittills: 1" in lines[-1]
        assert "127.0.0.1" not in lines[-1]
        proc.send_signal(signal.SIGINT)
        rest, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, "".join(lines) + rest + err
    assert "Traceback" not in err
    assert "127.0.0.1" not in "".join(lines) + rest


def lan(name: str, address: str, kind: Kind = Kind.WIRELESS) -> Candidate:
    return Candidate(name, address, kind, True, 4)


def test_diagnosis_names_a_vpn_and_a_missing_lan_as_problems() -> None:
    fine = diagnose([lan("wlan0", "192.168.1.5")], reachable=True, platform="linux")
    assert [f.code for f in fine] == ["guest"] and not any(f.problem for f in fine)
    vpn = diagnose(
        [lan("wlan0", "192.168.1.5"), lan("utun3", "100.88.1.2", Kind.VPN)],
        reachable=True,
        platform="darwin",
    )
    assert [(f.code, f.problem, f.detail) for f in vpn[:2]] == [
        ("vpn", True, "utun3"),
        ("firewall_macos", False, ""),
    ]
    none = diagnose([lan("docker0", "172.17.0.1", Kind.VIRTUAL)], reachable=True, platform="x")
    assert none[0].code == "no_lan" and none[0].problem
    shut = diagnose([lan("wlan0", "192.168.1.5")], reachable=False, platform="linux")
    assert ("unreachable", True) in [(f.code, f.problem) for f in shut]


def test_on_windows_the_defender_firewall_prompt_is_named_with_what_to_ask_it() -> None:
    findings = diagnose([lan("Wi-Fi", "192.168.1.5")], reachable=True, platform="win32")
    assert "firewall_windows" in [f.code for f in findings]
    from mognad_tui.cli_text import T

    text = T("check_firewall_windows", "sv", port=8765, detail="")
    assert "Windows Defender-brandväggen" in text and "TCP-port 8765" in text
