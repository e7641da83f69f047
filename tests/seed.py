"""A database with a fortnight of realistic use, for the Insights page and the stats CLI: answers on several
routes (some from the cache), their traces, a review, feedback and redactions, all at known times."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

from mentor.store import Store

STAGES = [("save_question", 4.0), ("cache", 6.0), ("retrieve", 40.0), ("route", 0.4), ("generate", 900.0),
          ("cite", 0.2), ("save", 5.0)]
ROUTES = [("anthropic", "claude-haiku-5-5", "cheap", 0.0042), ("anthropic", "claude-sonnet-5-5", "strong", 0.0311),
          ("offline", "extractive", "offline", 0.0)]


def _id(*parts: object, n: int = 16) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:n]


def _span(trace_id: str, name: str, parent: str | None, start: datetime, ms: float, attrs: dict,
          message_id: int | None = None) -> dict:
    ns = int(start.timestamp() * 1e9)
    return {"span_id": _id(trace_id, name), "trace_id": trace_id, "parent_id": parent, "name": name,
            "start": start.isoformat(timespec="milliseconds"), "start_ns": ns, "duration_ms": ms, "status": "ok",
            "error": None, "attributes": json.dumps(attrs), "message_id": message_id}


def seed(store: Store, now: datetime | None = None, days: int = 14) -> dict:
    """Fill `store`; returns what was written (answer ids, totals) for the assertions."""
    if now is None:  # the newest answers come an hour before now, and in this month even in its first hours
        now = datetime.now(UTC)
        now = max(now, now.replace(day=1, hour=0, minute=0, second=0, microsecond=0) + timedelta(hours=2))
    answers, cost, spans = [], 0.0, []
    for day in range(days):
        when = now - timedelta(days=days - 1 - day, hours=1)
        cid = store.create_conversation()
        for k in range(2):
            provider, model, route, price = ROUTES[(day + k) % len(ROUTES)]
            cached = day % 5 == 4 and k == 1
            at = when + timedelta(minutes=10 * k)
            qid = store.add_message(cid, "user", f"Seeded question {day}-{k}", status="answered")
            aid = store.add_message(
                cid, "assistant", f"Seeded answer {day}-{k} [1].", provider=provider, model=model,
                route_reason="a short question does not need the strong model", tokens_in=0 if cached else 900,
                tokens_out=0 if cached else 150, cost_usd=0.0 if cached else price, latency_ms=960.0 + 10 * day,
                cached=cached, redactions={"EMAIL": 1} if provider == "anthropic" and k == 0 else {}, reply_to=qid)
            store.update_message(qid, created=at.isoformat(timespec="seconds"))
            store.update_message(aid, created=at.isoformat(timespec="seconds"))
            cost += 0.0 if cached else price
            answers.append(aid)
            trace_id = _id("trace", aid, n=32)
            root = _id(trace_id, "ask")
            offset = at
            stages = STAGES[:2] + STAGES[-1:] if cached else STAGES
            for name, ms in stages:
                attrs = {"mentor.hit": cached} if name == "cache" else {}
                if name == "retrieve":
                    attrs = {"mentor.sources": ["curriculum/week-06/lesson.md", "books/ddia/05-replication.md"],
                             "mentor.scores": [0.91, 0.47], "mentor.hits": 2}
                if name == "route":
                    attrs = {"mentor.chain": [route, "offline"], "mentor.reason": "a short question"}
                if name == "generate":
                    attrs = {"gen_ai.system": provider, "gen_ai.request.model": model,
                             "gen_ai.usage.input_tokens": 900, "gen_ai.usage.output_tokens": 150}
                spans.append(_span(trace_id, name, root, offset, ms + day, attrs))
                offset += timedelta(milliseconds=ms + day)
            spans.append(_span(trace_id, "ask", None, at, 960.0 + 10 * day, {
                "gen_ai.operation.name": "chat", "gen_ai.request.model": model, "mentor.route": route,
                "mentor.cache.hit": cached, "mentor.cost_usd": 0.0 if cached else price}, message_id=aid))
        if day % 3 == 0:
            store.add_feedback(answers[-2], 1)
            store.add_feedback(answers[-1], -1 if day % 2 else 1)
            with store.tx() as db:
                db.execute("update feedback set created = ? where message_id in (?, ?)",
                           [when.isoformat(timespec="seconds"), answers[-2], answers[-1]])
    review_at = now - timedelta(hours=2)
    trace_id = _id("review", n=32)
    spans.append(_span(trace_id, "review", None, review_at, 2100.0, {"mentor.cost_usd": 0.05,
                                                                      "gen_ai.request.model": "claude-sonnet-5-5"}))
    store.add_spans(spans)
    return {"answers": answers, "cost_usd": round(cost + 0.05, 6), "review_trace": trace_id}
