"""Options that have no effect: a parameter with a default that the function never reads, a command-line option the
script never reads (an `argparse` option or a field of a script's arguments dataclass), a module-level setting
nothing reads. Each looks like a knob to its caller or its user (a `row_limit=10`, a `--trust_remote_code` flag, a
`MAX_REPO_SIZE`), and turning it changes nothing."""

from __future__ import annotations

import ast

from .findings import FUNCTIONS, Finding, call_nodes, decorator_names, dotted, main_guard, parameter_defaults
from .ml_rules import _finding
from .review_triage import CLI, imported_modules

STUB_DECORATORS = ("abstractmethod", "overload", "setter", "deleter")
DYNAMIC_READS = {"locals", "vars", "globals", "getattr", "eval", "exec"}
# what reads every field of a dataclass at once
WHOLE_READS = {"asdict", "astuple", "__dict__", "to_dict"}


def _loads(node: ast.AST) -> set[str]:
    """Every name the node reads, and every attribute it reads by name (`args.seed` reads `seed`)."""
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Store)}
    return names | {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}


def _stub(func) -> bool:
    """A body that only documents, passes, or raises NotImplementedError: an interface, not an implementation."""
    body = [s for s in func.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    return all(isinstance(s, ast.Pass) or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
               or (isinstance(s, ast.Raise) and "NotImplementedError" in ast.unparse(s)) for s in body)


def _overridable(tree: ast.Module) -> set[int]:
    """ids of methods of classes with a base class other than `object`: they may keep a signature they override."""
    return {id(f) for c in ast.walk(tree) if isinstance(c, ast.ClassDef)
            and any(dotted(b) not in ("object", "") for b in c.bases)
            for f in c.body if isinstance(f, FUNCTIONS) and f.name != "__init__"}


def unused_parameters(tree: ast.Module) -> list[Finding]:
    """A parameter given a default (an option a caller may set: `row_limit=10`, `temperature=0.6`) that the function's
    body never reads; a default built by a call (`Depends(get_api_key)`) is the framework's, not an option.
    Interfaces are left alone: stubs, abstract methods and overloads, methods that may override a base class's
    signature, `_`-prefixed names, `*args`/`**kwargs`, and bodies that read their names dynamically."""
    out, overridable = [], _overridable(tree)
    for func in (f for f in ast.walk(tree) if isinstance(f, FUNCTIONS)):
        if (_stub(func) or id(func) in overridable
                or any(name.rsplit(".", 1)[-1] in STUB_DECORATORS for name in decorator_names(func))):
            continue
        # a default built by a call is a marker a framework acts on (FastAPI's `Depends(...)` runs the dependency,
        # Gradio's `gr.Progress(...)` tracks progress), not a value the body has to read
        defaulted = [p for p, d in parameter_defaults(func) if not isinstance(d, ast.Call)]
        reads = set().union(*(_loads(s) for s in func.body))
        if reads & DYNAMIC_READS:
            continue
        unused = [p for p in defaulted if not p.arg.startswith("_") and p.arg not in reads]
        if unused:
            names = ", ".join(f"`{p.arg}`" for p in unused)
            out.append(_finding(unused[0], "ml:unused-option", "correctness",
                                f"{names} {'is an option' if len(unused) == 1 else 'are options'} of `{func.name}` "
                                f"that its body never reads: a caller who sets {'it' if len(unused) == 1 else 'them'} "
                                "gets no effect and no error"))
    return out


def unread_cli_options(tree: ast.Module) -> list[Finding]:
    """A command-line option (`parser.add_argument("--trust_remote_code", ...)`) that nothing in the file reads as
    `args.trust_remote_code`: the user sets the flag and nothing changes. Left alone when the parsed namespace is read
    dynamically (`vars(args)`, `getattr`) or handed whole to code in another module."""
    calls = call_nodes(ast.walk(tree))
    parsed = [c for c in calls if dotted(c.func).rsplit(".", 1)[-1] in (
        "parse_args", "parse_known_args")]
    options = [c for c in calls if dotted(c.func).endswith(".add_argument")]
    if not parsed or not options or _loads(tree) & DYNAMIC_READS:
        return []
    defined = {f.name for f in ast.walk(tree) if isinstance(f, FUNCTIONS)}
    namespaces = {t.id for a in ast.walk(tree) if isinstance(a, ast.Assign) and isinstance(a.value, ast.Call)
                  and a.value in parsed for t in a.targets if isinstance(t, ast.Name)}
    handed_out = any(isinstance(arg, ast.Name) and arg.id in namespaces and dotted(c.func) not in defined
                     for c in calls for arg in [*c.args, *(k.value for k in c.keywords)])
    if handed_out or not namespaces:
        return []
    read = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Load)}
    out = []
    for call in options:
        flags = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if not flags:
            continue
        dest = next((k.value.value for k in call.keywords if k.arg == "dest" and isinstance(k.value, ast.Constant)),
                    None) or next((f.lstrip("-") for f in flags if f.startswith("--")), flags[0])
        if not dest or dest in ("help", "version") or not isinstance(dest, str):
            continue
        dest = dest.replace("-", "_")
        if dest not in read:
            out.append(_finding(call, "ml:unused-option", "correctness",
                                f"the command-line option `{flags[0]}` is parsed but nothing reads `args.{dest}`: "
                                "whoever runs the script sets it and nothing changes"))
    return out


