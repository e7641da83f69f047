"""OWASP LLM08:2025 Vector and Embedding Weaknesses: what gets into the index from the learner's note folders.

A note folder is untrusted input to the index: a malformed or hostile file must be skipped with one line naming it
(the rest indexed, ask still working), a YAML bomb must not expand, a symlink must not pull files from outside the
folder into what is embedded and sent as passages. (Injected instructions inside notes: test_llm01.)
"""

import time

import pytest

from mentor.cli import main
from mentor.core import Mentor
from mentor.corpus import split_front_matter
from tests.conftest import FIXTURE_CORPUS, make_config

LAUGHS = "---\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
    f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n" for i in range(8)) + "title: *i\n---\n# Bomb\n"
BAD = {
    "laughs.md": LAUGHS,
    "parser.md": "---\ntitle: [unclosed\n---\n# Broken\n\nbody\n",
    "constructor.md": "---\ntitle: !!python/object/apply:os.system ['echo pwned']\n---\n# Tagged\n",
    "huge-front.md": "---\ntitle: x\nfiller: " + "y" * 50_000 + "\n---\n# Huge\n",
    "list.md": "---\n- a\n- b\n---\n# A list\n",
    "latin1.md": "caf\xe9".encode("latin-1"),
}


def notes_folder(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "good.md").write_text("---\ntitle: Outbox pattern notes\n---\n# Outbox\n\nMy notes on the "
                                   "transactional outbox: write the event in the same transaction as the row.\n")
    for name, text in BAD.items():
        (notes / name).write_bytes(text if isinstance(text, bytes) else text.encode())
    return notes


def test_bad_note_files_are_skipped_one_line_each_and_the_rest_indexed(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("MENTOR_CORPUS", str(FIXTURE_CORPUS))
    notes = notes_folder(tmp_path)
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match="aliases"):
        split_front_matter(LAUGHS)
    assert time.perf_counter() - t0 < 1  # refused, not expanded (it took 37 s and 2.4 GB)
    assert main(["notes", "add", str(notes)]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    for name in BAD:
        (line,) = [e for e in err if name in e]
        assert line.startswith("mentor: note: skipped") and "Traceback" not in line
    assert main(["index", "--rebuild"]) == 0
    capsys.readouterr()
    assert main(["search", "transactional", "outbox", "my", "notes", "--json"]) == 0
    assert "good.md" in capsys.readouterr().out
    assert main(["ask", "What did my notes say about the transactional outbox?"]) == 0


def test_a_symlink_out_of_the_folder_is_not_indexed(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "mine.md").write_text("# Mine\n\nMy own note about bulkheads.\n")
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "diary.md").write_text("# Diary\n\nzebra-quokka private diary entry\n")
    (notes / "diary.md").symlink_to(outside / "diary.md")
    (notes / "linked").symlink_to(outside, target_is_directory=True)
    m = Mentor(make_config(tmp_path, MENTOR_NOTES=str(notes)))
    report = m.index.update()
    assert any("diary.md" in p and "outside" in p for p in report.problems)
    assert not [c for c in m.index.chunks.values() if "zebra-quokka" in c.text]
