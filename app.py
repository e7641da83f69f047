"""Architect Mentor: the Streamlit entry point (navigation only; pages render, mentor/ decides)."""

from pathlib import Path

import streamlit as st

from mentor.ui import close_sidebar_on_narrow_screens

# a local file: a ":material/...:" page icon makes the browser fetch the favicon from an external font host
ICON = Path(__file__).parent / "static" / "icon.png"
st.set_page_config(page_title="Architect Mentor", page_icon=str(ICON), layout="wide")

pages = [
    st.Page("views/today.py", title="Today", icon=":material/today:", default=True),
    st.Page("views/learn.py", title="Learn", icon=":material/menu_book:"),
    st.Page("views/quiz.py", title="Quiz", icon=":material/quiz:"),
    st.Page("views/chat.py", title="Ask", icon=":material/chat:"),
    st.Page("views/review.py", title="Review", icon=":material/code:"),
    st.Page("views/plan.py", title="Plan", icon=":material/event_note:"),
    st.Page("views/reflections.py", title="Reflections", icon=":material/edit_note:"),
    st.Page("views/progress.py", title="Progress", icon=":material/checklist:"),
    st.Page("views/history.py", title="History", icon=":material/history:"),
    st.Page("views/insights.py", title="Insights", icon=":material/monitoring:"),
    st.Page("views/settings.py", title="Settings", icon=":material/settings:"),
]
page = st.navigation(pages)
close_sidebar_on_narrow_screens(f"{page.url_path}#{st.session_state.get('conversation_id')}")
page.run()
