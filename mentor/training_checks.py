"""Checks on training code: randomness nobody seeds, loaders that drop held-out examples or never reshuffle, a
pretrained model trained in eval mode, and evaluation that keeps autograd on."""

from __future__ import annotations

import ast
import re

from .findings import FUNCTIONS, Finding, call_nodes, decorator_names, dotted, own_nodes
from .ml_rules import HELD_OUT, _finding, _kw

SEEDS = re.compile(r"(^|\.)(seed|manual_seed|manual_seed_all|seed_everything|set_seed|set_random_seed)$")
# what draws random numbers in training: splits, shuffles, samplers, and models with random initialisation or bagging
RANDOMNESS = re.compile(r"(train_test_split|shuffle|permutation|sample|random_split|DataLoader|KFold|RandomForest|"
                        r"ExtraTrees|GradientBoosting|XGB|LGBM|CatBoost|SGD|KMeans|MLP|Dropout|Bagging|"
                        r"RandomizedSearch|np\.random\.|^random\.)")
# training: a fit, a backward pass, or an optimizer built (the loop itself may live in a helper module)
TRAINING = re.compile(r"(^|\.)(fit|backward|train_test_split|fit_transform|zero_grad|"
                      r"AdamW|Adam|SGD|RMSprop|Adagrad|Adafactor)$")


def no_seed(tree: ast.Module, script: bool) -> list[Finding]:
    """Training code that never seeds its randomness: runs cannot be reproduced or compared. Raised in a training
    script; in a library the caller seeds, so it is only noted."""
    calls = [c for c in ast.walk(tree) if isinstance(c, ast.Call)]
    training = [c for c in calls if TRAINING.search(dotted(c.func) or ast.unparse(c.func))]
    # Hugging Face's trainers seed the run themselves (`TrainingArguments(seed=42)` by default)
    trainer = [c for c in calls if re.search(r"(^|\.)\w*Trainer$", dotted(c.func))]
    global_seed = any(SEEDS.search(dotted(c.func)) for c in calls)
    seeded = bool(trainer) or global_seed or any(
        isinstance(n, ast.keyword) and n.arg in ("random_state", "seed") for n in ast.walk(tree))
    training += trainer
    random = any(RANDOMNESS.search(dotted(c.func) or "") for c in calls) or any(
        isinstance(n, (ast.Import, ast.ImportFrom)) and re.search(r"\b(torch|tensorflow|keras|jax)\b", ast.unparse(n))
        for n in ast.walk(tree))
    # a shuffle or sample that takes no seed of its own, where nothing seeds the global generator either
    unseeded = [c for c in calls if isinstance(c.func, ast.Attribute) and not global_seed and (
        (c.func.attr == "shuffle" and not c.args and not c.keywords) or (
            c.func.attr == "sample" and _kw(c, "frac") is not None and _kw(c, "random_state") is None))]
    if training and seeded and unseeded:
        return [_finding(unseeded[0], "ml:no-seed", "reliability", f"`{ast.unparse(unseeded[0])[:40]}` draws a new "
                         "random order on every run while the rest of the pipeline is seeded: the data order, and so "
                         "the result, cannot be reproduced", end=unseeded[-1].end_lineno,
                         severity="warning" if script else "info")]
    if not training or seeded or not random:
        return []  # a deterministic fit (least squares on a fixed split) has nothing to seed
    # point at the first thing that draws random numbers (a shuffling loader, a random split), else the first fit
    sources = [c for c in calls if RANDOMNESS.search(dotted(c.func) or "")]
    first = min(sources or training, key=lambda c: c.lineno)
    return [_finding(first, "ml:no-seed", "reliability", "training code never sets a random seed: runs are not "
                     "reproducible, so two results cannot be compared", severity="warning" if script else "info")]


def eval_drop_last(tree: ast.Module) -> list[Finding]:
    """A validation or test DataLoader with `drop_last=True`: the last partial batch is left out of every evaluation,
    so the metric, and the checkpoint chosen on it, comes from an incomplete set (drop_last is for training, where a
    small last batch upsets batch norm)."""
    named = {id(n.value): [ast.unparse(t) for t in n.targets] for n in ast.walk(tree)
             if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call)}
    out = []
    for call in (c for c in call_nodes(ast.walk(tree)) if dotted(c.func).rsplit(".", 1)[-1] == "DataLoader"):
        dropped = _kw(call, "drop_last")
        data = call.args[0] if call.args else _kw(call, "dataset")
        names = named.get(id(call), []) + ([ast.unparse(data)] if data is not None else [])
        if isinstance(dropped, ast.Constant) and dropped.value is True and any(HELD_OUT.search(n) for n in names):
            out.append(_finding(call, "ml:eval-drop-last", "correctness", f"`{names[0][:40]}` is evaluation data "
                                "loaded with `drop_last=True`: the last partial batch is left out of every "
                                "evaluation, so the metric (and the checkpoint chosen on it) comes from an "
                                "incomplete set"))
    return out


