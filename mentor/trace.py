"""Per-answer traces: every stage of a flow runs inside `trace.stage(name)`, which times it and keeps its data.

    trace = Trace()
    with trace.stage("retrieve", query=q) as data:
        result = retriever.search(q)
        data["hits"] = len(result.hits)
    store_traces(trace.spans)

This is the one place a stage starts and ends, so it is where an OpenTelemetry span would be opened.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Span:
    name: str
    ms: float
    data: dict = field(default_factory=dict)


@dataclass
class Trace:
    spans: list[Span] = field(default_factory=list)
    started: float = field(default_factory=time.perf_counter)

    @contextmanager
    def stage(self, name: str, **data) -> Iterator[dict]:
        """Time the block; the yielded dict is stored with the span (an exception is recorded too)."""
        t = time.perf_counter()
        try:
            yield data
        except Exception as exc:
            data.setdefault("error", f"{type(exc).__name__}: {exc}")
            raise
        finally:
            self.spans.append(Span(name, (time.perf_counter() - t) * 1000, data))

    def elapsed_ms(self) -> float:
        return (time.perf_counter() - self.started) * 1000
