"""The participant page in a real browser: Debian's Chromium driven by Playwright.

axe-core (the copy axe-playwright-python installs with the test extras; nothing is downloaded here)
checks WCAG 2.1 A and AA on every state of the page at 320 and 1280 px, light and dark. Then
a person's walks: by keyboard alone, without JavaScript, following the facilitator live (also
across a server restart), dot voting and free text with their helpers, and the self-paced walk.
Screenshots go to ``$MOGNAD_SHOTS`` when set (for looking at them), else to a temporary folder.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import axe_playwright_python
import pytest
from web_harness import Live, builtin_set

from mognad_tui.model import Kind, Voting

CHROMIUM = Path("/usr/bin/chromium")
#: axe-core as the test extras install it (axe-playwright-python ships it; nothing is fetched).
AXE = Path(axe_playwright_python.__file__).with_name("axe.min.js")
ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's Chromium is not at /usr/bin/chromium"
    ),
    pytest.mark.timeout(120),
]

SCALE = "a-hitta-information"
SCALE_2 = "a-delade-dokument"
SINGLE = "s1-uppvarmning"
TEXT = "s2-mer"
PROMPT = "s1-digitalt-forst"


def item_with_companion() -> str:
    survey = builtin_set().survey
    return next(q.id for q in survey if any(c.importance_of == q.id for c in survey))


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
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("MOGNAD_SHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Tab:
    """A browser page with the console watched: an error or a CSP violation fails the test."""

    def __init__(self, browser: Any, **options: Any):
        self.context = browser.new_context(locale="sv-SE", **options)
        self.page = self.context.new_page()
        self.page.set_default_timeout(8000)
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser: Any) -> Iterator[Callable[..., Tab]]:
    made: list[Tab] = []

    def make(**options: Any) -> Tab:
        made.append(Tab(browser, **options))
        return made[-1]

    yield make
    for t in made:
        t.close()


# ---------------------------------------------------------------- accessibility of every state


def axe_violations(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                               resultTypes: ['violations']});
            return r.violations.map(v => v.id + ': ' + v.help + ' -> ' +
                v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
        }""",
        WCAG,
    )
    return list(result)


def answer_on_page(page: Any) -> None:
    page.get_by_label("Gör ibland").check()
    page.get_by_role("button", name="Skicka svar").click()
    page.locator("[data-role=saved]").wait_for(state="visible")


def open_earlier_results(page: Any) -> None:
    page.locator(".earlier summary").click()
    page.locator(".earlier li").first.wait_for(state="visible")


State = tuple[str, str, Callable[[Any], None] | None]


def states(live: Live, paced: Live) -> Iterator[State]:
    """Walk the meeting through every state a phone can see: (name, URL, action on the page).

    Each state is set up just before it is yielded, so the caller looks at it at once. The
    "answered" state is reached by answering in each browser tab (three phones), which also
    puts the scale question above the anonymity threshold for the results state.
    """
    base, code = live.base, live.code
    yield "join", f"{base}/", None
    yield "error-unknown-code", f"{base}/j/000000x", None
    yield "error-not-found", f"{base}/nothing-here", None
    yield "waiting", f"{base}/j/{code}", None
    live.call(live.meeting.go_to(PROMPT))
    yield "waiting-prompt", f"{base}/j/{code}", None
    live.open_question(SINGLE)
    yield "single", f"{base}/j/{code}", None
    yield "form-error", f"{base}/j/{code}?q={SINGLE}&error=no_choice", None
    live.set_voting(SINGLE, Voting.CLOSED)
    live.open_question(SCALE)
    yield "scale", f"{base}/j/{code}", None
    yield "scale-answered", f"{base}/j/{code}", answer_on_page
    live.set_voting(SCALE, Voting.CLOSED)
    yield "closed", f"{base}/j/{code}", None
    live.set_voting(SCALE, Voting.REVEALED)
    yield "results", f"{base}/j/{code}", None
    live.call(live.meeting.go_to(SINGLE))
    live.set_voting(SINGLE, Voting.REVEALED)
    yield "results-too-few", f"{base}/j/{code}", None
    live.call(live.meeting.go_to(PROMPT))
    yield "waiting-results", f"{base}/j/{code}", open_earlier_results
    live.set_voting(SINGLE, Voting.CLOSED)
    channels = ["Telefon", "E-post", "Besök", "E-tjänst"]
    live.call(live.meeting.add_poll("Hur hör de av sig till oss?", Kind.MULTIPLE, channels))
    yield "multiple", f"{base}/j/{code}", None
    needs = ["Tid för lärande", "Utrustning och nät", "Stöd i systemen"]
    live.call(live.meeting.add_poll("Vad ska vi prioritera?", Kind.DOTS, needs, dots=5))
    yield "dots", f"{base}/j/{code}", None
    pbase, pcode = paced.base, paced.code
    yield "paced-first", f"{pbase}/j/{pcode}", None
    yield "paced-companion", f"{pbase}/j/{pcode}?q={item_with_companion()}", None
    yield "paced-text", f"{pbase}/j/{pcode}?q={TEXT}", None
    yield "paced-done", f"{pbase}/j/{pcode}?done=1", None
    yield "paced-english", f"{pbase}/j/{pcode}?q={item_with_companion()}&lang=en", None


