"""Evaluate the offline code review on real public files with labelled problems (eval/review/, dev/test split).

    python scripts/eval_review.py --split test --round eval/review/round3   # today's findings, graded by round 3
    python scripts/eval_review.py --split test --prefix f     # round 2 (graded on the 14 first test files, f11-f24)
    python scripts/eval_review.py --split test --prefix f --graded eval/review/findings_test.round1.graded.jsonl
    python scripts/eval_review.py --split dev --verbose   # tuning: every dev finding and every missed dev problem
    python scripts/eval_review.py --split test --write FILE    # findings for a blind grader (no rule ids)
    python scripts/eval_review.py --split dev --prefix g  # the second dev batch (g01-g12) alone

A grading round PREFIX is PREFIX.findings.jsonl (what the blind grader saw: finding_id, file, line, end_line,
message; several versions' findings, de-duplicated and shuffled) and PREFIX.graded.jsonl (the grader's lines).
`--round` reviews the files with the current code and looks each finding up in the round by (file, line,
message); findings the round never saw are reported as ungraded, so a changed reviewer cannot borrow grades.
PREFIX.versions.json names the files the round covered (recall counts only their problems) and which findings
each version gave. `--version NAME` takes the findings that version gave when the round was made, so a round's
table can be reprinted after the reviewer has changed:

    python scripts/eval_review.py --split test --round eval/review/round3 --version start-91ff828

A later round may send the grader only what no earlier round graded; name the earlier rounds first:

    python scripts/eval_review.py --split test --round eval/review/round3 --round eval/review/round4 --version round4

The grader's file pairs line by line with the findings file of the same name without `.graded`.

Findings go to the grader as (file, line, end_line, message) only: no rule ids, no severity. Precision is
true / all graded findings and the wrong share is wrong / all. A labelled model-free problem is caught when a
finding that was not graded wrong overlaps its lines (+/- SLACK lines); before grading, any overlapping finding
counts (reported as "line-overlap recall").
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mentor.review import analyse  # noqa: E402

DATA = ROOT / "eval" / "review"
SLACK = 2  # a finding two lines off the labelled span still points the reader at the problem


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def review_files(data: Path, split: str, prefix: str = "", serves_others: bool = False) -> list[dict]:
    """The tool's offline findings on every file of the split (whose id starts with `prefix`, or one of several
    comma-separated prefixes), and its "before other people use this" items, marked `_hardening`."""
    out = []
    starts = tuple(prefix.split(","))
    for item in (m for m in load(data / "manifest.jsonl") if m["split"] == split and m["id"].startswith(starts)):
        path = next((data / "files").glob(f"{item['id']}.*"))
        analysis = analyse(path.read_text(encoding="utf-8"), path.name, serves_others)
        for f, held in [(f, False) for f in analysis.findings] + [(f, True) for f in analysis.hardening]:
            out.append({"file": path.name, "line": f.line, "end_line": f.end_line, "also": f.also,
                        "message": f.message, "_rule": f.rule, "_hardening": held})
    return out


def grade_of(row: dict) -> str:
    return str(row.get("grade") or row.get("verdict") or row.get("label") or "").strip().lower()


def counted(lab: dict, split_ids: set[str], every: bool = False) -> bool:
    """Whether a labelled problem counts in recall: on the split's files, and model-free unless `every`."""
    return lab["id"] in split_ids and (every or bool(lab.get("model_free")))


def recall(labels: list[dict], findings: list[dict], split_ids: set[str],
           every: bool = False) -> tuple[int, int, list[dict]]:
    """(caught, all) model-free labelled problems of the split (`every`: all labelled problems), and the missed."""
    wanted = [lab for lab in labels if counted(lab, split_ids, every)]
    missed = []
    for lab in wanted:
        hit = any(f["file"].split(".")[0] == lab["id"] and grade_of(f) != "wrong" and on_lines(f, lab)
                  for f in findings)
        if not hit:
            missed.append(lab)
    return len(wanted) - len(missed), len(wanted), missed


