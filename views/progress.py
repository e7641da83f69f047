"""Progress: where you are in the 20 weeks; tick lessons, exercises and quizzes as you finish them."""

from datetime import date

import streamlit as st

from mentor.progress import Progress
from mentor.reader import reader_link
from mentor.ui import guarded, mentor

m = mentor()
prog = Progress(m)
cur = prog.curriculum


def save_start() -> None:
    value = st.session_state.get("progress-start")
    if value:
        guarded(prog.set_start, value.isoformat())


def toggle(item_id: str) -> None:
    guarded(prog.mark, item_id, bool(st.session_state.get(f"item-{item_id}")))


st.title("Progress")
start = prog.start_date()
st.date_input("Start date (the Monday of week 1)", value=date.fromisoformat(start) if start else None,
              key="progress-start", on_change=save_start, format="YYYY-MM-DD")

summary = prog.summary()
if not summary["weeks"]:
    st.info(f"No curriculum found under {m.config.corpus_dir}. Set MENTOR_CORPUS to the corpus folder.")
    st.stop()
st.caption(f"Current week: {summary['current_week']}"
           + ("" if summary["start_date"] else " (the first week with something left to do; set a start date "
                                              "to follow the calendar)"))

overall = summary["overall"]
st.progress(overall["percent"] / 100,
            text=f"**Overall**: {overall['done']} of {overall['total']} done ({overall['percent']:.0f}%)")
for phase in summary["phases"]:
    st.progress(phase["percent"] / 100, text=f"Phase {phase['phase']} {phase['title']}: {phase['done']} of "
                                             f"{phase['total']} ({phase['percent']:.0f}%)")

st.subheader("Weeks")
for week in summary["weeks"]:
    done = sum(1 for i in week["items"] if i["done"])
    label = f"Week {week['week']}: {week['title']} ({done}/{len(week['items'])})"
    with st.expander(label, expanded=week["week"] == summary["current_week"]):
        st.markdown(f"[Open week {week['week']} in the reader]({reader_link(cur.week(week['week']).lesson)})")
        for item in week["items"]:
            st.checkbox(f"{item['title']} · {item['minutes']} min", value=item["done"], key=f"item-{item['id']}",
                        on_change=toggle, args=(item["id"],), help=item["id"])
