"""The airing log: idempotent confirmations of scheduled items and unplanned airings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from psycopg.types.json import Jsonb
from sqlalchemy import Connection, Executable, Select, bindparam, func, insert, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.postgresql.psycopg import dialect as psycopg_dialect
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, make_transient_to_detached

from content import audit
from content.db import fetch_one_raw, utcnow
from content.models import AuditEntry, Programme
from scheduler.config import Settings
from scheduler.errors import N_, Invalid, NotFound
from scheduler.models import AIRING_SOURCES, AIRING_STATUSES, Airing, Channel, ScheduledItem, Slot
from scheduler.periods import Week, local_date_of

# A confirmation may arrive a little before the slot's clock time (clock skew on phones).
EARLY_GRACE = dt.timedelta(minutes=15)
_COMPARED = ("status", "started_at", "duration_seconds", "reason_code", "reason_text")


# What the audit log keeps of an airing.
_SNAPSHOT = ("channel_id", "scheduled_item_id", "programme_id", *_COMPARED, "source")


def _snapshot(airing: Airing) -> dict[str, Any]:
    return {k: getattr(airing, k) for k in _SNAPSHOT}


def _snapshot_of(row: dict[str, Any]) -> dict[str, Any]:
    """The audit snapshot of an airing about to be inserted (same keys as _snapshot)."""
    return {k: row[k] for k in _SNAPSHOT}


def _check_status(
    settings: Settings, status: str, reason_code: str | None, reason_text: str | None
) -> None:
    if status not in AIRING_STATUSES:
        raise Invalid(
            N_("Unknown status '%(status)s' (use %(allowed)s)"),
            code="airing.status",
            status=status,
            allowed=", ".join(AIRING_STATUSES),
        )
    if status in ("not_aired", "cancelled"):
        if not reason_code:
            raise Invalid(
                N_("A reason is required when the status is '%(status)s'"),
                code="airing.reason.missing",
                status=status,
            )
        if reason_code not in settings.not_aired_reasons:
            known = ", ".join(settings.not_aired_reasons)
            raise Invalid(
                N_("Unknown reason '%(reason)s' (use %(allowed)s)"),
                code="airing.reason.unknown",
                reason=reason_code,
                allowed=known,
            )
        if reason_code == "khac" and not (reason_text or "").strip():
            raise Invalid(
                N_("The reason '%(reason)s' needs a text that explains it"),
                code="airing.reason.text",
                reason=settings.not_aired_reasons[reason_code],
            )
    elif reason_code is not None and reason_code not in settings.not_aired_reasons:
        raise Invalid(
            N_("Unknown reason '%(reason)s' (use %(allowed)s)"),
            code="airing.reason.unknown",
            reason=reason_code,
            allowed=", ".join(settings.not_aired_reasons),
        )


def _check_source(source: str) -> None:
    if source not in AIRING_SOURCES:
        raise Invalid(
            N_("Unknown confirmation source '%(source)s' (use %(allowed)s)"),
            code="airing.source",
            source=source,
            allowed=", ".join(AIRING_SOURCES),
        )


def _duration(status: str, full: int, given: int | None) -> int:
    """Actual seconds on air: full length if aired, required if partial, 0 if not aired."""
    if status in ("not_aired", "cancelled"):
        return 0
    if given is None:
        if status == "partial":
            raise Invalid(
                N_("A partial airing needs its actual duration"),
                code="airing.duration.missing",
            )
        return full
    if given < 0:
        raise Invalid(N_("The duration cannot be negative"), code="airing.duration.negative")
    if status == "partial" and not 0 < given <= full:
        raise Invalid(
            N_("A partial airing lasts more than 0 and at most %(full)s seconds"),
            code="airing.duration.range",
            full=full,
        )
    return given


def _facts_statement() -> Select[Any]:
    """Channel, slot start, programme and planned offset of an item (built once, cached)."""
    before = aliased(ScheduledItem)
    earlier = aliased(Programme)
    offset = (
        select(func.coalesce(func.sum(earlier.duration_seconds), 0))
        .select_from(before)
        .join(earlier, earlier.id == before.programme_id)
        .where(before.slot_id == ScheduledItem.slot_id, before.position < ScheduledItem.position)
        .scalar_subquery()
    )
    return (
        select(
            ScheduledItem.id,
            ScheduledItem.programme_id,
            Slot.channel_id,
            Slot.starts_at,
            Programme.duration_seconds,
            offset.label("offset"),
        )
        .join(Slot, Slot.id == ScheduledItem.slot_id)
        .join(Programme, Programme.id == ScheduledItem.programme_id)
        .where(ScheduledItem.id == bindparam("item_id"))
    )


_FACTS = _facts_statement()


class _Facts(NamedTuple):
    """What a confirmation needs to know about its item."""

    id: int
    programme_id: int
    channel_id: int
    starts_at: dt.datetime
    duration_seconds: int
    offset: int


def _for_psycopg(stmt: Executable) -> tuple[str, dict[str, Any]]:
    """A statement compiled once for psycopg: its SQL and its constant parameters."""
    compiled = stmt.compile(dialect=psycopg_dialect())
    return str(compiled), {k: v for k, v in compiled.params.items() if v is not None}


_PG_FACTS = _for_psycopg(_FACTS)


def _item_facts(conn: Connection, item_id: int) -> _Facts | None:
    """The item's facts; on PostgreSQL straight from the cursor (no result layer)."""
    if conn.dialect.name == "postgresql":
        sql, constants = _PG_FACTS
        raw = fetch_one_raw(conn, sql, {**constants, "item_id": item_id})
    else:
        raw = conn.execute(_FACTS, {"item_id": item_id}).one_or_none()
    return _Facts(*raw) if raw is not None else None


