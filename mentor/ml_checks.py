"""Checks that matter in ML and LLM services, on the Python AST: each is a failure a senior reviewer would raise.

Every scope is checked like a function, the module's own top-level code included (a training script's usual shape).
This module holds the data, artifact and pipeline checks and runs the others: training_checks.py (seeds, loaders,
train and eval mode), service_checks.py and its neighbours (the web-facing ones), runtime_checks.py (long-running
state and waits) and portability_checks.py (what breaks away from the author's machine).
"""

from __future__ import annotations

import ast
import re

from . import (
    access_checks,
    call_checks,
    credential_checks,
    data_checks,
    flow_checks,
    frameworks,
    load_checks,
    model_input_checks,
    option_checks,
    path_checks,
    portability_checks,
    runtime_checks,
    service_checks,
    status_checks,
    training_checks,
)
from .findings import FUNCTIONS, Finding, call_nodes, decorator_names, dotted, own_nodes
from .ml_rules import HELD_OUT, _const, _finding, _kw, _names, imported_names, imports_module, qualified, scopes
from .review_triage import context_of, route_handler

HTTP_CALL = re.compile(r"^(requests|httpx)\.(get|post|put|patch|delete|head|request)$")
URLOPEN = re.compile(r"^(urllib\.request\.)?urlopen$")
HTTP_BODY = {"json", "text", "content", "iter_content", "iter_lines"}
STATUS_CHECK = {"raise_for_status", "status_code", "ok", "status"}
SAVE_CALLS = {"torch.save", "joblib.dump", "pickle.dump", "np.save", "numpy.save", "dill.dump", "cloudpickle.dump"}
STATE_PATH = re.compile(r"ckpt|checkpoint|state|model|weights|\.pt\b|\.pth\b|\.pkl\b|\.joblib\b|best|last", re.I)
ATOMIC = re.compile(r"(^|\.)(replace|rename|move)$")
LOADS = {"pickle.load", "pickle.loads", "torch.load", "joblib.load", "dill.load", "cloudpickle.load",
         "pd.read_pickle", "pandas.read_pickle", "yaml.load"}
# expressions that carry data from outside the program into it
OUTSIDE_SOURCE = re.compile(r"\brequest\.(files|data|body|json|form|get_data|stream)\b|\bfile_uploader\(|"
                            r"\b(requests|httpx)\.(get|post|request)\(|\burlopen\(|\bUploadFile\b|\.recv\(")
TRANSFORMER = re.compile(r"(Scaler|Encoder|Vectorizer|Imputer|PCA|Normalizer|Binarizer|Discretizer|"
                         r"Transformer|SelectKBest|TruncatedSVD)$")
LOG_ERROR = {"error", "exception", "critical", "warning", "warn"}
SUCCESS = {True, "success", "ok", "OK", "done", "Success", "SUCCESS", 200, 0}
EMPTY = (None, False, 0, "", 0.0)
METRIC = re.compile(r"(^|\.)(accuracy_score|f1_score|precision_score|recall_score|roc_auc_score|log_loss|"
                    r"mean_squared_error|mean_absolute_error|r2_score|classification_report|score|evaluate)$")


def http_calls(nodes, imports: dict[str, str], stall: str = "blocks the caller forever") -> list[Finding]:
    """HTTP calls with no timeout, and responses read without a status check; `from requests import get` and
    `urlopen` (which raises on an error status, but waits forever by default) included."""
    nodes = list(nodes)
    out, checked = [], any(isinstance(n, ast.Attribute) and n.attr in STATUS_CHECK for n in nodes)
    for call in call_nodes(nodes):
        name = qualified(call, imports)
        if URLOPEN.match(name) and _kw(call, "timeout") is None and len(call.args) < 3:
            out.append(_finding(call, "ml:http-no-timeout", "reliability", f"`{name}` has no timeout: a stalled "
                                f"server {stall}"))
            continue
        if not HTTP_CALL.match(name):
            continue
        if name.startswith("requests") and _kw(call, "timeout") is None:
            out.append(_finding(call, "ml:http-no-timeout", "reliability", f"`{name}` has no timeout: a stalled "
                                f"server {stall}"))
        if not checked and any(isinstance(n, ast.Attribute) and n.attr in HTTP_BODY for n in nodes):
            out.append(_finding(call, "ml:http-no-status", "reliability", f"the response of `{name}` is read without "
                                "checking its status: an error page or a 429 is treated as data"))
    return out


