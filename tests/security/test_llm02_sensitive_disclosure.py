"""OWASP LLM02:2025 Sensitive Information Disclosure: what leaves the machine, seen at a loopback Claude server.

Every channel that reaches the cloud (question, follow-up history, reflections through plan advice, notes as
passages, pasted code for review) carries secrets and personal data; none of the values may appear in the
request bytes. Payloads are our own (formats from the providers' documentation); the labelled benchmark with
per-type figures is scripts/bench_redaction.py.
"""

import json

import pytest

from mentor.config import Config
from mentor.core import Mentor
from mentor.review import ReviewService
from mentor.secret_scan import find_secrets, mask_secrets
from tests.conftest import FIXTURE_CORPUS

BODY = ("MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9OiZ1TqA8d6v0xYbQ7nL2kR4sU9wE3",
        "hY7gT5rE3wQ1aZ9xC7vB5nM3kL1jH9gF7dS5aP3oI1uY",
        "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW")
PEM_IN_STRING = (f'KEY = """-----BEGIN RSA PRIVATE KEY-----\n{BODY[0]}\n{BODY[1]}\n-----END RSA PRIVATE KEY-----"""\n'
                 "\n\ndef sign(data):\n    return rsa.sign(data, KEY)\n")
PEM_IN_YAML = (f"deploy:\n  host: app.internal\n  key: |\n    -----BEGIN PRIVATE KEY-----\n    {BODY[0]}\n"
               f"    {BODY[1]}\n    -----END PRIVATE KEY-----\n  user: deploy\n")
OPENSSH = (f'SSH_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\\n{BODY[2]}\\n{BODY[1]}\\n'
           '-----END OPENSSH PRIVATE KEY-----\\n"\n\n\ndef connect(host):\n    return ssh(host, SSH_KEY)\n')
PEM_CUT_OFF = f'KEY = """-----BEGIN EC PRIVATE KEY-----\n{BODY[0]}\n{BODY[1]}\n"""\n'


def cloud_mentor(tmp_path, server) -> Mentor:
    return Mentor(Config.from_env({"MENTOR_HOME": str(tmp_path), "MENTOR_PROVIDER": "anthropic",
                                   "ANTHROPIC_API_KEY": "sk-ant-test-123", "ANTHROPIC_BASE_URL": server.base_url}))


@pytest.mark.parametrize("code", [PEM_IN_STRING, PEM_IN_YAML, OPENSSH, PEM_CUT_OFF],
                         ids=["pem-in-string", "pem-in-yaml", "openssh", "pem-cut-off"])
def test_review_never_sends_a_private_key_body(tmp_path, anthropic_server, code):
    anthropic_server.enqueue(json.dumps({"summary": "ok", "findings": []}))
    result = ReviewService(cloud_mentor(tmp_path, anthropic_server)).review(code, filename="deploy.py")
    sent = anthropic_server.requests[0].text
    assert result["provider"] == "anthropic"
    for body in BODY:
        assert body not in sent and body[:24] not in sent
    assert any(f["rule"] == "secret:private-key" for f in result["findings"])
    stored = ReviewService(cloud_mentor(tmp_path, anthropic_server)).m.store.review(result["review_id"])
    assert not any(body in json.dumps(stored) for body in BODY)


def test_one_detector_for_findings_and_masking():
    """What review reports is exactly what it masks: same spans from secret_scan.find_secrets."""
    secrets = find_secrets(PEM_IN_YAML)
    assert [s.rule for s in secrets] == ["secret:private-key"] and secrets[0].line == 4
    masked = mask_secrets(PEM_IN_YAML)
    assert BODY[0] not in masked and masked.count("\n") == PEM_IN_YAML.count("\n")  # line numbers stay true
    assert "user: deploy" in masked


GAPS = {  # the values the sweep found leaking, each in the shape it leaked in
    "Note: password = hunter2x": "hunter2x",
    "Error: api_key=abcd1234efgh5678 while calling": "abcd1234efgh5678",
    "my password is Tr0ub4dor&3, do not share": "Tr0ub4dor&3",
    "the password for the staging db was: correcthorsebatterystaple": "correcthorsebatterystaple",
    "aws secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY in the notebook": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "key sk-abcdef1234567890abcdef12 from the dashboard": "sk-abcdef1234567890abcdef12",
    "my number is 4155550132 if it breaks": "4155550132",
    "My name is Lena Ortiz and I work on the feature store": "Lena Ortiz",
    "send it to 42 Baker Street, Springfield please": "42 Baker Street",
}


@pytest.mark.parametrize("text,value", list(GAPS.items()), ids=list(GAPS.values()))
def test_redaction_gaps_are_closed_in_what_leaves(tmp_path, anthropic_server, text, value):
    anthropic_server.enqueue("Noted [1].")
    m = Mentor(Config.from_env({"MENTOR_HOME": str(tmp_path), "MENTOR_PROVIDER": "anthropic", "MENTOR_CACHE": "0",
                                "ANTHROPIC_API_KEY": "sk-ant-test-123", "ANTHROPIC_BASE_URL": anthropic_server.base_url,
                                "MENTOR_CORPUS": str(FIXTURE_CORPUS)}))
    m.chat.ask(f"Question about a cache stampede. {text}")
    sent = anthropic_server.requests[-1].text
    assert value not in sent and "cache stampede" in sent


def test_technical_names_are_not_taken_for_people():
    """NER tags Kafka and Redis as PERSON; words the course material uses are kept (the real corpus here)."""
    from mentor.config import DEFAULT_CORPUS
    from mentor.privacy import Redactor

    red = Redactor(corpus_dir=DEFAULT_CORPUS).redact(
        "Call Lena Ortiz about the Kafka cluster, Redis and Kubernetes, as Martin Kleppmann explains in DDIA.")
    assert "Lena Ortiz" not in red.text and red.counts.get("PERSON") == 1
    for word in ("Kafka", "Redis", "Kubernetes", "Martin Kleppmann", "DDIA"):
        assert word in red.text


def test_the_readme_states_the_privacy_notice_the_app_shows():
    from mentor.privacy import PRIVACY_NOTICE
    from tests.conftest import ROOT

    readme = " ".join((ROOT / "README.md").read_text().replace(">", " ").replace("`", "").split())
    for line in PRIVACY_NOTICE:
        assert " ".join(line.replace(">", " ").split()) in readme
