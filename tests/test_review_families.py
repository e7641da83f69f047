"""Checks written for the family of a problem rather than one file's spelling: each with real-looking code that
triggers it and code doing the right thing."""

from __future__ import annotations

import textwrap

import pytest

from mentor.review import analyse
from mentor.review_lessons import RULE_LESSONS, reference
from mentor.review_triage import minor_line


def found(code: str, filename: str = "service.py") -> list[tuple[str, int]]:
    """(rule, line) of every raised finding."""
    return [(f.rule, f.line) for f in analyse(textwrap.dedent(code), filename, serves_others=True).findings]


CASES = [  # (rule, code that triggers it at the line, code doing the right thing)
    ("ml:http-no-timeout", ("""\
        from airflow.decorators import task
        from requests import get

        @task
        def download():
            response = get("https://data.example.org/resource.json")
            response.raise_for_status()
            return response.json()
        """, 6), """\
        from airflow.decorators import task
        from requests import get

        @task
        def download():
            response = get("https://data.example.org/resource.json", timeout=30)
            response.raise_for_status()
            return response.json()
        """),
    ("ml:http-no-status", ("""\
        import json
        import requests as rq

        def extract(url):
            response = rq.post(url, json={"page": 1}, timeout=10)
            return json.loads(response.content)
        """, 5), """\
        import json
        import requests as rq

        def extract(url):
            response = rq.post(url, json={"page": 1}, timeout=10)
            response.raise_for_status()
            return json.loads(response.content)
        """),
    ("ml:http-no-timeout", ("""\
        import json
        from urllib.request import urlopen

        def fetch_labels(url):
            with urlopen(url) as resp:
                return json.load(resp)
        """, 5), """\
        import json
        from urllib.request import urlopen

        def fetch_labels(url):
            with urlopen(url, timeout=10) as resp:
                return json.load(resp)
        """),
    ("ml:blocking-in-async", ("""\
        from fastapi import FastAPI
        from openai import OpenAI

        app = FastAPI()
        client = OpenAI()

        @app.post("/chat")
        async def chat(message: str):
            try:
                reply = client.chat.completions.create(model="gpt-4o-mini",
                                                       messages=[{"role": "user", "content": message}])
            except Exception:
                return {"error": "model unavailable"}
            return {"reply": reply.choices[0].message.content}
        """, 10), """\
        from fastapi import FastAPI
        from openai import AsyncOpenAI

        app = FastAPI()
        client = AsyncOpenAI()

        @app.post("/chat")
        async def chat(message: str):
            try:
                reply = await client.chat.completions.create(model="gpt-4o-mini",
                                                             messages=[{"role": "user", "content": message}])
            except Exception:
                return {"error": "model unavailable"}
            return {"reply": reply.choices[0].message.content}
        """),
    ("ml:llm-unguarded", ("""\
        import ollama
        import streamlit as st

        question = st.chat_input("Ask")
        if question:
            answer = ollama.chat(model="llama3", messages=[{"role": "user", "content": question}])
            st.write(answer["message"]["content"])
        """, 6), """\
        import ollama
        import streamlit as st

        question = st.chat_input("Ask")
        if question:
            try:
                answer = ollama.chat(model="llama3", messages=[{"role": "user", "content": question}])
            except ollama.ResponseError as exc:
                st.error(f"The model is unavailable ({exc.status_code}); try again.")
            else:
                st.write(answer["message"]["content"])
        """),
    ("ml:llm-unguarded", ("""\
        import streamlit as st

        query_engine = load_index().as_query_engine()
        if prompt := st.chat_input("Your question"):
            response = query_engine.query(prompt)
            st.write(response.response)
        """, 5), """\
        import streamlit as st

        query_engine = load_index().as_query_engine()
        if prompt := st.chat_input("Your question"):
            try:
                response = query_engine.query(prompt)
            except TimeoutError:
                st.error("The model timed out; try again.")
            else:
                st.write(response.response)
        """),
    ("ml:unbounded-payload", ("""\
        from io import BytesIO

        from fastapi import FastAPI, File, UploadFile

        app = FastAPI()

        @app.post("/upload/")
        async def upload_pdf(file: UploadFile = File(...)):
            pdf = BytesIO(await file.read())
            return {"pages": count_pages(pdf)}

        @app.get("/search/")
        async def search(query: str, limit: int = 10):
            return run_search(query, limit)
        """, 9), """\
        from io import BytesIO

        from fastapi import FastAPI, File, HTTPException, UploadFile

        MAX_UPLOAD = 20 * 1024 * 1024
        app = FastAPI()

        @app.post("/upload/")
        async def upload_pdf(file: UploadFile = File(...)):
            if file.size is None or file.size > MAX_UPLOAD:
                raise HTTPException(413, "the PDF is larger than 20 MB")
            pdf = BytesIO(await file.read())
            return {"pages": count_pages(pdf)}
        """),
    ("ml:unvalidated-input", ("""\
        import numpy as np
        from flask import Flask, Response, request

        app = Flask(__name__)
        model = load_model()

        @app.route("/predict", methods=["POST"])
        def predict():
            rows = np.array(request.get_json())
            return Response(str(model.predict(rows).tolist()), mimetype="application/json")
        """, 10), """\
        import numpy as np
        from flask import Flask, abort, jsonify, request

        app = Flask(__name__)
        model = load_model()

        @app.route("/predict", methods=["POST"])
        def predict():
            body = request.get_json()
            if not isinstance(body, list) or len(body) > 1000:
                abort(400, "send a list of at most 1000 rows")
            return jsonify(model.predict(np.array(body)).tolist())
        """),
    ("ml:main-only-global", ("""\
        import joblib
        from flask import Flask, jsonify, request

        app = Flask(__name__)

        @app.route("/predict", methods=["POST"])
        def predict():
            return jsonify(model.predict(request.get_json()["rows"]).tolist())

        if __name__ == "__main__":
            model = joblib.load("model.joblib")
            app.run(host="0.0.0.0", port=8080)
        """, 11), """\
        import joblib
        from flask import Flask, jsonify, request

        app = Flask(__name__)
        model = joblib.load("model.joblib")

        @app.route("/predict", methods=["POST"])
        def predict():
            return jsonify(model.predict(request.get_json()["rows"]).tolist())

        if __name__ == "__main__":
            port = 8080
            app.run(host="0.0.0.0", port=port)
        """),
    ("ml:blocking-in-async", ("""\
        import ollama
        from fastapi import FastAPI, HTTPException

        app = FastAPI()

        def generate(question):
            return ollama.chat(model="llama3", messages=[{"role": "user", "content": question}])

        @app.post("/chat")
        async def chat(question: str):
            try:
                return {"answer": generate(question)["message"]["content"]}
            except ollama.ResponseError:
                raise HTTPException(502, "the model is unavailable")
        """, 12), """\
        import asyncio

        import ollama
        from fastapi import FastAPI, HTTPException

        app = FastAPI()

        def generate(question):
            return ollama.chat(model="llama3", messages=[{"role": "user", "content": question}])

        @app.post("/chat")
        async def chat(question: str):
            try:
                return {"answer": (await asyncio.to_thread(generate, question))["message"]["content"]}
            except ollama.ResponseError:
                raise HTTPException(502, "the model is unavailable")
        """),
    ("ml:load-per-request", ("""\
        import streamlit as st
        from langchain_community.vectorstores import FAISS

        def answer(question, embeddings):
            db = FAISS.load_local("faiss_index", embeddings)
            return db.similarity_search(question)
        """, 5), """\
        import streamlit as st
        from langchain_community.vectorstores import FAISS

        def build_index(chunks, embeddings):
            FAISS.from_texts(chunks, embedding=embeddings).save_local("faiss_index")

        if st.button("Process"):
            build_index(st.session_state.chunks, st.session_state.embeddings)
        """),
    ("ml:removed-api", ("""\
        import pandas as pd
        from sklearn.externals import joblib

        def save(model, path):
            joblib.dump(model, path)
        """, 2), """\
        import joblib
        import pandas as pd

        def save(model, path):
            joblib.dump(model, path)
        """),
    ("ml:removed-api", ("""\
        import openai
        import streamlit as st

        if prompt := st.chat_input():
            try:
                reply = openai.ChatCompletion.create(model="gpt-4o-mini",
                                                     messages=[{"role": "user", "content": prompt}])
            except Exception:
                st.error("model unavailable")
        """, 6), """\
        import streamlit as st
        from openai import OpenAI

        client = OpenAI()
        if prompt := st.chat_input():
            try:
                reply = client.chat.completions.create(model="gpt-4o-mini",
                                                       messages=[{"role": "user", "content": prompt}])
            except Exception:
                st.error("model unavailable")
        """),
    ("ml:version-as-text", ("""\
        import transformers

        def load_kwargs():
            if transformers.__version__ >= "4.30":
                return {"attn_implementation": "sdpa"}
            return {}
        """, 4), """\
        import sys

        import torch

        def maybe_compile(model):
            # torch.__version__ is a TorchVersion: it compares as a parsed version, not as text
            if torch.__version__ >= "2" and sys.platform != "win32":
                return torch.compile(model)
            return model
        """),
    ("ml:exit-in-helper", ("""\
        import openai

        def summarise(text):
            try:
                return openai.chat.completions.create(model="gpt-4o-mini", messages=[text])
            except openai.APIError:
                exit(1)

        print(summarise("a long report"))
        """, 7), """\
        import threading

        import openai

        def summarise(text):
            try:
                return openai.chat.completions.create(model="gpt-4o-mini", messages=[text])
            except openai.APIError:
                exit(1)  # in a worker thread this raises SystemExit there: the process goes on

        def worker(texts):
            for text in texts:
                print(summarise(text))

        threading.Thread(target=worker, args=(["a long report"],)).start()
        """),
    ("ml:exit-in-helper", ("""\
        from langchain_community.document_loaders import TextLoader

        def process_documents(paths):
            documents = [TextLoader(p).load() for p in paths]
            if not documents:
                print("No new documents to load")
                exit(0)
            return documents
        """, 7), """\
        import sys

        from langchain_community.document_loaders import TextLoader

        def process_documents(paths):
            documents = [TextLoader(p).load() for p in paths]
            if not documents:
                raise ValueError("no new documents to load")
            return documents

        def main():
            try:
                process_documents(sys.argv[1:])
            except ValueError as exc:
                sys.exit(str(exc))
        """),
    ("ml:unchecked-setting", ("""\
        import os

        from flask import Flask

        DATABASE_URL = os.getenv("DATABASE_URL")
        MODEL_DIR = os.environ.get("MODEL_DIR")
        app = Flask(__name__)
        engine = connect(DATABASE_URL)
        """, 5), """\
        import os
        import sys

        from flask import Flask

        DATABASE_URL = os.getenv("DATABASE_URL")
        MODEL_DIR = os.environ.get("MODEL_DIR", "models")
        if not DATABASE_URL:
            sys.exit("set DATABASE_URL")
        app = Flask(__name__)
        engine = connect(DATABASE_URL)
        """),
    ("ml:local-time", ("""\
        import time

        def window(context):
            start = int(time.mktime(context["data_interval_start"].timetuple()))
            return start
        """, 4), """\
        def window(context):
            start = int(context["data_interval_start"].timestamp())
            return start
        """),
    ("ruff:DTZ006", ("""\
        import datetime

        def row(ts):
            return {"created_at": datetime.datetime.fromtimestamp(ts)}
        """, 4), """\
        import datetime

        def row(ts):
            return {"created_at": datetime.datetime.fromtimestamp(ts, tz=datetime.UTC)}
        """),
    ("ml:unclosed-client", ("""\
        import snowflake.connector

        def load(rows, user, password, account):
            conn = snowflake.connector.connect(user=user, password=password, account=account)
            cursor = conn.cursor()
            cursor.executemany("INSERT INTO t VALUES (%s, %s)", rows)
            conn.commit()
        """, 4), """\
        import snowflake.connector

        def load(rows, user, password, account):
            with snowflake.connector.connect(user=user, password=password, account=account) as conn:
                conn.cursor().executemany("INSERT INTO t VALUES (%s, %s)", rows)
                conn.commit()
        """),
    ("ml:blocking-in-async", ("""\
        from fastapi import FastAPI

        app = FastAPI()
        model = load_model()

        @app.post("/generate")
        async def generate(prompt: str):
            return {"text": model.generate(prompt, max_new_tokens=64)}
        """, 8), """\
        from fastapi import FastAPI

        app = FastAPI()
        model = load_model()

        @app.post("/generate")
        def generate(prompt: str):
            return {"text": model.generate(prompt, max_new_tokens=64)}
        """),
    ("ml:fit-before-split", ("""\
        from sklearn.ensemble import RandomForestClassifier

        def train(x, y):
            clf = RandomForestClassifier(random_state=0)
            clf.fit(x, y)
            return clf, "training score: %s" % clf.score(x, y)
        """, 6), """\
        from sklearn.ensemble import RandomForestClassifier
        from sklearn.model_selection import train_test_split

        def train(x, y):
            x_train, x_test, y_train, y_test = train_test_split(x, y, random_state=0)
            clf = RandomForestClassifier(random_state=0)
            clf.fit(x_train, y_train)
            return clf, "held-out score: %s" % clf.score(x_test, y_test)
        """),
    ("ml:chained-inplace", ("""\
        import pandas as pd

        def clean(df: pd.DataFrame) -> pd.DataFrame:
            for col in ("age", "fare"):
                df[col].fillna(0, inplace=True)
            return df
        """, 5), """\
        import pandas as pd

        def clean(df: pd.DataFrame) -> pd.DataFrame:
            for col in ("age", "fare"):
                df[col] = df[col].fillna(0)
            return df
        """),
    ("ml:no-seed", ("""\
        from datasets import load_dataset
        from transformers import Trainer

        data = load_dataset("json", data_files="train.json")
        split = data["train"].train_test_split(test_size=0.1, seed=42)
        train_data = split["train"].shuffle().map(tokenize)
        Trainer(model=model, train_dataset=train_data).train()
        model.fit(train_data)
        """, 6), """\
        from datasets import load_dataset
        from transformers import Trainer

        data = load_dataset("json", data_files="train.json")
        split = data["train"].train_test_split(test_size=0.1, seed=42)
        train_data = split["train"].shuffle(seed=42).map(tokenize)
        Trainer(model=model, train_dataset=train_data).train()
        model.fit(train_data)
        """),
    ("ml:shared-upload-path", ("""\
        import streamlit as st
        from langchain_community.document_loaders import PyPDFLoader

        file = st.file_uploader("upload", type="pdf")
        if file is not None:
            temp_file = "./temp.pdf"
            with open(temp_file, "wb") as f:
                f.write(file.getvalue())
            docs = PyPDFLoader(temp_file).load()
        """, 7), """\
        import tempfile

        import streamlit as st
        from langchain_community.document_loaders import PyPDFLoader

        file = st.file_uploader("upload", type="pdf")
        if file is not None:
            with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
                f.write(file.getvalue())
                f.flush()
                docs = PyPDFLoader(f.name).load()
        """),
]


