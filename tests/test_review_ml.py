"""The ML/LLM-service checks and the noise fixes: real-looking code that must trigger each, and code that must not."""

from __future__ import annotations

import textwrap

import pytest

from mentor.review import analyse
from mentor.review_lessons import RULE_LESSONS, reference, section_text


def checked(code: str, filename: str = "service.py") -> list:
    """Every finding of the checks, raised or folded into the minor line."""
    result = analyse(textwrap.dedent(code), filename, serves_others=True)
    return result.findings + result.minor


def rules(code: str, filename: str = "service.py") -> list[tuple[str, int]]:
    return [(f.rule, f.line) for f in checked(code, filename)]


CASES = [  # (rule, code that triggers it at the line, code doing the right thing)
    ("ml:unsafe-html", ("""\
        import streamlit as st

        def show(answer):
            st.markdown(f"<div class='bubble'>{answer}</div>", unsafe_allow_html=True)
        """, 4), """\
        import streamlit as st

        def show(answer):
            st.markdown("<style>.bubble {color: red}</style>", unsafe_allow_html=True)
            st.markdown(answer)
        """),
    ("ml:http-no-timeout", ("""\
        import requests

        def weather(city):
            resp = requests.get("https://api.weather.example/v1", params={"q": city})
            resp.raise_for_status()
            return resp.json()
        """, 4), """\
        import requests

        def weather(city, base_url):
            resp = requests.get(base_url, params={"q": city}, timeout=10)
            resp.raise_for_status()
            return resp.json()
        """),
    ("ml:http-no-status", ("""\
        import requests

        def labels(url):
            return requests.get(url, timeout=5).json()["labels"]
        """, 4), """\
        import requests

        def labels(url):
            resp = requests.get(url, timeout=5)
            if resp.status_code != 200:
                raise RuntimeError(resp.text)
            return resp.json()["labels"]
        """),
    ("ml:shell-unchecked", ("""\
        import os

        def download(day):
            os.system(f"curl -s https://data.example.com/{day}.csv -o /tmp/{day}.csv")
        """, 4), """\
        import subprocess

        def download(day):
            subprocess.run(["curl", "--fail", "-sS", f"https://data.example.com/{day}.csv", "-o", "x.csv"],
                           check=True)
        """),
    ("ml:log-then-success", ("""\
        import logging

        log = logging.getLogger(__name__)

        def load_partition(ds, loader):
            try:
                loader.load(ds)
            except Exception as exc:
                log.error("load failed for %s: %s", ds, exc)
            return "success"
        """, 8), """\
        import logging

        log = logging.getLogger(__name__)

        def load_partition(ds, loader):
            try:
                loader.load(ds)
            except Exception:
                log.exception("load failed for %s", ds)
                raise
            return "success"
        """),
    ("ml:except-default", ("""\
        def embeddings(client, texts):
            try:
                return client.embed(texts)
            except Exception:
                return []
        """, 4), """\
        def embeddings(client, texts):
            try:
                return client.embed(texts)
            except KeyError:
                return []
        """),
    ("ml:non-atomic-write", ("""\
        import torch

        def checkpoint(model, step, out_dir):
            torch.save(model.state_dict(), f"{out_dir}/ckpt.pt")
        """, 4), """\
        import os
        import torch

        def checkpoint(model, step, out_dir):
            tmp = f"{out_dir}/ckpt.pt.tmp"
            torch.save(model.state_dict(), tmp)
            os.replace(tmp, f"{out_dir}/ckpt.pt")
        """),
    ("ml:non-atomic-write", ("""\
        import torch

        def train(model, epochs, out_dir, evaluate):
            best = 0.0
            for epoch in range(epochs):
                score = evaluate(model)
                if score > best:
                    torch.save(model.state_dict(), f"{out_dir}/best.pt")
                    best = score
        """, 8), """\
        import torch

        def train(model, epochs, out_dir, evaluate):
            best = 0.0
            for epoch in range(epochs):
                score = evaluate(model)
                if score > best:
                    torch.save(model.state_dict(), f"{out_dir}/epoch{epoch}-f1{score:.3f}.pt")
                    best = score
        """),
    ("ml:unsafe-load", ("""\
        import pickle
        from fastapi import FastAPI, UploadFile

        app = FastAPI()

        @app.post("/models")
        async def upload_model(file: UploadFile):
            data = await file.read()
            return {"classes": len(pickle.loads(data).classes_)}
        """, 9), """\
        import pickle
        import torch
        from fastapi import FastAPI, UploadFile

        app = FastAPI()
        MODEL_PATH = "artifacts/model.pkl"

        def load_weights(path):
            return torch.load(path, weights_only=True)

        def load_model(path=MODEL_PATH):
            with open(path, "rb") as f:
                return pickle.load(f)

        @app.post("/predict")
        async def predict(features: list[float]):
            with open(MODEL_PATH, "rb") as f:
                return {"y": pickle.load(f).predict([features]).tolist()}
        """),
    ("ml:unsafe-load", ("""\
        import pickle
        import requests

        def fetch_model(url):
            resp = requests.get(url, timeout=10)
            resp.raise_for_status()
            return pickle.loads(resp.content)
        """, 7), """\
        import joblib

        model = joblib.load("model.joblib")
        """),
    ("ml:exec-config", ("""\
        import sys

        config_file = sys.argv[1]
        exec(open(config_file).read())
        """, 4), """\
        import sys
        import tomllib

        with open(sys.argv[1], "rb") as f:
            config = tomllib.load(f)
        """),
    ("ml:exception-to-client", ("""\
        from flask import Flask, jsonify

        app = Flask(__name__)

        @app.post("/predict")
        def predict():
            try:
                return jsonify(model.predict())
            except Exception as e:
                return jsonify({"error": str(e)}), 500
        """, 10), """\
        import logging
        from flask import Flask, jsonify

        app = Flask(__name__)
        log = logging.getLogger(__name__)

        @app.post("/predict")
        def predict():
            try:
                return jsonify(model.predict())
            except Exception:
                log.exception("predict failed")
                return jsonify({"error": "internal error"}), 500
        """),
    ("ml:fit-before-split", ("""\
        from sklearn.model_selection import train_test_split
        from sklearn.preprocessing import StandardScaler

        scaler = StandardScaler()
        X = scaler.fit_transform(df[features])
        X_train, X_test, y_train, y_test = train_test_split(X, df["y"], random_state=0)
        """, 5), """\
        from sklearn.model_selection import train_test_split
        from sklearn.preprocessing import StandardScaler

        X_train, X_test, y_train, y_test = train_test_split(df[features], df["y"], random_state=0)
        scaler = StandardScaler()
        X_train = scaler.fit_transform(X_train)
        X_test = scaler.transform(X_test)
        """),
    ("ml:unbounded-growth", ("""\
        class ChatSession:
            def __init__(self, client):
                self.client = client
                self.history = []

            def ask(self, question):
                self.history.append({"role": "user", "content": question})
                return self.client.send(self.history)
        """, 7), """\
        class ChatSession:
            def __init__(self, client, max_turns=20):
                self.client = client
                self.history = []
                self.max_turns = max_turns

            def ask(self, question):
                self.history.append({"role": "user", "content": question})
                self.history = self.history[-self.max_turns:]
                return self.client.send(self.history)
        """),
    ("ml:unbounded-growth", ("""\
        import streamlit as st
        from openai import OpenAI

        client = OpenAI()
        if "messages" not in st.session_state:
            st.session_state.messages = []
        if prompt := st.chat_input():
            st.session_state.messages.append({"role": "user", "content": prompt})
            reply = client.chat.completions.create(model="m", messages=st.session_state.messages)
        """, 8), """\
        import streamlit as st
        from openai import OpenAI

        client = OpenAI()
        if prompt := st.chat_input():
            st.session_state.messages.append({"role": "user", "content": prompt})
            if len(st.session_state.messages) > 40:
                st.session_state.messages.pop(0)
            reply = client.chat.completions.create(model="m", messages=st.session_state.messages)
        """),
    ("ml:unbounded-growth", ("""\
        from flask import Flask, jsonify, request

        app = Flask(__name__)
        chat_history = []

        @app.post("/chat")
        def chat():
            chat_history.append({"role": "user", "content": request.get_json().get("message", "")})
            return jsonify(history=chat_history)
        """, 8), """\
        import torch

        history = []
        for epoch in range(10):
            loss = torch.rand(1)
            history.append(loss.item())
        print(min(history))
        """),
    ("ml:retry-no-backoff", ("""\
        import time

        def complete(client, prompt):
            for attempt in range(5):
                try:
                    return client.complete(prompt)
                except TimeoutError:
                    time.sleep(2)
        """, 4), """\
        import random
        import time

        def complete(client, prompt):
            for attempt in range(5):
                try:
                    return client.complete(prompt)
                except TimeoutError:
                    time.sleep(min(30, 2 ** attempt) + random.random())
        """),
    # a loop that takes a new prompt each turn serves the user; its try/except is not a retry
    ("ml:retry-no-backoff", ("""\
        def ask(client, prompt):
            while True:
                try:
                    return client.complete(prompt)
                except TimeoutError:
                    print("timed out, trying again")
        """, 2), """\
        def repl(client):
            while True:
                try:
                    question = input("> ")
                    if question == "exit":
                        break
                    print(client.complete(question))
                except TimeoutError:
                    print("timed out, ask again")
        """),
    ("ml:unbounded-poll", ("""\
        import time

        def wait(client, run):
            while run.status != "completed":
                time.sleep(1)
                run = client.runs.retrieve(run.id)
            return run
        """, 4), """\
        import time

        def wait(client, run, timeout_s=60):
            deadline = time.monotonic() + timeout_s
            while run.status in ("queued", "in_progress") and time.monotonic() < deadline:
                time.sleep(1)
                run = client.runs.retrieve(run.id)
            return run
        """),
    ("ml:unvalidated-input", ("""\
        from flask import Flask, request

        app = Flask(__name__)

        @app.post("/chat")
        def chat():
            message = request.json["message"]
            return {"ok": message}
        """, 7), """\
        from flask import Flask, request

        app = Flask(__name__)

        @app.post("/chat")
        def chat():
            message = (request.get_json(silent=True) or {}).get("message")
            if not isinstance(message, str) or len(message) > 4000:
                return {"error": "message must be a string under 4000 characters"}, 400
            return {"ok": message}
        """),
    # a missing field inside a try that answers 400 for any error is the handler's response, not a 500
    ("ml:unvalidated-input", ("""\
        from flask import Flask, request

        app = Flask(__name__)

        @app.post("/translate")
        def translate():
            body = request.get_json()
            try:
                calls = body["calls"]
            except ValueError:
                return {"error": "bad calls"}, 400
            return {"replies": calls}
        """, 9), """\
        from flask import Flask, request

        app = Flask(__name__)

        @app.post("/translate")
        def translate():
            try:
                body = request.get_json()
                calls = body["calls"]
                return {"replies": calls}
            except Exception as err:
                return {"errorMessage": f"bad request {type(err).__name__}"}, 400
        """),
    ("ml:csrf-exempt", ("""\
        from django.views.decorators.csrf import csrf_exempt

        @csrf_exempt
        def add_review(request, pk):
            Review.objects.create(restaurant_id=pk, text=request.POST["text"])
        """, 3), """\
        from django.views.decorators.http import require_POST

        @require_POST
        def add_review(request, pk):
            Review.objects.create(restaurant_id=pk, text=request.POST["text"])
        """),
    ("ml:airflow-top-level", ("""\
        from airflow import DAG
        from airflow.models import Variable

        bucket = Variable.get("bucket")
        with DAG("ingest", schedule="@daily") as dag:
            pass
        """, 4), """\
        from airflow import DAG

        with DAG("ingest", schedule="@daily", catchup=False) as dag:
            bucket = "{{ var.value.bucket }}"
        """),
    # its own rule, so raising each point once never folds it into the Variable.get finding
    ("ml:airflow-ignored-arg", ("""\
        from airflow import DAG
        from airflow.models import Variable

        bucket = Variable.get("bucket")
        default_args = {"owner": "ml", "catchup": False, "retries": 2}
        with DAG("ingest", default_args=default_args, schedule="@daily") as dag:
            pass
        """, 5), """\
        from airflow import DAG

        default_args = {"owner": "ml", "retries": 2}
        with DAG("ingest", default_args=default_args, schedule="@daily", catchup=False) as dag:
            pass
        """),
    # two hops through the module's own methods: the endpoint calls a method that calls one that blocks
    ("ml:blocking-in-async", ("""\
        import requests
        from fastapi import FastAPI

        app = FastAPI()


        class Controller:
            def status(self, url):
                return requests.post(url + "/status", timeout=5).json()

            def register(self, url):
                return self.status(url)


        @app.post("/register")
        async def register(url: str):
            return controller.register(url)


        controller = Controller()
        """, 17), """\
        import asyncio

        import requests
        from fastapi import FastAPI

        app = FastAPI()


        class Controller:
            def status(self, url):
                return requests.post(url + "/status", timeout=5).json()

            def register(self, url):
                return self.status(url)


        @app.post("/register")
        async def register(url: str):
            return await asyncio.to_thread(controller.register, url)


        controller = Controller()
        """),
    ("ml:cors-any-origin", ("""\
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware

        app = FastAPI()
        app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True, allow_methods=["*"])
        """, 5), """\
        from fastapi import FastAPI
        from fastapi.middleware.cors import CORSMiddleware

        app = FastAPI()
        app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True)
        app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET"])
        """),
    ("ml:cors-any-origin", ("""\
        from flask import Flask
        from flask_cors import CORS

        app = Flask(__name__)
        CORS(app, supports_credentials=True)
        """, 5), """\
        from flask import Flask
        from flask_cors import CORS

        app = Flask(__name__)
        CORS(app, origins=["https://app.example.com"], supports_credentials=True)
        """),
    ("ml:argparse-type", ("""\
        import argparse

        parser = argparse.ArgumentParser()
        parser.add_argument("--local_rank", type=str, default=True)
        parser.add_argument("--bf16", type=bool, default=False)
        args = parser.parse_args()
        """, 4), """\
        import argparse

        parser = argparse.ArgumentParser()
        parser.add_argument("--local_rank", type=int, default=-1)
        parser.add_argument("--bf16", action="store_true")
        parser.add_argument("--lr", type=float, default=1)
        args = parser.parse_args()
        """),
    ("ml:argparse-env-default", ("""\
        import argparse
        import os

        parser = argparse.ArgumentParser()
        parser.add_argument("--model-dir", type=str, default=os.environ["SM_MODEL_DIR"])
        args = parser.parse_args()
        """, 5), """\
        import argparse
        import os

        parser = argparse.ArgumentParser()
        parser.add_argument("--model-dir", type=str, default=os.environ.get("SM_MODEL_DIR"))
        args = parser.parse_args()
        if not args.model_dir:
            parser.error("--model-dir or SM_MODEL_DIR is required")
        """),
    ("ml:thread-loop-unguarded", ("""\
        import threading
        import time

        def heartbeat(controller):
            while True:
                time.sleep(90)
                controller.remove_stale_workers()

        class Controller:
            def __init__(self):
                self.thread = threading.Thread(target=heartbeat, args=(self,))
                self.thread.start()
        """, 5), """\
        import logging
        import threading
        import time

        logger = logging.getLogger(__name__)

        def heartbeat(controller):
            while True:
                time.sleep(90)
                try:
                    controller.remove_stale_workers()
                except Exception:
                    logger.exception("stale-worker cleanup failed; retrying next beat")

        class Controller:
            def __init__(self):
                self.thread = threading.Thread(target=heartbeat, args=(self,), daemon=True)
                self.thread.start()
        """),
    ("ml:llm-unguarded", ("""\
        from openai import OpenAI

        def summarise(client: OpenAI, text):
            reply = client.chat.completions.create(model="m", messages=[{"role": "user", "content": text}])
            return reply.choices[0].message.content
        """, 4), """\
        import openai

        def summarise(client, text):
            try:
                reply = client.chat.completions.create(model="m", messages=[{"role": "user", "content": text}])
            except (openai.RateLimitError, openai.APITimeoutError):
                return None
            return reply.choices[0].message.content
        """),
    ("ml:blocking-in-async", ("""\
        import asyncio
        import time

        async def embed_all(client, texts):
            for attempt in range(3):
                try:
                    return await client.embed(texts)
                except TimeoutError:
                    time.sleep(2 ** attempt)
        """, 9), """\
        import asyncio
        import time

        async def embed_all(client, texts):
            for attempt in range(3):
                try:
                    return await client.embed(texts)
                except TimeoutError:
                    await asyncio.sleep(2 ** attempt)

        def warm_up():
            time.sleep(1)
        """),
    ("ml:unbounded-fanout", ("""\
        import asyncio

        async def summarise_all(client, documents):
            tasks = [asyncio.create_task(client.summarise(d)) for d in documents]
            return await asyncio.gather(*tasks)
        """, 4), """\
        import asyncio

        async def summarise_all(client, documents, limit=8):
            gate = asyncio.Semaphore(limit)

            async def one(d):
                async with gate:
                    return await client.summarise(d)

            tasks = [asyncio.create_task(one(d)) for d in documents]
            return await asyncio.gather(*tasks)
        """),
    ("ml:missing-auth", ("""\
        from flask import Flask, jsonify

        app = Flask(__name__)
        DOCS = {}

        @app.route("/docs/<doc_id>", methods=["DELETE"])
        def delete_doc(doc_id):
            DOCS.pop(doc_id, None)
            return jsonify(ok=True)

        @app.post("/search")
        def search():
            return jsonify(hits=[])
        """, 6), """\
        from flask import Flask, jsonify
        from flask_login import login_required

        app = Flask(__name__)
        DOCS = {}

        @app.route("/docs/<doc_id>", methods=["DELETE"])
        @login_required
        def delete_doc(doc_id):
            DOCS.pop(doc_id, None)
            return jsonify(ok=True)
        """),
    ("ml:unbounded-payload", ("""\
        from fastapi import FastAPI
        from pydantic import BaseModel

        app = FastAPI()

        class Batch(BaseModel):
            rows: list[list[float]]

        @app.post("/predict")
        def predict(batch: Batch):
            return {"n": len(batch.rows)}
        """, 7), """\
        from fastapi import FastAPI
        from pydantic import BaseModel, Field

        app = FastAPI()

        class Batch(BaseModel):
            rows: list[list[float]] = Field(max_length=1000)

        class Report(BaseModel):
            lines: list[str]

        @app.post("/predict")
        def predict(batch: Batch):
            return {"n": len(batch.rows)}
        """),
    ("ml:unbounded-payload", ("""\
        import pandas as pd
        from fastapi import FastAPI, UploadFile

        app = FastAPI()

        @app.post("/predict_csv")
        def predict_csv(upload: UploadFile):
            frame = pd.read_csv(upload.file)
            return {"rows": len(frame)}
        """, 8), """\
        import pandas as pd
        from fastapi import FastAPI, HTTPException, UploadFile

        app = FastAPI()
        MAX_BYTES = 5_000_000

        @app.post("/predict_csv")
        def predict_csv(upload: UploadFile):
            if upload.size is None or upload.size > MAX_BYTES:
                raise HTTPException(413, "file too large")
            frame = pd.read_csv(upload.file)
            return {"rows": len(frame)}
        """),
    ("ml:unbounded-payload", ("""\
        from fastapi import FastAPI, UploadFile

        app = FastAPI()

        @app.post("/upload")
        async def upload_pdf(file: UploadFile):
            data = await file.read()
            store.save(file.filename, data)
            return {"bytes": len(data)}
        """, 7), """\
        import shutil
        import tempfile

        from fastapi import FastAPI, UploadFile

        app = FastAPI()

        @app.post("/upload")
        async def upload_pdf(file: UploadFile):
            with tempfile.NamedTemporaryFile(delete=False, suffix=".pdf") as out:
                shutil.copyfileobj(file.file, out)
            return {"path": out.name}
        """),
    ("ml:path-traversal", ("""\
        import tempfile
        from pathlib import Path

        from fastapi import FastAPI, UploadFile

        app = FastAPI()

        @app.post("/upload")
        async def upload(file: UploadFile):
            with open(Path("uploads", file.filename), "wb") as out:
                out.write(await file.read())
        """, 10), """\
        import tempfile
        from pathlib import Path

        from fastapi import FastAPI, UploadFile

        app = FastAPI()

        @app.post("/upload")
        async def upload(file: UploadFile):
            with tempfile.NamedTemporaryFile(delete=False, suffix=Path(file.filename).suffix) as out:
                out.write(await file.read())
        """),
    ("ml:except-default", ("""\
        import streamlit as st

        def load_comments(client):
            try:
                return client.query.get("Comment", ["text"]).do()["data"]
            except Exception:
                return []
        """, 6), """\
        import streamlit as st

        def load_comments(client):
            try:
                return client.query.get("Comment", ["text"]).do()["data"]
            except Exception as exc:
                st.error(f"Could not load the comments: {exc}")
                return []
        """),
    ("ml:unclosed-client", ("""\
        import aiohttp

        async def fetch_all(urls):
            session = aiohttp.ClientSession()
            pages = [await (await session.get(u)).text() for u in urls]
            await session.close()
            return pages
        """, 4), """\
        import aiohttp

        async def fetch_all(urls):
            async with aiohttp.ClientSession() as session:
                return [await (await session.get(u)).text() for u in urls]
        """),
    ("ml:load-per-request", ("""\
        import joblib
        from flask import Flask, jsonify, request

        app = Flask(__name__)

        @app.route("/predict", methods=["POST"])
        def predict():
            model = joblib.load("model.joblib")
            return jsonify(y=model.predict([request.get_json()["x"]]).tolist())
        """, 8), """\
        import joblib
        from flask import Flask, jsonify, request

        app = Flask(__name__)
        model = joblib.load("model.joblib")

        @app.route("/predict", methods=["POST"])
        def predict():
            return jsonify(y=model.predict([request.get_json()["x"]]).tolist())
        """),
    ("ml:load-per-request", ("""\
        import streamlit as st
        from sentence_transformers import SentenceTransformer

        def embedder():
            return SentenceTransformer("all-MiniLM-L6-v2")

        query = st.text_input("Search")
        if query:
            st.write(embedder().encode(query)[:5])
        """, 5), """\
        import streamlit as st
        from sentence_transformers import SentenceTransformer

        @st.cache_resource
        def embedder():
            return SentenceTransformer("all-MiniLM-L6-v2")

        query = st.text_input("Search")
        if query:
            st.write(embedder().encode(query)[:5])
        """),
    ("ml:load-per-request", ("""\
        import streamlit as st
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer("all-MiniLM-L6-v2")
        query = st.text_input("Search")
        if query:
            st.write(model.encode(query)[:5])
        """, 4), """\
        import gradio as gr
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer("all-MiniLM-L6-v2")  # Gradio runs the file once: loaded once

        def embed(text):
            return str(model.encode(text)[:5])

        gr.Interface(fn=embed, inputs="text", outputs="text").launch()
        """),
    ("ml:fit-before-split", ("""\
        from sklearn.preprocessing import StandardScaler

        def prepare(X_train, X_test):
            scaler = StandardScaler().fit(X_train)
            test_scaler = StandardScaler()
            return scaler.transform(X_train), test_scaler.fit_transform(X_test)
        """, 6), """\
        from sklearn.preprocessing import StandardScaler

        def prepare(X_train, X_test):
            scaler = StandardScaler().fit(X_train)
            return scaler.transform(X_train), scaler.transform(X_test)
        """),
    ("ml:unvalidated-input", ("""\
        from flask import Flask, jsonify, request

        app = Flask(__name__)

        @app.route("/embed", methods=["POST"])
        def embed():
            data = request.get_json()
            texts = data["texts"]
            return jsonify(n=len(texts))
        """, 8), """\
        from flask import Flask, abort, jsonify, request

        app = Flask(__name__)

        @app.route("/embed", methods=["POST"])
        def embed():
            data = request.get_json(silent=True) or {}
            texts = data.get("texts")
            if not isinstance(texts, list) or len(texts) > 256:
                abort(400)
            return jsonify(n=len(texts))
        """),
    ("ml:path-traversal", ("""\
        import os
        from flask import Flask, request

        app = Flask(__name__)
        UPLOADS = "/srv/uploads"

        @app.route("/upload", methods=["POST"])
        def upload():
            f = request.files["document"]
            f.save(os.path.join(UPLOADS, f.filename))
            return "ok"
        """, 10), """\
        import os
        from flask import Flask, request
        from werkzeug.utils import secure_filename

        app = Flask(__name__)
        UPLOADS = "/srv/uploads"

        @app.route("/upload", methods=["POST"])
        def upload():
            f = request.files["document"]
            f.save(os.path.join(UPLOADS, secure_filename(f.filename)))
            return "ok"
        """),
    ("ml:path-traversal", ("""\
        from fastapi import FastAPI, UploadFile

        app = FastAPI()

        @app.post("/files")
        async def store(file: UploadFile):
            name = file.filename
            with open(f"data/{name}", "wb") as out:
                out.write(await file.read())
        """, 8), """\
        import uuid
        from fastapi import FastAPI, UploadFile

        app = FastAPI()

        @app.post("/files")
        async def store(file: UploadFile):
            with open(f"data/{uuid.uuid4().hex}.bin", "wb") as out:
                out.write(await file.read())
            return {"name": file.filename}
        """),
    ("ml:load-per-request", ("""\
        from transformers import AutoTokenizer

        def tokenize(batch):
            tokenizer = AutoTokenizer.from_pretrained("bert-base-uncased")
            return tokenizer(batch["text"], truncation=True, padding=True)
        """, 4), """\
        from functools import lru_cache
        from transformers import AutoTokenizer

        def load_tokenizer(name):
            tokenizer = AutoTokenizer.from_pretrained(name)
            return tokenizer

        @lru_cache(maxsize=1)
        def cached(name):
            return AutoTokenizer.from_pretrained(name)

        def tokenize(batch):
            return cached("bert-base-uncased")(batch["text"], truncation=True, padding=True)
        """),
    ("ml:dangerous-opt-in", ("""\
        from langchain_community.vectorstores import FAISS
        from transformers import AutoModel

        model = AutoModel.from_pretrained("someone/model", trust_remote_code=True)
        index = FAISS.load_local("index", embeddings, allow_dangerous_deserialization=True)
        """, 4), """\
        from transformers import AutoModel

        model = AutoModel.from_pretrained("bert-base-uncased", revision="86b5e09", trust_remote_code=False)
        """),
    ("ml:no-truncation", ("""\
        from transformers import AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained("bert-base-uncased")
        encoded = tokenizer(texts, padding="longest", return_tensors="pt")
        """, 4), """\
        from transformers import AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained("bert-base-uncased")
        encoded = tokenizer(texts, padding="longest", truncation=True, max_length=512, return_tensors="pt")
        """),
    ("ml:shell-unchecked", ("""\
        from airflow.operators.bash import BashOperator

        download = BashOperator(task_id="download",
                                bash_command="curl -sS https://example.com/data.csv -o /tmp/data.csv")
        """, 3), """\
        from airflow.operators.bash import BashOperator

        download = BashOperator(task_id="download",
                                bash_command="curl --fail -sS https://example.com/data.csv -o /tmp/data.csv")
        fetch = BashOperator(task_id="fetch", bash_command="wget -q https://example.com/a.csv -O /tmp/a.csv")
        """),
    ("ml:fit-before-split", ("""\
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import accuracy_score

        model = LogisticRegression(random_state=0).fit(X_train, y_train)
        print("accuracy", accuracy_score(y_train, model.predict(X_train)))
        """, 5), """\
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import accuracy_score

        model = LogisticRegression(random_state=0).fit(X_train, y_train)
        print("train", accuracy_score(y_train, model.predict(X_train)))
        print("test", accuracy_score(y_test, model.predict(X_test)))
        """),
    ("ml:no-seed", ("""\
        from sklearn.ensemble import RandomForestClassifier

        model = RandomForestClassifier()
        model.fit(X_train, y_train)
        """, 3), """\
        from sklearn.ensemble import RandomForestClassifier

        model = RandomForestClassifier(random_state=42)
        model.fit(X_train, y_train)
        """),
    ("ml:no-seed", ("""\
        import torch
        from torch.utils.data import DataLoader
        from utils import train_one_epoch

        def main(args, model, train_set):
            optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr)
            loader = DataLoader(train_set, batch_size=32, shuffle=True)
            for epoch in range(args.epochs):
                train_one_epoch(model, loader, optimizer)
        """, 7), """\
        import torch
        from torch.utils.data import DataLoader
        from utils import train_one_epoch

        def main(args, model, train_set):
            torch.manual_seed(args.seed)
            optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr)
            loader = DataLoader(train_set, batch_size=32, shuffle=True)
            for epoch in range(args.epochs):
                train_one_epoch(model, loader, optimizer)
        """),
    ("ml:eval-drop-last", ("""\
        from torch.utils.data import DataLoader

        def loaders(train_set, valid_set, batch_size):
            train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=True, drop_last=True)
            valid_loader = DataLoader(valid_set, batch_size=batch_size, shuffle=False,
                                      drop_last=True)
            return train_loader, valid_loader
        """, 5), """\
        from torch.utils.data import DataLoader

        def loaders(train_set, valid_set, batch_size):
            train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=True, drop_last=True)
            valid_loader = DataLoader(valid_set, batch_size=batch_size, shuffle=False)
            return train_loader, valid_loader
        """),
    ("ml:eval-drop-last", ("""\
        from torch.utils.data import DataLoader

        test_dl = DataLoader(dataset["test"], batch_size=64, drop_last=True)
        """, 3), """\
        from torch.utils.data import DataLoader

        latest_dl = DataLoader(dataset["latest"], batch_size=64, drop_last=True)
        """),
    ("ml:warnings-ignored", ("""\
        import warnings

        import torch

        warnings.filterwarnings("ignore")
        """, 5), """\
        import warnings

        import torch

        warnings.filterwarnings("ignore", category=UserWarning, module="torchvision")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.load("weights.pt", weights_only=True)
        """),
    ("ml:event-loop-in-method", ("""\
        import asyncio

        class BatchClient:
            def __init__(self, endpoint):
                self.endpoint = endpoint

            def completion(self, prompt):
                return asyncio.run(self._post([prompt]))[0]

            async def _post(self, prompts):
                ...
        """, 8), """\
        import asyncio

        class BatchClient:
            def __init__(self, endpoint):
                self.endpoint = endpoint

            async def completion(self, prompt):
                return (await self._post([prompt]))[0]

            async def _post(self, prompts):
                ...

        def main():
            print(asyncio.run(BatchClient("http://localhost:8000").completion("hi")))

        class EmbeddingClient:
            def embed(self, texts):
                return asyncio.run(self.embed_async(texts))

            async def embed_async(self, texts):
                ...
        """),
    ("ml:unsafe-html", ("""\
        import streamlit as st

        header = "Course assistant"

        def show(answer):
            st.markdown(f"<div class='answer'>{answer}</div>", unsafe_allow_html=True)

        def banner(header):
            st.markdown(f"<h3>{header}</h3>", unsafe_allow_html=True)
        """, 6), """\
        import base64
        import html
        import sys

        import streamlit as st

        def image_base64(path):
            with open(path, "rb") as f:
                return base64.b64encode(f.read()).decode()

        logo = image_base64("images/header.png")
        st.markdown(f'<img src="data:image/png;base64,{logo}">', unsafe_allow_html=True)

        PROVIDERS = {"openai": "OpenAI", "anthropic": "Anthropic"}
        chosen = sys.argv[1]
        provider = PROVIDERS[chosen] if chosen in PROVIDERS else chosen.capitalize()
        st.write(f"<h3 class='main-header'>An app powered by {provider}</h3>", unsafe_allow_html=True)

        def show(answer):
            st.markdown(f"<div class='answer'>{html.escape(answer)}</div>", unsafe_allow_html=True)
        """),
    ("ml:gather-all-or-nothing", ("""\
        import asyncio

        async def analyse_all(files, analyse):
            tasks = [analyse(f) for f in files]
            results = await asyncio.gather(*tasks)
            return [r for r in results if r]
        """, 5), """\
        import asyncio

        async def analyse_all(files, analyse, log):
            tasks = [analyse(f) for f in files]
            results = await asyncio.gather(*tasks, return_exceptions=True)
            for f, r in zip(files, results):
                if isinstance(r, Exception):
                    log.warning("%s failed: %s", f, r)
            first, second = await asyncio.gather(analyse(files[0]), analyse(files[1]))
            return [r for r in results if not isinstance(r, Exception)]

        async def race(coros):
            done, pending = await asyncio.wait(map(asyncio.create_task, coros), return_when=asyncio.FIRST_COMPLETED)
            for task in pending:
                task.cancel()
            return (await asyncio.gather(*done))[0]
        """),
    ("ml:public-share", ("""\
        import gradio as gr

        demo = gr.Interface(fn=lambda text: text.upper(), inputs="text", outputs="text")
        if __name__ == "__main__":
            demo.launch(server_name="0.0.0.0", share=True)
        """, 5), """\
        import os

        import gradio as gr

        demo = gr.Interface(fn=lambda text: text.upper(), inputs="text", outputs="text")
        if __name__ == "__main__":
            demo.launch(share=True, auth=(os.environ["DEMO_USER"], os.environ["DEMO_PASSWORD"]))
        """),
    ("ml:eval-mode-training", ("""\
        from peft import LoraConfig, get_peft_model
        from torch.optim import AdamW
        from transformers import AutoModel

        model = get_peft_model(AutoModel.from_pretrained("bert-base-uncased"), LoraConfig(r=8, lora_dropout=0.05))
        optimizer = AdamW(model.parameters(), lr=2e-5)
        for batch in loader:
            loss = model(**batch).last_hidden_state.pow(2).mean()
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        """, 9), """\
        from peft import LoraConfig, get_peft_model
        from torch.optim import AdamW
        from transformers import AutoModel

        model = get_peft_model(AutoModel.from_pretrained("bert-base-uncased"), LoraConfig(r=8, lora_dropout=0.05))
        optimizer = AdamW(model.parameters(), lr=2e-5)
        model.train()
        for batch in loader:
            loss = model(**batch).last_hidden_state.pow(2).mean()
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        """),
    ("ml:no-truncation", ("""\
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained("cardiffnlp/twitter-roberta-base-sentiment")
        model = AutoModelForSequenceClassification.from_pretrained("cardiffnlp/twitter-roberta-base-sentiment")

        def sentiment(text):
            inputs = tokenizer(text, return_tensors="pt")
            with torch.no_grad():
                return model(**inputs).logits.softmax(-1)
        """, 8), """\
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained("cardiffnlp/twitter-roberta-base-sentiment")
        model = AutoModelForSequenceClassification.from_pretrained("cardiffnlp/twitter-roberta-base-sentiment")

        def sentiment(text):
            inputs = tokenizer(text, return_tensors="pt", truncation=True, max_length=512)
            with torch.no_grad():
                return model(**inputs).logits.softmax(-1)

        def count_tokens(text):
            return len(tokenizer(text)["input_ids"])
        """),
    ("ml:removed-api", ("""\
        import pandas as pd

        def record(row):
            metadata = pd.read_csv("metadata.csv")
            metadata.append(row, ignore_index=True)
            metadata.to_csv("metadata.csv", index=False)
        """, 5), """\
        import pandas as pd

        def record(row):
            metadata = pd.read_csv("metadata.csv")
            metadata = pd.concat([metadata, pd.DataFrame([row])], ignore_index=True)
            metadata.to_csv("metadata.csv", index=False)
            names = []
            names.append(row["name"])
        """),
    ("ml:removed-api", ("""\
        from transformers.optimization import AdamW, get_linear_schedule_with_warmup

        def build(model, steps):
            optimizer = AdamW(model.parameters(), lr=2e-5)
            return optimizer, get_linear_schedule_with_warmup(optimizer, 0, steps)
        """, 1), """\
        from torch.optim import AdamW
        from transformers.optimization import get_linear_schedule_with_warmup

        def build(model, steps):
            optimizer = AdamW(model.parameters(), lr=2e-5)
            return optimizer, get_linear_schedule_with_warmup(optimizer, 0, steps)
        """),
    ("ml:http-error-swallowed", ("""\
        from fastapi import FastAPI, HTTPException

        app = FastAPI()

        @app.get("/collections/{name}")
        def query(name: str, q: str):
            try:
                collection = store.get(name)
                if collection is None:
                    raise HTTPException(status_code=404, detail="no such collection")
                return collection.search(q)
            except Exception as e:
                logger.exception("query failed")
                raise HTTPException(status_code=500, detail="search failed")
        """, 10), """\
        from fastapi import FastAPI, HTTPException

        app = FastAPI()

        @app.get("/collections/{name}")
        def query(name: str, q: str):
            try:
                collection = store.get(name)
                if collection is None:
                    raise HTTPException(status_code=404, detail="no such collection")
                return collection.search(q)
            except HTTPException:
                raise
            except Exception as e:
                logger.exception("query failed")
                raise HTTPException(status_code=500, detail="search failed")
        """),
    ("ml:template-from-fstring", ("""\
        from langchain.prompts import PromptTemplate

        def chat_prompt(summary):
            template = f"You are a helpful assistant. The document says: {summary}\\n{{history}}\\nHuman: {{question}}"
            return PromptTemplate(input_variables=["history", "question"], template=template)
        """, 5), """\
        from langchain.prompts import PromptTemplate

        def chat_prompt(summary):
            template = "You are a helpful assistant. The document says: {summary}\\n{history}\\nHuman: {question}"
            prompt = PromptTemplate(input_variables=["summary", "history", "question"], template=template)
            return prompt.partial(summary=summary)
        """),
    ("ml:train-unshuffled", ("""\
        import torch
        from torch.utils.data import DataLoader

        torch.manual_seed(0)
        loader = DataLoader(dataset, batch_size=16)
        model.train()
        for epoch in range(3):
            for batch in loader:
                loss = model(**batch).loss
                loss.backward()
                optimizer.step()
                optimizer.zero_grad()
        """, 5), """\
        import torch
        from torch.utils.data import DataLoader

        torch.manual_seed(0)
        loader = DataLoader(dataset, batch_size=16, shuffle=True)
        eval_loader = DataLoader(eval_set, batch_size=16)
        model.train()
        for epoch in range(3):
            for batch in loader:
                loss = model(**batch).loss
                loss.backward()
                optimizer.step()
                optimizer.zero_grad()
        with torch.no_grad():
            for batch in eval_loader:
                print(model(**batch).loss.item())
        """),
    ("ml:user-key-in-process", ("""\
        import os

        import streamlit as st
        from openai import OpenAI

        api_key = st.sidebar.text_input("OpenAI API key", type="password")
        if api_key:
            os.environ["OPENAI_API_KEY"] = api_key
        client = OpenAI()
        """, 8), """\
        import os

        import streamlit as st
        from openai import OpenAI

        api_key = st.sidebar.text_input("OpenAI API key", type="password")
        os.environ["TOKENIZERS_PARALLELISM"] = "false"
        client = OpenAI(api_key=api_key or None)
        """),
    ("ml:user-key-in-process", ("""\
        import os

        import gradio as gr

        def set_key(api_key):
            os.environ["OPENAI_API_KEY"] = api_key
            return build_chain()

        with gr.Blocks() as demo:
            key_box = gr.Textbox(type="password")
            key_box.change(set_key, inputs=[key_box], outputs=[state])
        """, 6), """\
        import os

        import gradio as gr

        def set_key(api_key):
            return build_chain(api_key=api_key)

        def configure(settings):
            os.environ["OPENAI_API_KEY"] = settings.key

        with gr.Blocks() as demo:
            key_box = gr.Textbox(type="password")
            key_box.change(set_key, inputs=[key_box], outputs=[state])
        """),
    ("ml:removed-api", ("""\
        import peft
        import transformers

        def prepare(model):
            model = peft.prepare_model_for_int8_training(model)
            return peft.get_peft_model(model, peft.LoraConfig(r=8))
        """, 5), """\
        import peft
        import transformers

        def prepare(model):
            model = peft.prepare_model_for_kbit_training(model)
            return peft.get_peft_model(model, peft.LoraConfig(r=8))
        """),
    ("ml:no-seed", ("""\
        import transformers
        from datasets import load_dataset

        data = load_dataset("json", data_files="train.jsonl")["train"].shuffle()
        args = transformers.TrainingArguments(output_dir="out", num_train_epochs=1)
        transformers.Trainer(model=model, args=args, train_dataset=data).train()
        """, 4), """\
        import transformers
        from datasets import load_dataset

        data = load_dataset("json", data_files="train.jsonl")["train"].shuffle(seed=42)
        args = transformers.TrainingArguments(output_dir="out", num_train_epochs=1)
        transformers.Trainer(model=model, args=args, train_dataset=data).train()
        """),
    ("ml:exposed-no-auth", ("""\
        import uvicorn
        from fastapi import FastAPI

        app = FastAPI()

        @app.post("/generate")
        def generate(prompt: str):
            return {"text": model.generate(prompt)}

        if __name__ == "__main__":
            uvicorn.run(app, host="0.0.0.0", port=8000)
        """, 11), """\
        import uvicorn
        from fastapi import Depends, FastAPI

        app = FastAPI()

        @app.post("/generate")
        def generate(prompt: str, user=Depends(get_current_user)):
            return {"text": model.generate(prompt)}

        if __name__ == "__main__":
            uvicorn.run(app, host="0.0.0.0", port=8000)
        """),
    ("ml:exposed-no-auth", ("""\
        import gradio as gr

        demo = gr.ChatInterface(fn=respond)
        demo.queue().launch(server_name="0.0.0.0", server_port=7860)
        """, 4), """\
        import gradio as gr

        demo = gr.ChatInterface(fn=respond)
        demo.queue().launch(server_name="127.0.0.1", server_port=7860)
        """),
    ("ml:exposed-no-auth", ("""\
        import os

        import uvicorn
        from fastapi import FastAPI, Header

        app = FastAPI()

        @app.post("/generate")
        def generate(prompt: str):
            return {"text": model.generate(prompt)}

        if __name__ == "__main__":
            uvicorn.run(app, host="0.0.0.0", port=8000)
        """, 13), """\
        import os

        import uvicorn
        from fastapi import FastAPI, Header, HTTPException

        app = FastAPI()

        @app.post("/generate")
        def generate(prompt: str, x_api_key: str = Header("")):
            if x_api_key != os.environ["API_KEY"]:  # a credential compared by hand is an identity check too
                raise HTTPException(401)
            return {"text": model.generate(prompt)}

        if __name__ == "__main__":
            uvicorn.run(app, host="0.0.0.0", port=8000)
        """),
    ("ml:cwd-relative-path", ("""\
        import pandas as pd
        import streamlit as st

        st.image("assets/header.png")
        catalogue = pd.read_csv("data/catalogue.csv")
        st.dataframe(catalogue)
        """, 4), """\
        from pathlib import Path

        import pandas as pd
        import streamlit as st

        from transformers import AutoTokenizer

        HERE = Path(__file__).parent
        st.image(str(HERE / "assets" / "header.png"))
        catalogue = pd.read_csv(HERE / "data" / "catalogue.csv")
        st.dataframe(catalogue)
        tokenizer = AutoTokenizer.from_pretrained("Qwen/Qwen2.5-0.5B")  # a Hub id, not a file
        st.write(str(Path("Qwen/Qwen2.5-0.5B")))  # a version number is not an extension
        """),
    ("ml:cwd-relative-path", ("""\
        from datetime import datetime

        import pandas as pd
        from airflow.decorators import dag, task

        @dag(schedule="@daily", start_date=datetime(2024, 1, 1), catchup=False)
        def refresh():
            @task
            def load():
                return pd.read_csv("../data/metadata.csv").to_dict("records")
            load()
        """, 10), """\
        from datetime import datetime

        import pandas as pd
        from airflow.decorators import dag, task
        from airflow.models import Variable

        @dag(schedule="@daily", start_date=datetime(2024, 1, 1), catchup=False)
        def refresh():
            @task
            def load():
                return pd.read_csv(Variable.get("metadata_uri")).to_dict("records")
            load()
        """),
    ("ml:signing-key-literal", ("""\
        from flask import Flask
        from flask_login import LoginManager

        app = Flask(__name__)
        app.config["SECRET_KEY"] = "your_secret_key"
        login_manager = LoginManager(app)

        @app.route("/")
        def index():
            return "ok"
        """, 5), """\
        import os

        from flask import Flask
        from flask_login import LoginManager

        app = Flask(__name__)
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
        login_manager = LoginManager(app)

        @app.route("/")
        def index():
            return "ok"
        """),
    ("ml:credential-logged", ("""\
        import os

        from openai import OpenAI

        api_key = os.getenv("OPENAI_API_KEY")
        print(f"Key length: {len(api_key)}")
        print(f"API key: {api_key}")
        client = OpenAI(api_key=api_key)
        """, 7), """\
        import os

        from openai import OpenAI

        api_key = os.getenv("OPENAI_API_KEY")
        print(f"Key length: {len(api_key)}, ends with {api_key[-4:]}")
        print(f"tokens per step: {tokens_per_iter}, eos: {tokenizer.eos_token}")
        client = OpenAI(api_key=api_key)
        for token in client.responses.create(model="gpt-4o-mini", input="hi", stream=True):
            print(token, end="")
        """),
    ("ml:cache-not-applied", ("""\
        import pandas as pd
        import streamlit as st

        st.cache_data()
        def load_calls(engine):
            return pd.read_sql("select * from calls", engine)
        """, 4), """\
        import pandas as pd
        import streamlit as st

        @st.cache_data()
        def load_calls(_engine):
            return pd.read_sql("select * from calls", _engine)
        """),
    ("ml:airflow-top-level", ("""\
        from datetime import datetime

        from airflow.decorators import dag, task
        from airflow.models import Variable

        @dag(schedule="@daily", start_date=datetime(2024, 1, 1), catchup=False)
        def train():
            bucket = Variable.get("bucket_name")

            @task
            def fit(path):
                return path

            fit(f"s3://{bucket}/train.parquet")

        train()
        """, 8), """\
        from datetime import datetime

        from airflow.decorators import dag, task
        from airflow.models import Variable

        @dag(schedule="@daily", start_date=datetime(2024, 1, 1), catchup=False)
        def train():
            @task
            def fit():
                return f"s3://{Variable.get('bucket_name')}/train.parquet"

            fit()

        train()
        """),
    ("ml:path-traversal", ("""\
        import os

        from fastapi import FastAPI, UploadFile

        app = FastAPI()

        @app.post("/upload")
        async def upload(file: UploadFile):
            with open(os.path.join("data", file.filename), "wb") as out:
                out.write(await file.read())
        """, 9), """\
        import os

        from fastapi import FastAPI, HTTPException, UploadFile

        app = FastAPI()

        @app.post("/upload")
        async def upload(file: UploadFile):
            folder = os.path.realpath("data")
            path = os.path.realpath(os.path.join(folder, file.filename))
            if not path.startswith(folder + os.sep):
                raise HTTPException(400, "bad file name")
            with open(path, "wb") as out:
                out.write(await file.read())
        """),
    ("ml:missing-auth", ("""\
        from fastapi import FastAPI

        app = FastAPI()

        @app.post("/config")
        def post_config(body: dict):
            settings.update(body)
            return settings
        """, 5), """\
        from fastapi import FastAPI, HTTPException

        app = FastAPI()

        @app.post("/config")
        def post_config(body: dict):
            if body.get("admin_pass") != settings.admin_pass:
                raise HTTPException(403)
            settings.update(body)
            return settings
        """),
    ("ml:no-truncation", ("""\
        from transformers import AutoModelForCausalLM, AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained("Qwen/Qwen2-0.5B-Instruct")
        model = AutoModelForCausalLM.from_pretrained("Qwen/Qwen2-0.5B-Instruct")

        def generate(prompt):
            inputs = tokenizer(prompt, return_tensors="pt")
            return model.generate(**inputs, max_new_tokens=256)
        """, 7), """\
        from transformers import AutoModelForCausalLM, AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained("Qwen/Qwen2-0.5B-Instruct")
        model = AutoModelForCausalLM.from_pretrained("Qwen/Qwen2-0.5B-Instruct")

        def generate(prompt, context_len=4096, max_new_tokens=256):
            inputs = tokenizer(prompt, return_tensors="pt")
            input_ids = inputs["input_ids"][:, -(context_len - max_new_tokens):]
            return model.generate(input_ids=input_ids, max_new_tokens=max_new_tokens)
        """),
    ("ml:failure-as-200", ("""\
        from flask import Flask, jsonify, request

        app = Flask(__name__)

        @app.route("/predict", methods=["POST"])
        def predict():
            try:
                return jsonify({"prediction": model.predict(request.json["rows"]).tolist()})
            except Exception:
                app.logger.exception("prediction failed")
                return jsonify({"error": "prediction failed"})
        """, 11), """\
        from flask import Flask, jsonify, request

        app = Flask(__name__)

        @app.route("/predict", methods=["POST"])
        def predict():
            try:
                return jsonify({"prediction": model.predict(request.json["rows"]).tolist()})
            except Exception:
                app.logger.exception("prediction failed")
                return jsonify({"error": "prediction failed"}), 500
        """),
    ("ml:failure-as-200", ("""\
        from fastapi import FastAPI
        from fastapi.responses import StreamingResponse

        app = FastAPI()

        @app.get("/stream")
        async def stream(message: str | None = None):
            if message:
                return StreamingResponse(generate(message))
            else:
                return "No message received"
        """, 11), """\
        from fastapi import FastAPI, HTTPException
        from fastapi.responses import StreamingResponse

        app = FastAPI()

        @app.get("/stream")
        async def stream(message: str | None = None):
            if not message:
                raise HTTPException(status_code=400, detail="message is required")
            return StreamingResponse(generate(message))
        """),
    ("ml:stream-unclosed", ("""\
        import json

        import requests

        def generate(prompt):
            response = requests.post("http://localhost:11434/api/generate", json={"prompt": prompt},
                                     stream=True, timeout=60)
            response.raise_for_status()
            text = ""
            for line in response.iter_lines():
                if line:
                    text += json.loads(line)["response"]
            return text
        """, 6), """\
        import json

        import requests

        def generate(prompt):
            with requests.post("http://localhost:11434/api/generate", json={"prompt": prompt},
                               stream=True, timeout=60) as response:
                response.raise_for_status()
                text = ""
                for line in response.iter_lines():
                    if line:
                        text += json.loads(line)["response"]
            return text
        """),
]

