"""Private values out, placeholders in: redaction before a prompt leaves the machine, restoration after.

    redactor = Redactor()                          # cheap: the engines load on first use, once per process
    safe, restore, counts = redactor.redact_request(request)
    answer = restore(provider.complete(safe)[0])  # counts such as {"EMAIL": 1, "API_KEY": 2}, never values

Detection runs in memory and offline: Presidio's pattern recognizers (e-mail, phone, card with Luhn check, IBAN,
IP), detect-secrets' plugins line by line, patterns of ours for key formats and credentials in code and prose, and
names and places from mentor/names.py (spaCy NER; in a review's code, only in comments and strings). Where spans
overlap, the most specific source wins, then the longest span. The secrets come from `secret_scan`, the one secret
detector, for review findings as for redaction.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from . import names, secret_scan
from .code_prose import CodeRegions
from .llm import LLMRequest
from .secret_scan import (
    ECHO_TIER,
    NER_TIER,
    PII_TIER,
    Span,
    detect_secret_spans,
    resolve,
)

# shown on the Settings page and repeated word for word in the README's Security section (a test checks both)
PRIVACY_NOTICE = (
    "Before anything is sent to a cloud model, your question, conversation, notes, reflections and pasted code are "
    "redacted on this machine: e-mail addresses, phone numbers, card numbers, IBANs, IP addresses, API keys, "
    "tokens, private keys, passwords and connection strings become placeholders such as <EMAIL_1>.",
    "Names of people and places are found by a small statistical model (spaCy's en_core_web_sm), in code only in "
    "comments and strings: it misses some names, so do not rely on it for anyone's name you must not share.",
    "Nothing is sent anywhere without a cloud key, and a local model server receives your text unredacted.",
    "Images and links to other sites in answers, notes and advice are shown as text (only links into the course "
    "reader stay links): nothing on these pages makes your browser fetch an address.",
)
PLACEHOLDER = re.compile(r"<[A-Z][A-Z_]*_\d+>")
SECRET_KINDS = ("API_KEY", "SECRET", "PASSWORD")
PROPAGATE_MIN_CHARS = 6  # a secret this long is also replaced wherever else it appears in the request
PRESIDIO_KINDS = {"EMAIL_ADDRESS": "EMAIL", "PHONE_NUMBER": "PHONE", "CREDIT_CARD": "CREDIT_CARD",
                  "IBAN_CODE": "IBAN", "IP_ADDRESS": "IP_ADDRESS"}

_PHONE_CANDIDATE = re.compile(r"(?<![\w.+-])\+?\(?\d[\d ().-]{5,20}\d(?![\w-]|\.\d)")
_PHONE_CONTEXT = re.compile(r"(?i)\b(?:phone|tel|telephone|mobile|cell|call|sms|whatsapp|fax|number|reach|text|"
                            r"contact|ring|dial|landline|mob)\b")
_NOT_PHONE = re.compile(r"^[+-]?\d+\.\d+$|^\d{1,3}(?:\.\d{1,3}){3}$|^\d{4}-\d\d-\d\d")  # decimals, IPs, dates
# documentation ranges (RFC 5737, RFC 3849) and netmasks: examples in docs, never anyone's address
_NOT_PRIVATE_NETS = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24",
                                                       "255.0.0.0/8", "2001:db8::/32")]
_NOT_EMAIL_SUFFIXES = {"py", "md", "sh"}  # file names such as model@v2.py


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
        secret_scan.warm()
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


def detect(text: str, vocabulary: frozenset[str] | None = frozenset()) -> list[Span]:
    """Every candidate span in the text, overlapping ones included: personal data and secrets. Names and places
    by NER unless vocabulary is None; an entity made only of vocabulary words is kept."""
    if not text.strip():
        return []
    spans = [Span(r.start, r.end, PRESIDIO_KINDS[r.entity_type], PII_TIER)
             for r in _engines().analyzer.analyze(text, language="en", entities=list(PRESIDIO_KINDS))]
    spans += [Span(m.start(), m.end(), "ADDRESS", PII_TIER) for m in names.STREET.finditer(text)]
    if vocabulary is not None:  # the model is below every pattern when spans overlap
        found = names.entities(text, vocabulary)
        code = CodeRegions(text) if found else None  # in a review's code, only comments and strings are prose
        spans += [Span(start, end, kind, NER_TIER) for start, end, kind in found
                  if not PLACEHOLDER.search(text[start:end]) and code.allows(start, end)]
    return spans + detect_secret_spans(text)


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
