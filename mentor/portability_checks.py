"""Checks that the code still runs where it is deployed: library APIs that current releases have removed, version
strings compared as text, helpers that end the whole process, and settings read from the environment that nothing
checks. Each fails away from the author's machine: a fresh install, another worker, another caller.
"""

from __future__ import annotations

import ast
import re

from .findings import EXITS, FUNCTIONS, Finding, call_nodes, dotted
from .ml_rules import _finding, _kw, imports_module

# (module prefix or module.name imported, what replaced it, the release that removed it): library facts, kept as data
REMOVED_IMPORTS = [
    ("sklearn.externals", "`import joblib` directly", "scikit-learn 0.23"),
    ("sklearn.cross_validation", "`sklearn.model_selection`", "scikit-learn 0.20"),
    ("sklearn.grid_search", "`sklearn.model_selection`", "scikit-learn 0.20"),
    ("tensorflow.contrib", "TF2 APIs (`tf.keras`, addons)", "TensorFlow 2.0"),
    ("airflow.operators.python_operator", "`airflow.operators.python`", "Airflow 3 (deprecated since 2.0)"),
    ("airflow.operators.bash_operator", "`airflow.operators.bash`", "Airflow 3 (deprecated since 2.0)"),
    ("airflow.operators.dummy_operator", "`airflow.operators.empty.EmptyOperator`", "Airflow 3 (deprecated since 2.0)"),
    ("airflow.operators.postgres_operator", "the postgres provider's operators", "Airflow 3 (deprecated since 2.0)"),
    ("airflow.contrib", "the provider packages", "Airflow 3 (deprecated since 2.0)"),
    ("airflow.providers.amazon.aws.operators.glue.AwsGlueJobOperator", "`GlueJobOperator`", "the Amazon provider"),
    ("airflow.providers.amazon.aws.operators.glue_crawler.AwsGlueCrawlerOperator", "`GlueCrawlerOperator`",
     "the Amazon provider"),
    ("peft.prepare_model_for_int8_training", "`prepare_model_for_kbit_training`", "current peft releases"),
    ("openai.error", "the exception classes on `openai` (`openai.RateLimitError`)", "openai 1.0"),
    ("langchain.llms", "`langchain_community.llms` or the provider package", "LangChain 1.0"),
    ("langchain.chat_models", "the provider package (`langchain_openai`)", "LangChain 1.0"),
    ("langchain.embeddings", "the provider package (`langchain_openai`)", "LangChain 1.0"),
    ("langchain.vectorstores", "`langchain_community.vectorstores`", "LangChain 1.0"),
    ("langchain.document_loaders", "`langchain_community.document_loaders`", "LangChain 1.0"),
    # LangChain 1.0 keeps only create_agent in langchain.agents; legacy agents, chains, retrievers, indexes and the hub
    # moved to the langchain-classic package
    *((f"langchain.agents.{name}", "`create_agent` from `langchain.agents` (or `langchain_classic.agents`)",
       "LangChain 1.0")
      for name in ("initialize_agent", "AgentType", "AgentExecutor", "load_tools")),
    *((f"langchain.{name}", f"`langchain_classic.{name}` (or LCEL runnables and `create_agent`)", "LangChain 1.0")
      for name in ("chains", "retrievers", "indexes", "hub")),
    ("gradio.Box", "`gr.Group`", "Gradio 4"),
    ("datasets.load_metric", "`evaluate.load` from the evaluate package", "datasets 3.0"),
    *((name, "`torch.optim.AdamW`", "transformers 4.50") for name in ("transformers.AdamW",
                                                                     "transformers.optimization.AdamW")),
]
# standard-library modules removed by PEP 632 (Python 3.12), PEP 594 (Python 3.13) and the 3.12 release notes
REMOVED_STDLIB = {
    "distutils": ("Python 3.12", "`shutil` (`shutil.copytree(..., dirs_exist_ok=True)`) or setuptools"),
    "imp": ("Python 3.12", "`importlib`"),
    **dict.fromkeys(("asynchat", "asyncore"), ("Python 3.12", "`asyncio`")),
    "smtpd": ("Python 3.12", "the `aiosmtpd` package"),
    "cgi": ("Python 3.13", "`email.message` for headers and `urllib.parse` for queries"),
    "pipes": ("Python 3.13", "`shlex.quote` and `subprocess`"),
    "imghdr": ("Python 3.13", "Pillow or `filetype`"),
    "telnetlib": ("Python 3.13", "a maintained package such as `telnetlib3`"),
    "crypt": ("Python 3.13", "`hashlib` or `passlib`"),
    **dict.fromkeys(("cgitb", "mailcap", "nntplib", "sndhdr", "uu", "xdrlib", "audioop", "chunk", "msilib", "nis",
                     "ossaudiodev", "spwd", "sunau", "aifc", "lib2to3"), ("Python 3.13", "a maintained package")),
}
REMOVED_IMPORTS += [(module, instead, release) for module, (release, instead) in REMOVED_STDLIB.items()]
REMOVED_CALLS = [  # (dotted-name pattern, what replaced it, the release that removed it)
    (re.compile(r"^openai\.(ChatCompletion|Completion|Embedding|Image|Moderation)\.a?create$"),
     "a client (`OpenAI().chat.completions.create`)", "openai 1.0"),
    (re.compile(r"^(np|numpy)\.(float|int|bool|object|str|complex)$"), "the builtin (`float`, `int`...)",
     "NumPy 1.24"),
]
# (the call, the keyword argument it no longer takes, what replaced it, the release that removed it)
REMOVED_KEYWORDS = [
    (re.compile(r"(^|\.)(Seq2Seq)?TrainingArguments$"), "evaluation_strategy", "`eval_strategy`",
     "transformers 4.46 (deprecated in 4.41)"),
]
VERSION = re.compile(r"(^|\.)(__version__|version)$|^sys\.version$|^platform\.python_version\(\)$")
# version attributes that are objects comparing as parsed versions: torch's TorchVersion (since torch 1.10)
VERSION_OBJECTS = {"torch.__version__"}
ENV_READ = re.compile(r"^(os\.getenv|os\.environ\.get)$")


