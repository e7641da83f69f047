"""Render times of the learning-loop pages in a warm app (Streamlit's AppTest, the real app.py, real SQLite).

    PYTHONPATH=. .venv/bin/python scripts/bench_pages.py [--runs 7]

Each page is opened once (cold: imports, first parse of the curriculum), then rerun `--runs` times; the median
and the worst warm rerun are printed, with the ratio to a baseline page that renders only a title, measured
in the same run (AppTest's own cost per rerun).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [("Today", "views/today.py", {}), ("Learn: week 6 lesson", "views/learn.py", {"week": "6", "doc": "lesson"}),
         ("Learn: deep link to a section", "views/learn.py",
          {"week": "6", "doc": "lesson", "section": "stampede-protection"}),
         ("Learn: week 6 exercises", "views/learn.py", {"week": "6", "doc": "exercises"}),
         ("Quiz", "views/quiz.py", {"week": "6"}), ("Plan", "views/plan.py", {}),
         ("Reflections", "views/reflections.py", {}), ("Progress", "views/progress.py", {})]


def timed(at, timeout: float = 120) -> float:
    t0 = time.perf_counter()
    at.run(timeout=timeout)
    ms = (time.perf_counter() - t0) * 1000
    if at.exception:
        raise SystemExit(f"page failed: {at.exception[0].value}")
    return ms


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="bench-pages-")
    os.environ.update({"MENTOR_HOME": home, "MENTOR_PROVIDER": "offline", "MENTOR_CORPUS": str(ROOT / "corpus")})
    sys.path.insert(0, str(ROOT))
    from streamlit.testing.v1 import AppTest

    from mentor import embeddings
    from mentor.core import build_mentor
    from mentor.quiz import Deck
    from mentor.today import setup

    embeddings.embed(["warm up"])  # the app's warm-up thread then finds the model loaded: it does not compete
    m = build_mentor()  # a learner in week 1 with one quiz card, as after a first session
    setup(m, time.strftime("%Y-%m-%d"), 10)
    Deck(m).review("w06-q1", "good", answer="versioned keys")

    baseline = AppTest.from_string("import streamlit as st\nst.title('baseline')")
    timed(baseline)
    base = statistics.median(timed(baseline) for _ in range(args.runs))

    rows = []
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    timed(at)
    for name, page, params in PAGES:
        at.query_params.clear()
        for k, v in params.items():
            at.query_params[k] = v
        at.switch_page(page)
        cold = timed(at)
        warm = [timed(at) for _ in range(args.runs)]
        rows.append((name, cold, statistics.median(warm), max(warm)))

    print(f"warm reruns: median of {args.runs}; baseline (a title only) {base:.1f} ms per rerun")
    print(f"{'page':<32}{'first open ms':>15}{'warm median ms':>16}{'warm max ms':>13}{'x baseline':>12}")
    for name, cold, median, worst in rows:
        print(f"{name:<32}{cold:>15.0f}{median:>16.1f}{worst:>13.1f}{median / base:>12.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
