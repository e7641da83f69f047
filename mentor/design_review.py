"""Design review without a model: ADRs, design docs, capacity estimates, threat models and DR plans against the
course's rubrics (week 4's ADR template, week 2's measurable requirements and estimates, week 13's STRIDE,
week 16's RPO/RTO). Each finding names the section it is about and asks a question about a trade-off.

    analysis = analyse_document(open("docs/adr/0007-vector-store.md").read())
    analysis.kind, [f.message for f in analysis.findings]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .findings import Finding

CODE_LINE = re.compile(r"^\s*(def |class |import |from \w+ import|return\b|if .*:$|for .*:$|function |const |let |"
                       r"var |package |func |public |private |@\w+)|[;{}]\s*$|=\s*\S")
DOC_SUFFIXES = {".md", ".markdown", ".txt", ".rst", ".adoc"}
WHOLE = "(whole document)"

# canonical section -> what a heading may say instead (MADR, Nygard and the course's own templates)
SECTION_WORDS = {
    "status": r"status",
    "context": r"context|background|problem( statement)?|motivation|overview|summary",
    "options": r"options?( considered)?|considered options|alternatives?( considered)?|choices",
    "decision": r"decision( outcome)?|chosen option|proposal|proposed (design|solution)|solution|design|architecture",
    "consequences": r"consequences|trade-?offs|implications|pros and cons|impact",
    "requirements": r"(non-?functional |functional )?requirements|goals|quality attributes|slos?",
    "risks": r"risks?|failure modes?|failure|open questions|mitigations?",
    "assumptions": r"assumptions?",
    "estimates": r"estimates?|capacity|sizing|back-of-the-envelope|numbers|load",
    "threats": r"threats?|stride|threat model",
    "assets": r"assets|data flows?|trust boundar(y|ies)|components",
    "mitigations": r"mitigations?|controls|countermeasures",
    "recovery": r"rpo|rto|recovery( objectives| targets)?",
    "backups": r"backups?( and restore)?|restore",
}
REQUIRED = {
    "adr": ["status", "context", "options", "decision", "consequences"],
    "design": ["context", "requirements", "options", "decision", "risks"],
    "estimate": ["assumptions", "estimates"],
    "threat-model": ["assets", "threats", "mitigations"],
    "dr-plan": ["recovery", "backups"],
}
KIND_NAMES = {"adr": "ADR", "design": "design document", "estimate": "capacity estimate",
              "threat-model": "threat model", "dr-plan": "disaster-recovery plan"}

VAGUE = re.compile(r"\b(fast(er)?|quick(ly)?|scal(able|ably|e well)|highly available|high availability|"
                   r"low[- ]latency|real[- ]time|performant|responsive|high[- ]throughput|reliabl[ey]|robust|"
                   r"efficient(ly)?|cheap(ly)?|cost[- ]effective|minimal downtime|near[- ]instant(ly)?|"
                   r"always (up|available)|instant(ly)?|seamless(ly)?)\b", re.I)
NUMBER = re.compile(r"\d")
FAILURE = re.compile(r"\b(fail\w*|outage|down(time)?|degrad\w*|fall ?back|timeouts?|times? out|retr(y|ies)|"
                     r"circuit breaker|unavailab\w*|crash\w*|what happens (when|if)|error rates?|disaster|incident)\b",
                     re.I)
COST = re.compile(r"(\$|€|£|\bUSD\b|\bEUR\b|\bcosts?\b|\bpric\w+|\bbudget\w*|per month|/month|\bspend\b|"
                  r"\bbilling\b|\bdollars?\b)", re.I)
ROLLBACK = re.compile(r"\b(roll ?back|rolling back|revert\w*|reversib\w*|irreversib\w*|undo|feature flags?|canary|"
                      r"blue[- ]green|exit strategy|migrate back|revisit\w*|supersed\w*|back out)\b", re.I)
SLO = re.compile(r"\b(SLO|SLA|SLI|p\d{2,3}|\d{2}(\.\d+)?\s?%\s*(availability|uptime)|availability of \d|"
                 r"error budget)\b", re.I)
STRIDE = {"spoofing": r"spoof", "tampering": r"tamper", "repudiation": r"repudiat|audit",
          "information disclosure": r"disclos|leak|confidential", "denial of service": r"denial|\bdos\b|rate.?limit",
          "elevation of privilege": r"elevation|privilege|escalat"}
RPO = re.compile(r"\bRPO\b|recovery point", re.I)
RTO = re.compile(r"\bRTO\b|recovery time", re.I)
RESTORE_TEST = re.compile(r"restore (test|drill)|test(ed|ing)? (the )?restor|game ?day|drill|chaos", re.I)
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.+?)\s*#*\s*$|^([A-Z][A-Z /&-]{3,40})$|^(\*\*)?([A-Z][\w /&-]{2,40}?)"
                     r"(\*\*)?:\s*(.*)$")

# quantities for the arithmetic check: value in requests/s, bytes, bytes/s
UNITS = {"b": 1, "kb": 1e3, "kib": 1024, "mb": 1e6, "mib": 1024 ** 2, "gb": 1e9, "gib": 1024 ** 3, "tb": 1e12}
NUM = r"(\d[\d,]*(?:\.\d+)?)\s*([kKmM]?)\b"
QPS = re.compile(NUM + r"\s*(?:peak\s+|average\s+|avg\s+)?(?:qps|rps|req(?:uest)?s?\s*(?:/|per)\s*(?:s|sec|second))",
                 re.I)
PER_DAY = re.compile(NUM + r"\s*(?:req(?:uest)?s?|queries|calls|questions|messages)\s*(?:/|per|a|each)\s*day", re.I)
PAYLOAD = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(b|kb|kib|mb|mib)\b(?!\s*/\s*s|ps)", re.I)  # a size, not a rate
BANDWIDTH = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(?:(k|m|g)bps|(k|m|g)bit/s|(kb|mb|gb)/s|(kb|mb|gb)ps)\b", re.I)
PEAK_TOLERANCE = 2.0  # estimates within 2x are fine (week 2: "being within 2x is excellent")

QUESTIONS = {
    "design:missing-section": "Which part of this decision would a reader six months from now have to guess?",
    "design:options": "What was the strongest option you rejected, and what would have to change for it to win?",
    "design:unquantified-nfr": "What number, at which percentile and load, would make this true or false, and what "
                               "would meeting it cost?",
    "design:failure-modes": "When the slowest or least reliable dependency fails, what does the user see, and is "
                            "that degradation worth what preventing it would cost?",
    "design:cost": "What does this cost per month at today's load and at 10x, and which option is cheaper to run?",
    "design:rollback": "If this turns out wrong in production, how do you undo it, how long does that take, and "
                       "what data would be lost?",
    "design:arithmetic": "Which of these numbers is the assumption and which the consequence, and how much "
                         "headroom do you want at peak?",
    "design:slo": "Which percentile and error budget would users notice, and what would a tighter target cost?",
    "design:stride": "Which of the missing threat categories could reach your most sensitive data, and is its "
                     "mitigation worth the added complexity?",
    "design:rpo-rto": "How much data and how much time can the business lose, and what does each extra nine of "
                      "recovery cost?",
    "design:restore-test": "When did anyone last restore from these backups, and how long did it take compared "
                           "with the RTO?",
}
FIX = {
    "design:missing-section": "Add the section; the week 4 ADR template is: status, context (with numbers), options "
                              "considered (with reasons for rejecting them), decision, consequences (good and bad).",
    "design:options": "List at least two real alternatives with the reason each lost; a weighted decision matrix "
                      "with a sensitivity check makes close calls visible.",
    "design:unquantified-nfr": "Give it a number, a percentile and a scope, e.g. 'p95 time to first token under "
                               "800 ms at 50 requests/s, measured at the gateway'.",
    "design:failure-modes": "Add a failure-modes section: for each dependency, what happens when it is slow, down or "
                            "wrong (timeout, fallback, degraded answer, error), and how it is detected.",
    "design:cost": "Add a cost estimate: per request and per month at expected and peak load, for the chosen option "
                   "and the main alternative.",
    "design:rollback": "State how to roll back (feature flag, previous version, data migration back), and the "
                       "triggers that make you revisit the decision.",
    "design:arithmetic": "Redo the estimate from the stated assumptions (QPS x payload = bandwidth; daily volume / "
                         "86,400 = average QPS, and peak is a multiple of it) and fix whichever number is wrong.",
    "design:slo": "State SLOs as SLIs with targets and windows, e.g. '99.5% of answers in under 3 s over 28 days', "
                  "with the error budget that follows.",
    "design:stride": "Walk each data flow across a trust boundary through all six STRIDE categories, and record "
                     "likelihood, impact and mitigation for each threat.",
    "design:rpo-rto": "Give each store and service an RPO and an RTO in minutes or hours, agreed with the product "
                      "owner, and tier them.",
    "design:restore-test": "Schedule a restore test (at least quarterly) that measures the real restore time "
                           "against the RTO.",
}
PRINCIPLE = {"design:missing-section": "complexity", "design:options": "complexity",
             "design:unquantified-nfr": "performance", "design:failure-modes": "reliability",
             "design:cost": "performance", "design:rollback": "reliability", "design:arithmetic": "performance",
             "design:slo": "observability", "design:stride": "security", "design:rpo-rto": "reliability",
             "design:restore-test": "reliability"}


@dataclass
class Section:
    name: str  # the heading as written
    line: int
    end_line: int
    text: str


@dataclass
class DesignAnalysis:
    kind: str
    sections: list[Section]
    findings: list[Finding] = field(default_factory=list)


def is_document(text: str, filename: str | None = None) -> bool:
    """A design document rather than code: by its file name, else by markdown headings over prose."""
    if filename:
        return Path(filename).suffix.lower() in DOC_SUFFIXES
    lines = [line for line in text.splitlines() if line.strip()]
    headings = sum(1 for line in lines if re.match(r"^\s{0,3}#{1,6}\s+\w", line))
    prose = sum(1 for line in lines if len(re.findall(r"[A-Za-z]{2,}\s", line)) >= 6 and not line.rstrip().endswith(
        (";", "{", "}", ")", ":", ",")))
    adr = re.search(r"^\s*(#+\s*)?(ADR[- ]?\d+|Status\s*:|Decision\s*$)", text, re.M | re.I)
    code = sum(1 for line in lines if CODE_LINE.search(line))  # '#' starts a Python comment as well as a heading
    return bool(lines) and (headings >= 2 or adr is not None) and prose >= max(1, len(lines) // 4) \
        and code <= len(lines) // 5


def classify(text: str) -> str:
    """The document's kind, from what it is mostly about."""
    if re.search(r"\bADR[- ]?\d+|architecture decision record|^\s*#*\s*status\s*:?\s*(proposed|accepted|superseded)",
                 text, re.I | re.M):
        return "adr"
    scores = {"threat-model": len(re.findall(r"\b(STRIDE|threat|attacker|trust boundar)", text, re.I)),
              "dr-plan": len(re.findall(r"\b(RPO|RTO|disaster recovery|backups?|failover|restor\w*)\b", text, re.I)),
              "estimate": len(re.findall(r"\b(QPS|requests? per (second|day)|back-of-the-envelope|estimate|"
                                         r"capacity|bandwidth|storage)\b", text, re.I))}
    best = max(scores, key=scores.get)
    return best if scores[best] >= 4 else "design"


