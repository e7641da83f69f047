"""Code review: real ruff, radon and detect-secrets on snippets with known smells; the model at the wire."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mentor.config import Config
from mentor.core import Mentor
from mentor.errors import InputError
from mentor.languages import detect_language
from mentor.review import ReviewService, analyse, check_code
from mentor.review_display import flagged_lines
from mentor.review_model import parse_model_review

ROOT = Path(__file__).resolve().parent.parent
KEYS = {"also", "line", "end_line", "severity", "rule", "principle", "message", "suggestion", "references", "section",
        "question", "confidence"}
AWS_KEY = "AKIAIOSFODNN7EXAMPLE"
CLAUDE_KEY = "sk-ant-api03-" + "Zq3xV9mKp2Lw8RtY4nB6cD1fG5hJ7kM0sQ2uW4yA6eC8"
OPENAI_KEY = "sk-proj-" + "T7vR2mQ9xL4kP8wN3bZ6cF1hJ5gD0sA2yU4eI6oK8"


def offline_mentor(tmp_path) -> Mentor:
    return Mentor(Config.from_env({"MENTOR_HOME": str(tmp_path), "MENTOR_PROVIDER": "offline"}))


def findings(code: str, filename: str | None = None) -> list:
    """What the checks found: the raised findings and the minor ones folded into the summary line."""
    result = analyse(textwrap.dedent(code), filename)
    return result.findings + result.minor


SMELLY = '''\
import json
import requests
import psycopg2
import logging
_CACHE = {}
AWS_KEY = "AKIAIOSFODNN7EXAMPLE"


class ReportManager:
    def __init__(self):
        self.session = requests.Session()
        self.db = psycopg2.connect(host="db.internal", port=5432)

    def fetch(self, user_id):
        return self.session.get(f"https://api.example.com/users/{user_id}", timeout=5).json()

    def save(self, row):
        self.db.cursor().execute("insert into reports values (%s)", (json.dumps(row),))

    def export(self, rows):
        with open("/srv/reports/out.json", "w") as f:
            json.dump(rows, f)


def summarise(path):
    try:
        data = json.loads(open(path).read())
    except:
        pass
    total = sum(x["value"] * 2 for x in data)
    _CACHE[path] = total
    print("total", total)
    return total
'''



def branchy(ifs: int) -> str:
    """A function of cyclomatic complexity ifs + 1."""
    branches = "".join(f"    if a == {i}:\n        b += {i}\n" for i in range(ifs))
    return f"def route(a, b):\n{branches}    return b\n"


BRANCHY, VERY_BRANCHY = branchy(12), branchy(22)

SMELLS = [  # (what, code, rule, line, principle)
    ("class doing HTTP, database and files", SMELLY, "smell:srp", 9, "SRP"),
    ("public methods in unrelated groups", """\
        class Everything:
            def __init__(self):
                self.users, self.cache, self.mail = {}, {}, []

            def add_user(self, u): self.users[u] = 1
            def drop_user(self, u): self.users.pop(u)
            def get_cached(self, k): return self.cache.get(k)
            def put_cached(self, k, v): self.cache[k] = v
            def queue_mail(self, m): self.mail.append(m)
            def flush_mail(self): self.mail.clear()
            def count_mail(self): return len(self.mail)
        """, "smell:srp", 1, "SRP"),
    ("isinstance chain", """\
        def area(shape):
            if isinstance(shape, Circle):
                return 3.14 * shape.r ** 2
            elif isinstance(shape, Square):
                return shape.side ** 2
            elif isinstance(shape, Triangle):
                return shape.b * shape.h / 2
        """, "smell:type-switch", 2, "OCP"),
    ("switch on a kind field", """\
        def handle(event):
            x = 1
            if event["type"] == "created":
                x = 2
            if event["type"] == "deleted":
                x = 3
            if event["type"] == "renamed":
                x = 4
            return x
        """, "smell:type-switch", 3, "OCP"),
    ("client built inside business logic", SMELLY, "smell:dip", 11, "DIP"),
    ("SDK client built in a method", """\
        from openai import OpenAI


        class Summariser:
            def summarise(self, text, model):
                client = OpenAI()
                return client.chat.completions.create(model=model, messages=[{"role": "user", "content": text}])
        """, "smell:dip", 6, "DIP"),
    ("file opened where it computes", SMELLY, "smell:dip", 27, "DIP"),
    ("bare except", SMELLY, "smell:bare-except", 28, "reliability"),
    ("except Exception: pass", """\
        def load(store, key):
            try:
                return store.get(key)
            except Exception:
                pass
        """, "smell:swallowed-exception", 4, "reliability"),
    ("mutated mutable global", SMELLY, "smell:mutable-global", 5, "testability"),
    ("global counter", """\
        counter = 0


        def bump():
            global counter
            counter += 1
        """, "smell:mutable-global", 1, "testability"),
    ("hard-coded URL", SMELLY, "smell:hardcoded-config", 15, "testability"),
    ("hard-coded host and port", SMELLY, "smell:hardcoded-config", 12, "testability"),
    ("hard-coded model name", """\
        def answer(client, question):
            return client.messages.create(model="claude-sonnet-4-5", max_tokens=300, messages=question)
        """, "smell:hardcoded-config", 2, "testability"),
    ("print instead of logging", SMELLY, "smell:print", 32, "observability"),
    ("high complexity", BRANCHY, "smell:size", 1, "complexity"),
    ("long function", "def long():\n    x = 0\n" + "    x += 1\n" * 70 + "    return x\n", "smell:size", 1,
     "complexity"),
    ("deep nesting", """\
        def walk(rows):
            for row in rows:
                if row:
                    for cell in row:
                        if cell:
                            while cell > 0:
                                cell -= 1
        """, "smell:size", 1, "complexity"),
    ("too many parameters", "def train(a, b, c, d, e, f, g):\n    return a\n", "smell:size", 1,
     "complexity"),
    ("AWS key literal", SMELLY, "secret:aws-key", 6, "security"),
    ("Anthropic key literal", f'import anthropic\n\nKEY = "{CLAUDE_KEY}"\n', "secret:anthropic-key", 3, "security"),
    ("OpenAI key literal", f'OPENAI = "{OPENAI_KEY}"\n', "secret:openai-key", 1, "security"),
    ("password literal", 'def connect(db):\n    password = "hunter2hunter2"\n    return db.login(password)\n',
     "secret:password", 2, "security"),
    ("ruff: mutable default", "def add(x, items=[]):\n    items.append(x)\n    return items\n", "ruff:B006", 1,
     "reliability"),
    ("ruff: shell injection", "import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n",
     "ruff:S602", 5, "security"),
]


@pytest.mark.parametrize("what,code,rule,line,principle", SMELLS, ids=[s[0] for s in SMELLS])
def test_each_smell_is_found_at_its_line(what, code, rule, line, principle):
    found = [f for f in findings(code) if f.rule == rule]
    assert any(f.line == line for f in found), f"{what}: no {rule} at line {line}: {[(f.line, f.rule) for f in found]}"
    hit = next(f for f in found if f.line == line)
    assert hit.principle == principle
    assert hit.severity in ("error", "warning", "info")
    assert hit.message and hit.suggestion
    assert set(hit.as_dict()) == KEYS


def test_complexity_over_twenty_is_an_error_with_radons_real_rank():
    over_ten = next(f for f in findings(BRANCHY) if f.rule == "smell:size")
    over_twenty = next(f for f in findings(VERY_BRANCHY) if f.rule == "smell:size")
    assert (over_ten.severity, over_twenty.severity) == ("warning", "error")
    assert "complexity 13 (radon rank C)" in over_ten.message
    assert "complexity 23 (radon rank D)" in over_twenty.message


def test_a_bare_except_that_logs_is_a_warning_and_a_silent_one_an_error():
    logged = findings("import logging\n\n\ndef f(g):\n    try:\n        g()\n    except:\n"
                      "        logging.exception('x')\n        raise\n")
    silent = findings(SMELLY)
    assert [f.severity for f in logged if f.rule == "smell:bare-except"] == ["warning"]
    assert [f.severity for f in silent if f.rule == "smell:bare-except"] == ["error"]
    # ruff's own bare-except and try-except-pass findings are folded into ours
    assert not [f for f in silent + logged if f.rule in ("ruff:E722", "ruff:S110", "ruff:SIM105")]


CLEAN = '''\
"""Report generation with injected collaborators."""

from __future__ import annotations

import contextlib
import logging
import os
from dataclasses import dataclass
from typing import Protocol

import requests

logger = logging.getLogger(__name__)
API_URL = os.environ.get("REPORT_API_URL", "https://api.example.com")
REGISTRY: dict[str, type] = {}


class UserSource(Protocol):
    def user(self, user_id: int) -> dict: ...


@dataclass
class Settings:
    api_url: str = API_URL
    model: str = os.getenv("REPORT_MODEL", "gpt-4o-mini")


class HttpUserSource:
    """The adapter: the one place that knows about HTTP."""

    def __init__(self, base_url: str, session: requests.Session | None = None):
        self.base_url = base_url
        self.session = session or requests.Session()

    def user(self, user_id: int) -> dict:
        return self.session.get(f"{self.base_url}/users/{user_id}", timeout=5).json()


class ReportService:
    """Builds a report for one user; where users come from is injected."""

    def __init__(self, users: UserSource):
        self.users = users

    def build(self, user_id: int) -> dict:
        user = self.users.user(user_id)
        report = {"id": user_id, "score": score(user.get("events", []))}
        logger.info("report built", extra={"user_id": user_id})
        return report

    def try_build(self, user_id: int) -> dict | None:
        try:
            return self.build(user_id)
        except TimeoutError:
            logger.exception("user service timed out", extra={"user_id": user_id})
            raise


def score(events: list[dict]) -> float:
    """Average event weight, 0 for no events."""
    weights = [e.get("weight", 1.0) for e in events]
    return sum(weights) / len(weights) if weights else 0.0


def to_json(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.3f}"
    return repr(value)


def remove_quietly(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)


def load(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


def build_app() -> ReportService:
    return ReportService(HttpUserSource(Settings().api_url, requests.Session()))


def main() -> None:
    print(build_app().build(1))


if __name__ == "__main__":
    main()
'''


def test_clean_well_designed_code_has_no_findings():
    result = analyse(CLEAN, "report.py")
    assert result.language == "python"
    assert [(f.line, f.rule, f.message) for f in result.findings] == []


NOT_SMELLS = [  # (what, code): patterns that look like a smell but are the right thing to do
    ("a command line prints its output", """\
        import argparse


        def run(args):
            print(args.name)
        """),
    ("a factory method builds the client", """\
        import chromadb


        class Index:
            def _client(self):
                return chromadb.PersistentClient(path=self.path)
        """),
    ("an injected client with a default", """\
        import httpx


        class Fetcher:
            def __init__(self, client=None):
                if client is None:
                    client = httpx.Client()
                self.client = client
        """),
    ("a parameter that shadows a global", """\
        cache = {}


        def remember(cache, key, value):
            cache[key] = value
        """),
    ("TODO inside a string, not a comment", 'def note():\n    return "TODO list app"\n'),
    ("a specific exception ignored on purpose", """\
        def remove(path, os):
            try:
                os.remove(path)
            except FileNotFoundError:
                pass
        """),
]


@pytest.mark.parametrize("what,code", NOT_SMELLS, ids=[n[0] for n in NOT_SMELLS])
def test_the_right_thing_is_not_flagged(what, code):
    assert [(f.line, f.rule) for f in findings(code) if not f.rule.startswith("ruff:")] == []


def test_a_lazily_built_global_is_a_milder_smell_and_comment_todos_are_found():
    code = "_MODEL = None\n\n\ndef model():\n    global _MODEL\n    _MODEL = _MODEL or load()  # FIXME: thread-safe\n" \
           "    return _MODEL  # TODO: type it\n"
    found = {f.rule: f for f in findings(code)}
    assert (found["smell:mutable-global"].line, found["smell:mutable-global"].severity) == (1, "info")
    assert [(f.line, f.principle) for f in findings(code) if f.rule == "generic:todo"] == [(6, "reliability")]


def test_a_token_with_letters_and_digits_is_a_secret():
    found = findings('API_TOKEN = "abc123def456ghi"\nLABEL = {"token": "Bearer"}\n'
                     'KINDS = {"OpenAI Token": "secret:openai-key", "api_key": "API_KEY_ENV"}\n')
    # labels and environment variable names are not secrets (detect-secrets' keyword heuristic may still warn)
    assert [(f.line, f.rule) for f in found if f.rule == "secret:password"] == [(1, "secret:password")]


def test_pathological_input_stays_fast_and_late_secrets_are_found(tmp_path):
    import time

    service = ReviewService(offline_mentor(tmp_path))
    for code in ("a." * 95_000, "x = 1 // " + "/" * 190_000, "x = 1\n" * 30_000,
                 "function f() {\n" * 3000 + "}\n" * 3000):
        t0 = time.perf_counter()
        service.review(code, store_it=False)
        assert time.perf_counter() - t0 < 30, code[:20]
    late = "x = '" + "a" * 5000 + f"' + '{AWS_KEY}'\n"
    assert [f["line"] for f in service.review(late, store_it=False)["findings"] if f["rule"] == "secret:aws-key"] == [1]


def test_a_problem_repeated_at_many_places_is_raised_once_and_says_where_else(tmp_path):
    code = "".join(f'KEY_{n} = "AKIA{n:016d}"\n' for n in range(400))
    keys = [f for f in analyse(code).findings if f.rule == "secret:aws-key"]
    assert len(keys) == 1 and keys[0].line == 1 and keys[0].also == list(range(2, 401))
    assert keys[0].message.endswith("(also at lines 2, 3, 4, 5, 6, 7, 8, 9 and 391 more)")
    code = ("import requests\n\n\ndef users():\n    return requests.get('https://api.example.com/users').json()\n\n\n"
            "def orders():\n    return requests.get('https://api.example.com/orders').json()\n")
    found = analyse(code).findings
    timeouts = [f for f in found if f.rule == "ml:http-no-timeout"]
    assert [(f.line, f.also) for f in timeouts] == [(5, [9])] and timeouts[0].message.endswith("(also at line 9)")
    assert set(flagged_lines([timeouts[0].as_dict()])) == {5, 9}  # the Code tab tints both places
    assert len({f.rule for f in found}) == len(found)  # each point once; different points stay apart
    code = "".join(f'KEY_{n} = "AKIA{n:016d}"\n' for n in range(400))  # a flood is one finding, counted once
    result = ReviewService(offline_mentor(tmp_path)).review(code, store_it=False)
    assert [f["rule"] for f in result["findings"]] == ["secret:aws-key"] and result["counts"]["error"] == 1


def test_one_rule_saying_two_different_things_raises_two_points():
    # a history sent to the model on every call and one only kept: the same rule, two different points
    code = """\
        from flask import Flask, request
        from openai import OpenAI

        app = Flask(__name__)
        client = OpenAI()
        history = []
        seen_questions = []


        @app.post("/chat")
        def chat():
            text = request.get_json().get("text", "")
            seen_questions.append(text)
            history.append({"role": "user", "content": text})
            reply = client.chat.completions.create(model="m", messages=history)
            return {"answer": reply.choices[0].message.content}
        """
    found = [f for f in analyse(textwrap.dedent(code)).findings if f.rule == "ml:unbounded-growth"]
    assert sorted(f.line for f in found) == [13, 14] and not any(f.also for f in found)
    assert {"sent to the model" in f.message for f in found} == {True, False}


def test_empty_binary_and_huge_input_are_refused_with_a_helpful_message(tmp_path):
    service = ReviewService(offline_mentor(tmp_path))
    with pytest.raises(InputError, match="no code to review: paste"):
        service.review("  \n\t\n")
    with pytest.raises(InputError, match="binary"):
        service.review("PK\x03\x04\x00\x00binary\x00zip")
    with pytest.raises(InputError, match="binary"):
        service.review("".join(chr(c) for c in range(1, 9)) * 50)
    with pytest.raises(InputError, match="binary"):
        check_code(b"\xff\xfe\x81\x90" * 100)
    assert check_code("caf\u00e9 = 1\r\n".encode()) == "caf\u00e9 = 1\n"
    with pytest.raises(InputError, match=r"KB; a review takes up to 200 KB\. Paste one module"):
        service.review("x = 1\n" * 40_000)
    assert service.m.store.reviews() == []


def test_a_syntax_error_still_gets_secret_and_generic_findings(tmp_path):
    code = f"def broken(:\n    pass\n\nKEY = \"{AWS_KEY}\"\nURL = 'https://internal.example.com/api'  # FIXME move\n"
    result = ReviewService(offline_mentor(tmp_path)).review(code, filename="broken.py")
    rules = {(f["rule"], f["line"]) for f in result["findings"] + result["minor"]}
    assert {("syntax", 1), ("secret:aws-key", 4)} <= {(f["rule"], f["line"]) for f in result["findings"]}
    assert ("generic:hardcoded-url", 5) in rules and ("generic:todo", 5) in rules
    assert not [r for r, _ in rules if r.startswith(("ruff:", "smell:", "radon:"))]
    syntax = next(f for f in result["findings"] if f["rule"] == "syntax")
    assert syntax["severity"] == "error"
    assert "AST checks" in result["summary"] and "skipped" in result["summary"]


JS = f'''\
const API_KEY = "{CLAUDE_KEY}";

async function fetchUser(id) {{
  const res = await fetch("https://api.example.com/users/" + id, {{ headers: {{ "x-api-key": API_KEY }} }});
  // FIXME: retry on 429
  return res.json();
}}
'''


def test_javascript_gets_the_generic_checks(tmp_path):
    result = ReviewService(offline_mentor(tmp_path)).review(JS, store_it=False)
    assert result["language"] == "javascript"
    rules = {(f["rule"], f["line"]) for f in result["findings"] + result["minor"]}
    assert {("secret:anthropic-key", 1), ("generic:hardcoded-url", 4), ("generic:todo", 5),
            ("semgrep:unchecked-error", 4)} <= rules
    assert not [r for r, _ in rules if r.startswith(("ruff:", "smell:", "radon:"))]
    long_js = "function big(x) {\n" + "  x += 1;\n" * 70 + "  return x;\n}\n"
    assert [(f.rule, f.line, f.end_line) for f in findings(long_js, "big.js")] == [("generic:long-function", 1, 73)]


def test_a_long_function_whose_signature_spans_lines_is_named_from_its_first_line():
    # a Next.js handler: the brace opens on a line of its own after the parameters (this crashed the review)
    ts = ("export default async function handler(\n  req: NextApiRequest,\n  res: NextApiResponse\n) {\n"
          + "  const x = 1;\n" * 70 + "}\n")
    [long] = [f for f in findings(ts, "route.ts") if f.rule == "generic:long-function"]
    assert (long.line, long.end_line) == (4, 75) and "`handler`" in long.message


@pytest.mark.parametrize("code,filename,language", [
    ("package main\n\nimport \"fmt\"\n\nfunc main() {\n\tx := 1\n\tfmt.Println(x)\n}\n", None, "go"),
    ("public class A {\n  public static void main(String[] a) { System.out.println(1); }\n}\n", None, "java"),
    ("fn main() {\n    let mut x = 1;\n    println!(\"{}\", x);\n}\n", None, "rust"),
    ("SELECT id, name FROM users WHERE id = 1;\n", None, "sql"),
    ("#!/bin/bash\nset -e\necho \"$HOME\"\n", None, "shell"),
    ("interface User {\n  name: string;\n}\nconst u: User = { name: 'a' };\n", None, "typescript"),
    ("const x = require('x');\nmodule.exports = () => x;\n", None, "javascript"),
    ("def f(x):\n    return x\n", None, "python"),
    ("whatever it is, this is not code\n", None, "unknown"),
    ("anything", "thing.rs", "rust"),
])
def test_the_language_is_guessed_from_the_name_or_the_content(code, filename, language):
    assert detect_language(code, filename) == language


def test_a_review_is_stored_and_can_be_reopened_without_the_secrets(tmp_path):
    m = offline_mentor(tmp_path)
    result = ReviewService(m).review(SMELLY, filename="report.py")
    assert result["provider"] == "offline" and result["model"] == "static" and result["language"] == "python"
    assert isinstance(result["review_id"], int)
    assert sum(result["counts"].values()) == len(result["findings"]) and set(result["counts"]) == {
        "error", "warning", "info"}
    order = [({"error": 0, "warning": 1, "info": 2}[f["severity"]], f["line"]) for f in result["findings"]]
    assert order == sorted(order)
    assert all(set(f) == KEYS for f in result["findings"])
    assert "Offline review" in result["summary"]
    row = m.store.review(result["review_id"])
    assert row["title"] == "report.py" and row["language"] == "python" and row["provider"] == "offline"
    assert row["result"]["findings"] == result["findings"]
    assert AWS_KEY not in row["code"] and "<SECRET_1>" in row["code"]
    assert [r["id"] for r in m.store.reviews()] == [result["review_id"]]
    assert ReviewService(m).review("x = 1\n", store_it=False)["review_id"] is None
    assert len(m.store.reviews()) == 1


def test_references_point_at_the_lesson_section_that_teaches_the_fix(tmp_path):
    result = ReviewService(offline_mentor(tmp_path)).review(SMELLY, store_it=False)
    refs = {f["rule"]: (f["references"][0]["week"], f["references"][0]["section"])
            for f in result["findings"] + result["minor"]}
    assert refs["smell:srp"] == (1, "Single Responsibility Principle (SRP)")
    assert refs["smell:dip"] == (1, "Dependency Inversion Principle (DIP)")
    assert refs["secret:aws-key"] == (13, "Secrets management")
    assert refs["smell:bare-except"] == (8, "Retries, backoff, jitter, timeouts and circuit breakers")
    for f in result["findings"] + result["minor"]:
        for ref in f["references"]:
            assert set(ref) == {"source", "title", "week", "section"}
            lesson = (ROOT / "corpus" / ref["source"]).read_text(encoding="utf-8")
            assert f"# {ref['section']}\n" in lesson, ref


@pytest.mark.slow
def test_references_come_from_the_retriever_when_the_index_is_open(mentor):
    mentor.index  # noqa: B018 - opening the index is the point: the service must not build one itself
    result = ReviewService(mentor).review(SMELLY, store_it=False)
    srp = next(f for f in result["minor"] if f["rule"] == "smell:srp")
    # the table decides, not a search on the message: the same lesson section with the index open or not
    assert srp["references"] == [{"source": "curriculum/phase-1-fundamentals/week-01-design-patterns-and-solid/"
                                            "lesson.md", "title": srp["references"][0]["title"], "week": 1,
                                  "section": "Single Responsibility Principle (SRP)"}]


def test_the_service_never_builds_an_index(tmp_path):
    m = offline_mentor(tmp_path)
    ReviewService(m).review("def f(x):\n    return x\n")
    assert m._index is None


# the model's answer -------------------------------------------------------------------------------------
def test_the_parser_takes_json_wrapped_in_prose_and_fences():
    text = 'Here is my review:\n```json\n{"summary": "Too much in one class.", "findings": [{"line": 3, ' \
           '"end_line": 9, "severity": "warning", "principle": "SRP", "message": "m", "suggestion": "s"}]}\n```'
    summary, found, ok = parse_model_review(text, 20)
    assert ok and summary == "Too much in one class."
    assert [(f.line, f.end_line, f.severity, f.principle, f.rule) for f in found] == [(3, 9, "warning", "SRP", "model")]


@pytest.mark.parametrize("text", ["The code looks fine to me.", "", '{"summary": "cut off", "findings": [',
                                  "[1, 2, 3]", "{not json}"])
def test_the_parser_survives_answers_that_are_not_json(text):
    assert parse_model_review(text, 10) == ("", [], False)


def test_the_parser_drops_invalid_findings_and_lines_the_code_does_not_have():
    items = [
        {"line": "abc", "principle": "SRP", "message": "bad line"},
        {"line": 2, "principle": "SRP"},
        {"line": 2, "principle": "vibes", "message": "unknown principle"},
        "not an object",
        {"line": 999, "end_line": 5, "severity": "High", "principle": "SRP", "message": "past the end"},
        {"line": 9, "end_line": 99, "severity": "High", "principle": "Single Responsibility Principle",
         "message": " clamped ", "suggestion": 42},
        {"line": "4", "severity": "catastrophic", "principle": "dependency inversion", "message": "coerced"},
        {"line": -3, "end_line": "x", "severity": "info", "principle": "security", "message": "low line"},
    ]
    summary, found, ok = parse_model_review(json.dumps({"summary": 7, "findings": items}), 10)
    assert ok and summary == ""
    assert [(f.line, f.end_line, f.severity, f.principle, f.message, f.suggestion) for f in found] == [
        (9, 10, "error", "SRP", "clamped", ""),
        (4, 4, "info", "DIP", "coerced", ""),
    ]
    assert parse_model_review('{"summary": "s", "findings": "none"}', 5) == ("s", [], True)


def test_the_parser_reads_the_models_confidence_as_a_whole_percentage():
    """An integer, a numeric string, a percentage or a 0-1 fraction each give 0-100; anything else gives None."""
    given = [80, "75", 0.9, "90%", 150, -3, "high", None, True]
    items = [{"line": 1, "principle": "security", "message": f"m{i}", "confidence": c} for i, c in enumerate(given)]
    _, found, _ = parse_model_review(json.dumps({"summary": "", "findings": items}), 5)
    assert [f.confidence for f in found] == [80, 75, 90, 90, 100, 0, None, None, None]


MODEL_ANSWER = json.dumps({"summary": "ReportManager is a god class.", "findings": [
    {"line": 9, "end_line": 21, "severity": "warning", "principle": "SRP", "message": "duplicate of the static one",
     "suggestion": "split"},
    {"line": 14, "end_line": 15, "severity": "warning", "principle": "reliability",
     "message": "No retry or backoff around the user API.", "suggestion": "Wrap the call in a retry with jitter."},
    {"line": "nope", "principle": "SRP", "message": "dropped"},
]})


def local_mentor(tmp_path, server) -> Mentor:
    return Mentor(Config.from_env({"MENTOR_HOME": str(tmp_path), "MENTOR_PROVIDER": "local",
                                   "MENTOR_LOCAL_BASE_URL": server.base_url, "MENTOR_LOCAL_MODEL": "tiny"}))


def test_a_local_model_review_is_merged_and_secrets_never_leave(tmp_path, openai_server):
    openai_server.enqueue("Sure! " + MODEL_ANSWER + " Hope this helps.")
    m = local_mentor(tmp_path, openai_server)
    result = ReviewService(m).review(SMELLY, filename="report.py")
    assert (result["provider"], result["model"]) == ("local", "tiny")
    model = [f for f in result["findings"] if f["rule"] == "model"]
    assert [(f["line"], f["principle"]) for f in model] == [(14, "reliability")]
    assert model[0]["references"][0]["week"] == 8
    assert result["summary"].startswith("ReportManager is a god class.")
    sent = openai_server.requests[0]
    assert AWS_KEY not in sent.text
    system, user = sent.body["messages"][0]["content"], sent.body["messages"][1]["content"]
    assert "untrusted" in system and '"findings"' in system
    assert '<code language="python">' in user and "  11 |         self.session = requests.Session()" in user
    assert "(SRP): class `ReportManager` mixes" in user and "<static_findings>" in user
    assert "<rubric>" in user and "### Single Responsibility Principle (SRP)" in user  # the lesson section
    assert m.store.review(result["review_id"])["provider"] == "local"
    assert "does not serve other people yet: lead with defects" in user  # what the author said about its users
    ReviewService(m).review(SMELLY, filename="report.py", serves_others=True, store_it=False)
    assert "already serves other people" in openai_server.requests[-1].body["messages"][1]["content"]


@pytest.mark.parametrize("principle, week, section", [
    ("SRP", 1, "Single Responsibility Principle (SRP)"), ("LSP", 1, "Liskov Substitution Principle (LSP)"),
    ("testability", 18, "Testing strategy: fakes at the wire, loopback servers, eval sets"), ("security", 13, ""),
    ("style", 20, "Review checklist")])
def test_a_model_finding_links_the_lesson_of_its_principle(principle, week, section):
    from mentor.review_lessons import reference, section_text

    ref = reference("model", principle)
    assert (ref["week"], ref["section"]) == (week, section)
    assert not section or section_text(week, section)  # the heading exists in that week's lesson


def test_the_models_info_notes_and_design_warnings_are_listed_apart_and_its_other_findings_raised(
        tmp_path, openai_server):
    """Chosen on dev (eval/review/dev9, dev11): the model's info notes and its design warnings were mostly graded
    debatable; its errors, whatever the principle, and its warnings on defects were mostly true."""
    openai_server.enqueue(json.dumps({"summary": "A small report tool.", "findings": [
        {"line": 14, "end_line": 15, "severity": "warning", "principle": "reliability",
         "message": "No retry or backoff around the user API.", "suggestion": "Retry with jitter."},
        {"line": 20, "end_line": 22, "severity": "warning", "principle": "OCP",
         "message": "Every new export format edits export().", "suggestion": "Take a writer."},
        {"line": 20, "end_line": 22, "severity": "error", "principle": "LSP",
         "message": "export() breaks the base contract: it writes a file its callers never asked for."},
        {"line": 3, "severity": "info", "principle": "testability", "message": "The logger is module-global.",
         "suggestion": "Pass it in."}]}))
    result = ReviewService(local_mentor(tmp_path, openai_server)).review(SMELLY, store_it=False)
    assert [f["message"] for f in result["findings"] if f["rule"] == "model"] == [  # errors first
        "export() breaks the base contract: it writes a file its callers never asked for.",
        "No retry or backoff around the user API."]
    noted = [f for f in result["minor"] if f["rule"] == "model"]
    assert [(f["line"], f["message"], f["suggestion"]) for f in noted] == [
        (20, "Every new export format edits export().", "Take a writer."),
        (3, "The logger is module-global.", "Pass it in.")]
    assert "2 design advice and lower-priority notes from the model" in result["summary"]
    assert result["counts"]["info"] == sum(f["severity"] == "info" for f in result["findings"])


def test_a_point_the_model_is_unsure_of_is_listed_apart_even_when_its_severity_would_raise_it(tmp_path, openai_server):
    """T5b (eval/review/PREDECLARED_session18.md): below RAISE_CONFIDENCE the model's own estimate that a senior
    reviewer would raise the point sends it to the list apart; at or above it, or with no estimate, severity decides."""
    from mentor.review import RAISE_CONFIDENCE

    openai_server.enqueue(json.dumps({"summary": "A small report tool.", "findings": [
        {"line": 14, "severity": "error", "principle": "reliability", "confidence": RAISE_CONFIDENCE - 1,
         "message": "A failed call is retried forever."},
        {"line": 15, "severity": "warning", "principle": "reliability", "confidence": RAISE_CONFIDENCE,
         "message": "No timeout on the user API."},
        {"line": 20, "severity": "warning", "principle": "security", "message": "The export path is not checked."},
        {"line": 3, "severity": "info", "principle": "observability", "confidence": 90,
         "message": "Nothing logs which user was exported."}]}))
    result = ReviewService(local_mentor(tmp_path, openai_server)).review(SMELLY, store_it=False)
    assert [f["message"] for f in result["findings"] if f["rule"] == "model"] == [
        "No timeout on the user API.", "The export path is not checked."]
    assert [(f["message"], f["confidence"]) for f in result["minor"] if f["rule"] == "model"] == [
        ("A failed call is retried forever.", RAISE_CONFIDENCE - 1), ("Nothing logs which user was exported.", 90)]


def test_mentor_review_prints_the_models_notes_apart_from_its_findings(tmp_path, openai_server, monkeypatch, capsys):
    from mentor import cli

    for name, value in {"MENTOR_HOME": str(tmp_path), "MENTOR_PROVIDER": "local",
                        "MENTOR_LOCAL_BASE_URL": openai_server.base_url, "MENTOR_LOCAL_MODEL": "tiny"}.items():
        monkeypatch.setenv(name, value)
    openai_server.enqueue(json.dumps({"summary": "A small report tool.", "findings": [
        {"line": 14, "severity": "warning", "principle": "reliability", "message": "No retry around the user API."},
        {"line": 3, "severity": "info", "principle": "testability", "message": "The logger is module-global.",
         "suggestion": "Pass it in."},
        {"line": 9, "severity": "error", "principle": "reliability", "confidence": 10,
         "message": "Reports may be written twice."}]}))
    path = tmp_path / "report.py"
    path.write_text(SMELLY, encoding="utf-8")
    assert cli.main(["review", str(path)]) == 0
    out = capsys.readouterr().out
    findings, notes = out.split("Design advice and lower-priority notes from the model (not raised as findings):")
    assert "No retry around the user API." in findings and "module-global" not in findings
    assert "   3  testability   The logger is module-global.\n      fix: Pass it in." in notes
    assert "   9  reliability   Reports may be written twice. (confidence 10%)" in notes  # the model was unsure
    assert "written twice" not in findings


def test_a_malformed_model_answer_keeps_the_offline_review(tmp_path, openai_server):
    openai_server.enqueue("I would split the class, but I cannot do JSON today.")
    result = ReviewService(local_mentor(tmp_path, openai_server)).review(SMELLY, store_it=False)
    assert result["provider"] == "local"
    assert not [f for f in result["findings"] if f["rule"] == "model"]
    assert any(f["rule"] == "smell:srp" for f in result["minor"])
    assert "not the JSON asked for" in result["summary"]


def test_a_failing_model_falls_back_to_the_offline_review(tmp_path, openai_server):
    openai_server.enqueue(400)
    result = ReviewService(local_mentor(tmp_path, openai_server)).review(SMELLY, store_it=False)
    assert result["provider"] == "offline" and result["model"] == "static"
    assert "local route failed" in result["summary"]
    assert any(f["rule"] == "smell:dip" for f in result["minor"])


class EmailRedactor:
    """The redactor's interface, for one email address (the real one lives in mentor/privacy.py)."""

    def redact_request(self, request):
        from dataclasses import replace

        messages = [{**m, "content": m["content"].replace("alice@example.com", "<EMAIL_1>")} for m in request.messages]
        return replace(request, messages=messages), lambda s: s.replace("<EMAIL_1>", "alice@example.com"), {"EMAIL": 1}


