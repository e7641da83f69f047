"""Checks that matter in ML and LLM services, on the Python AST: each is a failure a senior reviewer would raise.

Every scope is checked like a function, the module's own top-level code included (a training script's usual shape).
"""

from __future__ import annotations

import ast
import re

from .smells import FUNCTIONS, Finding, _calls, dotted, own_nodes

HTTP_CALL = re.compile(r"^(requests|httpx)\.(get|post|put|patch|delete|head|request)$")
HTTP_BODY = {"json", "text", "content", "iter_content", "iter_lines"}
STATUS_CHECK = {"raise_for_status", "status_code", "ok", "status"}
HTML_SINKS = re.compile(r"(^|\.)(markdown|write|html|caption|text)$")
SAVE_CALLS = {"torch.save", "joblib.dump", "pickle.dump", "np.save", "numpy.save", "dill.dump", "cloudpickle.dump"}
STATE_PATH = re.compile(r"ckpt|checkpoint|state|model|weights|\.pt\b|\.pth\b|\.pkl\b|\.joblib\b|best|last", re.I)
ATOMIC = re.compile(r"(^|\.)(replace|rename|move)$")
LOADS = {"pickle.load", "pickle.loads", "torch.load", "joblib.load", "dill.load", "cloudpickle.load",
         "pd.read_pickle", "pandas.read_pickle", "yaml.load"}
TRANSFORMER = re.compile(r"(Scaler|Encoder|Vectorizer|Imputer|PCA|Normalizer|Binarizer|Discretizer|"
                         r"Transformer|SelectKBest|TruncatedSVD)$")
GROWING = re.compile(r"history|messages|cache|memory|conversation|turns|buffer|sessions|chats|seen", re.I)
TRIMS = {"pop", "popleft", "popitem", "clear", "remove"}
ROUTE_DECORATOR = re.compile(r"\.(route|get|post|put|patch|delete|websocket|api_route)$|^(api_view|app\.\w+)$")
ERROR_RESPONSE = re.compile(r"(^|\.)(jsonify|JSONResponse|HTTPException|Response|make_response|abort|JsonResponse|"
                            r"HttpResponse|PlainTextResponse)$")
LOG_ERROR = {"error", "exception", "critical", "warning", "warn"}
SUCCESS = {True, "success", "ok", "OK", "done", "Success", "SUCCESS", 200, 0}
EMPTY = (None, False, 0, "", 0.0)

