"""Request security: who is calling (session or bearer token), CSRF, and response headers."""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, request, session
from sqlalchemy import select

from audio.messages import N_, message
from scheduler.fleet.credentials import TOKEN_PREFIX as AGENT_TOKEN_PREFIX
from scheduler.models import StationAgent
from web.access import Principal
from web.accounts import token_digest
from web.db import db
from web.models import ApiToken, User
from web.problems import ApiProblem

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
TOKEN_TTL = 30.0  # seconds a resolved token is trusted before it is looked up again
CSP = (
    "default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self'; "
    "script-src 'self'; connect-src 'self'; worker-src 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'; object-src 'none'"
)


def principal_of(user: User, via_token: bool = False) -> Principal:
    """The principal for a user row."""
    return Principal(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        unit_id=user.unit_id,
        channel_ids=frozenset(user.channel_ids),
        via_token=via_token,
    )


class TokenCache:
    """Resolved tokens for a short while: the confirmation path must not re-read users each time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[str, tuple[float, Principal]] = {}

    def get(self, digest: str) -> Principal | None:
        with self._lock:
            hit = self._items.get(digest)
        if hit is None or hit[0] < time.monotonic():
            return None
        return hit[1]

    def put(self, digest: str, principal: Principal) -> None:
        with self._lock:
            if len(self._items) > 10_000:
                self._items.clear()
            self._items[digest] = (time.monotonic() + TOKEN_TTL, principal)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def _from_token(header: str) -> Principal:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiProblem(
            401,
            message(N_("Use 'Authorization: Bearer <token>'")),
            "unauthenticated",
        )
    digest = token_digest(token.strip())
    cache: TokenCache = current_app.extensions["loa_tokens"]
    principal = cache.get(digest)
    if principal is not None:
        return principal
    if token.strip().startswith(AGENT_TOKEN_PREFIX):
        principal = _agent_principal(digest)
        cache.put(digest, principal)
        return principal
    row = db().scalar(
        select(ApiToken).where(ApiToken.digest == digest, ApiToken.revoked_at.is_(None))
    )
    if row is None or not row.user.active:
        raise ApiProblem(
            401, message(N_("The access token is unknown or was revoked")), "unauthenticated"
        )
    principal = principal_of(row.user, via_token=True)
    cache.put(digest, principal)
    return principal


def _agent_principal(digest: str) -> Principal:
    """A station agent's credential: bound to its one channel, allowed only the agent API."""
    agent = db().scalar(
        select(StationAgent).where(StationAgent.digest == digest, StationAgent.revoked_at.is_(None))
    )
    if agent is None:
        raise ApiProblem(
            401, message(N_("The access token is unknown or was revoked")), "unauthenticated"
        )
    return Principal(
        user_id=0,
        username=f"agent:{agent.id}",
        display_name=agent.name,
        role="agent",
        channel_ids=frozenset({agent.channel_id}),
        via_token=True,
        agent_id=agent.id,
    )


def _from_session() -> Principal | None:
    uid = session.get("uid")
    if uid is None:
        return None
    user = db().get(User, uid)
    if user is None or not user.active or user.session_stamp != session.get("stamp"):
        session.clear()
        return None
    return principal_of(user)


def safe_next(target: str | None) -> str | None:
    """A same-site path to go to after a form (sign-in, language), else None: no open redirect.

    Browsers drop tabs and line breaks inside URLs and read a backslash as a slash, so
    `/\t/evil.example` would become `//evil.example`: any control character or backslash is
    refused outright, and what is left must be a path with neither scheme nor host.
    """
    if not target or len(target) > 2000 or not target.startswith("/"):
        return None
    if "\\" in target or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return None
    return target


def csrf_token() -> str:
    """The session's CSRF token (created on first use); forms and the page scripts send it."""
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return token


def _check_csrf() -> None:
    sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token") or ""
    expected = session.get("csrf") or ""
    if not expected or not hmac.compare_digest(sent, expected):
        raise ApiProblem(
            400,
            message(N_("The form's security token is missing or wrong; reload the page")),
            "csrf",
        )


def init_security(app: Flask) -> None:
    """Authenticate each request, enforce CSRF on cookie-authenticated changes, add headers."""
    app.extensions["loa_tokens"] = TokenCache()

    @app.before_request
    def _authenticate() -> None:
        g.principal = None
        try:
            header = request.headers.get("Authorization")
            if header:
                g.principal = _from_token(header)
                return  # token clients carry no cookie: CSRF does not apply
            if request.endpoint in ("static", "favicon", "health.healthz"):
                return
            g.principal = _from_session()
        finally:
            # End the read transaction of the lookup: on SQLite it holds the write lock, which
            # would block anything else this request opens (a health check's own connection).
            if "db" in g:
                g.db.rollback()
        # Forms always carry the token; the API needs it only when a session cookie signs in.
        api = request.path.startswith("/api/")
        if request.method in UNSAFE and (g.principal is not None or not api):
            _check_csrf()

    @app.after_request
    def _headers(response: Response) -> Response:
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "same-origin")
        if "Cache-Control" not in h and request.endpoint != "static":
            h["Cache-Control"] = "no-store"
        elif g.get("principal") is not None and response.cache_control.public:
            # What a signed-in user downloads (media, reports) is theirs: no shared cache keeps it.
            response.cache_control.public = False
            response.cache_control.private = True
        return response