def test_axe_finds_no_wcag_violation_in_any_state(
    make_live: Callable[..., Live], tab: Callable[..., Tab], shots: Path
) -> None:
    live, paced = make_live(), make_live(self_paced=True)
    # axe is injected as an inline script: only these contexts lift the CSP for it.
    views = {
        "light-320": tab(viewport={"width": 320, "height": 720}, bypass_csp=True),
        "light-1280": tab(viewport={"width": 1280, "height": 900}, bypass_csp=True),
        "dark-320": tab(
            viewport={"width": 320, "height": 720}, bypass_csp=True, color_scheme="dark"
        ),
    }
    found: dict[str, list[str]] = {}
    seen = []
    for name, url, action in states(live, paced):
        seen.append(name)
        for view, t in views.items():
            t.page.goto(url)
            if action:
                action(t.page)
            t.page.screenshot(path=str(shots / f"{name}-{view}.png"), full_page=True)
            problems = axe_violations(t.page)
            if problems:
                found[f"{name} {view}"] = problems
    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())
    assert len(seen) == 20


def test_rate_limited_page_is_accessible(live: Live, tab: Callable[..., Tab]) -> None:
    from mognad_tui.web import app as web_app

    for n in range(web_app.WRONG_CODES):
        live.request("GET", f"/j/{n}")
    t = tab(viewport={"width": 320, "height": 720}, bypass_csp=True)
    # Typed codes are what the limit holds back (the link's key never is).
    response = t.page.goto(f"{live.base}/j?code={live.short_code}")
    assert response.status == 429
    assert "Vänta en stund" in t.page.inner_text("h1")
    assert axe_violations(t.page) == []


# ---------------------------------------------------------------- a person's walks


def test_keyboard_only_answer_with_visible_focus(live: Live, tab: Callable[..., Tab]) -> None:
    live.open_question(SCALE)
    t = tab(viewport={"width": 320, "height": 720})
    page = t.page
    page.goto(live.url.replace(live.url.split("/j/")[0], live.base))
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "radio":
            break
    else:
        pytest.fail("Tab never reached the answer options")
    outline = page.evaluate(
        "getComputedStyle(document.activeElement.closest('label')).outlineStyle"
    )
    assert outline != "none", "the focused option shows no focus outline"
    page.keyboard.press("ArrowDown")  # move within the group: option 2
    page.keyboard.press("Space")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    button_outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert button_outline != "none"
    page.keyboard.press("Enter")
    saved = page.locator("[data-role=saved]")
    saved.wait_for(state="visible")
    assert "Ditt svar är sparat. Du kan ändra det så länge frågan är öppen." in saved.inner_text()
    assert live.answers(SCALE) == [2]
    assert t.errors == []


