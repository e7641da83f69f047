"""The parsed curriculum kept in MENTOR_HOME: the same data as parsing, refreshed when a week's file changes."""

from __future__ import annotations

import shutil

from mentor import curriculum_cache
from mentor.curriculum import load_curriculum
from tests.conftest import ROOT


def test_a_second_process_reads_the_same_curriculum_from_home(tmp_path):
    home = tmp_path / "home"
    parsed = curriculum_cache.load(ROOT / "corpus", home)
    assert (home / "curriculum.json").is_file()
    curriculum_cache._memo.clear()  # as a new process would start
    assert curriculum_cache._read(home / "curriculum.json", curriculum_cache._key((ROOT / "corpus").resolve())) \
        == parsed == load_curriculum(ROOT / "corpus")


def test_an_edited_week_or_a_damaged_file_is_parsed_again(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus" / "curriculum", corpus / "curriculum")
    home = tmp_path / "home"
    assert curriculum_cache.load(corpus, home).week(3).title
    lesson = next((corpus / "curriculum").glob("phase-*/week-03-*/lesson.md"))
    text = lesson.read_text()
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    lesson.write_text(text.replace(title, 'title: "Week 3: Renamed by the learner"', 1))
    assert curriculum_cache.load(corpus, home).week(3).title.startswith("Renamed by the learner")
    (home / "curriculum.json").write_text("{not json")
    curriculum_cache._memo.clear()
    assert curriculum_cache.load(corpus, home).week(3).title.startswith("Renamed by the learner")
    assert curriculum_cache.load(corpus, home) == load_curriculum(corpus)
