"""Checks on credentials in a web app or service: a visitor's key kept where the whole process reads it, a signing
key written in the code, a credential written to the logs, and whether the code checks one at all."""

from __future__ import annotations

import ast
import re

from .findings import FUNCTIONS, Finding, call_nodes, dotted, own_nodes
from .ml_rules import _finding, _kw, _names, scopes
from .review_triage import route_handler

# a credential's name: `api_key`, `OPENAI_API_KEY`, `admin_pass`, `auth_token` (not a bare `token`, which in model
# code is usually a piece of text: `for token in stream: print(token)`, `eos_token`, `total_tokens`)
CREDENTIAL = re.compile(r"pass(word|wd)?\b|_pass\b|api_?key|secret|credential|"
                        r"(access|auth|bearer|api|session|bot|hf|github|slack)_?token", re.I)


def compares_credentials(tree: ast.Module) -> bool:
    """Whether the code compares a credential (`req.admin_pass != conf.admin_pass`, `token == API_TOKEN`): a
    hand-written identity check."""
    return any(isinstance(n, ast.Compare) and any(isinstance(op, (ast.Eq, ast.NotEq)) for op in n.ops)
               and CREDENTIAL.search(ast.unparse(n)) for n in ast.walk(tree))


# where a visitor's own text comes from in an app: Streamlit inputs, and a UI callback's or route's parameters
USER_INPUT = re.compile(r"(^|\.)(text_input|chat_input|text_area)$")
UI_EVENTS = {"click", "change", "submit", "input", "upload", "select", "blur", "then", "Interface", "ChatInterface"}
PROCESS_KEYS = re.compile(r"^(os\.environ\[.*\]|openai\.api_key|openai\.organization|anthropic\.api_key|"
                          r"\w+\.api_key)$")


def _callbacks(tree: ast.Module) -> set[str]:
    """Functions a UI runs for a visitor (`btn.click(fn, ...)`, `gr.Interface(fn=...)`) or a route serves."""
    out = {n.name for n in ast.walk(tree) if route_handler(n)}
    for call in (c for c in call_nodes(ast.walk(tree)) if dotted(c.func).rsplit(".", 1)[-1] in UI_EVENTS):
        fn = _kw(call, "fn") or (call.args[0] if call.args else None)
        if isinstance(fn, ast.Name):
            out.add(fn.id)
    return out


def user_keys_in_process_state(tree: ast.Module, kind: str) -> list[Finding]:
    """A key or token a visitor typed, stored where the whole process reads it (`os.environ[...]`,
    `openai.api_key`): an app or service serves every visitor from one process, so the next session runs on this
    visitor's key, and two concurrent ones swap keys mid-request. Pass it to the client built for the session."""
    if kind not in ("app", "service"):
        return []
    callbacks = _callbacks(tree)
    out = []
    for _name, scope, _body in scopes(tree):
        typed = {t.id for n in own_nodes(scope) if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call)
                 and USER_INPUT.search(dotted(n.value.func)) for t in n.targets if isinstance(t, ast.Name)}
        if isinstance(scope, FUNCTIONS) and scope.name in callbacks:
            typed |= {a.arg for a in scope.args.args}
        out += [_finding(n, "ml:user-key-in-process", "security", f"`{ast.unparse(t)}` is set from "
                         f"`{ast.unparse(n.value)[:30]}`, which a visitor typed: the whole process reads it, so the "
                         "next session runs on this visitor's key and two at once swap keys mid-request")
                for n in own_nodes(scope) if isinstance(n, ast.Assign) and _names(n.value) & typed
                for t in n.targets if PROCESS_KEYS.match(ast.unparse(t))]
    return out


SIGNING_KEY = re.compile(r"^(app\.secret_key|app\.config\[['\"]SECRET_KEY['\"]\]|SECRET_KEY|JWT_SECRET(_KEY)?)$")


def signing_key_literals(tree: ast.Module, kind: str) -> list[Finding]:
    """The key a web framework signs sessions or tokens with, written in the code (`app.config["SECRET_KEY"] =
    "your_secret_key"`): anyone who reads the code can forge a session cookie or token and act as any user. A
    placeholder value is the same problem, since the app runs with it."""
    if kind != "service":
        return []
    for node in (n for n in ast.walk(tree) if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant)
                 and isinstance(n.value.value, str) and n.value.value):
        target = next((ast.unparse(t) for t in node.targets if SIGNING_KEY.match(ast.unparse(t))), None)
        if target:
            return [_finding(node, "ml:signing-key-literal", "security", f"`{target}` is a string written in the "
                             "code: sessions (or tokens) are signed with it, so anyone who reads the code can forge "
                             "one and act as any user")]
    return []


LOG_CALLS = re.compile(r"^(print|(\w+\.)?(debug|info|warning|warn|error|exception|critical|log))$")
# wrappers that show something about a credential without showing it
MASKED = {"len", "bool", "type", "hash", "mask", "redact"}


def credentials_logged(tree: ast.Module) -> list[Finding]:
    """A credential (a name or setting called `api_key`, `token`, `secret`, `password`) printed or logged whole: it
    ends up in the console, container logs and whatever collects them. Its length, a prefix (`key[:4]`) or whether it
    is set are fine. One finding per file, at the first."""
    for call in (c for c in call_nodes(ast.walk(tree)) if LOG_CALLS.match(dotted(c.func))):
        masked = {id(x) for a in call.args for n in ast.walk(a) if isinstance(n, ast.Call)
                  and dotted(n.func).split(".")[-1] in MASKED for x in ast.walk(n)}
        masked |= {id(x) for a in call.args for n in ast.walk(a) if isinstance(n, ast.Subscript)
                   and isinstance(n.slice, ast.Slice) for x in ast.walk(n)}
        shown = [n for a in call.args for n in ast.walk(a) if isinstance(n, (ast.Name, ast.Attribute, ast.Subscript))
                 and id(n) not in masked and CREDENTIAL.search(ast.unparse(n))]
        if shown:
            return [_finding(call, "ml:credential-logged", "security", f"`{dotted(call.func)}` writes "
                             f"`{ast.unparse(shown[0])[:40]}` whole: the credential ends up in the console and in "
                             "every log that collects it")]
    return []
