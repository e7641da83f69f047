"""Names that may not exist when they are read: assigned on only one branch of an `if` (and not before it), then read
after it on every path. The other path raises NameError or UnboundLocalError, usually the path no one tried (no GPU,
an empty chat, a flag left off)."""

from __future__ import annotations

import ast

from .findings import EXITS, FUNCTIONS, Finding, dotted, main_guard, parameters
from .ml_rules import _finding

LEAVING = (ast.Return, ast.Raise, ast.Continue, ast.Break)


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
    return isinstance(stmt, LEAVING) or (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)
                                         and dotted(stmt.value.func) in EXITS)


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


def _guard(stmt: ast.If) -> bool:
    """`if __name__ == "__main__":` or `if TYPE_CHECKING:`: blocks whose names are not the program's other path."""
    return main_guard(stmt) or "TYPE_CHECKING" in ast.unparse(stmt.test)


# the parts of a node that may not run when the node runs: a branch, a loop's body, a handler, a short-circuited operand
CONDITIONAL = {ast.If: ("body", "orelse"), ast.While: ("body", "orelse"), ast.For: ("body", "orelse"),
               ast.AsyncFor: ("body", "orelse"), ast.Try: ("handlers", "orelse"), ast.Match: ("cases",),
               ast.IfExp: ("body", "orelse"), ast.Assert: ("msg",)}


def _reads(node: ast.AST, name: str, module: bool) -> ast.Name | None:
    """The first read of `name` that runs whenever `node` runs, in the order the code runs and before anything binds
    it on every path: not inside a branch, a loop's body, an `except` handler, the right side of `and`/`or`, a lambda
    or a comprehension, nor in a nested function (except, for the module's own names, a function's own body, which
    reads them whenever it is called)."""
    if isinstance(node, ast.Lambda | ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
        return None
    if isinstance(node, FUNCTIONS):
        if not module or name in {p.arg for p in parameters(node)} | _stored(node.body):
            return None
        return _first(node.body, name) or None
    if isinstance(node, ast.With | ast.AsyncWith) and name in _stored([i.optional_vars for i in node.items
                                                                        if i.optional_vars is not None]):
        return _first([i.context_expr for i in node.items], name, module) or None  # `as` binds it for the body
    if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load):
        return node
    if isinstance(node, ast.BoolOp):
        return _reads(node.values[0], name, module)
    skipped = CONDITIONAL.get(type(node), ())
    for field, value in ast.iter_fields(node):
        if field in skipped:
            continue
        found = _first(value if isinstance(value, list) else [value], name, module)
        if found is not False:
            return found
    return None


def _first(children: list, name: str, module: bool = False):
    """The first unconditional read among `children` in order; False when none reads it and none binds it on every
    path (keep looking), None when one binds it first (stop)."""
    for child in (c for c in children if isinstance(c, ast.AST)):
        found = _reads(child, name, module)
        if found is not None:
            return found
        if isinstance(child, ast.stmt) and name in (_definite([child]) or set()):
            return None
    return False


def _body_checks(body: list[ast.stmt], module: bool, params: set[str]) -> list[Finding]:
    seen: set[str] = set(params)  # bound somewhere before (maybe only in a loop): not judged
    pending: dict[str, tuple[ast.If, str]] = {}  # name -> (the `if` that binds it on one path only, how)
    out = []
    for stmt in body:
        reads: dict[int, list[tuple[str, ast.Name, ast.If, str]]] = {}
        for name, (where, how) in list(pending.items()):
            read = _reads(stmt, name, module)
            if read is not None and (module or not isinstance(stmt, FUNCTIONS)):
                reads.setdefault(id(where), []).append((name, read, where, how))
                del pending[name]  # said once
        for found in reads.values():
            names = ", ".join(f"`{n}`" for n, *_ in found)
            first = min(r.lineno for _, r, *_ in found)
            where, how = found[0][2], found[0][3]
            out.append(_finding(where.lineno, "ml:possibly-unbound", "correctness",  # where the fix goes
                                f"{names} {'is' if len(found) == 1 else 'are'} {how}, but line {first} reads "
                                f"{'it' if len(found) == 1 else 'them'} on every path: on the other one "
                                f"{'it does' if len(found) == 1 else 'they do'} not exist and this raises "
                                f"{'NameError' if module else 'UnboundLocalError'}"))
        sure = _definite([stmt])
        sure = _stored([stmt]) if sure is None else sure
        for name in _stored([stmt]) if isinstance(stmt, ast.If) else ():  # bound under a second condition too:
            pending.pop(name, None)                                       # which cases the two cover is not known
        if isinstance(stmt, ast.If) and not _guard(stmt):
            sure |= _stored([stmt.test])  # `if (prompt := st.chat_input()):` binds on every path
            then = _stored(stmt.body)
            for name in sorted(_stored([stmt]) - sure - seen):
                pending.setdefault(name, (stmt, f"set only when `{ast.unparse(stmt.test)[:60]}` "
                                                f"{'holds' if name in then else 'does not hold'}"))
        seen |= _stored([stmt]) | sure
        for name in sure:
            pending.pop(name, None)
    return out


def possibly_unbound(tree: ast.Module) -> list[Finding]:
    """In every function and in the module's own code (whose names functions read later): a name that nothing bound
    before, set on one branch of an `if` only, then read where it is read whatever happened (not in a branch, a
    loop's body, a handler, or after `and`/`or`). Not judged: a name a later `if` binds under another condition too,
    `__main__` and `TYPE_CHECKING` guards, branches that leave (return, raise, exit), parameters and `global` names.
    An `if`/`elif` chain with no `else` is judged: nothing here shows that its tests cover every value."""
    out = _body_checks(tree.body, True, set())
    for func in (f for f in ast.walk(tree) if isinstance(f, FUNCTIONS)):
        params = {p.arg for p in parameters(func, star=True)}
        params |= {n for g in ast.walk(func) if isinstance(g, ast.Global | ast.Nonlocal) for n in g.names}
        out += _body_checks(func.body, False, params)
    return out
