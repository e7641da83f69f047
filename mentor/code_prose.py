"""The prose inside a code fence: comments, strings and free text, where a person's name or a place can be written.

Identifiers are not prose: NER reads `fmt.Println`, `req.Header.Set` or `UnstructuredFileLoader` as names of people
or places, and a review request whose code says `fmt.<PERSON_1>(...)` cannot be reviewed. privacy.detect keeps an
NER span inside a review's `<code language="...">` fence only where no token of the language's Pygments lexer is
code: a name, keyword, operator, punctuation or number. Everything else stays prose (comments, strings, a YAML
value, a Markdown paragraph, text no lexer knows). Pattern detectors (e-mail, phone, keys) read every character.
"""

from __future__ import annotations

import bisect
import re

from pygments.lexers import get_lexer_by_name
from pygments.token import Keyword, Name, Number, Operator, Punctuation
from pygments.util import ClassNotFound

# what review_model.code_request writes; fence() escapes "<code" in untrusted text, so only ours can match
_FENCE = re.compile(r'<code language="([^"\n]*)">\n(.*?)\n</code>', re.S)
_NUMBERED = re.compile(r"^ *\d+ \| ?", re.M)
CODE_TOKENS = (Name, Keyword, Operator, Punctuation, Number)


class CodeRegions:
    """Where a text's code fences are, and which of their characters are prose."""

    def __init__(self, text: str):
        self.fences: list[tuple[int, int]] = []
        self._prose: list[tuple[int, int]] = []
        for m in _FENCE.finditer(text):
            self.fences.append((m.start(2), m.end(2)))
            self._prose += _prose_spans(m.group(2), m.start(2), m.group(1))
        self._starts = [s for s, _ in self._prose]

    def allows(self, start: int, end: int) -> bool:
        """Whether an NER span may stand: outside every code fence, or inside one comment or string."""
        if not any(s <= start < e for s, e in self.fences):
            return True
        i = bisect.bisect_right(self._starts, start) - 1
        return i >= 0 and self._prose[i][0] <= start and end <= self._prose[i][1]


def _prose_spans(body: str, base: int, language: str) -> list[tuple[int, int]]:
    """The prose spans of a numbered code body (every token that is not code), as offsets into the whole text."""
    code_parts, where = [], []  # where[i]: (offset in code, offset in text) at the start of each line's code
    pos = code_pos = 0
    for line in body.split("\n"):
        prefix = _NUMBERED.match(line)
        skip = prefix.end() if prefix else 0
        where.append((code_pos, base + pos + skip))
        code_parts.append(line[skip:])
        pos += len(line) + 1
        code_pos += len(line) - skip + 1
    code = "\n".join(code_parts)
    try:
        lexer = get_lexer_by_name(language or "text", stripnl=False, ensurenl=False)
    except ClassNotFound:
        return [(base, base + len(body))]  # no lexer: every character may be prose, as before
    line_starts = [c for c, _ in where]
    out: list[tuple[int, int]] = []
    for index, kind, value in lexer.get_tokens_unprocessed(code):
        if not value or any(kind in code for code in CODE_TOKENS):
            continue
        # a token may run over several lines: split it at line ends so each piece maps to the text
        offset = index
        for piece in value.split("\n"):
            if piece:
                row = bisect.bisect_right(line_starts, offset) - 1
                start = where[row][1] + offset - where[row][0]
                if out and out[-1][1] == start:
                    out[-1] = (out[-1][0], start + len(piece))
                else:
                    out.append((start, start + len(piece)))
            offset += len(piece) + 1
    return out
