"""Offline answers: no model, so the answer is composed from the course's own sentences, each cited.

A direct opening first (for "what is X": the glossary definition, else the section's defining sentence; for a
comparison or decision: the sentence that recommends and says on what it depends), then supporting sentences
on the same point (chosen in extracts.py), nothing an earlier answer already said, and a short "read next"
into the course. Streamed a sentence at a time, the opening before the support is chosen.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from .citations import short_title, slug
from .extracts import Selection, defined_terms

KIND_ORDER = {"lesson": 0, "glossary": 0, "book-note": 1, "paper-note": 1, "note": 2, "quiz": 3, "exercises": 4}
HEADER = "*Offline answer: an extract of the course material (no model was used).*"


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


def glossary_opening(question: str, corpus_dir: Path | None) -> tuple[str, str, list[int]] | None:
    """(entry heading, definition, weeks) when the question asks what a glossary term means, or its first part does
    ("what is HyDE and is it worth running on every query?")."""
    if corpus_dir is None:
        return None
    entries = glossary(corpus_dir)
    return next((entries[_norm(t)] for t in defined_terms(question) if t and _norm(t) in entries), None)


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
    """The offline answer, a sentence at a time: the opening is shown before the support is chosen."""
    if not covered or not passages:
        yield not_covered(passages)
        return
    yield HEADER + "\n\n"
    definition = glossary_opening(question, corpus_dir)
    glossary_n = next((n for n, h in enumerate(passages, start=1) if h.meta.get("kind") == "glossary"), None)
    if definition:
        term, text, _ = definition
        yield f"**{term}**: {text}" + (f" [{glossary_n}]" if glossary_n else "") + "\n\n"

    def fresh(sentences: list) -> list:  # once the definition is said, what follows explains it
        said = " ".join(definition[1].split()) if definition else ""
        return [s for s in sentences if not said or (said[:60] not in s.text and s.text.split(": ", 1)[-1] not in said)]

    selection = Selection(question, passages, earlier or [])
    opening = fresh(selection.opening())
    if selection.opening_is_final:
        yield from _run(opening, selection.decision)
    decision, support = selection.rest()
    if not selection.opening_is_final:  # a comparison: its recommendation, wherever it was found, comes first
        if decision is not None:
            yield f"**In short:** {decision.text} [{decision.n}]\n\n"
        yield from _run(opening, None)
    for s in fresh(support):
        yield f"- {s.text} [{s.n}]\n"
    yield "\n" + _read_next(passages, definition[2] if definition else [])


def _run(opening: list, decision) -> Iterator[str]:
    """One passage's run of sentences, streamed one by one and cited once at its end."""
    for i, s in enumerate(opening):
        lead = "**In short:** " if i == 0 and s is decision else ""
        yield f"{lead}{s.text}" + (" " if i + 1 < len(opening) else f" [{s.n}]\n\n")


def without_header(text: str) -> str:
    """An offline answer without its header line, for a page that has already said the answers are extracts."""
    return text.removeprefix(HEADER).lstrip("\n") if text.startswith(HEADER) else text
