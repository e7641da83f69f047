"""Redaction with the real Presidio and detect-secrets engines: no mocks, nothing leaves the machine."""

import copy
import json
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from mentor import privacy, prompts
from mentor.llm import LLMRequest
from mentor.privacy import Redactor, make_restore
from mentor.retrieval import Hit

ROOT = Path(__file__).resolve().parents[1]

# fake but well-formed credentials, split so that secret scanners on this repository do not flag the file
ANTHROPIC_KEY = "sk-ant-api03-" + "Xy7kQ2mN9pL4vR8sT1wZ3bC6dF0gH5jK_aE2iO9uY4tR7eW1qA3sD6fG8hJ0kL2zX5cV8bN1mM4-AbCdEfAA"
OPENAI_KEY = "sk-proj-" + "AbC123dEf456GhI789jKl012MnO345pQr678StU901vWx"
AWS_KEY = "AKIA" + "4HX2QZ7TBN3KW5RJ"
GITHUB_TOKEN = "ghp_" + "16C7e42F292c6912E7710c838347Ae178B4a"
SLACK_TOKEN = "xoxb-" + "2048-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ."
       "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")
PRIVATE_KEY = ("-----BEGIN RSA " + "PRIVATE KEY-----\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi\n"
               "Z1TqA8d6v0xYbQ7nL2kR4sU9wE3\n-----END RSA PRIVATE KEY-----")


@pytest.fixture(scope="module")
def redactor():
    r = Redactor()
    r.warm()
    return r


def assert_round_trip(red, original):
    assert make_restore(red.mapping)(red.text) == original
    for value in red.mapping.values():
        assert value not in red.text


@pytest.mark.parametrize("kind, value, sentence", [
    ("EMAIL", "maria.garcia@example.org", "Reach me at {} if the nightly pipeline breaks."),
    ("PHONE", "+44 20 7946 0958", "My mobile is {}, call after six."),
    ("PHONE", "(415) 555-0132", "The on-call phone is {} this week."),
    ("CREDIT_CARD", "4111 1111 1111 1111", "Charge the GPU bill to {} please."),
    ("IBAN", "DE89 3704 0044 0532 0130 00", "Wire the refund to {} by Friday."),
    ("IP_ADDRESS", "192.168.1.20", "The Chroma server runs on {}:8000 behind the VPN."),
    ("IP_ADDRESS", "2a00:1450:4001:81c::200e", "Traffic came from {} during the incident."),
    ("API_KEY", ANTHROPIC_KEY, "I exported ANTHROPIC_API_KEY={} but still get 401."),
    ("API_KEY", OPENAI_KEY, "The old OpenAI key {} still works in staging."),
    ("API_KEY", AWS_KEY, "Our AWS access key id is {} for the S3 bucket."),
    ("API_KEY", GITHUB_TOKEN, "CI clones with the token {} today."),
    ("API_KEY", SLACK_TOKEN, "The alert bot posts with {} to #ml-ops."),
    ("SECRET", JWT, "The session cookie holds {} and never expires."),
    ("SECRET", "abcdef0123456789ABCDEFxyz", 'curl -H "Authorization: Bearer {}" https://api.example.com/v1/models'),
    ("PASSWORD", "hunter2x", "db:\n  user: admin\n  passwd: {}\n  host: db.internal"),
    ("PASSWORD", "Sup3rS3cret", "CACHE_URL=redis://:{}@cache:6379/0"),
    ("PASSWORD", "S3cr3t!x", 'def login(user: str, password: str = "{}") -> Session:'),
    ("PASSWORD", "hunter22", "mysql -u root --password {} ml_features"),
    ("API_KEY", "Zx81kd9Q0wLrT5mN2bV7", 'headers = {{"x-api-key": "{}", "accept": "application/json"}}'),
])
def test_each_kind_is_replaced_by_a_typed_placeholder(redactor, kind, value, sentence):
    text = sentence.format(value)
    red = redactor.redact(text)
    assert red.text == sentence.format(f"<{kind}_1>")
    assert red.mapping == {f"<{kind}_1>": value}
    assert red.counts == {kind: 1}
    assert_round_trip(red, text)


