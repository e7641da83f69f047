"""Reviews: code (AST checks for ML/LLM services, radon, a few ruff rules, Semgrep for JS/TS/Go, secrets) and design
documents (design_review.py), then a model review when one is routed.

    result = ReviewService(mentor).review(code, filename="service.py")
    result["findings"][0]  # {"line", "end_line", "severity", "rule", "principle", "message", "suggestion", ...}
"""

from __future__ import annotations

import ast
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from . import design_review, languages, ml_checks, review_triage, runtime_checks, secret_scan, smells, tracing
from .chat import check_text
from .errors import InputError
from .findings import SEVERITIES, Finding, smell
from .llm import LLMRequest, Usage
from .review_lessons import reference
from .review_model import code_request, design_request, parse_design_review, parse_model_review
from .router import price
from .semgrep_review import LANGUAGES as SEMGREP_LANGUAGES
from .semgrep_review import semgrep_findings
from .static_checks import constant_sql, ruff_findings, secret_findings

CHECKED_LANGUAGES = {"python", *SEMGREP_LANGUAGES}

log = logging.getLogger(__name__)

MAX_CODE_BYTES = 200 * 1024
FRAGMENT_UNDEFINED = 3  # more undefined names than this: the code is an excerpt, and they are listed as minor
SHOWN_PLACES = 8  # a point raised once names this many of the other places it holds, then counts the rest
SERVES_OTHERS = "review_serves_others"  # the setting that remembers the learner's last answer ("1" or "0")
# a specific finding makes a generic one on the same line redundant
SUPERSEDES = {"ml:except-default": {"smell:swallowed-exception", "smell:bare-except"},
              "ml:log-then-success": {"smell:swallowed-exception"},
              "ml:unbounded-growth": {"smell:mutable-global"},
              "ml:exec-config": {"ruff:S307"}}
SAME_SUBJECT = {"ml:unbounded-growth"}  # supersedes wherever it names the same variable, not only on its line


@dataclass
class Analysis:
    """What the offline checks found, and what they could not do."""

    language: str
    findings: list[Finding]  # the ones worth raising (review_triage)
    notes: list[str] = field(default_factory=list)
    syntax_error: str = ""
    minor: list[Finding] = field(default_factory=list)  # correct but low-value here: one summary line, not findings
    hardening: list[Finding] = field(default_factory=list)  # before other people use it (review_triage.HARDENING)
    context: review_triage.Context = review_triage.Context("unknown")


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


def analyse(code: str, filename: str | None = None, serves_others: bool = False) -> Analysis:
    """Every offline check for the code's language: Python gets the AST checks, radon and ruff; JavaScript,
    TypeScript and Go get Semgrep; every language gets the secret and generic checks. Unless the code already
    serves other people, the hardening findings are listed apart (`Analysis.hardening`)."""
    code = code.removeprefix("\ufeff")  # a UTF-8 byte-order mark (Windows editors) is not part of the code
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
    result.findings += secret_findings(code, result.notes)
    result.findings += languages.generic_findings(code, result.language, parsed=tree is not None)
    if tree is not None:
        ruff, note = ruff_findings(code)
        for f in ruff:  # a mutable default only read (`x = x or {}`) shares nothing between calls
            if f.rule == "ruff:B006" and not runtime_checks.default_escapes(tree, f.line):
                f.severity = "info"
            elif f.rule == "ruff:S608" and constant_sql(tree, f.line):
                f.severity = "info"  # table names from settings, values bound as parameters: not an injection
            elif f.rule == "ruff:B006":
                f.message = ("a mutable default is built once and shared by every call: what one call adds to it, "
                             "the next call sees")
        if sum(f.rule == "ruff:F821" for f in ruff) > FRAGMENT_UNDEFINED:  # a fragment or notebook cell: the names
            for f in ruff:                                                    # live elsewhere, not a bug worth a list
                f.severity = "info" if f.rule == "ruff:F821" else f.severity
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
    result.context = review_triage.context_of(tree)
    result.findings, result.minor, result.hardening = review_triage.triage(
        _deduplicate(result.findings), result.context, serves_others)
    result.findings = raised_once(result.findings)
    result.hardening = sorted(raised_once(result.hardening), key=lambda f: (f.line, f.rule))
    return result


def raised_once(findings: list[Finding]) -> list[Finding]:
    """One finding per rule: a reviewer makes a point once and says where else it holds ("also at lines 40, 72")
    rather than repeating it at every place. The first place keeps its message; the severity is the worst."""
    first: dict[tuple[str, str], Finding] = {}
    for f in sorted(findings, key=lambda f: f.line):
        kept = first.setdefault(_point(f), f)
        if kept is not f and f.rule != "model":  # a model's findings are each their own point
            kept.also.append(f.line)
            kept.severity = min(kept.severity, f.severity, key=SEVERITIES.index)
    for f in first.values():
        if f.also:
            shown = ", ".join(map(str, f.also[:SHOWN_PLACES]))
            more = f" and {len(f.also) - SHOWN_PLACES} more" if len(f.also) > SHOWN_PLACES else ""
            f.message += f" (also at line{'s' if len(f.also) > 1 else ''} {shown}{more})"
    raised = {id(f) for f in first.values()}
    return [f for f in findings if f.rule == "model" or id(f) in raised]


