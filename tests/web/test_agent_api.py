"""The station agent's API: pairing, the schedule with ETag/304, renditions, as-run, evidence."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import time
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from content.db import make_session_factory, utcnow
from scheduler.config import AgentSettings, MediaSettings, Settings
from scheduler.fleet import credentials, evidence
from scheduler.models import Airing, PlayoutRecord, StationAgent
from tests.agent_helpers import programme_with_audio, slot_at, soon
from tests.conftest import _SqliteTemplate
from tests.web.conftest import World, bearer, build_world
from web.app import create_app
from web.cli import main


@pytest.fixture
def media(tmp_path: Path) -> Path:
    return tmp_path / "media"


@pytest.fixture
def agent_app(engine: Engine, settings: Settings, media: Path) -> Flask:
    local = dataclasses.replace(
        settings,
        media=MediaSettings(folder=str(media)),
        agent=dataclasses.replace(settings.agent, poll_cache_seconds=0),
    )
    return create_app(local, engine, {"TESTING": True, "SECRET_KEY": "agent"})


@dataclasses.dataclass
class Station:
    token: str
    agent_id: int
    items: list[int]  # a slot that started ten minutes ago
    ahead: list[int]  # the same programmes in a slot an hour ahead
    shas: list[str]


@pytest.fixture
def station(
    world: World, session_factory: sessionmaker[Session], settings: Settings, media: Path
) -> Station:
    """Channel A's agent, and a published slot of today on channel A with two tone programmes."""
    with session_factory() as s:
        progs = [
            programme_with_audio(s, media, 2, "Tin sáng", 440),
            programme_with_audio(s, media, 3, "Thông báo", 660),
        ]
        ids = [p.id for p in progs]
        _, items = slot_at(s, settings, world.channel_a, soon(-600), ids)
        _, ahead = slot_at(s, settings, world.channel_a, soon(3600), ids)
        agent, token = credentials.pair(s, world.channel_a, "Máy xã A", "admin")
        s.commit()
        shas = [
            hashlib.sha256((media / f"renditions/test/{p.id}-{hz}.mp3").read_bytes()).hexdigest()
            for p, hz in zip(progs, (440, 660), strict=True)
        ]
        return Station(token, agent.id, [i.id for i in items], [i.id for i in ahead], shas)


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_schedule_has_etag_server_time_and_answers_304(
    agent_app: Flask, station: Station, session_factory: sessionmaker[Session], world: World
) -> None:
    client = agent_app.test_client()
    r = client.get("/api/v1/agent/schedule", headers=auth(station.token))
    assert r.status_code == 200, r.json
    assert r.headers["ETag"] and r.headers["X-Server-Time"]
    body = r.json
    server = dt.datetime.fromisoformat(body["server_time"])
    assert abs((server - utcnow()).total_seconds()) < 5
    items = [i for s in body["slots"] for i in s["items"]]
    assert [i["id"] for i in items][-2:] == station.ahead
    assert [i["sha256"] for i in items][-2:] == station.shas
    assert items[-1]["offset_ms"] == 2000 + 1000  # first programme plus the gap
    again = client.get(
        "/api/v1/agent/schedule",
        headers={**auth(station.token), "If-None-Match": r.headers["ETag"]},
    )
    assert again.status_code == 304 and again.data == b""
    assert again.headers["X-Server-Time"]
    # An amendment after publish changes the version: the next poll gets the new schedule.
    with session_factory() as s:
        from scheduler import schedules

        schedules.remove_item(s, station.ahead[1], "planner")
        s.commit()
    changed = client.get(
        "/api/v1/agent/schedule",
        headers={**auth(station.token), "If-None-Match": r.headers["ETag"]},
    )
    assert changed.status_code == 200
    assert station.ahead[1] not in [i["id"] for s in changed.json["slots"] for i in s["items"]]


def test_people_tokens_are_refused_and_agents_reach_nothing_else(
    agent_app: Flask, station: Station, world: World
) -> None:
    client = agent_app.test_client()
    for role in ("admin", "planner", "broadcaster"):
        assert client.get("/api/v1/agent/schedule", headers=bearer(world, role)).status_code == 403
    ours = auth(station.token)
    assert client.get(f"/api/v1/channels/{world.channel_a}", headers=ours).status_code == 403
    assert (
        client.get(f"/api/v1/channels/{world.channel_b}/schedule", headers=ours).status_code == 403
    )
    assert client.get("/api/v1/agent/schedule", headers=auth("loa_agent_nope")).status_code == 401