FIX = {
    "ml:unsafe-html": "Render model or user text as text (`st.markdown(text)` without `unsafe_allow_html`, or "
                      "`st.text`); if HTML is needed, escape it first (`html.escape`) or sanitise it with an "
                      "allow-list (bleach/nh3).",
    "ml:http-no-timeout": "Pass a timeout (`timeout=(3.05, 30)`): without one a stalled server hangs this worker "
                          "forever.",
    "ml:http-no-status": "Call `resp.raise_for_status()` (or check `resp.status_code`) before reading the body, so an "
                         "error page or a 429 is not parsed as data.",
    "ml:shell-unchecked": "Make the download fail loudly: `curl --fail --show-error --location` (or `requests` with "
                          "`raise_for_status()`), and `subprocess.run([...], check=True)` instead of ignoring the "
                          "exit code.",
    "ml:log-then-success": "Re-raise after logging (`raise`), or return a failure the caller checks: a task that "
                           "reports success after an error makes the scheduler run the next step on bad data.",
    "ml:except-default": "Let the error propagate, or catch only the exception you expect and log it; an empty "
                         "default makes a failure look like 'no data'.",
    "ml:non-atomic-write": "Write to a temporary file in the same directory and `os.replace(tmp, path)`: a crash "
                           "mid-write otherwise corrupts the only copy.",
    "ml:unsafe-load": "Never unpickle data that can come from outside: use `torch.load(path, weights_only=True)`, "
                      "safetensors, JSON or ONNX, or verify a checksum/signature of a trusted artifact first.",
    "ml:exec-config": "Parse configuration as data (YAML/TOML/JSON into a dataclass, or argparse), never `exec`/`eval` "
                      "a file or string: it runs whatever code it contains.",
    "ml:exception-to-client": "Log the exception with a request id server-side and return a generic message "
                              "(`{\"error\": \"internal error\", \"request_id\": ...}`); exception text leaks paths, "
                              "queries and secrets.",
    "ml:fit-before-split": "Split first, then fit the transformer on the training part only (or put it in a "
                           "`Pipeline` so cross-validation refits it per fold).",
    "ml:unbounded-growth": "Bound it: keep the last N turns (`deque(maxlen=N)` or a token budget), or use an LRU/TTL "
                           "cache (`functools.lru_cache(maxsize=...)`, `cachetools.TTLCache`).",
    "ml:unbounded-poll": "Give the wait a deadline and leave on every terminal state: `while run.status in "
                         "(\"queued\", \"in_progress\") and time.monotonic() < deadline`, then handle failed, "
                         "cancelled and expired runs.",
    "ml:unvalidated-input": "Validate the body against a schema (pydantic model, marshmallow, or `data.get(...)` with "
                            "a 400 on missing or oversized fields) before using it.",
    "ml:csrf-exempt": "Keep CSRF protection on state-changing views: remove `@csrf_exempt` and send the token from the "
                      "client (or use token authentication for an API).",
    "ml:airflow-top-level": "Read Variables inside tasks (or with Jinja templates `{{ var.value.x }}`): top-level "
                            "code runs on every DAG-file parse, every few seconds, and hits the metadata database.",
    "ml:llm-unguarded": "Wrap the model call: catch the SDK's rate-limit, timeout and connection errors, retry the "
                        "retryable ones with backoff, and show a degraded answer or a clear error instead of a crash.",
    "ml:no-seed": "Seed every source of randomness once at start-up (`random.seed`, `np.random.seed`, "
                  "`torch.manual_seed`, `random_state=` in splits and models) and log the seed with the run.",
    "ml:retry-no-backoff": "Back off exponentially with jitter (`time.sleep(min(cap, base * 2 ** attempt) + "
                           "random.random())`) or use `tenacity`/the SDK's retries; fixed-interval retries hammer an "
                           "overloaded service.",
}


def _finding(node, rule: str, principle: str, message: str, severity: str = "warning", end: int | None = None
             ) -> Finding:
    line = node if isinstance(node, int) else node.lineno
    return Finding(line=line, end_line=end or (line if isinstance(node, int) else node.end_lineno or line),
                   severity=severity, rule=rule, principle=principle, message=message, suggestion=FIX[rule])


def scopes(tree: ast.Module):
    """(name, node whose own body is checked, statements) for every function and for the module's own code."""
    module = [s for s in tree.body if not isinstance(s, (*FUNCTIONS, ast.ClassDef))]
    yield "module level", ast.Module(body=module, type_ignores=[]), module
    for node in ast.walk(tree):
        if isinstance(node, FUNCTIONS):
            yield node.name, node, node.body


def _kw(call: ast.Call, name: str):
    return next((k.value for k in call.keywords if k.arg == name), None)


def _const(node) -> bool:
    return isinstance(node, ast.Constant) or (isinstance(node, ast.JoinedStr) and all(
        isinstance(v, ast.Constant) for v in node.values))


def _names(node) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


# checks on one scope --------------------------------------------------------------------------------------
def unsafe_html(nodes) -> list[Finding]:
    out = []
    for call in _calls(nodes):
        flag = _kw(call, "unsafe_allow_html")
        name = dotted(call.func)
        is_html = name.endswith("components.html") or name.endswith("components.v1.html")
        if not ((isinstance(flag, ast.Constant) and flag.value is True) or is_html):
            continue
        if call.args and not all(_const(a) for a in call.args):
            shown = ast.unparse(call.args[0])[:40]
            out.append(_finding(call, "ml:unsafe-html", "security", f"`{name}` renders `{shown}` as raw HTML: model "
                                "or user text here can inject scripts and links (stored XSS)", severity="error"))
    return out