# what an unnoticed failure of a shell command that is not a download leaves behind
SHELL_FAILURE = {"pip install": "a failed install goes unnoticed and the code fails later, at an import, far from the "
                                "cause",
                 "git clone": "a failed clone goes unnoticed and the next step runs on a missing or stale checkout"}


def shell_downloads(nodes) -> list[Finding]:
    out = []
    for call in call_nodes(nodes):
        name = dotted(call.func)
        operator = name.split(".")[-1] in ("BashOperator", "SSHOperator")  # Airflow fails the task on a non-zero exit
        if not operator and name not in ("os.system", "subprocess.run", "subprocess.call", "subprocess.Popen",
                                         "subprocess.check_call", "subprocess.check_output", "os.popen"):
            continue
        text = " ".join(n.value for n in ast.walk(call) if isinstance(n, ast.Constant) and isinstance(n.value, str))
        curl = re.search(r"\bcurl\b", text) and not re.search(r"(^|\s)(-\w*f\w*|--fail(-with-body)?)\b", text)
        unchecked = not operator and name in ("os.system", "subprocess.call", "os.popen") or (
            name == "subprocess.run" and not isinstance(_kw(call, "check"), ast.Constant))
        fetch = re.search(r"\b(wget|curl|gsutil|aws s3|git clone|pip install)\b", text)
        if curl or (unchecked and fetch):
            why = "`curl` without `--fail` exits 0 on an HTTP error" if curl else "its exit code is never checked"
            step = fetch.group(1) if fetch and not curl else ""
            if step in SHELL_FAILURE:
                message = f"`{step}` via `{name}`: {why}, so {SHELL_FAILURE[step]}"
            else:
                message = (f"shell download via `{name}`: {why}, so an error page is saved as the data and the "
                           "pipeline carries on")
            out.append(_finding(call, "ml:shell-unchecked", "reliability", message))
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


# calls that put an error in front of the user: a failure shown this way is not mistaken for "no data"
SHOWN = re.compile(r"^(st|streamlit)\.(sidebar\.)?(error|warning|exception|toast)$|^(flask\.)?flash$|"
                   r"^(gr|gradio)\.(Warning|Info)$|messagebox\.show(error|warning)$")


def _shows_error(stmts) -> bool:
    return any(SHOWN.search(dotted(c.func)) for c in call_nodes(n for s in stmts for n in ast.walk(s)))


def handlers(scope, nodes) -> list[Finding]:
    """Errors logged and then reported as success; broad excepts returning an empty default."""
    out = []
    final = scope.body[-1] if getattr(scope, "body", None) else None
    for h in (n for n in nodes if isinstance(n, ast.ExceptHandler)):
        returns = [n for s in h.body for n in ast.walk(s) if isinstance(n, ast.Return)]
        broad = status_checks.is_broad(h)
        if _logs_error(h.body) and not any(isinstance(n, ast.Raise) for s in h.body for n in ast.walk(s)):
            if any(r.value is not None and _success(r.value) for r in returns) or (
                    not _exits(h.body) and isinstance(final, ast.Return) and final.value is not None
                    and _success(final.value)):
                out.append(_finding(h, "ml:log-then-success", "reliability", "the error is logged and then success "
                                    "is returned: callers and schedulers see a failed step as done"))
                continue
        empty = all(r.value is None or (isinstance(r.value, ast.Constant) and r.value.value in EMPTY)
                    or (isinstance(r.value, (ast.List, ast.Dict, ast.Tuple)) and not (
                        getattr(r.value, "elts", None) or getattr(r.value, "keys", None))) for r in returns)
        if broad and returns and empty and len(h.body) <= 3 and not _shows_error(h.body):
            out.append(_finding(h, "ml:except-default", "reliability", "a broad `except` returns an empty default: a "
                                "failure looks like 'no data' to the caller"))
    return out


