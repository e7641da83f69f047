"""Private values out, placeholders in: redaction before a prompt leaves the machine, restoration after.

    redactor = Redactor()                          # cheap: the engines load on first use, once per process
    safe, restore, counts = redactor.redact_request(request)
    answer = restore(provider.complete(safe)[0])  # counts such as {"EMAIL": 1, "API_KEY": 2}, never values

Detection runs in memory and offline: Presidio's pattern recognizers (e-mail, phone, card with Luhn check, IBAN,
IP), detect-secrets' plugins line by line, patterns of ours for key formats and credentials in code and prose, and
names and places from mentor/names.py (spaCy NER). Where spans overlap, the most specific source wins, then the
longest span. `find_secrets` is the one secret detector, for review findings as for redaction.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import ipaddress
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from . import names
from .llm import LLMRequest

# shown on the Settings page and repeated word for word in the README's Security section (a test checks both)
PRIVACY_NOTICE = (
    "Before anything is sent to a cloud model, your question, conversation, notes, reflections and pasted code are "
    "redacted on this machine: e-mail addresses, phone numbers, card numbers, IBANs, IP addresses, API keys, "
    "tokens, private keys, passwords and connection strings become placeholders such as <EMAIL_1>.",
    "Names of people and places are found by a small statistical model (spaCy's en_core_web_sm): it misses some "
    "names, so do not rely on it for anyone's name you must not share.",
    "Nothing is sent anywhere without a cloud key, and a local model server receives your text unredacted.",
    "Images and links to other sites in answers, notes and advice are shown as text (only links into the course "
    "reader stay links): nothing on these pages makes your browser fetch an address.",
)
PLACEHOLDER = re.compile(r"<[A-Z][A-Z_]*_\d+>")
SECRET_KINDS = ("API_KEY", "SECRET", "PASSWORD")
DS_LINE_CHARS = 1000
PROPAGATE_MIN_CHARS = 6  # a secret this long is also replaced wherever else it appears in the request
PRESIDIO_KINDS = {"EMAIL_ADDRESS": "EMAIL", "PHONE_NUMBER": "PHONE", "CREDIT_CARD": "CREDIT_CARD",
                  "IBAN_CODE": "IBAN", "IP_ADDRESS": "IP_ADDRESS"}
DETECT_SECRETS_KINDS = {"Basic Auth Credentials": "PASSWORD", "JSON Web Token": "SECRET",
                        "Base64 High Entropy String": "SECRET"}  # every other plugin finds an API_KEY
# Presidio finds IPs, our pattern takes whole key blocks, and quoted hex is mostly commit and file hashes
DETECT_SECRETS_SKIPPED = {"Public IP (ipv4)", "Private Key", "Hex High Entropy String"}
DETECT_SECRETS_HEURISTIC = {"Secret Keyword", "Basic Auth Credentials", "Base64 High Entropy String"}
PATTERN_TIER, CONTEXT_TIER, DETECT_SECRETS_TIER, PII_TIER, ECHO_TIER, NER_TIER = 4, 3, 2, 1, 0, -1

# formats that are unmistakable on their own: (kind, review rule, pattern)
_KEY_PATTERNS = [(kind, rule, re.compile(rx)) for kind, rule, rx in [
    ("SECRET", "secret:private-key",
     r"-----BEGIN[A-Z ]*PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END[A-Z ]*PRIVATE KEY(?: BLOCK)?-----"
     r"|(?:(?:\r?\n|\\n)[ \t|\d\"'+]*[A-Za-z0-9+/=]{16,}[\"',]*)*)"),  # or, cut off when pasted, its base64 lines
    ("API_KEY", "secret:anthropic-key", r"\bsk-ant-[\w-]{20,}"),
    ("API_KEY", "secret:openai-key", r"\bsk-(?!ant-)(?=[\w-]*\d)[\w-]{20,}"),  # sk-..., sk-proj-..., lower-case too
    ("SECRET", "secret:aws-secret",  # 40 characters of base64 with both cases and a digit: not a git hash
     r"(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]*[a-z])(?=[A-Za-z0-9/+]*[A-Z])(?=[A-Za-z0-9/+]*\d)[A-Za-z0-9/+]{40}"
     r"(?![A-Za-z0-9/+=])"),
    ("API_KEY", "secret:aws-key", r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b"),
    ("API_KEY", "secret:github-token", r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{30,}|glpat-[\w-]{20,})"),
    ("API_KEY", "secret:api-key",
     r"\b(?:xox[abposre]-[A-Za-z0-9-]{10,}|AIza[\w-]{35}|hf_[A-Za-z0-9]{30,}|[sr]k_(?:live|test)_\w{16,})"),
    ("SECRET", "secret:webhook", r"https://hooks\.slack\.com/services/[\w/]+"),
    ("SECRET", "secret:jwt", r"\beyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}"),  # JWT
]]
# credentials recognised by what surrounds them: group 1, the value, is replaced
_CONTEXT_PATTERNS = [(kind, re.compile(rx)) for kind, rx in [
    ("SECRET", r"(?i)\bbearer\s+([\w.~+/=-]{16,})"),
    ("SECRET", r"(?i)\bauthorization\b[\"']?\s*[:=]\s*[\"']?(?:basic|token)\s+([\w.~+/=-]{8,})"),
    ("PASSWORD", r"(?i)\b[a-z][a-z0-9+.-]{1,20}://[^\s:/@\"'<>]*:([^\s@/\"'<>]+)@"),  # scheme://user:pass@host
    ("PASSWORD", r"(?i)--(?:password|passwd|pass)[= ]+([^\s\"'-][^\s\"']{2,})"),  # mysql --password hunter2
]]
_PROSE_PASSWORD = re.compile(  # "my password is hunter2", "the wifi passphrase was: Tr0ub4dor&3", "PIN is 4821"
    r"(?i)\b(?:password|passwd|passphrase|passcode|pwd|pin)(?:\s+(?:for|of|to|on|at)\s+(?:the\s+|my\s+|our\s+)?"
    r"(?:[\w.@-]+\s+){0,2}[\w.@-]+)?\s*(?:is|was|are|reads)\s*[:=]?\s*[\"'\u201c`]?([^\s\"'\u201d`]{4,})")
_ASSIGNMENT = re.compile(  # name = "value", name: str = "value", name: value, "name": "value"; not name = call()
    r"""(?P<name>[A-Za-z_][\w.-]{0,60})["']?(?:[ \t]*:[ \t]*[A-Za-z_][\w\[\], .|]{0,40}?(?=[ \t]*=))?"""
    r"""[ \t]*(?:=|:=|:|=>)[ \t]*"""
    r"""(?:(?P<q>["'])(?P<quoted>[^"'\n]{3,200}?)(?P=q)|(?P<bare>[^\s"'`,;&(){}\[\]<>]{6,200}+)(?![(\[]))""")
