"""A conversation as exchanges: each question with its answers, the latest shown, earlier versions reachable.

    for ex in exchanges(store.messages(cid)):
        ex.question["content"], ex.latest["content"], len(ex.answers)   # answers in the order they were written
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Exchange:
    question: dict | None  # None for answers stored before any question (an imported transcript)
    answers: list[dict] = field(default_factory=list)

    @property
    def latest(self) -> dict | None:
        return self.answers[-1] if self.answers else None


def exchanges(messages: list[dict]) -> list[Exchange]:
    """Messages grouped by question: an answer joins the question it replies to (older rows: the one before it)."""
    out: list[Exchange] = []
    by_question: dict[int, Exchange] = {}
    for msg in messages:
        if msg["role"] == "user":
            out.append(Exchange(msg))
            by_question[msg["id"]] = out[-1]
            continue
        target = by_question.get(msg.get("reply_to")) or (out[-1] if out else None)
        if target is None:
            out.append(Exchange(None))
            target = out[-1]
        target.answers.append(msg)
    return out
