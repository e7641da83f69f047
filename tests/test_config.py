import re
from pathlib import Path

import pytest

from mentor.config import ENV_VARS, Config
from mentor.errors import MentorError

ROOT = Path(__file__).resolve().parent.parent


def test_every_variable_read_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    missing = [name for name in ENV_VARS if f"`{name}`" not in readme]
    assert not missing, f"undocumented environment variables: {missing}"


def test_every_variable_the_code_reads_is_listed():
    read = set()
    for path in (ROOT / "mentor").glob("*.py"):
        read |= set(re.findall(r'env(?:iron)?\.get\("([A-Z_]+)"', path.read_text()))
    read.discard("XDG_DATA_HOME")  # the platform's own convention, used only for the default home
    assert read <= set(ENV_VARS), read - set(ENV_VARS)


def test_defaults_are_offline_and_per_user(tmp_path):
    cfg = Config.from_env({"XDG_DATA_HOME": str(tmp_path)})
    assert cfg.home == tmp_path / "architect-mentor"
    assert cfg.provider == "auto" and not cfg.anthropic_api_key and not cfg.local_base_url
    assert cfg.redact is True


def test_bad_values_get_a_clear_message():
    with pytest.raises(MentorError, match="MENTOR_PROVIDER"):
        Config.from_env({"MENTOR_PROVIDER": "gpt"})
    with pytest.raises(MentorError, match="MENTOR_TIMEOUT_S"):
        Config.from_env({"MENTOR_TIMEOUT_S": "soon"})


def test_api_key_never_appears_in_repr():
    cfg = Config.from_env({"ANTHROPIC_API_KEY": "sk-ant-secret-value"})
    assert "sk-ant-secret-value" not in repr(cfg)
