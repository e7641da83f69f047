"""Fit the "not covered" detector on DEV: a logistic regression on the best dense similarity and the question's
term coverage, on the dev on-topic questions (covered) and the dev off-topic questions (not covered), classes
weighted equally. Prints the coefficients for mentor/retrieval.py COVERAGE_MODEL and the dev error rates.

    PYTHONPATH=$PWD MENTOR_HOME=... python scripts/tune_coverage.py
    PYTHONPATH=$PWD MENTOR_HOME=... python scripts/tune_coverage.py --compare

`--compare` also uses the learner-voice dev questions of eval/coverage/ and sets the shipped gate
(COVERAGE_MODEL, or a top passage that names the term a "what is X?" asks about) and its model alone against
refits (the same two features, and with the share of the question's words the corpus knows at all) on dev, and
on held-out questions nothing was fitted to: eval/retrieval/test, eval/offtopic/test and the blind answer
samples' items (eval/answers/test*_items.jsonl; an item whose source starts with "o" is off-topic).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mentor.core import build_mentor  # noqa: E402
from mentor.evaluation import load_offtopic, load_split  # noqa: E402
from mentor.generation import tokenize  # noqa: E402
from mentor.retrieval import COVERAGE_MODEL  # noqa: E402


def features(retriever, questions: list[str]) -> np.ndarray:
    """(best dense cosine, term coverage, vocabulary share, the shipped gate's verdict) per question; the fitted
    model uses the first two."""
    rows = []
    with retriever.index.reading() as g:
        unseen = math.log(1 + (len(g.chunks) + 0.5) / 0.5)
        for q in questions:
            c = retriever.search(q).coverage
            terms = set(tokenize([q])[0])
            weight = sum(g.idf.get(t, unseen) for t in terms)
            known = sum(g.idf[t] for t in terms if t in g.idf) / weight if weight else 0.0
            rows.append((c.best_dense, c.term_coverage, known, float(c.covered)))
    return np.array(rows)


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _answer_items() -> tuple[list[str], list[str]]:
    items = [it for p in sorted((ROOT / "eval" / "answers").glob("test*_items.jsonl")) for it in _jsonl(p)]
    seen = {}
    for it in items:
        seen.setdefault(it["question"], str(it.get("source", "")).startswith("o"))
    return [q for q, off in seen.items() if not off], [q for q, off in seen.items() if off]


def compare(retriever) -> None:
    extra = ROOT / "eval" / "coverage"
    dev_on = [q["question"] for q in load_split("dev")] + [q["question"] for q in _jsonl(extra / "dev_on.jsonl")]
    dev_off = [q["question"] for q in load_offtopic("dev")] + [q["question"] for q in _jsonl(extra / "dev_off.jsonl")]
    ans_on, ans_off = _answer_items()
    sets = {"dev": (dev_on, dev_off),
            "test: retrieval + off-topic": ([q["question"] for q in load_split("test")],
                                            [q["question"] for q in load_offtopic("test")]),
            "test: answer samples' items": (ans_on, ans_off)}
    feats = {name: (features(retriever, on), features(retriever, off)) for name, (on, off) in sets.items()}
    x_on, x_off = feats["dev"]
    y = np.array([1] * len(x_on) + [0] * len(x_off))
    models = {"shipped gate (model + named term)": (lambda x: x[:, 3] == 1),
              "shipped COVERAGE_MODEL alone":
                  (lambda x: COVERAGE_MODEL[0] + x[:, :2] @ np.array(COVERAGE_MODEL[1:]) >= 0)}
    for name, cols in (("refit: dense, terms", [0, 1]), ("refit: dense, terms, known words", [0, 1, 2])):
        fit = LogisticRegression(class_weight="balanced", C=10.0).fit(np.vstack([x_on, x_off])[:, cols], y)
        models[name] = (lambda x, fit=fit, cols=cols: fit.predict(x[:, cols]) == 1)
    print("share flagged 'not covered': on-topic (should be low) / off-topic (should be high)")
    for model, covered in models.items():
        cells = [f"{name} ({len(on)}/{len(off)}): {np.mean(~covered(on)):.1%} / {np.mean(~covered(off)):.1%}"
                 for name, (on, off) in feats.items()]
        print(f"{model:36s} " + " · ".join(cells))


def main(argv: list[str]) -> None:
    retriever = build_mentor().retriever
    if "--compare" in argv:
        compare(retriever)
        return
    on = [q["question"] for q in load_split("dev")]
    off = [q["question"] for q in load_offtopic("dev")]
    x = np.vstack([features(retriever, on), features(retriever, off)])[:, :2]
    y = np.array([1] * len(on) + [0] * len(off))
    model = LogisticRegression(class_weight="balanced", C=10.0).fit(x, y)
    b0, (w_dense, w_terms) = float(model.intercept_[0]), model.coef_[0]
    print(f"COVERAGE_MODEL = ({b0:.2f}, {w_dense:.2f}, {w_terms:.2f})  # intercept, best dense cosine, term coverage")
    pred = model.predict(x)
    print(f"dev: {np.mean(pred[y == 0] == 0):.0%} of {len(off)} off-topic flagged, "
          f"{np.mean(pred[y == 1] == 0):.0%} of {len(on)} on-topic wrongly flagged")
    for (d, t), label, p in zip(x, y, pred, strict=True):
        if label != p:
            print(f"  misclassified {'on' if label else 'off'}-topic: dense {d:.2f}, terms {t:.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
