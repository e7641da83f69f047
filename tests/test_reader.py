"""The course reader: links into it, safe Markdown, documents with their sections and reading time."""

import pytest

from mentor.errors import InputError
from mentor.reader import anchor, open_doc, reader_link, safe_markdown
from tests.conftest import ROOT

CORPUS = ROOT / "corpus"
W6 = "curriculum/phase-2-distributed-systems/week-06-caching-strategies"


def test_reader_link_opens_the_week_document_at_the_section():
    assert reader_link(f"{W6}/lesson.md", "Stampede protection") == (
        "learn?week=6&doc=lesson&section=stampede-protection#stampede-protection")
    # a plan task's source and a chunk's heading path
    assert reader_link(f"{W6}/exercises.md#Exercise 2: Versioned caches") == (
        "learn?week=6&doc=exercises&section=exercise-2-versioned-caches#exercise-2-versioned-caches")
    assert reader_link(f"{W6}/lesson.md", "Stampede protection > Single-flight").endswith("#single-flight")
    assert reader_link("books/ddia/05-replication.md") == "learn?doc=note&path=books%2Fddia%2F05-replication.md"
    assert reader_link("reflections/week-03/4") == ""
    assert reader_link("../../etc/passwd.md") == ""


def test_documents_have_sections_anchors_and_reading_time():
    doc = open_doc(CORPUS, week=6, doc="lesson")
    assert doc.title == "Week 6: Caching strategies"
    assert "Stampede protection" in [h for _, h, _ in doc.toc()]
    assert doc.sections[doc.find("stampede-protection")].text.startswith("## Stampede protection")
    assert doc.minutes >= 15 and doc.words > 1000
    note = open_doc(CORPUS, doc="note", path="books/ddia/05-replication.md")
    assert note.title.startswith("DDIA, ch. 5")
    with pytest.raises(InputError):
        open_doc(CORPUS, doc="note", path="../pyproject.toml")
    with pytest.raises(InputError):
        open_doc(CORPUS, week=99)


def test_markdown_is_rendered_without_raw_html_images_or_repository_paths():
    text = safe_markdown('<img src="http://evil/x.png"> ![chart](http://evil/c.png) see '
                         "[week 5](../week-05-message-queues-and-events/lesson.md#the-outbox) "
                         "and [DDIA](../../../books/ddia/05-replication.md)\n```\n<b>code stays</b>\n```",
                         f"{W6}/lesson.md")
    assert "<img" not in text and "&lt;img" in text  # shown as text, never a tag
    assert "c.png" not in text and "chart" in text  # an image becomes its alt text: nothing is fetched
    assert "(learn?week=5&doc=lesson&section=the-outbox#the-outbox)" in text
    assert "(learn?doc=note&path=books%2Fddia%2F05-replication.md)" in text
    assert "<b>code stays</b>" in text  # inside a code fence it is code, shown as written


def test_anchor_matches_streamlit_heading_ids():
    assert anchor("Exercise 1: Size the cache before building it") == "exercise-1-size-the-cache-before-building-it"
    assert anchor("Cache-aside (lazy loading)") == "cache-aside-lazy-loading"