_SECRET_NAME = re.compile(r"(?:password|passwd|secret|token|(?:^|[_.-])(?:pass|pwd|api[_-]?key|access[_-]?key"
                          r"|secret[_-]?key|private[_-]?key|auth[_-]?key|client[_-]?secret|credentials?))$")
_TEMPLATED = re.compile(r"^(?:\$|\{|<|\[|%\(|\*+$|x+$|\.\.\.)|[})>\]]$", re.I)  # ${X}, <key>, [PAD], ***
_REFERENCE = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$|^[A-Z]+(?:_[A-Z]+)*$")  # settings.SECRET_KEY, "API_KEY"
_PLACEHOLDER_VALUE = re.compile(  # whole value; a word of the kind a sample writes where a credential goes
    r"(?i)^(?:pass(?:word|wd|phrase)?\d{0,3}|pwd|secret|s3cr3t|changeme|change[-_]?(?:me|this|it)|placeholder|"
    r"example|sample|dummy|fake|test(?:ing)?|demo|none|null|todo|tbd|redacted|foo|bar|baz|qwerty|letmein|"
    r"x{3,}|\*{3,}|\.{3}|<[^<>]*>|\$\{[^{}]*\}|\$[A-Z_]+|\{\{?[^{}]*\}?\}|\[[^\[\]]*\]|"
    r"(?:your|my)(?:[-_ ][\w-]+|(?:api)?(?:key|password|secret|token)\w*)|\w*[-_](?:here|goes[-_]here|placeholder))$")
