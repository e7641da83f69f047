import sqlite3
import threading

import pytest

from mentor.errors import InputError, StoreBusyError
from mentor.migrations import MIGRATIONS
from mentor.store import Store
from mentor.tracing import COST, Telemetry


def test_migrations_are_named_recorded_and_applied_once(tmp_path):
    path = tmp_path / "m.db"
    Store(path)
    names = [r["name"] for r in Store(path).db["_migrations"].rows]
    assert names == [fn.__name__ for fn in MIGRATIONS]
    assert names[0] == "m001_initial"


def test_wal_mode_and_busy_timeout(tmp_path):
    s = Store(tmp_path / "m.db")
    assert s.db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert s.db.execute("pragma busy_timeout").fetchone()[0] >= 1000


def test_messages_round_trip_and_title_follows_first_question(tmp_path):
    s = Store(tmp_path / "m.db")
    cid = s.create_conversation()
    qid = s.add_message(cid, "user", "What is the outbox pattern?")
    s.add_message(cid, "assistant", "It is ...", citations=[{"n": 1, "source": "a.md"}], provider="offline",
                  tokens_in=3, tokens_out=4, cost_usd=0.0, latency_ms=12.5, cached=True)
    msgs = s.messages(cid)
    assert [m["role"] for m in msgs] == ["user", "assistant"]
    assert msgs[0]["id"] == qid and msgs[0]["status"] == "pending"
    assert msgs[1]["citations"] == [{"n": 1, "source": "a.md"}] and msgs[1]["cached"] == 1
    assert s.conversation(cid)["title"] == "What is the outbox pattern?"


def test_full_text_search_across_conversations(tmp_path):
    s = Store(tmp_path / "m.db")
    a, b = s.create_conversation(), s.create_conversation()
    s.add_message(a, "user", "How do I protect a cache from a stampede?")
    s.add_message(b, "user", "Explain leader-follower replication")
    hits = s.search("stampede")
    assert [h["conversation_id"] for h in hits] == [a]
    assert "[stampede]" in hits[0]["snippet"]
    assert s.search("replicate")[0]["conversation_id"] == b  # porter stemming
    assert s.search("   ") == []
    assert s.search('"; drop table messages; --') == []


def test_rename_and_delete_conversation(tmp_path):
    s = Store(tmp_path / "m.db")
    cid = s.create_conversation()
    mid = s.add_message(cid, "assistant", "x")
    s.add_feedback(mid, -1, "too long")
    s.rename_conversation(cid, "Caching questions")
    assert s.conversation(cid)["title"] == "Caching questions"
    with pytest.raises(InputError):
        s.rename_conversation(cid, "   ")
    s.delete_conversation(cid)
    assert s.conversations() == [] and s.search("x") == []
    with pytest.raises(InputError):
        s.conversation(cid)


def test_threads_share_the_database_safely(tmp_path):
    s = Store(tmp_path / "m.db")
    cid = s.create_conversation()
    errors = []

    def write(n):
        try:
            for i in range(25):
                s.add_message(cid, "user", f"thread {n} message {i}")
        except Exception as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(s.messages(cid)) == 100


def test_a_locked_database_gives_a_clear_error_and_loses_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr("mentor.store.BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "m.db"
    s = Store(path)
    cid = s.create_conversation()
    s.add_message(cid, "user", "kept")
    blocker = sqlite3.connect(path)
    blocker.execute("begin exclusive")
    fresh = Store.__new__(Store)  # a new connection that honours the short timeout
    fresh.path, fresh._local, fresh._listeners = path, threading.local(), []
    with pytest.raises(StoreBusyError, match="locked"):
        fresh.add_message(cid, "user", "blocked")
    blocker.rollback()
    blocker.close()
    assert [m["content"] for m in s.messages(cid)] == ["kept"]


def test_reflections_validate_and_notify(tmp_path):
    s = Store(tmp_path / "m.db")
    seen = []
    s.on_reflection_saved(seen.append)
    rid = s.save_reflection(3, hard="hexagonal ports", confidence={"hexagonal-architecture": 2})
    assert seen and seen[0]["id"] == rid and seen[0]["confidence"] == {"hexagonal-architecture": 2}
    with pytest.raises(InputError):
        s.save_reflection(21, hard="x")
    with pytest.raises(InputError):
        s.save_reflection(3)
    with pytest.raises(InputError):
        s.save_reflection(3, hard="x", confidence={"a": 9})


def test_month_cost_counts_answers_reviews_and_plan_advice(tmp_path):
    s = Store(tmp_path / "m.db")
    cid = s.create_conversation()
    s.add_message(cid, "assistant", "a", cost_usd=0.5)
    tel = Telemetry(s)
    with tel.trace("review") as tr:
        tr[COST] = 0.25
    with tel.trace("plan") as tr:
        tr[COST] = 0.125
    with tel.trace("review"):  # offline review: no cost
        pass
    with tel.trace("ask") as tr:  # an answer's cost is counted from its message, not twice
        tr[COST] = 0.5
    assert s.month_cost() == 0.875
