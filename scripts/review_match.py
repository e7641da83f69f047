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

A label's key is `<file id>#<its index among that file's labels in labels.jsonl>`.
"""

from __future__ import annotations

import json
import random
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_review import DATA, label_keys, load, round_findings, round_versions  # noqa: E402


def write(prefix: Path, blind: Path) -> int:
    files = set(round_versions(prefix)["files"])
    findings = round_findings(prefix)
    wanted = [(k, lab) for k, lab in label_keys(load(DATA / "labels.jsonl"))
              if lab["id"] in files and lab.get("model_free")]
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


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "write":
        raise SystemExit(__doc__)
    raise SystemExit(write(Path(sys.argv[2]), Path(sys.argv[3])))
