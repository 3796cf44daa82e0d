"""The airing log: confirmations are idempotent, audited, validated; unplanned airings."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from content.models import AuditEntry
from scheduler import airings, schedules
from scheduler.config import LocaleSettings
from scheduler.errors import Invalid, NotFound
from scheduler.models import Airing
from scheduler.periods import Week
from tests import factories as f
from web import confirmation

W48 = Week(2026, 48)
LATER = dt.datetime(2026, 12, 31, tzinfo=dt.UTC)


@pytest.fixture
def planned(session: Session, settings):
    """A station with one published week holding two programmes in its first slot."""
    commune = f.unit(session, "Xã Tân Kim")
    ch = f.channel(session, commune)
    f.pattern(session, ch, "1234567", dt.time(6, 0), 30)
    week = schedules.materialise_week(session, settings, ch.id, W48, "planner")
    p1 = f.programme(session, "Tin NTM", seconds=600)
    p2 = f.programme(session, "Phóng sự OCOP", topics=("ocop",), seconds=900)
    i1 = schedules.add_item(session, week.slots[0].id, p1.id, "planner")
    i2 = schedules.add_item(session, week.slots[0].id, p2.id, "planner")
    schedules.publish_week(session, week.id, "planner")
    session.commit()
    return ch, week, i1, i2


def count(session: Session, model=Airing) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_confirm_creates_one_airing_and_repeat_is_a_noop(session, settings, planned):
    ch, week, i1, i2 = planned
    a, created = airings.confirm_item(session, settings, i1.id, "aired", "bt", now=LATER)
    assert created and a.duration_seconds == 600
    assert a.started_at == week.slots[0].starts_at
    b, created2 = airings.confirm_item(session, settings, i1.id, "aired", "bt", now=LATER)
    assert not created2 and b.id == a.id
    session.commit()
    assert count(session) == 1
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "airing"))
    assert sorted(actions) == ["airing.confirm", "airing.confirm.repeat"]


def test_changed_confirmation_updates_and_is_audited(session, settings, planned):
    ch, week, i1, i2 = planned
    airings.confirm_item(session, settings, i2.id, "aired", "bt", now=LATER)
    a, created = airings.confirm_item(
        session, settings, i2.id, "partial", "bt", duration_seconds=300, now=LATER
    )
    assert not created and a.status == "partial" and a.duration_seconds == 300
    # The second item starts after the first (10 minutes into the slot).
    assert a.started_at == week.slots[0].starts_at + dt.timedelta(minutes=10)
    session.commit()
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "airing.confirm.update"))
    assert entry.before["status"] == "aired" and entry.after["status"] == "partial"


@pytest.mark.parametrize(
    ("status", "kwargs", "code"),
    [
        ("not_aired", {}, "airing.reason.missing"),
        ("not_aired", {"reason_code": "bao"}, "airing.reason.unknown"),
        ("not_aired", {"reason_code": "khac"}, "airing.reason.text"),
        ("partial", {}, "airing.duration.missing"),
        ("partial", {"duration_seconds": 10_000}, "airing.duration.range"),
        ("maybe", {}, "airing.status"),
    ],
)
def test_bad_confirmations_are_refused(session, settings, planned, status, kwargs, code):
    ch, week, i1, i2 = planned
    with pytest.raises(Invalid) as err:
        airings.confirm_item(session, settings, i1.id, status, "bt", now=LATER, **kwargs)
    assert err.value.code == code
    session.rollback()
    assert count(session) == 0


def test_not_aired_with_reason(session, settings, planned):
    ch, week, i1, i2 = planned
    a, _ = airings.confirm_item(
        session, settings, i1.id, "not_aired", "bt", reason_code="mat_dien", now=LATER
    )
    assert a.duration_seconds == 0 and a.reason_code == "mat_dien"


def test_confirmation_for_another_channel_is_refused(session, settings, planned):
    ch, week, i1, i2 = planned
    other = f.channel(session, f.unit(session, "Xã Khác"))
    with pytest.raises(Invalid) as err:
        airings.confirm_item(session, settings, i1.id, "aired", "bt", channel_id=other.id)
    assert err.value.code == "airing.wrong_channel"
    with pytest.raises(NotFound):
        airings.confirm_item(session, settings, 12345, "aired", "bt")


def test_future_slot_cannot_be_confirmed_aired(session, settings, planned):
    ch, week, i1, i2 = planned
    before = week.slots[0].starts_at - dt.timedelta(hours=2)
    with pytest.raises(Invalid) as err:
        airings.confirm_item(session, settings, i1.id, "aired", "bt", now=before)
    assert err.value.code == "airing.future"


def test_airing_at_2330_local_belongs_to_the_local_date(session, settings, planned):
    ch, week, i1, i2 = planned
    p = f.programme(session, "Tối")
    # 23:30 on Sunday 29/11 in Vietnam is 16:30 UTC the same day; week 48 either way,
    # but 23:30 on Sunday 29/11 in UTC-terms would be Monday in Vietnam for 17:30 UTC.
    start = dt.datetime(2026, 11, 29, 16, 30, tzinfo=dt.UTC)
    a, _ = airings.log_unplanned(session, settings, ch.id, p.id, "bt", started_at=start, now=LATER)
    assert a.local_date == dt.date(2026, 11, 29) and a.week_key == 202648
    start = dt.datetime(2026, 11, 29, 17, 30, tzinfo=dt.UTC)  # 00:30 Monday local
    b, _ = airings.log_unplanned(session, settings, ch.id, p.id, "bt", started_at=start, now=LATER)
    assert b.local_date == dt.date(2026, 11, 30) and b.week_key == 202649


def test_unplanned_with_client_ref_is_idempotent(session, settings, planned):
    ch, week, i1, i2 = planned
    p = f.programme(session)
    start = dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.UTC)
    a, c1 = airings.log_unplanned(
        session, settings, ch.id, p.id, "bt", started_at=start, client_ref="abc", now=LATER
    )
    b, c2 = airings.log_unplanned(
        session, settings, ch.id, p.id, "bt", started_at=start, client_ref="abc", now=LATER
    )
    assert c1 and not c2 and a.id == b.id and a.unplanned
    with pytest.raises(Invalid):
        airings.log_unplanned(
            session, settings, ch.id, p.id, "bt", started_at=start.replace(tzinfo=None)
        )


def test_unconfirmed_items_are_derived(session, settings, planned):
    ch, week, i1, i2 = planned
    now = week.slots[1].starts_at + dt.timedelta(minutes=1)
    assert {i.id for i in airings.unconfirmed_items(session, [ch.id], now)} == {i1.id, i2.id}
    airings.confirm_item(session, settings, i1.id, "aired", "bt", now=now)
    assert [i.id for i in airings.unconfirmed_items(session, [ch.id], now)] == [i2.id]
    early = week.slots[0].starts_at - dt.timedelta(minutes=1)
    assert airings.unconfirmed_items(session, [ch.id], early) == []


def test_dst_zone_slots_keep_local_wall_time(session, settings):
    berlin = dataclasses.replace(settings, locale=LocaleSettings(timezone="Europe/Berlin"))
    ch = f.channel(session, f.unit(session))
    f.pattern(session, ch, "1234567", dt.time(6, 0), 30)
    # 2026-W13 contains Sunday 29 March 2026, when Berlin moves from UTC+1 to UTC+2.
    week = schedules.materialise_week(session, berlin, ch.id, Week(2026, 13), "p")
    utc_hours = [s.starts_at.hour for s in week.slots]
    assert utc_hours == [5, 5, 5, 5, 5, 5, 4]
    assert all(s.starts_at.astimezone(berlin.zone).hour == 6 for s in week.slots)


def _confirm_then_commit(s, settings, item_id, status, actor, **kw):
    out = airings.confirm_item(s, settings, item_id, status, actor, **kw)
    s.commit()
    return out


@pytest.mark.parametrize("op", [_confirm_then_commit, confirmation.confirm_and_commit])
def test_twenty_threads_confirming_the_same_item(engine, session_factory, settings, planned, op):
    """Concurrent confirmations of one item leave exactly one airing; every attempt audited."""
    ch, week, i1, i2 = planned
    barrier = threading.Barrier(20)
    errors: list[BaseException] = []
    created: list[bool] = []

    def confirm(n: int) -> None:
        try:
            with session_factory() as s:
                barrier.wait(timeout=30)
                status = "aired" if n % 2 else "partial"
                _, was_created = op(
                    s,
                    settings,
                    i1.id,
                    status,
                    f"user{n}",
                    duration_seconds=None if status == "aired" else 120,
                    now=LATER,
                )
                created.append(was_created)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=confirm, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(created) == [False] * 19 + [True]
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Airing)) == 1
        attempts = s.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.entity == "airing", AuditEntry.action.like("airing.confirm%"))
        )
        assert attempts == 20


def _airing_and_audit(session: Session) -> tuple[dict, list[tuple]]:
    """The one airing (without id and confirmation time) and its audit entries' content."""
    a = session.scalars(select(Airing)).one()
    row = {c.key: getattr(a, c.key) for c in Airing.__table__.columns}
    for key in ("id", "confirmed_at"):
        del row[key]
    entries = session.execute(
        select(AuditEntry.actor, AuditEntry.action, AuditEntry.entity, AuditEntry.after)
        .where(AuditEntry.entity == "airing")
        .order_by(AuditEntry.id)
    ).all()
    return row, [tuple(e) for e in entries]


