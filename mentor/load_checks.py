"""Checks on where costly things are built: models, indexes and clients loaded on every request, every Streamlit
rerun or every call, and caching decorators that cache nothing."""

from __future__ import annotations

import ast
import re

from .access_checks import route_methods, serves_requests
from .findings import FUNCTIONS, Finding, call_nodes, decorator_names, dotted, own_nodes
from .frameworks import framework_of
from .ml_rules import _finding
from .smells import CLIENTS

# loading a model, tokenizer, index or database engine: seconds of work and memory that should happen once
EXPENSIVE = re.compile(r"(^|\.)(from_pretrained|SentenceTransformer|load_model|load_learner|read_index|from_documents|"
                       r"from_texts|load_local|create_engine|from_uri|pipeline)$|^(joblib|pickle|torch|dill)\.load$")
BUILDS = re.compile(r"(^|\.)(from_documents|from_texts)$")
CACHED = re.compile(r"cache_resource|cache_data|experimental_singleton|lru_cache|(^|\.)cache$")
PER_ITEM = re.compile(r"^(batch|batches|item|items|example|examples|record|records|row|rows|text|texts|query|"
                      r"question|prompt|sample|samples|inputs?|features|sentence|sentences|document|doc|image)$")


def load_per_request(tree: ast.Module, kind: str) -> list[Finding]:
    """Models, indexes and engines loaded inside a route handler (every request) or, in a Streamlit app, in the
    script body or an uncached function (every rerun, that is every widget interaction). Only Streamlit reruns the
    script: Gradio, Dash, Panel and Chainlit run it once and call back."""
    if kind not in ("service", "app") or (kind == "app" and framework_of(tree) != "streamlit"):
        return []
    scopes = [f for f in ast.walk(tree) if serves_requests(f)] if kind == "service" else \
        [ast.Module(body=[s for s in tree.body if not isinstance(s, (*FUNCTIONS, ast.ClassDef))], type_ignores=[])] + [
            f for f in ast.walk(tree) if isinstance(f, FUNCTIONS) and not any(
                CACHED.search(name) for name in decorator_names(f))]
    when = "on every request" if kind == "service" else "on every rerun of the app (every widget interaction)"
    out = []
    for scope in scopes:
        # building an index (`FAISS.from_texts`) is the action asked for, not a reload: in an app's function (a button
        # ran it), or in a route that changes state (an upload or ingestion endpoint)
        built = isinstance(scope, FUNCTIONS) and (kind == "app" or route_methods(scope) is not None)
        guarded = _run_on_demand(scope) if kind == "app" else set()
        loads = sorted((c for c in call_nodes(own_nodes(scope)) if EXPENSIVE.search(dotted(c.func))
                        and not (built and BUILDS.search(dotted(c.func))) and id(c) not in guarded),
                       key=lambda c: c.lineno)
        if loads:
            out.append(_finding(loads[0], "ml:load-per-request", "performance", f"`{dotted(loads[0].func)}` runs "
                                f"{when}: the model or index is loaded again each time, adding seconds of latency and "
                                "memory"))
        if kind == "service":
            clients = sorted((c for c in call_nodes(own_nodes(scope)) if CLIENTS.match(dotted(c.func))),
                             key=lambda c: c.lineno)
            if clients:
                out.append(_finding(clients[0], "ml:client-per-request", "performance", f"`{dotted(clients[0].func)}` "
                                    "is built on every request: each one opens its own connections (a TLS handshake, "
                                    "a gRPC channel or a pool), adding latency and leaving sockets behind under "
                                    "load"))
    return out


def _run_on_demand(scope) -> set[int]:
    """Calls in a Streamlit script that do not run on every rerun: under an `if` on `st.session_state` (once per
    session, as a flag says) or on a button press (when the user asks)."""
    out = set()
    for node in own_nodes(scope):
        if isinstance(node, ast.If) and re.search(r"\bsession_state\b|\b(form_submit_)?button\(",
                                                  ast.unparse(node.test)):
            out |= {id(c) for stmt in node.body for c in ast.walk(stmt) if isinstance(c, ast.Call)}
    return out


def load_per_call(scope, nodes) -> list[Finding]:
    """A function that takes the data to process (a batch, a text, a query) and loads the model or tokenizer it
    applies, then drops it: every call, or every batch, pays the load again. A loader that returns what it
    loaded is a factory and is not flagged."""
    if not isinstance(scope, FUNCTIONS) or any(CACHED.search(name) for name in decorator_names(scope)):
        return []
    if not any(PER_ITEM.match(a.arg) for a in scope.args.args):
        return []
    values = [r.value for r in nodes if isinstance(r, (ast.Return, ast.Yield)) and r.value is not None]
    returned = {n.id for v in values for n in ([v] if isinstance(v, ast.Name) else getattr(v, "elts", []))
                if isinstance(n, ast.Name)}  # `return tokenizer` or `return model, tokenizer`: a factory
    for n in sorted((n for n in nodes if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call)
                     and EXPENSIVE.search(dotted(n.value.func))), key=lambda n: n.lineno):
        names = {t.id for t in n.targets if isinstance(t, ast.Name)}
        if names and not names & returned:
            return [_finding(n.value, "ml:load-per-request", "performance", f"`{scope.name}` loads "
                             f"`{dotted(n.value.func)}` on every call and drops it: each batch or request pays the "
                             "load again")]
    return []


def cache_decorators_called(tree: ast.Module) -> list[Finding]:
    """A caching decorator called as a statement (`st.cache_data()` on a line of its own, not `@st.cache_data` on
    the function): it builds a decorator and throws it away, so nothing is cached and the work runs on every call."""
    return [_finding(n, "ml:cache-not-applied", "performance", f"`{ast.unparse(n.value)[:40]}` is called on a line "
                     "of its own, not put on a function with `@`: it decorates nothing, so nothing is cached")
            for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Call)
            and CACHED.search(dotted(n.value.func)) and not n.value.args]
