"""Evaluation: retrieval quality and latency against baselines, and the routing cost report."""

from __future__ import annotations

import json
import math
import statistics
import time
from pathlib import Path

from .config import REPO_ROOT

EVAL_DIR = REPO_ROOT / "eval"
SYSTEMS = ("bm25", "dense", "llama-index vector", "fusion (RRF)", "full pipeline")


def load_questions(folder: Path | str | None = None) -> list[dict]:
    folder = Path(folder) if folder else EVAL_DIR / "retrieval"
    out = []
    for path in sorted(folder.glob("*.jsonl")):
        for n, line in enumerate(path.read_text().splitlines(), start=1):
            if line.strip():
                q = json.loads(line)
                q["origin"] = f"{path.name}:{n}"
                out.append(q)
    return out


def keys_of(meta: dict) -> set[str]:
    """The relevance keys a retrieved chunk satisfies: week:N, book:<book>/<stem>, paper:<id>."""
    keys = set()
    if meta.get("week") and meta.get("root") == "corpus":
        keys.add(f"week:{meta['week']}")
    src = str(meta.get("source", ""))
    if meta.get("book") and src.startswith("books/"):
        keys.add(f"book:{src[len('books/'):-3]}")
    if meta.get("paper"):
        keys.add(f"paper:{meta['paper']}")
    return keys


def score(ranked: list[dict], relevant: list[str]) -> dict:
    rel = set(relevant)
    seen: set[str] = set()
    dcg, first = 0.0, None
    for i, meta in enumerate(ranked[:10], start=1):
        match = keys_of(meta) & rel
        if match and first is None:
            first = i
        if i <= 5 and match - seen:
            dcg += 1 / math.log2(i + 1)
            seen |= match
    ideal = sum(1 / math.log2(i + 1) for i in range(1, min(len(rel), 5) + 1))
    return {"recall@5": 1.0 if first and first <= 5 else 0.0, "mrr@10": 1 / first if first else 0.0,
            "ndcg@5": dcg / ideal if ideal else 0.0}


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, math.ceil(q * len(values)) - 1))]


def _llama_vector_retriever(index):
    """llama-index's default VectorStoreIndex retriever over the same chunks and embeddings."""
    from llama_index.core import VectorStoreIndex
    from llama_index.core.embeddings import BaseEmbedding
    from llama_index.core.schema import TextNode

    from . import embeddings

    class MiniLM(BaseEmbedding):
        def _get_query_embedding(self, query: str) -> list[float]:
            return embeddings.embed_one(query).tolist()

        def _get_text_embedding(self, text: str) -> list[float]:
            return embeddings.embed_one(text).tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

    stored = index.collection.get(include=["embeddings"])
    vectors = dict(zip(stored["ids"], stored["embeddings"], strict=True))
    nodes = [TextNode(id_=c.id, text=c.text, metadata=dict(c.meta), embedding=list(map(float, vectors[c.id])))
             for c in index.chunks.values() if c.id in vectors]
    vindex = VectorStoreIndex(nodes, embed_model=MiniLM(model_name="all-MiniLM-L6-v2"))
    return vindex.as_retriever(similarity_top_k=10)


def evaluate(mentor, questions_dir: str | None = None) -> dict:
    """Run every system over the evaluation set in one process; figures and ratios to the best baseline."""
    questions = load_questions(questions_dir)
    retriever = mentor.retriever
    llama = _llama_vector_retriever(mentor.index)
    for q in questions[:3]:  # warm up the model and caches so latency is the steady state
        retriever.search(q["question"])
    runs = {
        "bm25": lambda q: [h.meta for h in retriever.search(q, k=10, mode="bm25").hits],
        "dense": lambda q: [h.meta for h in retriever.search(q, k=10, mode="dense").hits],
        "llama-index vector": lambda q: [n.node.metadata for n in llama.retrieve(q)],
        "fusion (RRF)": lambda q: [h.meta for h in retriever.search(q, k=10, mode="fusion").hits],
        "full pipeline": lambda q: [h.meta for h in retriever.search(q, k=10, mode="hybrid").hits],
    }
    results = {}
    for name, run in runs.items():
        per_q, lat = [], []
        for q in questions:
            t = time.perf_counter()
            ranked = run(q["question"])
            lat.append((time.perf_counter() - t) * 1000)
            per_q.append(score(ranked, q["relevant"]))
        results[name] = {
            "recall@5": round(statistics.mean(s["recall@5"] for s in per_q), 3),
            "mrr@10": round(statistics.mean(s["mrr@10"] for s in per_q), 3),
            "ndcg@5": round(statistics.mean(s["ndcg@5"] for s in per_q), 3),
            "p50_ms": round(_pct(lat, 0.5), 1),
            "p95_ms": round(_pct(lat, 0.95), 1),
        }
    baselines = ("bm25", "dense", "llama-index vector")
    best = {m: max(results[b][m] for b in baselines) for m in ("recall@5", "mrr@10", "ndcg@5")}
    for r in results.values():
        r["ratio_to_best_baseline"] = {m: round(r[m] / best[m], 3) if best[m] else None for m in best}
    return {"questions": len(questions), "chunks": len(mentor.index.chunks), "rrf_k": 60,
            "reranker": mentor.config.reranker, "systems": results}