CASES += [  # session 13: evaluation that keeps autograd on (dev g251)
    ("ml:eval-with-gradients", ("""\
        import torch

        def evaluate(model, loader, criterion):
            model.eval()
            total = 0.0
            for images, labels in loader:
                total += criterion(model(images), labels).item()
            return total / len(loader)
        """, 7), """\
        import torch

        @torch.no_grad()
        def evaluate(model, loader, criterion):
            model.eval()
            total = 0.0
            for images, labels in loader:
                total += criterion(model(images), labels).item()
            return total / len(loader)
        """),
]


CASES += [  # round 5: families missed on the unseen dev files g13-g22
    ("ml:removed-api", ("""\
        import argparse
        from distutils.dir_util import copy_tree

        def export(model_dir, out_dir):
            copy_tree(model_dir, out_dir)
        """, 2), """\
        import argparse
        import shutil

        def export(model_dir, out_dir):
            shutil.copytree(model_dir, out_dir, dirs_exist_ok=True)
        """),
    ("ml:airflow-dynamic-start", ("""\
        import datetime

        from airflow import DAG
        from airflow.operators.bash import BashOperator

        with DAG("nightly_embeddings", start_date=datetime.datetime.now() - datetime.timedelta(days=1),
                 schedule="@daily") as dag:
            BashOperator(task_id="embed", bash_command="python embed.py")
        """, 6), """\
        import pendulum

        from airflow import DAG
        from airflow.operators.bash import BashOperator

        with DAG("nightly_embeddings", start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), schedule="@daily",
                 catchup=False) as dag:
            BashOperator(task_id="embed", bash_command="python embed.py")
        """),
    ("ml:client-per-request", ("""\
        from flask import Flask, request
        from google.cloud import storage

        app = Flask(__name__)

        @app.route("/documents/<name>")
        def document(name):
            client = storage.Client()
            blob = client.bucket("docs").blob(name)
            return blob.download_as_bytes()
        """, 8), """\
        from flask import Flask, request
        from google.cloud import storage

        app = Flask(__name__)
        client = storage.Client()

        @app.route("/documents/<name>")
        def document(name):
            blob = client.bucket("docs").blob(name)
            return blob.download_as_bytes()
        """),
    ("ml:wait-no-timeout", ("""\
        from concurrent.futures import ThreadPoolExecutor

        from flask import Flask, request

        app = Flask(__name__)
        pool = ThreadPoolExecutor(4)

        @app.route("/summarise", methods=["POST"])
        def summarise():
            future = pool.submit(run_summary, request.get_data())
            return {"summary": future.result()}
        """, 11), """\
        from concurrent.futures import ThreadPoolExecutor, TimeoutError

        from flask import Flask, request

        app = Flask(__name__)
        pool = ThreadPoolExecutor(4)

        @app.route("/summarise", methods=["POST"])
        def summarise():
            future = pool.submit(run_summary, request.get_data())
            try:
                return {"summary": future.result(timeout=20)}
            except TimeoutError:
                return {"error": "the summary is taking too long"}, 504
        """),
    ("ml:timing-compare", ("""\
        import os

        from flask import Flask, abort, request

        app = Flask(__name__)
        WEBHOOK_SECRET = os.environ["WEBHOOK_SECRET"]

        @app.route("/webhook", methods=["POST"])
        def webhook():
            if request.headers.get("X-Webhook-Token") != WEBHOOK_SECRET:
                abort(403)
            return "", 204
        """, 10), """\
        import hmac
        import os

        from flask import Flask, abort, request

        app = Flask(__name__)
        WEBHOOK_SECRET = os.environ["WEBHOOK_SECRET"]

        @app.route("/webhook", methods=["POST"])
        def webhook():
            if not hmac.compare_digest(request.headers.get("X-Webhook-Token", ""), WEBHOOK_SECRET):
                abort(403)
            return "", 204
        """),
    ("ml:score-on-labels", ("""\
        from sklearn.ensemble import RandomForestClassifier
        from sklearn.metrics import roc_auc_score

        def evaluate(X_train, y_train, X_test, y_test):
            clf = RandomForestClassifier(random_state=0).fit(X_train, y_train)
            y_pred = clf.predict(X_test)
            return roc_auc_score(y_test, y_pred)
        """, 7), """\
        from sklearn.ensemble import RandomForestClassifier
        from sklearn.metrics import roc_auc_score

        def evaluate(X_train, y_train, X_test, y_test):
            clf = RandomForestClassifier(random_state=0).fit(X_train, y_train)
            scores = clf.predict_proba(X_test)[:, 1]
            return roc_auc_score(y_test, scores)
        """),
    ("ml:exception-to-client", ("""\
        import logging

        from flask import Flask

        app = Flask(__name__)

        @app.errorhandler(Exception)
        def server_error(e):
            logging.exception("request failed")
            return "An internal error occurred: <pre>{}</pre>".format(e), 500
        """, 10), """\
        import logging

        from flask import Flask

        app = Flask(__name__)

        @app.errorhandler(500)
        def server_error(e):
            logging.exception("request failed")
            return "An internal error occurred; see the logs.", 500
        """),
]