def test_without_javascript_the_form_posts_and_shows_saved(
    live: Live, tab: Callable[..., Tab]
) -> None:
    live.open_question(SCALE)
    t = tab(viewport={"width": 320, "height": 720}, java_script_enabled=False)
    page = t.page
    page.goto(f"{live.base}/j/{live.code}")
    assert page.is_visible("text=Ladda om sidan") is False  # waiting text only when waiting
    page.get_by_label("Gör regelbundet").check()
    page.get_by_role("button", name="Skicka svar").click()
    page.wait_for_url(re.compile(rf"/j/{live.code}\?q="))
    assert "Ditt svar är sparat." in page.inner_text("[data-role=saved]")
    assert page.get_by_label("Gör regelbundet").is_checked()
    assert live.answers(SCALE) == [4]
    # Waiting, without JavaScript: the page says how to get the next question.
    live.set_voting(SCALE, Voting.CLOSED)
    live.call(live.meeting.go_to(PROMPT))
    page.goto(f"{live.base}/j/{live.code}")
    assert page.is_visible("text=Ladda om sidan när nästa fråga visas på skärmen.")


def test_page_follows_the_facilitator_and_survives_a_restart(
    live: Live, tab: Callable[..., Tab], shots: Path
) -> None:
    t = tab(viewport={"width": 320, "height": 720})
    page = t.page
    page.goto(f"{live.base}/j/{live.code}")
    page.evaluate("window.__same_page = true")
    assert page.inner_text("h1") == "Vänta på nästa fråga"
    live.open_question(SCALE)
    question = builtin_set().question(SCALE).text
    page.wait_for_function("t => document.querySelector('h1').innerText === t", arg=question)
    # Answer with JavaScript: no page load, the saved sentence appears.
    page.get_by_label("Gör ibland").check()
    page.get_by_role("button", name="Skicka svar").click()
    page.locator("text=Ditt svar är sparat.").wait_for()
    assert live.answers(SCALE) == [3]
    # Changing the choice says it is not saved yet.
    page.get_by_label("Gör regelbundet").check()
    assert "Skicka det för att spara ändringen" in page.inner_text("[data-role=saved]")
    page.screenshot(path=str(shots / "live-answered-320.png"))
    # The server goes away and comes back (same address, same session): the page reconnects.
    live.restart(same_port=True)
    live.open_question(SCALE_2)
    question_2 = builtin_set().question(SCALE_2).text
    page.wait_for_function(
        "t => document.querySelector('h1').innerText === t", arg=question_2, timeout=15000
    )
    assert page.evaluate("window.__same_page") is True
    # Revealing shows the result without a reload.
    live.set_voting(SCALE_2, Voting.REVEALED)
    page.locator("text=För få svar för att visa resultat.").wait_for()
    assert page.evaluate("window.__same_page") is True
    assert [e for e in t.errors if "ERR_CONNECTION_REFUSED" not in e] == []


def test_dots_and_free_text_helpers(live: Live, tab: Callable[..., Tab]) -> None:
    poll = live.call(
        live.meeting.add_poll("Prioritera", Kind.DOTS, ["Lärande", "Utrustning", "Stöd"], dots=3)
    )
    t = tab(viewport={"width": 320, "height": 720})
    page = t.page
    page.goto(f"{live.base}/j/{live.code}")
    assert page.inner_text("[data-role=dots-left]") == "3 av 3 prickar kvar"
    more = page.get_by_role("button", name="En prick till på: Lärande")
    more.click()
    more.click()
    page.get_by_role("button", name="En prick till på: Stöd").click()
    assert page.inner_text("[data-role=dots-left]") == "0 av 3 prickar kvar"
    assert more.get_attribute("aria-disabled") == "true"
    page.get_by_role("button", name="Skicka svar").click()
    page.locator("text=Ditt svar är sparat.").wait_for()
    assert live.answers(poll.id) == [{"o1": 2, "o3": 1}]
    live.set_voting(poll.id, Voting.CLOSED)
    live.open_question(TEXT)
    page.wait_for_selector("textarea")
    page.fill("textarea", "Mer tid för att lära oss")
    counter = page.inner_text("[data-role=counter]")
    assert counter.startswith("24 av ") and counter.endswith(" tecken")
    page.get_by_role("button", name="Skicka svar").click()
    page.locator("text=Ditt svar är sparat.").wait_for()
    assert live.answers(TEXT) == ["Mer tid för att lära oss"]
    assert t.errors == []


