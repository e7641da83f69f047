"""Which sentences an offline answer quotes: the passages' prose split into sentences, each scored by meaning
(MiniLM cosine to the question) and by the share of the question's terms it covers, weighted by rarity.

The opening is a run of sentences from the most relevant passage; support comes only from that section (with its
subsections, where a lesson says when to choose what) and from passages nearly as relevant, stays on the opening's
point, and adds what the opening leaves out (each part of a two-part question); a comparison is led by the sentence
that recommends and names what it depends on. The work is done in two steps (`Selection.opening`, then
`Selection.rest`) so the opening can be shown before the rest is scored.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9`(\"'*])")
MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")
ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s+")
LABEL = re.compile(r"^\*\*(Answer|Concept|Why|Hint|Note|Example)[:.]?\*\*[:.]?\s*", re.I)
DEFINITION_Q = re.compile(
    r"^\s*(?:so\s+|ok\s+|and\s+)?(?:what(?:'s|’s|s| is| are| does)|define|definition of|meaning of|explain|"
    r"what do (?:you|we|people) mean by|can you explain|tell me what)\s+(?:an?\s+|the\s+)?(.+?)"
    r"(?:\s+(?:mean|stand for|is|are|in plain english|exactly|actually))?\s*[?.!]*$", re.I)
COMPARE_Q = re.compile(r"\b(vs\.?|versus|or|compare[ds]?|comparison|difference between|differ|better|should (?:i|we)|"
                       r"which|when (?:should|to|do) (?:i|we)?\s*(?:use|pick|choose)?|choose|pick|worth it|"
                       r"instead of|trade-?offs?|decide|decision)\b", re.I)
# a question that names its alternatives ("X or Y", "X vs Y", "the difference between X and Y")
ALTERNATIVES_Q = re.compile(r"\b(vs\.?|versus|or|difference between|compared? (?:to|with))\b", re.I)
DECISION = re.compile(r"\b(favou?rs?|suits?|fits?|works best|wins)\b|"
                      r"(?:^|\b(?:should|to|you|we|always|usually|then|generally|just)\s+)"
                      r"(use|choose|prefer|pick|reach for|go with|start with|default to)\b.*"
                      r"\b(when|if|unless|because|for|where|while)\b|\brule of thumb\b|\bdepends on\b|"
                      r"\btrade-?off is\b|\bthe deciding\b|\bbetter (when|for|if)\b|"
                      r"^decision:|^(when|if|for|unless)\b[^.;]*,\s*(use|choose|prefer|pick|go with|reach for)\b", re.I)
# a sentence opening with a pronoun or a connective leans on the one before it
ANAPHOR = re.compile(r"^(it|its|this|that|these|those|they|their|such|both|the latter|the former|but|however|yet|so|"
                     r"also|and|instead|otherwise|then|thus|hence)\b", re.I)
PARTS = re.compile(r"\?\s+|[,;]?\s+and\s+(?=(?:at |in |for )?(?:what|how|when|why|which|where|who|whether|should|"
                   r"do|does|is|are|can|could|would)\b)", re.I)
DEFINES = re.compile(r"^[\w`*\"' ()/-]{1,60}?(?:\s+(?:is|are|means|refers to)\b|:)", re.I)
# how much each kind of passage is worth as an answer: the lesson explains, a quiz answer is about its own
# scenario, an exercise asks instead of telling
KIND_WEIGHT = {"lesson": 1.0, "glossary": 1.0, "book-note": 0.95, "paper-note": 0.95, "note": 0.9,
               "reflection": 0.7, "quiz": 0.8, "exercises": 0.6, "exercise": 0.6}
# the selection rules below were set by reading the dev answers (scripts/answer_batch.py dev)
RANK_PENALTY = 0.02  # per retrieval rank: the retriever's order is evidence too
QUIZ_QUESTION_WEIGHT = 0.8  # a quiz question close to the learner's makes its answer relevant
DEFINING_BONUS = 0.1
OPENING_WORDS = 110  # the opening run of sentences stops before this many words (70 and 110 rated blind on dev)
FOLLOW_RELATIVE = 0.15  # a list the opening leads into joins while it scores this share of the first sentence
PASSAGE_RELATIVE = 0.8  # support comes from passages at least this relevant, relative to the best one
PRIMARY_RELATIVE = 0.4  # a supporting sentence from the best passage scores at least this share of the best one
MIN_RELATIVE = 0.6  # a supporting sentence from another passage scores at least this share of the best one
DECISION_RELATIVE = 0.6  # a recommendation leads a comparison when it scores this share of the best sentence
COHERENCE = 0.3  # cosine of a supporting sentence to the opening: a word in common is not the same point
NEW_TERMS_WEIGHT = 0.3  # support is chosen also for the question terms it adds
RANKING_SENTENCES = 3  # sentences per passage, those covering most of the question, that rank the passages
DUPLICATE = 0.75  # cosine above which two sentences say the same thing (checked on the dev answers)
BULLET_WORDS = 7  # a supporting sentence stands alone: "Retry policy needs the same care." does not
SUPPORT = 5  # supporting sentences after the opening (3 and 5 rated blind on dev: eval/answers/dev_ab)
@dataclass
class Sentence:
    n: int  # passage number, 1-based
    pos: int
    text: str
    kind: str
    unit: int = 0  # paragraph or list item within the passage
    item: bool = False  # the unit is a list item
    score: float = 0.0
    sim: float = 0.0  # cosine to the question
    cover: set[str] = field(default_factory=set)  # the question's terms it contains
    scored: bool = False


def prose_units(text: str) -> list[tuple[int, bool, str]]:
    """(unit, is a list item, sentence) for the prose of a passage, where a unit is a paragraph or one list item:
    sentences of one unit continue each other, list items do not. Code blocks, tables, headings and link lists
    are left out."""
    out, in_fence, unit = [], False, 0
    for block in re.split(r"\n\s*\n", text):
        stripped = block.lstrip()
        if stripped.startswith(("```", "~~~")):
            in_fence = stripped.count("```") % 2 == 1 if not in_fence else stripped.count("```") % 2 == 0
            continue
        if in_fence or stripped.startswith(("|", "#")):
            continue
        items = [(False, "")]
        for line in block.splitlines():
            line = line.strip()
            if ITEM.match(line):  # a list item starts a unit of its own
                items.append((True, ITEM.sub("", line)))
            else:
                items[-1] = (items[-1][0], items[-1][1] + " " + line)
        for is_item, item in ((i, LABEL.sub("", t.strip())) for i, t in items if t.strip()):
            unit += 1
            short = ""
            for s in SENTENCE.split(item):
                if len(s.split()) < 6 and not s.rstrip().endswith((":", "?")):
                    short += s + " "  # "Decision: RRF." says little alone: it leads the sentence after it
                    continue
                s, short = short + s, ""
                linked = sum(len(m.group(1)) for m in MD_LINK.finditer(s))
                s = LABEL.sub("", MD_LINK.sub(r"\1", s).replace("**", "")).strip()
                # lines that are mostly cross-references ("see week 5") say where to read, not what is true
                # a question or a lead-in ("...as follows:") is not an answer
                if 6 <= len(s.split()) <= 80 and linked < 0.3 * len(s) and not s.endswith((":", "?")):
                    out.append((unit, is_item, s))
    return out


def defined_term(question: str) -> str | None:
    """The X of "what is X?", "define X", "explain X" (short questions only)."""
    if len(question.split()) > 12:
        return None
    m = DEFINITION_Q.match(question.strip())
    if not m:
        return None
    term = re.split(r"\b(and why|and how|and when|in (?:the )?context of|for (?:an? )?|when|used for)\b",
                    m.group(1), maxsplit=1)[0]
    return term.strip(" ?.!,\"'`") or None


def defined_terms(question: str) -> tuple[str | None, str | None]:
    """(the term the whole question asks to define, the term its first part does when it has several): "what is
    HyDE and is it worth running on every query?" -> ("HyDE and is it worth running on every query", "HyDE")."""
    parts = question_parts(question)
    return defined_term(question), defined_term(parts[0]) if len(parts) > 1 else None


