"""Review triage: the file's context and each rule's value decide what is raised; placeholders are not secrets."""

from __future__ import annotations

import ast
import textwrap

import pytest

from mentor import review_triage
from mentor.config import Config
from mentor.core import Mentor
from mentor.review import ReviewService, analyse
from mentor.review_lessons import RULE_LESSONS, rule_key
from mentor.review_triage import context_of
from mentor.secret_scan import find_secrets, is_placeholder

SERVICE = '''\
from flask import Flask, jsonify, request

app = Flask(__name__)
jobs = {}


@app.route("/jobs", methods=["POST"])
def submit():
    jobs[request.json.get("id")] = "queued"
    return jsonify(ok=True)
'''

SCRIPT = '''\
import joblib
from sklearn.linear_model import LogisticRegression

results = []


def record(score):
    results.append(score)


def train(X, y):
    model = LogisticRegression(random_state=0).fit(X, y)
    print("trained", model)
    return model


if __name__ == "__main__":
    m = train([[0], [1]], [0, 1])
    record(m.score([[0], [1]], [0, 1]))
    joblib.dump(m, "model.joblib")
'''


@pytest.mark.parametrize("code, kind", [
    (SERVICE, "service"),
    ("import streamlit as st\n\nst.title('Chat')\n", "app"),
    ("from ray import serve\n\n\n@serve.deployment(num_replicas=2)\nclass Model:\n    def __call__(self, r):\n"
     "        return r\n", "service"),
    (SCRIPT, "script"),
    ("import torch\n\nfor epoch in range(3):\n    torch.manual_seed(epoch)\n", "script"),
    ("def area(r: float) -> float:\n    return 3.14 * r * r\n", "library"),
    ("import logging\nimport re\n\nlog = logging.getLogger(__name__)\nWORD = re.compile('\\\\w+')\n", "library"),
    ("import pandas as pd\n\nframe = pd.read_csv('data.csv')\n", "script"),
])
def test_the_context_comes_from_imports_routes_and_module_level_code(code, kind):
    assert context_of(ast.parse(code)).kind == kind


def test_module_state_is_raised_in_a_service_and_only_noted_in_a_script():
    service = analyse(SERVICE, "app.py")
    assert [(f.rule, f.line) for f in service.findings if f.rule == "smell:mutable-global"] == [
        ("smell:mutable-global", 4)]
    script = analyse(SCRIPT, "train.py")
    assert not [f for f in script.findings if f.rule == "smell:mutable-global"]
    assert [f.line for f in script.minor if f.rule == "smell:mutable-global"] == [4]


def test_low_value_findings_become_one_minor_line_not_findings(tmp_path):
    code = SCRIPT.replace("import joblib\n", "import joblib\nimport logging\n") + textwrap.dedent('''\

        def report(client):
            return client.chat.completions.create(model="gpt-4o-mini", messages=[])
        ''')
    result = ReviewService(Mentor(Config.from_env({"MENTOR_HOME": str(tmp_path), "MENTOR_PROVIDER": "offline"}))
                           ).review(code, filename="train.py", store_it=False)
    minor = {f["rule"] for f in result["minor"]}
    assert {"smell:print", "smell:hardcoded-config", "smell:mutable-global"} <= minor
    assert not minor & {f["rule"] for f in result["findings"]}
    assert "Minor, not raised as findings: " in result["summary"] and "print calls" in result["summary"]
    assert result["context"] == "script"


@pytest.mark.parametrize("value", ["pass", "changeme", "<password>", "xxxx", "your-api-key", "YOUR_OPENAI_KEY",
                                   "api_key_here", "password", "${DB_PASSWORD}"])
def test_placeholders_are_recognised(value):
    assert is_placeholder(value)


@pytest.mark.parametrize("value", ["hunter2", "Tr0ub4dor3x", "sk-proj-4f9a8b7c6d5e4f3a2b1c0d", "theory42x", "m0del!pw"])
def test_real_looking_values_are_not_placeholders(value):
    assert not is_placeholder(value)


