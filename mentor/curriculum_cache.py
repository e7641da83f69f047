"""The parsed curriculum kept on disk between processes.

Parsing the 20 weeks (front matter, sections, which exercise practises which topic) takes a few hundred
milliseconds: more than half of a cold `mentor ask`, which needs the curriculum only to know the current week.
The result is written to one JSON file in MENTOR_HOME, valid while the curriculum files (path, size, mtime)
and this parser's source are unchanged; anything unreadable is parsed again.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path

from . import curriculum as C

FILE = "curriculum.json"
_memo: dict[tuple[str, Path], C.Curriculum] = {}  # this process's copy, per key and home (the app asks per page)


@functools.cache
def _parser_source() -> bytes:
    return Path(C.__file__).read_bytes()  # a new parser makes older copies stale; read once per process


def _key(corpus_dir: Path) -> str:
    files = sorted((corpus_dir / "curriculum").glob("phase-*/week-*/*.md"))
    parts = [_parser_source(), str(corpus_dir).encode()]
    parts += [f"{p.as_posix()}|{p.stat().st_mtime_ns}|{p.stat().st_size}".encode() for p in files]
    return hashlib.sha256(b"\n".join(parts)).hexdigest()


def _week(d: dict) -> C.Week:
    return C.Week(**{**d, "topics": tuple(C.Topic(**t) for t in d["topics"]),
                     "exercises": tuple(C.Exercise(**e) for e in d["exercises"]),
                     "reading": tuple(C.Reading(**r) for r in d["reading"])})


def load(corpus_dir: Path | str, home: Path) -> C.Curriculum:
    """The curriculum under `corpus_dir`, from `home`'s copy when it is current, else parsed and saved."""
    root = Path(corpus_dir).resolve()
    path = home / FILE
    key = _key(root)
    if (key, path) in _memo:
        return _memo[(key, path)]
    _memo[(key, path)] = cur = _read(path, key) or _parse_and_save(root, path, key)
    return cur


def _read(path: Path, key: str) -> C.Curriculum | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("key") == key:
            return C.Curriculum(weeks={int(n): _week(w) for n, w in data["weeks"].items()})
    except (OSError, ValueError, KeyError, TypeError):
        pass  # missing, older or damaged: parse again
    return None


def _parse_and_save(root: Path, path: Path, key: str) -> C.Curriculum:
    cur = C.load_curriculum(root)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{FILE}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"key": key, "weeks": {n: asdict(w) for n, w in cur.weeks.items()}}),
                       encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home still answers, only more slowly
    return cur
