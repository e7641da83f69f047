"""Progress through the 20 weeks: which lessons, exercises and quizzes are done, per week and per phase.

    prog = Progress(mentor)
    prog.set_start("2026-09-07")
    prog.mark("w03-ex2", True)
    print(prog.text(prog.summary()))
"""

from __future__ import annotations

import re
from datetime import date

from .curriculum import Curriculum
from .errors import InputError

BAR_WIDTH = 10
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def percent(done: int, total: int) -> float:
    return round(100 * done / total, 1) if total else 0.0


def bar(pct: float, width: int = BAR_WIDTH) -> str:
    filled = int(round(pct / 100 * width))
    return "[" + "#" * filled + "-" * (width - filled) + "]"


class Progress:
    """The learner's progress, kept in the store's `progress` table and the `start_date` setting."""

    def __init__(self, mentor):
        self.m = mentor

    @property
    def curriculum(self) -> Curriculum:
        return self.m.curriculum()

    def set_start(self, value: str) -> str:
        value = (value or "").strip()
        try:
            if not _DATE.match(value):
                raise ValueError
            day = date.fromisoformat(value)
        except ValueError:
            raise InputError(f"The start date must be a date like 2026-09-07 (YYYY-MM-DD), got {value!r}.") from None
        self.m.store.set_setting("start_date", day.isoformat())
        return day.isoformat()

    def start_date(self) -> str | None:
        return self.m.store.setting("start_date")

    def mark(self, item: str, done: bool = True) -> None:
        if item not in self.reading_items():
            self.curriculum.item(item)  # raises InputError for an unknown id
        self.m.store.set_done(item, done)

    def reading_items(self, week: int | None = None) -> dict[str, tuple[int, str]]:
        """Progress ids of the reading notes (of one week, or all): id -> (week, path)."""
        from .reader import reading_item

        weeks = self.curriculum.weeks
        return {reading_item(n, r.path): (n, r.path) for n, wk in weeks.items() if week in (None, n)
                for r in wk.reading}

    def current_week(self, on: date | None = None) -> int:
        """From the start date if there is one, else the first week with something left to do."""
        return self.m.current_week(on)

    def summary(self) -> dict:
        cur, done = self.curriculum, self.m.store.done_items()
        weeks, phases = [], {}
        for n, week in cur.weeks.items():
            items = [{"id": i.id, "title": i.title, "kind": i.kind, "done": i.id in done, "minutes": i.minutes}
                     for i in week.items()]
            weeks.append({"week": n, "phase": week.phase, "title": week.title, "items": items})
            p = phases.setdefault(week.phase, [0, 0])
            p[0] += sum(1 for i in items if i["done"])
            p[1] += len(items)
        titles = cur.phases
        total_done, total = sum(p[0] for p in phases.values()), sum(p[1] for p in phases.values())
        return {
            "start_date": self.start_date(),
            "current_week": self.current_week(),
            "overall": {"done": total_done, "total": total, "percent": percent(total_done, total)},
            "phases": [{"phase": n, "title": titles[n], "done": d, "total": t, "percent": percent(d, t)}
                       for n, (d, t) in sorted(phases.items())],
            "weeks": weeks,
        }

    @staticmethod
    def text(summary: dict) -> str:
        rows = [(f"Phase {p['phase']} {p['title']}", p) for p in summary["phases"]]
        rows.append(("Overall", summary["overall"]))
        width = max(len(label) for label, _ in rows)
        start = summary.get("start_date") or "not set (mentor progress --start YYYY-MM-DD)"
        lines = [f"Start date: {start}    current week: {summary['current_week']}", ""]
        for label, p in rows:
            lines.append(f"{label:<{width}}  {bar(p['percent'])} {p['percent']:>3.0f}%  ({p['done']}/{p['total']})")
        week = next((w for w in summary["weeks"] if w["week"] == summary["current_week"]), None)
        if week:
            lines += ["", f"Week {week['week']}: {week['title']}"]
            for i in week["items"]:
                lines.append(f"  [{'x' if i['done'] else ' '}] {i['id']:<11} {i['title']} ({i['minutes']} min)")
            lines.append("Mark items with: mentor progress done ITEM_ID (undo with: mentor progress undo ITEM_ID)")
        return "\n".join(lines)
