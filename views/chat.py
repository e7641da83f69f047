"""Ask: chat with the mentor; answers stream, cite their sources and are kept in SQLite."""

import streamlit as st

from mentor.citations import source_list
from mentor.curriculum import starter_prompts
from mentor.errors import MentorError
from mentor.exchange import Exchange, exchanges
from mentor.humanize import ago, escape_markdown, grouped, shorten
from mentor.offline import without_header
from mentor.stream import INTERRUPTED, STOPPED
from mentor.ui import (
    answer_caption,
    ensure_index,
    mentor,
    scroll_to,
    show_answer,
    show_markdown,
    stream_markdown,
)

m = mentor()
store = m.store
tz = st.context.timezone  # the browser's zone: dates in the sidebar are the learner's
TITLE_CHARS = 24
MAX_LISTED = 50


# --- callbacks: they run before the page, so the page always shows the state after the click --------------------
def _open(cid: int | None) -> None:
    st.session_state.conversation_id = cid
    st.session_state.pop("confirm_delete", None)
    _remember_in_url(cid)


def _remember_in_url(cid: int | None) -> None:
    """The conversation in the address (?c=3): a reload, even in the middle of an answer, comes back to it."""
    if cid is None:
        st.query_params.pop("c", None)
    else:
        st.query_params["c"] = str(cid)


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


def _again(qid: int) -> None:
    """Regenerate: a fresh answer to the same question, shown in place of the current one."""
    st.session_state.pending = {"again": qid}
    st.session_state.pop(f"version-{qid}", None)




def _version(qid: int, index: int) -> None:
    st.session_state[f"version-{qid}"] = index


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
if "conversation_id" not in st.session_state and str(st.query_params.get("c", "")).isdigit():
    st.session_state.conversation_id = int(st.query_params["c"])  # a reload: the conversation in the address
if (cut := st.session_state.pop("streaming", None)) is not None:
    # this session's own click (Stop, a new question, another conversation) cut the last run short: a stop.
    # A reload or a closed tab starts a new session, so that answer stays "interrupted".
    m.chat.stopped(cut)  # waits for the cut run to store the text so far
cid = st.session_state.get("conversation_id")
try:
    messages = store.messages(cid) if cid else []
    if cid:
        store.conversation(cid)
    if unsettled := [q["id"] for q in messages if q["role"] == "user" and q["status"] == "pending"]:
        for qid in unsettled:  # a reload mid-answer: the old run is still storing what it had written
            m.chat.settle(qid)
        messages = store.messages(cid)
except MentorError:  # a deleted conversation's old address
    cid = st.session_state.conversation_id = None
    _remember_in_url(None)
    messages = []
CUT_SHORT = {STOPPED: "Stopped: the answer so far is kept.",
             INTERRUPTED: "Interrupted: the page was reloaded or closed before the answer was finished; the part "
                          "written is kept."}


def footer(msg: dict, question: dict | None, final: bool) -> None:
    """Sources, then one row of actions: thumbs, copy, regenerate, details."""
    if msg.get("citations"):
        st.markdown(source_list(msg["citations"]))  # labels escaped, links only into the reader
    mid = msg["id"]
    complete = msg.get("status") == "ok"
    fb = store.feedback(mid)
    row = st.container(horizontal=True, vertical_alignment="center", gap="small")
    with row:
        if complete:
            st.feedback("thumbs", key=f"fb-{mid}", on_change=_rate, args=(mid,),
                        default=None if not fb else (1 if fb["rating"] == 1 else 0))
        with st.popover("", icon=":material/content_copy:", help="Copy the answer", type="tertiary"):
            st.code(msg["content"], language=None, wrap_lines=True)  # its copy icon puts the text on the clipboard
        if question is not None and final:
            st.button("", icon=":material/refresh:", key=f"again-{mid}", help="Regenerate (a fresh answer, not the "
                      "cache)", type="tertiary", on_click=_again, args=(question["id"],))
        if complete:
            with st.popover("", icon=":material/info:", help="Details: route, model, tokens, cost, time",
                            type="tertiary"):
                st.caption(answer_caption(msg))
                if msg.get("route_reason"):
                    show_markdown(f"Why this route: {msg['route_reason']}")
                if red := msg.get("redactions") or {}:
                    st.caption("Redacted before leaving this machine: " + ", ".join(f"{n} {t}" for t, n in
                                                                                    red.items()))
                st.markdown(f"[How was this answered?](./insights?trace={int(mid)})")  # our own link, a number only
    if fb and fb["rating"] == -1:
        st.text_input("What was wrong? (optional)", value=fb.get("reason") or "", key=f"why-{mid}",
                      on_change=_reason, args=(mid,), max_chars=2000)
    if mid in st.session_state.get("thanked", set()):
        st.caption("Thanks for the feedback.")