def http_calls(nodes) -> list[Finding]:
    nodes = list(nodes)
    out, checked = [], any(isinstance(n, ast.Attribute) and n.attr in STATUS_CHECK for n in nodes)
    for call in _calls(nodes):
        name = dotted(call.func)
        if not HTTP_CALL.match(name):
            continue
        if name.startswith("requests") and _kw(call, "timeout") is None:
            out.append(_finding(call, "ml:http-no-timeout", "reliability", f"`{name}` has no timeout: a stalled "
                                "server blocks this worker forever"))
        if not checked and any(isinstance(n, ast.Attribute) and n.attr in HTTP_BODY for n in nodes):
            out.append(_finding(call, "ml:http-no-status", "reliability", f"the response of `{name}` is read without "
                                "checking its status: an error page or a 429 is treated as data"))
    return out


def shell_downloads(nodes) -> list[Finding]:
    out = []
    for call in _calls(nodes):
        name = dotted(call.func)
        if name not in ("os.system", "subprocess.run", "subprocess.call", "subprocess.Popen", "subprocess.check_call",
                        "subprocess.check_output", "os.popen"):
            continue
        text = " ".join(n.value for n in ast.walk(call) if isinstance(n, ast.Constant) and isinstance(n.value, str))
        curl = re.search(r"\bcurl\b", text) and not re.search(r"(^|\s)(-\w*f\w*|--fail(-with-body)?)\b", text)
        unchecked = name in ("os.system", "subprocess.call", "os.popen") or (
            name == "subprocess.run" and not isinstance(_kw(call, "check"), ast.Constant))
        if curl or (unchecked and re.search(r"\b(wget|curl|gsutil|aws s3|git clone|pip install)\b", text)):
            why = "`curl` without `--fail` exits 0 on an HTTP error" if curl else "its exit code is never checked"
            out.append(_finding(call, "ml:shell-unchecked", "reliability", f"shell download via `{name}`: {why}, so "
                                "an error page is saved as the data and the pipeline carries on"))
    return out


def _logs_error(stmts) -> bool:
    return any(isinstance(n, ast.Call) and dotted(n.func).split(".")[-1] in LOG_ERROR
               for s in stmts for n in ast.walk(s))


def _success(node) -> bool:
    if isinstance(node, ast.Constant):
        return node.value in SUCCESS and node.value is not False
    if isinstance(node, ast.Dict):
        return any(isinstance(v, ast.Constant) and str(v.value).lower() in ("ok", "success", "done")
                   for v in node.values)
    return False


def _exits(stmts) -> bool:
    return any(isinstance(n, (ast.Raise, ast.Return, ast.Continue, ast.Break)) for s in stmts for n in ast.walk(s))


def handlers(scope, nodes) -> list[Finding]:
    """Errors logged and then reported as success; broad excepts returning an empty default."""
    out = []
    final = scope.body[-1] if getattr(scope, "body", None) else None
    for h in (n for n in nodes if isinstance(n, ast.ExceptHandler)):
        returns = [n for s in h.body for n in ast.walk(s) if isinstance(n, ast.Return)]
        broad = h.type is None or dotted(h.type) in ("Exception", "BaseException")
        if _logs_error(h.body) and not any(isinstance(n, ast.Raise) for s in h.body for n in ast.walk(s)):
            if any(r.value is not None and _success(r.value) for r in returns) or (
                    not _exits(h.body) and isinstance(final, ast.Return) and final.value is not None
                    and _success(final.value)):
                out.append(_finding(h, "ml:log-then-success", "reliability", "the error is logged and then success "
                                    "is returned: callers and schedulers see a failed step as done"))
                continue
        if broad and returns and all(r.value is None or (isinstance(r.value, ast.Constant) and r.value.value in EMPTY)
                                     or (isinstance(r.value, (ast.List, ast.Dict, ast.Tuple)) and not (
                                         getattr(r.value, "elts", None) or getattr(r.value, "keys", None)))
                                     for r in returns) and len(h.body) <= 3:
            out.append(_finding(h, "ml:except-default", "reliability", "a broad `except` returns an empty default: a "
                                "failure looks like 'no data' to the caller"))
    return out


