"""The station agent in one process against a live server: sync, cache, playing, as-run."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
import sys
import threading
import time
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from content.db import utcnow
from scheduler import schedules
from scheduler.agent.config import AgentConfig, AgentError, load_agent_config
from scheduler.agent.output import Output, play_file
from scheduler.agent.runner import Agent
from scheduler.agent.store import Store
from scheduler.agent.sync import merge_frozen
from scheduler.config import MediaSettings, Settings
from scheduler.fleet import credentials
from scheduler.models import Airing
from tests.agent_helpers import programme_with_audio, slot_at, soon, station, tone_mp3
from tests.conftest import ROOT
from tests.web.live_helpers import Wire, serve
from web.app import create_app


@dataclasses.dataclass
class Live:
    url: str
    wire: Wire
    config: AgentConfig
    items: list[int]
    programmes: list[int]
    factory: sessionmaker[Session]
    settings: Settings


@pytest.fixture
def live(
    engine: Engine, settings: Settings, session_factory: sessionmaker[Session], tmp_path: Path
) -> Iterator[Live]:
    """A server on a free port; a station with two tone programmes in a slot an hour ahead."""
    media = tmp_path / "media"
    agent = dataclasses.replace(settings.agent, poll_cache_seconds=0)  # changes seen at once
    local = dataclasses.replace(settings, media=MediaSettings(folder=str(media)), agent=agent)
    app = create_app(local, engine, {"TESTING": True, "SECRET_KEY": "live"})
    server, wire, url = serve(app)
    with session_factory() as s:
        ch = station(s)
        progs = [programme_with_audio(s, media, 1, "Tin 1", 440),
                 programme_with_audio(s, media, 2, "Tin 2", 660)]  # fmt: skip
        _, items = slot_at(s, local, ch.id, soon(3600), [p.id for p in progs])
        agent, token = credentials.pair(s, ch.id, "Máy", "admin")
        s.commit()
        cfg = AgentConfig(url, token, ch.id, agent.id, tmp_path / "cache", "null")
        yield Live(url, wire, cfg, [i.id for i in items], [p.id for p in progs], session_factory,
                   local)  # fmt: skip
    server.shutdown()


def test_agent_imports_neither_flask_nor_the_server_models() -> None:
    code = (
        "import sys\n"
        "sys.argv = ['loa', 'agent', 'status', '--help']\n"
        "import scheduler.agent.runner, scheduler.agent.status\n"
        "from web.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'werkzeug')"
        " or m.startswith(('scheduler.models', 'content.db', 'web.app'))]\n"
        "print('BAD', bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         check=True)  # fmt: skip
    assert "BAD []" in out.stdout, out.stdout[-2000:]


def test_cold_sync_then_no_change_then_removal(live: Live) -> None:
    agent = Agent(live.config)
    try:
        mark = live.wire.mark()
        cold = agent.syncer.sync()
        assert cold.status == 200 and cold.downloaded == 2 and not cold.failed
        assert len(agent.store.verified()) == 2
        sent = sum(s.bytes for s in live.wire.since(mark))
        audio = sum(agent.store.verified().values())
        assert sent >= audio
        mark = live.wire.mark()
        again = agent.syncer.sync()
        assert again.status == 304 and again.downloaded == 0
        assert sum(s.bytes for s in live.wire.since(mark)) < 2000
        # A schedule amended after publish reaches the agent; the file no slot needs is removed.
        with live.factory() as s:
            schedules.remove_item(s, live.items[1], "planner")
            s.commit()
        changed = agent.syncer.sync()
        assert changed.status == 200 and changed.removed == 1
        assert len(list(live.config.audio_dir.iterdir())) == 1
    finally:
        agent.store.close()


def test_download_resumes_with_range_and_checks_the_hash(live: Live) -> None:
    agent = Agent(live.config)
    try:
        agent.syncer.sync()
        files = sorted(live.config.audio_dir.iterdir())
        whole = files[0].read_bytes()
        sha = files[0].name.split(".")[0]
        for f in files:
            f.unlink()
            agent.store.forget_file(f.name.split(".")[0])
        part = live.config.audio_dir / f"{sha}.mp3.part"
        part.write_bytes(whole[:1000])
        mark = live.wire.mark()
        got = agent.client.download(sha, live.config.audio_dir / f"{sha}.mp3")
        assert got == len(whole) - 1000
        assert [s.status for s in live.wire.since(mark)] == [206]
        assert (live.config.audio_dir / f"{sha}.mp3").read_bytes() == whole
        # A damaged partial file: the hash check refuses it, and it is fetched whole next time.
        target = live.config.audio_dir / f"{sha}.mp3"
        target.unlink()
        part.write_bytes(b"x" * 1000)
        with pytest.raises(AgentError):
            agent.client.download(sha, target)
        assert not part.exists() and not target.exists()
        report = agent.syncer.sync()
        assert report.downloaded == 2 and target.read_bytes() == whole
    finally:
        agent.store.close()


def test_play_slot_on_time_to_wav_then_upload(live: Live, tmp_path: Path) -> None:
    out = tmp_path / "wav"
    cfg = dataclasses.replace(live.config, output=f"wav:{out}")
    with live.factory() as s:
        start = soon(4)
        _, items = slot_at(s, live.settings, cfg.channel_id, start, live.programmes)
        s.commit()
    agent = Agent(cfg)
    try:
        agent.start()
        deadline = time.monotonic() + 30
        ids = {i.id for i in items}
        while time.monotonic() < deadline:
            rows = [r for r in agent.store.all_asrun() if r.item_id in ids and r.state == "done"]
            if len(rows) == 2:
                break
            time.sleep(0.2)
        assert len(rows) == 2, agent.store.all_asrun()
        assert agent.upload() == 2 or all(r.sent for r in agent.store.all_asrun())
    finally:
        agent.stop()
    first = min(rows, key=lambda r: r.started_at)
    late = dt.datetime.fromisoformat(first.started_at) - start
    assert abs(late.total_seconds()) < 1.0
    for item, seconds in zip(items, (1, 2), strict=True):
        with wave.open(str(out / f"{item.id}.wav")) as w:
            assert abs(w.getnframes() / w.getframerate() - seconds) < 0.05
    with live.factory() as s:
        airings = list(s.scalars(select(Airing).where(Airing.scheduled_item_id.in_(ids))))
        assert sorted(a.source for a in airings) == ["playout", "playout"]
        assert {a.status for a in airings} == {"aired"}


def test_preemption_fades_out_within_a_second(tmp_path: Path) -> None:
    src = tmp_path / "long.mp3"
    tone_mp3(src, 5)
    stop = threading.Event()
    threading.Timer(0.6, stop.set).start()
    began = time.monotonic()
    seconds, finished = play_file(src, Output(f"wav:{tmp_path}").open(7), stop)
    assert not finished
    assert 0.6 <= seconds <= 1.8
    assert time.monotonic() - began <= seconds + 0.5  # played in real time
    with wave.open(str(tmp_path / "7.wav")) as w:
        assert abs(w.getnframes() / w.getframerate() - seconds) < 0.01


def test_frozen_slots_keep_their_items_but_take_emergencies() -> None:
    now = utcnow()

    def slot(sid: int, start: dt.datetime, items: list[dict]) -> dict:
        return {"id": sid, "starts_at": start.isoformat(), "duration_seconds": 600, "items": items}

    normal = {"id": 1, "position": 0, "priority": "normal", "offset_ms": 0}
    old = {"slots": [slot(1, now + dt.timedelta(seconds=60), [normal]),
                     slot(2, now + dt.timedelta(hours=2), [{**normal, "id": 5}])]}  # fmt: skip
    late = {"id": 2, "position": 1, "priority": "normal", "offset_ms": 0}
    urgent = {"id": 3, "position": 2, "priority": "emergency", "offset_ms": 0}
    new = {"slots": [slot(1, now + dt.timedelta(seconds=60), [normal, late, urgent]),
                     slot(2, now + dt.timedelta(hours=2), [])]}  # fmt: skip
    merged = merge_frozen(old, new, now.timestamp())
    by_id = {s["id"]: s for s in merged["slots"]}
    assert [i["id"] for i in by_id[1]["items"]] == [1, 3]  # frozen, plus the emergency
    assert by_id[2]["items"] == []  # two hours ahead: the change is taken


def test_crash_leaves_the_interrupted_item_partial(tmp_path: Path) -> None:
    store = Store(tmp_path / "a.db")
    now = utcnow().isoformat()
    event = store.start_item(11, 1, now, now, "a" * 64, 0.0)
    assert event is not None
    store.progress(event, 1.5)
    assert store.start_item(11, 1, now, now, "a" * 64, 0.0) is None  # never logged twice
    store.close()
    again = Store(tmp_path / "a.db")
    assert again.recover() == 1
    row = again.all_asrun()[0]
    assert (row.status, row.seconds, row.state) == ("partial", 1.5, "done")
    again.close()


def test_missing_file_is_logged_not_received(live: Live, tmp_path: Path) -> None:
    agent = Agent(live.config)
    try:
        agent.syncer.sync()
        for f in live.config.audio_dir.iterdir():
            f.write_bytes(b"damaged")
        slot = agent.store.schedule()["slots"][-1]
        agent.player._play_item(slot, slot["items"][0])
        row = agent.store.all_asrun()[0]
        assert (row.status, row.reason_code) == ("not_aired", "khong_nhan_duoc_noi_dung")
    finally:
        agent.store.close()


def test_agent_config_errors_are_clear(tmp_path: Path) -> None:
    bad = tmp_path / "agent.toml"
    bad.write_text('[agent]\nserver = "http://x"\n')
    with pytest.raises(AgentError, match="agent.token"):
        load_agent_config(bad)
    env = {**os.environ, "LOA_LANG": "en"}
    cmd = [sys.executable, "-c", "from web.cli import main; main()", "agent", "status",
           "--config", str(bad)]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)
    assert out.returncode == 1 and "agent.token" in out.stderr


def test_a_broken_sound_card_is_logged_equipment_failure(live: Live) -> None:
    cfg = dataclasses.replace(live.config, output="device:loa-no-such-card")
    agent = Agent(cfg)
    try:
        agent.syncer.sync()
        slot = agent.store.schedule()["slots"][-1]
        agent.player._play_item(slot, slot["items"][1])
        row = agent.store.all_asrun()[0]
        assert (row.status, row.reason_code) == ("not_aired", "hong_thiet_bi")
        assert agent.player.output_ok is False
    finally:
        agent.store.close()


def test_an_emergency_item_preempts_the_item_on_air(live: Live, tmp_path: Path) -> None:
    out = tmp_path / "wav"
    cfg = dataclasses.replace(live.config, output=f"wav:{out}")
    with live.factory() as s:
        media = Path(live.settings.media.folder)
        long = programme_with_audio(s, media, 8, "Phóng sự dài", 330)
        urgent = programme_with_audio(s, media, 2, "Tin khẩn", 880, priority="emergency")
        slot, items = slot_at(s, live.settings, cfg.channel_id, soon(3), [long.id])
        s.commit()
        slot_id, normal = slot.id, items[0].id
    agent = Agent(cfg)
    try:
        agent.start()
        until = time.monotonic() + 20
        while agent.player.now_playing is None and time.monotonic() < until:
            time.sleep(0.1)
        assert agent.player.now_playing is not None
        time.sleep(1.5)
        with live.factory() as s:
            added = schedules.add_item(s, slot_id, urgent.id, "planner")
            s.commit()
            urgent_item = added.id
        time.sleep(live.settings.agent.poll_cache_seconds + 0.2)  # the server's board refreshes
        began = time.monotonic()
        agent.sync()  # what the emergency poll does
        while len([r for r in agent.store.all_asrun() if r.state == "done"]) < 2:
            assert time.monotonic() - began < 15, agent.store.all_asrun()
            time.sleep(0.1)
        rows = {r.item_id: r for r in agent.store.all_asrun()}
    finally:
        agent.stop()
    cut = rows[normal]
    assert (cut.status, cut.reason_code) == ("partial", "phat_tin_khan")
    assert 1.0 < cut.seconds < 7.0
    assert rows[urgent_item].status == "aired"
    stopped_at = dt.datetime.fromisoformat(cut.started_at).timestamp() + cut.seconds
    urgent_start = dt.datetime.fromisoformat(rows[urgent_item].started_at).timestamp()
    assert urgent_start - stopped_at < 1.5  # faded within a second, then at once
    with wave.open(str(out / f"{normal}.wav")) as w:
        assert abs(w.getnframes() / w.getframerate() - cut.seconds) < 0.05


def test_stopping_the_agent_mid_item_is_not_an_emergency(live: Live, tmp_path: Path) -> None:
    cfg = dataclasses.replace(live.config, output=f"wav:{tmp_path / 'wav'}")
    with live.factory() as s:
        media = Path(live.settings.media.folder)
        long = programme_with_audio(s, media, 8, "Phóng sự dài", 330)
        _, items = slot_at(s, live.settings, cfg.channel_id, soon(3), [long.id])
        s.commit()
        normal = items[0].id
    agent = Agent(cfg)
    stopped = False
    try:
        agent.start()
        until = time.monotonic() + 20
        while agent.player.now_playing is None and time.monotonic() < until:
            time.sleep(0.1)
        assert agent.player.now_playing is not None
        time.sleep(1.0)
        store = agent.store
        agent.stop()  # closes the store: read the row through a new one
        stopped = True
    finally:
        if not stopped:
            agent.stop()
    again = type(store)(cfg.db_path)
    try:
        rows = {r.item_id: r for r in again.all_asrun()}
    finally:
        again.close()
    cut = rows[normal]
    assert (cut.status, cut.reason_code) == ("partial", "may_phat_khong_chay"), cut
    assert 0.5 < cut.seconds < 7.0
