"""Planner: the grid with rule status, page edits, and API edits guarded by ETag / If-Match."""

from __future__ import annotations

from flask import Flask

from tests.web.conftest import Browser, World, bearer


def _week(client, world: World, channel: int, role: str = "planner"):  # noqa: ANN202
    return client.get(
        f"/api/v1/channels/{channel}/schedule?week={world.week}", headers=bearer(world, role)
    )


def test_grid_shows_items_and_rule_status(browser: Browser, world: World) -> None:
    browser.login("planner")
    page = browser.get(f"/plan/{world.channel_a}?week={world.week}").text
    assert "Bản tin nông thôn mới" in page
    # one NTM item planned: the weekly NTM rule (minimum 1, target 2) is at minimum
    assert "st-minimum_met" in page
    # days are headed by their weekday, as planners read a schedule
    assert f"<th>Thứ Hai {world.week.monday:%d/%m/%Y}</th>" in page
    assert f"<th>Chủ nhật {world.week.sunday:%d/%m/%Y}</th>" in page
    overview = browser.get(f"/plan?week={world.week}").text
    assert "Đài Xã A" in overview and "Đài Xã B" not in overview


def test_page_add_move_remove_publish(browser: Browser, world: World, app: Flask) -> None:
    browser.login("planner")
    client = app.test_client()
    etag0 = _week(client, world, world.channel_a).headers["ETag"]
    version = etag0.strip('"').split("-v")[1]
    base = {"week": str(world.week), "version": version}
    r = browser.post(
        f"/plan/{world.channel_a}/add",
        {**base, "slot_id": world.slot_a, "programme_id": world.programme},
    )
    assert r.status_code == 303
    data = _week(client, world, world.channel_a).json
    items = data["slots"][0]["items"]
    assert len(items) == 2
    # a stale version is refused, never applied silently
    r = browser.post(f"/plan/{world.channel_a}/remove", {**base, "item_id": items[0]["id"]})
    assert r.status_code == 303
    assert len(_week(client, world, world.channel_a).json["slots"][0]["items"]) == 2
    version = str(data["version"])
    r = browser.post(
        f"/plan/{world.channel_a}/move",
        {"version": version, "item_id": items[1]["id"], "direction": "up"},
    )
    after = _week(client, world, world.channel_a).json
    assert after["slots"][0]["items"][0]["id"] == items[1]["id"]
    r = browser.post(
        f"/plan/{world.channel_a}/publish",
        {"week": str(world.week), "version": str(after["version"])},
    )
    assert _week(client, world, world.channel_a).json["state"] == "published"


def test_api_if_match(app: Flask, world: World) -> None:
    client = app.test_client()
    first = _week(client, world, world.channel_a)
    etag = first.headers["ETag"]
    url = f"/api/v1/channels/{world.channel_a}/schedule/items"
    body = {"slot_id": world.slot_a, "programme_id": world.programme}
    h = bearer(world, "planner")
    assert client.post(url, json=body, headers=h).status_code == 428
    ok = client.post(url, json=body, headers={**h, "If-Match": etag})
    assert ok.status_code == 201 and ok.headers["ETag"] != etag
    # a second planner still holding the old ETag gets a conflict
    stale = client.post(url, json=body, headers={**h, "If-Match": etag})
    assert stale.status_code == 412 and stale.mimetype == "application/problem+json"
    items = ok.json["slots"][0]["items"]
    moved = client.patch(
        f"/api/v1/items/{items[1]['id']}",
        json={"position": 0},
        headers={**h, "If-Match": ok.headers["ETag"]},
    )
    assert moved.status_code == 200
    assert moved.json["slots"][0]["items"][0]["id"] == items[1]["id"]
    gone = client.delete(
        f"/api/v1/items/{items[0]['id']}", headers={**h, "If-Match": moved.headers["ETag"]}
    )
    assert gone.status_code == 200 and len(gone.json["slots"][0]["items"]) == 1
    pub = client.post(
        f"/api/v1/channels/{world.channel_a}/schedule/publish?week={world.week}",
        headers={**h, "If-Match": gone.headers["ETag"]},
    )
    assert pub.status_code == 200 and pub.json["state"] == "published"


def test_api_copy_week(app: Flask, world: World) -> None:
    client = app.test_client()
    h = bearer(world, "planner")
    nxt = world.week.shift(1)
    r = client.post(
        f"/api/v1/channels/{world.channel_a}/schedule/copy?week={nxt}",
        json={"from_week": str(world.week)},
        headers=h,
    )
    assert r.status_code == 200 and r.json["copied"] == 1
    assert r.json["schedule"]["state"] == "draft"