def removed_apis(tree: ast.Module) -> list[Finding]:
    """Imports and calls of library APIs that current releases no longer have: with unpinned dependencies, a fresh
    install fails at import or on the first call. Adjacent import lines are one finding."""
    hits = []
    # `import peft` / `import tensorflow as tf`: local name -> module, to read `peft.x` as the module's name `x`
    modules = {a.asname or a.name: a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
               if "." not in a.name or a.asname}
    inner = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            entry = next((e for e in REMOVED_IMPORTS if name == e[0] or name.startswith(e[0] + ".")), None)
            if entry:
                hits.append((node, name, *entry[1:]))
                break
        if isinstance(node, ast.Attribute) and id(node) not in inner and dotted(node).split(".")[0] in modules:
            # a removed name used through its module (`import peft; peft.prepare_model_for_int8_training(m)`)
            used = ".".join(filter(None, [modules[dotted(node).split(".")[0]], *dotted(node).split(".")[1:]]))
            entry = next((e for e in REMOVED_IMPORTS if "." in e[0] and (used == e[0] or used.startswith(e[0] + "."))),
                         None)
            if entry:
                hits.append((node, entry[0], *entry[1:]))
        if isinstance(node, (ast.Call, ast.Attribute)):
            target = dotted(node.func if isinstance(node, ast.Call) else node)
            entry = next((e for e in REMOVED_CALLS if e[0].match(target)), None)
            if entry and not (isinstance(node, ast.Attribute) and entry is REMOVED_CALLS[0]):
                hits.append((node, target, *entry[1:]))
            if isinstance(node, ast.Call):
                hits += [(kw, f"{target.split('.')[-1]}({kw.arg}=...)", instead, release)
                         for pattern, arg, instead, release in REMOVED_KEYWORDS if pattern.search(target)
                         for kw in node.keywords if kw.arg == arg]
    if imports_module(tree.body, "gradio"):
        hits += [(c, ".style(...)", "the component's own arguments", "Gradio 4")
                 for c in call_nodes(ast.walk(tree)) if isinstance(c.func, ast.Attribute) and c.func.attr == "style"]
        hits += [(kw, "queue(concurrency_count=...)", "`default_concurrency_limit`", "Gradio 4")
                 for c in call_nodes(ast.walk(tree)) if isinstance(c.func, ast.Attribute) and c.func.attr == "queue"
                 for kw in c.keywords if kw.arg == "concurrency_count"]
    block = _import_block(tree)
    groups: list[list[tuple]] = []  # one library's adjacent imports (or one import block) are one finding
    for hit in sorted(hits, key=lambda h: h[0].lineno):
        last = groups[-1][-1] if groups else None
        if last is not None and hit[3].split()[0] == last[3].split()[0] and (
                hit[0].lineno <= (last[0].end_lineno or last[0].lineno) + 2
                or (hit[0].lineno in block and groups[-1][0][0].lineno in block)):
            groups[-1].append(hit)
        else:
            groups.append([hit])
    return [_removed_finding(group) for group in groups]


