"""The inbox page shows a user the worker's notices in their scope; admins see dead letters."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from content.db import utcnow
from scheduler.notify.models import Notification, OutboxMessage
from scheduler.notify.service import notify
from scheduler.notify.texts import render


def _digest(session, settings, world, unit_id, key):
    message = render(
        "weekly_digest",
        week="2026-W47",
        area="Tỉnh A",
        planned=3,
        aired=2,
        partial=0,
        not_aired=1,
        unconfirmed=0,
        unplanned=0,
    )
    notify(
        session,
        settings,
        event="weekly_digest",
        dedupe_key=key,
        role="planner",
        unit_id=unit_id,
        message=message,
        now=utcnow(),
    )


def test_inbox_shows_notices_in_scope(browser, world, session, settings):
    _digest(session, settings, world, world.province_a, "a")
    _digest(session, settings, world, world.province_b, "b")
    session.commit()
    assert browser.login("planner") == 302
    page = browser.get("/inbox")
    assert page.status_code == 200
    assert page.text.count("Tổng hợp phát sóng tuần 2026-W47") == 1  # province B's is not shown
    note_id = session.scalar(select(Notification.id).where(Notification.dedupe_key == "a"))
    session.commit()
    r = browser.post(f"/inbox/{note_id}/read")
    assert r.status_code == 302
    assert "Đã đọc" in browser.get("/inbox").text


def test_broadcaster_sees_nothing_for_planners(browser, world, session, settings):
    _digest(session, settings, world, world.province_a, "a")
    session.commit()
    browser.login("broadcaster")
    page = browser.get("/inbox")
    assert page.status_code == 200 and "Chưa có thông báo nào." in page.text


def test_admin_dead_letters(browser, world, session):
    session.add(
        OutboxMessage(
            dedupe_key="x",
            kind="webhook",
            target="http://h/1",
            event="e",
            payload={},
            state="dead",
            attempts=6,
            last_error="HTTP 500",
            next_attempt_at=utcnow() - dt.timedelta(hours=1),
        )
    )
    session.commit()
    browser.login("planner")
    assert browser.get("/admin/dead-letters").status_code == 403
    browser.post("/logout")
    browser.login("admin")
    page = browser.get("/admin/dead-letters")
    assert page.status_code == 200 and "HTTP 500" in page.text
    msg_id = session.scalar(select(OutboxMessage.id))
    session.commit()
    assert browser.post(f"/admin/dead-letters/{msg_id}/retry").status_code == 302
    empty = browser.get("/admin/dead-letters").text
    assert "Không có thư hay webhook nào gửi không thành công." in empty