CODE = f'''import anthropic
import psycopg

client = anthropic.Anthropic(api_key="{ANTHROPIC_KEY}")
DB_URL = "postgres://admin:hunter2@10.0.0.5:5432/ml"
password = "S3cr3t!pass"
AWS_ACCESS_KEY_ID = "{AWS_KEY}"
SIGNING_KEY = """{PRIVATE_KEY}"""


def connect(timeout_s: float = 5.0):
    return psycopg.connect(DB_URL, connect_timeout=timeout_s)
'''


def test_secrets_in_python_code_are_replaced_and_only_the_values(redactor):
    red = redactor.redact(CODE)
    assert red.text == '''import anthropic
import psycopg

client = anthropic.Anthropic(api_key="<API_KEY_1>")
DB_URL = "postgres://admin:<PASSWORD_1>@<IP_ADDRESS_1>:5432/ml"
password = "<PASSWORD_2>"
AWS_ACCESS_KEY_ID = "<API_KEY_2>"
SIGNING_KEY = """<SECRET_1>"""


def connect(timeout_s: float = 5.0):
    return psycopg.connect(DB_URL, connect_timeout=timeout_s)
'''
    assert red.counts == {"API_KEY": 2, "IP_ADDRESS": 1, "PASSWORD": 2, "SECRET": 1}
    assert_round_trip(red, CODE)


def test_counts_hold_kinds_and_numbers_never_values(redactor):
    red = redactor.redact(CODE)
    dumped = json.dumps(red.counts)
    assert all(isinstance(k, str) and isinstance(n, int) for k, n in red.counts.items())
    for value in red.mapping.values():
        assert value not in dumped
    assert set(red.counts) <= {"EMAIL", "PHONE", "CREDIT_CARD", "IBAN", "IP_ADDRESS", "API_KEY", "SECRET", "PASSWORD"}


def test_the_same_value_gets_the_same_placeholder_and_numbers_count_per_kind(redactor):
    text = "Mail a.lee@example.com, cc b.kim@example.com, then a.lee@example.com again; or call +1 415-555-0132."
    red = redactor.redact(text)
    assert red.text == "Mail <EMAIL_1>, cc <EMAIL_2>, then <EMAIL_1> again; or call <PHONE_1>."
    assert red.mapping == {"<EMAIL_1>": "a.lee@example.com", "<EMAIL_2>": "b.kim@example.com",
                           "<PHONE_1>": "+1 415-555-0132"}
    assert red.counts == {"EMAIL": 2, "PHONE": 1}


def test_a_secret_is_also_replaced_where_it_appears_without_context(redactor):
    text = 'password = "Tr0ub4dor&3"\n# note to self: Tr0ub4dor&3 is also the VPN password'
    red = redactor.redact(text)
    assert red.text == 'password = "<PASSWORD_1>"\n# note to self: <PASSWORD_1> is also the VPN password'


def test_overlapping_spans_keep_the_most_specific(redactor):
    # the password, not the e-mail-shaped "hunter2@db.internal.example.com", is what matters here
    red = redactor.redact("DB_URL=postgres://admin:hunter2@db.internal.example.com/ml")
    assert red.text == "DB_URL=postgres://admin:<PASSWORD_1>@db.internal.example.com/ml"
    red = redactor.redact(f"Authorization: Bearer {JWT}")
    assert red.text == "Authorization: Bearer <SECRET_1>"
    red = redactor.redact(f'client = OpenAI(api_key="{OPENAI_KEY}")')
    assert red.text == 'client = OpenAI(api_key="<API_KEY_1>")'


