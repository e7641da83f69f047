"""The curriculum as data: 20 weeks of lessons, exercises and quizzes, read from corpus/curriculum.

    cur = load_curriculum(config.corpus_dir)    # parsed once per corpus version, then cached
    week = cur.week(3)
    [item.id for item in week.items()]          # ['w03-lesson', 'w03-ex1', 'w03-ex2', 'w03-ex3', 'w03-quiz']
    week.topic("hexagonal-architecture").section  # 'Layered, hexagonal and clean architecture'
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .corpus import FENCE, HEADING, split_front_matter
from .errors import InputError

READING_WPM = 120  # technical prose with code, read carefully
NOTES_FACTOR = 2.0  # notes and running the worked examples take about twice as long as reading
QUIZ_MINUTES_PER_QUESTION = 3
DEFAULT_EXERCISE_HOURS = 3.0  # when an exercise states no estimate
PHASE_TITLES = {1: "Fundamentals", 2: "Distributed systems", 3: "AI architecture", 4: "Enterprise", 5: "Capstone"}
ITEM_ID = re.compile(r"^w(\d{2})-(lesson|quiz|ex(\d+))$")

_EXERCISE = re.compile(r"^Exercise\s+(\d+)\s*[:.]\s*(.+)$", re.I)
_ESTIMATE = re.compile(r"\*\*Estimate:?\*\*:?\s*(\d+(?:\.\d+)?)\s*(hours?|h|minutes?|min)\b", re.I)
_STOP = frozenset("a an and as at by for from in into of on or per the to vs versus with".split())
# words that say little about which section teaches a topic: they count a quarter
_GENERIC = frozenset("ai ml llm llms data model models system systems design architecture pattern patterns "
                     "service services".split())
_BOILERPLATE = ("why this matters", "common mistakes", "how this connects")


def round_minutes(minutes: float, step: int = 15) -> int:
    """Round to the nearest `step` minutes, never below one step."""
    return max(step, int(round(minutes / step)) * step)


def reading_minutes(words: int) -> int:
    return round_minutes(words / READING_WPM * (1 + NOTES_FACTOR))


@dataclass(frozen=True)
class Topic:
    tag: str
    section: str | None  # the `##` heading of the lesson that teaches it
    section_words: int
    exercise: int | None  # the exercise that practises it, if any


@dataclass(frozen=True)
class Exercise:
    number: int
    name: str
    hours: float

    @property
    def minutes(self) -> int:
        return int(round(self.hours * 60))


@dataclass(frozen=True)
class Item:
    """One thing to tick off: a lesson, an exercise or a quiz."""

    id: str
    week: int
    kind: str  # lesson | exercise | quiz
    title: str
    minutes: int
    source: str  # path relative to the corpus, with '#heading' for exercises


@dataclass(frozen=True)
class Reading:
    """A book or paper note the week's reading plan assigns (front matter `reading:` of the lesson)."""

    path: str  # relative to the corpus folder
    title: str
    words: int

    @property
    def minutes(self) -> int:
        return reading_minutes(self.words)


@dataclass(frozen=True)
class Week:
    number: int
    phase: int
    title: str
    lesson: str  # paths relative to the corpus folder
    exercises_path: str | None
    quiz: str | None
    topics: tuple[Topic, ...]
    exercises: tuple[Exercise, ...]
    lesson_words: int
    quiz_questions: int
    reading: tuple[Reading, ...] = ()

    @property
    def prefix(self) -> str:
        return f"w{self.number:02d}"

    @property
    def lesson_minutes(self) -> int:
        return reading_minutes(self.lesson_words)

    @property
    def quiz_minutes(self) -> int:
        return round_minutes(self.quiz_questions * QUIZ_MINUTES_PER_QUESTION)

    def exercise(self, number: int) -> Exercise | None:
        return next((e for e in self.exercises if e.number == number), None)

    def exercise_source(self, ex: Exercise) -> str:
        return f"{self.exercises_path}#Exercise {ex.number}: {ex.name}"

    def topic(self, tag: str) -> Topic | None:
        return next((t for t in self.topics if t.tag == tag), None)

    def items(self) -> list[Item]:
        n = self.number
        out = [Item(f"{self.prefix}-lesson", n, "lesson", f"Week {n} lesson: {self.title}", self.lesson_minutes,
                    self.lesson)]
        for ex in self.exercises:
            out.append(Item(f"{self.prefix}-ex{ex.number}", n, "exercise", f"Exercise {ex.number}: {ex.name}",
                            ex.minutes, self.exercise_source(ex)))
        if self.quiz:
            out.append(Item(f"{self.prefix}-quiz", n, "quiz", f"Week {n} quiz", self.quiz_minutes, self.quiz))
        return out


def starter_prompts(week: Week, limit: int = 4) -> list[str]:
    """Questions to start with on an empty Ask page, drawn from the week's lesson sections and exercises."""
    prompts = [f"What are the key ideas of week {week.number}, {week.title}?"]
    sections = list(dict.fromkeys(t.section for t in week.topics if t.section))
    prompts += [f"Explain {s[0].lower() + s[1:] if s[1:2].islower() else s} with an example" for s in sections[:2]]
    prompts += [f"How should I approach exercise {ex.number}, {ex.name}?" for ex in week.exercises[:1]]
    return prompts[:limit]


