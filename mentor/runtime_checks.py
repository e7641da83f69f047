"""Checks for long-running processes: state that only grows, waits with no end, unguarded model calls, retries."""

from __future__ import annotations

import ast
import re

from .findings import FUNCTIONS, Finding, call_nodes, dotted, own_nodes, parameter_defaults
from .ml_rules import _finding, _kw, imported_names, llm_calls, qualified, qualified_name, scopes
from .smells import MUTATORS

GROWING = re.compile(r"history|messages|cache|memory|conversation|turns|buffer|sessions|chats|seen", re.I)
# a call to a model or a model client: the SDKs' create/invoke, and `client.send(...)`-style wrappers
MODEL_CALL = re.compile(r"(^|\.)(\w*(client|llm|model|chain|agent|openai|anthropic|assistant|bot)\w*)\.|"
                        r"\.(create|invoke|ainvoke|run|arun|stream|send|complete|generate\w*|chat|predict)$", re.I)
BLOCKING = re.compile(r"^(time\.sleep|requests\.(get|post|put|patch|delete|head|request)|urllib\.request\.urlopen|"
                      r"urlopen|httpx\.(get|post|put|patch|delete|request)|subprocess\.(run|call|check_call|"
                      r"check_output)|os\.system)$")
SESSION = re.compile(r"^((aiohttp\.)?ClientSession|httpx\.(Async)?Client|requests\.Session|urllib3\.PoolManager|"
                     r"(snowflake\.connector|psycopg2?|pymysql|sqlite3|mysql\.connector|pyodbc|oracledb|duckdb)\.connect)$")
# a local model's forward pass: seconds of GPU or CPU work that blocks an event loop like any other blocking call
LOCAL_MODEL = re.compile(r"^\w*(model|pipe|pipeline|generator|classifier|llm)\w*\.(generate|chat|predict|predict_proba|"
                         r"encode|transcribe)$")
SPAWN = {"create_task", "ensure_future"}
# a model call's method names, whose `a`-prefixed twins (`acreate`, `ainvoke`) are the async versions
SYNC_MODEL_METHODS = {"create", "invoke", "run", "predict", "stream", "query", "chat", "generate", "batch", "call"}
STREAMING = re.compile(r"^(requests|httpx)\.(get|post|put|patch|request)$")
LIMITS = re.compile(r"Semaphore|TaskGroup|limit_per_host|TCPConnector\(\s*limit|max_workers|as_completed|"
                    r"asyncio\.Queue|aiolimiter|AsyncLimiter|batch_size|chunk")
TRIMS = {"pop", "popleft", "popitem", "clear", "remove"}
NEW_WORK = {"input", "readline", "recv", "receive", "get_message", "accept"}


def retries(nodes) -> list[Finding]:
    out = []
    for loop in (n for n in nodes if isinstance(n, (ast.For, ast.While))):
        inner = [n for s in loop.body for n in ast.walk(s)]
        tries = [n for n in inner if isinstance(n, ast.Try)]
        if not tries or not any(isinstance(n, (ast.Break, ast.Return)) for t in tries for s in t.body
                                for n in ast.walk(s)):
            continue  # a retry loop leaves on success
        head = ast.unparse(loop.target) + " " + ast.unparse(loop.iter) if isinstance(loop, ast.For) else "while"
        if isinstance(loop, ast.For) and not (re.search(r"retr|attempt|tries", head) or head.startswith("_ in range(")):
            continue
        if all(any(isinstance(s, ast.Raise) for s in h.body) for t in tries for h in t.handlers):
            continue  # every failure leaves the loop: not a retry
        if any(dotted(c.func).split(".")[-1] in NEW_WORK for c in call_nodes(inner)):
            continue  # each turn takes new work (a prompt, a message): a loop that serves, not one that retries
        sleeps = [c for c in call_nodes(inner) if dotted(c.func).split(".")[-1] == "sleep"]
        if any(c.args and not isinstance(c.args[0], ast.Constant) for c in sleeps):
            continue  # a computed delay: backoff
        what = f"a fixed {ast.unparse(sleeps[0].args[0])} s pause" if sleeps and sleeps[0].args else "no pause"
        out.append(_finding(loop, "ml:retry-no-backoff", "reliability", f"retry loop with {what} between attempts: "
                            "retries in lockstep make an overloaded service worse", end=loop.lineno))
    return out


