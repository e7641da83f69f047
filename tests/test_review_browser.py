"""The Review page in real Chromium: findings first, the flagged line tinted in the code, nothing wider than a phone."""

import shutil

import pytest

from tests.test_app import UNHARDENED
from tests.test_e2e import CHROMIUM, server  # noqa: F401 - the fixture serves the real app on loopback

pytestmark = pytest.mark.e2e

CODE = '''import logging

import requests

log = logging.getLogger(__name__)


def fetch_labels(url):
    """Download the label map for the current model version."""
    return requests.get(url).json()  # a long line that must wrap on a phone screen


def load(path):
    try:
        return open(path).read()
    except Exception:
        return ""
'''


@pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed (scripts/test installs it)")
@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)])
def test_a_review_shows_findings_first_and_tints_the_flagged_line(server, width, height):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(server + "/review")
        page.get_by_role("heading", name="Code review").wait_for(timeout=120_000)
        page.get_by_label("…or paste it here").fill(CODE)
        page.get_by_role("button", name="Review").click()
        findings = page.get_by_role("tab", name="Findings")
        expect(findings).to_be_visible(timeout=120_000)
        expect(findings).to_have_attribute("aria-selected", "true")  # findings come first, on phones too
        expect(page.get_by_text("line 10 · reliability").first).to_be_visible()
        page.get_by_role("tab", name="Code").click()
        flagged = page.locator('[data-testid="review-code"] [data-flag]')
        expect(flagged.first).to_be_visible()
        assert flagged.first.inner_text().startswith("10")  # the flagged line is the one with requests.get
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # long lines wrap
        browser.close()


@pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed (scripts/test installs it)")
def test_hardening_is_listed_apart_until_the_code_is_said_to_serve_other_people(server):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(server + "/review")
        page.get_by_role("heading", name="Code review").wait_for(timeout=120_000)
        page.get_by_label("…or paste it here").fill(UNHARDENED)
        page.get_by_role("button", name="Review").click()
        apart = page.get_by_text("Before other people use this (1)")
        expect(apart).to_be_visible(timeout=120_000)
        expect(page.get_by_text("line 11 · security")).to_have_count(0)
        apart.click()
        expect(page.get_by_text("Line 11: the exception text is sent back to the client")).to_be_visible()
        page.get_by_text("It already serves other people").click()
        page.get_by_role("button", name="Review").click()
        expect(page.get_by_text("line 11 · security").first).to_be_visible(timeout=120_000)
        expect(page.get_by_text("Before other people use this (")).to_have_count(0)
        browser.close()
