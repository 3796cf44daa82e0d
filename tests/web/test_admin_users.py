"""Admin changes a user's role, area and stations, picking stations by name (accents optional)."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from content.models import AuditEntry
from tests.web.conftest import PASSWORD, Browser, World
from web.models import User


def _user(factory: sessionmaker[Session], name: str) -> User:
    with factory() as s:
        user = s.scalar(select(User).where(User.username == name))
        assert user is not None
        s.expunge(user)
        return user


def _flash(html: str) -> str:
    found = re.findall(r'<p class="flash (\w+)" role="status">([^<]*)</p>', html)
    return " | ".join(f"{kind}: {text}" for kind, text in found)


def test_admin_gives_a_broadcaster_a_second_station_found_by_name(
    browser: Browser, world: World, session_factory: sessionmaker[Session]
) -> None:
    broadcaster = _user(session_factory, "broadcaster")
    browser.login("admin")
    page = browser.get(f"/admin/users/{broadcaster.id}?sq=xa+b").text  # no accents typed
    assert f'name="channel" value="{world.channel_a}" checked' in page  # the current one
    assert f'name="channel" value="{world.channel_b}">' in page and "Đài Xã B" in page
    r = browser.post(
        f"/admin/users/{broadcaster.id}",
        {
            "role": "broadcaster",
            "unit": "",
            "channel": [str(world.channel_a), str(world.channel_b)],
        },
    )
    assert r.status_code == 303
    assert _user(session_factory, "broadcaster").channel_ids == sorted(
        [world.channel_a, world.channel_b]
    )
    assert "ok: Đã cập nhật" in _flash(browser.get(r.headers["Location"]).text)
    with session_factory() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "user.scope"))
        assert entry is not None and entry.after["channels"] == sorted(
            [world.channel_a, world.channel_b]
        )
    other = Browser(browser.client.application.test_client())
    other.login("broadcaster")
    station = other.get("/station/").text
    assert "Đài Xã A" in station and "Đài Xã B" in station  # both in the chooser


def test_admin_makes_a_broadcaster_a_planner_of_a_province(
    browser: Browser, world: World, session_factory: sessionmaker[Session]
) -> None:
    broadcaster = _user(session_factory, "broadcaster")
    browser.login("admin")
    page = browser.get(f"/admin/users/{broadcaster.id}?uq=tinh+a").text
    assert f'name="unit" value="{world.province_a}">' in page
    r = browser.post(
        f"/admin/users/{broadcaster.id}",
        {"role": "planner", "unit": str(world.province_a), "channel": [str(world.channel_a)]},
    )
    assert r.status_code == 303
    user = _user(session_factory, "broadcaster")
    assert (user.role, user.unit_id, user.channel_ids) == ("planner", world.province_a, [])


def test_refusals_change_nothing_and_speak_one_language(
    browser: Browser, world: World, session_factory: sessionmaker[Session]
) -> None:
    broadcaster = _user(session_factory, "broadcaster")
    admin = _user(session_factory, "admin")
    browser.login("admin")
    cases = [
        (broadcaster.id, {"role": "broadcaster", "unit": ""}, "ít nhất một đài"),
        (broadcaster.id, {"role": "supervisor", "unit": ""}, "đơn vị hành chính"),
        (broadcaster.id, {"role": "boss", "unit": ""}, "boss"),
        (broadcaster.id, {"role": "broadcaster", "channel": ["999999"]}, "999999"),
        (admin.id, {"role": "planner", "unit": str(world.province_a)}, "quản trị"),
    ]
    for user_id, body, words in cases:
        r = browser.post(f"/admin/users/{user_id}", body)
        assert r.status_code == 303
        said = _flash(browser.get(r.headers["Location"]).text)
        assert said.startswith("error: ") and words in said, said
        assert not re.search(r"\b(the|needs|station|cannot)\b", said), said  # Vietnamese only
    assert _user(session_factory, "broadcaster").channel_ids == [world.channel_a]
    assert _user(session_factory, "admin").role == "admin"
    browser.post("/lang/en", {"next": "/admin/users"})
    r = browser.post(f"/admin/users/{broadcaster.id}", {"role": "broadcaster", "unit": ""})
    said = _flash(browser.get(r.headers["Location"]).text)
    assert said == "error: A broadcaster needs at least one station.", said
    bad = browser.client.get(f"/admin/users/{broadcaster.id}?sq=%E2%80%AEx")  # bidi override
    assert bad.status_code == 200 and "control character" in bad.text


def test_new_broadcaster_with_stations_given_by_name(
    browser: Browser, world: World, session_factory: sessionmaker[Session]
) -> None:
    browser.login("admin")
    r = browser.post(
        "/admin/users",
        {
            "username": "bt.xa.a",
            "role": "broadcaster",
            "password": PASSWORD,
            "channels": "dai xa a",
        },
    )
    assert r.status_code == 303
    assert _user(session_factory, "bt.xa.a").channel_ids == [world.channel_a]
    assert _flash(browser.get(r.headers["Location"]).text) == "ok: Đã tạo người dùng."
    r = browser.post(
        "/admin/users",
        {"username": "bt.nowhere", "role": "broadcaster", "password": PASSWORD, "channels": "Đài"},
    )
    said = _flash(browser.get(r.headers["Location"]).text)
    assert said == (
        "error: Chưa thực hiện được: “Đài” khớp với nhiều đài (Đài Xã A, Đài Xã B); "
        "hãy nhập cụ thể hơn."
    ), said


def test_station_ids_out_of_range_or_in_other_digits_are_no_station(
    browser: Browser, world: World, session_factory: sessionmaker[Session]
) -> None:
    browser.login("admin")
    for given in ("99999999999999999999", "²", "٣"):  # past INTEGER, superscript, Arabic-Indic
        r = browser.post(
            "/admin/users",
            {"username": "bt.far", "role": "broadcaster", "password": PASSWORD, "channels": given},
        )
        assert r.status_code == 303, (given, r.status_code)
        said = _flash(browser.get(r.headers["Location"]).text)
        assert said == f"error: Chưa thực hiện được: Không có đài nào khớp với “{given}”.", said
    with session_factory() as s:
        assert s.scalar(select(User.id).where(User.username == "bt.far")) is None
