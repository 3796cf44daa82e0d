"""The fleet's no-change poll answered before Flask: 304 from the board of versions.

Thousands of agents ask every minute whether their schedule changed; nearly always it did not.
When the credential is already resolved (the token cache of web.security, same 30 s as every
token) and the board of versions is fresh, the 304 is written here without a request context,
a database session or the after-request hooks. Anything else (first poll, a changed schedule, an
unknown or revoked credential, a stale board) goes to the Flask view, which answers the same.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask

from content.db import utcnow
from scheduler.fleet.credentials import TOKEN_PREFIX
from scheduler.fleet.feed import VersionBoard

PATH = "/api/v1/agent/schedule"
BEARER = "Bearer " + TOKEN_PREFIX


class AgentPollFastPath:
    """WSGI middleware in front of the app for GET /api/v1/agent/schedule with If-None-Match."""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]], app: Flask) -> None:
        self.wsgi_app = wsgi_app
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if (
            environ.get("PATH_INFO") == PATH
            and environ.get("REQUEST_METHOD") == "GET"
            and "HTTP_IF_NONE_MATCH" in environ
        ):
            answer = self._not_modified(environ)
            if answer is not None:
                start_response("304 NOT MODIFIED", answer)
                return []
        return self.wsgi_app(environ, start_response)

    def _not_modified(self, environ: dict[str, Any]) -> list[tuple[str, str]] | None:
        header = environ.get("HTTP_AUTHORIZATION", "")
        if not header.startswith(BEARER):
            return None
        tokens = self.app.extensions["loa_tokens"]
        principal = tokens.get(hashlib.sha256(header[7:].strip().encode()).hexdigest())
        board: VersionBoard | None = self.app.extensions.get("loa_agent_versions")
        if principal is None or principal.role != "agent" or board is None:
            return None
        settings = self.app.config["LOA_SETTINGS"]
        now = utcnow()
        version = board.fresh_version(settings, next(iter(principal.channel_ids)), now)
        etag = f'"{version}"'
        sent = environ["HTTP_IF_NONE_MATCH"]
        if version is None or (etag not in sent and version not in sent):
            return None
        return [
            ("ETag", etag),
            ("X-Server-Time", now.isoformat()),
            ("Cache-Control", "no-cache"),
            ("X-Content-Type-Options", "nosniff"),
        ]
