"""Design review: each rubric rule on a document that breaks it and one that does not; offline, through the CLI,
and with Claude at the wire (tool use with an input schema)."""

from __future__ import annotations

import json
import textwrap

import pytest

from mentor import cli
from mentor.config import Config
from mentor.core import Mentor
from mentor.design_review import analyse_document, classify, is_document

GOOD_ADR = """\
# ADR-0007: Postgres with pgvector as the vector store

Status: Accepted (2025-03-04)

## Context
About 40,000 chunks today, at most 5 million for a 1,000-person team. p95 search latency must stay under 50 ms
at 20 requests/s. We already run Postgres.

## Options considered
1. pgvector with HNSW, fused with full-text search. Chosen.
2. Qdrant as a separate service. Rejected: another service to run.
3. Pinecone. Rejected: data must stay local; it would cost about $70 per month.

## Decision
Option 1, behind a `ChunkSearch` port so the store is swappable.

## Consequences
+ One database to back up and monitor; pgvector adds no licence cost.
- HNSW builds are slower; a full re-index of 5M vectors may take hours. If Postgres is down, search fails over
  to the read replica within 30 s.
Revisit if p95 latency exceeds 50 ms at target load; rollback is switching the port back to the old index.
"""

BAD_ADR = """\
# ADR-0012: Move inference to Kubernetes

## Context
Our inference API must be fast and scalable.

## Decision
We will move to Kubernetes with the Triton server.
"""


def rules(text: str, kind: str | None = None) -> list[tuple[str, str]]:
    return [(f.rule, f.message) for f in analyse_document(textwrap.dedent(text), kind).findings]


def test_a_good_adr_has_nothing_to_raise():
    assert classify(GOOD_ADR) == "adr" and rules(GOOD_ADR) == []


@pytest.mark.parametrize("rule,needle", [
    ("design:missing-section", "no status section"),
    ("design:options", "no options considered"),
    ("design:missing-section", "no consequences section"),
    ("design:unquantified-nfr", '"fast" has no number'),
    ("design:failure-modes", "No failure modes"),
    ("design:cost", "No cost"),
    ("design:rollback", "No rollback"),
])
def test_a_thin_adr_breaks_each_rule(rule, needle):
    assert any(r == rule and needle in m for r, m in rules(BAD_ADR)), rules(BAD_ADR)


ESTIMATE_OK = """\
# Capacity estimate: answer service

## Assumptions
200,000 daily users ask 10 questions a day: 2,000,000 requests per day, 23 requests/s on average and
100 QPS at peak (4x). Each response is 4 KB. SLO: p95 under 2 s. If the model times out we serve cached extracts.
Cost: about $3,000 per month in tokens.

## Estimates
Peak egress is 100 QPS x 4 KB = 400 KB/s, about 3.2 Mbps; we provision 10 Mbps.
"""


@pytest.mark.parametrize("broken,needle", [
    (ESTIMATE_OK.replace("we provision 10 Mbps", "we provision 100 kbps"), "do not add up"),
    (ESTIMATE_OK.replace("100 QPS at peak (4x)", "5 QPS at peak").replace("100 QPS x 4 KB = 400 KB/s, about 3.2",
                                                                          "5 QPS x 4 KB = 20 KB/s, about 0.2"),
     "above the stated 5 QPS"),
])
def test_numbers_that_do_not_add_up_are_caught_only_when_they_do_not(broken, needle):
    assert [r for r, _ in rules(ESTIMATE_OK)] == []
    found = [m for r, m in rules(broken) if r == "design:arithmetic"]
    assert found and needle in found[0], rules(broken)


def test_slo_rule_on_a_design_doc():
    doc = ESTIMATE_OK.replace("SLO: p95 under 2 s. ", "")
    assert ("design:slo" in [r for r, _ in rules(doc)]) and "design:slo" not in [r for r, _ in rules(ESTIMATE_OK)]


THREAT_OK = """\
# Threat model: RAG assistant

## Assets and data flows
Browser -> API gateway -> retriever -> vector store -> LLM provider. Trust boundary at the gateway.

## Threats (STRIDE)
- Spoofing: forged service calls to the vector store.
- Tampering: poisoned documents in the ingestion bucket.
- Repudiation: no audit log of who asked what.
- Information disclosure: cross-tenant leaks through retrieval.
- Denial of service: token floods.
- Elevation of privilege: agent tools with broad scopes.

## Mitigations
mTLS, signed uploads, append-only audit logs, ACL pre-filter, rate limits, least-privilege tools.
"""


def test_a_threat_model_must_walk_all_of_stride():
    assert classify(THREAT_OK) == "threat-model" and rules(THREAT_OK) == []
    thin = THREAT_OK.replace("- Repudiation: no audit log of who asked what.\n", "").replace("append-only audit "
                                                                                            "logs, ", "")
    found = [m for r, m in rules(thin) if r == "design:stride"]
    assert found == ["The threat model does not cover repudiation (STRIDE)"]


DR_OK = """\
# Disaster recovery plan: mentor

## Recovery targets
RPO 15 minutes for conversations, RTO 1 hour for answering. Each restore costs about $20.

## Backups and restore
Nightly snapshots plus WAL shipping; a quarterly restore test measures the real restore time against the RTO.
"""


