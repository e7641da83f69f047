"""Shuffle several versions' answer batches into one file for a blind rater, and record which is which.

    .venv/bin/python scripts/blind_rating.py /work/blind/answers7 old=eval/answers/test_v4.jsonl \\
        new=eval/answers/test_v5.jsonl --prefix e --seed 7

writes OUT/rate.jsonl ({"item_id", "question", "answer"}, ids <prefix>001...) for the rater, and the map
({rate id: {"version", "item_id"}}) for `scripts/answer_ratings.py --map` to `--map PATH` (default
/tmp/<OUT's name>.map.json), never into the rater's folder: the rater sees neither the map nor the batch names.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def main(argv: list[str]) -> int:
    out = Path(argv[0])
    seed = int(argv[argv.index("--seed") + 1]) if "--seed" in argv else 7
    prefix = argv[argv.index("--prefix") + 1] if "--prefix" in argv else "r"
    named = [a.split("=", 1) for a in argv[1:] if "=" in a]
    lines = [(name, row) for name, path in named for row in _rows(Path(path))]
    random.Random(seed).shuffle(lines)
    out.mkdir(parents=True, exist_ok=True)
    shown, mapping = [], {}
    for i, (name, row) in enumerate(lines, start=1):
        rid = f"{prefix}{i:03d}"
        shown.append({"item_id": rid, "question": row["question"], "answer": row["answer"]})
        mapping[rid] = {"version": name, "item_id": row["item_id"]}
    (out / "rate.jsonl").write_text("".join(json.dumps(r) + "\n" for r in shown))
    map_path = Path(argv[argv.index("--map") + 1]) if "--map" in argv else Path("/tmp") / f"{out.name}.map.json"
    map_path.write_text(json.dumps(mapping, indent=0) + "\n")
    print(f"map -> {map_path} (keep it out of the rater's folder)")
    print(f"{len(shown)} answers from {len(named)} versions -> {out / 'rate.jsonl'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
