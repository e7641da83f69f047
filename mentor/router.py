"""Routing: pick strong cloud, cheap cloud, local or offline per request, within a monthly budget."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .config import Config

# USD per million tokens (input, output); prompt-cache reads cost 0.1x input, writes 1.25x.
PRICES = {"opus": (5.0, 25.0), "sonnet": (3.0, 15.0), "haiku": (1.0, 5.0)}
ROUTES = ("strong", "cheap", "local", "offline")
BUDGET_SOFT_LIMIT = 0.8  # above this share of the budget, only reviews and design questions get the strong model

_DESIGN = re.compile(
    r"\b(design|architect\w*|trade-?offs?|compare|versus|vs\.?|migrat\w*|should (we|i)|choose|evaluate|"
    r"pros and cons|which (is|one)|plan for|strategy for|scale|refactor)\b", re.I)
_MULTI = re.compile(r"\?.*\?|\b(and (also|then)|first.*then|step by step|1\)|2\)|\(a\)|\(b\))|"
                    r",? and (how|what|why|which|when|where|should)\b|"
                    r",\s*and\s+(tell|explain|show|recommend|suggest|sketch)\b", re.I | re.S)


def price(model: str, tokens_in: int, tokens_out: int, cache_read: int = 0, cache_write: int = 0) -> float:
    """Cost in USD of one call; local and offline models cost nothing."""
    family = next((f for f in PRICES if f in model), None)
    if family is None:
        return 0.0
    p_in, p_out = PRICES[family]
    plain_in = max(0, tokens_in - cache_read - cache_write)
    return (plain_in * p_in + cache_read * p_in * 0.1 + cache_write * p_in * 1.25 + tokens_out * p_out) / 1e6


def complexity(task: str, text: str) -> str:
    """'high' for reviews and multi-part or design questions, 'low' for short factual ones, else 'medium'."""
    if task == "review":
        return "high"
    words = len(text.split())
    design = bool(_DESIGN.search(text))
    sentences = len([p for p in re.split(r"[.?!]+\s", text.strip()) if len(p.split()) >= 3])
    # several asks in one message: more than one sentence or question, or a list of aspects to weigh
    multi = bool(_MULTI.search(text)) or text.count("?") > 1 or sentences > 1 or text.count(",") >= 2
    if (design and (multi or words > 25)) or (multi and words > 30) or words > 80:
        return "high"
    if words <= 14 and not design:
        return "low"
    return "medium"


@dataclass
class Route:
    name: str  # strong | cheap | local | offline
    provider: str  # anthropic | local | offline
    model: str


@dataclass
class Decision:
    chain: list[Route]
    reason: str
    complexity: str
    notices: list[str] = field(default_factory=list)


class Router:
    def __init__(self, config: Config, spent_this_month=lambda: 0.0):
        self.config = config
        self.spent_this_month = spent_this_month

    def available(self) -> list[str]:
        c, avail = self.config, []
        cloud = bool(c.anthropic_api_key)
        local = bool(c.local_base_url)
        if c.provider == "offline":
            return ["offline"]
        if c.provider in ("auto", "anthropic") and cloud:
            avail += ["strong", "cheap"]
        if c.provider in ("auto", "local") and local:
            avail.append("local")
        return avail + ["offline"]

    def route(self, task: str, text: str, force: str | None = None) -> Decision:
        c = self.config
        level = complexity(task, text)
        avail = self.available()
        routes = {
            "strong": Route("strong", "anthropic", c.strong_model),
            "cheap": Route("cheap", "anthropic", c.cheap_model),
            "local": Route("local", "local", c.local_model or "local"),
            "offline": Route("offline", "offline", "extractive"),
        }
        notices: list[str] = []
        spent = self.spent_this_month() if "strong" in avail else 0.0
        budget = c.monthly_budget_usd
        if "strong" in avail and budget >= 0 and spent >= budget:
            avail = [r for r in avail if r not in ("strong", "cheap")]
            notices.append(f"Monthly budget of ${budget:.2f} is used up (${spent:.2f}); cloud models are off.")
        if force and force in avail:
            first, why = force, f"you chose the {force} route"
        elif "strong" in avail:
            tight = budget > 0 and spent >= BUDGET_SOFT_LIMIT * budget
            if level == "high":
                first, why = "strong", f"{task} of high complexity goes to the strong model"
            elif tight:
                first, why = ("local" if "local" in avail else "cheap"), "budget over 80% used: cheaper model"
            elif task in ("plan", "condense") or level == "low":
                first = "local" if "local" in avail else "cheap"
                why = f"{'a short question' if level == 'low' else 'planning wording'} does not need the strong model"
            elif "local" in avail:
                first, why = "local", "a single-part question: the local model answers it from the passages"
            else:
                first, why = "cheap", "a single-part question: the cheap cloud model is enough"
        elif "local" in avail:
            first, why = "local", "no cloud key configured: local model"
        else:
            first, why = "offline", ("offline mode chosen" if c.provider == "offline"
                                     else "no model configured: answering from the material offline")
        order = [first] + [r for r in ROUTES if r != first and r in avail and ROUTES.index(r) > ROUTES.index(first)]
        if "offline" not in order:
            order.append("offline")
        return Decision(chain=[routes[r] for r in order], reason=why, complexity=level, notices=notices)