def non_atomic_writes(nodes, repeated: bool, long_running: bool) -> list[Finding]:
    """Models, checkpoints and state written straight over their file. Raised where an existing copy is at stake:
    a write repeated in a loop (or in a function called from one), a running service, or a file the code also
    loads back; a script's one final save is only noted."""
    nodes = list(nodes)
    if any(isinstance(n, ast.Call) and ATOMIC.search(dotted(n.func)) for n in nodes):
        return []
    loops = [loop for loop in nodes if isinstance(loop, (ast.For, ast.AsyncFor, ast.While))]
    # every node inside a loop -> the names that change from one pass to the next: loop variables and what the loop
    # body assigns (`epoch`, `step`); its keys are the nodes that run on every pass
    varying = {id(x): names for loop, names in reversed([(loop, _pass_names(loop)) for loop in loops])
               for x in ast.walk(loop)}
    loaded = {ast.unparse(c.args[0]) for c in call_nodes(nodes) if dotted(c.func) in LOADS and c.args}
    out = []
    for call in call_nodes(nodes):
        name = dotted(call.func)
        target = call.args[1] if len(call.args) > 1 else _kw(call, "f") or _kw(call, "file")
        model_file = name in ("torch.save", "joblib.dump")  # these write models and checkpoints by nature
        if name not in SAVE_CALLS or target is None or not (model_file or STATE_PATH.search(ast.unparse(target))):
            continue
        shown = ast.unparse(target)[:50]
        if _names(target) & varying.get(id(call), set()):
            continue  # `f"ckpt-epoch{epoch}.pt"`: each pass writes a new file and the earlier ones survive a crash
        if repeated or id(call) in varying:
            why, severity = "it is rewritten on every pass, so a crash or full disk mid-write destroys the last good " \
                            "checkpoint the run would resume from", "warning"
        elif long_running or ast.unparse(target) in loaded:
            why, severity = "a crash or full disk mid-write corrupts the only copy, which this code reads back", \
                            "warning"
        else:
            why, severity = "a crash mid-write leaves a corrupt file (a one-off final save: rerun to recover)", "info"
        out.append(_finding(call, "ml:non-atomic-write", "reliability", f"`{name}` writes straight over `{shown}`: "
                            + why, severity=severity))
    return out


def _pass_names(loop) -> set[str]:
    """The names a loop rebinds on each pass: its target and the names assigned in its body."""
    bound = {t.id for t in ast.walk(loop.target) if isinstance(t, ast.Name)} if isinstance(
        loop, (ast.For, ast.AsyncFor)) else set()
    return bound | {t.id for n in ast.walk(loop) if isinstance(n, (ast.Assign, ast.AugAssign, ast.AnnAssign))
                    for target in (n.targets if isinstance(n, ast.Assign) else [n.target])
                    for t in ast.walk(target) if isinstance(t, ast.Name)}


def called_in_loops(tree: ast.Module) -> set[str]:
    """Names of the functions the module calls from inside a loop (a `save_checkpoint()` in the epoch loop)."""
    loops = (n for n in ast.walk(tree) if isinstance(n, (ast.For, ast.AsyncFor, ast.While)))
    return {dotted(c.func).split(".")[-1] for loop in loops for c in ast.walk(loop) if isinstance(c, ast.Call)}