def asked_term(question: str) -> str | None:
    """The term a question asks to define, or its first part does ("what is PSI, and what values should worry
    me?"), when the whole question is not itself a definition question."""
    whole, first = defined_terms(question)
    return first if first and (whole is None or len(first) < len(whole)) else whole


def is_comparison(question: str) -> bool:
    return bool(COMPARE_Q.search(question))


_VECTORS: dict[str, object] = {}  # sentence -> embedding, so passages seen again cost nothing


def _embed(texts: list[str]):
    import numpy as np

    from . import embeddings

    missing = [t for t in dict.fromkeys(texts) if t not in _VECTORS]
    if missing:
        if len(_VECTORS) > 20_000:
            _VECTORS.clear()
        _VECTORS.update(zip(missing, embeddings.embed(missing), strict=True))
    return np.stack([_VECTORS[t] for t in texts])


@dataclass
class Passage:
    n: int  # 1-based, as cited
    kind: str
    sentences: list[Sentence]
    section: tuple[str, str] = ("", "")  # (source, heading): a long section comes as several passages
    relevance: float = 0.0


@lru_cache(maxsize=1)
def _question_words() -> frozenset[str]:
    """spaCy's English stop words, stemmed like the index's tokens: "how", "what", "should" and "many" say what kind
    of question it is, not what it is about. Read from spaCy's list file without importing spaCy (seconds)."""
    import importlib.util

    from .index import tokenize

    spec = importlib.util.find_spec("spacy")
    path = Path(next(iter(spec.submodule_search_locations))) / "lang" / "en" / "stop_words.py"
    scope: dict = {}
    exec(compile(path.read_text(), str(path), "exec"), scope)  # a plain list: a set literal and two loops
    return frozenset(t for ts in tokenize(sorted(scope["STOP_WORDS"])) for t in ts)


