"""What the learner sees of an answer: progress before the text, offline answers that answer, "not covered",
citations a course reader can link to."""

import json
import time
from types import SimpleNamespace

import pytest

from mentor.config import DEFAULT_CORPUS
from mentor.core import Mentor
from mentor.offline import compose
from mentor.stats import trace_detail
from mentor.stream import Done, Stage, TextDelta
from tests.conftest import make_config

# off-topic questions of the held-out split (written blind), beside the issue's own example
PIZZA = "What's the best pizza in Naples?"
OFF_TOPIC = ["how long do I boil an egg for a runny yolk",
             "Is it worth getting the Japan Rail Pass for a 10 day trip Tokyo-Kyoto-Osaka-Hiroshima?"]


def glossary_hit(term: str) -> SimpleNamespace:
    text = (DEFAULT_CORPUS / "glossary.md").read_text().split(f"### {term}\n", 1)[1].split("\n### ", 1)[0]
    return SimpleNamespace(text=text.strip(), meta={"kind": "glossary", "heading": term, "title": "Glossary",
                                                     "source": "glossary.md", "root": "corpus"})


@pytest.mark.parametrize("question,term,definition", [
    ("What is an ADR?", "ADR (Architecture Decision Record)", "A short, versioned document that records one"),
    ("whats a bulkhead", "Bulkhead", None),
])
def test_a_what_is_question_opens_with_the_glossary_definition(question, term, definition):
    text = "".join(compose(question, [glossary_hit(term)], corpus_dir=DEFAULT_CORPUS))
    opening = text.split("\n\n")[1]
    assert opening.startswith(f"**{term}**: ")
    first_sentence = glossary_hit(term).text.split(". ")[0]
    assert " ".join(first_sentence.split()) in opening
    if definition:
        assert definition in opening
    assert "Read next: [Week " in text  # where the glossary says the term is taught


W5 = "curriculum/phase-2-distributed-systems/week-05-message-queues-and-events/lesson.md"
W13 = "curriculum/phase-4-enterprise/week-13-security/lesson.md"
W16 = "curriculum/phase-4-enterprise/week-16-disaster-recovery/lesson.md"


def lesson_section(source: str, heading: str, week: int) -> SimpleNamespace:
    """One section of a real lesson, up to the next heading, as retrieval returns it."""
    text = (DEFAULT_CORPUS / source).read_text()
    start = text.index(f" {heading}\n") + len(heading) + 2
    end = text.find("\n#", start)
    return SimpleNamespace(text=text[start:end if end != -1 else None].strip(),
                           meta={"kind": "lesson", "heading": heading, "week": week, "source": source,
                                 "title": f"Week {week}", "root": "corpus"})


def body(answer: str) -> str:
    """What the answer quotes: without the header line and the read-next links."""
    return answer.split("\n\n", 1)[1].split("\nRead next")[0]


def test_a_definition_question_without_a_glossary_entry_opens_with_the_lessons_defining_sentence():
    # "poison message" has no glossary entry; the defining sentence sits in a section about dead-letter queues
    hits = [lesson_section(W5, "Backpressure", 5), lesson_section(W5, "Poison messages and dead-letter queues", 5),
            lesson_section(W5, "Delivery semantics and idempotent consumers", 5)]
    text = "".join(compose("what's a poison message?", hits, corpus_dir=DEFAULT_CORPUS))
    assert body(text).startswith("A poison message fails every time: a malformed payload")
    assert body(text).split("\n\n")[0].endswith("[2]")


def test_a_comparison_gets_in_short_with_the_deciding_trade_off_first():
    hits = [lesson_section(W5, "Choreographed sagas", 5), lesson_section(W5, "Orchestrated sagas", 5),
            lesson_section(W5, "Sagas: choreography, orchestration and compensation", 5)]
    question = "choreography or orchestration for a six-step model deployment saga that waits for a human approval?"
    text = body("".join(compose(question, hits, corpus_dir=DEFAULT_CORPUS)))
    first = text.split("\n\n")[0]
    assert first.startswith("**In short:** ")
    # the recommendation, with the condition it depends on, quoted from the material
    assert "prefer orchestration" in first and "human approvals" in first and "more than four steps" in first


