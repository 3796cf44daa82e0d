"""The SQL aggregates of the hot path: one per rule, filters pushed into SQL.

Each query groups a rule's matching airings (or scheduled items) by channel and ISO week. It is
driven either by the rule's programmes (through the temporary rule table and the programme
index) or by the channels it covers (through the channel/week index), whichever reads fewer
rows; the counted/not-aired split and the partial-duration check happen inside SQL.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from content.db import UTCDateTime
from scheduler.compliance.classes import RuleClasses


@dataclass(frozen=True)
class RuleQuery:
    """What one rule's aggregate needs to know."""

    bit: int
    lo: int  # first week key
    hi: int  # last week key
    channel_ids: Sequence[int] | None  # drive by these channels (None: by programmes)
    min_seconds: float | None  # partial airings must last this long
    by_language: bool  # group by programme language (the channel's own language rules)
    by_programme: bool  # group by programme (distinct programmes)
    minutes: bool  # sum seconds


def _run(conn: Connection, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Run on the session's DBAPI connection: plain tuples, no Row objects (hot path)."""
    if conn.dialect.name == "postgresql":
        sql = re.sub(r":(\w+)", r"%(\1)s", sql)
    elif conn.dialect.name == "sqlite":
        params = {
            k: v.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
            if isinstance(v, dt.datetime)
            else v
            for k, v in params.items()
        }
    else:  # another backend: go through SQLAlchemy
        stmt = text(sql).bindparams(
            *(
                bindparam(k, type_=UTCDateTime())
                for k, v in params.items()
                if isinstance(v, dt.datetime)
            )  # fmt: skip
        )
        return [tuple(r) for r in conn.execute(stmt, params)]
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, params)
        return cursor.fetchall()
    finally:
        cursor.close()


def _ids(ids: Sequence[int]) -> str:
    return ", ".join(str(int(i)) for i in ids) or "NULL"


def airing_rows(conn: Connection, classes: RuleClasses, q: RuleQuery) -> list[Any]:
    """(channel, week, language, programme, counted n, counted seconds, not aired n) rows."""
    t = classes.source(q.bit)
    if t is None:
        return []
    ok = "a.status = 'aired' OR (a.status = 'partial'"
    ok += " AND a.duration_seconds >= :min_secs)" if q.min_seconds is not None else ")"
    keys = ["a.channel_id", "a.week_key"]
    lang = "t.lang" if q.by_language else "''"
    pid = "a.programme_id" if q.by_programme else "0"
    keys += [k for k in (lang, pid) if k not in ("''", "0")]
    secs = f"SUM(CASE WHEN {ok} THEN a.duration_seconds ELSE 0 END)" if q.minutes else "0"
    if q.channel_ids is not None:
        source = f"airings a CROSS JOIN {t}"
        where = f" AND a.channel_id IN ({_ids(q.channel_ids)})"
    else:
        source, where = f"{t} CROSS JOIN airings a", ""
    sql = (
        f"SELECT a.channel_id, a.week_key, {lang}, {pid}, "
        f"SUM(CASE WHEN {ok} THEN 1 ELSE 0 END), {secs}, "
        "SUM(CASE WHEN a.status IN ('not_aired', 'cancelled') THEN 1 ELSE 0 END) "
        f"FROM {source} WHERE t.programme_id = a.programme_id "
        f"AND a.week_key BETWEEN :lo AND :hi{where} GROUP BY {', '.join(keys)}"
    )
    params: dict[str, Any] = {"lo": q.lo, "hi": q.hi}
    if q.min_seconds is not None:
        params["min_secs"] = q.min_seconds
    return _run(conn, sql, params)


