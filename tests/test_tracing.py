"""OpenTelemetry traces: one trace per answer in SQLite and at an OTLP collector, GenAI attributes, no content."""

import json

import pytest
import sqlite_utils

from mentor.config import Config
from mentor.core import Mentor
from mentor.errors import MentorError
from mentor.logs import configure_logging
from mentor.migrations import MIGRATIONS, migrate
from mentor.stats import trace_detail, trace_list
from mentor.store import Store
from mentor.tracing import Telemetry
from tests.conftest import make_config
from tests.otlp import OTLPReceiver

QUESTION = "How should retries back off when the payment service times out? Reply to jane.doe@example.com"
EMAIL = "jane.doe@example.com"
ANSWER = "Back off exponentially with jitter and cap the attempts [1]."
STAGES = {"ask", "save_question", "cache", "retrieve", "embed", "dense", "bm25", "fusion", "rerank", "route",
          "redact", "generate", "cite", "save"}


def _strings(attrs: dict) -> list[str]:
    out = []
    for v in attrs.values():
        out += [str(x) for x in v] if isinstance(v, list) else [str(v)]
    return out


def test_an_answer_is_one_trace_in_sqlite_and_at_the_otlp_collector_with_genai_attributes_and_no_content(
        tmp_path, anthropic_server):
    with OTLPReceiver() as otlp:
        m = Mentor(make_config(tmp_path, ANTHROPIC_API_KEY="sk-ant-test-key-123",
                               ANTHROPIC_BASE_URL=anthropic_server.base_url,
                               OTEL_EXPORTER_OTLP_ENDPOINT=otlp.base_url))
        anthropic_server.enqueue(ANSWER)
        ans = m.chat.ask(QUESTION)
        m.telemetry.flush()
        m.telemetry.shutdown()
    assert ans.provider == "anthropic" and ans.redactions.get("EMAIL") == 1
    assert EMAIL not in anthropic_server.requests[-1].text  # the redaction the trace reports really happened
    usage = anthropic_server.requests[-1].usage

    (row,) = trace_list(m.store)
    stored = trace_detail(m.store, ans.message_id)
    assert stored["trace_id"] == row["trace_id"] and row["operation"] == "ask" and row["message_id"] == ans.message_id
    names = {s["name"] for s in stored["spans"]}
    assert names == STAGES
    (generate,) = [s["attributes"] for s in stored["spans"] if s["name"] == "generate"]
    assert generate["gen_ai.system"] == "anthropic" and generate["gen_ai.operation.name"] == "chat"
    assert generate["gen_ai.request.model"] == ans.model
    assert generate["gen_ai.usage.output_tokens"] == usage["output_tokens"] > 0
    assert generate["gen_ai.usage.input_tokens"] == ans.tokens_in > 0
    root = stored["attributes"]
    assert root["mentor.cost_usd"] == ans.cost_usd > 0 and root["mentor.cache.hit"] is False
    assert root["mentor.redactions.EMAIL"] == 1 and root["mentor.route.reason"] == ans.route_reason
    assert root["mentor.passages_used"] == len(ans.citations) >= 1
    assert stored["passages"] and stored["passages"][0]["source"].endswith(".md")

    received = [s for s in otlp.spans() if s["trace_id"] == row["trace_id"]]
    assert {s["name"] for s in received} == names and len(received) == len(stored["spans"])
    assert {s["service"] for s in received} == {"architect-mentor"}
    (sent,) = [s["attributes"] for s in received if s["name"] == "generate"]
    assert sent["gen_ai.usage.input_tokens"] == ans.tokens_in and sent["gen_ai.system"] == "anthropic"
    assert {"mentor.requests", "gen_ai.client.token.usage", "mentor.stage.duration", "mentor.cost"} <= set(
        otlp.metrics())

    everything = [s["attributes"] for s in stored["spans"]] + [s["attributes"] for s in received]
    values = [v for attrs in everything for v in _strings(attrs)]
    for secret in (QUESTION, "payment service times out", EMAIL, ANSWER, "exponentially with jitter"):
        assert not any(secret in v for v in values), secret

    lines = [json.loads(x) for x in (m.config.log_dir / "mentor.log").read_text().splitlines()]
    (done,) = [x for x in lines if x["message"] == "ask finished"]
    assert done["trace_id"] == row["trace_id"] and done["mentor.message_id"] == ans.message_id
    assert EMAIL not in json.dumps(lines) and "payment service" not in json.dumps(lines)


def test_the_content_switch_records_the_question_on_the_trace(tmp_path):
    m = Mentor(make_config(tmp_path, MENTOR_TRACE_CONTENT="1"))
    ans = m.chat.ask("What is cache-aside?")
    t = trace_detail(m.store, ans.message_id)
    assert t["attributes"]["mentor.question"] == "What is cache-aside?"
    assert t["attributes"]["gen_ai.system"] == "mentor.offline"