def _removed_finding(group: list[tuple]) -> Finding:
    """The finding for one group of (node, name, what replaced it, release): each name once, and the replacement
    named only when it is the same for all of them."""
    node, _, instead, release = group[0]
    names = list(dict.fromkeys(name for _, name, _, _ in group))
    said = f"`{names[0]}` is" if len(names) == 1 else f"`{names[0]}` (and {', '.join(f'`{n}`' for n in names[1:])}) are"
    if len({i for _, _, i, _ in group}) > 1:
        instead = "what replaced each (see the release's migration guide)"
    message = f"{said} gone in {release}: with unpinned dependencies a fresh install fails here; use {instead} and " \
              "pin the versions"
    if release.startswith("Python "):  # the standard library: no pin helps, the runtime decides
        past = said.removesuffix(" is") + " was" if len(names) == 1 else said.removesuffix(" are") + " were"
        message = f"{past} removed from the standard library in {release}: on a current Python this fails at " \
                  f"import; use {instead}"
    return _finding(node, "ml:removed-api", "reliability", message,
                    end=max(n.end_lineno or n.lineno for n, _, _, _ in group))


def _import_block(tree: ast.Module) -> set[int]:
    """Lines of the module's first run of import statements (comments and docstrings between them allowed)."""
    lines, started = set(), False
    for s in tree.body:
        if isinstance(s, (ast.Import, ast.ImportFrom)):
            started = True
            lines |= set(range(s.lineno, (s.end_lineno or s.lineno) + 1))
        elif started and not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)):
            break
    return lines


def version_compared_as_text(tree: ast.Module) -> list[Finding]:
    """`transformers.__version__ >= "4.30"`: strings compare character by character, so "10.0" < "9.1"."""
    out = []
    for cmp in (n for n in ast.walk(tree) if isinstance(n, ast.Compare)):
        sides = [cmp.left, *cmp.comparators]
        ordered = any(isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE)) for op in cmp.ops)
        named = [dotted(s) or ast.unparse(s) for s in sides]
        if ordered and any(VERSION.search(n) and n not in VERSION_OBJECTS for n in named) and any(
                isinstance(s, ast.Constant) and isinstance(s.value, str) for s in sides):
            out.append(_finding(cmp, "ml:version-as-text", "correctness", f"`{ast.unparse(cmp)[:50]}` compares "
                                "version strings as text, character by character: \"10.0\" sorts before \"9.1\""))
    return out


