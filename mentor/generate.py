"""Generation with fallback: one walker down a route chain serves streamed answers and complete (parsed) ones.

Cloud requests are redacted before they leave and their text restored before anyone sees it; a route that is
unavailable or fails before it produced text hands over to the next one, with a notice saying so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from . import limits, tracing
from .config import Config
from .errors import MentorError, NeedsKeyError, ProviderError
from .llm import AnthropicProvider, LLMRequest, LocalProvider, OfflineProvider, Provider, Usage
from .router import Decision, Route, price

PROVIDERS: dict[str, type[Provider]] = {"anthropic": AnthropicProvider, "local": LocalProvider,
                                        "offline": OfflineProvider}


@dataclass
class Attempt:
    route: str
    ok: bool
    detail: str = ""


@dataclass
class Outcome:
    """What the walk produced: the route that answered (None if none did), its text and what it cost."""

    route: Route | None = None
    text: str = ""
    value: object = None
    usage: Usage = field(default_factory=Usage)
    redactions: dict[str, int] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def cost(self) -> float:
        if self.route is None:
            return 0.0
        u = self.usage
        return price(self.route.model, u.tokens_in, u.tokens_out, u.cache_read, u.cache_write)

    @property
    def fell_back(self) -> str:
        """Why the first route did not answer, or ''."""
        failed = [a for a in self.attempts if not a.ok]
        return f"fallback after {failed[-1].route} failed: {failed[-1].detail}" if failed and self.route else ""


class _Restorer:
    """Puts redacted values back into streamed text, holding back a possibly split placeholder."""

    def __init__(self, restore: Callable[[str], str]):
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


class Generator:
    """Turns a routing decision and a request into text, falling back along the chain."""

    def __init__(self, config: Config, redactor=None, tokens_today: Callable[[], int] = lambda: 0):
        self.config, self.redactor, self.tokens_today = config, redactor, tokens_today

    def _prepare(self, route: Route, request: LLMRequest):
        """(provider, request as it may leave, restore, redaction counts): redacted only for the cloud."""
        provider = PROVIDERS[route.provider](self.config, route.model)
        if provider.name != "offline":  # per-request and per-day token budgets (mentor/limits.py)
            limits.check_request(request, self.tokens_today())
        if provider.name == "anthropic" and self.redactor is not None:
            with tracing.current().stage("redact") as span:
                req, restore, redactions = self.redactor.redact_request(request)
                span.update(redactions=redactions, values=sum(redactions.values()))
            return provider, req, restore, redactions
        return provider, request, (lambda s: s), {}

    def walk(self, decision: Decision, request: LLMRequest, out: Outcome,
             accept: Callable[[str], object] | None = None, models_only: bool = False) -> Iterator[str]:
        """Try each route in turn. Without `accept`, stream the first route's text as it arrives (a route that
        fails after showing text raises: two answers are never mixed). With `accept`, nothing is streamed:
        a route's whole text goes through `accept`, and None means try the next route."""
        for route in decision.chain:
            if models_only and route.provider == "offline":
                break
            try:
                provider, req, restore, redactions = self._prepare(route, request)
            except (NeedsKeyError, ProviderError) as exc:
                out.attempts.append(Attempt(route.name, False, str(exc)))
                out.notices.append(f"The {route.name} route is unavailable ({exc}).")
                continue
            restorer, usage, parts = _Restorer(restore), Usage(), []
            try:
                for piece in provider.stream(req, usage):
                    text = restorer.feed(piece)
                    if text:
                        parts.append(text)
                        if accept is None:
                            yield text
                tail = restorer.flush()
                if tail:
                    parts.append(tail)
                    if accept is None:
                        yield tail
            except ProviderError as exc:
                out.attempts.append(Attempt(route.name, False, str(exc)))
                if parts and accept is None:  # part of an answer was already shown: do not mix two answers
                    raise
                out.notices.append(f"The {route.name} route failed ({exc}); fell back to the next route.")
                continue
            text = "".join(parts)
            value = accept(text) if accept is not None else text
            out.attempts.append(Attempt(route.name, value is not None, "" if value is not None else "rejected"))
            if value is None:
                continue
            out.route, out.text, out.value, out.usage, out.redactions = route, text, value, usage, redactions
            return

    def stream(self, decision: Decision, request: LLMRequest, out: Outcome) -> Iterator[str]:
        """The answer's text as it arrives; raises MentorError when no route answers."""
        yield from self.walk(decision, request, out)
        if out.route is None:
            raise MentorError("No route could answer: " + " ".join(out.notices))

    def first_answer(self, decision: Decision, request: LLMRequest, accept: Callable[[str], object]):
        """(value, route, usage, notes) from the first model route whose text `accept` turns into a value;
        route is None when no model answered (the offline route is never tried)."""
        out = Outcome()
        for _ in self.walk(decision, request, out, accept=accept, models_only=True):
            pass
        return out.value, out.route, out.usage, out.notices
