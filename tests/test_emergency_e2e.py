"""End to end (issue 14, "Must show" 1 and 3): five stations, three with agent processes.

A `loa serve` process and three `loa agent run --output wav:DIR` processes on a private
database (SQLite and, with LOA_TEST_DATABASE_URL, PostgreSQL): a normal item is on air at each
agent station when the broadcast is issued; each agent interrupts it and airs the warning
within the emergency poll interval plus 5 s; the two stations without an agent wait until a
broadcaster confirms one and the watch escalates the other at half the deadline. A broadcast
cancelled before an agent started it is never aired.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import http.cookiejar
import io
import json
import re
import tomllib
import urllib.parse
import urllib.request
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import tomli_w

from content.db import make_session_factory
from scheduler.config import Settings
from scheduler.emergency.models import EmergencyDelivery
from scheduler.fleet import credentials
from scheduler.worker.jobs import emergency_watch
from scheduler.worker.runner import WorkerContext
from tests import factories as f
from tests.agent_helpers import programme_with_audio, slot_at, soon
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

LEAD = 10  # seconds from creating the slots to their start: the agents start and sync meanwhile
PASSWORD = "correct horse battery"
NAMES = ("Xã Bình An", "Xã Hòa Lợi", "Xã Tân Phú", "Xã Phước Hải", "Xã Long Điền")


@dataclasses.dataclass
class Area:
    tmp: Path
    db: PrivateDatabase
    settings: Settings
    server: Server
    channels: list[int]  # five stations; the first three have agents
    agent_configs: list[Path]
    normal: int  # an 8 s programme
    urgent: int  # a 3 s warning (880 Hz)
    admin_token: str
    started: list[AgentProcess]

    def session(self) -> Any:
        return make_session_factory(self.db.engine)()

    def wav(self, n: int) -> Path:
        return self.tmp / f"wav{n}"

    def start_agent(self, n: int) -> AgentProcess:
        proc = AgentProcess(self.agent_configs[n], self.wav(n), self.tmp)
        self.started.append(proc)
        return proc

    def api(self, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.server.url + path, data=data)
        req.add_header("Authorization", f"Bearer {self.admin_token}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=10) as r:  # noqa: S310 (the test's server)
            return json.loads(r.read())


@pytest.fixture(params=BACKENDS)
def area(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Area]:
    db = PrivateDatabase(request.param, tmp_path)
    media = tmp_path / "media"
    config = server_config(tmp_path / "server.toml", db.url, media)
    data = tomllib.loads(config.read_text(encoding="utf-8"))
    data["web"]["secure_cookies"] = False  # the test signs in over plain http
    config.write_bytes(tomli_w.dumps(data).encode())
    settings = load_app_settings(config)
    with make_session_factory(db.engine)() as s:
        province = f.unit(s, "Tỉnh Ven Biển", level="province", code="95")
        channels = []
        for n, name in enumerate(NAMES):
            commune = f.unit(s, name, parent=province, code=f"9500{n + 1}")
            channels.append(f.channel(s, commune, active_from=dt.date(2025, 1, 1), name=name))
        normal = programme_with_audio(s, media, 8, "Phóng sự nông nghiệp", 330)
        urgent = programme_with_audio(
            s, media, 3, "Cảnh báo bão khẩn cấp", 880, priority="emergency"
        )
        paired = [credentials.pair(s, ch.id, f"Máy {ch.name}", "admin") for ch in channels[:3]]
        admin = accounts.create_user(s, "tinh", PASSWORD, "admin", "t")
        token = accounts.issue_token(s, admin, "e2e", "t")
        accounts.create_user(
            s, "phatthanh", PASSWORD, "broadcaster", "t", channel_ids=[channels[3].id]
        )
        s.commit()
        ids = [ch.id for ch in channels]
        normal_id, urgent_id = normal.id, urgent.id
    server = Server(config, free_port(), tmp_path)
    configs = []
    for n, (agent, key) in enumerate(paired):
        folder = tmp_path / f"agent{n}"
        folder.mkdir()
        configs.append(write_agent_config(folder / "agent.toml", server.url, key, ids[n], agent.id))
    a = Area(tmp_path, db, settings, server, ids, configs, normal_id, urgent_id, token, [])
    try:
        yield a
    finally:
        for p in a.started:
            p.stop()
        server.stop()
        db.drop()


class Person:
    """A browser over plain http: signs in through the form, keeps cookies and the CSRF token."""

    def __init__(self, base: str, username: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )
        self.csrf = ""
        self.get("/login")
        status, _ = self.post("/login", {"username": username, "password": PASSWORD})
        assert status == 302, "sign-in refused"
        self.get("/password")  # the renewed session's CSRF token

    def get(self, path: str) -> bytes:
        with self.opener.open(self.base + path, timeout=10) as r:
            body: bytes = r.read()
        m = re.search(rb'name="csrf_token" value="([^"]+)"', body)
        if m:
            self.csrf = m.group(1).decode()
        return body

    def post(self, path: str, form: dict[str, str]) -> tuple[int, bytes]:
        data = urllib.parse.urlencode({**form, "csrf_token": self.csrf}).encode()
        try:
            with self.opener.open(self.base + path, data=data, timeout=10) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _tone_hz(path: Path) -> float:
    """The frequency of a mono 16-bit tone, from its zero crossings."""
    with wave.open(str(path)) as w:
        frames = w.readframes(w.getnframes())
        rate = w.getframerate()
    samples = memoryview(frames).cast("h")
    crossings = sum(1 for a, b in zip(samples, samples[1:], strict=False) if (a < 0) != (b < 0))
    return crossings / 2 / (len(samples) / rate)


def _wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


def test_five_stations_three_agents_two_people(area: Area) -> None:
    start = soon(LEAD)
    normal_items = []
    with area.session() as s:
        for ch in area.channels[:3]:
            _, items = slot_at(s, area.settings, ch, start, [area.normal], minutes=2)
            normal_items.append(items[0].id)
        s.commit()
    for n in range(3):
        area.start_agent(n)
    # A normal item is on air at each agent station (its WAV is being written).
    until(
        lambda: all((area.wav(n) / f"{normal_items[n]}.wav").exists() for n in range(3)),
        LEAD + 20,
        "the normal items on air",
    )
    issued = dt.datetime.now(dt.UTC)
    doc = area.api(
        "/api/v1/emergency",
        {
            "unit": "95",
            "programme_id": area.urgent,
            "within_minutes": 10,
            "title": "Bão số 5 đổ bộ",
        },
    )
    bid = doc["id"]
    assert doc["stations"] == 5 and doc["counts"]["waiting"] == 5
    poll = area.settings.agent.emergency_poll_seconds

    def aired_by_agents() -> dict[str, Any] | None:
        status = area.api(f"/api/v1/emergency/{bid}")
        return status if status["aired_by_agent"] == 3 else None

    status = until(aired_by_agents, poll + 5 + 10, "three agents airing the warning")
    rows = {r["channel_id"]: r for r in status["items"]}
    for ch in area.channels[:3]:
        row = rows[ch]
        assert row["state"] == "aired" and row["aired_via"] == "agent", row
        started = dt.datetime.fromisoformat(row["aired_at"])
        assert (started - issued).total_seconds() < poll + 5, row  # within the poll + 5 s
        print(f"station {ch}: on air {(started - issued).total_seconds():.2f} s after issue")
        assert row["seconds"] == 3
    assert [rows[ch]["state"] for ch in area.channels[3:]] == ["waiting", "waiting"]
    assert status["counts"]["aired"] == 3 and status["counts"]["waiting"] == 2
    # Each agent: the normal item cut (partial, phat_tin_khan), the warning in its WAV.
    for n in range(3):
        facts = until(lambda n=n: _settled(area.agent_configs[n]), 15, "the agent's log")
        cut = next(r for r in facts["asrun"] if r["item_id"] == normal_items[n])
        assert (cut["status"], cut["reason_code"]) == ("partial", "phat_tin_khan"), cut
        assert 0.5 < cut["seconds"] < 8
        urgent = facts["emergencies"][0]
        assert urgent["state"] == "aired" and abs(urgent["seconds"] - 3) < 0.2
        wav = area.wav(n) / f"emergency-{rows[area.channels[n]]['delivery_id']}.wav"
        assert abs(_wav_seconds(wav) - 3.0) < 0.1 and abs(_tone_hz(wav) - 880) < 20
        assert abs(_tone_hz(area.wav(n) / f"{normal_items[n]}.wav") - 330) < 20
    # The proof page shows every station; a broadcaster confirms one from the station page.
    admin = Person(area.server.url, "tinh")
    page = admin.get(f"/emergency/{bid}").decode()
    assert all(name in page for name in NAMES)
    person = Person(area.server.url, "phatthanh")
    station = person.get(f"/station/?channel={area.channels[3]}").decode()
    action = re.search(r'action="(/emergency/deliveries/\d+/aired)"', station)
    assert action is not None, "the one-tap confirmation on the station page"
    assert person.post(action.group(1), {})[0] == 302
    status = area.api(f"/api/v1/emergency/{bid}")
    rows = {r["channel_id"]: r for r in status["items"]}
    assert rows[area.channels[3]]["state"] == "aired"
    assert rows[area.channels[3]]["aired_via"] == "person"
    assert rows[area.channels[4]]["state"] == "waiting"
    # The fifth is escalated at half the deadline (the worker's job, run at that moment).
    due = dt.datetime.fromisoformat(status["due_at"])
    ctx = WorkerContext(area.settings, area.db.engine, make_session_factory(area.db.engine))
    for at in (due + dt.timedelta(seconds=5), due + dt.timedelta(minutes=5, seconds=1)):
        with area.session() as s:  # the worker's passes: stations told, then half the deadline
            emergency_watch(s, ctx, at)
            s.commit()
    with area.session() as s:
        fifth = (
            s.query(EmergencyDelivery)
            .filter_by(broadcast_id=bid, channel_id=area.channels[4])
            .one()
        )
        assert fifth.escalated_at is not None
        others = s.query(EmergencyDelivery).filter(
            EmergencyDelivery.broadcast_id == bid, EmergencyDelivery.channel_id != area.channels[4]
        )
        assert all(d.escalated_at is None for d in others)
    assert {r["channel_id"]: r["escalated"] for r in area.api(f"/api/v1/emergency/{bid}")["items"]}[
        area.channels[4]
    ]
    # The export lists all five stations with their times.
    book = openpyxl.load_workbook(io.BytesIO(admin.get(f"/emergency/{bid}/proof.xlsx")))
    sheet = list(book.worksheets[0].iter_rows(values_only=True))
    final = {r["channel"]: r for r in area.api(f"/api/v1/emergency/{bid}")["items"]}
    zone = area.settings.zone
    for name in NAMES:
        line = next(r for r in sheet if r[1] == name)
        assert isinstance(line[3], dt.datetime)  # due
        aired = final[name]["aired_at"]
        if name == NAMES[4]:
            assert line[4] is None and final[name]["state"] == "waiting"
        else:  # aired at, local time as the station heard it
            local = dt.datetime.fromisoformat(aired).astimezone(zone).replace(tzinfo=None)
            assert abs((line[4] - local).total_seconds()) < 1, line


def _settled(config: Path) -> dict[str, Any] | None:
    facts = agent_status(config)
    done = all(r["state"] == "done" for r in facts["asrun"]) and facts["asrun"]
    aired = facts["emergencies"] and facts["emergencies"][0]["state"] == "aired"
    return facts if done and aired and facts["unsent_emergency_reports"] == 0 else None


def test_a_broadcast_cancelled_before_the_agent_started_it_is_not_aired(area: Area) -> None:
    area.start_agent(0)
    until(
        lambda: (area.agent_configs[0].parent / "loa-agent-cache" / "agent.db").exists(),
        30,
        "the agent's first sync",
    )
    first = area.started[0]
    first.stop()  # the station is off when the warning is issued and cancelled
    doc = area.api(
        "/api/v1/emergency",
        {"unit": "95001", "programme_id": area.urgent, "within_minutes": 10, "title": "Tin nhầm"},
    )
    area.api(f"/api/v1/emergency/{doc['id']}/cancel", {"reason": "Phát nhầm"})
    area.start_agent(0)
    poll = area.settings.agent.emergency_poll_seconds
    facts = until(lambda: _seen(area.agent_configs[0]), poll + 20, "the agent seeing the cancel")
    assert facts["emergencies"][0]["state"] == "dropped"
    status = area.api(f"/api/v1/emergency/{doc['id']}")
    assert [r["state"] for r in status["items"]] == ["cancelled"]
    assert not list(area.wav(0).glob("emergency-*.wav"))


def _seen(config: Path) -> dict[str, Any] | None:
    facts = agent_status(config)
    return facts if facts["emergencies"] else None