_AIRINGS = Airing.__table__
_AUDIT = AuditEntry.__table__
_AIRING_COLUMNS = (
    "channel_id", "scheduled_item_id", "programme_id", "local_date", "week_key", "source",
    "client_ref", "confirmed_by", "confirmed_at", "status", "started_at", "duration_seconds",
    "reason_code", "reason_text",
)  # fmt: skip


def _audited_insert_pg() -> Select[Any]:
    """PostgreSQL: insert the airing and its audit entry in one statement (one round trip)."""
    ins = (
        pg_insert(_AIRINGS)
        .values({c: bindparam(c, type_=_AIRINGS.c[c].type) for c in _AIRING_COLUMNS})
        .on_conflict_do_nothing(index_elements=["scheduled_item_id"])
        .returning(_AIRINGS.c.id)
        .cte("ins")
    )
    entry = select(
        bindparam("audit_at", type_=_AUDIT.c.at.type),
        bindparam("audit_actor", type_=_AUDIT.c.actor.type),
        literal("airing.confirm", _AUDIT.c.action.type),
        literal("airing", _AUDIT.c.entity.type),
        ins.c.id,
        bindparam("audit_after", type_=_AUDIT.c.after.type),
    )
    columns = ["at", "actor", "action", "entity", "entity_id", "after"]
    aud = insert(_AUDIT).from_select(columns, entry).cte("aud")
    return select(ins.c.id).add_cte(aud)


_PG_INSERT = _for_psycopg(_audited_insert_pg())


def _insert_new(conn: Connection, row: dict[str, Any], actor: str) -> int | None:
    """INSERT the airing and its audit entry unless the item has one; its id, or None on a repeat.

    No unit-of-work flush on the busiest endpoint; on PostgreSQL one statement, run straight
    on the cursor.
    """
    entry = audit.entry_values(actor, "airing.confirm", "airing", None, after=_snapshot_of(row))
    if conn.dialect.name == "postgresql":
        sql, constants = _PG_INSERT
        params = {**constants, **row, "audit_at": entry["at"], "audit_actor": actor,
                  "audit_after": Jsonb(entry["after"])}  # fmt: skip
        found = fetch_one_raw(conn, sql, params)
        return int(found[0]) if found is not None else None
    stmt = (
        sqlite_insert(_AIRINGS)
        .values(row)
        .on_conflict_do_nothing(index_elements=["scheduled_item_id"])
        .returning(_AIRINGS.c.id)
    )
    airing_id = conn.execute(stmt).scalar_one_or_none()
    if airing_id is not None:
        conn.execute(insert(_AUDIT), {**entry, "entity_id": airing_id})
    return airing_id


