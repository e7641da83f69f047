"""Citations: the passages an answer cites, numbered without gaps, with what a course reader needs to link."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

CITE = re.compile(r"\[(\d{1,2})\]")
QUESTION_HEADING = re.compile(r"^(Q\d+)\b")
BOOKS = {"ddia": "DDIA", "hard-parts": "Hard Parts", "ml-systems-design": "ML Systems Design",
         "system-design-interview": "SDI"}
DOCS = {"lesson": "lesson", "quiz": "quiz", "exercises": "exercises", "exercise": "exercises"}


def slug(heading: str) -> str:
    """The anchor a Markdown renderer gives the last heading of a path ("Q9. Why ..." -> "q9-why-...")."""
    last = heading.split(" > ")[-1].strip().lower()
    return re.sub(r"[\s-]+", "-", re.sub(r"[^\w\s-]", "", last)).strip("-")[:80]


def short_title(meta: dict) -> str:
    """A label a learner can scan: "Week 10 quiz · Q9", "DDIA ch. 7 · Snapshot isolation", "Glossary · ADR"."""
    heading = (meta.get("heading") or "").split(" > ")[-1].strip()
    kind, week = meta.get("kind") or "", meta.get("week")
    if week and kind in DOCS:
        where = f"Week {week} {DOCS[kind]}"
    elif meta.get("book"):
        book = BOOKS.get(str(meta["book"]), str(meta["book"]))
        where = f"{book} ch. {meta['chapter']}" if meta.get("chapter") else book
    elif kind == "glossary":
        where = "Glossary"
    elif kind == "reflection" and week:
        where = f"Your week {week} reflection"
    else:
        where = str(meta.get("title") or meta.get("source") or "")
    q = QUESTION_HEADING.match(heading)
    part = q.group(1) if q else heading
    return f"{where} · {part}" if part and part != where else where


@dataclass
class Citation:
    """One cited passage: `n` is its number in the answer text; `anchor` links to its section."""

    n: int
    label: str  # short title, e.g. "Week 10 quiz · Q9"
    source: str  # the file, relative to its root
    root: str  # corpus | notes | reflections
    kind: str  # lesson | quiz | exercises | glossary | book-note | paper-note | note | reflection
    week: int | None
    book: str | None
    paper: str | None
    title: str  # the document's title
    heading: str | None
    anchor: str
    text: str

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Citation:
        """A stored citation (older rows lack the newer fields)."""
        heading = d.get("heading") or None
        meta = {**d, "heading": heading or ""}
        return cls(n=int(d.get("n") or 0), label=d.get("label") or short_title(meta), source=d.get("source") or "",
                   root=d.get("root") or "", kind=d.get("kind") or "", week=d.get("week"), book=d.get("book"),
                   paper=d.get("paper"), title=d.get("title") or "", heading=heading,
                   anchor=d.get("anchor") or (slug(heading) if heading else ""), text=d.get("text") or "")

    @property
    def link(self) -> str:
        """A course-reader query string: ?week=10&doc=quiz#q9-..., or ?source=...#anchor outside the weeks."""
        if self.week and self.kind in DOCS:
            return f"?week={self.week}&doc={DOCS[self.kind]}" + (f"#{self.anchor}" if self.anchor else "")
        return f"?source={self.source}" + (f"#{self.anchor}" if self.anchor else "")


def citation(n: int, hit) -> Citation:
    m = hit.meta
    heading = m.get("heading") or None
    return Citation(n=n, label=short_title(m), source=str(m.get("source") or ""), root=str(m.get("root") or ""),
                    kind=str(m.get("kind") or ""), week=m.get("week"), book=m.get("book"), paper=m.get("paper"),
                    title=str(m.get("title") or ""), heading=heading, anchor=slug(heading) if heading else "",
                    text=hit.text)


def cite(text: str, hits: list) -> tuple[str, list[Citation]]:
    """The passages the answer cites, renumbered 1..n in order of first use (the text is renumbered to match);
    when it cites none, the top three it was given."""
    order: list[int] = []
    for found in CITE.findall(text):
        n = int(found)
        if 1 <= n <= len(hits) and n not in order:
            order.append(n)
    if not order:
        return text, [citation(n, hits[n - 1]) for n in range(1, min(3, len(hits)) + 1)]
    new = {old: i for i, old in enumerate(order, start=1)}
    renumbered = CITE.sub(lambda m: f"[{new[int(m.group(1))]}]" if int(m.group(1)) in new else m.group(0), text)
    return renumbered, [citation(new[old], hits[old - 1]) for old in order]


_MARKER = re.compile(r"(?<![\\\[])\[(\d{1,2})\](?![(\[])")  # [n], not \[n\], [[n]] or a link's [text](


def link_markers(markdown: str, citations: list[dict]) -> str:
    """Safe answer Markdown whose [n] markers open source n in the course reader (its label shows on hover).
    Only markers of the answer's own citations become links, and only to reader links built from their metadata."""
    from .reader import reader_link
    from .render import CODE

    targets = {}
    for c in citations:
        cit = Citation.from_dict(c)
        if link := reader_link(cit.source, cit.heading):
            title = (cit.label or cit.title).replace('"', "'").replace("\\", "/")
            targets[str(cit.n)] = f'[\\[{cit.n}\\]]({link} "{title}")'
    if not targets:
        return markdown

    def plain(text: str) -> str:
        return _MARKER.sub(lambda m: targets.get(m.group(1), m.group(0)), text)

    parts, pos = [], 0
    for m in CODE.finditer(markdown):
        parts += [plain(markdown[pos:m.start()]), m.group(0)]
        pos = m.end()
    return "".join(parts + [plain(markdown[pos:])])


def source_list(citations: list[dict]) -> str:
    """Markdown for the sources under an answer: "1. [Week 10 quiz · Q9](learn?...)", one line each, numbered as the
    answer cites them; labels escaped (a note's heading is the learner's text), links only into the reader."""
    from .humanize import escape_markdown
    from .reader import reader_link

    lines = []
    for c in sorted(citations, key=lambda c: int(c.get("n") or 0)):
        cit = Citation.from_dict(c)
        label = escape_markdown(cit.label or cit.title or cit.source)
        link = reader_link(cit.source, cit.heading)
        lines.append(f"{cit.n}. [{label}]({link})" if link else f"{cit.n}. {label}")
    return "\n".join(lines)
