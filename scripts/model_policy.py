"""Which of the model's findings to show as findings, and which to list apart: chosen on dev, reported on test.

The model is asked for at most 8 findings, the most important first, each with a severity. A policy keeps the static
findings and the model findings it selects (by severity, or by place in the answer); the rest would go to the list
apart, as the offline review's minor findings do. For each policy: precision from the blind grades, and recall of
the labelled problems as the blind matcher read them (a finding graded wrong catches nothing).

    python scripts/model_policy.py --findings eval/review/dev9.model_findings.jsonl \\
        --round eval/review/dev1 ... --round eval/review/dev9 --matched eval/review/dev9.matched.jsonl
    python scripts/model_policy.py --findings eval/review/round22.model_findings.jsonl \\
        --round eval/review/round3 ... --round eval/review/round22 --matched eval/review/round22.matched.jsonl

`--pool PREFIX` (repeated) adds up the counts of several rounds, each read from PREFIX.model_findings.jsonl and
PREFIX.matched.jsonl. The findings file is `model_review_eval.py findings --write` (with `_severity`, `_principle`
and `_rank`).
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_review import (  # noqa: E402
    DATA,
    finding_ids,
    grade_of,
    load,
    matched_recall,
    round_grades,
    round_versions,
    with_grades,
)

from mentor.review import RAISE_CONFIDENCE, model_raises  # noqa: E402

SEVERE = ("error", "warning")


def shipped(f: dict) -> bool:
    """The review's severity rule, shipped alone in sessions 15-17: errors, and warnings not on design (the rest is
    listed apart). Since session 18 the review also lists apart what the model is unsure of (T5b below)."""
    return model_raises(f["_severity"], f.get("_principle"))


def t5(theta: int) -> dict[str, Callable[[dict], bool]]:
    """Session 18's T5 at the cut `theta`: the model's confidence (0-100, `_confidence`) that a senior reviewer would
    raise the point. T5a raises what reaches the cut whatever its severity; T5b is the review's own rule
    (`model_raises` with the confidence), what the product shows since session 18. No confidence: the severity rule."""
    return {"T5a: confidence >= theta": lambda f: confident(f, theta),
            "T5b: the rule, confidence >= theta": lambda f: model_raises(
                f["_severity"], f.get("_principle"), f.get("_confidence"), theta)}


def shown_by(findings: list[dict], keep: Callable[[dict], bool]) -> list[dict]:
    """What a policy shows: every static finding, and the model findings it keeps."""
    return [f for f in findings if f["_rule"] != "model" or keep(f)]


def confident(f: dict, theta: int) -> bool:
    """T5: the model's confidence reaches the cut; a finding without one follows the shipped rule."""
    return shipped(f) if f.get("_confidence") is None else f["_confidence"] >= theta


def policies(theta: int = RAISE_CONFIDENCE) -> dict[str, Callable[[dict], bool]]:
    """Every policy the table prints, T5's at the cut `theta` (the product's unless --theta says otherwise)."""
    return {**POLICIES, **t5(theta), **LATER}


POLICIES: dict[str, Callable[[dict], bool]] = {
    "static only": lambda f: False,
    "all model findings": lambda f: True,
    "severity error": lambda f: f["_severity"] == "error",
    "severity error or warning": lambda f: f["_severity"] in SEVERE,  # shipped in session 14
    # shipped since session 15: the review's own rule, design warnings join the list apart
    "error, or warning not on design": shipped,
    # session 16, tried and dropped: the second reading's verdict (`_verdict`; eval/review/trials/
    # session16_second_reading.patch); a finding it did not judge ("") follows the rule above
    "second reading raises (V1)": lambda f: f["_verdict"] == "raise" if f.get("_verdict") else shipped(f),
    "second reading and the rule (V2)": lambda f: f.get("_verdict") in (None, "", "raise") and shipped(f),
    # session 17's trial (T3): the model raises the checks' findings worth raising in its own words (`_raised_from`),
    # the rest of its findings by the rule above; the product's own choice, read from the findings file (`_listed`)
    "as the review shows it (T3)": lambda f: not f["_listed"],
    # session 17's trial T4: the model says when each finding bites (`_bites`: every run, normal use, edge case or
    # later); P1 = the rule, unless it bites only in an edge case or later (errors always); P2 = errors and warnings
    # of any principle that bite on every run or in normal use
    "T4 P1: the rule, not edge case or later": lambda f: shipped(f) and (
        f["_severity"] == "error" or f["_bites"] != "edge case or later"),
    "T4 P2: error or warning, every run or normal use": lambda f: f["_severity"] in SEVERE and f["_bites"] in (
        "every run", "normal use"),
    # session 18's T5 (`t5`) comes here, at the cut chosen on dev15 (`--sweep`) or given with `--theta`
}
LATER: dict[str, Callable[[dict], bool]] = {
    # dev11 only: its answers mark the points that matter once other people use the code (tried, dropped)
    "error or warning, not for others": lambda f: f["_severity"] in SEVERE and not f.get("_for_others"),
    **{f"first {k} of the answer": functools.partial(lambda k, f: (f["_rank"] or 99) <= k, k) for k in range(2, 7)},
}


