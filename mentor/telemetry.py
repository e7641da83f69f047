"""Observability read side: aggregates over stored messages and per-stage traces."""

from __future__ import annotations

from .store import Store


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def insights(store: Store) -> dict:
    db = store.db
    answers = list(db.query("select * from messages where role = 'assistant'"))
    lat = [a["latency_ms"] for a in answers if a["latency_ms"] is not None]
    routes: dict[tuple, dict] = {}
    for a in answers:
        key = (a["provider"], a["model"])
        r = routes.setdefault(key, {"provider": a["provider"], "model": a["model"], "answers": 0, "tokens_in": 0,
                                    "tokens_out": 0, "cost_usd": 0.0})
        r["answers"] += 1
        r["tokens_in"] += a["tokens_in"] or 0
        r["tokens_out"] += a["tokens_out"] or 0
        r["cost_usd"] = round(r["cost_usd"] + (a["cost_usd"] or 0.0), 6)
    stages = list(db.query(
        "select stage, count(*) as n, round(avg(ms), 1) as avg_ms, round(max(ms), 1) as max_ms "
        "from traces group by stage order by stage"))
    fb = {r["rating"]: r["n"] for r in db.query("select rating, count(*) as n from feedback group by rating")}
    recent = list(db.query(
        "select id, created, provider, model, cached, tokens_in, tokens_out, cost_usd, latency_ms, route_reason "
        "from messages where role = 'assistant' order by id desc limit 20"))
    return {
        "answers": len(answers),
        "month_cost": store.month_cost(),
        "cache_hit_rate": (sum(1 for a in answers if a["cached"]) / len(answers)) if answers else 0.0,
        "latency_p50_ms": _pct(lat, 0.5),
        "latency_p95_ms": _pct(lat, 0.95),
        "thumbs_up": fb.get(1, 0),
        "thumbs_down": fb.get(-1, 0),
        "routes": list(routes.values()),
        "stages": stages,
        "recent": recent,
    }
