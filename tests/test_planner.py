import dataclasses

import pytest

from mentor.config import Config
from mentor.core import Mentor
from mentor.errors import InputError
from mentor.planner import BUILD_DAYS, DEFAULT_HOURS, Planner
from mentor.progress import Progress
from mentor.stats import trace_detail, trace_list

WEEK3 = "curriculum/phase-1-fundamentals/week-03-modularity"
PLAN_KEYS = ["week", "tasks", "notes", "hours_budget", "provider", "plan_id"]
TASK_KEYS = ["title", "day", "minutes", "kind", "source", "reason", "item", "link"]


def make(tmp_path, **env) -> Mentor:
    return Mentor(Config.from_env({"MENTOR_HOME": str(tmp_path), "MENTOR_PROVIDER": "offline", **env}))


@pytest.fixture
def m(tmp_path):
    return make(tmp_path)


def finish(m, *weeks):
    prog = Progress(m)
    for n in weeks:
        for item in prog.curriculum.week(n).items():
            prog.mark(item.id)


def by_item(plan) -> dict:
    return {t["item"]: t for t in plan["tasks"]}


def test_json_shape_is_exactly_the_documented_keys(m):
    plan = Planner(m).plan(week=3)
    assert list(plan) == PLAN_KEYS
    assert plan["week"] == 3 and plan["provider"] == "offline" and plan["hours_budget"] == DEFAULT_HOURS
    assert isinstance(plan["plan_id"], int) and isinstance(plan["notes"], str)
    for task in plan["tasks"]:
        assert list(task) == TASK_KEYS
        assert isinstance(task["minutes"], int) and task["minutes"] > 0 and task["item"]


def test_low_rated_topic_yields_remediation_with_reason_and_source(m):
    finish(m, 1, 2, 3)
    m.store.save_reflection(3, went_well="The coupling audit", confidence={"hexagonal-architecture": 2,
                                                                           "coupling-and-cohesion": 4})
    plan = Planner(m).plan(week=4)
    fixes = [t for t in plan["tasks"] if t["kind"] == "remediation"]
    assert len(fixes) == 1
    fix = fixes[0]
    assert fix["reason"] == 'you rated "hexagonal-architecture" 2/5 in your week 3 reflection'
    assert fix["source"] == f"{WEEK3}/lesson.md#Layered, hexagonal and clean architecture"
    assert "Layered, hexagonal and clean architecture" in fix["title"]
    assert "Exercise 2: Carve the mentor system into bounded contexts and ports" in fix["title"]
    assert fix["item"] == "w03-fix-hexagonal-architecture" and fix["day"] == "Monday"
    assert fix["minutes"] == 15 + 30  # re-read the ~400-word section, rework part of the exercise
    assert "hexagonal-architecture" in plan["notes"]


def test_topic_called_hard_yields_remediation(m):
    m.store.save_reflection(3, hard="Drawing bounded contexts for the mentor was really hard.")
    plan = Planner(m).plan(week=3)
    fix = by_item(plan)["w03-fix-bounded-contexts"]
    assert fix["reason"] == 'you wrote that "bounded-contexts" was hard in your week 3 reflection'
    assert fix["source"] == f"{WEEK3}/lesson.md#Bounded contexts and context maps"
    assert "practise it in Exercise 2" in fix["title"]  # the exercise is still ahead: no extra rework time
    assert [t["kind"] for t in plan["tasks"]][:2] == ["lesson", "remediation"]


def test_a_later_reflection_that_rates_the_topic_well_ends_remediation(m):
    m.store.save_reflection(3, confidence={"hexagonal-architecture": 1})
    assert "w03-fix-hexagonal-architecture" in by_item(Planner(m).plan(week=4))
    m.store.save_reflection(3, confidence={"hexagonal-architecture": 4})
    assert not [t for t in Planner(m).plan(week=4)["tasks"] if t["kind"] == "remediation"]


def test_reflections_from_later_weeks_do_not_count(m):
    m.store.save_reflection(5, confidence={"sagas": 1})
    assert not [t for t in Planner(m).plan(week=3)["tasks"] if t["kind"] == "remediation"]
    assert "w05-fix-sagas" in by_item(Planner(m).plan(week=5))