class Terms:
    """The question's terms, each weighted by how rare it is among the retrieved sentences: the specific thing
    asked ("paged", "loss") counts more than the topic every passage shares ("model", "cache")."""

    def __init__(self, question: str, sentences: list[str]):
        from .index import tokenize

        self.q = set(tokenize([question])[0]) - _question_words()
        self.bags = {s: set(t) for s, t in zip(sentences, tokenize(sentences), strict=True)}
        df = {t: sum(t in bag for bag in self.bags.values()) for t in self.q}
        n = max(1, len(sentences))
        self.weight = {t: math.log(1 + n / d) for t, d in df.items() if d}  # a term no sentence has cannot count
        self.total = sum(self.weight.values()) or 1.0

    def covered(self, text: str) -> set[str]:
        return self.q & self.bags.get(text, set()) & self.weight.keys()

    def share(self, terms: set[str]) -> float:
        return sum(self.weight[t] for t in terms) / self.total


def _passages(question: str, hits: list, earlier: list[str]) -> tuple[list[Passage], Terms]:
    """The retrieved passages with their usable sentences, each with the question's terms it covers (no model)."""
    said = " ".join(" ".join(e.split()) for e in earlier)
    passages = []
    for n, hit in enumerate(hits, start=1):
        kind = str(hit.meta.get("kind") or "")
        # the entry a glossary passage starts with ("C4 model; Cache-aside" holds two short entries)
        name = str(hit.meta.get("heading") or "").split(" > ")[-1].split("; ")[0]
        sentences = []
        for pos, (unit, item, s) in enumerate(prose_units(hit.text)):
            if kind == "glossary" and pos == 0 and name and not s.lower().startswith(name.lower()[:12]):
                s = f"{name}: {s}"  # a glossary definition has no subject of its own
            if s not in said:  # no block repeated from an earlier answer in this conversation
                sentences.append(Sentence(n, pos, s, kind, unit, item))
        passages.append(Passage(n, kind, sentences, (str(hit.meta.get("source")), str(hit.meta.get("heading")))))
    terms = Terms(question, [s.text for p in passages for s in p.sentences])
    for s in (s for p in passages for s in p.sentences):
        s.cover = terms.covered(s.text)
    return passages, terms