def tainted_names(scope, nodes) -> set[str]:
    """Names in a scope that hold data from outside the program: a web handler's parameters, request bodies,
    uploads and HTTP responses, and whatever is assigned from them (a literal path, a constant or a CLI argument
    chosen by whoever runs the program is not outside data)."""
    tainted = {a.arg for a in ast.walk(scope.args) if isinstance(a, ast.arg)} - {"self", "cls"} \
        if route_handler(scope) else set()
    flows = []  # (targets, value) for assignments, `with ... as x` and `for x in ...`
    for n in nodes:
        if isinstance(n, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and n.value is not None:
            flows.append((n.targets if isinstance(n, ast.Assign) else [n.target], n.value))
        elif isinstance(n, (ast.With, ast.AsyncWith)):
            flows += [([i.optional_vars], i.context_expr) for i in n.items if i.optional_vars is not None]
        elif isinstance(n, (ast.For, ast.AsyncFor)):
            flows.append(([n.target], n.iter))
    for _ in range(3):  # a few hops of propagation are enough for straight-line handler code
        for targets, value in flows:
            if _outside(value, tainted):
                tainted |= {t.id for target in targets for t in ast.walk(target) if isinstance(t, ast.Name)}
    return tainted


def _outside(value, tainted: set[str]) -> bool:
    text = ast.unparse(value)
    return bool(_names(value) & tainted or OUTSIDE_SOURCE.search(text))


def unsafe_loads(scope, nodes) -> list[Finding]:
    """pickle/torch/joblib loads of data the code shows can come from outside (an upload, a request, a download)."""
    tainted = tainted_names(scope, nodes)
    out = []
    for call in call_nodes(nodes):
        name = dotted(call.func)
        if name not in LOADS or not call.args:
            continue
        if name == "torch.load" and isinstance(_kw(call, "weights_only"), ast.Constant) and \
                _kw(call, "weights_only").value is True:
            continue
        if name == "yaml.load" and "SafeLoader" in ast.unparse(call):
            continue
        source = call.args[0]
        if _const(source) or not _outside(source, tainted):
            continue
        out.append(_finding(call, "ml:unsafe-load", "security", f"`{name}` deserialises `{ast.unparse(source)[:50]}`, "
                            "which comes from outside (a request, an upload or a download): unpickling runs "
                            "arbitrary code", severity="error"))
    return out


def exec_config(nodes) -> list[Finding]:
    out = []
    for call in call_nodes(nodes):
        if dotted(call.func) in ("exec", "eval") and call.args and not _const(call.args[0]):
            out.append(_finding(call, "ml:exec-config", "security", f"`{dotted(call.func)}` runs "
                                f"`{ast.unparse(call.args[0])[:50]}` as code: a config file or argument becomes a "
                                "way to run anything", severity="error"))
    return out


def fit_before_split(nodes) -> list[Finding]:
    nodes = list(nodes)
    splits = [c.lineno for c in call_nodes(nodes) if dotted(c.func).split(".")[-1] == "train_test_split"]
    if not splits:
        return []
    transformers = {ast.unparse(t) for n in nodes if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call)
                    and TRANSFORMER.search(dotted(n.value.func).split(".")[-1]) for t in n.targets}
    out = []
    for call in call_nodes(nodes):
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


def fit_on_test(nodes) -> list[Finding]:
    """A transformer or model fitted on the test or validation set: the held-out score is no longer held out."""
    out = []
    for call in call_nodes(nodes):
        f = call.func
        if isinstance(f, ast.Attribute) and f.attr in ("fit", "fit_transform", "partial_fit") and call.args and \
                HELD_OUT.search(ast.unparse(call.args[0])):
            out.append(_finding(call, "ml:fit-before-split", "reliability", f"`{ast.unparse(f.value)[:40]}` is fitted "
                                f"on `{ast.unparse(call.args[0])[:30]}`: the held-out data shapes the model, so its "
                                "score is optimistic (transform it with what was fitted on the training set)"))
    return out


def train_only_evaluation(tree: ast.Module) -> list[Finding]:
    """Metrics computed on the training data and never on held-out data: the score says nothing about new data."""
    calls = sorted((c for c in ast.walk(tree) if isinstance(c, ast.Call) and METRIC.search(dotted(c.func) or "")),
                   key=lambda c: c.lineno)
    args = [(c, " ".join(ast.unparse(a) for a in [*c.args, *(k.value for k in c.keywords)])) for c in calls]
    fitted = {ast.unparse(c.args[0]) for c in ast.walk(tree) if isinstance(c, ast.Call) and isinstance(
        c.func, ast.Attribute) and c.func.attr == "fit" and c.args}  # `clf.fit(x, y)` then `clf.score(x, y)`
    on_train = [c for c, text in args if re.search(r"train", text, re.I) or (
        c.args and ast.unparse(c.args[0]) in fitted and isinstance(c.func, ast.Attribute) and c.func.attr == "score")]
    if not on_train or any(re.search(r"test|val|holdout|eval|(\b|_)dev(\b|_)", text, re.I) for _, text in args):
        return []
    return [_finding(on_train[0], "ml:fit-before-split", "reliability", f"`{dotted(on_train[0].func)}` scores the "
                     "model on its training data and nothing is scored on held-out data: the figure says nothing "
                     "about how it does on new data")]