def item_rows(
    conn: Connection, classes: RuleClasses, q: RuleQuery, span: tuple[dt.datetime, dt.datetime]
) -> list[Any]:
    """(channel, week, language, programme, planned n, planned seconds) rows (basis planned)."""
    t = classes.source(q.bit)
    if t is None:
        return []
    keys = ["s.channel_id", "ws.week_key"]
    lang = "t.lang" if q.by_language else "''"
    pid = "si.programme_id" if q.by_programme else "0"
    keys += [k for k in (lang, pid) if k not in ("''", "0")]
    joins = "JOIN week_schedules ws ON ws.id = s.schedule_id"
    if q.channel_ids is not None:
        source = f"slots s CROSS JOIN scheduled_items si CROSS JOIN {t} {joins}"
        where = (
            f" AND s.channel_id IN ({_ids(q.channel_ids)})"
            " AND s.starts_at >= :t0 AND s.starts_at < :t1"
        )
    else:
        source = f"{t} CROSS JOIN scheduled_items si JOIN slots s ON s.id = si.slot_id {joins}"
        where = ""
    sql = (
        f"SELECT s.channel_id, ws.week_key, {lang}, {pid}, COUNT(*), SUM(t.secs) "
        f"FROM {source} WHERE t.programme_id = si.programme_id AND si.slot_id = s.id "
        f"AND ws.week_key BETWEEN :lo AND :hi{where} GROUP BY {', '.join(keys)}"
    )
    params: dict[str, Any] = {"lo": q.lo, "hi": q.hi}
    if q.channel_ids is not None:
        params.update(t0=span[0], t1=span[1])
    return _run(conn, sql, params)


EPOCH_MONDAY = dt.date(1970, 1, 5)


def week_index_sql(dialect: str, column: str) -> str:
    """SQL for the number of whole weeks between EPOCH_MONDAY and a date column."""
    if dialect == "postgresql":
        return f"(({column} - DATE '1970-01-05') / 7)"
    return f"CAST((julianday({column}) - 2440591.5) / 7 AS INTEGER)"  # 2440591.5 = 1970-01-05


def week_key_of_index(index: int) -> int:
    """The ISO week key (year * 100 + week) of a week index from week_index_sql."""
    iso = (EPOCH_MONDAY + dt.timedelta(weeks=index)).isocalendar()
    return iso.year * 100 + iso.week


# Look up the slots of items without an airing one by one when they are at most this share of
# all slots (PostgreSQL); a hash join over every slot wins when they are many.
PENDING_LOOKUP_SHARE = 0.1


def _few_pending(conn: Connection) -> bool:
    """PostgreSQL: do items without an airing make at most PENDING_LOOKUP_SHARE of the slots?

    Counted on the partial index (items without an airing only); the slot total is the
    planner's estimate (-1 or 0 before the first ANALYZE: then no).
    """
    if conn.dialect.name != "postgresql":
        return False
    total = _run(conn, "SELECT reltuples FROM pg_class WHERE oid = CAST('slots' AS regclass)", {})
    slots = float(total[0][0]) if total else 0.0
    if slots <= 0:
        return False
    limit = int(slots * PENDING_LOOKUP_SHARE)
    sql = (
        "SELECT count(*) FROM (SELECT 1 FROM scheduled_items WHERE has_airing = false "
        "LIMIT :limit) p"
    )
    return int(_run(conn, sql, {"limit": limit + 1})[0][0]) <= limit


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
    if channel_ids is not None:
        source = f"slots s CROSS JOIN scheduled_items si CROSS JOIN {t}"
        where = f" AND s.channel_id IN ({_ids(channel_ids)}) AND s.starts_at >= :t0"
    elif _few_pending(conn):
        # Few items lack an airing: look their slots up one by one (OFFSET 0 keeps PostgreSQL
        # from flattening the lookup into a hash join that reads every slot of the country).
        source = (
            f"{t} CROSS JOIN scheduled_items si CROSS JOIN LATERAL (SELECT id, channel_id, "
            "local_date, starts_at FROM slots WHERE slots.id = si.slot_id OFFSET 0) s"
        )
        where = ""
    else:
        source = f"{t} CROSS JOIN scheduled_items si CROSS JOIN slots s"
        where = ""
    week = week_index_sql(conn.dialect.name, "s.local_date")
    sql = (
        f"SELECT s.channel_id, {week}, t.mask, t.lang, COUNT(*) FROM {source} "
        "WHERE t.programme_id = si.programme_id AND si.slot_id = s.id "
        f"AND s.starts_at < :now AND s.local_date BETWEEN :first AND :last{where} "
        "AND si.has_airing = false "
        f"GROUP BY s.channel_id, {week}, t.mask, t.lang"
    )
    params: dict[str, Any] = {"first": first, "last": last, "now": min(now, span[1])}
    if conn.dialect.name == "sqlite":
        params.update(first=first.isoformat(), last=last.isoformat())
    if channel_ids is not None:
        params["t0"] = span[0]
    keys: dict[int, int] = {}
    out = []
    for cid, index, mask, lang, n in _run(conn, sql, params):
        key = keys.get(index)
        if key is None:
            key = keys[index] = week_key_of_index(int(index))
        out.append((cid, key, mask, lang, n))
    return out
