"""Reflections: your weekly journal; confidence ratings and what was hard shape next week's plan."""

import streamlit as st

from mentor.curriculum import load_curriculum
from mentor.progress import Progress
from mentor.ui import ensure_index, guarded, mentor, show_markdown

DEFAULT_CONFIDENCE = 3
TEXT_FIELDS = (("went_well", "What went well"), ("hard", "What was hard"), ("questions", "Open questions"))

m = mentor()
cur = load_curriculum(m.config.corpus_dir)
weeks = list(cur.weeks) or list(range(1, 21))


def week_label(n: int) -> str:
    return f"Week {n}: {cur.weeks[n].title}" if n in cur.weeks else f"Week {n}"


def topics(n: int) -> list:
    return list(cur.weeks[n].topics) if n in cur.weeks else []


def clear_form() -> None:
    st.session_state.pop("refl-editing", None)
    for key, _ in TEXT_FIELDS:
        st.session_state[f"refl-{key}"] = ""
    for t in topics(st.session_state["refl-week"]):
        st.session_state[f"refl-conf-{st.session_state['refl-week']}-{t.tag}"] = DEFAULT_CONFIDENCE


def load_into_form(reflection: dict) -> None:
    week = int(reflection["week"])
    st.session_state["refl-week"] = week if week in weeks else weeks[0]
    st.session_state["refl-editing"] = reflection["id"]
    for key, _ in TEXT_FIELDS:
        st.session_state[f"refl-{key}"] = reflection.get(key) or ""
    conf = reflection.get("confidence") or {}
    for t in topics(week):
        st.session_state[f"refl-conf-{week}-{t.tag}"] = int(conf.get(t.tag, DEFAULT_CONFIDENCE))


if "refl-week" not in st.session_state:
    current = Progress(m).current_week()
    st.session_state["refl-week"] = current if current in weeks else weeks[0]

st.title("Reflections")
st.caption("Write one at the end of each week. Topics you rate 1-2 or call hard come back as remediation in "
           "your next plan.")
week = st.selectbox("Week", weeks, key="refl-week", format_func=week_label, on_change=clear_form)
editing = st.session_state.get("refl-editing")
if editing:
    st.info(f"Editing reflection {editing}; saving updates it.")
    st.button("Start a new reflection instead", on_click=clear_form)

for key, _ in TEXT_FIELDS:
    st.session_state.setdefault(f"refl-{key}", "")
for t in topics(week):
    st.session_state.setdefault(f"refl-conf-{week}-{t.tag}", DEFAULT_CONFIDENCE)

with st.form("reflection"):
    texts = {key: st.text_area(label, key=f"refl-{key}") for key, label in TEXT_FIELDS}
    confidence = {}
    if topics(week):
        st.markdown("**Confidence per topic** (1 = lost, 5 = could teach it)")
        for t in topics(week):
            confidence[t.tag] = st.slider(t.tag, 1, 5, key=f"refl-conf-{week}-{t.tag}",
                                          help=f"Taught in: {t.section}" if t.section else None)
    submitted = st.form_submit_button("Save reflection", type="primary")

if submitted:
    ensure_index(m)  # loads the index so its listener makes the new reflection searchable at once
    rid = guarded(m.store.save_reflection, week, confidence=confidence, reflection_id=editing, **texts)
    if rid:
        st.session_state["refl-editing"] = rid
        st.success(f"Saved your week {week} reflection ({rid}). It is searchable now and shapes your next plan.")

st.subheader("Past reflections")
past = m.store.reflections()
if not past:
    st.caption("None yet.")
for r in reversed(past):
    with st.container(border=True):
        st.markdown(f"**{week_label(int(r['week']))}** · updated {str(r.get('updated') or '')[:10]}")
        for key, label in TEXT_FIELDS:
            if r.get(key):
                show_markdown(f"*{label}:* {r[key]}")
        if r.get("confidence"):
            st.caption(" · ".join(f"{topic} {value}/5" for topic, value in r["confidence"].items()))
        st.button("Edit", key=f"edit-{r['id']}", on_click=load_into_form, args=(r,))
