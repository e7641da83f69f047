"""Routing: the right model per request, within the budget, with fallbacks; the workload reports."""

from mentor.config import Config
from mentor.route_report import EVAL_DIR, route_report
from mentor.router import Router, price

KEY = {"ANTHROPIC_API_KEY": "sk-ant-test", "MENTOR_HOME": "/tmp/unused"}
LOCAL = {"MENTOR_LOCAL_BASE_URL": "http://127.0.0.1:9", "MENTOR_LOCAL_MODEL": "llama"}


def names(decision):
    return [r.name for r in decision.chain]


def test_reviews_long_requests_and_deep_answers_get_the_strong_model():
    r = Router(Config.from_env({**KEY, **LOCAL}))
    assert names(r.route("review", "def f(): pass"))[0] == "strong"
    assert names(r.route("design", "Our RAG service design doc"))[0] == "strong"
    assert r.route("ask", "What is RPO?", deep=True).chain[0].name == "strong"
    pasted = "Why does this fail?\n" + "Traceback (most recent call last): File app.py line 3 in main\n" * 4
    assert r.route("ask", pasted).chain[0].name == "strong"
    assert r.route("plan", "plan my week " * 40).chain[0].name == "local"  # a plan never needs it


def test_short_questions_go_to_local_then_cheap_and_the_chain_falls_down_to_offline():
    r = Router(Config.from_env({**KEY, **LOCAL}))
    d = r.route("ask", "What is RPO?")
    assert names(d) == ["local", "offline"] and "local model" in d.reason
    cloud_only = Router(Config.from_env(KEY))
    assert names(cloud_only.route("ask", "What is RPO?")) == ["cheap", "offline"]
    assert names(cloud_only.route("review", "x = 1")) == ["strong", "cheap", "offline"]


def test_without_key_or_server_everything_is_offline():
    r = Router(Config.from_env({"MENTOR_HOME": "/tmp/unused"}))
    d = r.route("review", "x = 1")
    assert names(d) == ["offline"] and "offline" in d.reason


def test_the_monthly_budget_downgrades_then_switches_cloud_off():
    cfg = Config.from_env({**KEY, "MENTOR_MONTHLY_BUDGET_USD": "5"})
    design = "Design a multi-tenant RAG service: how do we isolate documents, and how do we delete a tenant?"
    tight = Router(cfg, spent_this_month=lambda: 4.5)
    assert tight.route("ask", "How does consistent hashing reduce data movement when a node joins?").chain[0].name \
        == "cheap"
    assert tight.route("ask", design).chain[0].name == "cheap"
    assert tight.route("ask", design, deep=True).chain[0].name == "strong"  # the learner's explicit choice
    over = Router(cfg, spent_this_month=lambda: 5.2)
    d = over.route("ask", design)
    assert names(d) == ["offline"] and "budget" in d.notices[0]


def test_prices():
    assert price("claude-sonnet-5-5", 1_000_000, 0) == 3.0
    assert price("claude-haiku-5-5", 0, 1_000_000) == 5.0
    assert price("llama3", 10_000, 10_000) == 0.0
    assert round(price("claude-sonnet-5-5", 1000, 0, cache_read=1000), 6) == round(1000 * 3.0 * 0.1 / 1e6, 6)


def test_the_report_prices_the_held_out_workload_and_counts_strong_worthy_requests(mentor):
    report = route_report(mentor.config)
    assert report["workload"].endswith("test.jsonl") and report["requests"] >= 50
    for setup in ("cloud_and_local", "cloud_only"):
        s = report[setup]
        assert 0 < s["routed_cost_usd"] < s["all_strong_cost_usd"]
        assert s["needs_strong_on_strong"] + len(s["needs_strong_missed"]) == s["needs_strong"] > 0


def test_on_the_dev_workload_it_was_tuned_on_routing_costs_under_40_percent(mentor):
    dev = route_report(mentor.config, EVAL_DIR / "dev.jsonl")["cloud_and_local"]
    assert dev["ratio"] <= 0.40 and dev["needs_strong_on_strong"] >= 0.9 * dev["needs_strong"]