# policies that read a column only some rounds' findings have: shown only when every finding of the model has it
NEEDS = {"second reading raises (V1)": "_verdict", "second reading and the rule (V2)": "_verdict",
         "error or warning, not for others": "_for_others", "as the review shows it (T3)": "_raised_from",
         "T4 P1: the rule, not edge case or later": "_bites",
         "T4 P2: error or warning, every run or normal use": "_bites",
         "T5a: confidence >= theta": "_confidence", "T5b: the rule, confidence >= theta": "_confidence"}
VALUED = {"_confidence"}  # None where the answer gave none: that finding follows the shipped rule


def read_by(model: list[dict], column: str) -> bool:
    """Whether a policy that reads `column` can be shown: every model finding has it, and for a column a finding
    may leave empty (VALUED), at least one has a value (else the policy is the shipped rule under its own name)."""
    return all(column in f for f in model) and (column not in VALUED or any(f[column] is not None for f in model))


Counts = tuple[int, int, int, int, int, int, int]  # findings, true, wrong, model-free caught/labels, all caught/labels


def counts(findings: list[dict], ids: dict, matches: dict[str, set[str]], labels: list[dict], files: set[str],
           chosen: dict[str, Callable[[dict], bool]] | None = None) -> dict[str, Counts]:
    """Per policy: how many findings it shows, how many are graded true and wrong, and how many model-free and all
    labels the blind matcher found among them (a finding graded wrong catches nothing)."""
    out = {}
    model = [f for f in findings if f["_rule"] == "model"]
    for name, keep in (chosen or policies()).items():
        if name in NEEDS and not read_by(model, NEEDS[name]):
            continue
        shown = shown_by(findings, keep)
        graded = Counter(grade_of(f) for f in shown)
        free = matched_recall(labels, shown, files, matches, ids)
        every = matched_recall(labels, shown, files, matches, ids, every=True)
        out[name] = (len(shown), graded["true"], graded["wrong"], *free[:2], *every[:2])
    return out


def shares(c: Counts) -> tuple[int, float, float, float, float]:
    """(findings, true share, wrong share, recall of model-free labels, recall of all labels)."""
    n = max(1, c[0])
    return c[0], c[1] / n, c[2] / n, c[3] / max(1, c[4]), c[5] / max(1, c[6])


def table(findings: list[dict], ids: dict, matches: dict[str, set[str]], labels: list[dict], files: set[str]
          ) -> list[tuple[str, int, float, float, float, float]]:
    """(policy, findings, true share, wrong share, recall of model-free labels, recall of all labels), from graded
    findings (each with its `grade`) and eval_review's blind-matched recall."""
    return [(name, *shares(c)) for name, c in counts(findings, ids, matches, labels, files).items()]


def round_counts(findings_file: Path, prefix: Path, matched: Path, grades: dict[tuple, str], data: Path,
                 chosen: dict[str, Callable[[dict], bool]] | None = None
                 ) -> tuple[dict[str, Counts], set[str], list[dict]]:
    """One round's counts per policy, with its files and labels: its findings graded by the rounds' `grades`."""
    findings = load(findings_file)
    graded = with_grades(findings, grades)
    if len(graded) < len(findings):
        raise SystemExit(f"{len(findings) - len(graded)} findings of {findings_file} no round graded")
    ids = finding_ids(prefix)
    files = set(round_versions(prefix)["files"])
    labels = [lab for lab in load(data / "labels.jsonl") if lab["id"] in files]
    matches = {r["label"]: set(r["findings"]) for r in load(matched)}
    return counts(graded, ids, matches, labels, files, chosen), files, labels


