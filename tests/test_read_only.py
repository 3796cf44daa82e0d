"""Read-only sessions: on SQLite they never hold the write lock, and writes through them fail."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

import pytest
from sqlalchemy import event, func, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session

from content.db import (
    ReadOnlyViolation,
    make_engine,
    make_session_factory,
    read_only_session_factory,
)
from scheduler import airings, schedules
from scheduler.compliance import evaluate
from scheduler.models import Airing, Channel
from scheduler.periods import Week
from tests import factories as f

W48 = Week(2026, 48)
LATER = dt.datetime(2026, 12, 31, tzinfo=dt.UTC)


@pytest.fixture
def planned(session: Session, settings: Any) -> tuple[int, int]:
    """A station with one published week holding one programme; returns (channel, item) ids."""
    ch = f.channel(session, f.unit(session, "Xã Tân Kim"))
    f.pattern(session, ch, "1234567", dt.time(6, 0), 30)
    week = schedules.materialise_week(session, settings, ch.id, W48, "planner")
    item = schedules.add_item(session, week.slots[0].id, f.programme(session).id, "planner")
    schedules.publish_week(session, week.id, "planner")
    session.commit()
    return ch.id, item.id


def impatient(engine: Engine) -> Engine:
    """A second engine on the same SQLite file whose writers wait 0.3 s for the lock, not 10."""
    other = make_engine(str(engine.url))

    @event.listens_for(other, "connect")
    def _short_wait(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute("PRAGMA busy_timeout=300")

    return other


def confirm(engine: Engine, settings: Any, item_id: int) -> float:
    """Confirm the item in its own writing transaction; the seconds it took."""
    t0 = time.perf_counter()
    with make_session_factory(engine)() as s:
        airings.confirm_item(s, settings, item_id, "aired", "bt", now=LATER)
        s.commit()
    return time.perf_counter() - t0


def test_long_read_does_not_block_a_confirmation(engine, settings, planned) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("the single write lock is SQLite's")
    _, item_id = planned
    writer = impatient(engine)
    try:
        with read_only_session_factory(engine)() as reader:
            assert reader.scalar(select(func.count()).select_from(Airing)) == 0  # snapshot taken
            took = confirm(writer, settings, item_id)  # would wait 0.3 s and fail if IMMEDIATE
            assert took < 0.3
            # The reader still sees its snapshot; a new read transaction sees the airing.
            assert reader.scalar(select(func.count()).select_from(Airing)) == 0
            reader.rollback()
            assert reader.scalar(select(func.count()).select_from(Airing)) == 1
    finally:
        writer.dispose()


def test_a_writing_session_does_block_a_confirmation(engine, settings, planned) -> None:
    """The control: the same hold in a writing session keeps the other writer out."""
    if engine.dialect.name != "sqlite":
        pytest.skip("the single write lock is SQLite's")
    _, item_id = planned
    writer = impatient(engine)
    try:
        with make_session_factory(engine)() as holder:
            holder.scalar(select(func.count()).select_from(Airing))
            with pytest.raises(OperationalError, match="locked"):
                confirm(writer, settings, item_id)
    finally:
        writer.dispose()


def test_compliance_in_a_read_session_does_not_block(engine, settings, planned) -> None:
    """The engine's temporary tables work read-only, and a confirmation goes through meanwhile."""
    if engine.dialect.name != "sqlite":
        pytest.skip("the single write lock is SQLite's")
    _, item_id = planned
    writer = impatient(engine)
    done = threading.Event()
    try:
        with read_only_session_factory(engine)() as reader:
            result = evaluate(reader, settings, "2026", now=LATER)
            assert result.rules
            t = threading.Thread(target=lambda: (confirm(writer, settings, item_id), done.set()))
            t.start()
            t.join(5)
            assert done.is_set()
            evaluate(reader, settings, "2026", now=LATER)  # again, in the same transaction
    finally:
        writer.dispose()


def test_orm_write_through_a_read_session_fails_clearly(engine, planned) -> None:
    channel_id, _ = planned
    with read_only_session_factory(engine)() as reader:
        ch = reader.get(Channel, channel_id)
        assert ch is not None
        ch.name = "đổi tên"
        with pytest.raises(ReadOnlyViolation, match="read-only session"):
            reader.flush()
        reader.rollback()
    with make_session_factory(engine)() as s:
        assert s.get(Channel, channel_id).name != "đổi tên"


def test_sql_write_through_a_read_session_fails_on_sqlite(engine, planned) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL ignores the read-only option (documented)")
    channel_id, _ = planned
    with read_only_session_factory(engine)() as reader:
        with pytest.raises(DatabaseError, match="not authorized"):
            reader.execute(update(Channel).where(Channel.id == channel_id).values(name="x"))
        reader.rollback()
        with pytest.raises(DatabaseError, match="not authorized"):
            reader.execute(text("DELETE FROM channels"))
        reader.rollback()
        # Temporary tables stay writable (the compliance engine relies on them).
        reader.execute(text("CREATE TEMPORARY TABLE scratch (x INTEGER)"))
        reader.execute(text("INSERT INTO scratch VALUES (1)"))
        assert reader.scalar(text("SELECT x FROM scratch")) == 1
        reader.rollback()


def test_the_guard_never_leaks_to_writers_sharing_the_pool(engine, planned) -> None:
    """Read and write sessions alternate on one pooled connection; writes still work."""
    channel_id, _ = planned
    engine.dispose()  # start from an empty pool so both factories share one connection
    writes = make_session_factory(engine)
    reads = read_only_session_factory(engine)
    for n in range(3):
        with reads() as r:
            r.scalar(select(Channel.name).where(Channel.id == channel_id))
        with writes() as w:
            w.execute(update(Channel).where(Channel.id == channel_id).values(name=f"Kênh {n}"))
            w.commit()
    with reads() as r:
        assert r.scalar(select(Channel.name).where(Channel.id == channel_id)) == "Kênh 2"


def test_postgresql_keeps_its_transactions(engine) -> None:
    """On PostgreSQL the option changes nothing: an ordinary read-write transaction."""
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    with read_only_session_factory(engine)() as reader:
        assert reader.scalar(text("SHOW transaction_read_only")) == "off"