def test_rendition_by_hash_with_etag_range_and_accel(
    agent_app: Flask, station: Station, engine: Engine, settings: Settings, media: Path
) -> None:
    client = agent_app.test_client()
    url = f"/api/v1/agent/renditions/{station.shas[0]}"
    full = client.get(url, headers=auth(station.token))
    assert full.status_code == 200 and full.mimetype == "audio/mpeg"
    assert hashlib.sha256(full.data).hexdigest() == station.shas[0]
    assert station.shas[0] in full.headers["ETag"]
    part = client.get(url, headers={**auth(station.token), "Range": "bytes=100-"})
    assert part.status_code == 206 and part.data == full.data[100:]
    same = client.get(url, headers={**auth(station.token), "If-None-Match": full.headers["ETag"]})
    assert same.status_code == 304
    assert (
        client.get(f"/api/v1/agent/renditions/{'0' * 64}", headers=auth(station.token)).status_code
        == 404
    )
    accel = dataclasses.replace(
        settings,
        media=MediaSettings(folder=str(media)),
        agent=AgentSettings(accel_redirect_prefix="/protected-media/"),
    )
    behind_nginx = create_app(accel, engine, {"TESTING": True, "SECRET_KEY": "x"}).test_client()
    r = behind_nginx.get(url, headers=auth(station.token))
    assert r.status_code == 200 and r.data == b""
    assert r.headers["X-Accel-Redirect"].startswith("/protected-media/renditions/")
    assert station.shas[0] in r.headers["ETag"]


def _event(
    item: int,
    status: str = "aired",
    seconds: float = 2.0,
    offset: float = 0.0,
    start: dt.datetime | None = None,
) -> dict:
    start = start or utcnow() - dt.timedelta(minutes=1)
    return {
        "event_id": uuid.uuid4().hex,
        "item_id": item,
        "status": status,
        "started_at": start.isoformat(),
        "device_started_at": (start - dt.timedelta(seconds=offset)).isoformat(),
        "seconds_played": seconds,
        "sha256": "a" * 64,
        "clock_offset_seconds": offset,
    }


def _past(factory: sessionmaker[Session], item: int) -> dict:
    """An as-run event of a past item, started in its slot (an actual start lies near it)."""
    from scheduler.models import ScheduledItem

    with factory() as s:
        found = s.get(ScheduledItem, item)
        assert found is not None
        start = found.slot.starts_at + dt.timedelta(minutes=1)
    return _event(item, start=start)


def _airings(factory: sessionmaker[Session], item: int) -> list[Airing]:
    with factory() as s:
        return list(s.scalars(select(Airing).where(Airing.scheduled_item_id == item)))


def test_asrun_is_idempotent_and_becomes_playout_airings(
    agent_app: Flask, station: Station, session_factory: sessionmaker[Session]
) -> None:
    client = agent_app.test_client()
    events = [_event(station.items[0]), _event(station.items[1], "partial", 1.4, offset=-600)]
    r = client.post("/api/v1/agent/asrun", json={"events": events}, headers=auth(station.token))
    assert r.status_code == 200, r.json
    assert [x["result"] for x in r.json["results"]] == ["accepted", "accepted"]
    assert r.json["results"][1]["skew_flagged"] is True
    again = client.post("/api/v1/agent/asrun", json={"events": events}, headers=auth(station.token))
    assert [x["result"] for x in again.json["results"]] == ["duplicate", "duplicate"]
    first, second = (
        _airings(session_factory, station.items[0]),
        _airings(session_factory, station.items[1]),
    )
    assert len(first) == len(second) == 1
    assert first[0].source == "playout" and first[0].status == "aired"
    assert second[0].status == "partial" and second[0].duration_seconds == 1
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(PlayoutRecord)) == 2


def test_asrun_rejects_another_channels_item(
    agent_app: Flask, station: Station, world: World, session_factory: sessionmaker[Session]
) -> None:
    client = agent_app.test_client()
    r = client.post(
        "/api/v1/agent/asrun", json={"events": [_event(world.item_b)]}, headers=auth(station.token)
    )
    assert r.json["results"][0]["result"] == "rejected"
    assert _airings(session_factory, world.item_b) == []


