"""Offline answer latency in a warm process (store, retrieve, extract, store), over evaluation questions.

    .venv/bin/python scripts/bench_answers.py          # uses MENTOR_HOME's index, or builds one in a temp home
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mentor.config import Config  # noqa: E402
from mentor.core import Mentor  # noqa: E402
from mentor.evaluation import load_split  # noqa: E402


def main() -> None:
    cfg = Config.from_env()
    if not (cfg.index_dir / "chunks.json").exists():
        cfg = cfg.with_(home=Path(tempfile.mkdtemp(prefix="mentor-bench-")))
    m = Mentor(cfg.with_(provider="offline", cache=False))
    m.warm()
    m.chat.ask("warm up the index and the model")
    lat = []
    for q in load_split("dev")[:40]:
        t = time.perf_counter()
        m.chat.ask(q["question"])
        lat.append((time.perf_counter() - t) * 1000)
    lat.sort()
    print(f"offline answers, warm process, {len(lat)} questions: p50 {statistics.median(lat):.0f} ms, "
          f"p95 {lat[int(0.95 * (len(lat) - 1))]:.0f} ms, max {lat[-1]:.0f} ms")


if __name__ == "__main__":
    main()
