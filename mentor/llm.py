"""Model providers behind one small interface: Anthropic Claude, an OpenAI-compatible local server, offline.

    provider = AnthropicProvider(config, model="claude-haiku-5-5")
    usage = Usage()
    for text in provider.stream(request, usage):
        print(text, end="")
"""

from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from .config import Config
from .errors import NeedsKeyError, ProviderError

DEFAULT_MAX_TOKENS = 1200
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9`(\"'])")
MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")


@dataclass
class Usage:
    tokens_in: int = 0
    tokens_out: int = 0
    cache_read: int = 0
    cache_write: int = 0


@dataclass
class LLMRequest:
    system: str
    messages: list[dict]  # [{"role": "user" | "assistant", "content": str}]
    question: str = ""
    passages: list = field(default_factory=list)  # retrieval hits, for the offline provider
    max_tokens: int = DEFAULT_MAX_TOKENS
    task: str = "ask"
    tool: dict | None = None  # {"name", "description", "input_schema"}: the reply must be this tool's JSON input


class Provider(ABC):
    """A model that turns a request into a stream of text."""

    name = "base"
    needs_key = False
    can_stream = True

    def __init__(self, config: Config, model: str = ""):
        self.config = config
        self.model = model

    @abstractmethod
    def stream(self, request: LLMRequest, usage: Usage) -> Iterator[str]:
        """Yield the answer's text as it arrives; fill `usage` by the end."""

    def complete(self, request: LLMRequest) -> tuple[str, Usage]:
        usage = Usage()
        return "".join(self.stream(request, usage)), usage


class AnthropicProvider(Provider):
    """Claude through the official SDK; the SDK retries 429/529/5xx with exponential backoff."""

    name = "anthropic"
    needs_key = True
    key_env_var = "ANTHROPIC_API_KEY"
    max_retries = 2

    def __init__(self, config: Config, model: str = ""):
        super().__init__(config, model or config.strong_model)
        if not config.anthropic_api_key:
            raise NeedsKeyError("Claude needs an API key: set the ANTHROPIC_API_KEY environment variable.")
        import anthropic

        self._anthropic = anthropic
        self.client = anthropic.Anthropic(
            api_key=config.anthropic_api_key,
            base_url=config.anthropic_base_url or None,
            timeout=config.timeout_s,
            max_retries=self.max_retries,
        )

    def complete(self, request: LLMRequest) -> tuple[str, Usage]:
        """Plain requests stream; a request with a tool forces that tool and returns its input as JSON text."""
        if request.tool is None:
            return super().complete(request)
        usage = Usage()
        system = [{"type": "text", "text": request.system, "cache_control": {"type": "ephemeral"}}]
        with self._errors():
            message = self.client.messages.create(
                model=self.model, max_tokens=request.max_tokens, system=system, messages=request.messages,
                tools=[request.tool], tool_choice={"type": "tool", "name": request.tool["name"]})
        self._count(message.usage, usage)
        calls = [b.input for b in message.content if b.type == "tool_use" and b.name == request.tool["name"]]
        text = "".join(b.text for b in message.content if b.type == "text")
        return (json.dumps(calls[0]) if calls else text), usage

    def stream(self, request: LLMRequest, usage: Usage) -> Iterator[str]:
        # the long, stable system prompt is marked for prompt caching
        system = [{"type": "text", "text": request.system, "cache_control": {"type": "ephemeral"}}]
        with self._errors(), self.client.messages.stream(
                model=self.model, max_tokens=request.max_tokens, system=system, messages=request.messages
        ) as stream:
            yield from stream.text_stream
            final = stream.get_final_message()
        self._count(final.usage, usage)

    @contextmanager
    def _errors(self):
        """The SDK's errors as ProviderErrors that say what happened and whether a retry may help."""
        a = self._anthropic
        try:
            yield
        except a.APIStatusError as exc:
            status = exc.status_code
            kind = (exc.body or {}).get("error", {}).get("type", "") if isinstance(exc.body, dict) else ""
            if status == 200:  # an error event inside an accepted stream
                status = 529 if kind == "overloaded_error" else 500
                what = f"stopped in the middle of the answer ({kind or 'stream error'})"
            else:
                what = {429: "is rate-limiting requests", 529: "is overloaded"}.get(status, f"answered HTTP {status}")
            raise ProviderError(f"Claude {what}.", provider=self.name, status=status,
                                retryable=status in (408, 409, 429, 529) or status >= 500) from None
        except a.APITimeoutError:
            raise ProviderError(f"Claude did not answer within {self.config.timeout_s:.0f} s.",
                                provider=self.name) from None
        except a.APIConnectionError:
            raise ProviderError("Cannot reach Claude (no network?).", provider=self.name) from None

    @staticmethod
    def _count(u, usage: Usage) -> None:
        usage.cache_read = getattr(u, "cache_read_input_tokens", 0) or 0
        usage.cache_write = getattr(u, "cache_creation_input_tokens", 0) or 0
        usage.tokens_in = (u.input_tokens or 0) + usage.cache_read + usage.cache_write
        usage.tokens_out = u.output_tokens or 0


class LocalProvider(Provider):
    """Any OpenAI-compatible chat server: Ollama, llama.cpp's server, LM Studio, vLLM."""

    name = "local"

    def __init__(self, config: Config, model: str = ""):
        super().__init__(config, model or config.local_model)
        if not config.local_base_url:
            raise ProviderError("No local model server is configured: set MENTOR_LOCAL_BASE_URL.",
                                provider=self.name, retryable=False)
        import openai

        self._openai = openai
        base = config.local_base_url if config.local_base_url.endswith("/v1") else config.local_base_url + "/v1"
        self.client = openai.OpenAI(base_url=base, api_key=config.local_api_key or "not-needed",
                                    timeout=config.timeout_s, max_retries=1)

    def stream(self, request: LLMRequest, usage: Usage) -> Iterator[str]:
        o = self._openai
        messages = [{"role": "system", "content": request.system}, *request.messages]
        produced = []
        try:
            chunks = self.client.chat.completions.create(
                model=self.model or "default", messages=messages, max_tokens=request.max_tokens, stream=True,
                stream_options={"include_usage": True},
            )
            for chunk in chunks:
                if chunk.usage:
                    usage.tokens_in = chunk.usage.prompt_tokens or 0
                    usage.tokens_out = chunk.usage.completion_tokens or 0
                for choice in chunk.choices or []:
                    text = choice.delta.content if choice.delta else None
                    if text:
                        produced.append(text)
                        yield text
        except o.APIStatusError as exc:
            raise ProviderError(f"The local model server answered HTTP {exc.status_code}.", provider=self.name,
                                status=exc.status_code) from None
        except o.APITimeoutError:
            raise ProviderError(f"The local model did not answer within {self.config.timeout_s:.0f} s.",
                                provider=self.name) from None
        except o.APIConnectionError:
            raise ProviderError(f"Cannot reach the local model server at {self.config.local_base_url}.",
                                provider=self.name) from None
        if not usage.tokens_in:  # some servers do not report usage: estimate it
            usage.tokens_in = estimate_tokens(request.system + "".join(m["content"] for m in request.messages))
            usage.tokens_out = estimate_tokens("".join(produced))


def estimate_tokens(text: str) -> int:
    """About four characters a token for English prose."""
    return max(1, len(text) // 4)


class OfflineProvider(Provider):
    """No model: an extract of the most relevant sentences of the retrieved passages, each cited."""

    name = "offline"
    max_sentences = 6

    def __init__(self, config: Config, model: str = "extractive"):
        super().__init__(config, model)

    def stream(self, request: LLMRequest, usage: Usage) -> Iterator[str]:
        yield extractive_answer(request.question, request.passages, self.max_sentences)


def _sentences(text: str) -> list[str]:
    """Prose sentences of a passage; code blocks, tables and headings are left out."""
    out, in_fence = [], False
    for block in re.split(r"\n\s*\n", text):
        if block.lstrip().startswith(("```", "~~~")):
            in_fence = block.count("```") % 2 == 1 if not in_fence else block.count("```") % 2 == 0
            continue
        if in_fence or block.lstrip().startswith(("|", "#")):
            continue
        flat = " ".join(line.strip().lstrip("-*0123456789. ").strip() if line.strip().startswith(("-", "*"))
                        else line.strip() for line in block.splitlines())
        for s in SENTENCE.split(flat):
            linked = sum(len(m.group(1)) for m in MD_LINK.finditer(s))
            s = MD_LINK.sub(r"\1", s).replace("**", "").strip()
            # lines that are mostly cross-references ("see week 5") say where to read, not what is true
            if 6 <= len(s.split()) <= 80 and linked < 0.3 * len(s):
                out.append(s)
    return out


