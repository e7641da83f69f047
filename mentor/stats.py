"""The read side of observability: figures over answers, spans and feedback for the Insights page and the CLI."""

from __future__ import annotations

import calendar
import json
import re
from datetime import UTC, datetime, timedelta

from .errors import InputError
from .store import Store

SINCE = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}

# what people read instead of span and route names
STAGE_LABELS = {  # in the order a request runs them
    "ask": "Whole answer", "save_question": "Save the question", "condense": "Rewrite a follow-up",
    "route": "Choose a model", "cache": "Semantic cache", "retrieve": "Search the course",
    "embed": "Embed the question", "dense": "Meaning search", "bm25": "Keyword search", "fusion": "Fuse the rankings",
    "rerank": "Rerank", "generate": "Write the answer", "redact": "Redact personal data", "cite": "Match citations",
    "save": "Save the answer", "remember": "Cache the answer", "review": "Code review", "analyse": "Static analysis",
    "model_review": "Model review", "plan": "Weekly plan", "advice": "Model advice", "quiz": "Quiz grading",
    "hint": "Hint",
}
PROVIDER_LABELS = {"offline": "Offline extract", "anthropic": "Claude", "local": "Local model"}


def _order(item: tuple[str, object]) -> tuple[int, str]:
    """Stages in the order a request runs them (the labels' order), unknown ones last."""
    order = list(STAGE_LABELS)
    return (order.index(item[0]) if item[0] in order else len(order), item[0])


def label(name: str) -> str:
    return STAGE_LABELS.get(name, name.replace("_", " ").replace("-", " ").capitalize())


def route_label(provider: str | None, model: str | None) -> str:
    who = PROVIDER_LABELS.get(provider or "", provider or "unknown")
    return who if provider == "offline" else f"{who} · {model}"


def money(usd: float | None) -> str:
    """Dollars as people write them: $1,234.50; amounts under a cent as "< $0.01"; nothing spent as "$0"."""
    usd = float(usd or 0.0)
    if usd == 0:
        return "$0"
    if abs(usd) < 0.01:
        return "< $0.01"
    return f"${usd:,.2f}"


def when(iso: str | None) -> str:
    """A stored UTC time in the reader's local time, in words: "Mon 30 Nov, 12:27"."""
    if not iso:
        return ""
    return datetime.fromisoformat(iso).astimezone().strftime("%a %d %b, %H:%M")


def duration(ms: float | None) -> str:
    return f"{ms / 1000:.2f} s" if (ms or 0) >= 1000 else f"{ms or 0:.0f} ms"


