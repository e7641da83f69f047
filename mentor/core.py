"""Wiring: `build_mentor(config)` builds every part explicitly; the UI and the CLI both use it."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from datetime import date
from functools import cached_property

from .config import Config
from .logs import configure_logging
from .store import Store
from .tracing import Telemetry


def current_week(start_date: str | None, done: set[str], weeks: dict, today: date | None = None) -> int:
    """The one rule: counted from the start date when there is one, else the first week with something left."""
    if start_date:
        try:
            days = ((today or date.today()) - date.fromisoformat(start_date)).days
            return max(1, min(20, days // 7 + 1))
        except ValueError:
            pass
    for n, week in weeks.items():
        if any(item.id not in done for item in week.items()):
            return n
    return max(weeks, default=1)


class Mentor:
    """The services of the app, built once per process (the index and the model load lazily)."""

    def __init__(self, config: Config, telemetry: Telemetry | None = None):
        self.config = config
        self.store = Store(config.db_path)
        configure_logging(config.log_dir, config.log_level)
        self.telemetry = telemetry or Telemetry(self.store, otlp_endpoint=config.otlp_endpoint,
                                                trace_content=config.trace_content)
        self._index = None
        self._index_lock = threading.Lock()
        self.redactor = None
        if config.redact:
            from .privacy import Redactor

            self.redactor = Redactor(corpus_dir=config.corpus_dir)
        self.cache = None
        if config.cache:
            from .cache import SemanticCache

            self.cache = SemanticCache(self.store)

    def open_index(self, progress: Callable[[int, int, str], None] | None = None):
        """The one Index of this process: the first caller opens (or builds) it, concurrent callers wait."""
        with self._index_lock:
            if self._index is None:
                from . import embeddings
                from .index import Index

                embeddings.warm_up()  # every use of the index embeds a question: load the model meanwhile
                self._index = Index(self.config, self.store).open(progress=progress)
        return self._index

    @property
    def index(self):
        return self._index if self._index is not None else self.open_index()

    @property
    def index_open(self) -> bool:
        """Whether the index is loaded (services that must never build one check this)."""
        return self._index is not None

    @cached_property
    def retriever(self):
        from .retrieval import Retriever

        return Retriever(self.index, reranker=self.config.reranker)

    @cached_property
    def router(self):
        from .router import Router

        return Router(self.config, spent_this_month=self.store.month_cost)

    @cached_property
    def generator(self):
        from .generate import Generator

        return Generator(self.config, self.redactor, tokens_today=self.store.tokens_today)

    @cached_property
    def chat(self):
        from .chat import ChatService

        return ChatService(self.store, self.router, self.generator, retriever=lambda: self.retriever,
                           current_week=self.current_week, corpus_version=self.corpus_version, cache=self.cache,
                           telemetry=self.telemetry)

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

    def curriculum(self):
        """The course's 20 weeks, parsed once per corpus version and kept in MENTOR_HOME between processes."""
        from . import curriculum_cache

        return curriculum_cache.load(self.config.corpus_dir, self.config.home)

    def current_week(self, on: date | None = None) -> int:
        return current_week(self.store.setting("start_date"), self.store.done_items(), self.curriculum().weeks,
                            today=on)


def build_mentor(config: Config | None = None) -> Mentor:
    return Mentor(config or Config.from_env())