def extractive_answer(question: str, passages: list, max_sentences: int = 6) -> str:
    """Pick the sentences that best answer the question, keep them in passage order, cite each."""
    from . import embeddings

    if not passages:
        return ("The course material does not cover this, so there is nothing to quote. "
                "Try other words, or ask about a topic from the curriculum.")
    candidates = []  # (passage number, position, sentence)
    for n, hit in enumerate(passages, start=1):
        for pos, s in enumerate(_sentences(hit.text)):
            candidates.append((n, pos, s))
    if not candidates:
        candidates = [(n, 0, " ".join(hit.text.split())[:400]) for n, hit in enumerate(passages, start=1)]
    vectors = embeddings.embed([question] + [c[2] for c in candidates])
    sims = vectors[1:] @ vectors[0]
    # prefer the better-ranked passages a little, so the answer follows the reranker's judgement
    scored = [(float(sims[i]) - 0.02 * (c[0] - 1), i) for i, c in enumerate(candidates)]
    scored.sort(reverse=True)
    chosen, seen = [], set()
    for score, i in scored:
        n, pos, s = candidates[i]
        key = s.lower()[:80]
        if key in seen:
            continue
        if chosen and score < 0.25:
            break
        seen.add(key)
        chosen.append((n, pos, s))
        if len(chosen) >= max_sentences:
            break
    chosen.sort()
    lines = ["*Offline answer: an extract of the course material, no model was used.*", ""]
    for n in sorted({c[0] for c in chosen}):
        hit = passages[n - 1]
        where = hit.meta.get("heading") or hit.meta.get("title")
        lines.append(f"**From {hit.meta.get('title')}** ({where}):")
        lines.extend(f"- {s} [{n}]" for m, _, s in chosen if m == n)
        lines.append("")
    used = {c[0] for c in chosen}
    # unnumbered, so the citations list keeps only the passages quoted above
    more = [f"{h.meta.get('title')} ({h.meta.get('heading')})" if h.meta.get("heading") else str(h.meta.get("title"))
            for n, h in enumerate(passages, start=1) if n not in used]
    if more:
        lines.append("Read more: " + "; ".join(more[:3]))
    return "\n".join(lines).strip()
