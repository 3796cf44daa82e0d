"""The SQL aggregates of the hot path: one per rule, filters pushed into SQL.

Each query groups a rule's matching airings (or scheduled items) by channel and ISO week. It is
driven either by the rule's programmes (through the temporary rule table and the programme
index) or by the channels it covers (through the channel/week index), whichever reads fewer
rows; the counted/not-aired split happens inside SQL, by the rule's counted condition
(scheduler.rules.counted_condition) compiled to SQL, never restated here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Executable,
    FromClause,
    case,
    func,
    literal,
    literal_column,
    select,
    text,
    union,
)
from sqlalchemy.engine import Connection

from scheduler.compliance.classes import RuleClasses
from scheduler.compliance.sql import CrossJoin, counted_sql, week_index
from scheduler.emergency.models import EmergencyDelivery
from scheduler.models import Airing, ScheduledItem, Slot, WeekSchedule
from scheduler.periods import Week
from scheduler.rules import NOT_AIRED_STATUSES, Condition


@dataclass(frozen=True)
class RuleQuery:
    """What one rule's aggregate needs to know."""

    bit: int
    lo: int  # first week key
    hi: int  # last week key
    channel_ids: Sequence[int] | None  # drive by these channels (None: by programmes)
    counted: Condition  # which airings count by their own record (scheduler.rules)
    by_language: bool  # group by programme language (the channel's own language rules)
    by_programme: bool  # group by programme (distinct programmes)
    minutes: bool  # sum seconds


def _rows(conn: Connection, query: Executable) -> list[Any]:
    """Run a Core query; its rows as the driver's plain tuples, without SQLAlchemy's Row layer."""
    # The fold reads about a million rows at national scale: Row objects cost ~1 s more.
    result = conn.execute(query)
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def _keys(
    channel: ColumnElement[Any],
    week: ColumnElement[Any],
    t: FromClause,
    q: RuleQuery,
    programme: ColumnElement[Any],
) -> tuple[list[ColumnElement[Any]], list[ColumnElement[Any]]]:
    """The selected key columns (language and programme as constants when not grouped on)."""
    lang = t.c.lang if q.by_language else literal("")
    pid = programme if q.by_programme else literal(0)
    group = [channel, week] + [k for k, on in ((t.c.lang, q.by_language),
                                               (programme, q.by_programme)) if on]  # fmt: skip
    return [channel, week, lang, pid], group


def airing_rows(conn: Connection, classes: RuleClasses, q: RuleQuery) -> list[Any]:
    """(channel, week, language, programme, counted n, counted seconds, not aired n) rows."""
    t = classes.source(q.bit)
    if t is None:
        return []
    a = Airing.__table__.alias("a")
    ok = counted_sql(q.counted, a.c.status, a.c.duration_seconds)
    secs = func.sum(case((ok, a.c.duration_seconds), else_=0)) if q.minutes else literal(0)
    missed = func.sum(case((a.c.status.in_(NOT_AIRED_STATUSES), 1), else_=0))
    keys, group = _keys(a.c.channel_id, a.c.week_key, t, q, a.c.programme_id)
    where = [t.c.programme_id == a.c.programme_id, a.c.week_key.between(q.lo, q.hi)]
    if q.channel_ids is not None:
        source = CrossJoin(a, t)
        where.append(a.c.channel_id.in_(q.channel_ids))
    else:
        source = CrossJoin(t, a)
    query = (
        select(*keys, func.sum(case((ok, 1), else_=0)), secs, missed)
        .select_from(source)
        .where(*where)
        .group_by(*group)
    )
    return _rows(conn, query)


