"""Checks for web services and apps: what reaches the client, what comes in from it, and how a server runs them."""

from __future__ import annotations

import ast
import re

from .access_checks import route_methods, serves_requests
from .findings import FUNCTIONS, Finding, call_nodes, decorator_names, dotted, main_guard, own_nodes
from .ml_rules import _finding, _kw, _names
from .review_triage import route_handler

JSON_BODY = re.compile(r"^(await )?(flask\.)?request\.(json|get_json\(.*\)|json\(\))$")
# calls that only reshape the body (it stays the body), calls that only show or log it, and evidence of a check
RESHAPES = {"np.array", "numpy.array", "np.asarray", "pd.DataFrame", "pandas.DataFrame", "list", "dict", "json.loads",
            "json.dumps"}
PASSIVE = {"jsonify", "print", "len", "debug", "info", "warning", "dumps"}
VALIDATES = re.compile(r"isinstance\(|\.validate\(|Schema\b|\.load\(|\.model_validate|\.parse_obj|abort\(400|, 400\b|"
                       r"status=400|status_code=4\d\d|HTTPException\(4")
# a size bound on uploads (a bare `limit` is not one: `limit: int = 10` in a search route bounds results)
SIZE_CHECK = re.compile(r"MAX_CONTENT_LENGTH|content[-_]length|max_size|max_bytes|\.size\b|file_size|MAX_UPLOAD|"
                        r"SpooledTemporaryFile|size_limit|limit_bytes|upload_limit|max_file|max_length", re.I)
ERROR_RESPONSE = re.compile(r"(^|\.)(jsonify|JSONResponse|HTTPException|Response|make_response|abort|JsonResponse|"
                            r"HttpResponse|PlainTextResponse)$")
GENERIC_HTTP_ERRORS = {"InternalServerError", "HTTPException"}  # werkzeug errors with fixed texts
# LangChain's ways to build a prompt template from text
TEMPLATE_CALL = re.compile(r"(^|\.)(PromptTemplate|from_template)$")


# calls whose result cannot carry markup: escaping (html, markupsafe, bleach/nh3 `clean`, URL quoting) and base64
MARKUP_FREE = re.compile(r"(^|\.)(escape|clean|quote|quote_plus|b64encode|urlsafe_b64encode|standard_b64encode)$")
# where the operator's own settings come from: the command line and the environment (not model or user text)
OPERATOR_SOURCES = re.compile(r"(^|\.)(parse_args|getenv)$|^os\.environ\.get$")
SAME_TEXT = {"decode", "strip", "capitalize", "upper", "lower", "title"}  # methods that keep a text's origin


def _markup_free(expr: ast.expr, names: set[str]) -> bool:
    """Whether an expression's text is neither model nor user text: a constant (or a table of them), an escaped or
    base64-encoded value, the operator's own setting (a command-line argument, an environment variable), an item or
    field of one of these, or a name or module function that only ever holds or returns one."""
    if isinstance(expr, ast.Constant) or (isinstance(expr, ast.Name) and expr.id in names):
        return True
    if isinstance(expr, ast.JoinedStr):
        return all(_markup_free(v.value, names) for v in expr.values if isinstance(v, ast.FormattedValue))
    if isinstance(expr, ast.IfExp):
        return _markup_free(expr.body, names) and _markup_free(expr.orelse, names)
    if isinstance(expr, (ast.List, ast.Tuple, ast.Set, ast.Dict)):
        return all(_markup_free(v, names) for v in (expr.values if isinstance(expr, ast.Dict) else expr.elts))
    if isinstance(expr, ast.Subscript):  # `sys.argv[1]`, `os.environ["X"]`, `PROVIDERS[name]`
        return dotted(expr.value) in ("sys.argv", "os.environ") or _markup_free(expr.value, names)
    if isinstance(expr, ast.Attribute):  # `args.provider`
        return _markup_free(expr.value, names)
    if not isinstance(expr, ast.Call):
        return False
    func = dotted(expr.func)
    if MARKUP_FREE.search(func) or OPERATOR_SOURCES.search(func) or (
            isinstance(expr.func, ast.Name) and expr.func.id in names):
        return True
    return isinstance(expr.func, ast.Attribute) and expr.func.attr in SAME_TEXT and _markup_free(
        expr.func.value, names)