def test_placeholder_credentials_are_masked_but_not_reported():
    code = textwrap.dedent('''\
        import os

        SAMPLE_URL = "mysql://user:pass@localhost:3306/shop"
        DB_PASSWORD = "changeme"
        TOKEN = os.environ.get("API_TOKEN", "<token>")
        PROD_URL = "postgres://app:Tr0ub4dor3x@db.internal/prod"
        ''')
    assert {s.value for s in find_secrets(code)} >= {"pass", "Tr0ub4dor3x"}  # redaction still masks both
    reported = [(f.rule, f.line) for f in analyse(code, "settings.py").findings if f.rule.startswith("secret")]
    assert reported == [("secret:password", 6)]


def _raised(code: str, filename: str = "train.py") -> list[tuple[str, int]]:
    """What is raised for code that serves other people (hardening raised too: what each context raises)."""
    return [(f.rule, f.line) for f in analyse(textwrap.dedent(code), filename, serves_others=True).findings]


def test_a_checkpoint_rewritten_every_epoch_is_raised_and_a_final_save_is_only_noted():
    looped = '''\
        import torch

        def save_checkpoint(model, path="ckpt.pt"):
            torch.save(model.state_dict(), path)

        def train(model, loader, epochs=3):
            torch.manual_seed(0)
            for epoch in range(epochs):
                for batch in loader:
                    model(batch).sum().backward()
                save_checkpoint(model)
        '''
    assert ("ml:non-atomic-write", 4) in _raised(looped)
    final = '''\
        import joblib
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(random_state=0).fit([[0], [1]], [0, 1])
        joblib.dump(model, "model.joblib")
        '''
    result = analyse(textwrap.dedent(final), "train.py")
    assert not [f for f in result.findings if f.rule == "ml:non-atomic-write"]
    assert [f.line for f in result.minor if f.rule == "ml:non-atomic-write"] == [5]


def test_only_routes_that_change_state_need_an_identity_check():
    code = '''\
        from flask import Flask, jsonify, request

        app = Flask(__name__)
        NOTES = []

        @app.route("/notes/reset", methods=["POST"])
        def reset_notes():
            NOTES.clear()
            return jsonify(ok=True)

        @app.route("/predict", methods=["POST"])
        def predict():
            return jsonify(y=len(request.get_json(silent=True) or []))
        '''
    assert [line for rule, line in _raised(code, "app.py") if rule == "ml:missing-auth"] == [6]
    script = "import requests\n\n\ndef delete_doc(doc_id):\n    return requests.delete(f'/d/{doc_id}', timeout=5)\n"
    assert not [r for r, _ in _raised(script, "client.py") if r == "ml:missing-auth"]


def test_a_training_script_without_seeds_is_raised_and_a_library_one_only_noted():
    script = ("import torch\n\nmodel = torch.nn.Linear(2, 1)\nfor x in torch.rand(10, 2):\n"
              "    model(x).sum().backward()\n")
    assert ("ml:no-seed", 5) in _raised(script)
    library = "import torch\n\n\ndef train(model, batches):\n    for x in batches:\n        model(x).sum().backward()\n"
    assert not [r for r, _ in _raised(library, "trainer.py") if r == "ml:no-seed"]
    assert [f.rule for f in analyse(library, "trainer.py").minor] == ["ml:no-seed"]


def test_a_function_defined_twice_is_raised_and_eval_is_reported_once():
    code = "def score(x):\n    return x\n\n\ndef score(x):\n    return -x\n\n\nimport sys\nprint(eval(sys.argv[1]))\n"
    found = _raised(code, "tool.py")
    assert ("ruff:F811", 5) in found
    assert [r for r, line in found if line == 10] == ["ml:exec-config"]


def test_flask_debugger_is_raised_and_a_module_imported_twice_is_only_noted():
    code = "import os\nfrom flask import Flask\nimport os\n\napp = Flask(__name__)\n\nif __name__ == '__main__':\n" \
           "    app.run(debug=os.environ.get('DEBUG') == '1')\n    app.run(debug=True)\n"
    result = analyse(code, "app.py", serves_others=True)
    assert [(f.rule, f.line) for f in result.findings if f.rule.startswith("ruff:")] == [("ruff:S201", 9)]
    assert [(f.rule, f.line) for f in result.minor if f.rule.startswith("ruff:")] == [("ruff:F811", 3)]