def async_variant(call: ast.Call, clients: frozenset[str] | set[str] = frozenset()) -> bool:
    """`acreate`, `ainvoke`, `arun`..., or any call through an async client (`clients`, from `async_clients`): the
    SDKs' async model calls return a coroutine, which blocks nothing whether it is awaited here or gathered later."""
    name = call.func.attr if isinstance(call.func, ast.Attribute) else ""
    through = dotted(call.func)
    return (name.startswith("a") and name[1:] in SYNC_MODEL_METHODS) or any(
        through.startswith(c + ".") for c in clients)


def async_clients(tree: ast.Module) -> set[str]:
    """Names (`aclient`, `self.client`) the module binds to an SDK's async client: `AsyncOpenAI()`,
    `AsyncAnthropic()`, `AsyncAzureOpenAI()`, `httpx.AsyncClient()`."""
    return {dotted(t) for n in ast.walk(tree) if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call)
            and dotted(n.value.func).rsplit(".", 1)[-1].startswith("Async") for t in n.targets if dotted(t)}


def retry_forever(tree: ast.Module, imports: dict[str, str]) -> list[Finding]:
    """Retry decorators with no stop: `backoff.on_exception` / `on_predicate` without `max_tries` or `max_time`, and
    tenacity's `@retry` without `stop=`. Both libraries retry forever by default, so a failure that never clears (a
    spent quota, a wrong key, a model that was retired) hangs the job instead of failing it. `imports` (from
    `imported_names`) reads `@retry` as `tenacity.retry`."""
    out = []
    for func in (n for n in ast.walk(tree) if isinstance(n, FUNCTIONS)):
        for deco in func.decorator_list:
            name = dotted(deco.func if isinstance(deco, ast.Call) else deco)
            full = qualified_name(name, imports)
            given = {k.arg for k in deco.keywords} if isinstance(deco, ast.Call) else set()
            if full in ("backoff.on_exception", "backoff.on_predicate") and not given & {"max_tries", "max_time"}:
                stop = "`max_tries` or `max_time`"
            elif full == "tenacity.retry" and "stop" not in given:
                stop = "`stop=`"
            else:
                continue
            out.append(_finding(deco, "ml:retry-forever", "reliability", f"`@{name}` on `{func.name}` has no "
                                f"{stop}: it retries forever, so a failure that never clears (a spent quota, a wrong "
                                "key, a retired model) hangs the job instead of failing it"))
    return out


def unbounded_growth(tree: ast.Module, service: bool) -> list[Finding]:
    """Lists and dicts on `self` (or module level) named like history or caches that only ever grow, where the code
    shows the cost: sent to a model on each call, or (module level in a web service) shared by every request."""
    out = []
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        nodes = [n for m in cls.body if isinstance(m, FUNCTIONS) for n in own_nodes(m)]
        created = {}
        for n in nodes:
            if isinstance(n, ast.Assign) and (isinstance(n.value, (ast.List, ast.Dict)) or (
                    isinstance(n.value, ast.Call) and dotted(n.value.func) in ("dict", "list", "OrderedDict"))):
                for t in n.targets:
                    if isinstance(t, ast.Attribute) and dotted(t.value) == "self" and GROWING.search(t.attr):
                        created.setdefault(t.attr, n)
        out += _growing(created, nodes, "self.", shared=False)
    for s in tree.body:
        if not (isinstance(s, ast.Assign) and isinstance(s.value, (ast.List, ast.Dict))):
            continue
        for name in (t.id for t in s.targets if isinstance(t, ast.Name) and GROWING.search(t.id)):
            # where the module-level name is the one used: module code, and functions that do not shadow it
            nodes = [n for _, scope, _ in scopes(tree) if name not in _locals(scope) for n in own_nodes(scope)]
            out += _growing({name: s}, nodes, "", shared=service)
    return out


