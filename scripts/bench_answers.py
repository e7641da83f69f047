"""Offline answer latency in a warm process: the whole answer, and how soon the first sentence follows retrieval.

    .venv/bin/python scripts/bench_answers.py          # uses MENTOR_HOME's index, or builds one in a temp home

"first text" is the time from the end of retrieval (the "write" stage) to the first quoted sentence (the
header line comes at once and is not counted); the baseline measured in the same run is one query embedding,
so the ratio holds on a busy machine.
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mentor import embeddings  # noqa: E402
from mentor.config import Config  # noqa: E402
from mentor.core import Mentor  # noqa: E402
from mentor.evaluation import load_split  # noqa: E402
from mentor.offline import HEADER  # noqa: E402
from mentor.stream import Stage, TextDelta  # noqa: E402


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[int(q * (len(values) - 1))]


def main() -> None:
    cfg = Config.from_env()
    if not (cfg.index_dir / "CURRENT").exists() and not (cfg.index_dir / "chunks.json").exists():
        cfg = cfg.with_(home=Path(tempfile.mkdtemp(prefix="mentor-bench-")))
    m = Mentor(cfg.with_(provider="offline", cache=False))
    m.warm()
    m.chat.ask("warm up the index and the model")
    total, first, embed = [], [], []
    for q in load_split("dev")[:20]:
        t = time.perf_counter()
        embeddings.embed_one(q["question"] + " (baseline)")
        embed.append((time.perf_counter() - t) * 1000)
        t = written = time.perf_counter()
        seen = False
        for event in m.chat.ask_stream(q["question"]):
            if isinstance(event, Stage) and event.name == "write":
                written = time.perf_counter()
            elif isinstance(event, TextDelta) and not seen and not event.text.startswith(HEADER):
                first.append((time.perf_counter() - written) * 1000)
                seen = True
        total.append((time.perf_counter() - t) * 1000)
    e = statistics.median(embed)
    print(f"offline answers, warm process, {len(total)} questions: p50 {statistics.median(total):.0f} ms, "
          f"p95 {_pct(total, 0.95):.0f} ms")
    print(f"first sentence after retrieval: p50 {statistics.median(first):.0f} ms, p95 {_pct(first, 0.95):.0f} ms "
          f"(one query embedding in the same run: {e:.0f} ms median; ratio {statistics.median(first) / e:.1f}x)")


if __name__ == "__main__":
    main()
