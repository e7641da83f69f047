"""Offline answers to a fixed sample of questions, written for a blind rater (answer text only).

    .venv/bin/python scripts/answer_batch.py test /work/blind/answers/test_batch.jsonl
    .venv/bin/python scripts/answer_batch.py test /work/blind/answers/test_before.jsonl --order 2
    .venv/bin/python scripts/answer_batch.py dev /work/blind/answers/dev_batch.jsonl

`test` takes 40 held-out questions (/work/blind/retrieval/questions.jsonl) and 10 off-topic ones
(/work/blind/retrieval/offtopic.jsonl) with seed 9; `dev` takes 40 questions of eval/retrieval. Item ids are
assigned once per sample (eval/answers/<split>_items.jsonl maps them to the source questions); `--order N`
shuffles the lines differently so two systems' batches can be rated together without revealing which is which.
Uses MENTOR_HOME's index, offline, without the semantic cache.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mentor.config import Config  # noqa: E402
from mentor.core import Mentor  # noqa: E402

BLIND = Path("/work/blind/retrieval")
SEED = 9


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def sample(split: str) -> list[dict]:
    """The fixed sample of a split: [{"item_id", "source", "question"}], in item-id order."""
    rng = random.Random(SEED)
    if split == "test":
        on = rng.sample(_jsonl(BLIND / "questions.jsonl"), 40)
        off = rng.sample(_jsonl(BLIND / "offtopic.jsonl"), 10)
        picked = [{"source": q["id"], "question": q["question"]} for q in on + off]
    else:
        dev = [q for p in sorted((ROOT / "eval" / "retrieval").glob("*.jsonl")) for q in _jsonl(p)]
        picked = [{"source": f"dev{dev.index(q)}", "question": q["question"]} for q in rng.sample(dev, 40)]
    rng.shuffle(picked)
    return [{"item_id": f"{split[0]}{i:02d}", **p} for i, p in enumerate(picked, start=1)]


def main(argv: list[str]) -> int:
    split, out = argv[0], Path(argv[1])
    order = int(argv[argv.index("--order") + 1]) if "--order" in argv else 1
    keys = ROOT / "eval" / "answers" / f"{split}_items.jsonl"
    if keys.exists():  # the sample is drawn once and committed; later batches answer the same questions
        items = _jsonl(keys)
    else:
        items = sample(split)
        keys.parent.mkdir(parents=True, exist_ok=True)
        keys.write_text("".join(json.dumps(it) + "\n" for it in items))
    m = Mentor(Config.from_env().with_(provider="offline", cache=False))
    m.warm()
    random.Random(order).shuffle(items)
    with out.open("w") as f:
        for it in items:
            answer = m.chat.ask(it["question"]).answer
            f.write(json.dumps({"item_id": it["item_id"], "question": it["question"], "answer": answer}) + "\n")
    print(f"{len(items)} answers -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
