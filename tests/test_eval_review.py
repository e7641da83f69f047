"""The review evaluation: a finding gets a grade only from the blind round that saw that exact finding."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("eval_review", ROOT / "scripts" / "eval_review.py")
eval_review = importlib.util.module_from_spec(spec)
spec.loader.exec_module(eval_review)


def _write(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def test_a_changed_message_is_ungraded_not_given_the_old_grade(tmp_path, capsys):
    seen = {"file": "a.py", "line": 3, "end_line": 3, "message": "requests.get without a timeout"}
    _write(tmp_path / "r.findings.jsonl", [{"finding_id": "h1", **seen}])
    _write(tmp_path / "r.graded.jsonl", [{"finding_id": "h1", "grade": "true"}])
    reworded = {**seen, "message": "requests.get has no timeout"}
    graded = eval_review.with_grades([seen, reworded], eval_review.round_grades([tmp_path / "r"]))
    assert [(f["message"], f["grade"]) for f in graded] == [(seen["message"], "true")]
    assert "ungraded: 1 findings" in capsys.readouterr().out


def test_a_finding_graded_wrong_does_not_count_as_catching_the_labelled_problem():
    label = {"id": "g1", "line_start": 10, "line_end": 12, "model_free": True, "problem": "no timeout"}
    near = {"file": "g1.py", "line": 13, "end_line": 13}
    assert eval_review.recall([label], [{**near, "grade": "true"}], {"g1"})[:2] == (1, 1)
    assert eval_review.recall([label], [{**near, "grade": "wrong"}], {"g1"})[:2] == (0, 1)


def test_a_round_reprints_each_version_it_graded_from_what_that_version_gave(tmp_path):
    a = {"finding_id": "h1", "file": "f1.py", "line": 3, "end_line": 3, "message": "no timeout"}
    b = {"finding_id": "h2", "file": "f2.py", "line": 9, "end_line": 9, "message": "pickle of an upload"}
    _write(tmp_path / "r.findings.jsonl", [a, b])
    _write(tmp_path / "r.graded.jsonl", [{"finding_id": "h1", "grade": "debatable"},
                                         {"finding_id": "h2", "grade": "true"}])
    versions = {"files": ["f1", "f2"], "versions": {"old": ["h1"], "new": ["h1", "h2"]}}
    (tmp_path / "r.versions.json").write_text(json.dumps(versions))
    old = eval_review.version_in_round(tmp_path / "r", "old", {"f1", "f2"})
    new = eval_review.version_in_round(tmp_path / "r", "new", {"f2"})
    assert [(f["finding_id"], f["grade"]) for f in old] == [("h1", "debatable")]
    assert [(f["finding_id"], f["grade"]) for f in new] == [("h2", "true")]


def test_a_later_round_grades_only_what_is_new_and_takes_the_rest_from_the_earlier_one(tmp_path):
    old = {"file": "f1.py", "line": 3, "end_line": 3, "message": "no timeout"}
    new = {"file": "g5.py", "line": 7, "end_line": 7, "message": "exception text sent to the client"}
    _write(tmp_path / "a.findings.jsonl", [{"finding_id": "h1", **old}])
    _write(tmp_path / "a.graded.jsonl", [{"finding_id": "h1", "grade": "true"}])
    _write(tmp_path / "b.findings.jsonl", [{"finding_id": "i1", **old}, {"finding_id": "i2", **new}])
    _write(tmp_path / "b.graded.jsonl", [{"finding_id": "i2", "grade": "wrong"}])  # the grader saw only i2
    (tmp_path / "b.versions.json").write_text(json.dumps({"files": ["f1", "g5"], "versions": {"v": ["i1", "i2"]}}))
    got = eval_review.version_in_round(tmp_path / "b", "v", {"f1", "g5"}, [tmp_path / "a"])
    assert [(f["finding_id"], f["grade"]) for f in got] == [("i1", "true"), ("i2", "wrong")]


def test_matched_recall_counts_the_finding_the_matcher_named_not_one_that_shares_the_lines():
    labels = [{"id": "g1", "line_start": 40, "line_end": 40, "model_free": True, "problem": "no seed is set"},
              {"id": "g1", "line_start": 10, "line_end": 10, "model_free": True, "problem": "no timeout"}]
    seed = {"file": "g1.py", "line": 90, "end_line": 90, "message": "training never sets a seed", "grade": "true"}
    status = {"file": "g1.py", "line": 10, "end_line": 10, "message": "status never checked", "grade": "true"}
    ids = {("g1.py", 90, seed["message"]): "h1", ("g1.py", 10, status["message"]): "h2"}
    matches = {"g1#0": {"h1"}, "g1#1": set()}  # the seed finding is the seed problem; h2 is a different problem
    assert eval_review.recall(labels, [seed, status], {"g1"})[:2] == (1, 2)  # line overlap: the wrong one
    caught, total, missed = eval_review.matched_recall(labels, [seed, status], {"g1"}, matches, ids)
    assert (caught, total, [m["problem"] for m in missed]) == (1, 2, ["no timeout"])
    wrong = {**seed, "grade": "wrong"}
    assert eval_review.matched_recall(labels, [wrong, status], {"g1"}, matches, ids)[:2] == (0, 2)


def _hardening_data(tmp_path: Path) -> None:
    """One test file whose labelled problem (exception text sent back) only the hardening list raises."""
    from tests.test_review_triage import HARDENING_DEMO

    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "h1.py").write_text(HARDENING_DEMO)
    _write(tmp_path / "manifest.jsonl", [{"id": "h1", "split": "test"}])
    _write(tmp_path / "labels.jsonl", [{"id": "h1", "line_start": 15, "line_end": 15, "model_free": True,
                                        "problem": "the exception's text goes back to the caller"}])


def test_the_hardening_list_is_out_of_precision_and_counts_in_recall_only_when_asked(tmp_path, capsys):
    _hardening_data(tmp_path)
    every = eval_review.review_files(tmp_path, "test", serves_others=True)
    _write(tmp_path / "r.findings.jsonl", [{"finding_id": f"h{i}", **{k: f[k] for k in ("file", "line", "message")}}
                                           for i, f in enumerate(every)])
    _write(tmp_path / "r.graded.jsonl", [{"finding_id": f"h{i}", "grade": "true"} for i in range(len(every))])
    (tmp_path / "r.versions.json").write_text(json.dumps({"files": ["h1"], "versions": {}}))
    shown = eval_review.review_files(tmp_path, "test")
    apart = [f for f in shown if f["_hardening"]]
    assert {f["_rule"] for f in apart} == {"ml:missing-auth", "ml:exception-to-client"}
    assert eval_review.main(["--data", str(tmp_path), "--round", str(tmp_path / "r")]) == 0
    out = capsys.readouterr().out
    assert f"findings: {len(shown) - 2} · before other people use this: 2" in out
    assert f"precision (true/all): 100% ({len(shown) - 2}/{len(shown) - 2})" in out and "(0/1)" in out
    assert eval_review.main(["--data", str(tmp_path), "--round", str(tmp_path / "r"), "--with-hardening"]) == 0
    assert "recall of model-free problems: 100% (1/1)" in capsys.readouterr().out


def test_with_hardening_counts_the_list_in_ungraded_recall_too(tmp_path, capsys):
    """Before session 12 the ungraded path dropped the list before `--with-hardening` could count it."""
    _hardening_data(tmp_path)
    assert eval_review.main(["--data", str(tmp_path)]) == 0
    assert "(ungraded): 0% (0/1)" in capsys.readouterr().out
    assert eval_review.main(["--data", str(tmp_path), "--with-hardening"]) == 0
    assert "(ungraded): 100% (1/1)" in capsys.readouterr().out
    written = tmp_path / "w.jsonl"
    assert eval_review.main(["--data", str(tmp_path), "--write", str(written)]) == 0
    assert not any("exception" in json.loads(line)["message"] for line in written.read_text().splitlines())


def test_a_rule_is_a_candidate_to_fold_only_when_graders_and_labellers_both_rate_it_low():
    spec_ = importlib.util.spec_from_file_location("rule_value", ROOT / "scripts" / "rule_value.py")
    rule_value = importlib.util.module_from_spec(spec_)
    spec_.loader.exec_module(rule_value)
    from collections import Counter
    table = {"graders-low": Counter({"debatable": 8, "on-label": 8}),
             "both-low": Counter({"debatable": 8, "on-label": 1}),
             "too-few": Counter({"debatable": 2}),
             "one-in-four": Counter({"true": 1, "debatable": 5}),
             "ml:missing-auth": Counter({"debatable": 10}),
             "valued": Counter({"true": 3, "on-label": 3})}
    assert rule_value.low_value(table) == {"both-low"}


def test_recall_of_all_labels_counts_the_problems_that_need_a_model_too():
    labels = [{"id": "g1", "line_start": 5, "line_end": 5, "model_free": True, "problem": "no timeout"},
              {"id": "g1", "line_start": 30, "line_end": 34, "model_free": False, "problem": "race on the cache"}]
    found = [{"file": "g1.py", "line": 31, "end_line": 31, "message": "two requests fill the cache", "grade": "true"}]
    assert eval_review.recall(labels, found, {"g1"})[:2] == (0, 1)
    assert eval_review.recall(labels, found, {"g1"}, every=True)[:2] == (1, 2)


WEATHER = '''import requests


def weather(city):
    reply = requests.get(f"https://wttr.in/{city}")
    return reply.json()


def forecast(cities):
    out = {}
    for city in cities:
        out[city] = weather(city)
    return out
'''


def test_the_model_stand_in_reads_the_request_that_left_and_its_answer_is_validated_by_the_review(tmp_path, capsys):
    """scripts/model_review_eval.py: the request is the real one (numbered code, static findings, tool schema);
    the answer goes back through the real ReviewService, which drops a line the file lacks and a repeat of a
    static finding, and keeps the rest."""
    spec_ = importlib.util.spec_from_file_location("model_review_eval", ROOT / "scripts" / "model_review_eval.py")
    mre = importlib.util.module_from_spec(spec_)
    spec_.loader.exec_module(mre)
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "w1.py").write_text(WEATHER)
    (tmp_path / "files" / "w2.py").write_text(WEATHER)
    _write(tmp_path / "manifest.jsonl", [{"id": "w1", "split": "test"}, {"id": "w2", "split": "test"}])
    blind = tmp_path / "blind"
    assert mre.main(["prompts", "--data", str(tmp_path), "--ids", "w1,w2", "--out", str(blind)]) == 0
    prompt = (blind / "w1.py.prompt.md").read_text()
    assert '   5 |     reply = requests.get(f"https://wttr.in/{city}")' in prompt
    static = next(line for line in prompt.split("<static_findings>\n")[1].split("</static_findings>")[0].splitlines()
                  if "timeout" in line)
    assert '"name": "report_review"' in prompt
    principle = static.split("(")[1].split(")")[0]
    (blind / "w1.py.answer.json").write_text(json.dumps({"summary": "One call per city, in series.", "findings": [
        {"line": 11, "end_line": 12, "severity": "warning", "principle": "performance",
         "message": "cities are fetched one after another", "suggestion": "fetch them concurrently"},
        {"line": 99, "severity": "error", "principle": "security", "message": "a line the file does not have"},
        {"line": 5, "severity": "warning", "principle": principle, "message": "the same point as the static check"}]}))
    written = tmp_path / "found.jsonl"
    capsys.readouterr()
    assert mre.main(["findings", "--data", str(tmp_path), "--ids", "w1,w2", "--answers", str(blind),
                     "--write", str(written)]) == 0
    out = capsys.readouterr().out
    rows = [json.loads(line) for line in written.read_text().splitlines()]
    model = [(r["file"], r["line"], r["message"]) for r in rows if r["_rule"] == "model"]
    assert model == [("w1.py", 11, "cities are fetched one after another")]
    assert {r["file"] for r in rows if r["_rule"] != "model"} == {"w1.py", "w2.py"}  # static on both
    assert "2 of its findings dropped" in out and "no usable answer for 1 files (offline review only): w2.py" in out


def test_model_policy_adds_up_rounds_when_pooled(tmp_path, capsys):
    """Two one-file rounds pooled: counts add up, so shares are of the sums, not means of the rounds' shares."""
    spec_ = importlib.util.spec_from_file_location("model_policy", ROOT / "scripts" / "model_policy.py")
    policy = importlib.util.module_from_spec(spec_)
    spec_.loader.exec_module(policy)

    def write(name, rows):
        (tmp_path / name).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")

    write("labels.jsonl", [{"id": "g1", "model_free": True}, {"id": "g2", "model_free": True}])
    for n, (fid, grades) in enumerate([("g1", ["true", "true", "debatable"]), ("g2", ["wrong"])], start=1):
        model = [{"file": f"{fid}.py", "line": i + 1, "message": f"m{i}", "_rule": "model", "_severity": "warning",
                  "_principle": "reliability", "_rank": i + 1} for i in range(len(grades))]
        ids = [f"r{n}{i}" for i in range(len(grades))]
        write(f"r{n}.model_findings.jsonl", model)
        write(f"r{n}.findings.jsonl", [{**f, "finding_id": i} for f, i in zip(model, ids, strict=True)])
        write(f"r{n}.graded.jsonl", [{"finding_id": i, "grade": g} for i, g in zip(ids, grades, strict=True)])
        write(f"r{n}.matched.jsonl", [{"label": f"{fid}#0", "findings": [ids[0]]}])
        (tmp_path / f"r{n}.versions.json").write_text(json.dumps({"files": [fid], "versions": {}}))
    rounds = ["--round", str(tmp_path / "r1"), "--round", str(tmp_path / "r2")]
    assert policy.main([*rounds, "--pool", str(tmp_path / "r1"), "--pool", str(tmp_path / "r2"),
                        "--data", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2 files · 2 labels (2 model-free)")
    every = next(line for line in out.splitlines() if line.startswith("all model findings"))
    # 4 findings, 2 true (50%), 1 wrong (25%); g1's label caught, g2's only by a finding graded wrong (50%)
    assert every.split() == ["all", "model", "findings", "4", "50.0%", "25.0%", "50.0%", "50.0%", "2,", "1,", "1/2"]


def test_a_policy_keeps_the_static_findings_and_the_model_findings_it_selects():
    spec_ = importlib.util.spec_from_file_location("model_policy", ROOT / "scripts" / "model_policy.py")
    policy = importlib.util.module_from_spec(spec_)
    spec_.loader.exec_module(policy)
    static = {"file": "g1.py", "line": 5, "message": "no timeout", "_rule": "ml:http-no-timeout",
              "_severity": "warning", "_rank": None}
    warn = {"file": "g1.py", "line": 30, "message": "cache races", "_rule": "model", "_severity": "warning",
            "_principle": "reliability", "_rank": 1}
    design = {"file": "g1.py", "line": 35, "message": "inject the client", "_rule": "model", "_severity": "warning",
              "_principle": "DIP", "_rank": 2}
    note = {"file": "g1.py", "line": 40, "message": "log more", "_rule": "model", "_severity": "info",
            "_principle": "observability", "_rank": 3}
    found = [{**static, "grade": "true"}, {**warn, "grade": "true"}, {**design, "grade": "debatable"},
             {**note, "grade": "debatable"}]
    ids = {("g1.py", 5, "no timeout"): "r1", ("g1.py", 30, "cache races"): "r2",
           ("g1.py", 35, "inject the client"): "r4", ("g1.py", 40, "log more"): "r3"}
    labels = [{"id": "g1", "model_free": True}, {"id": "g1", "model_free": False}, {"id": "g1", "model_free": False}]
    matches = {"g1#0": {"r1"}, "g1#1": {"r2"}, "g1#2": {"r3"}}
    rows = {r[0]: r[1:] for r in policy.table(found, ids, matches, labels, {"g1"})}
    assert rows["static only"] == (1, 1.0, 0.0, 1.0, 1 / 3)
    assert rows["severity error or warning"] == (3, 2 / 3, 0.0, 1.0, 2 / 3)
    assert rows["error, or warning not on design"] == (2, 1.0, 0.0, 1.0, 2 / 3)  # as shipped: the DIP warning apart
    assert rows["all model findings"] == (4, 2 / 4, 0.0, 1.0, 1.0)
    assert rows["first 3 of the answer"] == rows["all model findings"]
    assert rows["first 2 of the answer"] == rows["severity error or warning"]  # the note came third


def test_the_second_readings_policies_read_its_verdicts_and_only_where_every_model_finding_has_one():
    """Session 16's trial (eval/review/PREDECLARED_session16.md): raise what the second reading says raise."""
    spec_ = importlib.util.spec_from_file_location("model_policy", ROOT / "scripts" / "model_policy.py")
    policy = importlib.util.module_from_spec(spec_)
    spec_.loader.exec_module(policy)
    static = {"file": "g1.py", "line": 5, "message": "no timeout", "_rule": "ml:http-no-timeout",
              "_severity": "warning", "_rank": None, "grade": "true"}
    error = {"file": "g1.py", "line": 30, "message": "cache races", "_rule": "model", "_severity": "error",
             "_principle": "reliability", "_rank": 1, "grade": "debatable"}
    design = {"file": "g1.py", "line": 35, "message": "inject the client", "_rule": "model", "_severity": "info",
              "_principle": "DIP", "_rank": 2, "grade": "true"}
    ids = {("g1.py", 5, "no timeout"): "r1", ("g1.py", 30, "cache races"): "r2",
           ("g1.py", 35, "inject the client"): "r3"}
    labels = [{"id": "g1", "model_free": True}, {"id": "g1", "model_free": True}]
    matches = {"g1#0": {"r1"}, "g1#1": {"r3"}}
    unread = {r[0] for r in policy.table([static, error, design], ids, matches, labels, {"g1"})}
    assert "second reading raises (V1)" not in unread and "error, or warning not on design" in unread
    read = [static, {**error, "_verdict": "minor"}, {**design, "_verdict": "raise"}]
    rows = {r[0]: r[1:] for r in policy.table(read, ids, matches, labels, {"g1"})}
    assert rows["second reading raises (V1)"] == (2, 1.0, 0.0, 1.0, 1.0)  # the design note it raised, not the error
    assert rows["error, or warning not on design"] == (2, 0.5, 0.0, 0.5, 0.5)
    assert rows["second reading and the rule (V2)"] == (1, 1.0, 0.0, 0.5, 0.5)  # static only: the rule drops the note


def test_judge_agreement_crosses_the_graders_grade_with_the_matchers_reading_of_the_shown_findings():
    """A debatable finding that raises a listed problem counts against precision and for recall: it is counted
    apart, and kappa is 1 only when "graded true" and "raises a listed problem" always go together."""
    spec_ = importlib.util.spec_from_file_location("judge_agreement", ROOT / "scripts" / "judge_agreement.py")
    judges = importlib.util.module_from_spec(spec_)
    spec_.loader.exec_module(judges)
    static = {"file": "g1.py", "line": 5, "message": "no timeout", "_rule": "ml:http-no-timeout",
              "_severity": "warning", "grade": "debatable"}
    error = {"file": "g1.py", "line": 30, "message": "cache races", "_rule": "model", "_severity": "error",
             "_principle": "reliability", "grade": "true"}
    note = {"file": "g1.py", "line": 40, "message": "log more", "_rule": "model", "_severity": "info",
            "_principle": "observability", "grade": "true"}  # listed apart by the shipped rule: not counted
    ids = {("g1.py", 5, "no timeout"): "r1", ("g1.py", 30, "cache races"): "r2", ("g1.py", 40, "log more"): "r3"}
    table = judges.crossed([static, error, note], ids, [{"label": "g1#0", "findings": ["r1", "r3"]},
                                                         {"label": "g1#1", "findings": []}])
    assert table == {("debatable", True): 1, ("true", False): 1}
    assert judges.kappa(table) < 0  # the two judges disagree on both findings
    assert judges.kappa({("true", True): 2, ("debatable", False): 3}) == 1.0


def test_session_17s_trial_policies_read_their_columns_and_only_where_every_model_finding_has_one():
    """T3 reads the product's own choice (`_listed`), T4 the likelihood the model gave (`_bites`)."""
    spec_ = importlib.util.spec_from_file_location("model_policy", ROOT / "scripts" / "model_policy.py")
    policy = importlib.util.module_from_spec(spec_)
    spec_.loader.exec_module(policy)
    error = {"file": "g1.py", "line": 30, "message": "cache races", "_rule": "model", "_severity": "error",
             "_principle": "reliability", "_rank": 1, "grade": "true"}
    warn = {"file": "g1.py", "line": 35, "message": "huge inputs", "_rule": "model", "_severity": "warning",
            "_principle": "reliability", "_rank": 2, "grade": "debatable"}
    ids = {("g1.py", 30, "cache races"): "r1", ("g1.py", 35, "huge inputs"): "r2"}
    labels = [{"id": "g1", "model_free": True}, {"id": "g1", "model_free": True}]
    matches = {"g1#0": {"r1"}, "g1#1": {"r2"}}
    unread = {r[0] for r in policy.table([error, warn], ids, matches, labels, {"g1"})}
    assert not unread & {"as the review shows it (T3)", "T4 P1: the rule, not edge case or later"}
    edge = [{**error, "_bites": "edge case or later", "_listed": False, "_raised_from": ""},
            {**warn, "_bites": "edge case or later", "_listed": True, "_raised_from": ""}]
    rows = {r[0]: r[1:] for r in policy.table(edge, ids, matches, labels, {"g1"})}
    assert rows["T4 P1: the rule, not edge case or later"] == (1, 1.0, 0.0, 0.5, 0.5)  # errors always raised
    assert rows["T4 P2: error or warning, every run or normal use"] == (0, 0.0, 0.0, 0.0, 0.0)
    assert rows["as the review shows it (T3)"] == rows["T4 P1: the rule, not edge case or later"]
    assert rows["error, or warning not on design"] == (2, 0.5, 0.0, 1.0, 1.0)


def test_session_18s_confidence_policies_and_the_cut_chosen_on_dev():
    """T5a raises what the model is confident of whatever its severity, T5b filters the shipped rule; the sweep's
    rule keeps the most precise cut that loses at most one model-free label against the shipped rule."""
    spec_ = importlib.util.spec_from_file_location("model_policy", ROOT / "scripts" / "model_policy.py")
    policy = importlib.util.module_from_spec(spec_)
    spec_.loader.exec_module(policy)
    error = {"file": "g1.py", "line": 30, "message": "cache races", "_rule": "model", "_severity": "error",
             "_principle": "reliability", "_rank": 1, "grade": "true", "_confidence": 90}
    warn = {"file": "g1.py", "line": 35, "message": "huge inputs", "_rule": "model", "_severity": "warning",
            "_principle": "reliability", "_rank": 2, "grade": "debatable", "_confidence": 40}
    note = {"file": "g1.py", "line": 50, "message": "split it", "_rule": "model", "_severity": "info",
            "_principle": "SRP", "_rank": 3, "grade": "true", "_confidence": 80}
    ids = {("g1.py", 30, "cache races"): "r1", ("g1.py", 35, "huge inputs"): "r2", ("g1.py", 50, "split it"): "r3"}
    labels = [{"id": "g1", "model_free": True}, {"id": "g1", "model_free": True}, {"id": "g1", "model_free": True}]
    matches = {"g1#0": {"r1"}, "g1#1": {"r2"}, "g1#2": {"r3"}}
    unread = {r[0] for r in policy.table([{k: v for k, v in f.items() if k != "_confidence"} for f in (error, warn)],
                                         ids, matches, labels, {"g1"})}
    assert "T5a: confidence >= theta" not in unread
    empty = {r[0] for r in policy.table([{**f, "_confidence": None} for f in (error, warn)], ids, matches, labels,
                                        {"g1"})}
    assert "T5a: confidence >= theta" not in empty  # a column with no value in it: not shown under T5's name
    assert "T5a: confidence >= theta" in {r[0] for r in policy.table([error, warn], ids, matches, labels, {"g1"})}
    per = policy.counts([error, warn, note], ids, matches, labels, {"g1"}, policy.sweep_policies([error, warn, note]))
    assert per["shipped"][:4] == (2, 1, 0, 2)
    assert per["T5a 80"][:4] == (2, 2, 0, 2)  # the confident info note raised, the unsure warning not
    assert per["T5b 80"][:4] == (1, 1, 0, 1)
    assert policy.chosen_cut(per) == "T5a 80"
    assert policy.chosen_cut(per, slack=0) == "T5a 80"
    assert policy.confident({**warn, "_confidence": None}, 99)  # no confidence: the shipped rule decides


def test_the_readmes_held_out_figures_for_the_review_with_a_model_reprint_from_the_committed_rounds(capsys):
    """Session 18's figures (README, eval/review/PREDECLARED_session18.md): the review as it ships (T5b at the
    product's cut) on round 27 alone and on rounds 26 + 27, from the blind grades and matches committed."""
    spec_ = importlib.util.spec_from_file_location("model_policy", ROOT / "scripts" / "model_policy.py")
    policy = importlib.util.module_from_spec(spec_)
    spec_.loader.exec_module(policy)
    rounds = [a for r in [*range(3, 6), 6, "6b", *range(7, 28)] for a in ("--round", f"eval/review/round{r}")]
    rows = {}
    for pooled in (["round27"], ["round26", "round27"]):
        capsys.readouterr()
        assert policy.main([*rounds, *[a for p in pooled for a in ("--pool", f"eval/review/{p}")]]) == 0
        line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("T5b: the rule"))
        rows[len(pooled)] = line.rsplit("   ", 1)[1]
    assert policy.RAISE_CONFIDENCE == 35  # the cut the figures are printed at unless --theta says otherwise
    assert rows == {1: "143, 3, 60/99", 2: "270, 7, 115/191"}  # true, wrong, model-free caught