CASES += [  # session 9: ruff's own rules for misses on the fresh dev files g141-g150
    ("ruff:B020", ("""\
        def train(model, loader, optimizer, epoch):
            for epoch in range(epoch):
                for batch in loader:
                    model(batch).sum().backward()
                    optimizer.step()
                print(f"epoch {epoch + 1}/{epoch}")
        """, 2), """\
        def train(model, loader, optimizer, epochs):
            for epoch in range(epochs):
                for batch in loader:
                    model(batch).sum().backward()
                    optimizer.step()
                print(f"epoch {epoch + 1}/{epochs}")
        """),
    ("ruff:SIM222", ("""\
        def check(result):
            for error in result.get("errors", []):
                if "no api key found" or "status: 401" in error["message"]:
                    raise RuntimeError("Check the OPENAI_API_KEY environment variable.")
        """, 3), """\
        def check(result):
            for error in result.get("errors", []):
                if "no api key found" in error["message"] or "status: 401" in error["message"]:
                    raise RuntimeError("Check the OPENAI_API_KEY environment variable.")
        """),
    ("ruff:AIR301", ("""\
        from airflow.decorators import dag, task
        from airflow.utils.dates import days_ago

        @dag(start_date=days_ago(1), schedule="@hourly", catchup=False)
        def ingest():
            @task()
            def run():
                return 1
            run()
        """, 4), """\
        import pendulum
        from airflow.decorators import dag, task

        @dag(start_date=pendulum.datetime(2024, 1, 1, tz="UTC"), schedule="@hourly", catchup=False)
        def ingest():
            @task()
            def run():
                return 1
            run()
        """),
]