def test_tasks_fall_on_the_right_days(m):
    plan = Planner(m).plan(week=3, hours=45)
    days = {t["item"]: t["day"] for t in plan["tasks"]}
    assert {k: v for k, v in days.items() if k.startswith("w03") and "-read-" not in k} == {
        "w03-lesson": "Monday", "w03-ex1": "Tuesday", "w03-ex2": "Wednesday", "w03-ex3": "Thursday",
        "w03-quiz": "Friday", "w03-review": "Friday", "w03-reflection": "Weekend"}
    assert days["w01-lesson"] == days["w02-lesson"] == "Monday" and days["w02-quiz"] == "Friday"
    assert {days[f"w0{n}-ex{k}"] for n in (1, 2) for k in (1, 2, 3)} == set(BUILD_DAYS)
    order = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Weekend"]
    assert [order.index(t["day"]) for t in plan["tasks"]] == sorted(order.index(t["day"]) for t in plan["tasks"])
    lesson = by_item(plan)["w03-lesson"]
    assert lesson["minutes"] == 105 and lesson["source"] == f"{WEEK3}/lesson.md" and lesson["kind"] == "lesson"
    ex2 = by_item(plan)["w03-ex2"]
    assert ex2["minutes"] == 240 and ex2["source"].startswith(f"{WEEK3}/exercises.md#Exercise 2")


def test_four_exercises_are_balanced_over_the_build_days(m):
    finish(m, *range(1, 13))
    plan = Planner(m).plan(week=13, hours=40)
    load = {d: sum(t["minutes"] for t in plan["tasks"] if t["day"] == d) for d in BUILD_DAYS}
    assert [t["day"] for t in plan["tasks"] if t["kind"] == "exercise"] == \
        ["Tuesday", "Tuesday", "Wednesday", "Thursday"]
    assert load == {"Tuesday": 7 * 60, "Wednesday": 6 * 60, "Thursday": 5 * 60}


def test_completed_items_are_never_planned_again(m):
    finish(m, 1, 2)
    Progress(m).mark("w03-lesson")
    Progress(m).mark("w03-ex2")
    plan = Planner(m).plan(week=3, hours=40)
    items = {i for i in by_item(plan) if "-read-" not in i}  # and the week's reading notes
    assert items == {"w03-ex1", "w03-ex3", "w03-quiz", "w03-review", "w03-reflection"}
    assert not any("unfinished" in t["reason"] for t in plan["tasks"])
    m.store.save_reflection(3, confidence={"fitness-functions": 1})
    assert "w03-reflection" not in by_item(Planner(m).plan(week=3, hours=40))  # the week has a reflection
    planner = Planner(m)
    plan = planner.plan(week=3, hours=40)
    planner.tick(plan["plan_id"], "w03-fix-fitness-functions", True)
    assert "w03-fix-fitness-functions" not in by_item(planner.plan(week=3, hours=40))


def test_unfinished_items_from_earlier_weeks_are_caught_up(m):
    finish(m, 1)
    Progress(m).mark("w02-lesson")
    plan = Planner(m).plan(week=3, hours=40)
    catch_up = [t for t in plan["tasks"] if t["reason"].startswith("unfinished")]
    assert {t["item"] for t in catch_up} == {"w02-ex1", "w02-ex2", "w02-ex3", "w02-quiz"}
    assert all(t["reason"] == "unfinished from week 2" for t in catch_up)
    assert by_item(plan)["w02-quiz"]["day"] == "Friday"


def test_hours_budget_is_respected_and_dropped_tasks_are_named(m):
    finish(m, 1)
    m.store.save_reflection(3, confidence={"hexagonal-architecture": 2})
    plan = Planner(m).plan(week=3, hours=5)
    assert plan["hours_budget"] == 5.0
    assert sum(t["minutes"] for t in plan["tasks"]) <= 5 * 60
    items = [t["item"] for t in plan["tasks"]]
    # priority: the lesson, then remediation, then exercises (whatever still fits), then catch-up
    assert items[:2] == ["w03-lesson", "w03-fix-hexagonal-architecture"]
    assert "w03-ex1" in items and "w03-ex2" not in items and "w02-ex2" not in items
    notes = plan["notes"]
    assert "Dropped to fit the budget" in notes
    assert "Week 3 Exercise 2: Carve the mentor system into bounded contexts and ports (4 h)" in notes
    assert "more unfinished item(s)" in notes  # the earlier weeks' items, counted


