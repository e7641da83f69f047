"""OpenTelemetry traces and metrics of every request: spans to our SQLite table always, to OTLP when configured.

    tel = Telemetry(store, otlp_endpoint="http://127.0.0.1:4318")
    with tel.trace("review", language="python") as tr:     # the root span; items become mentor.* attributes
        with tr.stage("analyse") as stage:                  # a child span around the block
            stage["findings"] = 3
            stage[tracing.INPUT_TOKENS] = 120               # dotted names are kept (GenAI conventions)

Spans carry counts, timings, routes and models, never the learner's text: keys in CONTENT_KEYS (query,
answer, ...) are dropped unless MENTOR_TRACE_CONTENT=1.
"""

from __future__ import annotations

import contextvars
import json
import logging
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

from opentelemetry import trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.semconv._incubating.attributes import gen_ai_attributes as gen_ai
from opentelemetry.trace import Status, StatusCode

from .logs import log_event

T = TypeVar("T")
SERVICE_NAME = "architect-mentor"
MAX_PENDING_TRACES = 256  # traces whose root never ended (an abandoned stream) are dropped past this

# the attribute names the services use, in one place (GenAI semantic conventions, then ours)
SYSTEM = gen_ai.GEN_AI_SYSTEM
OPERATION = gen_ai.GEN_AI_OPERATION_NAME
REQUEST_MODEL = gen_ai.GEN_AI_REQUEST_MODEL
RESPONSE_MODEL = gen_ai.GEN_AI_RESPONSE_MODEL
MAX_TOKENS = gen_ai.GEN_AI_REQUEST_MAX_TOKENS
INPUT_TOKENS = gen_ai.GEN_AI_USAGE_INPUT_TOKENS
OUTPUT_TOKENS = gen_ai.GEN_AI_USAGE_OUTPUT_TOKENS
CONVERSATION = gen_ai.GEN_AI_CONVERSATION_ID
COST = "mentor.cost_usd"
ROUTE = "mentor.route"
ROUTE_REASON = "mentor.route.reason"
CACHED = "mentor.cache.hit"
MESSAGE_ID = "mentor.message_id"
REDACTIONS = "mentor.redactions"  # flattened: mentor.redactions.EMAIL = 2

# keys whose values are the learner's or the course's text: attributes only with MENTOR_TRACE_CONTENT=1
CONTENT_KEYS = frozenset({"query", "question", "answer", "text", "passages", "prompt", "code", "advice"})

_CURRENT: contextvars.ContextVar[Span | None] = contextvars.ContextVar("mentor_trace", default=None)

GEN_AI_SYSTEMS = {"anthropic": "anthropic", "local": "openai", "offline": "mentor.offline"}


def gen_ai_attributes(provider: str, model: str, input_tokens: int = 0, output_tokens: int = 0) -> dict:
    """The GenAI semantic-convention attributes of one model call (`local` speaks the OpenAI protocol)."""
    return {SYSTEM: GEN_AI_SYSTEMS.get(provider, provider), OPERATION: "chat", REQUEST_MODEL: model,
            INPUT_TOKENS: int(input_tokens), OUTPUT_TOKENS: int(output_tokens)}


def _clean(attrs: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """OpenTelemetry attribute values: scalars or homogeneous lists; dicts flattened, None dropped."""
    out: dict[str, Any] = {}
    for key, value in attrs.items():
        name = f"{prefix}{key}"
        if value is None:
            continue
        if isinstance(value, Mapping):
            out.update(_clean(value, name + "."))
        elif isinstance(value, (str, bool, int, float)):
            out[name] = value
        elif isinstance(value, Sequence):
            items = [v for v in value if v is not None]
            if items and all(isinstance(v, int) and not isinstance(v, bool) for v in items):
                out[name] = items
            elif items and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in items):
                out[name] = [float(v) for v in items]
            else:
                out[name] = [str(v) for v in items]
        else:
            out[name] = str(value)
    return out


