"""The airing log: idempotent confirmations of scheduled items and unplanned airings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached

from content import audit
from content.db import utcnow
from content.models import Programme
from scheduler.airing_store import ItemFacts, store_for
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


def audit_entry(row: dict[str, Any], actor: str) -> dict[str, Any]:
    """The audit entry of a first confirmation (its airing id is known after the insert)."""
    return audit.entry_values(actor, "airing.confirm", "airing", None, after=_snapshot_of(row))


def _aware(value: dt.datetime, name: str) -> dt.datetime:
    if value.tzinfo is None:
        raise Invalid(
            N_("%(field)s must include a time zone offset"), code="airing.time_zone", field=name
        )
    return value.astimezone(dt.UTC)


def new_row(  # noqa: PLR0913 - one parameter per column of an airing row (keyword-only)
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
    allowed: Callable[[ItemFacts], bool] | None,
    now: dt.datetime,
) -> dict[str, Any]:
    """Check a confirmation against its item's facts; the airing row a first one inserts."""
    _check_status(settings, status, reason_code, reason_text)
    _check_source(source)
    item = store_for(conn).item_facts(conn, item_id)
    if item is None or (allowed is not None and not allowed(item)):
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


def confirm_item(  # noqa: PLR0913 - the confirmation's fields as keyword-only options
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
    allowed: Callable[[ItemFacts], bool] | None = None,
    now: dt.datetime | None = None,
) -> tuple[Airing, bool]:
    """Record what happened to a scheduled item; a repeat updates the one airing (audited).

    allowed(item facts) False makes the item unknown to the caller (NotFound), before any write.
    """
    # Core on the session's connection (flushing first, as a query would): no ORM result layer.
    session.flush()
    now = now or utcnow()
    row = new_row(
        session.connection(), settings, item_id, status, actor, started_at=started_at,
        duration_seconds=duration_seconds, reason_code=reason_code, reason_text=reason_text,
        source=source, channel_id=channel_id, allowed=allowed, now=now,
    )  # fmt: skip
    # One statement settles races: a concurrent or repeated confirmation finds the row taken
    # (PostgreSQL waits for the other transaction) and becomes an audited update instead.
    conn = session.connection()
    airing_id = store_for(conn).insert_first(conn, row, audit_entry(row, actor))
    if airing_id is None:
        values = {k: row[k] for k in _COMPARED}
        return _update_existing(session, settings, item_id, values, actor, source, now), False
    airing = Airing(id=airing_id, **row)
    make_transient_to_detached(airing)
    session.add(airing)  # persistent without a reload: every column is known
    return airing, True


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
    # A row lock on PostgreSQL; SQLite has none (SQLAlchemy leaves FOR UPDATE out there).
    query = select(Airing).where(Airing.scheduled_item_id == item_id).with_for_update()
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


def log_unplanned(  # noqa: PLR0913 - the unplanned airing's fields as keyword-only options
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
