"""A plan exported as a calendar that a calendar parser reads back, and as Markdown linking into the reader."""

from datetime import date

from icalendar import Calendar

from mentor.cli import main
from mentor.plan_export import ics, markdown
from mentor.planner import Planner
from mentor.progress import Progress
from tests.conftest import ROOT, make_config


def test_the_ics_file_parses_back_with_one_event_per_task_on_its_day(tmp_path):
    from mentor.core import Mentor

    m = Mentor(make_config(tmp_path, MENTOR_CORPUS=str(ROOT / "corpus")))
    Progress(m).set_start("2026-09-07")
    plan = Planner(m).plan(week=2, hours=10)
    cal = Calendar.from_ical(ics(plan, "2026-09-07", "http://127.0.0.1:8651"))
    events = cal.walk("VEVENT")
    assert len(events) == len(plan["tasks"]) and len({str(e["uid"]) for e in events}) == len(events)
    by_summary = {str(e["summary"]): e for e in events}
    lesson = next(t for t in plan["tasks"] if t["kind"] == "lesson")
    event = by_summary[f"{lesson['title']} ({lesson['minutes']} min)"]
    assert event.decoded("dtstart") == date(2026, 9, 14)  # the Monday of week 2
    assert str(event["url"]) == "http://127.0.0.1:8651/learn?week=2&doc=lesson"
    reflection = next(e for e in events if str(e["summary"]).startswith("Write your week 2 reflection"))
    assert reflection.decoded("dtstart") == date(2026, 9, 19)  # the weekend
    text = markdown(plan, set(), "http://127.0.0.1:8651")
    assert f"- [ ] [{lesson['title']}](http://127.0.0.1:8651/learn?week=2&doc=lesson)" in text
    assert "curriculum/phase-1" not in text  # links, not repository paths


def test_the_cli_writes_the_calendar(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MENTOR_CORPUS", str(ROOT / "corpus"))
    out = tmp_path / "week.ics"
    assert main(["plan", "--week", "1", "--hours", "8", "--export", "ics", "-o", str(out)]) == 0
    events = Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    assert events and all(str(e["summary"]) for e in events)
