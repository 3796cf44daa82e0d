"""Web fixtures: an app on the test database and a small world of two provinces and four roles."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from content.db import utcnow
from scheduler import schedules
from scheduler.config import Settings
from scheduler.models import Channel, ScheduledItem
from scheduler.periods import Week, local_date_of
from tests import factories as f
from web import accounts
from web.app import create_app

PASSWORD = "correct horse battery"


@dataclass
class World:
    """Ids of what the tests act on: an area in scope (A) and one out of scope (B)."""

    province_a: int = 0
    province_b: int = 0
    commune_a: int = 0
    commune_b: int = 0
    channel_a: int = 0
    channel_b: int = 0
    programme: int = 0
    item_a: int = 0  # a past item on channel A
    item_b: int = 0  # a past item on channel B
    slot_a: int = 0
    week: Week = field(default_factory=lambda: Week(2026, 1))
    tokens: dict[str, str] = field(default_factory=dict)


def build_world(session: Session, settings: Settings) -> World:
    """Two provinces with a commune station each, a programme, last week's schedule, users."""
    w = World()
    pa = f.unit(session, "Tỉnh A", level="province", code="91")
    pb = f.unit(session, "Tỉnh B", level="province", code="92")
    ca = f.unit(session, "Xã A", parent=pa, code="91001")
    cb = f.unit(session, "Xã B", parent=pb, code="92001")
    chans: list[Channel] = []
    for commune in (ca, cb):
        ch = f.channel(session, commune, active_from=dt.date(2025, 1, 1))
        f.pattern(session, ch, weekdays="1234567", start=dt.time(6, 0), minutes=30)
        chans.append(ch)
    prog = f.programme(session, seconds=600)
    today = local_date_of(utcnow(), settings.zone)
    last = Week.of(today).shift(-1)
    items: list[ScheduledItem] = []
    slots = []
    for ch in chans:
        sched = schedules.materialise_week(session, settings, ch.id, last, "test")
        slot = sched.slots[0]
        items.append(schedules.add_item(session, slot.id, prog.id, "test"))
        slots.append(slot)
    w.province_a, w.province_b, w.commune_a, w.commune_b = pa.id, pb.id, ca.id, cb.id
    w.channel_a, w.channel_b = chans[0].id, chans[1].id
    w.programme, w.item_a, w.item_b, w.slot_a = prog.id, items[0].id, items[1].id, slots[0].id
    w.week = last
    users = {
        "admin": accounts.create_user(session, "admin", PASSWORD, "admin", "t"),
        "planner": accounts.create_user(
            session, "planner", PASSWORD, "planner", "t", unit_id=pa.id
        ),
        "supervisor": accounts.create_user(
            session, "supervisor", PASSWORD, "supervisor", "t", unit_id=pa.id
        ),
        "broadcaster": accounts.create_user(
            session, "broadcaster", PASSWORD, "broadcaster", "t", channel_ids=[chans[0].id]
        ),
    }
    for role, user in users.items():
        w.tokens[role] = accounts.issue_token(session, user, "test", "t")
    session.commit()
    return w


@pytest.fixture(autouse=True, scope="session")
def _cheap_hashes() -> Iterator[None]:
    """Fast password hashes in tests (production keeps scrypt)."""
    old = accounts.PASSWORD_METHOD
    accounts.PASSWORD_METHOD = "pbkdf2:sha256:1000"
    yield
    accounts.PASSWORD_METHOD = old


@pytest.fixture
def app(engine: Engine, settings: Settings) -> Flask:
    """The web app on the test database."""
    return create_app(settings, engine, {"TESTING": True, "SECRET_KEY": "test-secret"})


@pytest.fixture
def world(session_factory: sessionmaker[Session], settings: Settings) -> World:
    """The committed test world."""
    with session_factory() as s:
        return build_world(s, settings)


class Browser:
    """A test client over HTTPS that signs in through the form, like a person."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        client.environ_base["wsgi.url_scheme"] = "https"
        self.csrf = ""

    def refresh_csrf(self, html: str) -> None:
        m = re.search(r'name="csrf_token" value="([^"]+)"', html)
        if m:
            self.csrf = m.group(1)

    def login(self, username: str, password: str = PASSWORD) -> int:
        page = self.client.get("/login")
        self.refresh_csrf(page.text)
        r = self.client.post(
            "/login", data={"username": username, "password": password, "csrf_token": self.csrf}
        )
        if r.status_code == 302:
            self.get("/password")  # the session was renewed: pick up its CSRF token
        return r.status_code

    def get(self, url: str, **kw):  # noqa: ANN201
        r = self.client.get(url, **kw)
        self.refresh_csrf(r.text if r.mimetype == "text/html" else "")
        return r

    def post(self, url: str, data: dict | None = None, **kw):  # noqa: ANN201
        return self.client.post(url, data={**(data or {}), "csrf_token": self.csrf}, **kw)


@pytest.fixture
def published(world: World, session_factory: sessionmaker[Session]) -> World:
    """The world with its weeks published: broadcasters confirm only what was published."""
    from scheduler import schedules

    with session_factory() as s:
        for channel in (world.channel_a, world.channel_b):
            sched = schedules.get_week(s, channel, world.week)
            assert sched is not None
            schedules.publish_week(s, sched.id, "test")
        s.commit()
    return world


@pytest.fixture
def browser(app: Flask) -> Iterator[Browser]:
    """A signed-out browser."""
    with app.test_client() as client:
        yield Browser(client)


def bearer(world: World, role: str) -> dict[str, str]:
    """Authorization header of a role's token."""
    return {"Authorization": f"Bearer {world.tokens[role]}"}
