"""One generation of the search index: its chunks, BM25 model and Chroma collection, in one folder.

A generation is written once by a build and only read after it is published (see `index_layout.py`).
Chroma is the vector store of record (builds add to it, copy from it and may keep it on a server); each
generation also exports its vectors to `vectors.npy`, which searches read: exact cosine over a few thousand
vectors takes about a millisecond, and a cold `mentor search` does not pay chromadb's import and start-up.
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from . import embeddings
from .config import Config
from .corpus import LINK_TARGET, Chunk, Document, chunk_document
from .errors import IndexBrokenError, MentorError
from .imports import import_without
from .index_layout import Lease

COLLECTION = "mentor-chunks"
FORMAT_VERSION = 3  # bump when chunking changes: older indexes are rebuilt on open
COPY_BATCH = 512  # chunks copied at a time from the previous generation's collection on a Chroma server
Progress = Callable[[int, int, str], None]
# chroma shares one client per folder in a process and counts its users without a lock: opening and closing
# go one at a time, or two threads opening one folder would start two clients and later stop the wrong one
_CHROMA = threading.Lock()

_STEMMER = None


def _bm25s():
    """bm25s without scipy: it indexes and scores with its default numpy backend (see imports.py)."""
    return import_without("bm25s", "scipy")


@functools.cache
def _stopwords() -> frozenset[str]:
    return frozenset(_bm25s().stopwords.STOPWORDS_EN)


def _only(ids: list[str], allowed: set[str] | None) -> np.ndarray | None:
    """Which of `ids` the filters let through (None: all of them)."""
    return None if allowed is None else np.array([cid in allowed for cid in ids])


def tokenize(texts: list[str]) -> list[list[str]]:
    """Lower-case, stop-word-free, stemmed tokens (shared by BM25 and the reranker)."""
    global _STEMMER
    if _STEMMER is None:
        import Stemmer

        _STEMMER = Stemmer.Stemmer("english")
    stop = _stopwords()
    out = []
    for text in texts:
        words = [w for w in re.findall(r"(?u)\b\w\w+\b", text.lower()) if w not in stop]
        out.append(_STEMMER.stemWords(words))
    return out


class Generation:
    """One generation folder: its chunks, BM25 model and Chroma collection. Read-only once published."""

    def __init__(self, config: Config, name: str, path: Path):
        self.config, self.name, self.dir = config, name, path
        self.chunks: dict[str, Chunk] = {}
        self.manifest: dict[str, dict] = {}
        self.collection_name = f"{COLLECTION}-{name}" if config.chroma_host else COLLECTION
        self.idf: dict[str, float] = {}
        self._client = None
        self._collection = None
        self._bm25 = None
        self._bm25_ids: list[str] = []
        self._terms: dict[tuple[str, bool], frozenset[str]] = {}
        self._vectors: np.ndarray | None = None  # one row per chunk, in `_vector_ids` order, unit length
        self._vector_ids: list[str] = []
        self.lease: Lease | None = None
        self.users = 0  # searches running on this generation in this process
        self.retired = False  # a newer generation is current: close once the last search ends

    # storage -----------------------------------------------------------------------------------
    @property
    def _state_path(self) -> Path:
        return self.dir / "chunks.json"

    def _connect(self):
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
            with _CHROMA:
                self._client = self._client or self._connect()
                self._collection = self._client.get_or_create_collection(
                    self.collection_name, metadata={"hnsw:space": "cosine"}, embedding_function=None
                )
        return self._collection

    def load_state(self) -> None:
        """Chunks and manifest from chunks.json. Raises IndexBrokenError."""
        try:
            data = json.loads(self._state_path.read_text())
            if data.get("version") != FORMAT_VERSION or data.get("model") != embeddings.model_name():
                raise ValueError("index was built by another version")
            self.manifest = data["manifest"]
            self.chunks = {c["id"]: Chunk(c["id"], c["text"], c["heading"], c["meta"]) for c in data["chunks"]}
            self.collection_name = data.get("collection", COLLECTION)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise IndexBrokenError(f"the index state file is unreadable ({exc})") from exc

    def check_consistent(self) -> None:
        """The vector store holds exactly the chunks (checked when a build finishes)."""
        try:
            count = self.collection.count()
        except Exception as exc:
            raise IndexBrokenError(f"the vector store cannot be read ({exc})") from exc
        if count != len(self.chunks):
            raise IndexBrokenError(f"the vector store holds {count} chunks, the index expects {len(self.chunks)}")

    def load(self) -> None:
        """Everything a search needs, loaded now so that searches only read. Raises IndexBrokenError."""
        self.load_state()
        self._load_vectors()
        self._load_bm25()

    @property
    def _vectors_path(self) -> Path:
        return self.dir / "vectors.npy"

    def export_vectors(self) -> None:
        """Write the collection's vectors, in chunk order, to vectors.npy (atomically: a reader sees all or none)."""
        self.check_consistent()
        ids = list(self.chunks)
        matrix = np.zeros((len(ids), embeddings.DIMENSIONS), dtype=np.float32)
        row = {cid: i for i, cid in enumerate(ids)}
        for i in range(0, len(ids), COPY_BATCH):
            got = self.collection.get(ids=ids[i:i + COPY_BATCH], include=["embeddings"])
            for cid, vec in zip(got["ids"], got["embeddings"], strict=True):
                matrix[row[cid]] = vec
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        matrix /= np.where(norms > 0, norms, 1.0)  # cosine as a dot product, whatever the model's own pooling
        tmp = self.dir / f"vectors.{os.getpid()}.{threading.get_ident()}.tmp.npy"
        np.save(tmp, matrix)
        (self.dir / "vectors.json").write_text(json.dumps(ids))
        os.replace(tmp, self._vectors_path)

    def _load_vectors(self) -> None:
        if not self.chunks:
            return
        try:
            if not self._vectors_path.exists():  # built before the export existed: written once, from Chroma
                self.export_vectors()
            ids = json.loads((self.dir / "vectors.json").read_text())
            matrix = np.load(self._vectors_path, mmap_mode="r")
        except (OSError, ValueError) as exc:
            raise IndexBrokenError(f"the vector file cannot be read ({exc})") from exc
        if matrix.shape != (len(self.chunks), embeddings.DIMENSIONS) or set(ids) != set(self.chunks):
            raise IndexBrokenError(f"the vector file holds {matrix.shape[0]} vectors, the index expects "
                                   f"{len(self.chunks)}")
        self._vectors, self._vector_ids = matrix, ids

    def save_state(self) -> None:
        data = {
            "version": FORMAT_VERSION,
            "model": embeddings.model_name(),
            "collection": self.collection_name,
            "manifest": self.manifest,
            "chunks": [{"id": c.id, "text": c.text, "heading": c.heading, "meta": c.meta}
                       for c in self.chunks.values()],
        }
        tmp = self._state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data))
        os.replace(tmp, self._state_path)

    def close(self) -> None:
        """Let go of the vector store and of the shared lock that keeps this folder on disk."""
        with _CHROMA:
            if self._client is not None and not self.config.chroma_host:
                self._client.close()  # the last client of a folder stops chroma's system for it
            self._client = self._collection = None
        if self.lease is not None:
            self.lease.release()
            self.lease = None

    # building (only on a new, unpublished generation) -------------------------------------------
    def copy_from(self, base: Generation, drop: set[str]) -> None:
        """Start from the previous generation, less the documents in `drop`, without embedding again."""
        self.manifest = {k: v for k, v in base.manifest.items() if k not in drop}
        keep = [cid for entry in self.manifest.values() for cid in entry.get("chunks", [])]
        if self.config.chroma_host:
            for i in range(0, len(keep), COPY_BATCH):
                got = base.collection.get(ids=keep[i:i + COPY_BATCH],
                                          include=["embeddings", "documents", "metadatas"])
                if got["ids"]:
                    self.collection.add(ids=got["ids"], embeddings=got["embeddings"], documents=got["documents"],
                                        metadatas=got["metadatas"])
        else:
            # a published generation is never written to, so its files copy consistently (14 MB, milliseconds)
            shutil.copytree(base.dir / "chroma", self.dir / "chroma")
            dropped = [cid for key in drop for cid in base.manifest.get(key, {}).get("chunks", [])]
            if dropped:
                self.collection.delete(ids=dropped)
        self.chunks = {cid: base.chunks[cid] for cid in keep if cid in base.chunks}

    def add_documents(self, docs: list[tuple[str, Document]], progress: Progress | None) -> None:
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

    def build_bm25(self) -> None:
        bm25s = _bm25s()

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
        bm25s = _bm25s()

        if not self.chunks:
            return
        try:
            self._bm25 = bm25s.BM25.load(str(self.dir / "bm25"))
            extra = json.loads((self.dir / "bm25" / "ids.json").read_text())
            self._bm25_ids, self.idf = extra["ids"], extra["idf"]
        except (OSError, ValueError, KeyError) as exc:
            raise IndexBrokenError(f"the BM25 index cannot be read ({exc})") from exc
        if len(self._bm25_ids) != len(self.chunks):
            raise IndexBrokenError("the BM25 index is out of step with the chunks")

    # searching ---------------------------------------------------------------------------------
    def terms(self, chunk_id: str, heading: bool = False) -> frozenset[str]:
        """The stemmed vocabulary of a chunk's text, or of its title and heading path; computed once per
        generation (the reranker asks for them on every query)."""
        key = (chunk_id, heading)
        cached = self._terms.get(key)
        if cached is None:
            c = self.chunks[chunk_id]
            text = f"{c.meta.get('title', '')} {c.meta.get('heading', '')}" if heading else LINK_TARGET.sub("]", c.text)
            cached = self._terms[key] = frozenset(tokenize([text])[0])
        return cached

    def bm25_search(self, query: str, k: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        if self._bm25 is None:
            return []
        tokens = tokenize([query])[0]
        vocab = self._bm25.vocab_dict
        ids = [vocab[t] for t in tokens if t in vocab]
        if not ids:
            return []
        scores = self._bm25.get_scores([t for t in tokens if t in vocab])
        if (mask := _only(self._bm25_ids, allowed)) is not None:
            scores = np.where(mask, scores, 0.0)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(self._bm25_ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def dense_search(self, vector: np.ndarray, k: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """The k chunks nearest the query by cosine (exact; vectors and query are unit length)."""
        if self._vectors is None or not self._vector_ids:
            return []
        query = np.asarray(vector, dtype=np.float32)
        scores = self._vectors @ (query / (np.linalg.norm(query) or 1.0))
        if (mask := _only(self._vector_ids, allowed)) is not None:
            scores = np.where(mask, scores, -np.inf)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self._vector_ids[i], float(scores[i])) for i in top if np.isfinite(scores[i])]


def _chroma_meta(meta: dict) -> dict:
    return {k: v for k, v in meta.items() if isinstance(v, str | int | float | bool) and v != ""}
