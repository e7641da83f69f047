"""Small helpers shared by the Streamlit pages: the one Mentor per process, and error display."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import streamlit as st

from .config import Config
from .core import Mentor, build_mentor
from .errors import MentorError


@st.cache_resource(show_spinner=False)
def _mentor(config: Config) -> Mentor:
    m = build_mentor(config)
    # the model and the redaction engines load in the background while the first page renders
    threading.Thread(target=m.warm, name="mentor-warm-up", daemon=True).start()
    return m


def mentor() -> Mentor:
    """The process-wide Mentor for the current configuration."""
    try:
        return _mentor(Config.from_env())
    except MentorError as exc:
        st.error(str(exc))
        st.stop()


def ensure_index(m: Mentor) -> None:
    """Build the index on first use, with a progress bar, and say so if it had to be rebuilt."""
    if not m.index_open:
        bar = st.progress(0.0, text="Loading the search index…")

        def progress(done: int, total: int, msg: str) -> None:
            bar.progress(done / max(total, 1), text=f"Building the search index: {msg}")

        try:
            m.open_index(progress=progress)
        except MentorError as exc:
            bar.empty()
            st.error(str(exc))
            st.stop()
        bar.empty()
    if m.index.notice:
        st.info(m.index.notice)
        m.index.notice = ""


def guarded(fn: Callable[..., Any], *args, **kwargs) -> Any:
    """Run fn; a MentorError becomes a visible message instead of a traceback."""
    try:
        return fn(*args, **kwargs)
    except MentorError as exc:
        st.error(str(exc))
        return None


def answer_caption(msg: dict) -> str:
    parts = [f"route: {msg.get('provider') or '?'}", f"model: {msg.get('model') or '?'}"]
    if msg.get("cached"):
        parts.append("cached")
    parts.append(f"tokens: {msg.get('tokens_in') or 0}+{msg.get('tokens_out') or 0}")
    parts.append(f"cost: ${msg.get('cost_usd') or 0:.4f}")
    if msg.get("latency_ms") is not None:
        parts.append(f"{msg['latency_ms']:.0f} ms")
    return " · ".join(parts)