@pytest.mark.parametrize(
    ("status", "kwargs"),
    [
        ("aired", {}),
        ("partial", {"duration_seconds": 120, "reason_code": "mat_dien"}),
        ("not_aired", {"reason_code": "khac", "reason_text": "Loa hỏng"}),
        ("aired", {"started_at": dt.datetime(2026, 11, 23, 0, 45, tzinfo=dt.UTC)}),
    ],
)
def test_confirm_and_commit_writes_what_confirm_item_writes(
    engine, session_factory, settings, planned, status, kwargs
):
    """The committed path (one statement on PostgreSQL) leaves the same airing and audit entry."""
    ch, week, i1, i2 = planned
    with session_factory() as s:
        a, created = confirmation.confirm_and_commit(
            s, settings, i2.id, status, "bt", now=LATER, **kwargs
        )
        assert created and a.scheduled_item_id == i2.id
        # PostgreSQL takes the one-statement path, which returns a plain record.
        assert isinstance(a, confirmation.AiringRecord) == (engine.dialect.name == "postgresql")
        returned = {k: getattr(a, k) for k in ("status", "started_at", "duration_seconds")}
    with session_factory() as s:
        fast = _airing_and_audit(s)
        s.execute(AuditEntry.__table__.delete())
        s.execute(Airing.__table__.delete())
        s.commit()
    with session_factory() as s:
        airings.confirm_item(s, settings, i2.id, status, "bt", now=LATER, **kwargs)
        s.commit()
    with session_factory() as s:
        assert _airing_and_audit(s) == fast
        assert returned == {k: fast[0][k] for k in returned}


