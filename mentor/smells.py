"""Design smells found without a model in Python code, from the AST (size and complexity are in complexity.py)."""

from __future__ import annotations

import ast
import re
from collections import defaultdict

from .complexity import complexity
from .findings import (
    EXITS,
    FIX,
    FUNCTIONS,
    Finding,
    call_nodes,
    dotted,
    functions,
    main_guard,
    own_nodes,
    qualname,
    smell,
)

TYPE_SWITCH_BRANCHES = 3
SRP_IO_KINDS = 3  # kinds of I/O in one class
SRP_METHODS, SRP_GROUPS = 7, 3  # public methods, and groups of 2+ of them that share no attribute

IO_KINDS = {
    "HTTP": re.compile(r"^(requests|httpx|aiohttp|urllib\d?|http\.client)\.|"
                       r"(^|\.)(session|http|client)\.(get|post|put|patch|delete|request)$"),
    "database": re.compile(r"^(sqlite3|psycopg2?|pymysql|sqlalchemy|pymongo|redis)\.|"
                           r"(^|\.)(cursor|execute|executemany|commit|rollback|fetchall|fetchone|create_engine)$"),
    "file": re.compile(r"^(open|shutil\.\w+|os\.(remove|rename|makedirs)|(json|pickle|joblib)\.(load|dump))$|"
                       r"\.(read_text|write_text|read_bytes|write_bytes|read_csv|to_csv|read_parquet|to_parquet)$"),
    "model training": re.compile(r"(^|\.)(fit|partial_fit|backward|zero_grad|train_test_split)$|"
                                 r"^(torch|tensorflow|tf|keras|sklearn|xgboost|lightgbm)\."),
    "email": re.compile(r"^smtplib\.|(^|\.)(sendmail|send_message)$"),
    "LLM": re.compile(r"\.(chat\.completions|completions|messages|embeddings|responses)\.create$"),
}
CLIENTS = re.compile(
    r"^(requests\.Session|httpx\.(Async)?Client|aiohttp\.ClientSession|urllib3\.PoolManager|"
    r"boto3\.(client|resource|Session)|boto3\.session\.Session|psycopg2?\.connect|pymysql\.connect|"
    r"sqlite3\.connect|(pymongo\.)?MongoClient|redis\.(Strict)?Redis|(sqlalchemy\.)?create_engine|"
    r"smtplib\.SMTP(_SSL)?|(openai\.)?(Async)?OpenAI|(anthropic\.)?(Async)?Anthropic|"
    r"chromadb\.(Persistent|Http)?Client|(kafka\.)?Kafka(Producer|Consumer)|pika\.BlockingConnection|"
    r"(elasticsearch\.)?Elasticsearch|(storage|bigquery|pubsub_v1)\.\w*Client)$")
# classes and functions whose job is to build or wrap a client: constructing one there is the point
ADAPTER_CLASS = re.compile(r"(Client|Adapter|Gateway|Repository|Repo|Provider|Store|Storage|Connector|Connection|"
                           r"DAO|Dao|Driver|Backend|Transport|Factory|Container)$")
COMPOSITION_ROOT = re.compile(r"^(main|cli|create_app|setup|wire|compose)$|^_?(make|build|create|connect|new)_|"
                              r"^_?(get_)?\w*(client|session|engine|connection|conn|db)$")
MUTATORS = {"append", "extend", "insert", "remove", "pop", "popitem", "clear", "update", "setdefault", "add",
            "discard", "appendleft", "extendleft", "sort", "reverse"}
MUTABLE_FACTORIES = {"list", "dict", "set", "defaultdict", "deque", "Counter", "OrderedDict"}
BUILTIN_TYPES = {"str", "int", "float", "bool", "bytes", "list", "dict", "tuple", "set", "frozenset", "type",
                 "NoneType", "complex", "bytearray"}
LOG_CALLS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "log", "capture_exception"}
CLI_LIBRARIES = {"argparse", "click", "typer", "fire"}
ENV_LOOKUP = re.compile(r"(^|\.)getenv$|(environ|env|config|settings|cfg|conf)\.(get|setdefault|pop)$", re.I)