@dataclass(frozen=True)
class Curriculum:
    weeks: dict[int, Week]

    def week(self, number: int) -> Week:
        try:
            return self.weeks[int(number)]
        except (KeyError, ValueError, TypeError):
            raise InputError(f"There is no week {number} in the curriculum; weeks run from "
                             f"{min(self.weeks, default=1)} to {max(self.weeks, default=20)}.") from None

    @property
    def phases(self) -> dict[int, str]:
        return {w.phase: PHASE_TITLES.get(w.phase, f"Phase {w.phase}") for w in self.weeks.values()}

    def items(self) -> list[Item]:
        return [item for n in sorted(self.weeks) for item in self.weeks[n].items()]

    def item(self, item_id: str) -> Item:
        found = next((i for i in self.items() if i.id == item_id), None)
        if found is None:
            raise InputError(f"There is no item {item_id!r}. Item ids look like w03-lesson, w03-ex2 or w03-quiz "
                             "(see `mentor progress --json`).")
        return found

    def find_topic(self, text: str, week: int | None = None) -> tuple[Week, Topic] | None:
        """The topic a learner means by `text` (a tag or a few words), looking in `week` first."""
        tag = "-".join(_words(text))
        order = sorted(self.weeks, key=lambda n: (n != week, n))
        for n in order:
            t = self.weeks[n].topic(tag)
            if t is not None:
                return self.weeks[n], t
        if week in self.weeks:  # free words: the section of that week's lesson they name
            w = self.weeks[week]
            for t in w.topics:
                if set(_key_words(tag)) and set(_key_words(tag)) <= set(_key_words(t.tag)):
                    return w, t
        return None

    def mentioned_topics(self, text: str, week: int) -> list[Topic]:
        """The topics of `week` that `text` talks about: the tag itself, or a word only that tag uses."""
        if week not in self.weeks or not text.strip():
            return []
        words = [_stem(w) for w in _words(text)]
        flat = " ".join(_words(text))
        topics = self.weeks[week].topics
        found = []
        for t in topics:
            phrase = " ".join(_words(t.tag))
            mine = {_stem(w) for w in _key_words(t.tag)}
            others = {_stem(w) for o in topics if o is not t for w in _key_words(o.tag)}
            distinctive = {w for w in mine - others if len(w) >= 4}
            if re.search(rf"\b{re.escape(phrase)}", flat) or any(_match(w, d) for w in words for d in distinctive):
                found.append(t)
        return found


# parsing ---------------------------------------------------------------------------------------
def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _key_words(text: str) -> list[str]:
    return [w for w in _words(text) if w not in _STOP and w not in _GENERIC]


