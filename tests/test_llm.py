"""The providers against loopback servers that speak the real wire protocols to the real SDKs."""

from __future__ import annotations

import re
import socket
from types import SimpleNamespace

import pytest

from mentor.config import Config
from mentor.errors import NeedsKeyError, ProviderError
from mentor.llm import AnthropicProvider, LLMRequest, LocalProvider, OfflineProvider, Usage, estimate_tokens
from tests.servers import AnthropicServer, Reply

# the `anthropic_server` and `openai_server` fixtures come from tests/servers.py through tests/conftest.py

KEY = "sk-ant-test-123"
SYSTEM = "You are a patient mentor for engineers who want to become software architects. " * 20
ANSWER = "Ports and adapters keep the domain free of frameworks [1]. Adapters change, the core stays [2]."


@pytest.fixture(autouse=True)
def _no_real_provider_env(monkeypatch):
    # the SDKs fall back to these; a developer's own settings must not leak into the tests
    for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL", "OPENAI_API_KEY",
                 "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def request(question: str = "What is hexagonal architecture?") -> LLMRequest:
    return LLMRequest(system=SYSTEM, messages=[{"role": "user", "content": question}], question=question,
                      max_tokens=300)


def claude(server: AnthropicServer, tmp_path, **env) -> AnthropicProvider:
    config = Config.from_env({"MENTOR_HOME": str(tmp_path), "ANTHROPIC_API_KEY": KEY,
                              "ANTHROPIC_BASE_URL": server.base_url, **env})
    return AnthropicProvider(config, model="claude-haiku-5-5")


def local(base_url: str, tmp_path, **env) -> LocalProvider:
    config = Config.from_env({"MENTOR_HOME": str(tmp_path), "MENTOR_LOCAL_BASE_URL": base_url,
                              "MENTOR_LOCAL_MODEL": "tiny", **env})
    return LocalProvider(config)


def raised_text(exc: BaseException) -> str:
    """The exception and everything chained to it, as a traceback would show them."""
    parts, seen = [], set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        parts += [str(exc), repr(exc), repr(getattr(exc, "body", ""))]
        exc = exc.__cause__ or exc.__context__
    return "\n".join(parts)


# Anthropic


def test_anthropic_streams_the_text_in_order(anthropic_server, tmp_path):
    anthropic_server.enqueue(ANSWER)
    chunks = list(claude(anthropic_server, tmp_path).stream(request(), Usage()))
    assert len(chunks) > 3  # it really streamed, piece by piece
    assert "".join(chunks) == ANSWER
    [sent] = anthropic_server.requests
    assert (sent.method, sent.path) == ("POST", "/v1/messages")
    assert sent.body["stream"] is True
    assert sent.body["model"] == "claude-haiku-5-5"
    assert sent.body["max_tokens"] == 300
    assert sent.body["messages"] == [{"role": "user", "content": "What is hexagonal architecture?"}]


def test_anthropic_marks_the_system_prompt_for_caching_and_reads_cache_usage(anthropic_server, tmp_path):
    provider = claude(anthropic_server, tmp_path)
    first, second = Usage(), Usage()
    assert "".join(provider.stream(request(), first)) == "Answer citing [1]."
    "".join(provider.stream(request("And a port?"), second))

    for sent in anthropic_server.requests:
        assert sent.body["system"] == [{"type": "text", "text": SYSTEM, "cache_control": {"type": "ephemeral"}}]
    reported = [r.usage for r in anthropic_server.requests]
    # first call writes the cache, the second reads it; tokens_in counts cached and uncached input alike
    assert first.cache_write == reported[0]["cache_creation_input_tokens"] > 0
    assert first.cache_read == 0
    assert second.cache_read == reported[1]["cache_read_input_tokens"] == first.cache_write
    assert second.cache_write == 0
    for usage, rep in zip((first, second), reported, strict=True):
        assert usage.tokens_in == (rep["input_tokens"] + rep["cache_read_input_tokens"]
                                   + rep["cache_creation_input_tokens"])
        assert usage.tokens_out == rep["output_tokens"] > 0


