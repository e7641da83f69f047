"""Offline answers: no model, so the answer is composed from the course's own sentences, each cited.

A direct opening first (for "what is X": the glossary definition, else the section's defining sentence; for a
comparison or decision: the sentence that recommends and says on what it depends), then the sentences that
cover most of the question, lessons before quizzes and exercises, nothing an earlier answer already said, and
a short "read next". Streamed a sentence at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .citations import short_title, slug

SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9`(\"'*])")
MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")
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
                      r"\btrade-?off\b|\bthe deciding\b|\bbetter (when|for|if)\b", re.I)
# how much each kind of passage is worth as support: the lesson explains, a quiz answer is about its own
# scenario, an exercise asks instead of telling
KIND_WEIGHT = {"lesson": 1.0, "glossary": 1.0, "book-note": 0.95, "paper-note": 0.95, "note": 0.9,
               "reflection": 0.7, "quiz": 0.8, "exercises": 0.55, "exercise": 0.55}
KIND_ORDER = {"lesson": 0, "glossary": 0, "book-note": 1, "paper-note": 1, "note": 2, "quiz": 3, "exercises": 4}
SUPPORT = 4  # supporting sentences after the opening
MAX_EMBEDDED = 32  # sentences compared by meaning, the best by words first: keeps the first text fast
# a quiz answer is used only when its question is the learner's: this close in meaning, or sharing this share
# of the learner's terms; it leads the answer when both hold (checked on the dev questions)
QUIZ_MIN_SIMILARITY = 0.45
QUIZ_MIN_COVERAGE = 0.4
MIN_RELATIVE = 0.6  # a supporting sentence scores at least this share of the best one
HEADER = "*Offline answer: an extract of the course material (no model was used).*"


@dataclass
class Sentence:
    n: int  # passage number, 1-based
    pos: int
    text: str
    kind: str
    score: float = 0.0


def prose_sentences(text: str) -> list[str]:
    """Prose sentences of a passage; code blocks, tables, headings and link lists are left out."""
    out, in_fence = [], False
    for block in re.split(r"\n\s*\n", text):
        stripped = block.lstrip()
        if stripped.startswith(("```", "~~~")):
            in_fence = stripped.count("```") % 2 == 1 if not in_fence else stripped.count("```") % 2 == 0
            continue
        if in_fence or stripped.startswith(("|", "#")):
            continue
        flat = " ".join(line.strip().lstrip("-*0123456789. ").strip() if line.strip().startswith(("-", "* "))
                        else line.strip() for line in block.splitlines())
        flat = LABEL.sub("", flat)
        for s in SENTENCE.split(flat):
            linked = sum(len(m.group(1)) for m in MD_LINK.finditer(s))
            s = LABEL.sub("", MD_LINK.sub(r"\1", s).replace("**", "")).strip()
            # lines that are mostly cross-references ("see week 5") say where to read, not what is true
            # a question or a lead-in ("...as follows:") is not an answer
            if 6 <= len(s.split()) <= 80 and linked < 0.3 * len(s) and not s.endswith((":", "?")):
                out.append(s)
    return out


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


def _coverage(q_terms: set[str], text: str) -> float:
    from .index import tokenize

    if not q_terms:
        return 0.0
    return len(q_terms & set(tokenize([text])[0])) / len(q_terms)


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


def _candidates(question: str, passages: list, earlier: list[str]) -> list[Sentence]:
    """Every usable sentence, scored by similarity to the question and the share of its terms it covers."""
    from .index import tokenize

    said = " ".join(" ".join(e.split()) for e in earlier)
    q_terms = set(tokenize([question])[0])
    out: list[Sentence] = []
    for n, hit in enumerate(passages, start=1):
        kind = str(hit.meta.get("kind") or "")
        term = str(hit.meta.get("heading") or "").split(" > ")[-1]
        for pos, s in enumerate(prose_sentences(hit.text)):
            if kind == "glossary" and pos == 0 and term and not s.lower().startswith(term.lower()[:12]):
                s = f"{term}: {s}"  # a glossary definition has no subject of its own
            if s not in said:  # no block repeated from an earlier answer in this conversation
                c = Sentence(n, pos, s, kind)
                c.score = _coverage(q_terms, s)
                out.append(c)
    if not out:
        return out
    out = sorted(out, key=lambda c: (-c.score, c.n, c.pos))[:MAX_EMBEDDED]
    headings = [str(h.meta.get("heading") or h.meta.get("title") or "") for h in passages]
    vectors = _embed([question] + headings + [c.text for c in out])
    q, heads, sents = vectors[0], vectors[1:1 + len(headings)], vectors[1 + len(headings):]
    head_sim = heads @ q
    head_cover = [_coverage(q_terms, h) for h in headings]
    kept = []
    for c, v in zip(out, sents, strict=True):
        weight = KIND_WEIGHT.get(c.kind, 0.9)
        if c.kind == "quiz":  # a quiz answer is about its own scenario: only when it is the learner's question
            close, shared = head_sim[c.n - 1] >= QUIZ_MIN_SIMILARITY, head_cover[c.n - 1] >= QUIZ_MIN_COVERAGE
            if not (close or shared):
                continue
            if close and shared:  # the learner asks the quiz's own question: its answer is the answer
                weight, c.kind = 1.2, "quiz-match"
        c.score = (0.6 * float(v @ q) + 0.4 * c.score) * weight - 0.015 * (c.n - 1)
        kept.append(c)
    return kept


def _quiz_answer(candidates: list[Sentence]) -> Sentence | None:
    """The answer of a quiz question that is the learner's own, as one opening in its own order."""
    matched = [c for c in candidates if c.kind == "quiz-match"]
    if not matched:
        return None
    n = max(matched, key=lambda c: c.score).n
    own = sorted((c for c in matched if c.n == n), key=lambda c: c.pos)[:3]
    return Sentence(n, own[0].pos, " ".join(c.text for c in own), "quiz-match", max(c.score for c in own))


