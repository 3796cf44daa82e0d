"""The week grid's endpoints: edits with If-Match, the library panel, the area page's actions."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from scheduler import schedules
from scheduler.config import Settings
from scheduler.models import AdminUnit, ScheduledItem, Slot, WeekSchedule
from tests import factories as f
from tests.web.conftest import Browser, World


@pytest.fixture
def grid(session_factory: sessionmaker[Session], settings: Settings, world: World) -> dict:
    """Next-but-one week of channel A created, and a library with accents, types and lengths."""
    week = world.week.shift(2)
    with session_factory() as s:
        sched = schedules.materialise_week(s, settings, world.channel_a, week, "t")
        lib = {
            "ntm": f.programme(s, "Bản tin Nông thôn mới tháng Mười", ("ntm",), seconds=300).id,
            "dao": f.programme(s, "Phổ biến pháp luật đất đai", ("phap_luat",), "chuyen_muc",
                               seconds=420).id,
            "long": f.programme(s, "Phim tài liệu Đường Hồ Chí Minh", ("du_lich",),
                                "phim_tai_lieu", seconds=2400).id,
        }  # fmt: skip
        s.commit()
        slots = [sl.id for sl in sched.slots]
    return {"week": week, "slots": slots, **lib}


def _etag(browser: Browser, world: World, week) -> str:  # noqa: ANN001
    r = browser.get(f"/plan/{world.channel_a}/week?week={week}")
    assert r.status_code == 200
    return r.headers["ETag"]


def _edit(browser: Browser, world: World, body: dict, etag: str | None):  # noqa: ANN202
    headers = {"X-CSRF-Token": browser.csrf}
    if etag is not None:
        headers["If-Match"] = etag
    return browser.client.post(f"/plan/{world.channel_a}/edit", json=body, headers=headers)


def _items(factory: sessionmaker[Session], world: World, week) -> list[tuple[int, int, int]]:  # noqa: ANN001
    with factory() as s:
        rows = s.execute(
            select(Slot.id, ScheduledItem.position, ScheduledItem.programme_id)
            .join(ScheduledItem)
            .join(WeekSchedule)
            .where(WeekSchedule.channel_id == world.channel_a, WeekSchedule.week_key == week.key)
            .order_by(Slot.starts_at, ScheduledItem.position)
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_edits_answer_the_week_and_guard_against_stale_versions(
    browser: Browser, world: World, grid: dict, session_factory: sessionmaker[Session]
) -> None:
    browser.login("planner")
    week, slots = grid["week"], grid["slots"]
    browser.get(f"/plan/{world.channel_a}?week={week}")
    etag = _etag(browser, world, week)
    # No If-Match: refused before anything is written.
    r = _edit(browser, world, {"op": "add", "slot_id": slots[0], "programme_id": grid["ntm"]}, None)
    assert r.status_code == 428 and not _items(session_factory, world, week)
    r = _edit(browser, world, {"op": "add", "slot_id": slots[0], "programme_id": grid["ntm"]}, etag)
    assert r.status_code == 200 and r.json["etag"] != etag and r.headers["ETag"] == r.json["etag"]
    assert 'data-status="minimum_met"' in r.json["html"]  # the rule status, re-rendered
    assert "5/30′" in r.json["html"]  # the slot's fill
    assert r.json["message"] == "Đã thêm chương trình."
    fresh = r.json["etag"]
    # A second planner still holding the first ETag gets the week as it now is, and 412.
    stale = _edit(browser, world, {"op": "add", "slot_id": slots[1], "programme_id": grid["dao"]},
                  etag)  # fmt: skip
    assert stale.status_code == 412 and stale.json["code"] == "version_conflict"
    assert "Người khác vừa sửa lịch tuần này" in stale.json["message"]
    assert stale.json["etag"] == fresh and "Nông thôn mới tháng Mười" in stale.json["html"]
    assert _items(session_factory, world, week) == [(slots[0], 0, grid["ntm"])]
    # Over-length is refused with the reason, in the page's language; nothing changes.
    long = _edit(browser, world, {"op": "add", "slot_id": slots[1], "programme_id": grid["long"]},
                 fresh)  # fmt: skip
    assert long.status_code == 422 and long.json["code"] == "programme.length", long.json
    assert "2400" in long.json["message"] and "1800" in long.json["message"]
    # Move between slots, then back before the other item; remove.
    item = _items_ids(session_factory, world, week)[0]
    moved = _edit(browser, world, {"op": "move", "item_id": item, "slot_id": slots[2]}, fresh)
    assert moved.status_code == 200
    assert _items(session_factory, world, week) == [(slots[2], 0, grid["ntm"])]
    added = _edit(browser, world, {"op": "add", "slot_id": slots[2], "programme_id": grid["dao"]},
                  moved.json["etag"])  # fmt: skip
    ids = _items_ids(session_factory, world, week)
    back = _edit(browser, world, {"op": "move", "item_id": ids[1], "slot_id": slots[2],
                                  "position": 0}, added.json["etag"])  # fmt: skip
    assert back.status_code == 200
    assert _items(session_factory, world, week) == [
        (slots[2], 0, grid["dao"]),
        (slots[2], 1, grid["ntm"]),
    ]
    gone = _edit(browser, world, {"op": "remove", "item_id": ids[0]}, back.json["etag"])
    assert gone.status_code == 200
    assert _items(session_factory, world, week) == [(slots[2], 0, grid["dao"])]


def _items_ids(factory: sessionmaker[Session], world: World, week) -> list[int]:  # noqa: ANN001
    with factory() as s:
        return list(
            s.scalars(
                select(ScheduledItem.id)
                .join(Slot)
                .join(WeekSchedule)
                .where(WeekSchedule.channel_id == world.channel_a,
                       WeekSchedule.week_key == week.key)
                .order_by(Slot.starts_at, ScheduledItem.position)
            )
        )  # fmt: skip


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"op": "explode"},
        {"op": "add", "slot_id": "x", "programme_id": 1},
        {"op": "add", "slot_id": 99999999999, "programme_id": 1},
        {"op": "add", "slot_id": True, "programme_id": 1},
        {"op": "move", "item_id": 999999, "slot_id": 1},
        {"op": "remove", "item_id": -1},
        {"op": "add", "slot_id": "1\x00", "programme_id": "1"},
    ],
)
def test_bad_edits_are_refused_without_a_500(
    browser: Browser, world: World, grid: dict, body: dict
) -> None:
    browser.login("planner")
    browser.get(f"/plan/{world.channel_a}?week={grid['week']}")
    r = _edit(browser, world, body, _etag(browser, world, grid["week"]))
    assert 400 <= r.status_code < 500, (body, r.status_code)
    # another station's slot is not this station's
    other = _edit(browser, world, {"op": "add", "slot_id": world.slot_a + 100, "programme_id": 1},
                  "*")  # fmt: skip
    assert 400 <= other.status_code < 500


def test_library_search_is_accent_insensitive_with_filters(
    browser: Browser, world: World, grid: dict
) -> None:
    browser.login("planner")
    url = f"/plan/{world.channel_a}/library?week={grid['week']}"
    page = browser.get(url + "&q=NONG+THON+moi+thang+muoi").text
    assert "Bản tin Nông thôn mới tháng Mười" in page and "Phim tài liệu" not in page
    assert "đường hồ" not in browser.get(url + "&q=duong+ho&type=tin").text.lower()
    assert "Đường Hồ Chí Minh" in browser.get(url + "&q=duong+ho").text
    fits = browser.get(url + "&fits=1").text  # 30-minute slots: the 40-minute film is out
    assert "Phim tài liệu" not in fits and "Phổ biến pháp luật" in fits
    topic = browser.get(url + "&topic=phap_luat").text
    assert "Phổ biến pháp luật" in topic and "Nông thôn mới tháng" not in topic
    long = browser.get(url + "&duration=long").text
    assert "Phim tài liệu" in long and "Phổ biến pháp luật" not in long
    # "Not aired here within 4 weeks": last week's programme is out, and marked where shown
    everything = browser.get(url + "&q=ban+tin+nong+thon+moi").text
    assert "Bản tin nông thôn mới" in everything and "có ở tuần" in everything
    fresh = browser.get(url + "&q=ban+tin+nong+thon+moi&fresh=4").text
    assert "Bản tin nông thôn mới</span>" not in fresh
    assert browser.get(url + "&q=%01").status_code == 422  # control characters at the door
    assert browser.get(url + "&page=99999").status_code == 200


def test_buttons_only_for_allowed_actions(
    browser: Browser, world: World, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    browser.login("planner")
    page = browser.get(f"/plan/{world.channel_a}?week={world.week.shift(3)}").text
    assert 'id="create-week"' in page and 'id="publish"' not in page
    assert 'id="copy-week"' not in page  # the previous week is empty: nothing to copy
    with session_factory() as s:
        sched = schedules.get_week(s, world.channel_a, world.week)
        schedules.publish_week(s, sched.id, "t")
        s.commit()
    page = browser.get(f"/plan/{world.channel_a}?week={world.week}").text
    for button in ("create-week", "copy-week", "autoplan", "publish"):
        assert f'id="{button}"' not in page, button  # published: amend by hand only
    assert "Đặt vào đây" in page  # ... which stays possible
    nxt = browser.get(f"/plan/{world.channel_a}?week={world.week.shift(1)}").text
    assert 'id="copy-week"' in nxt and 'id="create-week"' in nxt
    # The area: the published week leaves nothing to plan or publish
    area = browser.get(f"/plan?week={world.week}").text
    assert 'id="autoplan-area"' not in area and 'id="publish-all"' not in area


def test_area_page_shows_causes_and_acts_on_the_whole_area(
    browser: Browser, world: World, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    with session_factory() as s:
        province = s.get(AdminUnit, world.province_a)
        for n in range(3):
            unit = f.unit(s, f"Xã Phụ {n}", parent=province, code=f"9170{n}")
            ch = f.channel(s, unit, name=f"Đài Xã Phụ {n}", active_from=dt.date(2025, 1, 1))
            f.pattern(s, ch, "1234567", dt.time(6, 0), 30)
        hmong = f.unit(s, "Xã Mông", parent=province, code="91799")
        mong = f.channel(s, hmong, languages=("vi", "hmn"), name="Đài Xã Mông",
                         active_from=dt.date(2025, 1, 1))  # fmt: skip
        f.pattern(s, mong, "1234567", dt.time(6, 0), 30)
        s.commit()
    browser.login("planner")
    week = world.week.shift(1)
    page = browser.get(f"/plan?week={week}").text
    assert "chưa tạo khung lịch tuần" in page  # the cause, while nothing exists
    assert 'id="create-area"' in page and 'id="publish-all"' not in page
    r = browser.post("/plan/area/create", {"week": str(week)})
    assert r.status_code == 303
    page = browser.get(f"/plan?week={week}").text
    assert "Đã tạo khung lịch tuần cho 5 đài." in page
    assert "chưa xếp lịch: thư viện có chương trình phù hợp" in page
    assert "không có chương trình bằng tiếng H&#39;Mông" in page  # a real cause, named
    r = browser.post("/plan/area/copy", {"week": str(week)})  # last week had channel A's item
    page = browser.get(f"/plan?week={week}").text
    assert "Đã chép 1 chương trình từ tuần trước." in page
    with session_factory() as s:
        ids = list(s.scalars(select(WeekSchedule.channel_id).where(
            WeekSchedule.week_key == week.key)))  # fmt: skip
    chosen = ids[:2]
    browser.post("/plan/area/publish", {"week": str(week), "scope": "chosen",
                                        "channel_id": [str(c) for c in chosen]})  # fmt: skip
    with session_factory() as s:
        states = dict(s.execute(select(WeekSchedule.channel_id, WeekSchedule.state).where(
            WeekSchedule.week_key == week.key)).all())  # fmt: skip
    assert [states[c] for c in chosen] == ["published", "published"]
    assert sorted(states.values()).count("draft") == len(ids) - 2
    r = browser.post("/plan/area/publish", {"week": str(week), "scope": "chosen"})
    assert "Hãy chọn các đài cần công bố." in browser.get(f"/plan?week={week}").text
    browser.post("/plan/area/publish", {"week": str(week), "scope": "all"})
    with session_factory() as s:
        left = s.scalars(select(WeekSchedule.state).where(WeekSchedule.week_key == week.key))
        assert set(left) == {"published"}
    # Out of the area: channel B's week is untouched, never published from here
    with session_factory() as s:
        assert schedules.get_week(s, world.channel_b, week) is None
