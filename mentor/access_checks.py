"""Checks for who may call a web service: unauthenticated state changes, wide exposure, secrets compared with `==`."""

from __future__ import annotations

import ast
import itertools
import re

from .credential_checks import compares_credentials
from .findings import FUNCTIONS, Finding, call_nodes, dotted, own_nodes
from .ml_rules import _finding, _kw
from .review_triage import route_handler

# evidence that the service checks identity somewhere (decorators, dependencies, user objects, tokens, API keys)
AUTH = re.compile(r"login_required|permission_required|permission_classes|jwt_required|auth_required|requires_auth|"
                  r"token_required|current_user|request\.user|is_authenticated|HTTPBearer|HTTPBasic|OAuth2|APIKey|"
                  r"Security\(|verify_token|authenticate|[Aa]uthorization|x-api-key|check_auth|verify_key|"
                  r"session\[['\"]user", re.I)
# a POST whose name or path says it changes stored state (a POST that predicts, chats or searches does not)
MUTATING = re.compile(r"delete|remove|reset|clear|update|upload|create|add|edit|save|admin|register|import|write|"
                      r"destroy|drop|purge|set_|config|train|deploy", re.I)


def route_methods(func) -> tuple[str, str] | None:
    """(HTTP method, path) for a route handler that changes state (POST/PUT/PATCH/DELETE); None for other functions.
    Flask/FastAPI decorators, and Django views that read `request.POST` or test `request.method`."""
    for d in func.decorator_list:
        name = dotted(d.func if isinstance(d, ast.Call) else d)
        verb = name.rsplit(".", 1)[-1]
        path = d.args[0].value if isinstance(d, ast.Call) and d.args and isinstance(d.args[0], ast.Constant) else ""
        if verb in ("post", "put", "patch", "delete"):
            return verb.upper(), str(path)
        if verb in ("route", "api_route") and isinstance(d, ast.Call):
            methods = _kw(d, "methods")
            found = {e.value.upper() for e in getattr(methods, "elts", []) if isinstance(e, ast.Constant)}
            mutating = sorted(found & {"POST", "PUT", "PATCH", "DELETE"})
            if mutating:
                return mutating[0], str(path)
    args = [a.arg for a in func.args.args]
    if args[:1] == ["request"] and re.search(r"request\.(POST|method\s*==\s*['\"](POST|PUT|DELETE))",
                                             ast.unparse(func)):
        return "POST", ""
    return None


def serves_requests(func) -> bool:
    """A function a web framework calls for requests: a route decorator, or a view that reads a mutating method."""
    return isinstance(func, FUNCTIONS) and bool(route_handler(func) or route_methods(func))


# calls that store, change or delete something (a bare `create_item` name is not evidence: its body is)
WRITES = re.compile(r"^(create|delete|remove|update|insert|upsert|save|commit|write|upload|put|set|add|clear|reset|"
                    r"drop|purge|destroy|register|deploy|execute|executemany|bulk|store|persist|rename|unlink|"
                    r"rmtree|dump|pop|popitem|discard|append|extend)(_\w+|[A-Z]\w*)?$")


def _changes_state(func) -> bool:
    """Whether a handler's own code changes something: a call that writes, creates or deletes, a file opened for
    writing, a module-level name it declares `global` and assigns, or an item or attribute of something that is
    not its own local (`jobs[job_id] = "queued"`, `del DOCS[key]`)."""
    nodes = list(own_nodes(func))
    declared = {name for n in nodes if isinstance(n, ast.Global) for name in n.names}
    targets = [t for n in nodes if isinstance(n, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete))
               for t in (n.targets if isinstance(n, (ast.Assign, ast.Delete)) else [n.target])]
    assigned = {t.id for t in targets if isinstance(t, ast.Name)}
    local = (assigned - declared) | {a.arg for a in func.args.args + func.args.kwonlyargs}
    shared = any(isinstance(t, (ast.Subscript, ast.Attribute)) and isinstance(base := _base(t), ast.Name)
                 and base.id not in local for t in targets)
    calls = list(call_nodes(nodes))
    writes_file = any(dotted(c.func) == "open" and any(isinstance(a, ast.Constant) and isinstance(a.value, str)
                                                       and set(a.value) & set("wax+") for a in c.args[1:2])
                      for c in calls)
    return bool(declared & assigned) or shared or writes_file or any(
        WRITES.match(dotted(c.func).rsplit(".", 1)[-1] or "") for c in calls)


def _base(node: ast.expr) -> ast.expr:
    """The name an item or attribute chain starts from: `jobs` for `jobs[a].status`."""
    while isinstance(node, (ast.Subscript, ast.Attribute)):
        node = node.value
    return node


def checks_identity(tree: ast.Module) -> bool:
    """Whether the code checks who is calling anywhere: an auth decorator, dependency, user object or token check,
    or a credential it compares itself (`if request.headers["X-Key"] != API_KEY`)."""
    return bool(AUTH.search(ast.unparse(tree))) or compares_credentials(tree)


def missing_auth(tree: ast.Module, service: bool) -> list[Finding]:
    """State-changing routes (delete, reset, upload, create...) in a service whose code checks no identity anywhere:
    no auth decorator, dependency, user object or token check on the route or app-wide."""
    if not service or checks_identity(tree):
        return []  # an auth mechanism exists: whether each route uses it is a judgement for a person
    out = []
    for func in (n for n in ast.walk(tree) if isinstance(n, FUNCTIONS)):
        route = route_methods(func)
        if route is None:
            continue
        method, path = route
        if method == "POST" and not (MUTATING.search(f"{func.name} {path}") and _changes_state(func)):
            continue  # a POST that computes (predict, chat, search) rather than changes stored state
        start = min([d.lineno for d in func.decorator_list] + [func.lineno])
        out.append(_finding(start, "ml:missing-auth", "security", f"`{func.name}` ({method} {path or 'view'}) changes "
                            "state but nothing in this service checks who is calling: anyone who can reach it can "
                            "call it", end=func.lineno))
    return out


