"""Plan: next week's tasks from the curriculum, your progress and your reflections, within your hours."""

import streamlit as st

from mentor import plan_export
from mentor.planner import DAYS, Planner
from mentor.progress import Progress
from mentor.reader import reader_link
from mentor.ui import guarded, mentor, show_markdown

m = mentor()
planner = Planner(m)
cur = planner.curriculum
current = Progress(m).current_week()


def save_hours() -> None:
    guarded(planner.set_budget, st.session_state["plan-hours"])


def tick(plan_id: int, item: str) -> None:
    guarded(planner.tick, plan_id, item, bool(st.session_state.get(f"tick-{plan_id}-{item}")))


def week_label(n: int | None) -> str:
    if n is None:
        return f"Current week ({current})"
    return f"Week {n}: {cur.weeks[n].title}"


st.title("Weekly plan")
st.caption("Monday learn, Tuesday to Thursday build, Friday review, weekend reflect.")
st.session_state.setdefault("plan-hours", planner.budget())
cols = st.columns([2, 1])
week = cols[0].selectbox("Week", [None, *cur.weeks], format_func=week_label, key="plan-week")
hours = cols[1].number_input("Hours this week", min_value=0.5, max_value=100.0, step=0.5, key="plan-hours",
                             on_change=save_hours)
if st.button("Propose plan", type="primary", icon=":material/event_note:"):
    with st.spinner("Planning your week…"):
        guarded(planner.plan, week=week, hours=hours)

plan = planner.latest()
if plan is None:
    st.info("No plan yet: choose a week and your hours, then propose one.")
    st.stop()

done = planner.done(plan)
planned = sum(t["minutes"] for t in plan["tasks"])
st.subheader(f"Week {plan['week']}")
st.caption(f"{planned / 60:g} h planned · {plan['hours_budget']:g} h budget · {plan['provider']} · "
           f"plan {plan['plan_id']} · {len(done)} of {len(plan['tasks'])} done")
for day in DAYS:
    tasks = [t for t in plan["tasks"] if t["day"] == day]
    if not tasks:
        continue
    st.markdown(f"#### {day}")
    for t in tasks:
        key = f"tick-{plan['plan_id']}-{t['item']}"
        st.checkbox(f"{t['title']} · {t['minutes']} min", value=t["item"] in done, key=key, on_change=tick,
                    args=(plan["plan_id"], t["item"]))
        link = reader_link(t["source"]) if t.get("source") else ""
        st.caption(t["reason"] + (f" · [open in the reader]({link})" if link else ""))
st.markdown("#### Notes")
show_markdown(plan["notes"])
app_url = (st.context.url or plan_export.DEFAULT_APP_URL).split("?")[0].rsplit("/", 1)[0]  # the app's root
c1, c2 = st.columns(2)
c1.download_button("Download as Markdown", plan_export.markdown(plan, done, app_url),
                   file_name=f"plan-week-{plan['week']:02d}.md", mime="text/markdown", icon=":material/download:")
c2.download_button("Add to calendar (.ics)", plan_export.ics(plan, m.store.setting("start_date"), app_url),
                   file_name=f"plan-week-{plan['week']:02d}.ics", mime="text/calendar", icon=":material/event:")
