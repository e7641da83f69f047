"""The learning loop in a real browser: a new learner's first session, a deep link into the reader, a quiz card.

Screenshots land in docs/ (today.png, learn.png, quiz.png) when MENTOR_SCREENSHOTS=1 is set in the test's
environment, else in the test's temporary folder.
"""

import os
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_e2e import CHROMIUM, serve

pytestmark = pytest.mark.e2e
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture
def app_url(tmp_path, monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with serve(tmp_path / "home", ROOT / "corpus", MENTOR_PROVIDER="offline") as url:
        yield url


@pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed (scripts/test installs it)")
def test_first_session_reader_deep_link_and_a_quiz_card_in_the_browser(app_url, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    shots = ROOT / "docs" if os.environ.get("MENTOR_SCREENSHOTS") == "1" else tmp_path
    shots.mkdir(exist_ok=True)
    monday = date.today() - timedelta(days=date.today().weekday())
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(app_url)
        expect(page.get_by_role("heading", name="Welcome to Architect Mentor")).to_be_visible(timeout=90_000)
        start = page.get_by_test_id("stDateInput").locator("input")
        start.fill(monday.isoformat())
        start.press("Enter")
        page.keyboard.press("Escape")  # close the calendar pop-up
        page.get_by_role("button", name="Start").click()
        expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible(timeout=60_000)
        expect(page.get_by_text("Next:")).to_be_visible()
        expect(page.get_by_text("week 1: Design patterns and SOLID for ML code")).to_be_visible()
        expect(page.get_by_test_id("stMetric").filter(has_text="Streak")).to_be_visible()
        expect(page.get_by_role("link", name="Do it now")).to_be_visible()
        page.screenshot(path=str(shots / "today.png"))

        # a citation's link opens the reader at its section, scrolled into view
        page.goto(app_url + "/learn?week=6&doc=lesson&section=stampede-protection#stampede-protection")
        heading = page.locator("#stampede-protection")
        expect(heading).to_be_visible(timeout=60_000)
        expect(heading).to_have_text("Stampede protection")
        expect(heading).to_be_in_viewport()
        expect(page.get_by_text("min to read with notes")).to_be_attached()
        page.screenshot(path=str(shots / "learn.png"))

        # the first quiz card: answer, see the key, grade, see FSRS schedule it
        page.goto(app_url + "/quiz?week=1")
        expect(page.get_by_role("heading", name="Question 1")).to_be_visible(timeout=60_000)
        page.get_by_label("Your answer").fill("Liskov substitution: both embedders must keep the same contract.")
        page.get_by_role("button", name="Check my answer").click()
        expect(page.get_by_text("Answer key:")).to_be_visible(timeout=30_000)
        page.get_by_role("button", name="Good", exact=True).click()
        expect(page.get_by_text("FSRS schedules the next review of w01-q1")).to_be_visible(timeout=30_000)
        expect(page.get_by_text("Liskov substitution: both embedders")).to_be_visible()  # the answer stays shown
        page.screenshot(path=str(shots / "quiz.png"))

        page.goto(app_url)  # back on Today, the answered card counts as today's activity
        expect(page.get_by_role("heading", name="Today", exact=True)).to_be_visible(timeout=60_000)
        expect(page.get_by_test_id("stMetric").filter(has_text="Streak")).to_contain_text("1 day")
        browser.close()
    assert Path(shots / "quiz.png").stat().st_size > 10_000
