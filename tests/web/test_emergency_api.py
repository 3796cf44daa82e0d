"""API: issue, read the status, cancel and correct an emergency broadcast; refusals."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from content.models import Programme
from scheduler.emergency.models import EmergencyBroadcast, EmergencyDelivery
from tests import factories as f
from tests.emergency_helpers import with_audio
from tests.web.conftest import World, bearer


def _audio_programme(session_factory: sessionmaker[Session], title: str = "Cảnh báo") -> int:
    with session_factory() as s:
        p = f.programme(s, title=title, priority="emergency")
        with_audio(s, p)
        s.commit()
        return p.id


def test_create_status_cancel(
    app: Flask, world: World, session_factory: sessionmaker[Session]
) -> None:
    client = app.test_client()
    pid = _audio_programme(session_factory)
    body = {"unit": "91", "programme_id": pid, "within_minutes": 10, "title": "Lũ quét",
            "reason": "Mưa lớn", "repeat_times": ["17:00"]}  # fmt: skip
    r = client.post("/api/v1/emergency", json=body, headers=bearer(world, "planner"))
    assert r.status_code == 201, r.json
    doc = r.json
    assert doc["title"] == "Lũ quét" and doc["state"] == "active" and doc["stations"] == 1
    assert doc["counts"]["waiting"] == 1 and doc["items"][0]["channel_id"] == world.channel_a
    bid = doc["id"]
    status = client.get(f"/api/v1/emergency/{bid}", headers=bearer(world, "supervisor"))
    assert status.status_code == 200 and status.json["items"][0]["state"] == "waiting"
    r = client.post(f"/api/v1/emergency/{bid}/cancel", json={"reason": "Hết mưa"},
                    headers=bearer(world, "supervisor"))  # fmt: skip
    assert r.status_code == 200 and r.json["state"] == "cancelled"
    assert r.json["counts"]["cancelled"] == 1
    again = client.post(f"/api/v1/emergency/{bid}/cancel", json={},
                        headers=bearer(world, "planner"))  # fmt: skip
    assert again.status_code == 422 and again.mimetype == "application/problem+json"


def test_scope_and_roles(app: Flask, world: World, session_factory: sessionmaker[Session]) -> None:
    client = app.test_client()
    pid = _audio_programme(session_factory)
    body = {"unit": "92", "programme_id": pid, "within_minutes": 10}
    # a planner of another area: as if the unit did not exist
    assert client.post("/api/v1/emergency", json=body,
                       headers=bearer(world, "planner")).status_code == 404  # fmt: skip
    body["unit"] = "91"
    r = client.post("/api/v1/emergency", json=body, headers=bearer(world, "broadcaster"))
    assert r.status_code == 403 and r.json["code"] == "forbidden"
    with session_factory() as s:
        assert s.scalar(select(EmergencyBroadcast.id)) is None


def test_bad_input_is_a_clear_4xx(
    app: Flask, world: World, session_factory: sessionmaker[Session]
) -> None:
    client = app.test_client()
    pid = _audio_programme(session_factory)
    with session_factory() as s:
        silent = f.programme(s, title="Không có tiếng").id
        s.commit()
    cases = [
        ({"unit": "91", "within_minutes": 10}, 422),  # neither programme nor text
        ({"unit": "91", "programme_id": pid, "within_minutes": 0}, 422),
        ({"unit": "91", "programme_id": silent, "within_minutes": 10}, 422),
        ({"unit": "91", "programme_id": 99999, "within_minutes": 10}, 404),
        ({"unit": "91", "programme_id": pid, "within_minutes": 10, "repeat_times": ["25:99"]}, 422),
        ({"unit": "91", "programme_id": pid, "within_minutes": 10, "until": "later",
          "every_minutes": 30}, 422),
        ({"unit": "91", "programme_id": pid, "within_minutes": 10, "every_minutes": 30,
          "repeat_times": ["17:00"]}, 422),
        ({"unit": "91", "programme_id": pid, "within_minutes": 10, "colour": "red"}, 422),
        ({"unit": "91", "programme_id": pid, "within_minutes": 10,
          "channel_ids": [world.channel_b]}, 422),
    ]  # fmt: skip
    for body, status in cases:
        r = client.post("/api/v1/emergency", json=body, headers=bearer(world, "admin"))
        assert r.status_code == status, (body, r.status_code, r.json)
        assert r.mimetype == "application/problem+json"
    with session_factory() as s:
        assert s.scalar(select(EmergencyBroadcast.id)) is None


def test_correction_from_the_api(
    app: Flask, world: World, session_factory: sessionmaker[Session]
) -> None:
    client = app.test_client()
    first = _audio_programme(session_factory)
    fixed = _audio_programme(session_factory, "Cảnh báo (đính chính)")
    r = client.post("/api/v1/emergency", json={"unit": "91", "programme_id": first,
                                                "within_minutes": 10},
                    headers=bearer(world, "admin"))  # fmt: skip
    bid = r.json["id"]
    r = client.post(f"/api/v1/emergency/{bid}/correction", json={"programme_id": fixed},
                    headers=bearer(world, "planner"))  # fmt: skip
    assert r.status_code == 200 and r.json["programme_id"] == fixed and r.json["version"] == 2
    with session_factory() as s:
        d = s.scalar(select(EmergencyDelivery))
        assert d is not None and d.programme_id == fixed
        assert s.get(Programme, fixed) is not None
