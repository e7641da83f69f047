"""Today: the landing page. This week, today's part of the rhythm, what is due, and the one next step."""

from datetime import date

import streamlit as st

from mentor.planner import DEFAULT_HOURS
from mentor.today import setup, task_action, today
from mentor.ui import guarded, mentor

m = mentor()
view = today(m)

if view.setup_needed:
    st.title("Welcome to Architect Mentor")
    st.markdown("Twenty weeks from ML engineer to software architect: Monday you learn, Tuesday to Thursday you "
                "build, Friday you review, the weekend you reflect. Two answers set up your plan.")
    with st.form("setup"):
        start = st.date_input("When do you start? (the Monday of week 1)", value=None, format="YYYY-MM-DD")
        hours = st.number_input("Hours per week", min_value=0.5, max_value=100.0, value=DEFAULT_HOURS, step=0.5)
        if st.form_submit_button("Start", type="primary"):
            if start is None:
                st.error("Choose your start date.")
            elif guarded(setup, m, start.isoformat(), hours):
                st.rerun()
    st.stop()

st.title("Today")
st.caption(f"{date.fromisoformat(view.date):%A %d %B %Y} · week {view.week}: {view.week_title} · "
           f"{view.day}: {view.focus} day")
c = st.columns(4)
c[0].metric("Due today", len(view.due_today))
c[1].metric("Overdue", len(view.overdue))
c[2].metric("Quiz cards due", len(view.cards_due))
c[3].metric("Streak", f"{view.streak} day{'s' if view.streak != 1 else ''}")

with st.container(border=True):
    st.markdown(f"**Next:** {view.next_action.label}")
    st.page_link(view.next_action.page, label="Do it now", icon=":material/arrow_forward:",
                 query_params=view.next_action.params or None)

if view.check_in:
    st.info(f"Weekend check-in: how did week {view.week} go? A few sentences in your own words are enough; what "
            "you found hard comes back as remediation in next week's plan.")
    st.page_link("views/reflections.py", label=f"Write your week {view.week} reflection", icon=":material/edit_note:")


def tasks(title: str, items: list[dict]) -> None:
    if not items:
        return
    st.subheader(title)
    for t in items:
        action = task_action(t)
        st.page_link(action.page, label=f"{t['title']} · {t['minutes']} min", query_params=action.params or None,
                     icon=":material/radio_button_unchecked:")
        st.caption(f"{t['day']} · {t['reason']}")


tasks("Overdue", view.overdue)
tasks(f"Due today ({view.day})", view.due_today)
if view.cards_due:
    st.subheader("Quiz cards due")
    for card in view.cards_due:
        st.page_link("views/quiz.py", label=f"{card.id}: {card.concept} (last graded {card.last_rating or '-'})",
                     query_params={"week": str(card.week)}, icon=":material/quiz:")
if view.behind:
    st.caption(f"{view.behind} item(s) from earlier weeks are still open; the plan carries them as catch-up.")
if not (view.overdue or view.due_today or view.cards_due):
    st.success("Nothing due today. The next step above keeps you moving.")
