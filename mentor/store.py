"""History in SQLite: conversations, messages, reflections, progress, plans, reviews, feedback, spans.

Each thread gets its own connection (Streamlit runs scripts on several threads); WAL mode and a busy
timeout let the UI and the CLI use the same database at once.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import limits
from .errors import InputError, MentorError, StoreBusyError
from .imports import import_without
from .limits import check_size
from .migrations import migrate

sqlite_utils = import_without("sqlite_utils", "pandas")

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
# SQLite lets one writer in at a time; threads of this process queue here instead of failing on a
# read-to-write lock upgrade, and other processes wait up to BUSY_TIMEOUT_MS.
_WRITE_LOCK = threading.RLock()
JSON_FIELDS = ("citations", "redactions", "confidence", "plan", "result", "data")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    for key in JSON_FIELDS:
        if isinstance(row.get(key), str):
            try:
                row[key] = json.loads(row[key])
            except ValueError:
                pass
    return row


def _busy(exc: sqlite3.DatabaseError) -> MentorError:
    if "locked" in str(exc) or "busy" in str(exc):
        return StoreBusyError(
            "The history database is locked by another program (waited "
            f"{BUSY_TIMEOUT_MS / 1000:.0f} s). Close it or try again; nothing was lost."
        )
    return MentorError(f"The history database failed: {exc}")


class Store:
    """The learner's history, in one SQLite file."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._local = threading.local()
        self._listeners: list = []
        try:
            if str(self.path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
                if self.path.is_file() and self.path.stat().st_size == 0:
                    # SQLite would silently start a new history in it; a truncated file deserves a look first
                    raise MentorError(f"The history database {self.path} is empty (0 bytes): it may have been "
                                      "truncated. Restore it from a backup, or move it away to start afresh.")
            migrate(self.db)
        except sqlite3.DatabaseError as exc:
            raise MentorError(f"The history database {self.path} cannot be used ({exc}). Restore it from a backup, "
                              "or move it away to start afresh; nothing was changed.") from None
        except OSError as exc:
            raise MentorError(f"The data folder {self.path.parent} cannot be used ({exc.strerror or exc}); "
                              "set MENTOR_HOME to a folder you can write to.") from None

    @property
    def db(self) -> sqlite_utils.Database:
        db = getattr(self._local, "db", None)
        if db is None:
            conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA foreign_keys = ON")
            db = sqlite_utils.Database(conn)
            self._local.db = db
        return db

    @contextmanager
    def tx(self) -> Iterator[sqlite_utils.Database]:
        db = self.db
        if not _WRITE_LOCK.acquire(blocking=False):
            # another thread is writing: say how long this one queued (the load test counts these lines)
            t = time.perf_counter()
            _WRITE_LOCK.acquire()
            log.info("lock wait: %.1f ms for the history database's write lock", (time.perf_counter() - t) * 1000)
        try:
            with db.conn:
                yield db
        except sqlite3.DatabaseError as exc:
            raise _busy(exc) from exc
        finally:
            _WRITE_LOCK.release()

    def on_reflection_saved(self, callback) -> None:
        """Register a callback(reflection_dict) run after a reflection is saved (used by the index)."""
        self._listeners.append(callback)

    # conversations -----------------------------------------------------------------------------
    def create_conversation(self, title: str = "New conversation") -> int:
        with self.tx() as db:
            return db["conversations"].insert({"title": title, "created": now(), "updated": now()}).last_pk

    def conversations(self) -> list[dict]:
        return list(self.db.query("select * from conversations order by updated desc, id desc"))

    def conversation(self, conversation_id: int) -> dict:
        try:
            return self.db["conversations"].get(conversation_id)
        except sqlite_utils.db.NotFoundError:
            raise InputError(f"There is no conversation {conversation_id}.") from None

    def rename_conversation(self, conversation_id: int, title: str) -> None:
        title = title.strip()
        if not title:
            raise InputError("A conversation needs a title.")
        self.conversation(conversation_id)
        with self.tx() as db:
            db["conversations"].update(conversation_id, {"title": title[:200], "updated": now()})

    def delete_conversation(self, conversation_id: int) -> None:
        self.conversation(conversation_id)
        with self.tx() as db:
            ids = [r["id"] for r in db.query("select id from messages where conversation_id = ?", [conversation_id])]
            if ids:
                marks = ",".join("?" * len(ids))
                db.execute(f"delete from feedback where message_id in ({marks})", ids)
                db.execute(f"delete from spans where trace_id in (select trace_id from spans where message_id in "
                           f"({marks}))", ids)
            if ids and "semantic_cache" in db.table_names():
                db.execute(f"delete from semantic_cache where message_id in ({marks})", ids)
            db.execute("delete from messages where conversation_id = ?", [conversation_id])
            db["conversations"].delete(conversation_id)

    # messages ----------------------------------------------------------------------------------
    def add_message(self, conversation_id: int, role: str, content: str, **fields: Any) -> int:
        row = {
            "conversation_id": conversation_id,
            "role": role,
            "content": content,
            "mode": fields.pop("mode", "ask"),
            "status": fields.pop("status", "pending" if role == "user" else "ok"),
            "cached": int(bool(fields.pop("cached", False))),
            "created": now(),
        }
        for key, value in fields.items():
            row[key] = json.dumps(value) if key in JSON_FIELDS else value
        with self.tx() as db:
            pk = db["messages"].insert(row).last_pk
            conv = db["conversations"].get(conversation_id)
            update = {"updated": now()}
            if role == "user" and conv["title"] == "New conversation":
                update["title"] = " ".join(content.split())[:60] or conv["title"]
            db["conversations"].update(conversation_id, update)
        return pk

    def import_conversations(self, conversations: list[tuple[str, list[dict]]]) -> list[int]:
        """New conversations with their messages, in one transaction: all of them or, on any error, none."""
        ids = []
        with self.tx() as db:
            for title, messages in conversations:
                cid = db["conversations"].insert({"title": title[:200], "created": now(), "updated": now()}).last_pk
                rows = [{"conversation_id": cid, "created": now(), "status": "ok", **{
                    k: json.dumps(v) if k in JSON_FIELDS else int(v) if k == "cached" else v
                    for k, v in m.items()}} for m in messages]
                if rows:
                    db["messages"].insert_all(rows, alter=False)
                ids.append(cid)
        return ids

    def update_message(self, message_id: int, **fields: Any) -> None:
        row = {k: (json.dumps(v) if k in JSON_FIELDS else v) for k, v in fields.items()}
        if "cached" in row:
            row["cached"] = int(bool(row["cached"]))
        with self.tx() as db:
            db["messages"].update(message_id, row)

    def message(self, message_id: int) -> dict:
        return _decode(self.db["messages"].get(message_id))

    def messages(self, conversation_id: int) -> list[dict]:
        rows = self.db.query("select * from messages where conversation_id = ? order by id", [conversation_id])
        return [_decode(r) for r in rows]

    def search(self, query: str, limit: int = 50, marks: tuple[str, str] = ("[", "]")) -> list[dict]:
        """Full-text search over every message, best matches first; `snippet` wraps matches in `marks`."""
        terms = [t for t in "".join(c if c.isalnum() else " " for c in query).split() if t]
        if not terms:
            return []
        fts = " ".join(f'"{t}"' for t in terms)
        sql = """
            select messages.*, conversations.title as conversation_title,
                   snippet(messages_fts, 0, ?, ?, ' … ', 12) as snippet
            from messages_fts
            join messages on messages.rowid = messages_fts.rowid
            join conversations on conversations.id = messages.conversation_id
            where messages_fts match ? order by rank limit ?
        """
        return [_decode(r) for r in self.db.query(sql, [*marks, fts, limit])]

    def month_cost(self, month: str | None = None) -> float:
        """Cloud spend this month: answers, plus reviews, plans, quizzes and hints (recorded on their root spans)."""
        month = month or now()[:7]
        row = next(self.db.query(
            "select coalesce(sum(cost_usd), 0) as c from messages where substr(created, 1, 7) = ? "
            "and coalesce(mode, '') != 'imported'", [month]  # an imported conversation was paid for elsewhere
        ))
        other = next(self.db.query(
            "select coalesce(sum(json_extract(attributes, '$.\"mentor.cost_usd\"')), 0) as c from spans "
            "where parent_id is null and name != 'ask' and substr(start, 1, 7) = ?", [month]
        ))
        return float(row["c"]) + float(other["c"])

    def tokens_today(self) -> int:
        """Model tokens (in and out) used today, UTC: answers, plus reviews, plans, quizzes and hints (root spans)."""
        day = now()[:10]
        row = next(self.db.query(
            "select coalesce(sum(coalesce(tokens_in, 0) + coalesce(tokens_out, 0)), 0) as n from messages "
            "where substr(created, 1, 10) = ? and coalesce(mode, '') != 'imported'", [day]))
        other = next(self.db.query(
            "select coalesce(sum(coalesce(json_extract(attributes, '$.\"gen_ai.usage.input_tokens\"'), 0) + "
            "coalesce(json_extract(attributes, '$.\"gen_ai.usage.output_tokens\"'), 0)), 0) as n from spans "
            "where parent_id is null and name != 'ask' and substr(start, 1, 10) = ?", [day]))
        return int(row["n"]) + int(other["n"])

    # feedback and traces -----------------------------------------------------------------------
    def add_feedback(self, message_id: int, rating: int, reason: str = "") -> int:
        if rating not in (-1, 1):
            raise InputError("Feedback is thumbs up (1) or down (-1).")
        check_size(reason or "", "feedback", limits.MAX_FEEDBACK_CHARS)
        with self.tx() as db:
            if rating == -1 and "semantic_cache" in db.table_names():
                # a disliked answer is never served again from the cache, whether it is the original or a copy
                db.execute("delete from semantic_cache where message_id in (select id from messages where role = "
                           "'assistant' and content = (select content from messages where id = ?))", [message_id])
            db.execute("delete from feedback where message_id = ?", [message_id])
            return db["feedback"].insert(
                {"message_id": message_id, "rating": rating, "reason": reason.strip(), "created": now()}
            ).last_pk

    def feedback(self, message_id: int) -> dict | None:
        rows = list(self.db.query("select * from feedback where message_id = ?", [message_id]))
        return rows[0] if rows else None

    def add_spans(self, rows: list[dict]) -> None:
        """Finished OpenTelemetry spans (rows from `mentor.tracing.span_row`), one transaction."""
        with self.tx() as db:
            db["spans"].insert_all(rows, replace=True)

    def spans(self, trace_id: str) -> list[dict]:
        rows = self.db.query("select * from spans where trace_id = ? order by start_ns, name", [trace_id])
        return [{**r, "attributes": json.loads(r["attributes"] or "{}")} for r in rows]

    # reflections -------------------------------------------------------------------------------
    def save_reflection(self, week: int, went_well: str = "", hard: str = "", questions: str = "",
                        confidence: dict[str, int] | None = None, reflection_id: int | None = None) -> int:
        if not 1 <= int(week) <= 20:
            raise InputError("A reflection belongs to a week from 1 to 20.")
        if not any(s.strip() for s in (went_well, hard, questions)) and not confidence:
            raise InputError("A reflection needs some text or a confidence rating.")
        for label, text in (("what went well", went_well), ("what was hard", hard), ("open questions", questions)):
            check_size(text, f"reflection's {label}", limits.MAX_REFLECTION_CHARS)
        if len(confidence or {}) > limits.MAX_TOPICS:
            raise InputError(f"A reflection rates at most {limits.MAX_TOPICS} topics.")
        for topic, value in (confidence or {}).items():
            check_size(topic, "topic name", limits.MAX_TOPIC_CHARS)
            if not isinstance(value, int) or not 1 <= value <= 5:
                raise InputError(f"Confidence for {topic!r} must be a whole number from 1 to 5.")
        row = {"week": int(week), "went_well": went_well.strip(), "hard": hard.strip(),
               "questions": questions.strip(), "confidence": json.dumps(confidence or {}), "updated": now()}
        with self.tx() as db:
            if reflection_id is None:
                row["created"] = now()
                reflection_id = db["reflections"].insert(row).last_pk
            else:
                db["reflections"].update(reflection_id, row)
        saved = self.reflection(reflection_id)
        for callback in self._listeners:
            callback(saved)
        return reflection_id

    def reflection(self, reflection_id: int) -> dict:
        return _decode(self.db["reflections"].get(reflection_id))

    def reflections(self, week: int | None = None) -> list[dict]:
        if week is None:
            rows = self.db.query("select * from reflections order by week, id")
        else:
            rows = self.db.query("select * from reflections where week = ? order by id", [week])
        return [_decode(r) for r in rows]

    # progress and settings ---------------------------------------------------------------------
    def set_done(self, item: str, done: bool = True) -> None:
        with self.tx() as db:
            db["progress"].upsert({"item": item, "done": int(done), "done_at": now() if done else None}, pk="item")

    def done_items(self) -> set[str]:
        return {r["item"] for r in self.db.query("select item from progress where done = 1")}

    def setting(self, key: str, default: str | None = None) -> str | None:
        rows = list(self.db.query("select value from settings where key = ?", [key]))
        return rows[0]["value"] if rows else default

    def set_setting(self, key: str, value: str) -> None:
        with self.tx() as db:
            db["settings"].upsert({"key": key, "value": value}, pk="key")

    # plans and reviews -------------------------------------------------------------------------
    def save_plan(self, week: int, plan: dict, provider: str = "offline") -> int:
        with self.tx() as db:
            return db["plans"].insert(
                {"week": week, "created": now(), "plan": json.dumps(plan), "provider": provider}
            ).last_pk

    def plans(self) -> list[dict]:
        return [_decode(r) for r in self.db.query("select * from plans order by id desc")]

    def save_review(self, title: str, language: str, code: str, result: dict, provider: str) -> int:
        with self.tx() as db:
            return db["reviews"].insert(
                {"created": now(), "title": title, "language": language, "code": code,
                 "result": json.dumps(result), "provider": provider}
            ).last_pk

    def reviews(self) -> list[dict]:
        return [_decode(r) for r in self.db.query("select * from reviews order by id desc")]

    def review(self, review_id: int) -> dict:
        try:
            return _decode(self.db["reviews"].get(review_id))
        except sqlite_utils.db.NotFoundError:
            raise InputError(f"There is no review {review_id}.") from None
