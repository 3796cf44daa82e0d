"""Station, supervisor and start pages render for their roles, with the right content."""

from __future__ import annotations

import re

from flask import Flask

from tests.web.conftest import Browser, World, bearer


def test_start_page_per_role(browser: Browser, world: World) -> None:
    browser.login("broadcaster")
    assert browser.get("/").headers["Location"] == "/station/"


def test_station_page_is_small_and_lists_the_week(
    browser: Browser, world: World, app: Flask
) -> None:
    browser.login("broadcaster")
    r = browser.get("/station/")
    assert r.status_code == 200
    html = r.text
    assert 'data-item="' in html or "Bản tin nông thôn mới" in html
    total = len(r.data)
    for asset in ("/static/station.css", "/static/queue.js", "/static/station.js"):
        total += len(browser.client.get(asset).data)
    assert total < 150 * 1024, total
    sw = browser.client.get("/station/sw.js")
    assert sw.status_code == 200 and sw.headers["Service-Worker-Allowed"] == "/station/"


def test_supervisor_heat_map_and_drill_down(
    browser: Browser, world: World, published: World, app: Flask
) -> None:
    client = app.test_client()
    client.post(
        f"/api/v1/items/{world.item_a}/confirmation",
        json={"status": "partial", "actual_duration_seconds": 240},
        headers=bearer(world, "broadcaster"),
    )
    browser.login("supervisor")
    period = str(world.week)
    page = browser.get(f"/supervise?period={period}").text
    assert "Xã A" in page and "Xã B" not in page
    assert "1 ~" in page  # one NTM airing: minimum met (target 2)
    assert f"Tuần {world.week.week} (" in page  # the period in words, not its ISO code
    week = browser.get(f"/supervise/channel/{world.channel_a}/week/{world.week}").text
    assert "Bản tin nông thôn mới" in week
    # the week's rule status, counted from what aired: one NTM airing of a minimum 1, target 2
    assert 'class="st-minimum_met"' in week and "1 / tối thiểu 1, mục tiêu 2" in week
    assert "Phát một phần: 4/10 phút" in week  # partial minutes of the programme's length
    assert "✓ Quy định 1" in week  # the programme the rule counted
    csv = browser.get(f"/supervise/export.csv?period={period}")
    assert csv.status_code == 200 and csv.data.startswith(b"\xef\xbb\xbf")
    text = csv.data.decode("utf-8-sig")
    assert text.startswith("Mã đài,Đài,Mã đơn vị,Đơn vị,Tuần ")
    assert "1 (đạt tối thiểu)" in text and "minimum_met" not in text
    assert "attachment" in csv.headers["Content-Disposition"]
    assert browser.get(f"/supervise/channel/{world.channel_b}").status_code == 404


def test_running_week_is_apart_and_never_missed(browser: Browser, world: World) -> None:
    browser.login("supervisor")
    this_week = world.week.shift(1)
    page = browser.get(f"/supervise?period={this_week}").text
    assert 'class="running"' in page and "đang diễn ra" in page
    assert 'class="st-running so-below_minimum"' in page  # nothing aired yet: not a miss
    assert ">0/0<" in page  # weeks met / weeks passed: the running week is not counted
    csv = browser.get(f"/supervise/export.csv?period={this_week}").data.decode("utf-8-sig")
    assert "0 (đang diễn ra: chưa đạt)" in csv  # counted so far, not judged
    assert csv.splitlines()[1].endswith(",0,0")


def test_period_picker_offers_periods_in_words(browser: Browser, world: World) -> None:
    browser.login("supervisor")
    page = browser.get("/supervise").text
    quarter = f"{world.week.thursday.year}-Q{(world.week.thursday.month - 1) // 3 + 1}"
    roman = {"1": "I", "2": "II", "3": "III", "4": "IV"}[quarter[-1]]
    assert f'<option value="{quarter}" selected>Quý {roman}/{quarter[:4]}</option>' in page
    assert "6 tháng" in page and "Năm " in page and 'name="from"' in page
    monday, sunday = world.week.monday, world.week.sunday
    ranged = browser.get(f"/supervise?kind=range&from={monday}&to={sunday}")
    assert (
        ranged.status_code == 200 and f"Từ {monday:%d/%m/%Y} đến {sunday:%d/%m/%Y}" in ranged.text
    )
    typed = browser.get(f"/supervise?kind=range&from={monday:%d/%m/%Y}&to={sunday:%d/%m/%Y}")
    assert f'value="{monday:%d/%m/%Y}"' in typed.text  # typed dd/mm/yyyy, whatever the locale
    assert f"Từ {monday:%d/%m/%Y} đến {sunday:%d/%m/%Y}" in typed.text
    bad = browser.get("/supervise?period=Q4-2026")
    assert bad.status_code == 422 and "không phải kỳ báo cáo" in bad.text
    assert browser.get("/supervise?kind=range&from=2026-12-01&to=2026-01-01").status_code == 422


def test_report_is_filed_kept_and_downloaded_as_filed(browser: Browser, world: World) -> None:
    import hashlib

    browser.login("supervisor")
    browser.get("/supervise")
    r = browser.post(
        "/supervise/reports", {"period": str(world.week), "unit": str(world.province_a)}
    )
    assert r.status_code == 303
    archive = browser.get("/supervise/reports").text
    assert "supervisor" in archive and "Tỉnh A" in archive
    links = sorted(set(re.findall(r'href="(/supervise/reports/\d+/(?:docx|xlsx))"', archive)))
    assert len(links) == 2
    for link in links:
        got = browser.get(link)
        assert got.status_code == 200 and got.data[:2] == b"PK"
        assert hashlib.sha256(got.data).hexdigest() in archive  # the hash shown is the file's
        assert "attachment" in got.headers["Content-Disposition"]
    again = browser.get(links[0]).data
    assert again == browser.get(links[0]).data
    assert browser.post("/supervise/reports", {"period": "Q4-2026"}).status_code == 422
    out = browser.post(
        "/supervise/reports", {"period": str(world.week), "unit": str(world.province_b)}
    )
    assert out.status_code == 404
