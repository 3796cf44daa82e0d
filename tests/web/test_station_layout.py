"""Issue 18, item 8: a title with a pile of accents or no break at all stays inside its box on
the station page at 360 px (rows stored before marks were limited at the door), and every door
where a title enters refuses more than three marks on one letter."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from content.db import utcnow
from content.models import Programme
from scheduler import schedules
from scheduler.config import Settings
from scheduler.models import Channel
from scheduler.periods import Week, local_date_of
from tests import factories as f
from tests.web.conftest import PASSWORD, Browser, World
from tests.web.live_helpers import serve
from tests.web.test_browser import ARGS, CHROMIUM, _need_browser

PILE = "a" + "\u0301" * 299  # one letter, 299 combining acute accents
LONG = "Bảntinnôngthônmới" * 17  # 289 characters without a break


def test_every_title_door_refuses_a_pile_of_marks(app: Flask, world: World, monkeypatch, engine):
    b = Browser(app.test_client())
    b.login("planner")
    b.get("/library")
    r = b.post(
        "/library", {"title": PILE, "programme_type": "tin", "topics": "ntm", "minutes": "3"}
    )
    assert r.status_code == 303 and "dấu" in b.get("/library").text  # refused, said why
    r = b.post("/library/speech", {"title": PILE, "programme_type": "tin", "topics": "ntm",
                                   "text": "Xin chào bà con."})  # fmt: skip
    assert r.status_code in (303, 422)
    from web.cli import main

    if engine.dialect.name == "sqlite":  # the CLI opens its own engine from the URL
        monkeypatch.setenv("LOA_DATABASE_URL", engine.url.render_as_string(hide_password=False))
        out = CliRunner().invoke(main, ["--lang", "en", "programmes", "add", "--title", PILE,
                                        "--topic", "ntm", "--duration", "60"])  # fmt: skip
        assert out.exit_code != 0 and "accent marks" in out.output, out.output
    from sqlalchemy import select

    with Session(engine) as s:
        assert all(len(t) < 200 for t in s.scalars(select(Programme.title)))


def _today(factory: sessionmaker[Session], settings: Settings, world: World) -> None:
    """Today's slot on channel A holds the two hostile titles (written as old rows were)."""
    with factory() as s:
        channel = s.get(Channel, world.channel_a)
        assert channel is not None
        f.pattern(s, channel, weekdays="1234567", start=dt.time(0, 0), minutes=30)
        s.refresh(channel)
        today = local_date_of(utcnow(), settings.zone)
        sched = schedules.materialise_week(s, settings, channel.id, Week.of(today), "t")
        slot = min((sl for sl in sched.slots if sl.local_date == today), key=lambda x: x.starts_at)
        for title in (PILE, LONG):
            p = f.programme(s, title="x", seconds=300)
            p.title = title
            schedules.add_item(s, slot.id, p.id, "t")
        schedules.publish_week(s, sched.id, "t")
        s.commit()


@pytest.mark.browser
def test_hostile_titles_stay_in_their_box_at_360_px(
    app: Flask, world: World, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    _need_browser()
    _today(session_factory, settings, world)
    from playwright.sync_api import sync_playwright

    server, _wire, url = serve(app)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
            ctx = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
            page = ctx.new_page()
            page.goto(f"{url}/login?next=/station/")
            page.fill('input[name="username"]', "broadcaster")
            page.fill('input[name="password"]', PASSWORD)
            page.click('button[type="submit"]')
            page.wait_for_url("**/station/")
            boxes: list[dict[str, Any]] = page.evaluate(
                """() => [...document.querySelectorAll('.day.today .item .title')].map(e => {
                    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
                    return {left: r.left, right: r.right, height: r.height,
                            overflow: s.overflow, text: e.textContent.length};
                })"""
            )
            width = page.evaluate("() => document.documentElement.scrollWidth")
            browser.close()
    finally:
        server.shutdown()
    assert width <= 360  # nothing pushes the page sideways
    assert len(boxes) >= 2
    for box in boxes:
        assert box["left"] >= 0 and box["right"] <= 360, box
        assert box["overflow"] == "hidden" and box["height"] <= 120, box  # marks clipped