def airflow_top_level(tree: ast.Module) -> list[Finding]:
    """Airflow DAG files: Variables read at parse time, and `catchup` put where Airflow ignores it."""
    if not imports_module(tree.body, "airflow"):
        return []
    module = [s for s in tree.body if not isinstance(s, (*FUNCTIONS, ast.ClassDef))]
    # a `@dag` function's own body runs at parse time too (the DAG is built by calling it); its `@task`s do not
    dag_bodies = [s for f in ast.walk(tree) if isinstance(f, FUNCTIONS) and any(
        name.split(".")[-1] == "dag" for name in decorator_names(f))
        for s in f.body if not isinstance(s, (*FUNCTIONS, ast.ClassDef))]
    top, in_dag = (
        [c for c in call_nodes(n for s in stmts for n in ast.walk(s)) if dotted(c.func).endswith("Variable.get")]
        for stmts in (module, dag_bodies))
    reads = sorted(top + in_dag, key=lambda c: c.lineno)
    where = "where the DAG file is parsed" if in_dag else "at the top level of a DAG file"
    out = [_finding(reads[0], "ml:airflow-top-level", "performance", f"{len(reads)} `Variable.get` call"
                    f"{'s' if len(reads) > 1 else ''} {where}: they run on every parse of the "
                    "file and query the metadata database each time", end=reads[-1].end_lineno)] if reads else []
    for s in module:
        if isinstance(s, ast.Assign) and isinstance(s.value, ast.Dict) and "default_args" in ast.unparse(s.targets[0]):
            for key in s.value.keys:
                if isinstance(key, ast.Constant) and key.value in ("catchup", "schedule_interval", "schedule"):
                    out.append(_finding(key, "ml:airflow-ignored-arg", "reliability", f"`{key.value}` inside "
                                        "`default_args` is ignored (it is a DAG argument, not a task argument), so "
                                        "the DAG runs with Airflow's default"))
    return out + _dynamic_start_dates(module)


NOW = re.compile(r"(^|\.)(now|today|utcnow)$")


def _dynamic_start_dates(module: list[ast.stmt]) -> list[Finding]:
    """A DAG's `start_date` computed from the clock when the file is parsed (`datetime.today() - timedelta(1)`): the
    scheduler parses DAG files every few seconds, so the start moves with every parse and runs are scheduled,
    skipped or backfilled unpredictably. Airflow's guidance is a fixed date."""
    nodes = [n for s in module for n in ast.walk(s)]
    clock = {t.id for n in nodes if isinstance(n, ast.Assign) and any(
        isinstance(c, ast.Call) and NOW.search(dotted(c.func)) for c in ast.walk(n.value))
        for t in n.targets if isinstance(t, ast.Name)}

    def dynamic(value: ast.expr) -> bool:
        return any((isinstance(c, ast.Call) and NOW.search(dotted(c.func)))
                   or (isinstance(c, ast.Name) and c.id in clock) for c in ast.walk(value))

    values = [v for n in nodes if isinstance(n, ast.Dict) for k, v in zip(n.keys, n.values, strict=True)
              if isinstance(k, ast.Constant) and k.value == "start_date"]
    values += [k.value for n in nodes if isinstance(n, ast.Call) for k in n.keywords if k.arg == "start_date"]
    return [_finding(v, "ml:airflow-dynamic-start", "reliability", f"`start_date` is `{ast.unparse(v)[:40]}`, computed "
                     "from the clock each time the scheduler parses the file: the start moves with every parse, so "
                     "runs are scheduled, skipped or backfilled unpredictably") for v in values if dynamic(v)][:1]


def public_share(tree: ast.Module) -> list[Finding]:
    """A Gradio app launched with `share=True` and no `auth`: it is published on a public gradio.live link that
    anyone who finds it can use, with the model, the GPU and any API key behind it."""
    if not imports_module(ast.walk(tree), "gradio"):
        return []
    return [_finding(c, "ml:public-share", "security", "`launch(share=True)` publishes the app on a public "
                     "gradio.live link with no `auth`: anyone who has the link uses the model, the GPU and any API "
                     "key behind it") for c in call_nodes(ast.walk(tree))
            if isinstance(c.func, ast.Attribute) and c.func.attr == "launch"
            and isinstance(_kw(c, "share"), ast.Constant) and _kw(c, "share").value is True
            and _kw(c, "auth") is None][:1]


