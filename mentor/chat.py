"""The Ask flow: store the question, retrieve, route, redact, generate (streaming), cite, store, trace."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from . import prompts, tracing
from .errors import InputError, MentorError, NeedsKeyError, ProviderError
from .llm import AnthropicProvider, LLMRequest, LocalProvider, OfflineProvider, Provider, Usage
from .router import Decision, Route, price

MAX_QUESTION_CHARS = 20_000
RETRIEVAL_STEPS = {"embed": "embed", "dense": "dense", "bm25": "bm25", "fuse": "fusion", "rerank": "rerank"}
CITE = re.compile(r"\[(\d{1,2})\]")


def check_text(text: str, what: str = "question", limit: int = MAX_QUESTION_CHARS) -> str:
    """Reject empty, huge or binary input with a message that says what to do."""
    if text is None or not text.strip():
        raise InputError(f"The {what} is empty: type something first.")
    if "\x00" in text or sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t") > len(text) * 0.01:
        raise InputError(f"The {what} looks like binary data, not text. Paste text instead.")
    if len(text) > limit:
        raise InputError(f"The {what} has {len(text):,} characters; the limit is {limit:,}. Shorten it and try again.")
    return text.strip()


@dataclass
class Answer:
    answer: str
    citations: list[dict]
    provider: str
    model: str
    route_reason: str
    cached: bool
    tokens_in: int
    tokens_out: int
    cost_usd: float
    latency_ms: float
    conversation_id: int
    message_id: int
    question_id: int
    redactions: dict[str, int] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    weak: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


def citation(n: int, hit) -> dict:
    m = hit.meta
    return {"n": n, "source": m.get("source"), "title": m.get("title"), "heading": m.get("heading") or None,
            "kind": m.get("kind"), "week": m.get("week"), "phase": m.get("phase"), "book": m.get("book"),
            "paper": m.get("paper"), "text": hit.text}


def used_citations(text: str, hits: list) -> list[dict]:
    """Only the passages the answer cites; when it cites none, the top three it was given."""
    nums = sorted({int(n) for n in CITE.findall(text) if 1 <= int(n) <= len(hits)})
    if not nums:
        nums = list(range(1, min(3, len(hits)) + 1))
    return [citation(n, hits[n - 1]) for n in nums]


class AnswerStream:
    """Iterate to receive the answer's text; `answer` holds the stored result afterwards."""

    def __init__(self, run: Iterator[str], conversation_id: int = 0, question_id: int = 0):
        self._run = run
        self.conversation_id = conversation_id
        self.question_id = question_id
        self.answer: Answer | None = None

    def __iter__(self) -> Iterator[str]:
        yield from self._run


class _Restorer:
    """Puts redacted values back into streamed text, holding back a possibly split placeholder."""

    def __init__(self, restore):
        self.restore, self.buf = restore, ""

    def feed(self, text: str) -> str:
        self.buf += text
        cut = self.buf.rfind("<")
        if cut != -1 and ">" not in self.buf[cut:] and len(self.buf) - cut < 40:
            out, self.buf = self.buf[:cut], self.buf[cut:]
        else:
            out, self.buf = self.buf, ""
        return self.restore(out)

    def flush(self) -> str:
        out, self.buf = self.buf, ""
        return self.restore(out)