_CAMEL_WORDS = re.compile(r"(?:[A-Z][a-z]{2,}|[A-Z]{2,}(?![a-z])|\d+)+")  # BetaAbstractToolset20260801: a name
_DIGIT_AND_LETTER = re.compile(r"(?=.*\d)(?=.*[A-Za-z])")
_KEYWORD_HINT = re.compile(r"(?i)key|pass|pwd|secret|contrase")  # detect-secrets' keyword denylist, loosely
_PHONE_CANDIDATE = re.compile(r"(?<![\w.+-])\+?\(?\d[\d ().-]{5,20}\d(?![\w-]|\.\d)")
_PHONE_CONTEXT = re.compile(r"(?i)\b(?:phone|tel|telephone|mobile|cell|call|sms|whatsapp|fax|number|reach|text|"
                            r"contact|ring|dial|landline|mob)\b")
_NOT_PHONE = re.compile(r"^[+-]?\d+\.\d+$|^\d{1,3}(?:\.\d{1,3}){3}$|^\d{4}-\d\d-\d\d")  # decimals, IPs, dates
# documentation ranges (RFC 5737, RFC 3849) and netmasks: examples in docs, never anyone's address
_NOT_PRIVATE_NETS = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24",
                                                       "255.0.0.0/8", "2001:db8::/32")]
_NOT_EMAIL_SUFFIXES = {"py", "md", "sh"}  # file names such as model@v2.py


class Span(NamedTuple):
    start: int
    end: int
    kind: str
    tier: int
    rule: str = ""  # what found it, as review names it: secret:aws-key, detect-secrets:Secret Keyword, ...


@dataclasses.dataclass(frozen=True)
class Secret:
    """One secret in a text: where it is, what kind, which rule found it, and its value."""

    line: int  # 1-based line of its start
    start: int
    end: int
    kind: str  # API_KEY, SECRET or PASSWORD
    rule: str
    value: str

    @property
    def heuristic(self) -> bool:
        """Found by an entropy or keyword guess rather than a format: worth a warning, not an error."""
        return self.rule.removeprefix("detect-secrets:") in DETECT_SECRETS_HEURISTIC

    @property
    def placeholder(self) -> bool:
        """A stand-in such as `user:pass@`, `changeme` or `<password>`: masked anyway, but not a leaked secret."""
        return is_placeholder(self.value)


def is_placeholder(value: str) -> bool:
    """Values that documentation and samples write where a real credential goes: `pass`, `changeme`, `xxx`,
    `<password>`, `your-api-key`, `secret`; no one has to rotate these."""
    return bool(_PLACEHOLDER_VALUE.match(value.strip().strip("\"'`")))


def find_secrets(text: str) -> list[Secret]:
    """The one secret detector: what `mentor review` reports and what redaction replaces (same spans).
    Offline, without the PII engine; call it on the original text (a masked line hides what it keys on)."""
    if not text.strip():
        return []
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    return [Secret(bisect.bisect_right(starts, s.start), s.start, s.end, s.kind, s.rule, text[s.start:s.end])
            for s in resolve(detect_secret_spans(text))]


def mask_secrets(text: str) -> str:
    """The text with each secret replaced by <SECRET_n> (one number per distinct value); the line breaks a
    multi-line secret held are kept, so line numbers stay true."""
    numbers: dict[str, int] = {}
    parts, pos = [], 0
    for s in find_secrets(text):
        n = numbers.setdefault(s.value, len(numbers) + 1)
        parts += [text[pos:s.start], f"<SECRET_{n}>" + "\n" * s.value.count("\n")]
        pos = s.end
    return "".join(parts) + text[pos:]


@dataclasses.dataclass
class Redaction:
    text: str
    mapping: dict[str, str]  # placeholder -> original
    counts: dict[str, int]  # kind -> distinct values


