"""Routing: the right model per request, within the budget, with fallbacks; the reference workload report."""

from mentor.config import Config
from mentor.evaluation import route_report
from mentor.router import Router, complexity, price

KEY = {"ANTHROPIC_API_KEY": "sk-ant-test", "MENTOR_HOME": "/tmp/unused"}
LOCAL = {"MENTOR_LOCAL_BASE_URL": "http://127.0.0.1:9", "MENTOR_LOCAL_MODEL": "llama"}


def names(decision):
    return [r.name for r in decision.chain]


def test_reviews_and_multi_part_design_questions_get_the_strong_model():
    r = Router(Config.from_env({**KEY, **LOCAL}))
    assert names(r.route("review", "def f(): pass"))[0] == "strong"
    q = ("Compare leader-follower and leaderless replication for our feature store, and tell me which one to "
         "choose for 50k reads per second.")
    assert r.route("ask", q).chain[0].name == "strong"


def test_short_questions_go_to_local_then_cheap_and_the_chain_falls_down_to_offline():
    r = Router(Config.from_env({**KEY, **LOCAL}))
    d = r.route("ask", "What is RPO?")
    assert names(d) == ["local", "offline"] and "short" in d.reason
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
    assert tight.route("ask", design).chain[0].name == "strong"
    over = Router(cfg, spent_this_month=lambda: 5.2)
    d = over.route("ask", design)
    assert names(d) == ["offline"] and "budget" in d.notices[0]


def test_complexity_and_prices():
    assert complexity("ask", "What is CQRS?") == "low"
    assert complexity("review", "x") == "high"
    assert price("claude-sonnet-5-5", 1_000_000, 0) == 3.0
    assert price("claude-haiku-5-5", 0, 1_000_000) == 5.0
    assert price("llama3", 10_000, 10_000) == 0.0
    assert round(price("claude-sonnet-5-5", 1000, 0, cache_read=1000), 6) == round(1000 * 3.0 * 0.1 / 1e6, 6)


def test_reference_workload_meets_the_cost_target(mentor):
    report = route_report(mentor)
    assert report["requests"] >= 50
    with_local = report["cloud_and_local"]
    assert with_local["ratio"] <= 0.40
    for setup in ("cloud_and_local", "cloud_only"):
        assert report[setup]["strong_required_but_not_routed"] == []
