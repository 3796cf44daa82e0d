"""Structured logs: one JSON object per line with the event and its fields."""

from __future__ import annotations

import io
import json
import logging

from scheduler.ops.logs import JsonFormatter


def test_json_lines_carry_event_and_fields():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    log = logging.getLogger("loa.test.json")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        log.warning("job.db_retry", extra={"fields": {"job": "remind_today", "retry_in": 2.0}})
        try:
            raise RuntimeError("mất kết nối")
        except RuntimeError:
            log.exception("job.failed", extra={"job": "x"})
    finally:
        log.removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["event"] == "job.db_retry" and first["level"] == "warning"
    assert first["job"] == "remind_today" and first["retry_in"] == 2.0
    assert first["logger"] == "loa.test.json" and first["ts"].endswith("+00:00")
    assert second["job"] == "x" and "mất kết nối" in second["exception"]