_URL = re.compile(r"^[a-z][a-z0-9+.\-]*://[^\s/{}]+", re.I)
_HOST = re.compile(r"^(\d{1,3}(\.\d{1,3}){3}|localhost|[\w\-]+(\.[\w\-]+)+):\d{2,5}$|^\d{1,3}(\.\d{1,3}){3}$")
_PATH = re.compile(r"^(~|/(tmp|var|etc|home|data|mnt|opt|usr|Users|srv|root|dbfs|workspace))/\S+$|"
                   r"^[A-Za-z]:\\\S+$|^/\S+\.(csv|json|jsonl|parquet|pkl|pickle|pt|bin|txt|yaml|yml|db|log)$")
_MODEL = re.compile(r"^(gpt-[\w.\-]+|o[134](-mini|-preview)?|claude-[\w.\-]+|text-embedding-[\w\-]+|"
                    r"(meta-llama/)?llama[\w.\-:]*|mistral[\w.\-:]*|mixtral[\w.\-:]*|gemini-[\w.\-]+|"
                    r"all-MiniLM-[\w\-]+|(sentence-transformers|BAAI|intfloat)/[\w.\-]+|(distil)?bert-base[\w\-]*)$",
                    re.I)
# SOLID --------------------------------------------------------------------------------------------------
def srp(tree: ast.AST) -> list[Finding]:
    out = []
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        methods = [n for n in cls.body if isinstance(n, FUNCTIONS)]
        kinds: dict[str, int] = {}
        for call in call_nodes(n for m in methods for n in own_nodes(m)):
            name = dotted(call.func) or ast.unparse(call.func)  # `OpenAI().chat.completions.create` too
            kinds.update({k: call.lineno for k, p in IO_KINDS.items() if name and p.search(name) and k not in kinds})
        groups = _method_groups(methods)
        public = [m for m in methods if not m.name.startswith("_")]
        if len(kinds) >= SRP_IO_KINDS:
            names = sorted(kinds, key=kinds.get)
            out.append(smell(cls, "smell:srp", "SRP", f"class `{cls.name}` mixes {', '.join(names[:-1])} and "
                                                      f"{names[-1]} work: {len(names)} reasons to change in one class"))
        elif len(public) >= SRP_METHODS and len(groups) >= SRP_GROUPS:
            shown = "; ".join(", ".join(sorted(g)) for g in groups[:3])
            out.append(smell(cls, "smell:srp", "SRP", f"class `{cls.name}` has {len(public)} public methods in "
                                                      f"{len(groups)} groups that share no state ({shown})"))
    return out


def _method_groups(methods: list) -> list[set[str]]:
    """Groups (of 2+) of public methods linked by shared `self.` attributes or by calls (LCOM4)."""
    uses = {m.name: {n.attr for n in own_nodes(m) if isinstance(n, ast.Attribute) and dotted(n.value) == "self"}
            for m in methods if not m.name.startswith("__") and not _is_property(m)}
    graph: dict[str, set[str]] = defaultdict(set)
    for name, attrs in uses.items():
        for attr in attrs:
            graph[name].add(attr)
            graph[attr].add(name)
    groups = [{n for n in group if n in uses and not n.startswith("_")} for group in _components(graph, list(uses))]
    return sorted((g for g in groups if len(g) >= 2), key=len, reverse=True)


def _is_property(method: ast.AST) -> bool:
    return any(dotted(d) in ("property", "staticmethod") for d in method.decorator_list)


def _components(graph: dict[str, set[str]], starts: list[str]) -> list[set[str]]:
    """The connected parts of an undirected graph that contain the start nodes."""
    groups, seen = [], set()
    for start in (s for s in starts if s not in seen):
        group, todo = set(), [start]
        while todo:
            node = todo.pop()
            group.add(node)
            todo.extend(graph[node] - group)
        seen |= group
        groups.append(group)
    return groups


def _type_test(test: ast.AST) -> tuple[str, str] | None:
    """(subject, type) for `isinstance(x, T)`, `type(x) is T` or `x.kind == "t"`; None otherwise."""
    if isinstance(test, ast.Call) and dotted(test.func) == "isinstance" and len(test.args) == 2:
        return ast.unparse(test.args[0]), ast.unparse(test.args[1])
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Is, ast.Eq))):
        return None
    left, right = test.left, test.comparators[0]
    if isinstance(left, ast.Call) and dotted(left.func) == "type" and len(left.args) == 1:
        return ast.unparse(left.args[0]), ast.unparse(right)
    kind_field = re.search(r"(^|[._\[\"'])(type|kind|__class__)[\"'\]]*$", ast.unparse(left))
    if kind_field and isinstance(right, ast.Constant) and isinstance(right.value, str):
        return ast.unparse(left), repr(right.value)
    return None


