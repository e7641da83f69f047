"""The regex router before issue 9, on a workload, priced as `mentor route-report` prices it (the baseline).

    mkdir -p /tmp/before && git archive 56acaaf | tar -x -C /tmp/before
    .venv/bin/python scripts/route_before.py /tmp/before eval/route/test.jsonl
"""

import json
import sys

sys.path.insert(0, sys.argv[1])

from mentor.config import Config  # noqa: E402
from mentor.llm import estimate_tokens  # noqa: E402
from mentor.router import Router, price  # noqa: E402

OVERHEAD_IN = {"ask": 3200, "review": 1500, "design": 3200, "plan": 900}
TOKENS_OUT = {"ask": 350, "review": 900, "design": 700, "plan": 250}
items = [json.loads(line) for line in open(sys.argv[2])]
LOCAL = {"MENTOR_LOCAL_BASE_URL": "http://127.0.0.1:1", "MENTOR_LOCAL_MODEL": "local"}
for name, extra in (("cloud and local", LOCAL), ("cloud only", {})):
    cfg = Config.from_env({"MENTOR_HOME": "/tmp/unused", "ANTHROPIC_API_KEY": "x", **extra})
    r = Router(cfg)
    routed = strong = need = got = 0
    for it in items:
        tin = it.get("tokens_in") or OVERHEAD_IN[it["task"]] + estimate_tokens(it["text"])
        tout = it.get("tokens_out") or TOKENS_OUT[it["task"]]
        first = r.route(it["task"], it["text"]).chain[0]
        routed += price(first.model, tin, tout) if first.provider == "anthropic" else 0
        strong += price(cfg.strong_model, tin, tout)
        ns = it.get("needs_strong", it["task"] == "review" or it.get("multi_part_design"))
        need += bool(ns)
        got += bool(ns and first.name == "strong")
    print(f"{name}: routed {routed/strong:.1%} of all-strong; needing the strong model: {got}/{need} reached it")
