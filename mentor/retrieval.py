"""Retrieval through llama-index's parts: BM25 and dense candidates, reciprocal rank fusion (QueryFusionRetriever),
an optional cross-encoder, and the "not covered" verdict on what was found."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from llama_index.core.llms import MockLLM
from llama_index.core.postprocessor import SentenceTransformerRerank
from llama_index.core.postprocessor.types import BaseNodePostprocessor
from llama_index.core.retrievers import BaseRetriever, QueryFusionRetriever
from llama_index.core.retrievers.fusion_retriever import FUSION_MODES
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from . import embeddings
from .errors import InputError
from .generation import Generation
from .index import Index, tokenize

CANDIDATES = 30  # per retriever, before fusion
MODES = ("hybrid", "fusion", "dense", "bm25")  # hybrid: the default pipeline
# "Not covered": a logistic model on the best dense similarity and the question's term coverage, fitted on the
# dev on-topic and off-topic questions by scripts/tune_coverage.py (intercept, weights); P(covered) < 0.5 flags.
COVERAGE_MODEL = (-6.90, 12.58, 5.97)
NEAREST = 3  # topics offered when the material does not cover the question


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


def _node(index: Generation, chunk_id: str, score: float) -> NodeWithScore:
    chunk = index.chunks[chunk_id]
    return NodeWithScore(node=TextNode(id_=chunk_id, text=chunk.text, metadata=dict(chunk.meta)), score=score)


class SparseRetriever(BaseRetriever):
    """BM25 over the chunks (bm25s, stemmed, English stop words removed); searches once per instance."""

    def __init__(self, index: Generation, k: int = CANDIDATES, filters: Filters | None = None):
        super().__init__()
        self.index, self.k, self.filters = index, k, filters or Filters()
        self.hits: list[tuple[str, float]] | None = None

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        if self.hits is None:
            allowed = None
            if self.filters.active:
                allowed = {cid for cid, c in self.index.chunks.items() if self.filters.allows(c.meta)}
            self.hits = self.index.bm25_search(query_bundle.query_str, self.k, allowed)
        return [_node(self.index, cid, s) for cid, s in self.hits]


class DenseRetriever(BaseRetriever):
    """Cosine similarity in Chroma with all-MiniLM-L6-v2 embeddings; searches once per instance."""

    def __init__(self, index: Generation, k: int = CANDIDATES, filters: Filters | None = None):
        super().__init__()
        self.index, self.k, self.filters = index, k, filters or Filters()
        self.hits: list[tuple[str, float]] | None = None

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        if self.hits is None:
            if query_bundle.embedding is None:
                query_bundle.embedding = embeddings.embed_one(query_bundle.query_str).tolist()
            vector = np.asarray(query_bundle.embedding, dtype=np.float32)
            self.hits = self.index.dense_search(vector, self.k, self.filters.chroma_where())
        return [_node(self.index, cid, s) for cid, s in self.hits]


def fusion(dense: BaseRetriever, sparse: BaseRetriever, top_k: int = 2 * CANDIDATES) -> QueryFusionRetriever:
    """llama-index's reciprocal rank fusion (k = 60, Cormack et al. 2009) of the two candidate lists; one query,
    so no LLM writes variants (MockLLM keeps it from reaching for the OpenAI default)."""
    return QueryFusionRetriever([dense, sparse], mode=FUSION_MODES.RECIPROCAL_RANK, llm=MockLLM(), num_queries=1,
                                similarity_top_k=top_k, use_async=False)


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

    @property
    def topic(self) -> str:
        """Where the passage sits in the course: 'Lesson title > Section'."""
        return " > ".join(p for p in (str(self.meta.get("title") or ""), self.meta.get("heading") or "") if p)


@dataclass(frozen=True)
class Coverage:
    """Whether the material covers the question, and the evidence the verdict was taken from."""

    covered: bool
    probability: float  # the fitted model's P(covered)
    best_dense: float  # cosine of the question to the nearest passage
    term_coverage: float  # idf-weighted share of the question's words found in one of the top passages
    nearest: tuple[str, ...] = ()  # the closest topics, offered when it is not covered

    def as_dict(self) -> dict:
        return {"covered": self.covered, "probability": round(self.probability, 3),
                "best_dense": round(self.best_dense, 3), "term_coverage": round(self.term_coverage, 3),
                "nearest": list(self.nearest)}


def coverage_probability(best_dense: float, term_coverage: float) -> float:
    b0, w_dense, w_terms = COVERAGE_MODEL
    return 1.0 / (1.0 + math.exp(-(b0 + w_dense * best_dense + w_terms * term_coverage)))


@dataclass
class SearchResult:
    query: str
    hits: list[Hit]
    coverage: Coverage
    mode: str
    timings_ms: dict = field(default_factory=dict)

    @property
    def covered(self) -> bool:
        return self.coverage.covered and bool(self.hits)

    @property
    def weak(self) -> bool:
        return not self.covered

    @property
    def nearest(self) -> list[str]:
        return list(self.coverage.nearest)

    @property
    def message(self) -> str:
        if not self.hits:
            return "Nothing in the material matches this question."
        if not self.covered:
            near = "; ".join(self.coverage.nearest)
            return f"The course material does not seem to cover this; the nearest topics are: {near}."
        return ""


class Retriever:
    """The pipeline the app uses: candidates, fusion, an optional cross-encoder, and the coverage verdict."""

    def __init__(self, index: Index, reranker: str = ""):
        self.index = index
        self.reranker = "" if reranker in ("none", "off") else reranker
        self._cross: BaseNodePostprocessor | None = None

    def _postprocessor(self) -> BaseNodePostprocessor | None:
        if not self.reranker:
            return None
        if self._cross is None:  # loading the model is the slow part: once per process
            if not Path(self.reranker).is_dir():  # a name would make sentence-transformers try the hub
                raise InputError(f"MENTOR_RERANKER must be the folder of an installed cross-encoder: {self.reranker}")
            self._cross = SentenceTransformerRerank(model=self.reranker, top_n=10, device="cpu")
        return self._cross

    def search(self, query: str, k: int = 5, mode: str = "hybrid", filters: Filters | None = None,
               boost_week: int | None = None) -> SearchResult:
        with self.index.reading() as generation:  # one search reads one generation, even across a swap
            return self._search(generation, query, k, mode, filters, boost_week)

    def _search(self, index: Generation, query: str, k: int, mode: str, filters: Filters | None,
                boost_week: int | None) -> SearchResult:
        query = " ".join(query.split())
        if not query:
            raise InputError("Type a question or some words to search for.")
        if mode not in MODES:
            raise InputError(f"Search mode must be one of {', '.join(MODES)}.")
        query = query[:4000]
        filters = filters or Filters()
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        bundle = QueryBundle(query, embedding=embeddings.embed_one(query).tolist())
        timings["embed"] = (time.perf_counter() - t0) * 1000
        dense = DenseRetriever(index, CANDIDATES, filters)
        sparse = SparseRetriever(index, CANDIDATES, filters)
        t1 = time.perf_counter()
        dense_nodes = dense.retrieve(bundle)
        timings["dense"] = (time.perf_counter() - t1) * 1000
        if mode == "dense":
            nodes = dense_nodes
        else:
            t = time.perf_counter()
            sparse_nodes = sparse.retrieve(bundle)  # each retriever searches once; fusion reuses both lists
            timings["bm25"] = (time.perf_counter() - t) * 1000
            nodes = sparse_nodes
            if mode != "bm25":
                t = time.perf_counter()
                nodes = fusion(dense, sparse).retrieve(bundle)
                timings["fuse"] = (time.perf_counter() - t) * 1000
        timings["retrieve"] = (time.perf_counter() - t1) * 1000
        if mode == "hybrid":
            t2 = time.perf_counter()
            nodes = self._default_stage(nodes, bundle, boost_week)
            timings["rerank"] = (time.perf_counter() - t2) * 1000
        hits = [Hit(rank=i, score=float(n.score or 0.0), text=n.node.get_content(), meta=dict(n.node.metadata))
                for i, n in enumerate(nodes[:k], start=1)]
        coverage = self.coverage(index, query, dense_nodes, nodes)
        timings["total"] = (time.perf_counter() - t0) * 1000
        return SearchResult(query=query, hits=hits, coverage=coverage, mode=mode, timings_ms=timings)

    def _default_stage(self, nodes: list[NodeWithScore], bundle: QueryBundle, boost_week: int | None):
        post = self._postprocessor()
        if post is not None:
            return post.postprocess_nodes(nodes[:CANDIDATES], bundle)
        if boost_week:  # equal fused scores (one list each, same rank) are frequent: the learner's week goes first
            nodes.sort(key=lambda n: (-(n.score or 0.0), n.node.metadata.get("week") != boost_week))
        return nodes

    def coverage(self, index: Generation, query: str, dense_nodes: list[NodeWithScore],
                 nodes: list[NodeWithScore]) -> Coverage:
        best_dense = max((n.score or 0.0 for n in dense_nodes), default=0.0)
        terms = set(tokenize([query])[0])
        n_chunks = max(1, len(index.chunks))
        unseen = math.log(1 + (n_chunks + 0.5) / 0.5)  # BM25's idf of a word no passage contains

        def weight(ts: set[str]) -> float:
            return sum(index.idf.get(t, unseen) for t in ts)

        total = weight(terms)
        best_cover = 0.0
        for n in nodes[:10]:
            found = terms & (index.terms(n.node.node_id) | index.terms(n.node.node_id, heading=True))
            best_cover = max(best_cover, weight(found) / total if total else 0.0)
        p = coverage_probability(best_dense, best_cover)
        nearest: list[str] = []
        for n in nodes:
            hit = Hit(rank=0, score=0.0, text="", meta=n.node.metadata)
            if hit.topic and hit.topic not in nearest:
                nearest.append(hit.topic)
            if len(nearest) == NEAREST:
                break
        return Coverage(covered=p >= 0.5, probability=p, best_dense=best_dense, term_coverage=best_cover,
                        nearest=tuple(nearest))