def test_a_failing_stage_marks_its_span_and_the_trace_as_failed(tmp_path):
    store = Store(tmp_path / "m.db")
    tel = Telemetry(store)
    with pytest.raises(ValueError), tel.trace("review") as tr:
        with tr.stage("analyse") as stage:
            stage["findings"] = 2
        with tr.stage("model_review"):
            raise ValueError("the model said no")
    (row,) = trace_list(store)
    t = trace_detail(store, row["trace_id"])
    status = {s["name"]: s["status"] for s in t["spans"]}
    assert status == {"review": "error", "analyse": "ok", "model_review": "error"}
    assert [s["attributes"].get("mentor.findings") for s in t["spans"] if s["name"] == "analyse"] == [2]
    assert [s["depth"] for s in t["spans"]] == [0, 1, 1]


def test_old_stage_timings_become_traces_without_their_query_text(tmp_path):
    db = sqlite_utils.Database(tmp_path / "old.db")
    mine = next(i for i, fn in enumerate(MIGRATIONS) if fn.__name__.endswith("_otel_spans"))
    before = MIGRATIONS[:mine]  # a database from before spans, with stage timings in `traces`
    db["_migrations"].create({"name": str, "applied_at": str}, pk="name")
    for fn in before:
        fn(db)
        db["_migrations"].insert({"name": fn.__name__, "applied_at": "2026-11-01T00:00:00+00:00"})
    db["conversations"].insert({"id": 1, "title": "t", "created": "2026-11-02T10:00:00+00:00", "updated": ""})
    db["messages"].insert({"id": 7, "conversation_id": 1, "role": "assistant", "content": "a", "cost_usd": 0.5,
                           "created": "2026-11-02T10:00:00+00:00"})
    db["traces"].insert_all([
        {"message_id": 7, "stage": "retrieve", "ms": 40.0, "data": json.dumps({"query": "my secret plans", "hits": 5}),
         "created": "2026-11-02T10:00:01+00:00"},
        {"message_id": 7, "stage": "generate", "ms": 900.0, "data": json.dumps(
            {"route": "cheap", "model": "claude-haiku-5-5", "tokens_in": 800, "tokens_out": 90}),
         "created": "2026-11-02T10:00:01+00:00"},
        {"message_id": None, "stage": "review", "ms": 2000.0, "data": json.dumps({"cost_usd": 0.25}),
         "created": "2026-11-03T09:00:00+00:00"},
    ])
    assert migrate(db) == [fn.__name__ for fn in MIGRATIONS[mine:]]
    assert "traces" not in db.table_names()
    store = Store(tmp_path / "old.db")
    t = trace_detail(store, 7)
    assert [(s["name"], s["offset_ms"], s["duration_ms"]) for s in t["spans"]] == [
        ("ask", 0.0, 940.0), ("retrieve", 0.0, 40.0), ("generate", 40.0, 900.0)]
    gen = t["spans"][2]["attributes"]
    assert gen["gen_ai.usage.input_tokens"] == 800 and gen["gen_ai.request.model"] == "claude-haiku-5-5"
    assert "my secret plans" not in json.dumps(t)
    assert store.month_cost("2026-11") == 0.75


def test_log_lines_carry_the_trace_id_and_follow_the_level(tmp_path):
    with pytest.raises(MentorError, match="MENTOR_LOG_LEVEL"):
        Config.from_env({"MENTOR_LOG_LEVEL": "loud"})
    log = configure_logging(tmp_path / "logs", "INFO")
    store = Store(tmp_path / "m.db")
    tel = Telemetry(store)
    with tel.trace("plan") as tr:
        tr["week"] = 3
    with pytest.raises(ValueError), tel.trace("hint"):
        raise ValueError("no")
    lines = [json.loads(x) for x in log.read_text().splitlines()]
    assert [(x["message"], x["level"]) for x in lines] == [("plan finished", "INFO"), ("hint finished", "WARNING")]
    assert [x["trace_id"] for x in lines] == [r["trace_id"] for r in reversed(trace_list(store))]
    assert lines[1]["error"] == "ValueError"
    configure_logging(tmp_path / "logs", "WARNING")
    with tel.trace("plan"):
        pass
    assert len(log.read_text().splitlines()) == 2  # INFO is below the level now


def test_a_review_is_one_trace_with_counts_and_no_code(tmp_path):
    from mentor.review import ReviewService

    m = Mentor(make_config(tmp_path))
    code = ("API_KEY = 'sk-live-abcdefghijklmnopqrstuvwx1234'\n\n"
            "def f(x):\n    try:\n        return x()\n    except:\n        pass\n")
    result = ReviewService(m).review(code)
    (row,) = trace_list(m.store)
    t = trace_detail(m.store, row["trace_id"])
    assert row["operation"] == "review" and [s["name"] for s in t["spans"]] == ["review", "analyse", "model_review"]
    root = t["attributes"]
    assert root["mentor.review_id"] == result["review_id"] and root["gen_ai.system"] == "mentor.offline"
    assert sum(v for k, v in root.items() if k.startswith("mentor.findings.")) == len(result["findings"]) > 0
    assert "sk-live" not in json.dumps(t) and "def f" not in json.dumps(t)
