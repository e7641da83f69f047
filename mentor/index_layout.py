"""Where the index lives on disk, and who may touch which folder.

    index/CURRENT        the name of the generation to read ("g000007"), replaced atomically with os.replace
    index/build.lock     a cross-process file lock: one build or clean-up at a time, in any process
    index/g000007/       one immutable generation: chunks.json, bm25/, chroma/ and a .readers lock file

A build writes a new generation folder, then points CURRENT at it; nothing a reader has open is ever changed.
Each process that reads a generation holds a shared flock on its `.readers` file; an old generation is deleted
(under the build lock) only when an exclusive flock on that file succeeds, i.e. when no process reads it.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock, Timeout

from .errors import MentorError

log = logging.getLogger(__name__)

POINTER = "CURRENT"
READERS = ".readers"
BUILD_WAIT_S = 900.0  # a full build takes about a minute on two cores; a waiting process gives up after this
_NAME = re.compile(r"^g(\d{6})$")
LEGACY_FILES = ("chunks.json", "chroma", "bm25")  # the flat layout of earlier versions, moved into g000001


class Lease:
    """A shared lock on one generation: while held, no process deletes that generation's folder."""

    def __init__(self, name: str, path: Path, fd: int):
        self.name, self.path, self._fd = name, path, fd

    def release(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = -1


class Layout:
    """The generation folders under one index directory."""

    def __init__(self, root: Path):
        self.root = root

    @property
    def pointer(self) -> Path:
        return self.root / POINTER

    def current(self) -> str | None:
        try:
            name = self.pointer.read_text().strip()
        except FileNotFoundError:
            return None
        return name if _NAME.match(name) else None

    def path(self, name: str) -> Path:
        return self.root / name

    def generations(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if _NAME.match(p.name) and p.is_dir())

    def build_lock(self, timeout: float = BUILD_WAIT_S) -> FileLock:
        self.root.mkdir(parents=True, exist_ok=True)
        return FileLock(self.root / "build.lock", timeout=timeout)

    def locked_build(self):
        """The build lock, acquired; a clear message if another process holds it too long."""
        lock = self.build_lock()
        try:
            lock.acquire()
        except Timeout:
            raise MentorError(
                f"Another program has been building the search index in {self.root} for over "
                f"{BUILD_WAIT_S / 60:.0f} minutes. Wait for it to finish, or stop it and try again."
            ) from None
        return lock

    def new_generation(self) -> tuple[str, Path]:
        """A fresh, empty generation folder (the caller holds the build lock)."""
        names = self.generations() + [self.current() or "g000000"]
        number = max(int(_NAME.match(n).group(1)) for n in names) + 1
        name = f"g{number:06d}"
        path = self.path(name)
        path.mkdir(parents=True)
        (path / READERS).touch()
        return name, path

    def publish(self, name: str) -> None:
        """Point readers at a finished generation, atomically (the caller holds the build lock)."""
        tmp = self.root / f"{POINTER}.tmp"
        with open(tmp, "w") as f:
            f.write(name)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.pointer)

    def lease_current(self) -> Lease | None:
        """A shared lock on the current generation, or None when there is none yet."""
        for _ in range(20):  # each retry means a build published between two reads: rare, and never forever
            name = self.current()
            if name is None:
                return None
            path = self.path(name)
            try:
                fd = os.open(path / READERS, os.O_RDONLY)
            except FileNotFoundError:
                continue  # cleaned up between reading the pointer and opening it: read the pointer again
            fcntl.flock(fd, fcntl.LOCK_SH)
            # the pointer is checked again once locked: a generation that is still current was not deleted
            # (only non-current ones are), and from now on cannot be
            if self.current() == name and (path / READERS).exists():
                return Lease(name, path, fd)
            os.close(fd)
        raise MentorError("The search index keeps changing while it is opened; try again in a moment.")

    def collect(self, on_remove: Callable[[str, Path], None] | None = None) -> list[str]:
        """Delete every generation but the current one that no process reads (the caller holds the build lock)."""
        current = self.current()
        removed = []
        for name in self.generations():
            if name == current:
                continue
            path = self.path(name)
            try:
                fd = os.open(path / READERS, os.O_RDONLY)
            except FileNotFoundError:
                fd = -1  # a build that died before it created the file: nobody can read it
            try:
                if fd >= 0:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except BlockingIOError:
                        continue  # still read somewhere: the next build or start removes it
                    os.unlink(path / READERS)  # a reader that opens it from now on retries the pointer
                if on_remove is not None:
                    on_remove(name, path)
                shutil.rmtree(path, ignore_errors=True)
                removed.append(name)
            finally:
                if fd >= 0:
                    os.close(fd)
        if removed:
            log.info("removed old search index generation(s) %s", ", ".join(removed))
        return removed

    def migrate_legacy(self) -> None:
        """Move an index of the flat layout into generation g000001 (the caller holds the build lock)."""
        if self.current() is not None or not (self.root / "chunks.json").exists():
            return
        name, path = self.new_generation()
        for item in LEGACY_FILES:
            if (self.root / item).exists():
                os.replace(self.root / item, path / item)
        self.publish(name)
        log.info("moved the search index into generation %s", name)
