"""The app starts, signs people in, answers problem+json, confirms airings idempotently."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from content.models import AuditEntry
from scheduler.models import Airing
from tests.web.conftest import Browser, World, bearer
from web.api.common import airing_json


def test_pages_need_sign_in(browser: Browser) -> None:
    r = browser.get("/channels")
    assert r.status_code == 302 and r.headers["Location"].startswith("/login")


def _publish_week(session_factory, world: World) -> None:
    """Publish the world's week: broadcasters see published weeks only."""
    from scheduler import schedules

    with session_factory() as s:
        for channel in (world.channel_a, world.channel_b):
            sched = schedules.get_week(s, channel, world.week)
            assert sched is not None
            schedules.publish_week(s, sched.id, "t")
        s.commit()


def test_login_and_channel_list_shows_only_scope(
    browser: Browser, world: World, session_factory
) -> None:
    _publish_week(session_factory, world)
    assert browser.login("broadcaster") == 302
    page = browser.get("/channels").text
    assert "Đài Xã A" in page and "Đài Xã B" not in page
    assert (
        world.week.monday.strftime("%d/%m/%Y") in browser.get(f"/channels?week={world.week}").text
    )


def test_wrong_password_is_refused_and_rate_limited(browser: Browser, world: World) -> None:
    codes = [browser.login("planner", "wrong password!") for _ in range(5)]
    assert codes == [401] * 5
    assert browser.login("planner") == 429  # even the right password waits now


def test_form_without_csrf_is_refused(app: Flask, world: World) -> None:
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    r = client.post("/login", data={"username": "admin", "password": "x" * 12})
    assert r.status_code == 400


