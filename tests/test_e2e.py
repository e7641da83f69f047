"""The real app in a real browser: serve it on loopback, ask, see the answer, reload, see it again."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_CORPUS, ROOT

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(home: Path, corpus: Path, log: Path | None = None, **env: str) -> Iterator[str]:
    """The real app under `streamlit run` on a free loopback port, until the block ends; yields its URL.
    With `log`, the server's output (Streamlit's warnings, the app's log) is written to that file."""
    port = _free_port()
    out = open(log, "wb") if log else subprocess.PIPE  # noqa: SIM115 - closed when the server has stopped
    environ = {**os.environ, "MENTOR_HOME": str(home), "MENTOR_CORPUS": str(corpus), **env}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true", "--server.fileWatcherType", "none",
         "--browser.gatherUsageStats", "false"],
        env=environ, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        text = log.read_text() if log else proc.stdout.read().decode()
        pytest.fail("the app did not become healthy: " + text[-2000:])
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)  # Streamlit's graceful stop takes about 10 s on a busy machine
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if log:
            out.close()


@pytest.fixture
def server(tmp_path):
    with serve(tmp_path / "home", FIXTURE_CORPUS) as url:
        yield url


@pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed (scripts/test installs it)")
def test_ask_in_the_browser_and_find_it_again_after_reload(server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    question = "How do I stop a cache stampede?"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        page = browser.new_page()
        page.goto(server + "/chat")  # Today is the landing page
        box = page.get_by_test_id("stChatInputTextArea")
        box.wait_for(timeout=120_000)
        box.fill(question)
        box.press("Enter")
        messages = page.get_by_test_id("stChatMessage")
        expect(messages.nth(1)).to_contain_text("extract of the course material", timeout=120_000)
        expect(messages.nth(0)).to_contain_text(question)
        page.locator(".st-key-fb-2").wait_for(timeout=120_000)  # the answer is complete (and stored) under its footer
        page.screenshot(path=str(tmp_path / "answered.png"))

        page.reload()
        page.get_by_test_id("stChatInputTextArea").wait_for(timeout=60_000)
        page.get_by_role("button", name=re.compile("^How do I stop a cache")).click()  # the title, cut at a word
        expect(page.get_by_test_id("stChatMessage").nth(0)).to_contain_text(question, timeout=60_000)
        expect(page.get_by_test_id("stChatMessage").nth(1)).to_contain_text("extract of the course material")

        # a bookmarked page opens inside the app's own navigation
        deep = browser.new_page()
        deep.goto(server + "/review")
        expect(deep.get_by_role("heading", name="Code review")).to_be_visible(timeout=60_000)
        expect(deep.get_by_test_id("stSidebarNav")).to_contain_text("Ask")
        # Streamlit's old-style page list would show lower-case file names
        expect(deep.get_by_test_id("stSidebarNav")).not_to_contain_text("reflections")
        browser.close()
