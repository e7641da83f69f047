"""Size limits on everything the learner stores and on every model request (tokens per request and per day).

A 2 MB reflection once became a 500k-token plan request: every text is checked where it is stored, and every
request where it leaves, so no path can send more than MAX_REQUEST_TOKENS or spend more than MAX_DAILY_TOKENS.
"""

from __future__ import annotations

from .errors import InputError, ProviderError
from .llm import estimate_tokens

MAX_REFLECTION_CHARS = 20_000  # each of went well, hard, questions: a long weekly essay fits
MAX_TOPIC_CHARS = 120
MAX_TOPICS = 60
MAX_FEEDBACK_CHARS = 2_000
MAX_MESSAGE_CHARS = 100_000  # a stored message (an imported one included); a question is capped at 20k
MAX_TITLE_CHARS = 200
MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_IMPORT_MESSAGES = 20_000
MAX_REQUEST_TOKENS = 40_000  # the prompt of one model call; ask uses ~6k, a full review ~25k
MAX_DAILY_TOKENS = 1_000_000  # cloud and local, in and out, all features together


def check_size(text: str, what: str, limit: int) -> str:
    """The text, or an InputError that says how long it is and what the limit is."""
    if len(text) > limit:
        raise InputError(f"The {what} has {len(text):,} characters; the limit is {limit:,}. Shorten it.")
    return text


def request_tokens(request) -> int:
    """An estimate of the prompt a request sends: system, messages and passages."""
    parts = [request.system or ""]
    for m in request.messages:
        c = m.get("content")
        parts.append(c if isinstance(c, str) else " ".join(b.get("text", "") for b in c or [] if isinstance(b, dict)))
    return estimate_tokens("\n".join(parts)) + (request.max_tokens or 0)


def check_request(request, tokens_today: int) -> None:
    """Refuse a request over the per-request or per-day token budget (the route is skipped, offline remains)."""
    n = request_tokens(request)
    if n > MAX_REQUEST_TOKENS:
        raise ProviderError(f"the request would use about {n:,} tokens, over the {MAX_REQUEST_TOKENS:,} per-request "
                            "limit", retryable=False)
    if tokens_today + n > MAX_DAILY_TOKENS:
        raise ProviderError(f"today's {MAX_DAILY_TOKENS:,}-token limit is reached ({tokens_today:,} used)",
                            retryable=False)