def test_security_headers(browser: Browser) -> None:
    r = browser.get("/login")
    assert "default-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    cookie = r.headers.get("Set-Cookie", "")
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_confirmation_is_idempotent(
    app: Flask, published: World, session_factory: sessionmaker[Session]
) -> None:
    world = published
    client = app.test_client()
    body = {"status": "not_aired", "reason_code": "mat_dien"}
    url = f"/api/v1/items/{world.item_a}/confirmation"
    first = client.post(url, json=body, headers=bearer(world, "broadcaster"))
    again = client.post(url, json=body, headers=bearer(world, "broadcaster"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json["id"] == again.json["id"] and first.json["source"] == "api"
    with session_factory() as s:
        n = s.scalar(select(func.count()).where(Airing.scheduled_item_id == world.item_a))
    assert n == 1


def test_confirmation_with_a_known_token_answers_what_was_stored(
    app: Flask, published: World, session_factory: sessionmaker[Session]
) -> None:
    """A cached token leaves the session fresh: on PostgreSQL the one-statement path answers."""
    world = published
    client = app.test_client()
    h = bearer(world, "broadcaster")
    assert client.get("/api/v1/channels", headers=h).status_code == 200  # caches the token
    url = f"/api/v1/items/{world.item_a}/confirmation"
    r = client.post(url, json={"status": "aired"}, headers=h)
    assert r.status_code == 201
    with session_factory() as s:
        stored = s.scalars(select(Airing).where(Airing.scheduled_item_id == world.item_a)).one()
        audited = s.scalar(
            select(func.count()).where(
                AuditEntry.entity_id == stored.id, AuditEntry.entity == "airing"
            )
        )
    assert r.json == airing_json(stored) and audited == 1
    assert client.post(url, json={"status": "aired"}, headers=h).status_code == 200


def test_confirmation_errors_are_problems(app: Flask, world: World) -> None:
    client = app.test_client()
    url = f"/api/v1/items/{world.item_a}/confirmation"
    r = client.post(url, json={"status": "not_aired"}, headers=bearer(world, "broadcaster"))
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    assert r.json["code"] == "airing.reason.missing"
    assert r.json["params"] == {"status": "not_aired"}
    assert r.json["detail"] == "Cần nêu lý do khi trạng thái là 'not_aired'"  # the default: vi
    en = {**bearer(world, "broadcaster"), "Accept-Language": "en-GB,en;q=0.8"}
    r = client.post(url, json={"status": "not_aired"}, headers=en)
    assert r.json["detail"] == "A reason is required when the status is 'not_aired'"
    r = client.post(url, json={"status": "aired"})
    assert r.status_code == 401 and r.mimetype == "application/problem+json"
    r = client.post(url, json={"status": "aired"}, headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401
    other = f"/api/v1/items/{world.item_b}/confirmation"
    r = client.post(other, json={"status": "aired"}, headers=bearer(world, "broadcaster"))
    assert r.status_code == 404


def test_openapi_lists_the_routes(app: Flask) -> None:
    doc = app.test_client().get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.")
    assert "post" in doc["paths"]["/api/v1/items/{item_id}/confirmation"]


def test_password_change_ends_other_sessions(app: Flask, world: World) -> None:
    first, second = Browser(app.test_client()), Browser(app.test_client())
    first.login("planner")
    second.login("planner")
    new = "another long password"
    r = first.post("/password", {"old": "correct horse battery", "new": new, "repeat": new})
    assert r.status_code == 302
    assert first.get("/channels").status_code == 200  # the session that changed it stays
    assert second.get("/channels").status_code == 302  # the other one is signed out
    assert Browser(app.test_client()).login("planner", new) == 302


def test_admin_creates_a_user_and_disabling_stops_tokens(app: Flask, world: World) -> None:
    admin = Browser(app.test_client())
    admin.login("admin")
    r = admin.post(
        "/admin/users",
        {"username": "xa.b", "role": "broadcaster", "channels": str(world.channel_b),
         "password": "a long enough password"},
    )  # fmt: skip
    assert r.status_code == 303
    assert Browser(app.test_client()).login("xa.b", "a long enough password") == 302
    client = app.test_client()
    assert client.get("/api/v1/me", headers=bearer(world, "broadcaster")).status_code == 200
    from sqlalchemy import select as _select

    from web.db import db
    from web.models import User

    with app.app_context():
        uid = db().scalar(_select(User.id).where(User.username == "broadcaster"))
    assert admin.post(f"/admin/users/{uid}/active").status_code == 303
    assert client.get("/api/v1/me", headers=bearer(world, "broadcaster")).status_code == 401


def test_calendar_feed(app: Flask, world: World, session_factory) -> None:
    _publish_week(session_factory, world)
    r = app.test_client().get(
        f"/api/v1/channels/{world.channel_a}/calendar.ics", headers=bearer(world, "broadcaster")
    )
    assert r.status_code == 200 and r.mimetype == "text/calendar"
    text = r.data.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "BEGIN:VEVENT" in text and "Bản tin nông thôn mới" in text.replace("\r\n ", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_server_errors_are_logged_not_shown(
    app: Flask,
    world: World,
    monkeypatch,
    caplog,  # noqa: ANN001
) -> None:
    import web.api.rules as resources

    def boom() -> None:
        raise RuntimeError("secret internals: password=hunter2")

    monkeypatch.setitem(app.view_functions, "api.list_rules", lambda: boom())
    monkeypatch.setitem(app.view_functions, "home.channels", lambda: boom())
    client = app.test_client()
    r = client.get("/api/v1/rules", headers=bearer(world, "admin"))
    assert r.status_code == 500 and r.mimetype == "application/problem+json"
    assert "hunter2" not in r.text and "Traceback" not in r.text
    b = Browser(app.test_client())
    b.login("admin")
    page = b.get("/channels")
    assert page.status_code == 500 and "hunter2" not in page.text
    assert "Lỗi máy chủ" in page.text
    assert "hunter2" in caplog.text  # the details go to the log
    assert resources.list_rules is not None


def test_error_pages_speak_vietnamese(browser: Browser, world: World) -> None:
    """HTTP errors on pages replace werkzeug's stock English text with the page's language."""
    browser.login("supervisor")
    page = browser.get("/no-such-page")
    assert page.status_code == 404
    assert "Không tìm thấy trang này." in page.text and "Page not found" not in page.text
    assert "requested URL was not found" not in page.text
