"""Graded, condensed-list metrics against blind judgments, and the dev/test layout of the evaluation sets."""

from __future__ import annotations

import json
import math
from collections import Counter

import pytest

from mentor.cli import main
from mentor.evaluation import EVAL_DIR, graded, load_offtopic, load_split, passage_key


def _dcg(grades):
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades))


def test_unjudged_passages_are_dropped_and_the_ideal_is_the_best_judged_for_the_question():
    j = {("q1", "a"): 2, ("q1", "b"): 0, ("q1", "c"): 1, ("q1", "d"): 2, ("q2", "a"): 2}
    r = graded(["x", "b", "c", "y", "a", "d"], "q1", j)  # x and y were never judged
    assert r["judged"] == pytest.approx(3 / 5)
    assert r["ndcg@5"] == pytest.approx(_dcg([0, 1, 2, 2]) / _dcg([2, 2, 1, 0]))
    assert r["p@5"] == pytest.approx(3 / 5) and r["success@5"] == 1.0 and r["mrr"] == pytest.approx(1 / 3)
    perfect = graded(["a", "d", "c"], "q1", j)
    assert perfect["ndcg@5"] == pytest.approx(1.0) and perfect["mrr"] == 1.0
    nothing = graded(["b", "zz"], "q1", j)
    assert nothing == {"ndcg@5": 0.0, "p@5": 0.0, "success@5": 0.0, "mrr": 0.0, "judged": pytest.approx(1 / 5)}


def test_a_judgment_follows_the_passage_text_not_its_position():
    assert passage_key("Cache stampede: many misses at once.\n") == passage_key("Cache stampede: many misses at once.")
    assert passage_key("Cache stampede") != passage_key("Cache warming")


def test_test_questions_are_blind_and_disjoint_from_dev():
    dev, test = load_split("dev"), load_split("test")
    assert len(dev) == 128 and len(test) >= 100
    assert not {q["question"] for q in dev} & {q["question"] for q in test}
    assert len({q["id"] for q in dev + test}) == len(dev) + len(test)
    off_dev, off_test = load_offtopic("dev"), load_offtopic("test")
    assert not {q["id"] for q in off_dev} & {q["id"] for q in off_test}
    kinds = Counter(q["kind"] for q in off_dev + off_test)
    for kind, n in kinds.items():  # split in half within each kind
        assert abs(sum(q["kind"] == kind for q in off_dev) - n / 2) <= 0.5


def test_every_judgment_points_at_a_pooled_question():
    ids = {q["id"] for q in load_split("dev") + load_split("test")}
    path = EVAL_DIR / "retrieval" / "judgments.jsonl"
    rows = [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
    assert rows and all(r["qid"] in ids and r["grade"] in (0, 1, 2) for r in rows)


@pytest.mark.slow
def test_mentor_eval_prints_every_system_and_the_detector_rates(monkeypatch, capsys):
    from tests.conftest import FIXTURE_CORPUS

    monkeypatch.setenv("MENTOR_CORPUS", str(FIXTURE_CORPUS))
    assert main(["eval", "--split", "dev", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["split"] == "dev" and report["questions"] == 128
    assert set(report["systems"]) == {"bm25", "dense", "fusion", "default"}
    for row in report["systems"].values():
        assert 0.0 <= row["ndcg@5"] <= 1.0 and row["p95_ms"] >= row["p50_ms"] > 0
    off = report["offtopic"]
    assert off["offtopic"] == 30 and 0.0 <= off["offtopic_flagged"] <= 1.0
