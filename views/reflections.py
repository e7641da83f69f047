"""Reflections: your weekly journal in your own words; what you found hard comes back as remediation."""

import streamlit as st

from mentor.progress import Progress
from mentor.ui import ensure_index, guarded, mentor, show_markdown
from mentor.understanding import HARD_RATING, RATING_LABELS, SURE_RATING, topic_label, understand

UNRATED = "not rated"
SCALE = [UNRATED] + [f"{n} · {label}" for n, label in RATING_LABELS.items()]
TEXT_FIELDS = (("went_well", "What went well"), ("hard", "What was hard"), ("questions", "Open questions"))

m = mentor()
prog = Progress(m)
cur = prog.curriculum
weeks = list(cur.weeks) or list(range(1, 21))
ALL_TOPICS = {f"{n}:{t.tag}": f"Week {n} · {topic_label(t)}" for n, wk in cur.weeks.items() for t in wk.topics}


def week_label(n: int) -> str:
    return f"Week {n}: {cur.weeks[n].title}" if n in cur.weeks else f"Week {n}"


def topics(n: int) -> list:
    return list(cur.weeks[n].topics) if n in cur.weeks else []


def clear_form() -> None:
    for key in ("refl-editing", "refl-understood"):
        st.session_state.pop(key, None)
    for key, _ in TEXT_FIELDS:
        st.session_state[f"refl-{key}"] = ""
    for t in topics(st.session_state["refl-week"]):
        st.session_state[f"refl-conf-{st.session_state['refl-week']}-{t.tag}"] = UNRATED


def load_into_form(reflection: dict) -> None:
    week = int(reflection["week"])
    st.session_state["refl-week"] = week if week in weeks else weeks[0]
    st.session_state["refl-editing"] = reflection["id"]
    st.session_state.pop("refl-understood", None)
    for key, _ in TEXT_FIELDS:
        st.session_state[f"refl-{key}"] = reflection.get(key) or ""
    conf = reflection.get("confidence") or {}
    for t in topics(week):
        value = conf.get(t.tag)
        st.session_state[f"refl-conf-{week}-{t.tag}"] = SCALE[value] if isinstance(value, int) else UNRATED


def ratings(week: int) -> dict[str, int]:
    """Only the topics the learner rated: an untouched slider saves nothing."""
    out = {}
    for t in topics(week):
        value = st.session_state.get(f"refl-conf-{week}-{t.tag}", UNRATED)
        if value != UNRATED:
            out[t.tag] = SCALE.index(value)
    return out


def corrected(week: int) -> dict[str, int]:
    """The learner's corrections of what was understood, then their own ratings on top."""
    conf = {key.split(":", 1)[1]: SURE_RATING for key in st.session_state.get("refl-sure-topics", [])}
    conf.update({key.split(":", 1)[1]: HARD_RATING for key in st.session_state.get("refl-hard-topics", [])})
    return {**conf, **ratings(week)}


if "refl-week" not in st.session_state:
    current = prog.current_week()
    st.session_state["refl-week"] = current if current in weeks else weeks[0]

st.title("Reflections")
st.caption("Write a few sentences at the end of each week, in your own words: the mentor reads which topics you "
           "found hard and plans remediation for them next week. Rate topics only if you want to.")
week = st.selectbox("Week", weeks, key="refl-week", format_func=week_label, on_change=clear_form)
editing = st.session_state.get("refl-editing")
if editing:
    st.info(f"Editing reflection {editing}; saving updates it.")
    st.button("Start a new reflection instead", on_click=clear_form)

for key, _ in TEXT_FIELDS:
    st.session_state.setdefault(f"refl-{key}", "")
for t in topics(week):
    st.session_state.setdefault(f"refl-conf-{week}-{t.tag}", UNRATED)

with st.form("reflection"):
    texts = {key: st.text_area(label, key=f"refl-{key}") for key, label in TEXT_FIELDS}
    if topics(week):
        st.markdown("**How sure are you of each topic?** (optional; leave a topic unrated if you like)")
        for t in topics(week):
            st.select_slider(topic_label(t), options=SCALE, key=f"refl-conf-{week}-{t.tag}")
    submitted = st.form_submit_button("Save reflection", type="primary")

if submitted:
    ensure_index(m)  # the index reads the text; its listener makes the new reflection searchable at once
    found = guarded(understand, m, week, **texts)
    confidence = {**(found.confidence() if found else {}), **ratings(week)}
    rid = guarded(m.store.save_reflection, week, confidence=confidence, reflection_id=editing, **texts)
    if rid:
        st.session_state["refl-editing"] = rid
        st.session_state["refl-understood"] = found
        st.session_state["refl-hard-topics"] = [f"{f.week}:{f.tag}" for f in found.hard()] if found else []
        st.session_state["refl-sure-topics"] = [f"{f.week}:{f.tag}" for f in found.sure()] if found else []
        st.success(f"Saved your week {week} reflection ({rid}). It is searchable now and shapes your next plan.")

found = st.session_state.get("refl-understood")
if found is not None and st.session_state.get("refl-editing"):
    with st.container(border=True):
        st.markdown(f"**What the mentor understood:** {found.summary()}")
        st.multiselect("You found hard (next week's plan revisits these)", list(ALL_TOPICS), key="refl-hard-topics",
                       format_func=ALL_TOPICS.get)
        st.multiselect("You feel sure about", list(ALL_TOPICS), key="refl-sure-topics", format_func=ALL_TOPICS.get)
        if st.button("Save corrections"):
            rid = st.session_state["refl-editing"]
            guarded(m.store.save_reflection, week, confidence=corrected(week), reflection_id=rid,
                    **{key: st.session_state.get(f"refl-{key}", "") for key, _ in TEXT_FIELDS})
            st.success("Corrections saved: the next plan follows them.")

st.subheader("Past reflections")
past = m.store.reflections()
if not past:
    st.caption("None yet.")
labels = {t.tag: topic_label(t) for wk in cur.weeks.values() for t in wk.topics}
for r in reversed(past):
    with st.container(border=True):
        st.markdown(f"**{week_label(int(r['week']))}** · updated {str(r.get('updated') or '')[:10]}")
        for key, label in TEXT_FIELDS:
            if r.get(key):
                show_markdown(f"*{label}:* {r[key]}")
        if r.get("confidence"):
            st.caption(" · ".join(f"{labels.get(topic, topic)}: {RATING_LABELS.get(value, value)}"
                                  for topic, value in r["confidence"].items()))
        st.button("Edit", key=f"edit-{r['id']}", on_click=load_into_form, args=(r,))