def _opening(primary: Passage) -> list[Sentence]:
    """The run of sentences that answers: a quiz's answer from its start; otherwise the passage's best sentence
    and what follows it in the same paragraph while it stays on the point (a lesson states, then explains)."""
    ordered = sorted(primary.sentences, key=lambda s: s.pos)
    start = 0 if primary.kind == "quiz" else ordered.index(max(ordered, key=lambda s: s.score))
    if ANAPHOR.match(ordered[start].text) and start and ordered[start - 1].unit == ordered[start].unit:
        start -= 1  # "It ..." needs the sentence that says what "it" is
    run = [ordered[start]]
    for s in ordered[start + 1:]:
        words = sum(len(r.text.split()) for r in run)
        # a paragraph continues, and leads into the list that follows it; one list item does not lead to the next
        same = s.unit == run[-1].unit
        follows = same or (not run[-1].item and s.item and len(run) == 1)
        # within its paragraph a run reads on (the paragraph often ends on the fix: "Replace the chain with a
        # registry..."); a list it leads into joins only while on the point
        if not follows or words + len(s.text.split()) > OPENING_WORDS or (
                not same and s.score < FOLLOW_RELATIVE * run[0].score):
            break
        run.append(s)
    return run


def _standalone(s: Sentence, passages: list[Passage]) -> Sentence | None:
    """A sentence quoted on its own: one that opens with "it" or "this" carries the sentence before it along."""
    if not ANAPHOR.match(s.text):
        return s
    before = next((b for p in passages if p.n == s.n for b in p.sentences
                   if b.unit == s.unit and b.pos == s.pos - 1), None)
    if before is None or len(before.text.split()) + len(s.text.split()) > OPENING_WORDS:
        return None
    return Sentence(s.n, before.pos, f"{before.text} {s.text}", s.kind, s.unit, s.item, s.score, s.sim,
                    before.cover | s.cover)


def _support(passages: list[Passage], primary: Passage, terms: Terms, opening: list[Sentence],
             said: list[Sentence], best: float) -> list[Sentence]:
    """Supporting sentences on the asked point: from the best section, those scoring at least PRIMARY_RELATIVE of
    the best sentence; from the others (already nearly as relevant), at least MIN_RELATIVE. Each is picked for
    its score plus the question terms it adds that the answer does not cover yet; each stays on the
    opening's point (COHERENCE), and none repeats what is said."""
    import numpy as np

    covered = set().union(*(s.cover for s in said)) if said else set()
    taken = {s.text for s in said}
    point = np.mean([_VECTORS[s.text] for s in opening], axis=0)
    point /= np.linalg.norm(point) or 1.0
    pool = [s for p in passages for s in p.sentences if s.text not in taken and len(s.text.split()) >= BULLET_WORDS
            and s.score >= (PRIMARY_RELATIVE if p.section == primary.section else MIN_RELATIVE) * best
            and float(_VECTORS[s.text] @ point) >= COHERENCE]  # on the opening's point, not only near the words
    chosen: list[Sentence] = []
    while pool and len(chosen) < SUPPORT:
        pick = max(pool, key=lambda s: s.score + NEW_TERMS_WEIGHT * terms.share(s.cover - covered))
        pool.remove(pick)
        whole = _standalone(pick, passages)
        if whole is None or any(float(np.dot(_VECTORS[pick.text], _VECTORS[c.text])) > DUPLICATE
                                for c in said + chosen if c.text in _VECTORS) or any(
                                    c.text in whole.text or whole.text in c.text for c in said + chosen):
            continue  # cannot stand alone, or says again what is already said
        chosen.append(whole)
        covered |= whole.cover
    return chosen