def _locals(scope) -> set[str]:
    if not isinstance(scope, FUNCTIONS):
        return set()
    nodes = list(own_nodes(scope))
    declared = {name for n in nodes if isinstance(n, ast.Global) for name in n.names}
    stored = {n.id for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return ({a.arg for a in ast.walk(scope.args) if isinstance(a, ast.arg)} | stored) - declared


def _empty(node) -> bool:
    return isinstance(node, (ast.List, ast.Dict)) and len(node.elts if isinstance(node, ast.List) else node.keys) <= 1


def session_state_growth(tree: ast.Module) -> list[Finding]:
    """Streamlit chat history in `st.session_state` that is appended to on every turn, never trimmed, and sent to
    the model."""
    nodes = list(ast.walk(tree))
    keys = {}
    for n in nodes:
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "append":
            target = ast.unparse(n.func.value)
            m = re.match(r"^(st\.)?session_state(\.(\w+)|\[['\"](\w+)['\"]\])$", target)
            if m and GROWING.search(m.group(3) or m.group(4)):
                keys.setdefault(target, n)
    return _growing({k: None for k in keys}, nodes, "", shared=False)


def _sent_to_model(full: str, nodes: list) -> bool:
    """Whether the container is an argument of a call to a model or a model client."""
    named = re.compile(r"(?<![\w.])" + re.escape(full) + r"(?!\w)")  # `history`, not `history_len`
    return any(isinstance(n, ast.Call) and MODEL_CALL.search(dotted(n.func) or ast.unparse(n.func)) and any(
        named.search(ast.unparse(a)) for a in [*n.args, *(k.value for k in n.keywords)]) for n in nodes)


def _growing(created: dict, nodes: list, prefix: str, shared: bool) -> list[Finding]:
    out = []
    for attr, stmt in created.items():
        full = prefix + attr
        grows = [n for n in nodes if (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                                      and ast.unparse(n.func.value) == full and n.func.attr in ("append", "extend",
                                                                                               "update", "setdefault"))
                 or (isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Store) and ast.unparse(n.value) == full)]
        trims = [n for n in nodes if (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                                      and ast.unparse(n.func.value) == full and n.func.attr in TRIMS)
                 or (isinstance(n, ast.Delete)) and full in ast.unparse(n)
                 or (isinstance(n, ast.Assign) and n is not stmt and any(ast.unparse(t) == full for t in n.targets)
                     and not _empty(n.value))  # a reset to empty is not a bound
                 or (isinstance(n, ast.Call) and dotted(n.func) == "len" and n.args and ast.unparse(n.args[0]) == full)]
        sent = _sent_to_model(full, nodes)
        if not grows or trims or not (sent or shared):
            continue  # growth in a script, or a list the code never sends anywhere, costs nothing a reviewer can show
        first = min(grows, key=lambda n: n.lineno)
        why = ("is sent to the model in full on every call: it soon outgrows the context window and each turn costs "
               "more" if sent else "holds every entry for the life of the process")
        where = ", and at module level in a web service it is shared by every request and user" if shared else ""
        out.append(_finding(first, "ml:unbounded-growth", "performance", f"`{full}` only ever grows and {why}{where}"))
    return out


