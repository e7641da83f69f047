"""The Insights page and `mentor stats` / `mentor traces` over a seeded database: the same numbers, human labels."""

import json

import pandas as pd
import pyarrow as pa
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from mentor.cli import main
from mentor.config import Config
from mentor.stats import money, stats
from mentor.store import Store
from tests.conftest import FIXTURE_CORPUS, ROOT
from tests.seed import seed


@pytest.fixture
def seeded(tmp_path, monkeypatch):
    monkeypatch.setenv("MENTOR_CORPUS", str(FIXTURE_CORPUS))
    store = Store(Config.from_env().db_path)
    st.cache_resource.clear()
    yield store, seed(store)
    st.cache_resource.clear()


def _charts(at: AppTest) -> list[tuple[dict, pd.DataFrame]]:
    """Each chart's Vega-Lite spec and its (first layer's) data, sent to the browser as Arrow."""
    out = []
    for chart in at.get("vega_lite_chart"):
        first = chart.proto.datasets[0].data.data
        out.append((json.loads(chart.proto.spec), pa.ipc.open_stream(first).read_all().to_pandas()))
    return out


def test_the_insights_page_draws_its_charts_with_human_labels(seeded):
    store, data = seeded
    at = AppTest.from_file(str(ROOT / "views" / "insights.py"), default_timeout=60).run()
    assert not at.exception
    metrics = {mt.label: mt.value for mt in at.metric}
    assert metrics["Answers"] == str(len(data["answers"]))
    assert metrics["Spent this month"].startswith("$") and "." in metrics["Spent this month"]
    assert metrics["From the cache"].endswith("%")
    charts = _charts(at)
    assert len(charts) == 6  # spending, routes, stages, feedback, redactions, the trace waterfall
    (spend, spent), (_, routes), (_, stages), (_, feedback), (_, redactions), (_, waterfall) = charts
    assert spend["layer"][0]["encoding"]["y"]["title"] == "Spent (USD)"
    assert spend["layer"][0]["encoding"]["y"]["axis"]["format"] == "$,.2f"
    assert spent["spent_usd"].is_monotonic_increasing and spent["spent_usd"].max() > 0
    assert set(routes["route"]) == {"Claude · claude-haiku-5-5", "Claude · claude-sonnet-5-5", "Offline extract"}
    assert routes["answers"].sum() == len(data["answers"])
    assert {"Search the course", "Write the answer"} <= set(stages["label"])
    assert set(stages["pct"]) == {"Median", "95th percentile"}
    assert set(feedback["rating"]) == {"Helpful", "Not helpful"} and feedback["day"].nunique() > 1
    assert redactions["type"].tolist() == ["Email"]
    assert waterfall["stage"].iloc[0] == "Whole answer"
    shown = " ".join(mt.value for mt in at.metric) + " ".join(c.value for c in at.caption)
    for raw in ("tokens_in", "avg_ms", "cost_usd", "$0.0000"):
        assert raw not in shown
    assert at.selectbox[0].label == "Request"


def test_a_trace_link_opens_that_answers_waterfall(seeded):
    store, data = seeded
    at = AppTest.from_file(str(ROOT / "views" / "insights.py"), default_timeout=60)
    at.query_params["trace"] = str(data["answers"][3])
    at.run()
    assert not at.exception
    _, waterfall = _charts(at)[-1]
    stages = [s.strip("\u2003") for s in waterfall["stage"]]
    assert stages == ["Whole answer", "Save the question", "Semantic cache", "Search the course", "Choose a model",
                      "Write the answer", "Match citations", "Save the answer"]
    assert any("a short question" in md.value for md in at.markdown)
    assert at.dataframe[0].value["Passage"].tolist() == ["curriculum/week-06/lesson.md", "books/ddia/05-replication.md"]


def test_stats_and_traces_on_the_command_line(seeded, capsys):
    store, data = seeded
    assert main(["stats", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got == json.loads(json.dumps(stats(store, Config.from_env().monthly_budget_usd), default=str))
    assert got["answers"] == len(data["answers"]) and got["cost_usd"] == data["cost_usd"]
    assert got["operations"]["review"] == 1 and got["cache_hits"] > 0 and got["cache_saved_usd"] > 0
    assert main(["stats", "--since", "3d", "--json"]) == 0
    recent = json.loads(capsys.readouterr().out)
    assert 0 < recent["answers"] < got["answers"]
    assert main(["stats"]) == 0
    out = capsys.readouterr().out
    assert f"Spent: {money(data['cost_usd'])}" in out and "Search the course" in out
    assert main(["traces", "list", "--json", "--limit", "3"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["operation"] for r in rows] == ["ask", "ask", "review"]  # newest first
    assert main(["traces", "show", str(data["answers"][0])]) == 0
    out = capsys.readouterr().out
    assert "Whole answer" in out and "Write the answer" in out and "█" in out
    assert main(["stats", "--since", "soon"]) != 0
    assert "--since takes a number and a unit" in capsys.readouterr().err
