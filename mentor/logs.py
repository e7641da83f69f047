"""Structured logs: one JSON object a line, in a rotating file under MENTOR_HOME/logs, with the trace id."""

from __future__ import annotations

import json
import logging
import time
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

from opentelemetry import trace

LOGGER = "mentor"
MAX_BYTES = 1_000_000
BACKUPS = 5


class JsonFormatter(logging.Formatter):
    """A JSON line per record: time, level, logger, message, trace and span ids, and the record's fields."""

    converter = time.gmtime  # UTC, as the "Z" says

    def format(self, record: logging.LogRecord) -> str:
        ctx = trace.get_current_span().get_span_context()
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "trace_id": getattr(record, "trace_id", None) or (f"{ctx.trace_id:032x}" if ctx.is_valid else None),
            "span_id": f"{ctx.span_id:016x}" if ctx.is_valid else None,
        }
        line.update(getattr(record, "fields", {}))
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(line, default=str)


def configure_logging(log_dir: Path, level: str = "INFO") -> Path:
    """Send the `mentor` loggers to `log_dir/mentor.log` (one handler per process, moved when the home moves)."""
    logger = logging.getLogger(LOGGER)
    path = Path(log_dir) / "mentor.log"
    logger.setLevel(level)
    logger.propagate = False
    for handler in list(logger.handlers):
        if isinstance(handler, RotatingFileHandler) and Path(handler.baseFilename) == path.resolve():
            return path
        if getattr(handler, "_mentor", False):
            logger.removeHandler(handler)
            handler.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True)
    handler.setFormatter(JsonFormatter())
    handler._mentor = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    return path


def log_event(level: int, message: str, *, trace_id: str | None = None, **fields: Any) -> None:
    """One structured line on the `mentor` logger; `fields` must hold no learner text and no secrets."""
    logger = logging.getLogger(LOGGER)
    if logger.isEnabledFor(level):
        logger.log(level, message, extra={"trace_id": trace_id,
                                          "fields": {k: v for k, v in fields.items() if v is not None}})
