"""Which language a paste is in, and the text checks that apply to any language."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

from .complexity import LONG_BLOCK
from .findings import Finding, smell

_URL_IN_TEXT = re.compile(r"\b[a-z][a-z0-9+.\-]{0,15}://[^\s'\"`/<>]+[^\s'\"`<>]*|\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b",
                          re.I)  # a bounded scheme: an unbounded one is quadratic on lines like "a.a.a.a..."
_COMMENT = re.compile(r"^\s*(#|//|--|/?\*)")
_MARKER = re.compile(r"\b(FIXME|XXX|HACK)\b")  # a TODO is a plan, not a defect
_COMMENT_START = re.compile(r"#|//|--|/\*|^\s*\*")
_FUNC_START = re.compile(r"\bfunction\b|=>\s*\{|^\s*func\b|\bfn \w+|\)\s*(throws [\w., ]+)?\{\s*$")
_CONTROL = re.compile(r"^\s*(}\s*)?(if|for|while|switch|catch|else|do|try)\b")

EXTENSIONS = {".py": "python", ".pyi": "python", ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript",
              ".jsx": "javascript", ".ts": "typescript", ".tsx": "typescript", ".go": "go", ".java": "java",
              ".rs": "rust", ".sql": "sql", ".sh": "shell", ".bash": "shell", ".zsh": "shell"}
SUFFIX = {lang: ext for ext, lang in reversed(EXTENSIONS.items())}
_SIGNS = {
    "python": re.compile(r"^\s*(def \w+\s*\(|class \w+.*:|import \w+|from [\w.]+ import|elif .*:|except\b.*:|"
                         r"with .+:|@\w+)|\bself\.|\bNone\b"),
    "typescript": re.compile(r"\binterface \w+\s*\{|:\s*(string|number|boolean|void|any)\b|\bexport (type|interface)"),
    "javascript": re.compile(r"\b(const|let|var) \w+\s*=|\bfunction\b|=>|console\.\w+\(|require\(|module\.exports"),
    "go": re.compile(r"^package \w+|^func |:=|\bfmt\.\w+\("),
    "java": re.compile(r"\b(public|private|protected)\s+(static\s+)?[\w<>\[\]]+\s+\w+\s*[({]|System\.out|^import java"),
    "rust": re.compile(r"\bfn \w+|\blet mut\b|^\s*impl\b|println!|^use \w+::"),
    "sql": re.compile(r"\b(SELECT\b.*\bFROM|INSERT INTO|CREATE (TABLE|INDEX|VIEW)|UPDATE \w+ SET|DELETE FROM|JOIN)\b",
                      re.I),
    "shell": re.compile(r"^#!.*\b(ba|z)?sh\b|^\s*(echo|export|fi|then|done|esac)\b|\$\(|\$\{?[A-Z_]+\}?"),
}


# any language ------------------------------------------------------------------------------------------
def detect_language(code: str, filename: str | None = None) -> str:
    """The language from the file name, else from telltale lines; 'unknown' when nothing fits."""
    if filename and (lang := EXTENSIONS.get(Path(filename).suffix.lower())):
        return lang
    heads = [line[:300] for line in code.splitlines()]  # telltales sit early in a line; long lines cost time
    scores = {lang: sum(1 for line in heads if sign.search(line)) for lang, sign in _SIGNS.items()}
    try:
        ast.parse(code)
    except (SyntaxError, ValueError, RecursionError):
        parses = False
    else:
        if scores["python"]:
            return "python"
        parses, scores["python"] = True, 0
    best = max((lang for lang in scores if lang != "typescript"), key=scores.get)
    if scores["typescript"] and (best == "javascript" or scores["typescript"] >= scores[best]):
        return "typescript"
    return best if scores[best] else "python" if parses else "unknown"


def generic_findings(code: str, language: str, parsed: bool) -> list[Finding]:
    """Checks for any language: FIXME/HACK markers, and (where no AST ran) hard-coded URLs and long functions."""
    lines = code.splitlines()
    out = []  # line length is a formatter's job, not a reviewer's
    for n, marker in _markers(code, lines, parsed):
        out.append(smell(n, "generic:todo", "reliability", f"{marker} marker: known broken or hacky code left in",
                         severity="info"))
    if parsed:
        return out
    for n, line in enumerate(lines, start=1):
        m = _URL_IN_TEXT.search(line)
        if m and not _COMMENT.match(line) and "w3.org" not in m.group(0):
            shown = re.sub(r"//[^/@\s]+@", "//***@", m.group(0))[:80]
            out.append(smell(n, "generic:hardcoded-url", "testability", f"hard-coded address `{shown}`"))
    if language in ("javascript", "typescript", "go", "java", "rust", "shell"):
        out += _long_blocks(lines)
    return out


def _markers(code: str, lines: list[str], python: bool) -> list[tuple[int, str]]:
    """(line, TODO/FIXME/XXX/HACK) in comments: Python's comment tokens, else a comment-looking regex."""
    if python:
        tokens = tokenize.generate_tokens(io.StringIO(code).readline)
        comments = [(t.start[0], t.string) for t in tokens if t.type == tokenize.COMMENT]
        return [(n, m.group(1)) for n, text in comments if (m := _MARKER.search(text))]
    found = ((n, line, _MARKER.search(line)) for n, line in enumerate(lines, start=1))
    return [(n, m.group(1)) for n, line, m in found if m and _COMMENT_START.search(line[:m.start()])]


def _block_ends(lines: list[str]) -> list[int]:
    """For each line, the line where a block opened there closes (the first line whose running brace depth falls
    back to the depth before it); one pass from the end with a stack, so deeply nested input stays linear."""
    after, depth = [], 0
    for line in lines:
        depth += line.count("{") - line.count("}")
        after.append(depth)
    ends, stack = [len(lines) - 1] * len(lines), []  # stack: lines after i, by rising depth
    for i in range(len(lines) - 1, -1, -1):
        before = after[i - 1] if i else 0
        while stack and after[stack[-1]] > before:
            stack.pop()
        ends[i] = i if after[i] <= before else (stack[-1] if stack else len(lines) - 1)
        while stack and after[stack[-1]] >= after[i]:
            stack.pop()
        stack.append(i)
    return ends


_NAMED = re.compile(r"function\s+(\w+)|func\s+(?:\([^)]*\)\s*)?(\w+)|(\w+)\s*(?:=\s*)?(?:\(|=>)")


def _block_name(lines: list[str], start: int) -> str:
    """The name of the function opened on line `start`; a signature split over lines (`) {` alone) is named
    from the lines above it."""
    for line in reversed(lines[max(0, start - 8):start + 1]):
        if m := _NAMED.search(line):
            return next(g for g in m.groups() if g)
    return "this block"


def _long_blocks(lines: list[str]) -> list[Finding]:
    """Brace-delimited functions longer than LONG_BLOCK lines (braces in strings can fool it)."""
    out, ends = [], _block_ends(lines)
    for start, line in enumerate(lines):
        if "{" not in line or not _FUNC_START.search(line[:300]) or _CONTROL.match(line):
            continue
        end = ends[start]
        if end - start + 1 > LONG_BLOCK:
            name = _block_name(lines, start)
            out.append(smell(start + 1, "generic:long-function", "complexity",
                             f"`{name}` is about {end - start + 1} lines long (over {LONG_BLOCK})", end=end + 1))
    return out


DISPLAY = {"javascript": "JavaScript", "typescript": "TypeScript", "sql": "SQL", "unknown": "Unknown"}


def display_name(language: str) -> str:
    """'Python', 'TypeScript', 'Go' for a language id."""
    return DISPLAY.get(language, language.capitalize())
