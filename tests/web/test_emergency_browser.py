"""Issuing an emergency broadcast in headless Chromium on a phone-sized screen (Playwright)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.serving import make_server

import migrations
from content.db import make_engine, make_session_factory
from content.models import Programme
from scheduler.config import Settings
from scheduler.emergency.models import EmergencyBroadcast, EmergencyDelivery
from tests.emergency_helpers import with_audio
from tests.web.conftest import PASSWORD, World, build_world
from tests.web.test_browser import ARGS, CHROMIUM, _need_browser, _shot
from web.app import create_app

pytestmark = pytest.mark.browser
WIDER_THAN_SCREEN = (
    "[...document.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > 360)"
    ".map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"
)


@pytest.fixture
def live(
    tmp_path_factory: pytest.TempPathFactory, settings: Settings
) -> Iterator[tuple[str, World, sessionmaker[Session]]]:
    """A running server on a file database with the test world; its programme has audio."""
    _need_browser()
    path = tmp_path_factory.mktemp("emergency-browser") / "loa.db"
    engine = make_engine(f"sqlite:///{path}")
    migrations.upgrade(engine)
    factory = make_session_factory(engine)
    with factory() as s:
        world = build_world(s, settings)
        programme = s.get(Programme, world.programme)
        assert programme is not None
        programme.title = "Cảnh báo bão số 3"
        with_audio(s, programme)
        s.commit()
    app = create_app(settings, engine, {"SECRET_KEY": "emergency-browser"})
    server = make_server("localhost", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_port}", world, factory
    finally:
        server.shutdown()
        engine.dispose()


def test_planner_issues_from_a_phone(live: tuple[str, World, sessionmaker[Session]]) -> None:
    from playwright.sync_api import sync_playwright

    url, world, factory = live
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        ctx = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                  has_touch=True)  # fmt: skip
        page = ctx.new_page()
        page.goto(f"{url}/login")
        page.fill('input[name="username"]', "planner")
        page.fill('input[name="password"]', PASSWORD)
        page.click('button[type="submit"]')
        page.wait_for_url("**/plan")
        page.goto(f"{url}/emergency/")
        page.click("#new-broadcast")
        page.wait_for_url("**/emergency/new")
        page.fill('input[name="title"]', "Cảnh báo bão số 3 – khẩn")
        page.fill('textarea[name="reason"]', "Bão đổ bộ trong đêm")
        page.fill('input[name="pq"]', "bao so 3")
        page.click("#find-programme")
        page.check(f'input[name="programme"][value="{world.programme}"]')
        page.check(f'input[name="unit"][value="{world.province_a}"]')
        page.fill('input[name="within"]', "5")
        wide = page.evaluate(WIDER_THAN_SCREEN)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, wide
        _shot(page, "emergency-form")
        page.click("#check")
        reach = page.inner_text("#reach")
        assert "Tin khẩn này sẽ được gửi tới 1 đài tại 1 xã/phường thuộc Tỉnh A." in reach, reach
        _shot(page, "emergency-confirm")
        with factory() as s:
            assert s.scalar(select(EmergencyBroadcast.id)) is None
        page.click("#issue")
        page.wait_for_url(re.compile(r"/emergency/\d+$"))
        assert "Đã phát tin khẩn tới 1 đài." in page.inner_text("main")
        _shot(page, "emergency-proof")
        ctx.close()
        browser.close()
    with factory() as s:
        b = s.scalars(select(EmergencyBroadcast)).one()
        assert (b.title, b.deadline_minutes, b.programme_id) == (
            "Cảnh báo bão số 3 – khẩn", 5, world.programme)  # fmt: skip
        channels = s.scalars(select(EmergencyDelivery.channel_id)).all()
        assert channels == [world.channel_a]
