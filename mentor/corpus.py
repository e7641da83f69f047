"""Loading the corpus: Markdown files with YAML front matter, chunked along their headings."""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

KINDS = ("lesson", "exercise", "quiz", "book-note", "paper-note", "glossary", "note", "reflection")
MAX_CHUNK_WORDS = 160  # all-MiniLM-L6-v2 reads 256 word pieces; longer text is cut off
MIN_CHUNK_WORDS = 25
HEADING = re.compile(r"^(#{1,4})\s+(.+?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")
LINK_TARGET = re.compile(r"\]\([^)\s]*\)")
META_KEYS = ("title", "kind", "week", "phase", "book", "chapter", "volume", "paper")


@dataclass
class Document:
    """One source file (or one reflection), with its front matter."""

    source: str  # path relative to its root, with "/" separators
    root: str  # corpus | notes | reflections
    text: str  # body without front matter
    meta: dict
    hash: str


@dataclass
class Chunk:
    id: str
    text: str  # what is shown and cited: the section body
    heading: str  # heading path, "Lesson title > Section > Subsection"
    meta: dict = field(default_factory=dict)

    @property
    def search_text(self) -> str:
        """Title and heading path are part of what is matched, so a section keeps its context; link
        targets are not (their file slugs would make every cross-reference list match every topic)."""
        return f"{self.meta.get('title', '')}\n{self.heading}\n{LINK_TARGET.sub(']', self.text)}"