def markup_free_names(tree: ast.Module) -> set[str]:
    """Variables every assignment of which is markup-free (`img = base64.b64encode(data).decode()`, `provider =
    sys.argv[1]`), and module functions every `return` of which is (`def image_base64(path): ... return
    base64.b64encode(...).decode()`)."""
    # a name also bound some other way (a parameter, a loop or `with` target, `+=`) may hold anything
    assigned_at = {id(t) for n in ast.walk(tree) if isinstance(n, ast.Assign) for target in n.targets
                   for t in ast.walk(target)}
    other = {a.arg for a in ast.walk(tree) if isinstance(a, ast.arg)} | {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
        and id(n) not in assigned_at}
    names: set[str] = set()
    for _ in range(3):  # a function's result assigned to a variable, then that variable formatted: a few hops
        assigned: dict[str, bool] = {}
        for n in ast.walk(tree):
            if isinstance(n, ast.Assign):
                for t in (t for t in n.targets if isinstance(t, ast.Name)):
                    assigned[t.id] = assigned.get(t.id, True) and _markup_free(n.value, names)
            elif isinstance(n, FUNCTIONS):
                returns = [r.value for r in ast.walk(n) if isinstance(r, ast.Return) and r.value is not None]
                if returns and all(_markup_free(r, names) for r in returns):
                    names.add(n.name)
        names |= {name for name, free in assigned.items() if free and name not in other}
    return names


def unsafe_html(nodes, markup_free: set[str] = frozenset()) -> list[Finding]:
    """Text rendered as raw HTML (`unsafe_allow_html=True`, `components.html`) that is not a constant and not
    escaped or base64-encoded (`markup_free`: the module's names that only hold such text)."""
    out = []
    for call in call_nodes(nodes):
        flag = _kw(call, "unsafe_allow_html")
        name = dotted(call.func)
        is_html = name.endswith("components.html") or name.endswith("components.v1.html")
        if not ((isinstance(flag, ast.Constant) and flag.value is True) or is_html):
            continue
        if call.args and not all(_markup_free(a, markup_free) for a in call.args):  # constants included
            shown = ast.unparse(call.args[0])[:40]
            out.append(_finding(call, "ml:unsafe-html", "security", f"`{name}` renders `{shown}` as raw HTML: model "
                                "or user text here can inject scripts and links (stored XSS)", severity="error"))
    return out


def error_handler(func) -> bool:
    """A function the framework calls with the exception to build the error response (`@app.errorhandler(500)`,
    FastAPI's `@app.exception_handler(Exception)`)."""
    return isinstance(func, FUNCTIONS) and any(
        re.search(r"(^|\.)(errorhandler|exception_handler)$", name) for name in decorator_names(func))


def generic_error_handler(func) -> bool:
    """A Flask handler registered for 500, `InternalServerError` or `HTTPException`: since Flask 1.1 an unhandled
    error reaches it as werkzeug's `InternalServerError`, whose text is a fixed sentence that names no internals
    (the original is only in `e.original_exception`)."""
    return any(isinstance(d, ast.Call) and dotted(d.func).endswith("errorhandler") and d.args
               and (ast.unparse(d.args[0]) == "500" or dotted(d.args[0]).split(".")[-1] in GENERIC_HTTP_ERRORS)
               for d in func.decorator_list)


def _formats(value: ast.expr, name: str) -> bool:
    """Whether an expression puts the text of the variable `name` into a string."""
    return any((isinstance(n, ast.Call) and dotted(n.func) in ("str", "repr") and n.args
                and _names(n.args[0]) == {name})
               or (isinstance(n, ast.FormattedValue) and _names(n.value) == {name})
               or (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "format"
                   and any(_names(a) == {name} for a in n.args))
               or (isinstance(n, ast.BinOp) and isinstance(n.op, ast.Mod) and name in _names(n.right))
               for n in ast.walk(value))


