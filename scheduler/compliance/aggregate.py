"""The SQL aggregates of the hot path: airings and scheduled items grouped by channel and week."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.engine import Connection

from scheduler.compliance.classes import CLASS_TABLE
from scheduler.models import Airing, ScheduledItem, Slot, WeekSchedule

# Channel lists longer than this are filtered in Python, not with a large IN (...).
MAX_SQL_CHANNELS = 500


def airing_rows(
    conn: Connection,
    lo: int,
    hi: int,
    channel_ids: Sequence[int] | None,
    by_programme: bool = False,
    classes: Sequence[int] | None = None,
) -> list[Any]:
    """(channel, week, class, status, partial seconds or -1, n, seconds[, programme]) rows."""
    a, t = Airing.__table__.c, CLASS_TABLE.c
    pdur = case((a.status == "partial", a.duration_seconds), else_=literal(-1))
    keys = [a.channel_id, a.week_key, t.cls, a.status, pdur]
    if by_programme:
        keys.append(a.programme_id)
    cols = [*keys[:5], func.count(), func.sum(a.duration_seconds)]
    if by_programme:
        cols.append(a.programme_id)
    conds = [a.week_key >= lo, a.week_key <= hi]
    if channel_ids is not None and len(channel_ids) <= MAX_SQL_CHANNELS:
        conds.append(a.channel_id.in_(list(channel_ids)))
    if classes is not None:
        conds.append(t.cls.in_(list(classes)))
    stmt = (
        select(*cols)
        .select_from(Airing.__table__.join(CLASS_TABLE, t.programme_id == a.programme_id))
        .where(*conds)
        .group_by(*keys)
    )
    return conn.execute(stmt).all()


def item_rows(
    conn: Connection,
    lo: int,
    hi: int,
    channel_ids: Sequence[int] | None,
    now: dt.datetime,
    by_programme: bool = False,
    classes: Sequence[int] | None = None,
) -> list[Any]:
    """(channel, week, class, planned n, planned seconds, unconfirmed n[, programme]) rows."""
    si, s, ws = ScheduledItem.__table__.c, Slot.__table__.c, WeekSchedule.__table__.c
    a, t = Airing.__table__.c, CLASS_TABLE.c
    unconfirmed = func.sum(
        case((and_(a.id.is_(None), s.starts_at < now), literal(1)), else_=literal(0))
    )
    keys = [s.channel_id, ws.week_key, t.cls]
    if by_programme:
        keys.append(si.programme_id)
    cols = [*keys[:3], func.count(), func.sum(t.secs), unconfirmed]
    if by_programme:
        cols.append(si.programme_id)
    conds = [ws.week_key >= lo, ws.week_key <= hi]
    if channel_ids is not None and len(channel_ids) <= MAX_SQL_CHANNELS:
        conds.append(s.channel_id.in_(list(channel_ids)))
    if classes is not None:
        conds.append(t.cls.in_(list(classes)))
    joined = (
        ScheduledItem.__table__.join(Slot.__table__, s.id == si.slot_id)
        .join(WeekSchedule.__table__, ws.id == s.schedule_id)
        .join(CLASS_TABLE, t.programme_id == si.programme_id)
        .outerjoin(Airing.__table__, a.scheduled_item_id == si.id)
    )
    stmt = select(*cols).select_from(joined).where(*conds).group_by(*keys)
    return conn.execute(stmt).all()
