"""Wiring: `build_mentor(config)` builds every part explicitly; the UI and the CLI both use it."""

from __future__ import annotations

import hashlib
from datetime import date
from functools import cached_property

from .config import Config
from .logs import configure_logging
from .store import Store
from .tracing import Telemetry


class Mentor:
    """The services of the app, built once per process (the index and the model load lazily)."""

    def __init__(self, config: Config, telemetry: Telemetry | None = None):
        self.config = config
        self.store = Store(config.db_path)
        configure_logging(config.log_dir, config.log_level)
        self.telemetry = telemetry or Telemetry(self.store, otlp_endpoint=config.otlp_endpoint,
                                                trace_content=config.trace_content)
        self._index = None
        self.redactor = None
        if config.redact:
            from .privacy import Redactor

            self.redactor = Redactor()
        self.cache = None
        if config.cache:
            from .cache import SemanticCache

            self.cache = SemanticCache(self.store)

    @property
    def index(self):
        if self._index is None:
            from .index import Index

            self._index = Index(self.config, self.store).open()
        return self._index

    @cached_property
    def retriever(self):
        from .retrieval import Retriever

        return Retriever(self.index, reranker=self.config.reranker)

    @cached_property
    def router(self):
        from .router import Router

        return Router(self.config, spent_this_month=self.store.month_cost)

    @cached_property
    def chat(self):
        from .chat import ChatService

        return ChatService(self)

    def warm(self) -> None:
        """Load the slow parts (embedding model, redaction engines) ahead of the first question."""
        from . import embeddings

        embeddings.embed(["warm up"])
        if self.redactor is not None and self.config.anthropic_api_key:
            self.redactor.warm()

    def corpus_version(self) -> str:
        """Changes whenever a corpus or notes file changes (reflections do not count)."""
        items = sorted((k, v["hash"]) for k, v in self.index.manifest.items() if not k.startswith("reflections:"))
        return hashlib.sha256(repr(items).encode()).hexdigest()[:12]

    def current_week(self) -> int:
        start = self.store.setting("start_date")
        if start:
            try:
                days = (date.today() - date.fromisoformat(start)).days
                return max(1, min(20, days // 7 + 1))
            except ValueError:
                pass
        return 1


def build_mentor(config: Config | None = None) -> Mentor:
    return Mentor(config or Config.from_env())
