"""The retrieval pipeline's seams in plain code: a query, scored nodes, retrievers and postprocessors.

They keep llama-index's shapes (`QueryBundle`, `NodeWithScore`, `BaseRetriever._retrieve`,
`BaseNodePostprocessor._postprocess_nodes`) without importing its package, which alone takes longer (about
1.5 s) than a whole cold `mentor search` may (scripts/bench_cli.py). llama-index stays where it is used: the
`VectorStoreIndex` baseline of `mentor eval`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field


@dataclass
class QueryBundle:
    query_str: str
    embedding: list[float] | None = None


@dataclass
class TextNode:
    id_: str
    text: str
    metadata: dict = field(default_factory=dict)

    @property
    def node_id(self) -> str:
        return self.id_

    def get_content(self) -> str:
        return self.text


@dataclass
class NodeWithScore:
    node: TextNode
    score: float | None = None


class BaseRetriever(ABC):
    """Candidates for a query; subclasses implement `_retrieve`."""

    def retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        return self._retrieve(query_bundle)

    @abstractmethod
    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]: ...


class BaseNodePostprocessor(ABC):
    """A later stage over the candidates (a reranker); subclasses implement `_postprocess_nodes`."""

    def postprocess_nodes(self, nodes: list[NodeWithScore], query_bundle: QueryBundle | None = None):
        return self._postprocess_nodes(nodes, query_bundle)

    @abstractmethod
    def _postprocess_nodes(self, nodes: list[NodeWithScore], query_bundle: QueryBundle | None = None): ...
