"""Static checks run beside the AST checks: ruff's lint (a chosen set of rules) and the secret scan
(secret_scan.find_secrets, the redactor's own detector)."""

from __future__ import annotations

import ast
import io
import json
import re
import shutil
import subprocess
import sys
import tokenize
from pathlib import Path

from . import secret_scan
from .findings import FUNCTIONS, Finding
from .ml_rules import _kw

# ruff rules a reviewer would raise that our own checks do not cover: undefined names, mutable defaults, late-bound
# loop variables, eval, shell injection, SQL built from strings, TLS verification off, unsafe YAML, Flask's debugger
# on, Jinja2 without autoescaping, timestamps read as local time (pipelines run on workers in any timezone), a loop
# variable that rebinds the name its iterable came from (`for epoch in range(epoch)`), Airflow APIs that Airflow 3
# removed (ruff's own table: `days_ago`, `schedule_interval`...), and conditions that are always true or false
# (`if "no key" or "401" in msg:`)
RUFF_SELECT = ("F821,F822,F823,F811,B006,B020,B023,S307,S602,S605,S608,S501,S506,S201,S701,DTZ003,DTZ004,DTZ006,"
               "AIR301,SIM222,SIM223")
RUFF_TIMEOUT_S = 30
RUFF_META = {"F": ("error", "reliability"), "B": ("warning", "reliability"), "S": ("warning", "security"),
             "DTZ": ("warning", "correctness"), "AIR": ("warning", "reliability"),
             "SIM": ("warning", "correctness")}
_SECRET_WHAT = {  # rule -> (what it is, where to read it instead); the detector is secret_scan.find_secrets
    "secret:anthropic-key": ("An Anthropic API key", "ANTHROPIC_API_KEY"),
    "secret:openai-key": ("An OpenAI API key", "OPENAI_API_KEY"),
    "secret:aws-key": ("An AWS access key id", "AWS_ACCESS_KEY_ID"),
    "secret:aws-secret": ("An AWS secret access key", "AWS_SECRET_ACCESS_KEY"),
    "secret:private-key": ("A private key", "a vault"),
    "secret:github-token": ("A GitHub or GitLab token", "a secrets manager"),
    "secret:api-key": ("An API key", "a secrets manager"),
    "secret:webhook": ("A webhook URL with its secret", "a secrets manager"),
    "secret:jwt": ("A signed token (JWT)", "a secrets manager"),
    "secret:password": ("A hard-coded password, secret or token", "an environment variable"),
}
_DS_RULES = {"AWS Access Key": "secret:aws-key", "Secret Keyword": "secret:keyword",
             "Private Key": "secret:private-key", "Base64 High Entropy String": "secret:high-entropy",
             "Hex High Entropy String": "secret:high-entropy", "OpenAI Token": "secret:openai-key"}


def _string_spans(code: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(start, end) of every string literal in the code, as (row, column) pairs; empty when it does not tokenise."""
    try:
        return [(t.start, t.end) for t in tokenize.generate_tokens(io.StringIO(code).readline)
                if t.type == tokenize.STRING]
    except (tokenize.TokenError, SyntaxError):
        return []


def ruff_findings(code: str) -> tuple[list[Finding], str]:
    """ruff's lint of the code, run as a subprocess on stdin; a note instead when ruff cannot run."""
    exe = shutil.which("ruff", path=str(Path(sys.executable).parent))
    cmd = [exe] if exe else [sys.executable, "-m", "ruff"]
    cmd += ["check", "--isolated", "--no-cache", "--output-format", "json", "--stdin-filename", "snippet.py",
            "--select", RUFF_SELECT, "--target-version", "py311", "-"]
    try:
        proc = subprocess.run(cmd, input=code, capture_output=True, text=True, timeout=RUFF_TIMEOUT_S, check=False)
        items = json.loads(proc.stdout) if proc.returncode in (0, 1) else None
    except (OSError, subprocess.TimeoutExpired, ValueError) as exc:
        return [], f"ruff did not run ({exc}); its lint checks were skipped."
    if not isinstance(items, list):
        return [], "ruff did not run (" + (proc.stderr.strip().splitlines() or ["no output"])[-1] + ")."
    out, lines = [], code.splitlines()
    quoted = _string_spans(code) if any(i.get("code") == "F821" for i in items) else []
    for item in (i for i in items if i.get("code") and "seems safe" not in i.get("message", "")):
        code_, prefix = item["code"], re.match(r"[A-Z]*", item["code"]).group(0)
        at = (item["location"]["row"], item["location"]["column"] - 1)
        if code_ == "F821" and any(start <= at < end for start, end in quoted):
            continue  # a name inside a string (a forward reference, a pipeline's type name) is never evaluated
        severity, principle = RUFF_META.get(prefix, ("warning", "reliability"))
        fix = (item.get("fix") or {}).get("message")
        row = item["location"]["row"]
        source = lines[row - 1].lstrip() if 0 < row <= len(lines) else ""
        if code_ == "F811" and not source.startswith(("def ", "async def ", "class ")):
            severity = "info"  # a name imported or bound twice is tidiness; a second `def` silently replacing the
            # first is the defect worth raising
        message = item.get("message", code_)
        if code_ == "AIR301":  # said the way the reviewer's own removed-API findings say it
            instead = f"{fix[0].lower()}{fix[1:]} and pin" if fix else "pin"
            message = (message.replace(" is removed in ", " is gone in ") + ": with unpinned dependencies a fresh "
                       f"install fails here; {instead} the versions")
        elif code_ in ("SIM222", "SIM223"):  # ruff says only "Use `True` instead of `True or ...`"
            always = "true" if code_ == "SIM222" else "false"
            message = (f"this condition is always {always}: a constant that is {always} on its own sits in an "
                       f"`{'or' if always == 'true' else 'and'}`, so the test never looks at the rest "
                       "(`\"a\" or \"b\" in msg` reads as `\"a\" or (\"b\" in msg)`; write `\"a\" in msg or "
                       "\"b\" in msg`)")
        elif code_ == "B020":
            message += (": inside the loop and after it the name holds the current item, not the value the iterable "
                        "was built from, so any later use of it (a progress line, a total) reads the wrong number")
        out.append(Finding(line=item["location"]["row"], end_line=item["end_location"]["row"], severity=severity,
                           rule=f"ruff:{code_}", principle=principle, message=message,
                           suggestion=(fix + "." if fix else "Follow the rule's guidance") + f" ({item.get('url')})"))
    return out, ""


def constant_sql(tree: ast.Module, line: int) -> bool:
    """Whether the SQL string ruff flags (S608) is built only from constants and settings (`{DB}.{SCHEMA}.table`,
    UPPER_CASE names) with the values bound as parameters: nothing from a caller or a request reaches the text."""
    strings = [n for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) and n.lineno <= line <= (n.end_lineno or 0)]
    names = {x.id for s in strings for v in s.values if isinstance(v, ast.FormattedValue) for x in ast.walk(v.value)
             if isinstance(x, ast.Name)}
    # the innermost function around the line: of the (nested) functions that contain it, the one starting last
    func = max((f for f in ast.walk(tree) if isinstance(f, FUNCTIONS) and f.lineno <= line <= (f.end_lineno or 0)),
               key=lambda f: f.lineno, default=None)
    return bool(strings) and bool(names) and all(n.isupper() or _constant_argument(tree, func, n) for n in names)


