"""/healthz and the 503 page: clear answers when the database or the worker is not well."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from sqlalchemy import text

from content.db import make_engine, make_session_factory, utcnow
from scheduler.worker import lease
from web.health import init_health


def _app(engine, settings) -> Flask:
    app = Flask(__name__)
    app.config["LOA_SETTINGS"] = settings
    app.extensions["loa_engine"] = engine
    init_health(app)

    @app.get("/needs-db")
    def needs_db():
        with engine.connect() as conn:
            return str(conn.execute(text("SELECT count(*) FROM airings")).scalar())

    @app.get("/api/v1/needs-db")
    def api_needs_db():
        return needs_db()

    return app


def test_healthz_ok_then_degraded_without_worker(engine, settings, session):
    client = _app(engine, settings).test_client()
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.json["status"] == "degraded"
    assert resp.json["checks"]["worker heartbeat"]["ok"] is False
    lease.beat(session, "host:1", "active", utcnow())
    session.commit()
    resp = client.get("/healthz")
    assert resp.status_code == 200 and resp.json["status"] == "ok"
    lease.beat(session, "host:1", "active", utcnow() - dt.timedelta(hours=1))
    session.commit()
    assert client.get("/healthz").json["status"] == "degraded"


@pytest.fixture
def dead_engine():
    # Nothing listens on port 9 (discard): every connection is refused.
    eng = make_engine("postgresql://loa@127.0.0.1:9/loa", connect_args={"connect_timeout": 2})
    yield eng
    eng.dispose()


def test_database_down_gives_503_page_not_a_trace(dead_engine, settings):
    client = _app(dead_engine, settings).test_client()
    resp = client.get("/needs-db")
    assert resp.status_code == 503
    assert resp.headers["Retry-After"] == "30"
    page = resp.get_data(as_text=True)
    assert "Hệ thống tạm thời không truy cập được cơ sở dữ liệu" in page  # the default language
    assert "database" not in page
    assert "Traceback" not in page and "psycopg" not in page
    api = client.get("/api/v1/needs-db")
    assert api.status_code == 503 and api.content_type == "application/problem+json"
    assert api.json["status"] == 503 and api.json["code"] == "database_unavailable"
    english = client.get("/api/v1/needs-db", headers={"Accept-Language": "en"})
    assert "Loa cannot reach its database" in english.json["detail"]
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json["status"] == "fail"


def test_healthz_reports_old_schema(tmp_path, settings):
    eng = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    make_session_factory(eng)
    resp = _app(eng, settings).test_client().get("/healthz")
    assert resp.status_code == 503
    assert resp.json["checks"]["migrations"]["ok"] is False
