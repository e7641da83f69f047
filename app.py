"""Architect Mentor: the Streamlit entry point (navigation only; pages render, mentor/ decides)."""

import streamlit as st

st.set_page_config(page_title="Architect Mentor", page_icon=":material/architecture:", layout="wide")

pages = [
    st.Page("pages/chat.py", title="Ask", icon=":material/chat:", default=True),
    st.Page("pages/review.py", title="Review", icon=":material/code:"),
    st.Page("pages/plan.py", title="Plan", icon=":material/event_note:"),
    st.Page("pages/reflections.py", title="Reflections", icon=":material/edit_note:"),
    st.Page("pages/progress.py", title="Progress", icon=":material/checklist:"),
    st.Page("pages/history.py", title="History", icon=":material/history:"),
    st.Page("pages/insights.py", title="Insights", icon=":material/monitoring:"),
]
st.navigation(pages).run()
