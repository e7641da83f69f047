import shutil
import time
from pathlib import Path

import pytest

from mentor.curriculum import ITEM_ID, load_curriculum, reading_minutes, round_minutes
from mentor.errors import InputError

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture(scope="module")
def cur():
    return load_curriculum(CORPUS)


def test_twenty_weeks_in_five_phases(cur):
    assert list(cur.weeks) == list(range(1, 21))
    assert [cur.weeks[n].phase for n in (1, 4, 5, 8, 9, 12, 13, 16, 17, 20)] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert cur.phases == {1: "Fundamentals", 2: "Distributed systems", 3: "AI architecture", 4: "Enterprise",
                          5: "Capstone"}
    w3 = cur.week(3)
    assert w3.title == "Modularity"
    assert w3.lesson == "curriculum/phase-1-fundamentals/week-03-modularity/lesson.md"
    assert w3.quiz == "curriculum/phase-1-fundamentals/week-03-modularity/quiz.md"
    assert w3.quiz_questions == 11


def test_exercises_and_estimates_are_parsed(cur):
    w3 = cur.week(3)
    assert [(e.number, e.hours) for e in w3.exercises] == [(1, 3.0), (2, 4.0), (3, 2.0)]
    assert w3.exercises[1].name == "Carve the mentor system into bounded contexts and ports"
    assert [(e.number, e.hours) for e in cur.week(14).exercises] == [(1, 3.0), (2, 7.0), (3, 4.0), (4, 3.0)]
    for week in cur.weeks.values():
        assert 2 <= len(week.exercises) <= 4, week.number
        assert all(1 <= e.hours <= 8 for e in week.exercises), week.number


def test_item_ids_titles_and_minutes(cur):
    items = cur.week(3).items()
    assert [i.id for i in items] == ["w03-lesson", "w03-ex1", "w03-ex2", "w03-ex3", "w03-quiz"]
    assert [i.kind for i in items] == ["lesson", "exercise", "exercise", "exercise", "quiz"]
    assert [i.minutes for i in items][1:4] == [180, 240, 120]
    assert items[2].source.endswith("exercises.md#Exercise 2: Carve the mentor system into bounded contexts and ports")
    assert all(ITEM_ID.match(i.id) for i in cur.items())
    assert len(cur.items()) == sum(len(w.exercises) + 2 for w in cur.weeks.values())
    assert cur.item("w13-ex4").title.startswith("Exercise 4:")
    with pytest.raises(InputError, match="w03-lesson"):
        cur.item("w03-ex9")


def test_lesson_minutes_come_from_the_word_count():
    assert round_minutes(7) == 15 and round_minutes(38) == 45 and round_minutes(52) == 45
    assert reading_minutes(2300) == 60  # 2,300 words at 120 a minute, plus twice that for notes and examples
    assert reading_minutes(4500) == 120


def test_every_topic_is_taught_in_a_lesson_section(cur):
    for week in cur.weeks.values():
        lesson = (CORPUS / week.lesson).read_text()
        for topic in week.topics:
            assert topic.section, (week.number, topic.tag)
            assert f"\n## {topic.section}\n" in lesson, (week.number, topic.tag)
            assert topic.section_words > 50


def test_topics_map_to_the_sections_and_exercises_that_teach_them(cur):
    w3 = cur.week(3)
    assert [t.tag for t in w3.topics][:2] == ["coupling-and-cohesion", "hexagonal-architecture"]
    hexa = w3.topic("hexagonal-architecture")
    assert hexa.section == "Layered, hexagonal and clean architecture" and hexa.exercise == 2
    assert w3.topic("fitness-functions").section == "Fitness functions and import-linter checks"
    assert cur.week(5).topic("message-queues").section.startswith("Queues, pub/sub and logs")
    assert cur.week(14).topic("soc2").section == "SOC 2 for AI products"
    assert cur.week(17).topic("adrs").section == "Key architecture decision records for the capstone"
    assert cur.week(19).topic("progressive-delivery").section.startswith("Canary and blue-green releases")


def test_find_and_mentioned_topics(cur):
    week, topic = cur.find_topic("Hexagonal Architecture", 3)
    assert (week.number, topic.tag) == (3, "hexagonal-architecture")
    assert cur.find_topic("c4-model", 17)[0].number == 17 and cur.find_topic("c4-model", 4)[0].number == 4
    assert cur.find_topic("hexagonal", 3)[1].tag == "hexagonal-architecture"
    assert cur.find_topic("knitting", 3) is None
    said = cur.mentioned_topics("Bounded contexts were fine but the coupling audit took ages.", 3)
    assert [t.tag for t in said] == ["coupling-and-cohesion", "bounded-contexts"]
    assert cur.mentioned_topics("The architecture of the data model was fine.", 3) == []


def test_parsed_once_then_again_when_a_file_changes(tmp_path, cur):
    assert load_curriculum(CORPUS) is cur
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS / "curriculum" / "phase-1-fundamentals" / "week-03-modularity",
                    corpus / "curriculum" / "phase-1-fundamentals" / "week-03-modularity")
    small = load_curriculum(corpus)
    assert list(small.weeks) == [3] and load_curriculum(corpus) is small
    ex = corpus / "curriculum" / "phase-1-fundamentals" / "week-03-modularity" / "exercises.md"
    time.sleep(0.01)
    ex.write_text(ex.read_text().replace("**Estimate:** 2 hours", "**Estimate:** 90 minutes"))
    changed = load_curriculum(corpus)
    assert changed is not small and changed.week(3).exercises[2].hours == 1.5
    with pytest.raises(InputError, match="no week 4"):
        changed.week(4)


def test_a_week_without_exercises_or_quiz_still_loads(tmp_path):
    folder = tmp_path / "curriculum" / "phase-2-distributed-systems" / "week-06-caching"
    folder.mkdir(parents=True)
    (folder / "lesson.md").write_text("---\ntitle: \"Week 6: Caching\"\nkind: lesson\nphase: 2\nweek: 6\n"
                                      "tags: [ttl]\n---\n\n# Week 6\n\n## TTL and eviction\n\nExpire entries.\n")
    week = load_curriculum(tmp_path).week(6)
    assert [i.id for i in week.items()] == ["w06-lesson"]
    assert week.topic("ttl").section == "TTL and eviction"
