"""Retrieval candidates measured against the blind judgments, and the tuning of the default on DEV only.

    PYTHONPATH=$PWD python scripts/tune_retrieval.py            # every candidate on dev (nDCG@5, P@5, judged share)
    PYTHONPATH=$PWD python scripts/tune_retrieval.py --split test   # report only: nothing is chosen on test

`eval_pool.py` imports CANDIDATES from here so that every candidate's top 5 is pooled and judged.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from llama_index.core.schema import NodeWithScore, QueryBundle

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mentor import embeddings  # noqa: E402
from mentor import retrieval as R  # noqa: E402

K = 5


def _fused(retriever: R.Retriever, query: str) -> tuple[list[NodeWithScore], QueryBundle]:
    bundle = QueryBundle(query, embedding=embeddings.embed_one(query).tolist())
    dense = R.DenseRetriever(retriever.index, R.CANDIDATES)
    sparse = R.SparseRetriever(retriever.index, R.CANDIDATES)
    nodes = R.FusionRetriever({"dense": dense, "bm25": sparse}).retrieve(bundle)
    return nodes, bundle


def lexical(diversity: float, w_source: float):
    def run(retriever: R.Retriever, query: str) -> list[str]:
        nodes, bundle = _fused(retriever, query)
        old = R.DIVERSITY, R.W_SOURCE
        R.DIVERSITY, R.W_SOURCE = diversity, w_source
        try:
            out = R.LexicalReranker(retriever.index, top_n=10).postprocess_nodes(nodes, bundle)
        finally:
            R.DIVERSITY, R.W_SOURCE = old
        return [n.node.node_id for n in out[:K]]
    return run


_VECTORS: dict[str, np.ndarray] = {}


def _vectors(index) -> dict[str, np.ndarray]:
    if not _VECTORS:
        got = index.collection.get(include=["embeddings"])
        _VECTORS.update({i: np.asarray(v, dtype=np.float32) for i, v in zip(got["ids"], got["embeddings"], strict=True)})
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
                red = max((float(vec[cid] @ vec[c]) for c in chosen), default=0.0)
                return lam * rel[cid] - (1 - lam) * red
            pick = max(pool, key=gain)
            pool.remove(pick)
            chosen.append(pick)
        return chosen
    return run


def link_density(text: str) -> float:
    """Share of a passage's characters inside Markdown links: high for 'How this connects' and reading lists."""
    import re

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
    from llama_index.core.llms import MockLLM
    from llama_index.core.retrievers import QueryFusionRetriever

    def run(retriever: R.Retriever, query: str) -> list[str]:
        bundle = QueryBundle(query, embedding=embeddings.embed_one(query).tolist())
        fusion = QueryFusionRetriever(
            [R.DenseRetriever(retriever.index, R.CANDIDATES), R.SparseRetriever(retriever.index, R.CANDIDATES)],
            mode=mode, llm=MockLLM(), num_queries=1, similarity_top_k=K, use_async=False,
        )
        return [n.node.node_id for n in fusion.retrieve(bundle)]
    return run


def window_text(index, cid: str) -> tuple[str, str]:
    """The chunk with its neighbours that carry the same heading (the pieces of one long section), so the
    passage is a complete thought; returns (key id, text)."""
    base, _, num = cid.rpartition("#")
    i = int(num)
    heading = index.chunks[cid].heading
    lo = hi = i
    while f"{base}#{lo - 1}" in index.chunks and index.chunks[f"{base}#{lo - 1}"].heading == heading:
        lo -= 1
    while f"{base}#{hi + 1}" in index.chunks and index.chunks[f"{base}#{hi + 1}"].heading == heading:
        hi += 1
    ids = [f"{base}#{j}" for j in range(lo, hi + 1)]
    return f"{base}#{lo}-{hi}", "\n\n".join(index.chunks[j].text for j in ids)


def window(retriever: R.Retriever, query: str) -> list[str]:
    """Fusion, each hit to be widened to its whole section (window_text); one chunk per window."""
    nodes, _ = _fused(retriever, query)
    out: dict[str, str] = {}
    for n in nodes:
        out.setdefault(window_text(retriever.index, n.node.node_id)[0], n.node.node_id)
        if len(out) == K:
            break
    return list(out.values())


# name -> ranking function; the four reference systems are pooled by eval_pool.py itself
CANDIDATES = {
    "lexical-nodiv": lexical(0.0, R.W_SOURCE),
    "lexical-nodiv-nosource": lexical(0.0, 0.0),
    "mmr-0.85": mmr(0.85),
    "fusion-linkdown": linkdown(0.5),
    "fusion-relative": llama_fusion("relative_score"),
    "fusion-distbased": llama_fusion("dist_based_score"),
    "fusion-window": window,
}
WINDOWED = {"fusion-window"}  # their passages are whole sections, judged as such


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="dev", choices=("dev", "test"))
    ap.parse_args()
    print(json.dumps({"candidates": list(CANDIDATES)}))


if __name__ == "__main__":
    main()
