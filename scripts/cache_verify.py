"""The semantic cache on the held-out pairs (eval/cache/test.jsonl), with the verifier's decisions made blind.

    .venv/bin/python scripts/cache_verify.py batch     # writes /work/blind/verify/test_batch.jsonl: the exact
                                                        # verification prompt of every pair that passes the
                                                        # candidate stage (the cached question is `a`)
    .venv/bin/python scripts/cache_verify.py report    # reads eval/cache/test_verdicts.jsonl {"item_id", "same"}
                                                        # (the blind stand-in for the cheap model) and prints hits,
                                                        # false hits and cost saved, and the candidate stage alone
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mentor.cache import (  # noqa: E402
    TEST_PAIRS,
    candidates,
    evaluate_pairs,
    format_report,
    load_decisions,
    load_pairs,
    verification_prompt,  # noqa: E402
)
from mentor.config import DEFAULT_CHEAP_MODEL, DEFAULT_STRONG_MODEL  # noqa: E402
from mentor.llm import estimate_tokens  # noqa: E402
from mentor.route_report import OVERHEAD_IN, TOKENS_OUT  # noqa: E402
from mentor.router import price  # noqa: E402

BATCH = Path("/work/blind/verify/test_batch.jsonl")
VERDICTS = ROOT / "eval" / "cache" / "test_verdicts.jsonl"
VERIFY_OUT_TOKENS = 20  # a forced tool call: {"same": true}
TOOL_TOKENS = 120  # the tool definition the API adds to the prompt


def batch() -> None:
    rows = [r for r in candidates(load_pairs(TEST_PAIRS)) if r["candidate"]]
    BATCH.parent.mkdir(parents=True, exist_ok=True)
    BATCH.write_text("".join(json.dumps({"item_id": r["id"], "prompt": verification_prompt(r["a"], r["b"])}) + "\n"
                             for r in rows))
    print(f"{len(rows)} verification prompts -> {BATCH}")


def report(argv: list[str]) -> None:
    pairs = load_pairs(TEST_PAIRS)
    decisions = load_decisions(VERDICTS)
    prompt_tokens = TOOL_TOKENS + estimate_tokens(verification_prompt(pairs[0]["a"], pairs[0]["b"]))
    verify_cost = price(DEFAULT_CHEAP_MODEL, prompt_tokens, VERIFY_OUT_TOKENS)
    for name, model in (("cheap", DEFAULT_CHEAP_MODEL), ("strong", DEFAULT_STRONG_MODEL)):
        answer_cost = price(model, OVERHEAD_IN["ask"], TOKENS_OUT["ask"])
        r = evaluate_pairs(pairs, decisions, answer_cost=answer_cost, verify_cost=verify_cost)
        if "--json" in argv:
            print(json.dumps({k: v for k, v in r.items() if k != "rows"}, indent=2))
            continue
        print(f"{TEST_PAIRS.relative_to(ROOT)}, answers from the {name} model (${answer_cost:.4f} each), "
              f"verification ${verify_cost:.5f} each on {DEFAULT_CHEAP_MODEL}:")
        print(format_report(r))
        wrong = [x for x in r["rows"] if not x["same"] and (x["exact"] or decisions.get(x["id"]))]
        print("".join(f"  false hit: {x['a']!r} | {x['b']!r}\n" for x in wrong), end="")


if __name__ == "__main__":
    batch() if sys.argv[1:2] == ["batch"] else report(sys.argv[2:])