def _aware(value: dt.datetime, name: str) -> dt.datetime:
    if value.tzinfo is None:
        raise Invalid(
            N_("%(field)s must include a time zone offset"), code="airing.time_zone", field=name
        )
    return value.astimezone(dt.UTC)


@dataclass(frozen=True, slots=True)
class AiringRecord:
    """A new airing as the one-statement path wrote it (no ORM object on the busiest endpoint)."""

    id: int
    channel_id: int
    scheduled_item_id: int | None
    programme_id: int
    local_date: dt.date
    week_key: int
    source: str
    client_ref: str | None
    confirmed_by: str
    confirmed_at: dt.datetime
    status: str
    started_at: dt.datetime
    duration_seconds: int
    reason_code: str | None
    reason_text: str | None


def _new_row(
    conn: Connection,
    settings: Settings,
    item_id: int,
    status: str,
    actor: str,
    *,
    started_at: dt.datetime | None,
    duration_seconds: int | None,
    reason_code: str | None,
    reason_text: str | None,
    source: str,
    channel_id: int | None,
    allowed: Callable[[int], bool] | None,
    now: dt.datetime,
) -> dict[str, Any]:
    """Check a confirmation against its item's facts; the airing row a first one inserts."""
    _check_status(settings, status, reason_code, reason_text)
    _check_source(source)
    item = _item_facts(conn, item_id)
    if item is None or (allowed is not None and not allowed(item.channel_id)):
        raise NotFound(
            N_("Scheduled item %(item)s does not exist"), code="item.not_found", item=item_id
        )
    if channel_id is not None and channel_id != item.channel_id:
        raise Invalid(
            N_("Scheduled item %(item)s belongs to channel %(owner)s, not to channel %(channel)s"),
            code="airing.wrong_channel",
            item=item_id,
            owner=item.channel_id,
            channel=channel_id,
        )
    slot_start = _aware(item.starts_at, "starts_at")
    if status != "cancelled" and slot_start > now + EARLY_GRACE:
        local_start = f"{slot_start.astimezone(settings.zone):%d/%m/%Y %H:%M}"
        raise Invalid(
            N_("The slot starts at %(start)s; it cannot be confirmed as aired before it starts"),
            code="airing.future",
            start=local_start,
        )
    if started_at:
        start = _aware(started_at, "started_at")
        window = dt.timedelta(hours=settings.planning.actual_start_window_hours)
        if abs(start - slot_start) > window:
            zone = settings.zone
            raise Invalid(
                N_(
                    "The actual start %(start)s is more than %(hours)s hours from the slot's "
                    "start (%(slot)s)"
                ),
                code="airing.start_window",
                start=f"{start.astimezone(zone):%d/%m/%Y %H:%M}",
                hours=settings.planning.actual_start_window_hours,
                slot=f"{slot_start.astimezone(zone):%d/%m/%Y %H:%M}",
            )
    else:
        start = slot_start + dt.timedelta(seconds=int(item.offset))
    local = local_date_of(start, settings.zone)
    return {
        "channel_id": item.channel_id,
        "scheduled_item_id": item.id,
        "programme_id": item.programme_id,
        "local_date": local,
        "week_key": Week.of(local).key,
        "source": source,
        "client_ref": None,
        "confirmed_by": actor,
        "confirmed_at": now,
        "status": status,
        "started_at": start,
        "duration_seconds": _duration(status, item.duration_seconds, duration_seconds),
        "reason_code": reason_code if status in ("not_aired", "cancelled", "partial") else None,
        "reason_text": (reason_text or None),
    }


