"""Which findings a review raises. A finding must be worth a senior reviewer's time: the file's context (a web
service, an interactive app, a script, a library) and each rule's value decide, and the rest are folded into one
"minor" summary line that is not a finding. The hardening a service adds before other people use it (who may
call, how much they may send, what a failure shows them) is its own list unless the code already serves others.

    context = context_of(tree)                       # Context(kind="service", evidence="imports flask")
    raised, minor, hardening = triage(findings, context, serves_others=False)
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from dataclasses import dataclass

from .findings import FUNCTIONS, Finding, decorator_names, dotted, main_guard

WEB_FRAMEWORKS = re.compile(r"^(flask|django|fastapi|starlette|tornado|sanic|quart|bottle|falcon|litestar|"
                            r"aiohttp\.web|ray\.serve|connexion)\b")
APP_FRAMEWORKS = re.compile(r"^(streamlit|gradio|dash|panel|chainlit)\b")
ROUTE = re.compile(r"\.(route|get|post|put|patch|delete|api_route|websocket)$|^(api_view|serve\.deployment)$")
# module-level calls that define things rather than do work (constructors, capitalised, count as definitions)
DEFINITIONAL = {"getLogger", "compile", "TypeVar", "NewType", "namedtuple", "field", "get", "getenv", "Path",
                "frozenset", "set", "dict", "list", "tuple", "join", "dirname", "abspath", "resolve", "parent",
                "ContextVar", "Lock", "RLock", "local", "partial", "lru_cache", "cache", "Flask", "FastAPI",
                "APIRouter", "Blueprint", "declarative_base", "environ", "expanduser", "int", "float", "str",
                "bool", "len", "range", "object", "dataclass", "getattr", "format", "get_logger", "_"}
CLI = re.compile(r"^(argparse|click|typer|fire)\b")

# rules whose findings are correct but rarely worth a reviewer's comment: style, size, configuration and design
# smells a formatter, a linter or the author's own refactoring handles (listed in the minor line, by this label)
MINOR_RULES = {
    "smell:print": "print calls",
    "smell:size": "long or complex functions",
    "smell:hardcoded-config": "hard-coded names, paths or addresses",
    "generic:hardcoded-url": "hard-coded addresses",
    "generic:long-function": "long functions",
    "generic:todo": "FIXME/HACK markers",
    "smell:dip": "clients or files built inside logic",
    "smell:srp": "classes with several responsibilities",
    "smell:type-switch": "switches on a type",
}
# the protections a service puts around working code before other people use it: their consequence falls only on
# callers other than the author, so for code that only its author runs they are a checklist, not defects (listed
# under "Before other people use this", by this label). Injection, secrets in code, client timeouts and concurrency
# are not here: that code is wrong wherever it runs.
HARDENING_GROUPS = {
    "who may call": ("ml:missing-auth", "semgrep:missing-auth", "ml:exposed-no-auth", "ml:csrf-exempt",
                     "ml:timing-compare", "ml:cors-any-origin", "semgrep:cors-any-origin", "semgrep:least-privilege"),
    "how much callers may send": ("ml:unbounded-payload", "semgrep:unbounded-payload", "semgrep:slow-clients"),
    "what a failure shows callers": ("ml:exception-to-client", "semgrep:exception-to-client", "ruff:S201",
                                     "ml:llm-unguarded", "semgrep:llm-unguarded", "ml:unvalidated-input"),
}
HARDENING = {rule: label for label, rules in HARDENING_GROUPS.items() for rule in rules}
# rules that only matter in some contexts: module-level state is shared by every request only in a service
RAISED_IN = {"smell:mutable-global": {"service"}}
# what the minor line calls the other rules when their finding is folded (note-level, or out of context)
NOTE_LABELS = {"smell:mutable-global": "module-level mutable state", "ruff:F821": "names defined elsewhere",
               "ml:no-seed": "no random seed", "ml:non-atomic-write": "non-atomic writes of a final artifact",
               "model": "design advice and lower-priority notes from the model"}


@dataclass(frozen=True)
class Context:
    """What kind of program the code is, and the evidence for it (shown in the summary)."""

    kind: str  # service | app | script | library | unknown
    evidence: str = ""


def route_handler(func) -> bool:
    """A function registered as a web route (Flask/FastAPI/Starlette decorators, DRF's api_view)."""
    return isinstance(func, FUNCTIONS) and any(ROUTE.search(name) for name in decorator_names(func))


def imported_modules(tree: ast.Module) -> list[str]:
    """The modules the code imports (`import a.b` -> `a.b`, `from c import d` -> `c`)."""
    names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    return names + [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]


def _does_work(stmt: ast.stmt) -> bool:
    """A module-level assignment that computes (`model = LinearRegression().fit(X, y)`), not one that defines
    (`log = logging.getLogger(__name__)`, `PATTERN = re.compile(...)`)."""
    value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign)) else None
    calls = [dotted(c.func).rsplit(".", 1)[-1] or ast.unparse(c.func).rsplit(".", 1)[-1]
             for c in ast.walk(value) if isinstance(c, ast.Call)] if value is not None else []
    return any(name not in DEFINITIONAL and not name[:1].isupper() for name in calls)