def test_person_and_device_disagreeing_are_both_kept(
    agent_app: Flask,
    station: Station,
    world: World,
    published: World,
    session_factory: sessionmaker[Session],
) -> None:
    client = agent_app.test_client()
    # The device first, then a person says "not aired": the person's word is the airing, the
    # device's record stays, and the disagreement is reported.
    client.post("/api/v1/agent/asrun", json={"events": [_past(session_factory, world.item_a)]},
                headers=auth(station.token))  # fmt: skip
    # world.item_a belongs to channel A (last week): the agent of channel A may report it.
    assert _airings(session_factory, world.item_a)[0].source == "playout"
    r = client.post(
        f"/api/v1/items/{world.item_a}/confirmation",
        json={"status": "not_aired", "reason_code": "mat_dien"},
        headers=bearer(world, "broadcaster"),
    )
    assert r.status_code in (200, 201), r.json
    with session_factory() as s:
        ev = evidence.evidence_for(s, [world.item_a])[world.item_a]
        assert (ev.person_status, ev.device_status) == ("not_aired", "aired")
        assert ev.disagree and ev.vouched_by == "both"
        assert [d.item_id for d in evidence.disagreements(s, [world.channel_a])] == [world.item_a]
        records = list(s.scalars(select(PlayoutRecord)))
        assert len(records) == 1 and records[0].status == "aired"


def test_device_does_not_overwrite_a_person(
    agent_app: Flask,
    station: Station,
    world: World,
    published: World,
    session_factory: sessionmaker[Session],
) -> None:
    client = agent_app.test_client()
    client.post(f"/api/v1/items/{world.item_a}/confirmation",
                json={"status": "not_aired", "reason_code": "mat_dien"},
                headers=bearer(world, "broadcaster"))  # fmt: skip
    r = client.post("/api/v1/agent/asrun", json={"events": [_past(session_factory, world.item_a)]},
                    headers=auth(station.token))  # fmt: skip
    assert r.json["results"][0]["result"] == "accepted"
    airing = _airings(session_factory, world.item_a)[0]
    assert (airing.status, airing.source) == ("not_aired", "api")
    with session_factory() as s:
        assert evidence.evidence_for(s, [world.item_a])[world.item_a].disagree


def test_heartbeat_and_revocation(
    agent_app: Flask, station: Station, session_factory: sessionmaker[Session]
) -> None:
    client = agent_app.test_client()
    beat = {
        "version": "0.1.0",
        "disk_free_bytes": 10**9,
        "output_ok": True,
        "clock_offset_seconds": 1.5,
    }
    assert (
        client.post("/api/v1/agent/heartbeat", json=beat, headers=auth(station.token)).status_code
        == 200
    )
    with session_factory() as s:
        agent = s.get(StationAgent, station.agent_id)
        assert agent is not None and agent.last_seen_at is not None
        assert agent.health == beat and agent.clock_offset_seconds == 1.5
        credentials.revoke(s, station.agent_id, "admin")
        s.commit()
    agent_app.extensions["loa_tokens"].clear()
    assert client.get("/api/v1/agent/schedule", headers=auth(station.token)).status_code == 401
    bad = client.post(
        "/api/v1/agent/heartbeat", json={"disk_free_bytes": -1}, headers=auth(station.token)
    )
    assert bad.status_code == 401


def test_pair_from_the_cli(
    tmp_path: Path, _sqlite_template: _SqliteTemplate, settings: Settings
) -> None:
    engine = _sqlite_template.fresh(tmp_path)
    with make_session_factory(engine)() as s:
        w = build_world(s, settings)
    env = {"LOA_DATABASE_URL": engine.url.render_as_string(hide_password=False)}
    runner = CliRunner()
    out = tmp_path / "agent.toml"

    def pair(user: str, channel: int) -> int:
        args = ["--lang", "en", "agent", "pair", "--channel", str(channel), "--server",
                "http://127.0.0.1:5000", "-o", str(out), "--user", user, "--force"]  # fmt: skip
        return runner.invoke(main, args, env=env).exit_code

    assert pair("planner", w.channel_b) == 1  # another province's station
    assert pair("broadcaster", w.channel_a) == 1
    assert not out.exists()
    assert pair("planner", w.channel_a) == 0
    text = out.read_text()
    assert "loa_agent_" in text and f"channel_id = {w.channel_a}" in text
    assert out.stat().st_mode & 0o077 == 0
    token = text.split('token = "')[1].split('"')[0]
    with make_session_factory(engine)() as s:
        assert credentials.agent_by_token(s, token) is not None
        stored = s.scalars(select(StationAgent.digest)).all()
        assert token not in stored  # only the hash is kept
    listed = runner.invoke(main, ["agent", "list"], env=env)
    assert listed.exit_code == 0 and "active" in listed.output
    assert runner.invoke(main, ["agent", "revoke", "1"], env=env).exit_code == 0
    assert runner.invoke(main, ["agent", "revoke", "1"], env=env).exit_code == 1
    engine.dispose()


