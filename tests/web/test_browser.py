"""The three journeys in headless Chromium (Playwright): planner, broadcaster offline, supervisor.

Needs /usr/bin/chromium (Debian's package; .ci/run installs it). Locally the tests skip, saying
why, when it is missing; with LOA_REQUIRE_BROWSER=1 (set by .ci/run) they fail instead.
Screenshots and the downloaded export go to artefacts/ (git-ignored).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.serving import make_server

import migrations
from content.db import make_engine, make_session_factory, utcnow
from scheduler import schedules
from scheduler.config import Settings
from scheduler.models import Airing
from scheduler.periods import Week, local_date_of
from tests import factories as f
from tests.web.conftest import PASSWORD, World, build_world
from web.app import create_app

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")
ARTEFACTS = Path(__file__).resolve().parents[2] / "artefacts" / "browser"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _need_browser() -> None:
    if CHROMIUM.exists():
        return
    reason = f"headless Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("LOA_REQUIRE_BROWSER") == "1":
        pytest.fail(reason + "; LOA_REQUIRE_BROWSER=1 requires it")
    pytest.skip(reason)


LINK_DOWN = threading.Event()


def _flaky_link(app: object) -> object:
    """While LINK_DOWN is set, API calls fail as through a dead uplink (503 from a gateway).

    Playwright's offline mode is also switched on, but Chromium may still let requests that
    pass through a service worker reach the network; this makes the outage certain.
    """

    def wsgi(environ: dict, start_response: object) -> object:
        if LINK_DOWN.is_set() and environ.get("PATH_INFO", "").startswith("/api/"):
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])  # type: ignore[operator]
            return [b"link down"]
        return app(environ, start_response)  # type: ignore[operator]

    return wsgi


@dataclass
class Live:
    """A running server on a file database, with the test world and today's station items."""

    url: str
    world: World
    factory: sessionmaker[Session]
    today_items: list[int]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> Iterator[Live]:
    _need_browser()
    path = tmp_path_factory.mktemp("browser") / "loa.db"
    engine = make_engine(f"sqlite:///{path}")
    migrations.upgrade(engine)
    factory = make_session_factory(engine)
    with factory() as s:
        world = build_world(s, settings)
        today_items = _station_today(s, settings, world)
        s.commit()
    app = create_app(settings, engine, {"SECRET_KEY": "browser-test"})
    server = make_server("localhost", 0, _flaky_link(app), threaded=True)  # type: ignore[arg-type]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Live(f"http://localhost:{server.server_port}", world, factory, today_items)
    finally:
        server.shutdown()
        engine.dispose()


def _station_today(s: Session, settings: Settings, world: World) -> list[int]:
    """Two items in today's early slots of channel A (in the past whenever the test runs)."""
    from scheduler.models import Channel

    channel = s.get(Channel, world.channel_a)
    assert channel is not None
    f.pattern(s, channel, weekdays="1234567", start=dt.time(0, 0), minutes=20)
    s.refresh(channel)
    week = Week.of(local_date_of(utcnow(), settings.zone))
    sched = schedules.materialise_week(s, settings, channel.id, week, "test")
    day = local_date_of(utcnow(), settings.zone)
    slots = [sl for sl in sched.slots if sl.local_date == day]
    slots.sort(key=lambda sl: sl.starts_at)
    p1 = f.programme(s, title="Tin nông thôn mới hôm nay", seconds=300)
    p2 = f.programme(s, title="Thông báo tiêm chủng", topics=("y_te",), seconds=240)
    a = schedules.add_item(s, slots[0].id, p1.id, "test")
    b = schedules.add_item(s, slots[0].id, p2.id, "test")
    schedules.publish_week(s, sched.id, "test")  # broadcasters see published weeks only
    return [a.id, b.id]


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield browser
        browser.close()


def _login(page: object, live: Live, username: str) -> None:
    page.goto(f"{live.url}/login")  # type: ignore[attr-defined]
    page.fill('input[name="username"]', username)  # type: ignore[attr-defined]
    page.fill('input[name="password"]', PASSWORD)  # type: ignore[attr-defined]
    page.click('button[type="submit"]')  # type: ignore[attr-defined]