W3 = "curriculum/phase-1-fundamentals/week-03-modularity/lesson.md"


def test_a_comparison_finds_its_recommendation_in_a_subsection_of_the_section_that_opens():
    # "When to split" is a subsection of "Modular monolith versus microservices", and less relevant to the words
    when = lesson_section(W3, "When to split", 3)
    when.meta["heading"] = "Modular monolith versus microservices > When to split"
    hits = [lesson_section(W3, "Modular monolith versus microservices", 3), when]
    question = "should a small team start a new rag product as microservices or as a modular monolith?"
    first = body("".join(compose(question, hits, corpus_dir=DEFAULT_CORPUS))).split("\n\n")[0]
    assert first.startswith("**In short:** Default to a modular monolith plus a separate model-serving tier")


def test_a_specific_question_quotes_nothing_from_the_unrelated_lessons_retrieval_returned_beside_it():
    # retrieval returned two sections that only share words ("partition", "PDF") with the question
    unrelated = [lesson_section(W16, "Split brain", 16), lesson_section(W13, "Why this matters for ML engineers", 13)]
    hits = [unrelated[0], lesson_section(W5, "Poison messages and dead-letter queues", 5), unrelated[1]]
    question = ("our ingestion worker keeps retrying the same broken document forever and the whole partition is stuck "
                "behind it, how do teams deal with that?")
    text = body("".join(compose(question, hits, corpus_dir=DEFAULT_CORPUS)))
    assert "[1]" not in text and "[3]" not in text
    assert "split brain" not in text.lower() and "network partition" not in text
    assert "dead-letter queue (DLQ) receives messages after N failed attempts" in text  # the fix is said
    assert text.count("[2]") >= 2  # an opening and at least one supporting sentence from the right section


def test_each_part_of_a_two_part_question_is_answered_even_from_a_less_relevant_section():
    hits = [lesson_section(W5, "Backpressure", 5), lesson_section(W5, "Poison messages and dead-letter queues", 5),
            lesson_section(W16, "Split brain", 16)]
    question = ("how do we stop the queue growing without limit when the embedding API is slow, and where do messages "
                "go that can never be processed?")
    text = body("".join(compose(question, hits, corpus_dir=DEFAULT_CORPUS)))
    assert "Bounded buffers" in text or "Autoscaling on lag" in text  # the first part
    assert "dead-letter queue (DLQ) receives messages after N failed attempts. [2]" in text  # the second part
    assert "[3]" not in text


def test_offline_answers_stream_a_stage_first_then_several_pieces_soon_after_retrieval(mentor):
    events, times = [], []
    for event in mentor.chat.ask_stream("How do I stop a cache stampede when a popular key expires?"):
        events.append(event)
        times.append(time.perf_counter())
    kinds = [type(e) for e in events]
    assert kinds[0] is Stage and kinds[-1] is Done
    first_text = kinds.index(TextDelta)
    assert {e.name for e in events[:first_text]} >= {"search", "sources", "write"}
    assert sum(k is TextDelta for k in kinds) >= 3  # a sentence at a time, not one block at the end
    written = next(i for i, e in enumerate(events) if isinstance(e, Stage) and e.name == "write")
    answer = events[-1].answer
    retrieve_ms = next(s["duration_ms"] for s in trace_detail(mentor.store, answer.message_id)["spans"]
                       if s["name"] == "retrieve")
    # the first text follows retrieval within 300 ms, or within the retrieval's own time on a busy machine
    assert (times[first_text] - times[written]) * 1000 <= max(300, retrieve_ms)
    assert "".join(e.text for e in events if isinstance(e, TextDelta)).startswith("*Offline answer")


