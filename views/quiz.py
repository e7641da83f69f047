"""Quiz: one question at a time. Write an answer, see the key, grade yourself; FSRS schedules the next review."""

from datetime import datetime

import streamlit as st

from mentor.progress import Progress
from mentor.quiz import RATINGS, Deck
from mentor.reader import reader_link, safe_markdown
from mentor.ui import guarded, mentor

m = mentor()
deck = Deck(m)
cur = Progress(m).curriculum
weeks = [n for n, w in cur.weeks.items() if w.quiz]
if not weeks:
    st.info("No quizzes in this corpus.")
    st.stop()
if "quiz-week" not in st.session_state:
    asked = st.query_params.get("week", "")
    current = int(asked) if asked.isdigit() and int(asked) in weeks else Progress(m).current_week()
    st.session_state["quiz-week"] = current if current in weeks else weeks[0]


def reset() -> None:
    for key in ("quiz-q", "quiz-checked", "quiz-grade", "quiz-card"):
        st.session_state.pop(key, None)
    st.query_params["week"] = str(st.session_state["quiz-week"])


def check() -> None:
    answer = st.session_state.get("quiz-answer", "")
    st.session_state["quiz-checked"] = answer
    st.session_state["quiz-grade"] = deck.model_grade(deck.question(st.session_state["quiz-q"]), answer)


def grade(rating: str) -> None:
    model = st.session_state.get("quiz-grade")
    st.session_state["quiz-card"] = guarded(deck.review, st.session_state["quiz-q"], rating,
                                            answer=st.session_state.get("quiz-checked", ""), grade=model)


def next_question() -> None:
    reset()
    st.session_state["quiz-answer"] = ""


st.title("Quiz")
week = st.selectbox("Week", weeks, key="quiz-week", on_change=next_question,
                    format_func=lambda n: f"Week {n}: {cur.weeks[n].title}")
due = deck.due(week=week)
st.caption(f"{len(deck.questions(week))} questions · {len(due)} card(s) due for review this week")

if "quiz-q" not in st.session_state:
    q = deck.next_question(week)
    if q is None:
        st.success(f"Every week {week} question is scheduled; none is due now. Come back when Today says so.")
        st.stop()
    st.session_state["quiz-q"] = q.id
q = deck.question(st.session_state["quiz-q"])

st.subheader(f"Question {q.number}")
st.markdown(q.text)
if "quiz-checked" not in st.session_state:
    st.text_area("Your answer", key="quiz-answer", height=140,
                 placeholder="Write it in your own words before you look at the key.")
    st.button("Check my answer", type="primary", on_click=check)
    st.stop()

st.markdown("**Your answer:**")
st.markdown(safe_markdown(st.session_state["quiz-checked"] or "(no answer)"))

with st.container(border=True):
    st.markdown(f"**Answer key:** {q.key}")
    link = reader_link(cur.weeks[week].lesson)
    st.caption(f"Concept: {q.concept}" + (f" · [read the lesson]({link})" if link else ""))
model = st.session_state.get("quiz-grade")
if model:
    st.info(f"The mentor's grade: **{model.rating.capitalize()}**. {safe_markdown(model.feedback)}  \n"
            "You decide: keep it or choose another grade below.")
card = st.session_state.get("quiz-card")
if card is None:
    st.markdown("**How well did you answer?**")
    cols = st.columns(len(RATINGS))
    for col, rating in zip(cols, RATINGS, strict=True):
        col.button(rating.capitalize(), key=f"rate-{rating}", on_click=grade, args=(rating,), width="stretch",
                   type="primary" if model and model.rating == rating else "secondary")
    st.stop()

due_at = datetime.fromisoformat(card.due).astimezone()
st.success(f"Graded {card.last_rating}. FSRS schedules the next review of {card.id} for "
           f"{due_at:%a %d %b %Y %H:%M} ({card.reviews} review(s) so far).")
st.button("Next question", type="primary", on_click=next_question)
