"""The demo as a newcomer tries it: the broadcaster has slots to confirm today, and the
programmes play audio (a jingle and the title read aloud, made at demo time) in Chromium."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

import migrations
from content.db import make_engine, make_session_factory
from content.media_models import AudioAsset
from scheduler.config import MediaSettings, Settings
from scheduler.demo import build_demo
from scheduler.demo.audio import add_demo_audio, programmes_of_the_week
from scheduler.models import Airing, Channel, ScheduledItem, Slot
from scheduler.periods import Week, local_date_of
from tests import factories as f
from tests.web.conftest import PASSWORD
from tests.web.live_helpers import serve
from tests.web.test_browser import ARGS, CHROMIUM, _need_browser, _shot
from web import accounts
from web.app import create_app

pytestmark = pytest.mark.browser


@dataclasses.dataclass
class Demo:
    url: str
    station: int
    factory: Any


NOW = dt.datetime(2026, 11, 25, 3, 30, tzinfo=dt.UTC)  # Wednesday 10:30 in Việt Nam


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> Iterator[Demo]:
    """The demo (a small province) served with the clock at NOW; the broadcaster's station."""
    _need_browser()
    tmp = tmp_path_factory.mktemp("demo")
    local = dataclasses.replace(settings, media=MediaSettings(folder=str(tmp / "media")))
    engine = make_engine(f"sqlite:///{tmp / 'loa.db'}")
    migrations.upgrade(engine)
    factory = make_session_factory(engine)
    with factory() as s:
        province = f.unit(s, "Tỉnh Thái Nguyên", level="province", code="19")
        for i in range(12):
            f.unit(s, f"Xã Số {i}", parent=province, code=f"0{5800 + i}")
        s.commit()
        summary = build_demo(s, local, "19", now=NOW)
        today = local_date_of(NOW, local.zone)
        programmes = programmes_of_the_week(s, summary.showcase_channel, Week.of(today), today)
        assert add_demo_audio(s, local, programmes) == len(programmes) > 0
        accounts.create_user(
            s, "phatthanh", PASSWORD, "broadcaster", "demo", channel_ids=[summary.showcase_channel]
        )
        s.commit()
        station = summary.showcase_channel
    app = create_app(local, engine, {"SECRET_KEY": "demo-test"})
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("web.views.station.utcnow", lambda: NOW)
        mp.setattr("web.views.station.today", lambda: today)
        server, _wire, url = serve(app)
        try:
            yield Demo(url, station, factory)
        finally:
            server.shutdown()
            engine.dispose()


def _open_share(demo: Demo, first: dt.date, last: dt.date) -> tuple[int, int]:
    """(items whose slot had begun by NOW, those of them without an airing) over the days."""
    with demo.factory() as s:
        query = (
            select(ScheduledItem.id, Airing.id)
            .join(Slot, Slot.id == ScheduledItem.slot_id)
            .outerjoin(Airing, Airing.scheduled_item_id == ScheduledItem.id)
            .where(Slot.channel_id == demo.station, Slot.starts_at < NOW)
            .where(Slot.local_date.between(first, last))
        )
        rows = s.execute(query).all()
    return len(rows), sum(1 for _, airing in rows if airing is None)


def test_demo_broadcaster_has_unconfirmed_slots_today(demo: Demo, settings: Settings) -> None:
    """Today's slots that have begun are open; this week's earlier days partly; before, few."""
    today = local_date_of(NOW, settings.zone)
    week = Week.of(today)
    due, left = _open_share(demo, today, today)
    assert due > 0 and left == due  # nobody has confirmed today's morning slot yet
    due, left = _open_share(demo, week.monday, today - dt.timedelta(days=1))
    assert due > 0 and 0 < left < due  # earlier this week: mostly confirmed, some not
    due, left = _open_share(demo, week.shift(-2).monday, week.monday - dt.timedelta(days=1))
    assert due > 0 and left < 0.2 * due  # past weeks: a few forgotten
    with demo.factory() as s:
        channel = s.get(Channel, demo.station)
        assert channel is not None and channel.kind == "commune_radio"
        clips = s.scalar(select(func.count()).select_from(AudioAsset))
    assert clips and clips > 0


def test_demo_programmes_play_audio(demo: Demo) -> None:
    url = demo.url
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 360, "height": 740})
        page.goto(f"{url}/login")
        page.fill('input[name="username"]', "phatthanh")
        page.fill('input[name="password"]', PASSWORD)
        page.click('button[type="submit"]')
        page.wait_for_selector("body[data-synced]", state="attached")
        today = page.locator("details.day.today")
        left = today.locator("summary .left").inner_text()
        assert left.startswith("còn ") and left.endswith(" chưa xác nhận"), left
        pending = today.locator("article.item:not(.done) button.aired")
        assert pending.count() > 0
        play = today.locator("button.play").first
        play.click()
        audio = today.locator("audio").first
        deadline = time.monotonic() + 15
        state: dict[str, Any] = {}
        while time.monotonic() < deadline:
            state = audio.evaluate(
                "a => ({t: a.currentTime, d: a.duration, err: a.error && a.error.code})"
            )
            if state["t"] > 0.2:
                break
            time.sleep(0.2)
        assert state["err"] is None and state["t"] > 0.2, state
        assert 2 < state["d"] < 20, state  # jingle and spoken title, not silence or an empty file
        _shot(page, "demo-station-today")
        browser.close()
