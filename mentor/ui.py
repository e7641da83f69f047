"""Small helpers shared by the Streamlit pages: the one Mentor per process, and error display."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

import streamlit as st

from .citations import link_markers
from .config import Config
from .core import Mentor, build_mentor
from .errors import MentorError
from .reader import internal_link
from .render import safe_markdown


def _server_log() -> None:
    """The app's own events (index opened or built, waits for the history database) in the server's log."""
    logger = logging.getLogger("mentor")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


@st.cache_resource(show_spinner=False)
def _mentor(config: Config) -> Mentor:
    _server_log()
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
    """Open the index; on a first run, build it behind a screen that says what is happening, with a progress bar."""
    if not m.index_open:
        screen = st.empty()
        with screen.container():
            st.subheader("Getting your mentor ready")
            note = st.empty()
            note.caption("Opening the search index of your course…")
            bar = st.progress(0.0, text="Opening the search index…")

        def progress(done: int, total: int, msg: str) -> None:
            note.caption("First run: your mentor is reading the course and building its search index. This "
                         "happens once and takes about a minute; your questions are answered right after.")
            bar.progress(min(done / max(total, 1), 1.0), text=f"Building the search index: {msg}")

        try:
            m.open_index(progress=progress)  # other sessions arriving meanwhile wait here for the same index
        except MentorError as exc:
            screen.empty()
            st.error(str(exc))
            st.stop()
        screen.empty()
    if m.index.notice:
        st.info(m.index.notice)
        m.index.notice = ""


# Streamlit closes the sidebar after navigation only when the user agent names a phone; a narrow window, a tablet or
# a phone browser in desktop mode keeps it open over the page. This closes it on any screen as narrow as Streamlit's
# own mobile breakpoint when the page or the conversation changed (our code, fixed text: nothing untrusted in it).
_FOLLOW_JS = """
export default function ({ data }) {
  const key = JSON.stringify(data);
  const changed = window.__mentorPlace !== undefined && window.__mentorPlace !== key;
  window.__mentorPlace = key;
  if (!changed || !window.matchMedia("(max-width: 768px)").matches) return;
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  const close = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
  if (sidebar && close && sidebar.getBoundingClientRect().width > 0) close.click();
}
"""


@st.cache_resource(show_spinner=False)
def _component(name: str, js: str):
    """One of our own script components (fixed text), registered once per process."""
    return st.components.v2.component(name, js=js)


# Scrolls the page to one element of ours, by its Streamlit key (our own text, a number in it: nothing untrusted).
# The Ask page sticks to its bottom while content arrives (Streamlit's chat layout), and a long conversation keeps
# arriving for seconds on a slow machine, so the element is brought back into view whenever that pulls it away,
# until it has stayed in view for 1.5 s (or 15 s have passed). The learner's own wheel, touch, key or click ends it
# at once: their scrolling is never fought.
_SCROLL_JS = """
export default function ({ data }) {
  const started = performance.now(), inputs = ["wheel", "touchstart", "keydown", "pointerdown"];
  let inViewSince = null, stopped = false;
  const stop = () => { stopped = true; };
  inputs.forEach(e => window.addEventListener(e, stop, { capture: true, passive: true }));
  const check = () => {
    const el = document.querySelector('.st-key-' + CSS.escape(data.key)), now = performance.now();
    if (el && !stopped) {
      const r = el.getBoundingClientRect();
      if (r.bottom < 0 || r.top > window.innerHeight) {
        el.scrollIntoView({ block: "center" });
        inViewSince = null;
      } else if (inViewSince === null) {
        inViewSince = now;
      }
    }
    const settled = inViewSince !== null && now - inViewSince > 1500;
    if (stopped || settled || now - started > 15000) {
      inputs.forEach(e => window.removeEventListener(e, stop, { capture: true }));
    } else {
      setTimeout(check, 100);
    }
  };
  check();
}
"""


def scroll_to(key: str) -> None:
    """Scroll the page so that the element with this Streamlit key is in view (a search match, say)."""
    _component("mentor_scroll_to", _SCROLL_JS)(key=f"scroll-{key}", data={"key": key}, height=0)


def close_sidebar_on_narrow_screens(place: str) -> None:
    """On a narrow screen, close the sidebar when `place` (the page, the conversation) changes."""
    with st.sidebar:
        _component("mentor_sidebar_follows_navigation", _FOLLOW_JS)(key="sidebar-follower", data={"place": place},
                                                                     height=0)


def guarded(fn: Callable[..., Any], *args, **kwargs) -> Any:
    """Run fn; a MentorError becomes a visible message instead of a traceback."""
    try:
        return fn(*args, **kwargs)
    except MentorError as exc:
        st.error(str(exc))
        return None


def _safe(text: str | None) -> str:
    return safe_markdown(text, mentor().config.image_hosts, internal=internal_link)


def show_markdown(text: str | None, container: Any = None) -> None:
    """Untrusted Markdown (answers, notes, reflections, advice, review text) rendered so that nothing in it makes
    the browser fetch a URL; images only from the hosts in MENTOR_IMAGE_HOSTS (none by default), links only into
    the course reader."""
    (container or st).markdown(_safe(text))


def show_answer(text: str | None, citations: list[dict] | None, container: Any = None) -> None:
    """An answer, safe as above, whose [n] markers open the cited section in the course reader."""
    (container or st).markdown(link_markers(_safe(text), citations or []))


def stream_markdown(pieces: Iterable[str], slot: Any = None) -> str:
    """Show a streamed answer as it grows, made safe as a whole each time (a link split over two pieces must
    not slip through), and return its text."""
    slot, text = slot or st.empty(), ""
    for piece in pieces:
        text += piece
        slot.markdown(_safe(text) + " ▌")
    slot.markdown(_safe(text))
    return text


def answer_caption(msg: dict) -> str:
    parts = [f"route: {msg.get('provider') or '?'}", f"model: {msg.get('model') or '?'}"]
    if msg.get("cached"):
        parts.append("cached")
    parts.append(f"tokens: {msg.get('tokens_in') or 0}+{msg.get('tokens_out') or 0}")
    parts.append(f"cost: ${msg.get('cost_usd') or 0:.4f}")
    if msg.get("latency_ms") is not None:
        parts.append(f"{msg['latency_ms']:.0f} ms")
    return " · ".join(parts)