def question_parts(question: str) -> list[str]:
    """The sub-questions of a question that asks two things ("what does X allow, and when should Y?")."""
    return [p.strip(" ,;?") for p in PARTS.split(question) if len(p.split()) >= 3]


def _other_parts(question: str, passages: list[Passage], terms: Terms, said: list[Sentence]) -> list[Sentence]:
    """For each part of a question that asks two things, the sentence that answers that part, when it answers it
    better than what the answer already says (so "and when should on-call be paged?" is not left out)."""
    from .index import tokenize

    parts = question_parts(question)
    pool = [s for p in passages for s in p.sentences if s not in said]
    if len(parts) < 2 or not pool or not said:
        return []
    out: list[Sentence] = []
    for part in parts:
        part_terms = (set(tokenize([part])[0]) - _question_words()) & terms.weight.keys()
        if len(part_terms) < 2:  # "why does it matter?" names nothing to look for
            continue
        v = _embed([part])[0]
        total = sum(terms.weight[t] for t in part_terms)

        def fit(s: Sentence, v=v, part_terms=part_terms, total=total) -> float:
            return 0.6 * float(_VECTORS[s.text] @ v) + 0.4 * sum(terms.weight[t] for t in s.cover & part_terms) / total

        def worth(s: Sentence, fit=fit) -> float:  # an exercise asks instead of telling, here too
            return fit(s) * KIND_WEIGHT.get(s.kind, 0.9)

        best = max(pool, key=worth)
        if best.cover & part_terms and worth(best) > max(fit(s) for s in said + out if s.text in _VECTORS):
            whole = _standalone(best, passages)
            if whole is not None:
                out.append(whole)
                pool.remove(best)
    return out


def _within(p: Passage, primary: Passage) -> bool:
    """Whether a passage is part of the primary's section: the same section, a subsection of it, or the section it
    is a subsection of ("Monolith versus microservices > When to split" is still about monolith versus
    microservices, and is where the lesson says which to choose). Sibling subsections are separate points: each
    decision under "How to choose" is its own."""
    if p.section[0] != primary.section[0]:
        return False
    a, b = p.section[1].split(" > "), primary.section[1].split(" > ")
    return a[:len(b)] == b or b[:len(a)] == a


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


