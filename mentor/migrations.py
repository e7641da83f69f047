"""Named database migrations, applied once each and recorded in `_migrations`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlite_utils

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