def non_atomic_writes(nodes) -> list[Finding]:
    nodes = list(nodes)
    if any(isinstance(n, ast.Call) and ATOMIC.search(dotted(n.func)) for n in nodes):
        return []
    out = []
    for call in _calls(nodes):
        name = dotted(call.func)
        target = call.args[1] if len(call.args) > 1 else _kw(call, "f") or _kw(call, "file")
        model_file = name in ("torch.save", "joblib.dump")  # these write models and checkpoints by nature
        if name in SAVE_CALLS and target is not None and (model_file or STATE_PATH.search(ast.unparse(target))):
            out.append(_finding(call, "ml:non-atomic-write", "reliability", f"`{name}` writes straight over "
                                f"`{ast.unparse(target)[:50]}`: a crash or full disk mid-write corrupts the only copy"))
    return out


def unsafe_loads(scope, nodes) -> list[Finding]:
    params = {a.arg for a in ast.walk(scope.args) if isinstance(a, ast.arg)} if isinstance(scope, FUNCTIONS) else set()
    outside = params | {"argv", "request", "environ", "getenv", "input", "url", "upload", "file", "path"}
    withs = (n for n in nodes if isinstance(n, (ast.With, ast.AsyncWith)))
    handles = {item.optional_vars.id: _names(item.context_expr) for n in withs for item in n.items
               if isinstance(item.optional_vars, ast.Name)}  # `with open(path) as f`
    outside |= {name for name, used in handles.items() if used & outside}
    out = []
    for call in _calls(nodes):
        name = dotted(call.func)
        if name not in LOADS or not call.args:
            continue
        if name == "torch.load" and isinstance(_kw(call, "weights_only"), ast.Constant) and \
                _kw(call, "weights_only").value is True:
            continue
        if name == "yaml.load" and "SafeLoader" in ast.unparse(call):
            continue
        source = call.args[0]
        names = _names(source) | {n.attr for n in ast.walk(source) if isinstance(n, ast.Attribute)}
        if _const(source) or not names & outside and not isinstance(source, ast.Call):
            continue
        out.append(_finding(call, "ml:unsafe-load", "security", f"`{name}` deserialises `{ast.unparse(source)[:50]}`, "
                            "which can come from outside: unpickling runs arbitrary code", severity="error"))
    return out


def exec_config(nodes) -> list[Finding]:
    out = []
    for call in _calls(nodes):
        if dotted(call.func) in ("exec", "eval") and call.args and not _const(call.args[0]):
            out.append(_finding(call, "ml:exec-config", "security", f"`{dotted(call.func)}` runs "
                                f"`{ast.unparse(call.args[0])[:50]}` as code: a config file or argument becomes a "
                                "way to run anything", severity="error"))
    return out


def exception_to_client(nodes) -> list[Finding]:
    out = []
    for h in (n for n in nodes if isinstance(n, ast.ExceptHandler) and n.name):
        for node in (n for s in h.body for n in ast.walk(s)):
            value = node.value if isinstance(node, ast.Return) else node if isinstance(node, ast.Call) and \
                ERROR_RESPONSE.search(dotted(node.func)) else None
            if value is None:
                continue
            leaks = any((isinstance(n, ast.Call) and dotted(n.func) in ("str", "repr") and n.args
                         and _names(n.args[0]) == {h.name}) or (isinstance(n, ast.FormattedValue)
                                                                and _names(n.value) == {h.name})
                        for n in ast.walk(value))
            if leaks:
                out.append(_finding(node, "ml:exception-to-client", "security", "the exception text is sent back to "
                                    "the client: it can reveal paths, queries, model names and keys"))
                break
    return out


