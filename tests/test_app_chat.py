"""The Ask page through AppTest: the conversation list (listed at once, grouped, highlighted, rename, delete with a
confirmation) and the answer footer (sources, thumbs with a reason and a thanks, copy, details, regenerate,
edit and resend, starter prompts)."""

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

TIMEOUT = 180
WHEN = r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2}, \d\d:\d\d"
QUESTION = "How do I protect the database from a cache stampede?"


pytestmark = pytest.mark.usefixtures("app_over_fixture_corpus")


def _ask(question: str = QUESTION) -> AppTest:
    at = AppTest.from_file(str(ROOT / "views" / "chat.py"), default_timeout=TIMEOUT).run()
    at.chat_input[0].set_value(question).run()
    assert not at.exception
    return at


def _rows(at: AppTest) -> list:
    return [b for b in at.sidebar.button if (b.key or "").startswith("conv-")]


def _store():
    from mentor.ui import mentor

    return mentor().store


def test_a_new_conversation_is_listed_at_once_highlighted_under_today_with_a_clean_title():
    at = _ask()
    (row,) = _rows(at)  # the same run that answered: no extra click needed
    assert row.label.startswith("How do I protect the…")  # cut after a whole word
    assert "now" in [c.value for c in at.sidebar.caption]  # its relative date
    assert row.proto.type == "primary"  # the current conversation stands out
    assert [c.value for c in at.sidebar.caption] == ["Today", "now"]
    at.sidebar.button[0].click().run()  # New conversation
    assert _rows(at)[0].proto.type == "tertiary" and not at.chat_message


def test_rename_and_delete_only_after_confirming():
    at = _ask()
    at.sidebar.text_input(key="title-1").set_value("Stampedes and locks")
    at.sidebar.button(key="rename-1").click().run()
    assert _rows(at)[0].label.startswith("Stampedes and locks")
    assert _store().conversation(1)["title"] == "Stampedes and locks"

    at.sidebar.button(key="delete-1").click().run()
    assert _rows(at), "one click must not delete"
    assert any("for good" in w.value for w in at.sidebar.warning)
    at.sidebar.button(key="delete-no-1").click().run()  # Cancel
    assert _rows(at) and not at.sidebar.warning

    at.sidebar.button(key="delete-1").click().run()
    at.sidebar.button(key="delete-yes-1").click().run()
    assert not at.exception
    assert _rows(at) == [] and not at.chat_message
    assert _store().conversations() == []


def test_footer_sources_details_copy_and_feedback_with_a_reason_and_thanks():
    at = _ask()
    answer = at.chat_message[1]
    sources = answer.markdown[1].value.splitlines()
    assert [line.split(".")[0] for line in sources] == [str(n) for n in range(1, len(sources) + 1)]  # no gaps
    assert all("](learn?week=" in line for line in sources), sources
    assert sources[0].startswith("1. [Week 6 lesson · ")  # a short label, not a repository path
    assert any("Week 6 lesson · Stampede protection" in line for line in sources), sources
    assert any("route: offline" in c.value for c in answer.caption)  # inside the Details popover
    assert not any(c.value.startswith("route:") for c in at.main.caption if c not in answer.caption)
    (copy,) = answer.code
    assert copy.value == _store().message(2)["content"]

    at.feedback(key="fb-2").set_value(0).run()  # thumbs down
    assert _store().feedback(2)["rating"] == -1
    assert any("Thanks" in c.value for c in at.caption)
    at.text_input(key="why-2").set_value("It missed the lock-based fix").run()
    assert _store().feedback(2)["reason"] == "It missed the lock-based fix"
    at.feedback(key="fb-2").set_value(1).run()
    assert _store().feedback(2)["rating"] == 1


