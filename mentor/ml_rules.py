"""Shared parts of the ML/LLM-service checks (ml_checks, service_checks, runtime_checks): the suggested fix per
rule, scopes, and small AST helpers."""

from __future__ import annotations

import ast
import re

from .findings import FUNCTIONS, Finding, dotted

# a call to a model provider: both OpenAI SDK generations (`client.chat.completions.create`,
# `openai.ChatCompletion.create`), Anthropic's messages, LangChain-style runnables
LLM_CALL = re.compile(r"(\.(chat\.completions|completions|messages|responses|embeddings)\.create|"
                      r"(^|\.)(ChatCompletion|Completion|Embedding)\.a?create|\.generate_content|"
                      r"^ollama\.(chat|generate|embeddings)|^\w*(llm|agent|chain|executor|qa|query_engine|chat_engine)\w*"
                      r"\.(invoke|run|predict|ainvoke|arun|stream|query|chat|generate_content))$")

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
    "ml:cors-any-origin": "List the exact origins that may call the API "
                          "(`allow_origins=[\"https://app.example.com\"]`); keep `*` only for public, cookie-free "
                          "endpoints.",
    "ml:argparse-type": "Use `action=\"store_true\"` (or `argparse.BooleanOptionalAction`) for flags, and give each "
                        "option a default of its own `type` (`type=int, default=-1`), or no type and a typed default.",
    "ml:argparse-env-default": "Default to `os.environ.get(\"SM_MODEL_DIR\")` and check after parsing "
                               "(`parser.error(\"--model-dir or SM_MODEL_DIR is required\")`), so the option works "
                               "wherever the variable is unset.",
    "ml:thread-loop-unguarded": "Catch and log inside the loop (`except Exception: logger.exception(...)`, then carry "
                                "on), so one failure costs one iteration, not the thread; make it `daemon=True` or "
                                "give it a stop event so shutdown does not wait on it.",
    "ml:airflow-ignored-arg": "Pass `catchup`, `schedule` and `schedule_interval` to `DAG(...)` itself; `default_args` "
                              "only reaches the tasks, which ignore them.",
    "ml:llm-unguarded": "Wrap the model call: catch the SDK's rate-limit, timeout and connection errors, retry the "
                        "retryable ones with backoff, and show a degraded answer or a clear error instead of a crash.",
    "ml:eval-with-gradients": "Wrap evaluation in `with torch.no_grad():` (or `torch.inference_mode()`, or decorate "
                              "the evaluation function with it); keep `.eval()` for dropout and batch norm.",
    "ml:possibly-unbound": "Give the name a value on every path before the branch or loop (`path = None`, then test "
                           "it), or fail clearly on the path that has none (`else: raise ...`).",
    "ml:call-arity": "Call it the way it is defined (every required argument, no extra ones), and add a test that "
                     "runs this path: the first caller to reach it today gets a TypeError.",
    "ml:unused-option": "Make the option do what its name says (pass it on to the call it is meant to change), or "
                        "remove it so no caller or user relies on it.",
    "ml:no-seed": "Seed every source of randomness once at start-up (`random.seed`, `np.random.seed`, "
                  "`torch.manual_seed`, `random_state=` in splits and models) and log the seed with the run.",
    "ml:blocking-in-async": "Use the async equivalent (`await asyncio.sleep`, `httpx.AsyncClient`, `aiohttp`, "
                            "`asyncio.create_subprocess_exec`), or move the call to a thread with `await "
                            "asyncio.to_thread(...)`.",
    "ml:unbounded-fanout": "Bound the concurrency: wrap each call in `async with semaphore:` (`asyncio.Semaphore(8)`), "
                           "or feed a fixed pool of workers from an `asyncio.Queue`.",
    "ml:missing-auth": "Check identity before changing state: an auth decorator or dependency (`@login_required`, "
                       "`Depends(get_current_user)`, an API-key check in `before_request`), and authorise the action "
                       "for that user.",
    "ml:unbounded-payload": "Bound every request: `Field(max_length=...)` / `conlist(..., max_length=...)` on list "
                            "fields, a size limit on uploads (`MAX_CONTENT_LENGTH`, or check the size and stream to "
                            "disk), and a 413 past it.",
    "ml:unclosed-client": "Use it as a context manager (`with connect(...) as conn:`, `async with "
                          "aiohttp.ClientSession() as session:`) or close it in `finally`; or build one at start-up "
                          "and close it at shutdown.",
    "ml:load-per-request": "Load it once: at start-up (a module-level or lifespan-built object in a service) or "
                           "behind `@st.cache_resource` in Streamlit, and pass it to the handler.",
    "ml:path-traversal": "Never use the client's file name as a path: store under a generated name (`uuid4().hex`) or "
                         "pass it through `werkzeug.utils.secure_filename`, and check the resolved path stays inside "
                         "the upload folder.",
    "ml:dangerous-opt-in": "Leave the check on: pin and vet the model revision instead of `trust_remote_code`, rebuild "
                           "indexes instead of unpickling them, keep TLS verification and `weights_only=True`.",
    "ml:no-truncation": "Pass `truncation=True` (and `max_length=` the model's limit), or chunk long texts before "
                        "tokenising.",
    "ml:main-only-global": "Build it at import time (module level, or the framework's start-up hook: a FastAPI "
                           "lifespan, Flask's app factory); keep `if __name__ == \"__main__\":` for `app.run()`.",
    "ml:removed-api": "Move to the current API (the message names it) and pin the versions you tested with "
                      "(`requirements.txt` / `pyproject.toml`), so an install tomorrow gets the same libraries.",
    "ml:version-as-text": "Compare parsed versions: `packaging.version.Version(torch.__version__) >= Version(\"2\")`.",
    "ml:eval-drop-last": "Keep `drop_last=False` (the default) for validation and test loaders, so every held-out "
                         "example is scored; `drop_last` belongs to the training loader.",
    "ml:warnings-ignored": "Filter only what you mean to hide, by category and module "
                           "(`warnings.filterwarnings(\"ignore\", category=UserWarning, module=\"torchvision\")`), "
                           "or inside `with warnings.catch_warnings():` around the one noisy call.",
    "ml:event-loop-in-method": "Make the method `async def` and await it from async callers; for synchronous "
                               "callers keep a thin wrapper at the entry point (`asyncio.run(obj.method())`), or run "
                               "the coroutine on a loop owned by a background thread.",
    "ml:eval-mode-training": "Call `model.train()` before the training loop (and `model.eval()` before each "
                             "evaluation), or use the Trainer, which switches modes itself.",
    "ml:public-share": "Drop `share=True` (keep the app on localhost or behind your own proxy), or give it a login: "
                       "`launch(share=True, auth=(user, password))` with credentials from the environment.",
    "ml:gather-all-or-nothing": "Pass `return_exceptions=True` and handle each result (`isinstance(r, Exception)`), "
                                "or catch per item inside the task; save results as they arrive so a late failure "
                                "loses nothing.",
    "ml:exit-in-helper": "Raise an exception (a `ValueError` or your own error type) and let the entry point decide "
                         "whether to exit; `sys.exit` belongs in `main`.",
    "ml:unchecked-setting": "Read settings once at start-up into a typed config (pydantic-settings, or a dataclass "
                            "with `os.environ[\"NAME\"]`) and stop with a clear message naming what is missing.",
    "ml:retry-forever": "Give every retry a stop: `@backoff.on_exception(backoff.expo, RateLimitError, max_tries=6, "
                        "max_time=120)`, or tenacity's `stop=stop_after_attempt(6) | stop_after_delay(120)`, then let "
                        "the error surface.",
    "ml:prefix-containment": "Compare whole path parts: `Path(path).resolve().is_relative_to(base.resolve())`, or "
                             "`os.path.commonpath([base, path]) == base`.",
    "ml:exit-status-zero": "Exit with a failure status on an error path: `sys.exit(\"what went wrong\")` (status 1) "
                           "or `raise SystemExit(1)`, so a scheduler or shell pipeline sees the failure.",
    "ml:iterator-read-twice": "Materialise it once (`params = list(model.named_parameters())`), or call the "
                              "function again for each pass.",
    "ml:jsonl-without-lines": "Pass `lines=True` (`df.to_json(path, orient=\"records\", lines=True)`, "
                              "`pd.read_json(path, lines=True)`), or name the file `.json`.",
    "ml:session-key-mismatch": "Test and set the same key, named once: `KEY = \"messages\"`, or "
                               "`st.session_state.setdefault(\"messages\", [...])`.",
    "ml:local-time": "Keep datetimes timezone-aware (`datetime.fromtimestamp(ts, tz=UTC)`) and convert with "
                     "`dt.timestamp()`; never round-trip through `timetuple()`/`mktime`.",
    "ml:chained-inplace": "Assign the result back: `df[col] = df[col].fillna(0)` (or `df.fillna({col: 0})`).",
    "ml:shared-upload-path": "Write each upload to its own temporary file (`tempfile.NamedTemporaryFile(suffix="
                             "\".pdf\")` or a per-request `uuid4()` name) and delete it when done.",
    "ml:airflow-dynamic-start": "Give the DAG a fixed `start_date` (`pendulum.datetime(2024, 1, 1, tz=\"UTC\")`) and "
                                "`catchup=False` if past runs are not wanted; never compute it from the clock.",
    "ml:client-per-request": "Build the client once at start-up (module level, an app factory or a FastAPI lifespan) "
                             "and reuse it in every request: clients are thread-safe and pool their connections.",
    "ml:wait-no-timeout": "Pass a timeout (`future.result(timeout=10)`) and answer 503/504 when it expires; or hand "
                          "the work to a queue and answer 202 at once.",
    "ml:timing-compare": "Compare secrets in constant time: `hmac.compare_digest(given, expected)` (`secrets."
                         "compare_digest`); and send tokens in a header, not the query string, which ends up in logs.",
    "ml:score-on-labels": "Pass scores, not labels: `roc_auc_score(y, model.predict_proba(X)[:, 1])` (or "
                          "`decision_function`); keep `.predict` for threshold metrics such as precision and recall.",
    "ml:http-error-swallowed": "Let the HTTP error through: `except HTTPException: raise` before the broad handler, "
                               "or keep the `try` around only the call that can fail with an unexpected error.",
    "ml:template-from-fstring": "Keep the template a plain string with placeholders and pass the text as a "
                                "variable (`input_variables`, `.partial(summary=...)`, or "
                                "`invoke({\"summary\": ...})`).",
    "ml:train-unshuffled": "Pass `shuffle=True` to the training DataLoader (or a `RandomSampler` / "
                           "`DistributedSampler`, with `set_epoch` each epoch); keep evaluation loaders in order.",
    "ml:stream-unclosed": "Use the response as a context manager (`with requests.post(..., stream=True) as r:`) or "
                          "close it in `finally`, so the connection is released on every path.",
    "ml:user-key-in-process": "Keep a visitor's key in their session (`st.session_state`, `gr.State`) and pass it to "
                              "the client built for that session (`OpenAI(api_key=key)`); never put it in "
                              "`os.environ` or a module-level setting.",
    "ml:exposed-no-auth": "Bind to `127.0.0.1` unless others must reach it; if they must, put it behind a login "
                          "(Gradio `auth=`, an API-key dependency, or a reverse proxy with authentication).",
    "ml:cwd-relative-path": "Build paths from the file's own folder (`Path(__file__).parent / \"images\" / "
                            "\"header.png\"`) or from a setting, so the code finds its files wherever it is started.",
    "ml:signing-key-literal": "Read the key from the environment or a secrets manager at start-up "
                              "(`app.config[\"SECRET_KEY\"] = os.environ[\"SECRET_KEY\"]`), generated with "
                              "`secrets.token_hex(32)`, and rotate the one that was committed.",
    "ml:credential-logged": "Log that the credential is set (or its last four characters), never the value; if it "
                            "was logged, rotate it.",
    "ml:cache-not-applied": "Put the decorator on the function it should cache (`@st.cache_data` on the line above "
                            "`def load_table(...)`), and check a second call returns at once.",
    "ml:failure-as-200": "Answer failures with their status: `return jsonify(error=\"...\"), 500` (Flask), "
                         "`raise HTTPException(400, \"message is required\")` (FastAPI), 400 for bad input, 5xx for "
                         "the server's own errors.",
    "ml:retry-no-backoff": "Back off exponentially with jitter (`time.sleep(min(cap, base * 2 ** attempt) + "
                           "random.random())`) or use `tenacity`/the SDK's retries; fixed-interval retries hammer an "
                           "overloaded service.",
}