CASES += [  # session 12, fitted on dev g142, g165, g314, g325, g326, g329
    ("ml:exit-status-zero", ("""\
        import json

        with open("train.json", encoding="utf-8") as file:
            data = json.load(file)
        for item in data:
            if "input" not in item or "output" not in item:
                print("The data is not in the correct format")
                exit()
        """, 8), """\
        import json
        import sys

        with open("train.json", encoding="utf-8") as file:
            data = json.load(file)
        for item in data:
            if "input" not in item or "output" not in item:
                sys.exit("The data is not in the correct format")
        if "--list" in sys.argv:
            print(sorted(data[0]))
            exit()
        """),
    ("ml:exit-status-zero", ("""\
        import sys

        import pipeline

        try:
            pipeline.run()
        except Exception as error:
            print(f"ingestion failed: {error}")
            sys.exit(0)
        """, 9), """\
        import sys

        import pipeline

        try:
            pipeline.run()
        except Exception as error:
            print(f"ingestion failed: {error}")
            sys.exit(1)
        """),
    ("ml:prefix-containment", ("""\
        import os

        from fastapi import FastAPI, HTTPException, UploadFile

        app = FastAPI()
        UPLOADS = "/srv/uploads"

        @app.post("/upload")
        async def upload(file: UploadFile):
            path = os.path.realpath(os.path.join(UPLOADS, file.filename))
            if not path.startswith(UPLOADS):
                raise HTTPException(400, "invalid file name")
            with open(path, "wb") as out:
                out.write(await file.read())
        """, 11), """\
        import os

        from fastapi import FastAPI, HTTPException, UploadFile

        app = FastAPI()
        UPLOADS = "/srv/uploads"

        @app.post("/upload")
        async def upload(file: UploadFile):
            path = os.path.realpath(os.path.join(UPLOADS, file.filename))
            if os.path.commonpath([UPLOADS, path]) != UPLOADS:
                raise HTTPException(400, "invalid file name")
            with open(path, "wb") as out:
                out.write(await file.read())
        """),
    ("ml:prefix-containment", ("""\
        from pathlib import Path

        ROOT = Path("/srv/docs").resolve()

        def read_doc(name: str) -> str:
            target = str((ROOT / name).resolve())
            if not target.startswith(str(ROOT)):
                raise ValueError(name)
            return Path(target).read_text(encoding="utf-8")
        """, 7), """\
        import os
        from pathlib import Path

        ROOT = Path("/srv/docs").resolve()

        def read_doc(name: str) -> str:
            target = str((ROOT / name).resolve())
            if not target.startswith(str(ROOT) + os.sep):
                raise ValueError(name)
            return Path(target).read_text(encoding="utf-8")
        """),
    ("ml:retry-forever", ("""\
        import backoff
        import openai

        client = openai.AsyncOpenAI()

        @backoff.on_exception(backoff.expo, openai.RateLimitError)
        async def complete(prompt: str) -> str:
            messages = [{"role": "user", "content": prompt}]
            reply = await client.chat.completions.create(model="gpt-4o-mini", messages=messages)
            return reply.choices[0].message.content
        """, 6), """\
        import backoff
        import openai

        client = openai.AsyncOpenAI()

        @backoff.on_exception(backoff.expo, openai.RateLimitError, max_tries=6, max_time=120)
        async def complete(prompt: str) -> str:
            messages = [{"role": "user", "content": prompt}]
            reply = await client.chat.completions.create(model="gpt-4o-mini", messages=messages)
            return reply.choices[0].message.content
        """),
    ("ml:retry-forever", ("""\
        import requests
        from tenacity import retry, wait_exponential

        @retry(wait=wait_exponential(multiplier=1, max=30))
        def fetch(url: str) -> dict:
            response = requests.get(url, timeout=10)
            response.raise_for_status()
            return response.json()
        """, 4), """\
        import requests
        from tenacity import retry, stop_after_attempt, wait_exponential

        @retry(wait=wait_exponential(multiplier=1, max=30), stop=stop_after_attempt(5))
        def fetch(url: str) -> dict:
            response = requests.get(url, timeout=10)
            response.raise_for_status()
            return response.json()
        """),
    ("ml:blocking-in-async", ("""\
        from fastapi import FastAPI
        from transformers import AutoModelForCausalLM, AutoTokenizer

        app = FastAPI()
        tokenizer = AutoTokenizer.from_pretrained("gpt2")
        model = AutoModelForCausalLM.from_pretrained("gpt2")

        def predict(prompt: str) -> str:
            ids = tokenizer(prompt, return_tensors="pt", truncation=True).input_ids
            return tokenizer.decode(model.generate(ids, max_new_tokens=64)[0])

        @app.post("/complete")
        async def complete(prompt: str):
            return {"text": predict(prompt)}
        """, 14), """\
        from fastapi import FastAPI
        from starlette.concurrency import run_in_threadpool
        from transformers import AutoModelForCausalLM, AutoTokenizer

        app = FastAPI()
        tokenizer = AutoTokenizer.from_pretrained("gpt2")
        model = AutoModelForCausalLM.from_pretrained("gpt2")

        def predict(prompt: str) -> str:
            ids = tokenizer(prompt, return_tensors="pt", truncation=True).input_ids
            return tokenizer.decode(model.generate(ids, max_new_tokens=64)[0])

        @app.post("/complete")
        async def complete(prompt: str):
            return {"text": await run_in_threadpool(predict, prompt)}
        """),
    ("ml:path-traversal", ("""\
        from flask import Flask, request

        app = Flask(__name__)

        @app.route("/pdf", methods=["POST"])
        def upload_pdf():
            file = request.files["file"]
            file_name = file.filename
            save_file = "pdf/" + file_name
            file.save(save_file)
            return {"saved": file_name}
        """, 10), """\
        from flask import Flask, request
        from werkzeug.utils import secure_filename

        app = Flask(__name__)

        @app.route("/pdf", methods=["POST"])
        def upload_pdf():
            file = request.files["file"]
            file_name = secure_filename(file.filename)
            save_file = "pdf/" + file_name
            file.save(save_file)
            return {"saved": file_name}
        """),
    ("ml:removed-api", ("""\
        import gradio as gr

        with gr.Blocks() as demo:
            with gr.Box():
                prompt = gr.Textbox(label="Prompt")
        demo.queue(concurrency_count=2).launch()
        """, 4), """\
        import gradio as gr

        with gr.Blocks() as demo:
            with gr.Group():
                prompt = gr.Textbox(label="Prompt")
        demo.queue(default_concurrency_limit=2).launch()
        """),
]

