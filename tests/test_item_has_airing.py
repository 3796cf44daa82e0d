"""scheduled_items.has_airing follows the airing log on every write path (migration 0007)."""

from __future__ import annotations

import datetime as dt

from alembic import command
from sqlalchemy import delete, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

import migrations
from scheduler import airings
from scheduler.bulk.importer import import_rows
from scheduler.bulk.tables import read_file
from scheduler.models import Airing, ScheduledItem
from tests import factories as f
from tests.compliance_data import airing, item
from tests.test_airings import LATER, planned  # noqa: F401  (fixture)
from tests.test_bulk import DOC, commune, write  # noqa: F401  (fixture)


def flags(session: Session) -> dict[int, bool]:
    """Item id -> has_airing, as stored."""
    session.expire_all()
    rows = session.execute(select(ScheduledItem.id, ScheduledItem.has_airing))
    return {i: bool(h) for i, h in rows}


def truth(session: Session) -> dict[int, bool]:
    """Item id -> whether an airing points to it, from the airing log itself."""
    linked = set(session.scalars(select(Airing.scheduled_item_id)))
    return {i: i in linked for i in session.scalars(select(ScheduledItem.id))}


def test_confirm_and_unplanned_paths(session, settings, planned):  # noqa: F811
    ch, week, i1, i2 = planned
    assert flags(session) == {i1.id: False, i2.id: False}
    airings.confirm_item(session, settings, i1.id, "aired", "bt", now=LATER)
    assert flags(session) == {i1.id: True, i2.id: False}
    airings.confirm_item(session, settings, i1.id, "not_aired", "bt", reason_code="mat_dien",
                         now=LATER)  # fmt: skip
    p = f.programme(session, "Ngoài lịch")
    airings.log_unplanned(session, settings, ch.id, p.id, "bt", started_at=LATER, now=LATER)
    session.commit()
    assert flags(session) == {i1.id: True, i2.id: False} == truth(session)


def test_delete_and_relink_clear_and_set_the_flag(session, settings, planned):  # noqa: F811
    ch, week, i1, i2 = planned
    a, _ = airings.confirm_item(session, settings, i1.id, "aired", "bt", now=LATER)
    session.commit()
    session.execute(update(Airing).where(Airing.id == a.id).values(scheduled_item_id=i2.id))
    assert flags(session) == {i1.id: False, i2.id: True}
    session.execute(update(Airing).where(Airing.id == a.id).values(scheduled_item_id=None))
    assert flags(session) == {i1.id: False, i2.id: False}
    session.execute(update(Airing).where(Airing.id == a.id).values(scheduled_item_id=i1.id))
    session.execute(update(Airing).where(Airing.id == a.id).values(status="partial"))
    assert flags(session) == {i1.id: True, i2.id: False}
    session.execute(delete(Airing).where(Airing.id == a.id))
    assert flags(session) == {i1.id: False, i2.id: False}
    session.commit()
    assert flags(session) == truth(session)


def test_rolled_back_confirmation_leaves_no_flag(session, settings, planned):  # noqa: F811
    ch, week, i1, i2 = planned
    airings.confirm_item(session, settings, i2.id, "aired", "bt", now=LATER)
    session.rollback()
    assert flags(session) == {i1.id: False, i2.id: False}


def test_bulk_import_sets_the_flags(session, settings, commune, tmp_path):  # noqa: F811
    import_rows(session, settings, read_file(write(tmp_path, DOC)), "tester")
    session.commit()
    got = flags(session)
    assert sorted(got.values()) == [True, True] and got == truth(session)


def test_migration_fills_the_flag_of_existing_rows(engine: Engine, session, settings) -> None:
    zone = settings.zone
    ch = f.channel(session, f.unit(session))
    p = f.programme(session, "Tin")
    day = dt.date(2026, 3, 2)
    items = [item(session, ch, p, day, dt.time(h, 0), zone) for h in (6, 7, 8)]
    start = dt.datetime.combine(day, dt.time(6), tzinfo=zone)
    airing(session, ch, p, start, zone, "aired", item=items[0])
    airing(session, ch, p, start + dt.timedelta(hours=1), zone, "cancelled", item=items[1])
    session.commit()
    session.close()
    cfg = migrations.alembic_config(engine)
    command.downgrade(cfg, "0006")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM scheduled_items")).scalar() == 3
    finally:
        migrations.upgrade(engine)
    assert flags(session) == {items[0].id: True, items[1].id: True, items[2].id: False}
