"""The page a phone opens during ``mognad check``, in Debian's Chromium: it says the phone
reaches the computer, in the command's language, and passes axe-core's WCAG 2.1 AA checks at
a phone's width."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable

import pytest
from test_web_browser import CHROMIUM, Tab, axe_violations, browser, tab

__all__ = ["browser", "tab"]  # fixtures

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's Chromium is not at /usr/bin/chromium"
    ),
    pytest.mark.timeout(120),
]


@pytest.mark.parametrize(
    ("lang", "title"), [("sv", "Telefonen når datorn"), ("en", "The phone reaches the computer")]
)
def test_check_page_on_a_phone(tab: Callable[..., Tab], lang: str, title: str) -> None:
    command = [sys.executable, "-m", "mognad_tui", "check", "--host", "127.0.0.1"]
    proc = subprocess.Popen(
        [*command, "--port", "0", "--seconds", "60", "--lang", lang],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "MOGNAD_LANG": ""},
    )
    try:
        assert proc.stdout is not None
        url = ""
        for line in proc.stdout:
            match = re.match(r"^\s+(http://\S+/check)$", line)
            if match:
                url = match.group(1)
                break
        assert url.startswith("http://127.0.0.1:")
        t = tab(viewport={"width": 320, "height": 640})
        response = t.page.goto(url)
        assert response is not None and response.status == 200
        assert t.page.inner_text("h1") == title
        assert t.page.get_attribute("html", "lang") == lang
        assert axe_violations(t.page) == []
        assert t.errors == []
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)
