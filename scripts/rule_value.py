"""What each review rule is worth on dev, by the two blind judges: the graders (is the finding one a senior reviewer
would raise: true / debatable / wrong) and the labellers (does the finding sit on a problem they listed). A rule
is a candidate to fold into the minor line only when both say little: an estimated true rate under BAR (the
posterior mean (true + 1) / (n + 2) under a uniform prior, on at least MIN_FINDINGS graded findings) and fewer than
BAR of its findings on a labelled problem. Hardening rules are listed apart already and are not considered.

    python scripts/rule_value.py     # the table on dev (dev1-dev7), and the rules both judges rate low

Session 13 folded the rules the graders alone rated low (ml:dangerous-opt-in, ml:public-share, smell:mutable-global):
test precision rose from 56% to 59% but 11 of the 92 blind-matched catches went, because the labellers list those
very problems (on dev, 14 of their 14 findings sit on a labelled problem). The fold was undone; this table keeps
both judges in view.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from eval_review import DATA, load, on_lines, round_grades, round_versions  # noqa: E402

from mentor import review_triage  # noqa: E402
from mentor.review import analyse  # noqa: E402

DEV_ROUNDS = [DATA / f"dev{n}" for n in range(1, 8)]  # the rounds the session-13 experiment read
BAR = 0.25
MIN_FINDINGS = 3


def rule_grades(rounds: list[Path]) -> dict[str, Counter]:
    """rule -> Counter of grades, and of `on-label` (the finding points at a labelled problem of its file), for every
    finding today's review gives on the dev files (raised, minor or hardening) that a dev round graded. A graded
    message may carry a suffix the review adds only when it raises the finding, so a graded message that starts with
    today's message counts."""
    grades: dict[tuple[str, int], list[tuple[str, str]]] = defaultdict(list)  # (file, line) -> [(message, grade)]
    for (file, line, message), grade in round_grades(rounds).items():
        grades[(file, line)].append((message, grade))
    labels = load(DATA / "labels.jsonl")
    files = set().union(*(round_versions(p)["files"] for p in rounds))
    out: dict[str, Counter] = defaultdict(Counter)
    for item in (m for m in load(DATA / "manifest.jsonl") if m["split"] == "dev" and m["id"] in files):
        path = next((DATA / "files").glob(f"{item['id']}.*"))
        a = analyse(path.read_text(encoding="utf-8"), path.name)
        for f in a.findings + a.minor + a.hardening:
            given = grades.get((path.name, f.line), [])
            grade = next((g for m, g in given if m.startswith(f.message.split(" (also at line")[0])), None)
            if grade:
                out[f.rule][grade] += 1
                place = {"line": f.line, "end_line": f.end_line, "also": f.also}
                out[f.rule]["on-label"] += any(lab["id"] == item["id"] and on_lines(place, lab) for lab in labels)
    return out


def graded(c: Counter) -> int:
    return c["true"] + c["debatable"] + c["wrong"]


def low_value(table: dict[str, Counter]) -> set[str]:
    """The rules both judges rate low: an estimated true rate under BAR on at least MIN_FINDINGS graded dev findings,
    and under BAR of them on a labelled problem."""
    return {rule for rule, c in table.items() if rule not in review_triage.HARDENING and graded(c) >= MIN_FINDINGS
            and (c["true"] + 1) / (graded(c) + 2) < BAR and c["on-label"] < BAR * graded(c)}


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    table = rule_grades(DEV_ROUNDS)
    print(f"{'rule':40} {'graded':>6} {'true':>5} {'debatable':>9} {'wrong':>5} {'estimate':>8} {'on a label':>10}")
    for rule, c in sorted(table.items(), key=lambda kv: (-graded(kv[1]), kv[0])):
        n = graded(c)
        print(f"{rule:40} {n:6} {c['true']:5} {c['debatable']:9} {c['wrong']:5} {(c['true'] + 1) / (n + 2):8.2f} "
              f"{c['on-label']:10}" + ("  (hardening)" if rule in review_triage.HARDENING else ""))
    low = low_value(table)
    print(f"\nrated low by both judges (estimate < {BAR} on >= {MIN_FINDINGS} graded, under {BAR:.0%} on a label): "
          + (", ".join(sorted(low)) or "none"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