RANKING_METRICS = re.compile(r"(^|\.)(roc_auc_score|average_precision_score|log_loss|brier_score_loss)$")


def score_on_labels(nodes) -> list[Finding]:
    """A ranking or probability metric given hard 0/1 predictions (`roc_auc_score(y, model.predict(X))`): AUC, average
    precision and log loss need scores, so the figure measures one threshold and is not the metric it is named."""
    nodes = list(nodes)
    hard = {t.id for n in nodes if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call)
            and isinstance(n.value.func, ast.Attribute) and n.value.func.attr == "predict"
            for t in n.targets if isinstance(t, ast.Name)}
    out = []
    for call in (c for c in call_nodes(nodes) if RANKING_METRICS.search(dotted(c.func)) and len(c.args) >= 2):
        given = call.args[1]
        if (isinstance(given, ast.Name) and given.id in hard) or (
                isinstance(given, ast.Call) and isinstance(given.func, ast.Attribute) and given.func.attr == "predict"):
            metric = dotted(call.func).rsplit(".", 1)[-1]
            out.append(_finding(call, "ml:score-on-labels", "correctness", f"`{metric}` is given hard predictions "
                                f"(`{ast.unparse(given)[:30]}`, from `.predict`): it needs scores, so the logged "
                                "figure measures a single threshold and is not the metric it is named"))
    return out


PARSED_TYPES = {"str": str, "int": int, "float": float}


def argparse_types(tree: ast.Module) -> list[Finding]:
    """Command-line options whose value is not what the code expects. argparse: `type=bool` makes every non-empty
    string true (`--flag False` is True), and a default of another type than `type=` is not converted (only string
    defaults are), so the code gets one type when the option is left out and another when it is given. click
    converts the default through `type`, so `type=str, default=True` gives the string "True". A default read with
    `os.environ["X"]` is evaluated when the parser is built, so it fails where X is unset even if the option is given
    (SageMaker's `SM_MODEL_DIR` in a script run elsewhere)."""
    out, from_click = [], any(isinstance(n, ast.ImportFrom) and n.module == "click" for n in tree.body)
    for call in (c for c in call_nodes(ast.walk(tree)) if dotted(c.func).split(".")[-1] in ("add_argument", "option")):
        is_click = dotted(call.func).split(".")[-1] == "option"
        if is_click and "click" not in dotted(call.func) and not from_click:
            continue
        kind, default = _kw(call, "type"), _kw(call, "default")
        name = next((a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)), "")
        env = next((n for n in ast.walk(default) if isinstance(n, ast.Subscript)
                    and dotted(n.value) in ("os.environ", "environ")), None) if default is not None else None
        if env is not None:
            out.append(_finding(call, "ml:argparse-env-default", "reliability", f"`{name}` takes its default from "
                                f"`{ast.unparse(env)[:50]}`, which is read when the parser is built: where that "
                                "variable is unset the program stops with a KeyError even when the option is given"))
        elif isinstance(kind, ast.Name) and kind.id == "bool" and not is_click:
            out.append(_finding(call, "ml:argparse-type", "correctness", f"`{name}` has `type=bool`, which turns any "
                                "non-empty string into True: `--flag False` gives True"))
        elif (isinstance(kind, ast.Name) and kind.id in PARSED_TYPES and isinstance(default, ast.Constant)
              and default.value is not None and not isinstance(default.value, str)
              and type(default.value) is not PARSED_TYPES[kind.id]
              and not (kind.id == "float" and type(default.value) is int)):
            got = f"{type(default.value).__name__} {default.value!r}"
            out.append(_finding(call, "ml:argparse-type", "correctness", f"`{name}` has `type={kind.id}` but "
                                f"`default={default.value!r}`: " + (
                                    f"click converts the default through the type, so the code gets the {kind.id} "
                                    f"{PARSED_TYPES[kind.id](default.value)!r}" if is_click else
                                    f"argparse converts only string defaults, so the code gets {got} when the "
                                    f"option is left out and a {kind.id} when it is given")))
    return out