def confirm_item(
    session: Session,
    settings: Settings,
    item_id: int,
    status: str,
    actor: str,
    *,
    started_at: dt.datetime | None = None,
    duration_seconds: int | None = None,
    reason_code: str | None = None,
    reason_text: str | None = None,
    source: str = "web",
    channel_id: int | None = None,
    allowed: Callable[[int], bool] | None = None,
    now: dt.datetime | None = None,
) -> tuple[Airing, bool]:
    """Record what happened to a scheduled item; a repeat updates the one airing (audited).

    allowed(channel_id) False makes the item unknown to the caller (NotFound), before any write.
    """
    # Core on the session's connection (flushing first, as a query would): no ORM result layer.
    session.flush()
    now = now or utcnow()
    row = _new_row(
        session.connection(), settings, item_id, status, actor, started_at=started_at,
        duration_seconds=duration_seconds, reason_code=reason_code, reason_text=reason_text,
        source=source, channel_id=channel_id, allowed=allowed, now=now,
    )  # fmt: skip
    # One statement settles races: a concurrent or repeated confirmation finds the row taken
    # (PostgreSQL waits for the other transaction) and becomes an audited update instead.
    airing_id = _insert_new(session.connection(), row, actor)
    if airing_id is None:
        values = {k: row[k] for k in _COMPARED}
        return _update_existing(session, settings, item_id, values, actor, source, now), False
    airing = Airing(id=airing_id, **row)
    make_transient_to_detached(airing)
    session.add(airing)  # persistent without a reload: every column is known
    return airing, True


def confirm_and_commit(
    session: Session,
    settings: Settings,
    item_id: int,
    status: str,
    actor: str,
    *,
    started_at: dt.datetime | None = None,
    duration_seconds: int | None = None,
    reason_code: str | None = None,
    reason_text: str | None = None,
    source: str = "web",
    channel_id: int | None = None,
    allowed: Callable[[int], bool] | None = None,
    now: dt.datetime | None = None,
) -> tuple[Airing | AiringRecord, bool]:
    """confirm_item, committed; on PostgreSQL a first confirmation needs no BEGIN or COMMIT.

    With a session that has not begun, its connection runs in autocommit: the item's facts are
    read, then the airing and its audit entry are inserted by one statement (atomic by itself).
    A repeat (the item has an airing) closes the session and takes confirm_item's transaction,
    which reads and updates the airing under a row lock.
    """
    details: dict[str, Any] = {
        "started_at": started_at, "duration_seconds": duration_seconds,
        "reason_code": reason_code, "reason_text": reason_text, "source": source,
        "channel_id": channel_id, "allowed": allowed,
    }  # fmt: skip
    if session.in_transaction() or session.get_bind().dialect.name != "postgresql":
        airing, created = confirm_item(
            session, settings, item_id, status, actor, now=now, **details
        )
        session.commit()
        return airing, created
    conn = session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    now = now or utcnow()
    row = _new_row(conn, settings, item_id, status, actor, now=now, **details)
    airing_id = _insert_new(conn, row, actor)
    if airing_id is not None:
        session.commit()  # nothing left to commit: releases the connection
        return AiringRecord(id=airing_id, **row), True
    session.close()  # back to a transaction on the next use
    airing, created = confirm_item(session, settings, item_id, status, actor, now=now, **details)
    session.commit()
    return airing, created


def _update_existing(
    session: Session,
    settings: Settings,
    item_id: int,
    values: dict[str, Any],
    actor: str,
    source: str,
    now: dt.datetime,
) -> Airing:
    """Apply a repeated confirmation to the existing airing, auditing every attempt."""
    query = select(Airing).where(Airing.scheduled_item_id == item_id)
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        query = query.with_for_update()
    existing = session.scalars(query.execution_options(populate_existing=True)).one()
    before = _snapshot(existing)
    changed = {k: v for k, v in values.items() if getattr(existing, k) != v}
    if not changed:
        audit.record(session, actor, "airing.confirm.repeat", "airing", existing.id, after=before)
        return existing
    for key, value in changed.items():
        setattr(existing, key, value)
    local = local_date_of(existing.started_at, settings.zone)
    existing.local_date = local
    existing.week_key = Week.of(local).key
    existing.confirmed_by = actor
    existing.confirmed_at = now
    existing.source = source
    session.flush()
    audit.record(
        session, actor, "airing.confirm.update", "airing", existing.id, before, _snapshot(existing)
    )
    return existing


