"""Evaluation: retrieval against blind graded judgments on the dev or held-out test split, the "not covered"
detector's error rates, and the routing cost report."""

from __future__ import annotations

import hashlib
import json
import math
import statistics
import time
from pathlib import Path

from .config import REPO_ROOT
from .errors import InputError

EVAL_DIR = REPO_ROOT / "eval"
SPLITS = ("dev", "test")
SYSTEMS = {"bm25": "bm25", "dense": "dense", "fusion": "fusion", "default": "hybrid"}  # row name -> search mode


def load_questions(folder: Path | str) -> list[dict]:
    out = []
    for path in sorted(Path(folder).glob("*.jsonl")):
        for n, line in enumerate(path.read_text().splitlines(), start=1):
            if line.strip():
                q = json.loads(line)
                q["origin"] = f"{path.name}:{n}"
                out.append(q)
    return out


def load_split(split: str) -> list[dict]:
    """The retrieval questions of one split (dev: tuned on; test: written blind, only reported)."""
    if split not in SPLITS:
        raise InputError(f"The split must be one of {', '.join(SPLITS)}.")
    return load_questions(EVAL_DIR / "retrieval" / split)


def load_offtopic(split: str) -> list[dict]:
    if split not in SPLITS:
        raise InputError(f"The split must be one of {', '.join(SPLITS)}.")
    path = EVAL_DIR / "offtopic" / f"{split}.jsonl"
    return [json.loads(x) for x in path.read_text().splitlines() if x.strip()]


def passage_key(text: str) -> str:
    """What a judgment is attached to: the passage text, so it survives re-chunking of other files."""
    return hashlib.sha256(text.strip().encode()).hexdigest()[:16]


def load_judgments(path: Path | None = None) -> dict[tuple[str, str], int]:
    path = path or EVAL_DIR / "retrieval" / "judgments.jsonl"
    if not path.exists():
        return {}
    rows = (json.loads(x) for x in path.read_text().splitlines() if x.strip())
    return {(r["qid"], r["key"]): int(r["grade"]) for r in rows}


def graded(ranked_keys: list[str], qid: str, judgments: dict[tuple[str, str], int], k: int = 5) -> dict:
    """nDCG@k (gains 2^g - 1, ideal = the best k grades judged for the question), P@k (grade >= 1), success@k
    (a 2 in the top k) and the reciprocal rank of the first 2, all on the condensed list (unjudged passages
    dropped); `judged` is the share of the uncondensed top k that was judged."""
    judged = [judgments[(qid, key)] for key in ranked_keys if (qid, key) in judgments]
    top = judged[:k]
    ideal = sorted((g for (q, _), g in judgments.items() if q == qid), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    dcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(top))
    first2 = next((i for i, g in enumerate(judged, start=1) if g == 2), None)
    return {"ndcg@5": dcg / idcg if idcg else 0.0, "p@5": sum(g >= 1 for g in top) / k,
            "success@5": float(2 in top), "mrr": 1 / first2 if first2 else 0.0,
            "judged": sum((qid, key) in judgments for key in ranked_keys[:k]) / k}


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, math.ceil(q * len(values)) - 1))]


def summarise(per_question: list[dict]) -> dict:
    keys = ("ndcg@5", "p@5", "success@5", "mrr", "judged")
    return {m: round(statistics.mean(r[m] for r in per_question), 3) for m in keys} if per_question else {}


def detection(retriever, split: str) -> dict:
    """The "not covered" verdict on the split's off-topic questions (should fire) and on-topic ones (should not)."""
    off = [q["question"] for q in load_offtopic(split)]
    on = [q["question"] for q in load_split(split)]
    flagged_off = sum(not retriever.search(q).covered for q in off)
    flagged_on = sum(not retriever.search(q).covered for q in on)
    return {"offtopic": len(off), "offtopic_flagged": round(flagged_off / len(off), 3) if off else None,
            "ontopic": len(on), "ontopic_flagged": round(flagged_on / len(on), 3) if on else None}


