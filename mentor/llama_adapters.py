"""Our BM25 and dense searches as llama-index retrievers: for the tuning script's candidates (other fusion
modes, windows) and for the test that checks `retrieval.reciprocal_rank_fusion` against llama-index's own
QueryFusionRetriever. The query path does not import this module (llama-index-core takes a second to import)."""

from __future__ import annotations

import numpy as np
from llama_index.core.llms import MockLLM
from llama_index.core.retrievers import BaseRetriever, QueryFusionRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from . import embeddings
from .generation import Generation
from .retrieval import CANDIDATES


def node(index: Generation, chunk_id: str, score: float) -> NodeWithScore:
    chunk = index.chunks[chunk_id]
    return NodeWithScore(node=TextNode(id_=chunk_id, text=chunk.text, metadata=dict(chunk.meta)), score=score)


class _Candidates(BaseRetriever):
    """One of our searches as a retriever; searches once per instance (`hits` keeps the list)."""

    def __init__(self, index: Generation, k: int = CANDIDATES, allowed: set[str] | None = None):
        super().__init__()
        self.index, self.k, self.allowed = index, k, allowed
        self.hits: list[tuple[str, float]] | None = None

    def _search(self, query_bundle: QueryBundle) -> list[tuple[str, float]]:
        raise NotImplementedError

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        if self.hits is None:
            self.hits = self._search(query_bundle)
        return [node(self.index, cid, s) for cid, s in self.hits]


class SparseRetriever(_Candidates):
    """BM25 over the chunks."""

    def _search(self, query_bundle: QueryBundle) -> list[tuple[str, float]]:
        return self.index.bm25_search(query_bundle.query_str, self.k, self.allowed)


class DenseRetriever(_Candidates):
    """Exact cosine over the generation's vectors."""

    def _search(self, query_bundle: QueryBundle) -> list[tuple[str, float]]:
        if query_bundle.embedding is None:
            query_bundle.embedding = embeddings.embed_one(query_bundle.query_str).tolist()
        return self.index.dense_search(np.asarray(query_bundle.embedding, dtype=np.float32), self.k, self.allowed)


def fusion(dense: BaseRetriever, sparse: BaseRetriever, top_k: int = 2 * CANDIDATES,
           mode: str = "reciprocal_rerank") -> QueryFusionRetriever:
    """llama-index's fusion of the two lists; one query, so no LLM writes variants (MockLLM keeps it from
    reaching for the OpenAI default)."""
    return QueryFusionRetriever([dense, sparse], mode=mode, llm=MockLLM(), num_queries=1, similarity_top_k=top_k,
                                use_async=False)