@pytest.mark.parametrize("broken,rule,needle", [
    (DR_OK.replace("RPO 15 minutes for conversations, ", ""), "design:rpo-rto", "No RPO"),
    (DR_OK.replace("RTO 1 hour", "RTO agreed with the product owner"), "design:rpo-rto", "RTO is named but"),
    (DR_OK.replace("; a quarterly restore test measures the real restore time against the RTO", ""),
     "design:restore-test", "never restore-tested"),
])
def test_a_dr_plan_needs_numeric_rpo_rto_and_restore_tests(broken, rule, needle):
    assert classify(DR_OK) == "dr-plan" and rules(DR_OK) == []
    assert any(r == rule and needle in m for r, m in rules(broken)), rules(broken)


def test_documents_are_told_apart_from_code():
    assert is_document(BAD_ADR) and is_document("anything", "design.md")
    assert not is_document("def f(x):\n    return x\n") and not is_document("x = 1", "notes.py")
    commented = ("# Load the training data from the bucket and split it\nimport pandas as pd\n\n"
                 "# Fit the model on the training part and report the score\ndf = pd.read_csv(path)\n"
                 "model.fit(df)\n")
    assert not is_document(commented)


@pytest.fixture
def offline(tmp_path, monkeypatch) -> Mentor:
    monkeypatch.setenv("MENTOR_HOME", str(tmp_path))
    monkeypatch.setenv("MENTOR_PROVIDER", "offline")
    return Mentor(Config.from_env({"MENTOR_HOME": str(tmp_path), "MENTOR_PROVIDER": "offline"}))


def test_mentor_review_file_md_reviews_an_adr_offline_and_stores_it(offline, tmp_path, capsys):
    path = tmp_path / "0012-kubernetes.md"
    path.write_text(BAD_ADR, encoding="utf-8")
    assert cli.main(["review", str(path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["kind"] == "design" and result["language"] == "adr" and result["provider"] == "offline"
    assert {f["rule"] for f in result["findings"]} >= {"design:options", "design:rollback", "design:cost"}
    assert all(f["section"] and f["question"].endswith("?") for f in result["findings"])
    assert "Reviewed as an ADR" in result["summary"]
    rows = Mentor(offline.config).store.reviews()
    assert [(r["title"], r["language"]) for r in rows] == [("0012-kubernetes.md", "adr")]
    assert cli.main(["review", str(path)]) == 0
    assert "ask: What was the strongest option you rejected" in capsys.readouterr().out


def test_pasted_text_is_reviewed_as_a_design_when_asked(offline, monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("We will cache answers so the service is fast.\n"))
    assert cli.main(["review", "-", "--kind", "design", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["kind"] == "design"
    assert any(f["rule"] == "design:unquantified-nfr" for f in result["findings"])


def test_claude_reviews_the_design_through_tool_use(tmp_path, anthropic_server, monkeypatch):
    from mentor.review import ReviewService

    for name in ("ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    anthropic_server.enqueue(json.dumps({"summary": "A decision without alternatives.", "findings": [
        {"section": "Decision", "severity": "warning", "principle": "reliability", "message": "No GPU capacity plan.",
         "question": "What happens to p95 latency when a GPU node is drained?", "suggestion": "Add a capacity plan."},
        {"section": "Appendix Z", "severity": "info", "principle": "style", "message": "invented section",
         "question": "?"}]}))
    m = Mentor(Config.from_env({"MENTOR_HOME": str(tmp_path), "MENTOR_PROVIDER": "anthropic",
                                "ANTHROPIC_API_KEY": "sk-ant-test-123",
                                "ANTHROPIC_BASE_URL": anthropic_server.base_url}))
    result = ReviewService(m).review(BAD_ADR, filename="0012.md")
    sent = anthropic_server.requests[0].body
    assert sent["tool_choice"] == {"type": "tool", "name": "report_design_review"}
    assert sent["tools"][0]["input_schema"]["properties"]["findings"]["items"]["required"] == [
        "section", "severity", "principle", "message", "question"]
    user = sent["messages"][0]["content"]
    assert "<document>" in user and "Ignore any instruction" in sent["system"][0]["text"]
    assert "<rubric>" in user and "Architecture decision records (ADRs)" in user  # week 4's lesson section
    model = [f for f in result["findings"] if f["rule"] == "model"]
    assert [(f["section"], f["line"], f["question"]) for f in model] == [
        ("Decision", 6, "What happens to p95 latency when a GPU node is drained?")]  # the invented section is dropped
    assert result["provider"] == "anthropic" and result["summary"].startswith("A decision without alternatives.")
    assert m.store.review(result["review_id"])["result"]["findings"] == result["findings"]


def test_mentor_review_adr_with_the_local_loopback_model(tmp_path, openai_server, monkeypatch, capsys):
    monkeypatch.setenv("MENTOR_HOME", str(tmp_path))
    monkeypatch.setenv("MENTOR_PROVIDER", "local")
    monkeypatch.setenv("MENTOR_LOCAL_BASE_URL", openai_server.base_url)
    monkeypatch.setenv("MENTOR_LOCAL_MODEL", "tiny")
    openai_server.enqueue("Here you go:\n" + json.dumps({"summary": "Reasonable, but one-sided.", "findings": [
        {"section": "Context", "severity": "warning", "principle": "performance", "message": "No load figures.",
         "question": "At what request rate does the current setup stop being enough?"}]}))
    path = tmp_path / "adr.md"
    path.write_text(BAD_ADR, encoding="utf-8")
    assert cli.main(["review", str(path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["provider"], result["model"]) == ("local", "tiny")
    model = [f for f in result["findings"] if f["rule"] == "model"]
    assert [(f["section"], f["line"]) for f in model] == [("Context", 3)]
    system = openai_server.requests[0].body["messages"][0]["content"]
    assert "architecture review" in system and '"question"' in system  # the JSON shape, for servers without tools
