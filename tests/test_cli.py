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


def test_expected_failures_exit_without_a_traceback(capsys):
    assert main(["ask", "   "]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mentor: ") and "Traceback" not in err