def emergency_rows(
    conn: Connection,
    classes: RuleClasses,
    q: RuleQuery,
    span: tuple[dt.datetime, dt.datetime],
    zone: dt.tzinfo,
) -> list[Any]:
    """Aired emergency deliveries of a rule's programmes, as airing_rows' rows (one each).

    Counted by the same condition as airings (a delivery's state is its status); the week is
    the local week of the moment it aired; a delivery without seconds counts its programme's.
    """
    t = classes.source(q.bit)
    if t is None:
        return []
    d = EmergencyDelivery.__table__.alias("d")
    where = [
        t.c.programme_id == d.c.programme_id,
        counted_sql(q.counted, d.c.state, d.c.seconds),
        d.c.aired_at >= span[0],
        d.c.aired_at < span[1],
    ]
    if q.channel_ids is not None:
        where.append(d.c.channel_id.in_(q.channel_ids))
    query = (
        select(
            d.c.channel_id,
            d.c.aired_at,
            t.c.lang,
            d.c.programme_id,
            func.coalesce(d.c.seconds, t.c.secs),
        )
        .select_from(CrossJoin(t, d))
        .where(*where)
    )
    out = []
    for cid, aired_at, lang, pid, secs in conn.execute(query):
        when = aired_at if aired_at.tzinfo else aired_at.replace(tzinfo=dt.UTC)
        week = Week.of(when.astimezone(zone).date()).key
        if q.lo <= week <= q.hi:
            out.append((cid, week, lang if q.by_language else "",
                        pid if q.by_programme else 0, 1, secs if q.minutes else 0, 0))  # fmt: skip
    return out


def item_rows(
    conn: Connection, classes: RuleClasses, q: RuleQuery, span: tuple[dt.datetime, dt.datetime]
) -> list[Any]:
    """(channel, week, language, programme, planned n, planned seconds) rows (basis planned)."""
    t = classes.source(q.bit)
    if t is None:
        return []
    s = Slot.__table__.alias("s")
    si = ScheduledItem.__table__.alias("si")
    ws = WeekSchedule.__table__.alias("ws")
    keys, group = _keys(s.c.channel_id, ws.c.week_key, t, q, si.c.programme_id)
    where = [
        t.c.programme_id == si.c.programme_id,
        si.c.slot_id == s.c.id,
        ws.c.week_key.between(q.lo, q.hi),
    ]
    if q.channel_ids is not None:
        source = CrossJoin(CrossJoin(s, si), t).join(ws, ws.c.id == s.c.schedule_id)
        where += [s.c.channel_id.in_(q.channel_ids), s.c.starts_at >= span[0],
                  s.c.starts_at < span[1]]  # fmt: skip
    else:
        source = CrossJoin(t, si).join(s, s.c.id == si.c.slot_id)
        source = source.join(ws, ws.c.id == s.c.schedule_id)
    query = (
        select(*keys, func.count(), func.sum(t.c.secs))
        .select_from(source)
        .where(*where)
        .group_by(*group)
    )
    return _rows(conn, query)


EPOCH_MONDAY = dt.date(1970, 1, 5)


def week_key_of_index(index: int) -> int:
    """The ISO week key (year * 100 + week) of a week index (scheduler.compliance.sql)."""
    iso = (EPOCH_MONDAY + dt.timedelta(weeks=index)).isocalendar()
    return iso.year * 100 + iso.week


# Look up the slots of items without an airing one by one when they are at most this share of
# all slots (PostgreSQL); a hash join over every slot wins when they are many.
PENDING_LOOKUP_SHARE = 0.1
# Written as the partial index of migration 0007 is ("has_airing = false"), so both back ends
# match the query to that index.
UNCONFIRMED: ColumnElement[Any] = literal_column("false")
_SLOT_ESTIMATE = text("SELECT reltuples FROM pg_class WHERE oid = CAST('slots' AS regclass)")


def _few_pending(conn: Connection) -> bool:
    """PostgreSQL: do items without an airing make at most PENDING_LOOKUP_SHARE of the slots?

    Counted on the partial index (items without an airing only); the slot total is the
    planner's estimate (-1 or 0 before the first ANALYZE: then no).
    """
    if conn.dialect.name != "postgresql":
        return False
    slots = float(conn.execute(_SLOT_ESTIMATE).scalar() or 0.0)
    if slots <= 0:
        return False
    limit = int(slots * PENDING_LOOKUP_SHARE)
    items = ScheduledItem.__table__
    pending = select(literal(1)).where(items.c.has_airing == UNCONFIRMED).limit(limit + 1)
    return (
        int(conn.execute(select(func.count()).select_from(pending.subquery("p"))).scalar_one())
        <= limit
    )