def warnings_silenced(tree: ast.Module) -> list[Finding]:
    """`warnings.filterwarnings("ignore")` / `simplefilter("ignore")` with no category, module or message: every
    warning of the process is hidden, including the deprecation warnings that announce the next removal and the
    numerical and truncation warnings of a training run. A filter scoped by category or module, or one inside
    `warnings.catch_warnings()`, is deliberate."""
    scoped = {id(n) for w in ast.walk(tree) if isinstance(w, ast.With) and any(
        dotted(i.context_expr.func if isinstance(i.context_expr, ast.Call) else i.context_expr).endswith(
            "catch_warnings") for i in w.items) for n in ast.walk(w)}
    out = []
    for call in call_nodes(ast.walk(tree)):
        name = dotted(call.func)
        if (name in ("warnings.filterwarnings", "warnings.simplefilter", "filterwarnings", "simplefilter")
                and id(call) not in scoped and call.args and isinstance(call.args[0], ast.Constant)
                and call.args[0].value == "ignore" and len(call.args) == 1
                and not any(k.arg in ("category", "module", "message") for k in call.keywords)):
            out.append(_finding(call, "ml:warnings-ignored", "reliability", f"`{ast.unparse(call)[:50]}` hides every "
                                "warning the process raises, including the deprecation warnings that announce the "
                                "next removal and the numerical and truncation warnings of a run: filter by "
                                "category or module instead"))
            break
    return out


FRAMES = re.compile(r"^(pd|pandas)\.(DataFrame|read_\w+|concat|merge|json_normalize)$")


def dataframe_append(tree: ast.Module) -> list[Finding]:
    """`df.append(...)` on a pandas DataFrame: removed in pandas 2.0 (deprecated in 1.4), so it raises
    AttributeError on a current install; it also always returned a new frame, so a bare `df.append(row)` never
    changed `df`."""
    frames = {t.id for n in ast.walk(tree) if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call)
              and FRAMES.match(dotted(n.value.func)) for t in n.targets if isinstance(t, ast.Name)}
    bare = {id(s.value) for s in ast.walk(tree) if isinstance(s, ast.Expr)}
    out = []
    for call in (c for c in call_nodes(ast.walk(tree)) if isinstance(c.func, ast.Attribute) and c.func.attr == "append"
                 and isinstance(c.func.value, ast.Name) and c.func.value.id in frames):
        lost = ("; and it returns a new frame, so this line would not change "
                f"`{call.func.value.id}` anyway") if id(call) in bare else ""
        out.append(_finding(call, "ml:removed-api", "reliability", f"`DataFrame.append` is gone in pandas 2.0 "
                            "(deprecated in 1.4): with unpinned dependencies this raises AttributeError; use "
                            f"`pd.concat` and pin the versions{lost}"))
    return out


def exits_in_helpers(tree: ast.Module) -> list[Finding]:
    """`exit()` inside a helper function: it ends the whole process for every caller (a server, a test, a
    notebook) instead of raising an error the caller can handle. A `main` function may end the program, and in a
    function run on a worker thread (a `Thread` target, work given to an executor, or what those call) `exit()` only
    raises `SystemExit` in that thread, so the claim does not hold there."""
    out = []
    threaded = _run_on_threads(tree)
    for func in (n for n in ast.walk(tree) if isinstance(n, FUNCTIONS) and n.name not in ("main", "cli", "run")
                 and n.name not in threaded):
        for call in (c for c in call_nodes(ast.walk(func)) if dotted(c.func) in EXITS):
            out.append(_finding(call, "ml:exit-in-helper", "reliability", f"`{dotted(call.func)}()` inside "
                                f"`{func.name}` ends the whole process for whoever calls it: raise an error and let "
                                "the entry point decide"))
            break
    return out


