"""The station page as served: today marked, what is left counted, Vietnamese date and time
fields whatever the phone's locale, sign-out and language; compressed, cached, light."""

from __future__ import annotations

import datetime as dt
import gzip
import re

from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from content.db import utcnow
from scheduler import airings, schedules
from scheduler.config import Settings
from scheduler.models import Channel
from scheduler.periods import Week, local_date_of
from tests import factories as f
from tests.web.conftest import Browser, World, bearer


def _today_items(factory: sessionmaker[Session], settings: Settings, world: World) -> list[int]:
    """Two items in today's 00:00 slot of channel A (always past), the first confirmed."""
    with factory() as s:
        channel = s.get(Channel, world.channel_a)
        assert channel is not None
        f.pattern(s, channel, weekdays="1234567", start=dt.time(0, 0), minutes=20)
        s.refresh(channel)
        today = local_date_of(utcnow(), settings.zone)
        sched = schedules.materialise_week(s, settings, channel.id, Week.of(today), "t")
        slot = min(
            (sl for sl in sched.slots if sl.local_date == today), key=lambda sl: sl.starts_at
        )
        p = f.programme(s, title="Bản tin y tế xã", topics=("y_te",), seconds=300)
        ids = [schedules.add_item(s, slot.id, p.id, "t").id for _ in range(2)]
        schedules.publish_week(s, sched.id, "t")  # broadcasters see published weeks only
        airings.confirm_item(s, settings, ids[0], "aired", "broadcaster")
        s.commit()
    return ids


def test_today_is_marked_and_what_is_left_is_counted(
    browser: Browser, world: World, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    done, left = _today_items(session_factory, settings, world)
    browser.login("broadcaster")
    html = browser.get("/station/").text
    today = local_date_of(utcnow(), settings.zone)
    day = re.search(
        rf'<details class="day today[^"]*" data-day="{today}" open>(.*?)</details>', html, re.S
    )
    assert day, "today's day is marked and open"
    assert "còn 1 chưa xác nhận" in day.group(1)
    assert f'data-item="{done}" data-seconds="300" data-s="aired"' in html
    assert f'data-item="{left}" data-seconds="300" data-s=""' in html
    assert re.search(r'<span id="week-left" class="left">còn \d+ chưa xác nhận</span>', html)


def test_sign_out_language_and_vietnamese_time_fields(browser: Browser, world: World) -> None:
    browser.login("broadcaster")
    html = browser.get("/station/").text
    assert 'action="/logout"' in html and "Đăng xuất" in html
    assert 'action="/lang/en"' in html and ">English</button>" in html
    assert "datetime-local" not in html  # the phone's locale would write the date its way
    assert re.search(
        r'<input name="time" value="([01]\d|2[0-3]):[0-5]\d" inputmode="numeric"', html
    )
    assert re.search(r'<option value="\d{4}-\d\d-\d\d">Thứ \w+ \d\d/\d\d/\d{4}</option>', html)
    browser.post("/lang/en", {"next": "/station/"})
    english = browser.get("/station/").text
    assert "Sign out" in english and ">Tiếng Việt</button>" in english
    assert "Đăng xuất" not in english and "chưa xác nhận" not in english


def test_responses_are_compressed_and_static_files_cached_by_version(
    browser: Browser, world: World, app: Flask
) -> None:
    browser.login("broadcaster")
    plain = browser.get("/station/")
    packed = browser.client.get("/station/", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data).decode().startswith("<!doctype html>")
    assert len(packed.data) < len(plain.data) / 3
    versioned = re.search(r'href="(/static/station.css\?v=[0-9a-f]{10})"', plain.text)
    assert versioned
    css = browser.client.get(versioned.group(1))
    assert css.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert browser.client.get("/static/station.css").headers["Cache-Control"] == "no-cache"
    assert browser.client.get("/static/station.css?v=old").headers["Cache-Control"] == "no-cache"
    icon = browser.client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.data[:4] == b"\x00\x00\x01\x00"
    sw = browser.client.get("/station/sw.js")
    assert "/*" + "SHELL" not in sw.text and versioned.group(1) in sw.text
    assert re.search(r'importScripts\("/static/queue.js\?v=[0-9a-f]{10}"\)', sw.text)
    again = browser.client.get("/station/sw.js", headers={"If-None-Match": sw.headers["ETag"]})
    assert again.status_code == 304


def test_api_etags_survive_compression(app: Flask, world: World) -> None:
    """If-Match needs the ETag the API gave, whatever the coding of the answer."""
    client = app.test_client()
    h = {**bearer(world, "planner"), "Accept-Encoding": "gzip, br"}
    url = f"/api/v1/channels/{world.channel_a}/schedule?week={world.week}"
    week = client.get(url, headers=h)
    assert re.fullmatch(r'"s\d+-v\d+"', week.headers["ETag"])
    body = {"slot_id": world.slot_a, "programme_id": world.programme}
    ok = client.post(
        f"/api/v1/channels/{world.channel_a}/schedule/items?week={world.week}",
        json=body,
        headers={**h, "If-Match": week.headers["ETag"]},
    )
    assert ok.status_code == 201, ok.data[:300]