def evaluate(mentor, split: str = "test") -> dict:
    """Every system over one split's questions in one process: graded metrics against the blind judgments,
    warm latency, and the off-topic detector's two error rates."""
    questions = load_split(split)
    judgments = load_judgments()
    retriever = mentor.retriever
    for q in questions[:3]:  # warm up the model and caches so latency is the steady state
        retriever.search(q["question"])
    results = {}
    for name, mode in SYSTEMS.items():
        per_q, lat = [], []
        for q in questions:
            t = time.perf_counter()
            hits = retriever.search(q["question"], k=10, mode=mode).hits
            lat.append((time.perf_counter() - t) * 1000)
            per_q.append(graded([passage_key(h.text) for h in hits], q["id"], judgments))
        results[name] = {**summarise(per_q), "p50_ms": round(_pct(lat, 0.5), 1), "p95_ms": round(_pct(lat, 0.95), 1)}
    best = max(results["dense"]["ndcg@5"], results["fusion"]["ndcg@5"]) or 1.0
    for r in results.values():
        r["ndcg_vs_best_baseline"] = round(r["ndcg@5"] / best, 3)
    return {"split": split, "questions": len(questions), "judged_pairs": len(judgments),
            "chunks": len(mentor.index.chunks), "systems": results, "offtopic": detection(retriever, split),
            "cache": _cache_figures(split)}


def _cache_figures(split: str) -> dict | None:
    """The semantic cache on the split's pairs: the candidate stage alone, and with the verifier's recorded
    decisions when there are any (test: eval/cache/test_verdicts.jsonl, made blind by a stand-in for the cheap
    model on exactly the prompts the code sends; `python scripts/cache_verify.py report` prints the cost)."""
    from . import cache

    path = cache.TEST_PAIRS if split == "test" else cache.PAIRS
    if not Path(path).exists():
        return None
    verdicts = Path(path).with_name("test_verdicts.jsonl") if split == "test" else None
    decisions = None
    if verdicts is not None and verdicts.exists():
        decisions = cache.load_decisions(verdicts)
    report = cache.evaluate_pairs(cache.load_pairs(path), decisions)
    return {**(report.get("with_verifier") or report["candidate_stage_alone"]),
            "candidate_stage_alone": report["candidate_stage_alone"], "verified": decisions is not None}


def format_table(report: dict) -> str:
    lines = [f"{report['split']} split: {report['questions']} questions, {report['judged_pairs']} judged pairs, "
             f"{report['chunks']} chunks", "",
             "| system | nDCG@5 | P@5 | success@5 | MRR (first 2) | top-5 judged | p50 ms | p95 ms "
             "| nDCG@5 vs best of dense/fusion |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, r in report["systems"].items():
        lines.append(f"| {name} | {r['ndcg@5']:.3f} | {r['p@5']:.3f} | {r['success@5']:.3f} | {r['mrr']:.3f} | "
                     f"{r['judged']:.0%} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['ndcg_vs_best_baseline']:.2f}x |")
    o = report["offtopic"]
    lines += ["", f"not covered: {o['offtopic_flagged']:.0%} of {o['offtopic']} off-topic questions flagged, "
              f"{o['ontopic_flagged']:.0%} of {o['ontopic']} on-topic questions wrongly flagged"]
    c = report.get("cache")
    if c:
        alone = c["candidate_stage_alone"]
        how = "with the verifier's recorded decisions" if c["verified"] else "candidate stage alone"
        lines.append(f"cache ({how}): {c['paraphrase_hits']} of {c['paraphrases']} paraphrases hit, "
                     f"{c['false_hits']} of {c['near_misses']} near misses served a wrong answer (candidate stage "
                     f"alone: {alone['paraphrase_hits']} hits, {alone['false_hits']} wrong)")
    else:
        lines.append("cache: no labelled pairs for this split")
    return "\n".join(lines)