def test_disagreement_is_shown_to_supervisors_and_planners(
    agent_app: Flask,
    station: Station,
    world: World,
    published: World,
    session_factory: sessionmaker[Session],
) -> None:
    from tests.web.conftest import Browser

    client = agent_app.test_client()
    client.post("/api/v1/agent/asrun", json={"events": [_past(session_factory, world.item_a)]},
                headers=auth(station.token))  # fmt: skip
    client.post(f"/api/v1/items/{world.item_a}/confirmation",
                json={"status": "not_aired", "reason_code": "mat_dien"},
                headers=bearer(world, "broadcaster"))  # fmt: skip
    for role in ("supervisor", "planner"):
        b = Browser(agent_app.test_client())
        b.login(role)
        page = b.get(f"/supervise/channel/{world.channel_a}/week/{world.week}")
        assert page.status_code == 200
        assert "Người và máy phát khác nhau" in page.text
        assert "máy phát tự động ghi “đã phát”" in page.text


def _beat(client, station: Station, **extra) -> dict:  # noqa: ANN001
    version = client.get("/api/v1/agent/schedule", headers=auth(station.token)).headers["ETag"]
    body = {"schedule_version": version.strip('"'), "missing_items": [], "output_ok": True,
            "unsent_events": 0, **extra}  # fmt: skip
    assert (
        client.post("/api/v1/agent/heartbeat", json=body, headers=auth(station.token)).status_code
        == 200
    )
    return body


def test_fleet_page_shows_readiness_and_what_is_missing(
    agent_app: Flask, station: Station, world: World
) -> None:
    from tests.web.conftest import Browser

    planner = Browser(agent_app.test_client())
    planner.login("planner")
    page = planner.get("/plan/agents")
    assert page.status_code == 200 and "Chưa từng liên lạc" in page.text
    client = agent_app.test_client()
    _beat(client, station)
    page = planner.get("/plan/agents")
    assert "Trực tuyến" in page.text and "✓ Sẵn sàng" in page.text
    _beat(client, station, missing_items=[station.ahead[1]])
    page = planner.get("/plan/agents")
    assert "✓ Sẵn sàng" not in page.text and "Thông báo" in page.text  # the missing title


def test_worker_tells_planners_of_agents_not_ready_or_silent(
    agent_app: Flask,
    station: Station,
    world: World,
    session_factory: sessionmaker[Session],
    settings: Settings,
) -> None:
    from scheduler.fleet.health import check_agents
    from scheduler.notify.models import Notification

    client = agent_app.test_client()
    _beat(client, station, missing_items=[station.ahead[0]])
    late = dataclasses.replace(settings, agent=AgentSettings(ready_check_time="00:00"))
    with session_factory() as s:
        assert check_agents(s, late, utcnow()) == "1 agent notice(s)"
        assert check_agents(s, late, utcnow()) == "0 agent notice(s)"  # once a day
        later = utcnow() + dt.timedelta(hours=settings.agent.silent_hours + 1)
        assert check_agents(s, late, later) == "1 agent notice(s)"
        s.commit()
        events = sorted(n.event for n in s.scalars(select(Notification)))
        assert events == ["agent_not_ready", "agent_silent"]
        note = s.scalar(select(Notification).where(Notification.event == "agent_silent"))
        assert note is not None and note.role == "planner" and "Máy xã A" not in note.body_en