def user_bubble(msg: dict, last: bool, answered: bool, shown: bool = False, reask: bool = False) -> None:
    if not shown:
        show_markdown(msg["content"])
    if not answered and msg.get("status") != "answered" and not shown:
        why = {"failed": msg.get("error") or "the answer failed", STOPPED: "stopped before any text",
               INTERRUPTED: "the page was left before the answer started"}.get(msg.get("status"), "interrupted")
        st.warning(f"Not answered: {why}")
        if reask:
            st.button("Ask again", key=f"reask-{msg['id']}", icon=":material/refresh:", on_click=_again,
                      args=(msg["id"],))
    if last:
        with st.popover("", icon=":material/edit:", help="Edit and resend", type="tertiary"):
            st.text_area("Your question", value=msg["content"], key=f"edit-{msg['id']}")
            st.button("Send", key=f"resend-{msg['id']}", type="primary", on_click=_resend, args=(msg["id"],))


def versions(ex: Exchange) -> dict:
    """The answer shown for a question: the latest, or the earlier version the learner paged back to."""
    qid = ex.question["id"] if ex.question else None
    n = len(ex.answers)
    index = min(st.session_state.get(f"version-{qid}", n - 1), n - 1)
    if qid is not None and n > 1:
        pager = st.container(horizontal=True, vertical_alignment="center", gap=None, key=f"pager-{qid}")
        pager.button("", icon=":material/chevron_left:", key=f"older-{qid}", type="tertiary", help="Earlier answer",
                     disabled=index == 0, on_click=_version, args=(qid, index - 1))
        pager.caption(f"{index + 1} / {n}", width="content")
        pager.button("", icon=":material/chevron_right:", key=f"newer-{qid}", type="tertiary", help="Later answer",
                     disabled=index == n - 1, on_click=_version, args=(qid, index + 1))
    return ex.answers[index]


question = st.chat_input("Ask about your course")  # pinned to the bottom wherever it is called
pending = st.session_state.pop("pending", None)
bypass, again = False, None
if pending and not question:
    question, bypass, again = pending.get("text"), pending.get("bypass", False), pending.get("again")
asking = bool(question or again)

threads = exchanges(messages)
last_q = next((ex.question["id"] for ex in reversed(threads) if ex.question), None)
again_q = next((ex.question for ex in threads if ex.question and ex.question["id"] == again), None)
# the order on screen: the conversation so far, the new question with its status, the controls; filled in another
# order, so that the status shows at once however long the conversation is
history = st.container()
if asking:
    asked = None
    if again_q is None:  # a regenerated answer goes under its question, which the history shows
        asked = st.chat_message("user")
        show_markdown(question, asked)
    answer_bubble = st.chat_message("assistant")
    with answer_bubble:
        pager = st.container()  # filled once a regenerated answer is stored: "2 / 2" and the way back to 1
        status = st.status("Reading your question…")

