"""Lay out the retrieval evaluation sets once: dev questions get ids, the blind test questions are copied in, and
the blind off-topic set is split in half (stratified by kind, fixed seed) into dev and test.

    python scripts/eval_split.py [--blind /work/blind/retrieval]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 9


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--blind", default="/work/blind/retrieval")
    blind = Path(ap.parse_args().blind)
    dev = ROOT / "eval/retrieval/dev"
    n = 0
    for path in sorted(dev.glob("*.jsonl")):  # the 128 questions the old reranker was tuned on: dev
        rows = [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
        for r in rows:
            n += 1
            r.setdefault("id", f"d{n:03d}")
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    shutil.copy(blind / "questions.jsonl", ROOT / "eval/retrieval/test/questions.jsonl")
    off = [json.loads(x) for x in (blind / "offtopic.jsonl").read_text().splitlines() if x.strip()]
    rng = random.Random(SEED)
    halves: dict[str, list] = {"dev": [], "test": []}
    for kind in sorted({o["kind"] for o in off}):
        group = [o for o in off if o["kind"] == kind]
        rng.shuffle(group)
        half = len(group) // 2
        halves["dev"] += group[:half]
        halves["test"] += group[half:]
    for name, rows in halves.items():
        rows.sort(key=lambda o: o["id"])
        lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        (ROOT / f"eval/offtopic/{name}.jsonl").write_text(lines)
        print(name, len(rows))


if __name__ == "__main__":
    main()
