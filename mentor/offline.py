"""Offline answers: no model, so the answer is composed from the course's own sentences, each cited.

A direct opening first (for "what is X": the glossary definition, else the section's defining sentence; for a
comparison or decision: the sentence that recommends and says on what it depends), then the sentences that
cover most of the question, lessons before quizzes and exercises, nothing an earlier answer already said, and
a short "read next". Streamed a sentence at a time.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .citations import short_title, slug

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
                       r"instead of|trade-?offs?)\b", re.I)
DECISION = re.compile(r"\b(favou?rs?|suits?|fits?|works best|wins)\b|"
                      r"\b(use|choose|prefer|pick|reach for|go with|start with|default to)\b.*"
                      r"\b(when|if|unless|because|for|where|while)\b|\brule of thumb\b|\bdepends on\b|"
                      r"\btrade-?off\b|\bthe deciding\b|\bbetter (when|for|if)\b|"
                      r"^(when|if|for|unless)\b[^.;]*,\s*(use|choose|prefer|pick|go with|reach for)\b", re.I)
ANAPHOR = re.compile(r"^(it|its|this|that|these|those|they|their|such|both|the latter|the former)\b", re.I)
PARTS = re.compile(r"\?\s+|[,;]?\s+and\s+(?=(?:at |in |for )?(?:what|how|when|why|which|where|who|whether|should|"
                   r"do|does|is|are|can|could|would)\b)", re.I)
DEFINES = re.compile(r"^[\w`*\"' ()/-]{1,60}?(?:\s+(?:is|are|means|refers to)\b|:)", re.I)
# how much each kind of passage is worth as an answer: the lesson explains, a quiz answer is about its own
# scenario, an exercise asks instead of telling
KIND_WEIGHT = {"lesson": 1.0, "glossary": 1.0, "book-note": 0.95, "paper-note": 0.95, "note": 0.9,
               "reflection": 0.7, "quiz": 0.9, "exercises": 0.6, "exercise": 0.6}
# the selection rules below were set by reading the dev answers (scripts/answer_batch.py dev)
RANK_PENALTY = 0.02  # per retrieval rank: the retriever's order is evidence too
QUIZ_QUESTION_WEIGHT = 0.8  # a quiz question close to the learner's makes its answer relevant
DEFINING_BONUS = 0.1
OPENING_WORDS = 70  # the opening run of sentences stops before this many words
FOLLOW_RELATIVE = 0.15  # a following sentence joins the opening when it scores this share of the first
PASSAGE_RELATIVE = 0.8  # support comes from passages at least this relevant, relative to the best one
PRIMARY_RELATIVE = 0.4  # a supporting sentence from the best passage scores at least this share of the best one
MIN_RELATIVE = 0.6  # a supporting sentence from another passage scores at least this share of the best one
DECISION_RELATIVE = 0.6  # a recommendation leads a comparison when it scores this share of the best sentence
COHERENCE = 0.3  # cosine of a supporting sentence to the opening: a word in common is not the same point
NEW_TERMS_WEIGHT = 0.3  # support is chosen also for the question terms it adds
DUPLICATE = 0.85  # cosine above which two sentences say the same thing
SUPPORT = 3  # supporting sentences after the opening
KIND_ORDER = {"lesson": 0, "glossary": 0, "book-note": 1, "paper-note": 1, "note": 2, "quiz": 3, "exercises": 4}
HEADER = "*Offline answer: an extract of the course material (no model was used).*"


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
            for s in SENTENCE.split(item):
                linked = sum(len(m.group(1)) for m in MD_LINK.finditer(s))
                s = LABEL.sub("", MD_LINK.sub(r"\1", s).replace("**", "")).strip()
                # lines that are mostly cross-references ("see week 5") say where to read, not what is true
                # a question or a lead-in ("...as follows:") is not an answer
                if 6 <= len(s.split()) <= 80 and linked < 0.3 * len(s) and not s.endswith((":", "?")):
                    out.append((unit, is_item, s))
    return out


def prose_sentences(text: str) -> list[str]:
    """Prose sentences of a passage (see prose_units)."""
    return [s for _, _, s in prose_units(text)]


@lru_cache(maxsize=4)
def _glossary(path: str, mtime: float) -> dict[str, tuple[str, str, list[int]]]:
    """name (normalised, also each alias in brackets) -> (entry heading, definition, the weeks teaching it)."""
    entries: dict[str, tuple[str, str, list[int]]] = {}
    for block in re.split(r"^### ", Path(path).read_text(), flags=re.M)[1:]:
        head, _, body = block.partition("\n")
        flat = " ".join(body.split())
        note = re.search(r"\((Weeks? [^)]*)\)\s*$", flat)
        weeks = [int(w) for w in re.findall(r"\d+", note.group(1))][:2] if note else []
        definition = re.sub(r"\s*\((Weeks?|Books?)[^)]*\)\s*$", "", flat).strip()
        head = head.strip()
        names = [head, re.sub(r"\s*\(.*\)", "", head)] + re.findall(r"\(([^)]+)\)", head)
        for name in names:
            entries.setdefault(_norm(name), (head, definition, weeks))
    return entries


def glossary(corpus_dir: Path) -> dict[str, tuple[str, str, list[int]]]:
    path = Path(corpus_dir) / "glossary.md"
    return _glossary(str(path), path.stat().st_mtime) if path.exists() else {}


def _norm(term: str) -> str:
    term = re.sub(r"[^\w\s-]", " ", term.lower())
    term = re.sub(r"\b(pattern|the|an?|in|software|architecture|system design)\b", " ", term)
    return " ".join(w[:-1] if w.endswith("s") and len(w) > 3 else w for w in term.split())


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


def glossary_opening(question: str, corpus_dir: Path | None) -> tuple[str, str, list[int]] | None:
    """(entry heading, definition, weeks) when the question asks what a glossary term means."""
    term = defined_term(question)
    if not term or corpus_dir is None:
        return None
    return glossary(corpus_dir).get(_norm(term))


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
    """The retrieved passages with their usable sentences, each scored by meaning and by the question's terms it
    covers; a passage's relevance is that of its best sentences (for a quiz, also how close its question is to
    the learner's), weighted by kind and by retrieval rank."""
    said = " ".join(" ".join(e.split()) for e in earlier)
    term = defined_term(question)
    passages = []
    for n, hit in enumerate(hits, start=1):
        kind = str(hit.meta.get("kind") or "")
        name = str(hit.meta.get("heading") or "").split(" > ")[-1]
        sentences = []
        for pos, (unit, item, s) in enumerate(prose_units(hit.text)):
            if kind == "glossary" and pos == 0 and name and not s.lower().startswith(name.lower()[:12]):
                s = f"{name}: {s}"  # a glossary definition has no subject of its own
            if s not in said:  # no block repeated from an earlier answer in this conversation
                sentences.append(Sentence(n, pos, s, kind, unit, item))
        passages.append(Passage(n, kind, sentences, (str(hit.meta.get("source")), str(hit.meta.get("heading")))))
    texts = [s.text for p in passages for s in p.sentences]
    terms = Terms(question, texts)
    if not texts:
        return passages, terms
    heads = [str(h.meta.get("heading") or "").split(" > ")[-1] for h in hits]
    vectors = _embed([question] + heads + texts)
    head_sim, sent_sim = vectors[1:1 + len(heads)] @ vectors[0], vectors[1 + len(heads):] @ vectors[0]
    i = 0
    for p in passages:
        for s in p.sentences:
            s.sim = float(sent_sim[i])
            s.cover = terms.covered(s.text)
            s.score = 0.6 * s.sim + 0.4 * terms.share(s.cover)
            if term and DEFINES.match(s.text) and term.lower() in s.text.lower()[:len(term) + 12]:
                s.score += DEFINING_BONUS  # "X is ...": the defining sentence of a "what is X" question
            i += 1
        best = sorted((s.score for s in p.sentences), reverse=True)[:2]
        own = sum(best) / len(best) if best else 0.0
        if p.kind == "quiz":  # a quiz answer is about its own scenario: it counts when its question is the learner's
            own = max(own, QUIZ_QUESTION_WEIGHT * float(head_sim[p.n - 1]))
        p.relevance = own * KIND_WEIGHT.get(p.kind, 0.9) - RANK_PENALTY * (p.n - 1)
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
        follows = s.unit == run[-1].unit or (not run[-1].item and s.item and len(run) == 1)
        if not follows or words + len(s.text.split()) > OPENING_WORDS or s.score < FOLLOW_RELATIVE * run[0].score:
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
    pool = [s for p in passages for s in p.sentences if s.text not in taken
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

        best = max(pool, key=fit)
        if best.cover & part_terms and fit(best) > max(fit(s) for s in said + out if s.text in _VECTORS):
            whole = _standalone(best, passages)
            if whole is not None:
                out.append(whole)
                pool.remove(best)
    return out


def select(question: str, hits: list, earlier: list[str]) -> tuple[list[Sentence], list[Sentence], Sentence | None]:
    """(opening, support, decision): the answer's sentences. The opening comes from the most relevant passage;
    support only from passages nearly as relevant; for a comparison or decision, the sentence that recommends
    and names what it depends on, from the opening when it has one."""
    passages, terms = _passages(question, hits, earlier)
    usable = [p for p in passages if p.sentences]
    if not usable:
        return [], [], None
    primary = max(usable, key=lambda p: p.relevance)
    near = [p for p in usable if p.section == primary.section or p.relevance >= PASSAGE_RELATIVE * primary.relevance]
    opening = _opening(primary)
    ranked = sorted((s for p in near for s in p.sentences), key=lambda s: -s.score)
    decision = None
    if is_comparison(question):
        decision = next((s for s in opening if DECISION.search(s.text)), None) or next(
            (s for s in ranked if DECISION.search(s.text) and s.score >= DECISION_RELATIVE * ranked[0].score), None)
        if decision is not None and decision in opening:
            opening = opening[opening.index(decision):]  # the recommendation leads
        elif decision is not None:
            decision = _standalone(decision, passages)
    said = opening + ([decision] if decision else [])
    said += _other_parts(question, near, terms, said)
    support = said[len(opening) + bool(decision):] + _support(near, primary, terms, opening, said, ranked[0].score)
    order = {p.n: i for i, p in enumerate(sorted(near, key=lambda p: -p.relevance))}
    support.sort(key=lambda s: (order[s.n], s.pos))  # the best passage first, each in reading order
    return opening, support, decision


def _read_next(passages: list, taught_in: list[int]) -> str:
    """Links into the course reader: the weeks a defined term is taught in, then the best passages, lessons first."""
    links = [(f"Week {w} lesson", f"?week={w}&doc=lesson") for w in taught_in]
    for hit in sorted(passages, key=lambda h: KIND_ORDER.get(h.meta.get("kind"), 2)):  # a stable sort: rank kept
        m = hit.meta
        heading = m.get("heading") or ""
        anchor = f"#{slug(heading)}" if heading else ""
        if m.get("week") and m.get("kind") in ("lesson", "quiz", "exercises"):
            target = f"?week={m['week']}&doc={m['kind']}{anchor}"
        else:
            target = f"?source={m.get('source')}{anchor}"
        label = short_title(m)
        if label not in (x[0] for x in links) and not (m.get("kind") == "lesson" and m.get("week") in taught_in):
            links.append((label, target))
    return "Read next: " + "; ".join(f"[{label}]({target})" for label, target in links[:3])


def not_covered(passages: list) -> str:
    """The plain answer to a question the course does not cover, with the nearest topics to read instead."""
    text = "The course material does not cover this, so there is nothing to quote."
    topics = list(dict.fromkeys(short_title(h.meta) for h in passages))[:3]
    if topics:
        text += " The nearest topics in the course are: " + "; ".join(topics) + "."
    return text + " Try other words, or ask about a topic from the curriculum."


def compose(question: str, passages: list, *, covered: bool = True, earlier: list[str] | None = None,
            corpus_dir: Path | None = None) -> Iterator[str]:
    """The offline answer, a sentence at a time."""
    if not covered or not passages:
        yield not_covered(passages)
        return
    yield HEADER + "\n\n"
    definition = glossary_opening(question, corpus_dir)
    glossary_n = next((n for n, h in enumerate(passages, start=1) if h.meta.get("kind") == "glossary"), None)
    if definition:
        term, text, _ = definition
        yield f"**{term}**: {text}" + (f" [{glossary_n}]" if glossary_n else "") + "\n\n"
    opening, support, decision = select(question, passages, earlier or [])
    if definition:  # the definition is said: what follows explains it
        opening = [s for s in opening if definition[1][:60] not in s.text]
        support = [s for s in support if definition[1][:60] not in s.text]
    if decision is not None and decision not in opening:
        yield f"**In short:** {decision.text} [{decision.n}]\n\n"
    for i, s in enumerate(opening):  # one passage's run, cited once at its end
        lead = "**In short:** " if i == 0 and s is decision else ""
        yield f"{lead}{s.text}" + (" " if i + 1 < len(opening) else f" [{s.n}]\n\n")
    for s in support:
        yield f"- {s.text} [{s.n}]\n"
    yield "\n" + _read_next(passages, definition[2] if definition else [])


def without_header(text: str) -> str:
    """An offline answer without its header line, for a page that has already said the answers are extracts."""
    return text.removeprefix(HEADER).lstrip("\n") if text.startswith(HEADER) else text
