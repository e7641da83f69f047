"""The ONNX embedding runtime: agrees with sentence-transformers, reads the model's config, never loads torch."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from mentor import embeddings
from mentor.corpus import chunk_document, load_file, scan
from tests.conftest import FIXTURE_CORPUS, ROOT


def corpus_texts(limit: int) -> list[str]:
    files, _ = scan({"corpus": ROOT / "corpus"})
    texts: list[str] = []
    for _key, (path, folder, root) in sorted(files.items()):
        texts.extend(c.search_text for c in chunk_document(load_file(path, folder, root)))
    return texts[:: max(1, len(texts) // limit)][:limit]


def test_onnx_agrees_with_sentence_transformers_on_corpus_chunks():
    from sentence_transformers import SentenceTransformer

    texts = corpus_texts(300) + ["what is the outbox pattern", "p95 latency"]
    reference = SentenceTransformer(str(embeddings.source_dir()), device="cpu").encode(
        texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
    ours = embeddings.embed(texts)
    assert ours.shape == (len(texts), embeddings.DIMENSIONS) and ours.dtype == np.float32
    cosine = (ours * reference).sum(axis=1) / (np.linalg.norm(ours, axis=1) * np.linalg.norm(reference, axis=1))
    assert len(texts) >= 300 and cosine.min() >= 0.9999, cosine.min()
    # batching and order do not change a text's embedding
    assert np.allclose(embeddings.embed_one(texts[5]), ours[5], atol=1e-5)


def test_pooling_and_normalisation_come_from_the_models_own_config(tmp_path):
    assert embeddings.read_pipeline(embeddings.source_dir()) == embeddings.Pipeline(256, "mean", True)
    other = tmp_path / "model"
    shutil.copytree(embeddings.source_dir(), other, ignore=shutil.ignore_patterns("*.safetensors", "*.bin"))
    modules = [m for m in json.loads((other / "modules.json").read_text()) if not m["type"].endswith("Normalize")]
    (other / "modules.json").write_text(json.dumps(modules))
    pooling = json.loads((other / "1_Pooling" / "config.json").read_text())
    pooling.update(pooling_mode_mean_tokens=False, pooling_mode_cls_token=True)
    (other / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    assert embeddings.read_pipeline(other) == embeddings.Pipeline(256, "cls", False)


def test_the_onnx_file_is_named_after_the_weights_so_new_weights_export_again(tmp_path):
    weights = tmp_path / "model.safetensors"
    weights.write_bytes(b"one set of weights")
    first = embeddings.weights_hash(weights, tmp_path / "models")
    assert embeddings.weights_hash(weights, tmp_path / "models") == first
    weights.write_bytes(b"another set of weights, longer")
    assert embeddings.weights_hash(weights, tmp_path / "models") != first
    installed = embeddings.weights_hash(embeddings.weights_file(embeddings.source_dir()), tmp_path / "models")
    assert embeddings.onnx_path(tmp_path / "models").name == f"all-MiniLM-L6-v2-{installed[:16]}.onnx"


PROBE = """
import json, sys
from mentor.cli import main
assert main(["search", "cache", "stampede", "--json"]) == 0
assert main(["ask", "What does leader-follower replication do?", "--json"]) == 0
heavy = ("torch", "transformers", "sentence_transformers", "presidio_analyzer", "spacy", "radon", "streamlit",
         "llama_index", "chromadb", "pandas", "scipy")
print("MODULES " + json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in heavy)))
"""


@pytest.mark.slow
def test_first_index_exports_into_mentor_home_and_a_query_never_imports_torch(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "MENTOR_MODELS"}
    env.update(MENTOR_HOME=str(tmp_path / "home"), MENTOR_CORPUS=str(FIXTURE_CORPUS), PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-m", "mentor", "index"], env=env, cwd=ROOT, check=True, capture_output=True,
                   timeout=600)
    exported = list((tmp_path / "home" / "models").glob("*.onnx"))
    assert [p.name for p in exported] == [embeddings.onnx_path(tmp_path / "home" / "models").name]
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=ROOT, check=True, capture_output=True,
                         text=True, timeout=300).stdout
    assert json.loads(out.split("MODULES ", 1)[1]) == []
    # asked again: answered from the cache without embedding, while the model still loads on its thread
    again = subprocess.run([sys.executable, "-m", "mentor", "ask", "What does leader-follower replication do?",
                            "--json"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "terminate" not in again.stderr, again.stderr
    assert json.loads(again.stdout)["answer"]


def test_same_top_10_as_sentence_transformers_on_a_handful_of_questions():
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "check_search_parity.py"), "--corpus",
                          str(FIXTURE_CORPUS), "--limit", "6"], cwd=ROOT, capture_output=True, text=True, timeout=600,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stdout + out.stderr
    assert "identical top-10 on 6 of 6 questions" in out.stdout


def test_empty_input_needs_no_model(tmp_path, monkeypatch):
    monkeypatch.setenv("MENTOR_MODELS", str(tmp_path / "models"))
    assert embeddings.embed([]).shape == (0, embeddings.DIMENSIONS)
    assert not (tmp_path / "models").exists()
