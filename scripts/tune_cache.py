"""Choose the semantic cache's candidate threshold on the dev pairs (eval/cache_pairs.jsonl).

The candidate stage only decides what the verifying model is asked about, so the threshold is the highest one
that still passes >= 85% of the dev paraphrases (a lower one only pays for more verifications).

    .venv/bin/python scripts/tune_cache.py
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mentor.cache import PAIRS, candidates, load_pairs  # noqa: E402

RECALL = 0.85


def main() -> None:
    rows = candidates(load_pairs(PAIRS), threshold=0.0)
    para = [r["similarity"] for r in rows if r["same"] and not r["exact"]]
    near = [r["similarity"] for r in rows if not r["same"] and not r["exact"]]
    print(f"{len(para)} paraphrases, {len(near)} near misses (dev)")
    print("threshold  paraphrases passed  near misses passed (to the verifier)")
    chosen = None
    for t in [x / 100 for x in range(50, 96, 5)]:
        p, n = sum(s >= t for s in para), sum(s >= t for s in near)
        print(f"{t:9.2f}  {p:3}/{len(para)}  {n:3}/{len(near)}")
        if p >= RECALL * len(para):
            chosen = t
    print(f"chosen: THRESHOLD = {chosen}")


if __name__ == "__main__":
    main()
