"""Calls that cannot work: a function defined in the same file called with arguments its signature does not accept
(too few, too many, or a keyword it does not have). Python raises TypeError the first time the call runs, so the
path is one no test or user has taken yet."""

from __future__ import annotations

import ast

from .findings import FUNCTIONS, Finding, decorator_names, dotted, parameter_defaults, parameters
from .ml_rules import _finding

# decorators that keep the function's own signature: memoisers and the method kinds
PRESERVING = {"cache", "lru_cache", "cache_data", "cache_resource", "staticmethod", "classmethod"}


def _signature_kept(func) -> bool:
    return all(name.rsplit(".", 1)[-1] in PRESERVING for name in decorator_names(func))


def _problem(func, call: ast.Call, bound: int) -> str:
    """What is wrong with `call` against `func`'s signature ('' when it fits); `bound` leading parameters are filled
    by Python itself (`self`)."""
    a = func.args
    positional = (a.posonlyargs + a.args)[bound:]
    given = len(call.args)
    names = {k.arg for k in call.keywords}
    if given > len(positional) and a.vararg is None:
        return f"passes {given} positional argument{'s' if given != 1 else ''} where it takes {len(positional)}"
    unfilled = [p.arg for p in positional[given:] + a.kwonlyargs]  # what a keyword may still fill, in order
    unknown = [n for n in names if n not in unfilled]
    if unknown and a.kwarg is None:
        return f"passes `{unknown[0]}=`, which it has no parameter for"
    optional = names | {p.arg for p, _ in parameter_defaults(func)}  # given by name, or with a default
    missing = [name for name in unfilled if name not in optional]
    if missing:
        shown = ", ".join(f"`{m}`" for m in missing[:4]) + (f" and {len(missing) - 4} more" if len(missing) > 4 else "")
        return f"leaves out {shown}"
    return ""


def _rebound(tree: ast.Module) -> set[str]:
    """Names bound other than by one `def` (assigned, imported, a parameter, defined twice): a call may reach
    something else."""
    defs: dict[str, int] = {}
    for n in ast.walk(tree):
        if isinstance(n, FUNCTIONS):
            defs[n.name] = defs.get(n.name, 0) + 1
    stored = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store | ast.Del)}
    params = {p.arg for f in ast.walk(tree) if isinstance(f, (*FUNCTIONS, ast.Lambda))
              for p in parameters(f)}
    imported = {(a.asname or a.name).split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)
                for a in n.names}
    return {name for name, n in defs.items() if n > 1} | stored | params | imported


def wrong_arity_calls(tree: ast.Module) -> list[Finding]:
    """A call to a module-level function, or to `self.method` from its own class, whose arguments the definition in
    this file cannot accept. Left alone: calls that spread arguments (`*args`, `**kwargs`), functions whose
    decorator may change the signature (`@task`, `@app.route`), and names bound more than once."""
    rebound = _rebound(tree)
    functions = {f.name: f for f in tree.body if isinstance(f, FUNCTIONS) and f.name not in rebound
                 and _signature_kept(f)}
    out = []
    targets: list[tuple[ast.Call, ast.AST, int]] = []
    for call in (c for c in ast.walk(tree) if isinstance(c, ast.Call)):
        if isinstance(call.func, ast.Name) and call.func.id in functions:
            targets.append((call, functions[call.func.id], 0))
    for cls in (c for c in ast.walk(tree) if isinstance(c, ast.ClassDef)):
        methods: dict[str, list] = {}
        for f in cls.body:
            if isinstance(f, FUNCTIONS):
                methods.setdefault(f.name, []).append(f)
        for call in (c for c in ast.walk(cls) if isinstance(c, ast.Call)):
            f = call.func
            if (isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "self"
                    and len(methods.get(f.attr, [])) == 1 and _signature_kept(methods[f.attr][0])):
                method = methods[f.attr][0]
                static = any(dotted(d) == "staticmethod" for d in method.decorator_list)
                targets.append((call, method, 0 if static else 1))
    for call, func, bound in targets:
        if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
            continue
        problem = _problem(func, call, bound)
        if problem:
            out.append(_finding(call, "ml:call-arity", "correctness",
                                f"this call to `{func.name}` (defined at line {func.lineno}) {problem}: it raises "
                                "TypeError the first time it runs"))
    return out