def content_hash(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode()
    return hashlib.sha256(data).hexdigest()[:16]


MAX_FRONT_MATTER_CHARS = 10_000  # a title, tags and a week fit in far less; a bigger block is not front matter


# libyaml's safe loader when PyYAML was built with it (about ten times faster than the pure-Python one: every
# command that reads the curriculum parses ~190 front matters)
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(text: str):
    """safe_load without anchors and aliases: notes never need them, and nested aliases (a 'billion laughs' title)
    expand into gigabytes. The events are checked before anything is built."""
    for event in yaml.parse(text, Loader=_SAFE_LOADER):
        if isinstance(event, yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed in front matter",
                                              event.start_mark)
    return yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader


def split_front_matter(raw: str) -> tuple[dict, str]:
    """Return (front matter, body); raises ValueError, in one line, on malformed or oversized front matter."""
    if not raw.startswith("---"):
        return {}, raw
    parts = raw.split("\n---", 1)
    if len(parts) != 2:
        raise ValueError("front matter is not closed with ---")
    if len(parts[0]) > MAX_FRONT_MATTER_CHARS:
        raise ValueError(f"front matter is longer than {MAX_FRONT_MATTER_CHARS:,} characters")
    try:
        meta = _load_yaml(parts[0][3:]) or {}
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        raise ValueError(f"front matter is not valid YAML{line}: {getattr(exc, 'problem', None) or exc}") from None
    if not isinstance(meta, dict):
        raise ValueError("front matter is not a mapping")
    return {str(k): _scalar(v) for k, v in meta.items()}, _body(parts[1])


def _scalar(value):
    """Front-matter values as the rest of the code expects: scalars and lists of scalars (a mapping becomes text)."""
    if isinstance(value, list):
        return [v if isinstance(v, str | int | float | bool) else str(v) for v in value]
    return value if isinstance(value, str | int | float | bool | datetime.date) or value is None else str(value)


def _body(rest: str) -> str:
    return rest.split("\n", 1)[1] if "\n" in rest else ""


def load_file(path: Path, root_dir: Path, root: str) -> Document:
    raw_bytes = path.read_bytes()
    raw = raw_bytes.decode("utf-8")
    meta, body = split_front_matter(raw)
    meta.setdefault("title", _first_heading(body) or path.stem.replace("-", " ").capitalize())
    meta.setdefault("kind", "note" if root == "notes" else "glossary")
    return Document(
        source=path.relative_to(root_dir).as_posix(),
        root=root,
        text=body,
        meta=meta,
        hash=content_hash(raw_bytes),
    )


def _first_heading(body: str) -> str | None:
    for line in body.splitlines():
        m = HEADING.match(line)
        if m and len(m.group(1)) == 1:
            return m.group(2)
    return None


def scan(roots: dict[str, Path]) -> tuple[dict[str, tuple[Path, Path, str]], list[str]]:
    """Map document key -> (file, root dir, root name) for every Markdown file; and problems found."""
    files: dict[str, tuple[Path, Path, str]] = {}
    problems: list[str] = []
    for root, folder in roots.items():
        if not folder.is_dir():
            problems.append(f"{root} folder {folder} does not exist")
            continue
        inside = folder.resolve()
        for path in sorted(folder.rglob("*.md")):
            if any(part.startswith(".") for part in path.relative_to(folder).parts):
                continue
            if not path.resolve().is_relative_to(inside):  # a symlink out of the folder: not the learner's notes
                problems.append(f"skipped {path}: it links outside {folder}")
                continue
            files[f"{root}:{path.relative_to(folder).as_posix()}"] = (path, folder, root)
    return files, problems


def reflection_document(reflection: dict) -> Document:
    week = int(reflection["week"])
    parts = [f"# My reflection on week {week}"]
    for label, key in (("What went well", "went_well"), ("What was hard", "hard"), ("Open questions", "questions")):
        if reflection.get(key):
            parts.append(f"## {label}\n\n{reflection[key]}")
    conf = reflection.get("confidence") or {}
    if conf:
        lines = "\n".join(f"- {topic}: {value}/5" for topic, value in conf.items())
        parts.append(f"## My confidence per topic\n\n{lines}")
    text = "\n\n".join(parts)
    return Document(
        source=f"reflections/week-{week:02d}/{reflection['id']}",
        root="reflections",
        text=text,
        meta={"title": f"Your reflection, week {week} ({str(reflection.get('updated', ''))[:10]})",
              "kind": "reflection", "week": week},
        hash=content_hash(text),
    )


def chunk_document(doc: Document) -> list[Chunk]:
    """Split a document along its headings; long sections split at paragraph boundaries."""
    sections: list[tuple[list[str], list[str]]] = []
    path: list[tuple[int, str]] = []
    body: list[str] = []
    in_fence = False

    def flush():
        if any(line.strip() for line in body):
            # a level-1 heading is the document's own title, already in the metadata
            sections.append(([h for lv, h in path if lv > 1], list(body)))
        body.clear()

    for line in doc.text.splitlines():
        if FENCE.match(line):
            in_fence = not in_fence
        m = None if in_fence else HEADING.match(line)
        if m:
            flush()
            level = len(m.group(1))
            path = [(lv, h) for lv, h in path if lv < level] + [(level, m.group(2).strip())]
        else:
            body.append(line)
    flush()

    meta = {k: doc.meta[k] for k in META_KEYS if doc.meta.get(k) is not None}
    meta["tags"] = ",".join(str(t) for t in doc.meta.get("tags") or [])
    meta["source"] = doc.source
    meta["root"] = doc.root
    meta["doc_hash"] = doc.hash
    title = str(meta.get("title", ""))

    chunks: list[Chunk] = []
    pending: tuple[list[str], str] | None = None
    for heads, lines in sections:
        if heads and heads[0] == title:
            heads = heads[1:]
        text = "\n".join(lines).strip()
        for piece in _split_long(text):
            if pending is not None:
                # a very short section (a glossary entry, a lone intro line) travels with the next one,
                # each part labelled with its own heading so neither is mislabelled
                heads, piece = _merge(pending, (heads, piece))
                pending = None
            if len(piece.split()) < MIN_CHUNK_WORDS and len(sections) > 1:
                pending = (heads, piece)
                continue
            chunks.append(Chunk(id="", text=piece, heading=" > ".join(heads), meta=dict(meta)))
    if pending is not None:
        if chunks:
            last = chunks.pop()
            heads, text = _merge((last.heading.split(" > ") if last.heading else [], last.text), pending)
            chunks.append(Chunk(id="", text=text, heading=" > ".join(heads), meta=dict(meta)))
        else:
            chunks.append(Chunk(id="", text=pending[1], heading=" > ".join(pending[0]), meta=dict(meta)))
    for i, chunk in enumerate(chunks):
        chunk.id = f"{doc.root}:{doc.source}#{i}"
        chunk.meta["heading"] = chunk.heading
    return chunks


def _merge(first: tuple[list[str], str], second: tuple[list[str], str]) -> tuple[list[str], str]:
    (h1, t1), (h2, t2) = first, second
    if h1 == h2:
        return h1, f"{t1}\n\n{t2}"
    common = []
    for a, b in zip(h1, h2, strict=False):
        if a != b:
            break
        common.append(a)
    rest1, rest2 = h1[len(common):], h2[len(common):]
    if not rest1 or not rest2:  # one section is the parent of the other: keep the longer path
        return (h2 if rest2 else h1), f"{t1}\n\n{t2}"
    label1 = t1 if t1.startswith("**") else f"**{rest1[-1]}**: {t1}"
    label2 = f"**{rest2[-1]}**: {t2}"
    return common + [f"{rest1[-1]}; {rest2[-1]}"], f"{label1}\n\n{label2}"


def _split_long(text: str) -> list[str]:
    if len(text.split()) <= MAX_CHUNK_WORDS:
        return [text]
    blocks, cur, in_fence = [], [], False
    for para in re.split(r"\n\s*\n", text):
        fences = para.count("```") + para.count("~~~")
        cur.append(para)
        if fences % 2:
            in_fence = not in_fence
        if not in_fence and len(" ".join(cur).split()) >= MAX_CHUNK_WORDS * 0.6:
            blocks.append("\n\n".join(cur))
            cur = []
    if cur:
        if blocks and len(" ".join(cur).split()) < MIN_CHUNK_WORDS:
            blocks[-1] += "\n\n" + "\n\n".join(cur)
        else:
            blocks.append("\n\n".join(cur))
    return blocks