def _branches(stmt: ast.If) -> list[tuple[ast.If, tuple[str, str]]]:
    """The type tests of an if and its elif chain."""
    out = []
    while isinstance(stmt, ast.If):
        if (test := _type_test(stmt.test)) is not None:
            out.append((stmt, test))
        stmt = stmt.orelse[0] if len(stmt.orelse) == 1 else None
    return out


def ocp(tree: ast.AST) -> list[Finding]:
    out = []
    for body in (getattr(n, "body", None) for n in ast.walk(tree)):
        runs: list[list] = [[]]  # consecutive if/elif statements, split at anything else
        for stmt in body if isinstance(body, list) else []:
            if isinstance(stmt, ast.If):
                runs[-1].extend(_branches(stmt))
            else:
                runs.append([])
        for run in runs:
            by_subject: dict[str, list] = defaultdict(list)
            for node, (subject, kind) in run:
                by_subject[subject].append((node, kind))
            for subject, items in by_subject.items():
                types = [kind for _, kind in items]
                if len(items) < TYPE_SWITCH_BRANCHES or all(t.strip("()") in BUILTIN_TYPES for t in types):
                    continue  # dispatching on built-in types is often unavoidable (serialisers, parsers)
                out.append(smell(items[0][0], "smell:type-switch", "OCP",
                                 f"{len(items)} branches switch on the type of `{subject}` ({', '.join(types[:4])});"
                                 " every new type means editing this code", end=items[-1][0].end_lineno))
    return out


def _is_default(node: ast.AST, parents: dict) -> bool:
    """True for `x or Client()`, `Client() if x is None else x` and `if x is None: x = Client()`."""
    child, parent = node, parents.get(node)
    while parent is not None and not isinstance(parent, FUNCTIONS):
        if isinstance(parent, ast.BoolOp) and isinstance(parent.op, ast.Or) and parent.values[0] is not child:
            return True
        if isinstance(parent, ast.IfExp) or (isinstance(parent, ast.If) and "is None" in ast.unparse(parent.test)):
            return True
        child, parent = parent, parents.get(parent)
    return False


def _computes(func: ast.AST) -> bool:
    nodes = list(own_nodes(func))
    loops = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.AugAssign)
    arithmetic = sum(isinstance(n, ast.BinOp) and not isinstance(n.op, ast.Mod) for n in nodes)
    return any(isinstance(n, loops) for n in nodes) or arithmetic >= 2


def dip(tree: ast.AST, parents: dict) -> list[Finding]:
    out = []
    for func, cls in functions(tree):
        if (cls is not None and ADAPTER_CLASS.search(cls.name)) or COMPOSITION_ROOT.search(func.name):
            continue
        where, seen = qualname(func, cls), set()
        for call in call_nodes(own_nodes(func)):
            name = dotted(call.func)
            if name in seen:
                continue
            if CLIENTS.match(name) and not _is_default(call, parents):
                out.append(smell(call, "smell:dip", "DIP",
                                 f"`{where}` builds its own `{name}(...)`, so callers cannot swap or fake it"))
            elif name == "open" and _computes(func):
                out.append(smell(call, "smell:dip", "DIP", f"`{where}` opens a file and also computes on its content"))
                out[-1].suggestion = FIX["smell:dip-file"]
            seen.add(name)
    return out


# reliability, testability, observability ----------------------------------------------------------------
def _swallows(handler: ast.ExceptHandler) -> bool:
    """A broad handler with no re-raise, no logging call, that never looks at the exception."""
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    if handler.type is not None and not any(dotted(t) in ("Exception", "BaseException") for t in types):
        return False
    for node in (n for stmt in handler.body for n in ast.walk(stmt)):
        logs = isinstance(node, ast.Call) and dotted(node.func).split(".")[-1] in LOG_CALLS
        # ending the process is not swallowing (an exit with status 0 is reported as such elsewhere)
        exits = isinstance(node, ast.Call) and dotted(node.func) in EXITS
        if logs or exits or isinstance(node, ast.Raise) or (isinstance(node, ast.Name) and node.id == handler.name):
            return False
    return True


