"""Retrieval candidates, measured against the blind judgments; the default is chosen on DEV only.

    PYTHONPATH=$PWD MENTOR_HOME=... python scripts/tune_retrieval.py               # every candidate on dev
    PYTHONPATH=$PWD MENTOR_HOME=... python scripts/tune_retrieval.py --split test  # report only

`eval_pool.py` imports CANDIDATES from here, so every candidate's top 5 was pooled and judged. The candidates
that did not earn a place in mentor/retrieval.py live only here, so their figures stay reproducible.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np
from llama_index.core.schema import NodeWithScore, QueryBundle

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from mentor import embeddings  # noqa: E402
from mentor import llama_adapters as L  # noqa: E402
from mentor import retrieval as R  # noqa: E402
from mentor.index import tokenize  # noqa: E402

K = 10  # ranked list length scored (condensed lists need more than the 5 pooled)


def _fused(retriever: R.Retriever, query: str) -> tuple[list[NodeWithScore], QueryBundle]:
    bundle = QueryBundle(query, embedding=embeddings.embed_one(query).tolist())
    dense = L.DenseRetriever(retriever.index, R.CANDIDATES)
    sparse = L.SparseRetriever(retriever.index, R.CANDIDATES)
    nodes = L.fusion(dense, sparse).retrieve(bundle)
    scores = dict(dense.hits or [])
    for n in nodes:
        n.node.metadata["_dense_score"] = scores.get(n.node.node_id, 0.0)
    return nodes, bundle


# the reranker that was the default before (weights from its own tuning on what is now dev) ------------------
W_RRF, W_BODY, W_HEAD, W_DENSE = 0.5, 0.2, 0.2, 0.0


def _group(meta: dict) -> str:
    if meta.get("week") and meta.get("root") == "corpus":
        return f"week:{meta['week']}"
    return f"{meta.get('root')}:{meta.get('source')}"


def lexical_rerank(index, nodes: list[NodeWithScore], query: str, diversity: float, w_source: float) -> list[str]:
    """Fused rank + idf-weighted question coverage of body and heading + evidence of the whole source, then a
    greedy pick with a penalty per result already taken from the same source (diversity)."""
    q_terms = set(tokenize([query])[0])
    idf = index.idf
    q_weight = sum(idf.get(t, 0.0) for t in q_terms) or 1.0
    best_rrf = max(n.score or 0.0 for n in nodes) or 1.0
    evidence: dict[str, float] = {}
    for n in nodes:
        evidence[_group(n.node.metadata)] = evidence.get(_group(n.node.metadata), 0.0) + (n.score or 0.0) / best_rrf
    best_group = max(evidence.values()) or 1.0
    score = {}
    for n in nodes:
        cid = n.node.node_id
        head = sum(idf.get(t, 0.0) for t in q_terms & index.terms(cid, heading=True)) / q_weight
        body = sum(idf.get(t, 0.0) for t in q_terms & index.terms(cid)) / q_weight
        score[cid] = (W_RRF * (n.score or 0.0) / best_rrf + W_BODY * body + W_HEAD * head
                      + W_DENSE * n.node.metadata["_dense_score"] + w_source * evidence[_group(n.node.metadata)]
                      / best_group)
    remaining, chosen, taken = list(nodes), [], {}
    while remaining and len(chosen) < K:
        best = max(remaining, key=lambda n: score[n.node.node_id] - diversity * taken.get(_group(n.node.metadata), 0))
        remaining.remove(best)
        taken[_group(best.node.metadata)] = taken.get(_group(best.node.metadata), 0) + 1
        chosen.append(best.node.node_id)
    return chosen


def lexical(diversity: float, w_source: float):
    def run(retriever: R.Retriever, query: str) -> list[str]:
        nodes, _ = _fused(retriever, query)
        return lexical_rerank(retriever.index, nodes, query, diversity, w_source)
    return run


_VECTORS: dict[str, np.ndarray] = {}


def _vectors(index) -> dict[str, np.ndarray]:
    if not _VECTORS:
        got = index.collection.get(include=["embeddings"])
        _VECTORS.update({i: np.asarray(v, dtype=np.float32)
                         for i, v in zip(got["ids"], got["embeddings"], strict=True)})
    return _VECTORS


def mmr(lam: float):
    """Maximal marginal relevance over the fused candidates: relevance = normalised RRF score, redundancy = cosine
    to the passages already chosen; lam close to 1 keeps the fused order unless two passages say the same."""
    def run(retriever: R.Retriever, query: str) -> list[str]:
        nodes, _ = _fused(retriever, query)
        vec = _vectors(retriever.index)
        best = max(n.score or 0.0 for n in nodes) or 1.0
        rel = {n.node.node_id: (n.score or 0.0) / best for n in nodes}
        chosen: list[str] = []
        pool = [n.node.node_id for n in nodes if n.node.node_id in vec]
        while pool and len(chosen) < K:
            def gain(cid: str) -> float:
                return lam * rel[cid] - (1 - lam) * max((float(vec[cid] @ vec[c]) for c in chosen), default=0.0)
            pick = max(pool, key=gain)
            pool.remove(pick)
            chosen.append(pick)
        return chosen
    return run


def link_density(text: str) -> float:
    """Share of a passage's characters inside Markdown links: high for 'How this connects' and reading lists."""
    inside = sum(len(m.group(0)) for m in re.finditer(r"\[[^\]]*\]\([^)]*\)", text))
    return inside / max(1, len(text))