class Redactor:
    """Finds private values and replaces them with typed placeholders such as <EMAIL_1> or <API_KEY_2>.

    Names and places come from spaCy's small English NER model; a name made only of words that occur in the course
    material (`corpus_dir`: Kafka, Redis, Fowler) is technical vocabulary, not a person, and is kept."""

    def __init__(self, corpus_dir: Path | None = None, names: bool = True):
        from .config import DEFAULT_CORPUS

        self.corpus_dir = corpus_dir or DEFAULT_CORPUS
        self.names = names

    @property
    def vocabulary(self) -> frozenset[str]:
        return names.corpus_vocabulary(self.corpus_dir)

    def warm(self) -> None:
        """Load the detection engines now (seconds, mostly imports) instead of at the first request."""
        _engines()
        _plugins()
        if self.names:
            names.warm()
            _ = self.vocabulary

    def redact(self, text: str) -> Redaction:
        [redacted], mapping = self._redact_all([text])
        return Redaction(redacted, mapping, count(mapping))

    def redact_request(self, request: LLMRequest) -> tuple[LLMRequest, Callable[[str], str], dict[str, int]]:
        """A redacted copy of the messages, question and passages (the system prompt is ours) with one mapping for
        all of them, a function that puts the originals back into the model's output, and counts per kind."""
        texts: list[str] = []
        _map_texts(request, lambda t: texts.append(t) or t)
        redacted, mapping = self._redact_all(texts)
        it = iter(redacted)
        return _map_texts(request, lambda t: next(it)), make_restore(mapping), count(mapping)

    def _redact_all(self, texts: list[str]) -> tuple[list[str], dict[str, str]]:
        vocabulary = self.vocabulary if self.names else None
        found = {t: resolve(detect(t, vocabulary)) for t in dict.fromkeys(texts)}
        known = {t[s.start:s.end]: s.kind for t, spans in found.items() for s in spans
                 if s.kind in SECRET_KINDS and s.end - s.start >= PROPAGATE_MIN_CHARS}
        taken = {p for t in found for p in PLACEHOLDER.findall(t)}  # never reuse a placeholder the learner typed
        echo = _echo_pattern(known)
        by_value: dict[str, str] = {}
        numbers: dict[str, int] = {}
        out = []
        for text in texts:
            parts, pos = [], 0
            echoes = [Span(m.start(), m.end(), known[m.group(0)], ECHO_TIER) for m in echo.finditer(text)]
            for s in resolve(found[text] + echoes):
                value = text[s.start:s.end]
                while value not in by_value:
                    numbers[s.kind] = numbers.get(s.kind, 0) + 1
                    if (candidate := f"<{s.kind}_{numbers[s.kind]}>") not in taken:
                        by_value[value] = candidate
                parts += [text[pos:s.start], by_value[value]]
                pos = s.end
            out.append("".join(parts) + text[pos:])
        return out, {p: v for v, p in by_value.items()}


def redact_request(request: LLMRequest) -> tuple[LLMRequest, Callable[[str], str], dict[str, int]]:
    return Redactor().redact_request(request)


def make_restore(mapping: dict[str, str]) -> Callable[[str], str]:
    """Puts original values back where the model echoed a placeholder; unknown placeholders stay as they are.

    A placeholder inside a URL (a link target, an image source, an autolink, a bare URL, a reference definition)
    stays a placeholder: restored there, a secret would leave in the browser's request. The returned function
    reads one answer in order, whole or in consecutive pieces (streaming): it keeps the tail of what it has read
    as the left context of the next piece."""
    mapping = dict(mapping)
    seen = [""]

    def restore(text: str) -> str:
        before = seen[0]
        seen[0] = (before + text)[-URL_CONTEXT_CHARS:]
        if "<" not in text:
            return text
        return PLACEHOLDER.sub(lambda m: m.group(0) if in_url(before + text[:m.start()])
                               else mapping.get(m.group(0), m.group(0)), text)

    return restore


URL_CONTEXT_CHARS = 2000
_URL_TOKEN = re.compile(  # schemes a browser fetches or follows; redis:// or postgres:// strings it never loads
    r"(?i)(?:\b(?:https?|ftp|wss?|file|blob)://|\b(?:mailto|data|javascript|tel):|www\.|\]\(|\]\["
    r"|(?:src|href|srcset|action|poster)\s*=)")
