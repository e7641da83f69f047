"""Build a blind grading round for the code review: the findings several versions gave on the test files, each
(file, line, message) once, and for the grader only those no earlier round graded.

    git worktree add /tmp/old <commit> && (cd /tmp/old && python scripts/eval_review.py --split test \\
        --data /work/main/eval/review --write /tmp/old.jsonl)
    python scripts/eval_review.py --split test --write /tmp/new.jsonl
    python scripts/review_round.py eval/review/round6 --earlier eval/review/round3,eval/review/round4,\\
        eval/review/round5 --blind /work/blind/review13 main-aa6b768=/tmp/old.jsonl round6=/tmp/new.jsonl

writes PREFIX.findings.jsonl (every finding of every version, with an id), PREFIX.versions.json (the files the
round covers and which findings each version gave) and, in the blind folder, the files and the findings to grade
(file, line, end_line, message only). Run again on an existing round (a version added), it keeps the ids the grader
saw and sends only what no round has graded yet. `--split dev` builds a round on the dev files (to tune on);
`--ids g1,g2` on those files only (the files the versions were run on). The
grader's answers go to PREFIX.graded.jsonl; then
`python scripts/eval_review.py --split test --round ... --round PREFIX --version NAME` reports each version.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_review import DATA, load, round_grades  # noqa: E402


def main(argv: list[str]) -> int:
    prefix = Path(argv[0])
    earlier = [Path(p) for p in argv[argv.index("--earlier") + 1].split(",")] if "--earlier" in argv else []
    blind = Path(argv[argv.index("--blind") + 1])
    split = argv[argv.index("--split") + 1] if "--split" in argv else "test"
    only = set(argv[argv.index("--ids") + 1].split(",")) if "--ids" in argv else None
    named = [a.split("=", 1) for a in argv[1:] if "=" in a and not a.startswith("--")]
    graded = round_grades(earlier)
    ids: dict[tuple, str] = {}
    rows, versions = [], {}
    made = prefix.with_name(prefix.name + ".findings.jsonl")
    if made.exists():  # a round rebuilt (a version added): the ids the grader already saw stay the same
        rows = load(made)
        ids = {(r["file"], r["line"], r["message"]): r["finding_id"] for r in rows}
        if prefix.with_name(prefix.name + ".graded.jsonl").exists():
            graded |= round_grades([prefix])
    for name, path in named:
        versions[name] = []
        for f in load(Path(path)):
            key = (f["file"], f["line"], f["message"])
            if key not in ids:
                ids[key] = f"{prefix.name[0]}{prefix.name[-1]}{len(ids) + 1:03d}"
                rows.append({"finding_id": ids[key], "file": f["file"], "line": f["line"],
                             "end_line": f["end_line"], "also": f.get("also") or [], "message": f["message"]})
            versions[name].append(ids[key])
    files = sorted({m["id"] for m in load(DATA / "manifest.jsonl")
                    if m["split"] == split and (only is None or m["id"] in only)})
    prefix.with_name(prefix.name + ".findings.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    prefix.with_name(prefix.name + ".versions.json").write_text(json.dumps({"files": files, "versions": versions},
                                                                          indent=1) + "\n")
    todo = [r for r in rows if (r["file"], r["line"], r["message"]) not in graded]
    (blind / "files").mkdir(parents=True, exist_ok=True)
    for name in sorted({r["file"] for r in todo}):
        shutil.copyfile(DATA / "files" / name, blind / "files" / name)
    (blind / "findings.jsonl").write_text("".join(json.dumps({k: r[k] for k in ("finding_id", "file", "line",
                                                                                   "end_line", "message")}) + "\n"
                                                  for r in todo))
    print(f"{len(rows)} findings from {len(named)} versions; {len(todo)} to grade in {blind}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
