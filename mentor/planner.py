"""The weekly plan: the curriculum rhythm, minus what is done, plus remediation for weak topics, within a budget.

    planner = Planner(mentor)
    plan = planner.plan(week=3, hours=8)       # stored; plan["plan_id"] identifies it
    print(Planner.markdown(plan))
    planner.tick(plan["plan_id"], "w03-ex2", True)

The plan is computed without a model. When the router's first route for "plan" is a model, that model only
adds a few sentences of advice to the notes; if it fails, the plan is returned as computed.
"""

from __future__ import annotations

import re

from . import prompts, tracing
from .curriculum import Curriculum, Item, Topic, Week, reading_minutes
from .errors import InputError
from .llm import SENTENCE, LLMRequest
from .progress import Progress
from .quiz import Deck
from .reader import reader_link, reading_item
from .router import price

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Weekend")
BUILD_DAYS = ("Tuesday", "Wednesday", "Thursday")
DEFAULT_HOURS = 10.0
MAX_HOURS = 100.0
LOW_CONFIDENCE = 2  # a rating at or below this asks for remediation
PRACTICE_MINUTES = 30  # reworking the part of an exercise that practises a weak topic
CODE_REVIEW_MINUTES = 30
REFLECTION_MINUTES = 30
MAX_NAMED_DROPS = 10
ADVICE_MAX_SENTENCES = 4
ADVICE_MAX_CHARS = 800

ADVICE_SYSTEM = (
    "You are the mentor of a senior ML engineer on a 20-week path to software architect. You are given the "
    "learner's plan for the coming week and their latest reflection. Write 2-4 sentences of personal, concrete "
    "advice for the week: what to focus on and how to approach it. Do not add, remove, reorder or rename tasks, "
    "do not repeat the task list, and do not use headings or bullet points."
)


def _hours(minutes: int) -> str:
    return f"{minutes} min" if minutes < 60 else f"{minutes / 60:g} h"


def _task(title: str, minutes: int, kind: str, source: str | None, reason: str, item: str) -> dict:
    return {"title": title, "day": "", "minutes": int(minutes), "kind": kind, "source": source, "reason": reason,
            "item": item, "link": reader_link(source) if source else ""}


