"""Insights: what the mentor cost, how fast it answered, which routes answered, and how one answer was made."""

import altair as alt
import pandas as pd
import streamlit as st

from mentor.errors import MentorError
from mentor.stats import duration, money, parse_since, stats, trace_detail, trace_list, when
from mentor.ui import mentor

PERIODS = {"Last 24 hours": "24h", "Last 7 days": "7d", "Last 30 days": "30d", "All time": ""}

m = mentor()
st.title("Insights")
period = st.segmented_control("Period", list(PERIODS), default="Last 30 days", label_visibility="collapsed")
d = stats(m.store, m.config.monthly_budget_usd, since=parse_since(PERIODS[period or "All time"]))
if not d["answers"] and not any(d["operations"].values()):
    st.info("No answers yet: the figures appear after your first question.")
    st.stop()

b = d["budget"]
c = st.columns(5)
c[0].metric("Answers", f"{d['answers']:,}")
c[1].metric("Spent this month", money(b["month_cost_usd"]), help=f"Monthly budget {money(b['monthly_usd'])}")
c[2].metric("Median answer time", duration(d["latency_p50_ms"]),
            help=f"95th percentile {duration(d['latency_p95_ms'])}")
c[3].metric("From the cache", f"{d['cache_hit_rate']:.0%}", help=f"Saved about {money(d['cache_saved_usd'])}")
c[4].metric("Helpful / not", f"{d['thumbs_up']} / {d['thumbs_down']}")

st.subheader("Spending this month")
spent = pd.DataFrame(b["spent_by_day"] or [{"day": pd.Timestamp.now(tz="UTC").strftime("%Y-%m-01"), "spent_usd": 0}])
spent["day"] = pd.to_datetime(spent["day"])
month_end = spent["day"].iloc[0] + pd.offsets.MonthEnd(0)
projection = pd.DataFrame({"day": [spent["day"].iloc[-1], month_end],
                           "spent_usd": [spent["spent_usd"].iloc[-1], b["projected_usd"]]})
x = alt.X("day:T", title=None, axis=alt.Axis(format="%d %b"))
y = alt.Y("spent_usd:Q", title="Spent (USD)", axis=alt.Axis(format="$,.2f"))
chart = (alt.Chart(spent).mark_area(opacity=0.35, line=True).encode(x=x, y=y, tooltip=[
            alt.Tooltip("day:T", title="Day", format="%a %d %b"), alt.Tooltip("spent_usd:Q", title="Spent",
                                                                               format="$,.2f")])
         + alt.Chart(projection).mark_line(strokeDash=[6, 4]).encode(x=x, y=y)
         + alt.Chart(pd.DataFrame({"budget": [b["monthly_usd"]]})).mark_rule(color="#d62728").encode(y="budget:Q"))
st.altair_chart(chart.properties(height=240), width="stretch")
st.caption(f"{money(b['month_cost_usd'])} spent of a {money(b['monthly_usd'])} budget; at this pace "
           f"{money(b['projected_usd'])} by the end of the month (dashed). The red line is the budget.")


def panel(title: str, rows: list[dict], empty: str) -> pd.DataFrame | None:
    """A titled chart panel's data, or None after saying there is none in this period."""
    st.subheader(title)
    frame = pd.DataFrame(rows)
    if frame.empty:
        st.caption(empty)
        return None
    return frame


