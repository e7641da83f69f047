"""Fold the assessors' graded batches into eval/retrieval/judgments.jsonl (one line per question and passage).

    python scripts/eval_merge_judgments.py [--judge /work/blind/judge]

Items are mapped back through eval/retrieval/pool_map.jsonl; a pair graded twice keeps its first grade and is
counted, so disagreements are visible.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAP = ROOT / "eval/retrieval/pool_map.jsonl"
JUDGMENTS = ROOT / "eval/retrieval/judgments.jsonl"


def _rows(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines() if x.strip()] if path.exists() else []


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--judge", default="/work/blind/judge")
    judge = Path(ap.parse_args().judge)
    mapping = {m["item_id"]: (m["qid"], m["key"]) for m in _rows(MAP)}
    have = {(j["qid"], j["key"]): j for j in _rows(JUDGMENTS)}
    added = repeats = unknown = bad = 0
    for path in sorted(judge.glob("batch_*.graded.jsonl")):
        for row in _rows(path):
            pair = mapping.get(row.get("item_id"))
            if pair is None:
                unknown += 1
                continue
            if row.get("grade") not in (0, 1, 2):
                bad += 1
                continue
            if pair in have:
                repeats += have[pair]["grade"] != row["grade"]
                continue
            have[pair] = {"qid": pair[0], "key": pair[1], "grade": row["grade"], "batch": path.name.split(".")[0]}
            added += 1
    rows = sorted(have.values(), key=lambda j: (j["qid"], j["key"]))
    JUDGMENTS.write_text("".join(json.dumps(r) + "\n" for r in rows))
    pending = len(set(mapping.values()) - set(have))
    print(f"{added} new judgments, {len(rows)} in all; {pending} pooled pairs not graded yet; "
          f"{unknown} unknown items, {bad} bad grades, {repeats} conflicting repeats")


if __name__ == "__main__":
    main()