def exits_reporting_success(tree: ast.Module) -> list[Finding]:
    """`exit()` with no status (or 0) on an error path: inside an `except`, or in a branch taken when a check fails
    (`if not ...`, `not in`, `is None`) that reports it first. The process ends with status 0, which a scheduler,
    CI job or shell `&&` reads as success. Helper functions are left to `exits_in_helpers`."""
    helpers = {id(n) for f in ast.walk(tree) if isinstance(f, FUNCTIONS) and f.name not in ("main", "cli", "run")
               for n in ast.walk(f)}  # their exits are reported as exits in a helper
    out = []
    for parent in (n for n in ast.walk(tree) if id(n) not in helpers):
        for block in _failure_blocks(parent):
            reported = False
            for stmt in block:
                call = stmt.value if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) else None
                if call is None:
                    continue
                if dotted(call.func) in EXITS and _status_zero(call):
                    if reported or isinstance(parent, ast.ExceptHandler):
                        out.append(_finding(call, "ml:exit-status-zero", "reliability", f"`{ast.unparse(call)}` "
                                            "on a failure path ends the process with status 0: a scheduler, CI job or "
                                            "shell `&&` reads the failure as success"))
                    break
                reported = reported or dotted(call.func) == "print" or dotted(call.func).split(".")[-1] in (
                    "error", "exception", "critical", "warning")
    return out


def _failure_blocks(node) -> list[list[ast.stmt]]:
    """The statement lists of `node` that run when something failed: an `except` body, or the body of an `if`
    whose test is negative (`not x`, `x not in y`, `x is None`, `x == None`)."""
    if isinstance(node, ast.ExceptHandler):
        return [node.body]
    return [node.body] if isinstance(node, ast.If) and _negative(node.test) else []


def _negative(test) -> bool:
    """A test that holds when a check fails: `not x`, `x not in y`, `x is None`, `x == None`, or `or`/`and` of such."""
    if isinstance(test, ast.BoolOp):
        return all(_negative(v) for v in test.values)
    return (isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)) or (
        isinstance(test, ast.Compare) and (isinstance(test.ops[0], ast.NotIn) or (
            isinstance(test.ops[0], (ast.Is, ast.Eq)) and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value is None)))


def _status_zero(call: ast.Call) -> bool:
    """`exit()`, `sys.exit(0)`, `sys.exit(None)`: a call that ends the process reporting success."""
    if not call.args:
        return True
    arg = call.args[0]
    return isinstance(arg, ast.Constant) and arg.value in (0, None) and not isinstance(arg.value, bool)


def _run_on_threads(tree: ast.Module) -> set[str]:
    """The module's functions that run on worker threads: `Thread(target=f)`, `pool.submit(f, ...)`,
    `pool.map(f, ...)`, and the module's functions those call, transitively."""
    funcs = {n.name: n for n in ast.walk(tree) if isinstance(n, FUNCTIONS)}
    todo = set()
    for c in call_nodes(ast.walk(tree)):
        name = dotted(c.func).rsplit(".", 1)[-1]
        pooled = isinstance(c.func, ast.Attribute) and name in ("submit", "map") and c.args  # not the builtin map
        target = _kw(c, "target") if name == "Thread" else c.args[0] if pooled else None
        if isinstance(target, ast.Name) and target.id in funcs:
            todo.add(target.id)
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        seen.add(name)
        todo |= {n for c in call_nodes(ast.walk(funcs[name])) if (n := dotted(c.func)) in funcs} - seen
    return seen


def local_time(tree: ast.Module) -> list[Finding]:
    """`time.mktime(dt.timetuple())` reads a (UTC) datetime as the worker's local time: the result shifts with the
    machine's timezone (ruff's DTZ rules cover `fromtimestamp` and `utcnow`)."""
    return [_finding(c, "ml:local-time", "correctness", f"`{ast.unparse(c)[:50]}` reads the datetime as the machine's "
                     "local time: a UTC timestamp shifts by the worker's offset; use `dt.timestamp()` on an aware "
                     "datetime (or `calendar.timegm`)") for c in call_nodes(ast.walk(tree))
            if dotted(c.func) in ("time.mktime", "mktime") and c.args and "timetuple" in ast.unparse(c.args[0])]


