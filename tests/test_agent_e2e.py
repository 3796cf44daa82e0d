"""End to end (issue 13, "Must show"): a server process, a paired agent process writing WAVs.

Slots start a few seconds ahead and hold short tone programmes, so each test takes seconds.
Runs on SQLite and, when LOA_TEST_DATABASE_URL is set, on PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import urllib.request
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from content.db import make_session_factory
from scheduler.compliance.engine import evaluate
from scheduler.config import Settings
from scheduler.fleet import credentials, evidence
from scheduler.models import Airing, PlayoutRecord
from scheduler.periods import Week, local_date_of
from tests.agent_helpers import programme_with_audio, slot_at, soon, station
from tests.agent_process import (
    AgentProcess,
    Server,
    agent_status,
    free_port,
    server_config,
    until,
    write_agent_config,
)
from tests.conftest import BACKENDS
from tests.process_helpers import PrivateDatabase
from web import accounts
from web.settings import load_app_settings

LEAD = 9  # seconds between creating a slot and its start: the agent starts and syncs meanwhile


@dataclasses.dataclass
class Rig:
    tmp: Path
    db: PrivateDatabase
    settings: Settings
    server: Server
    config: Path
    agent_config: Path
    channel_id: int
    programmes: dict[str, int]
    token: str
    wav: Path
    started: list[AgentProcess]

    def session(self) -> Session:
        return make_session_factory(self.db.engine)()

    def agent(self, **env: str) -> AgentProcess:
        proc = AgentProcess(self.agent_config, self.wav, self.tmp, env)
        self.started.append(proc)
        return proc

    def slot(self, names: list[str], lead: float = LEAD) -> tuple[dt.datetime, list[int]]:
        start = soon(lead)
        with self.session() as s:
            ids = [self.programmes[n] for n in names]
            _, items = slot_at(s, self.settings, self.channel_id, start, ids, minutes=2)
            s.commit()
            return start, [i.id for i in items]

    def playout(self, item_ids: list[int]) -> list[Airing]:
        with self.session() as s:
            query = select(Airing).where(
                Airing.scheduled_item_id.in_(item_ids), Airing.source == "playout"
            )
            return list(s.scalars(query))

    def all_airings(self, item_ids: list[int]) -> list[Airing]:
        with self.session() as s:
            return list(s.scalars(select(Airing).where(Airing.scheduled_item_id.in_(item_ids))))


@pytest.fixture(params=BACKENDS)
def rig(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Rig]:
    db = PrivateDatabase(request.param, tmp_path)
    media = tmp_path / "media"
    config = server_config(tmp_path / "server.toml", db.url, media)
    settings = load_app_settings(config)
    with make_session_factory(db.engine)() as s:
        ch = station(s)
        progs = {
            "two": programme_with_audio(s, media, 2, "Bản tin hai giây", 440).id,
            "three": programme_with_audio(s, media, 3, "Thông báo ba giây", 550).id,
            "six": programme_with_audio(s, media, 6, "Phóng sự sáu giây", 660).id,
        }
        agent, token = credentials.pair(s, ch.id, "Máy xã", "admin")
        user = accounts.create_user(s, "phat", "correct horse battery", "broadcaster", "t",
                                    channel_ids=[ch.id])  # fmt: skip
        person = accounts.issue_token(s, user, "e2e", "t")
        s.commit()
        channel_id = ch.id
    server = Server(config, free_port(), tmp_path)
    agent_cfg = write_agent_config(tmp_path / "agent.toml", server.url, token, channel_id,
                                   agent.id)  # fmt: skip
    r = Rig(tmp_path, db, settings, server, config, agent_cfg, channel_id, progs, person,
            tmp_path / "wav", [])  # fmt: skip
    try:
        yield r
    finally:
        for p in r.started:
            p.stop()
        r.server.stop()
        db.drop()


def _start_error(item: Airing, planned: dt.datetime) -> float:
    return abs((item.started_at - planned).total_seconds())


def _wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


def test_two_programmes_play_on_time_and_are_logged_once(rig: Rig) -> None:
    start, items = rig.slot(["two", "three"])
    agent = rig.agent()
    until(lambda: len(rig.playout(items)) == 2, 60, f"two playout airings\n{agent.text()[-3000:]}")
    airings = {a.scheduled_item_id: a for a in rig.playout(items)}
    assert _start_error(airings[items[0]], start) < 1.0
    assert _start_error(airings[items[1]], start + dt.timedelta(seconds=2 + 1)) < 1.0
    assert abs(_wav_seconds(rig.wav / f"{items[0]}.wav") - 2) < 0.05
    assert abs(_wav_seconds(rig.wav / f"{items[1]}.wav") - 3) < 0.05
    assert len(rig.all_airings(items)) == 2  # exactly one per item
    assert {a.status for a in airings.values()} == {"aired"}
    with rig.session() as s:
        week = Week.of(local_date_of(start, rig.settings.zone))
        result = evaluate(s, rig.settings, str(week), rule_ids=["ntm_commune_weekly"],
                          channel_ids=[rig.channel_id])  # fmt: skip
        counts = [c.counts[0] for r in result.rules for c in r.channels]
        assert counts == [2]
    # A person then says "not aired" for the first: both statements are kept and shown.
    req = urllib.request.Request(
        f"{rig.server.url}/api/v1/items/{items[0]}/confirmation",
        data=json.dumps({"status": "not_aired", "reason_code": "mat_dien"}).encode(),
        headers={"Authorization": f"Bearer {rig.token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310 (test server)
        assert resp.status in (200, 201)
    with rig.session() as s:
        ev = evidence.evidence_for(s, [items[0]])[items[0]]
        assert (ev.person_status, ev.device_status, ev.disagree) == ("not_aired", "aired", True)
        assert len(list(s.scalars(select(PlayoutRecord)))) == 2


def test_link_down_then_kill9_and_restart(rig: Rig) -> None:
    # Link down: the agent has synced, then the server stops before the slot.
    start, items = rig.slot(["two", "three"], lead=LEAD + 2)
    agent = rig.agent()
    until(lambda: agent_status(rig.agent_config)["cache_files"] >= 2, 30,
          f"the agent's first sync\n{agent.text()[-2000:]}")  # fmt: skip
    rig.server.stop()
    until(
        lambda: sum(r["item_id"] in items and r["state"] == "done"
                    for r in agent_status(rig.agent_config)["asrun"]) == 2,
        40, f"both items played from the cache\n{agent.text()[-2000:]}",
    )  # fmt: skip
    rows = {r["item_id"]: r for r in agent_status(rig.agent_config)["asrun"]}
    assert [rows[i]["status"] for i in items] == ["aired", "aired"]
    assert not any(rows[i]["sent"] for i in items)
    rig.server = Server(rig.config, rig.server.port, rig.tmp)  # the link comes back
    until(
        lambda: len(rig.playout(items)) == 2,
        60,
        f"the airings after the outage\n{agent.text()[-2000:]}",
    )
    start_err = _start_error(
        next(a for a in rig.playout(items) if a.scheduled_item_id == items[0]), start
    )
    assert start_err < 1.0

    # kill -9 in the middle of a six-second programme, then a restart before the next item.
    start, items = rig.slot(["six", "two"])

    def cached() -> bool:
        coming = agent_status(rig.agent_config)["next_slots"]
        return any(s["items"] == 2 and s["missing"] == 0 for s in coming)

    until(cached, 30, "the new slot in the agent's cache")
    until(lambda: dt.datetime.now(dt.UTC) > start + dt.timedelta(seconds=2.5), 30, "mid-item")
    agent.kill9()
    restarted = rig.agent()
    until(
        lambda: len(rig.all_airings(items)) == 2,
        60,
        f"both items logged\n{restarted.text()[-3000:]}",
    )
    airings = {a.scheduled_item_id: a for a in rig.all_airings(items)}
    interrupted = airings[items[0]]
    assert interrupted.status == "partial" and interrupted.source == "playout"
    with rig.session() as s:
        record = s.scalar(select(PlayoutRecord).where(PlayoutRecord.scheduled_item_id == items[0]))
        assert record is not None and 1.5 <= record.seconds_played <= 3.5
    assert airings[items[1]].status == "aired"  # still ahead at the restart: played on time
    assert _start_error(airings[items[1]], start + dt.timedelta(seconds=6 + 1)) < 1.0
    local = agent_status(rig.agent_config)["asrun"]
    assert len([r for r in local if r["item_id"] in items]) == 2  # nothing logged twice
    with rig.session() as s:
        assert len(list(s.scalars(select(PlayoutRecord).where(
            PlayoutRecord.scheduled_item_id.in_(items))))) == 2  # fmt: skip


def test_a_clock_ten_minutes_fast_still_starts_on_server_time(rig: Rig) -> None:
    start, items = rig.slot(["two"])
    agent = rig.agent(LOA_AGENT_FAKE_SKEW_SECONDS="600")
    until(lambda: len(rig.playout(items)) == 1, 60, f"the airing\n{agent.text()[-3000:]}")
    airing = rig.playout(items)[0]
    assert _start_error(airing, start) < 1.0
    with rig.session() as s:
        record = s.scalar(select(PlayoutRecord).where(PlayoutRecord.scheduled_item_id == items[0]))
        assert record is not None
        assert abs(record.clock_offset_seconds + 600) < 2
        assert abs((record.device_started_at - record.started_at).total_seconds() - 600) < 2
        assert record.skew_flagged
