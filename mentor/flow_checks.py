"""Names that may not exist when they are read: assigned on only one branch of an `if` (and not before it), then read
after it on every path. The other path raises NameError or UnboundLocalError, usually the path no one tried (no GPU,
an empty chat, a flag left off)."""

from __future__ import annotations

import ast

from .findings import FUNCTIONS, Finding
from .ml_rules import _finding

EXITS = (ast.Return, ast.Raise, ast.Continue, ast.Break)


def _stored(nodes: list[ast.stmt]) -> set[str]:
    """Names the statements bind (not inside nested functions or classes)."""
    out: set[str] = set()
    todo = list(nodes)
    while todo:
        n = todo.pop()
        if isinstance(n, (*FUNCTIONS, ast.ClassDef)):
            out.add(n.name)
            continue
        if isinstance(n, ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
            continue  # a comprehension's variables are its own (a walrus inside it is rare enough to ignore)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            out.add(n.id)
        elif isinstance(n, ast.Import | ast.ImportFrom):
            out |= {(a.asname or a.name).split(".")[0] for a in n.names}
        elif isinstance(n, ast.ExceptHandler) and n.name:
            out.add(n.name)
        todo.extend(ast.iter_child_nodes(n))
    return out


def _leaves(stmt: ast.stmt) -> bool:
    """return, raise, continue, break, or a call to exit: nothing after it runs."""
    return isinstance(stmt, EXITS) or (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)
                                       and ast.unparse(stmt.value.func) in ("exit", "sys.exit", "quit", "os._exit"))


def _definite(body: list[ast.stmt]) -> set[str] | None:
    """The names every path through the statements binds; None when every path leaves (and so binds anything)."""
    out: set[str] = set()
    for stmt in body:
        if _leaves(stmt):
            return None
        if isinstance(stmt, ast.If):
            then, other = _definite(stmt.body), _definite(stmt.orelse)
            if then is None and other is None:
                return None
            out |= other if then is None else then if other is None else then & other
        elif isinstance(stmt, ast.For | ast.AsyncFor | ast.While):
            continue  # the body may run zero times
        else:
            out |= _stored([stmt])
    return out


def _guard(test: ast.expr) -> bool:
    text = ast.unparse(test)
    return "__main__" in text or "TYPE_CHECKING" in text


def _binding_tests(chain: ast.If, name: str) -> set[str]:
    """The tests of the branches of an `if`/`elif` chain whose own body binds `name`."""
    out, node = set(), chain
    while isinstance(node, ast.If):
        if name in _stored(node.body):
            out.add(ast.unparse(node.test))
        node = node.orelse[0] if len(node.orelse) == 1 else None
    return out


def _reads(node: ast.AST, name: str, tests: set[str]) -> ast.Name | None:
    """The first read of `name` in `node`, in the order the code runs, before anything binds it on every path; not
    under an `if` testing what the binding branch tested, nor in a nested scope that has the name as its own."""
    if isinstance(node, ast.If) and ast.unparse(node.test) in tests:
        return None
    if isinstance(node, (*FUNCTIONS, ast.Lambda)) and name in {
            a.arg for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs} | (
            set() if isinstance(node, ast.Lambda) else _stored(node.body)):
        return None
    if isinstance(node, ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp) and any(
            isinstance(t, ast.Name) and t.id == name for g in node.generators for t in ast.walk(g.target)):
        return None  # the comprehension's own variable
    if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load):
        return node
    if isinstance(node, ast.ExceptHandler) and node.name == name:
        return None  # `except ... as e` binds it before the handler runs
    if isinstance(node, ast.With | ast.AsyncWith) and name in _stored([i.optional_vars for i in node.items
                                                                        if i.optional_vars is not None]):
        return next((r for i in node.items if (r := _reads(i.context_expr, name, tests))), None)
    for field, value in ast.iter_fields(node):
        if isinstance(node, ast.For | ast.AsyncFor) and field == "body" and name in _stored([node.target]):
            return None  # the loop binds it before its body runs
        children = value if isinstance(value, list) else [value]
        for child in (c for c in children if isinstance(c, ast.AST)):
            found = _reads(child, name, tests)
            if found:
                return found
            if isinstance(child, ast.stmt) and name in (_definite([child]) or set()):
                return None  # bound on every path from here on
    return None


def _body_checks(body: list[ast.stmt], module: bool, params: set[str]) -> list[Finding]:
    definite: set[str] = set(params)
    pending: dict[str, tuple[ast.If, str]] = {}  # name -> (the `if` that binds it on one path only, how)
    out = []
    for stmt in body:
        reads: dict[int, list[tuple[str, ast.Name, ast.If, str]]] = {}
        for name, (where, how) in list(pending.items()):
            read = _reads(stmt, name, _binding_tests(where, name))
            if read is not None and (module or not isinstance(stmt, FUNCTIONS)):
                reads.setdefault(id(where), []).append((name, read, where, how))
                del pending[name]
                definite.add(name)  # said once
            elif name in (_definite([stmt]) or set()):
                del pending[name]
                definite.add(name)
        for found in reads.values():
            names = ", ".join(f"`{n}`" for n, *_ in found)
            first = min(r.lineno for _, r, *_ in found)
            where, how = found[0][2], found[0][3]
            out.append(_finding(where.lineno, "ml:possibly-unbound", "correctness",  # where the fix goes
                                f"{names} {'is' if len(found) == 1 else 'are'} {how}, but line {first} reads "
                                f"{'it' if len(found) == 1 else 'them'} on every path: on the other one "
                                f"{'it does' if len(found) == 1 else 'they do'} not exist and this raises "
                                f"{'NameError' if module else 'UnboundLocalError'}"))
        if isinstance(stmt, ast.If) and not _guard(stmt.test):
            definite |= _stored([stmt.test])  # `if (prompt := st.chat_input()):` binds on every path
            sure = _definite([stmt])
            sure = _stored([stmt]) if sure is None else sure
            then = _stored(stmt.body)
            for name in sorted(_stored([stmt]) - sure - definite):
                pending.setdefault(name, (stmt, f"set only when `{ast.unparse(stmt.test)[:60]}` "
                                                f"{'holds' if name in then else 'does not hold'}"))
            definite |= sure
            for name in sure:
                pending.pop(name, None)
        else:
            bound = _stored([stmt])
            definite |= bound
            for name in bound:
                pending.pop(name, None)
    return out


def possibly_unbound(tree: ast.Module) -> list[Finding]:
    """In every function and in the module's own code (whose names functions read later): a name set on one branch
    of an `if` only, then read after it. Reads under the same `if` test, statements that bind the name again,
    `__main__` and `TYPE_CHECKING` guards, branches that leave (return, raise, exit), parameters and `global` names
    are not counted. (A loop's variable read after the loop is left alone: the idiom is common and the empty loop
    rarely matters.)"""
    out = _body_checks(tree.body, True, set())
    for func in (f for f in ast.walk(tree) if isinstance(f, FUNCTIONS)):
        a = func.args
        params = {p.arg for p in a.posonlyargs + a.args + a.kwonlyargs + [a.vararg, a.kwarg] if p is not None}
        params |= {n for g in ast.walk(func) if isinstance(g, ast.Global | ast.Nonlocal) for n in g.names}
        out += _body_checks(func.body, False, params)
    return out