def excepts(tree: ast.AST) -> list[Finding]:
    out = []
    for h in (n for n in ast.walk(tree) if isinstance(n, ast.ExceptHandler)):
        swallows = _swallows(h)
        if h.type is None:
            out.append(smell(h, "smell:bare-except", "reliability", "bare `except:` catches everything, even "
                             "KeyboardInterrupt and SystemExit" + (", and silently ignores it" if swallows else ""),
                             severity="error" if swallows else "warning"))
        elif dotted(h.type) == "BaseException" and not any(isinstance(n, ast.Raise) for n in ast.walk(h)):
            out.append(smell(h, "smell:bare-except", "reliability", "`except BaseException` that does not re-raise "
                             "catches everything, even KeyboardInterrupt, SystemExit and task cancellation "
                             "(`asyncio.CancelledError`)" + (", and silently ignores it" if swallows else ""),
                             severity="error" if swallows else "warning"))
        elif swallows:
            # `except Exception: port = 80` falls back to a constant: a decision, noted rather than raised
            fallback = len(h.body) == 1 and isinstance(h.body[0], ast.Assign) and isinstance(h.body[0].value,
                                                                                             ast.Constant)
            out.append(smell(h, "smell:swallowed-exception", "reliability",
                             "broad `except` that swallows the error: failures vanish without a trace",
                             severity="info" if fallback else "warning"))
    return out


def _module_names(tree: ast.Module) -> dict[str, tuple[ast.stmt, ast.AST]]:
    """Names bound at module level, with their first assignment and value."""
    names: dict[str, tuple[ast.stmt, ast.AST]] = {}
    for stmt in tree.body:
        pairs = [(t, stmt.value) for t in stmt.targets] if isinstance(stmt, ast.Assign) else \
            [(stmt.target, stmt.value)] if isinstance(stmt, ast.AnnAssign) and stmt.value is not None else []
        for target, value in pairs:
            if isinstance(target, ast.Name) and target.id != "__all__":
                names.setdefault(target.id, (stmt, value))
    return names


def _mutable(value: ast.AST) -> bool:
    containers = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)
    return isinstance(value, containers) or (isinstance(value, ast.Call)
                                             and dotted(value.func).split(".")[-1] in MUTABLE_FACTORIES)


def _changed_names(func: ast.AST) -> tuple[set[str], set[str]]:
    """(names rebound through `global`, names mutated in place) by one function; local shadows left out."""
    nodes = list(own_nodes(func))
    declared = {name for n in nodes if isinstance(n, ast.Global) for name in n.names}
    local = {n.id for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)} - declared
    local |= {a.arg for a in ast.walk(func.args) if isinstance(a, ast.arg)}
    rebound = {n.id for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)} & declared
    mutated = {dotted(n.func.value) for n in call_nodes(nodes) if isinstance(n.func, ast.Attribute)
               and n.func.attr in MUTATORS}
    mutated |= {dotted(n.value) for n in nodes if isinstance(n, ast.Subscript) and isinstance(n.ctx, (ast.Store,
                                                                                                        ast.Del))}
    return rebound, mutated - local


def _startup_functions(tree: ast.Module) -> set[str]:
    """Functions a web framework runs once at start-up or shutdown, before or after any request: a `lifespan=`
    handler, `@app.on_event("startup")`. What they set is configuration, not state shared between requests."""
    names = {k.value.id for n in ast.walk(tree) if isinstance(n, ast.Call) for k in n.keywords
             if k.arg == "lifespan" and isinstance(k.value, ast.Name)}
    for func in (n for n in ast.walk(tree) if isinstance(n, FUNCTIONS)):
        for d in func.decorator_list:
            if isinstance(d, ast.Call) and dotted(d.func).endswith("on_event") and d.args and isinstance(
                    d.args[0], ast.Constant) and d.args[0].value in ("startup", "shutdown"):
                names.add(func.name)
    return names


