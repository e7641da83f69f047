"""How far the review's two blind judges agree on the findings a review shows: the grader (would a senior reviewer
raise it: true / debatable / wrong) and the matcher (does it raise a problem the labeller listed for that file).

Precision is read from the first, recall from the second. A finding the grader calls debatable but the matcher
says raises a listed problem counts against precision and for recall; this prints how many there are, by grade,
and Cohen's kappa between "graded true" and "raises a listed problem" (every label, not only the model-free ones).

    python scripts/judge_agreement.py --round eval/review/round3 ... --round eval/review/round25 \\
        --pool eval/review/round22 --pool eval/review/round23 --pool eval/review/round24 --pool eval/review/round25

Each pooled round needs PREFIX.model_findings.jsonl and PREFIX.matched.jsonl (matched with --all-labels); the
findings shown are those of the shipped rule (`model_policy.shipped`) and the static ones.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_review import finding_ids, grade_of, load, round_grades, with_grades  # noqa: E402
from model_policy import shipped, shown_by  # noqa: E402
from sklearn.metrics import cohen_kappa_score  # noqa: E402

GRADES = ("true", "debatable", "wrong")


def crossed(findings: list[dict], ids: dict[tuple, str], matched: list[dict]) -> Counter:
    """(grade, raises a listed problem) -> how many of the shown findings; `findings` carry their grades."""
    raising = {fid for row in matched for fid in row["findings"]}
    return Counter((grade_of(f), ids[(f["file"], f["line"], f["message"])] in raising)
                   for f in shown_by(findings, shipped))


def kappa(table: Counter) -> float:
    """Cohen's kappa between "graded true" and "raises a listed problem", over the table's findings."""
    pairs = [(grade == "true", hit) for (grade, hit), n in table.items() for _ in range(n)]
    return float(cohen_kappa_score([a for a, _ in pairs], [b for _, b in pairs]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--round", type=Path, action="append", required=True, help="rounds whose grades are read")
    ap.add_argument("--pool", type=Path, action="append", required=True, help="rounds whose findings are counted")
    args = ap.parse_args(argv)
    grades = round_grades(args.round)
    table: Counter = Counter()
    for prefix in args.pool:
        findings = with_grades(load(Path(f"{prefix}.model_findings.jsonl")), grades)
        table += crossed(findings, finding_ids(prefix), load(Path(f"{prefix}.matched.jsonl")))
    total = sum(table.values())
    print(f"{total} findings shown · graded blind, and read blind against every labelled problem of their file")
    print(f"{'grade':10} {'raises a listed problem':>24} {'raises none':>12}")
    for grade in GRADES:
        print(f"{grade:10} {table[(grade, True)]:24d} {table[(grade, False)]:12d}")
    print(f"not true, yet raising a listed problem: {table[('debatable', True)] + table[('wrong', True)]} of "
          f"{total - table[('true', True)] - table[('true', False)]}")
    print(f"Cohen's kappa, graded true vs raises a listed problem: {kappa(table):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
