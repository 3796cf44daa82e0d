"""/healthz for load balancers and monitors, and a clear 503 page when the database is down."""

from __future__ import annotations

import errno
import logging

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    jsonify,
    render_template_string,
    request,
)
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from audio.messages import N_, Message
from content.db import utcnow
from scheduler.health import check_database, check_migrations, check_worker
from web.catalogue import LANGUAGES, render_in
from web.i18n import lang, translate
from web.problems import title_msgid

bp = Blueprint("health", __name__)
log = logging.getLogger("loa.web")
RETRY_AFTER = "30"

PAGE = """<!doctype html>
<html lang="{{ language }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Loa – {{ title }}</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;
line-height:1.5}h1{font-size:1.4rem}</style></head>
<body><h1>{{ title }}</h1><p>{{ text }}</p></body></html>"""
UNAVAILABLE_TITLE = N_("The system cannot reach its database for the moment")
UNAVAILABLE = N_(
    "Loa cannot reach its database. Nothing saved before is lost. Please try again in a few"
    " minutes; if you were confirming a broadcast, send it again: a repeat never creates a"
    " duplicate."
)
DISK_FULL_TITLE = N_("The server's disk is full")
DISK_FULL = N_(
    "The server's disk is full: nothing was saved and earlier data is intact. Ask the"
    " administrator to free some space, then try again."
)
INTERNAL = N_("Server error; it was logged.")


def _page(title: str, text: str) -> Response:
    """A page without the database: no user, no menu, in the language of the session."""
    html = render_template_string(PAGE, title=_t(title), text=_t(text), language=_language())
    return Response(html, mimetype="text/html")


def _language() -> str:
    if "babel" in current_app.extensions:
        return lang()
    best = request.accept_languages.best_match(LANGUAGES) if _wants_json() else None
    if best:
        return str(best)
    settings = current_app.config.get("LOA_SETTINGS")
    return settings.locale.language if settings else "vi"


def _t(msgid: str) -> str:
    """The text in the reader's language (also in an app without Flask-Babel, e.g. a probe)."""
    if "babel" in current_app.extensions:
        return translate(Message(msgid))
    return render_in(Message(msgid), _language())


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return request.path.startswith("/api/") or best == "application/json"


@bp.app_errorhandler(OperationalError)
@bp.app_errorhandler(PoolTimeout)
def database_unavailable(exc: Exception) -> Response:
    """Answer 503 with a clear message (never a stack trace) when the database is down."""
    if "disk is full" in str(exc).lower():  # SQLite on a full disk: say so, not "unreachable"
        return disk_full(OSError(errno.ENOSPC, str(exc)))
    log.error(
        "web.database_unavailable",
        extra={"fields": {"path": request.path, "error": str(exc).splitlines()[0][:300]}},
    )
    if _wants_json():
        resp = jsonify(
            type="about:blank",
            title=_t(title_msgid(503)),
            status=503,
            detail=_t(UNAVAILABLE),
            code="database_unavailable",
        )
        resp.content_type = "application/problem+json"
    else:
        resp = _page(UNAVAILABLE_TITLE, UNAVAILABLE)
    resp.status_code = 503
    resp.headers["Retry-After"] = RETRY_AFTER
    return resp


@bp.app_errorhandler(OSError)
def disk_full(exc: OSError) -> Response:
    """A full disk (ENOSPC, quota) gives 507 and a clear message; other OS errors a plain 500."""
    full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
    status = 507 if full else 500
    detail = _t(DISK_FULL if full else INTERNAL)
    if full:
        log.error("web.disk_full", extra={"fields": {"path": request.path, "error": str(exc)}})
    else:
        log.exception("unhandled error on %s %s", request.method, request.path)
    if _wants_json():
        resp = jsonify(
            type="about:blank",
            title=_t(title_msgid(status)),
            status=status,
            detail=detail,
            code="disk_full" if full else "internal",
        )
        resp.content_type = "application/problem+json"
    else:
        resp = _page(DISK_FULL_TITLE if full else N_("Error"), DISK_FULL if full else INTERNAL)
    resp.status_code = status
    return resp


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 when the database answers and the schema is current (worker lag only degrades)."""
    engine = current_app.extensions["loa_engine"]
    settings = current_app.config["LOA_SETTINGS"]
    request_session = g.get("db")
    if request_session is not None:
        # SQLite: the sign-in lookup's transaction holds the write lock; the checks below open
        # their own connections and would wait on it.
        request_session.rollback()
    checks = [check_database(engine)]
    if checks[0].ok:
        checks += [check_migrations(engine), check_worker(engine, settings, utcnow())]
    essential_ok = all(c.ok for c in checks if c.name != "worker heartbeat")
    status = "ok" if all(c.ok for c in checks) else ("degraded" if essential_ok else "fail")
    body = {
        "status": status,
        "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in checks},
    }
    resp = jsonify(body)
    resp.headers["Cache-Control"] = "no-store"
    return resp, 200 if essential_ok else 503


def init_health(app: Flask) -> None:
    """Register the blueprint (the app factory calls this once)."""
    app.register_blueprint(bp)
