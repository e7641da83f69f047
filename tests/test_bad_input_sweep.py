"""Every CLI command against corrupt, empty, unwritable, missing and oversized inputs and bad configuration:
one line on stderr, exit 1 or 2, no traceback, and nothing the learner had is changed or lost.

A read-only mentor.db is not simulated: tests run as root here, which writes through chmod 444; its failure goes
through the same sqlite3.DatabaseError handler in Store as the corrupt database below."""

import io
import sys
import time

import pytest

from mentor.cli import main

COMMANDS = [
    ["history", "list"], ["history", "show", "1"], ["history", "search", "--query", "cache"], ["history", "export"],
    ["history", "import", "--query", "-"], ["index"], ["notes", "list"], ["notes", "add", "."], ["search", "cache"],
    ["ask", "What is a cache stampede?"], ["review", "-"], ["plan"], ["reflect", "--week", "3", "it went well"],
    ["reflect", "--list"], ["progress"], ["progress", "done", "w03-lesson"], ["eval"], ["route-report"],
]


def run(argv, capsys, stdin="x = 1\n"):
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse
        code = exc.code
    finally:
        sys.stdin = old
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line(code, err, codes=(1, 2)):
    assert code in codes, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mentor: ") and "Traceback" not in err, err


@pytest.mark.parametrize("argv", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
@pytest.mark.parametrize("state", ["corrupt", "empty"])
def test_a_broken_database_is_one_line_and_left_as_it_was(tmp_path, monkeypatch, capsys, argv, state):
    home = tmp_path / "home"
    home.mkdir()
    db = home / "mentor.db"
    db.write_bytes(b"" if state == "empty" else b"this is not an SQLite database, it is a diary " * 200)
    before = db.read_bytes()
    monkeypatch.setenv("MENTOR_HOME", str(home))
    code, _, err = run(argv, capsys)
    assert_one_line(code, err)
    assert "history database" in err
    assert db.read_bytes() == before  # not recreated, not overwritten


@pytest.mark.parametrize("argv", COMMANDS[:8], ids=[" ".join(c) for c in COMMANDS[:8]])
def test_an_unwritable_data_folder_is_one_line(tmp_path, monkeypatch, capsys, argv):
    blocker = tmp_path / "file"
    blocker.write_text("a file where a folder should be")
    monkeypatch.setenv("MENTOR_HOME", str(blocker / "home"))
    code, _, err = run(argv, capsys)
    assert_one_line(code, err)
    assert "MENTOR_HOME" in err


@pytest.mark.parametrize("name,value", [("MENTOR_MONTHLY_BUDGET_USD", "nan"), ("MENTOR_MONTHLY_BUDGET_USD", "inf"),
                                        ("MENTOR_MONTHLY_BUDGET_USD", "-5"), ("MENTOR_TIMEOUT_S", "0"),
                                        ("MENTOR_TIMEOUT_S", "-1"), ("MENTOR_TIMEOUT_S", "soon")])
def test_bad_configuration_exits_2(monkeypatch, capsys, name, value):
    monkeypatch.setenv(name, value)
    code, _, err = run(["history", "list"], capsys)
    assert_one_line(code, err, codes=(2,))
    assert name in err


def test_missing_and_oversized_inputs(tmp_path, capsys):
    cases = [
        (["review", str(tmp_path / "missing.py")], "No such file"),
        (["notes", "add", str(tmp_path / "missing")], "not a folder"),
        (["history", "export", "-o", str(tmp_path / "missing" / "dir" / "f.md")], "Cannot write"),
        (["ask", "\udcff"], "not UTF-8"),
        (["ask", "x" * 30_000], "limit"),
        (["reflect", "--week", "3", "y" * 2_000_000], "limit"),
        (["history", "show", "999"], "no conversation 999"),
    ]
    for argv, message in cases:
        code, _, err = run(argv, capsys)
        assert_one_line(code, err)
        assert message in err, (argv[:2], err)
    big = tmp_path / "big.py"
    with open(big, "wb") as f:  # 1 GB, sparse: refused by its size before any of it is read
        f.truncate(1 << 30)
    t0 = time.perf_counter()
    code, _, err = run(["review", str(big)], capsys)
    assert time.perf_counter() - t0 < 2
    assert_one_line(code, err)
    assert "KB; a review takes up to" in err
    code, _, err = run(["history", "import", "--query", "-"], capsys, stdin='{"conversations": [{"messages": '
                                                                            '[{"role": "user", "content": null}]}]}')
    assert_one_line(code, err)
    code, out, _ = run(["history", "list", "--json"], capsys)
    assert code == 0 and out.strip() == "[]"  # the refused import left nothing behind