EVERY_INTERFACE = {"0.0.0.0", "::", "[::]"}


def exposed_without_auth(tree: ast.Module, kind: str) -> list[Finding]:
    """A service or app started on every network interface (`host="0.0.0.0"`, Gradio's `server_name`) when nothing
    in it checks who is calling: anyone who can reach the machine (a whole office network, or the internet on a cloud
    VM) uses the model and whatever key is behind it. A debug server and a public share link have findings of their
    own, and where state-changing routes are already reported for missing auth this adds nothing."""
    if kind not in ("app", "service") or checks_identity(tree):
        return []
    for call in call_nodes(ast.walk(tree)):
        host = _kw(call, "host") or _kw(call, "server_name")
        debug, share = _kw(call, "debug"), _kw(call, "share")
        if not (isinstance(host, ast.Constant) and host.value in EVERY_INTERFACE) or _kw(call, "auth") is not None:
            continue
        if any(isinstance(flag, ast.Constant) and flag.value is True for flag in (debug, share)):
            continue
        name = dotted(call.func) or ast.unparse(call.func).rsplit(".", 1)[-1]
        return [_finding(call, "ml:exposed-no-auth", "security", f"`{name}` serves on every network "
                         f"interface (`{host.value}`) and nothing here checks who is calling: anyone who can reach "
                         "the machine uses the model and the key behind it")]
    return []


def cors_any_origin(tree: ast.Module) -> list[Finding]:
    """CORS that lets any website call the API with the visitor's cookies: Starlette/FastAPI's `CORSMiddleware` with
    `allow_origins=["*"]` (or a catch-all regex) and `allow_credentials=True` (it then echoes each request's Origin),
    and flask-cors with `supports_credentials=True` and no origins (its default is every origin)."""
    out = []
    for call in call_nodes(ast.walk(tree)):
        credentials = _kw(call, "allow_credentials") or _kw(call, "supports_credentials")
        if not (isinstance(credentials, ast.Constant) and credentials.value is True):
            continue
        name = dotted(call.func).split(".")[-1]
        middleware = name == "add_middleware" and call.args and ast.unparse(call.args[0]).endswith("CORSMiddleware")
        if middleware or name == "CORSMiddleware":
            origins, regex = _kw(call, "allow_origins"), _kw(call, "allow_origin_regex")
            anyone = (origins is not None and "'*'" in ast.unparse(origins)) or (
                isinstance(regex, ast.Constant) and regex.value in (".*", "^.*$", ".+"))
        elif name == "CORS":
            origins = _kw(call, "origins") or _kw(call, "resources")
            anyone = origins is None or "'*'" in ast.unparse(origins)
        else:
            continue
        if anyone:
            out.append(_finding(call, "ml:cors-any-origin", "security", "CORS accepts every origin and allows "
                                "credentials: any website can call this API from a visitor's browser, with their "
                                "cookies"))
    return out


def csrf_exempt(tree: ast.Module) -> list[Finding]:
    """Django views decorated `@csrf_exempt`: CSRF protection turned off where data changes."""
    return [_finding(d, "ml:csrf-exempt", "security", f"`@csrf_exempt` on `{f.name}` turns off CSRF protection on "
                     "a view that changes data: another site can submit it with the user's cookies")
            for f in ast.walk(tree) if isinstance(f, FUNCTIONS) for d in f.decorator_list
            if dotted(d).split(".")[-1] == "csrf_exempt"]


# names that hold a credential a caller must prove it knows (not LLM token counts or a tokenizer): the words of an
# identifier that name a secret, and words that make it a property of one (its length, type, count)
SECRET_WORDS = {"token", "secret", "signature", "apikey", "password", "passwd", "digest", "hmac"}
ABOUT_WORDS = {"type", "kind", "len", "count", "id", "expire", "expires", "expiry", "usage"}


def _words(text: str) -> set[str]:
    """The lower-cased words of the identifiers in an expression (`apiKey`, `API_KEY` and `api_key` give "apikey")."""
    words = [w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", text)]
    return set(words) | {a + b for a, b in itertools.pairwise(words)}


def timing_unsafe_compare(tree: ast.Module, service: bool) -> list[Finding]:
    """A secret checked with `==`/`!=` in a service: the comparison stops at the first differing character, so
    response times leak how much of a guess was right. Only comparisons of two values (not of a literal such as
    "Bearer" or None) count, and the first one stands for the file: the fix is the same everywhere."""
    if not service:
        return []
    out = []
    for cmp in (n for n in ast.walk(tree) if isinstance(n, ast.Compare) and len(n.ops) == 1
                and isinstance(n.ops[0], (ast.Eq, ast.NotEq))):
        sides = [cmp.left, cmp.comparators[0]]
        if any(isinstance(x, ast.Constant) for x in sides):
            continue
        if any(_words(ast.unparse(x)) & SECRET_WORDS for x in sides) and not any(
                _words(ast.unparse(x)) & ABOUT_WORDS for x in sides):
            out.append(_finding(cmp, "ml:timing-compare", "security", f"`{ast.unparse(cmp)[:60]}` checks a secret "
                                "with `==`/`!=`, which stops at the first wrong character: response times tell an "
                                "attacker how much of a guess was right"))
    return out[:1]
