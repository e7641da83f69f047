"""Today: where the learner is in the 20 weeks and the one thing to do next, computed from SQLite alone.

    view = today(mentor)                      # or today(mentor, now=datetime(...)) in tests
    view.day, view.focus                      # 'Tuesday', 'build'
    view.next_action.label                    # 'Review 2 quiz cards that are due (about 6 min)'
    print(text(view))                         # the same, for `mentor today`
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta

from .curriculum import QUIZ_MINUTES_PER_QUESTION
from .planner import DAYS, Planner
from .progress import Progress
from .quiz import CardState, Deck
from .reader import reader_params

RHYTHM = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Weekend", "Weekend")  # by date.weekday()
FOCUS = {"Monday": "learn", "Tuesday": "build", "Wednesday": "build", "Thursday": "build", "Friday": "review",
         "Weekend": "reflect"}
# where the learner does each kind of task
PAGES = {"lesson": "views/learn.py", "exercise": "views/learn.py", "remediation": "views/learn.py",
         "reading": "views/learn.py", "quiz": "views/quiz.py", "reflection": "views/reflections.py",
         "review": "views/review.py"}
_ACTIVE_SQL = (
    "select substr(done_at, 1, 10) as day from progress where done = 1 and done_at is not null "
    "union select substr(created, 1, 10) from messages where role = 'user' "
    "union select substr(reviewed, 1, 10) from quiz_reviews "
    "union select substr(updated, 1, 10) from reflections"
)


@dataclass(frozen=True)
class Action:
    label: str
    page: str  # the views/ page that does it
    params: dict = field(default_factory=dict)  # its query parameters (a reader deep link, a quiz week)
    cli: str = ""  # the same on the command line


@dataclass
class Today:
    date: str
    setup_needed: bool
    week: int
    week_title: str
    day: str  # Monday .. Friday, Weekend
    focus: str  # learn | build | review | reflect
    plan_id: int | None
    due_today: list[dict]
    overdue: list[dict]
    behind: int  # unfinished items of earlier weeks
    cards_due: list[CardState]
    streak: int
    check_in: bool  # the weekend check-in: no reflection for this week yet
    next_action: Action

    def as_dict(self) -> dict:
        return asdict(self)


def active_days(store) -> set[str]:
    return {r["day"] for r in store.db.query(_ACTIVE_SQL) if r["day"]}


def streak(days: set[str], on: date) -> int:
    """Consecutive active days ending today, or yesterday while today has no activity yet."""
    day = on if on.isoformat() in days else on - timedelta(days=1)
    count = 0
    while day.isoformat() in days:
        count += 1
        day -= timedelta(days=1)
    return count


def task_action(task: dict) -> Action:
    page = PAGES.get(task["kind"], "views/plan.py")
    params = {}
    if page == "views/learn.py" and task.get("source"):
        params = reader_params(task["source"]) or {}
    elif page == "views/quiz.py":
        params = {"week": str(int(task["item"][1:3]))}
    return Action(task["title"], page, params, f"mentor read --week {int(task['item'][1:3])}")


def setup(mentor, start: str, hours) -> dict:
    """The first visit: the start date (the Monday of week 1) and the weekly hours budget."""
    Planner(mentor).check_hours(hours)
    return {"start_date": Progress(mentor).set_start(start), "hours_budget": Planner(mentor).set_budget(hours)}


def today(mentor, now: datetime | None = None) -> Today:
    now = (now or datetime.now(UTC)).astimezone(UTC)
    on = now.date()
    prog, planner, deck = Progress(mentor), Planner(mentor), Deck(mentor)
    setup_needed = prog.start_date() is None
    week = prog.current_week(on)
    cur = planner.curriculum
    day = RHYTHM[on.weekday()]
    row = next((r for r in mentor.store.plans() if r["week"] == week), None)  # newest first
    plan = {**row["plan"], "plan_id": row["id"]} if row else None
    if not setup_needed and plan is None:
        plan = planner.plan(week=week, advice=False)  # this week's plan, computed without a model
    tasks, done = (plan["tasks"], planner.done(plan)) if plan and plan["week"] == week else ([], set())
    open_tasks = [t for t in tasks if t["item"] not in done]
    due_today = [t for t in open_tasks if t["day"] == day]
    overdue = [t for t in open_tasks if DAYS.index(t["day"]) < DAYS.index(day)]
    finished = mentor.store.done_items()
    behind = sum(1 for n in cur.weeks if n < week for i in cur.weeks[n].items() if i.id not in finished)
    cards = deck.due(now)
    check_in = day == "Weekend" and not mentor.store.reflections(week)

    if setup_needed:
        action = Action("Set your start date and weekly hours", "views/today.py", {},
                        "mentor today --start YYYY-MM-DD --hours H")
    elif cards:
        action = Action(f"Review {len(cards)} quiz card(s) that are due (about "
                        f"{len(cards) * QUIZ_MINUTES_PER_QUESTION} min)", "views/quiz.py",
                        {"week": str(cards[0].week)}, f"mentor quiz take --week {cards[0].week}")
    elif overdue or due_today:
        action = task_action((overdue or due_today)[0])
    elif check_in:
        action = Action(f"Write your week {week} reflection", "views/reflections.py", {},
                        f"mentor reflect --week {week} TEXT")
    elif open_tasks:
        action = task_action(open_tasks[0])
    else:
        action = Action(f"Week {week} is done: read ahead in week {min(week + 1, 20)}", "views/learn.py",
                        {"week": str(min(week + 1, 20)), "doc": "lesson"}, f"mentor read --week {min(week + 1, 20)}")
    return Today(on.isoformat(), setup_needed, week, cur.weeks[week].title if week in cur.weeks else "", day,
                 FOCUS[day], plan.get("plan_id") if plan else None, due_today, overdue, behind, cards,
                 streak(active_days(mentor.store), on), check_in, action)


def text(view: Today) -> str:
    """Today for the terminal."""
    lines = [f"{view.date}: week {view.week} ({view.week_title}), {view.day}: {view.focus} day"
             f" · streak {view.streak} day(s)"]
    if view.setup_needed:
        lines.append("First, set your start date and hours: mentor today --start YYYY-MM-DD --hours 10")
    for label, tasks in (("Overdue", view.overdue), ("Due today", view.due_today)):
        if tasks:
            lines.append(f"{label}:")
            lines += [f"  - {t['title']} ({t['minutes']} min) [{t['item']}]" for t in tasks]
    if view.cards_due:
        lines.append(f"Quiz cards due: {', '.join(c.id for c in view.cards_due)}")
    if view.behind:
        lines.append(f"{view.behind} item(s) from earlier weeks are unfinished.")
    if view.check_in:
        lines.append(f"Weekend check-in: how did week {view.week} go? mentor reflect --week {view.week} TEXT")
    lines.append(f"Next: {view.next_action.label}  ({view.next_action.cli})")
    return "\n".join(lines)