def chained_inplace(tree: ast.Module) -> list[Finding]:
    """`df[col].fillna(0, inplace=True)`: an in-place call on a column taken out of a frame changes a temporary copy
    under pandas' copy-on-write (the default from pandas 3), so the frame keeps its NaNs."""
    return [_finding(c, "ml:chained-inplace", "correctness", f"`{ast.unparse(c)[:50]}` modifies a column selected "
                     "from the frame in place: under copy-on-write (pandas 3) that is a temporary copy, so the frame "
                     "itself is not changed") for c in call_nodes(ast.walk(tree))
            if isinstance(c.func, ast.Attribute) and isinstance(c.func.value, ast.Subscript)
            and isinstance(_kw(c, "inplace"), ast.Constant) and _kw(c, "inplace").value is True]


def unchecked_settings(tree: ast.Module, kind: str) -> list[Finding]:
    """Module-level settings read from the environment with no default and never checked: when one is unset, None
    travels on and fails later, far from the cause, with an obscure error. One finding for the file."""
    if kind not in ("service", "app", "script"):
        return []
    reads = {}
    for s in tree.body:
        if isinstance(s, ast.Assign) and isinstance(s.value, ast.Call) and ENV_READ.match(dotted(s.value.func)) \
                and len(s.value.args) == 1 and not s.value.keywords:
            reads.update({t.id: s for t in s.targets if isinstance(t, ast.Name)})
    checked = {n.id for node in ast.walk(tree) if isinstance(node, (ast.If, ast.Assert, ast.IfExp, ast.BoolOp))
               for n in ast.walk(getattr(node, "test", node)) if isinstance(n, ast.Name)}
    unchecked = [name for name in reads if name not in checked]
    if not unchecked:
        return []
    first, last = reads[unchecked[0]], reads[unchecked[-1]]
    shown = ", ".join(f"`{n}`" for n in unchecked[:4]) + (" ..." if len(unchecked) > 4 else "")
    return [_finding(first, "ml:unchecked-setting", "reliability", f"{shown} read from the environment with no "
                     "default and never checked: an unset variable becomes None and fails later with an obscure "
                     "error; check them at start-up and stop with a clear message", end=last.end_lineno)]


# a file path written relative to the working directory: `data/x.csv`, `../data/x.csv`, `./model.pkl`, `logo.png`
# (an extension starts with a letter: `Qwen2.5-0.5B` is a model name, not a file)
RELATIVE_FILE = re.compile(r"^(\.\.?/)?[\w.-]+(/[\w.-]+)*\.[A-Za-z]\w{1,4}$")
# loaders whose argument is a Hugging Face Hub id (`org/name`) or a path: not a file the code opens itself
HUB_LOADER = re.compile(r"(^|\.)(from_pretrained|snapshot_download|hf_hub_download|load_dataset|pipeline|"
                        r"SentenceTransformer|CrossEncoder)$")


def cwd_relative_paths(tree: ast.Module, kind: str) -> list[Finding]:
    """A file opened by a relative path in code that is not started from its own folder: a Streamlit or Gradio app
    (`streamlit run path/to/app.py` keeps the caller's directory) or an Airflow/Prefect DAG file (run by a worker in
    a directory of its own). The path is resolved against that directory, not the file's, so it fails away from the
    author's shell. One finding for the file, at the first such path."""
    dag = imports_module(tree.body, "airflow") or imports_module(tree.body, "prefect")
    if kind != "app" and not dag:
        return []
    hits = [c for c in call_nodes(ast.walk(tree)) if c.args and isinstance(c.args[0], ast.Constant)
            and isinstance(c.args[0].value, str) and RELATIVE_FILE.match(c.args[0].value)
            and "/" in c.args[0].value and not c.args[0].value.startswith(("http", "/", "~"))
            and not HUB_LOADER.search(dotted(c.func))]
    if not hits:
        return []
    first = min(hits, key=lambda c: c.lineno)
    where = "the worker's working directory" if dag else "the directory the app is started from"
    found = _finding(first, "ml:cwd-relative-path", "reliability", f"`{first.args[0].value}` is a relative path: it is "
                     f"resolved against {where}, not this file's folder, so run from anywhere else the file is not "
                     "found")
    found.also = sorted({c.lineno for c in hits} - {first.lineno})
    return [found]
