"""Index-time embedding: onnxruntime (mentor.embeddings) against sentence-transformers on the same chunks.

Embeds N corpus chunks (default 500) with each runtime, in this order, after one small warm-up batch each,
and prints seconds, chunks per second, the ratio, and the lowest cosine between the two runtimes' vectors.
The index is built with whichever is faster; the query path always uses onnxruntime (no torch import).

    python scripts/bench_embeddings.py [--chunks 500]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mentor import embeddings  # noqa: E402
from mentor.corpus import chunk_document, load_file, scan  # noqa: E402


def chunks(n: int) -> list[str]:
    files, _ = scan({"corpus": ROOT / "corpus"})
    texts: list[str] = []
    for _key, (path, folder, root) in sorted(files.items()):
        texts.extend(c.search_text for c in chunk_document(load_file(path, folder, root)))
    return texts[:n]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chunks", type=int, default=500)
    args = ap.parse_args(argv)
    texts = chunks(args.chunks)

    embeddings.embed(texts[:8])
    t = time.perf_counter()
    ours = embeddings.embed(texts)
    onnx_s = time.perf_counter() - t

    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(embeddings.source_dir()), device="cpu")
    model.encode(texts[:8])
    t = time.perf_counter()
    ref = model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
    st_s = time.perf_counter() - t

    cosine = (ours * ref).sum(axis=1) / (np.linalg.norm(ours, axis=1) * np.linalg.norm(ref, axis=1))
    print(f"{len(texts)} chunks, warm process, model loaded")
    print("| runtime | seconds | chunks/s |\n|---|---|---|")
    print(f"| onnxruntime (batch {embeddings.BATCH_SIZE}, length-sorted) | {onnx_s:.2f} | {len(texts) / onnx_s:.0f} |")
    print(f"| sentence-transformers (batch 64) | {st_s:.2f} | {len(texts) / st_s:.0f} |")
    print(f"onnxruntime takes {onnx_s / st_s:.2f}x the time of sentence-transformers; lowest cosine {cosine.min():.7f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
