"""The redaction benchmark (scripts/bench_redaction.py) run on its test split in CI: no secret leaks in any
channel, personal data leaks stay within what the README states, and technical text stays readable."""

import importlib.util
import sys

import pytest

from mentor.config import DEFAULT_CORPUS
from mentor.privacy import PLACEHOLDER, Redactor, make_restore
from tests.conftest import ROOT

spec = importlib.util.spec_from_file_location("bench_redaction", ROOT / "scripts" / "bench_redaction.py")
bench = importlib.util.module_from_spec(spec)
sys.modules["bench_redaction"] = bench  # its dataclass looks its module up
spec.loader.exec_module(bench)


@pytest.fixture(scope="module")
def redactor():
    r = Redactor(corpus_dir=DEFAULT_CORPUS)
    r.warm()
    return r


def test_no_secret_leaks_in_any_channel_and_pii_leaks_stay_as_reported(redactor):
    """Keys, tokens, private keys and connection strings: none. The rest: at most what the README reports
    (a digit-only phone needs a word such as 'phone' before it; 'the password X' without 'is' is not caught;
    NER misses some names)."""
    items = [i for i in bench.items() if i.split == "test"]
    assert len(bench.items()) >= 300 and len(bench.GENERATORS) >= 15 and len(bench.TEMPLATES) == 6
    leaks = [(i.kind, i.channel, i.value) for i in items
             if bench.leaked(i, bench.sent_text(redactor.redact_request(bench.request_for(i))[0]))]
    assert [leak for leak in leaks if leak[0] in SECRET_TYPES] == []
    assert len(leaks) <= MAX_LEAKS, leaks


def test_technical_text_stays_readable(redactor):
    """Few sentences change, and the learner reads every one of them back unchanged (placeholders restored)."""
    changed = []
    for text in bench.TECHNICAL:
        red = redactor.redact(text)
        assert make_restore(red.mapping)(red.text) == text
        if PLACEHOLDER.search(red.text):
            changed.append(red.text)
    assert len(changed) <= MAX_TECHNICAL_CHANGED, changed


SECRET_TYPES = {"AWS_KEY_ID", "AWS_SECRET", "ANTHROPIC_KEY", "OPENAI_KEY", "GITHUB_TOKEN", "JWT", "PRIVATE_KEY",
                "CONNECTION_STRING", "CREDIT_CARD", "IBAN", "EMAIL"}
MAX_LEAKS = 5  # measured on the test split, November 2026: 5 of 204 (README, Security)
MAX_TECHNICAL_CHANGED = 5  # measured: 5 of 30 sentences (tool names NER takes for people or places)
