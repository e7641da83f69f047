"""History export: readable Markdown transcripts and JSON that round-trips."""

from __future__ import annotations

import json

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


def import_json(store: Store, text: str) -> list[int]:
    """Load conversations exported with `export_json` (as new conversations); returns their ids."""
    try:
        data = json.loads(text)
        conversations = data["conversations"]
    except (ValueError, KeyError, TypeError):
        raise InputError("This is not a history export from Architect Mentor.") from None
    new_ids = []
    for conv in conversations:
        cid = store.create_conversation(conv.get("title") or "Imported conversation")
        for msg in conv.get("messages", []):
            fields = {k: v for k, v in msg.items()
                      if k not in ("id", "conversation_id", "role", "content", "created", "reply_to")}
            store.add_message(cid, msg["role"], msg["content"], **{**fields, "mode": IMPORTED})
        new_ids.append(cid)
    return new_ids


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
