"""The course reader: a week's lesson, exercises, quiz and reading notes as safe Markdown with a table of contents.

    reader_link("curriculum/phase-2-distributed-systems/week-06-caching-strategies/lesson.md",
                "Stampede protection")   # 'learn?week=6&doc=lesson&section=stampede-protection#stampede-protection'
    doc = open_doc(config.corpus_dir, week=6, doc="lesson")
    [s.heading for s in doc.sections]    # the table of contents

Every other part (citations, plan tasks, review references, search results) links into the reader with
`reader_link` instead of showing a repository path.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from .corpus import FENCE, HEADING, split_front_matter
from .curriculum import reading_minutes
from .errors import InputError

PAGE = "learn"  # the Learn page's URL path (st.Page("views/learn.py") serves it at /learn)
DOCS = ("lesson", "exercises", "quiz")
_WEEK_DOC = re.compile(r"^curriculum/phase-\d+[^/]*/week-(\d+)[^/]*/(lesson|exercises|quiz)\.md$")
_NOTE = re.compile(r"^(books/[\w.-]+/|papers/)?[\w.-]+\.md$")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")  # an image would make the browser fetch its URL
_HTML = re.compile(r"<(?=[A-Za-z/!?])")  # a raw tag: shown as text, never rendered
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def anchor(heading: str) -> str:
    """The id Streamlit gives a Markdown heading: lower-case letters and digits joined by hyphens."""
    return "-".join(re.findall(r"[^\W_]+", heading.lower()))


def _split(path: str, heading: str | None) -> tuple[str, str | None]:
    path = (path or "").strip().lstrip("./")
    if "#" in path:
        path, _, inline = path.partition("#")
        heading = heading or inline
    if heading:
        heading = heading.split(" > ")[-1].strip()  # a chunk's heading path: the deepest heading
    return path, heading or None


def reader_params(path: str, heading: str | None = None) -> dict[str, str] | None:
    """The Learn page's query parameters for a corpus path (and section), or None outside the course."""
    path, heading = _split(path, heading)
    m = _WEEK_DOC.match(path)
    if m:
        params = {"week": str(int(m.group(1))), "doc": m.group(2)}
    elif _NOTE.match(path) and ".." not in path:
        params = {"doc": "note", "path": path}
    else:
        return None
    if heading:
        params["section"] = anchor(heading)
    return params


def reader_link(path: str, heading: str | None = None) -> str:
    """A link into the Learn page that opens `path` at `heading`; '' for what the reader does not show."""
    params = reader_params(path, heading)
    if params is None:
        return ""
    return f"{PAGE}?{urlencode(params)}" + (f"#{params['section']}" if "section" in params else "")


_QUERY_LINK = re.compile(r"^(?:\.?/?learn)?\?(?P<query>[\w.=&%+/-]*)(?:#(?P<fragment>[\w-]*))?$")


def internal_link(url: str) -> str | None:
    """The reader link for a link target that means a place in the course, or None for anything else.

    Accepts the reader's own `learn?...` links and the bare `?week=6&doc=lesson#anchor` / `?source=path#anchor`
    queries that answers and citations carry; the result is rebuilt from the parsed parameters, so nothing of
    the original text (a host, a scheme, another page) survives.
    """
    m = _QUERY_LINK.match(url.strip())
    if m is None:
        return None
    query = dict(parse_qsl(m.group("query")))
    fragment = m.group("fragment") or query.get("section") or None
    if query.get("doc") == "note" and query.get("path"):
        path = query["path"]
    elif query.get("source"):
        path = query["source"]
    elif str(query.get("week", "")).isdigit() and query.get("doc") in DOCS:
        params = {"week": str(int(query["week"])), "doc": query["doc"]}
        if fragment:
            params["section"] = anchor(fragment)
        return f"{PAGE}?{urlencode(params)}" + (f"#{params['section']}" if fragment else "")
    else:
        return None
    return reader_link(path, fragment) or None


def markdown_link(label: str, path: str, heading: str | None = None) -> str:
    """`[label](reader link)`, or the label alone when the path is not in the course."""
    link = reader_link(path, heading)
    label = label.replace("[", "(").replace("]", ")")
    return f"[{label}]({link})" if link else label


@dataclass(frozen=True)
class Section:
    level: int
    heading: str
    anchor: str
    text: str  # the heading line and its body, safe Markdown


@dataclass(frozen=True)
class Doc:
    path: str  # relative to the corpus folder
    kind: str  # lesson | exercises | quiz | note
    title: str
    words: int
    intro: str  # safe Markdown before the first section
    sections: tuple[Section, ...]

    @property
    def minutes(self) -> int:
        return reading_minutes(self.words)

    def find(self, section: str | None) -> int | None:
        """The index of the section with this anchor (or heading), if any."""
        if not section:
            return None
        key = anchor(section)
        return next((i for i, s in enumerate(self.sections) if s.anchor == key), None)

    def toc(self) -> list[tuple[int, str, str]]:
        return [(s.level, s.heading, s.anchor) for s in self.sections if s.level <= 3]


