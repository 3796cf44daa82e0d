"""Issue 18, item 2: disabling a user, revoking a token, a new password and signing out act at
once, in every process (two gunicorn workers included); admins list and revoke tokens."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import PG_URL
from tests.process_helpers import PrivateDatabase, wait_for
from tests.web.conftest import PASSWORD, Browser, World, build_world
from web import accounts
from web.cli import main
from web.models import ApiToken, User


def _user(s: Session, name: str) -> User:
    user = s.scalar(select(User).where(User.username == name))
    assert user is not None
    return user


def _me(app: Flask, token: str) -> int:
    with app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}) as r:
        return r.status_code


def test_disabling_a_user_stops_token_and_session_at_once(app, world, session_factory):
    b = Browser(app.test_client())
    assert b.login("broadcaster") == 302
    assert _me(app, world.tokens["broadcaster"]) == 200  # the principal is now cached
    admin = Browser(app.test_client())
    admin.login("admin")
    with session_factory() as s:
        uid = _user(s, "broadcaster").id
    assert admin.post(f"/admin/users/{uid}/active").status_code == 303
    assert _me(app, world.tokens["broadcaster"]) == 401
    assert b.client.get("/station/").status_code == 302  # signed out


def test_a_scope_change_reaches_cached_tokens_at_once(app, world, session_factory):
    token = {"Authorization": f"Bearer {world.tokens['broadcaster']}"}
    with app.test_client().get(f"/api/v1/channels/{world.channel_b}", headers=token) as r:
        assert r.status_code == 404
    with session_factory() as s:  # another process changes the scope: no cache is told
        from web.account_scope import update_scope

        user = _user(s, "broadcaster")
        update_scope(s, user, "t", role="broadcaster", unit_id=None, channel_ids=[world.channel_b])
        s.commit()
    with app.test_client().get(f"/api/v1/channels/{world.channel_b}", headers=token) as r:
        assert r.status_code == 200


def test_admin_lists_and_revokes_tokens(app, world, session_factory):
    assert _me(app, world.tokens["planner"]) == 200
    admin = Browser(app.test_client())
    admin.login("admin")
    with session_factory() as s:
        uid = _user(s, "planner").id
        tid = s.scalar(select(ApiToken.id).where(ApiToken.user_id == uid))
    page = admin.get(f"/admin/users/{uid}")
    assert f"/admin/users/{uid}/tokens/{tid}/revoke" in page.text
    assert admin.post(f"/admin/users/{uid}/tokens/{tid}/revoke").status_code == 303
    assert _me(app, world.tokens["planner"]) == 401
    assert f"/tokens/{tid}/revoke" not in admin.get(f"/admin/users/{uid}").text
    # another user's token id under this user: not found, nothing revoked
    with session_factory() as s:
        other = s.scalar(select(ApiToken.id).where(ApiToken.user_id == _user(s, "supervisor").id))
    assert admin.post(f"/admin/users/{uid}/tokens/{other}/revoke").status_code == 303
    assert _me(app, world.tokens["supervisor"]) == 200


def test_cli_lists_and_revokes_tokens(app, world, engine, monkeypatch, session_factory):
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name == "postgresql":  # the test's private schema, reached by URL
        with engine.connect() as conn:
            schema = conn.execute(text("SELECT current_schema()")).scalar_one()
        url = f"{url}?options={quote(f'-csearch_path={schema}')}"
    monkeypatch.setenv("LOA_DATABASE_URL", url)
    runner = CliRunner()
    listed = runner.invoke(main, ["--lang", "en", "users", "token", "supervisor", "--list"])
    assert listed.exit_code == 0 and "in use" in listed.output, listed.output
    tid = int(listed.output.split()[0])
    revoked = runner.invoke(
        main, ["--lang", "en", "users", "token", "supervisor", "--revoke", str(tid)]
    )
    assert revoked.exit_code == 0 and f"Token {tid} revoked" in revoked.output, revoked.output
    assert _me(app, world.tokens["supervisor"]) == 401
    again = runner.invoke(main, ["--lang", "en", "users", "token", "supervisor", "--list"])
    assert "revoked" in again.output
    missing = runner.invoke(
        main, ["--lang", "en", "users", "token", "planner", "--revoke", str(tid)]
    )
    assert missing.exit_code != 0 and "has no token" in missing.output


def test_a_new_password_ends_tokens_and_other_sessions(app, world):
    other = Browser(app.test_client())
    assert other.login("planner") == 302
    me = Browser(app.test_client())
    assert me.login("planner") == 302
    r = me.post("/password", {"old": PASSWORD, "new": PASSWORD + "2", "repeat": PASSWORD + "2"})
    assert r.status_code == 302
    assert me.client.get("/plan").status_code == 200  # this browser stays signed in
    assert other.client.get("/plan").status_code == 302  # the other one is signed out
    assert _me(app, world.tokens["planner"]) == 401


def test_signing_out_ends_the_session_on_the_server(app, world):
    b = Browser(app.test_client())
    assert b.login("planner") == 302
    saved = b.client.get_cookie("loa_session")
    assert saved is not None
    assert b.post("/logout").status_code == 302
    thief = app.test_client()
    thief.environ_base["wsgi.url_scheme"] = "https"
    thief.set_cookie("loa_session", saved.value)
    assert thief.get("/plan").status_code == 302  # the saved cookie no longer signs in


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _call(port: int, token: str, method: str = "GET", path: str = "/api/v1/me",
          body: dict | None = None) -> int:  # fmt: skip
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=data, method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                 "Connection": "close"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:  # not listening yet
        return 0


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_disabled_token_stops_at_once_under_two_gunicorn_workers(tmp_path: Path, settings, backend):
    if backend == "postgresql" and not PG_URL:
        pytest.skip("LOA_TEST_DATABASE_URL is not set")
    database = PrivateDatabase(backend, tmp_path)
    factory = sessionmaker(database.engine, expire_on_commit=False)
    with factory() as s:
        world: World = build_world(s, settings)
    token = world.tokens["broadcaster"]
    port = _free_port()
    env = {**os.environ, "LOA_DATABASE_URL": database.url, "LOA_SECRET_KEY": "two-workers",
           "LOA_LANG": "en"}  # fmt: skip
    env.pop("LOA_CONFIG", None)
    log = tmp_path / "serve.log"
    loa = Path(sys.executable).with_name("loa")
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(loa), "serve", "--port", str(port), "--workers", "2", "--threads", "2"],
            stdout=out, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
    try:
        wait_for(lambda: _call(port, token) == 200, 90, "loa serve to answer")
        warm = [_call(port, token) for _ in range(12)]  # both workers resolve (and cache) it
        assert warm == [200] * 12
        with factory() as s:
            accounts.set_active(s, _user(s, "broadcaster"), False, "t")
            s.commit()
        after = [_call(port, token) for _ in range(12)]
        confirm = _call(port, token, "POST", f"/api/v1/items/{world.item_a}/confirmation",
                        {"status": "aired"})  # fmt: skip
        assert after == [401] * 12 and confirm == 401, log.read_text()[-2000:]
        with factory() as s:
            from scheduler.models import Airing

            assert s.scalars(select(Airing)).all() == []
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        database.drop()
    assert "2 worker processes" in log.read_text()


def test_expired_sessions_are_swept_at_the_next_sign_in(app, world, session_factory):
    import datetime as dt

    from web.models import WebSession

    old = Browser(app.test_client())
    assert old.login("planner") == 302
    with session_factory() as s:
        for row in s.scalars(select(WebSession)):
            row.created_at -= dt.timedelta(hours=13)  # older than [web] session_hours
        s.commit()
    assert old.client.get("/plan").status_code == 302  # expired: signed out
    assert Browser(app.test_client()).login("supervisor") == 302
    with session_factory() as s:
        assert [r.user_id for r in s.scalars(select(WebSession))] == [_user(s, "supervisor").id]