def parse_since(text: str | None) -> timedelta | None:
    """'7d', '24h', '30m', '2w' -> a timedelta; None or '' -> no limit."""
    if not text:
        return None
    m = SINCE.match(text)
    if not m or int(m.group(1)) == 0:
        raise InputError(f"--since takes a number and a unit (m, h, d or w), like 7d or 24h; got {text!r}.")
    return timedelta(**{UNITS[m.group(2)]: int(m.group(1))})


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1); 0 for no values."""
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(round(q * (len(values) - 1)))))]


def _cutoff(since: timedelta | None, now: datetime) -> str:
    return (now - since).isoformat(timespec="seconds") if since else ""


def daily_cost(store: Store, cut: str) -> dict[str, float]:
    """Money spent per UTC day since `cut`: answers, plus reviews, plans, quizzes and hints."""
    rows = list(store.db.query(
        "select substr(created, 1, 10) as day, coalesce(sum(cost_usd), 0) as cost from messages "
        "where role = 'assistant' and created >= ? group by day", [cut]))
    rows += store.db.query(
        "select substr(start, 1, 10) as day, coalesce(sum(json_extract(attributes, '$.\"mentor.cost_usd\"')), 0) "
        "as cost from spans where parent_id is null and name != 'ask' and start >= ? group by day", [cut])
    out: dict[str, float] = {}
    for r in rows:
        out[r["day"]] = out.get(r["day"], 0.0) + r["cost"]
    return out


def stats(store: Store, budget_usd: float, since: timedelta | None = None, now: datetime | None = None) -> dict:
    """Every figure of the Insights page (`mentor stats` prints the same dict)."""
    now = now or datetime.now(UTC)
    cut = _cutoff(since, now)
    db = store.db
    answers = list(db.query("select * from messages where role = 'assistant' and mode = 'ask' and created >= ?",
                            [cut]))
    paid = [a for a in answers if not a["cached"]]
    lat = [a["latency_ms"] for a in answers if a["latency_ms"] is not None]
    mean_cost: dict[str | None, float] = {}  # what an answer of each model costs: the value of a cache hit
    for model in {a["model"] for a in paid}:
        costs = [a["cost_usd"] or 0.0 for a in paid if a["model"] == model]
        mean_cost[model] = sum(costs) / len(costs)
    cached = [a for a in answers if a["cached"]]
    routes: dict[tuple, dict] = {}
    for a in answers:
        r = routes.setdefault((a["provider"], a["model"]), {
            "route": route_label(a["provider"], a["model"]), "provider": a["provider"], "model": a["model"],
            "answers": 0, "cached": 0, "tokens_in": 0, "tokens_out": 0, "cost_usd": 0.0})
        r["answers"] += 1
        r["cached"] += int(bool(a["cached"]))
        r["tokens_in"] += a["tokens_in"] or 0
        r["tokens_out"] += a["tokens_out"] or 0
        r["cost_usd"] = round(r["cost_usd"] + (a["cost_usd"] or 0.0), 6)
    other = list(db.query(  # reviews, plans, quizzes and hints: their cost is on their root span
        "select name, count(*) as n, coalesce(sum(json_extract(attributes, '$.\"mentor.cost_usd\"')), 0) as cost "
        "from spans where parent_id is null and name != 'ask' and start >= ? group by name", [cut]))
    per_day = daily_cost(store, cut)
    operations = {"ask": len(answers)}
    for row in other:
        operations[row["name"]] = operations.get(row["name"], 0) + row["n"]
    stage_ms: dict[str, list[float]] = {}
    for row in db.query("select s.name, s.duration_ms from spans s join spans r on r.span_id = s.parent_id "
                        "where r.name = 'ask' and s.start >= ?", [cut]):
        stage_ms.setdefault(row["name"], []).append(row["duration_ms"])
    feedback: dict[str, dict] = {}
    for row in db.query("select substr(created, 1, 10) as day, rating, count(*) as n from feedback "
                        "where created >= ? group by day, rating order by day", [cut]):
        f = feedback.setdefault(row["day"], {"day": row["day"], "helpful": 0, "not_helpful": 0})
        f["helpful" if row["rating"] > 0 else "not_helpful"] += row["n"]
    redactions: dict[str, int] = {}
    for a in answers:
        for kind, n in json.loads(a["redactions"] or "{}").items():
            redactions[kind] = redactions.get(kind, 0) + int(n)
    month_cost = store.month_cost(now.strftime("%Y-%m"))
    days = calendar.monthrange(now.year, now.month)[1]
    spent, month = 0.0, []
    for day, cost in sorted(daily_cost(store, now.strftime("%Y-%m-01")).items()):
        spent += cost
        month.append({"day": day, "spent_usd": round(spent, 6)})
    return {
        "since": cut or None,
        "answers": len(answers),
        "operations": operations,
        "cost_usd": round(sum(a["cost_usd"] or 0.0 for a in answers) + sum(r["cost"] for r in other), 6),
        "tokens_in": sum(a["tokens_in"] or 0 for a in answers),
        "tokens_out": sum(a["tokens_out"] or 0 for a in answers),
        "latency_p50_ms": round(percentile(lat, 0.5), 1),
        "latency_p95_ms": round(percentile(lat, 0.95), 1),
        "cache_hits": len(cached),
        "cache_hit_rate": round(len(cached) / len(answers), 4) if answers else 0.0,
        "cache_saved_usd": round(sum(mean_cost.get(a["model"], 0.0) for a in cached), 6),
        "budget": {"monthly_usd": budget_usd, "month_cost_usd": round(month_cost, 6),
                   "projected_usd": round(month_cost / now.day * days, 6), "days_in_month": days,
                   "day_of_month": now.day, "spent_by_day": month},
        "cost_per_day": [{"day": d, "cost_usd": round(c, 6)} for d, c in sorted(per_day.items())],
        "routes": sorted(routes.values(), key=lambda r: -r["answers"]),
        "stages": [{"stage": name, "label": label(name), "n": len(v), "p50_ms": round(percentile(v, 0.5), 2),
                    "p95_ms": round(percentile(v, 0.95), 2)} for name, v in sorted(stage_ms.items(), key=_order)],
        "feedback": list(feedback.values()),
        "thumbs_up": sum(f["helpful"] for f in feedback.values()),
        "thumbs_down": sum(f["not_helpful"] for f in feedback.values()),
        "redactions": [{"type": k, "count": n} for k, n in sorted(redactions.items(), key=lambda kv: -kv[1])],
    }


def trace_list(store: Store, limit: int = 50, since: timedelta | None = None) -> list[dict]:
    """The latest traces, newest first: one row per answer, review, plan, quiz grading or hint."""
    rows = store.db.query("select * from spans where parent_id is null and start >= ? order by start_ns desc "
                          "limit ?", [_cutoff(since, datetime.now(UTC)), limit])
    out = []
    for r in rows:
        a = json.loads(r["attributes"] or "{}")
        out.append({"trace_id": r["trace_id"], "operation": r["name"], "label": label(r["name"]), "start": r["start"],
                    "duration_ms": r["duration_ms"], "status": r["status"], "message_id": r["message_id"],
                    "route": a.get("mentor.route"), "model": a.get("gen_ai.request.model"),
                    "cached": bool(a.get("mentor.cache.hit")), "cost_usd": a.get("mentor.cost_usd", 0.0)})
    return out


def trace_detail(store: Store, ref: str | int) -> dict:
    """One trace by trace id (or its first 8+ characters) or by the id of the answer it produced."""
    ref = str(ref).strip()
    if ref.isdigit():
        row = next(store.db.query("select trace_id from spans where message_id = ? limit 1", [int(ref)]), None)
    elif re.fullmatch(r"[0-9a-f]{8,32}", ref):
        row = next(store.db.query("select trace_id from spans where trace_id like ? limit 1", [ref + "%"]), None)
    else:
        raise InputError(f"A trace is named by its id (hex) or by the answer's message id; got {ref!r}.")
    if row is None:
        raise InputError(f"There is no trace {ref}: `mentor traces list` shows the recent ones.")
    spans = store.spans(row["trace_id"])
    by_id = {s["span_id"]: s for s in spans}
    t0 = min(s["start_ns"] for s in spans)
    root = next((s for s in spans if s["parent_id"] is None), spans[0])

    def depth(s: dict) -> int:
        d = 0
        while s["parent_id"] in by_id:
            s, d = by_id[s["parent_id"]], d + 1
        return d

    waterfall = [{"span_id": s["span_id"], "parent_id": s["parent_id"], "name": s["name"], "label": label(s["name"]),
                  "depth": depth(s), "offset_ms": round((s["start_ns"] - t0) / 1e6, 3),
                  "duration_ms": s["duration_ms"], "status": s["status"], "error": s["error"],
                  "attributes": s["attributes"]} for s in spans]
    find = {s["name"]: s["attributes"] for s in spans}
    retrieve, route = find.get("retrieve", {}), find.get("route", {})
    passages = [{"rank": i + 1, "source": src, "score": score} for i, (src, score) in enumerate(
        zip(retrieve.get("mentor.sources", []), retrieve.get("mentor.scores", []), strict=False))]
    return {"trace_id": root["trace_id"], "operation": root["name"], "label": label(root["name"]),
            "start": root["start"], "duration_ms": root["duration_ms"], "status": root["status"],
            "message_id": root["message_id"], "attributes": root["attributes"], "spans": waterfall,
            "passages": passages, "route": {"chain": route.get("mentor.chain", []),
                                            "reason": route.get("mentor.reason") or root["attributes"].get(
                                                "mentor.route.reason"), "complexity": route.get("mentor.complexity")}}