def test_a_mutable_default_is_raised_only_when_it_can_carry_state_between_calls():
    shared = "def add(item, bucket=[]):\n    bucket.append(item)\n    return bucket\n"
    safe = ("class Pre:\n    def __init__(self, index={},\n                 opts={}):\n"
            "        self.index = index or {}\n        self.opts = {'lr': 0.1, **opts}\n")
    assert ("ruff:B006", 1) in _raised(shared, "util.py")
    assert "shared by every call" in next(f.message for f in analyse(shared, "util.py").findings
                                          if f.rule == "ruff:B006")
    assert not [r for r, _ in _raised(safe, "pre.py") if r == "ruff:B006"]
    assert [(f.rule, f.line) for f in analyse(safe, "pre.py").minor] == [("ruff:B006", 2), ("ruff:B006", 3)]


def test_a_growing_history_is_reported_once_not_also_as_mutable_global_state():
    result = analyse(SERVICE.replace("jobs = {}", "chat_history = []").replace(
        'jobs[request.json.get("id")] = "queued"', 'chat_history.append(request.json.get("message"))'), "app.py")
    growth = [f for f in result.findings if "chat_history" in f.message]
    assert [f.rule for f in growth] == ["ml:unbounded-growth"]
    assert "shared by every request and user" in growth[0].message


def test_a_json_body_read_by_key_is_raised_and_a_form_field_only_noted():
    code = '''\
        from flask import Flask, jsonify, request

        app = Flask(__name__)

        @app.route("/ask", methods=["POST"])
        def ask():
            return jsonify(q=request.json["question"])

        @app.route("/search")
        def search():
            return jsonify(q=request.args["q"])
        '''
    result = analyse(textwrap.dedent(code), "app.py", serves_others=True)
    assert [f.line for f in result.findings if f.rule == "ml:unvalidated-input"] == [7]
    assert [f.line for f in result.minor if f.rule == "ml:unvalidated-input"] == [11]
    assert "500" in next(f.message for f in result.findings if f.rule == "ml:unvalidated-input")


def test_an_entropy_guess_is_only_noted_and_a_key_format_is_raised():
    code = 'BLOB = "c2VjcmV0LXZhbHVlLXRoYXQtbG9va3MtcmFuZG9tLXhZejEyMw=="\nKEY = "AKIAIOSFODNN7EXAMPLQ"\n'
    result = analyse(code, "consts.py")
    assert [(f.rule, f.line) for f in result.findings if f.principle == "security"] == [("secret:aws-key", 2)]
    assert [(f.rule, f.line) for f in result.minor if f.principle == "security"] == [("secret:high-entropy", 1)]


def test_an_unguarded_model_call_is_raised_in_an_app_and_only_noted_in_a_library():
    call = 'client.chat.completions.create(model="m", messages=[{"role": "user", "content": q}])'
    app = f"import streamlit as st\nfrom openai import OpenAI\n\nclient = OpenAI()\nq = st.chat_input()\n" \
          f"if q:\n    st.write({call})\n"
    assert ("ml:llm-unguarded", 7) in _raised(app, "app.py")
    library = f"def ask(client, q):\n    return {call}\n"
    result = analyse(library, "llm.py", serves_others=True)
    assert not result.findings and [f.rule for f in result.minor] == ["ml:llm-unguarded"]


def test_exception_text_returned_by_a_plain_function_is_not_sent_to_a_client():
    code = '''\
        import subprocess

        def run_tool(cmd):
            try:
                return subprocess.run(cmd, capture_output=True, check=True).stdout, ""
            except OSError as exc:
                return "", f"the tool did not run ({exc})"
        '''
    assert not [r for r, _ in _raised(code, "tools.py") if r == "ml:exception-to-client"]


