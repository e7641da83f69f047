"""The overhead of tracing: offline answer latency in a warm process with spans on and off, paired and interleaved.

    .venv/bin/python scripts/bench_tracing.py [--rounds 2] [--questions 30]   # over a copy of MENTOR_HOME/index

After a warm-up pass over the questions, each is answered with tracing on (spans to SQLite, metrics, a log
line) and off (OpenTelemetry's no-op tracer), in alternating order (ABBA) so drift in a shared machine's
load hits both sides equally.
"""

import argparse
import shutil
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
from mentor.tracing import Telemetry  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--questions", type=int, default=30)
    args = ap.parse_args()
    cfg = Config.from_env()
    home = Path(tempfile.mkdtemp(prefix="mentor-bench-tracing-"))
    if (cfg.index_dir / "chunks.json").exists():  # a copy: the benchmark's answers stay out of your history
        shutil.copytree(cfg.index_dir, home / "index")
    m = Mentor(cfg.with_(home=home, provider="offline", cache=False))
    on, off = m.telemetry, Telemetry(m.store, enabled=False)
    m.warm()
    m.chat.ask("warm up the index and the model")
    questions = [q["question"] for q in load_split("dev")[: args.questions]]
    m.telemetry = off
    for q in questions:  # the retriever caches per query and per chunk: the first pass is the same for neither side
        m.chat.ask(q)
    lat: dict[str, list[float]] = {"on": [], "off": []}
    diffs: list[float] = []
    for r in range(args.rounds):
        for i, q in enumerate(questions):
            order = ("on", "off") if (r + i) % 2 == 0 else ("off", "on")
            got = {}
            for side in order:
                m.telemetry = on if side == "on" else off
                t = time.perf_counter()
                m.chat.ask(q)
                got[side] = (time.perf_counter() - t) * 1000
                lat[side].append(got[side])
            diffs.append(got["on"] - got["off"])
    p50_on, p50_off = statistics.median(lat["on"]), statistics.median(lat["off"])
    spans = m.store.db.execute("select count(*) from spans").fetchone()[0]
    traces = m.store.db.execute("select count(*) from spans where parent_id is null").fetchone()[0]
    print(f"offline answers, warm, {len(diffs)} pairs ({args.rounds} rounds x {len(questions)} questions), "
          f"{spans / max(traces, 1):.0f} spans per traced answer")
    print(f"  median latency: tracing on {p50_on:.1f} ms, off {p50_off:.1f} ms -> "
          f"{(p50_on - p50_off) / p50_off:+.1%}")
    print(f"  median paired difference: {statistics.median(diffs):+.2f} ms per answer "
          f"({statistics.median(diffs) / p50_off:+.2%} of the untraced median)")
    per_trace = trace_cost(on, spans_per_trace=round(spans / max(traces, 1)))
    print(f"  tracing work alone (same span count, attributes, SQLite export, metrics, log line): "
          f"{per_trace:.2f} ms per answer = {per_trace / p50_off:.2%} of the untraced median")
    shutil.rmtree(home, ignore_errors=True)


def trace_cost(tel: Telemetry, spans_per_trace: int, n: int = 300) -> float:
    """Median time of one answer's worth of tracing, without the answer: the part of the difference that is ours."""
    times = []
    for _ in range(n):
        t = time.perf_counter()
        with tel.trace("ask", question="not recorded") as tr:
            for k in range(spans_per_trace - 1):
                with tr.stage(f"stage{k}", hits=5, reason="a short question", scores=[0.9, 0.5]) as stage:
                    stage["tokens"] = 100
            tr.update({"mentor.route": "offline", "gen_ai.request.model": "extractive", "mentor.cost_usd": 0.0})
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


if __name__ == "__main__":
    main()
