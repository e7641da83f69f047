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
    tool: dict | None = None  # {"name", "description", "input_schema"}: the reply must be that tool's JSON input
    covered: bool = True  # False: the material does not cover the question
    earlier: list[str] = field(default_factory=list)  # earlier answers in the conversation, not to repeat


MAX_JSON_CHARS = 20_000  # a model answer longer than this is not parsed further (each "{" is a decode attempt)


def first_json_object(text: str) -> dict | None:
    """The first JSON object anywhere in the text (models wrap JSON in prose or code fences)."""
    decoder, text = json.JSONDecoder(), text[:MAX_JSON_CHARS]
    for m in re.finditer(r"\{", text):
        try:
            obj, _ = decoder.raw_decode(text, m.start())
        except ValueError:
            continue
        if isinstance(obj, dict):
            return obj
    return None


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

    def _json(self, request: LLMRequest, usage: Usage) -> str:
        """Tool use with an input schema, the tool forced: the reply is the tool's input, as JSON text."""
        kwargs = {"system": [{"type": "text", "text": request.system, "cache_control": {"type": "ephemeral"}}]} \
            if request.system else {}
        with self._errors():
            message = self.client.messages.create(
                model=self.model, max_tokens=request.max_tokens, messages=request.messages, tools=[request.tool],
                tool_choice={"type": "tool", "name": request.tool["name"]}, **kwargs)
        self._count(message.usage, usage)
        calls = [b.input for b in message.content if b.type == "tool_use" and b.name == request.tool["name"]]
        text = "".join(b.text for b in message.content if b.type == "text")
        return json.dumps(calls[0]) if calls else text

    def complete(self, request: LLMRequest) -> tuple[str, Usage]:
        """Plain requests stream; a request with a tool forces that tool and returns its input as JSON text."""
        if request.tool is None:
            return super().complete(request)
        usage = Usage()
        return self._json(request, usage), usage

    def stream(self, request: LLMRequest, usage: Usage) -> Iterator[str]:
        if request.tool is not None:  # a JSON reply arrives whole
            yield self._json(request, usage)
            return
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
        messages = [{"role": "system", "content": request.system}] if request.system else []
        messages += request.messages
        produced = []
        try:
            if request.tool:  # OpenAI-compatible JSON mode; the schema is spelled out in the prompt
                reply = self.client.chat.completions.create(
                    model=self.model or "default", messages=messages, max_tokens=request.max_tokens,
                    response_format={"type": "json_object"})
                if reply.usage:
                    usage.tokens_in, usage.tokens_out = reply.usage.prompt_tokens, reply.usage.completion_tokens
                text = (reply.choices[0].message.content or "") if reply.choices else ""
                produced.append(text)
                yield text
                chunks = []
            else:
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
    """No model: an answer composed from the retrieved passages' own sentences, each cited (see offline.py)."""

    name = "offline"

    def __init__(self, config: Config, model: str = "extractive"):
        super().__init__(config, model)

    def stream(self, request: LLMRequest, usage: Usage) -> Iterator[str]:
        from .offline import compose

        yield from compose(request.question, request.passages, covered=request.covered, earlier=request.earlier,
                           corpus_dir=self.config.corpus_dir)