def test_self_paced_walk_with_progress_next_and_done(
    paced: Live, tab: Callable[..., Tab], shots: Path
) -> None:
    t = tab(viewport={"width": 320, "height": 720})
    page = t.page
    page.goto(f"{paced.base}/j/{paced.code}")
    total = len([q for q in builtin_set().survey if not q.id.endswith(".importance")])
    assert page.inner_text(".progress-text") == f"Fråga 1 av {total}"
    shot = shots / "paced-320.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 1000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page.get_by_label("Gör ibland").check()
    page.get_by_role("button", name="Spara och gå vidare").click()
    page.wait_for_url(re.compile(r"q=" + SCALE_2))
    assert page.inner_text(".progress-text") == f"Fråga 2 av {total}"
    assert "Svaret på fråga 1 är sparat." in page.inner_text("#view")
    page.get_by_role("button", name="Föregående", exact=True).click()
    assert page.get_by_label("Gör ibland").is_checked()
    assert "Ditt svar är sparat." in page.inner_text("[data-role=saved]")
    page.goto(f"{paced.base}/j/{paced.code}?done=1")
    assert page.inner_text("h1") == f"Du har svarat på 1 av {total} frågor."
    page.get_by_role("link", name="Gå till första obesvarade frågan").click()
    assert page.inner_text(".progress-text") == f"Fråga 2 av {total}"
    assert t.errors == []


def test_language_switch_is_visible_and_remembered(live: Live, tab: Callable[..., Tab]) -> None:
    t = tab(viewport={"width": 320, "height": 720})
    page = t.page
    page.goto(f"{live.base}/j/{live.code}")
    assert page.get_attribute("html", "lang") == "sv"
    page.get_by_role("link", name="English").click()
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("h1") == "Wait for the next question"
    page.goto(f"{live.base}/j/{live.code}")
    assert page.get_attribute("html", "lang") == "en"


def test_language_switch_switches_the_questions_too(live: Live, tab: Callable[..., Tab]) -> None:
    """The session froze the set in both languages: English on the phone is English questions,
    answers go to the same question, and a quick poll stays in the words it was typed in."""
    sv, en = builtin_set("sv"), builtin_set("en")
    live.call(live.meeting.go_to(PROMPT))
    t = tab(viewport={"width": 390, "height": 844})
    page = t.page
    page.goto(f"{live.base}/j/{live.code}")
    assert page.inner_text(".prompt-text") == sv.item(PROMPT).text
    page.get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(r"lang=en"))
    prompt = page.locator(".prompt-text")
    assert prompt.inner_text() == en.item(PROMPT).text
    assert prompt.get_attribute("lang") == "en"
    live.open_question(SCALE)
    page.wait_for_function(
        "t => document.querySelector('h1').innerText === t", arg=en.question(SCALE).text
    )
    english_label = en.question(SCALE).options[2].label
    assert english_label != sv.question(SCALE).options[2].label
    page.get_by_label(english_label).check()
    page.get_by_role("button", name="Send answer").click()
    page.locator("[data-role=saved]").get_by_text("Your answer is saved.").wait_for()
    assert live.answers(SCALE) == [3]
    for value in [3, 3]:
        live.call(live.meeting.submit(live.meeting.issue_device(), SCALE, value))
    live.set_voting(SCALE, Voting.REVEALED)
    page.locator(".bars").wait_for()
    assert page.inner_text("h1") == en.question(SCALE).text
    assert english_label in page.inner_text(".bars")
    # A quick poll is asked as the facilitator typed it.
    live.call(live.meeting.add_poll("Ska vi ha fika?", Kind.SINGLE, ["Ja", "Nej"]))
    page.wait_for_function("() => document.querySelector('h1').innerText === 'Ska vi ha fika?'")
    assert page.locator("h1").get_attribute("lang") == "sv"
    assert page.get_by_label("Ja").is_visible()
    assert t.errors == []