def test_the_lesson_comes_before_everything_else(m):
    m.store.save_reflection(3, confidence={"hexagonal-architecture": 1, "bounded-contexts": 1})
    plan = Planner(m).plan(week=3, hours=2.5)  # the week 3 lesson takes 1.75 h with notes
    assert [t["item"] for t in plan["tasks"]][0] == "w03-lesson"
    assert sum(t["minutes"] for t in plan["tasks"]) <= 150


def test_budget_comes_from_the_argument_then_settings_then_default(m):
    planner = Planner(m)
    assert planner.plan(week=3)["hours_budget"] == 10.0
    assert planner.set_budget("6.5") == 6.5 and m.store.setting("hours_budget") == "6.5"
    assert planner.plan(week=3)["hours_budget"] == 6.5
    assert planner.plan(week=3, hours=12)["hours_budget"] == 12.0
    for bad in (0, -1, "lots", 1000):
        with pytest.raises(InputError, match="hours budget"):
            planner.plan(week=3, hours=bad)
    with pytest.raises(InputError, match="no week 21"):
        planner.plan(week=21)


def test_next_week_is_the_current_week(m):
    finish(m, 1, 2)
    assert Planner(m).plan()["week"] == 3
    Progress(m).set_start("2020-01-06")
    assert Planner(m).plan()["week"] == 20


def test_plans_are_deterministic_and_stored(m):
    m.store.save_reflection(3, hard="fitness functions", confidence={"bounded-contexts": 2})
    planner = Planner(m)
    a, b = planner.plan(week=3), planner.plan(week=3)
    assert a["tasks"] == b["tasks"] and a["notes"] == b["notes"] and a["plan_id"] != b["plan_id"]
    stored = m.store.plans()[0]
    assert stored["id"] == b["plan_id"] and stored["week"] == 3 and stored["provider"] == "offline"
    assert planner.latest() == b and planner.get(a["plan_id"]) == a


def test_markdown_is_a_checklist_grouped_by_day(m):
    planner = Planner(m)
    plan = planner.plan(week=3, hours=45)
    md = Planner.markdown(plan)
    assert md.startswith("# Plan for week 3")
    for day in ("## Monday", "## Tuesday", "## Wednesday", "## Thursday", "## Friday", "## Weekend", "## Notes"):
        assert day in md
    assert md.index("## Monday") < md.index("## Tuesday") < md.index("## Friday") < md.index("## Weekend")
    assert "- [ ] Read the week 3 lesson and take notes: Modularity (1.75 h)" in md
    assert "- [ ] Week 3 Exercise 2: Carve the mentor system into bounded contexts and ports (4 h)" in md
    planner.tick(plan["plan_id"], "w03-ex2", True)
    assert "- [x] Week 3 Exercise 2" in Planner.markdown(plan, planner.done(plan))


def test_tick_updates_progress(m):
    planner = Planner(m)
    plan = planner.plan(week=3)
    planner.tick(plan["plan_id"], "w03-ex1", True)
    assert "w03-ex1" in m.store.done_items()
    week3 = next(w for w in Progress(m).summary()["weeks"] if w["week"] == 3)
    assert next(i for i in week3["items"] if i["id"] == "w03-ex1")["done"] is True
    assert planner.done(plan) == {"w03-ex1"}
    planner.tick(plan["plan_id"], "w03-ex1", False)
    assert "w03-ex1" not in m.store.done_items()
    with pytest.raises(InputError, match="no task"):
        planner.tick(plan["plan_id"], "w07-ex1", True)
    with pytest.raises(InputError, match="no plan 999"):
        planner.tick(999, "w03-ex1", True)


