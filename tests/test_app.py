"""The Streamlit app through AppTest: chat, history restored from SQLite, history search and export."""

import re

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

TIMEOUT = 180


pytestmark = pytest.mark.usefixtures("app_over_fixture_corpus")


def _chat() -> AppTest:
    at = AppTest.from_file(str(ROOT / "views" / "chat.py"), default_timeout=TIMEOUT)
    return at.run()


def test_chat_answers_and_the_conversation_is_restored_in_a_new_session():
    at = _chat()
    assert not at.exception
    at.chat_input[0].set_value("How do I protect the database from a cache stampede?").run()
    assert not at.exception
    assert at.chat_message[0].markdown[0].value == "How do I protect the database from a cache stampede?"
    answer = at.chat_message[1].markdown[0].value
    assert "extract of the course material" in answer
    assert "[\\[1\\]](learn?week=" in answer  # the marker opens the cited section in the course reader
    assert re.search(r"Read next: \[[^\]]+\]\(learn\?", answer), answer  # a link into the reader, not code
    assert any("route: offline" in c.value for c in at.chat_message[1].caption)

    st.cache_resource.clear()  # a new process: nothing in memory, only the database
    fresh = _chat()
    titles = [b.label for b in fresh.sidebar.button]
    (conv_button,) = [b for b in fresh.sidebar.button if b.label.startswith("How do I protect the")]
    conv_button.click().run()
    assert not fresh.exception, titles
    assert fresh.chat_message[0].markdown[0].value == "How do I protect the database from a cache stampede?"
    assert "extract of the course material" in fresh.chat_message[1].markdown[0].value


def test_empty_binary_question_is_refused_visibly():
    at = _chat()
    at.chat_input[0].set_value("bad \x00\x01 paste").run()
    assert not at.exception
    assert any("binary" in e.value for e in at.error)


def test_history_page_searches_and_exports():
    at = _chat()
    at.chat_input[0].set_value("Explain leader-follower replication").run()
    hist = AppTest.from_file(str(ROOT / "views" / "history.py"), default_timeout=TIMEOUT).run()
    assert not hist.exception
    hist.text_input[0].set_value("replication").run()
    assert any("message(s) match" in c.value for c in hist.caption)
    labels = [b.label for b in hist.get("download_button")]
    assert "Export all as Markdown" in labels and "Export all as JSON" in labels


def test_insights_page_shows_figures_after_an_answer():
    at = _chat()
    at.chat_input[0].set_value("What is cache-aside?").run()
    ins = AppTest.from_file(str(ROOT / "views" / "insights.py"), default_timeout=TIMEOUT).run()
    assert not ins.exception
    assert ins.metric[0].value == "1"


SMELLY = '''import requests

def fetch_and_train(url):
    session = requests.Session()
    try:
        data = session.get(url).json()
    except:
        pass
    print("training")
    return data
'''


