"""Routing: pick strong cloud, cheap cloud, local or offline per request, within a monthly budget."""

from __future__ import annotations

from dataclasses import dataclass, field

from .config import Config
from .llm import estimate_tokens

# USD per million tokens (input, output); prompt-cache reads cost 0.1x input, writes 1.25x.
PRICES = {"opus": (5.0, 25.0), "sonnet": (3.0, 15.0), "haiku": (1.0, 5.0)}
ROUTES = ("strong", "cheap", "local", "offline")
BUDGET_SOFT_LIMIT = 0.8  # above this share of the budget, only reviews and deep answers get the strong model
STRONG_TASKS = ("review", "design")  # a code or design review: the judgement of the strongest model pays off
CHEAP_TASKS = ("plan", "condense", "verify", "grade")  # short structured text from given facts: never the strong model
# a question this long (pasted code, logs, a whole scenario) carries more than a quick answer can use;
# chosen on the dev workload with scripts/tune_router.py
LONG_TOKENS = 30


def price(model: str, tokens_in: int, tokens_out: int, cache_read: int = 0, cache_write: int = 0) -> float:
    """Cost in USD of one call; local and offline models cost nothing."""
    family = next((f for f in PRICES if f in model), None)
    if family is None:
        return 0.0
    p_in, p_out = PRICES[family]
    plain_in = max(0, tokens_in - cache_read - cache_write)
    return (plain_in * p_in + cache_read * p_in * 0.1 + cache_write * p_in * 1.25 + tokens_out * p_out) / 1e6


def size(text: str) -> int:
    """The request's own size in tokens (the passages added to every question do not change the choice)."""
    return estimate_tokens(text)


@dataclass
class Route:
    name: str  # strong | cheap | local | offline
    provider: str  # anthropic | local | offline
    model: str


@dataclass
class Decision:
    chain: list[Route]
    reason: str
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

    def _first(self, task: str, text: str, deep: bool, avail: list[str], tight: bool) -> tuple[str, str]:
        """The first route and why: from the task, the request's size and the learner's "deep answer" choice."""
        cheaper = "local" if "local" in avail else "cheap"
        if "strong" not in avail:
            if "local" in avail:
                return "local", "no cloud key configured: local model"
            return "offline", ("offline mode chosen" if self.config.provider == "offline"
                               else "no model configured: answering from the material offline")
        if deep:
            return "strong", "you asked for a deep answer"
        if task in STRONG_TASKS:
            return "strong", f"a {task} goes to the strong model"
        if tight:
            return cheaper, "budget over 80% used: cheaper model"
        if task in CHEAP_TASKS:
            return cheaper, f"a {task} does not need the strong model"
        if size(text) > LONG_TOKENS:
            return "strong", f"a long request (over {LONG_TOKENS} tokens) goes to the strong model"
        return cheaper, "a question answered from the passages: " + (
            "the local model" if cheaper == "local" else "the cheap cloud model") + " is enough"

    def route(self, task: str, text: str, force: str | None = None, deep: bool = False) -> Decision:
        c = self.config
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
        else:
            first, why = self._first(task, text, deep, avail, tight=budget > 0 and spent >= BUDGET_SOFT_LIMIT * budget)
        order = [first] + [r for r in ROUTES if r != first and r in avail and ROUTES.index(r) > ROUTES.index(first)]
        if "offline" not in order:
            order.append("offline")
        return Decision(chain=[routes[r] for r in order], reason=why, notices=notices)