def log_unplanned(
    session: Session,
    settings: Settings,
    channel_id: int,
    programme_id: int,
    actor: str,
    *,
    started_at: dt.datetime,
    duration_seconds: int | None = None,
    status: str = "aired",
    client_ref: str | None = None,
    source: str = "web",
    now: dt.datetime | None = None,
) -> tuple[Airing, bool]:
    """Log a programme that aired without being scheduled; client_ref makes retries safe."""
    if status not in ("aired", "partial"):
        raise Invalid(
            N_("An unplanned airing is either 'aired' or 'partial'"), code="airing.status"
        )
    _check_source(source)
    channel = session.get(Channel, channel_id)
    if channel is None:
        raise NotFound(
            N_("Channel %(channel)s does not exist"), code="channel.not_found", channel=channel_id
        )
    programme = session.get(Programme, programme_id)
    if programme is None:
        raise NotFound(
            N_("Programme %(programme)s does not exist"),
            code="programme.not_found",
            programme=programme_id,
        )
    start = _aware(started_at, "started_at")
    now = now or utcnow()
    if start > now + EARLY_GRACE:
        raise Invalid(N_("An airing cannot start in the future"), code="airing.future")
    local = local_date_of(start, settings.zone)
    if not channel.active_on(local):
        raise Invalid(
            N_("Channel %(channel)s is not active on %(day)s"),
            code="channel.inactive",
            channel=channel_id,
            day=f"{local:%d/%m/%Y}",
        )
    if client_ref is not None:
        found = _by_client_ref(session, channel_id, client_ref)
        if found is not None:
            return found, False
    airing = Airing(
        channel_id=channel_id,
        programme_id=programme_id,
        status=status,
        started_at=start,
        local_date=local,
        week_key=Week.of(local).key,
        duration_seconds=_duration(status, programme.duration_seconds, duration_seconds),
        source=source,
        client_ref=client_ref,
        confirmed_by=actor,
        confirmed_at=now,
    )
    try:
        with session.begin_nested():
            session.add(airing)
            session.flush()
    except IntegrityError:
        found = _by_client_ref(session, channel_id, client_ref) if client_ref else None
        if found is None:
            raise
        return found, False
    audit.record(session, actor, "airing.unplanned", "airing", airing.id, after=_snapshot(airing))
    return airing, True


def _by_client_ref(session: Session, channel_id: int, client_ref: str) -> Airing | None:
    return session.scalar(
        select(Airing).where(Airing.channel_id == channel_id, Airing.client_ref == client_ref)
    )


def unconfirmed_items(
    session: Session, channel_ids: list[int], now: dt.datetime
) -> list[ScheduledItem]:
    """Scheduled items whose slot started before now and that have no airing yet."""
    if not channel_ids:
        return []
    query = (
        select(ScheduledItem)
        .join(Slot, ScheduledItem.slot_id == Slot.id)
        .outerjoin(Airing, Airing.scheduled_item_id == ScheduledItem.id)
        .where(Slot.channel_id.in_(channel_ids), Slot.starts_at < now, Airing.id.is_(None))
        .order_by(Slot.starts_at, ScheduledItem.position)
    )
    return list(session.scalars(query))


def airings_of_week(session: Session, channel_id: int, week: Week) -> list[Airing]:
    """The airing log of one channel for one week, in time order."""
    query = (
        select(Airing)
        .where(Airing.channel_id == channel_id, Airing.week_key == week.key)
        .order_by(Airing.started_at)
    )
    return list(session.scalars(query))
