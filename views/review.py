"""Review: paste or upload code or a design document; findings first, then the code with the flagged lines marked."""

import streamlit as st
import streamlit.components.v1 as components

from mentor.errors import MentorError
from mentor.reader import markdown_link
from mentor.review import ReviewService
from mentor.review_display import code_html, finding_title
from mentor.ui import mentor, show_markdown

KINDS = {"Detect": "auto", "Code": "code", "Design doc": "design"}


def learn_more(f: dict) -> None:
    """The lesson sections that teach the fix, as links into the reader."""
    for ref in f.get("references") or []:
        section = f" · {ref['section']}" if ref.get("section") else ""
        st.caption("Learn more: " + markdown_link(f"{ref.get('title') or ref.get('source') or ''}{section}",
                                                  ref.get("source") or "", ref.get("section")))


m = mentor()
st.title("Code review and design review")
st.caption("Paste code, or an ADR, design doc, capacity estimate, threat model or DR plan.")

with st.form("review"):
    upload = st.file_uploader("Upload a file", type=None)
    code = st.text_area("…or paste it here", height=260, placeholder="def train(...):\n    ...\n\n# ADR-0007: ...")
    kind = st.segmented_control("It is", list(KINDS), default="Detect")
    serves_others = st.toggle("It already serves other people", value=ReviewService(m).audience(), help=(
        "On: who may call, request limits and what a failure shows callers are raised as findings. Off: they are "
        "listed apart, as the hardening to do before other people use the code. Remembered for the next review."))
    submitted = st.form_submit_button("Review", type="primary")

status = st.empty()  # errors live here, so the next run replaces them instead of leaving a stale one on screen
if submitted:
    status.empty()
    name = None
    try:
        if upload is not None:
            try:
                code, name = upload.getvalue().decode("utf-8"), upload.name
            except UnicodeDecodeError:
                raise MentorError(f"{upload.name} is not UTF-8 text; only text can be reviewed.") from None
        with st.spinner("Reviewing…"):
            result = ReviewService(m).review(code, filename=name, kind=KINDS.get(kind or "Detect", "auto"),
                                             serves_others=serves_others)
        st.session_state.review_result = (code, result)
        st.session_state.review_scroll = True
    except MentorError as exc:
        st.session_state.pop("review_result", None)
        status.error(str(exc))

with st.sidebar:
    from mentor.review import review_label

    st.subheader("Past reviews")
    for r in m.store.reviews()[:30]:
        if st.button(review_label(r), key=f"rev-{r['id']}", width="stretch"):
            st.session_state.review_result = (r["code"], r["result"])
            st.session_state.review_scroll = True

if "review_result" in st.session_state:
    from mentor.review import tally

    code, result = st.session_state.review_result
    st.markdown('<div id="review-results"></div>', unsafe_allow_html=True)  # our own anchor, no user text
    st.subheader("Summary")
    show_markdown(result.get("summary"))
    route = f"provider: {result.get('provider')} · model: {result.get('model', '')}"
    st.caption(" · ".join(p for p in (route, tally(result.get("counts") or {})) if p))
    design = result.get("kind") == "design"
    findings_tab, code_tab = st.tabs([f"Findings ({len(result['findings'])})", "Document" if design else "Code"])
    with findings_tab:
        if not result["findings"]:
            st.success("Nothing to raise.")
        for f in result["findings"]:
            with st.expander(finding_title(f)):
                show_markdown(f["message"])
                if f.get("question"):
                    show_markdown(f"**Ask yourself:** {f['question']}")
                if f.get("suggestion"):
                    show_markdown(f"**Suggested change:** {f['suggestion']}")
                if not design:
                    st.caption(f"lines {f['line']}–{f['end_line']} · {f['rule']}")
                learn_more(f)
        if result.get("hardening"):  # what a service adds before others use it: apart from the defects
            with st.expander(f"Before other people use this ({len(result['hardening'])})"):
                for f in result["hardening"]:
                    show_markdown(f"Line {f['line']}: {f['message']}")
                    if f.get("suggestion"):
                        show_markdown(f"**Suggested change:** {f['suggestion']}")
                    learn_more(f)
        if result.get("minor"):  # correct but low-value here: listed for the learner, not raised as findings
            advice = " and design advice" if any(f["rule"] == "model" for f in result["minor"]) else ""
            with st.expander(f"Minor notes{advice} ({len(result['minor'])}), not raised as findings"):
                for f in result["minor"]:
                    if f["rule"] == "model":  # the model's design advice and notes: with their principle and fix
                        sure = f" · confidence {f['confidence']}%" if f.get("confidence") is not None else ""
                        show_markdown(f"Line {f['line']} · {f['principle']}{sure}: {f['message']}")
                        if f.get("suggestion"):
                            show_markdown(f"**Suggested change:** {f['suggestion']}")
                        learn_more(f)  # the lesson that teaches the principle
                    else:
                        show_markdown(f"Line {f['line']}: {f['message']}")
    with code_tab:
        st.html(code_html(code, result["findings"]))
    if st.session_state.pop("review_scroll", False):
        components.html("<script>const a = window.parent.document.getElementById('review-results');"
                        "if (a) a.scrollIntoView({behavior: 'smooth', block: 'start'});</script>", height=0)