class ChatService:
    def __init__(self, mentor):
        self.m = mentor

    def provider_for(self, route: Route) -> Provider:
        cfg = self.m.config
        if route.provider == "anthropic":
            return AnthropicProvider(cfg, route.model)
        if route.provider == "local":
            return LocalProvider(cfg, route.model)
        return OfflineProvider(cfg)

    def _prepare(self, route: Route, request: LLMRequest, span: tracing.Span | None = None):
        """(provider, request as it may leave, restore, redaction counts): redacted only for the cloud."""
        provider = self.provider_for(route)
        if provider.name == "anthropic" and self.m.redactor is not None:
            if span is None:
                req, restore, redactions = self.m.redactor.redact_request(request)
            else:
                with span.stage("redact") as red:
                    req, restore, redactions = self.m.redactor.redact_request(request)
                    red["redactions"] = redactions
                    red["values"] = sum(redactions.values())
            return provider, req, restore, redactions
        return provider, request, (lambda s: s), {}

    def first_answer(self, decision: Decision, request: LLMRequest, accept):
        """Complete `request` on the first model route that answers and whose text `accept` turns into a value
        (None means: try the next route). Returns (value, route, usage, notes); route is None when no model
        answered. Cloud requests are redacted and their answers restored before `accept` sees them."""
        notes: list[str] = []
        for route in decision.chain:
            if route.provider == "offline":
                break
            try:
                provider, req, restore, _ = self._prepare(route, request)
            except (NeedsKeyError, ProviderError) as exc:
                notes.append(f"The {route.name} route is unavailable ({exc}).")
                continue
            try:
                text, usage = provider.complete(req)
            except ProviderError as exc:
                notes.append(f"The {route.name} route failed ({exc}); fell back to the next route.")
                continue
            value = accept(restore(text))
            if value is not None:
                return value, route, usage, notes
        return None, None, Usage(), notes

    def ask(self, question: str, conversation_id: int | None = None, **kw) -> Answer:
        stream = self.ask_stream(question, conversation_id, **kw)
        for _ in stream:
            pass
        assert stream.answer is not None
        return stream.answer

    def ask_stream(self, question: str, conversation_id: int | None = None, *, bypass_cache: bool = False,
                   route: str | None = None, week: int | None = None) -> AnswerStream:
        store = self.m.store
        question = check_text(question)
        tr = self.m.telemetry.start("ask", question=question)
        try:
            with tr.stage("save_question"):
                if conversation_id is None:
                    conversation_id = store.create_conversation()
                else:
                    store.conversation(conversation_id)
                history = store.messages(conversation_id)
                qid = store.add_message(conversation_id, "user", question, mode="ask", status="pending")
        except BaseException as exc:
            tr.end(exc)
            raise
        tr[tracing.CONVERSATION] = str(conversation_id)
        tr["question_id"] = qid
        stream = AnswerStream(iter(()), conversation_id, qid)
        stream._run = self._run(stream, question, conversation_id, qid, history, bypass_cache, route, week, tr)
        return stream

    def _run(self, stream: AnswerStream, question: str, conversation_id: int, qid: int, history: list[dict],
             bypass_cache: bool, force_route: str | None, week: int | None, tr: tracing.Trace) -> Iterator[str]:
        try:
            yield from self._answer(stream, question, conversation_id, qid, history, bypass_cache, force_route,
                                    week, tr)
        except BaseException as exc:
            tr.end(exc)
            raise
        tr.end()

    def _answer(self, stream: AnswerStream, question: str, conversation_id: int, qid: int, history: list[dict],
                bypass_cache: bool, force_route: str | None, week: int | None, tr: tracing.Trace) -> Iterator[str]:
        m, store = self.m, self.m.store
        t0 = time.perf_counter()
        try:
            turns = prompts.recent_turns(history)
            answered = [t for t in history if t.get("status") != "failed"]
            standalone = prompts.condense(question, answered)
            context_free = standalone == question
            extra_cost, extra_usage = 0.0, Usage()
            if not context_free and m.router.available() != ["offline"]:
                # a model, when there is one, writes a better standalone query than the heuristic
                with tr.stage("condense") as span:
                    request = LLMRequest(system=prompts.CONDENSE_SYSTEM, messages=prompts.condense_messages(
                        question, answered), question=question, max_tokens=120, task="condense")
                    rewritten, route, cu, _ = self.first_answer(
                        m.router.route("condense", question), request,
                        accept=lambda text: prompts.clean_condensed(text, question))
                    if route is not None:
                        standalone = rewritten
                        extra_usage = cu
                        extra_cost = price(route.model, cu.tokens_in, cu.tokens_out, cu.cache_read, cu.cache_write)
                        span.update(tracing.gen_ai_attributes(route.provider, route.model, cu.tokens_in,
                                                              cu.tokens_out))
                    span["route"] = route.name if route else "heuristic"
                    span["query"] = standalone
            if m.cache is not None and not bypass_cache and context_free:
                version = m.corpus_version()  # may open the index: not part of the lookup's time
                with tr.stage("cache") as span:
                    hit = m.cache.lookup(question, mode="ask", corpus_version=version)
                    span["hit"] = bool(hit)
                    if hit:  # not the match's reason: it quotes the question's words
                        span["similarity"] = hit.get("similarity")
                if hit:
                    yield hit["content"]
                    tr.update({tracing.ROUTE: "cache", tracing.ROUTE_REASON: "semantic cache: same question as before",
                               tracing.CACHED: True, "mentor.cache.similarity": hit.get("similarity"),
                               **tracing.gen_ai_attributes(hit["provider"], hit["model"]), tracing.COST: 0.0})
                    with tr.stage("save"):
                        stream.answer = self._store_answer(
                            conversation_id, qid, hit["content"], hit.get("citations") or [],
                            provider=hit["provider"], model=hit["model"],
                            reason=f"semantic cache: same question as “{hit['question'][:80]}”", cached=True,
                            usage=Usage(), cost=0.0, t0=t0, weak=False, redactions={}, notices=[])
                    tr[tracing.MESSAGE_ID] = stream.answer.message_id
                    return
            with tr.stage("retrieve", query=standalone) as span:
                result = m.retriever.search(standalone, k=5, boost_week=week or m.current_week())
                span.children_from_timings(result.timings_ms, RETRIEVAL_STEPS)
                span.update({"hits": len(result.hits), "weak": result.weak, "mode": result.mode,
                             "sources": [h.meta.get("source") if h.meta.get("kind") != "note" else "(your note)"
                                         for h in result.hits],
                             "scores": [round(h.score, 4) for h in result.hits]})
            hits = result.hits
            with tr.stage("route") as span:
                decision: Decision = m.router.route("ask", question, force=force_route)
                span.update({"chain": [r.name for r in decision.chain], "reason": decision.reason,
                             "complexity": decision.complexity})
            notices = list(decision.notices)
            if result.weak:
                notices.append(result.message)
            request = LLMRequest(system=prompts.SYSTEM_PROMPT, messages=prompts.ask_messages(question, hits, turns,
                                                                                             result.weak),
                                 question=standalone, passages=hits, task="ask")
            text, usage, used_route, reason, redactions = "", Usage(), None, decision.reason, {}
            for route in decision.chain:
                try:
                    provider, req, restore, redactions = self._prepare(route, request, tr)
                except (NeedsKeyError, ProviderError) as exc:
                    notices.append(f"{route.name} route unavailable: {exc}")
                    continue
                restorer = _Restorer(restore)
                usage = Usage()
                parts: list[str] = []
                try:
                    with tr.stage("generate", route=route.name, **tracing.gen_ai_attributes(
                            route.provider, route.model)) as span:
                        span[tracing.MAX_TOKENS] = req.max_tokens
                        try:
                            for piece in provider.stream(req, usage):
                                out = restorer.feed(piece)
                                if out:
                                    parts.append(out)
                                    yield out
                            tail = restorer.flush()
                            if tail:
                                parts.append(tail)
                                yield tail
                        finally:
                            span.update({tracing.INPUT_TOKENS: usage.tokens_in, tracing.OUTPUT_TOKENS: usage.tokens_out,
                                         "cache_read_tokens": usage.cache_read, "answer": "".join(parts)})
                except ProviderError as exc:
                    if parts:  # part of an answer was already shown: do not mix two answers
                        raise
                    notices.append(f"{route.name} route failed ({exc}); fell back to the next route.")
                    reason = f"fallback after {route.name} failed: {exc}"
                    continue
                text = "".join(parts)
                used_route = route
                break
            if used_route is None:
                raise MentorError("No route could answer: " + " ".join(notices))
            cost = price(used_route.model, usage.tokens_in, usage.tokens_out, usage.cache_read, usage.cache_write)
            cost += extra_cost
            usage.tokens_in += extra_usage.tokens_in
            usage.tokens_out += extra_usage.tokens_out
            with tr.stage("cite") as span:
                cites = used_citations(text, hits) if hits else []
                span.update({"citations": len(cites), "passages_used": [c["n"] for c in cites]})
            tr.update({tracing.ROUTE: used_route.name, tracing.ROUTE_REASON: reason, tracing.CACHED: False,
                       **tracing.gen_ai_attributes(used_route.provider, used_route.model, usage.tokens_in,
                                                   usage.tokens_out),
                       tracing.COST: round(cost, 6), "passages_used": len(cites), "redactions": redactions,
                       "weak": result.weak})
            with tr.stage("save"):
                stream.answer = self._store_answer(
                    conversation_id, qid, text, cites, provider=used_route.provider, model=used_route.model,
                    reason=reason, cached=False, usage=usage, cost=cost, t0=t0, weak=result.weak,
                    redactions=redactions, notices=notices,
                )
                if m.cache is not None and context_free and not result.weak and text:
                    m.cache.put(question, mode="ask", message_id=stream.answer.message_id,
                                corpus_version=m.corpus_version())
            tr[tracing.MESSAGE_ID] = stream.answer.message_id
        except MentorError as exc:
            store.update_message(qid, status="failed", error=str(exc))
            raise
        except Exception as exc:  # unexpected: keep the question, say what happened
            store.update_message(qid, status="failed", error=f"{type(exc).__name__}: {exc}")
            raise MentorError(f"The answer failed unexpectedly ({type(exc).__name__}: {exc}). "
                              "Your question is saved; try again.") from exc

    def _store_answer(self, conversation_id, qid, text, cites, *, provider, model, reason, cached, usage, cost,
                      t0, weak, redactions, notices) -> Answer:
        store = self.m.store
        latency = (time.perf_counter() - t0) * 1000
        aid = store.add_message(
            conversation_id, "assistant", text, mode="ask", status="ok", citations=cites, provider=provider,
            model=model, route_reason=reason, tokens_in=usage.tokens_in, tokens_out=usage.tokens_out,
            cost_usd=round(cost, 6), latency_ms=round(latency, 1), cached=cached, redactions=redactions,
            reply_to=qid,
        )
        store.update_message(qid, status="answered")
        return Answer(answer=text, citations=cites, provider=provider, model=model, route_reason=reason,
                      cached=cached, tokens_in=usage.tokens_in, tokens_out=usage.tokens_out, cost_usd=round(cost, 6),
                      latency_ms=round(latency, 1), conversation_id=conversation_id, message_id=aid, question_id=qid,
                      redactions=redactions, notices=notices, weak=weak)
