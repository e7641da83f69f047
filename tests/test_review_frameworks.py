"""A finding's consequence text matches the framework the reviewed file uses (frameworks.py's table)."""

from __future__ import annotations

import textwrap

import pytest

from mentor.review import analyse

CALL = 'client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": q}])'

STREAMLIT = f'''\
import streamlit as st
from openai import OpenAI

client = OpenAI()
q = st.chat_input("Ask about the docs")
if q:
    answer = {CALL}
    st.write(answer.choices[0].message.content)
'''

FLASK = f'''\
from flask import Flask, jsonify, request
from openai import OpenAI

app = Flask(__name__)
client = OpenAI()


@app.post("/ask")
def ask():
    q = request.get_json(force=True).get("q", "")
    answer = {CALL}
    return jsonify(answer=answer.choices[0].message.content)
'''

FASTAPI = f'''\
from fastapi import FastAPI
from openai import OpenAI

app = FastAPI()
client = OpenAI()


@app.get("/ask")
def ask(q: str):
    answer = {CALL}
    return {{"answer": answer.choices[0].message.content}}
'''

SCRIPT = f'''\
import sys

from openai import OpenAI

client = OpenAI()

if __name__ == "__main__":
    q = sys.argv[1]
    answer = {CALL}
    print(answer.choices[0].message.content)
'''


def _unguarded(code: str, name: str) -> str:
    result = analyse(textwrap.dedent(code), name, serves_others=True)
    return next(f.message for f in result.findings if f.rule == "ml:llm-unguarded")


@pytest.mark.parametrize(("code", "name", "says"), [
    (STREAMLIT, "app.py", "Streamlit stops the run and shows the traceback in the page"),
    (FLASK, "api.py", "Flask answers a 500"),
    (FASTAPI, "main.py", "FastAPI answers a 500"),
    (SCRIPT, "ask.py", "the script stops with a traceback"),
], ids=["streamlit", "flask", "fastapi", "script"])
def test_an_unguarded_model_call_states_what_this_framework_does_with_the_error(code, name, says):
    message = _unguarded(code, name)
    assert says in message
    assert ("500" in message) == (name in ("api.py", "main.py"))


def test_a_guarded_model_call_in_a_streamlit_page_is_not_raised():
    guarded = STREAMLIT.replace(f"    answer = {CALL}\n    st.write(answer.choices[0].message.content)\n",
                                f"    try:\n        answer = {CALL}\n    except Exception as exc:\n"
                                f"        st.error(f'The model is unavailable: {{exc}}')\n    else:\n"
                                f"        st.write(answer.choices[0].message.content)\n")
    assert "try:" in guarded
    result = analyse(guarded, "app.py", serves_others=True)
    assert "ml:llm-unguarded" not in [f.rule for f in result.findings + result.minor]


GO_SERVER = '''\
package main

import (
\t"encoding/json"
\t"net/http"

\t"github.com/gin-gonic/gin"
\t"gorm.io/gorm"
)

var db *gorm.DB

type Note struct{ Text string }

func create(c *gin.Context) {
\tvar n Note
\t_ = c.ShouldBindJSON(&n)
\tdb.Create(&n)
\tbody, _ := json.Marshal(n)
\tc.Data(http.StatusCreated, "application/json", body)
}

func main() {
\tr := gin.Default()
\tr.POST("/notes", create)
\t_ = r.Run(":8080")
}
'''


@pytest.mark.skipif(__import__("mentor.semgrep_review").semgrep_review.semgrep_command() is None,
                    reason="semgrep is a declared dependency; CI installs it")
def test_go_findings_claim_only_what_each_line_shows():
    result = analyse(GO_SERVER, "main.go", serves_others=True)
    by_line = {n: f.message for f in result.findings + result.minor if f.rule.startswith("semgrep:")
               for n in [f.line, *f.also]}  # a point made once names the other lines where it holds
    assert "assigned to `_`" in by_line[17]          # `_ = c.ShouldBindJSON(&n)`
    assert "GORM" in by_line[18] and "`_`" not in by_line[18]  # `db.Create(&n)` drops `.Error`
    # `body, _ := json.Marshal(n)`: encoding plain data fails only for channels, functions and cycles (a dev grader
    # called the finding wrong), so it is not flagged
    assert 19 not in by_line
    auth = by_line[25]                               # the POST route on gin.Default()
    assert "gin.Default()" in auth and "logging and panic recovery" in auth
    assert "registered with no middleware" not in auth
    assert "start-up error" in by_line[26] and "status 0" in by_line[26]  # `_ = r.Run(":8080")` in main