def test_a_long_class_name_is_not_an_aws_secret_but_a_random_one_is():
    name = "BetaAsyncAbstractComputerToolset20260801"
    assert not [s for s in find_secrets(f"from .tools import {name} as {name}\n")]
    key = "wJalrXUtnFEMIK7MDENGbPxRfiCYzEXAMPLEKEY9"
    assert [s.rule for s in find_secrets(f'AWS = "{key}"\n')] == ["secret:aws-secret"]


def test_forty_path_characters_of_a_link_are_masked_but_not_raised_as_a_key():
    link = "https://pages.example.edu/staff/fabi/ph101/classnotes/8RotD101.pdf"
    code = f'pdf_url = "{link}"\nKEY = "wJalrXUtnFEMIK7MDENGbPxRfiCYzEXAMPLEKEY9"\n'
    assert [s.rule for s in find_secrets(code)] == ["secret:aws-secret", "secret:aws-secret"]  # redaction: both
    assert [(f.rule, f.line) for f in analyse(code, "upload.py").findings] == [("secret:aws-secret", 2)]
    after = 'DOCS = "see https://docs.example.com/keys wJalrXUtnFEMIK7MDENGbPxRfiCYzEXAMPLEKEY9"\n'
    assert [f.rule for f in analyse(after, "keys.py").findings] == ["secret:aws-secret"]  # after a URL, not in one


def test_an_unchecked_pip_install_is_not_said_to_save_an_error_page():
    code = 'import os\n\nos.system("pip install flash-attn --upgrade")\nos.system("wget https://x.example/a.csv")\n'
    said = {f.line: f.message for f in analyse(code, "setup_env.py").findings if f.rule == "ml:shell-unchecked"}
    assert "failed install goes unnoticed" in said[3] and "error page" not in said[3]
    assert "error page is saved as the data" in said[4]


def test_an_llm_key_setting_is_not_an_identity_check():
    code = SERVICE.replace("app = Flask(__name__)", 'import os\nimport openai\n\nopenai.api_key = os.environ["KEY"]\n'
                           'app = Flask(__name__)').replace('"/jobs"', '"/jobs/delete"')
    assert [r for r, _ in _raised(code, "app.py") if r == "ml:missing-auth"] == ["ml:missing-auth"]
    check = "\n    if request.headers.get('X-API-Key') != os.environ['KEY']:\n        return jsonify(error='no'), 403"
    authed = code.replace("def submit():", "def submit():" + check)
    assert not [r for r, _ in _raised(authed, "app.py") if r == "ml:missing-auth"]


def test_the_old_openai_sdk_call_is_a_model_call_too():
    code = "import openai\n\nfor q in ['a', 'b']:\n    print(openai.ChatCompletion.create(model='m', messages=[q]))\n"
    assert ("ml:llm-unguarded", 4) in _raised(code, "batch.py")
    guarded = code.replace("    print(openai", "    try:\n        print(openai").replace(
        "[q]))\n", "[q]))\n    except openai.error.RateLimitError:\n        continue\n")
    assert not [r for r, _ in _raised(guarded, "batch.py") if r == "ml:llm-unguarded"]


def test_positional_only_parameters_with_mutable_defaults_are_handled():
    code = "def add(item, /, bucket=[], *, seen={}):\n    bucket.append(item)\n    return bucket, seen.get(item)\n"
    found = _raised(code, "util.py")
    assert ("ruff:B006", 1) in found


def test_a_deterministic_fit_needs_no_seed():
    code = "from sklearn.linear_model import LinearRegression\n\nmodel = LinearRegression().fit([[0], [1]], [0, 1])\n"
    assert not [r for r, _ in _raised(code, "fit.py") if r == "ml:no-seed"]
    split = "from sklearn.model_selection import train_test_split\n" + code.replace(
        "[[0], [1]], [0, 1])", "*train_test_split([[0], [1]], [0, 1])[::2])")
    assert [r for r, _ in _raised(split, "fit.py") if r == "ml:no-seed"] == ["ml:no-seed"]


