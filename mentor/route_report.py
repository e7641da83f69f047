"""Route report: replay a workload through the router (no model is called) and price it against all-strong.

    mentor route-report                          # the held-out workload, eval/route/test.jsonl
    mentor route-report --workload eval/route/dev.jsonl

A workload line is {"task", "text", "deep", "needs_strong"} (the dev file has "multi_part_design" and measured
token counts instead). Where tokens are not given they are estimated: the request's text plus what the task
adds around it (system prompt and passages for a question, the checks for a review).
"""

from __future__ import annotations

import json
from pathlib import Path

from .config import Config
from .llm import estimate_tokens
from .router import Router, price

EVAL_DIR = Path(__file__).resolve().parent.parent / "eval" / "route"
# tokens a task adds to the request's own text, and a typical answer's length (from the dev workload's means)
OVERHEAD_IN = {"ask": 3200, "review": 1500, "design": 3200, "plan": 900}
TOKENS_OUT = {"ask": 350, "review": 900, "design": 700, "plan": 250}


def load(path: Path | str) -> list[dict]:
    items = [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]
    for it in items:
        it.setdefault("deep", False)
        it.setdefault("needs_strong", it["task"] == "review" or bool(it.get("multi_part_design")))
        it.setdefault("tokens_in", OVERHEAD_IN.get(it["task"], 3200) + estimate_tokens(it["text"]))
        it.setdefault("tokens_out", TOKENS_OUT.get(it["task"], 350))
    return items


def replay(items: list[dict], cfg: Config) -> dict:
    router = Router(cfg)
    routed = strong = 0.0
    counts: dict[str, int] = {}
    missed, needs = [], 0
    for it in items:
        first = router.route(it["task"], it["text"], deep=it["deep"]).chain[0]
        routed += price(first.model, it["tokens_in"], it["tokens_out"]) if first.provider == "anthropic" else 0.0
        strong += price(cfg.strong_model, it["tokens_in"], it["tokens_out"])
        counts[first.name] = counts.get(first.name, 0) + 1
        if it["needs_strong"]:
            needs += 1
            if first.name != "strong":
                missed.append(it["text"][:80])
    return {"routed_cost_usd": round(routed, 4), "all_strong_cost_usd": round(strong, 4),
            "ratio": round(routed / strong, 3) if strong else None, "routes": counts, "needs_strong": needs,
            "needs_strong_on_strong": needs - len(missed), "needs_strong_missed": missed}


def route_report(config: Config, workload: Path | str | None = None) -> dict:
    """Both set-ups a learner with a key may have: a cloud key plus a local server, and a cloud key alone."""
    path = Path(workload) if workload else EVAL_DIR / "test.jsonl"
    items = load(path)
    base = {"MENTOR_HOME": str(config.home), "ANTHROPIC_API_KEY": "report-only",
            "MENTOR_STRONG_MODEL": config.strong_model, "MENTOR_CHEAP_MODEL": config.cheap_model}
    with_local = Config.from_env({**base, "MENTOR_LOCAL_BASE_URL": "http://127.0.0.1:1", "MENTOR_LOCAL_MODEL": "local"})
    mix: dict[str, int] = {}
    for it in items:
        kind = it["task"] + (" (deep)" if it["deep"] else "")
        mix[kind] = mix.get(kind, 0) + 1
    return {"workload": str(path), "requests": len(items), "mix": mix,
            "cloud_and_local": replay(items, with_local), "cloud_only": replay(items, Config.from_env(base))}


def format_route_report(r: dict) -> str:
    lines = [f"{r['workload']}: {r['requests']} requests: " + ", ".join(f"{n} {k}" for k, n in r["mix"].items())]
    for name in ("cloud_and_local", "cloud_only"):
        s = r[name]
        lines += [f"{name.replace('_', ' ')}: routes {s['routes']}; routed ${s['routed_cost_usd']:.4f} vs all-strong "
                  f"${s['all_strong_cost_usd']:.4f} = {s['ratio']:.1%}; needing the strong model: "
                  f"{s['needs_strong_on_strong']}/{s['needs_strong']} reached it"]
        lines += [f"  - missed: {t}" for t in s["needs_strong_missed"]]
    return "\n".join(lines)
