"""What a free-text reflection says: which curriculum topics the learner found hard or feels sure about.

    u = understand(mentor, week=5, hard="I struggled with the outbox pattern and with making consumers idempotent")
    u.summary()     # 'You found hard: The transactional outbox (week 5), Delivery semantics and ... (week 5).'
    u.confidence()  # {'outbox': 2, 'idempotency': 2}: saved with the reflection, so the planner remediates them

Topics are found with the search index (each clause is a query over the lessons; the lesson section a hit
comes from is the topic that section teaches), not with synonym lists. Whether a clause is a struggle or a
strength comes from the field it was written in and from a few cue words, with negation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .curriculum import Curriculum, Topic

HARD_RATING = 2  # what a topic the learner found hard is saved as (the planner remediates 1-2)
SURE_RATING = 4
RATING_LABELS = {1: "lost", 2: "shaky", 3: "getting there", 4: "solid", 5: "could teach it"}
SEARCH_K = 6  # hits to look through for one in a section that teaches a topic
# stance cues: the verbs and adjectives of struggle and of confidence (not topic words)
_STRUGGLE = re.compile(r"\b(struggl\w*|hard|difficult|confus\w*|lost|stuck|unclear|unsure|not sure|don'?t get|"
                       r"didn'?t get|hazy|shaky|tricky|wrong|fail\w*|weak)\b", re.I)
_CONFIDENT = re.compile(r"\b(understand\w*|understood|clear|clicked|get it|got it|confident|easy|comfortabl\w*|"
                        r"solid|makes sense|made sense|learned|enjoyed|went well)\b", re.I)
_NEGATION = re.compile(r"\b(not|never|no longer|n't|still don'?t)\b[^.,;]{0,20}$", re.I)
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")
_CLAUSE = re.compile(r",?\s+\b(?:and|but|also|as well as|plus)\b\s+|,\s+", re.I)


@dataclass(frozen=True)
class Finding:
    week: int
    tag: str
    label: str  # readable: the lesson section that teaches it
    stance: str  # hard | sure
    clause: str  # the learner's words it came from


@dataclass
class Understanding:
    findings: list[Finding]

    def hard(self) -> list[Finding]:
        return [f for f in self.findings if f.stance == "hard"]

    def sure(self) -> list[Finding]:
        return [f for f in self.findings if f.stance == "sure"]

    def confidence(self) -> dict[str, int]:
        out = {f.tag: SURE_RATING for f in self.sure()}
        out.update({f.tag: HARD_RATING for f in self.hard()})  # a topic named both ways is treated as hard
        return out

    def summary(self) -> str:
        parts = []
        for name, found in (("You found hard", self.hard()), ("You feel sure about", self.sure())):
            if found:
                parts.append(f"{name}: " + ", ".join(f"{f.label} (week {f.week})" for f in found) + ".")
        return " ".join(parts) or "No course topic recognised in your words; rate topics below instead."


def topic_label(topic: Topic) -> str:
    """A readable name: the lesson section that teaches the topic, else its tag in words."""
    return topic.section or topic.tag.replace("-", " ").capitalize()


def _stance(text: str, default: str | None) -> str | None:
    """hard | sure | None for one clause; a negated confidence cue ('did not understand') is a struggle."""
    struggle, sure = _STRUGGLE.search(text), _CONFIDENT.search(text)
    if sure and _NEGATION.search(text[: sure.start()]):
        return "hard"
    if struggle and (not sure or struggle.start() < sure.start()):
        return "hard"
    if sure:
        return "sure"
    return default


def clauses(text: str, default: str | None) -> list[tuple[str, str | None]]:
    """(clause, stance): a stance carries on through the rest of its sentence until another cue appears."""
    out = []
    for sentence in _SENTENCE.split(text or ""):
        stance = default
        for part in _CLAUSE.split(sentence):
            part = part.strip(" .!?;")
            if len(part.split()) < 2 and not out:
                continue
            stance = _stance(part, stance)
            if part:
                out.append((part, stance))
    return out


def _topic_of(cur: Curriculum, meta: dict) -> Topic | None:
    week = meta.get("week")
    top = str(meta.get("heading") or "").split(" > ")[0]
    if not week or int(week) not in cur.weeks:
        return None
    return next((t for t in cur.weeks[int(week)].topics if t.section == top), None)


def understand(mentor, week: int, went_well: str = "", hard: str = "", questions: str = "") -> Understanding:
    """The topics a reflection's text names, each with the learner's stance towards it."""
    from .retrieval import Filters

    cur = mentor.curriculum()
    parts = clauses(went_well, None) + clauses(hard, "hard") + clauses(questions, "hard")
    findings: dict[tuple[int, str], Finding] = {}
    for clause, stance in parts:
        if stance is None:
            continue
        # the stance words ("struggled", "clicked") say how, not what: the topic is searched without them
        topic_words = " ".join(_CONFIDENT.sub(" ", _STRUGGLE.sub(" ", clause)).split()) or clause
        result = mentor.retriever.search(topic_words, k=SEARCH_K, filters=Filters(kind="lesson"), boost_week=week)
        if result.weak:
            continue
        votes: dict[Topic, float] = {}  # CombSUM: a topic several hits point to beats one stray top hit
        for h in result.hits:
            t = _topic_of(cur, h.meta)
            if t is not None:
                votes[t] = votes.get(t, 0.0) + h.score
        if not votes:
            continue
        topic = max(votes, key=votes.get)
        hit_week = next(n for n, wk in cur.weeks.items() if topic in wk.topics)
        key = (hit_week, topic.tag)
        if key not in findings or stance == "hard":
            findings[key] = Finding(hit_week, topic.tag, topic_label(topic), stance, clause)
    return Understanding(list(findings.values()))
