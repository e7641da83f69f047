"""Checks on what a model is given and what loading one trusts: opt-ins that switch a safety check off by name
(remote code, pickle deserialisation, TLS), and tokenizers whose output reaches a model untruncated."""

from __future__ import annotations

import ast
import re

from .findings import Finding, call_nodes, dotted
from .ml_rules import _finding, _kw

DANGEROUS = re.compile(r"^(trust_remote_code|allow_dangerous\w*|dangerously\w*|allow_pickle|weights_only|"
                       r"check_hostname|verify_ssl|ssl_verify)$")
DANGEROUS_VALUE = {"weights_only": False, "check_hostname": False, "verify_ssl": False, "ssl_verify": False}


def dangerous_opt_ins(nodes) -> list[Finding]:
    """Keyword switches that turn a safety check off by name: remote code, pickle deserialisation, TLS checks."""
    out = []
    for call in call_nodes(nodes):
        for k in call.keywords:
            if k.arg and DANGEROUS.match(k.arg) and isinstance(k.value, ast.Constant) and k.value.value is \
                    DANGEROUS_VALUE.get(k.arg, True):
                out.append(_finding(k.value, "ml:dangerous-opt-in", "security", f"`{k.arg}={k.value.value}` in "
                                    f"`{dotted(call.func) or ast.unparse(call.func)[:40]}` turns a safety check off: "
                                    "a tampered model, index or server can run code or read traffic",
                                    severity="error"))
    return out


def tokenizers_of(tree: ast.Module) -> set[str]:
    """The names the module binds to a Hugging Face tokenizer (`tok = AutoTokenizer.from_pretrained(...)`)."""
    return {t.id for n in ast.walk(tree) if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call)
            and re.search(r"Tokenizer\w*\.from_pretrained$", dotted(n.value.func)) for t in n.targets
            if isinstance(t, ast.Name)}


def tokenizer_without_truncation(nodes, tokenizers: set[str]) -> list[Finding]:
    """A Hugging Face tokenizer whose output goes to a model (padded into a batch, or returned as tensors) with no
    truncation: a text longer than the model's limit (512 tokens for BERT and RoBERTa) fails at inference or in
    training. Ids cut to a length by hand afterwards (`input_ids[-max_len:]`) are truncated too."""
    if any(isinstance(n, ast.Subscript) and any(isinstance(x, ast.Slice) for x in ast.walk(n.slice)) and re.search(
            r"input_ids|attention_mask|tokens", ast.unparse(n.value)) for n in nodes):
        return []
    counted = _counted(nodes)
    return [_finding(c, "ml:no-truncation", "reliability", f"`{dotted(c.func)}(...)` "
                     + ("pads but never truncates" if _kw(c, "padding") is not None else "builds model inputs but "
                        "never truncates") + ": a text longer than the model's limit fails at inference or training")
            for c in call_nodes(nodes) if dotted(c.func) in tokenizers
            and (_kw(c, "padding") is not None or _kw(c, "return_tensors") is not None)
            and _kw(c, "truncation") is None and _kw(c, "max_length") is None and id(c) not in counted]


def _counted(nodes) -> set[int]:
    """Tokenizer calls whose output is only measured (`len(...)`, `.shape`): counting a text's tokens is their job,
    and truncating would defeat it. Both the call itself inside such an expression and a name bound to it count."""
    nodes = list(nodes)
    measured = {id(x) for n in nodes if (isinstance(n, ast.Attribute) and n.attr == "shape") or (
        isinstance(n, ast.Call) and dotted(n.func) == "len") for x in ast.walk(n)}
    out = {id(c) for c in call_nodes(nodes) if id(c) in measured}
    reads: dict[str, list[ast.Name]] = {}
    for u in nodes:
        if isinstance(u, ast.Name) and isinstance(u.ctx, ast.Load):
            reads.setdefault(u.id, []).append(u)
    for n in nodes:
        if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call) and len(n.targets) == 1 and isinstance(
                n.targets[0], ast.Name):
            uses = reads.get(n.targets[0].id, [])
            if uses and all(id(u) in measured for u in uses):
                out.add(id(n.value))
    return out