def test_confirm_and_commit_repeat_takes_the_audited_update(session_factory, settings, planned):
    ch, week, i1, i2 = planned
    with session_factory() as s:
        first, created = confirmation.confirm_and_commit(
            s, settings, i1.id, "aired", "bt", now=LATER
        )
    with session_factory() as s:
        again, created2 = confirmation.confirm_and_commit(
            s, settings, i1.id, "partial", "bt2", duration_seconds=60, now=LATER
        )
    assert created and not created2 and again.id == first.id and again.status == "partial"
    with session_factory() as s:
        actions = s.scalars(
            select(AuditEntry.action).where(AuditEntry.entity == "airing").order_by(AuditEntry.id)
        ).all()
        assert actions == ["airing.confirm", "airing.confirm.update"]
        assert s.scalars(select(Airing)).one().confirmed_by == "bt2"


@pytest.mark.parametrize(
    ("status", "kwargs", "allowed", "error"),
    [
        ("aired", {}, lambda _channel: False, NotFound),
        ("partial", {"duration_seconds": 10_000}, None, Invalid),
        ("not_aired", {}, None, Invalid),
    ],
)
def test_confirm_and_commit_refusals_write_nothing(
    session_factory, settings, planned, status, kwargs, allowed, error
):
    ch, week, i1, i2 = planned
    with session_factory() as s, pytest.raises(error):
        confirmation.confirm_and_commit(
            s, settings, i1.id, status, "bt", allowed=allowed, now=LATER, **kwargs
        )
    with session_factory() as s:
        assert count(s) == 0 and count(s, AuditEntry) == count_before_confirmations(s)


def count_before_confirmations(session: Session) -> int:
    """Audit entries that are not about airings (the fixture's planning)."""
    return session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.entity != "airing")
    )


def test_confirm_and_commit_inside_a_transaction_commits_it(session_factory, settings, planned):
    """A session that already began keeps one transaction: its earlier work commits with it."""
    ch, week, i1, i2 = planned
    with session_factory() as s:
        s.get(Airing, 1)  # begins the transaction
        confirmation.confirm_and_commit(s, settings, i1.id, "aired", "bt", now=LATER)
        assert not s.in_transaction()
    with session_factory() as s:
        assert count(s) == 1
