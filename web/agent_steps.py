"""The agents' progress reports (delivered, playing) taken before Flask, in one statement.

After an issue every agent of the area reports within seconds: through the Flask view each
report costs several statements and the request machinery, and the reports then queue ahead of
the polls that carry the broadcast to the agents still waiting (bench/emergency.py). A plain
transition (scheduler.emergency.airing.advance) is taken here, the credential resolved on the
poll board by web.agent_poll; anything else (another step, a replay, a refusal, an odd body)
goes to the view unchanged, which answers it as before.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

from flask import Flask

from content.db import utcnow
from scheduler.emergency.airing import PROGRESS_STEPS, advance
from web.params import to_id

Answer = tuple[str, list[tuple[str, str]], bytes]

PREFIX = "/api/v1/agent/emergency/"
MAX_BYTES = 1024


def _body(environ: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON body {state, at} of a progress step, read once and put back for the view."""
    if not str(environ.get("CONTENT_TYPE", "")).startswith("application/json"):
        return None
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if not 0 < length <= MAX_BYTES:
        return None
    raw = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(raw)  # the view reads it again if this path declines
    environ["CONTENT_LENGTH"] = str(len(raw))
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(body, dict) or set(body) != {"state", "at"}:
        return None
    return body if body["state"] in PROGRESS_STEPS and isinstance(body["at"], str) else None


def _moment(text: str) -> dt.datetime | None:
    """An RFC 3339 time with its offset, or None (the view explains what is wrong)."""
    try:
        at = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return at if at.tzinfo is not None else None


def take_step(
    environ: dict[str, Any], app: Flask, channel_id: int, now: dt.datetime
) -> Answer | None:
    """200 {id, state} when the report was a plain transition, else None (to the view).

    The caller (web.agent_poll) has resolved the agent's credential to its channel.
    """
    delivery_id = to_id(environ["PATH_INFO"][len(PREFIX) :])
    body = _body(environ) if delivery_id is not None else None
    at = _moment(body["at"]) if body is not None else None
    if delivery_id is None or body is None or at is None:
        return None
    with app.extensions["loa_sessions"]() as session:
        if not advance(session, delivery_id, channel_id, body["state"], at, now):
            session.rollback()
            return None
        session.commit()
    content = json.dumps({"id": delivery_id, "state": body["state"]}).encode()
    return (
        "200 OK",
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(content))),
            ("X-Server-Time", utcnow().isoformat()),
            ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
        ],
        content,
    )