def unconfirmed_rows(
    conn: Connection,
    classes: RuleClasses,
    first: dt.date,
    last: dt.date,
    channel_ids: Sequence[int] | None,
    now: dt.datetime,
    span: tuple[dt.datetime, dt.datetime],
) -> list[Any]:
    """(channel, week key, rule mask, language, n) of past scheduled items with no airing.

    One query for all rules: only unconfirmed items come back, grouped by the rule mask of
    their programme, so its cost does not grow with the number of rules. "No airing" is the
    item's has_airing flag, kept by triggers on airings (migration 0007), so the query reads
    the partial index of the items without one instead of anti-joining the airing log. The
    week comes from the slot's local date (first..last: the Monday and Sunday around the weeks).
    """
    t = classes.source()
    if t is None:
        return []
    si = ScheduledItem.__table__.alias("si")
    slots = Slot.__table__
    where = []
    if channel_ids is not None:
        s: FromClause = slots.alias("s")
        source = CrossJoin(CrossJoin(s, si), t)
        where += [s.c.channel_id.in_(channel_ids), s.c.starts_at >= span[0]]
    elif _few_pending(conn):
        # Few items lack an airing: look their slots up one by one (OFFSET 0 keeps PostgreSQL
        # from flattening the lookup into a hash join that reads every slot of the country).
        lookup = (
            select(slots.c.id, slots.c.channel_id, slots.c.local_date, slots.c.starts_at)
            .where(slots.c.id == si.c.slot_id)
            .offset(literal_column("0"))
        )
        s = lookup.lateral("s")
        source = CrossJoin(CrossJoin(t, si), s)
    else:
        s = slots.alias("s")
        source = CrossJoin(CrossJoin(t, si), s)
    week = week_index(s.c.local_date)
    query = (
        select(s.c.channel_id, week, t.c.mask, t.c.lang, func.count())
        .select_from(source)
        .where(
            t.c.programme_id == si.c.programme_id,
            si.c.slot_id == s.c.id,
            s.c.starts_at < min(now, span[1]),
            s.c.local_date.between(first, last),
            *where,
            si.c.has_airing == UNCONFIRMED,
        )
        .group_by(s.c.channel_id, week, t.c.mask, t.c.lang)
    )
    keys: dict[int, int] = {}
    out = []
    for cid, index, mask, lang, n in _rows(conn, query):
        key = keys.get(index)
        if key is None:
            key = keys[index] = week_key_of_index(int(index))
        out.append((cid, key, mask, lang, n))
    return out


def items_without_airing_rows(
    conn: Connection, channel_ids: Sequence[int], lo: int, hi: int, now: dt.datetime
) -> list[Any]:
    """(channel, week key, n) of past scheduled items with no airing, whatever their programme.

    What a supervisor's week counts as unconfirmed: every item of the channel's week schedule
    whose slot has begun, not only the items a rule would count.
    """
    if not channel_ids:
        return []
    s = Slot.__table__.alias("s")
    si = ScheduledItem.__table__.alias("si")
    ws = WeekSchedule.__table__.alias("ws")
    query = (
        select(s.c.channel_id, ws.c.week_key, func.count())
        .select_from(si.join(s, s.c.id == si.c.slot_id).join(ws, ws.c.id == s.c.schedule_id))
        .where(
            s.c.channel_id.in_(channel_ids),
            ws.c.week_key.between(lo, hi),
            s.c.starts_at < now,
            si.c.has_airing == UNCONFIRMED,
        )
        .group_by(s.c.channel_id, ws.c.week_key)
    )
    return _rows(conn, query)


def programmes_on(
    conn: Connection,
    channel_ids: Sequence[int],
    lo: int,
    hi: int,
    span: tuple[dt.datetime, dt.datetime],
) -> set[int]:
    """Programmes the channels aired, planned or got as emergencies in weeks lo..hi (span).

    A page's few channels need the rule classes of these programmes only.
    """
    a, s, si = Airing.__table__, Slot.__table__, ScheduledItem.__table__
    d = EmergencyDelivery.__table__
    query = union(
        select(a.c.programme_id).where(a.c.channel_id.in_(channel_ids),
                                       a.c.week_key.between(lo, hi)),
        select(si.c.programme_id).join(s, s.c.id == si.c.slot_id).where(
            s.c.channel_id.in_(channel_ids), s.c.starts_at >= span[0], s.c.starts_at < span[1]),
        select(d.c.programme_id).where(d.c.channel_id.in_(channel_ids),
                                       d.c.aired_at >= span[0], d.c.aired_at < span[1]),
    )  # fmt: skip
    return {pid for (pid,) in _rows(conn, query)}
