"""How well free-text reflections are understood: topic and stance precision and recall on eval/reflections.jsonl.

    MENTOR_HOME=<a home with the full index> PYTHONPATH=. .venv/bin/python scripts/eval_reflections.py

Each line is a reflection with the topics it names and the learner's stance ("hard" or "sure"). A finding counts
as correct when its topic and stance both match. The cue words in mentor/understanding.py were checked against
the dev split; the test split is reported as held out. A baseline measured in the same run maps the same text
with the curriculum's own tag-word matching (`Curriculum.mentioned_topics`, what the planner used before),
all stances "hard".
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def score(found: list[dict[str, str]], expected: list[dict[str, str]]) -> tuple[float, float]:
    tp = sum(len(set(f.items()) & set(e.items())) for f, e in zip(found, expected, strict=True))
    n_found, n_expected = sum(map(len, found)), sum(map(len, expected))
    return (tp / n_found if n_found else 0.0), (tp / n_expected if n_expected else 0.0)


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from mentor.core import build_mentor
    from mentor.curriculum import load_curriculum
    from mentor.understanding import understand

    m = build_mentor()
    cur = load_curriculum(m.config.corpus_dir)
    rows = [json.loads(line) for line in (ROOT / "eval" / "reflections.jsonl").read_text().splitlines() if line]
    m.retriever.search("warm up", k=1)
    print(f"{'split':<6}{'n':>4}{'system':>26}{'precision':>11}{'recall':>8}{'ms/reflection':>15}")
    for split in ("dev", "test"):
        part = [r for r in rows if r["split"] == split]
        expected = [r["expect"] for r in part]
        t0 = time.perf_counter()
        ours = [{f.tag: f.stance for f in understand(m, r["week"], went_well=r["went_well"], hard=r["hard"]).findings}
                for r in part]
        ms = (time.perf_counter() - t0) * 1000 / len(part)
        base = [{t.tag: "hard" for t in cur.mentioned_topics(f"{r['went_well']} {r['hard']}", r["week"])}
                for r in part]
        for name, found, cost in (("tag words (baseline)", base, None), ("index + cues", ours, ms)):
            p, r = score(found, expected)
            print(f"{split:<6}{len(part):>4}{name:>26}{p:>11.2f}{r:>8.2f}{'' if cost is None else f'{cost:.0f}':>15}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
