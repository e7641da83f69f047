"""What the Review page shows, built outside the page: code with the flagged lines marked, finding titles, labels.

Everything taken from the code or the findings is HTML-escaped: the page renders it as markup.
"""

from __future__ import annotations

import html

from .findings import SEVERITIES

SEVERITY_ICON = {"error": "🔴", "warning": "🟠", "info": "🔵"}
SEVERITY_COLOUR = {"error": "rgba(255, 75, 75, 0.18)", "warning": "rgba(255, 170, 0, 0.18)",
                   "info": "rgba(28, 131, 225, 0.12)"}
MAX_LINES_SHOWN = 3000  # past this the page shows plain code: a huge table of spans makes the browser crawl


def flagged_lines(findings: list[dict]) -> dict[int, str]:
    """Line number -> the most severe severity of the findings covering it (and of those raised once for several
    places, at each of the others too)."""
    out: dict[int, str] = {}
    for f in findings:
        for n in [*range(f["line"], f["end_line"] + 1), *f.get("also", ())]:
            if n not in out or SEVERITIES.index(f["severity"]) < SEVERITIES.index(out[n]):
                out[n] = f["severity"]
    return out


def code_html(code: str, findings: list[dict], whole_spans: bool = False) -> str:
    """The code as numbered, wrapped lines, flagged lines tinted by severity (only a finding's first line unless
    `whole_spans`, so a finding on a whole function does not paint the whole file)."""
    marks = flagged_lines(findings if whole_spans else [{**f, "end_line": f["line"]} for f in findings])
    rows = []
    for n, line in enumerate(code.splitlines()[:MAX_LINES_SHOWN], start=1):
        severity = marks.get(n)
        style = f' style="background:{SEVERITY_COLOUR[severity]}"' if severity else ""
        flag = f' data-flag="{severity}" title="{severity}"' if severity else ""
        rows.append(f'<div class="rv-line"{style}{flag}><span class="rv-n">{n}</span>'
                    f'<span class="rv-c">{html.escape(line) or " "}</span></div>')
    css = ("<style>.rv-code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:0.82rem;"
           "line-height:1.45;border:1px solid rgba(128,128,128,0.25);border-radius:0.5rem;padding:0.4rem 0;"
           "max-width:100%;overflow-x:hidden}.rv-line{display:flex;gap:0.75rem;padding:0 0.6rem}"
           ".rv-n{flex:0 0 auto;min-width:2.5em;text-align:right;opacity:0.5;user-select:none}"
           ".rv-c{flex:1 1 auto;min-width:0;white-space:pre-wrap;overflow-wrap:anywhere}</style>")
    return css + '<div class="rv-code" data-testid="review-code">' + "".join(rows) + "</div>"


def finding_title(f: dict) -> str:
    """'🟠 line 12 · reliability · the message…' (or the section, for a design review)."""
    where = f["section"] if f.get("section") else f"line {f['line']}"
    message = f["message"] if len(f["message"]) <= 90 else f["message"][:89].rsplit(" ", 1)[0] + "…"
    return f"{SEVERITY_ICON.get(f['severity'], '')} {where} · {f['principle']} · {message}"
