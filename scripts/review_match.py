"""Blind matching of findings to labelled problems, for a recall that does not depend on line numbers.

Line-overlap recall (`eval_review.py`) errs both ways: a file-level problem ("no seed is set") labelled at one line
and found at another counts as missed, and a finding about a different problem on the labelled line counts as a
catch. Here a helper who never sees which version gave what reads each labelled model-free problem beside every
finding any version gave on that file and says which findings raise that same problem.

    python scripts/review_match.py write eval/review/round13 /work/blind/reviewNN     # files + match.jsonl
    (the helper writes /work/blind/reviewNN/match.answers.jsonl: {"label": "g151#2", "findings": ["r3117"]})
    cp /work/blind/reviewNN/match.answers.jsonl eval/review/round13.matched.jsonl
    python scripts/eval_review.py --split test --round ... --round eval/review/round13 --version session9 \\
        --matched eval/review/round13.matched.jsonl

`write ... --all-labels` gives every labelled problem, not only the model-free ones (for the review with a model).
A label's key is `<file id>#<its index among that file's labels in labels.jsonl>`.

A new round keeps an earlier round's answers for the findings both rounds gave (the same file, line and message),
so a matcher reads only the new files; the answers for the new files are appended:

    python scripts/review_match.py carry eval/review/round16 eval/review/round16.matched.jsonl eval/review/round17 \
        > eval/review/round17.matched.jsonl
"""

from __future__ import annotations

import json
import random
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_review import DATA, counted, label_keys, load, round_findings, round_versions  # noqa: E402


def write(prefix: Path, blind: Path, every: bool = False) -> int:
    files = set(round_versions(prefix)["files"])
    findings = round_findings(prefix)
    wanted = [(k, lab) for k, lab in label_keys(load(DATA / "labels.jsonl")) if counted(lab, files, every)]
    (blind / "files").mkdir(parents=True, exist_ok=True)
    rng = random.Random(0)
    rows = []
    for fid in sorted(files):
        path = next((DATA / "files").glob(f"{fid}.*"))
        shutil.copy(path, blind / "files" / path.name)
        mine = [{k: f[k] for k in ("finding_id", "line", "end_line", "also", "message") if k in f}
                for f in findings if f["file"] == path.name]
        rng.shuffle(mine)
        rows.append({"file": path.name,
                     "labels": [{"label": k, "line_start": lab["line_start"], "line_end": lab["line_end"],
                                 "problem": lab["problem"]} for k, lab in wanted if lab["id"] == fid],
                     "findings": mine})
    (blind / "match.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    print(f"{len(rows)} files, {sum(len(r['labels']) for r in rows)} labelled problems, "
          f"{sum(len(r['findings']) for r in rows)} findings -> {blind / 'match.jsonl'}")
    return 0


def carry(old: Path, matched: Path, new: Path) -> int:
    """Print an earlier round's answers with the new round's finding ids, for the files both rounds cover; a finding
    the new round does not have is dropped from the answer."""
    key = lambda f: (f["file"], f["line"], f["message"])  # noqa: E731
    renamed = {f["finding_id"]: key(f) for f in round_findings(old)}
    ids = {key(f): f["finding_id"] for f in round_findings(new)}
    files = set(round_versions(new)["files"])
    for row in load(matched):
        if row["label"].split("#")[0] in files:
            found = [ids[renamed[i]] for i in row["findings"] if renamed[i] in ids]
            print(json.dumps({**row, "findings": found}))
    return 0


if __name__ == "__main__":
    if len(sys.argv) in (4, 5) and sys.argv[1] == "write" and sys.argv[4:] in ([], ["--all-labels"]):
        raise SystemExit(write(Path(sys.argv[2]), Path(sys.argv[3]), every=sys.argv[4:] == ["--all-labels"]))
    if len(sys.argv) == 5 and sys.argv[1] == "carry":
        raise SystemExit(carry(Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])))
    raise SystemExit(__doc__)
