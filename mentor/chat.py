"""The Ask flow, one stage per function: save the question, condense, route, cache, retrieve, generate with
fallback (redacted for the cloud), cite, save, trace.

    stream = chat.ask_stream("What is an ADR?")
    for event in stream:          # Stage("search", ...), Stage("sources", "5 sources"), TextDelta(...), Done(answer)
        ...
    stream.answer                 # the stored Answer
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlite_utils.db import NotFoundError

from . import prompts, tracing
from .cache import VERIFY_SCHEMA, VERIFY_TOOL, parse_verdict, verification_prompt
from .citations import Citation, cite
from .errors import InputError, MentorError
from .exchange import exchanges
from .generate import Generator, Outcome
from .llm import LLMRequest, Usage
from .router import Decision, Router
from .store import Store
from .stream import INTERRUPTED, STOPPED, Answer, AnswerStream, Done, Event, Stage, TextDelta

MAX_QUESTION_CHARS = 20_000
SETTLE_SECONDS = 5.0  # how long a new run waits for the stopped one to store its text
SOURCES = 5
RETRIEVAL_STEPS = {"embed": "embed", "dense": "dense", "bm25": "bm25", "fuse": "fusion", "rerank": "rerank"}
VERIFY_REQUEST_TOOL = {"name": VERIFY_TOOL, "description": "Record whether the two questions ask the same thing.",
                       "input_schema": VERIFY_SCHEMA}


def check_text(text: str, what: str = "question", limit: int = MAX_QUESTION_CHARS) -> str:
    """Reject empty, huge or binary input with a message that says what to do."""
    if text is None or not text.strip():
        raise InputError(f"The {what} is empty: type something first.")
    if "\x00" in text or sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t") > len(text) * 0.01:
        raise InputError(f"The {what} looks like binary data, not text. Paste text instead.")
    if len(text) > limit:
        raise InputError(f"The {what} has {len(text):,} characters; the limit is {limit:,}. Shorten it and try again.")
    return text.strip()


def covered(result) -> bool:
    """Whether the course material covers the question: the one place the not-covered verdict is read."""
    return not result.weak


@dataclass
class Turn:
    """One question on its way through the stages."""

    question: str
    conversation_id: int
    question_id: int
    history: list[dict]
    bypass_cache: bool = False
    force_route: str | None = None
    week: int | None = None
    deep: bool = False
    context_free: bool = True  # the question stands on its own (not a follow-up): it may be cached
    trace: tracing.Trace = field(kw_only=True)  # the request's root span; each stage is a child
    extras: list[Outcome] = field(default_factory=list)  # condense and cache-verification calls, paid with the answer
    previous: list[str] = field(default_factory=list)  # this question's earlier answers, when it is answered again

    @property
    def answered(self) -> list[dict]:
        """The conversation so far as the learner sees it: no failed turns, one (the latest) answer per question."""
        shown = {ex.latest["id"] for ex in exchanges(self.history) if ex.latest is not None}
        return [t for t in self.history if t.get("status") != "failed" and (t["role"] == "user" or t["id"] in shown)]


class ChatService:
    """Answers questions. Collaborators that load slowly (the retriever, the corpus version) come as callables."""

    def __init__(self, store: Store, router: Router, generator: Generator, retriever: Callable[[], object],
                 current_week: Callable[[], int], corpus_version: Callable[[], str], cache=None,
                 telemetry: tracing.Telemetry | None = None):
        self.store, self.router, self.generator, self.cache = store, router, generator, cache
        self.telemetry = telemetry or tracing.Telemetry(store, enabled=False)
        self._retriever, self._current_week, self._corpus_version = retriever, current_week, corpus_version
        self._running: dict[int, threading.Event] = {}  # question id -> set when its flow has ended, however

    def first_answer(self, decision: Decision, request: LLMRequest, accept):
        """See Generator.first_answer (reviews and plans use it)."""
        return self.generator.first_answer(decision, request, accept)

    def ask(self, question: str, conversation_id: int | None = None, **kw) -> Answer:
        stream = self.ask_stream(question, conversation_id, **kw)
        for _ in stream:
            pass
        assert stream.answer is not None
        return stream.answer

    def ask_stream(self, question: str, conversation_id: int | None = None, *, bypass_cache: bool = False,
                   route: str | None = None, week: int | None = None, deep: bool = False) -> AnswerStream:
        """Stores the question at once (before any model is called); iterate the result to answer it."""
        question = check_text(question)
        return self._stream(question, lambda tr: self._save_question(question, conversation_id, tr),
                            bypass_cache=bypass_cache, route=route, week=week, deep=deep)

    def regenerate_stream(self, question_id: int, *, route: str | None = None, week: int | None = None,
                          deep: bool = False) -> AnswerStream:
        """A fresh answer (never the cache) to a stored question; its earlier answers stay stored as versions."""
        try:
            question = self.store.message(question_id)
        except NotFoundError:
            raise InputError(f"There is no message {question_id}: `mentor history` lists the questions.") from None
        if question["role"] != "user":
            raise InputError(f"Message {question_id} is not a question: only a question can be answered again.")
        return self._stream(question["content"], lambda tr: self._reopen_question(question, tr),
                            bypass_cache=True, route=route, week=week, deep=deep)

    def settle(self, question_id: int, timeout: float = SETTLE_SECONDS) -> None:
        """Wait until a flow still answering this question has ended. Streamlit starts the run after a Stop click or
        a reload while the run it stops is still storing the text so far."""
        running = self._running.get(question_id)
        if running is not None:
            running.wait(timeout)

    def regenerate(self, question_id: int, **kw) -> Answer:
        stream = self.regenerate_stream(question_id, **kw)
        for _ in stream:
            pass
        assert stream.answer is not None
        return stream.answer

    def stopped(self, question_id: int) -> None:
        """Record that the learner stopped the answer to this question (its flow ends as `interrupted`)."""
        self.settle(question_id)
        for msg in self.store.messages(self.store.message(question_id)["conversation_id"]):
            if msg["id"] == question_id or (msg.get("reply_to") == question_id and msg["status"] == INTERRUPTED):
                if msg["status"] in (INTERRUPTED, "pending"):
                    self.store.update_message(msg["id"], status=STOPPED)

    def _stream(self, question: str, save: Callable[[tracing.Trace], Turn], **options) -> AnswerStream:
        tr = self.telemetry.start("ask", question=question)
        try:
            with tr.stage("save_question"):
                turn = save(tr)
        except BaseException as exc:
            tr.end(exc)
            raise
        tr.update({tracing.CONVERSATION: str(turn.conversation_id), "question_id": turn.question_id})
        self._running[turn.question_id] = threading.Event()
        turn.bypass_cache, turn.force_route = options["bypass_cache"], options["route"]
        turn.week, turn.deep = options["week"], options["deep"]
        return AnswerStream(self._traced(turn), turn.conversation_id, turn.question_id,
                            abandon=lambda: self._abandon(turn))

    # the flow ------------------------------------------------------------------------------------------------
    def _traced(self, turn: Turn) -> Iterator[Event]:
        """The flow, its root span ended however it ends (answered, failed, or the reader stopped it)."""
        try:
            yield from self._run(turn)
        except BaseException as exc:
            turn.trace.end(exc)
            raise
        else:
            turn.trace.end()
        finally:
            if (running := self._running.pop(turn.question_id, None)) is not None:
                running.set()

    def _abandon(self, turn: Turn) -> None:
        """A stream closed before it started: the question is marked, the trace and the waiters released."""
        self.store.update_message(turn.question_id, status=INTERRUPTED)
        turn.trace.end()
        if (running := self._running.pop(turn.question_id, None)) is not None:
            running.set()

    def _run(self, turn: Turn) -> Iterator[Event]:
        streamed: list[str] = []  # what the reader has been shown, kept if the reader goes away mid-answer
        result = None
        try:
            standalone = self._condense(turn)
            decision = self._route(turn)
            hit = self._cached(turn, decision)
            if hit is not None:
                yield Stage("cache", "answered before")
                yield TextDelta(hit.answer)
                yield Done(hit)
                return
            yield Stage("search", "searching the course")
            result = self._retrieve(turn, standalone)
            yield Stage("sources", f"{len(result.hits)} sources" if covered(result) else "not covered by the course")
            request = self._request(turn, standalone, result)
            yield Stage("write", "writing")
            out = Outcome()
            text = self._generate(turn, decision, request, out)
            try:
                for piece in text:
                    streamed.append(piece)
                    yield TextDelta(piece)
            finally:
                text.close()  # a stop or a reload closes this flow at the yield: end the generate span first
            answer = self._save_answer(turn, decision, out, result)
            self._remember(turn, answer, result)
            yield Done(answer)
        except GeneratorExit:  # the reader stopped the answer or left the page: keep what was shown
            self._interrupted(turn, "".join(streamed), result)
            raise
        except MentorError as exc:
            self.store.update_message(turn.question_id, status="failed", error=str(exc))
            raise
        except Exception as exc:  # unexpected: keep the question, say what happened
            self.store.update_message(turn.question_id, status="failed", error=f"{type(exc).__name__}: {exc}")
            raise MentorError(f"The answer failed unexpectedly ({type(exc).__name__}: {exc}). "
                              "Your question is saved; try again.") from exc

    # stages --------------------------------------------------------------------------------------------------
    def _save_question(self, question: str, conversation_id: int | None, trace: tracing.Trace) -> Turn:
        if conversation_id is None:
            conversation_id = self.store.create_conversation()
        else:
            self.store.conversation(conversation_id)  # raises for an unknown conversation
        history = self.store.messages(conversation_id)
        qid = self.store.add_message(conversation_id, "user", question, mode="ask", status="pending")
        return Turn(question, conversation_id, qid, history, trace=trace)

    def _reopen_question(self, question: dict, trace: tracing.Trace) -> Turn:
        """A stored question answered again: the history is what came before it, its earlier answers are kept."""
        conversation_id, qid = question["conversation_id"], question["id"]
        messages = self.store.messages(conversation_id)
        self.store.update_message(qid, status="pending", error=None)
        previous = [m["content"] for m in messages if m.get("reply_to") == qid and m["role"] == "assistant"]
        return Turn(question["content"], conversation_id, qid, [m for m in messages if m["id"] < qid],
                    previous=previous, trace=trace)

    def _interrupted(self, turn: Turn, text: str, result) -> None:
        """The partial answer stored as `interrupted` (cited as far as it goes), or the question marked so."""
        with turn.trace.stage("save_partial"):
            if text.strip():
                hits = result.hits if result is not None else []
                text, citations = cite(text, hits) if hits else (text, [])
                self.store.add_message(turn.conversation_id, "assistant", text, mode="ask", status=INTERRUPTED,
                                       citations=[c.as_dict() for c in citations], reply_to=turn.question_id,
                                       latency_ms=round(turn.trace.elapsed_ms(), 1))
            self.store.update_message(turn.question_id, status=INTERRUPTED)

    def _condense(self, turn: Turn) -> str:
        """A standalone query for retrieval: the heuristic, then a model's rewrite when there is a model."""
        standalone = prompts.condense(turn.question, turn.answered)
        turn.context_free = standalone == turn.question
        if turn.context_free or self.router.available() == ["offline"]:
            return standalone
        with turn.trace.stage("condense") as data:
            request = LLMRequest(system=prompts.CONDENSE_SYSTEM, messages=prompts.condense_messages(
                turn.question, turn.answered), question=turn.question, max_tokens=120, task="condense")
            rewritten, route, usage, _ = self.generator.first_answer(
                self.router.route("condense", turn.question), request,
                accept=lambda text: prompts.clean_condensed(text, turn.question))
            if route is not None:
                standalone = rewritten
                turn.extras.append(Outcome(route=route, usage=usage))
                data.update(tracing.gen_ai_attributes(route.provider, route.model, usage.tokens_in, usage.tokens_out))
            data.update(route=route.name if route else "heuristic", query=standalone[:200])
        return standalone

    def _route(self, turn: Turn) -> Decision:
        with turn.trace.stage("route") as data:
            decision = self.router.route("ask", turn.question, force=turn.force_route, deep=turn.deep)
            data.update(chain=[r.name for r in decision.chain], reason=decision.reason)
        return decision

    def _cached(self, turn: Turn, decision: Decision) -> Answer | None:
        """A stored answer to the same question, only for a question that stands on its own. Exact matches are
        served as they are; a similar question only when a cheap model confirms it, and only when a model would
        answer (an offline answer is free and fast: not worth a risk)."""
        if self.cache is None or turn.bypass_cache or not turn.context_free:
            return None
        version = self._corpus_version()  # may open the index: not part of the lookup's time
        model_answers = decision.chain[0].provider != "offline"
        with turn.trace.stage("cache") as data:
            hit = self.cache.lookup(turn.question, mode="ask", corpus_version=version,
                                    verify=(lambda a, b: self._verify(turn, a, b)) if model_answers else None)
            data.update(hit=bool(hit), verified=bool(hit and hit.verified), verifications=len(turn.extras))
        if not hit:
            return None
        citations = [Citation.from_dict(c) for c in hit.citations]
        reason = f"semantic cache: same question as “{hit.question[:80]}”"
        return self._store(turn, Outcome(text=hit.content), citations, provider=hit.provider, model=hit.model,
                           reason=reason, cached=True, weak=False)

    def _verify(self, turn: Turn, cached: str, asked: str) -> bool:
        """Ask the cheap (or local) model whether two questions are the same; no model or no clear yes is a no."""
        request = LLMRequest(system="", messages=[{"role": "user", "content": verification_prompt(cached, asked)}],
                             question=asked, max_tokens=50, task="verify", tool=VERIFY_REQUEST_TOOL)
        same, route, usage, _ = self.generator.first_answer(self.router.route("verify", asked), request,
                                                            accept=parse_verdict)
        if route is not None:
            turn.extras.append(Outcome(route=route, usage=usage))
        return same is True

    def _retrieve(self, turn: Turn, standalone: str):
        with turn.trace.stage("retrieve", query=standalone[:200]) as data:
            result = self._retriever().search(standalone, k=SOURCES, boost_week=turn.week or self._current_week())
            data.children_from_timings(result.timings_ms, RETRIEVAL_STEPS)
            data.update(hits=len(result.hits), weak=result.weak, covered=covered(result), mode=result.mode,
                        sources=[h.meta.get("source") if h.meta.get("kind") != "note" else "(your note)"
                                 for h in result.hits],
                        scores=[round(h.score, 4) for h in result.hits])
        return result

    def _request(self, turn: Turn, standalone: str, result) -> LLMRequest:
        is_covered = covered(result)
        messages = prompts.ask_messages(turn.question, result.hits, prompts.recent_turns(turn.history), is_covered)
        return LLMRequest(system=prompts.SYSTEM_PROMPT, messages=messages, question=standalone,
                          passages=result.hits, task="ask", covered=is_covered,
                          earlier=[t["content"] for t in turn.answered if t["role"] == "assistant"] + turn.previous)

    def _generate(self, turn: Turn, decision: Decision, request: LLMRequest, out: Outcome) -> Iterator[str]:
        with turn.trace.stage("generate") as data:
            try:  # redaction, inside the generator, is a child span of this one
                yield from tracing.within(data, self.generator.stream(decision, request, out))
            finally:
                if out.route is not None:
                    data.update(tracing.gen_ai_attributes(out.route.provider, out.route.model, out.usage.tokens_in,
                                                          out.usage.tokens_out))
                data.update({"route": out.route.name if out.route else None, tracing.MAX_TOKENS: request.max_tokens,
                             "attempts": [f"{a.route}: {'ok' if a.ok else 'failed'}" for a in out.attempts],
                             "cache_read_tokens": out.usage.cache_read, "redactions": out.redactions,
                             "answer": out.text})

    def _save_answer(self, turn: Turn, decision: Decision, out: Outcome, result) -> Answer:
        with turn.trace.stage("cite") as data:
            out.text, citations = cite(out.text, result.hits) if result.hits else (out.text, [])
            data["cited"] = [c.label for c in citations]
        out.notices[:0] = decision.notices
        if not covered(result) and result.message:
            out.notices.append(result.message)
        return self._store(turn, out, citations, provider=out.route.provider, model=out.route.model,
                           reason=out.fell_back or decision.reason, cached=False, weak=not covered(result))

    def _store(self, turn: Turn, out: Outcome, citations: list[Citation], *, provider: str, model: str, reason: str,
               cached: bool, weak: bool) -> Answer:
        """Save the answer and its trace; the condense call's tokens and cost are part of the answer's."""
        usage = Usage(out.usage.tokens_in + sum(e.usage.tokens_in for e in turn.extras),
                      out.usage.tokens_out + sum(e.usage.tokens_out for e in turn.extras))
        cost = round(out.cost + sum(e.cost for e in turn.extras), 6)
        latency = round(turn.trace.elapsed_ms(), 1)
        with turn.trace.stage("save"):
            aid = self.store.add_message(
                turn.conversation_id, "assistant", out.text, mode="ask", status="ok",
                citations=[c.as_dict() for c in citations], provider=provider, model=model, route_reason=reason,
                tokens_in=usage.tokens_in, tokens_out=usage.tokens_out, cost_usd=cost, latency_ms=latency,
                cached=cached, redactions=out.redactions, reply_to=turn.question_id)
            self.store.update_message(turn.question_id, status="answered")
        turn.trace.update({  # a cached answer's reason quotes the earlier question: not an attribute
            tracing.ROUTE: "cache" if cached else (out.route.name if out.route else None),
            tracing.ROUTE_REASON: "semantic cache: same question as before" if cached else reason,
            tracing.CACHED: cached, **tracing.gen_ai_attributes(provider, model, usage.tokens_in, usage.tokens_out),
            tracing.COST: cost, tracing.MESSAGE_ID: aid, "passages_used": len(citations),
            "redactions": out.redactions, "weak": weak})
        return Answer(answer=out.text, citations=citations, provider=provider, model=model, route_reason=reason,
                      cached=cached, tokens_in=usage.tokens_in, tokens_out=usage.tokens_out, cost_usd=cost,
                      latency_ms=latency, conversation_id=turn.conversation_id, message_id=aid,
                      question_id=turn.question_id, redactions=out.redactions, notices=out.notices, weak=weak)

    def _remember(self, turn: Turn, answer: Answer, result) -> None:
        """Cache an answer to a question that stands on its own and that the material covers."""
        if self.cache is not None and turn.context_free and covered(result) and answer.answer:
            with turn.trace.stage("remember"):
                self.cache.put(turn.question, mode="ask", message_id=answer.message_id,
                               corpus_version=self._corpus_version())
