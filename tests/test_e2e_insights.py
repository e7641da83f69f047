"""The Insights page in a real browser over a seeded database: the charts draw, a trace link opens its waterfall."""

import re
import shutil

import pytest

from mentor.store import Store
from tests.seed import seed
from tests.test_e2e import CHROMIUM, server  # noqa: F401 - the served app, a fixture

pytestmark = pytest.mark.e2e


@pytest.fixture
def seeded_home(tmp_path):
    """Seeded before `server` starts: both use tmp_path/home."""
    return seed(Store(tmp_path / "home" / "mentor.db"))


@pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed (scripts/test installs it)")
def test_insights_charts_draw_and_a_trace_link_opens_its_waterfall(seeded_home, server, tmp_path):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{server}/insights?trace={seeded_home['answers'][3]}")
        expect(page.get_by_role("heading", name="Insights")).to_be_visible(timeout=90_000)
        charts = page.get_by_test_id("stVegaLiteChart")
        expect(charts).to_have_count(6, timeout=60_000)
        for i in range(6):  # drawn, not just placed: Vega renders each as an image with its axes' labels
            expect(charts.nth(i).get_by_role("img")).to_be_visible(timeout=30_000)
        expect(charts.nth(0).get_by_role("img")).to_contain_text("Spent (USD)")
        expect(charts.nth(5).get_by_role("img")).to_contain_text("Write the answer")
        expect(page.get_by_test_id("stMetric").first).to_contain_text("Answers")
        expect(page.get_by_text("Spent this month")).to_be_visible()
        expect(page.get_by_text("Route", exact=True)).to_be_visible()
        expect(page.get_by_role("combobox", name="Request")).to_have_value(re.compile(r"Whole answer · 970 ms"))
        page.screenshot(path=str(tmp_path / "insights.png"), full_page=True)
        browser.close()
