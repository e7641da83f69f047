"""Reviews: code (AST checks for ML/LLM services, radon, a few ruff rules, Semgrep for JS/TS/Go, secrets) and design
documents (design_review.py), then a model review when one is routed.

    result = ReviewService(mentor).review(code, filename="service.py")
    result["findings"][0]  # {"line", "end_line", "severity", "rule", "principle", "message", "suggestion", ...}
"""

from __future__ import annotations

import ast
import json
import logging
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from . import design_review, languages, ml_checks, smells
from .chat import check_text
from .errors import InputError
from .llm import LLMRequest, Usage
from .review_lessons import reference
from .review_model import code_request, design_request, parse_design_review, parse_model_review
from .router import price
from .semgrep_review import LANGUAGES as SEMGREP_LANGUAGES
from .semgrep_review import semgrep_findings
from .smells import SEVERITIES, Finding, smell

CHECKED_LANGUAGES = {"python", *SEMGREP_LANGUAGES}

log = logging.getLogger(__name__)

MAX_CODE_BYTES = 200 * 1024
MAX_FINDINGS = 300  # a review is read by a person; past this, fix the worst and review again
# ruff rules a reviewer would raise that our own checks do not cover: undefined names, mutable defaults, late-bound
# loop variables, eval, shell injection, SQL built from strings, TLS verification off, unsafe YAML
RUFF_SELECT = "F821,F822,F823,F811,B006,B023,S307,S602,S605,S608,S501,S506"
RUFF_TIMEOUT_S = 30
DS_LINE_CHARS = 1000
RUFF_META = {"F": ("error", "reliability"), "B": ("warning", "reliability"), "S": ("warning", "security")}
# a specific finding makes a generic one on the same line redundant
SUPERSEDES = {"ml:except-default": {"smell:swallowed-exception", "smell:bare-except"},
              "ml:log-then-success": {"smell:swallowed-exception"}}