def fit_before_split(nodes) -> list[Finding]:
    nodes = list(nodes)
    splits = [c.lineno for c in _calls(nodes) if dotted(c.func).split(".")[-1] == "train_test_split"]
    if not splits:
        return []
    transformers = {ast.unparse(t) for n in nodes if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call)
                    and TRANSFORMER.search(dotted(n.value.func).split(".")[-1]) for t in n.targets}
    out = []
    for call in _calls(nodes):
        f = call.func
        if not (isinstance(f, ast.Attribute) and f.attr in ("fit", "fit_transform") and call.lineno < min(splits)):
            continue
        receiver = ast.unparse(f.value)
        direct = isinstance(f.value, ast.Call) and TRANSFORMER.search(dotted(f.value.func).split(".")[-1])
        if receiver in transformers or direct:
            out.append(_finding(call, "ml:fit-before-split", "reliability", f"`{receiver[:40]}` is fitted on all the "
                                "data before `train_test_split`: test statistics leak into training and the score "
                                "is optimistic"))
    return out


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
        sleeps = [c for c in _calls(inner) if dotted(c.func).split(".")[-1] == "sleep"]
        if any(c.args and not isinstance(c.args[0], ast.Constant) for c in sleeps):
            continue  # a computed delay: backoff
        what = f"a fixed {ast.unparse(sleeps[0].args[0])} s pause" if sleeps and sleeps[0].args else "no pause"
        out.append(_finding(loop, "ml:retry-no-backoff", "reliability", f"retry loop with {what} between attempts: "
                            "retries in lockstep make an overloaded service worse", end=loop.lineno))
    return out


def unbounded_growth(tree: ast.Module) -> list[Finding]:
    """Lists and dicts on `self` (or module level) named like history or caches that only ever grow."""
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
        out += _growing(created, nodes, "self.")
    for s in tree.body:
        if not (isinstance(s, ast.Assign) and isinstance(s.value, (ast.List, ast.Dict))):
            continue
        for name in (t.id for t in s.targets if isinstance(t, ast.Name) and GROWING.search(t.id)):
            # where the module-level name is the one used: module code, and functions that do not shadow it
            nodes = [n for _, scope, _ in scopes(tree) if name not in _locals(scope) for n in own_nodes(scope)]
            out += _growing({name: s}, nodes, "")
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
    """Streamlit chat history in `st.session_state` that is appended to on every turn and never trimmed."""
    nodes = list(ast.walk(tree))
    keys = {}
    for n in nodes:
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "append":
            target = ast.unparse(n.func.value)
            m = re.match(r"^(st\.)?session_state(\.(\w+)|\[['\"](\w+)['\"]\])$", target)
            if m and GROWING.search(m.group(3) or m.group(4)):
                keys.setdefault(target, n)
    return _growing({k: None for k in keys}, nodes, "")


def _growing(created: dict, nodes: list, prefix: str) -> list[Finding]:
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
        if grows and not trims:
            out.append(_finding(grows[0], "ml:unbounded-growth", "performance", f"`{full}` only ever grows: a "
                                "long-running service keeps every entry in memory until it runs out (and an LLM "
                                "history also outgrows the context window)"))
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
        if any(dotted(c.func).split(".")[-1] == "sleep" for c in _calls(inner)) and not leaves:
            out.append(_finding(loop, "ml:unbounded-poll", "reliability", f"polling `while {test[:50]}` has no "
                                "deadline and no exit on failure: a failed, cancelled or stuck job spins forever and "
                                "holds this worker", end=loop.lineno))
    return out


def unvalidated_input(nodes) -> list[Finding]:
    """Request bodies indexed directly: a missing field is a KeyError and a 500, nothing bounds its size."""
    out, seen = [], set()
    for n in nodes:
        if isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Load) and re.match(
                r"^(flask\.)?request\.(json|form|args|get_json\(\)|values)$", ast.unparse(n.value)):
            if n.lineno not in seen:
                seen.add(n.lineno)
                out.append(_finding(n, "ml:unvalidated-input", "reliability", f"`{ast.unparse(n)[:50]}` reads the "
                                    "request without validation: a missing field is a 500, and nothing bounds its "
                                    "type or size"))
    return out


def csrf_exempt(tree: ast.Module) -> list[Finding]:
    return [_finding(d, "ml:csrf-exempt", "security", f"`@csrf_exempt` on `{f.name}` turns off CSRF protection on "
                     "a view that changes data: another site can submit it with the user's cookies")
            for f in ast.walk(tree) if isinstance(f, FUNCTIONS) for d in f.decorator_list
            if dotted(d).split(".")[-1] == "csrf_exempt"]