def ml_findings(tree: ast.Module) -> list[Finding]:
    """Every ML/LLM-service check, on each function and on the module's own code."""
    sv, ac, rt, pc, mi = service_checks, access_checks, runtime_checks, portability_checks, model_input_checks
    kind, looped, imports = context_of(tree).kind, called_in_loops(tree), imported_names(tree)
    instances = rt.instances_of(tree)
    clients = rt.async_clients(tree)
    guarded, helpers = rt.guarded_by_callers(tree), rt.blocking_helpers(tree, instances, clients)
    framework, tokenizers = frameworks.framework_of(tree), mi.tokenizers_of(tree)
    markup_free = sv.markup_free_names(tree)
    consequence, stall = frameworks.unhandled_error(framework, kind), frameworks.stalled_call(framework, kind)
    out = []
    for name, scope, _body in scopes(tree):
        nodes = list(own_nodes(scope))
        repeated = isinstance(scope, FUNCTIONS) and name in looped
        out += [*http_calls(nodes, imports, stall), *shell_downloads(nodes), *handlers(scope, nodes),
                *exec_config(nodes),
                *non_atomic_writes(nodes, repeated, kind in ("service", "app")), *unsafe_loads(scope, nodes),
                *fit_before_split(nodes), *fit_on_test(nodes), *data_checks.iterators_read_twice(nodes)]
        out += [*sv.unsafe_html(nodes, markup_free), *sv.exception_to_client(scope, nodes),
                *path_checks.prefix_containment(nodes),
                *sv.unvalidated_input(nodes), *sv.unvalidated_body(scope, nodes),
                *path_checks.path_traversal(scope, nodes), *load_checks.load_per_call(scope, nodes),
                *mi.dangerous_opt_ins(nodes),
                *mi.tokenizer_without_truncation(nodes, tokenizers),
                *path_checks.shared_upload_path(scope, nodes, kind),
                *sv.waits_without_timeout(scope, nodes), *score_on_labels(nodes)]
        out += [*rt.retries(nodes), *rt.polls(nodes),
                *rt.llm_unguarded(scope, nodes, kind != "library", guarded, consequence),
                *rt.blocking_in_async(scope, nodes, helpers, instances, clients), *rt.unclosed_clients(scope, nodes)]
    return [*out, *rt.unbounded_growth(tree, kind == "service"), *rt.session_state_growth(tree),
            *rt.unbounded_fanout(tree), *rt.background_loops(tree), *ac.csrf_exempt(tree),
            *(ac.missing_auth(tree, kind == "service") or ac.exposed_without_auth(tree, kind)),
            *sv.unbounded_payload(tree, kind == "service"), *ac.cors_any_origin(tree),
            *sv.main_only_globals(tree, kind == "service"), *load_checks.load_per_request(tree, kind),
            *ac.timing_unsafe_compare(tree, kind == "service"),
            *airflow_top_level(tree), *training_checks.no_seed(tree, kind == "script"), *train_only_evaluation(tree),
            *training_checks.eval_drop_last(tree), *training_checks.training_loaders_unshuffled(tree),
            *training_checks.eval_mode_training(tree), *training_checks.evaluation_with_gradients(tree),
            *public_share(tree), *status_checks.http_errors_swallowed(tree), *sv.templates_from_fstrings(tree),
            *credential_checks.signing_key_literals(tree, kind), *credential_checks.credentials_logged(tree),
            *load_checks.cache_decorators_called(tree), *status_checks.failures_answered_ok(tree),
            *credential_checks.user_keys_in_process_state(tree, kind),
            *rt.streams_unclosed(tree),
            *rt.gather_all_or_nothing(tree),
            *pc.dataframe_append(tree),
            *argparse_types(tree),
            *pc.removed_apis(tree), *pc.version_compared_as_text(tree), *pc.exits_in_helpers(tree),
            *pc.warnings_silenced(tree), *rt.event_loop_in_methods(tree),
            *pc.unchecked_settings(tree, kind), *pc.cwd_relative_paths(tree, kind), *pc.local_time(tree),
            *pc.chained_inplace(tree), *pc.exits_reporting_success(tree), *rt.retry_forever(tree, imports),
            *data_checks.json_lines_as_one_document(tree),
            *data_checks.session_keys_mismatched(tree),
            *option_checks.unused_parameters(tree), *option_checks.unread_cli_options(tree),
            *option_checks.unread_settings(tree, kind), *option_checks.unread_fields(tree, kind),
            *call_checks.wrong_arity_calls(tree), *flow_checks.possibly_unbound(tree)]
