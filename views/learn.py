"""Learn: the course reader. Phases, weeks, and each week's lesson, exercises, quiz and reading notes.

Deep links open the exact section: `learn?week=6&doc=lesson&section=stampede-protection#stampede-protection`,
`learn?doc=note&path=books/ddia/05-replication.md`.
"""

import streamlit as st

from mentor import reader
from mentor.hints import MAX_LEVEL, Tutor
from mentor.progress import Progress
from mentor.ui import guarded, mentor

m = mentor()
prog = Progress(m)
tutor = Tutor(m)
cur = prog.curriculum
if not cur.weeks:
    st.info(f"No curriculum found under {m.config.corpus_dir}. Set MENTOR_CORPUS to the corpus folder.")
    st.stop()


def note_week(path: str) -> int | None:
    return next((n for n, wk in cur.weeks.items() if any(r.path == path for r in wk.reading)), None)


# a link was opened (or the page was first shown): its query parameters choose what to show
params = {k: st.query_params[k] for k in ("week", "doc", "path", "section") if k in st.query_params}
if params != st.session_state.get("learn-params"):
    st.session_state["learn-params"] = params
    doc_key = params.get("doc", "lesson")
    week = int(params["week"]) if str(params.get("week", "")).isdigit() else None
    if doc_key == "note":
        doc_key = f"note:{params.get('path', '')}"
        week = week or note_week(params.get("path", ""))
    week = week if week in cur.weeks else prog.current_week()
    st.session_state.update({"learn-phase": cur.weeks[week].phase, "learn-week": week, "learn-doc": doc_key,
                              "learn-section": params.get("section")})


def chosen() -> None:
    """A selection changed: the URL follows, so the page can be bookmarked and shared."""
    doc = st.session_state["learn-doc"]
    new = {"week": str(st.session_state["learn-week"]), "doc": doc.split(":", 1)[0]}
    if doc.startswith("note:"):
        new["path"] = doc.split(":", 1)[1]
    st.query_params.from_dict(new)
    st.session_state["learn-params"] = new
    st.session_state["learn-section"] = None


def phase_chosen() -> None:
    st.session_state["learn-week"] = min(n for n, w in cur.weeks.items() if w.phase == st.session_state["learn-phase"])
    st.session_state["learn-doc"] = "lesson"
    chosen()


def mark(item: str) -> None:
    guarded(prog.mark, item, bool(st.session_state.get(f"learn-done-{item}")))


st.title("Learn")
phases = cur.phases
c1, c2 = st.columns([1, 2])
c1.selectbox("Phase", list(phases), key="learn-phase", on_change=phase_chosen,
             format_func=lambda p: f"Phase {p}: {phases[p]}")
weeks = [n for n, w in cur.weeks.items() if w.phase == st.session_state["learn-phase"]]
if st.session_state["learn-week"] not in weeks:
    st.session_state["learn-week"] = weeks[0]
week = c2.selectbox("Week", weeks, key="learn-week", on_change=chosen,
                    format_func=lambda n: f"Week {n}: {cur.weeks[n].title}")
wk = cur.weeks[week]
options = {"lesson": "Lesson", "exercises": "Exercises", "quiz": "Quiz"}
options.update({f"note:{r.path}": f"Reading: {r.title}" for r in wk.reading})
if st.session_state["learn-doc"] not in options:  # a note outside this week's reading plan
    path = st.session_state["learn-doc"].removeprefix("note:")
    options[st.session_state["learn-doc"]] = f"Note: {path}"
key = st.selectbox("Document", list(options), key="learn-doc", on_change=chosen, format_func=options.get)

kind, _, path = key.partition(":")
doc = guarded(reader.open_doc, m.config.corpus_dir, week=week, doc=kind, path=path or None)
if doc is None:
    st.stop()

done = m.store.done_items()
st.header(doc.title, anchor=False)
st.caption(f"{doc.words:,} words · about {doc.minutes} min to read with notes")
item = reader.done_item(doc, week)
if item:
    st.session_state[f"learn-done-{item}"] = item in done
    st.checkbox("Mark done", key=f"learn-done-{item}", on_change=mark, args=(item,))
if kind == "quiz":
    st.page_link("views/quiz.py", label="Take this quiz one question at a time", icon=":material/quiz:",
                 query_params={"week": str(week)})
if wk.reading and kind == "lesson":
    st.markdown("**This week's reading:** " + " · ".join(
        f"{reader.markdown_link(r.title, r.path)} ({r.minutes} min)" for r in wk.reading))

with st.expander("Contents"):
    st.markdown("\n".join(f"{'  ' * (level - 2)}- [{h}](#{a})" for level, h, a in doc.toc()))

target = doc.find(st.session_state.get("learn-section"))
if target:
    with st.expander(f"Earlier in this document ({target} sections)"):
        for s in doc.sections[:target]:
            st.markdown(s.text)
if doc.intro and not target:
    st.markdown(doc.intro)
for s in doc.sections[target or 0:]:
    if kind == "quiz" and s.level == 2:
        question, _, answer = s.text.partition("\n")
        st.markdown(question)
        with st.expander("Answer"):
            st.markdown(answer)
        continue
    st.markdown(s.text)
    number = s.heading.split(":")[0].removeprefix("Exercise ").strip()
    if kind == "exercises" and s.level == 2 and number.isdigit():
        ex_item = f"{wk.prefix}-ex{number}"
        st.session_state[f"learn-done-{ex_item}"] = ex_item in done
        st.checkbox(f"Mark exercise {number} done", key=f"learn-done-{ex_item}", on_change=mark, args=(ex_item,))
        hints = st.session_state.setdefault(f"hints-{week}-{number}", [])
        with st.expander(f"Stuck on exercise {number}? Get a hint", expanded=bool(hints)):
            for h in hints:
                st.markdown(f"**Hint {h.level}: {h.label}**  \n{reader.safe_markdown(h.text)}")
            stuck = st.text_input("Where are you stuck? (optional)", key=f"stuck-{week}-{number}")
            level = len(hints) + 1
            c1, c2 = st.columns(2)
            if level <= MAX_LEVEL and c1.button("Next hint" if hints else "Give me a hint", key=f"hint-{ex_item}"):
                hints += [h for h in [guarded(tutor.hint, week, int(number), level=level, stuck=stuck)] if h]
                st.rerun()
            if level > MAX_LEVEL and c2.button("Show me the full outline", key=f"full-{ex_item}"):
                hints += [h for h in [guarded(tutor.hint, week, int(number), full=True, stuck=stuck)] if h]
                st.rerun()
