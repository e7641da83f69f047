"""Try one finding per rule and file (a repeated point raised once, as a reviewer says "same below") on DEV, graded
by the blind dev round: precision, wrong share and recall with and without it.

    python scripts/try_review_collapse.py

Not adopted (README, "Reviewing code"): on dev it trades recall for precision (the labels mark each occurrence).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_review import DATA, load, recall, review_files, round_grades  # noqa: E402


def summary(findings: list[dict], grades: dict, labels: list[dict], ids: set[str]) -> str:
    graded = [{**f, "grade": grades.get((f["file"], f["line"], f["message"]), "")} for f in findings]
    true = sum(f["grade"] == "true" for f in graded)
    wrong = sum(f["grade"] == "wrong" for f in graded)
    caught, total, _ = recall(labels, graded, ids)
    return (f"{len(graded)} findings, true {true / len(graded):.0%} ({true}), wrong {wrong}, "
            f"recall {caught}/{total} ({caught / total:.0%})")


def main() -> None:
    grades = round_grades([DATA / "dev1"])
    labels = load(DATA / "labels.jsonl")
    ids = {m["id"] for m in load(DATA / "manifest.jsonl") if m["split"] == "dev"}
    findings = review_files(DATA, "dev")
    seen, once = set(), []
    for f in sorted(findings, key=lambda f: (f["file"], f["line"])):
        key = (f["file"], f["_rule"].split(":")[-1])
        if key not in seen:
            seen.add(key)
            once.append(f)
    print("dev, as reviewed:        ", summary(findings, grades, labels, ids))
    print("dev, one per rule & file:", summary(once, grades, labels, ids))


if __name__ == "__main__":
    main()
