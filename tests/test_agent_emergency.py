"""The agent's emergency side in one process against a live server: interrupt, air, report."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from content.db import utcnow
from scheduler.agent.config import AgentConfig, AgentError, load_agent_config
from scheduler.agent.runner import Agent
from scheduler.agent.status import agent_status
from scheduler.agent.store import AsRun
from scheduler.config import MediaSettings, Settings
from scheduler.emergency import issue as ops
from scheduler.emergency.models import EmergencyDelivery
from scheduler.emergency.targets import Repeats
from scheduler.fleet import credentials
from tests.agent_helpers import programme_with_audio, slot_at, soon, station
from tests.web.live_helpers import serve
from web.app import create_app

POLL = 1  # [agent].emergency_poll_seconds in these tests


@dataclasses.dataclass
class Live:
    config: AgentConfig
    factory: sessionmaker[Session]
    settings: Settings
    channel: int
    unit: int
    urgent: int  # a 2 s emergency programme
    normal: list[int]  # programmes of 5 s and 2 s


@pytest.fixture
def live(
    engine: Engine, settings: Settings, session_factory: sessionmaker[Session], tmp_path: Path
) -> Iterator[Live]:
    """A server on a free port, a paired station, a normal and an emergency programme."""
    media = tmp_path / "media"
    agent = dataclasses.replace(settings.agent, poll_cache_seconds=0, emergency_poll_seconds=POLL)
    local = dataclasses.replace(settings, media=MediaSettings(folder=str(media)), agent=agent)
    app = create_app(local, engine, {"TESTING": True, "SECRET_KEY": "urgent"})
    server, _, url = serve(app)
    with session_factory() as s:
        ch = station(s)
        urgent = programme_with_audio(s, media, 2, "Cảnh báo lũ", 880, priority="emergency")
        normal = [programme_with_audio(s, media, 5, "Phóng sự", 330),
                  programme_with_audio(s, media, 2, "Tin ngắn", 550)]  # fmt: skip
        paired, token = credentials.pair(s, ch.id, "Máy xã", "admin")
        s.commit()
        cfg = AgentConfig(url, token, ch.id, paired.id, tmp_path / "cache",
                          f"wav:{tmp_path / 'wav'}")  # fmt: skip
        yield Live(cfg, session_factory, local, ch.id, ch.unit_id, urgent.id,
                   [p.id for p in normal])  # fmt: skip
    server.shutdown()


def _issue(live: Live, **extra: object) -> int:
    with live.factory() as s:
        req = ops.Request(programme_id=live.urgent, unit_id=live.unit, deadline_minutes=10,
                          title="Lũ quét", **extra)  # type: ignore[arg-type]  # fmt: skip
        b = ops.issue(s, live.settings, req, ops.Issuer("kehoach", "admin"), utcnow())
        s.commit()
        return b.id


def _deliveries(live: Live, broadcast: int) -> list[EmergencyDelivery]:
    with live.factory() as s:
        rows = list(s.query(EmergencyDelivery).filter_by(broadcast_id=broadcast)
                    .order_by(EmergencyDelivery.occurrence))  # fmt: skip
        s.expunge_all()
        return rows


def _wait(predicate: object, seconds: float) -> None:
    until = time.monotonic() + seconds
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < until, "timed out"
        time.sleep(0.1)


def _wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


def _interrupt(
    live: Live, after: str
) -> tuple[dict[int, AsRun], EmergencyDelivery, float, list[int]]:
    """A slot of two items; an emergency issued while the first is on air."""
    cfg = dataclasses.replace(live.config, after_emergency=after)
    with live.factory() as s:
        _, items = slot_at(s, live.settings, live.channel, soon(3), live.normal)
        s.commit()
        item_ids = [i.id for i in items]
    agent = Agent(cfg)
    try:
        agent.start()
        _wait(lambda: agent.player.now_playing is not None, 20)
        time.sleep(1.0)
        issued = time.monotonic()
        broadcast = _issue(live)
        _wait(lambda: _deliveries(live, broadcast)[0].state == "aired", POLL + 5 + 3)
        took = time.monotonic() - issued
        _wait(lambda: len([r for r in agent.store.all_asrun() if r.state == "done"]) == 2, 15)
        _wait(lambda: agent.desk.log.unsent() == [], 5)  # the server's answer, noted
        rows = {r.item_id: r for r in agent.store.all_asrun()}
        status = agent_status(cfg)
    finally:
        agent.stop()
    assert [e["state"] for e in status["emergencies"]] == ["aired"]
    assert status["unsent_emergency_reports"] == 0
    return rows, _deliveries(live, broadcast)[0], took, item_ids


def test_an_emergency_interrupts_airs_reports_and_the_slot_resumes(live: Live) -> None:
    rows, delivery, took, items = _interrupt(live, "resume")
    cut, rest = rows[items[0]], rows[items[1]]
    assert (cut.status, cut.reason_code) == ("partial", "phat_tin_khan")
    assert 0.5 < cut.seconds < 5.0
    assert rest.status == "aired"  # resumed after the emergency
    assert delivery.aired_via == "agent" and delivery.seconds == 2
    assert delivery.delivered_at is not None and delivery.playing_at is not None
    aired = delivery.aired_at
    assert (
        aired is not None
        and delivery.delivered_at <= delivery.playing_at <= aired + dt.timedelta(seconds=1)
    )
    stopped = dt.datetime.fromisoformat(cut.started_at).timestamp() + cut.seconds
    assert aired.timestamp() - stopped < 1.5  # faded within a second, then the warning
    assert took < POLL + 5
    wav = Path(live.config.output[4:])
    assert abs(_wav_seconds(wav / f"emergency-{delivery.id}.wav") - 2.0) < 0.1
    assert abs(_wav_seconds(wav / f"{items[0]}.wav") - cut.seconds) < 0.05


def test_leave_drops_the_rest_of_the_slot(live: Live) -> None:
    rows, delivery, _, items = _interrupt(live, "leave")
    assert rows[items[0]].status == "partial"
    rest = rows[items[1]]
    assert (rest.status, rest.reason_code) == ("not_aired", "phat_tin_khan")
    assert delivery.state == "aired"


def test_a_cancelled_delivery_is_never_aired(live: Live) -> None:
    agent = Agent(live.config)
    try:
        broadcast = _issue(live)
        assert agent.desk.poll() == 200  # fetched, `delivered` reported; not aired (no thread)
        first = _deliveries(live, broadcast)[0]
        assert first.state == "delivered"
        d = agent.desk.log.get(first.id)
        assert d is not None and d.state == "ready"
        with live.factory() as s:
            ops.cancel(s, live.settings, broadcast, ops.Issuer("kehoach", "admin"), utcnow())
            s.commit()
        agent.desk.air(d)  # the agent had not seen the cancellation: `playing` answers 409
        assert agent.desk.log.get(first.id).state == "dropped"  # type: ignore[union-attr]
        # The other way: the poll brings the cancellation before the delivery is due.
        second = _issue(live)
        agent.desk.poll()
        with live.factory() as s:
            ops.cancel(s, live.settings, second, ops.Issuer("kehoach", "admin"), utcnow())
            s.commit()
        agent.desk.poll()
        other = _deliveries(live, second)[0]
        assert agent.desk.log.get(other.id).state == "dropped"  # type: ignore[union-attr]
        assert agent.desk.log.to_air(agent.clock.server()) == []
    finally:
        agent.store.close()
    wav = Path(live.config.output[4:])
    assert not list(wav.glob("emergency-*.wav"))
    assert {d.state for d in _deliveries(live, broadcast) + _deliveries(live, second)} == {
        "cancelled"
    }


def test_reports_survive_a_link_down(live: Live) -> None:
    broadcast = _issue(live)
    down = Agent(dataclasses.replace(live.config, server="http://127.0.0.1:9"))
    try:
        assert down.desk.poll() == 0  # nothing known yet: the link is down
        down.desk.log.merge([{
            "id": _deliveries(live, broadcast)[0].id, "broadcast_id": broadcast, "title": "Lũ",
            "due_at": utcnow().isoformat(), "expires_at": soon(3600).isoformat(),
            "state": "waiting", "programme": {"sha256": None, "duration_ms": 2000},
        }])  # fmt: skip
        delivery = _deliveries(live, broadcast)[0].id
        down.desk.log.queue(delivery, "aired", utcnow().isoformat(), seconds=2.0)
        assert down.desk.flush() == 0 and len(down.desk.log.unsent()) == 1
    finally:
        down.store.close()
    up = Agent(live.config)  # the same agent.db, the link back
    try:
        assert up.desk.flush() == 1 and up.desk.log.unsent() == []
        assert up.desk.flush() == 0  # nothing owed twice
    finally:
        up.store.close()
    row = _deliveries(live, broadcast)[0]
    assert row.state == "aired" and row.aired_via == "agent" and row.seconds == 2


def test_the_audio_comes_before_other_files_and_is_kept_by_the_sync(live: Live) -> None:
    with live.factory() as s:
        slot_at(s, live.settings, live.channel, soon(3600), live.normal)
        s.commit()
    broadcast = _issue(live)
    agent = Agent(live.config)
    try:
        assert agent.desk.poll() == 200
        assert len(agent.store.verified()) == 1  # the warning's audio, before the schedule's
        report = agent.syncer.sync()
        assert report.status == 200 and report.downloaded == 2 and report.removed == 0
        delivery = _deliveries(live, broadcast)[0]
        sha = agent.desk.log.get(delivery.id).sha256  # type: ignore[union-attr]
        assert (live.config.audio_dir / f"{sha}.mp3").is_file()
    finally:
        agent.store.close()


def test_after_emergency_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "agent.toml"
    base = 'server = "http://x"\ntoken = "t"\nchannel_id = 1\nagent_id = 1\n'
    path.write_text(f'[agent]\n{base}after_emergency = "leave"\n', encoding="utf-8")
    assert load_agent_config(path).after_emergency == "leave"
    path.write_text(f"[agent]\n{base}", encoding="utf-8")
    assert load_agent_config(path).after_emergency == "resume"
    path.write_text(f'[agent]\n{base}after_emergency = "pause"\n', encoding="utf-8")
    with pytest.raises(AgentError) as err:
        load_agent_config(path)
    assert err.value.code == "config.after_emergency"


def test_a_correction_is_fetched_again_and_a_repeat_waits_for_its_time(live: Live) -> None:
    with live.factory() as s:
        media = Path(live.settings.media.folder)
        fixed = programme_with_audio(s, media, 2, "Cảnh báo (sửa)", 990, priority="emergency")
        s.commit()
        fixed_id = fixed.id
    later = utcnow() + dt.timedelta(minutes=31)
    broadcast = _issue(live, repeats=Repeats(every_minutes=30, until=later))
    agent = Agent(live.config)
    try:
        agent.desk.poll()
        first, repeat = _deliveries(live, broadcast)
        old = agent.desk.log.get(first.id)
        assert old is not None and old.state == "ready"
        due, wait = agent.desk._due()
        assert due is not None and due.delivery_id == first.id  # occurrence 0 is due now
        with live.factory() as s:
            ops.correct(s, live.settings, broadcast, fixed_id, ops.Issuer("kehoach", "admin"),
                        utcnow())  # fmt: skip
            s.commit()
        assert _deliveries(live, broadcast)[0].state == "waiting"  # the server reset it
        agent.desk.poll()
        new = agent.desk.log.get(first.id)
        assert new is not None and new.state == "ready" and new.sha256 != old.sha256
        assert (live.config.audio_dir / f"{new.sha256}.mp3").is_file()
        assert _deliveries(live, broadcast)[0].state == "delivered"  # reported again
        agent.desk.log.set_state(first.id, "aired")
        due, wait = agent.desk._due()
        assert due is None and wait <= 1.0  # the repeat is 30 minutes away: not yet
        kept = agent.desk.log.get(repeat.id)
        assert kept is not None and kept.due_at > agent.clock.server() + 60
    finally:
        agent.store.close()