def sweep_policies(findings: list[dict]) -> dict[str, Callable[[dict], bool]]:
    """T5a and T5b at every cut the answers allow (each confidence given, and 0), beside the shipped rule."""
    cuts = sorted({0} | {f["_confidence"] for f in findings if f.get("_confidence") is not None})
    return {"shipped": shipped} | {f"{name.split(':')[0]} {theta}": keep
                                   for theta in cuts for name, keep in t5(theta).items()}


def chosen_cut(per: dict[str, Counts], slack: int = 1) -> str:
    """Session 18's rule for dev A: among the (policy, cut) that catch at least as many model-free labels as the
    shipped rule less `slack`, the most precise; a tie goes to the lower cut (more recall)."""
    floor = per["shipped"][3] - slack
    feasible = [name for name in per if name != "shipped" and per[name][3] >= floor]
    return max(feasible, key=lambda n: (per[n][1] / max(1, per[n][0]), -int(n.split()[-1])))


def sweep(findings_file: Path, prefix: Path, matched: Path, grades: dict[tuple, str], data: Path) -> str:
    """Prints every (policy, cut) on one round and returns the one `chosen_cut` picks."""
    per, _, _ = round_counts(findings_file, prefix, matched, grades, data, sweep_policies(load(findings_file)))
    for name, c in per.items():
        n, true, wrong, free, every = shares(c)
        print(f"{name:10} {n:5d} {true:6.1%} {wrong:6.1%} {free:7.1%} ({c[3]}/{c[4]}) {every:7.1%}")
    best = chosen_cut(per)
    print(f"chosen: {best}")
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--findings", type=Path)
    ap.add_argument("--round", type=Path, action="append", required=True)
    ap.add_argument("--matched", type=Path)
    ap.add_argument("--pool", type=Path, action="append", default=[],
                    help="a round PREFIX (PREFIX.model_findings.jsonl, PREFIX.matched.jsonl) to add up with others")
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--theta", type=int, default=RAISE_CONFIDENCE, help="T5's cut (0-100)")
    ap.add_argument("--sweep", action="store_true", help="T5 at every cut on one round, and the cut chosen")
    args = ap.parse_args(argv)
    if args.sweep:
        if not (args.findings and args.matched):
            ap.error("--sweep needs --findings and --matched")
        sweep(args.findings, args.round[-1], args.matched, round_grades(args.round), args.data)
        return 0
    if args.pool:
        sets = [(Path(f"{p}.model_findings.jsonl"), p, Path(f"{p}.matched.jsonl")) for p in args.pool]
    elif args.findings and args.matched:
        sets = [(args.findings, args.round[-1], args.matched)]
    else:
        ap.error("give --findings and --matched, or --pool")
    total: dict[str, list[int]] = {}
    files: set[str] = set()
    labels: list[dict] = []
    chosen = policies(args.theta)
    shown = set(chosen)  # pooled: only the policies every round can be read by
    grades = round_grades(args.round)  # read once, for every round pooled
    for findings_file, prefix, matched in sets:
        per, its_files, its_labels = round_counts(findings_file, prefix, matched, grades, args.data, chosen)
        files |= its_files
        labels += its_labels
        shown &= set(per)
        for name, c in per.items():
            total[name] = [a + b for a, b in zip(total.get(name, [0] * 7), c, strict=True)]
    total = {name: c for name, c in total.items() if name in shown}
    print(f"{len(files)} files · {len(labels)} labels ({sum(1 for lab in labels if lab.get('model_free'))} "
          f"model-free) · recall as matched blind, a finding graded wrong catches nothing")
    print(f"{'policy':33} {'findings':>8} {'true':>6} {'wrong':>6} {'recall (model-free)':>20} {'recall (all)':>13}"
          + ("   counts: true, wrong, model-free caught" if args.pool else ""))
    share = ".1%" if args.pool else ".0%"  # pooled rounds: a decimal, and the counts behind it
    for name, c in total.items():
        n, true, wrong, free, every = shares(tuple(c))
        print(f"{name:33} {n:8d} {true:6{share}} {wrong:6{share}} {free:20{share}} {every:13{share}}"
              + (f"   {c[1]}, {c[2]}, {c[3]}/{c[4]}" if args.pool else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
