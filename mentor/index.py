"""The search index: chunks in Chroma (dense) and bm25s (sparse), updated incrementally by content hash."""

from __future__ import annotations

import json
import logging
import math
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from . import embeddings
from .config import Config
from .corpus import LINK_TARGET, Chunk, Document, chunk_document, load_file, reflection_document, scan
from .errors import IndexBrokenError, MentorError

log = logging.getLogger(__name__)

COLLECTION = "mentor-chunks"
FORMAT_VERSION = 3  # bump when chunking changes: older indexes are rebuilt on open
Progress = Callable[[int, int, str], None]


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

    def as_dict(self) -> dict:
        return asdict(self)


_STEMMER = None


def tokenize(texts: list[str]) -> list[list[str]]:
    """Lower-case, stop-word-free, stemmed tokens (shared by BM25 and the reranker)."""
    global _STEMMER
    if _STEMMER is None:
        import Stemmer

        _STEMMER = Stemmer.Stemmer("english")
    from bm25s.stopwords import STOPWORDS_EN

    stop = set(STOPWORDS_EN)
    out = []
    for text in texts:
        words = [w for w in re.findall(r"(?u)\b\w\w+\b", text.lower()) if w not in stop]
        out.append(_STEMMER.stemWords(words))
    return out


class Index:
    """Dense and sparse views over the same chunks, kept in step with the sources."""

    def __init__(self, config: Config, store=None):
        self.config = config
        self.store = store
        self.dir = config.index_dir
        self.chunks: dict[str, Chunk] = {}
        self.manifest: dict[str, dict] = {}
        self._collection = None
        self._bm25 = None
        self._bm25_ids: list[str] = []
        self.idf: dict[str, float] = {}
        self._terms: dict[tuple[str, bool], frozenset[str]] = {}
        self.notice = ""  # set when the index had to be rebuilt, shown to the learner once
        if store is not None:
            store.on_reflection_saved(self.add_reflection)

    # storage -----------------------------------------------------------------------------------
    @property
    def _state_path(self) -> Path:
        return self.dir / "chunks.json"

    def _client(self):
        import chromadb
        from chromadb.config import Settings

        settings = Settings(anonymized_telemetry=False)
        if self.config.chroma_host:
            try:
                return chromadb.HttpClient(host=self.config.chroma_host, port=self.config.chroma_port,
                                           settings=settings)
            except Exception as exc:
                raise MentorError(
                    f"Cannot reach the Chroma server at {self.config.chroma_host}:{self.config.chroma_port} "
                    f"({exc}). Start it with `chroma run` or unset CHROMA_HOST."
                ) from exc
        return chromadb.PersistentClient(path=str(self.dir / "chroma"), settings=settings)

    @property
    def collection(self):
        if self._collection is None:
            self._collection = self._client().get_or_create_collection(
                COLLECTION, metadata={"hnsw:space": "cosine"}, embedding_function=None
            )
        return self._collection

    def _save_state(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        data = {
            "version": FORMAT_VERSION,
            "model": embeddings.model_name(),
            "manifest": self.manifest,
            "chunks": [{"id": c.id, "text": c.text, "heading": c.heading, "meta": c.meta}
                       for c in self.chunks.values()],
        }
        tmp = self._state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data))
        os.replace(tmp, self._state_path)

    def _load_state(self) -> bool:
        """Load chunks and manifest; False when there is no index yet. Raises IndexBrokenError."""
        if not self._state_path.exists():
            return False
        try:
            data = json.loads(self._state_path.read_text())
            if data.get("version") != FORMAT_VERSION or data.get("model") != embeddings.model_name():
                raise ValueError("index was built by another version")
            self.manifest = data["manifest"]
            self.chunks = {c["id"]: Chunk(c["id"], c["text"], c["heading"], c["meta"]) for c in data["chunks"]}
        except (ValueError, KeyError, TypeError) as exc:
            raise IndexBrokenError(f"the index state file is unreadable ({exc})") from exc
        return True

    def _check_consistent(self) -> None:
        try:
            count = self.collection.count()
        except Exception as exc:
            raise IndexBrokenError(f"the vector store cannot be read ({exc})") from exc
        if count != len(self.chunks):
            raise IndexBrokenError(f"the vector store holds {count} chunks, the index expects {len(self.chunks)}")

    def open(self, progress: Progress | None = None) -> Index:
        """Load the index, building it if missing and rebuilding it if corrupt."""
        try:
            if not self._load_state():
                self.update(progress=progress)
                return self
            self._check_consistent()
            self._load_bm25()
        except IndexBrokenError as exc:
            self.notice = f"The search index had to be rebuilt: {exc}."
            log.warning(self.notice)
            self.update(rebuild=True, progress=progress)
        return self

    def _wipe(self) -> None:
        self._collection = None
        self._bm25 = None
        self._terms.clear()
        self.chunks, self.manifest = {}, {}
        if self.config.chroma_host:
            client = self._client()
            try:
                client.delete_collection(COLLECTION)
            except Exception:
                pass
        elif self.dir.exists():
            from chromadb.api.shared_system_client import SharedSystemClient

            # chroma keeps one client per path in the process; drop it so the new folder is opened afresh
            SharedSystemClient.clear_system_cache()
            shutil.rmtree(self.dir)
        self.dir.mkdir(parents=True, exist_ok=True)

    # updating ----------------------------------------------------------------------------------
    def roots(self) -> dict[str, Path]:
        from .notes import all_folders

        roots = {"corpus": self.config.corpus_dir}
        for i, folder in enumerate(all_folders(self.config, self.store)):
            roots["notes" if i == 0 else f"notes{i + 1}"] = folder
        return roots

    def update(self, rebuild: bool = False, progress: Progress | None = None) -> IndexReport:
        """Add, update and remove what changed since the last run (everything with rebuild=True)."""
        start = time.perf_counter()
        embeddings.prepare()  # the first index exports the ONNX embedding model (once per model version)
        report = IndexReport(problems=[])
        if rebuild:
            self._wipe()
            report.rebuilt = True
        elif not self.chunks:
            try:
                self._load_state()
                if self.chunks:
                    self._check_consistent()
            except IndexBrokenError as exc:
                self.notice = f"The search index had to be rebuilt: {exc}."
                report.problems.append(self.notice)
                self._wipe()
                report.rebuilt = True

        files, problems = scan(self.roots())
        report.problems.extend(problems)
        current: dict[str, tuple[str, object]] = {}
        for key, (path, folder, root) in files.items():
            current[key] = (_file_hash(path), (path, folder, root))
        if self.store is not None:
            for refl in self.store.reflections():
                doc = reflection_document(refl)
                current[f"reflections:{doc.source}"] = (doc.hash, doc)

        removed = [k for k in self.manifest if k not in current]
        changed = [k for k, (h, _) in current.items() if k in self.manifest and self.manifest[k]["hash"] != h]
        added = [k for k in current if k not in self.manifest]
        report.unchanged = len(current) - len(changed) - len(added)

        for key in removed + changed:
            self._drop(key)
        docs: list[tuple[str, Document]] = []
        for key in changed + added:
            h, src = current[key]
            if isinstance(src, Document):
                docs.append((key, src))
                continue
            path, folder, root = src
            try:
                docs.append((key, load_file(path, folder, root)))
            except (ValueError, UnicodeDecodeError, OSError) as exc:
                report.problems.append(f"skipped {path}: {exc}")
                # remembered with its hash so it is not retried until it changes
                self.manifest[key] = {"hash": h, "chunks": []}
        self._add_documents(docs, progress)
        report.added = sum(1 for k in added if k in self.manifest)
        report.updated = len(changed)
        report.removed = len(removed)
        if removed or docs or rebuild or self._bm25 is None:
            self._rebuild_bm25()
            self._save_state()
        report.chunks = len(self.chunks)
        report.seconds = round(time.perf_counter() - start, 2)
        return report

    def _drop(self, key: str) -> None:
        ids = self.manifest.pop(key, {}).get("chunks", [])
        for cid in ids:
            self._terms.pop((cid, False), None)
            self._terms.pop((cid, True), None)
        if ids:
            self.collection.delete(ids=ids)
        for cid in ids:
            self.chunks.pop(cid, None)

    def _add_documents(self, docs: list[tuple[str, Document]], progress: Progress | None) -> None:
        pending: list[tuple[str, Chunk]] = []
        for key, doc in docs:
            doc_chunks = chunk_document(doc)
            self.manifest[key] = {"hash": doc.hash, "chunks": [c.id for c in doc_chunks]}
            pending.extend((key, c) for c in doc_chunks)
        total = len(pending)
        step = 128
        for i in range(0, total, step):
            batch = [c for _, c in pending[i:i + step]]
            vectors = embeddings.embed([c.search_text for c in batch])
            self.collection.upsert(
                ids=[c.id for c in batch],
                embeddings=vectors.tolist(),
                documents=[c.text for c in batch],
                metadatas=[_chroma_meta(c.meta) for c in batch],
            )
            for c in batch:
                self.chunks[c.id] = c
            if progress:
                progress(min(i + step, total), total, f"embedded {min(i + step, total)} of {total} chunks")

    def add_reflection(self, reflection: dict) -> None:
        """Index one saved reflection at once, so the next search finds it."""
        if not self.chunks and not self._state_path.exists():
            return  # no index yet: the first build will include it
        doc = reflection_document(reflection)
        key = f"reflections:{doc.source}"
        self._drop(key)
        self._add_documents([(key, doc)], None)
        self._rebuild_bm25()
        self._save_state()

    def terms(self, chunk_id: str, heading: bool = False) -> frozenset[str]:
        """The stemmed vocabulary of a chunk's text, or of its title and heading path; computed once per process
        (the reranker asks for them on every query)."""
        key = (chunk_id, heading)
        cached = self._terms.get(key)
        if cached is None:
            c = self.chunks[chunk_id]
            text = f"{c.meta.get('title', '')} {c.meta.get('heading', '')}" if heading else LINK_TARGET.sub("]", c.text)
            cached = self._terms[key] = frozenset(tokenize([text])[0])
        return cached

    # sparse ------------------------------------------------------------------------------------
    def _rebuild_bm25(self) -> None:
        import bm25s

        self._bm25_ids = list(self.chunks)
        if not self._bm25_ids:
            self._bm25 = None
            return
        tokens = tokenize([self.chunks[i].search_text for i in self._bm25_ids])
        model = bm25s.BM25()
        model.index(tokens, show_progress=False)
        self._bm25 = model
        df: dict[str, int] = {}
        for toks in tokens:
            for t in set(toks):
                df[t] = df.get(t, 0) + 1
        n = len(tokens)
        self.idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        model.save(str(self.dir / "bm25"))
        (self.dir / "bm25" / "ids.json").write_text(json.dumps({"ids": self._bm25_ids, "idf": self.idf}))

    def _load_bm25(self) -> None:
        import bm25s

        try:
            self._bm25 = bm25s.BM25.load(str(self.dir / "bm25"))
            extra = json.loads((self.dir / "bm25" / "ids.json").read_text())
            self._bm25_ids, self.idf = extra["ids"], extra["idf"]
            if len(self._bm25_ids) != len(self.chunks):
                raise ValueError("BM25 index is out of step")
        except Exception as exc:
            log.info("rebuilding BM25 (%s)", exc)
            self._rebuild_bm25()

    def bm25_search(self, query: str, k: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        if self._bm25 is None:
            self._load_bm25()
        if self._bm25 is None:
            return []
        tokens = tokenize([query])[0]
        vocab = self._bm25.vocab_dict
        ids = [vocab[t] for t in tokens if t in vocab]
        if not ids:
            return []
        scores = self._bm25.get_scores([t for t in tokens if t in vocab])
        if allowed is not None:
            mask = np.array([cid in allowed for cid in self._bm25_ids])
            scores = np.where(mask, scores, 0.0)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(self._bm25_ids[i], float(scores[i])) for i in top if scores[i] > 0]

    # dense -------------------------------------------------------------------------------------
    def dense_search(self, vector: np.ndarray, k: int, where: dict | None = None) -> list[tuple[str, float]]:
        if not self.chunks:
            return []
        res = self.collection.query(
            query_embeddings=[vector.tolist()], n_results=min(k, len(self.chunks)), where=where or None,
            include=["distances"],
        )
        return [(cid, 1.0 - float(d)) for cid, d in zip(res["ids"][0], res["distances"][0], strict=True)
                if cid in self.chunks]


def _file_hash(path: Path) -> str:
    from .corpus import content_hash

    return content_hash(path.read_bytes())


def _chroma_meta(meta: dict) -> dict:
    return {k: v for k, v in meta.items() if isinstance(v, str | int | float | bool) and v != ""}
