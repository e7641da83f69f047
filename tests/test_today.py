"""Today from SQLite alone: the day of the rhythm, due and overdue tasks, the streak, the weekend check-in."""

from datetime import UTC, datetime, timedelta

import pytest

from mentor.core import Mentor
from mentor.curriculum import load_curriculum
from mentor.quiz import Deck
from mentor.today import streak, today
from tests.conftest import ROOT, make_config

START = "2026-09-07"  # a Monday
MONDAY_W2 = datetime(2026, 9, 14, 9, 0, tzinfo=UTC)


@pytest.fixture
def m(tmp_path) -> Mentor:
    return Mentor(make_config(tmp_path, MENTOR_CORPUS=str(ROOT / "corpus")))


def test_a_new_learner_is_asked_to_set_up_first(m):
    view = today(m, now=MONDAY_W2)
    assert view.setup_needed and view.next_action.label == "Set your start date and weekly hours"
    assert m.store.plans() == []  # nothing is planned before the learner says when and how much


def test_the_day_of_the_rhythm_and_what_is_due_or_overdue(m):
    m.store.set_setting("start_date", START)
    monday = today(m, now=MONDAY_W2)
    assert (monday.week, monday.day, monday.focus) == (2, "Monday", "learn")
    assert [t["item"] for t in monday.due_today][0] == "w02-lesson" and monday.overdue == []
    assert monday.behind == len(load_curriculum(ROOT / "corpus").week(1).items())  # all of week 1 is open
    assert monday.next_action.page == "views/learn.py" and monday.next_action.params["week"] == "2"
    wednesday = today(m, now=MONDAY_W2 + timedelta(days=2))
    assert wednesday.day == "Wednesday" and wednesday.focus == "build"
    assert "w02-lesson" in [t["item"] for t in wednesday.overdue]  # Monday's lesson was not done
    assert wednesday.next_action.label.startswith("Read the week 2 lesson")
    assert wednesday.plan_id == monday.plan_id  # this week's plan is made once, without a model
    m.store.set_done("w02-lesson")
    assert "w02-lesson" not in [t["item"] for t in today(m, now=MONDAY_W2 + timedelta(days=2)).overdue]


def test_the_weekend_opens_the_reflection_and_due_cards_come_first(m):
    m.store.set_setting("start_date", START)
    saturday = MONDAY_W2 + timedelta(days=5)
    view = today(m, now=saturday)
    assert view.day == "Weekend" and view.check_in
    card = Deck(m).review("w02-q1", "again", now=saturday - timedelta(hours=1))
    view = today(m, now=saturday)
    assert [c.id for c in view.cards_due] == [card.id] and view.next_action.page == "views/quiz.py"
    m.store.save_reflection(2, went_well="Load balancing made sense.")
    assert not today(m, now=saturday).check_in


def test_streak_counts_consecutive_active_days():
    day = datetime(2026, 9, 10).date()
    assert streak({"2026-09-08", "2026-09-09", "2026-09-10"}, day) == 3
    assert streak({"2026-09-08", "2026-09-09"}, day) == 2  # today not yet active: still alive
    assert streak({"2026-09-07", "2026-09-09"}, day) == 1
    assert streak(set(), day) == 0
