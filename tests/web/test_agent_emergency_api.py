"""The agents' emergency API: the poll (ETag, 304, fast path), step reports, cancel, refusals."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from content.db import utcnow
from content.models import AuditEntry
from scheduler.config import MediaSettings, Settings
from scheduler.emergency.models import EmergencyDelivery
from scheduler.fleet import credentials
from tests.agent_helpers import programme_with_audio
from tests.web.conftest import World, bearer
from web.app import create_app


@pytest.fixture
def media(tmp_path: Path) -> Path:
    return tmp_path / "media"


def _app(engine: Engine, settings: Settings, media: Path, cache: float = 0) -> Flask:
    agent = dataclasses.replace(settings.agent, poll_cache_seconds=cache)
    local = dataclasses.replace(settings, media=MediaSettings(folder=str(media)), agent=agent)
    return create_app(local, engine, {"TESTING": True, "SECRET_KEY": "urgent"})


@dataclasses.dataclass
class Fleet:
    app: Flask
    token_a: str
    token_b: str
    programme: int


@pytest.fixture
def fleet(
    engine: Engine,
    settings: Settings,
    media: Path,
    world: World,
    session_factory: sessionmaker[Session],
) -> Fleet:
    """Agents of channels A and B; an emergency programme with a real rendition."""
    with session_factory() as s:
        prog = programme_with_audio(s, media, 2, "Cảnh báo lũ", 880, priority="emergency")
        _, token_a = credentials.pair(s, world.channel_a, "Máy xã A", "admin")
        _, token_b = credentials.pair(s, world.channel_b, "Máy xã B", "admin")
        s.commit()
        return Fleet(_app(engine, settings, media), token_a, token_b, prog.id)


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def issue(client: FlaskClient, world: World, programme: int, **extra: Any) -> int:
    body = {"unit": "91", "programme_id": programme, "within_minutes": 10, "title": "Lũ quét",
            **extra}  # fmt: skip
    r = client.post("/api/v1/emergency", json=body, headers=bearer(world, "planner"))
    assert r.status_code == 201, r.json
    return int(r.json["id"])


def listed(client: FlaskClient, token: str) -> list[dict[str, Any]]:
    """The agent's live deliveries, as its poll gets them."""
    return list(client.get("/api/v1/agent/emergency", headers=auth(token)).json["deliveries"])


def step(client: FlaskClient, token: str, delivery: int, state: str, **extra: Any) -> Any:
    body = {"state": state, "at": utcnow().isoformat(), **extra}
    return client.post(f"/api/v1/agent/emergency/{delivery}", json=body, headers=auth(token))


def test_poll_lists_deliveries_with_audio_etag_and_304(fleet: Fleet, world: World) -> None:
    client = fleet.app.test_client()
    empty = client.get("/api/v1/agent/emergency", headers=auth(fleet.token_a))
    assert empty.status_code == 200 and empty.json["deliveries"] == []
    assert empty.headers["X-Server-Time"] and empty.headers["ETag"]
    expires = (utcnow() + dt.timedelta(minutes=90)).isoformat()
    bid = issue(client, world, fleet.programme, every_minutes=60, expires_at=expires)
    known = {**auth(fleet.token_a), "If-None-Match": empty.headers["ETag"]}
    r = client.get("/api/v1/agent/emergency", headers=known)
    assert r.status_code == 200 and r.headers["ETag"] != empty.headers["ETag"]
    rows = r.json["deliveries"]
    assert [d["occurrence"] for d in rows] == [0, 1]  # now, and the repeat with its own due time
    first = rows[0]
    assert first["broadcast_id"] == bid and first["state"] == "waiting" and first["version"] == 1
    assert first["title"] == "Lũ quét" and first["programme"]["bytes"] > 0
    due = dt.datetime.fromisoformat(first["due_at"])
    assert dt.datetime.fromisoformat(first["deadline"]) - due == dt.timedelta(minutes=10)
    assert dt.datetime.fromisoformat(rows[1]["due_at"]) > due
    # The audio comes through the renditions endpoint, in scope through the delivery.
    sha = first["programme"]["sha256"]
    with client.get(f"/api/v1/agent/renditions/{sha}", headers=auth(fleet.token_a)) as audio:
        assert audio.status_code == 200 and len(audio.data) == first["programme"]["bytes"]
    with client.get(f"/api/v1/agent/renditions/{sha}", headers=auth(fleet.token_b)) as audio:
        assert audio.status_code == 404  # channel B is outside the area
    poll = {**auth(fleet.token_a), "If-None-Match": r.headers["ETag"]}
    same = client.get("/api/v1/agent/emergency", headers=poll)
    assert same.status_code == 304 and same.data == b"" and same.headers["X-Server-Time"]
    other = client.get("/api/v1/agent/emergency", headers=auth(fleet.token_b))
    assert other.json["deliveries"] == []
    # The agent's own step report leaves its list as it was: the next poll is still a 304 (after
    # an issue, thousands of agents report at once; each would poll its list twice otherwise).
    assert step(client, fleet.token_a, first["id"], "delivered").json["state"] == "delivered"
    again = client.get("/api/v1/agent/emergency", headers=poll)
    assert again.status_code == 304
    # An airing takes the delivery off the list: that changes it.
    assert step(client, fleet.token_a, first["id"], "aired").json["state"] == "aired"
    changed = client.get("/api/v1/agent/emergency", headers=poll)
    assert changed.status_code == 200 and [d["occurrence"] for d in changed.json["deliveries"]] == [
        1
    ]


