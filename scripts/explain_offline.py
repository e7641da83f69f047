"""Why an offline answer quotes what it quotes: the tool the selection rules in mentor/extracts.py were set with.

    .venv/bin/python scripts/explain_offline.py            # the 40 dev questions of eval/answers/dev_items.jsonl
    .venv/bin/python scripts/explain_offline.py d06 d22    # some of them

For each dev question: the retrieved passages with their relevance (the best passage is marked), the sentences
that rank them, then the answer as `mentor ask` gives it offline. Read them as a demanding learner would, change a
rule or a constant in extracts.py, run again. Dev questions only: the held-out answers are rated blind.
Uses MENTOR_HOME's index, offline.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mentor.chat import SOURCES  # noqa: E402
from mentor.config import Config  # noqa: E402
from mentor.core import Mentor  # noqa: E402
from mentor.extracts import Selection  # noqa: E402
from mentor.offline import compose  # noqa: E402


def main(argv: list[str]) -> int:
    items = [json.loads(line) for line in (ROOT / "eval" / "answers" / "dev_items.jsonl").read_text().splitlines()]
    wanted = set(argv)
    m = Mentor(Config.from_env().with_(provider="offline", cache=False))
    m.warm()
    for it in sorted(items, key=lambda i: i["item_id"]):
        if wanted and it["item_id"] not in wanted:
            continue
        result = m.retriever.search(it["question"], k=SOURCES)
        print(f"===== {it['item_id']} {it['question']}")
        if not result.covered:
            print("  (not covered)\n")
            continue
        selection = Selection(it["question"], result.hits, [])
        selection.opening()
        for p in selection.passages:
            mark = "*" if p is selection.primary else " "
            heading = str(result.hits[p.n - 1].meta.get("heading") or "")[-70:]
            print(f" {mark}[{p.n}] relevance {p.relevance:.3f} {p.kind} {heading}")
            for s in sorted((s for s in p.sentences if s.scored), key=lambda s: -s.score)[:3]:
                print(f"        {s.score:.3f} (cosine {s.sim:.2f}) {s.text[:100]}")
        answer = "".join(compose(it["question"], result.hits, corpus_dir=m.config.corpus_dir))
        print("\n" + answer.split("\n\n", 1)[-1] + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
