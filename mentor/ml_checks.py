"""Checks that matter in ML and LLM services, on the Python AST: each is a failure a senior reviewer would raise.

Every scope is checked like a function, the module's own top-level code included (a training script's usual shape).
This module holds the data, artifact and pipeline checks; service_checks.py the web-facing ones, runtime_checks.py
those about long-running state and waits.
"""

from __future__ import annotations

import ast
import re

from . import runtime_checks, service_checks
from .ml_rules import _const, _finding, _kw, _names, scopes
from .smells import FUNCTIONS, Finding, _calls, dotted, own_nodes

HTTP_CALL = re.compile(r"^(requests|httpx)\.(get|post|put|patch|delete|head|request)$")
HTTP_BODY = {"json", "text", "content", "iter_content", "iter_lines"}
STATUS_CHECK = {"raise_for_status", "status_code", "ok", "status"}
SAVE_CALLS = {"torch.save", "joblib.dump", "pickle.dump", "np.save", "numpy.save", "dill.dump", "cloudpickle.dump"}
STATE_PATH = re.compile(r"ckpt|checkpoint|state|model|weights|\.pt\b|\.pth\b|\.pkl\b|\.joblib\b|best|last", re.I)
ATOMIC = re.compile(r"(^|\.)(replace|rename|move)$")
LOADS = {"pickle.load", "pickle.loads", "torch.load", "joblib.load", "dill.load", "cloudpickle.load",
         "pd.read_pickle", "pandas.read_pickle", "yaml.load"}
TRANSFORMER = re.compile(r"(Scaler|Encoder|Vectorizer|Imputer|PCA|Normalizer|Binarizer|Discretizer|"
                         r"Transformer|SelectKBest|TruncatedSVD)$")
LOG_ERROR = {"error", "exception", "critical", "warning", "warn"}
SUCCESS = {True, "success", "ok", "OK", "done", "Success", "SUCCESS", 200, 0}
EMPTY = (None, False, 0, "", 0.0)
SEEDS = re.compile(r"(^|\.)(seed|manual_seed|manual_seed_all|seed_everything|set_seed|set_random_seed)$")
TRAINING = re.compile(r"(^|\.)(fit|backward|train_test_split|fit_transform)$")


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
    sv, rt = service_checks, runtime_checks
    out = []
    for _name, scope, _body in scopes(tree):
        nodes = list(own_nodes(scope))
        out += [*sv.unsafe_html(nodes), *http_calls(nodes), *shell_downloads(nodes), *handlers(scope, nodes),
                *non_atomic_writes(nodes), *unsafe_loads(scope, nodes), *exec_config(nodes),
                *sv.exception_to_client(nodes), *fit_before_split(nodes), *rt.retries(nodes), *rt.polls(nodes),
                *sv.unvalidated_input(nodes), *rt.llm_unguarded(scope, nodes)]
    return [*out, *rt.unbounded_growth(tree), *rt.session_state_growth(tree), *sv.csrf_exempt(tree),
            *airflow_top_level(tree), *no_seed(tree)]
