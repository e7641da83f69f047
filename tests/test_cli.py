import json
import subprocess
import sys

from mentor.cli import build_parser, main
from tests.conftest import FIXTURE_CORPUS, ROOT


def test_every_command_is_documented_and_takes_json():
    readme = (ROOT / "README.md").read_text()
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, sp in sub.choices.items():
        assert f"mentor {name}" in readme, name
        assert any("--json" in a.option_strings for a in sp._actions), name


def test_help_runs_as_a_module():
    out = subprocess.run([sys.executable, "-m", "mentor", "--help"], capture_output=True, text=True, check=True)
    assert "ask" in out.stdout and "review" in out.stdout


def test_ask_and_search_json_offline(monkeypatch, capsys):
    monkeypatch.setenv("MENTOR_CORPUS", str(FIXTURE_CORPUS))
    assert main(["search", "cache", "stampede", "--json", "--k", "3"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits[0]["week"] == 6 and hits[0]["source"].startswith("curriculum/") and hits[0]["rank"] == 1
    assert set(hits[0]) == {"rank", "score", "text", "source", "title", "heading", "kind", "week", "phase", "book",
                            "paper"}
    assert main(["ask", "What does leader-follower replication do?", "--json"]) == 0
    ans = json.loads(capsys.readouterr().out)
    assert ans["provider"] == "offline" and ans["citations"][0]["book"] == "ddia"
    for key in ("answer", "model", "route_reason", "cached", "tokens_in", "tokens_out", "cost_usd", "latency_ms",
                "conversation_id", "redactions"):
        assert key in ans


def test_ask_regenerate_answers_a_stored_question_again(monkeypatch, capsys):
    monkeypatch.setenv("MENTOR_CORPUS", str(FIXTURE_CORPUS))
    assert main(["ask", "How do I stop a cache stampede?", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(["ask", "--regenerate", str(first["question_id"]), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["question_id"] == first["question_id"] and again["message_id"] != first["message_id"]
    assert again["answer"] != first["answer"] and not again["cached"]  # fresh: not the cache, not the same extracts
    assert main(["ask", "--regenerate", "999"]) == 2
    assert "no message 999" in capsys.readouterr().err


def test_expected_failures_exit_without_a_traceback(capsys):
    assert main(["ask", "   "]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mentor: ") and "Traceback" not in err


def test_the_learning_loop_on_the_command_line(monkeypatch, capsys):
    monkeypatch.setenv("MENTOR_CORPUS", str(ROOT / "corpus"))
    assert main(["today", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["setup_needed"] is True
    assert main(["today", "--start", "2026-09-07", "--hours", "8", "--json"]) == 0
    view = json.loads(capsys.readouterr().out)
    assert view["setup_needed"] is False and view["next_action"]["label"]
    assert main(["quiz", "take", "--week", "6", "--json"]) == 0
    asked = json.loads(capsys.readouterr().out)
    assert asked["id"] == "w06-q1" and "key" not in asked  # the key only after an answer
    assert main(["quiz", "take", "--question", "w06-q1", "--answer", "a race", "--grade", "again", "--json"]) == 0
    taken = json.loads(capsys.readouterr().out)
    assert taken["key"].startswith("A reader missed") and taken["card"]["last_rating"] == "again"
    assert main(["quiz", "due", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []  # due again in a minute, not now
    assert main(["hint", "--week", "6", "--exercise", "2", "--json"]) == 0
    hint = json.loads(capsys.readouterr().out)
    assert hint["level"] == 1 and hint["text"].endswith("?")
    assert main(["read", "--week", "6", "--section", "Stampede protection", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["text"].startswith("## Stampede protection") and doc["link"].endswith("#stampede-protection")
    assert main(["read", "--week", "6", "--section", "nope"]) == 2
    assert "has no section" in capsys.readouterr().err
