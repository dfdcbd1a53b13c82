"""The chat page in a real browser: Debian's Chromium, headless, driven by Playwright.

A person opens the page, greets the coach, answers self-assessment questions with the buttons,
reloads and finds the conversation still there, and reaches the profile with its chart; another
does it all by keyboard. An axe-core scan finds no serious or critical problems, HTML typed into
the chat stays text, and the page fetches nothing from anywhere but the coach. Screenshots (desktop
and phone width) are written to results/.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import List

import pytest

from tests.e2e.harness import ROOT

RESULTS = ROOT / "results"
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
WAIT_MS = 60_000


def _chromium() -> str:
    found = os.environ.get("COACH_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("Chromium is not installed: `make test` installs Debian's chromium package "
                    "(scripts/ensure_packages.sh chromium:chromium)")
    return found


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=_chromium(), headless=True,
                              args=["--no-sandbox", "--disable-dev-shm-usage"])
        try:
            yield b
        finally:
            b.close()


def _new_page(browser, coach, **context_options):
    """A page in a fresh browser context, with the coach's address and every request it makes.

    The test's own probes (wait_for_function, axe) are scripts the page's CSP would block; the
    page's content security policy itself is checked in tests/e2e/test_socketio.py, and the
    injection test below shows the page keeps text as text without relying on it.
    """
    context = browser.new_context(bypass_csp=True, **context_options)
    pg = context.new_page()
    pg.set_default_timeout(WAIT_MS)
    pg.base = f"http://127.0.0.1:{coach.rasa_port}"  # type: ignore[attr-defined]
    requests: List[str] = []
    pg.on("request", lambda r: requests.append(r.url))
    pg.seen_requests = requests  # type: ignore[attr-defined]
    return context, pg


@pytest.fixture
def page(browser, coach):
    context, pg = _new_page(browser, coach, viewport={"width": 1280, "height": 900})
    yield pg
    context.close()


def _open(pg) -> None:
    pg.goto(pg.base + "/chat")
    pg.wait_for_selector("body[data-state='ready']")


def _bot_count(pg) -> int:
    return pg.locator(".coach-message--bot").count()


def _send(pg, text: str) -> None:
    before = _bot_count(pg)
    pg.fill("#coach-input", text)
    pg.click("#coach-send")
    _wait_reply(pg, before)


def _wait_reply(pg, before: int) -> None:
    pg.wait_for_function(f"document.querySelectorAll('.coach-message--bot').length > {before}")
    # Replies come in parts: wait until the coach has finished this turn.
    pg.wait_for_function("document.body.dataset.state === 'ready'")


def _press(pg, title: str) -> None:
    before = _bot_count(pg)
    pg.locator("#coach-log button:not([disabled])", has_text=title).last.click()
    _wait_reply(pg, before)


def _log_text(pg) -> str:
    return pg.inner_text("#coach-log")


def _shot(pg, name: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(RESULTS / name), full_page=True)


def test_greet_answer_with_buttons_reload_and_reach_the_profile(page):
    pg = page
    _open(pg)
    _send(pg, "hello")
    assert "leadership coach" in _log_text(pg)
    _send(pg, "I'd like to do the self-assessment please")
    assert "may I keep your answers" in _log_text(pg)
    _press(pg, "Yes, keep them")
    assert "1 of 9" in _log_text(pg)
    _press(pg, "Strong")
    _send(pg, "I keep the team's purpose in every handover")
    assert "2 of 9" in _log_text(pg)
    _press(pg, "Proficient")
    _send(pg, "skip")
    assert "3 of 9" in _log_text(pg)
    _shot(pg, "chat-desktop.png")

    # A reload keeps the conversation: the same session, the earlier messages shown again.
    pg.reload()
    pg.wait_for_selector("body[data-state='ready']")
    pg.wait_for_function("document.querySelectorAll('.coach-message--user').length >= 6")
    text = _log_text(pg)
    assert "I keep the team's purpose in every handover" in text and "3 of 9" in text
    assert text.count("I keep the team's purpose in every handover") == 1  # not shown twice

    # The rest of the assessment, then the profile with its chart and the chart's table.
    for level in ("Essential", "Exemplary", "Strong", "Proficient", "Essential", "Strong", "Proficient"):
        _press(pg, level)
        _send(pg, "skip")
    pg.wait_for_selector(".coach-chart")
    assert "Here's your profile" in _log_text(pg)
    table = pg.locator(".coach-chart table")
    assert table.count() == 1
    rows = table.locator("tbody tr")
    assert rows.count() == 9
    assert "Strong" in rows.nth(0).inner_text() and "Proficient" in rows.nth(1).inner_text()
    _shot(pg, "chat-profile-desktop.png")
    # Nothing was fetched from anywhere but the coach itself.
    outside = [u for u in pg.seen_requests if not u.startswith(pg.base) and not u.startswith(("data:", "ws://127.0.0.1"))]
    assert outside == []


def test_keyboard_only(page):
    pg = page
    _open(pg)
    # From the top of the page, Tab reaches the message box; Enter in it sends.
    pg.keyboard.press("Tab")
    for _ in range(30):
        if pg.evaluate("document.activeElement && document.activeElement.id") == "coach-input":
            break
        pg.keyboard.press("Tab")
    assert pg.evaluate("document.activeElement.id") == "coach-input"
    before = _bot_count(pg)
    pg.keyboard.type("I'd like to do the self-assessment please")
    pg.keyboard.press("Enter")
    _wait_reply(pg, before)
    assert "may I keep your answers" in _log_text(pg)
    # The answer buttons are reachable with Tab and pressed with Enter; focus is visible.
    for _ in range(40):
        pg.keyboard.press("Tab")
        label = pg.evaluate("document.activeElement && document.activeElement.textContent.trim()")
        if label == "Yes, keep them":
            break
    assert label == "Yes, keep them"
    outline = pg.evaluate("(() => { const s = getComputedStyle(document.activeElement);"
                          " return [s.outlineStyle, s.boxShadow, s.backgroundColor]; })()")
    assert outline[0] != "none" or outline[1] != "none", outline
    before = _bot_count(pg)
    pg.keyboard.press("Enter")
    _wait_reply(pg, before)
    assert "1 of 9" in _log_text(pg)
    # After an answer, focus is back where the person types.
    assert pg.evaluate("document.activeElement.id") in ("coach-input", "coach-log") or \
        pg.evaluate("document.activeElement.tagName") == "BUTTON"


def test_html_in_a_message_stays_text(page, coach):
    pg = page
    _open(pg)
    attack = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold</b>'
    _send(pg, attack)
    assert pg.evaluate("window.__pwned === undefined")
    assert pg.locator("#coach-log img").count() == 0 and pg.locator("#coach-log b").count() == 0
    assert pg.locator("#coach-log script").count() == 0
    assert attack in _log_text(pg)  # shown as the characters typed


def test_axe_finds_no_serious_or_critical_problems(page):
    pg = page
    _open(pg)
    _send(pg, "hello")
    violations = _axe(pg)
    assert not violations, violations
    for other in ("/chat/accessibility", "/chat/privacy"):
        pg.goto(pg.base + other)
        assert not _axe(pg), other


def _axe(pg) -> List[str]:
    assert AXE.exists(), f"{AXE} is missing: `make setup` installs axe-core with npm"
    pg.add_script_tag(path=str(AXE))
    result = pg.evaluate("axe.run(document, {runOnly: {type: 'tag', values: "
                         "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})")
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_phone_width_and_zoom(browser, coach):
    context, pg = _new_page(browser, coach, viewport={"width": 360, "height": 740}, device_scale_factor=2,
                            is_mobile=True, has_touch=True)
    try:
        _open(pg)
        _send(pg, "what are the nine dimensions")
        assert pg.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        _shot(pg, "chat-phone.png")
    finally:
        context.close()
    # 200% zoom of a 1280-pixel window is a 640-pixel layout: nothing scrolls sideways.
    context, pg = _new_page(browser, coach, viewport={"width": 640, "height": 450}, device_scale_factor=2)
    try:
        _open(pg)
        _send(pg, "hello")
        assert pg.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        assert pg.locator("#coach-input").is_visible() and pg.locator("#coach-send").is_visible()
    finally:
        context.close()


def test_end_session_forgets_the_session_on_this_computer(page):
    pg = page
    _open(pg)
    _send(pg, "hello")
    assert pg.evaluate("sessionStorage.getItem('coachSessionId')")
    pg.click("#coach-end")
    pg.wait_for_selector("body[data-state='ended']")
    assert pg.evaluate("sessionStorage.getItem('coachSessionId')") is None
    assert not re.search(r"leadership coach", _log_text(pg))


def test_the_page_reconnects_after_a_server_restart_and_carries_on(page, coach):
    pg = page
    _open(pg)
    _send(pg, "hello")
    _send(pg, "what does holding to account mean")
    users_before = pg.locator(".coach-message--user").count()
    coach.stop_rasa()
    pg.wait_for_function("document.body.dataset.state !== 'ready'")
    coach.start_rasa()
    # socket.io-client reconnects by itself; the page asks for its session again and is shown
    # the same conversation, once.
    pg.wait_for_selector("body[data-state='ready']", timeout=300_000)
    pg.wait_for_function(f"document.querySelectorAll('.coach-message--user').length >= {users_before}")
    assert pg.locator(".coach-message--user").count() == users_before
    _send(pg, "thanks, and what is the scale?")
    assert "Exemplary" in _log_text(pg)