CASES += [  # session 12, mentor/data_checks.py, fitted on dev g184, g311, g324
    ("ml:iterator-read-twice", ("""\
        import torch

        def param_groups(model: torch.nn.Module, weight_decay: float) -> list[dict]:
            params = model.named_parameters()
            no_decay = ("bias", "LayerNorm.weight")
            return [
                {"params": [p for n, p in params if not any(nd in n for nd in no_decay)], "weight_decay": weight_decay},
                {"params": [p for n, p in params if any(nd in n for nd in no_decay)], "weight_decay": 0.0},
            ]
        """, 8), """\
        import torch

        def param_groups(model: torch.nn.Module, weight_decay: float) -> list[dict]:
            params = list(model.named_parameters())
            no_decay = ("bias", "LayerNorm.weight")
            return [
                {"params": [p for n, p in params if not any(nd in n for nd in no_decay)], "weight_decay": weight_decay},
                {"params": [p for n, p in params if any(nd in n for nd in no_decay)], "weight_decay": 0.0},
            ]
        """),
    ("ml:jsonl-without-lines", ("""\
        import pandas as pd

        prompts = pd.read_parquet("prompts.parquet")
        sample = prompts.sample(n=1000, random_state=0)
        sample.to_json("benchmark/prompts_1k.jsonl", orient="records")
        """, 5), """\
        import pandas as pd

        prompts = pd.read_parquet("prompts.parquet")
        sample = prompts.sample(n=1000, random_state=0)
        sample.to_json("benchmark/prompts_1k.jsonl", orient="records", lines=True)
        """),
    ("ml:session-key-mismatch", ("""\
        import streamlit as st

        st.title("Ask the docs")
        if "message" not in st.session_state.keys():
            st.session_state["messages"] = [{"role": "assistant", "content": "How can I help?"}]
        for msg in st.session_state["messages"]:
            st.chat_message(msg["role"]).write(msg["content"])
        """, 4), """\
        import streamlit as st

        st.title("Ask the docs")
        if "messages" not in st.session_state:
            st.session_state["messages"] = [{"role": "assistant", "content": "How can I help?"}]
        for msg in st.session_state["messages"]:
            st.chat_message(msg["role"]).write(msg["content"])
        """),
]

