"""Quiz cards: questions parsed from the course, FSRS scheduling in SQLite, grading by a model via tool use."""

from datetime import UTC, datetime, timedelta

import pytest

from mentor.core import Mentor
from mentor.errors import InputError
from mentor.quiz import GRADE_TOOL, Deck
from tests.conftest import ROOT, make_config
from tests.servers import Reply

CORPUS = ROOT / "corpus"
T0 = datetime(2026, 9, 7, 9, 0, tzinfo=UTC)


@pytest.fixture
def deck(tmp_path) -> Deck:
    return Deck(Mentor(make_config(tmp_path, MENTOR_CORPUS=str(CORPUS))))


def test_questions_come_with_their_key_and_concept(deck):
    qs = deck.questions(6)
    assert len(qs) == 11 and qs[0].id == "w06-q1" and qs[0].concept == "cache-patterns"
    assert qs[0].key.startswith("A reader missed") and "**" not in qs[0].key
    with pytest.raises(InputError):
        deck.question("w06-q99")


def test_fsrs_schedules_each_review_and_the_card_comes_back_when_due(deck):
    card = deck.review("w06-q7", "good", answer="a distributed lock", now=T0)
    first_due = datetime.fromisoformat(card.due)
    assert first_due > T0 and card.reviews == 1
    assert deck.due(now=T0) == [] and [c.id for c in deck.due(now=first_due)] == ["w06-q7"]
    again = deck.review("w06-q7", "easy", now=first_due)
    assert datetime.fromisoformat(again.due) - first_due > timedelta(days=1)  # easy pushes it out by days
    assert deck.review("w06-q8", "again", now=T0).due < again.due
    assert deck.weak_concepts() == {(6, "semantic-cache"): 1.0}  # fed to the planner's remediation
    with pytest.raises(InputError):
        deck.review("w06-q7", "perfect")


def test_a_model_grades_against_the_key_with_tool_use(tmp_path, anthropic_server):
    cfg = make_config(tmp_path, MENTOR_CORPUS=str(CORPUS), ANTHROPIC_API_KEY="sk-ant-test-key-123",
                      ANTHROPIC_BASE_URL=anthropic_server.base_url, MENTOR_REDACT="0")
    deck = Deck(Mentor(cfg))
    q = deck.question("w06-q6")
    anthropic_server.enqueue(Reply(tool_input={"rating": "hard", "feedback": "Right idea; name the index version."}))
    grade = deck.model_grade(q, "put a version in the key")
    assert grade.rating == "hard" and grade.feedback.startswith("Right idea")
    body = anthropic_server.requests[-1].body
    assert body["tools"][0]["input_schema"] == GRADE_TOOL["input_schema"]
    assert body["tool_choice"] == {"type": "tool", "name": "grade_answer"}
    assert "<learner_notes>\nput a version in the key\n</learner_notes>" in body["messages"][0]["content"]
    # the learner overrides the model's grade; both are kept
    card = deck.review(q.id, "good", answer="put a version in the key", grade=grade)
    assert card.last_rating == "good" and deck.history(q.id)[0]["model_rating"] == "hard"
    anthropic_server.enqueue(500, 500, 500)
    assert deck.model_grade(q, "anything") is None  # a failing model leaves the learner to grade


def test_offline_there_is_no_model_grade(deck):
    assert deck.model_grade(deck.question("w06-q1"), "an answer") is None


def test_cloud_grading_goes_through_the_walker_and_is_redacted(tmp_path, anthropic_server):
    cfg = make_config(tmp_path, MENTOR_CORPUS=str(CORPUS), ANTHROPIC_API_KEY="sk-ant-test-key-123",
                      ANTHROPIC_BASE_URL=anthropic_server.base_url)
    deck = Deck(Mentor(cfg))
    anthropic_server.enqueue(Reply(tool_input={"rating": "good", "feedback": "Yes: versioned keys."}))
    grade = deck.model_grade(deck.question("w06-q6"), "version the key; ask ana.lopez@example.com, she set it up")
    assert (grade.rating, grade.feedback) == ("good", "Yes: versioned keys.")
    sent = anthropic_server.requests[-1].body["messages"][0]["content"]
    assert "ana.lopez@example.com" not in sent and "<EMAIL_1>" in sent  # nothing personal leaves unredacted


def test_a_local_model_grades_too_its_json_wrapped_in_prose(tmp_path, openai_server):
    cfg = make_config(tmp_path, MENTOR_CORPUS=str(CORPUS), MENTOR_LOCAL_BASE_URL=openai_server.base_url,
                      MENTOR_LOCAL_MODEL="tiny")
    deck = Deck(Mentor(cfg))
    openai_server.enqueue('Sure! {"rating": "hard", "feedback": "Say what changes in the key."}')
    grade = deck.model_grade(deck.question("w06-q6"), "version the key")
    assert (grade.rating, grade.feedback, grade.model) == ("hard", "Say what changes in the key.", "tiny")
    openai_server.enqueue("I think it is fine.")  # no grade in the reply: the learner grades
    assert deck.model_grade(deck.question("w06-q6"), "version the key") is None
