"""Summarise the blind ratings of answer batches: yes / partly / no shares, mean usefulness, common failures.

    .venv/bin/python scripts/answer_ratings.py eval/answers/test_before.rated.jsonl eval/answers/test_batch.rated.jsonl

A rated line is {"item_id", "verdict": "yes"|"partly"|"no", "usefulness": 1-5, "reason"} (the rater saw only
the question and the answer text); eval/answers/<split>_items.jsonl says which items were off-topic.
"""

import json
import statistics
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERDICT_KEYS = ("verdict", "answers", "answered", "rating", "answers_question")


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def summary(path: Path) -> dict:
    rows = _rows(path)
    items = ROOT / "eval" / "answers" / f"{path.name.split('_')[0]}_items.jsonl"
    source = {it["item_id"]: it["source"] for it in _rows(items)} if items.exists() else {}
    verdicts = [str(next((r[k] for k in VERDICT_KEYS if k in r), "")).lower() for r in rows]
    useful = [float(r["usefulness"]) for r in rows if r.get("usefulness") is not None]
    n = len(rows)
    off = [v for r, v in zip(rows, verdicts, strict=True) if source.get(r["item_id"], "").startswith("o")]
    return {"file": str(path), "answers": n, "yes": verdicts.count("yes") / n,
            "yes_or_partly": (verdicts.count("yes") + verdicts.count("partly")) / n,
            "usefulness": statistics.mean(useful) if useful else None, "off_topic": len(off),
            "off_topic_yes": off.count("yes"),
            "failures": Counter(r.get("reason", "") for r, v in zip(rows, verdicts, strict=True) if v != "yes")}


def main(paths: list[str]) -> None:
    for p in paths:
        s = summary(Path(p))
        print(f"{s['file']}: {s['answers']} answers, yes {s['yes']:.0%}, yes-or-partly {s['yes_or_partly']:.0%}, "
              f"mean usefulness {s['usefulness']:.2f}; off-topic items {s['off_topic']} ({s['off_topic_yes']} yes)")
        for reason, k in s["failures"].most_common(5):
            print(f"  {k}x {reason[:140]}")


if __name__ == "__main__":
    main(sys.argv[1:])