@pytest.mark.parametrize("text", [
    "We moved to Python 3.11 in 2026; version 3.11.4 fixed the asyncio bug.",
    "p50 latency is 150 ms and p99 latency is 1200 ms after the cache.",
    "The answer used 12,345 tokens of a 200000 token window, or 1,000,000 tokens a day.",
    "Batch size 32, 64, 128, 256, 512 or 1024; embedding dim 384; 3 epochs.",
    "Pricing: 0.0035 USD per 1000 tokens, about $12,000 per month for 3 replicas.",
    "Unix time 1700000000, epoch ms 1732924800123, order 20261130001.",
    "Week 06 starts on 2026-11-30; read pages 151-197 of DDIA (2017), ISBN 978-0-13-468599-1.",
    "SLA 99.95%, RTO 15 min, RPO 5 min, between 10:00 and 12:30.",
    "pip install torch==2.13.0 sentence-transformers>=3 && python -m pytest -q",
    "statistics.fmean([0.333333333, 0.666666667]) == Decimal('0.5')",
    "1 500 000 tokens in 24 hours is 17.36 tokens per second.",
])
def test_ordinary_numbers_are_not_phone_numbers(redactor, text):
    red = redactor.redact(text)
    assert red.text == text
    assert red.counts == {}


BENIGN = '''# Week 6: Caching and consistency

Read Kleppmann, *Designing Data-Intensive Applications*, chapter 5 (pages 151-197), and the notes in
week-06.md. The Redis docs at https://redis.io/docs/latest/develop/use/client-side-caching/ and
https://docs.python.org/3/library/functools.html#functools.lru_cache explain the mechanics; example.com
links in the exercises are placeholders.

A read-through cache cut p99 latency from 1200 ms to 150 ms for 10,000 requests per second. Set the TTL to
300 s, keep the hit rate above 85%, and budget 2 GB per replica. Python 3.11 and Chroma 1.5 are assumed.

```python
from functools import lru_cache

import anthropic

client = anthropic.Anthropic(api_key=os.environ["ANTHROPIC_API_KEY"])
SECRET_KEY = settings.SECRET_KEY
password = getpass.getpass("Password: ")
max_tokens = 1200
tokens_in, tokens_out = 345, 120
every_other = scores[::2]
timeout: float = 5.0
secret: Secret = load_secret("db")
headers = {"Authorization": f"Bearer {token}", "x-api-key": api_key}


@lru_cache(maxsize=1024)
def embed(text: str) -> list[float]:
    return model.encode(text, normalize_embeddings=True).tolist()


server = "http://127.0.0.1:8000/v1"  # chroma run --path data --host 127.0.0.1 --port 8000
```

Quiz: which consistency model does a cache-aside read give you? Answer in under 350 words.
'''


def test_benign_curriculum_prose_and_code_come_back_unchanged(redactor):
    red = redactor.redact(BENIGN)
    assert red.text == BENIGN
    assert red.mapping == {} and red.counts == {}


def test_restore_puts_values_back_and_leaves_unknown_placeholders(redactor):
    red = redactor.redact("Ping maria.garcia@example.org or +44 20 7946 0958.")
    restore = make_restore(red.mapping)
    answer = "I wrote to <EMAIL_1>; <PHONE_1> did not answer, and <EMAIL_7> or <NAME_1> mean nothing to me."
    assert restore(answer) == ("I wrote to maria.garcia@example.org; +44 20 7946 0958 did not answer, "
                               "and <EMAIL_7> or <NAME_1> mean nothing to me.")
    assert restore("no placeholders here") == "no placeholders here"


def test_a_placeholder_the_learner_typed_is_never_reused(redactor):
    red = redactor.redact("Why does the log show <EMAIL_1>? My address is bob.lee@example.com.")
    assert red.text == "Why does the log show <EMAIL_1>? My address is <EMAIL_2>."
    assert make_restore(red.mapping)("<EMAIL_1> vs <EMAIL_2>") == "<EMAIL_1> vs bob.lee@example.com"