def span_row(span: ReadableSpan) -> dict:
    """One finished span as a row of the `spans` table."""
    attrs = {k: (list(v) if isinstance(v, tuple) else v) for k, v in (span.attributes or {}).items()}
    start, end = span.start_time or 0, span.end_time or span.start_time or 0
    status = span.status.status_code
    return {
        "span_id": f"{span.context.span_id:016x}",
        "trace_id": f"{span.context.trace_id:032x}",
        "parent_id": f"{span.parent.span_id:016x}" if span.parent else None,
        "name": span.name,
        "start": datetime.fromtimestamp(start / 1e9, UTC).isoformat(timespec="milliseconds"),
        "start_ns": start,
        "duration_ms": round((end - start) / 1e6, 3),
        "status": "error" if status is StatusCode.ERROR else "ok",
        "error": span.status.description or None,
        "attributes": json.dumps(attrs),
        "message_id": attrs.get(MESSAGE_ID),
    }


class SQLiteSpanExporter(SpanExporter):
    """Writes finished spans to the `spans` table of the app's own database."""

    def __init__(self, store):
        self.store = store

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        try:
            self.store.add_spans([span_row(s) for s in spans])
        except Exception:  # telemetry must never break an answer
            logging.getLogger("mentor.tracing").exception("could not store %d spans", len(spans))
            return SpanExportResult.FAILURE
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        pass


class TraceBatchProcessor(SpanProcessor):
    """Exports a trace's spans in one call when its root span ends: one transaction per answer, and the trace
    is readable as soon as the answer is (a BatchSpanProcessor would show it seconds later)."""

    def __init__(self, exporter: SpanExporter):
        self.exporter = exporter
        self._pending: dict[int, list[ReadableSpan]] = {}
        self._lock = threading.Lock()

    def on_start(self, span, parent_context=None) -> None:
        pass

    def on_end(self, span: ReadableSpan) -> None:
        with self._lock:
            batch = self._pending.setdefault(span.context.trace_id, [])
            batch.append(span)
            if span.parent is not None and not span.parent.is_remote:
                if len(self._pending) > MAX_PENDING_TRACES:
                    self._pending.pop(next(iter(self._pending)))
                return
            del self._pending[span.context.trace_id]
        self.exporter.export(batch)

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        with self._lock:
            batches, self._pending = list(self._pending.values()), {}
        for batch in batches:
            self.exporter.export(batch)
        return True

    def shutdown(self) -> None:
        self.force_flush()
        self.exporter.shutdown()


def attribute_name(key: str) -> str:
    """Dotted names (gen_ai.*, mentor.*) stay; a plain key from a stage's data becomes mentor.<key>."""
    return key if "." in key else f"mentor.{key}"


class Span(dict):
    """One stage's span. Set its attributes as dict items (they reach the span when it ends: learner text under
    CONTENT_KEYS only with MENTOR_TRACE_CONTENT=1); open child stages with `stage()`."""

    def __init__(self, telemetry: Telemetry, span: trace.Span, trace_id: str, data: Mapping[str, Any]):
        super().__init__(data)
        self.tel, self.span, self.trace_id = telemetry, span, trace_id

    def attributes(self) -> dict[str, Any]:
        data = {attribute_name(k): v for k, v in self.items()
                if self.tel.trace_content or k.rsplit(".", 1)[-1] not in CONTENT_KEYS}
        return _clean(data)

    def child(self, name: str, start_ns: int, end_ns: int, **data: Any) -> None:
        """A finished child span for a step timed elsewhere (the retriever's embed/fusion/rerank)."""
        ctx = trace.set_span_in_context(self.span)
        span = self.tel.tracer.start_span(name, context=ctx, start_time=start_ns,
                                          attributes=_clean({attribute_name(k): v for k, v in data.items()}))
        span.end(end_time=end_ns)
        self.tel.stage_ms.record((end_ns - start_ns) / 1e6, {"mentor.stage": name})

    def children_from_timings(self, timings_ms: Mapping[str, float], names: Mapping[str, str]) -> None:
        """Child spans, one after another, for steps a collaborator just timed itself (their "total" ends now)."""
        if not self.span.is_recording():  # tracing is off
            return
        total = timings_ms.get("total", sum(timings_ms.get(k, 0.0) for k in names))
        at = time.time_ns() - int(total * 1e6)
        for key, name in names.items():
            if key in timings_ms:
                end = at + int(timings_ms[key] * 1e6)
                self.child(name, at, end)
                at = end

    @contextmanager
    def stage(self, name: str, **data: Any) -> Iterator[Span]:
        """A child span around a block; an exception marks it failed and passes through."""
        ctx = trace.set_span_in_context(self.span)
        child = Span(self.tel, self.tel.tracer.start_span(name, context=ctx), self.trace_id, data)
        # nested code's current() is the child only when it was this span: a generator's stage (which may
        # be closed in another context) never moves the current span, `within()` does that item by item
        token = _CURRENT.set(child) if _CURRENT.get() is self else None
        t0 = time.perf_counter()
        try:
            yield child
        except BaseException as exc:
            _fail(child.span, exc)
            raise
        finally:
            if token is not None:
                _CURRENT.reset(token)
            child.span.set_attributes(child.attributes())
            child.span.end()
            self.tel.stage_ms.record((time.perf_counter() - t0) * 1000, {"mentor.stage": name})


