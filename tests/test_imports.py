"""import_without: a library imported without an optional extra, the extra still importable afterwards."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

PROBE = """
import sys
from mentor.imports import import_without
sqlite_utils = import_without("sqlite_utils", "pandas")
assert "pandas" not in sys.modules and sqlite_utils.db.pd is None
bm25s = import_without("bm25s", "scipy")
assert "scipy" not in sys.modules and not bm25s.SCIPY_AVAILABLE
import pandas, scipy.sparse  # still installed and importable for everything else
assert pandas.DataFrame({"a": [1]}).shape == (1, 1)
print("ok")
"""

ALREADY = """
import pandas
from mentor.imports import import_without
sqlite_utils = import_without("sqlite_utils", "pandas")
assert sqlite_utils.db.pd is pandas  # an extra that is already imported is left alone
print("ok")
"""


def test_an_extra_is_hidden_only_while_the_library_imports():
    for probe in (PROBE, ALREADY):
        out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120,
                             env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
        assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