_REF_DEFINITION = re.compile(r"^[ \t]{0,3}\[[^\]]+\]:\s*<?\S*$")


def in_url(before: str) -> bool:
    """Whether text ending with `before` is inside a URL: the current word holds a scheme, `www.`, `](` or an
    attribute, the line has an unclosed link target `](`, or it is a reference definition `[ref]: ...`."""
    line = before[before.rfind("\n") + 1:]
    word = re.split(r"\s", line)[-1]
    if _URL_TOKEN.search(word) or _REF_DEFINITION.match(line):
        return True
    target = line.rfind("](")
    return target != -1 and ")" not in line[target:]


def count(mapping: dict[str, str]) -> dict[str, int]:
    kinds = [p[1:].rsplit("_", 1)[0] for p in mapping]
    return {k: kinds.count(k) for k in sorted(set(kinds))}


def _map_texts(request: LLMRequest, fn: Callable[[str], str]) -> LLMRequest:
    """A copy of the request with fn applied to each text that leaves the machine, always in the same order."""

    def content(c: Any) -> Any:
        if isinstance(c, list):  # content blocks
            return [{**b, "text": fn(b["text"])} if isinstance(b, dict) and isinstance(b.get("text"), str) else b
                    for b in c]
        return fn(c) if isinstance(c, str) else c

    def passage(p: Any) -> Any:
        if isinstance(p, dict) and isinstance(p.get("text"), str):
            return {**p, "text": fn(p["text"])}
        if dataclasses.is_dataclass(p) and isinstance(getattr(p, "text", None), str):
            return dataclasses.replace(p, text=fn(p.text))  # retrieval.Hit
        return fn(p) if isinstance(p, str) else p

    messages = [{**m, "content": content(m.get("content"))} for m in request.messages]
    question = fn(request.question) if request.question else request.question
    return dataclasses.replace(request, messages=messages, question=question,
                               passages=[passage(p) for p in request.passages])


def resolve(spans: list[Span]) -> list[Span]:
    """Non-overlapping spans in text order: the most specific source first, then the longest span."""
    chosen: list[Span] = []  # kept in text order, so only the neighbours can overlap
    for s in sorted(spans, key=lambda s: (-s.tier, s.start - s.end, s.start)):
        i = bisect.bisect_left(chosen, s)
        if s.end > s.start and (i == 0 or chosen[i - 1].end <= s.start) and (
                i == len(chosen) or chosen[i].start >= s.end):
            chosen.insert(i, s)
    return chosen


def detect(text: str, vocabulary: frozenset[str] | None = frozenset()) -> list[Span]:
    """Every candidate span in the text, overlapping ones included: personal data and secrets. Names and places
    by NER unless vocabulary is None; an entity made only of vocabulary words is kept."""
    if not text.strip():
        return []
    spans = [Span(r.start, r.end, PRESIDIO_KINDS[r.entity_type], PII_TIER)
             for r in _engines().analyzer.analyze(text, language="en", entities=list(PRESIDIO_KINDS))]
    spans += [Span(m.start(), m.end(), "ADDRESS", PII_TIER) for m in names.STREET.finditer(text)]
    if vocabulary is not None:  # the model is below every pattern when spans overlap
        spans += [Span(start, end, kind, NER_TIER) for start, end, kind in names.entities(text, vocabulary)
                  if not PLACEHOLDER.search(text[start:end])]
    return spans + detect_secret_spans(text)