class Planner:
    def __init__(self, mentor):
        self.m = mentor

    @property
    def curriculum(self) -> Curriculum:
        return self.m.curriculum()

    # budget ------------------------------------------------------------------------------------
    @staticmethod
    def check_hours(hours) -> float:
        try:
            value = float(hours)
        except (TypeError, ValueError):
            raise InputError(f"The weekly hours budget must be a number, got {hours!r}.") from None
        if not 0 < value <= MAX_HOURS:
            raise InputError(f"The weekly hours budget must be more than 0 and at most {MAX_HOURS:g}, got {value:g}.")
        return value

    def budget(self) -> float:
        """The saved weekly hours budget, or the default."""
        try:
            return self.check_hours(self.m.store.setting("hours_budget") or DEFAULT_HOURS)
        except InputError:
            return DEFAULT_HOURS

    def set_budget(self, hours) -> float:
        value = self.check_hours(hours)
        self.m.store.set_setting("hours_budget", f"{value:g}")
        return value

    # planning ----------------------------------------------------------------------------------
    def plan(self, week: int | None = None, hours: float | None = None, advice: bool = True) -> dict:
        """Plan a week (the current one by default); `advice=False` never asks a model."""
        with self.m.telemetry.trace("plan"):
            return self._plan(week, hours, advice)

    def _plan(self, week: int | None, hours: float | None, advice: bool) -> dict:
        cur = self.curriculum
        wk = cur.week(Progress(self.m).current_week() if week is None else week)
        number = wk.number
        budget = self.budget() if hours is None else self.check_hours(hours)
        done = self.m.store.done_items()
        reflected = bool(self.m.store.reflections(number))

        remediation = [t for t in self._remediation(cur, number, done) if t["item"] not in done]
        lesson, exercises, wrap_up, catch_up = [], [], [], []
        for item in wk.items():
            if item.id in done:
                continue
            task = self._item_task(item, reason=None)
            {"lesson": lesson, "exercise": exercises, "quiz": wrap_up}[item.kind].append(task)
        if not reflected and f"{wk.prefix}-reflection" not in done:
            wrap_up.append(_task(f"Write your week {number} reflection", REFLECTION_MINUTES, "reflection", None,
                                "the weekend reflection: your confidence ratings shape next week's plan",
                                f"{wk.prefix}-reflection"))
        if wk.exercises and f"{wk.prefix}-review" not in done:
            wrap_up.append(_task(f"Review the code you wrote for the week {number} exercises", CODE_REVIEW_MINUTES,
                                "review", wk.exercises_path, "Friday review: read your week's code as a reviewer "
                                "would, against the lesson's principles", f"{wk.prefix}-review"))
        for n in cur.weeks:
            if n >= number:
                break
            catch_up += [self._item_task(i, reason=f"unfinished from week {n}")
                         for i in cur.weeks[n].items() if i.id not in done]

        reading = [_task(f"Read the note: {r.title}", r.minutes, "reading", r.path,
                         f"week {number}'s reading plan, about {_hours(r.minutes)} with notes",
                         reading_item(number, r.path)) for r in wk.reading if reading_item(number, r.path) not in done]
        # priority: the first exercise is the week's core; the quiz, review and reflection come before the
        # optional exercises so that Friday and the weekend get their work too
        ordered = lesson + remediation + exercises[:1] + wrap_up + reading + exercises[1:] + catch_up
        kept, dropped, left = [], [], int(round(budget * 60))
        for task in ordered:
            if task["minutes"] <= left:
                kept.append(task)
                left -= task["minutes"]
            else:
                dropped.append(task)
        tasks = self._layout(kept)
        notes = self._notes(wk, budget, tasks, dropped, catch_up)
        plan = {"week": number, "tasks": tasks, "notes": notes, "hours_budget": budget, "provider": "offline"}
        advice, provider = self._advice(plan, wk) if advice else ("", "offline")
        if advice:
            plan["notes"] = f"{notes}\n\nMentor's advice: {advice}"
            plan["provider"] = provider
        plan_id = self.m.store.save_plan(number, plan, provider=plan["provider"])
        tracing.current().update({"week": number, "tasks": len(tasks), "dropped": len(dropped),
                                  "hours_budget": budget, "plan_id": plan_id})
        return {**plan, "plan_id": plan_id}

    def _item_task(self, item: Item, reason: str | None) -> dict:
        n = item.week
        if item.kind == "lesson":
            title = f"Read the week {n} lesson and take notes: {item.title.split(': ', 1)[-1]}"
            why = reason or "Monday is for learning: this week's lesson"
        elif item.kind == "exercise":
            title = f"Week {n} {item.title}"
            why = reason or f"this week's exercise, estimated at {_hours(item.minutes)}"
        else:
            title = f"Take the week {n} quiz"
            why = reason or "Friday review: check what you understood"
        return _task(title, item.minutes, item.kind, item.source, why, item.id)

    def _remediation(self, cur: Curriculum, number: int, done: set[str]) -> list[dict]:
        """A task per topic your latest reflections rate low or call hard, oldest flag first."""
        flags: dict[tuple[int, str], dict] = {}
        for r in self.m.store.reflections():  # in week, then id, order: later reflections win
            w = int(r["week"])
            if w > number:
                continue
            hard = {t.tag for t in cur.mentioned_topics(r.get("hard") or "", w)}
            for name, value in (r.get("confidence") or {}).items():
                found = cur.find_topic(str(name), w)
                if found is None:
                    continue
                key = (found[0].number, found[1].tag)
                if isinstance(value, int) and value <= LOW_CONFIDENCE:
                    flags[key] = {"rating": value, "hard": False, "week": w}
                else:
                    flags.pop(key, None)  # a later reflection rates it fine now
            for tag in hard:
                key = (w, tag)
                flags[key] = {**flags.get(key, {"rating": None}), "hard": True, "week": w}
        for (w, concept), score in Deck(self.m).weak_concepts().items():  # quiz answers graded Again/Hard
            if w <= number and w in cur.weeks and cur.weeks[w].topic(concept) is not None:
                flags.setdefault((w, concept), {"rating": None, "hard": False, "week": w})["quiz"] = score
        tasks = []
        for (topic_week, tag), flag in sorted(flags.items(), key=lambda kv: (kv[1]["rating"] or 3, kv[0])):
            wk = cur.weeks[topic_week]
            topic = wk.topic(tag)
            if topic is not None:
                tasks.append(self._remediation_task(wk, topic, flag, done))
        return tasks

    @staticmethod
    def _remediation_task(wk: Week, topic: Topic, flag: dict, done: set[str]) -> dict:
        rating, w = flag["rating"], flag["week"]
        if rating is not None and flag["hard"]:
            reason = f'you rated "{topic.tag}" {rating}/5 and called it hard in your week {w} reflection'
        elif rating is not None:
            reason = f'you rated "{topic.tag}" {rating}/5 in your week {w} reflection'
        elif flag["hard"]:
            reason = f'you wrote that "{topic.tag}" was hard in your week {w} reflection'
        else:
            reason = f'your latest quiz answers on "{topic.tag}" were graded {flag["quiz"]:.1f} of 4 on average'
        if topic.section:
            title = f'Revisit {topic.tag}: re-read "{topic.section}" (week {wk.number} lesson)'
            minutes, source = reading_minutes(topic.section_words), f"{wk.lesson}#{topic.section}"
        else:
            title = f"Revisit {topic.tag}: re-read the week {wk.number} lesson"
            minutes, source = wk.lesson_minutes, wk.lesson
        ex = wk.exercise(topic.exercise) if topic.exercise else None
        if ex is not None and f"{wk.prefix}-ex{ex.number}" in done:
            title += f", then rework it in Exercise {ex.number}: {ex.name}"
            minutes += PRACTICE_MINUTES
        elif ex is not None:  # the exercise is still ahead: practise the topic there
            title += f", then practise it in Exercise {ex.number}: {ex.name}"
        return _task(title, minutes, "remediation", source, reason, f"{wk.prefix}-fix-{topic.tag}")

    @staticmethod
    def _layout(tasks: list[dict]) -> list[dict]:
        """Monday learn, Tuesday to Thursday build (balanced by time), Friday review, weekend reflect; reading
        notes go to the least loaded of Monday to Thursday, so no day of the rhythm stays empty."""
        fixed = {"lesson": "Monday", "remediation": "Monday", "quiz": "Friday", "review": "Friday",
                 "reflection": "Weekend"}
        load = dict.fromkeys(DAYS, 0)
        for task in sorted(tasks, key=lambda t: t["kind"] == "reading"):  # readings fill in around the rest
            if task["kind"] == "exercise":
                day = min(BUILD_DAYS, key=lambda d: (load[d], BUILD_DAYS.index(d)))
            elif task["kind"] == "reading":
                day = min(("Monday", *BUILD_DAYS), key=lambda d: (load[d], DAYS.index(d)))
            else:
                day = fixed[task["kind"]]
            task["day"] = day
            load[day] += task["minutes"]
        return sorted(tasks, key=lambda t: DAYS.index(t["day"]))  # stable: priority order within a day

    @staticmethod
    def _notes(wk: Week, budget: float, tasks: list[dict], dropped: list[dict], catch_up: list[dict]) -> str:
        planned = sum(t["minutes"] for t in tasks)
        parts = [f"Week {wk.number}: {wk.title}. {_hours(planned)} planned within your {budget:g} h budget."]
        if not tasks and not dropped:
            parts.append(f"Everything planned for week {wk.number} is done: plan week {wk.number + 1} next.")
        fixes = [t for t in tasks if t["kind"] == "remediation"]
        if fixes:
            parts.append("Remediation comes first, for what your reflections flagged: "
                         + ", ".join(t["item"].split("-fix-", 1)[1] for t in fixes) + ".")
        kept_catch_up = [t for t in catch_up if any(t is k for k in tasks)]
        if kept_catch_up:
            parts.append(f"Catching up on {len(kept_catch_up)} unfinished item(s) from earlier weeks.")
        if dropped:
            named = [f"{t['title']} ({_hours(t['minutes'])})" for t in dropped[:MAX_NAMED_DROPS]]
            more = len(dropped) - len(named)
            parts.append("Dropped to fit the budget: " + "; ".join(named)
                         + (f"; and {more} more unfinished item(s)" if more else "")
                         + ". Raise the hours budget or carry them into next week.")
        return " ".join(parts)

    # the optional model pass -------------------------------------------------------------------
    def _advice(self, plan: dict, wk: Week) -> tuple[str, str]:
        """A few sentences of advice from a model, or ('', 'offline') when there is none or it fails."""
        lines = [f"Week {wk.number}: {wk.title}. Budget {plan['hours_budget']:g} h.", "Tasks:"]
        lines += [f"- {t['day']}: {t['title']} ({t['minutes']} min); {t['reason']}" for t in plan["tasks"]]
        lines.append(f"Notes: {plan['notes']}")
        text = prompts.fenced("plan", "\n".join(lines))
        latest = self.m.store.reflections()
        if latest:  # the learner's own words, and anything pasted into them: data, fenced
            r = latest[-1]
            confidence = "; ".join(f"{topic}: {value}/5" for topic, value in (r.get("confidence") or {}).items())
            text += "\n\nTheir latest reflection:\n" + prompts.fenced(
                "reflection", f"What went well: {r.get('went_well') or '-'}\nWhat was hard: {r.get('hard') or '-'}\n"
                              f"Open questions: {r.get('questions') or '-'}\nConfidence: {confidence or '-'}",
                week=r["week"])
        decision = self.m.router.route("plan", text)
        if not decision.chain or decision.chain[0].provider == "offline":
            return "", "offline"
        request = LLMRequest(system=prompts.with_data_rule(ADVICE_SYSTEM), messages=[{"role": "user", "content": text}],
                             question=text,
                             max_tokens=300, task="plan")
        with tracing.current().stage("advice") as span:
            advice, route, usage, _ = self.m.chat.first_answer(
                decision, request, accept=lambda text: _clean_advice(text) or None)
            if route is None:
                return "", "offline"
            span.update(tracing.gen_ai_attributes(route.provider, route.model, usage.tokens_in, usage.tokens_out))
        tracing.current().update({tracing.ROUTE: route.name, tracing.COST: round(price(
            route.model, usage.tokens_in, usage.tokens_out, usage.cache_read, usage.cache_write), 6),
            **tracing.gen_ai_attributes(route.provider, route.model, usage.tokens_in, usage.tokens_out)})
        return advice, route.provider

    # plans and ticks ---------------------------------------------------------------------------
    def get(self, plan_id: int) -> dict:
        row = next((r for r in self.m.store.plans() if r["id"] == plan_id), None)
        if row is None:
            raise InputError(f"There is no plan {plan_id}; propose one with `mentor plan`.")
        return {**row["plan"], "plan_id": row["id"]}

    def latest(self) -> dict | None:
        rows = self.m.store.plans()
        return {**rows[0]["plan"], "plan_id": rows[0]["id"]} if rows else None

    def done(self, plan: dict) -> set[str]:
        """The plan's items that are done; a reflection task is done once the week has a reflection."""
        done = self.m.store.done_items()
        if self.m.store.reflections(plan["week"]):
            done.add(f"w{plan['week']:02d}-reflection")
        return {t["item"] for t in plan["tasks"] if t["item"] in done}

    def tick(self, plan_id: int, item: str, done: bool = True) -> None:
        """Tick (or untick) a task of a plan: its item is marked done in progress."""
        plan = self.get(plan_id)
        if item not in {t["item"] for t in plan["tasks"]}:
            raise InputError(f"Plan {plan_id} has no task for {item!r}.")
        self.m.store.set_done(item, done)

    @staticmethod
    def markdown(plan: dict, done: set[str] | None = None) -> str:
        done = done or set()
        planned = sum(t["minutes"] for t in plan["tasks"])
        lines = [f"# Plan for week {plan['week']}", "",
                 f"{_hours(planned)} planned · {plan['hours_budget']:g} h budget · {plan['provider']}"
                 + (f" · plan {plan['plan_id']}" if plan.get("plan_id") else ""), ""]
        for day in DAYS:
            tasks = [t for t in plan["tasks"] if t["day"] == day]
            if not tasks:
                continue
            lines += [f"## {day}", ""]
            for t in tasks:
                box = "x" if t["item"] in done else " "
                lines.append(f"- [{box}] {t['title']} ({_hours(t['minutes'])})")
                lines.append(f"  - {t['reason']}" + (f" · `{t['source']}`" if t.get("source") else ""))
            lines.append("")
        lines += ["## Notes", "", plan["notes"], ""]
        return "\n".join(lines)


def _clean_advice(text: str) -> str:
    flat = " ".join(re.sub(r"^[#>*\-\s]+", "", line) for line in text.splitlines()).strip()
    sentences = [s for s in SENTENCE.split(flat) if s.strip()][:ADVICE_MAX_SENTENCES]
    return " ".join(sentences)[:ADVICE_MAX_CHARS].strip()
