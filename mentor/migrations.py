"""Named database migrations, applied once each and recorded in `_migrations`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from .imports import import_without

sqlite_utils = import_without("sqlite_utils", "pandas")

MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = []


def migration(fn: Callable[[sqlite_utils.Database], None]):
    MIGRATIONS.append(fn)
    return fn


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Apply pending migrations in order; returns the names applied now."""
    db["_migrations"].create({"name": str, "applied_at": str}, pk="name", if_not_exists=True)
    done = {row["name"] for row in db["_migrations"].rows}
    applied = []
    for fn in MIGRATIONS:
        if fn.__name__ in done:
            continue
        with db.conn:
            fn(db)
            db["_migrations"].insert({"name": fn.__name__, "applied_at": datetime.now(UTC).isoformat()})
        applied.append(fn.__name__)
    return applied


@migration
def m001_initial(db: sqlite_utils.Database) -> None:
    db["conversations"].create(
        {"id": int, "title": str, "created": str, "updated": str}, pk="id"
    )
    db["messages"].create(
        {
            "id": int,
            "conversation_id": int,
            "role": str,  # user | assistant
            "content": str,
            "mode": str,  # ask | review | plan
            "status": str,  # pending | answered | failed | ok
            "error": str,
            "citations": str,  # JSON list
            "provider": str,
            "model": str,
            "route_reason": str,
            "tokens_in": int,
            "tokens_out": int,
            "cost_usd": float,
            "latency_ms": float,
            "cached": int,
            "redactions": str,  # JSON object type -> count
            "reply_to": int,
            "created": str,
        },
        pk="id",
        foreign_keys=[("conversation_id", "conversations", "id")],
    )
    db["messages"].create_index(["conversation_id", "id"])
    db["messages"].enable_fts(["content"], create_triggers=True, tokenize="porter")
    db["reflections"].create(
        {
            "id": int,
            "week": int,
            "went_well": str,
            "hard": str,
            "questions": str,
            "confidence": str,  # JSON object topic -> 1..5
            "created": str,
            "updated": str,
        },
        pk="id",
    )
    db["reflections"].create_index(["week"])
    db["progress"].create({"item": str, "done": int, "done_at": str}, pk="item")
    db["plans"].create({"id": int, "week": int, "created": str, "plan": str, "provider": str}, pk="id")
    db["reviews"].create(
        {"id": int, "created": str, "title": str, "language": str, "code": str, "result": str, "provider": str},
        pk="id",
    )
    db["feedback"].create(
        {"id": int, "message_id": int, "rating": int, "reason": str, "created": str},
        pk="id",
        foreign_keys=[("message_id", "messages", "id")],
    )
    db["settings"].create({"key": str, "value": str}, pk="key")


@migration
def m002_traces(db: sqlite_utils.Database) -> None:
    db["traces"].create(
        {"id": int, "message_id": int, "stage": str, "ms": float, "data": str, "created": str}, pk="id"
    )
    db["traces"].create_index(["message_id"])


@migration
def m003_semantic_cache(db: sqlite_utils.Database) -> None:
    # no foreign key to messages: deleting a conversation must not fail; the cache drops dangling rows itself
    db["semantic_cache"].create(
        {"id": int, "question": str, "mode": str, "corpus_version": str, "message_id": int, "embedding": bytes,
         "key_terms": str, "created": str},  # key_terms: JSON from mentor.cache.analyse()
        pk="id",
    )
    db["semantic_cache"].create_index(["mode", "corpus_version"])


@migration
def m004_quiz_cards(db: sqlite_utils.Database) -> None:
    # one FSRS card per quiz question (card: fsrs.Card.to_json()); due is ISO UTC so it sorts as text
    db["quiz_cards"].create({"id": str, "week": int, "concept": str, "card": str, "due": str, "created": str,
                             "updated": str}, pk="id")
    db["quiz_cards"].create_index(["due"])
    db["quiz_reviews"].create({"id": int, "card_id": str, "rating": str, "answer": str, "model_rating": str,
                               "feedback": str, "reviewed": str}, pk="id")
    db["quiz_reviews"].create_index(["card_id"])


