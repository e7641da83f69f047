"""Settings: what is configured (never the key itself), your note folders, and the search index."""

from pathlib import Path

import streamlit as st

from mentor.errors import MentorError
from mentor.notes import add_folder, all_folders, remove_folder, saved_folders
from mentor.privacy import PRIVACY_NOTICE
from mentor.render import safe_markdown
from mentor.ui import ensure_index, mentor

m = mentor()
cfg = m.config
st.title("Settings")

st.subheader("Models")
routes = m.router.available()
st.markdown(
    f"- Provider choice: `{cfg.provider}` (set `MENTOR_PROVIDER`)\n"
    f"- Claude: {'configured' if cfg.anthropic_api_key else 'no key (set `ANTHROPIC_API_KEY`)'}"
    f" · strong `{cfg.strong_model}`, cheap `{cfg.cheap_model}`\n"
    f"- Local server: {cfg.local_base_url or 'none (set `MENTOR_LOCAL_BASE_URL`)'}"
    f"{f' · model `{cfg.local_model}`' if cfg.local_model else ''}\n"
    f"- Routes available now: {', '.join(routes)}\n"
    f"- Monthly budget: ${cfg.monthly_budget_usd:.2f}, spent ${m.store.month_cost():.4f} this month\n"
    f"- Redaction before cloud calls: {'on' if cfg.redact else 'OFF'} · semantic cache: {'on' if cfg.cache else 'off'}"
)
st.caption("These come from environment variables (see the README); API keys are never shown or stored.")

st.subheader("Privacy")
st.markdown("\n".join(f"- {safe_markdown(line)}" for line in PRIVACY_NOTICE))

st.subheader("Your note folders")
st.caption("Markdown files in these folders are indexed beside the course and cited like it.")
env_folders = {str(f) for f in cfg.notes_dirs}
for folder in all_folders(cfg, m.store):
    cols = st.columns([6, 1])
    cols[0].code(str(folder), language=None)
    if str(folder) in env_folders:
        cols[1].caption("from MENTOR_NOTES")
    elif cols[1].button("Remove", key=f"rm-{folder}"):
        remove_folder(m.store, str(folder))
        ensure_index(m)
        m.index.update()
        st.rerun()
with st.form("add-notes", clear_on_submit=True):
    new = st.text_input("Add a folder", placeholder="/home/you/notes/architecture")
    if st.form_submit_button("Add and index"):
        try:
            folder = Path(new.strip()).expanduser().resolve()
            add_folder(m.store, new)
            ensure_index(m)
            bar = st.progress(0.0, text="Indexing your notes…")
            report = m.index.update(progress=lambda d, t, msg: bar.progress(d / max(t, 1), text=msg))
            bar.empty()
            for problem in report.problems or []:
                st.warning(problem)
            files = sum(1 for _ in folder.rglob("*.md"))
            st.success(f"Indexed your notes in {folder}: {files} Markdown file(s); {report.chunks} sections in all.")
        except MentorError as exc:
            st.error(str(exc))

st.subheader("Search index")
if st.button("Update the index now"):
    ensure_index(m)
    bar = st.progress(0.0, text="Checking for changes…")
    report = m.index.update(progress=lambda d, t, msg: bar.progress(d / max(t, 1), text=msg))
    bar.empty()
    st.success(f"{report.added} added, {report.updated} updated, {report.removed} removed, "
               f"{report.unchanged} unchanged; {report.chunks} sections ({report.seconds} s).")
    for problem in report.problems or []:
        st.warning(problem)
st.caption(f"Saved folders: {len(saved_folders(m.store))} · data folder: {cfg.home}")