def exception_to_client(scope, nodes) -> list[Finding]:
    """Exception text in an HTTP response: a response object built from it, a route handler returning it (a
    plain function returning it hands it to its caller, not to a client), or an error handler formatting the
    exception it is given into its response."""
    handler = route_handler(scope)
    out = []
    if error_handler(scope):
        generic = generic_error_handler(scope)  # then only the wrapped original carries the real text
        for arg in (a.arg for a in scope.args.args if a.arg not in ("request", "self")):
            leak = next((n for n in nodes if isinstance(n, ast.Return) and n.value is not None
                         and _formats(n.value, arg) and (not generic or any(
                             isinstance(x, ast.Attribute) and x.attr == "original_exception"
                             for x in ast.walk(n.value)))), None)
            if leak is not None:
                return [_finding(leak, "ml:exception-to-client", "security", "the error handler puts the exception's "
                                 "text into the response: every unhandled error shows the client paths, queries, "
                                 "model names and keys, and as HTML unescaped it can carry script")]
    for h in (n for n in nodes if isinstance(n, ast.ExceptHandler)):
        for node in (n for s in h.body for n in ast.walk(s)):
            value = node.value if isinstance(node, ast.Return) and handler else node if isinstance(node, ast.Call) \
                and ERROR_RESPONSE.search(dotted(node.func)) else None
            if value is None:
                continue
            leaks = bool(h.name and _formats(value, h.name)) or any(
                isinstance(n, ast.Call) and dotted(n.func).startswith("traceback.format") for n in ast.walk(value))
            if leaks:
                out.append(_finding(node, "ml:exception-to-client", "security", "the exception text is sent back to "
                                    "the client: it can reveal paths, queries, model names and keys"))
                break
    return out


def unvalidated_input(nodes) -> list[Finding]:
    """JSON request bodies indexed directly (or through the variable they were read into): a missing field is a
    KeyError and a 500, nothing bounds its size. Flask's form and query MultiDicts answer a missing key with a 400
    themselves, so those are only noted."""
    bodies = {t.id for n in nodes if isinstance(n, ast.Assign) and JSON_BODY.match(ast.unparse(n.value))
              for t in n.targets if isinstance(t, ast.Name)}
    handled = _missing_key_handled(nodes)
    out, seen = [], set()
    for n in sorted((n for n in nodes if isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Load)
                     and id(n) not in handled), key=lambda n: n.lineno):
        source = ast.unparse(n.value)
        m = re.match(r"^(flask\.)?request\.(json|form|args|get_json\(\)|values)$", source)
        body = bool(m and m.group(2) in ("json", "get_json()")) or (
            source in bodies and isinstance(n.slice, ast.Constant) and isinstance(n.slice.value, str))
        if (m or body) and n.lineno not in seen and (not body or "body" not in seen):
            seen |= {n.lineno, "body"} if body else {n.lineno}
            out.append(_finding(n, "ml:unvalidated-input", "reliability", f"`{ast.unparse(n)[:50]}` reads the "
                                "request without validation: " + ("a missing field is a 500, and nothing bounds its "
                                                                  "type or size" if body else
                                                                  "nothing checks its type, length or content"),
                                severity="warning" if body else "info"))
    return out


KEY_ERRORS = {"KeyError", "LookupError", "Exception", "BaseException"}


def _missing_key_handled(nodes) -> set[int]:
    """The nodes inside a `try` whose handler catches a missing key (KeyError or a base of it, or everything) and
    answers instead of raising again: there a missing field is the handler's response, not a 500."""
    inside = set()
    for t in (n for n in nodes if isinstance(n, ast.Try)):
        for h in t.handlers:
            types = h.type.elts if isinstance(h.type, ast.Tuple) else [h.type]
            catches = h.type is None or any(dotted(x).split(".")[-1] in KEY_ERRORS for x in types)
            if catches and not any(isinstance(n, ast.Raise) for s in h.body for n in ast.walk(s)):
                inside |= {id(n) for s in t.body for n in ast.walk(s)}
    return inside