NEXT_ROUTE = '''\
import OpenAI from "openai";
import { NextResponse } from "next/server";

const openai = new OpenAI();

export async function POST(req: Request) {
  const { messages } = await req.json();
  const completion = await openai.chat.completions.create({ model: "gpt-4o-mini", messages });
  return NextResponse.json(completion.choices[0].message);
}
'''

EXPRESS = '''\
const express = require("express");
const OpenAI = require("openai");

const app = express();
const openai = new OpenAI();

app.get("/ask", async (req, res) => {
  const completion = await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [] });
  res.json(completion.choices[0].message);
});
'''

FASTIFY = EXPRESS.replace('const express = require("express");', 'const fastify = require("fastify");').replace(
    "const app = express();", "const app = fastify();").replace("res.json(", "return (")


@pytest.mark.skipif(__import__("mentor.semgrep_review").semgrep_review.semgrep_command() is None,
                    reason="semgrep is a declared dependency; CI installs it")
@pytest.mark.parametrize(("code", "name", "says", "not_says"), [
    (NEXT_ROUTE, "route.ts", "Next.js answers a bare 500", "Express"),
    (EXPRESS, "server.js", "in Express 4 the rejection goes unhandled", "Next.js"),
    (FASTIFY, "server.js", "Fastify catches the rejection and answers a 500", "Express"),
], ids=["next", "express", "fastify"])
def test_an_unguarded_js_route_call_states_what_this_framework_does(code, name, says, not_says):
    result = analyse(code, name, serves_others=True)
    message = next(f.message for f in result.findings if f.rule == "semgrep:llm-unguarded")
    assert says in message and not_says not in message and "{unhandled}" not in message
    call = next(line for line in code.splitlines() if "completions.create" in line)
    guarded = code.replace(call, "  let completion;\n  try {\n  " + call.replace("const completion", "completion")
                           + "\n  } catch (err) {\n    console.error(err);\n    throw new Error(\"unavailable\");\n  }")
    assert "try {" in guarded
    assert "semgrep:llm-unguarded" not in [f.rule for f in analyse(guarded, name, serves_others=True).findings]


@pytest.mark.parametrize(("head", "name", "says"), [
    ("import streamlit as st\n", "app.py", 'leaves the page on "Running..." forever'),
    ("from flask import Flask\n\napp = Flask(__name__)\n", "api.py", "blocks this worker forever"),
    ("import argparse\n", "fetch.py", "hangs the script forever"),
], ids=["streamlit", "flask", "script"])
def test_a_call_with_no_timeout_says_what_this_kind_of_program_waits_on(head, name, says):
    code = head + "import requests\n\n\ndef load(url):\n    r = requests.get(url)\n    r.raise_for_status()\n" \
                  "    return r.json()\n\n\nrows = load('https://api.example.com/rows')\n"
    message = next(f.message for f in analyse(code, name).findings + analyse(code, name).minor
                   if f.rule == "ml:http-no-timeout")
    assert says in message
    fixed = code.replace("requests.get(url)", "requests.get(url, timeout=10)")
    assert "ml:http-no-timeout" not in [f.rule for f in analyse(fixed, name).findings + analyse(fixed, name).minor]


WEBHOOK_SERVER = '''\
package main

import (
\t"log"

\t"github.com/gin-gonic/gin"
)

func main() {
\tr := gin.Default()
\tr.POST("/payments", h.PaymentCallback)
\tr.POST("/webhooks/stripe", h.Stripe)
\tr.POST("/orders", h.CreateOrder)
\tif err := r.Run(":9000"); err != nil {
\t\tlog.Fatal(err)
\t}
}
'''


@pytest.mark.skipif(__import__("mentor.semgrep_review").semgrep_review.semgrep_command() is None,
                    reason="semgrep is a declared dependency; CI installs it")
def test_a_webhook_route_is_not_said_to_lack_auth_middleware_but_an_order_route_is():
    result = analyse(WEBHOOK_SERVER, "main.go", serves_others=True)
    lines = [f.line for f in result.findings + result.minor if f.rule == "semgrep:missing-auth"]
    assert lines == [13]  # a signed callback is checked in its handler; `/orders` is an ordinary mutating route