def test_anthropic_sends_the_key_as_the_sdk_does_and_never_shows_it(anthropic_server, tmp_path):
    provider = claude(anthropic_server, tmp_path)
    provider.complete(request())
    headers = anthropic_server.requests[0].headers
    assert headers.get("x-api-key") == KEY or headers.get("authorization") == f"Bearer {KEY}"
    assert KEY not in anthropic_server.requests[0].text  # in a header, never in the body

    anthropic_server.enqueue(*[401] * 5)
    with pytest.raises(ProviderError) as caught:
        provider.complete(request())
    assert caught.value.status == 401
    assert KEY not in raised_text(caught.value)


@pytest.mark.parametrize("status, says", [(529, "overloaded"), (429, "rate-limiting")])
def test_anthropic_gives_up_after_the_sdk_retries(anthropic_server, tmp_path, status, says):
    anthropic_server.enqueue(*[status] * 5)
    with pytest.raises(ProviderError) as caught:
        claude(anthropic_server, tmp_path).complete(request())
    assert len(anthropic_server.requests) == 1 + AnthropicProvider.max_retries
    assert caught.value.status == status
    assert caught.value.retryable
    assert caught.value.provider == "anthropic"
    assert says in str(caught.value)
    assert KEY not in raised_text(caught.value)


@pytest.mark.parametrize("status", [529, 429])
def test_anthropic_recovers_when_a_retry_succeeds(anthropic_server, tmp_path, status):
    anthropic_server.enqueue(status, ANSWER)
    text, usage = claude(anthropic_server, tmp_path).complete(request())
    assert text == ANSWER
    assert usage.tokens_out > 0
    assert len(anthropic_server.requests) == 2


def test_anthropic_timeout_is_a_provider_error(anthropic_server, tmp_path, monkeypatch):
    # one attempt is enough to see the timeout mapped; the SDK's retries would only make the test slower
    monkeypatch.setattr(AnthropicProvider, "max_retries", 0)
    anthropic_server.enqueue(Reply(delay=5))
    with pytest.raises(ProviderError) as caught:
        claude(anthropic_server, tmp_path, MENTOR_TIMEOUT_S="1").complete(request())
    assert "did not answer within 1 s" in str(caught.value)
    assert caught.value.provider == "anthropic"
    assert len(anthropic_server.requests) == 1


def test_anthropic_needs_a_key(tmp_path):
    with pytest.raises(NeedsKeyError, match="ANTHROPIC_API_KEY"):
        AnthropicProvider(Config.from_env({"MENTOR_HOME": str(tmp_path)}))


# local, OpenAI-compatible


def test_local_streams_and_reads_usage(openai_server, tmp_path):
    openai_server.enqueue(ANSWER)
    usage = Usage()
    chunks = list(local(openai_server.base_url, tmp_path).stream(request(), usage))
    assert len(chunks) > 3
    assert "".join(chunks) == ANSWER
    [sent] = openai_server.requests
    assert (sent.method, sent.path) == ("POST", "/v1/chat/completions")
    assert sent.body["model"] == "tiny"
    assert sent.body["stream"] is True
    assert sent.body["stream_options"] == {"include_usage": True}
    assert sent.body["messages"][0] == {"role": "system", "content": SYSTEM}
    assert (usage.tokens_in, usage.tokens_out) == (sent.usage["prompt_tokens"], sent.usage["completion_tokens"])


def test_local_accepts_a_base_url_ending_in_v1(openai_server, tmp_path):
    text, _ = local(openai_server.base_url + "/v1", tmp_path).complete(request())
    assert text == "Answer citing [1]."
    assert openai_server.requests[0].path == "/v1/chat/completions"


def test_local_estimates_usage_when_the_server_reports_none(openai_server, tmp_path):
    openai_server.enqueue(Reply(text=ANSWER, usage=False))
    text, usage = local(openai_server.base_url, tmp_path).complete(request())
    assert text == ANSWER
    assert openai_server.requests[0].usage is None
    assert usage.tokens_in == estimate_tokens(SYSTEM + "What is hexagonal architecture?")
    assert usage.tokens_out == estimate_tokens(ANSWER)