def test_claude_gets_the_redacted_code_and_the_answer_is_restored(tmp_path, anthropic_server, monkeypatch):
    for name in ("ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    anthropic_server.enqueue(json.dumps({"summary": "Mail to <EMAIL_1> is hard-wired.", "findings": [
        {"line": 2, "severity": "warning", "principle": "reliability", "message": "<EMAIL_1> is baked in",
         "suggestion": "inject the recipient"}]}))
    m = Mentor(Config.from_env({"MENTOR_HOME": str(tmp_path), "MENTOR_PROVIDER": "anthropic",
                                "ANTHROPIC_API_KEY": "sk-ant-test-123",
                                "ANTHROPIC_BASE_URL": anthropic_server.base_url}))
    m.redactor = EmailRedactor()
    code = "def notify(mailer):\n    return mailer.send(to='alice@example.com')\n"
    result = ReviewService(m).review(code, store_it=False)
    assert result["provider"] == "anthropic" and result["model"] == m.config.strong_model
    assert "alice@example.com" not in anthropic_server.requests[0].text
    assert "<EMAIL_1>" in anthropic_server.requests[0].text
    body = anthropic_server.requests[0].body  # the reply is the forced tool's input, validated by its schema
    assert body["tool_choice"] == {"type": "tool", "name": "report_review"}
    assert body["tools"][0]["input_schema"]["properties"]["findings"]["items"]["properties"]["principle"]["enum"]
    assert result["summary"].startswith("Mail to alice@example.com is hard-wired.")
    assert [f["message"] for f in result["findings"] if f["rule"] == "model"] == ["alice@example.com is baked in"]