def detect_secret_spans(text: str) -> list[Span]:
    """Every candidate secret span: key formats, credentials by their context, detect-secrets' plugins."""
    spans = [Span(m.start(), m.end(), kind, PATTERN_TIER, rule) for kind, rule, rx in _KEY_PATTERNS
             for m in rx.finditer(text) if not (rule == "secret:aws-secret" and _CAMEL_WORDS.fullmatch(m.group(0)))]
    spans += [Span(m.start(1), m.end(1), kind, CONTEXT_TIER, "secret:password") for kind, rx in _CONTEXT_PATTERNS
              for m in rx.finditer(text) if _plausible(m.group(1), quoted=True)]
    for m in _PROSE_PASSWORD.finditer(text):
        value = m.group(1).rstrip(".,;:!?)")  # the sentence goes on after the password
        if _plausible(value, quoted=False) or len(value) >= 12:
            spans.append(Span(m.start(1), m.start(1) + len(value), "PASSWORD", CONTEXT_TIER, "secret:password"))
    pos = 0
    while (m := _ASSIGNMENT.search(text, pos)) is not None:
        name, which = m.group("name").lower(), "bare" if m.group("quoted") is None else "quoted"
        value, password = m.group(which), bool(re.search("pass|pwd", name))
        if _SECRET_NAME.search(name) and _plausible(value, quoted=which == "quoted") and (
                password or which == "bare" or _DIGIT_AND_LETTER.search(value)):  # a token is not "Bearer"
            kind = "PASSWORD" if password else "API_KEY" if re.search("api.?key", name) else "SECRET"
            spans.append(Span(m.start(which), m.end(which), kind, CONTEXT_TIER, "secret:password"))
            pos = m.end()
        else:  # 'Note: password = x' first matches as Note -> 'password': look again after the name
            pos = m.end("name") + 1
    return spans + _detect_secrets(text, _plugins())


def _plausible(value: str, quoted: bool) -> bool:
    """Whether a value next to a secret-sounding name looks like a secret, not a reference or a template."""
    if not value or value != value.strip() or _TEMPLATED.search(value) or _REFERENCE.match(value):
        return False
    return quoted or _mixed(value)


def _mixed(value: str) -> bool:
    """Letters with digits or symbols: hunter2 and S3cr3t!pass are, AccessTokenProvider and 'a secret' are not."""
    return any(c.isalpha() for c in value) and any(c.isdigit() or not (c.isalnum() or c in " -_.") for c in value)


def _detect_secrets(text: str, plugins: list) -> list[Span]:
    """detect-secrets' plugins and heuristic filters, called directly: scan_line() would rewrite its global
    settings on every call (not thread-safe) and may run network verification."""
    from detect_secrets.filters import heuristic as h
    from detect_secrets.plugins.base import RegexBasedDetector
    from detect_secrets.plugins.high_entropy_strings import HighEntropyStringsPlugin

    spans = []
    for line_match in re.finditer(r"[^\n]+", text):
        # detect-secrets is quadratic in line length: it sees a line's first DS_LINE_CHARS (our patterns see all)
        line, base = line_match.group(0)[:DS_LINE_CHARS], line_match.start()
        for plugin in plugins:
            if plugin.secret_type == "Secret Keyword" and not _KEYWORD_HINT.search(line):
                continue  # its regexes are the slow part of a scan, and need one of these words
            for value in set(plugin.analyze_string(line)):
                if (not value or h.is_sequential_string(value) or h.is_potential_uuid(value)
                        or h.is_templated_secret(value) or h.is_prefixed_with_dollar_sign(value)
                        or h.is_not_alphanumeric_string(value) or h.is_likely_id_string(value, line, plugin)
                        or sum(ord(b) - ord(a) == 1 for a, b in zip(value, value[1:], strict=False)) > len(value) / 2
                        or (not isinstance(plugin, RegexBasedDetector) and h.is_indirect_reference(line))):
                    continue  # the last but one: alphabets written out in code, 'abcdefghijklmnopqrstuvwxyz0123'
                if isinstance(plugin, HighEntropyStringsPlugin) and (
                        plugin.calculate_shannon_entropy(value) <= plugin.entropy_limit):
                    continue
                kind = DETECT_SECRETS_KINDS.get(plugin.secret_type, "API_KEY")
                if plugin.secret_type == "Secret Keyword":
                    if not _mixed(value):
                        continue  # labels such as == "Secret Keyword"; our own pattern takes the quoted rest
                    kind = "PASSWORD" if re.search(r"(?i)pass|pwd|contrase", line) else "SECRET"
                start = line.find(value)
                while start != -1:
                    spans.append(Span(base + start, base + start + len(value), kind, DETECT_SECRETS_TIER,
                                      "detect-secrets:" + plugin.secret_type))
                    start = line.find(value, start + len(value))
    return spans


