"""Which lesson section teaches the fix for each review rule: a table keyed by rule, never a search on the message.

    reference("ml:retry-no-backoff")  # {"source": ".../week-08-.../lesson.md", "title": "Week 8: ...", ...}
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .config import DEFAULT_CORPUS

# rule (or rule prefix before ":" / "/") -> (week, the lesson's section heading)
RULE_LESSONS: dict[str, tuple[int, str]] = {
    "syntax": (3, "Package structure for ML projects"),
    "smell:srp": (1, "Single Responsibility Principle (SRP)"),
    "smell:type-switch": (1, "Open/Closed Principle (OCP)"),
    "smell:dip": (1, "Dependency Inversion Principle (DIP)"),
    "smell:bare-except": (8, "Retries, backoff, jitter, timeouts and circuit breakers"),
    "smell:swallowed-exception": (8, "Retries, backoff, jitter, timeouts and circuit breakers"),
    "smell:mutable-global": (15, "Where state goes"),
    "smell:hardcoded-config": (19, "Configuration and secrets per environment"),
    "smell:print": (12, "Observability with Prometheus, Grafana and OpenTelemetry"),
    "smell:size": (3, "Coupling and cohesion"),
    "generic:todo": (4, "Technical debt as a decision"),
    "generic:hardcoded-url": (19, "Configuration and secrets per environment"),
    "generic:long-function": (3, "Coupling and cohesion"),
    "secret": (13, "Secrets management"),
    "ml:unsafe-html": (13, "Defence 3: validate outputs before anything acts on them"),
    "ml:http-no-timeout": (10, "Timeouts"),
    "ml:http-no-status": (10, "Classify errors before reacting"),
    "ml:shell-unchecked": (8, "Designing DAGs that can be rerun"),
    "ml:log-then-success": (8, "Designing DAGs that can be rerun"),
    "ml:except-default": (10, "Classify errors before reacting"),
    "ml:non-atomic-write": (16, "A backup not restored is not a backup"),
    "ml:unsafe-load": (13, "The OWASP Top 10 for LLM applications (2025)"),
    "ml:exec-config": (13, "The OWASP Top 10 for LLM applications (2025)"),
    "ml:exception-to-client": (13, "The OWASP Top 10 for LLM applications (2025)"),
    "ml:fit-before-split": (12, "Building offline evaluation sets"),
    "ml:unbounded-growth": (6, "TTL and eviction policies"),
    "ml:unbounded-poll": (10, "Timeouts"),
    "ml:unvalidated-input": (13, "Defence 3: validate outputs before anything acts on them"),
    "ml:csrf-exempt": (13, "Authentication and authorization, down to the document"),
    "ml:airflow-top-level": (8, "Designing DAGs that can be rerun"),
    "ml:airflow-ignored-arg": (8, "Designing DAGs that can be rerun"),
    "ml:argparse-env-default": (19, "Configuration and secrets per environment"),
    "ml:thread-loop-unguarded": (8, "Retries, backoff, jitter, timeouts and circuit breakers"),
    "ml:argparse-type": (3, "A mode flag or separate functions, a whole config or only the values needed"),
    "ml:llm-unguarded": (10, "Classify errors before reacting"),
    "ml:call-arity": (3, "Connascence"),
    "ml:eval-with-gradients": (20, "Performance engineering: batching, async, warm processes and index parameters"),
    "ml:possibly-unbound": (3, "Connascence"),
    "ml:unused-option": (3, "A mode flag or separate functions, a whole config or only the values needed"),
    "ml:no-seed": (12, "Building offline evaluation sets"),
    "ml:retry-no-backoff": (8, "Retries, backoff, jitter, timeouts and circuit breakers"),
    "ml:missing-auth": (13, "Authorization: RBAC, ABAC and per-document ACLs"),
    "ml:unbounded-payload": (13, "Defence 3: validate outputs before anything acts on them"),
    "ml:unclosed-client": (8, "Python asyncio for I/O-bound LLM calls"),
    "ml:load-per-request": (20, "Performance engineering: batching, async, warm processes and index parameters"),
    "ml:main-only-global": (20, "Performance engineering: batching, async, warm processes and index parameters"),
    "ml:path-traversal": (13, "The OWASP Top 10 for LLM applications (2025)"),
    "ml:dangerous-opt-in": (13, "The OWASP Top 10 for LLM applications (2025)"),
    "ml:no-truncation": (9, "Chunking strategies"),
    "ml:blocking-in-async": (8, "Python asyncio for I/O-bound LLM calls"),
    "ml:unbounded-fanout": (8, "Python asyncio for I/O-bound LLM calls"),
    "semgrep:html-injection": (13, "Defence 3: validate outputs before anything acts on them"),
    "semgrep:unchecked-error": (10, "Classify errors before reacting"),
    "semgrep:missing-auth": (13, "Authorization: RBAC, ABAC and per-document ACLs"),
    "semgrep:secret": (13, "Secrets management"),
    "semgrep:http-no-timeout": (10, "Timeouts"),
    "semgrep:slow-clients": (10, "Timeouts"),
    "semgrep:http-no-status": (10, "Classify errors before reacting"),
    "semgrep:exception-to-client": (13, "The OWASP Top 10 for LLM applications (2025)"),
    "semgrep:unbounded-growth": (6, "TTL and eviction policies"),
    "semgrep:data-race": (15, "Where state goes"),
    "semgrep:request-context": (10, "Timeouts"),
    "semgrep:least-privilege": (13, "Authentication and authorization, down to the document"),
    "semgrep:except-default": (10, "Classify errors before reacting"),
    "semgrep:unchecked-setting": (19, "Configuration and secrets per environment"),
    "semgrep:unbounded-payload": (13, "Defence 3: validate outputs before anything acts on them"),
    "semgrep:cors-any-origin": (13, "Authentication and authorization, down to the document"),
    "ml:cors-any-origin": (13, "Authentication and authorization, down to the document"),
    "ml:removed-api": (19, "Container images for an ML service with Docker"),
    "ruff:AIR301": (19, "Container images for an ML service with Docker"),
    "ml:airflow-dynamic-start": (8, "Designing DAGs that can be rerun"),
    "ml:client-per-request": (20, "Warm processes"),
    "ml:wait-no-timeout": (10, "Timeouts"),
    "ml:timing-compare": (13, "Authentication and authorization, down to the document"),
    "ml:score-on-labels": (12, "Building offline evaluation sets"),
    "ml:version-as-text": (3, "Package structure for ML projects"),
    "ml:exit-in-helper": (3, "Coupling and cohesion"),
    "ml:eval-drop-last": (12, "Building offline evaluation sets"),
    "ml:train-unshuffled": (12, "Building offline evaluation sets"),
    "ml:http-error-swallowed": (10, "Classify errors before reacting"),
    "ml:template-from-fstring": (13, "Defence 1: fence untrusted data"),
    "ml:user-key-in-process": (13, "Secrets management"),
    "ml:exposed-no-auth": (13, "Authentication and authorization, down to the document"),
    "ml:cwd-relative-path": (19, "Configuration and secrets per environment"),
    "ml:signing-key-literal": (13, "Secrets management"),
    "ml:credential-logged": (13, "Secrets management"),
    "ml:cache-not-applied": (6, "Cache-aside (lazy loading)"),
    "ml:failure-as-200": (10, "Classify errors before reacting"),
    "ml:stream-unclosed": (8, "Python asyncio for I/O-bound LLM calls"),
    "ml:eval-mode-training": (1, "Observer and Decorator patterns for training and inference"),
    "ml:public-share": (13, "Authentication and authorization, down to the document"),
    "ml:gather-all-or-nothing": (8, "Python asyncio for I/O-bound LLM calls"),
    "ml:warnings-ignored": (19, "Container images for an ML service with Docker"),
    "ml:event-loop-in-method": (8, "Python asyncio for I/O-bound LLM calls"),
    "ml:unchecked-setting": (19, "Configuration and secrets per environment"),
    "ml:local-time": (8, "Designing DAGs that can be rerun"),
    "ml:chained-inplace": (3, "Package structure for ML projects"),
    "ml:shared-upload-path": (15, "Where state goes"),
    "semgrep:client-per-request": (20, "Warm processes"),
    "semgrep:unchecked-assertion": (13, "Defence 3: validate outputs before anything acts on them"),
    "semgrep:path-traversal": (13, "The OWASP Top 10 for LLM applications (2025)"),
    "semgrep:llm-unguarded": (10, "Classify errors before reacting"),
    "semgrep:exit-in-handler": (10, "Classify errors before reacting"),
    "semgrep:failure-as-200": (10, "Classify errors before reacting"),
    "semgrep:error-as-empty-json": (10, "Classify errors before reacting"),
    "semgrep:async-foreach": (8, "Python asyncio for I/O-bound LLM calls"),
    "ml:retry-forever": (8, "Retries, backoff, jitter, timeouts and circuit breakers"),
    "ml:prefix-containment": (13, "The OWASP Top 10 for LLM applications (2025)"),
    "ml:exit-status-zero": (8, "Designing DAGs that can be rerun"),
    "ml:iterator-read-twice": (12, "Building offline evaluation sets"),
    "ml:jsonl-without-lines": (8, "Designing DAGs that can be rerun"),
    "ml:session-key-mismatch": (15, "Where state goes"),
    "ruff": (3, "Coupling and cohesion"),
    "design:adr-sections": (4, "Architecture decision records (ADRs)"),
    "design:options": (4, "Weighted decision matrices"),
    "design:unquantified-nfr": (2, "Making requirements measurable"),
    "design:failure-modes": (16, "Degraded modes for AI systems"),
    "design:cost": (11, "Per-request arithmetic for a RAG answer"),
    "design:rollback": (4, "Reversible and irreversible decisions"),
    "design:arithmetic": (2, "Back-of-the-envelope estimation and latency numbers"),
    "design:slo": (2, "SLIs, SLOs, SLAs and error budgets"),
    "design:stride": (13, "Threat modelling with STRIDE"),
    "design:rpo-rto": (16, "RPO and RTO: setting recovery targets"),
    "design:restore-test": (16, "A backup not restored is not a backup"),
    "model": (20, "Review checklist"),
}
# a model finding's lesson, by the principle it names: (week, section heading; "" for the whole lesson)
PRINCIPLE_LESSONS: dict[str, tuple[int, str]] = {
    "security": (13, ""), "reliability": (8, ""), "performance": (15, ""), "observability": (12, ""),
    "SRP": (1, "Single Responsibility Principle (SRP)"), "OCP": (1, "Open/Closed Principle (OCP)"),
    "LSP": (1, "Liskov Substitution Principle (LSP)"), "ISP": (1, "Interface Segregation Principle (ISP)"),
    "DIP": (1, "Dependency Inversion Principle (DIP)"),
    "testability": (18, "Testing strategy: fakes at the wire, loopback servers, eval sets")}
_HEADING = re.compile(r"^(#{2,4})\s+(.*)$", re.M)


def rule_key(rule: str) -> str:
    """The table key for a rule: itself, else its family (`ruff:B006` -> `ruff`, `secret:aws-key` -> `secret`)."""
    if rule in RULE_LESSONS:
        return rule
    for sep in ("/", ":"):
        head = rule.split(sep)[0] if sep == ":" else rule.rsplit(sep, 1)[-1]
        if head in RULE_LESSONS:
            return head
    return "model"


@lru_cache(maxsize=32)
def lesson_file(week: int, corpus: Path = DEFAULT_CORPUS) -> tuple[str, str]:
    """(path relative to the corpus, the lesson's title) for a week."""
    for path in sorted((corpus / "curriculum").glob(f"*/week-{week:02d}-*/lesson.md")):
        title = next((line[2:].strip() for line in path.read_text(encoding="utf-8").splitlines()
                      if line.startswith("# ")), f"Week {week}")
        return str(path.relative_to(corpus)), title
    return f"curriculum/week-{week:02d}", f"Week {week}"


def reference(rule: str, principle: str = "", corpus: Path = DEFAULT_CORPUS) -> dict:
    """The lesson and section that teach the fix for a rule."""
    key = rule_key(rule)
    week, heading = RULE_LESSONS[key]
    if key == "model" and principle in PRINCIPLE_LESSONS:
        week, heading = PRINCIPLE_LESSONS[principle]
    source, title = lesson_file(week, corpus)
    return {"source": source, "title": title, "week": week, "section": heading}


@lru_cache(maxsize=64)
def section_text(week: int, heading: str, corpus: Path = DEFAULT_CORPUS, limit: int = 2500) -> str:
    """The text of one lesson section (up to the next heading of the same or a higher level)."""
    source, _ = lesson_file(week, corpus)
    path = corpus / source
    if not path.is_file():
        return ""
    text = path.read_text(encoding="utf-8")
    heads = list(_HEADING.finditer(text))
    for i, m in enumerate(heads):
        if m.group(2).strip() == heading:
            level = len(m.group(1))
            end = next((h.start() for h in heads[i + 1:] if len(h.group(1)) <= level), len(text))
            return text[m.start():end].strip()[:limit]
    return ""

# the lesson sections a design document of each kind is reviewed against (the model's rubric)
KIND_SECTIONS: dict[str, list[tuple[int, str]]] = {
    "adr": [(4, "Architecture decision records (ADRs)"), (4, "Weighted decision matrices"),
            (4, "Reversible and irreversible decisions")],
    "design": [(2, "Making requirements measurable"), (2, "SLIs, SLOs, SLAs and error budgets"),
               (4, "Quality attributes and scenarios"), (16, "Degraded modes for AI systems")],
    "estimate": [(2, "Back-of-the-envelope estimation and latency numbers"), (2, "Making requirements measurable")],
    "threat-model": [(13, "Threat modelling with STRIDE"), (13, "Authorization: RBAC, ABAC and per-document ACLs")],
    "dr-plan": [(16, "RPO and RTO: setting recovery targets"), (16, "A backup not restored is not a backup"),
                (16, "Multi-region patterns and failover")],
}