def sections(text: str) -> list[Section]:
    """Headings (markdown, UPPERCASE lines, or 'Status: ...' lead-ins) and the text under each."""
    lines = text.splitlines()
    found = []
    for n, line in enumerate(lines, start=1):
        m = HEADING.match(line)
        if not m:
            continue
        name = m.group(2) or m.group(3) or m.group(5)
        if m.group(5) and (len(m.group(5).split()) > 4 or (m.group(7) and len(m.group(7)) > 80)):
            continue  # a sentence with a colon in it, not a lead-in
        found.append((n, name.strip(" *#:")))
    out = []
    for i, (n, name) in enumerate(found):
        end = found[i + 1][0] - 1 if i + 1 < len(found) else len(lines)
        out.append(Section(name=name, line=n, end_line=max(n, end), text="\n".join(lines[n - 1:end])))
    return out


def _canonical(name: str) -> set[str]:
    low = re.sub(r"^[\d.\s]+", "", name.lower()).strip()
    return {key for key, words in SECTION_WORDS.items() if re.fullmatch(rf"({words})(\b.*)?", low)}


def _finding(rule: str, message: str, section: str = WHOLE, line: int = 1, end: int | None = None,
             severity: str = "warning") -> Finding:
    return Finding(line=line, end_line=end or line, severity=severity, rule=rule, principle=PRINCIPLE[rule],
                   message=message, suggestion=FIX[rule], section=section, question=QUESTIONS[rule])


