"""Every corpus file is valid: front matter, required files, chapters, links, no empty or cut-off text."""

import re
from collections import defaultdict
from pathlib import Path

import pytest

from mentor.corpus import chunk_document, load_file, split_front_matter

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
FILES = sorted(CORPUS.rglob("*.md"))
KINDS = {"lesson", "exercise", "quiz", "book-note", "paper-note", "glossary"}
BOOK_CHAPTERS = {"ddia": 12, "hard-parts": 15, "ml-systems-design": 11, "system-design-interview": 29}
PAPERS = {"rag", "ml-tech-debt"}
LINK = re.compile(r"\]\(([^)#\s]+\.md)(#[^)]*)?\)")


def meta_of(path: Path) -> dict:
    return split_front_matter(path.read_text())[0]


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_front_matter_and_body(path):
    meta, body = split_front_matter(path.read_text())
    assert isinstance(meta.get("title"), str) and meta["title"].strip()
    assert meta.get("kind") in KINDS
    assert isinstance(meta.get("tags"), list) and all(isinstance(t, str) and t == t.lower() for t in meta["tags"])
    for key in ("phase", "week", "chapter", "volume", "year"):
        if key in meta:
            assert isinstance(meta[key], int) and not isinstance(meta[key], bool), key
    for w in meta.get("related_weeks") or []:
        assert isinstance(w, int) and 1 <= w <= 20
    if meta["kind"] in ("lesson", "exercise", "quiz"):
        assert 1 <= meta["week"] <= 20 and meta["phase"] == (meta["week"] - 1) // 4 + 1
    if meta["kind"] == "book-note":
        assert meta["book"] in BOOK_CHAPTERS and meta["chapter"] >= 1
    if meta["kind"] == "paper-note":
        assert meta["paper"] == path.stem
    words = len(body.split())
    assert words >= 250, f"only {words} words"
    # not cut off: the file ends with a finished sentence, list item, table row or code fence
    last = body.rstrip().splitlines()[-1].rstrip()
    finished = last.endswith((".", ")", "`", "|", "!", "?", "*", '"', ":"))
    assert finished or last.startswith(("-", "|", "```", "**Concept:**")), last
    assert body.count("```") % 2 == 0, "unclosed code fence"


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_links_resolve(path):
    for target, _ in LINK.findall(path.read_text()):
        if target.startswith("http"):
            continue
        assert (path.parent / target).resolve().is_file(), f"broken link to {target}"


def test_every_week_has_lesson_exercises_and_quiz():
    weeks = defaultdict(set)
    for path in FILES:
        meta = meta_of(path)
        if "week" in meta and meta["kind"] in ("lesson", "exercise", "quiz"):
            weeks[meta["week"]].add(meta["kind"])
    assert sorted(weeks) == list(range(1, 21))
    assert all(kinds == {"lesson", "exercise", "quiz"} for kinds in weeks.values())


def test_week_shapes_lessons_exercises_quizzes():
    for path in CORPUS.glob("curriculum/*/week-*/lesson.md"):
        text = path.read_text()
        # every lesson ends its teaching with "How to choose" (decisions) and "How to do it" (procedures)
        lesson, choose = re.split(r"^## How to choose\n", text, flags=re.M)
        choose, howto = re.split(r"^## How to do it\n", choose, flags=re.M)
        howto, rest = howto.split("\n## ", 1)
        assert rest.startswith("Common mistakes"), path
        assert 1500 <= len((lesson + rest).split()) <= 3300, path
        for section in (choose, howto):
            parts = re.split(r"^### .+\n", section, flags=re.M)[1:]
            assert 4 <= len(parts) <= 7 and all(60 <= len(p.split()) <= 170 for p in parts), path
    for path in CORPUS.glob("curriculum/*/week-*/exercises.md"):
        n = len(re.findall(r"^## Exercise \d+", path.read_text(), re.M))
        assert 2 <= n <= 4, path
        assert "Acceptance criteria" in path.read_text()
    for path in CORPUS.glob("curriculum/*/week-*/quiz.md"):
        text = path.read_text()
        n = len(re.findall(r"^## Q\d+", text, re.M))
        assert 8 <= n <= 12, path
        assert text.count("**Answer:**") == n and text.count("**Concept:**") == n, path
    week1 = (CORPUS / "curriculum/phase-1-fundamentals/week-01-design-patterns-and-solid/exercises.md").read_text()
    titles = re.findall(r"^## Exercise \d+: (.+)$", week1, re.M)
    assert "refactor your ml code" in titles[0].lower() and "model provider adapter" in titles[1].lower()


def test_every_book_chapter_and_the_required_papers_are_present():
    for book, n in BOOK_CHAPTERS.items():
        notes = list((CORPUS / "books" / book).glob("*.md"))
        assert len(notes) == n, book
        for note in notes:
            assert 300 <= len(split_front_matter(note.read_text())[1].split()) <= 900, note
    assert PAPERS <= {p.stem for p in (CORPUS / "papers").glob("*.md")}
    assert (CORPUS / "README.md").is_file() and (CORPUS / "glossary.md").is_file()


def test_word_counts_per_kind(capsys):
    counts = defaultdict(lambda: [0, 0])
    for path in FILES:
        meta, body = split_front_matter(path.read_text())
        counts[meta["kind"]][0] += 1
        counts[meta["kind"]][1] += len(body.split())
    with capsys.disabled():
        summary = ", ".join(f"{k}: {n} files, {w} words" for k, (n, w) in sorted(counts.items()))
        print("\ncorpus word counts: " + summary)
    assert counts["lesson"][0] == 20 and counts["lesson"][1] >= 20 * 1500


def test_every_file_chunks_into_headed_sections():
    for path in FILES:
        chunks = chunk_document(load_file(path, CORPUS, "corpus"))
        assert chunks, path
        assert all(c.text.strip() for c in chunks)
