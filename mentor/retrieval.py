"""Retrieval: BM25 and dense candidates, reciprocal rank fusion, an optional cross-encoder (llama-index's
SentenceTransformerRerank), and the "not covered" verdict on what was found.

Fusion is llama-index's QueryFusionRetriever in reciprocal-rank mode, computed here in a few lines rather than
through the framework: importing llama-index-core costs about a second, more than the whole search budget of a
cold `mentor search`. tests/test_retrieval.py checks that the rankings equal llama-index's on real questions.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import embeddings
from .errors import InputError
from .extracts import defined_term
from .generation import Generation
from .index import Index, tokenize

CANDIDATES = 30  # per retriever, before fusion
RRF_K = 60.0  # Cormack et al. 2009, and llama-index's constant
MODES = ("hybrid", "fusion", "dense", "bm25")  # hybrid: the default pipeline
# "Not covered": a logistic model on the best dense similarity and the question's term coverage, fitted on the
# dev on-topic and off-topic questions by scripts/tune_coverage.py (intercept, weights); P(covered) < 0.5 flags.
COVERAGE_MODEL = (-6.90, 12.58, 5.97)
NEAREST = 3  # topics offered when the material does not cover the question

Ranked = list[tuple[str, float]]  # (chunk id, score), best first


@dataclass
class Filters:
    kind: str | None = None
    week: int | None = None
    book: str | None = None

    def allows(self, meta: dict) -> bool:
        return all(
            v is None or meta.get(k) == v for k, v in (("kind", self.kind), ("week", self.week), ("book", self.book))
        )

    @property
    def active(self) -> bool:
        return any((self.kind, self.week, self.book))

    def allowed(self, index: Generation) -> set[str] | None:
        """The chunk ids these filters let through, or None for all."""
        if not self.active:
            return None
        return {cid for cid, c in index.chunks.items() if self.allows(c.meta)}


def reciprocal_rank_fusion(*lists: Ranked, top_k: int = 2 * CANDIDATES) -> Ranked:
    """Reciprocal rank fusion as llama-index's QueryFusionRetriever computes it: each list sorted by score,
    1 / (rank + 60) summed per chunk, ties kept in first-seen order (earlier lists first)."""
    fused: dict[str, float] = {}
    for ranked in lists:
        for rank, (cid, _) in enumerate(sorted(ranked, key=lambda x: x[1], reverse=True)):
            fused[cid] = fused.get(cid, 0.0) + 1.0 / (rank + RRF_K)
    return sorted(fused.items(), key=lambda x: x[1], reverse=True)[:top_k]


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


def _names(term: str, text: str) -> bool:
    """Whether the text uses the term as a word or phrase of its own (case-insensitive; "RAG" not in "fragment")."""
    return re.search(r"(?<![\w-])" + re.escape(term) + r"(?![\w-])", text, re.I) is not None


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
        self._cross = None

    def _postprocessor(self):
        """llama-index's SentenceTransformerRerank over an installed cross-encoder, loaded once per process."""
        if self._cross is None:
            if not Path(self.reranker).is_dir():  # a name would make sentence-transformers try the hub
                raise InputError(f"MENTOR_RERANKER must be the folder of an installed cross-encoder: {self.reranker}")
            from llama_index.core.postprocessor import SentenceTransformerRerank

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
        allowed = (filters or Filters()).allowed(index)
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        vector = embeddings.embed_one(query)
        timings["embed"] = (time.perf_counter() - t0) * 1000
        t1 = time.perf_counter()
        dense = index.dense_search(vector, CANDIDATES, allowed)
        timings["dense"] = (time.perf_counter() - t1) * 1000
        ranked = dense
        if mode != "dense":
            t = time.perf_counter()
            sparse = index.bm25_search(query, CANDIDATES, allowed)
            timings["bm25"] = (time.perf_counter() - t) * 1000
            ranked = sparse
            if mode != "bm25":
                t = time.perf_counter()
                ranked = reciprocal_rank_fusion(dense, sparse)
                timings["fuse"] = (time.perf_counter() - t) * 1000
        timings["retrieve"] = (time.perf_counter() - t1) * 1000
        if mode == "hybrid":
            t2 = time.perf_counter()
            ranked = self._default_stage(index, ranked, query, boost_week)
            timings["rerank"] = (time.perf_counter() - t2) * 1000
        hits = [Hit(rank=i, score=score, text=index.chunks[cid].text, meta=dict(index.chunks[cid].meta))
                for i, (cid, score) in enumerate(ranked[:k], start=1)]
        coverage = self.coverage(index, query, dense, ranked)
        timings["total"] = (time.perf_counter() - t0) * 1000
        return SearchResult(query=query, hits=hits, coverage=coverage, mode=mode, timings_ms=timings)

    def _default_stage(self, index: Generation, ranked: Ranked, query: str, boost_week: int | None) -> Ranked:
        if self.reranker:
            return self._cross_encode(index, ranked[:CANDIDATES], query)
        if boost_week:  # equal fused scores (one list each, same rank) are frequent: the learner's week goes first
            ranked = sorted(ranked, key=lambda h: (-h[1], index.chunks[h[0]].meta.get("week") != boost_week))
        return ranked

    def _cross_encode(self, index: Generation, ranked: Ranked, query: str) -> Ranked:
        from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

        post = self._postprocessor()
        nodes = [NodeWithScore(node=TextNode(id_=cid, text=c.text, metadata=dict(c.meta)), score=score)
                 for cid, score in ranked for c in [index.chunks[cid]]]
        return [(n.node.node_id, float(n.score or 0.0)) for n in post.postprocess_nodes(nodes, QueryBundle(query))]

    def coverage(self, index: Generation, query: str, dense: Ranked, ranked: Ranked) -> Coverage:
        best_dense = max((score for _, score in dense), default=0.0)
        terms = set(tokenize([query])[0])
        n_chunks = max(1, len(index.chunks))
        unseen = math.log(1 + (n_chunks + 0.5) / 0.5)  # BM25's idf of a word no passage contains

        def weight(ts: set[str]) -> float:
            return sum(index.idf.get(t, unseen) for t in ts)

        total = weight(terms)
        best_cover = 0.0
        for cid, _ in ranked[:10]:
            found = terms & (index.terms(cid) | index.terms(cid, heading=True))
            best_cover = max(best_cover, weight(found) / total if total else 0.0)
        p = coverage_probability(best_dense, best_cover)
        # "what is X?" / "what does X stand for?": a passage that names X answers it, however short the question
        # (one rare word, an acronym the embedding model does not know, gives the fitted model little to go on)
        term = defined_term(query)
        named = bool(term) and any(_names(term, index.chunks[cid].text) for cid, _ in ranked[:10])
        nearest: list[str] = []
        for cid, _ in ranked:
            topic = Hit(rank=0, score=0.0, text="", meta=index.chunks[cid].meta).topic
            if topic and topic not in nearest:
                nearest.append(topic)
            if len(nearest) == NEAREST:
                break
        return Coverage(covered=p >= 0.5 or named, probability=p, best_dense=best_dense, term_coverage=best_cover,
                        nearest=tuple(nearest))
