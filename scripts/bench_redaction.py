"""Redaction benchmark: labelled private values in every channel, and ordinary technical text that must stay.

    PYTHONPATH=$PWD .venv/bin/python scripts/bench_redaction.py [--split dev|test|all]

Each value is placed in a sentence of one channel (question, follow-up history, reflection, note, pasted code,
design doc) and sent through `Redactor.redact_request`, exactly as a cloud request is. A value leaks when it, or
any of its words of 4+ characters, is still in what would leave. False redactions: placeholders put into
technical text that holds nothing private (sentences written for this benchmark, not course material, so the
corpus allow-list gets no help), and the share of those texts changed at all. Values are generated with a fixed
seed and split in halves: dev (the rules were checked on it) and test (reported in the README).
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import string
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mentor.config import DEFAULT_CORPUS  # noqa: E402
from mentor.llm import LLMRequest  # noqa: E402
from mentor.privacy import PLACEHOLDER, Redactor  # noqa: E402

R = random.Random(13)
FIRST = ["Lena", "Marcus", "Priya", "Tomasz", "Aisha", "Diego", "Mei", "Oluwaseun", "Ingrid", "Rafael", "Hannah",
         "Kenji", "Fatima", "Sergei", "Chloe", "Mateo", "Anika", "Jonas", "Leila", "Bruno", "Sofia", "Ravi"]
LAST = ["Ortiz", "Whitfield", "Raman", "Kowalski", "Bello", "Fernandez", "Zhang", "Adeyemi", "Lindqvist", "Moreau",
        "Becker", "Tanaka", "Haddad", "Volkov", "Dubois", "Rossi", "Sharma", "Nowak", "Karimi", "Costa"]
STREETS = ["Baker", "Maple", "Elm", "Harbour", "Juniper", "Linden", "Rosemary", "Chestnut", "Willow", "Kingsley"]
SUFFIX = ["Street", "Avenue", "Road", "Lane", "Drive", "Close", "Boulevard", "Way"]
CITIES = ["Springfield", "Leeds", "Porto", "Gdansk", "Tampere", "Ghent", "Bergamo", "Aarhus", "Brno", "Graz"]


def rnd(chars: str, n: int) -> str:
    return "".join(R.choice(chars) for _ in range(n))


def luhn(prefix: str, length: int = 16) -> str:
    digits = prefix + rnd(string.digits, length - len(prefix) - 1)
    total = 0
    for i, d in enumerate(reversed(digits)):
        v = int(d) * (2 if i % 2 == 0 else 1)
        total += v - 9 if v > 9 else v
    return digits + str((10 - total % 10) % 10)


def iban(country: str) -> str:
    """A valid IBAN (checksum and national length): DE 18 digits, NL a bank code and 10 digits, GB 4+14."""
    bban = {"DE": lambda: rnd(string.digits, 18),
            "NL": lambda: R.choice(["ABNA", "INGB", "RABO"]) + rnd(string.digits, 10),
            "GB": lambda: R.choice(["NWBK", "BARC", "MIDL"]) + rnd(string.digits, 14)}[country]()
    num = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{country}{98 - int(num) % 97:02d}{bban}"


B64 = string.ascii_letters + string.digits
ALNUM = string.ascii_letters + string.digits
GENERATORS = {  # type -> a value; each type gets N values
    "EMAIL": lambda: f"{R.choice(FIRST).lower()}.{R.choice(LAST).lower()}@"
                     f"{R.choice(['gmail.com', 'acme.io', 'uni-graz.at'])}",
    "PHONE": lambda: R.choice(["+44 20 7946 {:04d}", "(415) 555-{:04d}", "+49 30 1234{:04d}", "020 7946 {:04d}"])
    .format(R.randrange(10000)),
    "PHONE_DIGITS": lambda: R.choice(["0770090", "415555", "0612345"]) + rnd(string.digits, 4),  # UK, US, NL
    "CREDIT_CARD": lambda: luhn(R.choice(["4", "51", "37"]), 16),
    "IBAN": lambda: iban(R.choice(["DE", "NL", "GB"])),
    "IP_ADDRESS": lambda: f"{R.choice([10, 172, 81, 145])}.{R.randrange(256)}.{R.randrange(256)}.{R.randrange(1, 255)}",
    "AWS_KEY_ID": lambda: "AKIA" + rnd(string.ascii_uppercase + string.digits, 16),
    "AWS_SECRET": lambda: rnd(B64, 18) + "/" + rnd(B64, 10) + "7Kq" + rnd(B64, 8),
    "ANTHROPIC_KEY": lambda: "sk-ant-api03-" + rnd(ALNUM + "-_", 40),
    "OPENAI_KEY": lambda: "sk-" + R.choice(["proj-", ""]) + rnd(string.ascii_lowercase + string.digits, 32),
    "GITHUB_TOKEN": lambda: "ghp_" + rnd(ALNUM, 36),
    "JWT": lambda: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOi" + rnd(ALNUM, 20) + "." + rnd(ALNUM + "-_", 43),
    "PRIVATE_KEY": lambda: "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(rnd(B64, 64) for _ in range(3))
    + "\n-----END RSA PRIVATE KEY-----",
    "PASSWORD": lambda: R.choice(["Summer", "Tr0ub4dor", "hunter", "Pa55word", "s3cret", "Kafka"]) + rnd(ALNUM, 4)
    + R.choice("!#%&"),
    "CONNECTION_STRING": lambda: f"postgresql://app:{rnd(ALNUM, 12)}@db.internal:5432/features",
    "PERSON": lambda: f"{R.choice(FIRST)} {R.choice(LAST)}",
    "ADDRESS": lambda: f"{R.randrange(1, 300)} {R.choice(STREETS)} {R.choice(SUFFIX)}, {R.choice(CITIES)}",
}
TEMPLATES = {  # channel -> how the value appears there, per kind of value
    "question": {"PHONE_DIGITS": "My number is {v}, can the mentor text me a reminder for the week?",
                 "PASSWORD": "My password is {v} and the login to the feature store fails, why?",
                 "PERSON": "My manager {v} wants a design review of our RAG service; what should I prepare?",
                 "ADDRESS": "We host the GPU box at {v}; is one region enough for the RPO we need?",
                 "*": "Why does my client fail with this value {v} when calling the embedding service?"},
    "history": {"PHONE_DIGITS": "Earlier: call me on {v} if the job fails again.",
                 "PASSWORD": "Earlier I said: Note: password = {v}",
                "PERSON": "I was pairing with {v} on the outbox pattern yesterday.",
                "ADDRESS": "The office moved to {v} last month.",
                "*": "Earlier I pasted {v} by mistake while asking about retries."},
    "reflection": {"PHONE_DIGITS": "Questions: should I give the on-call rota my mobile {v}?",
                 "PASSWORD": "Hard: I reused the password {v} on the lab cluster, must rotate it.",
                   "PERSON": "Went well: a long talk with {v} about bounded contexts.",
                   "ADDRESS": "Met the study group at {v} on Saturday.",
                   "*": "Hard: debugging the pipeline that logged {v} in plain text."},
    "note": {"PHONE_DIGITS": "# Contacts\n\nDBA on call, phone {v}.\n",
                 "PASSWORD": "# Lab setup\n\nError: password={v} in the compose file.\n",
             "PERSON": "# 1:1 notes\n\nAsk {v} about the event-sourcing spike.\n",
             "ADDRESS": "# Meetup\n\nVenue: {v}.\n",
             "*": "# Debug log\n\nThe failing request carried {v} in a header.\n"},
    "code": {"PHONE_DIGITS": 'ALERT_SMS = "{v}"  # my phone, for pager tests\n',
             "PASSWORD": 'DB_PASSWORD = "{v}"\n\ndef connect():\n    return psycopg.connect(password=DB_PASSWORD)\n',
             "PRIVATE_KEY": 'KEY = """{v}"""\n',
             "PERSON": "# author: {v}\ndef train(model):\n    return model.fit()\n",
             "ADDRESS": '# shipping address: {v}\nWAREHOUSE = "main"\n',
             "*": 'client = Client(token="{v}")\nresult = client.embed(texts)\n'},
    "design": {"PHONE_DIGITS": "## Escalation\n\nPhone the owner on {v} out of hours.\n",
               "PASSWORD": "## Secrets\n\nFor now the admin password is {v}; move it to the vault in phase 2.\n",
               "PERSON": "## Owners\n\nService owner: {v} (ML platform).\n",
               "ADDRESS": "## Data centre\n\nPrimary site: {v}.\n",
               "*": "## Integration\n\nThe partner API is called with {v} until SSO lands.\n"},
}
TECHNICAL = [  # ordinary technical text, nothing private in it: none of it may be redacted
    "We run Kafka with three brokers and Redis as a cache in front of Postgres on Kubernetes.",
    "The Airflow DAG calls MLflow to register the model, then Triton serves it behind Envoy.",
    "Use Grafana and Prometheus for the p95 latency dashboard; alert when it passes 250 ms.",
    "Ray Serve autoscales replicas between 2 and 16; the HPA in Istio does the same for the gateway.",
    "Commit 3f786850e387550fdab836ed7e6dc881de23001b fixed the race in the consumer group rebalance.",
    "The request id 550e8400-e29b-41d4-a716-446655440000 appears in both the Jaeger trace and the log.",
    "Pin numpy==2.1.3, torch==2.13.0 and transformers 4.46; CUDA 12.4 on the A100 nodes.",
    "Port 8080 serves HTTP, 9090 the metrics, 6379 is Redis and 5432 Postgres.",
    "The batch of 4096 embeddings took 1739 ms; 1024 dimensions, cosine similarity above 0.83.",
    "Timestamp 1732982400 is 2024-11-30; the cron runs at 03:15 UTC every day.",
    "Celery workers read from RabbitMQ; FastAPI exposes /v1/predict and /healthz.",
    "Snowflake holds the features; dbt builds them nightly and Great Expectations checks them.",
    "Terraform plans the VPC 10.0.0.0/16; the load balancer listens on 0.0.0.0:443.",
    "Set password_min_length = 12 and token_ttl_seconds = 3600 in settings.py.",
    "The key = os.environ['ANTHROPIC_API_KEY'] line reads the secret at runtime, as it should.",
    "Hash the file with sha256 and compare to 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.",
    "The PR by dependabot bumps Django to 5.1 and Flask to 3.0; Sentry catches the rest.",
    "Pinecone, Weaviate, Qdrant and Milvus all offer HNSW; FAISS runs it in process.",
    "Jenkins builds the image, Argo CD deploys it, and Helm charts pin the version 1.14.2.",
    "Spark on Databricks reads Delta tables; Iceberg on Trino is the open alternative.",
    "LangChain and LlamaIndex both wrap the Anthropic SDK; Haystack and DSPy do too.",
    "Our SLO is 99.9% over 30 days: about 43 minutes of error budget a month.",
    "The HNSW index uses M=16 and efConstruction=200; recall@10 was 0.97 on 1,000,000 vectors.",
    "Let Nginx terminate TLS; Consul and Vault handle service discovery and secrets.",
    "ONNX Runtime runs the MiniLM encoder in 30 ms; OpenTelemetry exports the spans over OTLP.",
    "Call the billing service at most 3 times with exponential backoff from 200 ms, jitter on.",
    "The Dockerfile uses python:3.11-slim; the image is 412 MB after the multi-stage build.",
    "git rebase -i HEAD~3 then git push --force-with-lease origin feature/outbox.",
    "In Go, context.WithTimeout(ctx, 2*time.Second) bounds the call; in Rust, tokio::time::timeout.",
    "Backstage lists the services; PagerDuty pages the on-call; Opsgenie is the fallback.",
]


@dataclasses.dataclass
class Item:
    kind: str
    channel: str
    value: str
    split: str


def items(per_type_channel: int = 4) -> list[Item]:
    out = []
    for kind, gen in GENERATORS.items():
        for channel in TEMPLATES:
            for i in range(per_type_channel):
                out.append(Item(kind, channel, gen(), "dev" if i % 2 == 0 else "test"))
    return out


def request_for(item: Item) -> LLMRequest:
    """The value in its channel's place in a cloud request."""
    template = TEMPLATES[item.channel].get(item.kind, TEMPLATES[item.channel]["*"])
    text = template.format(v=item.value)
    question, messages, passages = "How should I fix this?", [], []
    if item.channel == "question":
        question = text
    elif item.channel == "history":
        messages = [{"role": "user", "content": text}, {"role": "assistant", "content": "Rotate it first [1]."}]
    elif item.channel in ("reflection", "note"):
        passages = [{"text": text, "meta": {}}]
    else:
        messages = [{"role": "user", "content": f"Review this:\n{text}"}]
    return LLMRequest(system="s", messages=[*messages, {"role": "user", "content": question}], question=question,
                      passages=passages)


