"""The learning loop through the real app (AppTest over real SQLite): Today, the reader, quizzes with FSRS."""

import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mentor.config import Config
from mentor.core import Mentor
from mentor.quiz import Deck
from mentor.today import today
from tests.conftest import FIXTURE_CORPUS, ROOT

TIMEOUT = 60


pytestmark = pytest.mark.usefixtures("app_over_course")  # one Mentor per test, from its environment


def app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def go(at: AppTest, page: str, **params: str) -> AppTest:
    at.query_params.clear()
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def first_section(at: AppTest) -> str:
    """The first section shown open on the page (earlier ones are folded into an expander)."""
    folded = {md.value for e in at.expander if e.label.startswith("Earlier") for md in e.markdown}
    return next(md.value for md in at.markdown if md.value.startswith("## ") and md.value not in folded)


def mentor() -> Mentor:
    return Mentor(Config.from_env())


def test_a_new_learners_first_session_with_no_key():
    at = app()
    assert at.title[0].value == "Welcome to Architect Mentor"  # the first visit asks two things
    monday = date.today() - timedelta(days=date.today().weekday())
    at.date_input[0].set_value(monday)
    at.number_input[0].set_value(8.0)
    at.button[0].click().run()
    assert not at.exception
    assert at.title[0].value == "Today"
    assert "week 1" in at.caption[0].value
    assert at.markdown[0].value.startswith("**Next:**")
    m = mentor()
    assert m.store.setting("start_date") == monday.isoformat() and m.store.setting("hours_budget") == "8"

    go(at, "views/learn.py")  # the first lesson
    assert at.header[0].value.startswith("Week 1:")
    assert "min to read" in at.caption[0].value
    at.checkbox(key="learn-done-w01-lesson").check().run()
    assert "w01-lesson" in mentor().store.done_items()

    go(at, "views/quiz.py")  # the first quiz card
    assert at.subheader[0].value == "Question 1"
    at.text_area(key="quiz-answer").input("Liskov: the substitute must keep the contract").run()
    at.button[0].click().run()
    assert any(md.value.startswith("**Answer key:**") for md in at.markdown)  # offline: the key is revealed
    assert [b.label for b in at.button] == ["Again", "Hard", "Good", "Easy"]
    at.button(key="rate-good").click().run()
    assert "FSRS schedules the next review of w01-q1" in at.success[0].value

    card = Deck(mentor()).card("w01-q1")
    due = datetime.fromisoformat(card.due)
    assert card.reviews == 1 and card.last_rating == "good" and due > datetime.now(UTC)
    # due again on Today once its time comes, and the next step is to review it
    later = today(mentor(), now=due + timedelta(minutes=1))
    assert [c.id for c in later.cards_due] == ["w01-q1"]
    assert later.next_action.page == "views/quiz.py" and later.streak == 1
    assert today(mentor(), now=due - timedelta(minutes=1)).cards_due == []
    # a card answered two days ago with Again is due now: the Today page lists it and sends the learner there
    Deck(mentor()).review("w01-q2", "again", now=datetime.now(UTC) - timedelta(days=2))
    go(at, "views/today.py")
    assert next(mt for mt in at.metric if mt.label == "Quiz cards due").value == "1"
    assert at.markdown[0].value.startswith("**Next:** Review 1 quiz card(s)")


def test_a_deep_link_opens_the_reader_at_its_section():
    at = app()
    go(at, "views/learn.py", week="6", doc="lesson", section="stampede-protection")
    assert at.header[0].value == "Week 6: Caching strategies"
    assert at.expander[1].label.startswith("Earlier in this document")
    assert first_section(at).startswith("## Stampede protection")  # the page opens at the section
    go(at, "views/learn.py", doc="note", path="books/ddia/05-replication.md")
    assert at.header[0].value.startswith("DDIA, ch. 5")
    assert at.selectbox(key="learn-week").value == 7  # the week whose reading plan assigns the note
    at.checkbox(key="learn-done-w07-read-ddia-05-replication").check().run()
    assert "w07-read-ddia-05-replication" in mentor().store.done_items()


def test_a_citation_in_an_answer_opens_the_reader_at_its_section(monkeypatch):
    monkeypatch.setenv("MENTOR_CORPUS", str(FIXTURE_CORPUS))
    monkeypatch.setenv("MENTOR_PROVIDER", "offline")
    at = app()
    go(at, "views/chat.py")
    at.chat_input[0].set_value("How do I stop a cache stampede?").run()
    links = [line for md in at.markdown for line in md.value.splitlines() if "](learn?" in line]  # the sources
    link = next(v for v in links if "stampede" in v)
    query = link.split("(learn?", 1)[1].split("#", 1)[0]
    params = dict(p.split("=", 1) for p in query.split("&"))
    assert params == {"week": "6", "doc": "lesson", "section": "stampede-protection"}
    go(at, "views/learn.py", **params)
    assert first_section(at).startswith("## Stampede protection")


def test_asking_for_a_hint_gives_the_first_rung_only():
    at = app()
    go(at, "views/learn.py", week="6", doc="exercises")
    at.button(key="hint-w06-ex2").click().run()
    assert not at.exception
    hints = [md.value for md in at.markdown if md.value.startswith("**Hint ")]
    assert len(hints) == 1 and hints[0].startswith("**Hint 1: a nudging question**")
    assert "Implement an embedding cache" not in hints[0]  # no step of the exercise
    at.button(key="hint-w06-ex2").click().run()
    hints = [md.value for md in at.markdown if md.value.startswith("**Hint ")]
    assert len(hints) == 2 and "learn?week=6&doc=lesson&section=stampede-protection" in hints[1]


def test_a_free_text_reflection_yields_remediation_for_the_named_topics(tmp_path, monkeypatch):
    week5 = Path("curriculum") / "phase-2-distributed-systems" / "week-05-message-queues-and-events"
    shutil.copytree(ROOT / "corpus" / week5, tmp_path / "corpus" / week5)  # one week: the index builds in seconds
    monkeypatch.setenv("MENTOR_CORPUS", str(tmp_path / "corpus"))
    at = app()
    go(at, "views/reflections.py")
    at.text_area(key="refl-went_well").input(
        "I struggled with the outbox pattern and with making consumers idempotent.")
    next(b for b in at.button if b.label == "Save reflection").click()
    at.run(timeout=240)
    assert not at.exception, [e.value for e in at.exception]
    understood = next(md.value for md in at.markdown if md.value.startswith("**What the mentor understood:**"))
    assert "You found hard: The transactional outbox (week 5)" in understood
    assert "idempotent consumers (week 5)" in understood
    assert at.multiselect(key="refl-hard-topics").value == ["5:transactional-outbox", "5:delivery-semantics"]
    # the learner corrects it: the outbox is fine after all
    at.multiselect(key="refl-hard-topics").unselect("5:transactional-outbox").run()
    next(b for b in at.button if b.label == "Save corrections").click().run()
    (saved,) = mentor().store.reflections()
    assert saved["confidence"] == {"delivery-semantics": 2}

    go(at, "views/plan.py")
    next(b for b in at.button if b.label == "Propose plan").click().run()
    titles = [c.label for c in at.checkbox]
    assert any(t.startswith("Revisit delivery-semantics") for t in titles), titles
    assert not any("transactional-outbox" in t for t in titles)