# a name that says the data is held out: `X_val`, `test_df`, `valid_loader`, `dataset["validation"]`
HELD_OUT = re.compile(r"(?<![a-z])(val|valid|validation|test|eval|evaluation|dev|holdout)(?![a-z])", re.I)


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


def imported_names(tree: ast.Module) -> dict[str, str]:
    """Local name -> full name for module imports (`from requests import get` -> {"get": "requests.get"},
    `import requests as rq` -> {"rq": "requests"}), so a check can read `get(url)` as `requests.get(url)`."""
    out = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.update({a.asname or a.name: f"{node.module}.{a.name}" for a in node.names})
        elif isinstance(node, ast.Import):
            out.update({a.asname: a.name for a in node.names if a.asname})
    return out


def imports_module(nodes, module: str) -> bool:
    """Whether an import among `nodes` (the module's top level, or all of it) names `module` (`import gradio as gr`,
    `from airflow.decorators import dag`)."""
    return any(isinstance(n, (ast.Import, ast.ImportFrom)) and module in ast.unparse(n) for n in nodes)


def qualified(call: ast.Call, imports: dict[str, str]) -> str:
    """The call's dotted name with its first part resolved through the module's imports."""
    return qualified_name(dotted(call.func), imports)


def qualified_name(name: str, imports: dict[str, str]) -> str:
    """A dotted name with its first part resolved through the module's imports (`retry` -> `tenacity.retry`)."""
    head, _, rest = name.partition(".")
    full = imports.get(head)
    return (full + ("." + rest if rest else "")) if full else name


def llm_calls(nodes) -> list[ast.Call]:
    """Calls to a model API (OpenAI/Anthropic SDKs, LangChain-style `llm.invoke`)."""
    return [c for c in nodes if isinstance(c, ast.Call) and LLM_CALL.search(dotted(c.func) or ast.unparse(c.func))]