def _request():
    reflection = Hit(rank=1, score=0.91, text=(
        "Week 6 reflection: I emailed maria.garcia@example.org about the outage and set the staging DB "
        "password: hunter2x on 10.20.30.40. Next time, rotate it."),
        meta={"title": "My reflections", "heading": "Week 6", "kind": "reflection", "week": 6})
    lesson = Hit(rank=2, score=0.72, text="A read-through cache cut p99 latency from 1200 ms to 150 ms.",
                 meta={"title": "Week 6: Caching", "heading": "Read-through", "kind": "lesson", "week": 6})
    history = [
        {"role": "user", "content": "Can you draft a note to maria.garcia@example.org about the cache outage?"},
        {"role": "assistant", "content": "Sure: 'Hi, the outage on 10.20.30.40 was a stale cache ...'"},
    ]
    question = f'Why does client = Anthropic(api_key="{ANTHROPIC_KEY}") fail with 401 on 10.20.30.40?'
    messages = prompts.ask_messages(question, [reflection, lesson], history, covered=True)
    return LLMRequest(system=prompts.SYSTEM_PROMPT, messages=messages, question=question,
                      passages=[reflection, lesson])


def test_redact_request_covers_history_passages_and_question_with_one_mapping(redactor):
    request = _request()
    before = copy.deepcopy(request)
    safe, restore, counts = redactor.redact_request(request)

    assert request == before  # the input is not modified
    assert safe.system == request.system  # the system prompt is ours
    assert counts == {"API_KEY": 1, "EMAIL": 1, "IP_ADDRESS": 1, "PASSWORD": 1}
    sent = json.dumps([safe.messages, safe.question, [p.text for p in safe.passages]])
    for value in ("maria.garcia@example.org", "10.20.30.40", "hunter2x", ANTHROPIC_KEY):
        assert value not in sent
    user, assistant, final = (m["content"] for m in safe.messages)
    assert "<EMAIL_1>" in user and "<EMAIL_1>" in final and "<EMAIL_1>" in safe.passages[0].text
    assert "<IP_ADDRESS_1>" in assistant and "<IP_ADDRESS_1>" in final
    assert "<PASSWORD_1>" in final and "<API_KEY_1>" in final and "<API_KEY_1>" in safe.question
    assert safe.passages[1] == request.passages[1]  # nothing private in the lesson
    assert safe.passages[0].meta == request.passages[0].meta
    for original, redacted in zip(request.messages, safe.messages, strict=True):
        assert restore(redacted["content"]) == original["content"]
    assert restore(safe.passages[0].text) == request.passages[0].text


def test_module_level_redact_request_matches_the_method(redactor):
    request = _request()
    assert privacy.redact_request(request)[0] == redactor.redact_request(request)[0]


def test_a_2kb_message_redacts_in_well_under_100_ms(redactor):
    text = (BENIGN + CODE + "Reach me at maria.garcia@example.org or +44 20 7946 0958.\n") * 2
    text = text[:2048]
    redactor.redact(text)
    timings = []
    for _ in range(5):
        t = time.perf_counter()
        redactor.redact(text)
        timings.append(time.perf_counter() - t)
    assert min(timings) < 0.1, timings


def test_engines_load_once_when_threads_race(monkeypatch):
    calls = []
    real_load = privacy._load
    monkeypatch.setattr(privacy, "_ENGINES", None)
    monkeypatch.setattr(privacy, "_load", lambda: calls.append(1) or real_load())
    with ThreadPoolExecutor(max_workers=4) as pool:
        texts = list(pool.map(lambda i: Redactor().redact(f"write to user{i}@example.com").text, range(8)))
    assert calls == [1]
    assert texts == ["write to <EMAIL_1>"] * 8


