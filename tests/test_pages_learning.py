"""The Plan, Reflections and Progress pages, driven headless with Streamlit's AppTest over real SQLite."""

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mentor.config import Config
from mentor.core import Mentor

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "views"
WEEK3 = Path("curriculum") / "phase-1-fundamentals" / "week-03-modularity"


pytestmark = pytest.mark.usefixtures("app_over_course")  # one Mentor per test, from its environment


@pytest.fixture
def tiny_corpus(tmp_path, monkeypatch) -> Path:
    """Week 3 and the README only, so building the search index on save takes seconds."""
    dest = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus" / WEEK3, dest / WEEK3)
    shutil.copy(ROOT / "corpus" / "README.md", dest / "README.md")
    monkeypatch.setenv("MENTOR_CORPUS", str(dest))
    return dest


def store():
    return Mentor(Config.from_env()).store


def run(page: str, timeout: float = 30) -> AppTest:
    at = AppTest.from_file(str(PAGES / page), default_timeout=timeout)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


# progress --------------------------------------------------------------------------------------
def test_progress_renders_bars_and_weeks():
    at = run("progress.py")
    assert at.title[0].value == "Progress"
    assert len(at.get("progress")) == 6  # overall and five phases
    assert len(at.expander) == 20
    assert len(at.checkbox) == 108
    assert not at.error


def test_progress_checkbox_tick_is_stored_and_undone():
    at = run("progress.py")
    at.checkbox(key="item-w03-ex2").check().run()
    assert not at.exception
    assert store().done_items() == {"w03-ex2"}
    assert at.checkbox(key="item-w03-ex2").value is True
    assert "1 of 108" in at.get("progress")[0].proto.text
    at.checkbox(key="item-w03-ex2").uncheck().run()
    assert store().done_items() == set()


def test_progress_start_date_is_saved_and_sets_the_current_week():
    at = run("progress.py")
    start = date.today() - timedelta(days=15)
    at.date_input(key="progress-start").set_value(start).run()
    assert not at.exception
    assert store().setting("start_date") == start.isoformat()
    assert "Current week: 3" in at.caption[0].value
    assert [e.label for e in at.expander if e.proto.expanded][0].startswith("Week 3: Modularity")


# reflections -----------------------------------------------------------------------------------
def test_reflection_saved_through_the_form_is_stored_and_searchable(tiny_corpus):
    at = run("reflections.py")
    assert at.selectbox(key="refl-week").value == 3  # the first week with something to do
    sliders = {s.label: s.value for s in at.select_slider}
    assert len(sliders) == 6 and set(sliders.values()) == {"not rated"}  # readable labels, nothing preset
    assert "Layered, hexagonal and clean architecture" in sliders
    at.text_area(key="refl-went_well").input("The coupling audit found real problems.")
    at.text_area(key="refl-hard").input("Bounded contexts for the mentor were hard.")
    at.text_area(key="refl-questions").input("Is a modular monolith enough for the capstone?")
    at.select_slider(key="refl-conf-3-hexagonal-architecture").set_value("2 · shaky")
    button(at, "Save reflection").click()
    at.run(timeout=180)  # first save builds the (tiny) search index
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    (saved,) = store().reflections()
    assert saved["week"] == 3 and saved["hard"] == "Bounded contexts for the mentor were hard."
    assert saved["confidence"]["hexagonal-architecture"] == 2 and "fitness-functions" not in saved["confidence"]
    assert saved["confidence"]["bounded-contexts"] == 2  # understood from "Bounded contexts ... were hard"
    assert any("You found hard: Bounded contexts" in md.value for md in at.markdown)
    assert "Saved your week 3 reflection" in at.success[0].value
    index = tiny_corpus.parent / "home" / "index"
    state = json.loads((index / (index / "CURRENT").read_text() / "chunks.json").read_text())
    assert any(c["id"].startswith("reflections:") for c in state["chunks"])


def test_edit_loads_a_past_reflection_and_saving_updates_it(tiny_corpus):
    rid = store().save_reflection(3, went_well="Ports were clear.", hard="fitness functions",
                                  confidence={"bounded-contexts": 1})
    at = run("reflections.py")
    assert any("Ports were clear." in md.value for md in at.markdown)
    button(at, "Edit").click()
    at.run()
    assert at.text_area(key="refl-went_well").value == "Ports were clear."
    assert at.select_slider(key="refl-conf-3-bounded-contexts").value == "1 · lost"
    assert any(f"Editing reflection {rid}" in i.value for i in at.info)
    at.text_area(key="refl-went_well").input("Ports were clear after a second read.")
    button(at, "Save reflection").click()
    at.run(timeout=180)
    assert not at.exception, [e.value for e in at.exception]
    (saved,) = store().reflections()
    assert saved["id"] == rid and saved["went_well"] == "Ports were clear after a second read."


# plan ------------------------------------------------------------------------------------------
def test_plan_is_proposed_shown_per_day_and_ticks_update_progress():
    at = run("plan.py")
    assert any("No plan yet" in i.value for i in at.info)
    at.number_input(key="plan-hours").set_value(6.0).run()
    assert store().setting("hours_budget") == "6"
    button(at, "Propose plan").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    (row,) = store().plans()
    plan = row["plan"]
    assert row["week"] == 1 and plan["hours_budget"] == 6.0
    assert sum(t["minutes"] for t in plan["tasks"]) <= 360
    headings = [md.value for md in at.markdown if md.value.startswith("#### ")]
    assert headings[0] == "#### Monday" and headings[-1] == "#### Notes"
    assert len(at.checkbox) == len(plan["tasks"])
    at.checkbox(key=f"tick-{row['id']}-w01-lesson").check().run()
    assert not at.exception
    assert "w01-lesson" in store().done_items()
    assert at.checkbox(key=f"tick-{row['id']}-w01-lesson").value is True
    assert "1 of" in at.caption[1].value