def matched_recall(labels: list[dict], findings: list[dict], split_ids: set[str], matches: dict[str, set[str]],
                   ids: dict[tuple, str], every: bool = False) -> tuple[int, int, list[dict]]:
    """(caught, all) model-free labelled problems of the split by a blind matcher's reading (review_match.py):
    caught when a finding the matcher says raises the same problem was given and not graded wrong."""
    given = {ids[(f["file"], f["line"], f["message"])] for f in findings
             if grade_of(f) != "wrong" and (f["file"], f["line"], f["message"]) in ids}
    keyed = [(k, lab) for k, lab in label_keys(labels) if counted(lab, split_ids, every)]
    unmatched = [k for k, _ in keyed if k not in matches]
    if unmatched:
        raise SystemExit(f"the matcher did not answer for {len(unmatched)} labels, e.g. {unmatched[:3]}")
    missed = [lab for k, lab in keyed if not matches[k] & given]
    return len(keyed) - len(missed), len(keyed), missed


def label_keys(labels: list[dict]) -> list[tuple[str, dict]]:
    """(key, label) for every label: its file id and its index among that file's labels (`g151#2`)."""
    seen: Counter = Counter()
    out = []
    for lab in labels:
        out.append((f"{lab['id']}#{seen[lab['id']]}", lab))
        seen[lab["id"]] += 1
    return out


def on_lines(finding: dict, label: dict) -> bool:
    """Whether a finding points at a labelled problem's lines (+/- SLACK), at its own place or one it names."""
    return any(line <= label["line_end"] + SLACK and end >= label["line_start"] - SLACK
               for line, end in places(finding))


def places(finding: dict) -> list[tuple[int, int]]:
    """The line spans a finding points at: its own, and each other line where it says the same holds."""
    return [(finding["line"], finding["end_line"])] + [(n, n) for n in finding.get("also") or []]


def round_grades(prefixes: list[Path]) -> dict[tuple, str]:
    """(file, line, message) -> grade, over the given blind rounds; a round may grade only the findings that no
    earlier round saw, and a later round's grade wins."""
    grade: dict[tuple, str] = {}
    for prefix in prefixes:
        seen = {r["finding_id"]: (r["file"], r["line"], r["message"])
                for r in round_findings(prefix)}
        grade |= {seen[r["finding_id"]]: grade_of(r) for r in load(prefix.with_name(prefix.name + ".graded.jsonl"))}
    return grade


def with_grades(findings: list[dict], grade: dict[tuple, str]) -> list[dict]:
    """The findings the rounds graded, with their grades; prints how many no round saw."""
    out, ungraded = [], []
    for f in findings:
        key = (f["file"], f["line"], f["message"])
        (out if key in grade else ungraded).append({**f, "grade": grade.get(key, "")})
    if ungraded:
        print(f"ungraded: {len(ungraded)} findings (left out of precision and recall)")
        for f in ungraded:
            print(f"  {f['file']}:{f['line']} {f['message']}")
    return out


def round_findings(prefix: Path) -> list[dict]:
    """What a round's grader was given: PREFIX.findings.jsonl, each finding with its id."""
    return load(prefix.with_name(prefix.name + ".findings.jsonl"))


def finding_ids(prefix: Path) -> dict[tuple, str]:
    """A round's finding ids by (file, line, message), the key its grades and matches are read by."""
    return {(f["file"], f["line"], f["message"]): f["finding_id"] for f in round_findings(prefix)}


def round_versions(prefix: Path) -> dict:
    return json.loads(prefix.with_name(prefix.name + ".versions.json").read_text())