def _point(f: Finding) -> tuple[str, str]:
    """What makes two findings the same point: the rule and what its message says, apart from the names and numbers
    it quotes. One rule may state different things (a removed API of LangChain or of openai; a history that is
    sent to the model or one that is only kept; Semgrep's `_ =` against GORM's dropped `.Error`), and each is its
    own point; "`a` only ever grows" and "`b` only ever grows" are one."""
    return f.rule, _SHAPE_PARTS.sub("_", f.message)


_SHAPE_PARTS = re.compile(r"`[^`]*`|\d+(?:\.\d+)*")  # quoted code and numbers: what differs between places


def _deduplicate(findings: list[Finding]) -> list[Finding]:
    """One finding per rule and line, and none that a more specific finding on the same line (or about the same
    variable) already explains."""
    seen, out = set(), []
    subject = {id(f): m.group(1) for f in findings if (m := re.search(r"`([\w.\[\]'\"]+)`", f.message))}
    for f in findings:
        covered = any(f.rule in SUPERSEDES.get(g.rule, ()) and (g.line <= f.line <= g.end_line or (
            g.rule in SAME_SUBJECT and subject.get(id(g)) and subject.get(id(g)) == subject.get(id(f))))
            for g in findings)
        if (f.rule, f.line) not in seen and not covered:
            seen.add((f.rule, f.line))
            out.append(f)
    return _merge_adjacent(out)


def _merge_adjacent(findings: list[Finding]) -> list[Finding]:
    """One finding for one problem written on consecutive lines (a tokenizer and a model loaded the same way, two
    timestamps converted the same way): the first message, the lines of both."""
    out: list[Finding] = []
    for f in sorted(findings, key=lambda f: (f.rule, f.line)):
        prev = out[-1] if out and out[-1].rule == f.rule else None
        # the same point only (`_point`): a rule, or a Semgrep family, may say different things on adjacent lines
        if prev is not None and f.line <= prev.end_line + 1 and _point(prev) == _point(f) and not f.rule.startswith(
                ("ruff:", "secret:", "smell:")):
            prev.end_line = max(prev.end_line, f.end_line)
            continue
        out.append(f)
    order = {id(f): i for i, f in enumerate(findings)}
    return sorted(out, key=lambda f: order[id(f)])


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

    def review(self, code: str, filename: str | None = None, store_it: bool = True, kind: str = "auto",
               serves_others: bool | None = None) -> dict:
        """Review code, or a design document (kind "design", or "auto" and it looks like one). Code that already
        serves other people gets its hardening raised as findings; other code gets it as a list apart. The answer
        is remembered; None takes the last one (at first: it does not)."""
        with self.m.telemetry.trace("review"):
            return self._review(code, filename, store_it, kind, self.audience(serves_others))

    def audience(self, serves_others: bool | None = None) -> bool:
        """Whether the learner says their code serves other people: the answer given now (remembered, as the Plan
        page remembers the weekly hours), else the last one given."""
        if serves_others is None:
            return self.m.store.setting(SERVES_OTHERS) == "1"
        self.m.store.set_setting(SERVES_OTHERS, "1" if serves_others else "0")
        return serves_others

    def _review(self, code: str, filename: str | None, store_it: bool, kind: str, serves_others: bool) -> dict:
        code = check_code(code)
        if kind == "design" or (kind == "auto" and design_review.is_document(code, filename)):
            return self._review_design(code, filename, store_it)
        with tracing.current().stage("analyse") as span:
            analysis = analyse(code, filename, serves_others)
            span.update({"findings": len(analysis.findings), "language": analysis.language})
        findings = analysis.findings
        passages = references(findings, self.retriever)
        references(analysis.minor)
        references(analysis.hardening)
        known = findings + analysis.hardening + analysis.minor
        masked = secret_scan.mask_secrets(code)  # on the original text: a key's body goes with its header
        lines = len(code.splitlines())
        # the model sees the hardening and minor findings too, so it does not report them again as its own
        request = code_request(masked, analysis.language, filename, known, passages, serves_others)
        model_summary, extra, provider, model, notes, usage = self._ask_model(
            masked, request, lambda text: parse_model_review(text, lines))
        extra = [f for f in extra if not _overlaps(f, known)]
        references(extra)  # lesson links only: the passages it could search for are not used after the answer
        raised, noted = model_triage(extra)
        analysis.minor += noted
        summary_of = lambda counts, found, notes: _summary(analysis, counts, found, model_summary, provider,  # noqa: E731
                                                           notes + analysis.notes)
        return self._finish(findings + raised, summary_of, notes, {
            "provider": provider, "model": model, "language": analysis.language, "kind": "code",
            "context": analysis.context.kind, "minor": [f.as_dict() for f in analysis.minor],
            "hardening": [f.as_dict() for f in analysis.hardening], "serves_others": serves_others},
            _title(code, filename, analysis.language), masked, store_it, usage)

    def _review_design(self, text: str, filename: str | None, store_it: bool) -> dict:
        with tracing.current().stage("analyse") as span:
            analysis = design_review.analyse_document(text)
            span.update({"findings": len(analysis.findings), "language": analysis.kind})
        notes: list[str] = []
        secrets = secret_findings(text, notes)
        for f in secrets:
            f.section = design_review.WHOLE
        findings = secrets + analysis.findings
        references(findings)
        masked = secret_scan.mask_secrets(text)
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
            _design_title(text, filename), masked, store_it, usage)

    def _finish(self, findings: list[Finding], summary_of, notes: list[str], meta: dict, title: str, masked: str,
                store_it: bool, usage: Usage) -> dict:
        """Sort, count, summarise, store and trace a review."""
        findings = sorted(findings, key=lambda f: (SEVERITIES.index(f.severity), f.line, f.end_line, f.rule))
        counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}
        # no cap needed: each rule is raised once (raised_once) and a model adds at most MAX_MODEL_FINDINGS
        result = {"findings": [f.as_dict() for f in findings], "summary": summary_of(
            counts, findings, notes), **meta, "review_id": None, "counts": counts, "lines": len(masked.splitlines())}
        if store_it:
            result["review_id"] = self.m.store.save_review(title, meta["language"], masked, result, meta["provider"])
        cost = price(meta["model"], usage.tokens_in, usage.tokens_out, usage.cache_read, usage.cache_write)
        tracing.current().update({
            "review_id": result["review_id"], "language": meta["language"], "kind": meta["kind"], "findings": counts,
            tracing.COST: round(cost, 6),
            **tracing.gen_ai_attributes(meta["provider"], meta["model"], usage.tokens_in, usage.tokens_out)})
        return result

    def _ask_model(self, text: str, request: LLMRequest, accept):
        """(summary, findings, provider, model, notes, usage) from the first model route whose answer parses."""
        with tracing.current().stage("model_review") as span:
            out = self._model_answer(text, request, accept)
            span.update(tracing.gen_ai_attributes(out[2], out[3], out[5].tokens_in, out[5].tokens_out))
            return out

    def _model_answer(self, text: str, request: LLMRequest, accept):
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


