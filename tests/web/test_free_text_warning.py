"""Issue 9, item 15: the phone's free-text field says, in one plain line, not to write names
or details about clients (social services work under secrecy)."""

from __future__ import annotations

import re

import pytest
from web_harness import Live

FREE_TEXT = "s2-mer"


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("sv", "Skriv inga namn eller uppgifter om brukare eller klienter."),
        ("en", "Do not write names or details about clients or service users."),
    ],
)
def test_free_text_field_warns_against_names_and_client_details(
    live: Live, lang: str, line: str
) -> None:
    live.open_question(FREE_TEXT)
    device = live.device()
    page = device.get(f"/j/{live.code}", headers={"Accept-Language": lang}).text
    textarea = re.search(r"<textarea[^>]*>", page)
    assert textarea, page
    described = re.search(r'aria-describedby="([^"]+)"', textarea.group(0))
    assert described
    # The line is tied to the field, so a screen reader reads it with the field.
    ids = described.group(1).split()
    warning = re.search(r'<p class="help" id="(\w+)">([^<]*)</p>', page)
    assert warning and warning.group(1) in ids
    assert warning.group(2) == line
