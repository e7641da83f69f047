"""History: search every past message, open a conversation, export one or all."""

import streamlit as st

from mentor.export import export_json, export_markdown
from mentor.humanize import escape_markdown, highlight, when
from mentor.ui import answer_caption, mentor, show_markdown

m = mentor()
store = m.store
tz = st.context.timezone  # times in the learner's zone
MARKS = ("\x02", "\x03")  # match marks: control characters, rare in text (a stray one only moves the bold)
st.title("History")


def _open(cid: int, mid: int) -> None:
    st.session_state.conversation_id = cid
    st.session_state.scroll_to = mid  # the Ask page scrolls to the matching message
    st.session_state.open_conversation = True


query = st.text_input("Search all your conversations", placeholder="e.g. outbox, cache stampede, week 5")
if query.strip():
    rows = store.search(query, marks=MARKS)
    st.caption(f"{len(rows)} message(s) match" if rows else "No message matches")
    for r in rows:
        who = "You" if r["role"] == "user" else "Mentor"
        with st.container(border=True):
            # escaped first, then the matches in bold: st.markdown sees no link, tag or image from a message
            st.markdown(f"**{escape_markdown(r['conversation_title'])}** · {who} · {when(r['created'], tz)}  \n"
                        + highlight(r["snippet"], *MARKS))
            st.button("Open", key=f"open-{r['id']}", icon=":material/open_in_new:", on_click=_open,
                      args=(r["conversation_id"], r["id"]))

if st.session_state.pop("open_conversation", False):
    st.switch_page("views/chat.py")

conversations = store.conversations()
st.subheader(f"Conversations ({len(conversations)})")
if conversations:
    c1, c2 = st.columns(2)
    c1.download_button("Export all as Markdown", export_markdown(store), "mentor-history.md", "text/markdown")
    c2.download_button("Export all as JSON", export_json(store), "mentor-history.json", "application/json")
else:
    st.info("No conversations yet. Ask something on the Ask page.")

PAGE = 10  # conversations a page, and messages shown per conversation at most: 2,000 took ~9 s a rerun
MESSAGES = 100
pages = max(1, -(-len(conversations) // PAGE))
page = st.number_input(f"Page (of {pages})", min_value=1, max_value=pages, value=1) if pages > 1 else 1
for conv in conversations[(page - 1) * PAGE:page * PAGE]:
    with st.expander(f"{escape_markdown(conv['title'])} · {when(conv['updated'], tz)}"):
        messages = store.messages(conv["id"])
        if len(messages) > MESSAGES:
            st.caption(f"The latest {MESSAGES} of {len(messages)} messages; export the conversation for all of them.")
        for msg in messages[-MESSAGES:]:
            with st.chat_message(msg["role"]):
                show_markdown(msg["content"])
                if msg["role"] == "assistant":
                    st.caption(answer_caption(msg))
                elif msg.get("status") == "failed":
                    st.warning(f"Not answered: {msg.get('error') or ''}")
        c1, c2, c3 = st.columns(3)
        c1.download_button("Markdown", export_markdown(store, conv["id"]), f"conversation-{conv['id']}.md",
                           key=f"md-{conv['id']}")
        c2.download_button("JSON", export_json(store, conv["id"]), f"conversation-{conv['id']}.json",
                           key=f"json-{conv['id']}")
        if c3.button("Continue in Ask", key=f"cont-{conv['id']}"):
            st.session_state.conversation_id = conv["id"]
            st.switch_page("views/chat.py")