def test_review_page_shows_findings_first_marks_the_lines_and_reopens_a_stored_review():
    at = AppTest.from_file(str(ROOT / "views" / "review.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    at.text_area[0].set_value(SMELLY)
    at.button[0].click().run()  # the form's submit button
    assert not at.exception
    raised = [e for e in at.expander if not e.label.startswith("Minor notes")]
    assert [t.label for t in at.tabs] == [f"Findings ({len(raised)})", "Code"]  # findings first, also on phones
    labels = [e.label for e in raised]
    assert any("reliability" in label and "line 7" in label for label in labels), labels
    assert not any("DIP" in label for label in labels), labels  # a design smell in a snippet: a minor note
    (minor,) = [e for e in at.expander if e.label.startswith("Minor notes")]
    assert any("builds its own `requests.Session(...)`" in m.value for m in minor.markdown)
    assert any("provider: offline" in c.value and "1 error" in c.value for c in at.caption)
    (code,) = [h for h in at.get("html") if "review-code" in h.proto.body]
    assert '<div class="rv-line" style="background:rgba(255, 75, 75, 0.18)" data-flag="error"' in code.proto.body
    assert "white-space:pre-wrap" in code.proto.body  # long lines wrap instead of running off the screen
    st.cache_resource.clear()
    again = AppTest.from_file(str(ROOT / "views" / "review.py"), default_timeout=TIMEOUT).run()
    (past,) = [b for b in again.sidebar.button]
    assert re.fullmatch(r"\w{3} \d{1,2} \w{3}, \d{2}:\d{2} · fetch_and_train · Python · 10 lines", past.label)
    past.click().run()
    assert any("reliability" in e.label for e in again.expander)


UNHARDENED = """from flask import Flask, jsonify

app = Flask(__name__)


@app.route("/run", methods=["POST"])
def run():
    try:
        return jsonify(ok=do_work())
    except Exception as exc:
        return jsonify(error=str(exc)), 500
"""


def test_review_page_raises_the_models_defects_and_lists_its_design_advice_apart(monkeypatch, openai_server):
    import json

    for name, value in {"MENTOR_PROVIDER": "local", "MENTOR_LOCAL_BASE_URL": openai_server.base_url,
                        "MENTOR_LOCAL_MODEL": "tiny"}.items():
        monkeypatch.setenv(name, value)
    st.cache_resource.clear()
    openai_server.enqueue(json.dumps({"summary": "A training fetch with its failures hidden.", "findings": [
        {"line": 5, "severity": "warning", "principle": "reliability",
         "message": "A failed download leaves `data` unbound, so line 10 raises NameError."},
        {"line": 3, "severity": "warning", "principle": "SRP", "message": "Fetching and training share one function.",
         "suggestion": "Split fetch from train."},
        {"line": 9, "severity": "error", "principle": "performance", "confidence": 20,
         "message": "Every call downloads the whole dataset again."}]}))
    at = AppTest.from_file(str(ROOT / "views" / "review.py"), default_timeout=TIMEOUT).run()
    at.text_area[0].set_value(SMELLY)
    at.button[0].click().run()
    assert not at.exception
    raised = [e.label for e in at.expander if not e.label.startswith("Minor notes")]
    assert any("line 5" in label and "leaves `data` unbound" in label for label in raised), raised
    assert not any("share one function" in label for label in raised), raised
    (minor,) = [e for e in at.expander if e.label.startswith("Minor notes and design advice")]
    shown = [m.value for m in minor.markdown]
    assert "Line 3 · SRP: Fetching and training share one function." in shown
    assert "Line 9 · performance · confidence 20%: Every call downloads the whole dataset again." in shown  # unsure
    assert not any("whole dataset" in label for label in raised), raised
    assert "**Suggested change:** Split fetch from train." in shown
    assert any("Learn more:" in c.value and "Single Responsibility" in c.value for c in minor.caption)


def test_review_page_lists_hardening_apart_unless_the_code_serves_other_people():
    at = AppTest.from_file(str(ROOT / "views" / "review.py"), default_timeout=TIMEOUT).run()
    at.text_area[0].set_value(UNHARDENED)
    at.button[0].click().run()
    assert not at.exception
    (apart,) = [e for e in at.expander if e.label.startswith("Before other people use this")]
    assert any("exception text is sent back" in m.value for m in apart.markdown)
    assert any("Learn more:" in c.value and "Week 13" in c.value for c in apart.caption)  # the lesson that teaches it
    assert not any("exception text" in e.label for e in at.expander if e is not apart)
    at.toggle[0].set_value(True)
    at.button[0].click().run()
    assert not [e for e in at.expander if e.label.startswith("Before other people use this")]
    assert any("security" in e.label and "line 11" in e.label for e in at.expander)
    again = AppTest.from_file(str(ROOT / "views" / "review.py"), default_timeout=TIMEOUT).run()
    assert again.toggle[0].value is True  # the answer is remembered for the next review


def test_review_page_clears_an_old_error_on_the_next_run_and_reviews_a_design():
    at = AppTest.from_file(str(ROOT / "views" / "review.py"), default_timeout=TIMEOUT).run()
    at.button[0].click().run()
    assert any("no code to review" in e.value for e in at.error)
    at.text_area[0].set_value("# ADR-3: Use Redis\n\n## Context\nWe need a fast cache for answers, and it must be "
                              "scalable for all users of the course.\n\n## Decision\nUse Redis.\n")
    at.button[0].click().run()
    assert not at.exception and not at.error
    assert [t.label for t in at.tabs][1] == "Document"
    assert any("whole document" in e.label and "No rollback" in e.label for e in at.expander)
    assert any("errors" not in c.value and "warnings" in c.value for c in at.caption)


def test_review_page_refuses_empty_code_visibly():
    at = AppTest.from_file(str(ROOT / "views" / "review.py"), default_timeout=TIMEOUT).run()
    at.button[0].click().run()
    assert not at.exception
    assert any("no code to review" in e.value for e in at.error)
