"""Size and complexity of Python functions and of a module's own top-level code: radon's cyclomatic complexity
(with its real rank), lines of code without docstrings or comments, block nesting and parameter counts, one finding
per function."""

from __future__ import annotations

import ast

from .findings import BLOCKS, FUNCTIONS, Finding, functions, parameters, qualname, smell

COMPLEXITY_WARNING, COMPLEXITY_ERROR = 10, 20
MAX_FUNCTION_LINES, MAX_NESTING, MAX_PARAMS = 60, 4, 6
LONG_LINE, LONG_BLOCK = 120, 60


def _code_lines(stmts: list, code_lines: list[str]) -> int:
    """Lines of code in a statement list: docstrings, blank and comment-only lines are not counted."""
    if stmts and isinstance(stmts[0], ast.Expr) and isinstance(getattr(stmts[0], "value", None), ast.Constant) \
            and isinstance(stmts[0].value.value, str):
        stmts = stmts[1:]
    lines = {n for s in stmts for n in range(s.lineno, (s.end_lineno or s.lineno) + 1)}
    doc = {n for s in stmts for node in ast.walk(s) if isinstance(node, FUNCTIONS) and node.body
           and isinstance(node.body[0], ast.Expr) and isinstance(getattr(node.body[0], "value", None), ast.Constant)
           for n in range(node.body[0].lineno, (node.body[0].end_lineno or 0) + 1)}
    return sum(1 for n in lines - doc if 0 < n <= len(code_lines)
               and code_lines[n - 1].strip() and not code_lines[n - 1].lstrip().startswith("#"))


def _module_complexity(stmts: list) -> int:
    """radon's cyclomatic complexity of the module's own top-level code, analysed as one function."""
    from radon.visitors import ComplexityVisitor

    func = ast.FunctionDef(name="module", args=ast.arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[],
                                                             defaults=[]), body=stmts or [ast.Pass()],
                           decorator_list=[], returns=None, type_params=[], lineno=1, col_offset=0)
    blocks = ComplexityVisitor.from_ast(ast.Module(body=[func], type_ignores=[])).functions
    return blocks[0].complexity if blocks else 1


def _declaration(stmt: ast.stmt) -> bool:
    """A module-level constant or literal table: configuration, not code that runs."""
    value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.Expr)) else None
    return value is not None and not any(isinstance(n, (ast.Call, ast.Lambda, ast.Await)) for n in ast.walk(value))


def complexity(tree: ast.Module, code: str) -> list[Finding]:
    """One finding per function (and for the module's own code) that is too long, complex, nested or wide."""
    from radon.complexity import cc_rank, cc_visit

    lines = code.splitlines()
    scores = {}
    blocks = [b for b in cc_visit(code) if not hasattr(b, "methods")]  # methods are listed as functions too
    while blocks:
        b = blocks.pop()
        blocks.extend(b.closures)
        scores[b.lineno] = b.complexity
    scopes = [(f"`{qualname(f, c)}`", f, f.body, scores.get(f.lineno, 1), f) for f, c in functions(tree)]
    module = [s for s in tree.body if not isinstance(s, (*FUNCTIONS, ast.ClassDef, ast.Import, ast.ImportFrom))
              and not _declaration(s)]
    if module:
        scopes.append(("the module-level code", module[0].lineno, module, _module_complexity(module), None))
    out = []
    for name, at, body, score, func in scopes:
        size = _code_lines(body, lines)
        depth, deepest = _nesting(body, 0)
        params = [a for a in parameters(func) if a.arg not in ("self", "cls")] if func else []
        problems = []
        if score > COMPLEXITY_WARNING:
            problems.append(f"cyclomatic complexity {score} (radon rank {cc_rank(score)})")
        if size > MAX_FUNCTION_LINES:
            problems.append(f"{size} lines of code")
        if depth > MAX_NESTING:
            problems.append(f"blocks nested {depth} deep (line {deepest})")
        if len(params) > MAX_PARAMS:
            problems.append(f"{len(params)} parameters")
        if not problems:
            continue
        end = max((s.end_lineno or s.lineno) for s in body) if isinstance(at, int) else None
        f = smell(at, "smell:size", "complexity", f"{name[0].upper()}{name[1:]} has {', '.join(problems)}: "
                  "too much to read and test as one unit", end=end,
                  severity="error" if score > COMPLEXITY_ERROR else "warning")
        out.append(f)
    return out


def _nesting(body: list, depth: int) -> tuple[int, int]:
    """(deepest block depth, line of the deepest block) in a statement list; an elif does not nest deeper."""
    best = (depth, 0)
    for stmt in (s for s in body if isinstance(s, BLOCKS)):
        inner = depth + 1
        elif_ = isinstance(stmt, ast.If) and len(stmt.orelse) == 1 and isinstance(stmt.orelse[0], ast.If)
        nested = [(getattr(stmt, "body", []), inner), (getattr(stmt, "finalbody", []), inner),
                  (getattr(stmt, "orelse", []), depth if elif_ else inner)]
        nested += [(h.body, inner) for h in getattr(stmt, "handlers", [])]
        nested += [(c.body, inner) for c in getattr(stmt, "cases", [])]
        best = max([best, (inner, stmt.lineno), *(_nesting(b, d) for b, d in nested)], key=lambda x: x[0])
    return best
