"""Builders for compliance tests: schedules, items and airings written straight to the DB."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from content.models import AuditEntry, Programme, ProgrammeTopic
from scheduler.models import (
    AdminUnit,
    Airing,
    Channel,
    ChannelLanguage,
    ScheduledItem,
    Slot,
    WeekSchedule,
)
from scheduler.periods import Week, local_date_of, local_to_utc
from tests import factories

_refs = itertools.count(1)


def clear(session: Session) -> None:
    """Delete every row the compliance tests create (hypothesis reuses one database)."""
    for model in (Airing, ScheduledItem, Slot, WeekSchedule, ChannelLanguage, Channel,
                  ProgrammeTopic, Programme, AuditEntry):  # fmt: skip
        session.execute(delete(model))
    session.execute(delete(AdminUnit).where(AdminUnit.level == "commune"))
    session.execute(delete(AdminUnit).where(AdminUnit.level == "district"))
    session.execute(delete(AdminUnit))
    session.flush()


def schedule(
    session: Session, channel: Channel, week: Week, state: str = "published"
) -> WeekSchedule:
    """The channel's week schedule (created if missing)."""
    existing = session.scalar(
        select(WeekSchedule).where(
            WeekSchedule.channel_id == channel.id, WeekSchedule.week_key == week.key
        )
    )
    if existing is not None:
        return existing
    ws = WeekSchedule(channel_id=channel.id, week_key=week.key, week_start=week.monday, state=state)
    session.add(ws)
    session.flush()
    return ws


def item(
    session: Session,
    channel: Channel,
    programme: Programme,
    day: dt.date,
    at: dt.time,
    zone: dt.tzinfo,
    state: str = "published",
) -> ScheduledItem:
    """A scheduled item in its own slot at a local time."""
    ws = schedule(session, channel, Week.of(day), state)
    slot = Slot(
        schedule_id=ws.id,
        channel_id=channel.id,
        starts_at=local_to_utc(day, at, zone),
        local_date=day,
        duration_minutes=max(1, -(-programme.duration_seconds // 60)),
    )
    session.add(slot)
    session.flush()
    si = ScheduledItem(slot_id=slot.id, programme_id=programme.id, position=0)
    session.add(si)
    session.flush()
    return si


def airing(
    session: Session,
    channel: Channel,
    programme: Programme,
    start: dt.datetime,
    zone: dt.tzinfo,
    status: str = "aired",
    seconds: int | None = None,
    item: ScheduledItem | None = None,
    reason: str | None = None,
) -> Airing:
    """An airing (unplanned unless item is given) with its local date and week key."""
    local = local_date_of(start, zone)
    if seconds is None:
        seconds = programme.duration_seconds if status == "aired" else 0
    if status in ("not_aired", "cancelled") and reason is None:
        reason = "mat_dien"
    a = Airing(
        channel_id=channel.id,
        scheduled_item_id=item.id if item else None,
        programme_id=programme.id,
        status=status,
        started_at=start,
        local_date=local,
        week_key=Week.of(local).key,
        duration_seconds=seconds,
        reason_code=reason,
        source="import",
        client_ref=None if item else f"ref-{next(_refs)}",
        confirmed_by="tester",
    )
    session.add(a)
    session.flush()
    return a


def channel_with_languages(
    session: Session,
    unit: AdminUnit,
    kind: str,
    languages: tuple[str, ...],
    active_from: dt.date,
    active_to: dt.date | None = None,
    name: str | None = None,
) -> Channel:
    """A channel with languages and a unique name (tests.factories.channel, any dates)."""
    return factories.channel(
        session, unit, kind, languages, active_from, active_to,
        name or f"Đài {unit.name} {next(_refs)}",
    )  # fmt: skip
