"""Pool the top 5 passages of every compared system for every dev and test question, and write blind judging
batches: the assessor sees the question, the passage's title, heading and text, and nothing else.

    PYTHONPATH=$PWD MENTOR_HOME=... python scripts/eval_pool.py [--out /work/blind/judge]

Passages are keyed by a hash of their text, so a judgment survives re-chunking of other files. Pairs already
judged (eval/retrieval/judgments.jsonl) or already sent out (eval/retrieval/pool_map.jsonl) are not pooled
again; new batches are numbered after the existing ones. The item -> (question, passage) map stays in eval/.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from mentor.core import build_mentor  # noqa: E402
from mentor.evaluation import load_split, passage_key  # noqa: E402

MAP = ROOT / "eval/retrieval/pool_map.jsonl"
JUDGMENTS = ROOT / "eval/retrieval/judgments.jsonl"
BATCH = 200
SEED = 20261130
K = 5


def _rows(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines() if x.strip()] if path.exists() else []


def systems(mentor) -> dict:
    """Every ranking to pool, each question -> top-5 chunk ids."""
    from tune_retrieval import CANDIDATES

    r = mentor.retriever
    index = mentor.index
    by_text = {(c.text, c.meta.get("source"), c.heading): cid for cid, c in index.chunks.items()}

    def mode(m: str):
        def run(_r, q: str) -> list[str]:
            return [by_text[(h.text, h.meta.get("source"), h.meta.get("heading", ""))]
                    for h in r.search(q, k=K, mode=m).hits]
        return run

    from mentor.retrieval import MODES

    out = {m: mode(m) for m in MODES}
    out.update(CANDIDATES)
    return out


def _memoise_search(index) -> None:
    """Every system starts from the same BM25 and dense candidates: search each question once."""
    dense, sparse = index.dense_search, index.bm25_search
    seen: dict = {}

    def dense_search(vector, k, allowed=None):
        key = ("d", vector.tobytes(), k, allowed is None)
        if allowed is not None or key not in seen:
            seen[key] = dense(vector, k, allowed)
        return list(seen[key])

    def bm25_search(query, k, allowed=None):
        key = ("s", query, k, allowed is None)
        if allowed is not None or key not in seen:
            seen[key] = sparse(query, k, allowed)
        return list(seen[key])

    index.dense_search, index.bm25_search = dense_search, bm25_search


def main() -> None:
    from functools import lru_cache

    from mentor import embeddings

    # each question is embedded once, not once per system
    embeddings.embed_one = lru_cache(maxsize=None)(embeddings.embed_one)
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/work/blind/judge")
    out = Path(ap.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    mentor = build_mentor()
    index = mentor.index
    _memoise_search(index)
    questions = load_split("dev") + load_split("test")
    done = {(j["qid"], j["key"]) for j in _rows(JUDGMENTS)} | {(m["qid"], m["key"]) for m in _rows(MAP)}
    pool: dict[tuple[str, str], dict] = {}
    per_system: dict[str, int] = {}
    from tune_retrieval import WINDOWED, window_text

    for name, run in systems(mentor).items():
        for q in questions:
            for cid in run(mentor.retriever, q["question"])[:K]:
                c = index.chunks[cid]
                text = window_text(index, cid)[1] if name in WINDOWED else c.text
                key = passage_key(text)
                if (q["id"], key) in done:
                    continue
                if (q["id"], key) not in pool:
                    per_system[name] = per_system.get(name, 0) + 1
                pool.setdefault((q["id"], key), {"question": q["question"], "title": str(c.meta.get("title", "")),
                                                 "heading": c.heading, "text": text})
        print(f"{name}: {per_system.get(name, 0)} new pairs", file=sys.stderr, flush=True)
    items = sorted(pool.items())
    random.Random(SEED).shuffle(items)
    first = 1 + max((int(p.stem.split("_")[1].split(".")[0]) for p in out.glob("batch_*.jsonl")), default=0)
    mapping = []
    for b in range(0, len(items), BATCH):
        n = first + b // BATCH
        lines = []
        for i, ((qid, key), item) in enumerate(items[b:b + BATCH]):
            item_id = f"b{n:02d}-{i:03d}-{key[:6]}"
            mapping.append({"item_id": item_id, "qid": qid, "key": key})
            lines.append(json.dumps({"item_id": item_id, **item}, ensure_ascii=False))
        (out / f"batch_{n:02d}.jsonl").write_text("\n".join(lines) + "\n")
    with MAP.open("a") as f:
        for m in mapping:
            f.write(json.dumps(m) + "\n")
    print(f"{len(items)} new pairs in {(len(items) + BATCH - 1) // BATCH} batches from {len(questions)} questions")


if __name__ == "__main__":
    main()
