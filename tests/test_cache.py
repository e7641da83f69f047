"""The semantic cache against real SQLite and the real embedding model."""

from __future__ import annotations

import pytest

from mentor.cache import PAIRS, SemanticCache, calibration_report, is_typo, load_pairs
from mentor.store import Store

CITATIONS = [{"n": 1, "source": "corpus/glossary.md", "title": "Glossary", "text": "RPO is ..."}]
DANGEROUS = [
    ("What is RPO?", "What is RTO?"),
    ("How does leader-follower replication work?", "How does leaderless replication work?"),
    ("When should I use cache-aside?", "When should I use write-through?"),
    ("What is cache-aside caching?", "What is write-through caching?"),
    ("What is at-least-once delivery?", "What is at-most-once delivery?"),
    ("What is the difference between L4 and L7 load balancers?", "What is an L7 load balancer?"),
    ("What should I study in week 5?", "What should I study in week 6?"),
    ("How do I reduce p95 latency?", "How do I reduce p99 latency?"),
    ("What is recall@5?", "What is recall@10?"),
    ("When should I use microservices?", "When should I not use microservices?"),
    ("When should I use event sourcing?", "When shouldn't I use event sourcing?"),
    ("What does k=60 do in RRF?", "What does k=10 do in RRF?"),
    ("What is a sharded database?", "What is a shared database?"),
    ("Is Raft better than Paxos?", "Is Paxos better than Raft?"),
    ("Does the client call the gateway?", "Does the gateway call the client?"),
    ("How does Kafka guarantee ordering?", "Does Kafka guarantee ordering?"),
]


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "mentor.db")


@pytest.fixture
def cache(store) -> SemanticCache:
    return SemanticCache(store)


def answer(store: Store, text: str = "RPO is how much data you can afford to lose.") -> int:
    cid = store.create_conversation()
    return store.add_message(cid, "assistant", text, citations=CITATIONS, provider="offline", model="extractive")


def test_a_paraphrase_hits_and_returns_the_cached_message(store, cache):
    mid = answer(store)
    cache.put("What is RPO?", mode="ask", message_id=mid, corpus_version="v1")

    hit = cache.lookup("Can you explain what RPO means?", mode="ask", corpus_version="v1")

    assert hit is not None
    assert hit["content"] == "RPO is how much data you can afford to lose."
    assert hit["citations"] == CITATIONS
    assert (hit["provider"], hit["model"], hit["question"]) == ("offline", "extractive", "What is RPO?")
    assert hit["message_id"] == mid


@pytest.mark.parametrize(("cached", "asked"), DANGEROUS)
def test_a_different_question_never_hits(store, cache, cached, asked):
    cache.put(cached, mode="ask", message_id=answer(store), corpus_version="v1")

    assert cache.lookup(cached, mode="ask", corpus_version="v1") is not None  # the entry is there
    assert cache.lookup(asked, mode="ask", corpus_version="v1") is None


@pytest.mark.parametrize(("cached", "asked"), DANGEROUS)
def test_a_different_question_never_hits_the_other_way_round(store, cache, cached, asked):
    cache.put(asked, mode="ask", message_id=answer(store), corpus_version="v1")

    assert cache.lookup(cached, mode="ask", corpus_version="v1") is None


def test_another_mode_misses(store, cache):
    cache.put("What is RPO?", mode="ask", message_id=answer(store), corpus_version="v1")

    assert cache.lookup("What is RPO?", mode="review", corpus_version="v1") is None


def test_a_changed_corpus_version_misses_and_drops_the_old_entries(store, cache):
    cache.put("What is RPO?", mode="ask", message_id=answer(store), corpus_version="v1")

    assert cache.lookup("What is RPO?", mode="ask", corpus_version="v2") is None
    cache.put("What is RTO?", mode="ask", message_id=answer(store, "RTO is ..."), corpus_version="v2")
    assert [r["corpus_version"] for r in store.db["semantic_cache"].rows] == ["v2"]
    assert cache.lookup("What is RPO?", mode="ask", corpus_version="v1") is None


def test_a_deleted_or_disliked_answer_is_never_served(store, cache):
    gone, disliked = answer(store), answer(store, "CQRS splits reads from writes.")
    cache.put("What is RPO?", mode="ask", message_id=gone, corpus_version="v1")
    cache.put("What is CQRS?", mode="ask", message_id=disliked, corpus_version="v1")
    store.delete_conversation(store.message(gone)["conversation_id"])
    store.add_feedback(disliked, -1, "wrong")

    assert cache.lookup("What is RPO?", mode="ask", corpus_version="v1") is None
    assert cache.lookup("What is CQRS?", mode="ask", corpus_version="v1") is None
    assert store.db["semantic_cache"].count == 0


def test_asking_again_replaces_the_entry_and_clear_forgets_everything(store, cache):
    cache.put("What is RPO?", mode="ask", message_id=answer(store, "old"), corpus_version="v1")
    cache.put("what is RPO?", mode="ask", message_id=answer(store, "new"), corpus_version="v1")

    assert cache.lookup("What's RPO?", mode="ask", corpus_version="v1")["content"] == "new"
    assert cache.clear() == 1
    assert cache.lookup("What is RPO?", mode="ask", corpus_version="v1") is None


def test_questions_without_content_or_too_long_are_not_cached(store, cache):
    assert cache.put("What is it?", mode="ask", message_id=answer(store), corpus_version="v1") is None
    assert cache.put("Why is this slow? " + "x " * 300, mode="ask", message_id=answer(store),
                     corpus_version="v1") is None


def test_typos_are_only_misspellings_of_real_words():
    assert is_typo("replicaton", "replication")
    assert is_typo("idempotant", "idempotent")
    assert not is_typo("sharded", "shared")  # both real words
    assert not is_typo("asynchronous", "synchronous")  # a prefix, not a slip
    assert not is_typo("stateless", "stateful")


@pytest.mark.slow
def test_the_labelled_pairs_reach_the_acceptance_target():
    pairs = load_pairs(PAIRS)
    assert sum(p["kind"] == "paraphrase" and p["same"] for p in pairs) >= 30
    assert sum(p["kind"] == "near-miss" and not p["same"] for p in pairs) >= 30

    report = calibration_report(pairs, timed=False)

    wrong = [(r["a"], r["b"], r["reason"]) for r in report["results"] if r["hit"] and not r["same"]]
    assert wrong == []
    assert report["paraphrase_hit_rate"] >= 0.6