def version_in_round(prefix: Path, version: str, ids: set[str], earlier: list[Path] | None = None) -> list[dict]:
    """The findings a named version gave when the round was made, with the grades of this and earlier rounds."""
    wanted = set(round_versions(prefix)["versions"][version])
    given = [f for f in round_findings(prefix)
             if f["finding_id"] in wanted and f["file"].split(".")[0] in ids]
    return with_grades(given, round_grades([*(earlier or []), prefix]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DATA, help="folder with manifest.jsonl, labels.jsonl, files/")
    ap.add_argument("--split", default="test", choices=["dev", "test"])
    ap.add_argument("--write", type=Path, help="write the findings here for the blind grader (no rule ids)")
    ap.add_argument("--graded", type=Path, help="the grader's file (default: <data>/findings_<split>.graded.jsonl)")
    ap.add_argument("--round", type=Path, action="append", help="grade from blind rounds (see above; repeatable)")
    ap.add_argument("--version", help="with --round: the findings a named version gave in that round")
    ap.add_argument("--verbose", action="store_true", help="print each finding and each missed problem")
    ap.add_argument("--matched", type=Path,
                    help="with --round: recall by a blind matcher's answers (review_match.py) on the last round's ids")
    ap.add_argument("--serves-others", action="store_true",
                    help="review as code that already serves other people (hardening raised as findings, as before "
                         "session 11)")
    ap.add_argument("--with-hardening", action="store_true",
                    help="count the 'before other people use this' items in recall too (they are shown with lines)")
    ap.add_argument("--all-labels", action="store_true",
                    help="recall of every labelled problem, not only the model-free ones (for the review with a model)")
    ap.add_argument("--prefix", default="",
                    help="only the files whose id starts with this (g: the second dev batch; g5,g6: g51-g60)")
    args = ap.parse_args(argv)

    manifest = load(args.data / "manifest.jsonl")
    ids = {m["id"] for m in manifest if m["split"] == args.split and m["id"].startswith(tuple(args.prefix.split(",")))}
    labels = load(args.data / "labels.jsonl")
    graded_path = args.graded or args.data / f"findings_{args.split}.graded.jsonl"
    if args.round:  # the last round speaks only for the files it covered
        ids &= set(round_versions(args.round[-1])["files"])
    if args.round and args.version:
        findings, graded = version_in_round(args.round[-1], args.version, ids, args.round[:-1]), True
    elif args.round:
        reviewed = [f for f in review_files(args.data, args.split, args.prefix, args.serves_others)
                    if f["file"].split(".")[0] in ids]
        findings, graded = with_grades(reviewed, round_grades(args.round)), True
    elif args.write or not graded_path.is_file():
        findings = review_files(args.data, args.split, args.prefix, args.serves_others)
        if args.write:
            written = [f for f in findings if not f["_hardening"]]
            args.write.write_text("".join(json.dumps({k: v for k, v in f.items() if not k.startswith("_")}) + "\n"
                                          for f in written), encoding="utf-8")
            print(f"wrote {len(written)} findings on {len(ids)} {args.split} files to {args.write}")
        graded = False
    else:
        findings, graded = load(graded_path), True
        # the grader returns file, line, message and grade in the order given: take the line ranges from the
        # findings file it was given
        given = load(graded_path.with_name(graded_path.name.replace(".graded", "")))
        for f, g in zip(findings, given, strict=True):
            assert (f["file"], f["line"]) == (g["file"], g["line"]), (f, g)
            f.setdefault("end_line", g["end_line"])

    hardening = [f for f in findings if f.get("_hardening")]
    findings = [f for f in findings if not f.get("_hardening")]
    print(f"split: {args.split} · files: {len(ids)} · findings: {len(findings)}"
          + (f" · before other people use this: {len(hardening)}" if hardening else ""))
    if graded and hardening:
        grades = Counter(grade_of(f) for f in hardening)
        print(f"those {len(hardening)} items, as graded when they were findings: {grades['true']} true, "
              f"{grades['debatable']} debatable, {grades['wrong']} wrong")
    if graded:
        grades = Counter(grade_of(f) for f in findings)
        n = max(1, len(findings))
        print(f"precision (true/all): {grades['true'] / n:.0%} ({grades['true']}/{len(findings)}) · "
              f"debatable: {grades['debatable'] / n:.0%} · wrong: {grades['wrong'] / n:.0%} ({grades['wrong']})")
    if args.with_hardening:
        findings += hardening
        print("recall below counts the 'before other people use this' items too")
    caught, total, missed = recall(labels, findings, ids, args.all_labels)
    which = "all labelled problems" if args.all_labels else "model-free problems"
    kind = f"recall of {which}" if graded else f"line-overlap recall of {which} (ungraded)"
    print(f"{kind}: {caught / max(1, total):.0%} ({caught}/{total})")
    if args.matched:
        keyed = finding_ids(args.round[-1])
        matches = {r["label"]: set(r["findings"]) for r in load(args.matched)}
        caught, total, missed = matched_recall(labels, findings, ids, matches, keyed, args.all_labels)
        print(f"recall of {which}, matched blind: {caught / max(1, total):.0%} ({caught}/{total})")
    if args.verbose:
        for f in findings:
            print(f"  {f['file']}:{f['line']}-{f['end_line']} [{grade_of(f) or f.get('_rule', '')}] {f['message']}")
        for lab in missed:
            print(f"  missed {lab['id']}:{lab['line_start']}-{lab['line_end']} {lab['problem']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
