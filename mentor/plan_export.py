"""A weekly plan as a calendar (.ics, read by any calendar app) and as Markdown, its tasks linking into the reader.

    data = ics(plan, start_date="2026-09-07", app_url="http://localhost:8501")   # bytes, text/calendar
    text = markdown(plan, done=set(), app_url="http://localhost:8501")
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from .planner import DAYS, Planner

DAY_OFFSET = {day: i for i, day in enumerate(DAYS)}  # Monday 0 .. Friday 4, Weekend -> Saturday 5
DEFAULT_APP_URL = "http://localhost:8501"


def week_monday(start_date: str | None, week: int, today: date | None = None) -> date:
    """The Monday of `week`: from the start date, else the Monday of this week."""
    if start_date:
        return date.fromisoformat(start_date) + timedelta(weeks=week - 1)
    today = today or date.today()
    return today - timedelta(days=today.weekday())


def task_url(task: dict, app_url: str) -> str:
    return f"{app_url.rstrip('/')}/{task['link']}" if task.get("link") else ""


def ics(plan: dict, start_date: str | None, app_url: str = DEFAULT_APP_URL, today: date | None = None) -> bytes:
    """One all-day event per task on its day of the rhythm, with the reason, duration and reader link."""
    from icalendar import Calendar, Event

    monday = week_monday(start_date, plan["week"], today)
    cal = Calendar()
    cal.add("prodid", "-//Architect Mentor//weekly plan//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"Architect Mentor: week {plan['week']}")
    stamp = datetime.now(UTC)
    for task in plan["tasks"]:
        day = monday + timedelta(days=DAY_OFFSET[task["day"]])
        event = Event()
        event.add("uid", f"plan-{plan.get('plan_id', 0)}-{task['item']}@architect-mentor")
        event.add("dtstamp", stamp)
        event.add("summary", f"{task['title']} ({task['minutes']} min)")
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        url = task_url(task, app_url)
        event.add("description", task["reason"] + (f"\n{url}" if url else ""))
        if url:
            event.add("url", url)
        cal.add_component(event)
    return cal.to_ical()


def markdown(plan: dict, done: set[str] | None = None, app_url: str = DEFAULT_APP_URL) -> str:
    """The plan as a Markdown checklist whose tasks link into the reader of the app at `app_url`."""
    linked = {**plan, "tasks": [{**t, "title": f"[{t['title']}]({task_url(t, app_url)})" if t.get("link")
                                 else t["title"], "source": None} for t in plan["tasks"]]}
    return Planner.markdown(linked, done)
