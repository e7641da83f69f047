"""A streamed answer: the events the Ask flow yields (stages, text, done) and the stream that carries them.

    stream = chat.ask_stream("What is an ADR?")
    for event in stream:          # Stage("search", ...), Stage("sources", "5 sources"), TextDelta(...), Done(answer)
        ...
    stream.close()                # a Stop or a reload: the text so far is stored, marked INTERRUPTED
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field

from .citations import Citation

INTERRUPTED, STOPPED = "interrupted", "stopped"  # an answer cut short: the page was left, or the learner stopped it


@dataclass
class Answer:
    answer: str
    citations: list[Citation]
    provider: str
    model: str
    route_reason: str
    cached: bool
    tokens_in: int
    tokens_out: int
    cost_usd: float
    latency_ms: float
    conversation_id: int
    message_id: int
    question_id: int
    redactions: dict[str, int] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    weak: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


# events of a streamed answer -----------------------------------------------------------------------------------
@dataclass
class Stage:
    """Progress before the text: name is stable (search, sources, write, cache), detail is for people."""

    name: str
    detail: str


@dataclass
class TextDelta:
    text: str


@dataclass
class Done:
    answer: Answer


Event = Stage | TextDelta | Done


class AnswerStream:
    """Iterate to receive the events; `answer` holds the stored result once Done has passed."""

    def __init__(self, events: Iterator[Event], conversation_id: int, question_id: int,
                 abandon: Callable[[], None] = lambda: None):
        self._events, self._abandon, self._started = events, abandon, False
        self.conversation_id = conversation_id
        self.question_id = question_id
        self.answer: Answer | None = None

    def __iter__(self) -> Iterator[Event]:
        self._started = True
        for event in self._events:
            if isinstance(event, Done):
                self.answer = event.answer
            yield event

    def close(self) -> None:
        """End the flow where it is (a stop, a reload): what was streamed is stored as an interrupted answer."""
        self._events.close()
        if not self._started:
            self._abandon()

    def text(self, on_stage: Callable[[Stage], None] | None = None) -> Iterator[str]:
        """Only the text (what st.write_stream wants); stages go to `on_stage`."""
        for event in self:
            if isinstance(event, TextDelta):
                yield event.text
            elif isinstance(event, Stage) and on_stage is not None:
                on_stage(event)