def test_steps_are_idempotent_and_air_by_the_device(
    fleet: Fleet, world: World, session_factory: sessionmaker[Session]
) -> None:
    client = fleet.app.test_client()
    bid = issue(client, world, fleet.programme)
    delivery = listed(client, fleet.token_a)[0]["id"]
    for state in ("delivered", "playing", "aired"):
        extra = {"seconds": 2.4} if state == "aired" else {}
        r = step(client, fleet.token_a, delivery, state, **extra)
        assert r.status_code == 200 and r.json == {"id": delivery, "state": state}
        assert r.headers["X-Server-Time"]
    for state in ("aired", "playing", "delivered"):  # replays and late steps change nothing
        assert step(client, fleet.token_a, delivery, state).json["state"] == "aired"
    status = client.get(f"/api/v1/emergency/{bid}", headers=bearer(world, "supervisor")).json
    row = status["items"][0]
    assert row["state"] == "aired" and row["aired_via"] == "agent" and row["seconds"] == 2
    assert row["aired_by"] == "Máy xã A"
    with session_factory() as s:
        audits = s.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.action == "emergency.aired")
        )
        assert audits == 1
    # Aired: no longer live for the agent.
    assert listed(client, fleet.token_a) == []


def test_failed_with_a_reason_then_aired(fleet: Fleet, world: World) -> None:
    client = fleet.app.test_client()
    issue(client, world, fleet.programme)
    delivery = listed(client, fleet.token_a)[0]["id"]
    r = step(client, fleet.token_a, delivery, "failed", reason="Loa hỏng")
    assert r.status_code == 200 and r.json["state"] == "failed"
    row = listed(client, fleet.token_a)[0]
    assert row["state"] == "failed"  # still to air: the agent may retry
    assert step(client, fleet.token_a, delivery, "aired", seconds=2).json["state"] == "aired"


def test_a_cancelled_delivery_is_a_409_and_shows_as_cancelled(
    fleet: Fleet, world: World, session_factory: sessionmaker[Session]
) -> None:
    client = fleet.app.test_client()
    bid = issue(client, world, fleet.programme)
    first = client.get("/api/v1/agent/emergency", headers=auth(fleet.token_a))
    delivery = first.json["deliveries"][0]["id"]
    assert step(client, fleet.token_a, delivery, "delivered").status_code == 200
    r = client.post(f"/api/v1/emergency/{bid}/cancel", json={}, headers=bearer(world, "planner"))
    assert r.status_code == 200
    poll = {**auth(fleet.token_a), "If-None-Match": first.headers["ETag"]}
    after = client.get("/api/v1/agent/emergency", headers=poll)
    assert after.status_code == 200
    row = after.json["deliveries"][0]
    assert row["state"] == "cancelled" and row["version"] == 2
    for state in ("playing", "aired", "failed", "delivered"):
        refused = step(client, fleet.token_a, delivery, state, seconds=1)
        assert refused.status_code == 409, state
        assert refused.mimetype == "application/problem+json"
        assert refused.json["code"] == "emergency.delivery.cancelled"
    en = client.post(
        f"/api/v1/agent/emergency/{delivery}",
        headers={**auth(fleet.token_a), "Accept-Language": "en"},
        json={"state": "playing", "at": utcnow().isoformat()},
    )
    assert "cancelled" in en.json["detail"]
    with session_factory() as s:
        assert s.get(EmergencyDelivery, delivery).state == "cancelled"  # type: ignore[union-attr]


