"""Issue 18, item 10: sign-in throttling per address and per name, without locking a name out
for everybody: five wrong guesses from one address must not keep the admin out elsewhere."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from sqlalchemy import select

from tests.web.conftest import Browser, World
from web.models import LoginFailure


def _from(app: Flask, address: str) -> Browser:
    b = Browser(app.test_client())
    b.client.environ_base["REMOTE_ADDR"] = address
    return b


def _age_failures(session_factory, seconds: int) -> None:
    with session_factory() as s:
        for row in s.scalars(select(LoginFailure)):
            row.at -= dt.timedelta(seconds=seconds)
        s.commit()


def test_guesses_lock_the_pair_and_only_slow_the_name(app: Flask, world: World, session_factory):
    attacker = _from(app, "203.0.113.9")
    assert [attacker.login("admin", "wrong password!") for _ in range(5)] == [401] * 5
    assert attacker.login("admin") == 429  # the pair is locked for the window
    owner = _from(app, "198.51.100.7")
    r = owner.client.post("/login", data={"username": "admin", "password": "x", "csrf_token": ""})
    assert r.status_code == 400  # (no CSRF token: refused before any guess is counted)
    first = owner.client.get("/login")
    owner.refresh_csrf(first.text)
    r = owner.client.post(
        "/login",
        data={"username": "admin", "password": "correct horse battery", "csrf_token": owner.csrf},
    )
    assert r.status_code == 429 and 0 < int(r.headers["Retry-After"]) <= 60  # a short delay
    _age_failures(session_factory, 5)  # the delay (1 s after five failures) has passed
    assert owner.login("admin") == 302  # the owner signs in from elsewhere
    assert attacker.login("admin") == 429  # the attacker's pair is still locked


def test_the_name_delay_grows_and_is_capped(app: Flask, world: World, session_factory):
    waits = []
    for n in range(12):
        guesser = _from(app, f"192.0.2.{n + 1}")
        code = guesser.login("planner", "wrong password!")
        if code == 429:
            waits.append(n)
        _age_failures(session_factory, 61)  # each guess comes after the longest delay
    assert waits == []  # spaced guesses are slowed, never refused for good
    b = _from(app, "192.0.2.200")
    b.get("/login")
    r = b.client.post(
        "/login", data={"username": "planner", "password": "wrong", "csrf_token": b.csrf}
    )
    assert r.status_code == 401
    r = b.client.post(
        "/login", data={"username": "planner", "password": "wrong", "csrf_token": b.csrf}
    )
    assert r.status_code == 429 and int(r.headers["Retry-After"]) == 60  # capped


def test_a_known_device_skips_the_name_delay(app: Flask, world: World):
    owner = _from(app, "198.51.100.7")
    assert owner.login("supervisor") == 302  # this browser is now known for the name
    owner.post("/logout")
    attacker = _from(app, "203.0.113.9")
    assert [attacker.login("supervisor", "wrong password!") for _ in range(5)] == [401] * 5
    assert owner.login("supervisor") == 302  # no delay for the owner's own browser
    stranger = _from(app, "198.51.100.8")
    assert stranger.login("supervisor") == 429


def test_one_address_guessing_many_names_is_refused(app: Flask, world: World):
    attacker = _from(app, "203.0.113.50")
    codes = [attacker.login(f"name{i}", "wrong password!") for i in range(20)]
    assert codes == [401] * 20
    assert attacker.login("broadcaster") == 429  # the address itself is throttled
    assert _from(app, "203.0.113.51").login("broadcaster") == 302
