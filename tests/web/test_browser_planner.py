"""The planner's week in headless Chromium: drag, keyboard, live rule status, conflicts, the area.

A station with 14 slots (06:00 and 17:30, 30 minutes, every day) and a library of programmes;
a second planner of the same area; 50 more stations with draft weeks for the area page.
Screenshots go to artefacts/browser/ (1366 x 800, the screen the issue was tried on).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.serving import make_server

import migrations
from content.db import make_engine, make_session_factory, utcnow
from scheduler import schedules
from scheduler.config import Settings
from scheduler.models import ScheduledItem, Slot, WeekSchedule
from scheduler.periods import Week, local_date_of
from tests import factories as f
from tests.web.conftest import PASSWORD, World, build_world
from tests.web.test_browser import ARGS, ARTEFACTS, CHROMIUM, _need_browser
from web import accounts
from web.app import create_app

pytestmark = pytest.mark.browser
SCREEN = {"width": 1366, "height": 800}
AREA_STATIONS = 50


@dataclass
class Desk:
    """A running server with the planner's station, library and area."""

    url: str
    world: World
    factory: sessionmaker[Session]
    station: int
    week: Week  # the grid tests' week (next week: nothing in it is in the past)
    area_week: Week  # the area test's week (drafts on 51 stations)
    ntm: list[int]
    long: int


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> Iterator[Desk]:
    _need_browser()
    path = tmp_path_factory.mktemp("planner") / "loa.db"
    engine = make_engine(f"sqlite:///{path}")
    migrations.upgrade(engine)
    factory = make_session_factory(engine)
    week = Week.of(local_date_of(utcnow(), settings.zone)).shift(1)
    area_week = week.shift(1)
    with factory() as s:
        world = build_world(s, settings)
        from scheduler.models import AdminUnit

        province = s.get(AdminUnit, world.province_a)
        commune = f.unit(s, "Xã Kéo Thả", parent=province, code="91900")
        station = f.channel(s, commune, name="Đài Xã Kéo Thả")
        for at in (dt.time(6, 0), dt.time(17, 30)):
            f.pattern(s, station, "1234567", at, 30)
        ntm = [
            f.programme(s, f"Bản tin nông thôn mới số {n}", ("ntm",), seconds=300).id
            for n in (1, 2, 3)
        ]
        for n in range(60):
            f.programme(s, f"Chuyên mục sức khỏe {n}", ("y_te",), "chuyen_muc", seconds=240)
        long = f.programme(s, "Phim tài liệu dài", ("du_lich",), "phim_tai_lieu", seconds=2400)
        schedules.materialise_week(s, settings, station.id, week, "test")
        for n in range(AREA_STATIONS):
            unit = f.unit(s, f"Xã Số {n}", parent=province, code=f"918{n:02d}")
            ch = f.channel(s, unit, name=f"Đài Xã Số {n}")
            f.pattern(s, ch, "1234567", dt.time(6, 0), 30)
            sched = schedules.materialise_week(s, settings, ch.id, area_week, "test")
            if n % 10:  # most are planned; every tenth is still empty (below minimum)
                schedules.add_item(s, sched.slots[0].id, ntm[n % 3], "test")
        accounts.create_user(s, "planner2", PASSWORD, "planner", "t", unit_id=world.province_a)
        s.commit()
        station_id, long_id = station.id, long.id
    app = create_app(settings, engine, {"SECRET_KEY": "planner-browser"})
    server = make_server("localhost", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Desk(f"http://localhost:{server.server_port}", world, factory, station_id, week,
                   area_week, ntm, long_id)  # fmt: skip
    finally:
        server.shutdown()
        engine.dispose()


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield browser
        browser.close()


def _page(chromium: object, desk: Desk, username: str):  # noqa: ANN202
    ctx = chromium.new_context(viewport=SCREEN)  # type: ignore[attr-defined]
    page = ctx.new_page()
    page.goto(f"{desk.url}/login")
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', PASSWORD)
    page.click('button[type="submit"]')
    page.wait_for_url("**/plan")
    return ctx, page


def _shot(page: object, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"))  # type: ignore[attr-defined]


def _items(desk: Desk) -> list[tuple[int, int, int]]:
    """(slot, position, programme) of the station's week, in order."""
    with desk.factory() as s:
        rows = s.execute(
            select(ScheduledItem.slot_id, ScheduledItem.position, ScheduledItem.programme_id)
            .join(Slot)
            .join(WeekSchedule)
            .where(WeekSchedule.channel_id == desk.station, WeekSchedule.week_key == desk.week.key)
            .order_by(Slot.starts_at, ScheduledItem.position)
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def _slots(desk: Desk) -> list[int]:
    with desk.factory() as s:
        return list(
            s.scalars(
                select(Slot.id)
                .join(WeekSchedule)
                .where(
                    WeekSchedule.channel_id == desk.station, WeekSchedule.week_key == desk.week.key
                )
                .order_by(Slot.starts_at)
            )
        )


def _wait_items(page: object, desk: Desk, n: int) -> None:
    from playwright.sync_api import expect

    expect(page.locator("#week .item")).to_have_count(n)  # type: ignore[attr-defined]


def _expect(locator: object):  # noqa: ANN202
    """Playwright's polling assertions (no eval: the page's CSP forbids it)."""
    from playwright.sync_api import expect

    return expect(locator)  # type: ignore[arg-type]


def test_the_whole_week_fits_the_screen(desk: Desk, chromium: object) -> None:
    ctx, page = _page(chromium, desk, "planner")
    page.goto(f"{desk.url}/plan/{desk.station}?week={desk.week}")
    assert page.locator("#week .slot").count() == 14
    # Saturday and Sunday are on screen, beside the library, without scrolling sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN["width"]
    sunday = page.locator("table.week thead th").last.bounding_box()
    library = page.locator("aside.library").bounding_box()
    assert sunday["x"] + sunday["width"] <= library["x"] <= SCREEN["width"] - 200
    # no per-cell drop-down any more: one library panel
    assert page.locator("#week select").count() == 0
    _shot(page, "planner-week-1366")
    ctx.close()


def test_drag_from_a_filtered_library_and_the_keyboard_path(desk: Desk, chromium: object) -> None:
    ctx, page = _page(chromium, desk, "planner")
    page.goto(f"{desk.url}/plan/{desk.station}?week={desk.week}")
    page.evaluate("window.loaStill = 'the same page'")  # gone if anything reloads the page
    assert "chưa đạt" in page.inner_text("#rules")
    # Accent-insensitive search narrows 65 programmes to the three numbered NTM bulletins.
    page.fill("#library-q", "nong thon moi so")
    _expect(page.locator("#library-results .prog")).to_have_count(3)
    first = page.locator(f'.prog[data-programme="{desk.ntm[0]}"]')
    slots = _slots(desk)
    first.drag_to(page.locator(f'.slot[data-slot="{slots[0]}"]'))
    _wait_items(page, desk, 1)
    assert _items(desk) == [(slots[0], 0, desk.ntm[0])]
    rules = page.inner_text("#rules")
    assert "đạt tối thiểu" in rules and "chưa đạt" not in rules, rules
    assert page.inner_text(f'.slot[data-slot="{slots[0]}"] .used') == "5/30′"
    # The keyboard path: choose a programme, then "Put here" in a slot, with Enter only.
    page.focus(f'.prog[data-programme="{desk.ntm[1]}"] .pick')
    page.keyboard.press("Enter")
    assert "Đã chọn" in page.inner_text("#grid-message")
    page.focus(f'.slot[data-slot="{slots[3]}"] .put')
    page.keyboard.press("Enter")
    _wait_items(page, desk, 2)
    assert "đạt mục tiêu" in page.inner_text("#rules")
    # Move an item to another slot by dragging it; then reorder by keyboard (put before).
    item = page.locator(f'.slot[data-slot="{slots[3]}"] .item').first
    item.drag_to(page.locator(f'.slot[data-slot="{slots[0]}"] .fill'))  # not onto an item: last
    _expect(page.locator(f'.slot[data-slot="{slots[0]}"] .item')).to_have_count(2)
    assert _items(desk) == [(slots[0], 0, desk.ntm[0]), (slots[0], 1, desk.ntm[1])]
    page.focus(f'.slot[data-slot="{slots[0]}"] .item >> nth=1')
    page.keyboard.press("Enter")
    page.focus(f'.slot[data-slot="{slots[0]}"] .item >> nth=0 >> .put-before')
    page.keyboard.press("Enter")
    _expect(page.locator("#grid-message")).to_contain_text("chuyển")
    assert _items(desk) == [(slots[0], 0, desk.ntm[1]), (slots[0], 1, desk.ntm[0])]
    # Over-length is refused with the reason, and nothing changes.
    page.fill("#library-q", "phim tai lieu")
    _expect(page.locator("#library-results .prog")).to_have_count(1)
    page.locator(f'.prog[data-programme="{desk.long}"]').drag_to(
        page.locator(f'.slot[data-slot="{slots[5]}"]')
    )
    message = page.inner_text("#grid-message")
    assert "Không vừa" in message and "40" in message and "30" in message, message
    assert len(_items(desk)) == 2
    _shot(page, "planner-week-edited")
    assert page.evaluate("window.loaStill") == "the same page"
    ctx.close()


def test_a_stale_edit_gets_the_conflict_message(desk: Desk, chromium: object) -> None:
    first_ctx, first = _page(chromium, desk, "planner")
    second_ctx, second = _page(chromium, desk, "planner2")
    for page in (first, second):
        page.goto(f"{desk.url}/plan/{desk.station}?week={desk.week}")
    slots = _slots(desk)
    before = len(_items(desk))
    first.fill("#library-q", "nong thon moi 3")
    _expect(first.locator("#library-results .prog")).to_have_count(1)
    first.locator(".prog .pick").click()
    first.locator(f'.slot[data-slot="{slots[6]}"] .put').click()
    _wait_items(first, desk, before + 1)
    # The second planner still holds the old version of the week.
    second.fill("#library-q", "suc khoe 42")
    _expect(second.locator("#library-results .prog")).to_have_count(1)
    second.locator(".prog .pick").first.click()
    second.locator(f'.slot[data-slot="{slots[6]}"] .put').click()
    _expect(second.locator("#grid-message")).to_have_class("flash gridmsg error")
    message = second.inner_text("#grid-message")
    assert "Người khác vừa sửa lịch tuần này" in message, message
    # ... and now sees the first planner's change, nothing of its own written.
    _wait_items(second, desk, before + 1)
    assert len(_items(desk)) == before + 1
    _shot(second, "planner-week-conflict")
    first_ctx.close()
    second_ctx.close()


def test_the_area_page_publishes_50_stations_in_one_action(desk: Desk, chromium: object) -> None:
    ctx, page = _page(chromium, desk, "planner")
    page.goto(f"{desk.url}/plan?week={desk.area_week}")
    precheck = page.inner_text("#precheck")
    assert "Đài Xã Số 0" in precheck and "Đài Xã Số 10" in precheck
    assert "Đài Xã Số 1:" not in precheck and "Đài Xã Số 1 " not in precheck
    _shot(page, "planner-area-precheck")
    with desk.factory() as s:
        drafts = s.scalar(
            select(func.count(WeekSchedule.id)).where(
                WeekSchedule.week_key == desk.area_week.key, WeekSchedule.state == "draft"
            )
        )
    assert drafts == AREA_STATIONS
    page.click("#publish-all")
    page.wait_for_load_state()
    assert f"{AREA_STATIONS}" in page.inner_text(".flash.ok")
    with desk.factory() as s:
        published = s.scalar(
            select(func.count(WeekSchedule.id)).where(
                WeekSchedule.week_key == desk.area_week.key, WeekSchedule.state == "published"
            )
        )
    assert published == AREA_STATIONS
    # Nothing left to publish: the buttons are gone, the rows say so.
    assert page.locator("#publish-all").count() == 0
    _shot(page, "planner-area-published")
    ctx.close()