def test_a_broadcast_cancelled_while_playing_may_still_report_aired(
    fleet: Fleet, world: World
) -> None:
    client = fleet.app.test_client()
    bid = issue(client, world, fleet.programme)
    delivery = listed(client, fleet.token_a)[0]["id"]
    assert step(client, fleet.token_a, delivery, "playing").status_code == 200
    client.post(f"/api/v1/emergency/{bid}/cancel", json={}, headers=bearer(world, "planner"))
    row = listed(client, fleet.token_a)[0]
    assert row["state"] == "cancelled"  # the broadcast is; the station had started it
    assert step(client, fleet.token_a, delivery, "aired", seconds=2).json["state"] == "aired"


def test_other_channels_and_people_are_refused(fleet: Fleet, world: World) -> None:
    client = fleet.app.test_client()
    issue(client, world, fleet.programme)
    delivery = listed(client, fleet.token_a)[0]["id"]
    other = step(client, fleet.token_b, delivery, "aired", seconds=2)
    assert other.status_code == 404 and other.json["code"] == "not_found"
    assert step(client, fleet.token_a, 10**9, "delivered").status_code == 404
    for role in ("admin", "planner", "broadcaster"):
        assert client.get("/api/v1/agent/emergency", headers=bearer(world, role)).status_code == 403
        r = client.post(f"/api/v1/agent/emergency/{delivery}", headers=bearer(world, role),
                        json={"state": "aired", "at": utcnow().isoformat()})  # fmt: skip
        assert r.status_code == 403
    assert client.get("/api/v1/agent/emergency").status_code == 401
    row = listed(client, fleet.token_a)[0]
    assert row["state"] == "waiting"  # nothing above changed it


def test_hostile_reports_are_clear_4xx(fleet: Fleet, world: World) -> None:
    client = fleet.app.test_client()
    issue(client, world, fleet.programme)
    delivery = listed(client, fleet.token_a)[0]["id"]
    url = f"/api/v1/agent/emergency/{delivery}"
    now = utcnow().isoformat()
    bodies: list[Any] = [
        {"state": "cancelled", "at": now},
        {"state": "aired"},
        {"state": "aired", "at": "2026-01-01T10:00:00"},  # no offset
        {"state": "aired", "at": now, "seconds": -1},
        {"state": "aired", "at": now, "seconds": "30"},
        {"state": "failed", "at": now, "reason": "x" * 5000},
        {"state": "failed", "at": now, "reason": "bad\x00null"},
        {"state": "aired", "at": now, "extra": 1},
        [],
        "aired",
        {"state": None, "at": now},
    ]
    for body in bodies:
        r = client.post(url, json=body, headers=auth(fleet.token_a))
        assert 400 <= r.status_code < 500, (body, r.status_code)
        assert r.mimetype == "application/problem+json"
    raw = client.post(url, data=b"{not json", headers={**auth(fleet.token_a),
                      "Content-Type": "application/json"})  # fmt: skip
    assert raw.status_code == 400
    for path in ("/api/v1/agent/emergency/-1", "/api/v1/agent/emergency/99999999999999999999",
                 "/api/v1/agent/emergency/abc"):  # fmt: skip
        assert client.post(path, json={"state": "aired", "at": now},
                           headers=auth(fleet.token_a)).status_code == 404  # fmt: skip
    odd = client.get("/api/v1/agent/emergency",
                     headers={**auth(fleet.token_a), "If-None-Match": '"x", W/"", *"'})  # fmt: skip
    assert odd.status_code == 200
    row = listed(client, fleet.token_a)[0]
    assert row["state"] == "waiting"