def polls(nodes) -> list[Finding]:
    """`while x.status != "completed": sleep(...)`: waits forever when the job fails or hangs."""
    out = []
    for loop in (n for n in nodes if isinstance(n, ast.While)):
        test = ast.unparse(loop.test)
        if not re.search(r"\.status\b|\bstatus\b|\.state\b", test) or re.search(r"time|deadline|attempt|tries|retr|"
                                                                                r"count|max|elapsed|<|>", test):
            continue
        inner = [n for s in loop.body for n in ast.walk(s)]
        leaves = any(isinstance(n, (ast.Break, ast.Return, ast.Raise)) for n in inner)
        if any(dotted(c.func).split(".")[-1] == "sleep" for c in call_nodes(inner)) and not leaves:
            out.append(_finding(loop, "ml:unbounded-poll", "reliability", f"polling `while {test[:50]}` has no "
                                "deadline and no exit on failure: a failed, cancelled or stuck job spins forever and "
                                "holds this worker", end=loop.lineno))
    return out


def guarded_by_callers(tree: ast.Module) -> set[str]:
    """Functions of the module called only inside a `try` that handles errors: their callers catch what they raise."""
    calls: dict[str, list[bool]] = {}
    for _name, scope, _body in scopes(tree):
        nodes = list(own_nodes(scope))
        inside = {id(n) for t in nodes if isinstance(t, ast.Try) and t.handlers for s in t.body for n in ast.walk(s)}
        for c in call_nodes(nodes):
            if isinstance(c.func, ast.Name):
                calls.setdefault(c.func.id, []).append(id(c) in inside)
    return {name for name, where in calls.items() if all(where)}


def blocking_helpers(tree: ast.Module, instances: dict[str, str], clients: frozenset[str] | set[str] = frozenset()
                     ) -> dict[str, str]:
    """The module's own plain (not async) functions and methods that block, directly or through each other: name
    ("helper", or "Class.method") -> the blocking call at the bottom, so `async def chat(): return generate(...)`
    is seen to wait on the synchronous call inside `generate`, however many of the module's own calls lie between.
    A method is reached through `self` in its class, or through a name the module binds to an instance of it
    (`instances`, from `instances_of`). Calls through an async client (`clients`, from `async_clients`) block
    nothing."""
    classes = [c for c in tree.body if isinstance(c, ast.ClassDef)]
    functions: dict[str, ast.FunctionDef] = {f.name: f for f in tree.body if isinstance(f, ast.FunctionDef)}
    functions |= {f"{c.name}.{m.name}": m for c in classes for m in c.body if isinstance(m, ast.FunctionDef)}
    owner = {id(m): c.name for c in classes for m in c.body if isinstance(m, FUNCTIONS)}
    out: dict[str, str] = {}
    for key, func in functions.items():
        nodes = list(own_nodes(func))
        hit = next((c for c in call_nodes(nodes) if BLOCKING.match(dotted(c.func)) or LOCAL_MODEL.match(
            dotted(c.func))), None) or next((c for c in llm_calls(nodes) if not async_variant(c, clients)), None)
        if hit is not None:
            out[key] = dotted(hit.func) or ast.unparse(hit.func)
    changed = True
    while changed:  # what calls a blocking helper blocks too
        changed = False
        for key, func in functions.items():
            if key in out:
                continue
            for call in call_nodes(own_nodes(func)):
                target = own_target(call, instances, owner.get(id(func)))
                if target in out:
                    out[key], changed = out[target], True
                    break
    return out


def own_target(call: ast.Call, instances: dict[str, str], cls: str | None = None) -> str | None:
    """The module's own function or method a call reaches: "helper", or "Class.method" through `self` (inside
    `cls`) or through a name bound to an instance of the class."""
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name):
        base = call.func.value.id
        owner = cls if base == "self" else instances.get(base)
        return f"{owner}.{call.func.attr}" if owner else None
    return None