CASES += [  # session 12: `except BaseException` swallows task cancellation (dev g326)
    ("smell:bare-except", ("""\
        import asyncio
        import logging

        async def generate_all(tasks):
            futures = [asyncio.ensure_future(t) for t in tasks]
            try:
                return await asyncio.gather(*futures)
            except BaseException as error:
                logging.exception("generation failed: %s", error)
                for future in futures:
                    future.cancel()
        """, 8), """\
        import asyncio
        import logging

        async def generate_all(tasks):
            futures = [asyncio.ensure_future(t) for t in tasks]
            try:
                return await asyncio.gather(*futures)
            except BaseException:
                logging.exception("generation failed; cancelling the rest")
                for future in futures:
                    future.cancel()
                raise
        """),
]


def test_a_handler_that_exits_with_a_failure_status_does_not_swallow_the_error():
    code = """\
        import sys

        import pipeline

        try:
            pipeline.run()
        except Exception:
            sys.exit(1)
        """
    assert "smell:swallowed-exception" not in [r for r, _ in rules(code)]
    assert ("smell:swallowed-exception", 7) in rules(code.replace("sys.exit(1)", "pass"))


def test_a_background_loop_that_only_waits_on_its_stop_event_is_not_flagged():
    """The loop's test (`not stop.is_set()`) is its stop condition, not work that can fail."""
    code = """\
        import threading
        import time

        def idle(stop):
            while not stop.is_set():
                time.sleep(1)

        worker = threading.Thread(target=idle, args=(threading.Event(),))
        worker.setDaemon(True)
        worker.start()
        """
    assert "ml:thread-loop-unguarded" not in [r for r, _ in rules(code)]
    working = code.replace("time.sleep(1)", "time.sleep(1)\n                refresh_index()")
    hits = [f for f in analyse(textwrap.dedent(working), "worker.py").findings if f.rule == "ml:thread-loop-unguarded"]
    assert len(hits) == 1 and "refresh_index" in hits[0].message and "non-daemon" not in hits[0].message


