"""Cold `mentor` commands, whole process: median wall time of N runs after one warm-up, and peak memory.

Each command runs in a fresh Python process (what a learner's terminal or a script pays), against a copy of
MENTOR_HOME (an indexed data folder: run `mentor index` first) so nothing the benchmark writes stays. Times
are also given as a ratio to `python -c pass` measured in the same run, so figures from a busy machine can
be compared.

    python scripts/bench_cli.py [--runs 5] [--home DIR] [--code DIR]

--code runs another checkout's `mentor` package (e.g. an older commit, for a before/after table).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "what is the outbox pattern"


def review_file(path: Path, lines: int = 200) -> Path:
    """A 200-line Python module: small functions and a class, the size of a typical file to review."""
    out: list[str] = ['"""Order processing."""', "", "import json", ""]
    n = 0
    while len(out) < lines - 8:
        out += [f"def step_{n}(order, retries=3):", f'    """Step {n} of the pipeline."""',
                "    total = 0", "    for item in order['items']:", "        if item['qty'] > 0:",
                "            total += item['qty'] * item['price']", "    return json.dumps({'total': total})", ""]
        n += 1
    out += ["class Pipeline:", "    def __init__(self, steps):", "        self.steps = steps", "",
            "    def run(self, order):", "        return [s(order) for s in self.steps]"]
    path.write_text("\n".join(out[:lines]) + "\n")
    return path


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak resident memory (KiB, ru_maxrss) of one child process."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        # cwd=/: `python -m` puts the working directory first on sys.path, ahead of PYTHONPATH (--code)
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=err, cwd="/")
        _, status, usage = os.wait4(proc.pid, 0)  # the child's own rusage, not the benchmark's
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n{err.read().decode()[-2000:]}")
    return wall, usage.ru_maxrss


def bench(argv: list[str], env: dict[str, str], runs: int) -> tuple[float, float, float, float]:
    run_once(argv, env)  # warm-up: disk cache, and one-time work such as the ONNX export
    walls, peaks = [], []
    for _ in range(runs):
        wall, peak = run_once(argv, env)
        walls.append(wall)
        peaks.append(peak)
    return statistics.median(walls), min(walls), max(walls), max(peaks) / 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--code", type=Path, default=ROOT, help="checkout whose mentor package runs (default: this)")
    ap.add_argument("--home", type=Path, help="indexed data folder (default: MENTOR_HOME, as `mentor` finds it)")
    args = ap.parse_args(argv)
    if args.home is None:
        sys.path.insert(0, str(ROOT))
        from mentor.config import Config

        args.home = Config.from_env().home
    if not any((args.home / "index" / name).exists() for name in ("CURRENT", "chunks.json")):  # new or flat layout
        raise SystemExit("Give an indexed data folder: MENTOR_HOME=... (run `mentor index` first) or --home DIR.")
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        shutil.copytree(args.home, home)
        env = {**os.environ, "MENTOR_HOME": str(home), "MENTOR_PROVIDER": "offline",
               "PYTHONPATH": str(args.code.resolve())}
        for name in ("ANTHROPIC_API_KEY", "MENTOR_LOCAL_BASE_URL", "MENTOR_MODELS"):
            env.pop(name, None)
        mentor = [sys.executable, "-m", "mentor"]
        code = review_file(Path(tmp) / "orders.py")
        commands = [
            ("python -c pass", [sys.executable, "-c", "pass"]),
            ("mentor --help", [*mentor, "--help"]),
            ("mentor history list", [*mentor, "history", "list"]),
            ("mentor progress", [*mentor, "progress"]),
            (f"mentor search '{QUESTION}'", [*mentor, "search", QUESTION, "--json"]),
            (f"mentor ask '{QUESTION}' (offline)", [*mentor, "ask", QUESTION, "--json", "--no-cache"]),
            ("mentor reflect --week 3 TEXT", [*mentor, "reflect", "--week", "3", "Sagas made sense today."]),
            ("mentor review (200 lines)", [*mentor, "review", str(code), "--json"]),
        ]
        rows = [(label, *bench(cmd, env, args.runs)) for label, cmd in commands]
    base = rows[0][1]
    print(f"cold whole-process runs: median of {args.runs} after one warm-up; code: {args.code.resolve()}")
    print("| command | median s | min s | max s | x python -c pass | peak MiB |\n|---|---|---|---|---|---|")
    for label, median, low, high, peak in rows:
        print(f"| `{label}` | {median:.2f} | {low:.2f} | {high:.2f} | {median / base:.1f}x | {peak:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
