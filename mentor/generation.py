"""One generation of the search index: its chunks, BM25 model and Chroma collection, in one folder.

A generation is written once by a build and only read after it is published (see `index_layout.py`).
"""

from __future__ import annotations

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
from .index_layout import Lease

COLLECTION = "mentor-chunks"
FORMAT_VERSION = 3  # bump when chunking changes: older indexes are rebuilt on open
COPY_BATCH = 512  # chunks copied at a time from the previous generation's collection on a Chroma server
Progress = Callable[[int, int, str], None]
# chroma shares one client per folder in a process and counts its users without a lock: opening and closing
# go one at a time, or two threads opening one folder would start two clients and later stop the wrong one
_CHROMA = threading.Lock()

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
        try:
            count = self.collection.count()
        except Exception as exc:
            raise IndexBrokenError(f"the vector store cannot be read ({exc})") from exc
        if count != len(self.chunks):
            raise IndexBrokenError(f"the vector store holds {count} chunks, the index expects {len(self.chunks)}")

    def load(self) -> None:
        """Everything a search needs, loaded now so that searches only read. Raises IndexBrokenError."""
        self.load_state()
        self.check_consistent()
        self._load_bm25()

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
        if allowed is not None:
            mask = np.array([cid in allowed for cid in self._bm25_ids])
            scores = np.where(mask, scores, 0.0)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(self._bm25_ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def dense_search(self, vector: np.ndarray, k: int, where: dict | None = None) -> list[tuple[str, float]]:
        if not self.chunks:
            return []
        res = self.collection.query(
            query_embeddings=[vector.tolist()], n_results=min(k, len(self.chunks)), where=where or None,
            include=["distances"],
        )
        return [(cid, 1.0 - float(d)) for cid, d in zip(res["ids"][0], res["distances"][0], strict=True)
                if cid in self.chunks]


def _chroma_meta(meta: dict) -> dict:
    return {k: v for k, v in meta.items() if isinstance(v, str | int | float | bool) and v != ""}