def _queue_length(page: object, expected: int, timeout: float = 30.0) -> None:
    """Wait until the offline queue holds `expected` entries (polled: the CSP forbids eval)."""
    import time

    deadline = time.monotonic() + timeout
    n = -1
    while time.monotonic() < deadline:
        n = page.evaluate("LoaQueue.all().then(q => q.length)")  # type: ignore[attr-defined]
        if n == expected:
            return
        time.sleep(0.1)
    raise AssertionError(f"queue has {n} entries, expected {expected}")


def _shot(page: object, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_planner_builds_and_publishes_a_week(live: Live, chromium: object) -> None:
    ctx = chromium.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = ctx.new_page()
    _login(page, live, "planner")
    page.wait_for_url("**/plan")
    target = live.world.week.shift(2)
    page.goto(f"{live.url}/plan?week={target}")
    page.click("text=Đài Xã A")
    page.click("#create-week")
    page.wait_for_selector("table.grid")
    assert "chưa đạt" in page.inner_text("#rules")  # nothing planned yet: below minimum
    programme = f'.prog[data-programme="{live.world.programme}"]'
    for n in range(2):  # choose in the library, then "Put here" (the grid is not reloaded)
        page.locator(f"{programme} .pick").click()
        page.locator(".slot .put").nth(n).click()
        page.wait_for_selector(f".slot >> nth={n} >> .item")
    rules = page.inner_text("#rules")
    assert "đạt mục tiêu" in rules, rules  # two NTM items: target met
    _shot(page, "planner-grid-draft")
    page.click("#publish")
    page.wait_for_load_state()
    assert "đã công bố" in page.inner_text("#state")
    _shot(page, "planner-grid-published")
    with live.factory() as s:
        sched = schedules.get_week(s, live.world.channel_a, target)
        assert sched is not None and sched.state == "published"
        assert sum(len(sl.items) for sl in sched.slots) == 2
    ctx.close()


def test_broadcaster_confirms_offline_then_syncs_once(live: Live, chromium: object) -> None:
    ctx = chromium.new_context(  # type: ignore[attr-defined]
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    page = ctx.new_page()
    _login(page, live, "broadcaster")
    page.wait_for_url("**/station/")
    sizes: list[int] = []
    page.on("response", lambda r: sizes.append(len(r.body())) if r.ok else None)
    page.reload()
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_load_state("networkidle")
    assert sum(sizes) < 150 * 1024, sizes
    # every tap target of the first item is at least 44 px high
    first, second = live.today_items
    heights = page.eval_on_selector_all(
        f'[data-item="{first}"] button, [data-item="{first}"] a',
        "els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect().height)",
    )
    assert heights and min(heights) >= 44, heights
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    _shot(page, "station-online")

    ctx.set_offline(True)
    LINK_DOWN.set()
    page.click(f'[data-item="{first}"] button.aired')
    page.click(f'[data-item="{first}"] button.edit')  # done items are compact: "sửa" first
    page.click(f'[data-item="{first}"] button.aired')  # a second tap: still one airing
    page.click(f'[data-item="{second}"] button.not')
    page.select_option(f'[data-item="{second}"] select[name="reason"]', "mat_dien")
    page.click(f'[data-item="{second}"] form.not_aired button')
    page.click("#unplanned button")  # an unplanned airing, logged offline too
    _queue_length(page, 3)
    assert "Ngoại tuyến" in page.inner_text("#net")
    page.reload()  # the service worker serves the page without a link; the queue survives
    page.wait_for_selector(f'[data-item="{first}"]')
    _shot(page, "station-offline-queued")
    with live.factory() as s:
        assert (
            s.scalar(select(func.count()).where(Airing.scheduled_item_id.in_([first, second]))) == 0
        )

    ctx.set_offline(False)
    LINK_DOWN.clear()
    page.evaluate("window.dispatchEvent(new Event('online'))")
    _queue_length(page, 0)
    _shot(page, "station-synced")
    with live.factory() as s:
        rows = s.execute(
            select(Airing.scheduled_item_id, Airing.status, Airing.reason_code).where(
                Airing.scheduled_item_id.in_([first, second])
            )
        ).all()
        unplanned = s.scalar(
            select(func.count()).where(
                Airing.channel_id == live.world.channel_a, Airing.scheduled_item_id.is_(None)
            )
        )
    assert sorted(rows) == sorted([(first, "aired", None), (second, "not_aired", "mat_dien")])
    assert unplanned == 1
    ctx.close()


def _unplanned_count(live: Live) -> int:
    with live.factory() as s:
        return int(
            s.scalar(
                select(func.count()).where(
                    Airing.channel_id == live.world.channel_a, Airing.scheduled_item_id.is_(None)
                )
            )
            or 0
        )


def test_service_worker_sends_the_queue_after_the_page_is_closed(
    live: Live, chromium: object
) -> None:
    """Background Sync: a confirmation queued offline is sent by the service worker later."""
    import time

    ctx = chromium.new_context(viewport={"width": 360, "height": 740})  # type: ignore[attr-defined]
    page = ctx.new_page()
    _login(page, live, "broadcaster")
    page.wait_for_url("**/station/")
    assert page.evaluate("navigator.serviceWorker.ready.then(r => 'sync' in r)")
    before = _unplanned_count(live)
    LINK_DOWN.set()
    try:
        page.click("#unplanned button")
        _queue_length(page, 1)
        page.close()  # the broadcaster closes the browser tab while the link is down
    finally:
        LINK_DOWN.clear()
    assert _unplanned_count(live) == before
    # The link is back and no station page is open: only the service worker can send the entry.
    # Chromium fires the sync event when connectivity returns (or at its retry time, minutes
    # later); DevTools' "sync" button fires the same event now, on the registered worker.
    other = ctx.new_page()
    other.goto(f"{live.url}/channels")
    cdp = ctx.new_cdp_session(other)
    regs: list[dict] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda e: regs.extend(e["registrations"]))
    cdp.send("ServiceWorker.enable")
    for _ in range(50):
        if any(r["scopeURL"].endswith("/station/") for r in regs):
            break
        other.wait_for_timeout(100)
    reg = next(r for r in regs if r["scopeURL"].endswith("/station/") and not r["isDeleted"])
    cdp.send(
        "ServiceWorker.dispatchSyncEvent",
        {"origin": live.url, "registrationId": reg["registrationId"], "tag": "loa-queue",
         "lastChance": False},
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _unplanned_count(live) == before:
        other.wait_for_timeout(200)
    assert _unplanned_count(live) == before + 1
    ctx.close()


def test_queue_left_by_the_previous_page_version_is_kept_and_sent(
    live: Live, chromium: object
) -> None:
    """Entries an older station page left in localStorage move to the new queue, then go out."""
    import json

    ctx = chromium.new_context(viewport={"width": 360, "height": 740})  # type: ignore[attr-defined]
    page = ctx.new_page()
    _login(page, live, "broadcaster")
    page.wait_for_url("**/station/")
    before = _unplanned_count(live)
    programme = live.world.programme
    old = [
        {
            "key": "unplanned:old-1",
            "id": "old-1",
            "label": "old",
            "url": f"/api/v1/channels/{live.world.channel_a}/airings",
            "body": {
                "programme_id": programme,
                "started_at": utcnow().replace(microsecond=0).isoformat(),
                "client_ref": "old-version-entry",
            },
        }
    ]
    LINK_DOWN.set()
    try:
        page.evaluate(f"localStorage.setItem('loa-queue-v1', {json.dumps(json.dumps(old))})")
        page.reload()
        _queue_length(page, 1)
        assert page.evaluate("localStorage.getItem('loa-queue-v1')") is None
    finally:
        LINK_DOWN.clear()
    page.evaluate("window.dispatchEvent(new Event('online'))")
    _queue_length(page, 0)
    assert _unplanned_count(live) == before + 1
    ctx.close()


def test_supervisor_drills_down_and_exports(live: Live, chromium: object) -> None:
    ctx = chromium.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)  # type: ignore[attr-defined]
    page = ctx.new_page()
    _login(page, live, "supervisor")
    week = live.world.week
    period = f"{week.thursday.year}-Q{(week.thursday.month - 1) // 3 + 1}"
    page.goto(f"{live.url}/supervise?period={period}")
    page.wait_for_selector("table.heat")
    assert "Xã A" in page.inner_text("table.heat") and "Xã B" not in page.content()
    _shot(page, "supervisor-province")
    page.click("table.heat tbody th a")  # the commune's station
    page.wait_for_selector("text=Xã A")
    page.click(f"a[href*='/week/{week}']")
    page.wait_for_selector("table.airings")
    assert "Bản tin nông thôn mới" in page.inner_text("table.airings")
    _shot(page, "supervisor-commune-week")
    page.goto(f"{live.url}/supervise?period={period}")
    with page.expect_download() as info:
        page.click("#export-csv")
    target = ARTEFACTS / "supervisor-export.csv"
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    info.value.save_as(str(target))
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    text = target.read_text(encoding="utf-8-sig")
    assert text.startswith("Mã đài,Đài,Mã đơn vị,Đơn vị,Tuần ") and "Xã A" in text
    page.click("#file-report")  # the periodic report is built, filed, and listed
    page.wait_for_selector("table.archive")
    _shot(page, "supervisor-archive")
    for fmt in ("xlsx", "docx"):
        with page.expect_download() as info:
            page.click(f"table.archive a.download[href$='/{fmt}']")
        report = ARTEFACTS / f"supervisor-report.{fmt}"
        info.value.save_as(str(report))
        assert report.read_bytes()[:2] == b"PK"
        assert hashlib.sha256(report.read_bytes()).hexdigest() in page.inner_text("table.archive")
    ctx.close()


def test_supervisor_picks_a_quarter_and_the_heat_map_header_stays(
    live: Live, chromium: object
) -> None:
    """The period picker: kind Quý, then "Quý IV/2026"; the heat map keeps its header row and
    station column in view while it scrolls, and the running week is drawn apart."""
    ctx = chromium.new_context(viewport={"width": 560, "height": 700})  # type: ignore[attr-defined]
    page = ctx.new_page()
    _login(page, live, "supervisor")
    page.goto(f"{live.url}/supervise?period={live.world.week}")
    page.wait_for_selector("#period-kind")
    page.select_option("#period-kind", label="Quý")
    labels = page.eval_on_selector_all("#period-choice option", "os => os.map(o => o.textContent)")
    assert "Quý IV/2026" in labels and all(t.startswith("Quý ") for t in labels)
    page.select_option("#period-choice", label="Quý IV/2026")
    page.click("#period-form button")
    page.wait_for_selector("table.heat")
    assert "period=2026-Q4" in page.url and "Quý IV/2026" in page.inner_text("h1")
    header = "table.heat thead th:nth-child(2)"
    station = "table.heat tbody th"
    for sel in (header, station):
        assert page.eval_on_selector(sel, "e => getComputedStyle(e).position") == "sticky"
    wrap = page.query_selector(".heat-wrap")
    assert wrap is not None
    # One station here: make the box a little shorter than the table so its rows scroll.
    page.eval_on_selector(
        ".heat-wrap",
        "e => { e.style.maxHeight = (e.querySelector('thead').offsetHeight + 16) + 'px'; }",
    )
    moved = page.eval_on_selector(
        ".heat-wrap",
        """e => {
            e.scrollLeft = 400; e.scrollTop = 200;
            const box = e.getBoundingClientRect();
            const head = e.querySelector('thead th').getBoundingClientRect();
            const station = e.querySelector('tbody th').getBoundingClientRect();
            const cell = e.querySelector('tbody td').getBoundingClientRect();
            return {left: e.scrollLeft, top: e.scrollTop, headTop: head.top - box.top,
                    stationLeft: station.left - box.left, cellTop: cell.top - box.top,
                    cellLeft: cell.left - box.left, headHeight: head.height,
                    stationWidth: station.width};
        }""",
    )
    assert moved["left"] > 0 and moved["top"] > 0  # the box did scroll both ways
    assert abs(moved["headTop"]) < 3 and abs(moved["stationLeft"]) < 3  # both stayed in view
    assert moved["cellTop"] < moved["headHeight"] and moved["cellLeft"] < moved["stationWidth"]
    if date.today() <= dt.date(2026, 12, 31):  # Q4 2026 is the current quarter: its week runs
        assert page.query_selector("table.heat thead th.running") is not None
    _shot(page, "supervisor-quarter-sticky")
    ctx.close()