# ---------------------------------------------------------------- a choice made but not sent


def test_unsent_choice_survives_an_update_and_is_saved_by_the_pager(
    live: Live, tab: Callable[..., Tab]
) -> None:
    """Live: a choice made, then the page updates itself (a second question opens), then
    "Nästa →": the choice is still there after the update, and the pager saves it."""
    live.open_question(SCALE)
    t = tab(viewport={"width": 390, "height": 844})
    page = t.page
    page.goto(f"{live.base}/j/{live.code}")
    page.get_by_label("Gör ibland").check()
    # Opening a second question changes the page (now "Fråga 1 av 2") under the same question.
    live.set_voting(SCALE_2, Voting.OPEN)
    page.locator(".progress-text").wait_for()
    assert page.inner_text(".progress-text") == "Fråga 1 av 2"
    assert page.get_by_label("Gör ibland").is_checked()
    assert live.answers(SCALE) == []
    page.get_by_role("button", name="Nästa", exact=True).click()
    page.wait_for_url(re.compile(r"q=" + SCALE_2))
    assert "Svaret på fråga 1 är sparat." in page.inner_text("#view")
    assert live.answers(SCALE) == [3]
    page.get_by_role("button", name="Föregående", exact=True).click()
    page.wait_for_url(re.compile(r"q=" + SCALE))
    assert page.get_by_label("Gör ibland").is_checked()
    assert t.errors == []


def test_unsent_text_survives_an_update(live: Live, tab: Callable[..., Tab]) -> None:
    """Live: a free text typed and not yet sent, then the page updates itself (another
    question opens): the words typed are still in the box, not lost to the refresh."""
    live.open_question(TEXT)
    t = tab(viewport={"width": 390, "height": 844})
    page = t.page
    page.goto(f"{live.base}/j/{live.code}")
    page.fill("textarea", "Mer tid för lärande")
    live.set_voting(SCALE, Voting.OPEN)
    page.locator(".progress-text").wait_for()
    assert page.inner_text("h1") == builtin_set().question(TEXT).text
    assert page.input_value("textarea") == "Mer tid för lärande"
    assert live.answers(TEXT) == []
    assert t.errors == []


def test_unsent_choice_is_sent_when_the_facilitator_moves_on(
    live: Live, tab: Callable[..., Tab]
) -> None:
    """Live, a choice made and not sent, the facilitator opens the next question: the choice
    counts while its question is open, and the phone says so; once closed, it says why not."""
    live.open_question(SCALE)
    t = tab(viewport={"width": 390, "height": 844})
    page = t.page
    page.goto(f"{live.base}/j/{live.code}")
    page.get_by_label("Gör ibland").check()
    live.open_question(SCALE_2)  # SCALE stays open
    page.get_by_text("Ditt val på förra frågan är sparat.").wait_for()
    assert page.inner_text("h1") == builtin_set().question(SCALE_2).text
    assert live.answers(SCALE) == [3]
    page.get_by_label("Gör regelbundet").check()
    live.set_voting(SCALE_2, Voting.CLOSED)  # the page goes back to SCALE, still open
    page.get_by_text("Förra frågan: Frågan är inte öppen just nu.").wait_for()
    assert page.inner_text("h1") == builtin_set().question(SCALE).text
    assert live.answers(SCALE_2) == []
    assert [e for e in t.errors if "409" not in e] == []


