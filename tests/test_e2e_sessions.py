"""Several tabs at once on a fresh server: real Chromium sessions through scripts/load_test.py."""

import json
import shutil
import subprocess
import sys

import pytest

from tests.conftest import FIXTURE_CORPUS, ROOT

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.e2e


@pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed (scripts/test installs it)")
def test_four_first_sessions_at_once_share_one_index_and_all_answer():
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "load_test.py"), "--sessions", "4", "--questions", "1",
         "--corpus", str(FIXTURE_CORPUS), "--timeout", "420", "--json"],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    (report,) = json.loads(out.stdout)
    assert report["exceptions"] == 0 and report["errors"] == 0, report["details"]
    assert report["answered"] == 4  # every session got its answer
    # the index did not exist: one session built it, once, and every session read that one
    assert (report["index_built"], report["index_opened"]) == (1, 1)
