"""Checks on the status a client gets when something fails: an HTTP error that a broad `except` turns into another
answer, and a failure answered with a body and no status (200 OK)."""

from __future__ import annotations

import ast
import re

from .findings import FUNCTIONS, Finding, dotted
from .ml_rules import _finding, _kw
from .review_triage import route_handler

# an HTTP error the framework turns into a status: FastAPI/Starlette/werkzeug `HTTPException` and its subclasses
HTTP_ERROR = re.compile(r"(^|\.)\w*HTTPException$")
BROAD = {"Exception", "BaseException"}
# calls that build a response body without a status of their own
BODY_CALL = re.compile(r"(^|\.)(jsonify|JSONResponse|Response|dict)$")


def is_broad(handler: ast.ExceptHandler) -> bool:
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return handler.type is None or any(dotted(t) in BROAD for t in types)


def _reraises(handler: ast.ExceptHandler) -> bool:
    """Whether the handler hands the error on unchanged somewhere (`raise`, `raise e`)."""
    caught = handler.name
    return any(isinstance(n, ast.Raise) and (n.exc is None or (isinstance(n.exc, ast.Name) and n.exc.id == caught))
               for n in ast.walk(handler))


def _raised_in(stmts: list[ast.stmt]):
    """The `raise` statements that leave these statements: nested functions are skipped (they raise when called),
    and so is the body of an inner `try` that catches everything (that `try` is checked on its own)."""
    todo = list(stmts)
    while todo:
        node = todo.pop()
        if isinstance(node, (*FUNCTIONS, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Raise):
            yield node
        if isinstance(node, ast.Try) and any(is_broad(h) for h in node.handlers):
            todo += [*node.handlers, *node.orelse, *node.finalbody]
            continue
        todo += list(ast.iter_child_nodes(node))


def _status(call: ast.expr) -> str:
    if not isinstance(call, ast.Call):
        return ""
    code = _kw(call, "status_code") or (call.args[0] if call.args else None)
    return str(code.value) if isinstance(code, ast.Constant) and isinstance(code.value, int) else ""


def http_errors_swallowed(tree: ast.Module) -> list[Finding]:
    """`raise HTTPException(404)` inside a `try` whose `except Exception` catches it too: the client gets what that
    handler answers (usually a 500) instead of the status the code chose. An `except HTTPException: raise` before
    the broad handler, or a broad handler that re-raises, lets it through."""
    out = []
    for node in (n for n in ast.walk(tree) if isinstance(n, ast.Try)):
        broad = next((h for h in node.handlers if is_broad(h)), None)
        if broad is None or _reraises(broad):
            continue
        before = node.handlers[:node.handlers.index(broad)]
        if any(HTTP_ERROR.search(ast.unparse(h.type or ast.Constant(""))) for h in before):
            continue
        for raised in _raised_in(node.body):
            exc = raised.exc.func if isinstance(raised.exc, ast.Call) else raised.exc
            if exc is None or not HTTP_ERROR.search(dotted(exc)):
                continue
            status = _status(raised.exc)
            answer = next((_status(r.exc) for r in ast.walk(broad) if isinstance(r, ast.Raise) and r.exc is not None
                           and _status(r.exc)), "")
            out.append(_finding(raised, "ml:http-error-swallowed", "correctness",
                                f"`{dotted(exc)}({status})` is raised inside the `try` whose `except "
                                f"{ast.unparse(broad.type) if broad.type else ''}` at line {broad.lineno} catches it "
                                f"too: the client gets {'a ' + answer if answer else 'what that handler answers'} "
                                f"instead of {'the ' + status if status else 'the status chosen here'}"))
            break
    return out


def _sets_status(value: ast.expr) -> bool:
    """Whether a returned value carries a status: `(body, 500)`, `JSONResponse(..., status_code=500)`,
    `Response(status=400)`, `make_response(body, 404)`."""
    if isinstance(value, ast.Tuple) and len(value.elts) >= 2:
        return True
    return any(isinstance(c, ast.Call) and (any(k.arg in ("status", "status_code") for k in c.keywords) or (
        dotted(c.func).endswith("make_response") and len(c.args) >= 2)) for c in ast.walk(value))


def _answers(stmts: list[ast.stmt]) -> list[ast.Return]:
    """Returns of a body (`jsonify(...)`, a dict or a string) that set no status."""
    return [r for s in stmts for r in ast.walk(s) if isinstance(r, ast.Return) and r.value is not None
            and isinstance(r.value, (ast.Dict, ast.Constant, ast.JoinedStr, ast.Call))
            and (not isinstance(r.value, ast.Call) or BODY_CALL.search(dotted(r.value.func)))
            and not _sets_status(r.value)]


def failures_answered_ok(tree: ast.Module) -> list[Finding]:
    """A route that answers a failure with status 200: a handler's `except` (or the branch for a missing required
    input) returns a body, an error dict or a message, and sets no status. Clients, load balancers and retry logic
    read 200 as success, so the failure is invisible to all of them."""
    # an HTML app answers a form error with a page that says so: only its data (JSON) answers count there
    pages = re.search(r"render_template|TemplateResponse|HTMLResponse", ast.unparse(tree)) is not None
    out = []
    for func in (n for n in ast.walk(tree) if route_handler(n)):
        params = {a.arg for a in func.args.args}
        failing = []
        for node in ast.walk(func):
            if isinstance(node, ast.ExceptHandler):
                failing += _answers(node.body)
            elif isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id in params:
                failing += _answers(node.orelse)  # `if message: ... else: return "No message"`
            elif (isinstance(node, ast.If) and isinstance(node.test, ast.UnaryOp) and isinstance(node.test.op, ast.Not)
                  and isinstance(node.test.operand, ast.Name) and node.test.operand.id in params):
                failing += _answers(node.body)
        if pages:
            failing = [r for r in failing if not isinstance(r.value, (ast.Constant, ast.JoinedStr))]
        out += [_finding(r, "ml:failure-as-200", "correctness", f"`{func.name}` answers a failure with "
                         f"`{ast.unparse(r.value)[:40]}` and no status code: the client gets 200 OK, so callers, "
                         "load balancers and retries take the failure for success") for r in failing]
    return out