left, right = st.columns(2)
with left:
    routes = panel("Answers by route", d["routes"], "No answers in this period.")
    if routes is not None:
        st.altair_chart(alt.Chart(routes).mark_bar().encode(
            x=alt.X("answers:Q", title="Answers", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("route:N", title=None, sort="-x", axis=alt.Axis(labelLimit=220)),
            tooltip=[alt.Tooltip("route:N", title="Route"), alt.Tooltip("answers:Q", title="Answers"),
                     alt.Tooltip("cached:Q", title="From the cache"),
                     alt.Tooltip("cost_usd:Q", title="Cost", format="$,.4f")]), width="stretch")
with right:
    stages = panel("Time per stage", d["stages"], "No traced answers in this period.")
    if stages is not None:
        long = stages.melt(id_vars=["label"], value_vars=["p50_ms", "p95_ms"], var_name="pct", value_name="ms")
        long["pct"] = long["pct"].map({"p50_ms": "Median", "p95_ms": "95th percentile"})
        st.altair_chart(alt.Chart(long).mark_bar().encode(
            x=alt.X("ms:Q", title="Milliseconds"), y=alt.Y("label:N", title=None, sort=list(stages["label"])),
            yOffset=alt.YOffset("pct:N", sort=["Median", "95th percentile"]),
            color=alt.Color("pct:N", title=None, sort=["Median", "95th percentile"],
                            legend=alt.Legend(orient="bottom")),
            tooltip=[alt.Tooltip("label:N", title="Stage"), alt.Tooltip("pct:N", title=" "),
                     alt.Tooltip("ms:Q", title="ms", format=",.1f")]), width="stretch")

left, right = st.columns(2)
with left:
    fb = panel("Feedback", d["feedback"], "No thumbs yet in this period.")
    if fb is not None:
        fb["day"] = pd.to_datetime(fb["day"]).dt.strftime("%d %b")
        fb = fb.rename(columns={"helpful": "Helpful", "not_helpful": "Not helpful"}).melt(
            id_vars=["day"], var_name="rating", value_name="answers")
        st.altair_chart(alt.Chart(fb).mark_bar().encode(
            x=alt.X("day:O", title=None, sort=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("answers:Q", title="Answers", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("rating:N", title=None, scale=alt.Scale(domain=["Helpful", "Not helpful"],
                                                                   range=["#2ca02c", "#d62728"]))), width="stretch")
with right:
    red = panel("Redacted before leaving", d["redactions"],
                "Nothing personal or secret was sent to a cloud model in this period.")
    if red is not None:
        red["type"] = red["type"].str.replace("_", " ").str.title()
        st.altair_chart(alt.Chart(red).mark_bar().encode(
            x=alt.X("count:Q", title="Values replaced", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("type:N", title=None, sort="-x")), width="stretch")
st.caption(f"Cache: {d['cache_hits']:,} answers served again for free, about {money(d['cache_saved_usd'])} saved.")

st.subheader("How was it answered?")
recent = trace_list(m.store, limit=50)
if not recent:
    st.caption("No traces yet.")
    st.stop()
wanted = st.query_params.get("trace")
ids = [r["trace_id"] for r in recent]
start = 0
if wanted:
    try:
        first = trace_detail(m.store, wanted)["trace_id"]
        start = ids.index(first) if first in ids else 0
    except MentorError as exc:
        st.warning(str(exc))
names = {r["trace_id"]: f"{when(r['start'])} · {r['label']} · {duration(r['duration_ms'])}"
                        + (f" · {r['model']}" if r["model"] else "") + (" · from the cache" if r["cached"] else "")
         for r in recent}
chosen = st.selectbox("Request", ids, index=start, format_func=names.get)
t = trace_detail(m.store, chosen)
spans = pd.DataFrame(t["spans"])[["label", "depth", "offset_ms", "duration_ms", "status"]]
spans["end_ms"] = spans["offset_ms"] + spans["duration_ms"]
spans["stage"] = ["\u2003" * dep + lab for dep, lab in zip(spans["depth"], spans["label"], strict=True)]
spans["outcome"] = spans["status"].map({"ok": "ok", "error": "failed"})
st.altair_chart(alt.Chart(spans).mark_bar(cornerRadius=2).encode(
    x=alt.X("offset_ms:Q", title="Milliseconds from the question"), x2="end_ms:Q",
    y=alt.Y("stage:N", title=None, sort=list(spans["stage"])),
    color=alt.Color("outcome:N", title=None, scale=alt.Scale(domain=["ok", "failed"], range=["#4c78a8", "#d62728"])),
    tooltip=[alt.Tooltip("stage:N", title="Stage"), alt.Tooltip("duration_ms:Q", title="ms", format=",.1f")]),
    width="stretch")
root = t["attributes"]
facts = [f"{t['label']} in {duration(t['duration_ms'])}"]
if root.get("gen_ai.request.model"):
    facts.append(f"model {root['gen_ai.request.model']}")
if root.get("gen_ai.usage.input_tokens") is not None:
    facts.append(f"{root.get('gen_ai.usage.input_tokens', 0):,} + {root.get('gen_ai.usage.output_tokens', 0):,} "
                 "tokens")
facts.append(money(root.get("mentor.cost_usd")))
st.caption(" · ".join(facts))
if t["route"]["reason"]:
    chain = " → ".join(t["route"]["chain"])
    st.markdown(f"**Route** {chain + ': ' if chain else ''}{t['route']['reason']}")
if t["passages"]:
    st.dataframe(pd.DataFrame(t["passages"]).rename(columns={"rank": "#", "source": "Passage", "score": "Score"}),
                 hide_index=True, width="stretch")
with st.expander("All attributes"):
    st.json({s["label"]: s["attributes"] for s in t["spans"]}, expanded=False)
