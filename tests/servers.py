"""Loopback stand-ins for the model providers, speaking their real wire protocols to the real SDKs.

    with AnthropicServer() as server:
        server.enqueue("First answer.", 529, Reply(delay=3))
        client = anthropic.Anthropic(api_key="sk-ant-test-123", base_url=server.base_url)
        ...
        assert server.requests[0].body["system"][0]["cache_control"] == {"type": "ephemeral"}

A request that forces a tool (`tool_choice: {"type": "tool", "name": ...}`) is answered with a `tool_use` block
whose input is the scripted text parsed as JSON.

Scripted replies are consumed one per request; when the queue is empty the server answers `DEFAULT_TEXT`.
A reply is a `str` (an answer), an `int` (an error status with the provider's documented error body) or a
`Reply` for anything else (a delay before answering, an answer without usage).

Import the fixtures into tests/conftest.py with
`from tests.servers import anthropic_server, openai_server  # noqa: F401`.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest

DEFAULT_TEXT = "Answer citing [1]."
# Both SDKs honour `retry-after-ms` before `retry-after`, but only a value above zero: `retry-after: 0`
# falls back to their exponential backoff (0.5 s, 1 s, ...), so errors say "retry after 1 ms".
RETRY_AFTER_MS = "1"

ANTHROPIC_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}
OPENAI_ERROR_TYPES = {400: "invalid_request_error", 401: "invalid_request_error", 404: "invalid_request_error",
                      429: "rate_limit_exceeded"}


@dataclass
class Reply:
    """One scripted answer: text, or an error `status`; `delay` seconds pass before anything is sent."""

    text: str | None = None
    status: int = 200
    delay: float = 0.0
    usage: bool = True  # False: an OpenAI-compatible server that reports no usage
    message: str = ""  # the error message, for error statuses
    fail_midway: bool = False  # Anthropic: an `error` event (overloaded) after the first piece of text
    tool_input: dict | None = None  # Anthropic: answer with a `tool_use` block calling the request's first tool
    pace: float = 0.0  # seconds between streamed pieces of text (a model that writes slowly)


@dataclass
class Recorded:
    """What one request carried: exactly what left the machine."""

    method: str
    path: str
    query: str
    headers: dict[str, str]  # names lower-cased
    raw: bytes
    body: Any  # parsed JSON, or None
    usage: dict | None = None  # the usage the server answered with, if it answered with any

    @property
    def text(self) -> str:
        """The raw body as text, to assert that something never left the machine."""
        return self.raw.decode("utf-8", "replace")


def estimate_tokens(text: str) -> int:
    """The servers' deterministic token count: four characters a token."""
    return max(1, len(text) // 4)


def split_for_streaming(text: str) -> list[str]:
    """Word-sized pieces that join back to exactly `text`."""
    return re.findall(r"\s*\S+\s*", text) or [text]


def content_text(content: Any) -> str:
    """The text of a message's content or a system prompt: a string, or the text blocks joined."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(b.get("text", "") for b in content if isinstance(b, dict))
    return ""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # idle keep-alive connections must not hold up the fixture's teardown


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive and chunked transfer, as the SDKs' httpx expects
    timeout = 10  # an idle keep-alive connection ends after this many seconds
    fake: FakeServer  # set on the subclass each server makes

    def do_GET(self):
        self._handle()

    def do_POST(self):
        self._handle()

    def log_message(self, format, *args):  # noqa: A002 - the signature is BaseHTTPRequestHandler's
        pass  # quiet test output

    def _handle(self):
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        url = urlsplit(self.path)
        record = Recorded(self.command, url.path, url.query, {k.lower(): v for k, v in self.headers.items()}, raw,
                          body)
        reply = self.fake._record_and_next(record)
        try:
            if reply.delay and self.fake._stopping.wait(reply.delay):
                return  # the server is shutting down: the client has long given up
            self.fake._route(self, record, reply)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client timed out and hung up while we waited

    # helpers the servers answer with
    def send_json(self, status: int, payload: dict, headers: dict[str, str] | None = None):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def start_sse(self, headers: dict[str, str] | None = None):
        self.send_response(200)
        self.send_header("content-type", "text/event-stream; charset=utf-8")
        self.send_header("cache-control", "no-cache")
        self.send_header("transfer-encoding", "chunked")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()

    def send_chunk(self, data: bytes):
        """One HTTP chunk, flushed, so the client really receives the stream piece by piece."""
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def end_sse(self):
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


class FakeServer:
    """A ThreadingHTTPServer on 127.0.0.1 and a free port, with scripted replies and a record of requests."""

    def __init__(self):
        self._lock = threading.Lock()
        self._queue: deque[Reply] = deque()
        self._requests: list[Recorded] = []
        self._stopping = threading.Event()
        self._ids = itertools.count(1)
        handler = type(f"{type(self).__name__}Handler", (_Handler,), {"fake": self})
        self._httpd = _Server(("127.0.0.1", 0), handler)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def requests(self) -> list[Recorded]:
        with self._lock:
            return list(self._requests)

    def enqueue(self, *replies: str | int | Reply) -> None:
        """Script the next answers, in order: text (str), an error status (int), or a `Reply`."""
        coerced = []
        for r in replies:
            if isinstance(r, Reply):
                coerced.append(r)
            elif isinstance(r, str):
                coerced.append(Reply(text=r))
            elif isinstance(r, int) and not isinstance(r, bool):
                coerced.append(Reply(status=r))
            else:
                raise TypeError(f"enqueue() takes str, int or Reply, not {type(r).__name__}")
        with self._lock:
            self._queue.extend(coerced)

    def start(self) -> FakeServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=type(self).__name__, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _record_and_next(self, record: Recorded) -> Reply:
        with self._lock:
            self._requests.append(record)
            return self._queue.popleft() if self._queue else Reply()

    def _next_id(self) -> int:
        with self._lock:
            return next(self._ids)

    def _route(self, h: _Handler, record: Recorded, reply: Reply) -> None:
        raise NotImplementedError


class AnthropicServer(FakeServer):
    """`POST /v1/messages` as the Claude API answers it: a Message, or the SSE events of `stream: true`.

    Usage follows prompt caching: a system block marked with `cache_control` is written to the cache the first
    time its text is seen (`cache_creation_input_tokens`) and read from it afterwards (`cache_read_input_tokens`);
    `input_tokens` counts only the rest. (The real API caches only prompts above a minimum length.)
    """

    def __init__(self):
        super().__init__()
        self._cached: set[str] = set()

    def _route(self, h: _Handler, record: Recorded, reply: Reply) -> None:
        n = self._next_id()
        request_id = f"req_test_{n:04d}"
        if record.method != "POST" or record.path != "/v1/messages":
            return self._error(h, 404, f"{record.method} {record.path} not found", request_id)
        if reply.status != 200:
            return self._error(h, reply.status, reply.message, request_id)
        body = record.body if isinstance(record.body, dict) else {}
        text = DEFAULT_TEXT if reply.text is None else reply.text
        usage = self._usage(body, text)
        record.usage = usage
        message = {
            "id": f"msg_test_{n:04d}", "type": "message", "role": "assistant",
            "model": body.get("model", "claude-test"), "content": [{"type": "text", "text": text}],
            "stop_reason": "end_turn", "stop_sequence": None, "usage": usage,
        }
        if body.get("tools") and not body.get("stream"):  # tool use: the reply is a call of the forced tool
            name = (body.get("tool_choice") or {}).get("name") or body["tools"][0]["name"]
            data = reply.tool_input if reply.tool_input is not None else json.loads(text)
            message["content"] = [{"type": "tool_use", "id": f"toolu_test_{n:04d}", "name": name, "input": data}]
            message["stop_reason"] = "tool_use"
        if not body.get("stream"):
            return h.send_json(200, message, {"request-id": request_id})
        h.start_sse({"request-id": request_id})
        pieces = split_for_streaming(text)
        start = {**message, "content": [], "stop_reason": None, "usage": {**usage, "output_tokens": 1}}
        events = [
            ("message_start", {"type": "message_start", "message": start}),
            ("content_block_start", {"type": "content_block_start", "index": 0,
                                     "content_block": {"type": "text", "text": ""}}),
            ("ping", {"type": "ping"}),
            *(("content_block_delta", {"type": "content_block_delta", "index": 0,
                                       "delta": {"type": "text_delta", "text": p}}) for p in pieces),
            ("content_block_stop", {"type": "content_block_stop", "index": 0}),
            ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                               "usage": {"output_tokens": usage["output_tokens"]}}),
            ("message_stop", {"type": "message_stop"}),
        ]
        if reply.fail_midway:
            events = events[:4] + [("error", {"type": "error", "error": {"type": "overloaded_error",
                                                                         "message": "Overloaded"}})]
        for name, data in events:
            if name == "content_block_delta" and reply.pace and self._stopping.wait(reply.pace):
                return
            h.send_chunk(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode())
        h.end_sse()

    def _usage(self, body: dict, text: str) -> dict:
        system = body.get("system") or ""
        blocks = [{"type": "text", "text": system}] if isinstance(system, str) else list(system)
        system_tokens = estimate_tokens(content_text(blocks)) if blocks else 0
        message_tokens = estimate_tokens("".join(content_text(m.get("content")) for m in body.get("messages", [])))
        created = read = 0
        if any(isinstance(b, dict) and b.get("cache_control") for b in blocks):
            key = content_text(blocks)
            with self._lock:
                if key in self._cached:
                    read = system_tokens
                else:
                    self._cached.add(key)
                    created = system_tokens
        return {
            "input_tokens": message_tokens + (0 if created or read else system_tokens),
            "output_tokens": estimate_tokens(text),
            "cache_creation_input_tokens": created,
            "cache_read_input_tokens": read,
        }

    def _error(self, h: _Handler, status: int, message: str, request_id: str) -> None:
        kind = ANTHROPIC_ERROR_TYPES.get(status, "api_error")
        payload = {"type": "error", "error": {"type": kind, "message": message or kind.replace("_", " ").capitalize()},
                   "request_id": request_id}
        headers = {"request-id": request_id, "retry-after-ms": RETRY_AFTER_MS}
        if status == 429:
            headers["retry-after"] = "0"
        h.send_json(status, payload, headers)


class OpenAIServer(FakeServer):
    """An OpenAI-compatible server: `POST /v1/chat/completions` (plain and SSE) and `GET /v1/models`."""

    def __init__(self, models: tuple[str, ...] = ("tiny",)):
        super().__init__()
        self.models = models

    def _route(self, h: _Handler, record: Recorded, reply: Reply) -> None:
        n = self._next_id()
        if reply.status != 200:
            return self._error(h, reply.status, reply.message)
        if record.method == "GET" and record.path == "/v1/models":
            return h.send_json(200, {"object": "list", "data": [
                {"id": m, "object": "model", "created": 0, "owned_by": "tests"} for m in self.models]})
        if record.method != "POST" or record.path != "/v1/chat/completions":
            return self._error(h, 404, f"{record.method} {record.path} not found")
        body = record.body if isinstance(record.body, dict) else {}
        text = DEFAULT_TEXT if reply.text is None else reply.text
        prompt = estimate_tokens("".join(content_text(m.get("content")) for m in body.get("messages", [])))
        completion = estimate_tokens(text)
        usage = {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}
        base = {"id": f"chatcmpl-test{n:04d}", "created": int(time.time()), "model": body.get("model", "tiny"),
                "system_fingerprint": None}
        if not body.get("stream"):
            record.usage = usage if reply.usage else None
            answer = {**base, "object": "chat.completion", "choices": [{
                "index": 0, "message": {"role": "assistant", "content": text, "refusal": None},
                "logprobs": None, "finish_reason": "stop"}]}
            if reply.usage:
                answer["usage"] = usage
            return h.send_json(200, answer)
        with_usage = reply.usage and bool((body.get("stream_options") or {}).get("include_usage"))
        record.usage = usage if with_usage else None
        chunk = {**base, "object": "chat.completion.chunk"}
        if with_usage:
            chunk["usage"] = None  # documented: every chunk but the last carries a null usage

        def choice(delta: dict, finish: str | None = None) -> dict:
            return {**chunk, "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}

        chunks = [choice({"role": "assistant", "content": ""}),
                  *(choice({"content": p}) for p in split_for_streaming(text)),
                  choice({}, "stop")]
        if with_usage:
            chunks.append({**chunk, "choices": [], "usage": usage})
        h.start_sse()
        for c in chunks:
            if reply.pace and c.get("choices") and self._stopping.wait(reply.pace):
                return
            h.send_chunk(f"data: {json.dumps(c)}\n\n".encode())
        h.send_chunk(b"data: [DONE]\n\n")
        h.end_sse()

    def _error(self, h: _Handler, status: int, message: str) -> None:
        kind = OPENAI_ERROR_TYPES.get(status, "server_error")
        payload = {"error": {"message": message or f"HTTP {status} from the test server", "type": kind,
                             "param": None, "code": None}}
        headers = {"retry-after-ms": RETRY_AFTER_MS}
        if status == 429:
            headers["retry-after"] = "0"
        h.send_json(status, payload, headers)


@pytest.fixture
def anthropic_server():
    """A started `AnthropicServer`; point `ANTHROPIC_BASE_URL` at `.base_url`."""
    with AnthropicServer() as server:
        yield server


@pytest.fixture
def openai_server():
    """A started `OpenAIServer`; point `MENTOR_LOCAL_BASE_URL` at `.base_url` (with or without /v1)."""
    with OpenAIServer() as server:
        yield server