def instances_of(tree: ast.Module) -> dict[str, str]:
    """Names the module binds to an instance of one of its classes (`controller = Controller(...)`, also under
    `if __name__ == "__main__":`, or `global` in a function): name -> class name."""
    classes = {c.name for c in tree.body if isinstance(c, ast.ClassDef)}
    out = {}
    for n in ast.walk(tree):
        if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call) and isinstance(n.value.func, ast.Name) \
                and n.value.func.id in classes:
            out |= {t.id: n.value.func.id for t in n.targets if isinstance(t, ast.Name)}
    return out


def llm_unguarded(scope, nodes, entry_point: bool, guarded: frozenset[str] | set[str] = frozenset(),
                  consequence: str = "it surfaces as a crash") -> list[Finding]:
    """Model API calls with no `try` around them in their function: a 429 or a timeout crashes the request. Raised
    in services, apps and scripts; a library propagating the error to its caller is doing its job, so it is noted.
    A helper whose every caller wraps it in a `try` (`guarded`) is covered by them. `consequence` is what an
    uncaught exception does in this file's framework (`frameworks.unhandled_error`)."""
    if isinstance(scope, FUNCTIONS) and scope.name in guarded:
        return []
    tries = (t for t in nodes if isinstance(t, ast.Try) and t.handlers)
    guarded = {id(n) for t in tries for s in t.body for n in ast.walk(s)}
    calls = sorted((c for c in llm_calls(nodes) if id(c) not in guarded), key=lambda c: c.lineno)
    if not calls:
        return []
    return [_finding(calls[0], "ml:llm-unguarded", "reliability", f"{len(calls)} model API call"
                     f"{'s' if len(calls) > 1 else ''} with no error handling: on a rate limit, timeout or outage, "
                     f"{consequence}", end=calls[-1].end_lineno,
                     severity="warning" if entry_point else "info")]



def blocking_in_async(scope, nodes, helpers: dict[str, str] | None = None,
                      instances: dict[str, str] | None = None, clients: frozenset[str] | set[str] = frozenset()
                      ) -> list[Finding]:
    """Blocking calls inside `async def`: while one sleeps or waits on a socket, every other task on the loop waits.
    Direct calls, a synchronous model client's calls, and calls of the module's own blocking `helpers` (functions,
    or methods reached through a name bound to an instance, `instances`)."""
    if not isinstance(scope, ast.AsyncFunctionDef):
        return []
    instances = instances or {}
    out, seen, helpers = [], set(), helpers or {}
    awaited = {id(n.value) for n in nodes if isinstance(n, ast.Await)}
    model = {id(c) for c in [*llm_calls(nodes), *(c for c in call_nodes(nodes) if LOCAL_MODEL.match(dotted(c.func)))]
             if id(c) not in awaited and not async_variant(c, clients)}  # a sync SDK client's or local model's call
    for call in sorted(call_nodes(nodes), key=lambda c: c.lineno):
        name = dotted(call.func) or ast.unparse(call.func)
        helper = helpers.get(own_target(call, instances) or "")
        if (BLOCKING.match(name) or id(call) in model or helper) and name not in seen:
            seen.add(name)
            why = f" (it calls `{helper}`, not awaited)" if helper else " (a synchronous model call, not awaited)" \
                if id(call) in model else ""
            out.append(_finding(call, "ml:blocking-in-async", "performance", f"`{name}` inside `async def "
                                f"{scope.name}` blocks the event loop{why}: every other request or task waits until it "
                                "returns"))
    return out


def unbounded_fanout(tree: ast.Module) -> list[Finding]:
    """Async tasks started for every item at once (a comprehension or loop of `create_task`, `gather(*...)`) with no
    semaphore or pool anywhere in the module: a big batch opens one connection per item and meets the rate limit."""
    if LIMITS.search(ast.unparse(tree)):
        return []
    out = []
    for _name, scope, _body in scopes(tree):
        nodes = list(own_nodes(scope))
        spawns = [n for n in nodes if isinstance(n, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
                                                     ast.For, ast.AsyncFor))
                  and any(isinstance(c, ast.Call) and dotted(c.func).split(".")[-1] in SPAWN for c in ast.walk(n))]
        spawns += [c for c in call_nodes(nodes) if dotted(c.func).endswith("gather") and any(
            isinstance(a, ast.Starred) and isinstance(a.value, (ast.ListComp, ast.GeneratorExp)) for a in c.args)]
        if spawns:
            first = min(spawns, key=lambda n: n.lineno)
            out.append(_finding(first, "ml:unbounded-fanout", "performance", "a task is started for every item at "
                                "once with no concurrency limit: a large batch opens as many connections as items and "
                                "runs into the provider's rate limit"))
    return out