def training_loaders_unshuffled(tree: ast.Module) -> list[Finding]:
    """A DataLoader a training loop iterates (its loop calls `.backward()`) built with neither `shuffle=True` nor a
    sampler: every epoch sees the examples in the same order. An explicit `shuffle=False` is taken as a choice
    (sequences, curricula) and an `IterableDataset` cannot be shuffled by the loader."""
    if "IterableDataset" in ast.unparse(tree):
        return []
    loaders = {t.id: n.value for n in ast.walk(tree) if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call)
               and dotted(n.value.func).rsplit(".", 1)[-1] == "DataLoader" for t in n.targets
               if isinstance(t, ast.Name)}
    out, seen = [], set()
    for loop in (n for n in ast.walk(tree) if isinstance(n, (ast.For, ast.AsyncFor))):
        loader = next((loaders[x.id] for x in ast.walk(loop.iter) if isinstance(x, ast.Name) and x.id in loaders),
                      None)
        trains = any(isinstance(c.func, ast.Attribute) and c.func.attr == "backward" for c in call_nodes(
            ast.walk(loop)))
        if loader is None or not trains or id(loader) in seen or any(
                _kw(loader, k) is not None for k in ("shuffle", "sampler", "batch_sampler")):
            continue
        seen.add(id(loader))
        out.append(_finding(loader, "ml:train-unshuffled", "correctness", "the training loop reads this DataLoader, "
                            "built without `shuffle=True` or a sampler: every epoch sees the examples in the same "
                            "order, so batches are correlated and the order is learned along with the data"))
    return out


def eval_mode_training(tree: ast.Module) -> list[Finding]:
    """A hand-written training loop (`loss.backward()`) over a Hugging Face model that nothing puts in train mode:
    `from_pretrained` returns the model in eval mode, so the pretrained layers' dropout stays off for the whole run
    (layers added afterwards, such as peft's LoRA, start in train mode). The Trainer and Lightning switch modes
    themselves, and have no `.backward()` here."""
    calls = list(call_nodes(ast.walk(tree)))
    # a pretrained model: loaded here, or wrapped by peft (which adapts a model loaded with `from_pretrained`)
    loaded = [c for c in calls if dotted(c.func).endswith((".from_pretrained", "get_peft_model"))
              and not re.search(r"(Tokenizer|Processor|Config|FeatureExtractor)\w*\.from_pretrained$", dotted(c.func))]
    backward = [c for c in calls if isinstance(c.func, ast.Attribute) and c.func.attr == "backward"]
    train_mode = any(isinstance(c.func, ast.Attribute) and c.func.attr == "train" and not (
        c.args and isinstance(c.args[0], ast.Constant) and c.args[0].value is False) for c in calls)
    if not loaded or not backward or train_mode:
        return []
    return [_finding(backward[0], "ml:eval-mode-training", "correctness", "the model is a pretrained one "
                     "(`from_pretrained` returns it in eval mode) and nothing calls `.train()` before this loop: the "
                     "pretrained layers' dropout stays off for the whole run, so it trains with less regularisation "
                     "than configured")]


GRAD_OFF = re.compile(r"(^|\.)(no_grad|inference_mode|set_grad_enabled|enable_grad)$")


def _grad_off(node) -> bool:
    """A `with torch.no_grad():`-like block or decorator."""
    names = [dotted(i.context_expr.func if isinstance(i.context_expr, ast.Call) else i.context_expr)
             for i in node.items] if isinstance(node, ast.With | ast.AsyncWith) else (
        decorator_names(node) if isinstance(node, FUNCTIONS) else [])
    return any(GRAD_OFF.search(name) for name in names)


def evaluation_with_gradients(tree: ast.Module) -> list[Finding]:
    """A function that puts a model in eval mode (`model.eval()`) and then calls the model itself, with autograd still
    on: `eval()` only switches dropout and batch-norm, so every forward pass still records its graph and keeps the
    activations for a backward pass that never comes (memory, time, out-of-memory on large evaluation sets). Left
    alone when the function or its callers turn gradients off (`torch.no_grad`, `inference_mode`), and for
    `generate`, which turns them off itself."""
    off_callers = {c.func.id for w in ast.walk(tree) if _grad_off(w) and isinstance(w, ast.With | ast.AsyncWith)
                   for c in call_nodes(ast.walk(w)) if isinstance(c.func, ast.Name)}
    out = []
    for func in (f for f in ast.walk(tree) if isinstance(f, FUNCTIONS)):
        if _grad_off(func) or func.name in off_callers or any(_grad_off(w) for w in ast.walk(func)):
            continue
        calls = list(call_nodes(own_nodes(func)))
        evaluated: dict[str, int] = {}  # the model's text -> the line it is put in eval mode
        for c in calls:
            if isinstance(c.func, ast.Attribute) and c.func.attr == "eval" and not c.args:
                evaluated.setdefault(ast.unparse(c.func.value), c.lineno)
        forward = next((c for c in calls if c.lineno > evaluated.get(ast.unparse(c.func), c.lineno)), None)
        if forward is not None:
            out.append(_finding(forward, "ml:eval-with-gradients", "performance",
                                f"`{ast.unparse(forward.func)}` runs in eval mode with gradients still on: `.eval()` "
                                "only switches dropout and batch norm, so each forward pass keeps its graph and "
                                "activations for a backward pass that never comes (more memory, slower, out of memory "
                                "on a large evaluation set)"))
    return out