def _pick(candidates: list[Sentence], question: str, opening_taken: bool) -> tuple[Sentence | None, list[Sentence]]:
    """(opening, supporting sentences): the opening answers directly; support follows in reading order."""
    ranked = sorted(candidates, key=lambda c: -c.score)
    if not ranked:
        return None, []
    best = ranked[0].score
    opening = None
    quiz = None if opening_taken else _quiz_answer(candidates)
    if quiz is not None:
        opening, ranked = quiz, [c for c in ranked if not (c.kind == "quiz-match" and c.n == quiz.n)]
    elif not opening_taken:
        opening = ranked[0]
        if is_comparison(question):  # a recommendation that names what it depends on, when one is close
            opening = next((c for c in ranked[:8] if DECISION.search(c.text) and c.score >= 0.8 * best), opening)
    chosen: list[Sentence] = []
    seen = {opening.text.lower()[:80]} if opening else set()
    for c in ranked:
        if len(chosen) >= SUPPORT or c.score < MIN_RELATIVE * best:
            break
        key = c.text.lower()[:80]
        if key not in seen and c is not opening and c.kind != "quiz-match":
            seen.add(key)
            chosen.append(c)
    chosen.sort(key=lambda c: (KIND_ORDER.get(c.kind, 2), c.n, c.pos))
    return opening, chosen


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
    candidates = _candidates(question, passages, earlier or [])
    if definition:
        candidates = [c for c in candidates if definition[1][:60] not in c.text]
    opening, support = _pick(candidates, question, opening_taken=definition is not None)
    if opening is not None:
        lead = "**In short:** " if is_comparison(question) and DECISION.search(opening.text) else ""
        yield f"{lead}{opening.text} [{opening.n}]\n\n"
    for c in support:
        yield f"- {c.text} [{c.n}]\n"
    yield "\n" + _read_next(passages, definition[2] if definition else [])


def without_header(text: str) -> str:
    """An offline answer without its header line, for a page that has already said the answers are extracts."""
    return text.removeprefix(HEADER).lstrip("\n") if text.startswith(HEADER) else text
