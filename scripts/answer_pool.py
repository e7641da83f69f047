"""The offline answers' held-out figure pooled over every fresh sample: each sample's default of its day, rated
blind (one rater per sample; questions from a writer who saw only corpus/).

    .venv/bin/python scripts/answer_pool.py

test6 measures v6 (the lessons' "How to choose" sections) beside v5, test7 v7 ("How to do it" sections as well)
beside v6, and test8 today's default, v8 (the opening reads its paragraph to the end; a definition question whose
term a top passage names is covered) beside v7, and test9 today's default (v8 with the later answer changes)
beside v7, each pair rated in one shuffle; test10, test11 and test12 (session 9) rate today's default alone:
`python scripts/answer_ratings.py eval/answers/test7_rating/rate.jsonl eval/answers/test7_rating/rate.rated.jsonl
--map eval/answers/test7_rating/map.json` (test6 and test8-test12 alike). The earlier samples measure the defaults
before them.

The second figure, declared before test11 and test12 were written, pools the samples rated at today's default:
test9-test12, and test8 at its v8 rating (today's default changes one of its 60 answers, v22, which counts at
v8's "no").

Each sample is (its shuffled file, the rater's file, the map of which batch each line came from, the version that
was the default then); see the README's "Offline answers" for how each was made.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from answer_ratings import _rows, summarise  # noqa: E402

ANSWERS = Path(__file__).resolve().parent.parent / "eval" / "answers"
SAMPLES = [  # (name, rated file, map, default version)
    ("test", ANSWERS / "rate_v4.rated.jsonl", ANSWERS / "rate_v4_map.json", "v4"),
    *((s, ANSWERS / f"{s}_rating" / "rate.rated.jsonl", ANSWERS / f"{s}_rating" / "map.json", v)
      for s, v in (("test2", "v4"), ("test3", "v4"), ("test4", "v5"), ("test5", "v5"), ("test6", "v6"),
                   ("test7", "v7"), ("test8", "v8"),
                   ("test9", "v8"), ("test10", "v8"), ("test11", "v8"), ("test12", "v8"))),
]

TODAY = ("test8", "test9", "test10", "test11", "test12")  # the samples rated at today's default (test8: see above)


def main() -> int:
    pooled, named = [], []
    for name, rated, shuffle, version in SAMPLES:
        which = {sid: v["version"] for sid, v in json.loads(shuffle.read_text()).items()}
        rows = [r for r in _rows(rated) if which.get(r["item_id"]) == version]
        pooled += rows
        named += [(name, r) for r in rows]
        print(f"{name:6} ({version}): {summarise(rows)}")
    print(f"pooled: {summarise(pooled)}  (targets: yes 80%, yes-or-partly 95%, usefulness 3.5)")
    print(f"today's default ({', '.join(TODAY)}): {summarise([r for name, r in named if name in TODAY])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
