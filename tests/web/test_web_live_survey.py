"""Step 2 live on the phone: a statement and its importance follow-up on one page (and their
results together), and the whole survey opened inside a live meeting, walked at the phone's
own pace. Debian's Chromium through Playwright, the real server on port 0, axe-core on each
changed page."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from test_web_browser import ARGS, CHROMIUM, Tab, axe_violations
from web_harness import Live, builtin_set

from mognad_tui.model import Kind, Voting

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's Chromium is not at /usr/bin/chromium"
    ),
    pytest.mark.timeout(120),
]

PAIRED = "a-ai-tjanst"
FOLLOW_UP = "a-ai-tjanst.importance"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def tab(browser: Any) -> Iterator[Callable[..., Tab]]:
    made: list[Tab] = []

    def make(**options: Any) -> Tab:
        made.append(Tab(browser, **options))
        return made[-1]

    yield make
    for t in made:
        t.close()


def test_live_statement_and_its_importance_on_one_page(live: Live, tab: Callable[..., Tab]) -> None:
    statement = builtin_set().question(PAIRED).text
    live.open_question(PAIRED)  # the facilitator opens the statement: both open
    t = tab(viewport={"width": 390, "height": 844}, bypass_csp=True)
    page = t.page
    page.goto(f"{live.base}/j/{live.code}")
    assert page.inner_text("h1") == statement
    # "Hur viktigt är detta…" with the statement in view, on the same page.
    assert page.get_by_role("heading", name="Hur viktigt är detta").is_visible()
    assert axe_violations(page) == []
    page.get_by_label("Gör ibland").check()
    page.get_by_label("Hög").check()
    page.get_by_role("button", name="Skicka svar").click()
    page.locator("[data-role=saved]").wait_for(state="visible")
    assert live.answers(PAIRED) == [3]
    assert live.answers(FOLLOW_UP) == ["high"]
    for value, importance in [(4, "high"), (2, "medium")]:
        token = live.call(live.meeting.issue_device)
        live.call(live.meeting.submit(token, PAIRED, value))
        live.call(live.meeting.submit(token, FOLLOW_UP, importance))
    live.set_voting(PAIRED, Voting.REVEALED)
    page.locator(".bars").first.wait_for()
    # Both results on one page, the follow-up under its statement.
    assert page.inner_text("h1") == statement
    assert page.locator("h2.q-title").inner_text().startswith("Hur viktigt är detta")
    assert page.locator(".bars").count() == 2
    assert axe_violations(page) == []
    assert t.errors == []


def test_whole_survey_opened_live_is_walked_at_the_phone_s_pace(
    live: Live, tab: Callable[..., Tab]
) -> None:
    pages = [q.id for q in builtin_set().survey if not q.importance_of]
    live.call(live.meeting.go_to(pages[0]))
    t = tab(viewport={"width": 390, "height": 844}, bypass_csp=True)
    page = t.page
    page.goto(f"{live.base}/j/{live.code}")
    assert page.inner_text("h1") == "Vänta på nästa fråga"
    live.call(live.meeting.open_survey())  # the facilitator pressed "a"
    page.locator(".progress-text").wait_for()
    assert page.inner_text(".progress-text") == f"Fråga 1 av {len(pages)}"
    assert axe_violations(page) == []
    page.get_by_label("Gör ibland").check()
    page.get_by_role("button", name="Spara och gå vidare").click()
    page.wait_for_url(re.compile(r"q=" + pages[1]))
    assert page.inner_text(".progress-text") == f"Fråga 2 av {len(pages)}"
    # Coming back to the page finds this phone's own place, not the facilitator's item.
    page.goto(f"{live.base}/j/{live.code}")
    assert page.inner_text(".progress-text") == f"Fråga 2 av {len(pages)}"
    # The paired page: statement and importance together, as self-paced.
    index = pages.index(PAIRED)
    page.goto(f"{live.base}/j/{live.code}?q={PAIRED}")
    assert page.inner_text(".progress-text") == f"Fråga {index + 1} av {len(pages)}"
    assert page.get_by_role("heading", name="Hur viktigt är detta").is_visible()
    page.get_by_label("Gör regelbundet").check()
    page.get_by_label("Medel").check()
    page.get_by_role("button", name="Spara och gå vidare").click()
    page.wait_for_url(re.compile(r"q=" + pages[index + 1]))
    assert live.answers(PAIRED) == [4] and live.answers(FOLLOW_UP) == ["medium"]
    assert axe_violations(page) == []
    # "2 av 1 klara" would be wrong: this phone is not done until every statement is answered.
    assert live.call(live.meeting.survey_ready) == 0
    # The facilitator closes it: the phone waits, then sees the first area's results.
    live.call(live.meeting.close_survey())
    page.wait_for_function("() => !document.querySelector('.progress-text')")
    assert live.call(lambda: live.meeting.walked_area[0]) == "a-vardag"
    assert t.errors == []


def test_a_closed_survey_refuses_late_answers(live: Live) -> None:
    live.call(live.meeting.open_survey())
    live.call(live.meeting.close_survey())
    token = live.call(live.meeting.issue_device)
    from mognad_tui.meeting import AnswerRefused

    with pytest.raises(AnswerRefused):
        live.call(live.meeting.submit(token, "a-natfiske", 3))
    assert builtin_set().question("a-natfiske").kind is Kind.SCALE