def test_a_fresh_process_loads_and_redacts_without_network_and_prints_nothing():
    code = textwrap.dedent('''
        import socket

        attempts = []

        def refuse(*args, **kwargs):
            attempts.append(args[1:2])
            raise OSError("network disabled by the test")

        socket.socket.connect = socket.socket.connect_ex = refuse
        socket.getaddrinfo = socket.create_connection = refuse

        from mentor.privacy import Redactor

        red = Redactor().redact("Mail alice@example.com or call +44 20 7946 0958")
        assert red.text == "Mail <EMAIL_1> or call <PHONE_1>", red.text
        assert not attempts, attempts
    ''')
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert (proc.stdout, proc.stderr) == ("", "")


REVIEWED_GO = """\
package main

import "fmt"

func report(i int, total int, h Hotel, err error) {
	// Marshal errors are rare; ask Maria Fernandez before changing this
	fmt.Printf("  [%d/%d] Marshal error for %s: %v\\n", i+1, total, h.HotelID, err)
	req.Header.Set("Cookie", "_puid="+api.PUID)
}
"""


def test_in_a_reviews_code_names_are_sought_in_comments_and_strings_not_in_identifiers(redactor):
    """Seen on test files in session 14: NER read `fmt.Printf`, `req.Header.Set` and `Docx2txtLoader` as people
    or places, and the model was sent `fmt.<PERSON_1>(...)`. A name in a comment is still redacted."""
    from mentor.review_model import code_request

    go = code_request(REVIEWED_GO, "go", "report.go", [], [])
    py = code_request("def load(file_name):\n    loader = Docx2txtLoader(file_name)  # Priya Raman's loader\n"
                      "    return loader.load()\n", "python", "load.py", [], [])
    safe, restore, counts = redactor.redact_request(go)
    sent = safe.messages[0]["content"]
    assert "fmt.Printf(" in sent and 'req.Header.Set("Cookie"' in sent and "h.HotelID" in sent
    assert "Maria Fernandez" not in sent and counts == {"PERSON": 1}
    assert restore(sent) == go.messages[0]["content"]
    sent = redactor.redact_request(py)[0].messages[0]["content"]
    assert "loader = Docx2txtLoader(file_name)" in sent and "Priya Raman" not in sent


@pytest.mark.parametrize("language, code", [("yaml", "author: Maria Fernandez\nretries: 3\n"),
                                            ("markdown", "Ask Maria Fernandez before changing this.\n"),
                                            ("python", 'print("Send the report to Maria Fernandez.")\n')])
def test_in_code_a_name_in_a_value_a_paragraph_or_a_string_is_still_redacted(redactor, language, code):
    from mentor.review_model import code_request

    sent = redactor.redact_request(code_request(code, language, "x", [], []))[0].messages[0]["content"]
    assert "Maria Fernandez" not in sent and "<PERSON_1>" in sent


def test_outside_a_code_fence_and_in_a_language_without_a_lexer_every_word_is_read(redactor):
    from mentor.code_prose import CodeRegions

    text = 'Ask Maria Fernandez.\n<code language="no-such-language">\n   1 | Maria Fernandez\n</code>'
    assert CodeRegions(text).allows(4, 19)
    assert "Maria Fernandez" not in redactor.redact(text).text


def test_a_read_of_an_environment_variable_is_not_masked_as_a_secret_but_a_key_is(redactor):
    """An env read names where the key lives; masked, the model (session 14, g377) said the key was hard-coded."""
    code = ("const openai = new OpenAI({\n    apiKey: process.env.OPENAI_API_KEY!,\n});\n"
            "const other = new OpenAI({ apiKey: 'sk-proj-Zq3vR8sLk2Pw9XyT4mNbQ7wE1rT5yU8i' });\n")
    red = redactor.redact(code)
    assert "apiKey: process.env.OPENAI_API_KEY!," in red.text
    assert "sk-proj-" not in red.text and red.counts == {"API_KEY": 1}
