"""Several sessions and processes on one index: opened once, rebuilt into a new generation and swapped in
while searches run, old generations removed only when nobody reads them."""

import os
import shutil
import subprocess
import sys
import threading

from mentor.core import Mentor
from mentor.index import Index
from mentor.retrieval import Retriever
from tests.conftest import ROOT, make_config


def _together(n: int, fn) -> list:
    """Run fn(i) on n threads released at the same moment; return results (or the exceptions raised)."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = fn(i)
        except Exception as exc:  # collected so the test can show it
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    return results


def test_sessions_opening_at_once_share_one_index_built_once(tmp_path):
    m = Mentor(make_config(tmp_path))
    opened = _together(4, lambda i: m.open_index())
    assert all(o is opened[0] for o in opened), opened
    index = opened[0]
    assert index.opened == ["g000001"]  # built once, loaded once
    assert index.layout.generations() == ["g000001"]
    assert Retriever(index).search("cache stampede").hits[0].meta["week"] == 6


def test_separate_handles_opening_at_once_build_once(tmp_path):
    cfg = make_config(tmp_path)
    handles = _together(3, lambda i: Index(cfg).open())
    assert [h.generation for h in handles] == ["g000001"] * 3, handles
    assert handles[0].layout.generations() == ["g000001"]


def test_a_search_in_progress_keeps_its_generation_across_a_rebuild(tmp_path):
    index = Index(make_config(tmp_path)).open()
    retriever = Retriever(index)
    with index.reading() as old:
        report = index.update(rebuild=True)  # publishes g000002 while g000001 is being read
        assert report.generation == "g000002" and index.layout.current() == "g000002"
        assert old.dir.exists()  # not removed: this process still reads it
        assert retriever._search(old, "cache stampede", 5, "hybrid", None, None).hits[0].meta["week"] == 6
    # the next search moves to the new generation, and the old folder goes once nobody reads it
    assert retriever.search("cache stampede").hits[0].meta["week"] == 6
    assert index.generation == "g000002"
    assert index.layout.generations() == ["g000002"]


def test_an_update_with_nothing_changed_keeps_the_generation(tmp_path):
    index = Index(make_config(tmp_path)).open()
    report = index.update()
    assert (report.generation, report.added, report.updated) == ("g000001", 0, 0)
    assert index.layout.generations() == ["g000001"]


def test_a_rebuild_from_another_process_while_searching(tmp_path):
    cfg = make_config(tmp_path)
    index = Index(cfg).open()
    retriever = Retriever(index)
    stop = threading.Event()
    errors: list[Exception] = []
    answered: list[int] = []

    def search() -> None:
        while not stop.is_set():
            try:
                hits = retriever.search("how do I stop a cache stampede").hits
                answered.append(hits[0].meta["week"])
            except Exception as exc:
                errors.append(exc)

    thread = threading.Thread(target=search)
    thread.start()
    try:
        env = {**os.environ, "MENTOR_HOME": str(cfg.home), "MENTOR_CORPUS": str(cfg.corpus_dir),
               "PYTHONPATH": str(ROOT)}
        out = subprocess.run([sys.executable, "-m", "mentor", "index", "--rebuild", "--json"], env=env, cwd=ROOT,
                             capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr
        before = len(answered)
        while len(answered) < before + 3 and not errors and thread.is_alive():
            threading.Event().wait(0.05)  # a few searches after the swap
    finally:
        stop.set()
        thread.join(timeout=60)
    assert errors == []
    assert len(answered) > 3 and set(answered) == {6}
    assert index.generation == "g000002"
    assert index.layout.generations() == ["g000002"]  # g000001 removed once this process let go of it


def test_an_index_of_the_flat_layout_is_moved_not_rebuilt(tmp_path, caplog):
    cfg = make_config(tmp_path)
    Index(cfg).open().close()
    generation = cfg.index_dir / "g000001"
    for item in ("chunks.json", "chroma", "bm25"):
        shutil.move(generation / item, cfg.index_dir / item)
    shutil.rmtree(generation)
    (cfg.index_dir / "CURRENT").unlink()
    caplog.set_level("INFO", logger="mentor")
    caplog.clear()  # only what the second open logs (another test may have left the mentor logger at INFO)
    index = Index(cfg).open()
    assert index.generation == "g000001" and index.notice == ""
    assert "moved the search index into generation g000001" in caplog.text and " built" not in caplog.text
    assert not (cfg.index_dir / "chunks.json").exists()
    assert Retriever(index).search("cache stampede").hits[0].meta["week"] == 6