# the optional model pass -----------------------------------------------------------------------
@dataclasses.dataclass
class FakeRedactor:
    calls: int = 0

    def redact_request(self, request):
        self.calls += 1
        hide = lambda s: s.replace("ana@example.com", "<EMAIL_1>")  # noqa: E731
        safe = dataclasses.replace(request, messages=[{**msg, "content": hide(msg["content"])}
                                                      for msg in request.messages], question=hide(request.question))
        return safe, lambda s: s.replace("<EMAIL_1>", "ana@example.com"), {"EMAIL_ADDRESS": 1}


def test_a_model_adds_advice_to_the_notes_but_never_changes_tasks(tmp_path, anthropic_server):
    a = make(tmp_path / "a")
    a.store.save_reflection(3, questions="Should I mail ana@example.com about ports?")
    offline = Planner(a).plan(week=3)
    m = make(tmp_path / "b", MENTOR_PROVIDER="anthropic", ANTHROPIC_API_KEY="sk-ant-test-key-123",
             ANTHROPIC_BASE_URL=anthropic_server.base_url)
    m.redactor = FakeRedactor()
    m.store.save_reflection(3, questions="Should I mail ana@example.com about ports?")
    anthropic_server.enqueue("Start with the lesson on Monday. Write to ana@example.com if you get stuck.\n\n"
                             "Keep each exercise small. Ship something each day. Also a fifth sentence.")
    plan = Planner(m).plan(week=3)
    assert plan["provider"] == "anthropic"
    assert plan["tasks"] == offline["tasks"]
    assert plan["notes"].endswith("Mentor's advice: Start with the lesson on Monday. Write to ana@example.com if "
                                  "you get stuck. Keep each exercise small. Ship something each day.")
    body = anthropic_server.requests[-1].body
    assert "ana@example.com" not in str(body) and "<EMAIL_1>" in str(body)
    assert m.redactor.calls == 1
    assert m.store.plans()[0]["provider"] == "anthropic"
    (row,) = trace_list(m.store)
    plan_trace = trace_detail(m.store, row["trace_id"])
    assert plan_trace["operation"] == "plan" and row["model"] and row["cost_usd"] > 0
    assert [(s["name"], s["depth"]) for s in plan_trace["spans"]] == [("plan", 0), ("advice", 1), ("redact", 2)]


def test_a_failing_model_falls_back_silently_to_the_offline_plan(tmp_path, anthropic_server):
    m = make(tmp_path, MENTOR_PROVIDER="anthropic", ANTHROPIC_API_KEY="sk-ant-test-key-123",
             ANTHROPIC_BASE_URL=anthropic_server.base_url)
    anthropic_server.enqueue(*([529] * 3))  # a plan goes to the cheap model; the SDK retries twice
    plan = Planner(m).plan(week=3)
    assert plan["provider"] == "offline" and "advice" not in plan["notes"]
    assert len(anthropic_server.requests) == 3


def test_every_day_of_the_rhythm_gets_work_and_the_quiz_and_reflection_come_before_optional_exercises(m):
    plan = Planner(m).plan(week=1, hours=10)
    days = {t["day"] for t in plan["tasks"]}
    assert days == {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Weekend"}
    items = {t["item"] for t in plan["tasks"]}
    assert {"w01-quiz", "w01-reflection", "w01-review", "w01-ex1"} <= items and "w01-ex2" not in items
    readings = [t for t in plan["tasks"] if t["kind"] == "reading"]
    assert readings and all(t["link"].startswith("learn?doc=note&path=") for t in readings)
    assert by_item(plan)["w01-lesson"]["link"].startswith("learn?week=1&doc=lesson")
    assert sum(t["minutes"] for t in plan["tasks"]) <= 10 * 60


def test_quiz_answers_graded_again_or_hard_yield_remediation(m):
    from mentor.quiz import Deck

    Deck(m).review("w03-q1", "again")
    concept = Deck(m).question("w03-q1").concept
    task = by_item(Planner(m).plan(week=3, hours=40))[f"w03-fix-{concept}"]
    assert task["kind"] == "remediation" and "quiz answers" in task["reason"]
    Deck(m).review("w03-q1", "good")
    assert f"w03-fix-{concept}" not in by_item(Planner(m).plan(week=3, hours=40))
