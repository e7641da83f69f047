"""Ask: chat with the mentor; answers stream, cite their sources and are kept in SQLite."""

import streamlit as st

from mentor.citations import source_list
from mentor.curriculum import load_curriculum, starter_prompts
from mentor.errors import MentorError
from mentor.humanize import ago, escape_markdown, grouped, shorten
from mentor.offline import without_header
from mentor.ui import answer_caption, ensure_index, mentor, show_markdown, stream_markdown

m = mentor()
store = m.store
tz = st.context.timezone  # the browser's zone: dates in the sidebar are the learner's
TITLE_CHARS = 24
MAX_LISTED = 50


# --- callbacks: they run before the page, so the page always shows the state after the click --------------------
def _open(cid: int | None) -> None:
    st.session_state.conversation_id = cid
    st.session_state.pop("confirm_delete", None)


def _rename(cid: int) -> None:
    try:
        store.rename_conversation(cid, st.session_state.get(f"title-{cid}", ""))
    except MentorError as exc:
        st.session_state.sidebar_error = str(exc)


def _delete(cid: int) -> None:
    store.delete_conversation(cid)
    st.session_state.pop("confirm_delete", None)
    if st.session_state.get("conversation_id") == cid:
        st.session_state.conversation_id = None


def _send(text: str, bypass: bool = False) -> None:
    st.session_state.pending = {"text": text, "bypass": bypass}


def _resend(qid: int) -> None:
    _send(st.session_state.get(f"edit-{qid}", ""))  # the edited text: args are bound in the run before the edit


def _rate(mid: int) -> None:
    value = st.session_state.get(f"fb-{mid}")
    if value is not None:  # un-selecting keeps what was said
        store.add_feedback(mid, 1 if value == 1 else -1)
        st.session_state.setdefault("thanked", set()).add(mid)


def _reason(mid: int) -> None:
    store.add_feedback(mid, -1, st.session_state.get(f"why-{mid}", ""))
    st.session_state.setdefault("thanked", set()).add(mid)


# --- sidebar: conversations, newest first, grouped by day -------------------------------------------------------
with st.sidebar:
    st.button("New conversation", icon=":material/edit_square:", width="stretch", on_click=_open, args=(None,))
    conversation_slot = st.container()
listed: list[bool] = []  # the script runs afresh each time, so this is per run


def conversation_list() -> None:
    """Filled after the question is saved, so a new conversation is listed while its answer is written."""
    if listed:
        return  # once a run: the keys are the rows'
    listed.append(True)
    current = st.session_state.get("conversation_id")
    with conversation_slot:
        if err := st.session_state.pop("sidebar_error", None):
            st.error(err)
        for heading, rows in grouped(store.conversations()[:MAX_LISTED], tz=tz):
            st.caption(heading)
            for conv in rows:
                cid = conv["id"]
                row = st.container(horizontal=True, vertical_alignment="center", gap=None, wrap=False)
                row.button(escape_markdown(shorten(conv["title"], TITLE_CHARS)), key=f"conv-{cid}", width="stretch",
                           on_click=_open, args=(cid,), type="primary" if cid == current else "tertiary")
                row.caption(ago(conv["updated"], tz), width="content")
                with row.popover("", icon=":material/more_horiz:", help="Rename or delete", type="tertiary",
                                 key=f"menu-{cid}"):
                    st.text_input("Title", value=conv["title"], key=f"title-{cid}", max_chars=200)
                    st.button("Rename", key=f"rename-{cid}", on_click=_rename, args=(cid,))
                    if st.session_state.get("confirm_delete") == cid:
                        st.warning("Delete this conversation and its answers for good?")
                        yes, no = st.columns(2)
                        yes.button("Delete", key=f"delete-yes-{cid}", type="primary", on_click=_delete, args=(cid,))
                        no.button("Cancel", key=f"delete-no-{cid}", on_click=st.session_state.pop,
                                  args=("confirm_delete", None))
                    else:
                        st.button("Delete…", key=f"delete-{cid}", icon=":material/delete:",
                                  on_click=st.session_state.__setitem__, args=("confirm_delete", cid))


# --- the conversation -------------------------------------------------------------------------------------------
st.title("Ask your mentor")
ensure_index(m)
routes = m.router.available()
cid = st.session_state.get("conversation_id")
messages = store.messages(cid) if cid else []