def test_a_file_saved_with_a_byte_order_mark_is_reviewed_like_the_same_file_without_one(tmp_path):
    code = "import requests\n\n\ndef weather(city):\n    return requests.get(f'https://wttr.in/{city}').json()\n"
    path = tmp_path / "weather.py"
    path.write_bytes("\ufeff".encode() + code.encode())  # what Notepad and some Windows editors write
    with_bom = analyse(path.read_text(encoding="utf-8"), path.name)
    plain = analyse(code, "weather.py")
    assert not with_bom.syntax_error
    assert [(f.rule, f.line) for f in with_bom.findings] == [(f.rule, f.line) for f in plain.findings]
    assert ("ml:http-no-timeout", 5) in [(f.rule, f.line) for f in with_bom.findings]


def test_module_level_state_is_reported_in_the_same_order_whatever_the_hash_seed():
    """Python salts str hashes per process: a set's order must not decide the order of the findings."""
    code = "A = []\nB = {}\nC = set()\nD = []\nE = {}\n\n\ndef touch():\n    global A\n    A = [1]\n" \
           "    B['k'] = 1\n    C.add(1)\n    D.append(1)\n    E.update(x=1)\n"
    probe = ("import sys, ast; from mentor.smells import mutable_globals; "
             "print([f.message for f in mutable_globals(ast.parse(sys.stdin.read()))])")
    seen = {subprocess.run([sys.executable, "-c", probe], input=code, capture_output=True, text=True, check=True,
                           cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": str(seed), "PYTHONPATH": str(ROOT)}
                           ).stdout for seed in range(6)}
    assert len(seen) == 1, seen
    assert "`A`" in next(iter(seen)).split("`B`")[0]  # in the module's order
