"""Facts about the framework a reviewed Python file uses, in one place, so that a finding states the consequence
that framework really produces (a Streamlit page shows the exception; Flask, FastAPI and Django answer a 500; a
script stops; a library hands the error to its caller).

    unhandled_error(framework_of(tree), "app")   # "Streamlit stops the run and shows the traceback in the page"
    js_unhandled(source)                         # for a Semgrep message's `{unhandled}`: Express, Fastify, Next.js
"""

from __future__ import annotations

import ast
import re

# what an exception nobody catches does, by the top-level package the file imports (checked in this order)
UNHANDLED = {
    "streamlit": "Streamlit stops the run and shows the traceback in the page",
    "gradio": "Gradio shows an error in the UI and the event's output is lost",
    "chainlit": "Chainlit shows an error in the chat and the reply is lost",
    "flask": "Flask answers a 500",
    "fastapi": "FastAPI answers a 500",
    "starlette": "Starlette answers a 500",
    "django": "Django answers a 500",
    "rest_framework": "Django REST framework answers a 500",
    "quart": "Quart answers a 500",
    "sanic": "Sanic answers a 500",
    "litestar": "Litestar answers a 500",
    "aiohttp": "aiohttp answers a 500",
    "tornado": "Tornado answers a 500",
}
# when no framework is imported, by the file's context (review_triage.Context.kind)
BY_KIND = {"service": "the request fails with a 500", "app": "the app shows an error",
           "script": "the script stops with a traceback", "library": "the caller gets the exception"}

# what a call that never returns holds up, by framework where it differs from the context's
STALLED = {"streamlit": "leaves the page on \"Running...\" forever", "gradio": "leaves the UI waiting forever"}
STALLED_BY_KIND = {"service": "blocks this worker forever", "app": "leaves the app waiting forever",
                   "script": "hangs the script forever", "library": "blocks the caller forever"}


def framework_of(tree: ast.Module | None) -> str | None:
    """The first framework of `UNHANDLED` that the file imports (by table order), or None."""
    if tree is None:
        return None
    tops = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    tops |= {(n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and not n.level}
    return next((name for name in UNHANDLED if name in tops), None)


def unhandled_error(framework: str | None, kind: str) -> str:
    """What an uncaught exception does in this file: the framework's behaviour, else the context's."""
    return UNHANDLED.get(framework or "", BY_KIND.get(kind, "it surfaces as a crash"))


# the same for a JavaScript/TypeScript route whose awaited call rejects, by the server package it imports (in order)
JS_UNHANDLED = (
    ("fastify", "Fastify catches the rejection and answers a 500"),
    ("next", "Next.js answers a bare 500"),
    ("express", "in Express 4 the rejection goes unhandled and the request never gets an answer (Express 5 answers "
                "a 500)"),
    ("hono", "Hono answers a bare 500"),
)
JS_DEFAULT = "the rejection escapes the handler"


def js_framework(source: str) -> str | None:
    """The server package a JavaScript/TypeScript file imports or requires (`next/server` counts as next)."""
    imported = set(re.findall(r"""(?:from\s+|require\(\s*)["']([@\w-]+)""", source))
    return next((name for name, _ in JS_UNHANDLED if name in imported), None)


def js_unhandled(source: str) -> str:
    """What a rejected promise in a route handler does in this file's framework."""
    return dict(JS_UNHANDLED).get(js_framework(source) or "", JS_DEFAULT)


def stalled_call(framework: str | None, kind: str) -> str:
    """What a call with no timeout holds up when the server at the other end stalls."""
    return STALLED.get(framework or "", STALLED_BY_KIND.get(kind, "blocks the caller forever"))