def _echo_pattern(known: dict[str, str]) -> re.Pattern:
    """Finds the secrets already found anywhere in the request wherever else they appear, even without context."""
    if not known:
        return re.compile(r"(?!)")  # matches nothing
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(v) for v in sorted(known, key=len, reverse=True)) + r")(?!\w)")


class _Engines(NamedTuple):
    analyzer: Any  # presidio_analyzer.AnalyzerEngine


_ENGINES: _Engines | None = None
_LOCK = threading.Lock()


def _engines() -> _Engines:
    global _ENGINES
    if _ENGINES is None:
        with _LOCK:
            if _ENGINES is None:
                _ENGINES = _load()
    return _ENGINES


def _load() -> _Engines:
    """Presidio without a spaCy model or a public-suffix download; detect-secrets without its global settings."""
    import tldextract
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer import predefined_recognizers as pr
    from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
    from presidio_analyzer.nlp_engine import NoOpNlpEngine

    suffixes = tldextract.TLDExtract(cache_dir=None, suffix_list_urls=())  # the bundled snapshot, no fetch

    class Email(pr.EmailRecognizer):
        def validate_result(self, pattern_text: str) -> bool:
            parts = suffixes(pattern_text)
            return bool(parts.fqdn) and parts.suffix not in _NOT_EMAIL_SUFFIXES and not pattern_text.startswith("git@")

    class Ip(pr.IpRecognizer):
        def invalidate_result(self, pattern_text: str) -> bool:
            if super().invalidate_result(pattern_text):
                return True
            ip = ipaddress.ip_interface(pattern_text).ip
            groups = [g for g in pattern_text.split("/")[0].split(":") if g]
            short_v6 = ip.version == 6 and "." not in pattern_text and len(groups) < 3  # a[::2], std::map
            network = ip.version == 4 and ip.packed[-1] == 0  # 10.0.0.0/16: a subnet in a design, not a host
            return (ip.is_loopback or ip.is_unspecified or short_v6 or network
                    or any(ip in n for n in _NOT_PRIVATE_NETS))

    class Phone(pr.PhoneRecognizer):
        """phonenumbers on digit runs only (fast), and a bare run of digits only after a word like 'phone'."""

        def analyze(self, text, entities, nlp_artifacts=None):
            results = []
            for m in _PHONE_CANDIDATE.finditer(text):
                context = _PHONE_CONTEXT.search(text[max(0, m.start() - 30):m.start()])
                if not 7 <= sum(c.isdigit() for c in m.group(0)) <= 15 or _NOT_PHONE.match(m.group(0)):
                    continue
                for r in super().analyze(m.group(0), entities, None) if context or not m.group(0).isdigit() else ():
                    found = m.group(0)[r.start:r.end]
                    if _NOT_PHONE.match(found) or (found.isdigit() and not context):  # timestamps, ids, counts
                        continue
                    r.start, r.end = r.start + m.start(), r.end + m.start()
                    results.append(r)
            return results

    class NoContext(ContextAwareEnhancer):
        """Scores do not matter here, every hit is replaced; Presidio's enhancer costs hits x tokens."""

        def enhance_using_context(self, text, raw_results, *args, **kwargs):
            return raw_results

    # only pattern recognizers and no context scoring: tokens would cost time and serve nothing (a blank spaCy
    # pipeline works too, at about 40% more time per request); PERSON and LOCATION would need an NER model
    nlp = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}])
    nlp.load()
    registry = RecognizerRegistry(supported_languages=["en"], recognizers=[
        Email(), Phone(), pr.CreditCardRecognizer(), pr.IbanRecognizer(), Ip()])
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp, supported_languages=["en"],
                              context_aware_enhancer=NoContext(0, 0, 0, 0))
    # the public-suffix snapshot and phonenumbers' region data load lazily: pay for them here, not in a request
    analyzer.analyze("a@example.com, call (415) 555-0132 or 020 7946 0958 or +44 20 7946 0958", language="en")
    return _Engines(analyzer)


@functools.cache
def _plugins() -> list:
    """detect-secrets' plugin instances, without its global settings."""
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    return [cls() for secret_type, cls in get_mapping_from_secret_type_to_class().items()
            if secret_type not in DETECT_SECRETS_SKIPPED]
