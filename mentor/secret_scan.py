"""Secrets in text: the one detector behind both redaction and the review's secret findings.

    find_secrets(code)     # [Secret(line, start, end, kind, rule, value)], the spans redaction would replace
    mask_secrets(code)     # the same text with each secret as <SECRET_n>, line numbers kept

Key formats of ours (private keys, Anthropic/OpenAI/AWS/GitHub keys, JWTs), credentials recognised by their
context (`scheme://user:pass@`, `Authorization: Bearer`, `password = "..."`, "my password is ..."), and
detect-secrets' plugins with its heuristic filters, line by line. Placeholders such as `changeme` are found
(and masked) but marked, so that review does not report them.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import re
from typing import NamedTuple

DS_LINE_CHARS = 1000
DETECT_SECRETS_KINDS = {"Basic Auth Credentials": "PASSWORD", "JSON Web Token": "SECRET",
                        "Base64 High Entropy String": "SECRET"}  # every other plugin finds an API_KEY
# Presidio finds IPs, our pattern takes whole key blocks, and quoted hex is mostly commit and file hashes
DETECT_SECRETS_SKIPPED = {"Public IP (ipv4)", "Private Key", "Hex High Entropy String"}
DETECT_SECRETS_HEURISTIC = {"Secret Keyword", "Basic Auth Credentials", "Base64 High Entropy String"}
# where spans overlap, the most specific source wins (secrets here; personal data in privacy.py)
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


# each language's read of an environment variable: `SECRET: process.env.API_SECRET!` names where the value lives
ENV_READ = re.compile(r"(process\.env|import\.meta\.env|Deno\.env|os\.environ|os\.getenv|os\.Getenv|System\.getenv|"
                      r"ENV\[|env::var)\b")


def names_a_variable(value: str, text: str) -> bool:
    """Whether a flagged value is an identifier the text itself uses as a name (assigned, or used more than once):
    `password=neo4j_password` binds a variable, not a value. Reviews skip these; redaction masks them anyway."""
    return bool(re.fullmatch(r"[A-Za-z_]\w*", value)) and (
        len(re.findall(rf"\b{re.escape(value)}\b", text)) > 1 or bool(re.search(rf"\b{re.escape(value)}\s*=", text)))


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


def resolve(spans: list[Span]) -> list[Span]:
    """Non-overlapping spans in text order: the most specific source first, then the longest span."""
    chosen: list[Span] = []  # kept in text order, so only the neighbours can overlap
    for s in sorted(spans, key=lambda s: (-s.tier, s.start - s.end, s.start)):
        i = bisect.bisect_left(chosen, s)
        if s.end > s.start and (i == 0 or chosen[i - 1].end <= s.start) and (
                i == len(chosen) or chosen[i].start >= s.end):
            chosen.insert(i, s)
    return chosen


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
    if ENV_READ.match(value):  # `apiKey: process.env.OPENAI_API_KEY!` names where the key lives; masked, a model
        return False  # reads <SECRET_1> as a key written into the code
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


def warm() -> None:
    """Load detect-secrets' plugins now rather than on the first scan."""
    _plugins()


@functools.cache
def _plugins() -> list:
    """detect-secrets' plugin instances, without its global settings."""
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    return [cls() for secret_type, cls in get_mapping_from_secret_type_to_class().items()
            if secret_type not in DETECT_SECRETS_SKIPPED]