def test_regenerate_replaces_the_shown_answer_and_keeps_the_old_one_a_click_away():
    at = _ask()
    first = at.chat_message[1].markdown[0].value
    at.button(key="again-2").click().run()
    assert not at.exception
    assert len(at.chat_message) == 2  # in place, as Claude.ai does: no second copy of the question
    rows = _store().messages(1)
    assert [(r["role"], r.get("reply_to")) for r in rows] == [("user", None), ("assistant", 1), ("assistant", 1)]
    assert not rows[2]["cached"]  # a fresh answer, not the cached copy
    shown = at.chat_message[1].markdown[0].value
    assert "Offline answer" in shown and shown != first  # the offline route leaves out what the first one said
    assert "2 / 2" in [c.value for c in at.chat_message[1].caption]
    at.button(key="older-1").click().run()
    assert at.chat_message[1].markdown[0].value == first
    assert "1 / 2" in [c.value for c in at.chat_message[1].caption]


def test_edit_and_resend_the_last_question():
    at = _ask()
    assert at.text_area(key="edit-1").value == QUESTION
    at.text_area(key="edit-1").set_value("What is cache-aside?")
    at.button(key="resend-1").click().run()
    assert not at.exception
    assert [r["content"] for r in _store().messages(1) if r["role"] == "user"] == [QUESTION, "What is cache-aside?"]
    assert at.chat_message[2].markdown[0].value == "What is cache-aside?"


def test_an_empty_ask_page_offers_starter_prompts_for_the_current_week():
    at = AppTest.from_file(str(ROOT / "views" / "chat.py"), default_timeout=TIMEOUT).run()
    starters = [b for b in at.main.button if (b.key or "").startswith("starter-")]
    assert starters and "week 1" in starters[0].label
    starters[0].click().run()
    assert not at.exception
    assert at.chat_message[0].markdown[0].value == starters[0].label
    assert not [b for b in at.main.button if (b.key or "").startswith("starter-")]


def test_history_shows_times_in_words_highlights_matches_safely_and_opens_the_conversation():
    _ask("Is [this](http://evil.example/x) about cache stampede locks?")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    at.switch_page("views/history.py").run()
    assert not at.exception
    at.text_input[0].set_value("stampede").run()
    hit = next(md.value for md in at.markdown if "**stampede**" in md.value)
    assert "](http" not in hit and "\\[this\\]" in hit  # the message's link is text, its match is bold
    assert re.search(WHEN, hit) and not re.search(r"\d{4}-\d\d-\d\dT", hit)  # "Mon 30 Nov, 12:27", not ISO
    assert all(re.search(WHEN + "$", e.label) for e in at.expander)
    next(b for b in at.button if (b.key or "").startswith("open-")).click().run()
    assert not at.exception
    assert at.title[0].value == "Ask your mentor"
    assert at.chat_message[0].markdown[0].value.startswith("Is ")


def test_an_answer_cut_short_shows_what_was_kept_and_is_answered_again_in_one_click():
    """What a reload mid-answer leaves (the stream closed after a few pieces): the page shows the text so far,
    marked, with the way to answer again; a question cut before any text says so, with an Ask again button."""
    from mentor.ui import mentor

    m = mentor()
    stream = m.chat.ask_stream(QUESTION)
    pieces = stream.text()
    kept = "".join(next(pieces) for _ in range(2))
    stream.close()
    at = AppTest.from_file(str(ROOT / "views" / "chat.py"), default_timeout=TIMEOUT)
    at.query_params["c"] = str(stream.conversation_id)  # the address a reload keeps
    at.run()
    assert not at.exception
    answer = at.chat_message[1]
    assert answer.markdown[0].value.startswith(kept.strip()[:20])
    assert any(c.value.startswith("Interrupted") for c in answer.caption)
    at.button(key="again-2").click().run()  # one click: a complete answer in its place
    assert not at.exception
    assert len(at.chat_message) == 2 and "2 / 2" in [c.value for c in at.chat_message[1].caption]
    assert [r["status"] for r in _store().messages(1)] == ["answered", "interrupted", "ok"]

    second = m.chat.ask_stream("What is cache-aside?", stream.conversation_id)
    second.close()  # before any text: only the question is left
    at.run()
    assert any("Not answered" in w.value for w in at.warning)
    at.button(key=f"reask-{second.question_id}").click().run()
    assert not at.exception
    assert _store().message(second.question_id)["status"] == "answered"
    assert len(at.chat_message) == 4