@pytest.mark.parametrize("question", [PIZZA, *OFF_TOPIC])
def test_off_topic_questions_get_not_covered_offline(mentor, question):
    ans = mentor.chat.ask(question)
    assert ans.answer.startswith("The course material does not cover this")
    assert "nearest topics" in ans.answer
    assert ans.weak and ans.provider == "offline"


@pytest.mark.parametrize("question", [PIZZA, OFF_TOPIC[0]])
def test_with_a_model_the_prompt_says_the_material_does_not_cover_it(tmp_path, anthropic_server, question):
    m = Mentor(make_config(tmp_path, ANTHROPIC_API_KEY="sk-ant-test-key-123",
                           ANTHROPIC_BASE_URL=anthropic_server.base_url, MENTOR_CACHE="0"))
    anthropic_server.enqueue("The course material does not cover this.")
    ans = m.chat.ask(question)
    sent = anthropic_server.requests[-1].body["messages"][-1]["content"]
    assert "the course material does not cover this question" in sent
    assert ans.answer == "The course material does not cover this." and ans.weak


def test_an_on_topic_question_is_not_flagged_and_its_prompt_says_nothing_of_the_kind(tmp_path, anthropic_server):
    m = Mentor(make_config(tmp_path, ANTHROPIC_API_KEY="sk-ant-test-key-123",
                           ANTHROPIC_BASE_URL=anthropic_server.base_url, MENTOR_CACHE="0"))
    anthropic_server.enqueue("Cache-aside fills the cache on a miss [1].")
    ans = m.chat.ask("When should I use cache-aside?")
    assert "does not cover" not in anthropic_server.requests[-1].body["messages"][-1]["content"]
    assert not ans.weak


def test_citations_are_numbered_without_gaps_and_link_into_the_course(tmp_path, anthropic_server):
    m = Mentor(make_config(tmp_path, ANTHROPIC_API_KEY="sk-ant-test-key-123",
                           ANTHROPIC_BASE_URL=anthropic_server.base_url, MENTOR_CACHE="0"))
    anthropic_server.enqueue("Coalesce the misses [3]. Cache-aside fills on a miss [1][3].")
    ans = m.chat.ask("How do I protect the database from a cache stampede?")
    assert ans.answer == "Coalesce the misses [1]. Cache-aside fills on a miss [2][1]."
    assert [c.n for c in ans.citations] == [1, 2]
    week6 = [c for c in ans.citations if c.week == 6]
    assert week6 and all(c.label.startswith("Week 6 lesson · ") and c.link.startswith("?week=6&doc=lesson#")
                         for c in week6)
    stored = m.store.message(ans.message_id)
    assert stored["content"] == ans.answer and [c["n"] for c in stored["citations"]] == [1, 2]


def test_an_offline_answer_does_not_repeat_what_the_conversation_already_said(mentor):
    first = mentor.chat.ask("How do I stop a cache stampede when a popular key expires?")
    again = mentor.chat.ask("How do I stop a cache stampede when a popular key expires?", first.conversation_id,
                            bypass_cache=True)
    def quoted(text):
        return {line.removeprefix("- ").rsplit(" [", 1)[0] for line in text.splitlines() if line.endswith("]")}

    assert quoted(first.answer) and not quoted(first.answer) & quoted(again.answer)


def test_every_stage_is_traced_with_its_time(mentor):
    ans = mentor.chat.ask("What is cache-aside?")
    trace = trace_detail(mentor.store, ans.message_id)
    stages = [s["name"] for s in trace["spans"] if s["depth"] == 1]
    assert stages == ["save_question", "route", "cache", "retrieve", "generate", "cite", "save", "remember"]
    assert all(s["duration_ms"] >= 0 for s in trace["spans"])
    assert json.dumps(trace)  # the trace data is plain JSON