def _section_at(secs: list[Section], line: int) -> str:
    return next((s.name for s in reversed(secs) if s.line <= line), WHOLE)


# rules ----------------------------------------------------------------------------------------------------
def missing_sections(kind: str, secs: list[Section], text: str) -> list[Finding]:
    have = set().union(*(_canonical(s.name) for s in secs)) if secs else set()
    out = []
    for need in REQUIRED[kind]:
        if need in have or (need == "status" and re.search(r"\bstatus\s*:", text, re.I)):
            continue
        rule = "design:options" if need == "options" else "design:missing-section"
        what = "no options considered: only the chosen design is described" if need == "options" else \
            f"no {need} section"
        out.append(_finding(rule, f"The {KIND_NAMES[kind]} has {what}"))
    return out


def unquantified(text: str, secs: list[Section]) -> list[Finding]:
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        if re.match(r"^\s*(#|```|>)", line):
            continue
        for sentence in re.split(r"(?<=[.;!?])\s+", line):
            m = VAGUE.search(sentence)
            if m and not NUMBER.search(sentence):
                out.append(_finding("design:unquantified-nfr", f"\"{m.group(0)}\" has no number: a quality attribute "
                                    "without a target, percentile and scope cannot be tested or traded off",
                                    _section_at(secs, n), n))
                break
    return out