def linkdown(weight: float, threshold: float = 0.3):
    def run(retriever: R.Retriever, query: str) -> list[str]:
        nodes, _ = _fused(retriever, query)
        for n in nodes:
            if link_density(n.node.get_content()) >= threshold:
                n.score = (n.score or 0.0) * weight
        nodes.sort(key=lambda n: -(n.score or 0.0))
        return [n.node.node_id for n in nodes[:K]]
    return run


def llama_fusion(mode: str):
    def run(retriever: R.Retriever, query: str) -> list[str]:
        bundle = QueryBundle(query, embedding=embeddings.embed_one(query).tolist())
        fusion = L.fusion(L.DenseRetriever(retriever.index, R.CANDIDATES),
                          L.SparseRetriever(retriever.index, R.CANDIDATES), top_k=K, mode=mode)
        return [n.node.node_id for n in fusion.retrieve(bundle)]
    return run


def window_text(index, cid: str) -> tuple[str, str]:
    """The chunk with its neighbours that carry the same heading (the pieces of one long section), so the
    passage is a complete thought; returns (window id, text)."""
    base, _, num = cid.rpartition("#")
    i = int(num)
    heading = index.chunks[cid].heading
    lo = hi = i
    while f"{base}#{lo - 1}" in index.chunks and index.chunks[f"{base}#{lo - 1}"].heading == heading:
        lo -= 1
    while f"{base}#{hi + 1}" in index.chunks and index.chunks[f"{base}#{hi + 1}"].heading == heading:
        hi += 1
    return f"{base}#{lo}-{hi}", "\n\n".join(index.chunks[f"{base}#{j}"].text for j in range(lo, hi + 1))


def window(retriever: R.Retriever, query: str) -> list[str]:
    """Fusion, each hit to be widened to its whole section (window_text); one chunk per window."""
    nodes, _ = _fused(retriever, query)
    out: dict[str, str] = {}
    for n in nodes:
        out.setdefault(window_text(retriever.index, n.node.node_id)[0], n.node.node_id)
        if len(out) == K:
            break
    return list(out.values())


# name -> ranking function (chunk ids); the four modes of mentor/retrieval.py are pooled by eval_pool.py itself
CANDIDATES = {
    "lexical-nodiv": lexical(0.0, 0.2),
    "lexical-nodiv-nosource": lexical(0.0, 0.0),
    "mmr-0.85": mmr(0.85),
    "fusion-linkdown": linkdown(0.5),
    "fusion-relative": llama_fusion("relative_score"),
    "fusion-distbased": llama_fusion("dist_based_score"),
    "fusion-window": window,
}
WINDOWED = {"fusion-window"}  # their passages are whole sections, judged as such
REFERENCE = {"old hybrid (lexical, diversity 0.5)": lexical(0.5, 0.2)}


def runs(split: str) -> dict[str, dict[str, list[str]]]:
    """Every system's top 10 passage keys per question of the split (a run file, like TREC's)."""
    from functools import lru_cache

    from eval_pool import _memoise_search

    from mentor.core import build_mentor
    from mentor.evaluation import load_split, passage_key

    embeddings.embed_one = lru_cache(maxsize=None)(embeddings.embed_one)  # once per question, not per system
    mentor = build_mentor()
    index, retriever = mentor.index, mentor.retriever
    _memoise_search(index)
    systems = {m: (lambda r, q, m=m: [h.text for h in r.search(q, k=10, mode=m).hits]) for m in R.MODES}
    for name, run in {**REFERENCE, **CANDIDATES}.items():
        def texts(r, q, run=run, name=name):
            return [window_text(index, c)[1] if name in WINDOWED else index.chunks[c].text for c in run(r, q)]
        systems[name] = texts
    questions = load_split(split)
    return {name: {q["id"]: [passage_key(t) for t in run(retriever, q["question"])] for q in questions}
            for name, run in systems.items()}


def main() -> None:
    from mentor.evaluation import graded, load_judgments, summarise

    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="dev", choices=("dev", "test"))
    ap.add_argument("--rescore", action="store_true", help="score the saved run file again (new judgments)")
    args = ap.parse_args()
    path = Path(__file__).resolve().parent.parent / "eval" / "retrieval" / f"runs_{args.split}.json"
    if not args.rescore or not path.exists():
        path.write_text(json.dumps(runs(args.split), indent=0))
    ranked = json.loads(path.read_text())
    judgments = load_judgments()
    print(f"{args.split}: {len(next(iter(ranked.values())))} questions, {len(judgments)} judged pairs")
    print("| system | nDCG@5 | P@5 | success@5 | MRR | judged |")
    print("|---|---|---|---|---|---|")
    for name, per_question in ranked.items():
        s = summarise([graded(keys, qid, judgments) for qid, keys in per_question.items()])
        print(f"| {name} | {s['ndcg@5']:.3f} | {s['p@5']:.3f} | {s['success@5']:.3f} | {s['mrr']:.3f} | "
              f"{s['judged']:.0%} |")


if __name__ == "__main__":
    main()
