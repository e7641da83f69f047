"""Insights: what each turn cost, how long each stage took, which routes answered."""

import streamlit as st

from mentor.telemetry import insights
from mentor.ui import mentor

m = mentor()
st.title("Insights")
data = insights(m.store)
if not data["answers"]:
    st.info("No answers yet: the figures appear after your first question.")
    st.stop()
c = st.columns(5)
c[0].metric("Answers", data["answers"])
c[1].metric("Cost this month", f"${data['month_cost']:.4f}", help=f"budget ${m.config.monthly_budget_usd:.2f}")
c[2].metric("Cache hits", f"{data['cache_hit_rate']:.0%}")
c[3].metric("p50 latency", f"{data['latency_p50_ms']:.0f} ms")
c[4].metric("Helpful / not", f"{data['thumbs_up']} / {data['thumbs_down']}")
st.subheader("Routes")
st.dataframe(data["routes"], use_container_width=True)
st.subheader("Stage timings (ms)")
st.dataframe(data["stages"], use_container_width=True)
st.subheader("Recent turns")
st.dataframe(data["recent"], use_container_width=True)
