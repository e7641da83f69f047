"""The default pipeline and the "not covered" verdict, over the real course material and the real model.

The questions here were written for these tests: none is in eval/ or was used to fit the detector."""

from __future__ import annotations

import pytest

from mentor.config import Config
from mentor.index import Index
from mentor.retrieval import Retriever
from tests.conftest import ROOT

OFF_TOPIC = [
    "What's the best pizza in Naples?",
    "How do I knit a scarf for a beginner?",
    "Which team won the 1998 football World Cup?",
    "good recipe for banana bread without eggs",
    "how do I get rid of aphids on my roses",
]
ON_TOPIC = [
    "What is an ADR?",
    "how do I stop a cache stampede when a hot key expires",
    "when should I use the outbox pattern instead of writing to the database and the broker",
    "what does the strangler fig pattern do",
]


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Retriever:
    home = tmp_path_factory.mktemp("home")
    cfg = Config.from_env({"MENTOR_HOME": str(home), "MENTOR_CORPUS": str(ROOT / "corpus")})
    return Retriever(Index(cfg).open())


@pytest.mark.slow
@pytest.mark.parametrize("question", OFF_TOPIC)
def test_off_topic_questions_are_not_covered_and_name_the_nearest_topics(course, question):
    res = course.search(question)
    assert not res.covered and res.weak
    assert len(res.nearest) == 3 and all(t for t in res.nearest)
    assert "does not seem to cover" in res.message and res.nearest[0] in res.message


@pytest.mark.slow
@pytest.mark.parametrize("question", ON_TOPIC)
def test_course_questions_are_covered(course, question):
    res = course.search(question)
    assert res.covered and res.message == ""
    assert res.coverage.probability >= 0.5 > course.search(OFF_TOPIC[0]).coverage.probability
