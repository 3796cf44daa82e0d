"""Weekly schedules: materialise, edit, publish, amend, copy; versions and audit."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from content.models import AuditEntry
from scheduler import schedules
from scheduler.config import Settings
from scheduler.errors import Invalid, InvalidState, NotFound, VersionConflict
from scheduler.periods import Week
from tests import factories as f

W48 = Week(2026, 48)


@pytest.fixture
def station(session: Session):
    commune = f.unit(session, "Xã Phú Bình")
    ch = f.channel(session, commune, languages=("vi", "tay"))
    f.pattern(session, ch, "123456", dt.time(6, 0), 30)
    f.pattern(session, ch, "12345", dt.time(17, 30), 30)
    session.commit()
    return ch


def test_materialise_makes_one_slot_per_pattern_day(session, settings, station):
    week = schedules.materialise_week(session, settings, station.id, W48, "planner")
    assert len(week.slots) == 6 + 5
    first = week.slots[0]
    # 06:00 in Asia/Ho_Chi_Minh (UTC+7) is 23:00 UTC the day before.
    assert first.starts_at == dt.datetime(2026, 11, 22, 23, 0, tzinfo=dt.UTC)
    assert first.local_date == dt.date(2026, 11, 23)
    again = schedules.materialise_week(session, settings, station.id, W48, "planner")
    assert again.id == week.id
    session.commit()


def test_materialise_unknown_channel(session, settings):
    with pytest.raises(NotFound):
        schedules.materialise_week(session, settings, 999, W48, "planner")


def test_channel_opened_mid_week_gets_slots_from_then(session, settings):
    commune = f.unit(session)
    ch = f.channel(session, commune, active_from=dt.date(2026, 11, 26))
    f.pattern(session, ch, "1234567")
    week = schedules.materialise_week(session, settings, ch.id, W48, "p")
    assert [s.local_date.day for s in week.slots] == [26, 27, 28, 29]


def test_add_move_remove_items_bump_version_and_audit(session, settings, station):
    week = schedules.materialise_week(session, settings, station.id, W48, "planner")
    slot = week.slots[0]
    a = f.programme(session, "A", seconds=600)
    b = f.programme(session, "B", seconds=600)
    c = f.programme(session, "C", seconds=600)
    v = week.version
    ia = schedules.add_item(session, slot.id, a.id, "planner", expected_version=v)
    ib = schedules.add_item(session, slot.id, b.id, "planner")
    ic = schedules.add_item(session, slot.id, c.id, "planner", position=0)
    assert [i.programme.title for i in sorted(slot.items, key=lambda i: i.position)] == [
        "C",
        "A",
        "B",
    ]
    schedules.move_item(session, ic.id, 2, "planner")
    assert [i.programme.title for i in sorted(slot.items, key=lambda i: i.position)] == [
        "A",
        "B",
        "C",
    ]
    schedules.remove_item(session, ib.id, "planner")
    assert [i.position for i in sorted(slot.items, key=lambda i: i.position)] == [0, 1]
    assert week.version == v + 5
    session.commit()
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert "schedule.edit.add_item" in actions and "schedule.edit.remove_item" in actions
    assert ia.id is not None


def test_stale_version_is_a_conflict(session, settings, station):
    week = schedules.materialise_week(session, settings, station.id, W48, "planner")
    p = f.programme(session)
    schedules.add_item(session, week.slots[0].id, p.id, "a", expected_version=week.version)
    with pytest.raises(VersionConflict):
        schedules.add_item(session, week.slots[1].id, p.id, "b", expected_version=1)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"language": "hmn"}, "programme.language"),
        ({"approved": False}, "programme.approval"),
        ({"valid_to": dt.date(2026, 11, 1)}, "programme.validity"),
        ({"seconds": 31 * 60}, "programme.length"),
    ],
)
def test_programme_that_does_not_fit_is_refused(session, settings, station, kwargs, code):
    week = schedules.materialise_week(session, settings, station.id, W48, "planner")
    p = f.programme(session, **kwargs)
    with pytest.raises(Invalid) as err:
        schedules.add_item(session, week.slots[0].id, p.id, "planner")
    assert err.value.code == code


def test_slot_fills_up(session, settings, station):
    week = schedules.materialise_week(session, settings, station.id, W48, "planner")
    p = f.programme(session, seconds=15 * 60)
    schedules.add_item(session, week.slots[0].id, p.id, "planner")
    schedules.add_item(session, week.slots[0].id, p.id, "planner")
    with pytest.raises(Invalid):
        schedules.add_item(session, week.slots[0].id, p.id, "planner")


def test_publish_then_amend_is_audited(session, settings, station):
    week = schedules.materialise_week(session, settings, station.id, W48, "planner")
    schedules.publish_week(session, week.id, "planner")
    assert week.state == "published" and week.published_by == "planner"
    schedules.publish_week(session, week.id, "planner")  # idempotent
    p = f.programme(session)
    schedules.add_item(session, week.slots[0].id, p.id, "planner")
    session.commit()
    n = session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action == "schedule.amend.add_item")
    )
    assert n == 1


def test_copy_week_forward(session: Session, settings: Settings, station):
    src = schedules.materialise_week(session, settings, station.id, W48, "planner")
    p = f.programme(session)
    expiring = f.programme(session, "old", valid_to=dt.date(2026, 11, 29))
    schedules.add_item(session, src.slots[0].id, p.id, "planner")
    schedules.add_item(session, src.slots[1].id, expiring.id, "planner")
    result = schedules.copy_week(session, settings, station.id, W48, W48.shift(1), "planner")
    assert result.copied == 1
    assert len(result.skipped) == 1 and "not valid" in result.skipped[0]
    dst_items = [i for s in result.schedule.slots for i in s.items]
    assert [i.programme_id for i in dst_items] == [p.id]
    with pytest.raises(NotFound):
        schedules.copy_week(session, settings, station.id, Week(2026, 40), W48, "planner")


def test_copy_into_published_week_refused(session, settings, station):
    schedules.materialise_week(session, settings, station.id, W48, "planner")
    dst = schedules.materialise_week(session, settings, station.id, W48.shift(1), "planner")
    schedules.publish_week(session, dst.id, "planner")
    with pytest.raises(InvalidState):
        schedules.copy_week(session, settings, station.id, W48, W48.shift(1), "planner")