def _fail(span: trace.Span, exc: BaseException) -> None:
    if isinstance(exc, GeneratorExit):  # the reader stopped the stream: not an error of ours
        span.set_attribute("mentor.cancelled", True)
        return
    span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
    span.set_attribute("error.type", type(exc).__name__)


def within(span: Span, items: Iterator[T]) -> Iterator[T]:
    """Iterate `items` with `span` as `current()` while each item is produced, and not while the consumer holds
    it: a generator's stages nest under `span` without the context leaking across its yields."""
    items = iter(items)
    while True:
        token = _CURRENT.set(span)
        try:
            item = next(items)
        except StopIteration:
            return
        finally:
            _CURRENT.reset(token)
        yield item


class Trace(Span):
    """A request's root span (ask, review, plan, quiz, hint); stages are its children."""

    def __init__(self, telemetry: Telemetry, span: trace.Span, operation: str, data: Mapping[str, Any]):
        ctx = span.get_span_context()
        super().__init__(telemetry, span, f"{ctx.trace_id:032x}" if ctx.is_valid else "", data)
        self.operation = operation
        self._t0 = time.perf_counter()
        self._ended = False

    def elapsed_ms(self) -> float:
        return (time.perf_counter() - self._t0) * 1000

    def log(self, level: int, message: str, **fields: Any) -> None:
        log_event(level, message, trace_id=self.trace_id, operation=self.operation, **fields)

    def end(self, exc: BaseException | None = None) -> None:
        """End the root span once, record the request's metrics and write its log line."""
        if self._ended:
            return
        self._ended = True
        if exc is not None:
            _fail(self.span, exc)
        attrs = self.attributes()
        self.span.set_attributes(attrs)
        self.span.end()
        ms = (time.perf_counter() - self._t0) * 1000
        failed = exc is not None and not isinstance(exc, GeneratorExit)
        self.tel.record(self.operation, attrs, ms, failed=failed)
        keep = (ROUTE, REQUEST_MODEL, INPUT_TOKENS, OUTPUT_TOKENS, COST, CACHED, MESSAGE_ID)
        self.log(logging.WARNING if failed else logging.INFO, f"{self.operation} finished", ms=round(ms, 1),
                 error=type(exc).__name__ if exc is not None else None, **{k: attrs[k] for k in keep if k in attrs})




_UNTRACED: Telemetry | None = None


def current() -> Span:
    """The trace a `Telemetry.trace()` block opened, so code deeper in the call adds stages to it without
    having it passed down; outside any trace, a span that records nothing."""
    global _UNTRACED
    tr = _CURRENT.get()
    if tr is not None:
        return tr
    if _UNTRACED is None:
        _UNTRACED = Telemetry(None, enabled=False)
    return _UNTRACED.start("untraced")


