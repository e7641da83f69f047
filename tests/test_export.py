import json

from mentor.cli import main
from mentor.export import export_json, export_markdown, import_json


def _history(store):
    cid = store.create_conversation()
    store.add_message(cid, "user", "What is an outbox?", status="answered")
    store.add_message(cid, "assistant", "An outbox table ... [1]", provider="offline", model="extractive",
                      citations=[{"n": 1, "source": "curriculum/w5/lesson.md", "title": "Week 5", "week": 5,
                                  "heading": "The transactional outbox"}])
    return cid


def test_markdown_is_a_readable_transcript(mentor):
    cid = _history(mentor.store)
    md = export_markdown(mentor.store, cid)
    assert md.startswith("## What is an outbox?")
    assert "### You" in md and "### Mentor" in md and "An outbox table" in md
    assert "Week 5 > The transactional outbox" in md and "week 5" in md


def test_json_round_trips(mentor):
    cid = _history(mentor.store)
    text = export_json(mentor.store, cid)
    (new_id,) = import_json(mentor.store, text)
    again = json.loads(export_json(mentor.store, new_id))["conversations"][0]
    orig = json.loads(text)["conversations"][0]

    def strip(ms):
        return [{k: v for k, v in m.items() if k not in ("id", "conversation_id", "created", "reply_to")} for m in ms]

    assert [m.pop("mode") for m in again["messages"]] == ["imported"] * len(orig["messages"])  # provenance kept
    assert strip(again["messages"]) == strip([{k: v for k, v in m.items() if k != "mode"} for m in orig["messages"]])
    assert again["title"] == orig["title"]


def test_cli_history_commands(mentor, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("MENTOR_HOME", str(mentor.config.home))
    cid = _history(mentor.store)
    assert main(["history", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["id"] == cid
    out = tmp_path / "h.json"
    assert main(["history", "export", "--format", "json", "-o", str(out)]) == 0
    assert json.loads(out.read_text())["conversations"][0]["messages"][1]["provider"] == "offline"
    assert main(["history", "show", "999"]) == 2
    assert "no conversation 999" in capsys.readouterr().err
