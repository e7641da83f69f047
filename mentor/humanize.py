"""Times and titles as people read them: "Mon 30 Nov, 12:27", "2 h ago", "Today", a title cut at a word.

    when("2026-11-30T12:27:00+00:00", tz="Europe/Paris")    # 'Mon 30 Nov, 13:27'
    ago("2026-11-30T12:27:00+00:00", now=...)              # 'now', '5 min', '3 h', 'yesterday', 'Tue', '12 Nov'
    group("2026-11-30T12:27:00+00:00", now=...)            # 'Today' | 'This week' | 'Older'
    shorten("How do I protect the database from a cache stampede?", 30)  # 'How do I protect the database…'
    highlight("a \x02cache\x03 stampede", "\x02", "\x03")   # 'a **cache** stampede' (the rest escaped)

Stored times are UTC ISO strings; every function takes the reader's time zone (the browser's, when known).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

GROUPS = ("Today", "This week", "Older")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$])")


def zone(name: str | None) -> tzinfo:
    """The named time zone; the server's local zone when the name is missing or unknown."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return datetime.now().astimezone().tzinfo or UTC


def parse(iso: str, tz: str | None = None) -> datetime:
    """A stored timestamp in the reader's zone (a timestamp without a zone is UTC, as the store writes it)."""
    dt = datetime.fromisoformat(iso)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(zone(tz))


def _now(now: datetime | None, tz: str | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(zone(tz))


def when(iso: str, tz: str | None = None, now: datetime | None = None) -> str:
    """ "Mon 30 Nov, 12:27"; the year is added when it is not the current one."""
    dt = parse(iso, tz)
    text = f"{dt:%a} {dt.day} {dt:%b}"
    if dt.year != _now(now, tz).year:
        text += f" {dt.year}"
    return f"{text}, {dt:%H:%M}"


def ago(iso: str, tz: str | None = None, now: datetime | None = None) -> str:
    """How long ago, as briefly as a sidebar row allows."""
    dt, current = parse(iso, tz), _now(now, tz)
    seconds = (current - dt).total_seconds()
    if seconds < 60:
        return "now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    days = (current.date() - dt.date()).days
    if days == 0:
        return f"{int(seconds // 3600)} h"
    if days == 1:
        return "yesterday"
    if days < 7:
        return f"{dt:%a}"
    return f"{dt.day} {dt:%b}" + (f" {dt.year}" if dt.year != current.year else "")


def group(iso: str, tz: str | None = None, now: datetime | None = None) -> str:
    """Today (the reader's calendar day), This week (the six days before) or Older."""
    days = (_now(now, tz).date() - parse(iso, tz).date()).days
    if days <= 0:
        return GROUPS[0]
    return GROUPS[1] if days < 7 else GROUPS[2]


def grouped(rows: list[dict], key: str = "updated", tz: str | None = None,
            now: datetime | None = None) -> list[tuple[str, list[dict]]]:
    """Rows (newest first) under their group's heading, empty groups left out, order kept."""
    out: dict[str, list[dict]] = {g: [] for g in GROUPS}
    for row in rows:
        out[group(row[key], tz, now)].append(row)
    return [(g, out[g]) for g in GROUPS if out[g]]


def shorten(text: str, limit: int = 40) -> str:
    """One line of at most `limit` characters, cut at a word boundary with an ellipsis."""
    flat = " ".join((text or "").split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:  # a very long first word is cut inside it rather than leaving almost nothing
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + "…"


def escape_markdown(text: str) -> str:
    """Text that Markdown shows exactly as typed: no emphasis, link, heading or tag survives."""
    return _MD_SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", text or ""))


def highlight(text: str, start: str, end: str) -> str:
    """Markdown for a search snippet whose matches are wrapped in start/end marks: everything escaped first,
    then the matches in bold, so nothing in the message can add formatting or links."""
    out = []
    for i, part in enumerate(re.split(f"{re.escape(start)}|{re.escape(end)}", text or "")):
        piece = escape_markdown(part)
        out.append(f"**{piece}**" if i % 2 and piece else piece)
    return "".join(out)