with st.container():
    deep = st.toggle("Deep answer", help="Send this question to the strongest model available (costs more).",
                     disabled=routes == ["offline"])
    if not messages and not asking:
        if routes == ["offline"]:
            st.caption("Offline mode: answers are cited extracts of the course material. "
                       "Set ANTHROPIC_API_KEY or MENTOR_LOCAL_BASE_URL to use a model.")
        week = m.curriculum().weeks.get(m.current_week())
        if week is not None:
            st.caption(f"Week {week.number}: {week.title}. Try one of these:")
            for i, prompt in enumerate(starter_prompts(week)):
                st.button(prompt, key=f"starter-{i}", icon=":material/lightbulb:", on_click=_send, args=(prompt,))

header_shown = False  # the offline header once per conversation: it says the same thing every time
scroll_target, scroll_key = st.session_state.pop("scroll_to", None), None  # a search match opened from History
with history:
    for ex in threads:
        redoing = again_q is not None and ex.question is again_q
        if ex.question is not None:
            with st.chat_message("user"), st.container(key=f"msg-{ex.question['id']}"):
                is_last = ex.question["id"] == last_q
                user_bubble(ex.question, is_last and not asking, bool(ex.answers) or redoing,
                            reask=is_last and not asking)
            if scroll_target == ex.question["id"]:
                scroll_key = f"msg-{ex.question['id']}"
        if redoing:  # regenerating: the new answer is written in this answer's place, below
            break
        if not ex.answers:
            continue
        key = f"msg-{ex.answers[0]['id']}"  # one key for the exchange's answer, whichever version is shown
        if scroll_target in {a["id"] for a in ex.answers}:
            scroll_key = key
        with st.chat_message("assistant"), st.container(key=key):
            msg = versions(ex)
            text = msg["content"]
            if header_shown:
                text = without_header(text)
            header_shown = header_shown or text != without_header(text)
            show_answer(text, msg.get("citations"))
            if msg.get("status") in CUT_SHORT:
                st.caption(CUT_SHORT[msg["status"]])
            footer(msg, ex.question, final=ex.question is not None and ex.question["id"] == last_q and not asking)
if scroll_key:
    scroll_to(scroll_key)

if asking:
    with answer_bubble:
        try:
            if again_q is not None:
                stream = m.chat.regenerate_stream(again_q["id"], deep=deep)
            else:
                stream = m.chat.ask_stream(question, cid, bypass_cache=bypass, deep=deep)
            try:
                st.session_state.conversation_id = stream.conversation_id
                _remember_in_url(stream.conversation_id)
                if asked is not None:
                    with asked:
                        user_bubble(store.message(stream.question_id), last=True, answered=True, shown=True)
                conversation_list()  # listed (and highlighted) before the answer is written
                st.session_state.streaming = stream.question_id  # until it is answered in full
                text = st.empty()
                stop = st.empty()
                stop.button("Stop", key=f"stop-{stream.question_id}", icon=":material/stop_circle:",
                            help="Stop the answer here (the part written so far is kept)")  # a click reruns
                stream_markdown(stream.text(on_stage=lambda s: status.update(label=s.detail.capitalize() + "…")),
                                slot=text)
                st.session_state.pop("streaming", None)  # answered in full
            finally:
                stream.close()  # a Stop click or a reload ends this run here: the text so far is kept
            stop.empty()
            status.update(label="Done", state="complete")
            answer = stream.answer
            final = without_header(answer.answer) if header_shown else answer.answer
            show_answer(final, [c.as_dict() for c in answer.citations], text)  # renumbered without gaps
            for note in answer.notices:
                st.info(note)
            if again_q is not None:
                with pager:
                    versions(next(ex for ex in exchanges(store.messages(answer.conversation_id))
                                  if ex.question and ex.question["id"] == again_q["id"]))
            footer(store.message(answer.message_id), store.message(answer.question_id), final=True)
        except MentorError as exc:
            status.update(label="Not answered", state="error")
            st.error(str(exc))
            conversation_list()
else:
    conversation_list()
