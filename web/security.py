"""Request security: who is calling (session or bearer token), CSRF, and response headers."""

from __future__ import annotations

import hmac
import secrets
import threading
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, request, session
from sqlalchemy import select

from audio.messages import N_, message
from scheduler.fleet.credentials import TOKEN_PREFIX as AGENT_TOKEN_PREFIX
from scheduler.models import StationAgent
from web import accounts
from web.access import Principal
from web.accounts import token_digest
from web.db import db
from web.models import ApiToken, User
from web.problems import ApiProblem

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# Every request body but an upload's: forms and JSON are small, and urlencoded forms are read
# whole before anything (the CSRF check) can look at them.
MAX_BODY = 2 * 1024 * 1024
F = TypeVar("F", bound=Callable[..., Any])


def upload_route(view: F) -> F:
    """Mark a view that takes a file upload: its body may be [web] max_upload_mb (files are
    spooled to disk by the multipart parser); every other request stays under MAX_BODY."""
    view.loa_upload = True  # type: ignore[attr-defined]
    return view


def _body_limit(app: Flask) -> None:
    """Set this request's body limit before anything reads the body (CSRF check included)."""
    view = app.view_functions.get(request.endpoint or "")
    if getattr(view, "loa_upload", False):
        request.max_content_length = app.config["LOA_MAX_UPLOAD"]


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
    """Principals of resolved tokens, each valid for one auth_version of its user.

    Nothing here is trusted for a time: every request reads the token's row and its user's
    version (one indexed query), so disabling, revoking or a new password acts at once in every
    process; only building the principal (role, scope, channels) is saved.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[str, tuple[int, Principal]] = {}

    def get(self, digest: str, version: int) -> Principal | None:
        with self._lock:
            hit = self._items.get(digest)
        return hit[1] if hit is not None and hit[0] == version else None

    def put(self, digest: str, version: int, principal: Principal) -> None:
        with self._lock:
            if len(self._items) > 10_000:
                self._items.clear()
            self._items[digest] = (version, principal)

    def clear(self) -> None:
        """Forget every principal (never needed for correctness: versions are read anyway)."""
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
    if token.strip().startswith(AGENT_TOKEN_PREFIX):
        return _agent_principal(digest)  # read each time: a revoked agent stops at once
    s = db()
    live = s.execute(
        select(ApiToken.user_id, User.auth_version)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.digest == digest, ApiToken.revoked_at.is_(None), User.active)
    ).first()
    if live is None:
        raise ApiProblem(
            401, message(N_("The access token is unknown or was revoked")), "unauthenticated"
        )
    cache: TokenCache = current_app.extensions["loa_tokens"]
    principal = cache.get(digest, live.auth_version)
    if principal is None:
        user = s.get(User, live.user_id)
        assert user is not None
        principal = principal_of(user, via_token=True)
        cache.put(digest, live.auth_version, principal)
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
    uid, sid = session.get("uid"), session.get("sid")
    if uid is None:
        return None
    lifetime = current_app.permanent_session_lifetime
    user = accounts.session_user(db(), uid, sid, lifetime) if isinstance(sid, str) else None
    if user is None or user.session_stamp != session.get("stamp"):
        lang = session.get("lang")
        session.clear()
        if lang:
            session["lang"] = lang
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
        _body_limit(app)
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
