"""Checks for web services and apps: what reaches the client, what comes in from it, and who may call a route."""

from __future__ import annotations

import ast
import re

from .ml_rules import _const, _finding, _kw, _names
from .smells import FUNCTIONS, Finding, _calls, dotted

ERROR_RESPONSE = re.compile(r"(^|\.)(jsonify|JSONResponse|HTTPException|Response|make_response|abort|JsonResponse|"
                            r"HttpResponse|PlainTextResponse)$")


def unsafe_html(nodes) -> list[Finding]:
    out = []
    for call in _calls(nodes):
        flag = _kw(call, "unsafe_allow_html")
        name = dotted(call.func)
        is_html = name.endswith("components.html") or name.endswith("components.v1.html")
        if not ((isinstance(flag, ast.Constant) and flag.value is True) or is_html):
            continue
        if call.args and not all(_const(a) for a in call.args):
            shown = ast.unparse(call.args[0])[:40]
            out.append(_finding(call, "ml:unsafe-html", "security", f"`{name}` renders `{shown}` as raw HTML: model "
                                "or user text here can inject scripts and links (stored XSS)", severity="error"))
    return out


def exception_to_client(nodes) -> list[Finding]:
    out = []
    for h in (n for n in nodes if isinstance(n, ast.ExceptHandler) and n.name):
        for node in (n for s in h.body for n in ast.walk(s)):
            value = node.value if isinstance(node, ast.Return) else node if isinstance(node, ast.Call) and \
                ERROR_RESPONSE.search(dotted(node.func)) else None
            if value is None:
                continue
            leaks = any((isinstance(n, ast.Call) and dotted(n.func) in ("str", "repr") and n.args
                         and _names(n.args[0]) == {h.name}) or (isinstance(n, ast.FormattedValue)
                                                                and _names(n.value) == {h.name})
                        for n in ast.walk(value))
            if leaks:
                out.append(_finding(node, "ml:exception-to-client", "security", "the exception text is sent back to "
                                    "the client: it can reveal paths, queries, model names and keys"))
                break
    return out


def unvalidated_input(nodes) -> list[Finding]:
    """Request bodies indexed directly: a missing field is a KeyError and a 500, nothing bounds its size."""
    out, seen = [], set()
    for n in nodes:
        if isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Load) and re.match(
                r"^(flask\.)?request\.(json|form|args|get_json\(\)|values)$", ast.unparse(n.value)):
            if n.lineno not in seen:
                seen.add(n.lineno)
                out.append(_finding(n, "ml:unvalidated-input", "reliability", f"`{ast.unparse(n)[:50]}` reads the "
                                    "request without validation: a missing field is a 500, and nothing bounds its "
                                    "type or size"))
    return out


def csrf_exempt(tree: ast.Module) -> list[Finding]:
    return [_finding(d, "ml:csrf-exempt", "security", f"`@csrf_exempt` on `{f.name}` turns off CSRF protection on "
                     "a view that changes data: another site can submit it with the user's cookies")
            for f in ast.walk(tree) if isinstance(f, FUNCTIONS) for d in f.decorator_list
            if dotted(d).split(".")[-1] == "csrf_exempt"]

