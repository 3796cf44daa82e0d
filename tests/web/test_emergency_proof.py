"""Proof of air: the live page per broadcast, its XLSX and DOCX, who may see them."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from content.db import utcnow
from content.models import Programme
from scheduler.config import Settings
from scheduler.emergency import airing
from scheduler.emergency import issue as ops
from scheduler.emergency.models import EmergencyDelivery
from tests import factories as f
from tests.emergency_helpers import with_audio
from tests.web.conftest import PASSWORD, Browser, World
from web import accounts


def _broadcast(session: Session, settings: Settings, world: World) -> int:
    """Province A with three stations: one aired by its device, one by a person, one waiting."""
    from scheduler.models import AdminUnit

    province = session.get(AdminUnit, world.province_a)
    for name in ("Xã Hai", "Xã Ba"):
        commune = f.unit(session, name, parent=province)
        f.channel(session, commune, active_from=dt.date(2025, 1, 1))
    programme = session.get(Programme, world.programme)
    assert programme is not None
    with_audio(session, programme)
    issued = utcnow() - dt.timedelta(minutes=5)
    req = ops.Request(world.programme, world.province_a, 10, title="Cảnh báo lũ quét",
                      reason="Mưa lớn kéo dài")  # fmt: skip
    b = ops.issue(session, settings, req, ops.Issuer("kehoach", "admin"), issued)
    rows = session.scalars(
        select(EmergencyDelivery).where(EmergencyDelivery.broadcast_id == b.id)
        .order_by(EmergencyDelivery.channel_id)
    ).all()  # fmt: skip
    airing.report_by_agent(session, rows[0].id, "aired", "agent:1", utcnow(),
                           at=issued + dt.timedelta(seconds=40), seconds=31)  # fmt: skip
    airing.confirm_by_person(session, rows[1].id, "phatthanh", utcnow(),
                             aired_at=issued + dt.timedelta(minutes=3))  # fmt: skip
    accounts.create_user(session, "planner_b", PASSWORD, "planner", "t", unit_id=world.province_b)
    session.commit()
    return b.id


def test_page_shows_every_station_grouped_by_commune(
    browser: Browser, world: World, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    with session_factory() as s:
        bid = _broadcast(s, settings, world)
    browser.login("supervisor")
    page = browser.get(f"/emergency/{bid}")
    assert page.status_code == 200
    html = page.text
    assert '<meta http-equiv="refresh"' in html
    for commune in ("Xã A", "Xã Hai", "Xã Ba"):
        assert f'<tr class="group"><th colspan="5">{commune}</th></tr>' in html
    assert html.count('data-state="aired"') == 2 and html.count('data-state="waiting"') == 1
    assert "agent:1 (thiết bị)" in html and "phatthanh (cán bộ)" in html
    assert "66.7%" in html  # two of three within the deadline
    listing = browser.get("/emergency/").text
    assert f"/emergency/{bid}" in listing and "2/3" in listing


def test_exports_list_every_station_with_times(
    browser: Browser, world: World, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    with session_factory() as s:
        bid = _broadcast(s, settings, world)
    browser.login("supervisor")
    book = browser.get(f"/emergency/{bid}/proof.xlsx")
    assert book.status_code == 200
    ws = load_workbook(io.BytesIO(book.data))["Kết quả phát tin"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 3
    assert sorted(r[2] for r in rows) == ["Chưa phát", "Đã phát", "Đã phát"]
    assert all(isinstance(r[4], dt.datetime) for r in rows if r[2] == "Đã phát")
    doc = Document(io.BytesIO(browser.get(f"/emergency/{bid}/report.docx").data))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "BÁO CÁO" in text and "Kết quả phát tin khẩn" in text
    assert "2 đài, trong đó 2 đài phát trong thời hạn" in text
    table = doc.tables[-2]  # the last one is the signature block
    assert [c.text for c in table.rows[0].cells][:3] == ["STT", "Xã", "Đài"]
    assert len(table.rows) == 4


def test_who_may_see_it(
    browser: Browser, world: World, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    with session_factory() as s:
        bid = _broadcast(s, settings, world)
    browser.login("planner_b")
    assert browser.get(f"/emergency/{bid}").status_code == 404
    assert browser.get(f"/emergency/{bid}/proof.xlsx").status_code == 404
    browser.get("/logout")
    b2 = Browser(browser.client)
    b2.login("broadcaster")
    assert b2.get(f"/emergency/{bid}").status_code == 403
