"""The fleet's no-change polls answered before Flask: 304 from the boards of versions.

Thousands of agents ask every minute whether their schedule changed; nearly always it did not.
The board (scheduler.fleet.feed.VersionBoard, rebuilt by two queries at most every
`[agent].poll_cache_seconds`) knows every active agent's credential and every channel's
version, so the 304 is written here without a request context, a per-request database session
or the after-request hooks. Anything else (a changed schedule, an unknown or revoked
credential, the board disabled) goes to the Flask view, which answers the same way. The
emergency poll (every `[agent].emergency_poll_seconds`) is answered the same way from the
board of emergency versions, and so is its changed list, prepared by the board for every
channel an issue reached (scheduler.emergency.feed.EmergencyBoard): the rush of first polls
after an issue does not go through Flask.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from content.db import utcnow
from scheduler.emergency.feed import EmergencyBoard, with_time
from scheduler.fleet.credentials import TOKEN_PREFIX
from scheduler.fleet.feed import VersionBoard
from web.agent_steps import PREFIX as STEP_PREFIX
from web.agent_steps import Answer, take_step

PATH = "/api/v1/agent/schedule"
EMERGENCY_PATH = "/api/v1/agent/emergency"
BEARER = "Bearer " + TOKEN_PREFIX


def board_of(app: Flask) -> VersionBoard:
    """The app's board of versions (one per process)."""
    board: VersionBoard | None = app.extensions.get("loa_agent_versions")
    if board is None:
        board = VersionBoard(app.config["LOA_SETTINGS"].agent.poll_cache_seconds)
        board = app.extensions.setdefault("loa_agent_versions", board)
    return board


def emergency_board_of(app: Flask) -> EmergencyBoard:
    """The app's board of emergency versions (one per process)."""
    board: EmergencyBoard | None = app.extensions.get("loa_emergency_versions")
    if board is None:
        settings = app.config["LOA_SETTINGS"]
        # A warning waits at most a second for the board (the schedule's board may wait longer).
        board = EmergencyBoard(min(settings.agent.poll_cache_seconds, 1.0), settings)
        board = app.extensions.setdefault("loa_emergency_versions", board)
    return board


class AgentPollFastPath:
    """WSGI middleware in front of the app: the agents' conditional GETs and progress steps."""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]], app: Flask) -> None:
        self.wsgi_app = wsgi_app
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        answer = self._fast(environ) if self._ours(environ) else None
        if answer is None:
            return self.wsgi_app(environ, start_response)
        status, headers, content = answer
        start_response(status, headers)
        return [content] if content else []

    @staticmethod
    def _ours(environ: dict[str, Any]) -> bool:
        """An agent's poll (conditional for the schedule) or progress step: worth a fast try."""
        path, method = str(environ.get("PATH_INFO")), environ.get("REQUEST_METHOD")
        if not environ.get("HTTP_AUTHORIZATION", "").startswith(BEARER):
            return False
        if method == "POST":
            return path.startswith(STEP_PREFIX)
        return method == "GET" and (
            path == EMERGENCY_PATH or (path == PATH and "HTTP_IF_NONE_MATCH" in environ)
        )

    def _fast(self, environ: dict[str, Any]) -> Answer | None:
        """The answer without Flask, or None when the view must answer (as it would anyway)."""
        board = board_of(self.app)
        if board.refresh <= 0:
            return None
        now = utcnow()
        opened: list[Session] = []

        def session() -> Session:
            s: Session = self.app.extensions["loa_read_sessions"]()
            opened.append(s)
            return s

        try:
            built = board.current(session, self.app.config["LOA_SETTINGS"], now)
            token = environ["HTTP_AUTHORIZATION"][7:].strip()
            agent = built.agents.get(hashlib.sha256(token.encode()).hexdigest())
            if agent is None:
                return None
            if environ["REQUEST_METHOD"] == "POST":
                return take_step(environ, self.app, agent[1], now)
            if environ["PATH_INFO"] == EMERGENCY_PATH:
                urgent = emergency_board_of(self.app)
                if urgent.refresh <= 0:
                    return None
                versions = urgent.current(session, now)
                return _poll_answer(environ, versions.version(agent[1]), now,
                                    versions.body(agent[1]))  # fmt: skip
            return _poll_answer(environ, built.version(agent[1]), now, None)
        finally:
            for s in opened:
                s.rollback()
                s.close()


def _poll_answer(
    environ: dict[str, Any], version: str, now: dt.datetime, prepared: bytes | None
) -> Answer | None:
    """304 when the sent tag is current; else the prepared list (200), or None for the view."""
    headers = [
        ("ETag", f'"{version}"'),
        ("X-Server-Time", now.isoformat()),
        ("Cache-Control", "no-cache"),
        ("X-Content-Type-Options", "nosniff"),
    ]
    sent = environ.get("HTTP_IF_NONE_MATCH", "")
    if f'"{version}"' in sent or (sent and version in sent):
        return "304 NOT MODIFIED", headers, b""
    if prepared is None:
        return None
    content = with_time(prepared, now)
    headers += [("Content-Type", "application/json"), ("Content-Length", str(len(content)))]
    return "200 OK", headers, content
