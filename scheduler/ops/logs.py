"""Structured logs: one JSON object per line (time, level, logger, event and its fields)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
from typing import Any

_RESERVED = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "fields"}


class JsonFormatter(logging.Formatter):
    """Format a record as JSON; `extra={"fields": {...}}` and plain extras become keys."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one JSON line."""
        doc: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
            "pid": record.process,
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            doc.update(fields)
        for key, value in record.__dict__.items():
            if key not in _RESERVED and not key.startswith("_"):
                doc.setdefault(key, value)
        if record.exc_info:
            doc["exception"] = self.formatException(record.exc_info)
        return json.dumps(doc, ensure_ascii=False, default=str)


def configure(level: str | None = None, fmt: str | None = None) -> None:
    """Send Loa's logs to stderr, as JSON unless LOA_LOG_FORMAT=text; LOA_LOG_LEVEL sets level."""
    fmt = fmt or os.environ.get("LOA_LOG_FORMAT", "json")
    level = level or os.environ.get("LOA_LOG_LEVEL", "INFO")
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