def unclosed_clients(scope, nodes) -> list[Finding]:
    """HTTP sessions a function builds for its own use outside `with`, closed only on the happy path or never: an
    exception leaks the connection pool. A client the function returns or stores (a factory, a constructor) is
    someone else's to close and is not flagged unless the function closes it itself."""
    if not isinstance(scope, FUNCTIONS):
        return []
    managed = {id(item.context_expr) for n in nodes if isinstance(n, (ast.With, ast.AsyncWith)) for item in n.items}
    made = [c for c in call_nodes(nodes) if SESSION.match(dotted(c.func)) and id(c) not in managed]
    if not made:
        return []
    finals = [n for t in nodes if isinstance(t, ast.Try) for s in t.finalbody for n in ast.walk(s)]
    closes = [c for c in call_nodes(nodes) if isinstance(c.func, ast.Attribute) and c.func.attr in ("close", "aclose")]
    if any(c in finals for c in closes) or any("close" in ast.unparse(n) for n in finals):
        return []
    if not closes and _handed_on(made[0], nodes):
        return []
    why = "is closed only on the happy path: an exception" if closes else "is never closed: every call"
    return [_finding(made[0], "ml:unclosed-client", "reliability", f"`{dotted(made[0].func)}` built in "
                     f"`{scope.name}` {why} leaks its connections")]


def streams_unclosed(tree: ast.Module) -> list[Finding]:
    """`requests.post(..., stream=True)` bound to a name outside `with` and never closed: the connection goes back
    to the pool only once the body is read to the end, so an exception or an early `break` leaks it."""
    nodes = list(ast.walk(tree))
    managed = {id(i.context_expr) for n in nodes if isinstance(n, (ast.With, ast.AsyncWith)) for i in n.items}
    closed = {dotted(c.func.value) for c in call_nodes(nodes)
              if isinstance(c.func, ast.Attribute) and c.func.attr == "close"}
    out = []
    for node in (n for n in nodes if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call)):
        call = node.value
        flag = _kw(call, "stream")
        if not (STREAMING.search(dotted(call.func)) and isinstance(flag, ast.Constant) and flag.value is True):
            continue
        names = [ast.unparse(t) for t in node.targets]
        if id(call) in managed or any(n in closed for n in names) or _handed_on(call, nodes):
            continue
        out.append(_finding(call, "ml:stream-unclosed", "reliability", f"`{names[0]}` is a streamed response "
                            "(`stream=True`) that is never closed: its connection goes back to the pool only when the "
                            "body is read to the end, so an exception or an early `break` leaks it"))
    return out


def _handed_on(call: ast.Call, nodes: list) -> bool:
    """Whether the client (or the name it is bound to) is returned, yielded, stored on an object or passed on."""
    names = {t.id for n in nodes if isinstance(n, ast.Assign) and n.value is call for t in n.targets
             if isinstance(t, ast.Name)}

    def carries(node) -> bool:
        return any(x is call or (isinstance(x, ast.Name) and x.id in names) for x in ast.walk(node))

    for n in nodes:
        if isinstance(n, (ast.Return, ast.Yield)) and n.value is not None and carries(n.value):
            return True
        if isinstance(n, ast.Assign) and any(not isinstance(t, ast.Name) for t in n.targets) and carries(n.value):
            return True
        if isinstance(n, ast.Call) and n is not call and any(carries(a) for a in n.args):
            return True
    return False