def test_the_emergency_poll_is_answered_from_the_board_and_the_fast_path(
    engine: Engine, settings: Settings, media: Path, fleet: Fleet, world: World
) -> None:
    app = _app(engine, settings, media, cache=1)
    client = app.test_client()
    first = client.get("/api/v1/agent/emergency", headers=auth(fleet.token_a))
    poll = {**auth(fleet.token_a), "If-None-Match": first.headers["ETag"]}
    fast = client.get("/api/v1/agent/emergency", headers=poll)
    assert fast.status_code == 304 and fast.headers["ETag"] == first.headers["ETag"]
    assert fast.headers["X-Server-Time"] and fast.data == b""
    assert "Content-Security-Policy" not in fast.headers  # answered before Flask
    issue(fleet.app.test_client(), world, fleet.programme)
    time.sleep(1.1)  # the board sees the new broadcast at its next build
    fresh = client.get("/api/v1/agent/emergency", headers=poll)
    assert fresh.status_code == 200 and len(fresh.json["deliveries"]) == 1
    wrong = client.get("/api/v1/agent/emergency",
                       headers={**poll, "Authorization": f"Bearer {fleet.token_a}x"})  # fmt: skip
    assert wrong.status_code == 401
    # The board's prepared list is the view's list: same deliveries, the clock first.
    assert "Content-Security-Policy" not in fresh.headers  # the rush is served before Flask
    with fleet.app.test_client() as view:
        listed = view.get("/api/v1/agent/emergency", headers=auth(fleet.token_a)).json
    assert fresh.json["deliveries"] == listed["deliveries"]
    assert fresh.json["version"] == listed["version"] == fresh.headers["ETag"].strip('"')
    assert dt.datetime.fromisoformat(fresh.json["server_time"]).tzinfo is not None


def test_progress_steps_taken_before_flask_and_the_rest_by_the_view(
    engine: Engine,
    settings: Settings,
    media: Path,
    fleet: Fleet,
    world: World,
    session_factory: sessionmaker[Session],
) -> None:
    app = _app(engine, settings, media, cache=30)
    middleware = app.wsgi_app
    inner, to_view = middleware.wsgi_app, []  # type: ignore[attr-defined]

    def counted(environ: dict[str, Any], start: Any) -> Any:
        to_view.append(environ["PATH_INFO"])
        return inner(environ, start)

    middleware.wsgi_app = counted  # type: ignore[attr-defined]
    client = app.test_client()
    bid = issue(client, world, fleet.programme)
    delivery = listed(client, fleet.token_a)[0]["id"]
    url = f"/api/v1/agent/emergency/{delivery}"
    to_view.clear()
    early = (utcnow() - dt.timedelta(seconds=3)).isoformat()
    r = step(client, fleet.token_a, delivery, "delivered", at=early)
    assert r.status_code == 200 and r.json == {"id": delivery, "state": "delivered"}
    assert r.headers["X-Server-Time"] and to_view == []  # one statement, no Flask
    with session_factory() as s:
        d = s.get(EmergencyDelivery, delivery)
        assert d is not None and d.state == "delivered" and d.delivered_at is not None
    # A replay is the view's (it answers the state as it is); so is another station's report.
    assert step(client, fleet.token_a, delivery, "delivered").json["state"] == "delivered"
    assert to_view == [url]
    assert step(client, fleet.token_b, delivery, "playing").status_code == 404
    assert step(client, fleet.token_a, delivery, "playing").json["state"] == "playing"
    assert to_view == [url, url]  # playing after delivered: taken before Flask
    odd = client.post(url, json={"state": "playing", "at": utcnow().isoformat(), "x": 1},
                      headers=auth(fleet.token_a))  # fmt: skip
    assert odd.status_code == 422 and to_view[-1] == url
    # A cancelled broadcast: the progress step is refused by the view (409), nothing moves.
    second = issue(client, world, fleet.programme, title="Lũ quét 2")
    client.post(f"/api/v1/emergency/{second}/cancel", json={}, headers=bearer(world, "planner"))
    with session_factory() as s:
        other = s.scalars(
            select(EmergencyDelivery.id).where(
                EmergencyDelivery.broadcast_id == second,
                EmergencyDelivery.channel_id == world.channel_a,
            )
        ).first()
    assert other is not None
    refused = step(client, fleet.token_a, other, "delivered")
    assert refused.status_code == 409 and refused.json["code"] == "emergency.delivery.cancelled"
    assert bid != second
