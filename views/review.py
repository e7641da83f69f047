"""Review: paste or upload code; findings beside their lines, tied to principles and lessons."""

import streamlit as st

from mentor.errors import MentorError
from mentor.reader import markdown_link
from mentor.ui import mentor, show_markdown

m = mentor()
st.title("Code review")
SEVERITY_ICON = {"error": "🔴", "warning": "🟠", "info": "🔵"}

with st.form("review"):
    upload = st.file_uploader("Upload a file", type=None)
    code = st.text_area("…or paste code", height=260, placeholder="def train(...):\n    ...")
    submitted = st.form_submit_button("Review", type="primary")

if submitted:
    name = None
    if upload is not None:
        raw = upload.getvalue()
        try:
            code, name = raw.decode("utf-8"), upload.name
        except UnicodeDecodeError:
            st.error(f"{upload.name} is not UTF-8 text; only source code can be reviewed.")
            st.stop()
    try:
        from mentor.review import ReviewService

        with st.spinner("Reviewing…"):
            result = ReviewService(m).review(code, filename=name)
        st.session_state.review_open = result.get("review_id")
        st.session_state.review_result = (code, result)
    except MentorError as exc:
        st.error(str(exc))

with st.sidebar:
    st.subheader("Past reviews")
    for r in m.store.reviews()[:30]:
        if st.button(f"{r['created'][:16]} · {r['title'][:30]}", key=f"rev-{r['id']}", use_container_width=True):
            st.session_state.review_result = (r["code"], r["result"])

if "review_result" in st.session_state:
    code, result = st.session_state.review_result
    counts = result.get("counts") or {}
    st.subheader("Summary")
    show_markdown(result.get("summary"))
    st.caption(f"provider: {result.get('provider')} · model: {result.get('model', '')} · "
               + " · ".join(f"{n} {sev}" for sev, n in counts.items()))
    lines = code.splitlines()
    left, right = st.columns([3, 2])
    with left:
        st.code(code, language=(result.get("language") or "python").lower(), line_numbers=True)
    with right:
        if not result["findings"]:
            st.success("No findings.")
        for f in result["findings"]:
            snippet = "\n".join(lines[f["line"] - 1:f["end_line"]][:6]) if lines else ""
            with st.expander(f"{SEVERITY_ICON.get(f['severity'], '')} line {f['line']} · {f['principle']} · "
                             f"{f['message'][:70]}"):
                show_markdown(f"**{f['rule']}**: {f['message']}")
                if snippet:
                    st.code(snippet, language="python")
                if f.get("suggestion"):
                    show_markdown(f"**Suggested change:** {f['suggestion']}")
                for ref in f.get("references") or []:
                    st.caption("Learn more: " + markdown_link(ref.get("title") or ref.get("source") or "",
                                                              ref.get("source") or "", ref.get("heading")))
