"""Choose the router's LONG_TOKENS on the dev workload: the most strong-worthy requests on the strong model while
the routed cost (cloud key plus local server) stays within 40% of sending everything to the strong model.

    .venv/bin/python scripts/tune_router.py            # prints the sweep and the choice (dev only)
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mentor import router  # noqa: E402
from mentor.config import Config  # noqa: E402
from mentor.route_report import EVAL_DIR, load, replay  # noqa: E402

COST_CEILING = 0.40


def main() -> None:
    items = load(EVAL_DIR / "dev.jsonl")
    cfg = Config.from_env({"MENTOR_HOME": "/tmp/unused", "ANTHROPIC_API_KEY": "tune-only",
                           "MENTOR_LOCAL_BASE_URL": "http://127.0.0.1:1", "MENTOR_LOCAL_MODEL": "local"})
    best = None
    print("LONG_TOKENS  strong-worthy on strong  cost vs all-strong")
    for tokens in (20, 30, 40, 50, 60, 80, 100, 120, 160, 200):
        router.LONG_TOKENS = tokens
        r = replay(items, cfg)
        print(f"{tokens:11}  {r['needs_strong_on_strong']:3}/{r['needs_strong']:<20}  {r['ratio']:.1%}")
        if r["ratio"] <= COST_CEILING and (best is None or r["needs_strong_on_strong"] > best[1]):
            best = (tokens, r["needs_strong_on_strong"])
    print(f"chosen: LONG_TOKENS = {best[0]}")


if __name__ == "__main__":
    main()
