"""Checks on how code handles its data: an iterator read twice, JSON Lines written or read as one JSON document, and a
Streamlit session key tested under one name and set under another."""

from __future__ import annotations

import ast

from .findings import Finding, call_nodes, dotted
from .ml_rules import _finding, _kw

# calls that return a one-pass iterator: builtins, and torch modules' parameter and module walks
ITERATOR_BUILTINS = {"map", "filter", "zip", "reversed", "iter", "enumerate"}
ITERATOR_METHODS = {"parameters", "named_parameters", "buffers", "named_buffers", "modules", "named_modules",
                    "children", "named_children"}
# what reads an iterable to the end
CONSUMERS = {"list", "tuple", "set", "frozenset", "sorted", "sum", "min", "max", "any", "all", "dict", "enumerate",
             "zip"}
SESSION = ("st.session_state", "streamlit.session_state")


def iterators_read_twice(nodes: list) -> list[Finding]:
    """A generator (a generator expression, `map`/`filter`/`zip`, `model.named_parameters()`) bound to a name and read
    by two loops or comprehensions in one scope (`nodes`): the first pass uses it up, so the second sees nothing."""
    out = []
    bound: dict[str, ast.AST] = {}
    assigned: dict[str, int] = {}
    for n in nodes:
        if isinstance(n, ast.Assign | ast.AugAssign | ast.AnnAssign):
            for t in n.targets if isinstance(n, ast.Assign) else [n.target]:
                if isinstance(t, ast.Name):
                    assigned[t.id] = assigned.get(t.id, 0) + 1
                    if isinstance(n, ast.Assign) and _iterator(n.value):
                        bound[t.id] = n.value
    reads: dict[str, list[ast.Name]] = {}
    for n in nodes:
        targets = [n.iter] if isinstance(n, ast.For | ast.comprehension) else n.args if isinstance(
            n, ast.Call) and dotted(n.func) in CONSUMERS else []
        for t in targets:
            if isinstance(t, ast.Name) and t.id in bound and assigned.get(t.id) == 1:
                reads.setdefault(t.id, []).append(t)
    for name, uses in reads.items():
        if len(uses) >= 2:
            first, second = sorted(uses, key=lambda u: (u.lineno, u.col_offset))[:2]
            out.append(_finding(second, "ml:iterator-read-twice", "correctness", f"`{name}` is a one-pass "
                                f"iterator (`{ast.unparse(bound[name])[:40]}`): the read at line {first.lineno} "
                                "uses it up, so this one sees nothing"))
    return out


def _iterator(value) -> bool:
    if isinstance(value, ast.GeneratorExp):
        return True
    if not isinstance(value, ast.Call):
        return False
    name = dotted(value.func)
    return name in ITERATOR_BUILTINS or (isinstance(value.func, ast.Attribute) and value.func.attr in ITERATOR_METHODS
                                         and not value.args)


def json_lines_as_one_document(tree: ast.Module) -> list[Finding]:
    """`df.to_json("x.jsonl")` without `lines=True` writes one JSON array, and `pd.read_json("x.jsonl")` without it
    fails on the second line: the file's name promises JSON Lines, which every reader of it will expect."""
    out = []
    for call in call_nodes(ast.walk(tree)):
        if not (isinstance(call.func, ast.Attribute) and call.func.attr in ("to_json", "read_json")):
            continue
        path = call.args[0] if call.args else _kw(call, "path_or_buf")
        lines = _kw(call, "lines")
        if _jsonl(path) and not (isinstance(lines, ast.Constant) and lines.value is True):
            what = ("writes one JSON array into a file named .jsonl: readers of JSON Lines fail on it"
                    if call.func.attr == "to_json" else "reads a .jsonl file as one JSON document: it fails at the "
                    "second line")
            out.append(_finding(call, "ml:jsonl-without-lines", "correctness", f"`{call.func.attr}` without "
                                f"`lines=True` {what}"))
    return out


def _jsonl(path) -> bool:
    """A literal path, or an f-string whose literal end, names a .jsonl file."""
    if isinstance(path, ast.JoinedStr) and path.values:
        path = path.values[-1]
    return isinstance(path, ast.Constant) and isinstance(path.value, str) and path.value.endswith(".jsonl")


def session_keys_mismatched(tree: ast.Module) -> list[Finding]:
    """`if "message" not in st.session_state: st.session_state["messages"] = [...]`: the key tested is never set, so
    the branch runs on every rerun and resets the key it does set (the chat history, a counter)."""
    set_keys = _session_keys_set(tree)
    out = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.If) and isinstance(node.test, ast.Compare) and len(node.test.ops) == 1
                and isinstance(node.test.ops[0], ast.NotIn) and _session(node.test.comparators[0])
                and isinstance(node.test.left, ast.Constant)):
            continue
        tested = node.test.left.value
        body_keys = _session_keys_set(ast.Module(body=node.body, type_ignores=[]))
        if tested not in set_keys and body_keys:
            out.append(_finding(node, "ml:session-key-mismatch", "correctness", f"the branch for a missing "
                                f"`{tested}` sets `{sorted(body_keys)[0]}` instead: `{tested}` is never set, so "
                                "this runs on every rerun and resets what it sets", end=node.lineno))
    return out


def _session(node) -> bool:
    """`st.session_state`, or its `.keys()`."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "keys":
        node = node.func.value
    return dotted(node) in SESSION


def _session_keys_set(tree: ast.AST) -> set[str]:
    """Keys the code stores in `st.session_state`: `[k] =`, `.k =`, `setdefault(k)`, and widgets' `key=k`."""
    keys = set()
    for n in ast.walk(tree):
        targets = n.targets if isinstance(n, ast.Assign) else [n.target] if isinstance(
            n, ast.AugAssign | ast.AnnAssign) else []
        for t in targets:
            if isinstance(t, ast.Subscript) and dotted(t.value) in SESSION and isinstance(t.slice, ast.Constant):
                keys.add(t.slice.value)
            elif isinstance(t, ast.Attribute) and dotted(t.value) in SESSION:
                keys.add(t.attr)
        if isinstance(n, ast.Call):
            if (isinstance(n.func, ast.Attribute) and n.func.attr == "setdefault" and dotted(n.func.value) in SESSION
                    and n.args and isinstance(n.args[0], ast.Constant)):
                keys.add(n.args[0].value)
            key = _kw(n, "key")
            if isinstance(key, ast.Constant):
                keys.add(key.value)
    return keys