def default_escapes(tree: ast.Module, line: int) -> bool:
    """Whether the mutable default written on `line` can carry state from one call to the next: the function
    mutates it, stores it, returns it or hands it to another call. `x = x or {}` and read-only use cannot."""
    for func in (n for n in ast.walk(tree) if isinstance(n, FUNCTIONS)):
        for arg, default in parameter_defaults(func):
            if default.lineno <= line <= (default.end_lineno or default.lineno):
                return _escapes(arg.arg, list(own_nodes(func)))
    return True  # not found: keep ruff's word


def _escapes(name: str, nodes: list) -> bool:
    parents = {id(c): n for n in nodes for c in ast.iter_child_nodes(n)}
    for n in (n for n in nodes if isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)):
        parent = parents.get(id(n))
        if isinstance(parent, ast.BoolOp) or isinstance(parent, (ast.Compare, ast.comprehension)):
            continue  # `x or {}`, `k in x`, `for k in x`: read only
        if isinstance(parent, ast.Attribute) and parent.attr not in MUTATORS:
            continue  # x.items(), x.get(...)
        if (isinstance(parent, ast.Call) and parent.func is not n) or isinstance(parent, (ast.keyword,
                                                                                         ast.FormattedValue)):
            continue  # handed to a call as an argument: read (a callee that mutates its argument is rare)
        if isinstance(parent, ast.Starred) or (isinstance(parent, ast.Dict) and any(
                k is None and v is n for k, v in zip(parent.keys, parent.values, strict=True))):
            continue  # `{**x}`, `[*x]`: unpacked into a new container, a copy
        return True
    return any(isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Store) and ast.unparse(n.value) == name
               for n in nodes)


def _finished_sets(nodes: list) -> set[str]:
    """Names bound to the finished tasks of `done, pending = await asyncio.wait(...)`: gathering them waits for
    nothing and leaves nothing running."""
    return {ast.unparse(n.targets[0].elts[0]) for n in nodes if isinstance(n, ast.Assign)
            and isinstance(n.targets[0], ast.Tuple) and n.targets[0].elts and isinstance(n.value, ast.Await)
            and isinstance(n.value.value, ast.Call) and dotted(n.value.value.func) in ("asyncio.wait", "wait")}


def background_loops(tree: ast.Module) -> list[Finding]:
    """A function run by `Thread(target=f)` that loops with no exception handling around the loop's work: the first
    error ends the thread (the traceback goes to stderr, nothing restarts it), so the background work (a heartbeat, a
    cleanup, a consumer) stops for good while the process carries on as if it ran."""
    funcs = {n.name: n for n in ast.walk(tree) if isinstance(n, FUNCTIONS)}
    daemons = any(isinstance(n, ast.Assign) and any(isinstance(t, ast.Attribute) and t.attr == "daemon"
                                                    for t in n.targets) for n in ast.walk(tree)) or any(
        dotted(c.func).endswith("setDaemon") for c in call_nodes(ast.walk(tree)))
    out, seen = [], set()
    for call in (c for c in call_nodes(ast.walk(tree)) if dotted(c.func).rsplit(".", 1)[-1] == "Thread"):
        target = _kw(call, "target")
        name = target.attr if isinstance(target, ast.Attribute) else target.id if isinstance(target, ast.Name) else ""
        func = funcs.get(name)
        if func is None or name in seen:
            continue
        seen.add(name)
        guarded = {id(n) for t in ast.walk(func) if isinstance(t, ast.Try) and t.handlers for n in ast.walk(t)}
        for loop in (n for n in ast.walk(func) if isinstance(n, ast.While) and id(n) not in guarded):
            work = [c for c in call_nodes(n for b in loop.body for n in ast.walk(b))  # the body: the test is the
                    if dotted(c.func).rsplit(".", 1)[-1] not in ("sleep", "wait")]   # stop condition, not work
            if not work or any(isinstance(n, ast.Try) and n.handlers for n in ast.walk(loop)):
                continue
            flag = _kw(call, "daemon")
            daemon = daemons or (flag is not None and not (isinstance(flag, ast.Constant) and not flag.value))
            first = dotted(work[0].func) or ast.unparse(work[0].func)[:40]
            out.append(_finding(loop, "ml:thread-loop-unguarded", "reliability", f"`{name}` runs on a background "
                                "thread in a loop with no exception handling: the first error (from "
                                f"`{first}`) ends the thread for good, "
                                "with only a traceback on stderr, while the process carries on without it"
                                + ("" if daemon else "; and as a non-daemon thread it keeps the process from exiting "
                                   "at shutdown")))
            break
    return out


