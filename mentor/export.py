"""History export: readable Markdown transcripts and JSON that round-trips."""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from . import limits
from .errors import InputError
from .prompts import IMPORTED
from .store import Store

EXPORT_VERSION = 1


def conversation_data(store: Store, conversation_id: int) -> dict:
    conv = store.conversation(conversation_id)
    return {**conv, "messages": store.messages(conversation_id)}


def export_json(store: Store, conversation_id: int | None = None) -> str:
    ids = [conversation_id] if conversation_id else [c["id"] for c in store.conversations()]
    data = {"version": EXPORT_VERSION, "conversations": [conversation_data(store, i) for i in ids]}
    return json.dumps(data, indent=2, ensure_ascii=False)


class _Message(BaseModel):
    """One message as `export_json` writes it; fields it does not know are ignored, wrong types refused."""

    model_config = ConfigDict(extra="ignore")
    role: Literal["user", "assistant"]
    content: str = Field(max_length=limits.MAX_MESSAGE_CHARS)
    status: Literal["pending", "answered", "failed", "ok"] | None = None
    error: str | None = Field(default=None, max_length=2000)
    citations: list[dict] | None = Field(default=None, max_length=50)
    provider: str | None = Field(default=None, max_length=100)
    model: str | None = Field(default=None, max_length=200)
    route_reason: str | None = Field(default=None, max_length=2000)
    tokens_in: int | None = Field(default=None, ge=0)
    tokens_out: int | None = Field(default=None, ge=0)
    cost_usd: float | None = Field(default=None, ge=0, allow_inf_nan=False)  # kept, but never counted as spend
    latency_ms: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    cached: bool = False
    redactions: dict[str, int] | None = None


class _Conversation(BaseModel):
    model_config = ConfigDict(extra="ignore")
    title: str | None = Field(default=None, max_length=limits.MAX_TITLE_CHARS)
    messages: list[_Message] = Field(default_factory=list, max_length=limits.MAX_IMPORT_MESSAGES)


class _Export(BaseModel):
    model_config = ConfigDict(extra="ignore")
    version: int = EXPORT_VERSION
    conversations: list[_Conversation]


def import_json(store: Store, text: str) -> list[int]:
    """Load conversations exported with `export_json` (as new conversations, marked imported); returns their ids.
    The whole file is validated first and written in one transaction: a bad file imports nothing."""
    if len(text) > limits.MAX_IMPORT_BYTES:
        raise InputError(f"The file is over {limits.MAX_IMPORT_BYTES // 2**20} MB; export fewer conversations.")
    try:
        data = _Export.model_validate_json(text)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise InputError(f"This is not a history export from Architect Mentor ({where}: {err['msg']}); "
                         "nothing was imported.") from None
    if sum(len(c.messages) for c in data.conversations) > limits.MAX_IMPORT_MESSAGES:
        raise InputError(f"The file holds more than {limits.MAX_IMPORT_MESSAGES:,} messages; nothing was imported.")
    return store.import_conversations([
        (conv.title or "Imported conversation",
         [{**m.model_dump(exclude_none=True), "mode": IMPORTED} for m in conv.messages])
        for conv in data.conversations])


def _cite_line(c: dict) -> str:
    where = ", ".join(x for x in (
        f"week {c['week']}" if c.get("week") else "", f"book {c['book']}" if c.get("book") else "",
        f"paper {c['paper']}" if c.get("paper") else "") if x)
    head = f" > {c['heading']}" if c.get("heading") else ""
    return f"  - [{c.get('n', '')}] {c.get('title')}{head} (`{c.get('source')}`{', ' + where if where else ''})"


def export_markdown(store: Store, conversation_id: int | None = None) -> str:
    ids = [conversation_id] if conversation_id else [c["id"] for c in store.conversations()]
    out = ["# Architect Mentor history", ""] if conversation_id is None else []
    for cid in ids:
        conv = store.conversation(cid)
        out += [f"## {conv['title']}", "", f"*Conversation {cid}, started {conv['created']}*", ""]
        for msg in store.messages(cid):
            who = "You" if msg["role"] == "user" else "Mentor"
            out.append(f"### {who} · {msg['created']}")
            out.append("")
            out.append(msg["content"])
            out.append("")
            if msg["role"] == "user" and msg.get("status") == "failed":
                out += [f"> Not answered: {msg.get('error') or 'the answer failed'}", ""]
            if msg["role"] == "assistant":
                meta = [f"route: {msg.get('provider')}", f"model: {msg.get('model')}"]
                if msg.get("cached"):
                    meta.append("cached")
                if msg.get("cost_usd"):
                    meta.append(f"cost: ${msg['cost_usd']:.4f}")
                out += [f"*{' · '.join(meta)}*", ""]
                if msg.get("citations"):
                    out += ["Sources:", *[_cite_line(c) for c in msg["citations"]], ""]
    return "\n".join(out).rstrip() + "\n"