def airflow_top_level(tree: ast.Module) -> list[Finding]:
    """Airflow DAG files: Variables read at parse time, and `catchup` put where Airflow ignores it."""
    if not any(isinstance(n, (ast.Import, ast.ImportFrom)) and "airflow" in ast.unparse(n) for n in tree.body):
        return []
    module = [s for s in tree.body if not isinstance(s, (*FUNCTIONS, ast.ClassDef))]
    reads = sorted((c for c in _calls(n for s in module for n in ast.walk(s)) if dotted(c.func).endswith(
        "Variable.get")), key=lambda c: c.lineno)
    out = [_finding(reads[0], "ml:airflow-top-level", "performance", f"{len(reads)} `Variable.get` call"
                    f"{'s' if len(reads) > 1 else ''} at the top level of a DAG file: they run on every parse of the "
                    "file and query the metadata database each time", end=reads[-1].end_lineno)] if reads else []
    for s in module:
        if isinstance(s, ast.Assign) and isinstance(s.value, ast.Dict) and "default_args" in ast.unparse(s.targets[0]):
            for key in s.value.keys:
                if isinstance(key, ast.Constant) and key.value in ("catchup", "schedule_interval", "schedule"):
                    out.append(_finding(key, "ml:airflow-top-level", "reliability", f"`{key.value}` inside "
                                        "`default_args` is ignored (it is a DAG argument, not a task argument), so "
                                        "the DAG runs with Airflow's default"))
    return out


LLM_CALL = re.compile(r"(\.(chat\.completions|completions|messages|responses|embeddings)\.create|"
                      r"^\w*(llm|agent|chain|executor)\w*\.(invoke|run|predict|ainvoke|arun|stream|generate_content))$")
SEEDS = re.compile(r"(^|\.)(seed|manual_seed|manual_seed_all|seed_everything|set_seed|set_random_seed)$")
TRAINING = re.compile(r"(^|\.)(fit|backward|train_test_split|fit_transform)$")


def llm_unguarded(scope, nodes) -> list[Finding]:
    """Model API calls with no `try` around them in their function: a 429 or a timeout crashes the request."""
    tries = (t for t in nodes if isinstance(t, ast.Try) and t.handlers)
    guarded = {id(n) for t in tries for s in t.body for n in ast.walk(s)}
    calls = [c for c in _calls(nodes) if id(c) not in guarded
             and LLM_CALL.search(dotted(c.func) or ast.unparse(c.func))]
    if not calls:
        return []
    return [_finding(calls[0], "ml:llm-unguarded", "reliability", f"{len(calls)} model API call"
                     f"{'s' if len(calls) > 1 else ''} with no error handling: a rate limit, timeout or outage "
                     "surfaces as a crash or a 500", end=calls[-1].end_lineno)]


def no_seed(tree: ast.Module) -> list[Finding]:
    """Training code that never seeds its randomness: runs cannot be reproduced or compared."""
    calls = [c for c in ast.walk(tree) if isinstance(c, ast.Call)]
    training = [c for c in calls if TRAINING.search(dotted(c.func) or ast.unparse(c.func))]
    seeded = any(SEEDS.search(dotted(c.func)) for c in calls) or any(
        isinstance(n, ast.keyword) and n.arg in ("random_state", "seed") for n in ast.walk(tree))
    if not training or seeded:
        return []
    return [_finding(training[0], "ml:no-seed", "reliability", "training code never sets a random seed: runs are "
                     "not reproducible, so two results cannot be compared", severity="info")]


def ml_findings(tree: ast.Module) -> list[Finding]:
    """Every ML/LLM-service check, on each function and on the module's own code."""
    out = []
    for _name, scope, _body in scopes(tree):
        nodes = list(own_nodes(scope))
        out += [*unsafe_html(nodes), *http_calls(nodes), *shell_downloads(nodes), *handlers(scope, nodes),
                *non_atomic_writes(nodes), *unsafe_loads(scope, nodes), *exec_config(nodes),
                *exception_to_client(nodes), *fit_before_split(nodes), *retries(nodes), *polls(nodes),
                *unvalidated_input(nodes), *llm_unguarded(scope, nodes)]
    return [*out, *unbounded_growth(tree), *session_state_growth(tree), *csrf_exempt(tree),
            *airflow_top_level(tree), *no_seed(tree)]
