"""All configuration, read from environment variables in one place.

    cfg = Config.from_env()          # reads os.environ
    cfg = Config.from_env({"MENTOR_HOME": "/tmp/m"})   # explicit mapping, for tests
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT / "corpus"
DEFAULT_STRONG_MODEL = "claude-sonnet-5-5"
DEFAULT_CHEAP_MODEL = "claude-haiku-5-5"
DEFAULT_TIMEOUT_S = 60.0
PROVIDER_CHOICES = ("auto", "anthropic", "local", "offline")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")

# Every variable the program reads; tests check each one is documented in the README.
ENV_VARS = (
    "MENTOR_HOME",
    "MENTOR_CORPUS",
    "MENTOR_NOTES",
    "MENTOR_PROVIDER",
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_BASE_URL",
    "MENTOR_STRONG_MODEL",
    "MENTOR_CHEAP_MODEL",
    "MENTOR_LOCAL_BASE_URL",
    "MENTOR_LOCAL_MODEL",
    "MENTOR_LOCAL_API_KEY",
    "MENTOR_TIMEOUT_S",
    "MENTOR_MONTHLY_BUDGET_USD",
    "MENTOR_REDACT",
    "MENTOR_RERANKER",
    "MENTOR_CACHE",
    "CHROMA_HOST",
    "CHROMA_PORT",
    "MENTOR_IMAGE_HOSTS",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "MENTOR_TRACE_CONTENT",
    "MENTOR_LOG_LEVEL",
    "MENTOR_MODELS",
)


def _default_home(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "architect-mentor"


def _float(env: Mapping[str, str], name: str, default: float, *, positive: bool = False) -> float:
    """A finite number, >= 0 (> 0 when positive): nan, inf or -5 as a budget would remove the cap."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}.") from None
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        raise ConfigError(f"{name} must be a finite number {'above' if positive else 'of at least'} 0, got {raw!r}.")
    return value


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    return raw not in ("0", "false", "no", "off")


@dataclass(frozen=True)
class Config:
    home: Path
    corpus_dir: Path = DEFAULT_CORPUS
    notes_dirs: tuple[Path, ...] = ()
    provider: str = "auto"
    anthropic_api_key: str = field(default="", repr=False)
    anthropic_base_url: str = ""
    strong_model: str = DEFAULT_STRONG_MODEL
    cheap_model: str = DEFAULT_CHEAP_MODEL
    local_base_url: str = ""
    local_model: str = ""
    local_api_key: str = field(default="", repr=False)
    timeout_s: float = DEFAULT_TIMEOUT_S
    monthly_budget_usd: float = 10.0
    redact: bool = True
    reranker: str = ""  # a path to an installed sentence-transformers cross-encoder, or none
    cache: bool = True
    chroma_host: str = ""
    chroma_port: int = 8000
    image_hosts: tuple[str, ...] = ()  # https hosts whose images untrusted Markdown may show; none by default
    otlp_endpoint: str = ""
    trace_content: bool = False
    log_level: str = "INFO"
    models: Path | None = None  # None: under home

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Config:
        env = os.environ if env is None else env
        home = Path(env.get("MENTOR_HOME") or _default_home(env)).expanduser()
        notes = tuple(Path(p).expanduser() for p in env.get("MENTOR_NOTES", "").split(os.pathsep) if p.strip())
        provider = (env.get("MENTOR_PROVIDER") or "auto").strip().lower()
        if provider not in PROVIDER_CHOICES:
            raise ConfigError(f"MENTOR_PROVIDER must be one of {', '.join(PROVIDER_CHOICES)}, got {provider!r}.")
        port = env.get("CHROMA_PORT", "").strip()
        if port and not port.isdigit():
            raise ConfigError(f"CHROMA_PORT must be a port number, got {port!r}.")
        log_level = (env.get("MENTOR_LOG_LEVEL") or "INFO").strip().upper()
        if log_level not in LOG_LEVELS:
            raise ConfigError(f"MENTOR_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {log_level!r}.")
        return cls(
            home=home,
            corpus_dir=Path(env.get("MENTOR_CORPUS") or DEFAULT_CORPUS).expanduser(),
            notes_dirs=notes,
            provider=provider,
            anthropic_api_key=env.get("ANTHROPIC_API_KEY", "").strip(),
            anthropic_base_url=env.get("ANTHROPIC_BASE_URL", "").strip(),
            strong_model=env.get("MENTOR_STRONG_MODEL") or DEFAULT_STRONG_MODEL,
            cheap_model=env.get("MENTOR_CHEAP_MODEL") or DEFAULT_CHEAP_MODEL,
            local_base_url=env.get("MENTOR_LOCAL_BASE_URL", "").strip().rstrip("/"),
            local_model=env.get("MENTOR_LOCAL_MODEL", "").strip(),
            local_api_key=env.get("MENTOR_LOCAL_API_KEY", "").strip(),
            timeout_s=_float(env, "MENTOR_TIMEOUT_S", DEFAULT_TIMEOUT_S, positive=True),
            monthly_budget_usd=_float(env, "MENTOR_MONTHLY_BUDGET_USD", 10.0),
            redact=_flag(env, "MENTOR_REDACT", True),
            reranker=(env.get("MENTOR_RERANKER") or "").strip(),
            cache=_flag(env, "MENTOR_CACHE", True),
            chroma_host=env.get("CHROMA_HOST", "").strip(),
            chroma_port=int(port) if port else 8000,
            image_hosts=tuple(h.strip().lower() for h in env.get("MENTOR_IMAGE_HOSTS", "").split(",") if h.strip()),
            otlp_endpoint=env.get("OTEL_EXPORTER_OTLP_ENDPOINT", "").strip(),
            trace_content=_flag(env, "MENTOR_TRACE_CONTENT", False),
            log_level=log_level,
            models=Path(env["MENTOR_MODELS"]).expanduser() if env.get("MENTOR_MODELS", "").strip() else None,
        )

    def with_(self, **changes) -> Config:
        return replace(self, **changes)

    @property
    def db_path(self) -> Path:
        return self.home / "mentor.db"

    @property
    def log_dir(self) -> Path:
        return self.home / "logs"

    @property
    def models_dir(self) -> Path:
        """Models derived from installed ones (the ONNX export of the embedding model)."""
        return self.models or self.home / "models"

    @property
    def index_dir(self) -> Path:
        return self.home / "index"