def safe_markdown(text: str, path: str = "") -> str:
    """Corpus Markdown made safe to render: no raw HTML, no images; links between course files open the reader."""
    out, in_fence = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            in_fence = not in_fence
        if not in_fence:
            line = _IMAGE.sub(lambda m: m.group(1), line)
            line = _HTML.sub("&lt;", line)
            line = _LINK.sub(lambda m: _relink(m, path), line)
        out.append(line)
    return "\n".join(out)


def _relink(m: re.Match, path: str) -> str:
    label, target = m.group(1), m.group(2)
    if re.match(r"^[a-z]+:", target, re.I) or target.startswith(("#", f"{PAGE}?")):
        return m.group(0)  # a web address, an anchor, or already a link into the reader
    file, _, section = target.partition("#")
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), file))
    link = reader_link(resolved, section or None)
    return f"[{label}]({link})" if link else label


def _sections(body: str, path: str) -> tuple[str, list[Section]]:
    intro: list[str] = []
    found: list[tuple[int, str, list[str]]] = []
    in_fence = False
    for line in body.splitlines():
        if FENCE.match(line):
            in_fence = not in_fence
        m = None if in_fence else HEADING.match(line)
        if m:
            found.append((len(m.group(1)), m.group(2).strip(), [line]))
        elif found:
            found[-1][2].append(line)
        else:
            intro.append(line)
    sections = [Section(level, heading, anchor(heading), safe_markdown("\n".join(lines), path).strip())
                for level, heading, lines in found if level > 1]  # level 1 is the document's title
    return safe_markdown("\n".join(intro), path).strip(), sections


def _load(corpus_dir: Path, rel: str, kind: str) -> Doc:
    root = Path(corpus_dir).resolve()
    file = (root / rel).resolve()
    if not file.is_relative_to(root) or file.suffix != ".md" or not file.is_file():
        raise InputError(f"There is no course document {rel!r}; open one from the Learn page.")
    stat = file.stat()
    return _parse(file, rel, kind, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _parse(file: Path, rel: str, kind: str, _mtime: int, _size: int) -> Doc:
    """Parsed once per file version: every rerun of a page reads the same documents."""
    meta, body = split_front_matter(file.read_text(encoding="utf-8"))
    intro, sections = _sections(body, rel)
    title = str(meta.get("title") or file.stem)
    return Doc(rel, kind, title, len(body.split()), intro, tuple(sections))


def open_doc(corpus_dir: Path | str, week: int | None = None, doc: str = "lesson", path: str | None = None) -> Doc:
    """A week's lesson, exercises or quiz, or a book or paper note by its path."""
    from .curriculum import load_curriculum

    if doc == "note":
        rel = _split(path or "", None)[0]
        if not _NOTE.match(rel) or ".." in rel:
            raise InputError(f"{path!r} is not a book or paper note; notes live under books/ or papers/.")
        return _load(Path(corpus_dir), rel, "note")
    if doc not in DOCS:
        raise InputError(f"The reader opens {', '.join(DOCS)} or a note, not {doc!r}.")
    wk = load_curriculum(corpus_dir).week(1 if week is None else week)
    rel = {"lesson": wk.lesson, "exercises": wk.exercises_path, "quiz": wk.quiz}[doc]
    if rel is None:
        raise InputError(f"Week {wk.number} has no {doc}.")
    return _load(Path(corpus_dir), rel, doc)


def done_item(doc: Doc, week: int | None) -> str | None:
    """The progress item that 'Mark done' ticks for this document (exercises are ticked one by one)."""
    if week is None:
        return None
    if doc.kind in ("lesson", "quiz"):
        return f"w{week:02d}-{doc.kind}"
    if doc.kind == "note":
        return reading_item(week, doc.path)
    return None


def reading_item(week: int, path: str) -> str:
    """The progress item of a reading note: `w06-read-ddia-03-storage-and-retrieval`."""
    stem = re.sub(r"^(books/|papers/)", "", path).removesuffix(".md").replace("/", "-")
    return f"w{week:02d}-read-{stem}"


def text(doc: Doc) -> str:
    """The document as plain Markdown for the terminal, with its reading time."""
    parts = [f"# {doc.title}", f"_{doc.words} words · about {doc.minutes} min with notes · {doc.path}_", doc.intro]
    parts += [s.text for s in doc.sections]
    return "\n\n".join(p for p in parts if p)
