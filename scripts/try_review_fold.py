"""Tried on dev, not adopted: fold whole rule families into the review's minor line and see what precision and
recall would be, from the blind grades of earlier rounds (no new grading; findings a round never graded are left
out).

    python scripts/try_review_fold.py dev eval/review/dev1,eval/review/dev2,eval/review/dev3,eval/review/dev4,\\
        eval/review/dev5 ml:missing-auth,ml:unvalidated-input,ml:llm-unguarded,semgrep:exception-to-client,\\
        ml:unbounded-growth

Session 9: dev 44% true / 70% recall as shipped; with those five families folded, 50% / 62%.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import eval_review as ev  # noqa: E402


def main(argv: list[str]) -> int:
    split, rounds = argv[0], [Path(r) for r in argv[1].split(",")]
    folded = set(argv[2].split(",")) if len(argv) > 2 else set()
    ids = {m["id"] for m in ev.load(ev.DATA / "manifest.jsonl") if m["split"] == split}
    ids &= set(ev.round_versions(rounds[-1])["files"])
    reviewed = [f for f in ev.review_files(ev.DATA, split) if f["file"].split(".")[0] in ids]
    graded = [f for f in ev.with_grades(reviewed, ev.round_grades(rounds))
              if f["_rule"] not in folded and ev.grade_of(f)]
    true = sum(ev.grade_of(f) == "true" for f in graded)
    wrong = sum(ev.grade_of(f) == "wrong" for f in graded)
    caught, wanted, _ = ev.recall(ev.load(ev.DATA / "labels.jsonl"), graded, ids)
    print(f"{split}: {len(graded)} graded findings, true {true / len(graded):.0%}, wrong {wrong / len(graded):.0%}, "
          f"recall {caught}/{wanted} ({caught / wanted:.0%})" + (f"; folded: {', '.join(sorted(folded))}" if folded
                                                                 else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