# the model's design advice: raised only when it calls it an error (eval/review/PREDECLARED_session15.md)
DESIGN_PRINCIPLES = frozenset({"SRP", "OCP", "LSP", "ISP", "DIP", "testability", "complexity", "style"})


# the model's own confidence that a senior reviewer would raise a point (0-100): below this, a point the rule raises
# is listed apart (T5b, chosen on dev15, kept on dev16 and dev17: eval/review/PREDECLARED_session18.md)
RAISE_CONFIDENCE = 35


def model_raises(severity: str, principle: str | None, confidence: int | None = None,
                 cut: int = RAISE_CONFIDENCE) -> bool:
    """Whether a model finding is raised: its errors, and its warnings about defects (reliability, security,
    performance, observability), unless the model's confidence that a reviewer would raise it is below `cut` (no
    confidence: severity decides). Its design warnings, its info notes and the points it is unsure of join the list
    apart, with their fixes."""
    severe = severity == "error" or (severity == "warning" and principle not in DESIGN_PRINCIPLES)
    return severe and (confidence is None or confidence >= cut)


def model_triage(extra: list[Finding]) -> tuple[list[Finding], list[Finding]]:
    """(raised, listed apart), by `model_raises` and the model's confidence. Chosen on dev (scripts/model_policy.py):
    errors and warnings raised gave 62% true instead of 51% (dev9); design warnings apart then 66% (dev9) and 60%
    (dev11) instead of 62% and 56%, catching as many model-free labels; the points the model gives less than
    RAISE_CONFIDENCE apart then a further 2 points on two dev runs, at one label fewer. Test figures: the README's
    session-14, -15 and -18 sections. A finding without a confidence follows the severity rule alone."""
    up = [model_raises(f.severity, f.principle, f.confidence) for f in extra]
    return [f for f, u in zip(extra, up, strict=True) if u], [f for f, u in zip(extra, up, strict=True) if not u]


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
        parts.append("The offline checks found no defects." if analysis.hardening else
                     "The offline checks found nothing to raise.")
    if analysis.hardening:
        parts.append(review_triage.hardening_line(analysis.hardening))
    if analysis.minor:
        parts.append(review_triage.minor_line(analysis.minor))
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
