"""Multi-stage retrieval through llama-index-shaped seams (mentor.nodes): BM25 and dense candidates, RRF fusion,
reranking."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from . import embeddings
from .errors import InputError
from .index import Index, tokenize
from .nodes import BaseNodePostprocessor, BaseRetriever, NodeWithScore, QueryBundle, TextNode

RRF_K = 60  # the constant from Cormack et al. (2009); also llama-index's reciprocal_rerank default
CANDIDATES = 30  # per retriever, before fusion
MODES = ("hybrid", "fusion", "dense", "bm25")
# Below both of these, the best hit is not about the question (calibrated on off-topic questions).
WEAK_DENSE = 0.30
WEAK_COVERAGE = 0.34
# Reranker weights: fused rank, question coverage of the body and of the heading path, dense similarity, and
# the evidence of the candidate's whole source (its week, or its file); DIVERSITY is the penalty per result
# already taken from the same source. Chosen by two-fold cross-validation on eval/retrieval (README).
W_RRF, W_BODY, W_HEAD, W_DENSE, W_SOURCE = 0.5, 0.2, 0.2, 0.0, 0.2
DIVERSITY = 0.5


def source_group(meta: dict) -> str:
    """What a result is 'from' for diversity: a curriculum week as a whole, otherwise its file."""
    if meta.get("week") and meta.get("root") == "corpus":
        return f"week:{meta['week']}"
    return f"{meta.get('root')}:{meta.get('source')}"


@dataclass
class Filters:
    kind: str | None = None
    week: int | None = None
    book: str | None = None

    def chroma_where(self) -> dict | None:
        clauses = [{k: v} for k, v in (("kind", self.kind), ("week", self.week), ("book", self.book)) if v]
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def allows(self, meta: dict) -> bool:
        return all(
            v is None or meta.get(k) == v for k, v in (("kind", self.kind), ("week", self.week), ("book", self.book))
        )

    @property
    def active(self) -> bool:
        return any((self.kind, self.week, self.book))


def _node(index: Index, chunk_id: str, score: float) -> NodeWithScore:
    chunk = index.chunks[chunk_id]
    return NodeWithScore(node=TextNode(id_=chunk_id, text=chunk.text, metadata=dict(chunk.meta)), score=score)


class SparseRetriever(BaseRetriever):
    """BM25 over the chunks (bm25s, stemmed, English stop words removed)."""

    def __init__(self, index: Index, k: int = CANDIDATES, filters: Filters | None = None):
        self.index, self.k, self.filters = index, k, filters or Filters()

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        allowed = None
        if self.filters.active:
            allowed = {cid for cid, c in self.index.chunks.items() if self.filters.allows(c.meta)}
        hits = self.index.bm25_search(query_bundle.query_str, self.k, allowed)
        return [_node(self.index, cid, s) for cid, s in hits]


class DenseRetriever(BaseRetriever):
    """Cosine similarity in Chroma with all-MiniLM-L6-v2 embeddings."""

    def __init__(self, index: Index, k: int = CANDIDATES, filters: Filters | None = None):
        self.index, self.k, self.filters = index, k, filters or Filters()

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        if query_bundle.embedding is None:
            query_bundle.embedding = embeddings.embed_one(query_bundle.query_str).tolist()
        vector = np.asarray(query_bundle.embedding, dtype=np.float32)
        hits = self.index.dense_search(vector, self.k, self.filters.chroma_where())
        return [_node(self.index, cid, s) for cid, s in hits]


class FusionRetriever(BaseRetriever):
    """Reciprocal rank fusion: score = sum over retrievers of 1 / (RRF_K + rank)."""

    def __init__(self, retrievers: dict[str, BaseRetriever], k: int = RRF_K):
        self.retrievers, self.rrf_k = retrievers, k

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        fused: dict[str, NodeWithScore] = {}
        scores: dict[str, float] = {}
        for name, retriever in self.retrievers.items():
            for rank, hit in enumerate(retriever.retrieve(query_bundle), start=1):
                cid = hit.node.node_id
                if cid not in fused:
                    fused[cid] = hit
                fused[cid].node.metadata[f"_{name}_score"] = hit.score
                fused[cid].node.metadata[f"_{name}_rank"] = rank
                scores[cid] = scores.get(cid, 0.0) + 1.0 / (self.rrf_k + rank)
        out = []
        for cid, hit in fused.items():
            hit.score = scores[cid]
            out.append(hit)
        out.sort(key=lambda h: -h.score)
        return out


class LexicalReranker(BaseNodePostprocessor):
    """Second stage that needs no model download: it re-scores fused candidates with evidence the first
    stage does not combine well: how much of the question's (idf-weighted) vocabulary the section and its
    heading path cover, the dense similarity, and the fused rank."""

    def __init__(self, index: Index, top_n: int = 10, boost_week: int | None = None):
        self._index, self.top_n, self.boost_week = index, top_n, boost_week

    def _postprocess_nodes(self, nodes: list[NodeWithScore], query_bundle: QueryBundle | None = None):
        if not nodes or query_bundle is None:
            return nodes[: self.top_n]
        q_terms = set(tokenize([query_bundle.query_str])[0])
        idf = self._index.idf
        q_weight = sum(idf.get(t, 0.0) for t in q_terms) or 1.0
        best_rrf = max(n.score or 0.0 for n in nodes) or 1.0
        group_evidence: dict[str, float] = {}
        for n in nodes:
            g = source_group(n.node.metadata)
            group_evidence[g] = group_evidence.get(g, 0.0) + (n.score or 0.0) / best_rrf
        best_group = max(group_evidence.values()) or 1.0
        for n in nodes:
            meta = n.node.metadata
            head_terms = self._index.terms(n.node.node_id, heading=True)
            body_terms = self._index.terms(n.node.node_id)
            cover_head = sum(idf.get(t, 0.0) for t in q_terms & head_terms) / q_weight
            cover_body = sum(idf.get(t, 0.0) for t in q_terms & body_terms) / q_weight
            dense = meta.get("_dense_score", 0.0)
            evidence = group_evidence[source_group(meta)] / best_group
            n.score = (W_RRF * (n.score or 0.0) / best_rrf + W_BODY * cover_body + W_HEAD * cover_head
                       + W_DENSE * dense + W_SOURCE * evidence)
            meta["_coverage"] = round(cover_body, 3)
            if self.boost_week and meta.get("week") == self.boost_week:
                n.score *= 1.05
        # greedy selection with a penalty per result already taken from the same source, so the top results
        # cover the sources that answer the question instead of five sections of one week
        remaining, chosen, taken = list(nodes), [], {}
        def penalised(n: NodeWithScore) -> float:
            return (n.score or 0.0) - DIVERSITY * taken.get(source_group(n.node.metadata), 0)

        while remaining and len(chosen) < self.top_n:
            best = max(remaining, key=penalised)
            remaining.remove(best)
            g = source_group(best.node.metadata)
            best.score = (best.score or 0.0) - DIVERSITY * taken.get(g, 0)
            taken[g] = taken.get(g, 0) + 1
            chosen.append(best)
        return chosen


class CrossEncoderReranker(BaseNodePostprocessor):
    """A sentence-transformers cross-encoder, when the learner has one installed (MENTOR_RERANKER=path)."""

    def __init__(self, top_n: int = 10, model_path: str = ""):
        self.top_n, self.model_path, self._model = top_n, model_path, None

    def _postprocess_nodes(self, nodes: list[NodeWithScore], query_bundle: QueryBundle | None = None):
        if not nodes or query_bundle is None:
            return nodes[: self.top_n]
        if self._model is None:
            from sentence_transformers import CrossEncoder

            self._model = CrossEncoder(self.model_path, device="cpu")
        scores = self._model.predict([(query_bundle.query_str, n.node.get_content()) for n in nodes])
        for n, s in zip(nodes, scores, strict=True):
            n.score = float(s)
        nodes.sort(key=lambda n: -(n.score or 0.0))
        return nodes[: self.top_n]


@dataclass
class Hit:
    rank: int
    score: float
    text: str
    meta: dict

    def as_dict(self) -> dict:
        m = self.meta
        return {
            "rank": self.rank,
            "score": round(self.score, 4),
            "text": self.text,
            "source": m.get("source"),
            "title": m.get("title"),
            "heading": m.get("heading") or None,
            "kind": m.get("kind"),
            "week": m.get("week"),
            "phase": m.get("phase"),
            "book": m.get("book"),
            "paper": m.get("paper"),
        }

    @property
    def id(self) -> str:
        return f"{self.meta.get('root')}:{self.meta.get('source')}"


@dataclass
class SearchResult:
    query: str
    hits: list[Hit]
    weak: bool
    mode: str
    timings_ms: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        if not self.hits:
            return "Nothing in the material matches this question."
        if self.weak:
            return "The material does not seem to cover this well: the best passages are only loosely related."
        return ""


class Retriever:
    """The pipeline the app uses: candidates, fusion, rerank, and a verdict on whether the hits are weak."""

    def __init__(self, index: Index, reranker: str = "lexical"):
        self.index = index
        self.reranker = reranker

    def _postprocessor(self, top_n: int, boost_week: int | None) -> BaseNodePostprocessor | None:
        if self.reranker in ("", "none", "off"):
            return None
        if self.reranker == "lexical":
            return LexicalReranker(self.index, top_n=top_n, boost_week=boost_week)
        return CrossEncoderReranker(top_n=top_n, model_path=self.reranker)

    def search(self, query: str, k: int = 5, mode: str = "hybrid", filters: Filters | None = None,
               boost_week: int | None = None) -> SearchResult:
        query = " ".join(query.split())
        if not query:
            raise InputError("Type a question or some words to search for.")
        if mode not in MODES:
            raise InputError(f"Search mode must be one of {', '.join(MODES)}.")
        if len(query) > 4000:
            query = query[:4000]
        filters = filters or Filters()
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        bundle = QueryBundle(query, embedding=embeddings.embed_one(query).tolist())
        timings["embed"] = (time.perf_counter() - t0) * 1000
        dense = DenseRetriever(self.index, CANDIDATES, filters)
        sparse = SparseRetriever(self.index, CANDIDATES, filters)
        t1 = time.perf_counter()
        if mode == "dense":
            nodes = dense.retrieve(bundle)
            for n in nodes:
                n.node.metadata["_dense_score"] = n.score
        elif mode == "bm25":
            nodes = sparse.retrieve(bundle)
        else:
            nodes = FusionRetriever({"dense": dense, "bm25": sparse}).retrieve(bundle)
        timings["retrieve"] = (time.perf_counter() - t1) * 1000
        weak = self._weak(query, nodes)
        if mode == "hybrid":
            t2 = time.perf_counter()
            post = self._postprocessor(max(k, 10), boost_week)
            if post is not None:
                nodes = post.postprocess_nodes(nodes, bundle)
            timings["rerank"] = (time.perf_counter() - t2) * 1000
        hits = [
            Hit(rank=i, score=float(n.score or 0.0), text=n.node.get_content(),
                meta={k_: v for k_, v in n.node.metadata.items() if not k_.startswith("_")})
            for i, n in enumerate(nodes[:k], start=1)
        ]
        timings["total"] = (time.perf_counter() - t0) * 1000
        return SearchResult(query=query, hits=hits, weak=weak, mode=mode, timings_ms=timings)

    def _weak(self, query: str, nodes: list[NodeWithScore]) -> bool:
        if not nodes:
            return True
        best_dense = max((n.node.metadata.get("_dense_score", 0.0) for n in nodes), default=0.0)
        q_terms = set(tokenize([query])[0])
        if not q_terms:
            return best_dense < WEAK_DENSE
        idf = self.index.idf
        q_weight = sum(idf.get(t, math.log(2)) for t in q_terms)
        best_cover = 0.0
        for n in nodes[:10]:
            terms = set(tokenize([n.node.get_content() + " " + n.node.metadata.get("heading", "")])[0])
            best_cover = max(best_cover, sum(idf.get(t, math.log(2)) for t in q_terms & terms) / q_weight)
        return best_dense < WEAK_DENSE and best_cover < WEAK_COVERAGE
