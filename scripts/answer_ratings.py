"""Summarise the blind ratings of answer batches: yes / partly / no shares, mean usefulness, common failures.

    .venv/bin/python scripts/answer_ratings.py eval/answers/rate_test.jsonl eval/answers/rate_test.rated.jsonl \\
        eval/answers/test_before.jsonl eval/answers/test_batch.jsonl

The rater saw one shuffled file of both systems' answers (`rate_test.jsonl`, ids r001...) and wrote
{"item_id", "verdict": "yes"|"partly"|"no", "usefulness": 1-5, "reason"} per answer; each rated answer is
traced back to the batch it came from by its text, and to on- or off-topic by eval/answers/*_items.jsonl
(a source "o..." is off-topic).
When the shuffle recorded which batch each line came from (two batches can give the same text, e.g. the same
"not covered" reply), pass that map instead of the batches:

    .venv/bin/python scripts/answer_ratings.py eval/answers/rate_v3.jsonl eval/answers/rate_v3.rated.jsonl \
        --map eval/answers/rate_v3_map.json
"""

import json
import statistics
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _rows(path: Path | str) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]


def summarise(rated: list[dict]) -> str:
    n = len(rated)
    if not n:
        return "no ratings"
    verdicts = Counter(r["verdict"] for r in rated)
    useful = statistics.mean(float(r["usefulness"]) for r in rated)
    yes, partly = verdicts["yes"] / n, verdicts["partly"] / n
    return f"{n} rated: yes {yes:.0%}, yes-or-partly {yes + partly:.0%}, mean usefulness {useful:.2f}"


def main(shown: str, rated: str, *batches: str) -> None:
    text_of = {r["item_id"]: r["answer"] for r in _rows(shown)}
    items = {it["item_id"]: it["source"] for keys in sorted((ROOT / "eval" / "answers").glob("*_items.jsonl"))
             for it in _rows(keys)}
    origin: dict[str, tuple[str, str]] = {}
    if batches[:1] == ("--map",):
        shuffle = json.loads(Path(batches[1]).read_text())
        by_id = {sid: (v["version"], items.get(v["item_id"], "")) for sid, v in shuffle.items()}
    else:
        for batch in batches:
            for r in _rows(batch):
                origin[r["answer"]] = (Path(batch).stem, items.get(r["item_id"], ""))
        by_id = {sid: origin.get(text, ("unknown", "")) for sid, text in text_of.items()}
    groups: dict[tuple[str, str], list[dict]] = {}
    for r in _rows(rated):
        name, source = by_id.get(r["item_id"], ("unknown", ""))
        groups.setdefault((name, "off-topic" if source.startswith("o") else "on-topic"), []).append(r)
        groups.setdefault((name, "all"), []).append(r)
    for (name, part), rows in sorted(groups.items()):
        print(f"{name:12} {part:9}: {summarise(rows)}")
    for name in sorted({k[0] for k in groups}):
        fails = Counter(r["reason"] for r in groups[(name, "all")] if r["verdict"] != "yes")
        print(f"{name}: most common failures")
        for reason, k in fails.most_common(4):
            print(f"  {k}x {reason[:150]}")


if __name__ == "__main__":
    main(*sys.argv[1:])
