"""Times in words, groups for the sidebar, titles cut at a word, search matches highlighted safely."""

from datetime import UTC, datetime

from mentor.humanize import ago, escape_markdown, group, grouped, highlight, shorten, when

NOW = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)  # a Monday


def test_when_reads_like_a_date_in_the_readers_zone():
    assert when("2026-11-30T12:27:00+00:00", tz="UTC", now=NOW) == "Mon 30 Nov, 12:27"
    assert when("2026-11-30T12:27:00+00:00", tz="Europe/Paris", now=NOW) == "Mon 30 Nov, 13:27"
    assert when("2026-11-30T23:30:00", tz="Asia/Tokyo", now=NOW) == "Tue 1 Dec, 08:30"  # no zone means UTC
    assert when("2025-01-02T09:05:00+00:00", tz="UTC", now=NOW) == "Thu 2 Jan 2025, 09:05"
    assert when("2026-11-30T12:27:00+00:00", tz="No/Such_Zone", now=NOW)  # an unknown zone falls back


def test_ago_is_short_and_relative():
    assert ago("2026-11-30T14:59:30+00:00", tz="UTC", now=NOW) == "now"
    assert ago("2026-11-30T14:45:00+00:00", tz="UTC", now=NOW) == "15 min"
    assert ago("2026-11-30T10:00:00+00:00", tz="UTC", now=NOW) == "5 h"
    assert ago("2026-11-29T22:00:00+00:00", tz="UTC", now=NOW) == "yesterday"
    assert ago("2026-11-26T10:00:00+00:00", tz="UTC", now=NOW) == "Thu"
    assert ago("2026-11-12T10:00:00+00:00", tz="UTC", now=NOW) == "12 Nov"
    assert ago("2025-11-12T10:00:00+00:00", tz="UTC", now=NOW) == "12 Nov 2025"


def test_groups_follow_the_readers_calendar_day():
    assert group("2026-11-30T00:30:00+00:00", tz="UTC", now=NOW) == "Today"
    # 23:30 UTC the day before is already today in Paris
    assert group("2026-11-29T23:30:00+00:00", tz="UTC", now=NOW) == "This week"
    assert group("2026-11-29T23:30:00+00:00", tz="Europe/Paris", now=NOW) == "Today"
    assert group("2026-11-24T12:00:00+00:00", tz="UTC", now=NOW) == "This week"
    assert group("2026-11-23T12:00:00+00:00", tz="UTC", now=NOW) == "Older"
    rows = [{"id": 1, "updated": "2026-11-30T14:00:00+00:00"}, {"id": 2, "updated": "2026-11-01T14:00:00+00:00"},
            {"id": 3, "updated": "2026-10-01T14:00:00+00:00"}]
    assert [(g, [r["id"] for r in rs]) for g, rs in grouped(rows, tz="UTC", now=NOW)] == [("Today", [1]),
                                                                                       ("Older", [2, 3])]


def test_shorten_cuts_at_a_word_boundary():
    title = "How do I protect the database from a cache stampede?"
    assert shorten(title, 40) == "How do I protect the database from a…"
    assert len(shorten(title, 40)) <= 40
    assert shorten("short   title\nhere", 40) == "short title here"
    assert shorten("x" * 100, 10) == "x" * 9 + "…"  # one huge word is cut inside it


def test_highlight_escapes_before_it_marks_the_matches():
    md = highlight("see [x](http://evil.example/a.png) and \x02cache\x03 *stampede*", "\x02", "\x03")
    assert "**cache**" in md
    assert "](" not in md and "\\[x\\]\\(http" in md  # the link is text now
    assert "\\*stampede\\*" in md
    assert escape_markdown("<img src=x>") == "\\<img src=x\\>"
