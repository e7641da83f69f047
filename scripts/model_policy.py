"""Which of the model's findings to show as findings, and which to list apart: chosen on dev, reported on test.

The model is asked for at most 8 findings, the most important first, each with a severity. A policy keeps the static
findings and the model findings it selects (by severity, or by place in the answer); the rest would go to the list
apart, as the offline review's minor findings do. For each policy: precision from the blind grades, and recall of
the labelled problems as the blind matcher read them (a finding graded wrong catches nothing).

    python scripts/model_policy.py --findings eval/review/dev9.model_findings.jsonl \\
        --round eval/review/dev1 ... --round eval/review/dev9 --matched eval/review/dev9.matched.jsonl
    python scripts/model_policy.py --findings eval/review/round22.model_findings.jsonl \\
        --round eval/review/round3 ... --round eval/review/round22 --matched eval/review/round22.matched.jsonl

The findings file is `model_review_eval.py findings --write` (with `_severity` and `_rank`).
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_review import (  # noqa: E402
    DATA,
    grade_of,
    load,
    matched_recall,
    round_findings,
    round_grades,
    round_versions,
    with_grades,
)

from mentor.review import DESIGN_PRINCIPLES  # noqa: E402

SEVERE = ("error", "warning")
POLICIES: dict[str, Callable[[dict], bool]] = {
    "static only": lambda f: False,
    "all model findings": lambda f: True,
    "severity error": lambda f: f["_severity"] == "error",
    "severity error or warning": lambda f: f["_severity"] in SEVERE,  # shipped in session 14
    # shipped since session 15 (review.model_raises): design warnings join the list apart
    "error, or warning not on design": lambda f: f["_severity"] == "error" or (
        f["_severity"] == "warning" and f.get("_principle") not in DESIGN_PRINCIPLES),
    # dev11 only: its answers mark the points that matter once other people use the code (tried, dropped)
    "error or warning, not for others": lambda f: f["_severity"] in SEVERE and not f.get("_for_others"),
    **{f"first {k} of the answer": functools.partial(lambda k, f: (f["_rank"] or 99) <= k, k) for k in range(2, 7)},
}


def table(findings: list[dict], ids: dict, matches: dict[str, set[str]], labels: list[dict], files: set[str]
          ) -> list[tuple[str, int, float, float, float, float]]:
    """(policy, findings, true share, wrong share, recall of model-free labels, recall of all labels), from graded
    findings (each with its `grade`) and eval_review's blind-matched recall."""
    out = []
    for name, keep in POLICIES.items():
        shown = [f for f in findings if f["_rule"] != "model" or keep(f)]
        graded = Counter(grade_of(f) for f in shown)
        free = matched_recall(labels, shown, files, matches, ids)
        every = matched_recall(labels, shown, files, matches, ids, every=True)
        n = max(1, len(shown))
        out.append((name, len(shown), graded["true"] / n, graded["wrong"] / n, free[0] / max(1, free[1]),
                    every[0] / max(1, every[1])))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--findings", type=Path, required=True)
    ap.add_argument("--round", type=Path, action="append", required=True)
    ap.add_argument("--matched", type=Path, required=True)
    ap.add_argument("--data", type=Path, default=DATA)
    args = ap.parse_args(argv)
    findings = load(args.findings)
    graded = with_grades(findings, round_grades(args.round))
    if len(graded) < len(findings):
        raise SystemExit(f"{len(findings) - len(graded)} findings no round graded")
    ids = {(f["file"], f["line"], f["message"]): f["finding_id"] for f in round_findings(args.round[-1])}
    files = set(round_versions(args.round[-1])["files"])
    labels = [lab for lab in load(args.data / "labels.jsonl") if lab["id"] in files]
    matches = {r["label"]: set(r["findings"]) for r in load(args.matched)}
    print(f"{len(files)} files · {len(labels)} labels ({sum(1 for lab in labels if lab.get('model_free'))} "
          f"model-free) · recall as matched blind, a finding graded wrong catches nothing")
    print(f"{'policy':33} {'findings':>8} {'true':>6} {'wrong':>6} {'recall (model-free)':>20} {'recall (all)':>13}")
    for name, n, true, wrong, free, every in table(graded, ids, matches, labels, files):
        print(f"{name:33} {n:8d} {true:6.0%} {wrong:6.0%} {free:20.0%} {every:13.0%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