def document_wide(kind: str, text: str) -> list[Finding]:
    out = []
    if kind in ("adr", "design", "estimate") and not FAILURE.search(text):
        out.append(_finding("design:failure-modes", "No failure modes: nothing says what happens when a dependency is "
                            "slow, down or wrong"))
    if kind in ("adr", "design", "estimate", "dr-plan") and not COST.search(text):
        out.append(_finding("design:cost", "No cost: neither the chosen option nor the alternatives are priced"))
    if kind in ("adr", "design") and not ROLLBACK.search(text):
        out.append(_finding("design:rollback", "No rollback: nothing says how to undo this decision or when to "
                            "revisit it"))
    if kind in ("design", "estimate") and not SLO.search(text):
        out.append(_finding("design:slo", "No SLO: no percentile latency or availability target to design against",
                            severity="info"))
    if kind == "threat-model":
        missing = [name for name, words in STRIDE.items() if not re.search(words, text, re.I)]
        if missing:
            out.append(_finding("design:stride", f"The threat model does not cover {', '.join(missing)} (STRIDE)"))
    if kind == "dr-plan" or RPO.search(text) or RTO.search(text):
        for name, pattern in (("RPO", RPO), ("RTO", RTO)):
            mentions = list(pattern.finditer(text))
            if not mentions:
                out.append(_finding("design:rpo-rto", f"No {name}: the recovery target is not stated"))
            elif not any(re.match(r"[^.\n\d]{0,25}(\d|\bzero\b)", text[m.end():], re.I) for m in mentions):
                out.append(_finding("design:rpo-rto", f"The {name} is named but has no number"))
    if re.search(r"\bbackups?\b", text, re.I) and not RESTORE_TEST.search(text) and kind in ("dr-plan", "design"):
        out.append(_finding("design:restore-test", "Backups are mentioned but never restore-tested: a backup not "
                            "restored is not a backup"))
    return out


