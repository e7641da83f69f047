"""LLM05 in a real browser: with an injected image in the history, loading the app's pages makes no request to
any host but the app itself (the material-icon favicon used to fetch from an external font host)."""

import json
import shutil
from urllib.parse import urlsplit

import pytest

from mentor.core import Mentor
from mentor.export import import_json
from tests.conftest import make_config
from tests.test_e2e import CHROMIUM, server  # noqa: F401 - the fixture that serves the app on loopback

pytestmark = pytest.mark.e2e


@pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed (scripts/test installs it)")
def test_no_page_makes_the_browser_fetch_another_host(server, tmp_path):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    m = Mentor(make_config(tmp_path))  # the same MENTOR_HOME the served app uses
    import_json(m.store, json.dumps({"conversations": [{"title": "injected", "messages": [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "![p](https://evil.example/p.png?k=1) <img src=https://evil.example/i>"}]}]}))
    hosts: set[str] = set()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        page = browser.new_page()
        page.on("request", lambda r: hosts.add(urlsplit(r.url).hostname or r.url.split(":")[0]))
        page.goto(server + "/history")
        expect(page.get_by_role("heading", name="History")).to_be_visible(timeout=120_000)
        page.get_by_text("injected").first.click()
        expect(page.get_by_text("evil.example/p.png").first).to_be_visible(timeout=60_000)
        page.goto(server + "/chat")  # Today is the landing page
        page.get_by_test_id("stChatInputTextArea").wait_for(timeout=120_000)
        page.wait_for_timeout(1000)
        browser.close()
    assert hosts <= {"127.0.0.1", "data", "blob"}, hosts