@pytest.mark.parametrize("script", [True, False], ids=["js", "nojs"])
def test_self_paced_pager_saves_the_choice_made(
    paced: Live, tab: Callable[..., Tab], script: bool
) -> None:
    """Pick "Gör ibland", tap "Nästa →" (not "Spara och gå vidare"), come back: still chosen."""
    t = tab(viewport={"width": 390, "height": 844}, java_script_enabled=script)
    page = t.page
    page.goto(f"{paced.base}/j/{paced.code}")
    first = page.locator(".q").first.get_attribute("data-qid")
    page.get_by_label("Gör ibland").check()
    page.get_by_role("button", name="Nästa", exact=True).click()
    # Waited for by what the person sees: the page drops "?saved=" from its address as soon
    # as its script runs, so the address may never be seen with it.
    page.get_by_text("Svaret på fråga 1 är sparat.").wait_for()
    assert paced.answers(first) == [3]
    # Passing a page without choosing anything saves nothing and says nothing is missing.
    second = page.locator(".q").first.get_attribute("data-qid")
    page.get_by_role("button", name="Föregående", exact=True).click()
    page.wait_for_url(re.compile(r"q=" + first))
    assert page.get_by_label("Gör ibland").is_checked()
    assert paced.answers(second) == []
    assert page.inner_text("[data-role=error]") == ""
    # The last page's "Klar" saves too (a free text there).
    pages = [q.id for q in builtin_set().survey if not q.id.endswith(".importance")]
    page.goto(f"{paced.base}/j/{paced.code}?q={pages[-1]}")
    page.fill("textarea", "Mer tid för lärande")
    page.get_by_role("button", name="Klar", exact=True).click()
    page.wait_for_url(re.compile(r"done=1"))
    assert paced.answers(pages[-1]) == ["Mer tid för lärande"]
    assert page.inner_text("h1") == f"Du har svarat på 2 av {len(pages)} frågor."
    assert t.errors == []


def test_language_link_saves_the_unsent_choice(live: Live, tab: Callable[..., Tab]) -> None:
    live.open_question(SCALE)
    t = tab(viewport={"width": 390, "height": 844})
    page = t.page
    page.goto(f"{live.base}/j/{live.code}")
    page.get_by_label("Gör ibland").check()
    page.get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(r"lang=en"))
    assert live.answers(SCALE) == [3]
    assert page.locator("input[type=radio][value='3']").is_checked()
    assert t.errors == []


# ---------------------------------------------------------------- the waiting page's results


def marker_rows(t: Tab, page: Any, item: Any) -> tuple[float, float]:
    """The vertical extent of the drawn list bullet left of ``item``, from a screenshot."""
    box = item.bounding_box()
    clip = {"x": box["x"] - 22, "y": box["y"], "width": 20, "height": box["height"]}
    png = page.screenshot(clip=clip)
    reader = t.context.new_page()
    try:
        rows = reader.evaluate(
            """async (data) => {
                const img = new Image();
                img.src = 'data:image/png;base64,' + data;
                await img.decode();
                const c = document.createElement('canvas');
                c.width = img.width; c.height = img.height;
                const g = c.getContext('2d');
                g.drawImage(img, 0, 0);
                const px = g.getImageData(0, 0, c.width, c.height).data;
                const bg = [px[0], px[1], px[2]];
                const rows = [];
                for (let y = 0; y < c.height; y++) {
                    for (let x = 0; x < c.width; x++) {
                        const i = 4 * (y * c.width + x);
                        if (Math.abs(px[i] - bg[0]) + Math.abs(px[i + 1] - bg[1]) +
                            Math.abs(px[i + 2] - bg[2]) > 120) { rows.push(y); break; }
                    }
                }
                return rows;
            }""",
            base64.b64encode(png).decode(),
        )
    finally:
        reader.close()
    assert rows, "no bullet drawn"
    return box["y"] + min(rows), box["y"] + max(rows)