def test_a_traceback_sent_to_the_client_is_exception_text_too():
    code = '''\
        import traceback
        from fastapi import FastAPI, HTTPException

        app = FastAPI()

        @app.post("/predict")
        def predict(x: float):
            try:
                return {"y": 1 / x}
            except Exception:
                raise HTTPException(status_code=500, detail=traceback.format_exc())
        '''
    assert ("ml:exception-to-client", 11) in _raised(code, "api.py")
    logged = code.replace("detail=traceback.format_exc())", "detail='internal error')")
    assert not [r for r, _ in _raised(logged, "api.py") if r == "ml:exception-to-client"]


HARDENING_DEMO = '''\
import requests
from flask import Flask, jsonify, request

app = Flask(__name__)
notes = {}


@app.route("/notes", methods=["POST"])
def add_note():
    try:
        page = requests.get(request.json["url"])
        notes[request.json["id"]] = page.text
        return jsonify(ok=True)
    except Exception as exc:
        return jsonify(error=str(exc)), 500
'''


def test_hardening_is_listed_apart_unless_the_code_already_serves_other_people():
    demo = analyse(HARDENING_DEMO, "app.py")
    raised, held = {f.rule for f in demo.findings}, {f.rule for f in demo.hardening}
    assert "ml:http-no-timeout" in raised  # a stalled server hangs this code wherever it runs: a defect
    assert {"ml:missing-auth", "ml:exception-to-client"} <= held and not held & raised
    assert held <= set(review_triage.HARDENING)
    service = analyse(HARDENING_DEMO, "app.py", serves_others=True)
    assert service.hardening == [] and {f.rule for f in service.findings} == raised | held
    line = review_triage.hardening_line(demo.hardening)
    assert line.startswith("Before other people use this: ") and "who may call" in line


def test_every_hardening_rule_is_a_rule_the_lesson_table_knows():
    assert all(rule_key(rule) in RULE_LESSONS and rule_key(rule) != "model" for rule in review_triage.HARDENING)
    assert not set(review_triage.HARDENING) & set(review_triage.MINOR_RULES)


def test_a_review_stores_the_hardening_apart_and_says_so_in_the_summary(tmp_path):
    m = Mentor(Config.from_env({"MENTOR_HOME": str(tmp_path), "MENTOR_PROVIDER": "offline"}))
    result = ReviewService(m).review(HARDENING_DEMO, filename="app.py")
    assert {f["rule"] for f in result["hardening"]} >= {"ml:missing-auth", "ml:exception-to-client"}
    assert all(f["references"] for f in result["hardening"])  # each with the lesson that teaches the fix
    assert "Before other people use this" in result["summary"] and result["serves_others"] is False
    assert m.store.review(result["review_id"])["result"]["hardening"] == result["hardening"]
    served = ReviewService(m).review(HARDENING_DEMO, filename="app.py", serves_others=True, store_it=False)
    assert served["hardening"] == [] and "Before other people" not in served["summary"]
    assert {f["rule"] for f in served["findings"]} >= {"ml:missing-auth", "ml:exception-to-client"}


def test_mentor_review_lists_the_hardening_after_the_findings_and_raises_it_when_asked(tmp_path, monkeypatch,
                                                                                        capsys):
    from mentor import cli

    monkeypatch.setenv("MENTOR_HOME", str(tmp_path))
    monkeypatch.setenv("MENTOR_PROVIDER", "offline")
    path = tmp_path / "app.py"
    path.write_text(HARDENING_DEMO, encoding="utf-8")
    assert cli.main(["review", str(path)]) == 0
    findings, _, apart = capsys.readouterr().out.partition("\nBefore other people use this (")
    assert "no timeout" in findings and "exception text" not in findings
    assert "--serves-others" in apart and "exception text is sent back" in apart and "fix: " in apart
    assert cli.main(["review", str(path), "--serves-others"]) == 0
    out = capsys.readouterr().out
    assert "Before other people use this (" not in out and "exception text is sent back" in out
    assert cli.main(["review", str(path)]) == 0  # the answer is remembered, as on the Review page
    assert "Before other people use this (" not in capsys.readouterr().out
    assert cli.main(["review", str(path), "--no-serves-others"]) == 0
    assert "Before other people use this (" in capsys.readouterr().out
