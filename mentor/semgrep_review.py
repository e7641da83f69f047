"""Semgrep with the repository's own rule files (mentor/semgrep/), offline: JavaScript, TypeScript and Go checks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .findings import Finding
from .frameworks import js_unhandled

RULES_DIR = Path(__file__).resolve().parent / "semgrep"
LANGUAGES = {"javascript": ".js", "typescript": ".ts", "go": ".go"}
TSX_HINT = ("</", "/>", "React", "jsx")  # a TypeScript paste with JSX in it must be parsed as .tsx
SEMGREP_TIMEOUT_S = 20  # start-up alone takes seconds on a busy machine; past this the review goes on without it
SEVERITY = {"ERROR": "error", "WARNING": "warning", "INFO": "info"}
MAX_NESTING = 100  # brace depth no real code reaches; Semgrep's parser takes minutes on such input


def _max_depth(code: str) -> int:
    depth = deepest = 0
    for ch in code:
        if ch == "{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == "}":
            depth -= 1
    return deepest


def semgrep_command() -> list[str] | None:
    """The semgrep executable beside this Python, else on PATH; None when it is not installed."""
    exe = shutil.which("semgrep", path=str(Path(sys.executable).parent)) or shutil.which("semgrep")
    return [exe] if exe else None


def semgrep_findings(code: str, language: str, filename: str | None = None) -> tuple[list[Finding], str]:
    """(findings, note): our rules for the language; the note says why nothing ran, when nothing did."""
    if language not in LANGUAGES:
        return [], ""
    cmd = semgrep_command()
    if cmd is None:
        return [], "Semgrep is not installed, so only the generic checks ran for this code."
    if _max_depth(code) > MAX_NESTING:
        return [], "The code is nested too deeply for Semgrep, so only the generic checks ran."
    suffix = Path(filename).suffix.lower() if filename and Path(filename).suffix else LANGUAGES[language]
    if suffix == ".ts" and any(h in code for h in TSX_HINT):
        suffix = ".tsx"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"snippet{suffix}"
        path.write_text(code, encoding="utf-8")
        try:
            report = scan([path])
        except (OSError, subprocess.TimeoutExpired, ValueError) as exc:
            return [], f"Semgrep did not run ({type(exc).__name__}), so only the generic checks ran."
    out = findings_of(report).get(str(path), [])
    unhandled = js_unhandled(code)  # a rule states the consequence as `{unhandled}`: what this file's framework does
    for f in out:
        f.message = f.message.replace("{unhandled}", unhandled)
    if not out and report.get("errors"):
        return [], "Semgrep could not parse this code, so only the generic checks ran."
    return out, ""


def scan(paths: list[Path]) -> dict:
    """Semgrep's JSON report for files, with our rules only: no registry, no metrics, no version check."""
    cmd = semgrep_command()
    if cmd is None:
        raise OSError("semgrep is not installed")
    env = {**os.environ, "SEMGREP_ENABLE_VERSION_CHECK": "0", "SEMGREP_SEND_METRICS": "off"}
    proc = subprocess.run([*cmd, "scan", "--config", str(RULES_DIR), "--metrics=off", "--disable-version-check",
                           "--json", "--quiet", "--timeout", "5", *map(str, paths)], capture_output=True, text=True,
                          env=env, timeout=SEMGREP_TIMEOUT_S * max(1, len(paths) // 4), check=False,
                          cwd=paths[0].parent)
    return json.loads(proc.stdout or "{}")


def findings_of(report: dict) -> dict[str, list[Finding]]:
    """Findings per scanned path."""
    out: dict[str, list[Finding]] = {}
    seen = set()
    for r in sorted(report.get("results", []), key=lambda r: (r["path"], r["start"]["line"])):
        meta = r.get("extra", {}).get("metadata", {})
        rule = r["check_id"].rsplit(".", 1)[-1]
        if meta.get("per_file") and (r["path"], rule) in seen:
            continue  # one problem repeated at every use: the first place says it
        seen.add((r["path"], rule))
        out.setdefault(r["path"], []).append(Finding(
            line=r["start"]["line"], end_line=r["end"]["line"],
            severity=SEVERITY.get(r.get("extra", {}).get("severity"), "warning"),
            rule=f"semgrep:{meta.get('family', rule)}", principle=meta.get("principle", "reliability"),
            message=" ".join(r.get("extra", {}).get("message", rule).split()), suggestion=meta.get("fix", "")))
    return out
