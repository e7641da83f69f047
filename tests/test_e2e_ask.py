"""The Ask page in real Chromium, offline: a status within 300 ms of sending, a streamed answer, regenerate,
rename and delete with a confirmation, the page at 390 px wide without sideways scrolling; writes the README
screenshots (docs/ask-desktop.png, docs/ask-phone.png) and prints the times it measured in the browser."""

import shutil

import pytest

from tests.conftest import ROOT
from tests.test_e2e import CHROMIUM, server  # noqa: F401  (the fixture that serves the real app)

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not "
                                                  "installed (scripts/test installs it)")]
DOCS = ROOT / "docs"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
# times in the page's own clock: Enter pressed, the status in the answer bubble, the first answer text, the cursor
# of a stream still being written
TIMER = """() => {
  const t = window.__t = {};
  document.addEventListener('keydown', e => { if (e.key === 'Enter' && !t.send) t.send = performance.now(); }, true);
  new MutationObserver(() => {
    if (!t.send) return;
    const bubble = document.querySelectorAll('[data-testid="stChatMessage"]')[1];
    if (!bubble) return;
    const now = performance.now();
    if (!t.status && bubble.querySelector('[data-testid="stExpander"]')) t.status = now;
    const text = bubble.innerText;
    if (!t.text && text.includes('extract of the course')) t.text = now;
    if (!t.cursor && text.includes('\\u258c')) t.cursor = now;
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def _ask(page, question: str) -> dict:
    box = page.get_by_test_id("stChatInputTextArea")
    box.wait_for(timeout=120_000)
    page.evaluate(TIMER)
    box.fill(question)
    box.press("Enter")
    page.locator(".st-key-fb-2 button").first.wait_for(timeout=120_000)  # the thumbs drawn: the answer is complete
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                           timeout=120_000)  # the run has ended: no faded leftovers in the screenshots
    return page.evaluate("() => window.__t")


def test_ask_streams_with_a_status_then_regenerate_rename_and_delete(server):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(server + "/chat")
        t = _ask(page, "How do I stop a cache stampede?")
        status_ms, text_ms = t["status"] - t["send"], t["text"] - t["send"]
        print(f"\nbrowser, offline: status {status_ms:.0f} ms, first text {text_ms:.0f} ms after Enter")
        assert status_ms < 300, t
        assert "cursor" in t and t["cursor"] < t["text"] + 5_000, t  # text grew under a cursor: it streamed
        messages = page.get_by_test_id("stChatMessage")
        expect(messages.nth(1)).to_contain_text("extract of the course material")
        expect(page.locator(".st-key-conv-1")).to_contain_text("How do I stop a cache…")
        page.screenshot(path=str(DOCS / "ask-desktop.png"))

        page.locator(".st-key-again-2 button").first.click()  # regenerate: the new answer takes the old one's place
        page.locator(".st-key-fb-3").wait_for(timeout=120_000)
        expect(messages).to_have_count(2)
        expect(messages.nth(1)).to_contain_text("2 / 2")
        expect(messages.nth(1)).to_contain_text("[1]")

        page.locator(".st-key-menu-1 button").first.click()
        title = page.locator(".st-key-title-1 input")
        title.fill("Stampede fixes")
        title.press("Enter")
        page.locator(".st-key-rename-1 button").first.click()
        expect(page.locator(".st-key-conv-1")).to_contain_text("Stampede fixes", timeout=30_000)

        if not page.locator(".st-key-delete-1 button").first.is_visible():
            page.locator(".st-key-menu-1 button").first.click()
        page.locator(".st-key-delete-1 button").first.click()
        expect(page.get_by_text("for good")).to_be_visible(timeout=30_000)
        expect(page.locator(".st-key-conv-1")).to_have_count(1)  # not deleted by the first click
        page.locator(".st-key-delete-yes-1 button").first.click()
        expect(page.locator(".st-key-conv-1")).to_have_count(0, timeout=30_000)
        expect(messages).to_have_count(0)
        browser.close()


def test_ask_on_a_phone_fits_390_px(server):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        page.goto(server + "/chat")
        _ask(page, "What is cache-aside?")
        expect(page.get_by_test_id("stChatMessage").nth(1)).to_contain_text("extract of the course material")
        widths = page.evaluate("() => [document.documentElement.scrollWidth, document.body.scrollWidth, "
                               "window.innerWidth]")
        assert max(widths[:2]) <= widths[2] == 390, widths
        page.screenshot(path=str(DOCS / "ask-phone.png"))
        browser.close()
