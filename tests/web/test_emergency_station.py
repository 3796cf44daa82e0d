"""Stations without an agent: the broadcast on the station page, one-tap confirmation, notices."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from content.db import utcnow
from content.models import Programme
from scheduler.config import Recipient, Settings, Webhook
from scheduler.emergency import issue as ops
from scheduler.emergency.models import EmergencyDelivery
from scheduler.emergency.watch import watch
from scheduler.notify.models import Notification, OutboxMessage
from tests.emergency_helpers import with_audio
from tests.web.conftest import Browser, World


def _issue(session: Session, settings: Settings, world: World, minutes: int = 10) -> int:
    programme = session.get(Programme, world.programme)
    assert programme is not None
    with_audio(session, programme)
    req = ops.Request(world.programme, world.province_a, minutes, title="Cảnh báo lũ quét")
    b = ops.issue(session, settings, req, ops.Issuer("kehoach", "admin"), utcnow())
    session.commit()
    return b.id


def test_station_page_shows_it_in_red_and_confirms_in_one_tap(
    browser: Browser, world: World, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    with session_factory() as s:
        bid = _issue(s, settings, world)
    browser.login("broadcaster")
    page = browser.get(f"/station/?channel={world.channel_a}")
    assert page.status_code == 200
    html = page.text
    assert 'class="emergency"' in html and "TIN KHẨN" in html and "Cảnh báo lũ quét" in html
    assert html.index('class="emergency"') < html.index("Lịch phát sóng tuần")  # at the top
    assert f"/media/programmes/{world.programme}" in html  # its player
    with session_factory() as s:
        d = s.scalar(select(EmergencyDelivery).where(EmergencyDelivery.broadcast_id == bid))
        assert d is not None and d.state == "waiting"
        delivery_id = d.id
    r = browser.post(f"/emergency/deliveries/{delivery_id}/aired")
    assert r.status_code == 302
    with session_factory() as s:
        d = s.get(EmergencyDelivery, delivery_id)
        assert d is not None
        assert (d.state, d.aired_via, d.aired_by) == ("aired", "person", "broadcaster")
    again = browser.get(f"/station/?channel={world.channel_a}").text
    assert "Đã phát lúc" in again and 'action="/emergency/deliveries' not in again


def test_another_station_cannot_confirm(
    browser: Browser, world: World, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    with session_factory() as s:
        programme = s.get(Programme, world.programme)
        assert programme is not None
        with_audio(s, programme)
        req = ops.Request(world.programme, world.province_b, 10)
        ops.issue(s, settings, req, ops.Issuer("root", "admin"), utcnow())
        s.commit()
        other = s.scalar(select(EmergencyDelivery.id))
    browser.login("broadcaster")
    assert browser.post(f"/emergency/deliveries/{other}/aired").status_code == 404
    with session_factory() as s:
        d = s.get(EmergencyDelivery, other)
        assert d is not None and d.state == "waiting"


def test_notices_reminder_escalation_deadline_and_expiry(
    world: World, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    hooked = dataclasses.replace(
        settings,
        notifications=dataclasses.replace(
            settings.notifications,
            smtp_host="mail.invalid",
            recipients=(Recipient(role="supervisor", email="sat@example.org", unit="91"),),
            webhooks=(Webhook(url="https://sms.example.org/hook"),),
        ),
    )
    with session_factory() as s:
        bid = _issue(s, hooked, world, minutes=30)
        start = utcnow()
        first = watch(s, hooked, start)
        assert first["issued"] == 1  # province A has one station
        note = s.scalar(select(Notification).where(Notification.event == "emergency.issued"))
        assert note is not None and note.channel_id == world.channel_a
        assert note.role == "broadcaster" and "KHẨN" in note.subject_vi
        hooks = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "webhook")).all()
        assert [h.event for h in hooks] == ["emergency.issued"]
        assert hooks[0].payload["data"]["broadcast_id"] == bid
        assert watch(s, hooked, start + dt.timedelta(minutes=1))["issued"] == 0  # told once
        later = start + dt.timedelta(minutes=settings.emergency.remind_after_minutes, seconds=1)
        assert watch(s, hooked, later)["reminded"] == 1
        assert watch(s, hooked, later)["reminded"] == 0
        half = start + dt.timedelta(minutes=15, seconds=1)
        assert watch(s, hooked, half)["escalated"] == 1
        events = s.scalars(
            select(Notification.role).where(Notification.event == "emergency.escalated")
        ).all()
        assert sorted(events) == ["broadcaster", "planner"]
        assert watch(s, hooked, half)["escalated"] == 0
        after = start + dt.timedelta(minutes=31)
        assert watch(s, hooked, after)["deadline_lists"] == 1
        assert watch(s, hooked, after)["deadline_lists"] == 0
        listed = s.scalar(select(Notification).where(Notification.event == "emergency.deadline"))
        assert listed is not None and listed.role == "supervisor"
        assert listed.unit_id == world.province_a and "Đài Xã A" in listed.body_vi
        mails = s.scalars(select(OutboxMessage.target).where(OutboxMessage.kind == "email"))
        assert list(mails) == ["sat@example.org"]
        expired = start + dt.timedelta(hours=settings.emergency.expiry_hours, minutes=1)
        assert watch(s, hooked, expired)["no_answer"] == 1
        d = s.scalar(select(EmergencyDelivery))
        assert d is not None and d.state == "no_answer"
        s.commit()


def test_a_first_pass_after_half_the_deadline_escalates_at_once(
    world: World, session_factory: sessionmaker[Session], settings: Settings
) -> None:
    with session_factory() as s:
        _issue(s, settings, world, minutes=30)
        late = utcnow() + dt.timedelta(minutes=16)  # the worker was down until past half
        counts = watch(s, settings, late)
        assert (counts["issued"], counts["escalated"]) == (1, 1)
        roles = s.scalars(
            select(Notification.role).where(Notification.event == "emergency.escalated")
        ).all()
        assert sorted(roles) == ["broadcaster", "planner"]
        assert watch(s, settings, late)["escalated"] == 0
        s.commit()