def unvalidated_body(scope, nodes) -> list[Finding]:
    """A route handler that hands the whole JSON body (or what it is turned into) to a model, a query or a store
    and never looks at it first: no schema, no type or field check, no `if` on it. Subscripted bodies are
    `unvalidated_input`'s; this is the `model.predict(request.get_json())` shape of the same problem."""
    if not route_handler(scope):
        return []
    def is_body(node, body: set[str]) -> bool:  # the body, reshaped (`np.array(data)`) or a field (`data.get("x")`)
        return JSON_BODY.match(ast.unparse(node)) is not None or (isinstance(node, ast.Name) and node.id in body) or (
            isinstance(node, ast.Call) and dotted(node.func) in RESHAPES and any(is_body(a, body) for a in node.args)
        ) or (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
              and is_body(node.func.value, body))

    body: set[str] = set()
    for n in sorted((n for n in nodes if isinstance(n, ast.Assign)), key=lambda n: n.lineno):
        if is_body(n.value, body):
            body |= {t.id for t in n.targets if isinstance(t, ast.Name)}
    direct = any(JSON_BODY.match(ast.unparse(a)) for c in call_nodes(nodes) for a in c.args)
    if not (body or direct) or any(isinstance(n, (ast.If, ast.Assert, ast.Subscript)) and _names(
            getattr(n, "test", None) or getattr(n, "value", n)) & body for n in nodes) or VALIDATES.search(
            ast.unparse(scope)):
        return []
    for call in sorted(call_nodes(nodes), key=lambda c: c.lineno):
        name = dotted(call.func) or ast.unparse(call.func)
        if name in RESHAPES or name.split(".")[-1] in PASSIVE:
            continue
        if any(is_body(a, body) and not (isinstance(a, ast.Call) and dotted(a.func) in RESHAPES)  # the innermost
               for a in [*call.args, *(k.value for k in call.keywords)]):                  # consumer is the one
            return [_finding(call, "ml:unvalidated-input", "reliability", f"the request body goes into `{name}` "
                             "with no validation: a missing or malformed field is a 500 with a traceback, and "
                             "nothing bounds its type or size")]
    return []



def _list_fields(cls: ast.ClassDef) -> list[ast.AnnAssign]:
    return [s for s in cls.body if isinstance(s, ast.AnnAssign) and re.match(
        r"^(typing\.)?(List|list|Sequence|Set|set|Dict|dict)\[", ast.unparse(s.annotation))
        and not (s.value is not None and re.search(r"max_length|max_items", ast.unparse(s.value)))
        and "conlist" not in ast.unparse(s.annotation) and "max_length" not in ast.unparse(s.annotation)]


def unbounded_payload(tree: ast.Module, service: bool) -> list[Finding]:
    """Request bodies with no size bound: a pydantic request model's list field with no max length, and uploads
    read whole into memory with no size check anywhere in the service."""
    if not service:
        return []
    bodies = {ast.unparse(a.annotation) for f in ast.walk(tree) if isinstance(f, FUNCTIONS) and route_methods(f)
              for a in f.args.args if a.annotation is not None}
    out = []
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name in bodies):
        for field in _list_fields(cls):
            out.append(_finding(field, "ml:unbounded-payload", "security", f"`{cls.name}.{ast.unparse(field.target)}` "
                                "accepts a list of any length: one request can carry millions of items and exhaust "
                                "the worker's memory and CPU"))
    if SIZE_CHECK.search(ast.unparse(tree)):
        return out
    for func in (n for n in ast.walk(tree) if isinstance(n, FUNCTIONS) and route_methods(n)):
        uploads = {a.arg for a in func.args.args if a.annotation is not None and "UploadFile" in ast.unparse(
            a.annotation)}
        # `shutil.copyfileobj(upload.file, out)` streams the upload in chunks: it never holds the whole file
        streamed = {id(a) for c in call_nodes(ast.walk(func)) if dotted(c.func).endswith("copyfileobj")
                    for a in c.args}
        # and so does `upload.read(1024 * 1024)` in a loop: a read given a size takes one chunk
        streamed |= {id(c.func) for c in call_nodes(ast.walk(func)) if isinstance(c.func, ast.Attribute)
                     and c.func.attr == "read" and (c.args or c.keywords)}
        reads = [n for n in ast.walk(func) if isinstance(n, ast.Attribute) and id(n) not in streamed and (
            (isinstance(n.value, ast.Name) and n.value.id in uploads and n.attr in ("file", "read"))
            or re.match(r"^request\.files\b", ast.unparse(n)) and n.attr in ("read", "save"))]
        if reads:
            first = min(reads, key=lambda n: n.lineno)
            out.append(_finding(first, "ml:unbounded-payload", "security", f"`{func.name}` reads an upload whole with "
                                "no size limit: one large file exhausts the worker's memory"))
    return out


def waits_without_timeout(scope, nodes) -> list[Finding]:
    """A route handler that waits on a future (`publisher.publish(...).result()`, `executor.submit(...).result()`)
    with no timeout: when the backend stalls, the request, and the worker serving it, wait forever."""
    if not serves_requests(scope):
        return []
    futures = {t.id for n in nodes if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call)
               and re.search(r"(^|\.)(publish|submit|run_in_executor|apply_async|send)$", dotted(n.value.func))
               for t in n.targets if isinstance(t, ast.Name)}
    waits = [c for c in call_nodes(nodes) if isinstance(c.func, ast.Attribute) and c.func.attr == "result"
             and not c.args and _kw(c, "timeout") is None and (
                 (isinstance(c.func.value, ast.Name) and c.func.value.id in futures)
                 or (isinstance(c.func.value, ast.Call) and re.search(r"(^|\.)(publish|submit)$",
                                                                      dotted(c.func.value.func))))]
    return [_finding(waits[0], "ml:wait-no-timeout", "reliability", f"`{ast.unparse(waits[0])[:50]}` waits with no "
                     "timeout inside a request: when the backend stalls, the request and the worker serving it "
                     "wait forever")] if waits else []