def _constant_text(tree: ast.Module, node: ast.expr) -> bool:
    """A string literal, an UPPER_CASE name, or a name the module only ever binds to string literals."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    if not isinstance(node, ast.Name):
        return False
    bound = [a.value for a in ast.walk(tree) if isinstance(a, ast.Assign)
             and any(isinstance(t, ast.Name) and t.id == node.id for t in a.targets)]
    return node.id.isupper() or (bool(bound) and all(isinstance(v, ast.Constant) and isinstance(v.value, str)
                                                     for v in bound))


def _constant_argument(tree: ast.Module, func, name: str) -> bool:
    """Whether `name` is a parameter of `func` that every call of `func` in the module fills with constant text
    (`get_start_time("ABC_TABLE")`): a table name chosen by the code, not by a caller outside it."""
    if func is None or name not in [a.arg for a in func.args.args]:
        return False
    position = [a.arg for a in func.args.args].index(name)
    calls = [c for c in ast.walk(tree) if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)
             and c.func.id == func.name]
    given = [_kw(c, name) or (c.args[position] if position < len(c.args) else None) for c in calls]
    return bool(calls) and all(g is not None and _constant_text(tree, g) for g in given)


_URL_START = re.compile(r"[a-z][a-z0-9+.-]*://\S*\Z", re.I)  # a URL that runs, unbroken, to the end of the text


def _in_url(code: str, start: int) -> bool:
    """Whether the text at `start` is part of a URL (`https://host/a/long/path`): a URL runs up to it with no space
    between (a URL followed by a space and then the text does not count)."""
    return bool(_URL_START.search(code[max(0, start - 500):start]))


def secret_findings(code: str, notes: list[str]) -> list[Finding]:
    """Secrets found by secret_scan.find_secrets (the redactor's own detector), one finding a line
    (secret_scan.mask_secrets masks them)."""
    try:
        found = secret_scan.find_secrets(code)
    except Exception as exc:  # a scanner bug must not lose the rest of the review
        notes.append(f"The secret scan failed ({type(exc).__name__}); secrets were not checked.")
        return []
    out, flagged = [], set()
    for s in sorted(found, key=lambda s: (s.line, s.heuristic)):
        if s.line in flagged or s.placeholder:  # `user:pass@`, `changeme`: masked for the model, not leaked
            continue
        if secret_scan.names_a_variable(s.value, code):  # `password=neo4j_password`: a name, not a value
            continue
        if s.rule == "secret:aws-secret" and _in_url(code, s.start):  # forty path characters of a link: masked for
            continue                                                    # the model all the same, but not a key
        flagged.add(s.line)
        if s.rule in _SECRET_WHAT:
            what, env = _SECRET_WHAT[s.rule]
            read = f"`os.environ[\"{env}\"]`" if env.isupper() else env
            out.append(Finding(line=s.line, end_line=s.line, severity="error", rule=s.rule, principle="security",
                               message=f"{what} is written in the code",
                               suggestion=f"Treat it as leaked: revoke and rotate it, remove it from the code and the "
                                          f"git history, and read it at runtime from {read} or a secrets manager."))
            continue
        kind = s.rule.removeprefix("detect-secrets:")
        # an entropy or keyword guess with no format behind it is noted, not raised: hashes and ids look alike
        out.append(Finding(line=s.line, end_line=s.line, severity="info" if s.heuristic else "error",
                           rule=_DS_RULES.get(kind, "secret:" + re.sub(r"\W+", "-", kind.lower()).strip("-")),
                           principle="security", message=f"detect-secrets flags this line: {kind.lower()}",
                           suggestion="If it is a real credential, revoke it and load it at runtime from the "
                                      "environment or a secrets manager; if not, add `# pragma: allowlist secret`."))
    return out