def mutable_globals(tree: ast.Module) -> list[Finding]:
    names = _module_names(tree)
    startup = _startup_functions(tree)
    changed: dict[str, list[str]] = defaultdict(list)
    for func, cls in functions(tree):
        if cls is None and func.name in startup:
            continue
        rebound, mutated = _changed_names(func)
        touched = rebound | {n for n in mutated if n in names and _mutable(names[n][1])}
        for name in (n for n in names if n in touched):  # in the module's order, not the set's: the same every run
            changed[name].append(qualname(func, cls))
    out = []
    for name, funcs in changed.items():
        stmt, value = names[name]
        lazy = isinstance(value, ast.Constant) and value.value is None  # a lazily built singleton: a milder smell
        out.append(smell(stmt, "smell:mutable-global", "testability", f"module-level `{name}` is shared mutable "
                         f"state, changed by {', '.join(f'`{f}`' for f in funcs)}", severity="info" if lazy else
                         "warning"))
    return out


def _config_kind(value) -> tuple[str, str] | None:
    if not isinstance(value, str):
        return None
    kinds = ((_URL, "URL", "warning"), (_HOST, "host", "warning"), (_PATH, "file path", "info"),
             (_MODEL, "model name", "info"))
    return next(((kind, severity) for pattern, kind, severity in kinds if pattern.match(value)), None)


def hardcoded_config(tree: ast.AST, parents: dict) -> list[Finding]:
    out = []
    for func, cls in functions(tree):
        doc = func.body[0].value if func.body and isinstance(func.body[0], ast.Expr) else None
        seen = set()
        for node in own_nodes(func):
            if isinstance(node, ast.keyword) and node.arg in ("host", "port") and isinstance(node.value, ast.Constant):
                found, node = ((node.arg, "warning") if node.value.value else None), node.value
            else:
                found = _config_kind(node.value) if isinstance(node, ast.Constant) and node is not doc else None
            call = parents.get(node)
            if not found or node.value in seen or (isinstance(call, ast.Call) and ENV_LOOKUP.search(dotted(call.func))):
                continue  # an environment lookup's default is configuration done right
            seen.add(node.value)
            shown = re.sub(r"//[^/@\s]+@", "//***@", str(node.value))[:80]
            out.append(smell(node, "smell:hardcoded-config", "testability",
                             f"hard-coded {found[0]} `{shown}` in `{qualname(func, cls)}`", severity=found[1]))
    return out


def _is_cli(tree: ast.Module) -> bool:
    """A command-line program: printing is its output, not its diagnostics."""
    modules = {a.name for n in tree.body if isinstance(n, ast.Import) for a in n.names}
    modules |= {n.module or "" for n in tree.body if isinstance(n, ast.ImportFrom)}
    return any(m.split(".")[0] in CLI_LIBRARIES for m in modules)


def _is_service(tree: ast.Module) -> bool:
    return any(isinstance(n, (ast.Import, ast.ImportFrom)) and re.search(
        r"\b(flask|django|fastapi|starlette|aiohttp|tornado|sanic)\b", ast.unparse(n)) for n in tree.body)


def _uses_logging(tree: ast.Module) -> bool:
    return any(isinstance(n, (ast.Import, ast.ImportFrom)) and re.search(r"\b(logging|loguru|structlog)\b",
                                                                         ast.unparse(n)) for n in tree.body)


def prints(tree: ast.Module) -> list[Finding]:
    """`print` in a web service or beside a configured logger; scripts and CLIs print on purpose."""
    if _is_cli(tree) or not (_uses_logging(tree) or _is_service(tree)):
        return []
    scopes = {f"`{qualname(f, c)}`": call_nodes(own_nodes(f), "print") for f, c in functions(tree)
              if f.name not in ("main", "__repr__", "__str__")}
    module = [s for s in tree.body if not isinstance(s, (*FUNCTIONS, ast.ClassDef))
              and not main_guard(s)]
    scopes["module level"] = call_nodes((n for s in module for n in ast.walk(s)), "print")
    out = []
    for where, calls in ((w, sorted(c, key=lambda n: n.lineno)) for w, c in scopes.items() if c):
        out.append(smell(calls[0], "smell:print", "observability", f"`print` used for diagnostics in {where} "
                         f"({len(calls)} call{'s' if len(calls) > 1 else ''})", severity="info",
                         end=calls[-1].end_lineno))
    return out


def python_smells(tree: ast.Module, code: str) -> list[Finding]:
    """Every AST check on one parsed module."""
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    return [*srp(tree), *ocp(tree), *dip(tree, parents), *excepts(tree), *mutable_globals(tree),
            *hardcoded_config(tree, parents), *prints(tree), *complexity(tree, code)]
