"""The search index: chunks in Chroma (dense) and bm25s (sparse), updated incrementally by content hash.

Every build writes a new immutable generation (`generation.py`) and swaps it in atomically (`index_layout.py`),
so a session reading the index never sees a folder change or disappear under it, in this process or another.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from filelock import Timeout

from . import embeddings
from .config import Config
from .corpus import Chunk, Document, load_file, reflection_document, scan
from .errors import IndexBrokenError, MentorError
from .generation import Generation, Progress, tokenize
from .index_layout import Layout

__all__ = ["Index", "IndexReport", "tokenize"]

log = logging.getLogger(__name__)


@dataclass
class IndexReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    chunks: int = 0
    seconds: float = 0.0
    rebuilt: bool = False
    problems: list[str] | None = None
    generation: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


class Index:
    """The index of one MENTOR_HOME for this process: it reads the current generation, builds new ones under
    the cross-process build lock, and moves to a newer generation (built here or by another process) at the
    next search, while searches already running finish on the one they started with."""

    def __init__(self, config: Config, store=None):
        self.config = config
        self.store = store
        self.dir = config.index_dir
        self.layout = Layout(self.dir)
        self.notice = ""  # set when the index had to be rebuilt, shown to the learner once
        self.opened: list[str] = []  # the generations this process loaded, in order
        self._lock = threading.RLock()
        self._gen: Generation | None = None
        if store is not None:
            store.on_reflection_saved(self.add_reflection)

    # reading -----------------------------------------------------------------------------------
    def open(self, progress: Progress | None = None) -> Index:
        """Load the current generation, building one if there is none and rebuilding it if it is broken."""
        with self._lock:
            if self._gen is None:
                self._switch(progress)
        return self

    @contextmanager
    def reading(self) -> Iterator[Generation]:
        """The current generation, kept on disk and open until the block ends (one search = one generation)."""
        with self._lock:
            if self._gen is None or self.layout.current() != self._gen.name:
                self._switch(None)
            gen = self._gen
            gen.users += 1
        try:
            yield gen
        finally:
            with self._lock:
                gen.users -= 1
                done = gen.retired and gen.users == 0
            if done:
                self._retire(gen)

    def close(self) -> None:
        """Let go of the generation this process reads (a later search opens the current one again)."""
        with self._lock:
            gen, self._gen = self._gen, None
        if gen is not None:
            gen.retired = True
            if gen.users == 0:
                self._retire(gen)

    @property
    def generation(self) -> str:
        with self.reading() as gen:
            return gen.name

    @property
    def chunks(self) -> dict[str, Chunk]:
        with self.reading() as gen:
            return gen.chunks

    @property
    def manifest(self) -> dict[str, dict]:
        with self.reading() as gen:
            return gen.manifest

    @property
    def idf(self) -> dict[str, float]:
        with self.reading() as gen:
            return gen.idf

    @property
    def collection(self):
        with self.reading() as gen:
            return gen.collection

    def terms(self, chunk_id: str, heading: bool = False) -> frozenset[str]:
        with self.reading() as gen:
            return gen.terms(chunk_id, heading)

    def bm25_search(self, query: str, k: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        with self.reading() as gen:
            return gen.bm25_search(query, k, allowed)

    def dense_search(self, vector: np.ndarray, k: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        with self.reading() as gen:
            return gen.dense_search(vector, k, allowed)

    def _switch(self, progress: Progress | None) -> None:
        """Load the generation CURRENT names (the caller holds self._lock)."""
        for _ in range(3):
            lease = self.layout.lease_current()
            if lease is None:
                self._build(progress=progress, only_if_missing=True)
                continue
            gen = Generation(self.config, lease.name, lease.path)
            gen.lease = lease
            try:
                gen.load()
            except IndexBrokenError as exc:
                gen.close()
                self.notice = f"The search index had to be rebuilt: {exc}."
                log.warning(self.notice)
                self._build(rebuild=True, progress=progress, broken=lease.name)
                continue
            old, self._gen = self._gen, gen
            self.opened.append(gen.name)
            log.info("search index %s opened: %d chunks", gen.name, len(gen.chunks))
            if old is not None:
                old.retired = True
                if old.users == 0:
                    self._retire(old)
            return
        raise MentorError(f"The search index in {self.dir} could not be opened; run `mentor index --rebuild`.")

    def _retire(self, gen: Generation) -> None:
        gen.close()
        lock = self.layout.build_lock(timeout=0)
        try:
            lock.acquire()
        except Timeout:
            return  # a build is running: it cleans up when it ends
        try:
            self.layout.collect(self._forget)
        finally:
            lock.release()

    def _forget(self, name: str, path: Path) -> None:
        """Drop a removed generation's collection from a Chroma server (a local one goes with its folder)."""
        if not self.config.chroma_host:
            return
        old = Generation(self.config, name, path)
        try:
            old.load_state()
            old._connect().delete_collection(old.collection_name)
        except Exception as exc:  # the server may already have lost it; the folder goes either way
            log.info("could not drop the Chroma collection of %s: %s", name, exc)

    # updating ----------------------------------------------------------------------------------
    def roots(self) -> dict[str, Path]:
        from .notes import all_folders

        roots = {"corpus": self.config.corpus_dir}
        for i, folder in enumerate(all_folders(self.config, self.store)):
            roots["notes" if i == 0 else f"notes{i + 1}"] = folder
        return roots

    def update(self, rebuild: bool = False, progress: Progress | None = None) -> IndexReport:
        """Add, update and remove what changed since the last build (everything with rebuild=True), as a new
        generation; searches move to it at their next call."""
        embeddings.prepare()  # the first index exports the ONNX embedding model (once per model version)
        return self._build(rebuild=rebuild, progress=progress)

    def add_reflection(self, reflection: dict) -> None:
        """Index a saved reflection at once, so the next search finds it."""
        if self.layout.current() is None:
            return  # no index yet: the first build will include it
        self._build()

    def _build(self, rebuild: bool = False, progress: Progress | None = None, broken: str | None = None,
               only_if_missing: bool = False) -> IndexReport:
        start = time.perf_counter()
        report = IndexReport(problems=[], rebuilt=rebuild)
        lock = self.layout.locked_build()
        try:
            self.layout.migrate_legacy()
            current = self.layout.current()
            if (only_if_missing and current is not None) or (broken is not None and current != broken):
                return report  # another thread or process built it while this one waited for the lock
            base = None
            if current is not None and not rebuild:
                base = Generation(self.config, current, self.layout.path(current))
                try:
                    base.load_state()
                    base.check_consistent()
                except IndexBrokenError as exc:
                    self.notice = f"The search index had to be rebuilt: {exc}."
                    report.problems.append(self.notice)
                    base.close()
                    base, report.rebuilt = None, True
            try:
                self._apply_changes(base, report, progress)
            finally:
                if base is not None:
                    base.close()
            self.layout.collect(self._forget)
        finally:
            lock.release()
        report.seconds = round(time.perf_counter() - start, 2)
        return report

    def _apply_changes(self, base: Generation | None, report: IndexReport, progress: Progress | None) -> None:
        """Compare the sources with `base` and, if anything changed, write and publish a new generation."""
        files, problems = scan(self.roots())
        report.problems.extend(problems)
        current: dict[str, tuple[str, object]] = {}
        for key, (path, folder, root) in files.items():
            current[key] = (_file_hash(path), (path, folder, root))
        if self.store is not None:
            for refl in self.store.reflections():
                doc = reflection_document(refl)
                current[f"reflections:{doc.source}"] = (doc.hash, doc)
        old = base.manifest if base is not None else {}
        removed = [k for k in old if k not in current]
        changed = [k for k, (h, _) in current.items() if k in old and old[k]["hash"] != h]
        added = [k for k in current if k not in old]
        report.unchanged = len(current) - len(changed) - len(added)
        report.updated, report.removed = len(changed), len(removed)
        if base is not None and not (removed or changed or added):
            report.chunks, report.generation = len(base.chunks), base.name
            return

        name, path = self.layout.new_generation()
        new = Generation(self.config, name, path)
        try:
            if base is not None:
                new.copy_from(base, drop=set(removed + changed))
            docs: list[tuple[str, Document]] = []
            for key in changed + added:
                h, src = current[key]
                if isinstance(src, Document):
                    docs.append((key, src))
                    continue
                path_, folder, root = src
                try:
                    docs.append((key, load_file(path_, folder, root)))
                except (ValueError, UnicodeDecodeError, OSError) as exc:
                    report.problems.append(f"skipped {path_}: {exc}")
                    # remembered with its hash so it is not retried until it changes
                    new.manifest[key] = {"hash": h, "chunks": []}
            new.add_documents(docs, progress)
            new.build_bm25()
            new.export_vectors()
            new.save_state()
        finally:
            new.close()
        self.layout.publish(name)
        report.added = sum(1 for k in added if k in new.manifest)
        report.chunks, report.generation = len(new.chunks), name
        log.info("search index %s built: %d chunks (%d added, %d updated, %d removed%s)", name, report.chunks,
                 report.added, report.updated, report.removed, ", rebuilt" if report.rebuilt else "")


def _file_hash(path: Path) -> str:
    from .corpus import content_hash

    return content_hash(path.read_bytes())