def format_table(report: dict) -> str:
    lines = [f"{report['questions']} questions, {report['chunks']} chunks, RRF k={report['rrf_k']}, "
             f"reranker={report['reranker']}", "",
             "| system | recall@5 | MRR@10 | nDCG@5 | p50 ms | p95 ms | nDCG@5 vs best baseline |",
             "|---|---|---|---|---|---|---|"]
    for name, r in report["systems"].items():
        lines.append(f"| {name} | {r['recall@5']:.3f} | {r['mrr@10']:.3f} | {r['ndcg@5']:.3f} | {r['p50_ms']:.1f} | "
                     f"{r['p95_ms']:.1f} | {r['ratio_to_best_baseline']['ndcg@5']:.2f}x |")
    return "\n".join(lines)


# routing ---------------------------------------------------------------------------------------
def _replay(items: list[dict], cfg) -> dict:
    from .router import Router, price

    router = Router(cfg)
    routed = strong = 0.0
    rows, violations, counts = [], [], {}
    for it in items:
        d = router.route(it["task"], it["text"])
        first = d.chain[0]
        tin, tout = it["tokens_in"], it["tokens_out"]
        c_routed = price(first.model, tin, tout) if first.provider == "anthropic" else 0.0
        c_strong = price(cfg.strong_model, tin, tout)
        routed += c_routed
        strong += c_strong
        if (it["task"] == "review" or it.get("multi_part_design")) and first.name != "strong":
            violations.append(it["text"][:80])
        counts[first.name] = counts.get(first.name, 0) + 1
        rows.append({"task": it["task"], "route": first.name, "complexity": d.complexity, "reason": d.reason,
                     "cost_routed": round(c_routed, 5), "cost_strong": round(c_strong, 5), "text": it["text"][:70]})
    return {"routed_cost_usd": round(routed, 4), "all_strong_cost_usd": round(strong, 4),
            "ratio": round(routed / strong, 3) if strong else None, "routes": counts,
            "strong_required_but_not_routed": violations, "rows": rows}


def route_report(mentor, workload: str | None = None) -> dict:
    """Replay the reference workload through the router (no model is called) and price both policies.

    Two set-ups are priced: a cloud key plus a local server, and a cloud key alone."""
    from .config import Config

    path = Path(workload) if workload else EVAL_DIR / "route_workload.jsonl"
    items = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    c = mentor.config
    base = {"MENTOR_HOME": str(c.home), "ANTHROPIC_API_KEY": "report-only", "MENTOR_STRONG_MODEL": c.strong_model,
            "MENTOR_CHEAP_MODEL": c.cheap_model}
    with_local = Config.from_env({**base, "MENTOR_LOCAL_BASE_URL": "http://127.0.0.1:1", "MENTOR_LOCAL_MODEL": "local"})
    mix: dict[str, int] = {}
    for it in items:
        kind = it["task"] + (" (multi-part design)" if it.get("multi_part_design") else "")
        mix[kind] = mix.get(kind, 0) + 1
    return {"requests": len(items), "mix": mix, "cloud_and_local": _replay(items, with_local),
            "cloud_only": _replay(items, Config.from_env(base))}


def format_route_report(r: dict) -> str:
    lines = [f"{r['requests']} requests: " + ", ".join(f"{n} {k}" for k, n in r["mix"].items())]
    for name in ("cloud_and_local", "cloud_only"):
        s = r[name]
        lines += [f"{name.replace('_', ' ')}: routes {s['routes']}; routed ${s['routed_cost_usd']:.4f} vs all-strong "
                  f"${s['all_strong_cost_usd']:.4f} = {s['ratio']:.1%}; reviews and multi-part design questions "
                  f"not on the strong model: {len(s['strong_required_but_not_routed'])}"]
        lines += [f"  - {t}" for t in s["strong_required_but_not_routed"]]
    return "\n".join(lines)