def test_the_current_week_has_one_rule(mentor):
    from mentor.progress import Progress

    assert mentor.current_week() == Progress(mentor).current_week()
    mentor.store.set_setting("start_date", "2000-01-03")
    assert mentor.current_week() == Progress(mentor).current_week() == 20


W6 = "curriculum/phase-2-distributed-systems/week-06-caching-strategies/lesson.md"


def test_a_decision_question_is_led_by_the_lessons_how_to_choose_recommendation():
    # a question written for this test (not from the dev or test samples); the lesson explains the patterns, and
    # its "How to choose" section says which fits what
    patterns = [lesson_section(W6, h, 6) for h in ("Write-through", "Cache-aside (lazy loading)")]
    for p in patterns:
        p.meta["heading"] = f"Cache read and write patterns > {p.meta['heading']}"
    choose = lesson_section(W6, "Cache-aside, read-through, write-through or write-behind", 6)
    choose.meta["heading"] = f"How to choose > {choose.meta['heading']}"
    question = ("model registry metadata is small, read constantly, and has to be current right after someone "
                "promotes a model. which caching pattern should we use?")
    text = body("".join(compose(question, [patterns[0], choose, patterns[1]], corpus_dir=DEFAULT_CORPUS)))
    first = text.split("\n\n")[0]
    assert first.startswith("**In short:** Write-through fits model registry metadata") and first.endswith("[2]")
    assert "use write-through only for small, read-heavy data that must be fresh right after a write" in text


def test_support_comes_from_the_opening_section_its_subsections_or_its_parent_not_from_sibling_decisions():
    from mentor.extracts import Passage, _within

    def at(heading: str, source: str = W6) -> Passage:
        return Passage(1, "lesson", [], (source, heading))

    decision = at("How to choose > Cache-aside, read-through, write-through or write-behind")
    assert _within(at(decision.section[1]), decision)
    assert not _within(at("How to choose > LRU, LFU or TinyLFU eviction, and the length of the TTL"), decision)
    assert _within(at("Modular monolith versus microservices > When to split", W3),
                   at("Modular monolith versus microservices", W3))
    assert _within(at("Modular monolith versus microservices", W3),
                   at("Modular monolith versus microservices > When to split", W3))
    assert not _within(at(decision.section[1], W3), decision)


W1 = "curriculum/phase-1-fundamentals/week-01-design-patterns-and-solid/lesson.md"


def test_the_opening_reads_its_paragraph_to_the_end_where_the_fix_often_is():
    """dev: a learner pastes a growing if/elif chain; the OCP paragraph names the smell, then ends on the fix, which
    shares few words with a question about symptoms. The opening reads on to the paragraph's end."""
    question = ('this function gets another elif every sprint (if model_type == "xgboost": ... elif model_type == '
                '"lightgbm") and each time I break tests that were passing. is there a cleaner way to structure it?')
    text = body("".join(compose(question, [lesson_section(W1, "Open/Closed Principle (OCP)", 1)])))
    assert "The smell in ML code is the growing" in text
    assert "Replace the chain with a registry of classes that share an interface" in text


def test_a_question_whose_first_part_asks_what_a_term_is_opens_with_its_definition():
    """dev: "what is HyDE and is it worth running on every query?" never said what HyDE is."""
    question = "what is HyDE and is it worth running on every query?"
    text = "".join(compose(question, [glossary_hit("HyDE")], corpus_dir=DEFAULT_CORPUS))
    assert text.split("\n\n")[1].startswith("**HyDE**: Hypothetical Document Embeddings")


def test_the_term_a_question_asks_about_is_found_in_its_first_part():
    from mentor.extracts import asked_term

    assert asked_term("what is HyDE and is it worth running on every query?") == "HyDE"
    assert asked_term("What is an ADR?") == "ADR"
    assert asked_term("whats a bulkhead") == "bulkhead"
    assert asked_term("How do I stop a cache stampede when a hot key expires?") is None