def leaked(item: Item, sent: str) -> bool:
    parts = [item.value] + [w.strip(",.") for w in item.value.split() if len(w.strip(",.")) >= 4]
    if item.kind == "PRIVATE_KEY":
        parts = item.value.splitlines()[1:-1]
    return any(p in sent for p in parts)


def sent_text(req: LLMRequest) -> str:
    return "\n".join([req.question, *(m["content"] for m in req.messages), *(p["text"] for p in req.passages)])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", choices=["dev", "test", "all"], default="test")
    ap.add_argument("--show", action="store_true", help="print each leaked value in its channel")
    args = ap.parse_args()
    redactor = Redactor(corpus_dir=DEFAULT_CORPUS)
    t0 = time.perf_counter()
    redactor.warm()
    print(f"engines loaded in {time.perf_counter() - t0:.1f} s")
    chosen = [i for i in items() if args.split == "all" or i.split == args.split]
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_channel: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    t0 = time.perf_counter()
    for item in chosen:
        safe, _, _ = redactor.redact_request(request_for(item))
        bad = leaked(item, sent_text(safe))
        if bad and args.show:
            print(f"leak: {item.kind} in {item.channel}: {sent_text(safe)!r}"[:300])
        per_kind[item.kind][0] += bad
        per_kind[item.kind][1] += 1
        per_channel[item.channel][0] += bad
        per_channel[item.channel][1] += 1
    ms = (time.perf_counter() - t0) * 1000 / max(1, len(chosen))
    print(f"\n{len(chosen)} labelled values ({args.split} split), {len(GENERATORS)} types, {len(TEMPLATES)} channels; "
          f"{ms:.0f} ms per request\n")
    print(f"{'type':<18} {'leaks':>5} / {'n':<4}")
    for kind, (bad, n) in per_kind.items():
        print(f"{kind:<18} {bad:>5} / {n:<4}")
    total_bad = sum(b for b, _ in per_kind.values())
    print(f"{'all':<18} {total_bad:>5} / {len(chosen):<4} ({100 * (1 - total_bad / max(1, len(chosen))):.1f}% caught)")
    print(f"\n{'channel':<18} {'leaks':>5} / {'n':<4}")
    for channel, (bad, n) in per_channel.items():
        print(f"{channel:<18} {bad:>5} / {n:<4}")
    changed, placeholders = [], 0
    for text in TECHNICAL:
        red = redactor.redact(text)
        found = PLACEHOLDER.findall(red.text)
        placeholders += len(found)
        if found:
            changed.append((text, red.text))
    print(f"\ntechnical text: {len(changed)} of {len(TECHNICAL)} sentences changed, {placeholders} false redactions")
    for _, after in changed:
        print(f"  - {after}")


if __name__ == "__main__":
    main()