class Telemetry:
    """The tracer and meter of one Mentor: spans to SQLite always, spans and metrics to OTLP when configured."""

    def __init__(self, store, *, otlp_endpoint: str = "", trace_content: bool = False, enabled: bool = True):
        self.trace_content = trace_content
        self.enabled = enabled
        resource = Resource.create({"service.name": SERVICE_NAME})
        readers = []
        if enabled:
            self.provider: trace.TracerProvider = TracerProvider(resource=resource)
            self.provider.add_span_processor(TraceBatchProcessor(SQLiteSpanExporter(store)))
            if otlp_endpoint:
                from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
                from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

                base = otlp_endpoint.rstrip("/")
                self.provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{base}/v1/traces")))
                readers.append(PeriodicExportingMetricReader(OTLPMetricExporter(endpoint=f"{base}/v1/metrics")))
        else:  # the baseline of the overhead benchmark
            self.provider = trace.NoOpTracerProvider()
        self.meter_provider = MeterProvider(resource=resource, metric_readers=readers)
        self.tracer = self.provider.get_tracer("mentor")
        meter = self.meter_provider.get_meter("mentor")
        self.requests = meter.create_counter("mentor.requests", unit="{request}",
                                             description="answers, reviews, plans, quiz gradings and hints")
        self.tokens = meter.create_histogram("gen_ai.client.token.usage", unit="{token}",
                                             description="tokens per model call, by gen_ai.token.type")
        self.duration = meter.create_histogram("gen_ai.client.operation.duration", unit="s",
                                               description="time of a whole request")
        self.cost = meter.create_counter("mentor.cost", unit="USD", description="money spent on model calls")
        self.cache_hits = meter.create_counter("mentor.cache.hits", unit="{answer}",
                                               description="answers served from the semantic cache")
        self.stage_ms = meter.create_histogram("mentor.stage.duration", unit="ms", description="time per stage")

    def start(self, operation: str, **data: Any) -> Trace:
        """Begin a request's trace; the caller must `end()` it (use `trace()` when a `with` block fits)."""
        data.setdefault(OPERATION, operation)
        span = self.tracer.start_span(operation, context=trace.set_span_in_context(trace.INVALID_SPAN))
        return Trace(self, span, operation, data)

    @contextmanager
    def trace(self, operation: str, **data: Any) -> Iterator[Trace]:
        tr = self.start(operation, **data)
        token = _CURRENT.set(tr)
        try:
            with trace.use_span(tr.span, end_on_exit=False):  # log lines of libraries carry the trace id too
                yield tr
        except BaseException as exc:
            tr.end(exc)
            raise
        finally:
            _CURRENT.reset(token)
        tr.end()

    def record(self, operation: str, attrs: Mapping[str, Any], ms: float, failed: bool = False) -> None:
        """The metrics of one finished request, read from its root span's attributes."""
        base = {OPERATION: operation, "mentor.outcome": "error" if failed else "ok"}
        if ROUTE in attrs:
            base[ROUTE] = attrs[ROUTE]
        if REQUEST_MODEL in attrs:
            base[REQUEST_MODEL] = attrs[REQUEST_MODEL]
        self.requests.add(1, base)
        self.duration.record(ms / 1000, base)
        for kind, key in (("input", INPUT_TOKENS), ("output", OUTPUT_TOKENS)):
            if attrs.get(key):
                self.tokens.record(attrs[key], {**base, gen_ai.GEN_AI_TOKEN_TYPE: kind})
        if attrs.get(COST):
            self.cost.add(float(attrs[COST]), base)
        if attrs.get(CACHED):
            self.cache_hits.add(1, base)

    def flush(self) -> None:
        if hasattr(self.provider, "force_flush"):
            self.provider.force_flush()
        self.meter_provider.force_flush()

    def shutdown(self) -> None:
        if hasattr(self.provider, "shutdown"):
            self.provider.shutdown()
        self.meter_provider.shutdown()
