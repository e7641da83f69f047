"""A review finding, the rules' standard suggestions, and the AST helpers every Python check shares."""

from __future__ import annotations

import ast
from dataclasses import asdict, dataclass, field

SEVERITIES = ("error", "warning", "info")
PRINCIPLES = ("SRP", "OCP", "LSP", "ISP", "DIP", "security", "reliability", "complexity", "testability",
              "performance", "observability", "style")
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
EXITS = {"exit", "quit", "sys.exit", "os._exit"}  # calls that end the process
STATEMENT_LISTS = ("body", "orelse", "finalbody", "handlers", "cases")  # where a def can hide: not in expressions
BLOCKS = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try, ast.Match)

FIX = {  # the concrete change each rule suggests
    "syntax": "Fix the syntax error first; if this is a fragment, paste the whole function or class so the design "
              "checks can run.",
    "smell:srp": "Split it: one small class per kind of work (e.g. an HTTP client, a repository for the database, a "
                 "trainer), each injected into a thin coordinator that holds only the workflow.",
    "smell:type-switch": "Replace the switch with polymorphism: give each type the method this code needs behind a "
                         "common Protocol or ABC (or register handlers in a dict keyed by type), so a new type is a "
                         "new class, not an edit here.",
    "smell:dip": "Inject it: take it as a constructor or function parameter typed as a small Protocol, and build the "
                 "real one once in your composition root (e.g. `main()` or `build_app()`).",
    "smell:dip-file": "Split reading from computing: let the caller open the file and pass the text, rows or a file "
                      "object (or a small repository) in, so the logic is testable without a disk.",
    "smell:bare-except": "Catch the specific exceptions you expect (e.g. `except (TimeoutError, ValueError) as exc:`), "
                         "log them with `logger.exception(...)`, and let the rest propagate.",
    "smell:swallowed-exception": "Catch only the exceptions you can handle, and log (`logger.exception`) or re-raise "
                                 "the rest; if ignoring is intended, use `contextlib.suppress(SpecificError)` and say "
                                 "why in a comment.",
    "smell:mutable-global": "Keep this state in an object that callers create and pass in (or return new values "
                            "instead of mutating), so tests and threads stop sharing it.",
    "smell:hardcoded-config": "Read it from configuration (environment or a settings object) once and pass it in, "
                              "e.g. `def __init__(self, base_url: str)` or `settings.model`, so each environment "
                              "(and each model experiment) needs no code change.",
    "smell:print": "Use a module logger: `logger = logging.getLogger(__name__)` and `logger.info(...)` with structured "
                   "fields, so levels, handlers and tracing are configured in one place.",
    "smell:size": "Split it: extract each step (and each family of branches) into a named function, flatten "
                  "nesting with guard clauses, and group related parameters into a dataclass; the original becomes a "
                  "short sequence of calls.",
    "generic:todo": "Fix it now, or turn it into a tracked issue and link it here.",
    "generic:hardcoded-url": "Read it from configuration (an environment variable or a settings file) and pass it "
                             "in, so each environment can point elsewhere.",
    "generic:long-function": "Extract its steps into small named functions that each do one thing.",
}


@dataclass
class Finding:
    line: int
    end_line: int
    severity: str  # error | warning | info
    rule: str  # e.g. ruff:F401, radon:complexity, secret:aws-key, smell:srp, model
    principle: str  # one of PRINCIPLES
    message: str
    suggestion: str
    references: list[dict] = field(default_factory=list)
    section: str = ""  # design reviews: the document section the finding is about
    question: str = ""  # design reviews: a question about the trade-off, for the author to think through
    also: list[int] = field(default_factory=list)  # the other lines where the same rule found the same problem
    confidence: int | None = None  # a model finding: its estimate (0-100) that a senior reviewer would raise it here

    def as_dict(self) -> dict:
        return asdict(self)


def smell(at, rule: str, principle: str, message: str, severity: str = "warning", end: int | None = None) -> Finding:
    """A finding at a node (its line span) or at a line number, with the rule's standard suggestion."""
    line = at if isinstance(at, int) else at.lineno
    end = end or (at if isinstance(at, int) else at.end_lineno or at.lineno)
    return Finding(line=line, end_line=end, severity=severity, rule=rule, principle=principle, message=message,
                   suggestion=FIX[rule])


def dotted(node: ast.AST) -> str:
    """`requests.Session` for the call target `requests.Session`; '' for anything not a plain name chain."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    return ".".join([node.id, *reversed(parts)]) if isinstance(node, ast.Name) else ""


def main_guard(stmt: ast.AST) -> bool:
    """`if __name__ == "__main__":`, the block that runs only when the file is run as a program."""
    return isinstance(stmt, ast.If) and "__main__" in ast.unparse(stmt.test)


def decorator_names(node: ast.AST) -> list[str]:
    """The dotted name of each decorator of a function or class, a call (`@app.get("/")`) read as what it calls
    (`app.get`)."""
    return [dotted(d.func if isinstance(d, ast.Call) else d) for d in getattr(node, "decorator_list", [])]


def parameters(func: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, star: bool = False) -> list[ast.arg]:
    """A function's named parameters in signature order (positional-only, ordinary, keyword-only); with `star`, its
    `*args` and `**kwargs` too."""
    a = func.args
    varargs, kwargs = [a.vararg] if star and a.vararg else [], [a.kwarg] if star and a.kwarg else []
    return [*a.posonlyargs, *a.args, *varargs, *a.kwonlyargs, *kwargs]


def parameter_defaults(func: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> list[tuple[ast.arg, ast.expr]]:
    """(parameter, default) for each parameter given a default: the positional ones, then the keyword-only ones."""
    a = func.args
    positional = [*a.posonlyargs, *a.args]  # defaults belong to the last positional parameters
    return [*zip(positional[len(positional) - len(a.defaults):], a.defaults, strict=True),
            *((p, d) for p, d in zip(a.kwonlyargs, a.kw_defaults, strict=True) if d is not None)]


def own_nodes(func: ast.AST):
    """Every node in a function's body, without descending into nested functions or classes."""
    stack = list(getattr(func, "body", []))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (*FUNCTIONS, ast.ClassDef)):  # a def in the body: its own scope, not this one's
            continue
        stack.extend(c for c in ast.iter_child_nodes(node) if not isinstance(c, (*FUNCTIONS, ast.ClassDef, ast.Lambda)))


def functions(tree: ast.AST, cls: ast.ClassDef | None = None):
    """(function, enclosing class or None) for every function and method in the module."""
    for child in (c for name in STATEMENT_LISTS for c in getattr(tree, name, None) or ()):
        if isinstance(child, FUNCTIONS):
            yield child, cls
        yield from functions(child, child if isinstance(child, ast.ClassDef) else cls)


def qualname(func: ast.AST, cls: ast.ClassDef | None) -> str:
    return f"{cls.name}.{func.name}" if cls else func.name


def call_nodes(nodes, name: str | None = None) -> list[ast.Call]:
    return [n for n in nodes if isinstance(n, ast.Call) and (name is None or dotted(n.func) == name)]