def main_only_globals(tree: ast.Module, service: bool) -> list[Finding]:
    """A name a route handler uses that the module binds only under `if __name__ == "__main__":` (the model, the
    client): the dev server runs that block, but gunicorn, uvicorn and hosting platforms import the module, so
    there every request fails with a NameError."""
    guards = [s for s in tree.body if main_guard(s)]
    if not service or not guards:
        return []
    in_main = {}
    for n in (n for g in guards for s in g.body for n in ast.walk(s)):
        if isinstance(n, ast.Assign):
            in_main.update({t.id: n for t in n.targets if isinstance(t, ast.Name) and t.id not in in_main})
    outside = [s for s in tree.body if s not in guards]
    bound = {t.id for s in outside for n in ast.walk(s) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
             for t in [n]} | {a.asname or a.name.split(".")[0] for s in outside for n in ast.walk(s)
                              if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names} | {
        s.name for s in outside if isinstance(s, (*FUNCTIONS, ast.ClassDef))} | {  # `global x` then `x = ...`
        name for f in ast.walk(tree) if isinstance(f, FUNCTIONS) for g in own_nodes(f) if isinstance(g, ast.Global)
        for name in g.names if any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
                                   for n in own_nodes(f))}
    missing = {}  # name -> (its assignment, the first handler that uses it)
    for name, stmt in in_main.items():
        users = [f.name for f in ast.walk(tree) if serves_requests(f)
                 and any(isinstance(n, ast.Name) and n.id == name for n in own_nodes(f))]
        if name not in bound and users:
            missing[name] = (stmt, users[0])
    if not missing:
        return []
    stmts = [stmt for stmt, _ in missing.values()]
    names = " and ".join(f"`{n}`" for n in missing)
    return [_finding(min(stmts, key=lambda s: s.lineno), "ml:main-only-global", "reliability", f"{names} "
                     f"{'is' if len(missing) == 1 else 'are'} set only under `if __name__ == \"__main__\"`, but "
                     f"`{next(iter(missing.values()))[1]}` uses {'it' if len(missing) == 1 else 'them'}: a WSGI/ASGI "
                     "server or hosting platform imports the module without running that block, so every request "
                     "fails with a NameError", end=max(s.end_lineno or s.lineno for s in stmts))]


def _formatted(value: ast.expr | None, fstrings: dict[str, ast.JoinedStr]) -> ast.JoinedStr | None:
    if isinstance(value, ast.Name):
        value = fstrings.get(value.id)
    if isinstance(value, ast.JoinedStr) and any(isinstance(v, ast.FormattedValue) for v in value.values):
        return value
    return None


def templates_from_fstrings(tree: ast.Module) -> list[Finding]:
    """A LangChain prompt template whose template text is an f-string with values put in: the values become template
    text, so a `{` or `}` in them breaks formatting (a missing-variable error) and the text can add variables of its
    own. Values belong in `input_variables` / `partial_variables`."""
    fstrings = {t.id: n.value for n in ast.walk(tree) if isinstance(n, ast.Assign) for t in n.targets
                if isinstance(t, ast.Name) and isinstance(n.value, ast.JoinedStr)}
    out = []
    for call in (c for c in call_nodes(ast.walk(tree)) if TEMPLATE_CALL.search(dotted(c.func))):
        found = _formatted(_kw(call, "template"), fstrings) or (_formatted(call.args[0], fstrings) if call.args
                                                               else None)
        if found is None:
            continue
        values = [ast.unparse(v.value) for v in found.values if isinstance(v, ast.FormattedValue)]
        out.append(_finding(call, "ml:template-from-fstring", "correctness",
                            f"the prompt template's text is an f-string that puts `{values[0][:30]}` into it: any `{{` "
                            "or `}` in that text breaks the template (a missing-variable error), and the text can add "
                            "template variables of its own"))
    return out
