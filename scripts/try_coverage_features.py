"""Try other features for the "not covered" detector: leave-one-out on DEV for every set of up to three
features, then, for the current pair and the best dev set only, the test error rates.

    PYTHONPATH=$PWD MENTOR_HOME=... python scripts/try_coverage_features.py

Features of a question: `dmax` best dense cosine (in use); `cover1` rarity-weighted share of its words found in
one of the top 10 fused passages (in use); `cover3` the same over the top 3 together; `known` the share of its
words the corpus has at all; `smax` the best dense cosine of any of its sentences; `top3` the mean cosine of
the top 3 dense passages; `bm` the best BM25 score. The result is in eval/answers/dev_focus/NOTES.md.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mentor import embeddings  # noqa: E402
from mentor.core import build_mentor  # noqa: E402
from mentor.evaluation import load_offtopic, load_split  # noqa: E402
from mentor.index import tokenize  # noqa: E402
from mentor.retrieval import CANDIDATES, reciprocal_rank_fusion  # noqa: E402

ANSWERS = Path(__file__).resolve().parent.parent / "eval" / "answers"
SENTENCES = re.compile(r"(?<=[.!?])\s+")
CURRENT = ("dmax", "cover1")


def features(generation, question: str) -> dict[str, float]:
    dense = generation.dense_search(embeddings.embed_one(question), CANDIDATES, None)
    sparse = generation.bm25_search(question, CANDIDATES, None)
    ranked = reciprocal_rank_fusion(dense, sparse)
    terms = set(tokenize([question])[0])
    unseen = math.log(1 + (max(1, len(generation.chunks)) + 0.5) / 0.5)

    def share(ts: set[str]) -> float:
        total = sum(generation.idf.get(t, unseen) for t in terms) or 1.0
        return sum(generation.idf.get(t, unseen) for t in ts) / total

    found = [terms & (generation.terms(c) | generation.terms(c, heading=True)) for c, _ in ranked[:10]]
    parts = [s for s in SENTENCES.split(question) if len(s.split()) >= 3] or [question]
    return {"dmax": max((s for _, s in dense), default=0.0), "cover1": max(map(share, found), default=0.0),
            "cover3": share(set().union(*found[:3])), "known": share({t for t in terms if t in generation.idf}),
            "smax": max(max((s for _, s in generation.dense_search(embeddings.embed_one(p), 5, None)), default=0.0)
                        for p in parts),
            "top3": float(np.mean([s for _, s in dense[:3]])), "bm": sparse[0][1] if sparse else 0.0}


def table(generation, split: str) -> tuple[np.ndarray, list[str], np.ndarray]:
    on, off = [q["question"] for q in load_split(split)], [q["question"] for q in load_offtopic(split)]
    rows = [features(generation, q) for q in on + off]
    names = list(rows[0])
    return np.array([[r[n] for n in names] for r in rows]), names, np.array([1] * len(on) + [0] * len(off))


def model() -> LogisticRegression:
    return LogisticRegression(class_weight="balanced", C=10.0, max_iter=1000)  # as scripts/tune_coverage.py


def errors(pred: np.ndarray, y: np.ndarray) -> tuple[int, int]:
    return int(((pred == 0) & (y == 1)).sum()), int(((pred == 1) & (y == 0)).sum())


def main() -> None:
    with build_mentor().retriever.index.reading() as generation:
        x, names, y = table(generation, "dev")
        xt, _, yt = table(generation, "test")
        report(generation, x, names, y, xt, yt)


def report(generation, x, names, y, xt, yt) -> None:
    results = []
    for k in (1, 2, 3):
        for subset in itertools.combinations(range(len(names)), k):
            cols = list(subset)
            pred = np.array([model().fit(np.delete(x[:, cols], i, 0), np.delete(y, i)).predict(x[i:i + 1, cols])[0]
                             for i in range(len(y))])
            on, off = errors(pred, y)
            results.append((on / (y == 1).sum() + off / (y == 0).sum(), tuple(names[c] for c in cols), on, off))
    results.sort()
    print(f"dev leave-one-out ({(y == 1).sum()} on-topic, {(y == 0).sum()} off-topic): "
          "on-topic flagged, off-topic missed")
    for _, subset, on, off in results[:5] + [r for r in results if r[1] == CURRENT]:
        print(f"  {' + '.join(subset):24s} {on:3d} {off:3d}")
    for subset in (CURRENT, results[0][1]):
        cols = [names.index(n) for n in subset]
        fitted = model().fit(x[:, cols], y)
        on, off = errors(fitted.predict(xt[:, cols]), yt)
        print(f"{' + '.join(subset)}, fitted on all dev: test off-topic missed {off}/{(yt == 0).sum()}, "
              f"on-topic flagged {on}/{(yt == 1).sum()}")
        for sample in ("test", "test2", "test3"):  # the held-out answer samples (a source "o..." is off-topic)
            items = [json.loads(line) for line in (ANSWERS / f"{sample}_items.jsonl").read_text().splitlines()]
            xa = np.array([[features(generation, it["question"])[n] for n in subset] for it in items])
            ya = np.array([0 if it["source"].startswith("o") else 1 for it in items])
            on, off = errors(fitted.predict(xa), ya)
            print(f"    answers {sample}: off-topic missed {off}/{(ya == 0).sum()}, "
                  f"on-topic flagged {on}/{(ya == 1).sum()}")


if __name__ == "__main__":
    main()