def test_local_server_error_is_a_provider_error(openai_server, tmp_path):
    openai_server.enqueue(500, 500, 500)
    with pytest.raises(ProviderError) as caught:
        local(openai_server.base_url, tmp_path).complete(request())
    assert caught.value.status == 500
    assert "HTTP 500" in str(caught.value)
    assert len(openai_server.requests) == 2  # LocalProvider lets the SDK retry once


def test_local_unreachable_server_is_a_provider_error(tmp_path):
    with socket.socket() as s:  # a port that was free a moment ago and has nobody listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ProviderError, match="Cannot reach the local model server") as caught:
        local(f"http://127.0.0.1:{port}", tmp_path).complete(request())
    assert f"127.0.0.1:{port}" in str(caught.value)


def test_local_needs_a_base_url(tmp_path):
    with pytest.raises(ProviderError, match="MENTOR_LOCAL_BASE_URL"):
        LocalProvider(Config.from_env({"MENTOR_HOME": str(tmp_path)}))


def test_openai_server_lists_models(openai_server):
    import openai

    client = openai.OpenAI(api_key="not-needed", base_url=openai_server.base_url + "/v1", max_retries=0)
    assert [m.id for m in client.models.list()] == ["tiny"]


# offline

PASSAGES = [
    SimpleNamespace(
        text=("Hexagonal architecture puts the domain at the centre and keeps frameworks at the edge.\n\n"
              "Ports are interfaces the domain owns, and adapters implement them for a database or a queue. "
              "Because the core depends only on its ports, you can test it without any infrastructure.\n\n"
              "```python\nclass OrderRepository(Protocol): ...\n```"),
        meta={"title": "Week 3: Hexagonal architecture", "heading": "Ports and adapters", "source": "week03.md",
              "week": 3},
    ),
    SimpleNamespace(
        text=("A layered architecture lets each layer call only the layer directly below it. "
              "Teams often let the layers leak, so the domain ends up importing the web framework."),
        meta={"title": "Week 2: Layers", "heading": "Layered architecture", "source": "week02.md", "week": 2},
    ),
]


def test_offline_answer_quotes_only_the_passages_and_cites_them(tmp_path):
    provider = OfflineProvider(Config.from_env({"MENTOR_HOME": str(tmp_path)}))
    req = LLMRequest(system="", messages=[], question="What are ports and adapters?", passages=PASSAGES)
    answer, _ = provider.complete(req)

    assert answer.startswith("*Offline answer: an extract of the course material")
    quoted = [line for line in answer.splitlines()[1:] if line.strip() and not line.startswith("Read next")]
    assert quoted
    for line in quoted:
        m = re.fullmatch(r"(?:- )?(.+) \[(\d+)\]", line)
        assert m, line
        sentence, n = m.group(1), int(m.group(2))
        assert 1 <= n <= len(PASSAGES)
        assert sentence in " ".join(PASSAGES[n - 1].text.split()), sentence
    assert "[1]" in answer
    assert "class OrderRepository" not in answer  # code is not prose


def test_offline_without_passages_says_the_material_does_not_cover_it(tmp_path):
    provider = OfflineProvider(Config.from_env({"MENTOR_HOME": str(tmp_path)}))
    answer, _ = provider.complete(LLMRequest(system="", messages=[], question="How do I bake bread?"))
    assert "does not cover" in answer
    assert "[1]" not in answer


def test_offline_extract_skips_cross_reference_lines():
    from mentor.extracts import prose_units

    text = ("The outbox table is written in the same transaction as the business change.\n\n"
            "- [Week 5: Message queues](../week-05/lesson.md) and [Week 7: Databases](../week-07/lesson.md) use it.")
    assert [s for _, _, s in prose_units(text)] == [
        "The outbox table is written in the same transaction as the business change."]
