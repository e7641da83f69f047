"""Ask: chat with the mentor; answers stream, cite their sources and are kept in SQLite."""

import streamlit as st

from mentor.errors import MentorError
from mentor.reader import reader_link
from mentor.reader import safe_markdown as course_markdown
from mentor.ui import answer_caption, ensure_index, mentor, show_markdown, stream_markdown

m = mentor()
store = m.store

# --- sidebar: conversations ---------------------------------------------------------------------
with st.sidebar:
    st.subheader("Conversations")
    if st.button("New conversation", icon=":material/add:", width="stretch"):
        st.session_state.conversation_id = None
    conversations = store.conversations()
    for conv in conversations[:50]:
        current = conv["id"] == st.session_state.get("conversation_id")
        title = conv["title"] if len(conv["title"]) <= 40 else conv["title"][:39] + "…"
        label = ("▸ " if current else "") + title
        if st.button(label, key=f"conv-{conv['id']}", width="stretch"):
            st.session_state.conversation_id = conv["id"]
            st.rerun()
    cid = st.session_state.get("conversation_id")
    if cid:
        with st.expander("Rename or delete"):
            title = st.text_input("Title", value=store.conversation(cid)["title"], key=f"title-{cid}")
            if st.button("Rename", key="rename"):
                try:
                    store.rename_conversation(cid, title)
                    st.rerun()
                except MentorError as exc:
                    st.error(str(exc))
            if st.button("Delete this conversation", key="delete", type="primary"):
                store.delete_conversation(cid)
                st.session_state.conversation_id = None
                st.rerun()

st.title("Ask your mentor")
ensure_index(m)
routes = m.router.available()
if routes == ["offline"]:
    st.caption("Offline mode: answers are cited extracts of the course material. "
               "Set ANTHROPIC_API_KEY or MENTOR_LOCAL_BASE_URL to use a model.")


def render_answer(msg: dict) -> None:
    st.caption(answer_caption(msg) + (f" · {msg['route_reason']}" if msg.get("route_reason") else "")
               + f" · [How was this answered?](./insights?trace={int(msg['id'])})")
    red = msg.get("redactions") or {}
    if red:
        st.caption("Redacted before leaving this machine: " + ", ".join(f"{n} {t}" for t, n in red.items()))
    for c in msg.get("citations") or []:
        label = c.get("label") or f"{c.get('title')} › {c.get('heading') or ''}"
        with st.expander(f"[{c.get('n')}] {label}"):
            st.markdown(course_markdown(c.get("text") or "", c.get("source") or ""))
            link = reader_link(c.get("source") or "", c.get("heading"))
            if link:
                st.markdown(f"[Open in the reader]({link})")
    fb = store.feedback(msg["id"])
    cols = st.columns([1, 1, 6])
    if cols[0].button("Helpful", icon=":material/thumb_up:", key=f"up-{msg['id']}",
                      disabled=bool(fb and fb["rating"] == 1)):
        store.add_feedback(msg["id"], 1)
        st.rerun()
    if cols[1].button("Not helpful", icon=":material/thumb_down:", key=f"down-{msg['id']}",
                      disabled=bool(fb and fb["rating"] == -1)):
        store.add_feedback(msg["id"], -1)
        st.rerun()
    if fb and fb["rating"] == -1:
        reason = cols[2].text_input("What was wrong?", value=fb.get("reason") or "", key=f"why-{msg['id']}")
        if reason != (fb.get("reason") or ""):
            store.add_feedback(msg["id"], -1, reason)
    if msg.get("cached") and st.button("Ask again without the cache", key=f"again-{msg['id']}"):
        st.session_state.ask_again = msg.get("reply_to")
        st.rerun()


cid = st.session_state.get("conversation_id")
messages = store.messages(cid) if cid else []
for msg in messages:
    with st.chat_message(msg["role"]):
        show_markdown(msg["content"])
        if msg["role"] == "user" and msg.get("status") == "failed":
            st.warning(f"Not answered: {msg.get('error') or 'the answer failed'}")
        if msg["role"] == "assistant":
            render_answer(msg)

deep = st.toggle("Deep answer", help="Send this question to the strongest model available (costs more).",
                 disabled=routes == ["offline"])
question, bypass = st.chat_input("Ask about architecture, the curriculum, or your notes"), False
again = st.session_state.pop("ask_again", None)
if again and not question:
    question, bypass = store.message(again)["content"], True

if question:
    with st.chat_message("user"):
        show_markdown(question)
    with st.chat_message("assistant"):
        try:
            stream = m.chat.ask_stream(question, cid, bypass_cache=bypass, deep=deep)
            st.session_state.conversation_id = stream.conversation_id
            status = st.status("Reading your question…")
            text = st.empty()
            with text.container():
                stream_markdown(stream.text(on_stage=lambda s: status.update(label=s.detail.capitalize() + "…")))
            status.update(label="Done", state="complete")
            answer = stream.answer
            show_markdown(answer.answer, text)  # citations are renumbered without gaps once the text is complete
            st.session_state.conversation_id = answer.conversation_id
            for note in answer.notices:
                st.info(note)
            render_answer(store.message(answer.message_id))
        except MentorError as exc:
            st.error(str(exc))