def test_waiting_page_shows_latest_result_and_folds_the_earlier(
    live: Live, tab: Callable[..., Tab], shots: Path
) -> None:
    pages = [q.id for q in builtin_set().survey if not q.id.endswith(".importance")][:14]
    for qid in pages:
        live.open_question(qid)
        live.set_voting(qid, Voting.REVEALED)
    live.call(live.meeting.go_to(PROMPT))
    t = tab(viewport={"width": 390, "height": 844})
    page = t.page
    page.goto(f"{live.base}/j/{live.code}")
    page.screenshot(path=str(shots / "waiting-results-390.png"), full_page=True)
    # About one screen, not 4,500 px: the latest result, the others behind one line. (The
    # current prompt's own length decides the rest, so the bound leaves it a few lines.)
    assert page.evaluate("document.documentElement.scrollHeight") <= 844 * 1.25
    latest = builtin_set().question(pages[-1]).text
    assert page.get_by_role("heading", name="Senaste resultatet").is_visible()
    assert page.get_by_role("link", name=latest).is_visible()
    earlier = page.get_by_text("Tidigare resultat (13)")
    assert earlier.is_visible()
    first = builtin_set().question(pages[0]).text
    assert not page.get_by_role("link", name=first).is_visible()
    earlier.click()
    link = page.get_by_role("link", name=first)
    assert link.is_visible()
    assert page.locator(".earlier li").count() == 13
    page.screenshot(path=str(shots / "waiting-results-open-390.png"), full_page=True)
    # Each bullet sits on the first line of its (wrapped) item.
    for item in [page.locator(".links li").first, page.locator(".earlier li").first]:
        # The text's line boxes: a Range gives one rectangle per line.
        first_top, first_bottom, lines = item.evaluate(
            """li => { const r = document.createRange();
                       r.selectNodeContents(li.querySelector('a'));
                       const rects = Array.from(r.getClientRects());
                       return [rects[0].top + window.scrollY, rects[0].bottom + window.scrollY,
                               new Set(rects.map(x => Math.round(x.top))).size]; }"""
        )
        assert lines > 1, "the test needs an item that wraps"
        top, bottom = marker_rows(t, page, item)
        assert first_top - 1 <= top and bottom <= first_bottom + 1, (top, bottom, first_top)
    page.get_by_role("link", name=first).click()
    assert page.inner_text("h1") == first
    assert t.errors == []


# ---------------------------------------------------------------- a 1-5 poll and its ends


def test_scale_poll_shows_its_ends_and_spread_remark_only_on_survey_items(
    live: Live, tab: Callable[..., Tab]
) -> None:
    from mognad_tui.tui.catalog import T

    ends = [T("poll_form.scale_low", "sv"), "2", "3", "4", T("poll_form.scale_high", "sv")]
    poll = live.call(live.meeting.add_poll("Hur nöjda är vi med Teams?", Kind.SCALE, ends))
    t = tab(viewport={"width": 390, "height": 844})
    page = t.page
    page.goto(f"{live.base}/j/{live.code}")
    assert page.get_by_label("1 – Inte alls").is_visible()
    assert page.get_by_label("5 – Helt och hållet").is_visible()
    page.get_by_label("5 – Helt och hållet").check()
    page.get_by_role("button", name="Skicka svar").click()
    page.locator("text=Ditt svar är sparat.").wait_for()
    for value in [1, 1, 5]:
        live.call(live.meeting.submit(live.meeting.issue_device(), poll.id, value))
    live.set_voting(poll.id, Voting.REVEALED)
    page.locator(".bars").wait_for()
    view = page.inner_text("#view")
    assert "1 – Inte alls" in view and "5 – Helt och hållet" in view
    assert "Stor spridning" not in view
    # The same spread on a self-assessment item is worth the remark.
    live.set_voting(poll.id, Voting.CLOSED)
    live.open_question(SCALE)
    for value in [1, 1, 5, 5]:
        live.call(live.meeting.submit(live.meeting.issue_device(), SCALE, value))
    live.set_voting(SCALE, Voting.REVEALED)
    page.locator("text=Stor spridning: någon här kan lära de andra.").wait_for()
    assert t.errors == []
