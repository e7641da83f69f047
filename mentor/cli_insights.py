"""`mentor traces` and `mentor stats`: the Insights page on the command line."""

from __future__ import annotations

from .cli import _mentor, _out
from .errors import InputError


def cmd_traces(args) -> int:
    from .stats import duration as _ms
    from .stats import money, parse_since, trace_detail, trace_list

    m = _mentor()
    if args.action == "list":
        rows = trace_list(m.store, limit=args.limit, since=parse_since(args.since))

        def line(r: dict) -> str:
            return (f"{r['trace_id'][:12]}  {r['start'][:19].replace('T', ' ')}  {r['label']:<12} "
                    f"{_ms(r['duration_ms']):>8}  {r['route'] or '-':<8} {'cached ' if r['cached'] else ''}"
                    f"{money(r['cost_usd'])}" + (f"  answer {r['message_id']}" if r["message_id"] else "")
                    + ("  FAILED" if r["status"] == "error" else ""))

        _out(args, rows, "\n".join(line(r) for r in rows) or "No traces yet: ask a question first.")
        return 0
    if args.id is None:
        raise InputError("Say which trace: mentor traces show TRACE_ID (or the answer's message id)")
    t = trace_detail(m.store, args.id)
    if args.json:
        _out(args, t)
        return 0
    print(f"{t['label']} · trace {t['trace_id']} · {t['start'][:19].replace('T', ' ')} UTC · {_ms(t['duration_ms'])}")
    scale = max(t["duration_ms"], 1e-6)
    for s in t["spans"]:
        left = int(30 * s["offset_ms"] / scale)
        bar = " " * left + "█" * max(1, int(30 * s["duration_ms"] / scale))
        name = "  " * s["depth"] + s["label"]
        failed = f"  ERROR {s['error'] or ''}" if s["status"] == "error" else ""
        print(f"  {name:<30} {bar[:31]:<31} {_ms(s['duration_ms']):>8}{failed}")
    if t["route"]["reason"]:
        print(f"\nRoute: {' -> '.join(t['route']['chain']) or '-'} · {t['route']['reason']}")
    for p in t["passages"]:
        print(f"  [{p['rank']}] {p['score']:.3f}  {p['source']}")
    return 0


def cmd_stats(args) -> int:
    from .stats import duration as _ms
    from .stats import money, parse_since, stats

    m = _mentor()
    d = stats(m.store, m.config.monthly_budget_usd, since=parse_since(args.since))
    if args.json:
        _out(args, d)
        return 0
    b = d["budget"]
    lines = [
        f"Answers: {d['answers']}" + "".join(f" · {k}: {n}" for k, n in d["operations"].items() if k != "ask"),
        f"Spent: {money(d['cost_usd'])} ({d['tokens_in']:,} tokens in, {d['tokens_out']:,} out)",
        f"This month: {money(b['month_cost_usd'])} of {money(b['monthly_usd'])}, heading for "
        f"{money(b['projected_usd'])} by month end",
        f"Answer time: median {_ms(d['latency_p50_ms'])}, 95th percentile {_ms(d['latency_p95_ms'])}",
        f"From the cache: {d['cache_hits']} of {d['answers']} ({d['cache_hit_rate']:.0%}), saved about "
        f"{money(d['cache_saved_usd'])}",
        f"Feedback: {d['thumbs_up']} helpful, {d['thumbs_down']} not helpful",
    ]
    lines += ["", "Answers by route:"] + [f"  {r['route']:<34} {r['answers']:>5}  {money(r['cost_usd'])}"
                                         for r in d["routes"]]
    lines += ["", "Time per stage (median / 95th percentile):"] + [
        f"  {s['label']:<28} {_ms(s['p50_ms']):>8} / {_ms(s['p95_ms']):>8}" for s in d["stages"]]
    if d["redactions"]:
        lines += ["", "Redacted before leaving: " + ", ".join(f"{r['count']} {r['type']}" for r in d["redactions"])]
    print("\n".join(lines))
    return 0


def add_commands(add) -> None:
    """Register the commands with the parser's `add(name, fn, help)`."""
    t = add("traces", cmd_traces, "list recent traces or show one as a waterfall of its stages")
    t.add_argument("action", choices=["list", "show"], nargs="?", default="list")
    t.add_argument("id", nargs="?", help="trace id (or its first 8 characters) or the answer's message id")
    t.add_argument("--limit", type=int, default=20)
    t.add_argument("--since", help="only the last 30m, 24h, 7d, 2w ...")

    st = add("stats", cmd_stats, "answers, cost, latency per stage, cache, feedback and redactions")
    st.add_argument("--since", help="only the last 30m, 24h, 7d, 2w ...")
