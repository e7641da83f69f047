"""The course agrees with itself and with the mentor as built: reading plans, headings, cross-references."""

from pathlib import Path

import pytest

from mentor.corpus import split_front_matter
from mentor.curriculum import load_curriculum

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
NOTES = sorted(CORPUS.glob("books/*/*.md")) + sorted(CORPUS.glob("papers/*.md"))


def rel(path: Path) -> str:
    return path.relative_to(CORPUS).as_posix()


@pytest.mark.parametrize("path", NOTES, ids=rel)
def test_every_note_opens_with_an_h1(path):
    meta, body = split_front_matter(path.read_text())
    first = next(line for line in body.splitlines() if line.strip())
    assert first.startswith("# ") and len(first) > 5
    if meta["kind"] == "book-note":
        assert first == f"# {meta['title']}"


def test_every_note_is_in_some_weeks_reading_plan():
    curriculum = load_curriculum(CORPUS)
    planned = {r.path for w in curriculum.weeks.values() for r in w.reading}
    missing = sorted(rel(p) for p in NOTES if rel(p) not in planned)
    assert not missing, f"notes no week assigns: {missing}"


def test_reading_plans_name_real_notes_with_titles_and_times():
    curriculum = load_curriculum(CORPUS)
    for week in curriculum.weeks.values():
        meta, _ = split_front_matter((CORPUS / week.lesson).read_text())
        assert len(week.reading) == len(meta["reading"]), f"week {week.number} names a missing note"
        assert 1 <= len(week.reading) <= 10
        for r in week.reading:
            assert r.title and r.minutes >= 5


def test_second_volume_notes_say_vol_2():
    for path in CORPUS.glob("books/system-design-interview/v2-*.md"):
        assert "vol. 2" in split_front_matter(path.read_text())[0]["title"]
