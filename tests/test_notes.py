"""The learner's own note folders: saved from the CLI or the Settings page, indexed and cited."""

import json

import streamlit as st
from streamlit.testing.v1 import AppTest

from mentor.cli import main
from tests.conftest import FIXTURE_CORPUS, ROOT


def _notes(tmp_path):
    folder = tmp_path / "my-notes"
    folder.mkdir()
    (folder / "kafka-at-work.md").write_text(
        "# Kafka at work\n\n## Consumer lag alarm\n\nOur team alerts when consumer lag on the embeddings topic stays "
        "above ten thousand messages for five minutes, because the nightly re-embedding job then misses its window "
        "and the search index serves stale vectors the next morning.\n")
    return folder


def test_a_notes_folder_added_from_the_cli_is_searchable(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MENTOR_CORPUS", str(FIXTURE_CORPUS))
    folder = _notes(tmp_path)
    assert main(["notes", "add", str(folder), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["folders"] == [str(folder.resolve())]
    assert main(["search", "consumer lag alarm on the embeddings topic", "--json"]) == 0
    top = json.loads(capsys.readouterr().out)[0]
    assert top["kind"] == "note" and top["source"] == "kafka-at-work.md" and top["heading"] == "Consumer lag alarm"
    assert main(["notes", "remove", str(folder)]) == 0
    capsys.readouterr()
    assert main(["search", "consumer lag alarm on the embeddings topic", "--json"]) == 0
    assert all(h["kind"] != "note" for h in json.loads(capsys.readouterr().out))


def test_a_missing_folder_is_refused(tmp_path, capsys):
    assert main(["notes", "add", str(tmp_path / "nope")]) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_settings_page_shows_configuration_and_adds_a_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("MENTOR_CORPUS", str(FIXTURE_CORPUS))
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-never-shown-123")
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "views" / "settings.py"), default_timeout=180).run()
    assert not at.exception
    page = " ".join(md.value for md in at.markdown)
    assert "configured" in page and "sk-ant-never-shown-123" not in page
    at.text_input[0].set_value(str(_notes(tmp_path)))
    at.button[0].click().run()  # "Add and index" is the first button when no folder is saved yet
    assert not at.exception
    assert any("1 Markdown file(s)" in s.value for s in at.success)
    at.run()
    assert any("my-notes" in c.value for c in at.code)  # listed among the folders on the next run
    st.cache_resource.clear()