def context_of(tree: ast.Module | None) -> Context:
    """A web service (framework imports or route decorators), an interactive app (Streamlit, Gradio), a script
    (a `__main__` guard, a CLI parser, or code that runs at module level) or a library; unknown without an AST."""
    if tree is None:
        return Context("unknown")
    imports = imported_modules(tree)
    web = next((m for m in imports if WEB_FRAMEWORKS.match(m)), None)
    routes = [f for f in ast.walk(tree) if route_handler(f) or (isinstance(f, ast.ClassDef) and any(
        ROUTE.search(name) for name in decorator_names(f)))]
    if web or routes:
        return Context("service", f"imports {web.split('.')[0]}" if web else "has route handlers")
    app = next((m for m in imports if APP_FRAMEWORKS.match(m)), None)
    if app:
        return Context("app", f"imports {app.split('.')[0]}")
    main = any(main_guard(s) for s in tree.body)
    cli = next((m for m in imports if CLI.match(m)), None)
    runs = [s for s in tree.body if (isinstance(s, (ast.Expr, ast.For, ast.While, ast.With)) and not (
        isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))) or _does_work(s)]
    if main or cli or runs:
        why = "has a __main__ guard" if main else f"imports {cli}" if cli else "runs code at module level"
        return Context("script", why)
    return Context("library")


def raised(finding: Finding, context: Context) -> bool:
    """Whether a finding is worth raising here: not a minor rule, not a note-level severity, and in a context
    where its consequence happens."""
    if finding.rule in MINOR_RULES or finding.severity == "info":
        return False
    return context.kind in RAISED_IN.get(finding.rule, {context.kind})


def triage(findings: list[Finding], context: Context, serves_others: bool = False
           ) -> tuple[list[Finding], list[Finding], list[Finding]]:
    """(raised findings, minor ones folded into the summary, hardening to do before other people use the code; empty
    when `serves_others`, whose hardening findings are raised)."""
    keep = [raised(f, context) for f in findings]
    for f, k in zip(findings, keep, strict=True):
        if k and f.rule == "smell:mutable-global":  # raised only in a service, where this is the consequence
            f.message += ": every request and every user of the service shares it"
    raised_here = [f for f, k in zip(findings, keep, strict=True) if k]
    minor = [f for f, k in zip(findings, keep, strict=True) if not k]
    if serves_others:
        return raised_here, minor, []
    return [f for f in raised_here if f.rule not in HARDENING], minor, [f for f in raised_here if f.rule in HARDENING]


def minor_line(minor: list[Finding]) -> str:
    """'Minor, not raised: 3 print calls, 1 long or complex functions.' (empty when there is nothing minor)."""
    if not minor:
        return ""
    counts = Counter(MINOR_RULES.get(f.rule) or NOTE_LABELS.get(f.rule, "other notes") for f in minor)
    return "Minor, not raised as findings: " + ", ".join(f"{n} {label}" for label, n in counts.most_common()) + "."


def hardening_line(hardening: list[Finding]) -> str:
    """'Before other people use this: 2 on who may call, 1 on what a failure shows callers (listed apart from the
    findings).' (empty when there is nothing to harden)."""
    if not hardening:
        return ""
    counts = Counter(HARDENING[f.rule] for f in hardening)
    return ("Before other people use this: " + ", ".join(f"{n} on {label}" for label, n in counts.most_common())
            + " (listed apart from the findings).")
