"""Shared fixtures: every test gets its own data folder; the network is only ever a loopback server."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mentor.config import ENV_VARS, Config
from mentor.core import Mentor

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus"

try:  # the loopback servers that speak Anthropic's and OpenAI's wire protocols
    from tests.servers import anthropic_server, openai_server  # noqa: F401
except ImportError:  # pragma: no cover
    pass


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory) -> Path:
    """One ONNX export of the embedding model for the whole session (exporting takes about 10 s)."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch, models_dir):
    """No test sees the developer's keys, servers or data."""
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MENTOR_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("MENTOR_MODELS", str(models_dir))
    yield


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of the small fixture corpus."""
    dest = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, dest)
    return dest


def make_config(tmp_path: Path, **env: str) -> Config:
    base = {"MENTOR_HOME": str(tmp_path / "home"), "MENTOR_CORPUS": str(FIXTURE_CORPUS)}
    base.update(env)
    return Config.from_env(base)


@pytest.fixture
def mentor(tmp_path) -> Mentor:
    """A Mentor over the fixture corpus, offline."""
    return Mentor(make_config(tmp_path))


def _fresh_app(monkeypatch, corpus: Path, **env: str):
    """The app's cached Mentor built afresh for this test from its environment, and dropped after it."""
    import streamlit as st

    for name, value in {**env, "MENTOR_CORPUS": str(corpus)}.items():
        monkeypatch.setenv(name, value)
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


@pytest.fixture
def app_over_fixture_corpus(monkeypatch):
    """The app's cached Mentor built afresh for this test, over the small fixture corpus."""
    yield from _fresh_app(monkeypatch, FIXTURE_CORPUS)


@pytest.fixture
def app_over_course(monkeypatch):
    """The app's cached Mentor built afresh for this test, offline, over the real course in `corpus/`."""
    yield from _fresh_app(monkeypatch, ROOT / "corpus", MENTOR_PROVIDER="offline")