@migration
def m005_cache_verified(db: sqlite_utils.Database) -> None:
    # the cache compares normalised questions exactly and verifies the rest with a model: no word analysis kept
    from .cache import normalise

    table = db["semantic_cache"]
    table.add_column("normalised", str)
    for row in list(table.rows):
        table.update(row["id"], {"normalised": normalise(row["question"])})
    table.transform(drop={"key_terms"})
    table.create_index(["mode", "corpus_version", "normalised"])


# the attribute names of the old `traces.data` column in the spans' vocabulary; "query" (learner text) is dropped
_LEGACY_KEYS = {"tokens_in": "gen_ai.usage.input_tokens", "tokens_out": "gen_ai.usage.output_tokens",
                "model": "gen_ai.request.model", "route": "mentor.route", "cost_usd": "mentor.cost_usd",
                "reason": "mentor.route.reason", "hit": "mentor.cache.hit", "hits": "mentor.retrieval.hits"}


@migration
def m006_otel_spans(db: sqlite_utils.Database) -> None:
    """OpenTelemetry spans replace the stage timings of `traces`, which become one synthetic trace per answer."""
    import hashlib
    import json

    db["spans"].create(
        {"span_id": str, "trace_id": str, "parent_id": str, "name": str, "start": str, "start_ns": int,
         "duration_ms": float, "status": str, "error": str, "attributes": str, "message_id": int},
        pk="span_id",
    )
    db["spans"].create_index(["trace_id"])
    db["spans"].create_index(["message_id"])
    db["spans"].create_index(["parent_id", "start"])
    if "traces" not in db.table_names():
        return
    groups: dict[object, list[dict]] = {}
    for row in db.query("select * from traces order by id"):
        key = row["message_id"] if row["message_id"] is not None else f"solo-{row['id']}"
        groups.setdefault(key, []).append(row)
    rows = []
    for key, stages in groups.items():
        trace_id = hashlib.sha256(f"legacy:{key}".encode()).hexdigest()[:32]
        start = datetime.fromisoformat(stages[0]["created"])
        start_ns = int(start.timestamp() * 1e9)
        solo = not isinstance(key, int)
        name = ("plan" if stages[0]["stage"] == "plan-advice" else stages[0]["stage"]) if solo else "ask"
        total = sum(s["ms"] or 0 for s in stages)
        root = {"span_id": trace_id[:16], "trace_id": trace_id, "parent_id": None, "name": name,
                "start": start.isoformat(timespec="milliseconds"), "start_ns": start_ns, "duration_ms": total,
                "status": "ok", "error": None, "message_id": None if solo else key}
        attrs: dict = {"mentor.legacy": True, "gen_ai.operation.name": name}
        offset = 0.0
        for n, s in enumerate(stages):
            data = {_LEGACY_KEYS.get(k, f"mentor.{k}"): v for k, v in json.loads(s["data"] or "{}").items()
                    if k != "query" and isinstance(v, (str, int, float, bool))}
            if solo:
                attrs.update(data)
                continue
            attrs.update({k: v for k, v in data.items() if k in ("mentor.cost_usd", "gen_ai.request.model")})
            rows.append({"span_id": hashlib.sha256(f"{trace_id}:{n}".encode()).hexdigest()[:16],
                         "trace_id": trace_id, "parent_id": root["span_id"], "name": s["stage"],
                         "start": root["start"], "start_ns": start_ns + int(offset * 1e6),
                         "duration_ms": s["ms"], "status": "error" if "error" in data else "ok",
                         "error": None, "attributes": json.dumps(data), "message_id": None})
            offset += s["ms"] or 0
        rows.append({**root, "attributes": json.dumps(attrs)})
    db["spans"].insert_all(rows)
    db["traces"].drop()