def _value(number: str, scale: str = "") -> float:
    return float(number.replace(",", "")) * {"k": 1e3, "m": 1e6}.get(scale.lower(), 1)


def _mentions(pattern: re.Pattern, text: str) -> list[tuple[int, re.Match, str]]:
    """(line, match, the text around it) for every mention of a quantity."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    return [(sum(1 for s in starts if s <= m.start()), m, text[max(0, m.start() - 60):m.end() + 60])
            for m in pattern.finditer(text)]


def _peak_qps(text: str):
    """(line, match, requests/s) of the stated peak rate: a rate said to be the peak, else the largest stated."""
    rates = [(line, m, _value(m.group(1), m.group(2)), "peak" in text[max(0, m.start() - 15):m.end() + 12].lower())
             for line, m, _ in _mentions(QPS, text)]
    peaks = [r for r in rates if r[3]] or rates
    return max(peaks, key=lambda r: r[2])[:3] if peaks else None


def arithmetic(text: str, secs: list[Section]) -> list[Finding]:
    """Stated peak QPS x payload against the provisioned bandwidth, and peak QPS against the daily volume."""
    out = []
    qps = _peak_qps(text)
    payloads = [(line, m) for line, m, around in _mentions(PAYLOAD, text)
                if re.search(r"payload|request|response|message|bod(y|ies)|document|event|each", around, re.I)]
    links = _mentions(BANDWIDTH, text)
    link = next(((line, m) for line, m, around in reversed(links) if re.search(
        r"provision|capacity|bandwidth|link|uplink|NIC|limit|budget", around, re.I)), links[-1][:2] if links else None)
    if qps and payloads and link:
        size = float(payloads[0][1].group(1).replace(",", "")) * UNITS[payloads[0][1].group(2).lower()]
        m = link[1]
        bits = m.group(2) or m.group(3)
        per_s = _value(m.group(1)) * {"k": 1e3, "m": 1e6, "g": 1e9}[(bits or (m.group(4) or m.group(5))[0]).lower()]
        stated = per_s / 8 if bits else per_s  # bytes per second
        needed = qps[2] * size
        if needed > stated * PEAK_TOLERANCE:
            lo, hi = sorted((qps[0], link[0]))
            out.append(_finding("design:arithmetic", f"The numbers do not add up: {qps[1].group(0).strip()} x "
                                f"{payloads[0][1].group(0)} is {_bytes(needed)}/s, but the document states "
                                f"{m.group(0)} ({_bytes(stated)}/s)", _section_at(secs, lo), lo, hi,
                                severity="error"))
    days = [(line, m, _value(m.group(1), m.group(2))) for line, m, _ in _mentions(PER_DAY, text)]
    if qps and days:
        line, m, per_day = max(days, key=lambda d: d[2])
        average = per_day / 86_400
        if qps[2] * PEAK_TOLERANCE < average:
            lo, hi = sorted((qps[0], line))
            out.append(_finding("design:arithmetic", f"The numbers do not add up: {m.group(0).strip()} is "
                                f"{average:,.0f} requests/s on average, above the stated {qps[1].group(0).strip()} "
                                "(peak is usually 3-10x the average)", _section_at(secs, lo), lo, hi,
                                severity="error"))
    return out


def _bytes(n: float) -> str:
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if n >= size:
            return f"{n / size:,.1f} {unit}"
    return f"{n:,.0f} B"


def analyse_document(text: str, kind: str | None = None) -> DesignAnalysis:
    """Every rubric rule for the document's kind (guessed unless given)."""
    kind = kind or classify(text)
    secs = sections(text)
    findings = [*missing_sections(kind, secs, text), *arithmetic(text, secs), *document_wide(kind, text),
                *unquantified(text, secs)]
    return DesignAnalysis(kind=kind, sections=secs, findings=findings)
