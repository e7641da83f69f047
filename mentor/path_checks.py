"""Checks on file paths in a service or an app: a client's file name used in a path, a folder kept by string prefix,
and one fixed file that every upload is written to."""

from __future__ import annotations

import ast
import re

from .findings import Finding, call_nodes, dotted
from .ml_rules import _const, _finding, _kw, _names

# a file name or path the client chose (an upload's name, a request field naming a file), and what makes one safe
CLIENT_NAME = re.compile(r"\.filename\b|request\.(args|form|values|json|get_json\(\))\b.*(file|path|name)", re.I)
SANITISED = re.compile(r"secure_filename|safe_join|basename|uuid|\.name\b|Path\(.*\)\.(name|suffix|stem)\b")


def _contained(nodes) -> set[str]:
    """Names whose path the code checks stays inside a folder (`p.startswith(folder)`, `p.is_relative_to(folder)`,
    `os.path.commonpath([p, folder])`)."""
    out = set()
    for call in call_nodes(nodes):
        name = dotted(call.func)
        if isinstance(call.func, ast.Attribute) and call.func.attr in ("startswith", "is_relative_to") and not (
                call.args and isinstance(call.args[0], ast.Constant)):  # `name.startswith(".")` checks no folder
            out |= _names(call.func.value)
        elif name.endswith("commonpath"):
            out |= {n for a in call.args for n in _names(a)}
    return out


RESOLVED = re.compile(r"^(os\.path\.)?(realpath|abspath|normpath)$")


def prefix_containment(nodes) -> list[Finding]:
    """`path.startswith(folder)` as the check that a resolved path stays inside a folder: a string prefix also
    accepts a sibling whose name starts the same (`/srv/uploads-old/...` for `/srv/uploads`), unless the folder
    ends with a separator."""
    resolved = {t.id for n in nodes if isinstance(n, ast.Assign) and _resolves(n.value) for t in n.targets
                if isinstance(t, ast.Name)}
    out = []
    for call in call_nodes(nodes):
        if not (isinstance(call.func, ast.Attribute) and call.func.attr == "startswith" and len(call.args) == 1):
            continue
        subject, folder = call.func.value, call.args[0]
        if isinstance(folder, (ast.Constant, ast.Tuple)) or re.search(r"\bsep\b|[\"']/[\"']", ast.unparse(folder)):
            continue  # a literal prefix, or a folder given its trailing separator
        if (isinstance(subject, ast.Name) and subject.id in resolved) or _resolves(subject):
            out.append(_finding(call, "ml:prefix-containment", "security", f"`{ast.unparse(call)[:60]}` checks "
                                "that the path stays inside the folder by string prefix: a sibling folder whose name "
                                "starts the same (`uploads-old/` for `uploads`) passes the check"))
    return out


def _resolves(node) -> bool:
    """`os.path.realpath(...)` / `abspath` / `normpath`, or `str(p.resolve())`."""
    if not isinstance(node, ast.Call):
        return False
    if RESOLVED.match(dotted(node.func)):
        return True
    return dotted(node.func) == "str" and len(node.args) == 1 and isinstance(node.args[0], ast.Call) and isinstance(
        node.args[0].func, ast.Attribute) and node.args[0].func.attr in ("resolve", "absolute")


def path_traversal(scope, nodes) -> list[Finding]:
    """A client-supplied file name used in a path: `../../etc/cron.d/x` writes (or reads) outside the folder. A path
    built with `safe_join` (None when it escapes) or checked to stay inside its folder is safe."""
    contained = _contained(nodes)
    assigns = [(t.id, n.value) for n in nodes if isinstance(n, ast.Assign) and not SANITISED.search(
        ast.unparse(n.value)) for t in n.targets if isinstance(t, ast.Name) and t.id not in contained]
    names = {name for name, value in assigns if CLIENT_NAME.search(ast.unparse(value))}
    grown = True
    while grown:  # and what is built from those names (`save_file = "pdf/" + file_name`)
        more = {name for name, value in assigns if _names(value) & names} - names
        names, grown = names | more, bool(more)
    # calls whose result is bound to a name the code then checks (`p = realpath(join(folder, name))`)
    checked = {id(c) for n in nodes if isinstance(n, ast.Assign) and any(
        isinstance(t, ast.Name) and t.id in contained for t in n.targets) for c in ast.walk(n.value)}
    # `Path(file.filename).suffix`: only the last part is kept, which cannot hold a `/`
    checked |= {id(n.value) for n in nodes if isinstance(n, ast.Attribute) and n.attr in ("name", "suffix", "stem")}
    out = []
    for call in call_nodes(nodes):
        name = dotted(call.func)
        if id(call) in checked or not (name in ("open", "os.path.join", "pathlib.Path", "Path", "shutil.copyfileobj")
                                       or name.endswith((".save", "path.join"))):
            continue
        for arg in call.args:
            text = ast.unparse(arg)
            if SANITISED.search(text) or _names(arg) & contained:
                continue
            if CLIENT_NAME.search(text) or _names(arg) & names:
                out.append(_finding(call, "ml:path-traversal", "security", f"`{name}` builds a path from the "
                                    f"client's file name (`{text[:40]}`): a name like `../../app.py` escapes the "
                                    "folder", severity="error"))
                return out
    return out


UPLOAD = re.compile(r"file_uploader|UploadFile|request\.files|getbuffer\(|getvalue\(")


def shared_upload_path(scope, nodes, kind: str) -> list[Finding]:
    """An upload written to one fixed file name (`open("temp.pdf", "wb")`) in a service or an app: two users at once
    overwrite each other's file, and one of them gets answers about the other's document."""
    if kind not in ("service", "app") or not UPLOAD.search(ast.unparse(scope)):
        return []
    fixed = {t.id for n in nodes if isinstance(n, ast.Assign) and _const(n.value) for t in n.targets
             if isinstance(t, ast.Name)}  # `temp_file = "./temp.pdf"`
    for call in call_nodes(nodes):
        mode = call.args[1] if len(call.args) > 1 else _kw(call, "mode")
        path = call.args[0] if call.args else None
        if dotted(call.func) == "open" and path is not None and (_const(path) or (
                isinstance(path, ast.Name) and path.id in fixed)) and isinstance(mode, ast.Constant) \
                and isinstance(mode.value, str) and "w" in mode.value:
            return [_finding(call, "ml:shared-upload-path", "reliability", f"the upload is written to the fixed path "
                             f"`{ast.unparse(call.args[0])[:40]}`: two users at once overwrite each other's file, and "
                             "one gets answers about the other's document")]
    return []