_SECRETS = [  # (rule, what, pattern, where to read it instead); group 1, when present, is the secret itself
    ("secret:anthropic-key", "An Anthropic API key", re.compile(r"sk-ant-[A-Za-z0-9_\-]{20,}"), "ANTHROPIC_API_KEY"),
    ("secret:openai-key", "An OpenAI API key", re.compile(r"\bsk-(?!ant-)(?:proj-|svcacct-)?[A-Za-z0-9_\-]{20,}"),
     "OPENAI_API_KEY"),
    ("secret:aws-key", "An AWS access key id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), "AWS_ACCESS_KEY_ID"),
    ("secret:aws-secret", "An AWS secret access key",
     re.compile(r"(?i)aws_?secret_?(?:access_?)?key\w*['\"]?\s*[:=]\s*['\"]([A-Za-z0-9/+=]{40})['\"]"),
     "AWS_SECRET_ACCESS_KEY"),
    ("secret:private-key", "A private key", re.compile(r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----"), "a vault"),
    ("secret:password", "A hard-coded password", re.compile(
        r"(?i)\b\w*(?:password|passwd|pwd)['\"]?\s*[:=]\s*['\"]([^'\"\s]{4,})['\"]"), "an environment variable"),
    ("secret:password", "A hard-coded secret or token", re.compile(  # a value with letters and digits, not a label
        r"(?i)\b\w*(?:secret|api_?key|token)(?:_?key)?['\"]?\s*[:=]\s*['\"]((?=[^'\"\s]*\d)(?=[^'\"\s]*[a-z])"
        r"[^'\"\s]{8,})['\"]"), "an environment variable"),
]
_PLACEHOLDER = re.compile(r"^(<.*>|\$\{?.*|\{.*\}|[xX]{3,}|\*+|\.\.\.|[A-Z][A-Z0-9_]*)$")  # env names, templates
_DS_RULES = {"AWS Access Key": "secret:aws-key", "Secret Keyword": "secret:keyword",
             "Private Key": "secret:private-key", "Base64 High Entropy String": "secret:high-entropy",
             "Hex High Entropy String": "secret:high-entropy", "OpenAI Token": "secret:openai-key"}
_DS_HEURISTIC = {"Secret Keyword", "Basic Auth Credentials", "Base64 High Entropy String", "Hex High Entropy String"}
_DS_LOCK = threading.Lock()  # detect-secrets keeps its settings in a module global
_LONG_RUN = re.compile(r"\S{8}")

@dataclass
class Analysis:
    """What the offline checks found, and what they could not do."""

    language: str
    findings: list[Finding]
    notes: list[str] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)  # values to mask before the code is stored or sent
    syntax_error: str = ""


def check_code(code) -> str:
    """Reject empty, huge or binary input with a message that says what to do."""
    code = code.decode("utf-8", "replace") if isinstance(code, bytes) else code  # not UTF-8: caught as binary
    if not isinstance(code, str) or not code.strip():
        raise InputError("There is no code to review: paste a function, a class or a module first.")
    size = len(code.encode("utf-8", "surrogatepass"))
    if size > MAX_CODE_BYTES:
        raise InputError(f"The code is {size / 1024:.0f} KB; a review takes up to {MAX_CODE_BYTES // 1024} KB. "
                         "Paste one module or a few functions at a time.")
    check_text(code, what="code", limit=MAX_CODE_BYTES)
    if code.count("\ufffd") > len(code) * 0.01:
        raise InputError("The code looks like binary data, not text. Paste text instead.")
    return code.replace("\r\n", "\n").replace("\r", "\n")


def analyse(code: str, filename: str | None = None) -> Analysis:
    """Every offline check for the code's language: Python gets the AST checks, radon and ruff; JavaScript,
    TypeScript and Go get Semgrep; every language gets the secret and generic checks."""
    result = Analysis(language=languages.detect_language(code, filename), findings=[])
    tree = None
    if result.language == "python":
        try:
            tree = ast.parse(code)
        except (SyntaxError, ValueError, RecursionError) as exc:  # RecursionError: nested too deeply to parse
            line = min(max(1, getattr(exc, "lineno", None) or 1), max(1, len(code.splitlines())))
            why = getattr(exc, "msg", str(exc))
            result.syntax_error = f"line {line}: {why}"
            result.findings.append(smell(line, "syntax", "reliability", f"Python cannot parse this code ({why})",
                                         severity="error"))
    secrets, values = secret_findings(code, languages.SUFFIX.get(result.language, ".txt"), result.notes)
    result.findings += secrets
    result.secrets = values
    result.findings += languages.generic_findings(code, result.language, parsed=tree is not None)
    if tree is not None:
        ruff, note = ruff_findings(code)
        result.notes += [note] if note else []
        try:
            result.findings += smells.python_smells(tree, code) + ml_checks.ml_findings(tree)
        except RecursionError:
            result.notes.append("The code is nested too deeply for the design and complexity checks.")
        result.findings += ruff
    elif result.language in SEMGREP_LANGUAGES:
        found, note = semgrep_findings(code, result.language, filename)
        result.findings += found
        result.notes += [note] if note else []
    result.findings = _deduplicate(result.findings)
    return result


def _deduplicate(findings: list[Finding]) -> list[Finding]:
    """One finding per rule and line, and none that a more specific finding on the same line already explains."""
    seen, out = set(), []
    for f in findings:
        covered = any(f.rule in SUPERSEDES.get(g.rule, ()) and g.line <= f.line <= g.end_line for g in findings)
        if (f.rule, f.line) not in seen and not covered:
            seen.add((f.rule, f.line))
            out.append(f)
    return out


def ruff_findings(code: str) -> tuple[list[Finding], str]:
    """ruff's lint of the code, run as a subprocess on stdin; a note instead when ruff cannot run."""
    exe = shutil.which("ruff", path=str(Path(sys.executable).parent))
    cmd = [exe] if exe else [sys.executable, "-m", "ruff"]
    cmd += ["check", "--isolated", "--no-cache", "--output-format", "json", "--stdin-filename", "snippet.py",
            "--select", RUFF_SELECT, "--target-version", "py311", "-"]
    try:
        proc = subprocess.run(cmd, input=code, capture_output=True, text=True, timeout=RUFF_TIMEOUT_S, check=False)
        items = json.loads(proc.stdout) if proc.returncode in (0, 1) else None
    except (OSError, subprocess.TimeoutExpired, ValueError) as exc:
        return [], f"ruff did not run ({exc}); its lint checks were skipped."
    if not isinstance(items, list):
        return [], "ruff did not run (" + (proc.stderr.strip().splitlines() or ["no output"])[-1] + ")."
    out = []
    for item in (i for i in items if i.get("code") and "seems safe" not in i.get("message", "")):
        code_, prefix = item["code"], re.match(r"[A-Z]*", item["code"]).group(0)
        severity, principle = RUFF_META.get(prefix, ("warning", "reliability"))
        fix = (item.get("fix") or {}).get("message")
        out.append(Finding(line=item["location"]["row"], end_line=item["end_location"]["row"], severity=severity,
                           rule=f"ruff:{code_}", principle=principle, message=item.get("message", code_),
                           suggestion=(fix + "." if fix else "Follow the rule's guidance") + f" ({item.get('url')})"))
    return out, ""


def secret_findings(code: str, suffix: str, notes: list[str]) -> tuple[list[Finding], list[str]]:
    """Secrets by our own patterns and by detect-secrets (offline), one finding a line; plus the values found."""
    out, values, flagged = [], [], set()
    for n, line in enumerate(code.splitlines(), start=1):
        for rule, what, pattern, env in _SECRETS:
            m = pattern.search(line)
            value = (m.group(1) if m and m.groups() else m.group(0)) if m else ""
            if not m or (rule == "secret:password" and _PLACEHOLDER.match(value)):
                continue
            values.append(value)
            flagged.add(n)
            read = f"`os.environ[\"{env}\"]`" if env.isupper() else env
            out.append(Finding(line=n, end_line=n, severity="error", rule=rule, principle="security",
                               message=f"{what} is written in the code",
                               suggestion=f"Treat it as leaked: revoke and rotate it, remove it from the code and the "
                                          f"git history, and read it at runtime from {read} or a secrets manager."))
            break
    try:
        hits = _detect_secrets(code, suffix)
    except Exception as exc:  # a scanner bug must not lose the rest of the review
        notes.append(f"detect-secrets failed ({type(exc).__name__}); only the built-in secret patterns ran.")
        hits = []
    values += [value for _, _, value in hits if len(value) >= 8]
    for line, kind, _ in hits:
        if line in flagged:
            continue
        flagged.add(line)
        out.append(Finding(line=line, end_line=line, severity="warning" if kind in _DS_HEURISTIC else "error",
                           rule=_DS_RULES.get(kind, "secret:" + re.sub(r"\W+", "-", kind.lower()).strip("-")),
                           principle="security", message=f"detect-secrets flags this line: {kind.lower()}",
                           suggestion="If it is a real credential, revoke it and load it at runtime from the "
                                      "environment or a secrets manager; if not, add `# pragma: allowlist secret`."))
    return out, values


def _detect_secrets(code: str, suffix: str) -> list[tuple[int, str, str]]:
    """(line, kind, value) found by detect-secrets' default plugins and filters, offline, in a temporary file."""
    from detect_secrets import SecretsCollection
    from detect_secrets.settings import default_settings

    # only lines with an 8-character run can hold a secret; detect-secrets is quadratic in line length, so it sees
    # the first DS_LINE_CHARS of a line (our own patterns see all of it)
    kept = [(n, line[:DS_LINE_CHARS]) for n, line in enumerate(code.split("\n"), start=1) if _LONG_RUN.search(line)]
    with _DS_LOCK, tempfile.TemporaryDirectory() as tmp, default_settings():
        path = Path(tmp) / f"snippet{suffix}"
        path.write_text("\n".join(line for _, line in kept), encoding="utf-8")
        found = SecretsCollection(root=tmp)
        found.scan_file(str(path))
    return sorted(((kept[s.line_number - 1][0], s.type, s.secret_value or "") for _, s in found),
                  key=lambda h: (h[0], h[1] in _DS_HEURISTIC))


def references(findings: list[Finding], retriever=None) -> list:
    """Set each finding's lesson reference from the rule table; return course passages for the model's prompt
    (searched by the lessons' section headings, only when the index is already open)."""
    sections = []
    for f in findings:
        if f.rule != "model" or not f.references:
            f.references = [reference(f.rule, f.principle)]
        sections.append(f.references[0]["section"])
    passages: dict[str, object] = {}
    for heading in list(dict.fromkeys(h for h in sections if h))[:3]:
        for hit in _search(retriever, heading)[:1]:
            passages.setdefault(hit.id, hit)
    return list(passages.values())


def _search(retriever, query: str) -> list:
    if retriever is None:
        return []
    try:
        return retriever.search(query, k=2).hits
    except Exception:  # the static lessons are a fine answer when search fails
        log.warning("curriculum search failed for a review finding", exc_info=True)
        return []


def _mask(code: str, values: list[str]) -> str:
    for n, value in enumerate(sorted(set(values), key=len, reverse=True), start=1):
        code = code.replace(value, f"<SECRET_{n}>")
    return code


class ReviewService:
    """Reviews pasted code or design documents: offline checks always, a model review when the router offers one."""

    def __init__(self, mentor, retriever=None):
        self.m = mentor
        self._retriever_override = retriever

    @property
    def retriever(self):
        """The override, else the mentor's retriever only if its index is already open (never build one here)."""
        opened = getattr(self.m, "_index", None) is not None
        return self._retriever_override or (self.m.retriever if opened else None)

    def review(self, code: str, filename: str | None = None, store_it: bool = True, kind: str = "auto") -> dict:
        """Review code, or a design document (kind "design", or "auto" and it looks like one)."""
        t0 = time.perf_counter()
        code = check_code(code)
        if kind == "design" or (kind == "auto" and design_review.is_document(code, filename)):
            return self._review_design(code, filename, store_it, t0)
        analysis = analyse(code, filename)
        findings = analysis.findings
        passages = references(findings, self.retriever)
        masked = _mask(code, analysis.secrets)
        lines = len(code.splitlines())
        request = code_request(masked, analysis.language, filename, findings, passages)
        model_summary, extra, provider, model, notes, usage = self._ask_model(
            masked, request, lambda text: parse_model_review(text, lines))
        extra = [f for f in extra if not _overlaps(f, findings)]
        references(extra, self.retriever)
        summary_of = lambda counts, found, notes: _summary(analysis, counts, found, model_summary, provider,  # noqa: E731
                                                           notes + analysis.notes)
        return self._finish(findings + extra, summary_of, notes, {
            "provider": provider, "model": model, "language": analysis.language, "kind": "code"},
            _title(code, filename, analysis.language), masked, store_it, usage, t0)

    def _review_design(self, text: str, filename: str | None, store_it: bool, t0: float) -> dict:
        analysis = design_review.analyse_document(text)
        notes: list[str] = []
        secrets, values = secret_findings(text, ".md", notes)
        for f in secrets:
            f.section = design_review.WHOLE
        findings = secrets + analysis.findings
        references(findings)
        masked = _mask(text, values)
        headings = [s.name for s in analysis.sections]
        request = design_request(masked, analysis.kind, headings, findings)
        model_summary, extra, provider, model, tried, usage = self._ask_model(masked, request, lambda answer: (
            parse_design_review(answer, analysis.sections, design_review.WHOLE, len(text.splitlines()))))
        references(extra)
        kind_name = design_review.KIND_NAMES[analysis.kind]

        def summary_of(counts, found, notes):
            parts = [model_summary] if model_summary else []
            parts.append(f"Reviewed as {_a(kind_name)} against the course rubric: {tally(counts)}." if found else
                         f"Reviewed as {_a(kind_name)}: the course rubric's checks found nothing to raise.")
            if provider == "offline":
                parts.append("Offline review: rubric checks only, no model was used.")
            return " ".join(parts + notes)

        return self._finish(findings + extra, summary_of, notes + tried, {
            "provider": provider, "model": model, "language": analysis.kind, "kind": "design"},
            _design_title(text, filename), masked, store_it, usage, t0)

    def _finish(self, findings: list[Finding], summary_of, notes: list[str], meta: dict, title: str, masked: str,
                store_it: bool, usage: Usage, t0: float) -> dict:
        """Sort, count, summarise, store and trace a review."""
        findings = sorted(findings, key=lambda f: (SEVERITIES.index(f.severity), f.line, f.end_line, f.rule))
        counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}
        if len(findings) > MAX_FINDINGS:
            notes.append(f"Only the {MAX_FINDINGS} most severe of {len(findings)} findings are listed.")
        result = {"findings": [f.as_dict() for f in findings[:MAX_FINDINGS]], "summary": summary_of(
            counts, findings, notes), **meta, "review_id": None, "counts": counts, "lines": len(masked.splitlines())}
        if store_it:
            result["review_id"] = self.m.store.save_review(title, meta["language"], masked, result, meta["provider"])
        cost = price(meta["model"], usage.tokens_in, usage.tokens_out, usage.cache_read, usage.cache_write)
        self.m.store.add_trace(None, "review", (time.perf_counter() - t0) * 1000, {
            "review_id": result["review_id"], "provider": meta["provider"], "model": meta["model"],
            "language": meta["language"], "counts": counts, "tokens_in": usage.tokens_in,
            "tokens_out": usage.tokens_out, "cost_usd": round(cost, 6)})
        return result

    def _ask_model(self, text: str, request: LLMRequest, accept):
        """(summary, findings, provider, model, notes, usage) from the first model route whose answer parses."""
        decision = self.m.router.route("review", text)
        notes = list(decision.notices)
        if all(route.provider == "offline" for route in decision.chain):
            return "", [], "offline", "static", notes, Usage()
        parsed, route, usage, tried = self.m.chat.first_answer(decision, request, accept=accept)
        notes += tried
        if route is None:
            notes.append("No model answered, so this is the offline review only.")
            return "", [], "offline", "static", notes, Usage()
        summary, found, ok = parsed
        if not ok:
            notes.append("The model's answer was not the JSON asked for; only the offline findings are shown.")
        return summary, found, route.provider, route.model, notes, usage


def _overlaps(f: Finding, findings: list[Finding]) -> bool:
    """A model finding that repeats a static one: same principle on overlapping lines."""
    return any(g.principle == f.principle and g.line <= f.end_line and f.line <= g.end_line for g in findings)


def _a(noun: str) -> str:
    return ("an " if noun[0].lower() in "aeiou" or noun.startswith("ADR") else "a ") + noun


def tally(counts: dict) -> str:
    """'2 errors, 1 warning' (severities with no findings left out)."""
    names = {"error": ("error", "errors"), "warning": ("warning", "warnings"), "info": ("note", "notes")}
    return ", ".join(f"{n} {names[s][n != 1]}" for s, n in counts.items() if n)


def _summary(analysis: Analysis, counts: dict, findings: list[Finding], model_summary: str, provider: str,
             notes: list[str]) -> str:
    parts = [model_summary] if model_summary else []
    if findings:
        themes = sorted({f.principle for f in findings}, key=lambda p: (-sum(f.principle == p for f in findings), p))
        parts.append(f"{tally(counts)}; the main themes are {', '.join(themes[:3])}.")
    elif analysis.language in CHECKED_LANGUAGES and not analysis.syntax_error and not analysis.notes:
        parts.append("The offline checks found nothing to raise.")
    if analysis.syntax_error:
        parts.append(f"Python could not parse the code ({analysis.syntax_error}), so the AST checks were skipped; "
                     "only the secret and generic checks ran.")
    elif analysis.language not in CHECKED_LANGUAGES:
        parts.append(f"Only generic checks ran: there are no offline checks for {analysis.language} code (secrets "
                     "and FIXME markers were checked), so no findings here is not a clean bill of health.")
    if provider == "offline":
        parts.append("Offline review: static analysis only, no model was used.")
    return " ".join(parts + notes)


def _title(code: str, filename: str | None, language: str) -> str:
    """The reviewed file's name, else the first function or class defined in the paste."""
    if filename:
        return Path(filename).name[:120]
    m = (re.search(r"^\s*(?:export\s+)?(?:class|struct|interface)\s+(\w+)", code, re.M)  # the main class names it
         or re.search(r"^\s*(?:export\s+)?(?:async\s+)?(?:def|function|func|fn)\s+(\w+)", code, re.M))
    return m.group(1) if m else f"{languages.display_name(language)} snippet"


def _design_title(text: str, filename: str | None) -> str:
    if filename:
        return Path(filename).name[:120]
    m = re.search(r"^\s*#+\s*(.+)$", text, re.M) or re.search(r"^\s*(\S.{0,80})$", text, re.M)
    return m.group(1).strip()[:80] if m else "design document"


def review_label(row: dict) -> str:
    """'Mon 30 Nov, 12:27 · FeatureStoreClient · Python · 41 lines' for a stored review (local time)."""
    created = datetime.fromisoformat(row["created"])
    when = (created if created.tzinfo else created.replace(tzinfo=UTC)).astimezone()
    lines = row.get("result", {}).get("lines") or len((row.get("code") or "").splitlines())
    language = row.get("language") or ""
    kind = design_review.KIND_NAMES.get(language) or languages.display_name(language)
    title = re.sub(r"\s*\((\w+), \d+ lines?\)$", "", row.get("title") or "")  # labels stored before this format
    return f"{when:%a %-d %b, %H:%M} · {title} · {kind[0].upper() + kind[1:]} · {lines} line{'s' if lines != 1 else ''}"