class Selection:
    """The sentences of one offline answer, chosen in two steps: `opening()` scores only what it needs (the
    lexically strongest sentences of each passage, to rank the passages, then the best passage's own), so the
    opening can be shown at once; `rest()` scores everything else for the recommendation and the support."""

    def __init__(self, question: str, hits: list, earlier: list[str]):
        self.question, self.hits = question, hits
        self.passages, self.terms = _passages(question, hits, earlier)
        self.usable = [p for p in self.passages if p.sentences]
        self.term = asked_term(question)
        self.comparison = is_comparison(question)
        self.primary: Passage | None = None
        self.opening_run: list[Sentence] = []
        self.decision: Sentence | None = None

    def _score(self, sentences: list[Sentence]) -> None:
        todo = [s for s in sentences if not s.scored]
        if not todo:
            return
        vectors = _embed([self.question] + [s.text for s in todo])
        for s, sim in zip(todo, vectors[1:] @ vectors[0], strict=True):
            s.sim, s.scored = float(sim), True
            s.score = 0.6 * s.sim + 0.4 * self.terms.share(s.cover)
            if self.term and DEFINES.match(s.text) and self.term.lower() in s.text.lower()[:len(self.term) + 12]:
                s.score += DEFINING_BONUS  # "X is ...": the defining sentence of a "what is X" question

    def _rank(self) -> None:
        """Each passage's relevance: that of its best sentences among the RANKING_SENTENCES that cover most of the
        question (for a quiz, also how close its question is to the learner's), by kind and retrieval rank."""
        strongest = {p.n: sorted(p.sentences, key=lambda s: (-self.terms.share(s.cover), s.pos))[:RANKING_SENTENCES]
                     for p in self.usable}
        self._score([s for top in strongest.values() for s in top])
        quizzes = [p for p in self.usable if p.kind == "quiz"]
        heads = [str(self.hits[p.n - 1].meta.get("heading") or "").split(" > ")[-1] for p in quizzes]
        vectors = _embed([self.question] + heads)
        head_sim = dict(zip((p.n for p in quizzes), vectors[1:] @ vectors[0], strict=True))
        for p in self.usable:
            best = sorted((s.score for s in strongest[p.n]), reverse=True)[:2]
            own = sum(best) / len(best)
            if p.kind == "quiz":  # a quiz answer is about its own scenario: it counts when its question is ours
                own = max(own, QUIZ_QUESTION_WEIGHT * float(head_sim[p.n]))
            p.relevance = own * KIND_WEIGHT.get(p.kind, 0.9) - RANK_PENALTY * (p.n - 1)

    def opening(self) -> list[Sentence]:
        """The run of sentences that opens the answer; with a comparison, from its recommendation when it has one."""
        if not self.usable:
            return []
        self._rank()
        # "what is X?": the section about X, when one was retrieved, else the most relevant passage
        about = [p for p in self.usable if self.term and _squash(self.term) in _squash(p.section[1].split(" > ")[-1])]
        self.primary = max(about or self.usable, key=lambda p: p.relevance)
        self._score(self.primary.sentences)
        self.opening_run = _opening(self.primary)
        if self.comparison:
            self.decision = next((s for s in self.opening_run if DECISION.search(s.text)), None)
            heading = str(self.hits[self.primary.n - 1].meta.get("heading") or "").split(" > ")[-1]
            if self.decision is None and self.primary.kind == "quiz" and is_comparison(heading):
                self.decision = self.opening_run[0]  # a quiz asking the same decision answers with it first
            if self.decision is not None:  # the recommendation leads
                self.opening_run = self.opening_run[self.opening_run.index(self.decision):]
        return self.opening_run

    @property
    def opening_is_final(self) -> bool:
        """Whether what opens the answer is known: not when a comparison still looks for its recommendation."""
        return not self.comparison or self.decision is not None

    def rest(self) -> tuple[Sentence | None, list[Sentence]]:
        """(the recommendation of a comparison when it is not in the opening, the supporting sentences)."""
        if self.primary is None:
            return None, []
        primary, opening = self.primary, self.opening_run
        near = [p for p in self.usable
                if _within(p, primary) or p.relevance >= PASSAGE_RELATIVE * primary.relevance]
        self._score([s for p in near for s in p.sentences])
        ranked = sorted((s for p in near for s in p.sentences), key=lambda s: -s.score)
        decision = None
        if self.comparison and self.decision is None:
            # a recommendation from another section leads only when the question names the alternatives it weighs;
            # "why p99 instead of the average?" or "so A wins?" is answered by its own section, not by another
            # section's decision
            named = bool(ALTERNATIVES_Q.search(self.question))
            found = next((s for s in ranked if DECISION.search(s.text)
                          and s.score >= DECISION_RELATIVE * ranked[0].score
                          and (named or _within(next(p for p in near if p.n == s.n), primary))), None)
            decision = _standalone(found, self.passages) if found is not None else None
        said = opening + ([decision] if decision else [])
        parts = []
        if len(question_parts(self.question)) > 1:  # another part may be answered by a passage less relevant to all
            self._score([s for p in self.usable for s in p.sentences])
            parts = _other_parts(self.question, self.usable, self.terms, said)
        support = parts + _support(near, primary, self.terms, opening, said + parts, ranked[0].score)
        order = {p.n: i for i, p in enumerate(sorted(self.usable, key=lambda p: -p.relevance))}
        support.sort(key=lambda s: (order[s.n], s.pos))  # the best passage first, each in reading order
        return decision, support