def footer(msg: dict, question: dict | None) -> None:
    """Sources, then one row of actions: thumbs, copy, regenerate, details."""
    if msg.get("citations"):
        st.markdown(source_list(msg["citations"]))  # labels escaped, links only into the reader
    mid = msg["id"]
    fb = store.feedback(mid)
    row = st.container(horizontal=True, vertical_alignment="center", gap="small")
    with row:
        st.feedback("thumbs", key=f"fb-{mid}", on_change=_rate, args=(mid,),
                    default=None if not fb else (1 if fb["rating"] == 1 else 0))
        with st.popover("", icon=":material/content_copy:", help="Copy the answer", type="tertiary"):
            st.code(msg["content"], language=None, wrap_lines=True)  # its copy icon puts the text on the clipboard
        if question is not None:
            st.button("", icon=":material/refresh:", key=f"again-{mid}", help="Regenerate (a fresh answer, not the "
                      "cache)", type="tertiary", on_click=_send, args=(question["content"], True))
        with st.popover("", icon=":material/info:", help="Details: route, model, tokens, cost, time",
                        type="tertiary"):
            st.caption(answer_caption(msg))
            if msg.get("route_reason"):
                show_markdown(f"Why this route: {msg['route_reason']}")
            if red := msg.get("redactions") or {}:
                st.caption("Redacted before leaving this machine: " + ", ".join(f"{n} {t}" for t, n in red.items()))
            st.markdown(f"[How was this answered?](./insights?trace={int(mid)})")  # our own link, a number only
    if fb and fb["rating"] == -1:
        st.text_input("What was wrong? (optional)", value=fb.get("reason") or "", key=f"why-{mid}",
                      on_change=_reason, args=(mid,), max_chars=2000)
    if mid in st.session_state.get("thanked", set()):
        st.caption("Thanks for the feedback.")


def user_bubble(msg: dict, last: bool, shown: bool = False) -> None:
    if not shown:
        show_markdown(msg["content"])
    if msg.get("status") == "failed":
        st.warning(f"Not answered: {msg.get('error') or 'the answer failed'}")
    if last:
        with st.popover("", icon=":material/edit:", help="Edit and resend", type="tertiary"):
            st.text_area("Your question", value=msg["content"], key=f"edit-{msg['id']}")
            st.button("Send", key=f"resend-{msg['id']}", type="primary", on_click=_resend, args=(msg["id"],))


question = st.chat_input("Ask about your course")  # pinned to the bottom wherever it is called
pending = st.session_state.pop("pending", None)
bypass = False
if pending and not question:
    question, bypass = pending["text"], pending["bypass"]

questions = {q["id"]: q for q in messages if q["role"] == "user"}
last_user = None if question else max(questions, default=None)  # a question on its way is the last one
header_shown = False  # the offline header once per conversation: it says the same thing every time
for msg in messages:
    with st.chat_message(msg["role"]):
        if msg["role"] == "user":
            user_bubble(msg, msg["id"] == last_user)
            continue
        text = msg["content"]
        if header_shown:
            text = without_header(text)
        header_shown = header_shown or text != without_header(text)
        show_markdown(text)
        footer(msg, questions.get(msg.get("reply_to")))

deep = st.toggle("Deep answer", help="Send this question to the strongest model available (costs more).",
                 disabled=routes == ["offline"])

if not messages and not question:
    if routes == ["offline"]:
        st.caption("Offline mode: answers are cited extracts of the course material. "
                   "Set ANTHROPIC_API_KEY or MENTOR_LOCAL_BASE_URL to use a model.")
    week = load_curriculum(m.config.corpus_dir).weeks.get(m.current_week())
    if week is not None:
        st.caption(f"Week {week.number}: {week.title}. Try one of these:")
        for i, prompt in enumerate(starter_prompts(week)):
            st.button(prompt, key=f"starter-{i}", icon=":material/lightbulb:", on_click=_send, args=(prompt,))

if question:
    asked = st.chat_message("user")
    show_markdown(question, asked)
    with st.chat_message("assistant"):
        status = st.status("Reading your question…")
        try:
            stream = m.chat.ask_stream(question, cid, bypass_cache=bypass, deep=deep)
            st.session_state.conversation_id = stream.conversation_id
            with asked:
                user_bubble(store.message(stream.question_id), last=True, shown=True)
            conversation_list()  # listed (and highlighted) before the answer is written
            text = st.empty()
            with text.container():
                stream_markdown(stream.text(on_stage=lambda s: status.update(label=s.detail.capitalize() + "…")))
            status.update(label="Done", state="complete")
            answer = stream.answer
            final = without_header(answer.answer) if header_shown else answer.answer
            show_markdown(final, text)  # citations are renumbered without gaps once the text is complete
            for note in answer.notices:
                st.info(note)
            footer(store.message(answer.message_id), store.message(answer.question_id))
        except MentorError as exc:
            status.update(label="Not answered", state="error")
            st.error(str(exc))
            conversation_list()
else:
    conversation_list()