@pytest.mark.parametrize("rule,bad,good", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_each_family_check_fires_on_the_problem_and_not_on_the_fix(rule, bad, good):
    code, line = bad
    assert (rule, line) in found(code), found(code)
    assert rule not in [r for r, _ in found(good)], found(good)


def test_new_semgrep_families_have_their_lesson():
    for rule in ("semgrep:path-traversal", "semgrep:llm-unguarded"):
        assert rule in RULE_LESSONS and reference(rule)["section"] == RULE_LESSONS[rule][1]


def test_a_post_named_create_that_only_runs_the_model_is_not_said_to_change_state():
    inference = """\
        from fastapi import FastAPI, Request

        app = FastAPI()

        @app.post("/")
        async def create_item(request: Request):
            body = await request.json()
            reply = model.generate(body["prompt"], max_new_tokens=256)
            return {"response": reply}
        """
    assert "ml:missing-auth" not in [r for r, _ in found(inference)]
    storing = inference.replace("    return {", "    db.add(Completion(prompt=body['prompt'], reply=reply))\n"
                                               "            db.commit()\n            return {")
    assert ("ml:missing-auth", 5) in found(storing)


def test_token_counts_compared_in_a_service_are_not_a_secret_comparison():
    code = """\
        from fastapi import FastAPI

        app = FastAPI()

        @app.post("/chat")
        def chat(body: dict):
            used_tokens, max_tokens = count(body["messages"]), limits()
            if used_tokens == max_tokens:
                return {"error": "the conversation is too long"}
            return answer(body["messages"])
        """
    assert "ml:timing-compare" not in [r for r, _ in found(code)]
    # words, not substrings: a (misspelt) tokenizer's vocabulary size is no secret, a client's token is (dev g325)
    vocab = code.replace("used_tokens == max_tokens", "model_vocab_size != tokenzier_vocab_size")
    assert "ml:timing-compare" not in [r for r, _ in found(vocab)]
    token = code.replace("used_tokens == max_tokens", "body['apiToken'] != settings.SERVICE_API_TOKEN")
    assert ("ml:timing-compare", 8) in found(token)


def test_a_fragment_with_many_undefined_names_lists_them_as_minor_not_as_findings():
    fragment = """\
        for epoch in range(start_epoch, N_EPOCHS):
            loss = mini_batch(device, train_loader, train_step_fn)
            writer.add_scalar("loss", loss, epoch)
        torch.save(model.state_dict(), "model.pth")
        """
    result = analyse(textwrap.dedent(fragment), "train.py", serves_others=True)
    assert not [f for f in result.findings if f.rule == "ruff:F821"]
    assert "names defined elsewhere" in minor_line(result.minor)
    one_typo = """\
        import requests

        def labels(url):
            resp = requests.get(url, timeout=5)
            resp.raise_for_status()
            return respo.json()
        """
    assert ("ruff:F821", 6) in found(one_typo)


def test_a_name_inside_a_string_is_not_an_undefined_name():
    pipeline = """\
        from typing import NamedTuple

        def evaluate(model_path: str) -> NamedTuple("Outputs", [("metrics", "Metrics"), ("score", float)]):
            score = load(model_path).score()
            return (metrics_of(score), score)
        """
    assert ("ruff:F821", 3) not in found(pipeline)
    assert ("ruff:F821", 4) in found(pipeline)  # `load` is really undefined


def test_a_model_helper_whose_callers_catch_its_errors_is_not_unguarded():
    code = """\
        import ollama

        def generate(question):
            return ollama.chat(model="llama3", messages=[{"role": "user", "content": question}])

        def main():
            try:
                print(generate(input("? "))["message"]["content"])
            except ollama.ResponseError as exc:
                print("model unavailable:", exc)

        if __name__ == "__main__":
            main()
        """
    assert "ml:llm-unguarded" not in [r for r, _ in found(code, "ask.py")]
    unguarded = code.replace("            try:\n", "            if True:\n").replace(
        "            except ollama.ResponseError as exc:\n                print(\"model unavailable:\", exc)\n", "")
    assert ("ml:llm-unguarded", 4) in found(unguarded, "ask.py")


def test_a_password_read_from_a_variable_is_not_a_hard_coded_secret():
    from_env = """\
        import os
        from langchain_neo4j import Neo4jGraph

        neo4j_password = os.getenv("NEO4J_PASSWORD")
        graph = Neo4jGraph(url=os.getenv("NEO4J_URI"), username="neo4j", password=neo4j_password)
        """
    assert not [r for r, _ in found(from_env) if r.startswith("secret:")]
    written = from_env.replace('password=neo4j_password', 'password="s3cret-Neo4j-2024"')
    assert [r for r, _ in found(written) if r.startswith("secret:")]


def test_a_secret_read_from_the_environment_is_not_a_hard_coded_secret():
    """dev g95: `LIVEKIT_API_SECRET: process.env.LIVEKIT_API_SECRET!` names where the secret lives."""
    from_env = """\
        export async function start(sandbox) {
          await sandbox.runCommand({
            env: {
              LIVEKIT_API_SECRET: process.env.LIVEKIT_API_SECRET!,
            },
          });
        }
        """
    assert not [r for r, _ in found(from_env, "route.ts") if r.startswith("secret:")]
    written = from_env.replace("process.env.LIVEKIT_API_SECRET!", "'Zq3vR8sLk2Pw9XyT4mNb'")
    assert [r for r, _ in found(written, "route.ts") if r.startswith("secret:")]


def test_one_problem_on_consecutive_lines_is_one_finding():
    code = """\
        from transformers import AutoModel, AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained("THUDM/chatglm-6b", trust_remote_code=True)
        model = AutoModel.from_pretrained("THUDM/chatglm-6b", trust_remote_code=True)
        """
    result = analyse(textwrap.dedent(code), "load.py", serves_others=True)
    hits = [f for f in result.findings + result.minor if f.rule == "ml:dangerous-opt-in"]
    assert [(f.line, f.end_line) for f in hits] == [(3, 4)]


def test_removed_imports_in_one_import_block_are_one_finding():
    code = """\
        from langchain.document_loaders import TextLoader
        from langchain.text_splitter import RecursiveCharacterTextSplitter
        from langchain.vectorstores import Chroma
        """
    hits = [f for f in analyse(textwrap.dedent(code), "ingest.py").findings if f.rule == "ml:removed-api"]
    assert len(hits) == 1 and (hits[0].line, hits[0].end_line) == (1, 3)
    assert "langchain.vectorstores" in hits[0].message
    # two imports with two different replacements: the finding does not name one of them for both
    assert "use what replaced each" in hits[0].message and "langchain_community" not in hits[0].message


def test_a_flask_500_handler_shows_werkzeug_generic_text_unless_it_unwraps_the_original():
    """Since Flask 1.1 a handler for 500 gets an InternalServerError whose text is a fixed sentence (dev g13, graded
    wrong when flagged); the real exception is only in `e.original_exception`."""
    handler = """\
        from flask import Flask

        app = Flask(__name__)

        @app.errorhandler(500)
        def server_error(e):
            return "An internal error occurred: <pre>{}</pre>".format({what}), 500
        """
    assert "ml:exception-to-client" not in [r for r, _ in found(handler.replace("{what}", "e"))]
    assert ("ml:exception-to-client", 7) in found(handler.replace("{what}", "e.original_exception"))


def test_sql_built_from_settings_is_minor_but_sql_built_from_input_is_raised():
    from_settings = """\
        import os

        DB, SCHEMA = os.environ["DB"], os.environ["SCHEMA"]

        def save(conn, rows):
            sql = f"INSERT INTO {DB}.{SCHEMA}.requests (uuid, prompt) VALUES (?, ?)"
            conn.cursor().executemany(sql, rows)
        """
    assert "ruff:S608" not in [r for r, _ in found(from_settings)]
    from_input = """\
        def find(conn, name):
            sql = f"SELECT * FROM users WHERE name = '{name}'"
            return conn.execute(sql).fetchall()
        """
    assert ("ruff:S608", 2) in found(from_input)
    # a table name that every caller in the module passes as a constant (dev g96) is the code's choice
    table = """\
        def latest(cur, target_table):
            return cur.execute(f"SELECT MAX(loaded_on) FROM {target_table} LIMIT 1").fetchone()

        def main(cur, name):
            target_table = "ABC_TABLE"
            return latest(cur, target_table), latest(cur, target_table=TABLE)
        """
    assert "ruff:S608" not in [r for r, _ in found(table)]
    assert ("ruff:S608", 2) in found(table.replace("latest(cur, target_table), ", "latest(cur, name), "))


def test_a_fallback_to_a_constant_is_not_a_swallowed_error_but_a_silent_pass_is():
    fallback = """\
        import sys

        try:
            port = int(sys.argv[1])
        except Exception:
            port = 80
        """
    assert "smell:swallowed-exception" not in [r for r, _ in found(fallback, "serve.py")]
    silent = fallback.replace("    port = 80", "    pass")
    assert ("smell:swallowed-exception", 5) in found(silent, "serve.py")


def test_a_mutable_default_only_handed_to_a_call_is_not_raised():
    handed = """\
        def process_documents(ignored_files: list[str] = []):
            return load_documents("docs", ignored_files)
        """
    assert "ruff:B006" not in [r for r, _ in found(handed, "ingest.py")]
    mutated = """\
        def remember(item, seen: list[str] = []):
            seen.append(item)
            return seen
        """
    assert ("ruff:B006", 1) in found(mutated, "cache.py")


def test_work_given_to_threads_is_told_from_the_builtin_map():
    import ast

    from mentor.portability_checks import _run_on_threads

    tree = ast.parse("import concurrent.futures as cf\nimport threading\n\n"
                     "def parse(x):\n    return int(x)\n\ndef fetch(x):\n    return parse(x)\n\n"
                     "def report(x):\n    exit(1)\n\n"
                     "with cf.ThreadPoolExecutor() as pool:\n    list(pool.map(fetch, ['1']))\n"
                     "threading.Thread(target=report).start()\nprint(list(map(parse, ['2'])))\n")
    assert _run_on_threads(tree) == {"fetch", "parse", "report"}  # parse runs on a thread through fetch
    assert _run_on_threads(ast.parse("def f(x):\n    exit(1)\n\nlist(map(f, [1]))\n")) == set()


def test_removed_keyword_arguments_and_library_moves_are_named_with_their_own_release():
    code = """\
        from datasets import load_metric
        from langchain.agents import initialize_agent
        from transformers import Seq2SeqTrainingArguments

        args = Seq2SeqTrainingArguments(output_dir="out", evaluation_strategy="epoch", save_strategy="epoch")
        """
    hits = [f for f in analyse(textwrap.dedent(code), "train.py").findings if f.rule == "ml:removed-api"]
    said = {f.line: f.message for f in hits}
    assert "datasets 3.0" in said[1] and "LangChain" not in said[1]  # one import block, two libraries: two points
    assert "`langchain.agents.initialize_agent` is gone in LangChain 1.0" in said[2]
    assert "`Seq2SeqTrainingArguments(evaluation_strategy=...)` is gone in transformers 4.46" in said[5]
    fixed = """\
        import evaluate
        from langchain.agents import create_agent
        from transformers import Seq2SeqTrainingArguments

        args = Seq2SeqTrainingArguments(output_dir="out", eval_strategy="epoch", save_strategy="epoch")
        """
    assert not [f for f in analyse(textwrap.dedent(fixed), "train.py").findings if f.rule == "ml:removed-api"]


def test_click_options_convert_their_default_and_parse_bool_themselves():
    code = """\
        import click


        @click.command()
        @click.option("--bf16", type=bool, default=None)
        @click.option("--local_rank", type=str, default=True)
        def main(bf16, local_rank):
            print(bf16, local_rank)
        """
    hits = [f for f in analyse(textwrap.dedent(code), "train.py").findings if f.rule == "ml:argparse-type"]
    assert [f.line for f in hits] == [6]  # click's bool type reads "false" as False: only the str default is wrong
    assert "the code gets the str 'True'" in hits[0].message