@pytest.mark.parametrize("rule,bad,good", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_each_check_fires_on_the_problem_and_not_on_the_fix(rule, bad, good):
    code, line = bad
    assert (rule, line) in rules(code), rules(code)
    assert rule not in [r for r, _ in rules(good)], rules(good)


@pytest.mark.parametrize("rule", sorted({c[0] for c in CASES}))
def test_each_rule_has_a_lesson_section_from_the_table(rule):
    ref = reference(rule)
    assert rule in RULE_LESSONS and ref["section"] == RULE_LESSONS[rule][1]
    assert section_text(ref["week"], ref["section"]), ref


TRAINING_SCRIPT = '''\
"""Train a tiny classifier (module-level code, the usual shape of a training script)."""
import torch

torch.manual_seed(0)
model = torch.nn.Linear(4, 2)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
''' + "".join(f'''
for epoch in range(3):
    if epoch == {i}:
        for batch in loader:
            if batch is not None:
                if len(batch) > {i}:
                    loss = model(batch).sum()
                    loss.backward()
''' for i in range(3))


def test_module_level_code_is_analysed_like_a_function():
    found = [f for f in checked(TRAINING_SCRIPT, "train.py") if f.rule == "smell:size"]
    assert len(found) == 1 and found[0].line == 4
    assert "module-level code" in found[0].message and "nested 5 deep" in found[0].message


def test_one_size_finding_per_function_and_docstrings_do_not_count():
    body = "".join(f"    if x == {i}:\n        y += {i}\n" for i in range(15))
    big = f"def route(x, y, a, b, c, d, e, f):\n{body}    return y\n"
    found = [f for f in checked(big, "r.py") if f.principle == "complexity"]
    assert [(f.rule, f.line) for f in found] == [("smell:size", 1)]
    assert "complexity 16 (radon rank C)" in found[0].message and "8 parameters" in found[0].message
    documented = 'def f(x):\n    """' + "Explain.\n" * 80 + '    """\n' + "    x += 1\n" * 20 + "    return x\n"
    assert not [f for f in checked(documented, "d.py") if f.rule == "smell:size"]


def test_no_whitespace_long_line_or_todo_noise():
    code = "import os\n\n\ndef f(x):   \n    # TODO: later\n    return x + 1" + " " * 150 + "\n"
    assert checked(code, "f.py") == []


def test_a_script_may_print_but_a_service_should_log():
    script = "def main():\n    print('epoch', 1)\n\n\nfor i in range(3):\n    print(i)\n"
    service = "import logging\n\n\ndef handle(req):\n    print('got', req)\n    return req\n"
    assert not [f for f in checked(script, "train.py") if f.rule == "smell:print"]
    assert [f.line for f in checked(service, "svc.py") if f.rule == "smell:print"] == [5]


# session 12: the fresh test batch's wrong findings, each mended in general form (files moved to dev: g345, g348,
# g361, g362)
def test_a_dict_filled_once_by_the_lifespan_handler_is_not_shared_mutable_state():
    code = """\
        from contextlib import asynccontextmanager

        from fastapi import FastAPI

        indexes = {}

        @asynccontextmanager
        async def lifespan(app: FastAPI):
            indexes["dense"] = open_index("dense")
            yield

        app = FastAPI(lifespan=lifespan)

        @app.post("/search")
        async def search(query: str):
            REMEMBER
            return indexes["dense"].query(query)
        """
    assert "smell:mutable-global" not in [r for r, _ in rules(code.replace("REMEMBER", "pass"))]
    assert ("smell:mutable-global", 5) in rules(code.replace("REMEMBER", "indexes[query] = None"))


def test_the_async_twin_of_a_model_call_blocks_nothing_even_when_gathered_later():
    code = """\
        import asyncio

        import openai

        async def dispatch(batches, model):
            pending = [openai.ChatCompletion.CALL(model=model, messages=m) for m in batches]
            return await asyncio.gather(*pending)
        """
    assert "ml:blocking-in-async" not in [r for r, _ in rules(code.replace("CALL", "acreate"))]
    assert ("ml:blocking-in-async", 6) in rules(code.replace("CALL", "create"))


def test_an_index_built_under_a_session_flag_or_a_button_is_not_rebuilt_on_every_rerun():
    code = """\
        import streamlit as st
        from langchain_community.vectorstores import FAISS
        from langchain_openai import OpenAIEmbeddings

        GUARD
            store = FAISS.from_texts(load_texts(), OpenAIEmbeddings())
            st.session_state.store = store
        st.write(st.session_state.get("store"))
        """
    for guard in ('if "store" not in st.session_state:', 'if st.button("Index the repository"):'):
        assert "ml:load-per-request" not in [r for r, _ in rules(code.replace("GUARD", guard), "app.py")], guard
    assert ("ml:load-per-request", 6) in rules(code.replace("GUARD", "if True:"), "app.py")


def test_an_upload_read_in_chunks_is_not_read_whole():
    code = """\
        import aiofiles
        from fastapi import FastAPI, UploadFile

        app = FastAPI()

        @app.post("/documents")
        async def upload(file: UploadFile):
            async with aiofiles.open(f"/srv/docs/{file.filename}", "wb") as out:
                READ
            return {"ok": True}
        """
    chunked = "while chunk := await file.read(1024 * 1024):\n                    await out.write(chunk)"
    whole = "await out.write(await file.read())"
    assert "ml:unbounded-payload" not in [r for r, _ in rules(code.replace("READ", chunked))]
    assert "ml:unbounded-payload" in [r for r, _ in rules(code.replace("READ", whole))]


# session 12, from dev7's wrong findings (g189, g313, g329)
def test_calls_through_an_async_client_block_nothing():
    code = """\
        import asyncio

        from openai import CLIENT

        aclient = CLIENT()

        async def dispatch(batches, model):
            pending = [aclient.chat.completions.create(model=model, messages=m) for m in batches]
            return await asyncio.gather(*pending)
        """
    assert "ml:blocking-in-async" not in [r for r, _ in rules(code.replace("CLIENT", "AsyncOpenAI"))]
    assert ("ml:blocking-in-async", 8) in rules(code.replace("CLIENT", "OpenAI"))


def test_an_index_built_in_an_ingestion_route_is_the_work_asked_for_not_a_reload():
    code = """\
        from flask import Flask, request
        from langchain_community.vectorstores import Chroma

        app = Flask(__name__)

        @app.route("/ROUTE", methods=["METHOD"])
        def handle():
            docs = split(request.get_json()["text"])
            store = Chroma.from_documents(documents=docs, embedding=embedding, persist_directory="db")
            return {"chunks": len(docs), "store": store is not None}
        """
    assert "ml:load-per-request" not in [r for r, _ in rules(code.replace("ROUTE", "ingest").replace("METHOD", "POST"))]
    assert ("ml:load-per-request", 9) in rules(code.replace("ROUTE", "ask").replace("METHOD", "GET"))


def test_a_tokenizer_that_only_counts_tokens_need_not_truncate():
    code = """\
        from transformers import AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained("bert-base-uncased")

        def token_length(text):
            tokens = tokenizer([text], return_tensors="pt")
            return USE
        """
    assert "ml:no-truncation" not in [r for r, _ in rules(code.replace("USE", 'tokens["input_ids"].shape[1]'))]
    assert ("ml:no-truncation", 6) in rules(code.replace("USE", 'model(**tokens).logits'))
