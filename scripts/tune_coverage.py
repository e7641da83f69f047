"""Fit the "not covered" detector on DEV: a logistic regression on the best dense similarity and the question's
term coverage, on the dev on-topic questions (covered) and the dev off-topic questions (not covered), classes
weighted equally. Prints the coefficients for mentor/retrieval.py COVERAGE_MODEL and the dev error rates.

    PYTHONPATH=$PWD MENTOR_HOME=... python scripts/tune_coverage.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mentor.core import build_mentor  # noqa: E402
from mentor.evaluation import load_offtopic, load_split  # noqa: E402


def features(retriever, questions: list[str]) -> np.ndarray:
    rows = []
    for q in questions:
        c = retriever.search(q).coverage
        rows.append((c.best_dense, c.term_coverage))
    return np.array(rows)


def main() -> None:
    retriever = build_mentor().retriever
    on = [q["question"] for q in load_split("dev")]
    off = [q["question"] for q in load_offtopic("dev")]
    x = np.vstack([features(retriever, on), features(retriever, off)])
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
    main()
