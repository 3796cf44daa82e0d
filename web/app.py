"""The Flask application factory: settings, database, security, languages, pages and the API."""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from content.db import make_engine, make_session_factory, read_only_session_factory
from web.agent_poll import AgentPollFastPath
from web.assets import init_assets
from web.db import init_db
from web.i18n import init_i18n
from web.params import init_params
from web.problems import init_errors
from web.security import MAX_BODY, csrf_token, init_security
from web.settings import AppSettings, load_app_settings

log = logging.getLogger("loa.web")


def _secret_key(settings: AppSettings) -> str:
    """LOA_SECRET_KEY, else the key file (created with a random key on first start)."""
    env = os.environ.get("LOA_SECRET_KEY")
    if env:
        return env
    path = Path(settings.resolve_path(settings.web.secret_key_file))
    if path.is_file():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


# Connections opened beyond [database].pool_size when every pooled one is busy (closed after).
POOL_OVERFLOW = 4


def create_app(
    settings: AppSettings | None = None,
    engine: Engine | None = None,
    overrides: dict[str, Any] | None = None,
) -> Flask:
    """Build the web app on the given settings and engine (read config.toml when absent)."""
    settings = settings or load_app_settings()
    engine = engine or make_engine(
        settings.database.url,
        settings.base_dir,
        pool_size=settings.database.pool_size,
        max_overflow=POOL_OVERFLOW,
    )
    overrides = overrides or {}
    app = Flask(__name__)
    app.config.update(
        LOA_SETTINGS=settings,
        SECRET_KEY=overrides.get("SECRET_KEY") or _secret_key(settings),
        SESSION_COOKIE_NAME="loa_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.web.secure_cookies,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=settings.web.session_hours),
        MAX_CONTENT_LENGTH=MAX_BODY,  # upload routes get LOA_MAX_UPLOAD (web.security)
        LOA_MAX_UPLOAD=settings.web.max_upload_mb * 1024 * 1024,
        MAX_FORM_MEMORY_SIZE=MAX_BODY,
        JSON_SORT_KEYS=False,
    )
    app.config.update(overrides)
    app.extensions["loa_engine"] = engine
    init_db(app, make_session_factory(engine), read_only_session_factory(engine))
    init_params(app)
    init_security(app)
    init_i18n(app)
    init_errors(app)
    init_assets(app)
    app.jinja_env.globals["csrf_token"] = csrf_token
    _register_blueprints(app)
    app.wsgi_app = AgentPollFastPath(app.wsgi_app, app)  # type: ignore[method-assign]
    if settings.web.trusted_proxies:
        n = settings.web.trusted_proxies
        # Flask's documented way to wrap the WSGI app; mypy reports assigning to a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n)  # type: ignore[method-assign]
    return app


def _register_blueprints(app: Flask) -> None:
    """Pages and API; other features add one line each here."""
    from web.api import api
    from web.health import bp as health_bp
    from web.media import bp as media_bp
    from web.views.admin import bp as admin_bp
    from web.views.auth import bp as auth_bp
    from web.views.emergency import bp as emergency_bp
    from web.views.home import bp as home_bp
    from web.views.library import bp as library_bp
    from web.views.notices import bp as notices_bp
    from web.views.planner import bp as planner_bp
    from web.views.planner_area import bp as area_bp
    from web.views.planner_grid import bp as grid_bp
    from web.views.reports import bp as reports_bp
    from web.views.speech import bp as speech_bp
    from web.views.station import bp as station_bp
    from web.views.supervisor import bp as supervisor_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(home_bp)
    app.register_blueprint(planner_bp)
    app.register_blueprint(grid_bp)
    app.register_blueprint(area_bp)
    app.register_blueprint(station_bp)
    app.register_blueprint(supervisor_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(media_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(library_bp)
    app.register_blueprint(speech_bp)
    app.register_blueprint(api)
    app.register_blueprint(health_bp)
    app.register_blueprint(notices_bp)
    app.register_blueprint(emergency_bp)