def _stem(word: str) -> str:
    for suffix, repl in (("ies", "y"), ("ing", ""), ("es", ""), ("ed", ""), ("s", ""), ("e", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + repl
    return word


def _match(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 3 and long_.startswith(short)


def _sections(body: str) -> list[tuple[str, str]]:
    """(heading, text) of every `##` section; code fences are not headings."""
    out: list[tuple[str, list[str]]] = []
    in_fence = False
    for line in body.splitlines():
        if FENCE.match(line):
            in_fence = not in_fence
        m = None if in_fence else HEADING.match(line)
        if m and len(m.group(1)) == 2:
            out.append((m.group(2).strip(), []))
        elif out:
            out[-1][1].append(line)
    return [(h, "\n".join(lines)) for h, lines in out]


def _heading_score(tag: str, heading: str) -> float:
    tag_words = [w for w in _words(tag) if w not in _STOP]
    head = [_stem(w) for w in _words(heading) if w not in _STOP]
    score, matched = 0.0, 0
    for w in tag_words:
        if any(_match(_stem(w), h) for h in head):
            score += 0.25 if w in _GENERIC else 1.0
            matched += 1
    if score and (any(w not in _GENERIC for w in tag_words if any(_match(_stem(w), h) for h in head))
                  or matched == len(tag_words)):
        return score
    compact = "".join(tag_words)
    if len(compact) >= 3 and compact in "".join(_words(heading)):  # soc2 in "SOC 2 for AI products"
        return 1.0
    initials = "".join(w[0] for w in _words(heading) if w not in _STOP)
    if any(len(_stem(w)) >= 3 and _stem(w) in initials for w in tag_words):  # adrs in "architecture decision records"
        return 0.9
    return 0.0


def _phrase(tag: str) -> re.Pattern:
    return re.compile(r"\b" + r"[\s/-]+".join(re.escape(_stem(w)) + r"\w*" for w in _words(tag)), re.I)


def _section_for(tag: str, position: int, sections: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The `##` section that teaches a tag: best heading match (tag order breaks ties), else most mentions."""
    content = [s for s in sections if not s[0].lower().startswith(_BOILERPLATE)]
    scored = [(_heading_score(tag, h) - 0.01 * abs(position - i), i) for i, (h, _) in enumerate(content)]
    scored = [s for s in scored if s[0] > 0.5]
    if scored:
        return content[max(scored)[1]]
    pattern = _phrase(tag)
    counts = [(len(pattern.findall(text)), -i) for i, (_, text) in enumerate(content)]
    best = max(counts, default=(0, 0))
    return content[-best[1]] if best[0] else None


def _exercise_for(tag: str, exercises: list[tuple[Exercise, str]], section: str | None,
                  stems: list[Counter[str]]) -> int | None:
    """The exercise that practises a topic; `stems` counts each exercise's stemmed words (computed once a week)."""
    pattern = _phrase(tag)
    keys = [_stem(w) for w in _key_words(tag)]
    best, number = 0.0, None
    for (ex, text), body in zip(exercises, stems, strict=True):
        score = 3 * _heading_score(tag, ex.name) + 2 * len(pattern.findall(text))
        score += min(4, sum(body[k] for k in keys if len(k) >= 4))
        if score > best:
            best, number = score, ex.number
    if best < 1 and section:  # the topic's section may share words with an exercise's name
        heads = {_stem(w) for w in _key_words(section) if len(w) >= 4}
        for ex, _ in exercises:
            score = sum(1 for w in _key_words(ex.name) if _stem(w) in heads)
            if score > best:
                best, number = score, ex.number
    return number if best >= 1 else None


def _read(path: Path) -> tuple[dict, str]:
    try:
        return split_front_matter(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"Cannot read {path}: {exc}. Fix the file's front matter.") from exc


def _parse_exercises(body: str) -> list[tuple[Exercise, str]]:
    out = []
    for heading, text in _sections(body):
        m = _EXERCISE.match(heading)
        if not m:
            continue
        est = _ESTIMATE.search(text)
        hours = DEFAULT_EXERCISE_HOURS
        if est:
            hours = float(est.group(1)) / (60 if est.group(2).lower().startswith("m") else 1)
        out.append((Exercise(int(m.group(1)), m.group(2).strip(), hours), text))
    return out


def _parse_week(folder: Path, corpus_dir: Path) -> Week | None:
    lesson_path = folder / "lesson.md"
    if not lesson_path.is_file():
        return None
    meta, body = _read(lesson_path)
    m = re.match(r"week-(\d+)", folder.name)
    number = int(meta.get("week") or (m.group(1) if m else 0))
    pm = re.match(r"phase-(\d+)", folder.parent.name)
    phase = int(meta.get("phase") or (pm.group(1) if pm else 0))
    title = re.sub(r"^Week\s+\d+\s*:\s*", "", str(meta.get("title") or folder.name)).strip()

    def rel(path: Path) -> str:
        return path.relative_to(corpus_dir).as_posix()

    exercises: list[tuple[Exercise, str]] = []
    ex_path = folder / "exercises.md"
    if ex_path.is_file():
        exercises = _parse_exercises(_read(ex_path)[1])
    quiz_path = folder / "quiz.md"
    questions = 0
    if quiz_path.is_file():
        questions = sum(1 for h, _ in _sections(_read(quiz_path)[1]) if re.match(r"Q\d+", h))

    sections = _sections(body)
    stems = [Counter(_stem(w) for w in _words(text)) for _, text in exercises]
    topics = []
    for pos, tag in enumerate(str(t) for t in meta.get("tags") or []):
        sec = _section_for(tag, pos, sections)
        topics.append(Topic(tag=tag, section=sec[0] if sec else None, section_words=len(sec[1].split()) if sec else 0,
                            exercise=_exercise_for(tag, exercises, sec[0] if sec else None, stems)))
    reading = []
    for entry in meta.get("reading") or []:
        note = corpus_dir / str(entry)
        if note.is_file():
            note_meta, note_body = _read(note)
            reading.append(Reading(str(entry), str(note_meta.get("title") or note.stem), len(note_body.split())))
    return Week(
        number=number, phase=phase, title=title, lesson=rel(lesson_path), reading=tuple(reading),
        exercises_path=rel(ex_path) if ex_path.is_file() else None,
        quiz=rel(quiz_path) if quiz_path.is_file() else None,
        topics=tuple(topics), exercises=tuple(e for e, _ in exercises),
        lesson_words=len(body.split()), quiz_questions=questions,
    )


@lru_cache(maxsize=8)
def _parse(corpus_dir: Path, _signature: tuple) -> Curriculum:
    weeks = {}
    for folder in sorted((corpus_dir / "curriculum").glob("phase-*/week-*")):
        week = _parse_week(folder, corpus_dir) if folder.is_dir() else None
        if week is not None and 1 <= week.number <= 20:
            weeks[week.number] = week
    return Curriculum(weeks=dict(sorted(weeks.items())))


def load_curriculum(corpus_dir: Path | str) -> Curriculum:
    """The curriculum under `corpus_dir`, parsed again only when one of its files changes."""
    root = Path(corpus_dir).resolve()
    files = sorted((root / "curriculum").glob("phase-*/week-*/*.md"))
    signature = tuple((p.as_posix(), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    return _parse(root, signature)