def test_station_page_and_compliance_show_the_device(
    agent_app: Flask, station: Station, world: World, settings: Settings
) -> None:
    from scheduler.periods import Week, local_date_of
    from tests.web.conftest import Browser

    client = agent_app.test_client()
    r = client.post("/api/v1/agent/asrun", json={"events": [_event(station.items[0])]},
                    headers=auth(station.token))  # fmt: skip
    assert r.json["results"][0]["result"] == "accepted"
    week = Week.of(local_date_of(soon(-600), settings.zone))
    b = Browser(agent_app.test_client())
    b.login("broadcaster")
    page = b.get(f"/station/?channel={world.channel_a}")
    assert page.status_code == 200
    if Week.of(local_date_of(utcnow(), settings.zone)) == week:  # (not just after Monday 00:00)
        assert "Máy phát tự động đã ghi" in page.text
    sup = Browser(agent_app.test_client())
    sup.login("supervisor")
    page = sup.get(f"/supervise/channel/{world.channel_a}/week/{week}")
    assert "Máy phát tự động xác nhận: 1 / 1 lần phát" in page.text


def test_the_no_change_poll_is_answered_from_a_board_of_versions(
    engine: Engine,
    settings: Settings,
    media: Path,
    station: Station,
    session_factory: sessionmaker[Session],
) -> None:
    import time

    from scheduler import schedules

    agent = dataclasses.replace(settings.agent, poll_cache_seconds=1)
    local = dataclasses.replace(settings, media=MediaSettings(folder=str(media)), agent=agent)
    client = create_app(local, engine, {"TESTING": True, "SECRET_KEY": "b"}).test_client()
    etag = client.get("/api/v1/agent/schedule", headers=auth(station.token)).headers["ETag"]
    with session_factory() as s:
        schedules.remove_item(s, station.ahead[1], "planner")
        s.commit()
    poll = {**auth(station.token), "If-None-Match": etag}
    assert client.get("/api/v1/agent/schedule", headers=poll).status_code == 304  # board as built
    time.sleep(1.1)
    assert client.get("/api/v1/agent/schedule", headers=poll).status_code == 200  # rebuilt


def test_the_fast_path_answers_like_the_view(
    engine: Engine,
    settings: Settings,
    media: Path,
    station: Station,
    session_factory: sessionmaker[Session],
) -> None:
    agent = dataclasses.replace(settings.agent, poll_cache_seconds=1)
    local = dataclasses.replace(settings, media=MediaSettings(folder=str(media)), agent=agent)
    app = create_app(local, engine, {"TESTING": True, "SECRET_KEY": "f"})
    client = app.test_client()
    first = client.get("/api/v1/agent/schedule", headers=auth(station.token))
    poll = {**auth(station.token), "If-None-Match": first.headers["ETag"]}
    fast = client.get("/api/v1/agent/schedule", headers=poll)
    assert fast.status_code == 304 and fast.headers["ETag"] == first.headers["ETag"]
    assert fast.headers["X-Server-Time"] and fast.data == b""
    assert "Content-Security-Policy" not in fast.headers  # answered before Flask
    stale = client.get("/api/v1/agent/schedule", headers={**poll, "If-None-Match": '"old"'})
    assert stale.status_code == 200  # a changed version: the view sends the schedule
    people = client.get(
        "/api/v1/agent/schedule",
        headers={**bearer_of(station), "If-None-Match": first.headers["ETag"]},
    )
    assert people.status_code == 401
    with session_factory() as s:
        credentials.revoke(s, station.agent_id, "admin")
        s.commit()
    app.extensions["loa_tokens"].clear()  # what the revoke page does in its process
    time.sleep(1.1)  # the board drops the revoked credential at its next build
    assert client.get("/api/v1/agent/schedule", headers=poll).status_code == 401


def bearer_of(station: Station) -> dict[str, str]:
    return {"Authorization": f"Bearer {station.token}x"}


def test_renditions_stored_before_their_hash_was_kept_get_one(
    agent_app: Flask, station: Station, session_factory: sessionmaker[Session]
) -> None:
    from content.media_models import AudioAsset

    with session_factory() as s:
        for asset in s.scalars(select(AudioAsset)):
            asset.rendition_sha256 = None
        s.commit()
    r = agent_app.test_client().get("/api/v1/agent/schedule", headers=auth(station.token))
    assert r.status_code == 200
    assert [i["sha256"] for s in r.json["slots"] for i in s["items"]][-2:] == station.shas
    with session_factory() as s:
        assert sorted(s.scalars(select(AudioAsset.rendition_sha256))) == sorted(station.shas)