def event_loop_in_methods(tree: ast.Module) -> list[Finding]:
    """`asyncio.run(...)` inside a method: it starts an event loop of its own, so the method raises "asyncio.run()
    cannot be called from a running event loop" whenever its caller is async code (a FastAPI or aiohttp handler, a
    notebook cell, an async job). A synchronous API over async code needs an async variant the caller can await."""
    out, imports = [], imported_names(tree)
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        awaitable = {m.name for m in cls.body if isinstance(m, ast.AsyncFunctionDef)}
        for method in (m for m in cls.body if isinstance(m, ast.FunctionDef)):
            runs = [c for c in call_nodes(ast.walk(method)) if qualified(c, imports) == "asyncio.run"
                    and not _runs_own_async_method(c, awaitable)]
            if runs:
                out.append(_finding(runs[0], "ml:event-loop-in-method", "reliability", f"`{cls.name}.{method.name}` "
                                    "calls `asyncio.run`, which starts an event loop of its own: called from async "
                                    "code (a FastAPI or aiohttp handler, a notebook cell) it raises \"cannot be called "
                                    "from a running event loop\"; offer an async method the caller can await"))
    return out


def _runs_own_async_method(run: ast.Call, awaitable: set[str]) -> bool:
    """`asyncio.run(self.x_async(...))` where `x_async` is a public async method of the same class: a synchronous
    convenience over an API the async caller can already await (a private `_x` is not offered to callers)."""
    arg = run.args[0] if run.args else None
    return (isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute) and dotted(arg.func.value) == "self"
            and arg.func.attr in awaitable and not arg.func.attr.startswith("_"))


def gather_all_or_nothing(tree: ast.Module) -> list[Finding]:
    """`await asyncio.gather(*tasks)` over a batch, with no `return_exceptions=True` and no `try` around it: the
    first call that fails raises out of `gather`, every result already in is lost, and the other calls keep running
    with nobody reading them. One bad document or one 429 costs the whole batch."""
    out = []
    for _name, scope, _body in scopes(tree):
        nodes = list(own_nodes(scope))
        tried = {id(n) for t in nodes if isinstance(t, ast.Try) and t.handlers for s in t.body for n in ast.walk(s)}
        finished = _finished_sets(nodes)
        batch = [c for c in call_nodes(nodes) if dotted(c.func) in ("asyncio.gather", "gather") and id(c) not in tried
                 and any(isinstance(a, ast.Starred) for a in c.args)
                 and not all(isinstance(a, ast.Starred) and ast.unparse(a.value) in finished for a in c.args)
                 and not (isinstance(_kw(c, "return_exceptions"), ast.Constant) and _kw(c, "return_exceptions").value)]
        out += [_finding(c, "ml:gather-all-or-nothing", "reliability", f"`{ast.unparse(c)[:50]}` has no "
                         "`return_exceptions=True` and no `try`: the first call that fails raises out of it, every "
                         "result already in is lost, and the rest keep running unread; one bad item or one 429 costs "
                         "the whole batch") for c in batch[:1]]
    return out
