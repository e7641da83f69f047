from datetime import date, timedelta

import pytest

from mentor.config import Config
from mentor.core import Mentor
from mentor.errors import InputError
from mentor.progress import Progress, bar


@pytest.fixture
def m(tmp_path):
    return Mentor(Config.from_env({"MENTOR_HOME": str(tmp_path), "MENTOR_PROVIDER": "offline"}))


def test_mark_and_undo(m):
    prog = Progress(m)
    prog.mark("w03-ex2", True)
    prog.mark("w03-lesson")
    assert m.store.done_items() == {"w03-ex2", "w03-lesson"}
    prog.mark("w03-ex2", False)
    assert m.store.done_items() == {"w03-lesson"}
    week3 = next(w for w in prog.summary()["weeks"] if w["week"] == 3)
    assert [(i["id"], i["done"]) for i in week3["items"]][:3] == [("w03-lesson", True), ("w03-ex1", False),
                                                                    ("w03-ex2", False)]


@pytest.mark.parametrize("bad", ["w03-ex9", "w21-lesson", "week3", "", "W03-LESSON"])
def test_unknown_item_is_an_input_error(m, bad):
    with pytest.raises(InputError, match="Item ids look like"):
        Progress(m).mark(bad, True)
    assert m.store.done_items() == set()


def test_percentages_per_phase_and_overall(m):
    prog = Progress(m)
    week1 = [i["id"] for i in prog.summary()["weeks"][0]["items"]]
    for item in week1 + ["w05-lesson"]:
        prog.mark(item)
    s = prog.summary()
    assert s["overall"]["total"] == 108 and s["overall"]["done"] == 6
    assert s["overall"]["percent"] == round(100 * 6 / 108, 1)
    phases = {p["phase"]: p for p in s["phases"]}
    assert (phases[1]["done"], phases[1]["total"], phases[1]["percent"]) == (5, 20, 25.0)
    assert (phases[2]["done"], phases[2]["total"], phases[2]["percent"]) == (1, 20, 5.0)
    assert phases[3]["percent"] == 0.0 and phases[1]["title"] == "Fundamentals"
    assert [p["phase"] for p in s["phases"]] == [1, 2, 3, 4, 5]


def test_summary_shape(m):
    s = Progress(m).summary()
    assert set(s) == {"start_date", "current_week", "overall", "phases", "weeks"}
    assert set(s["overall"]) == {"done", "total", "percent"}
    assert set(s["phases"][0]) == {"phase", "title", "done", "total", "percent"}
    assert set(s["weeks"][0]) == {"week", "phase", "title", "items"}
    assert set(s["weeks"][0]["items"][0]) == {"id", "title", "kind", "done", "minutes"}
    assert len(s["weeks"]) == 20


def test_start_date_sets_the_current_week(m):
    prog = Progress(m)
    assert prog.summary()["start_date"] is None and prog.current_week() == 1
    start = (date.today() - timedelta(days=15)).isoformat()
    assert prog.set_start(start) == start
    assert m.store.setting("start_date") == start
    s = prog.summary()
    assert s["start_date"] == start and s["current_week"] == 3
    prog.set_start((date.today() - timedelta(days=400)).isoformat())
    assert prog.current_week() == 20


@pytest.mark.parametrize("bad", ["2026-13-01", "next monday", "07/09/2026", "20260907", ""])
def test_bad_start_date_is_an_input_error(m, bad):
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        Progress(m).set_start(bad)
    assert m.store.setting("start_date") is None


def test_without_a_start_date_the_current_week_is_the_first_unfinished(m):
    prog = Progress(m)
    for item in ["w01-lesson", "w01-ex1", "w01-ex2", "w01-ex3", "w01-quiz", "w02-lesson"]:
        prog.mark(item)
    assert prog.current_week() == 2
    for item in ["w02-ex1", "w02-ex2", "w02-ex3", "w02-quiz"]:
        prog.mark(item)
    assert prog.summary()["current_week"] == 3


def test_text_has_a_bar_per_phase_and_overall(m):
    prog = Progress(m)
    for item in ["w01-lesson", "w01-ex1", "w01-ex2", "w01-ex3", "w01-quiz", "w02-lesson", "w02-ex1", "w02-ex2",
                 "w02-ex3", "w02-quiz"]:
        prog.mark(item)
    text = prog.text(prog.summary())
    assert "Phase 1 Fundamentals" in text and "[#####-----]  50%" in text
    assert "Phase 5 Capstone" in text and "[----------]   0%" in text
    assert "Overall" in text and "(10/108)" in text
    assert "[ ] w03-lesson" in text  # the current week's items, with their ids
    assert bar(100) == "[##########]" and bar(0) == "[----------]"