def entry_point(tree: ast.Module, kind: str) -> bool:
    """Code that is run rather than imported: an app, a service, or a script with a `__main__` guard or a CLI parser.
    A module that merely computes something at import time may still be a library others import names from."""
    if kind in ("app", "service"):
        return True
    return kind == "script" and (any(main_guard(s) for s in tree.body)
                                 or any(CLI.match(m) for m in imported_modules(tree)))


def unread_settings(tree: ast.Module, kind: str) -> list[Finding]:
    """A module-level UPPER_CASE setting (`MAX_REPO_SIZE = 10_000_000`) that nothing in the file reads, in code that
    is run (`entry_point`); a library's constants are read by whoever imports them, and an empty registry
    (`HANDLERS: dict = {}`) is filled by them."""
    if not entry_point(tree, kind):
        return []
    reads = _loads(tree)
    if reads & DYNAMIC_READS:
        return []
    out = []
    for stmt in tree.body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(
            stmt, ast.AnnAssign) and stmt.value is not None else []
        empty = isinstance(getattr(stmt, "value", None), ast.List | ast.Dict | ast.Set) and not (
            getattr(stmt.value, "elts", None) or getattr(stmt.value, "keys", None))  # a registry others fill
        for t in targets:
            if (isinstance(t, ast.Name) and t.id.isupper() and not t.id.startswith("_") and len(t.id) > 1
                    and t.id not in reads and not empty):
                out.append(_finding(stmt, "ml:unused-option", "correctness",
                                    f"`{t.id}` is set at module level but nothing in the file reads it: the setting "
                                    "it names is not applied"))
    return out


def _parsed_classes(tree: ast.Module) -> set[str]:
    """Names of classes the command line is parsed into: handed to a parser (`HfArgumentParser([ScriptArguments])`,
    `simple_parsing.parse(Config)`, `draccus.parse`) or to a CLI builder (`tyro.cli(Config)`, `jsonargparse.CLI`)."""
    return {n.id for c in call_nodes(ast.walk(tree))
            if "parse" in (callee := dotted(c.func).rsplit(".", 1)[-1].lower()) or callee == "cli"
            for a in [*c.args, *(k.value for k in c.keywords)] for n in ast.walk(a) if isinstance(n, ast.Name)}


def unread_fields(tree: ast.Module, kind: str) -> list[Finding]:
    """A field of the dataclass a script parses its command line into (`HfArgumentParser`, `simple_parsing`, `tyro`)
    that nothing in the file reads: the option is offered on the command line and changes nothing. Left alone when
    the file reads fields in bulk (`asdict`, `vars`, `getattr`) and for subclasses, whose base class
    (`transformers.TrainingArguments`) reads its own fields."""
    if not entry_point(tree, kind):
        return []
    reads = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Load)}
    parsed = _parsed_classes(tree)
    if (_loads(tree) & (DYNAMIC_READS | WHOLE_READS)) or not parsed:
        return []
    out = []
    for cls in (c for c in ast.walk(tree) if isinstance(c, ast.ClassDef) and c.name in parsed and not c.bases):
        unread = [s for s in cls.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
                  and not s.target.id.startswith("_") and s.target.id not in reads]
        if unread:
            names = ", ".join(f"`{s.target.id}`" for s in unread)
            out.append(_finding(unread[0], "ml:unused-option", "correctness",
                                f"{names} {'is a field' if len(unread) == 1 else 'are fields'} of `{cls.name}`, "
                                "which the command line is parsed into, and nothing in the file reads "
                                f"{'it' if len(unread) == 1 else 'them'}: whoever sets "
                                f"{'it' if len(unread) == 1 else 'them'} changes nothing"))
    return out
