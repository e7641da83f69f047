"""Same search results before and after the ONNX runtime: the top-10 chunks of every evaluation question.

"Before" builds the index and embeds the questions with sentence-transformers (torch), as the app did until
the query path moved to onnxruntime; "after" does both with `mentor.embeddings` (onnxruntime). Each side gets
a fresh index in a temporary folder. Exit status 1 if any question's top 10 differ.

    python scripts/check_search_parity.py                      # all of eval/retrieval/*.jsonl, full corpus
    python scripts/check_search_parity.py --corpus tests/fixtures/corpus --limit 5
    python scripts/check_search_parity.py --before-home DIR   # "before" = an index built by the older code

With --before-code, "before" is another checkout's whole search path (e.g. `git worktree add /tmp/before
e63dd6d`, Chroma's HNSW and llama-index's fusion) and "after" this checkout's, both on one copy of --home's
index, over every evaluation question (dev and test):

    python scripts/check_search_parity.py --before-code /tmp/before --home DIR
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mentor import embeddings  # noqa: E402
from mentor.config import Config  # noqa: E402
from mentor.evaluation import load_questions, load_split  # noqa: E402
from mentor.index import Index  # noqa: E402
from mentor.retrieval import Retriever  # noqa: E402


def torch_embed():
    """The embedding function before ONNX: sentence-transformers over the same installed model."""
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(embeddings.source_dir()), device="cpu")

    def embed(texts: list[str]):
        return model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False,
                            convert_to_numpy=True).astype("float32")

    return embed


def top10(corpus: Path, home: Path, questions: list[str]) -> list[list[str]]:
    """The ids of the ten best chunks for each question, from a fresh index of `corpus` in `home`."""
    config = Config.from_env({"MENTOR_HOME": str(home), "MENTOR_CORPUS": str(corpus)})
    retriever = Retriever(Index(config).open())
    out = []
    for q in questions:
        hits = retriever.search(q, k=10).hits
        out.append([f"{h.id}#{h.meta.get('heading') or ''}#{hashlib.sha1(h.text.encode()).hexdigest()[:8]}"
                    for h in hits])
    return out


TOP10 = """
import hashlib, json, sys
from mentor.config import Config
from mentor.index import Index
from mentor.retrieval import Retriever
config = Config.from_env({"MENTOR_HOME": sys.argv[1], "MENTOR_CORPUS": sys.argv[2]})
retriever = Retriever(Index(config).open())
out = []
for q in json.load(sys.stdin):
    hits = retriever.search(q, k=10).hits
    out.append([f"{h.id}#{h.meta.get('heading') or ''}#{hashlib.sha1(h.text.encode()).hexdigest()[:8]}"
                for h in hits])
print(json.dumps(out))
"""


def top10_of(code: Path, home: Path, corpus: Path, questions: list[str]) -> list[list[str]]:
    """`top10` as the checkout in `code` computes it, in a child process with that checkout first on the path."""
    proc = subprocess.run([sys.executable, "-c", TOP10, str(home), str(corpus)], input=json.dumps(questions),
                          capture_output=True, text=True, check=True, cwd="/", env={"PYTHONPATH": str(code),
                          "PATH": "/usr/bin:/bin", "HOME": str(home)})
    return json.loads(proc.stdout)


def code_parity(before_code: Path, home: Path, corpus: Path, questions: list[str]) -> tuple[list, list]:
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(home / "index", Path(tmp) / "index")
        if (home / "models").is_dir():
            shutil.copytree(home / "models", Path(tmp) / "models")
        before = top10_of(before_code, Path(tmp), corpus, questions)
        after = top10_of(ROOT, Path(tmp), corpus, questions)
    return before, after


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    ap.add_argument("--questions", type=Path, default=None, help="folder of .jsonl questions (default: the dev split)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N questions")
    ap.add_argument("--before-home", type=Path, help="a data folder indexed with sentence-transformers, used "
                    "(copied) as the 'before' index instead of building one")
    ap.add_argument("--same-index", action="store_true", help="the 'after' side searches the 'before' index: only "
                    "the query embeddings differ (separately built HNSW graphs can differ a little on their own)")
    ap.add_argument("--before-code", type=Path, help="another checkout: compare its search path with this one's")
    ap.add_argument("--home", type=Path, help="with --before-code: an indexed data folder (copied, not changed)")
    args = ap.parse_args(argv)
    if args.questions:
        chosen = load_questions(args.questions)
    else:
        chosen = load_split("dev") + (load_split("test") if args.before_code else [])
    questions = [q["question"] for q in chosen]
    if args.limit:
        questions = questions[: args.limit]
    if args.before_code:
        before, after = code_parity(args.before_code, args.home, args.corpus, questions)
        return report(questions, before, after, args.corpus.name)
    with tempfile.TemporaryDirectory() as tmp:
        if args.before_home:
            shutil.copytree(args.before_home / "index", Path(tmp) / "before" / "index")
        with mock.patch.object(embeddings, "embed", torch_embed()):
            before = top10(args.corpus, Path(tmp) / "before", questions)
        after = top10(args.corpus, Path(tmp) / ("before" if args.same_index else "after"), questions)
    return report(questions, before, after, args.corpus.name)


def report(questions: list[str], before: list[list[str]], after: list[list[str]], corpus: str) -> int:
    differ = [(q, b, a) for q, b, a in zip(questions, before, after, strict=True) if b != a]
    for q, b, a in differ:
        print(f"DIFFERENT: {q}\n  before: {b}\n  after:  {a}")
    print(f"identical top-10 on {len(questions) - len(differ)} of {len(questions)} questions "
          f"({corpus}, {sum(len(b) for b in before)} results compared)")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
