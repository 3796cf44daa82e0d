"""Reminder jobs: today's programmes to stations, unconfirmed airings to their planners."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.models import Airing, Channel, ScheduledItem, Slot, WeekSchedule
from scheduler.notify.service import notify
from scheduler.notify.texts import render
from scheduler.periods import local_date_of
from scheduler.worker.job_kit import fmt_date

if TYPE_CHECKING:
    from scheduler.worker.runner import WorkerContext

UNCONFIRMED_LOOKBACK = dt.timedelta(days=7)


def _item_lines(items: list[ScheduledItem], zone: dt.tzinfo) -> str:
    return "\n".join(
        f"- {item.slot.starts_at.astimezone(zone):%H:%M} {item.programme.title}" for item in items
    )


def remind_today(session: Session, ctx: WorkerContext, at: dt.datetime) -> str:
    """Tell each channel's broadcasters what today's published schedule holds."""
    zone = ctx.settings.zone
    today = local_date_of(at, zone)
    rows = session.scalars(
        select(ScheduledItem)
        .join(Slot, ScheduledItem.slot_id == Slot.id)
        .join(WeekSchedule, Slot.schedule_id == WeekSchedule.id)
        .where(Slot.local_date == today, WeekSchedule.state == "published")
        .order_by(Slot.channel_id, Slot.starts_at, ScheduledItem.position)
    ).all()
    per_channel: dict[int, list[ScheduledItem]] = {}
    for item in rows:
        per_channel.setdefault(item.slot.channel_id, []).append(item)
    sent = 0
    for channel_id, items in per_channel.items():
        channel = session.get(Channel, channel_id)
        assert channel is not None
        message = render(
            "remind_today",
            date=fmt_date(today),
            channel=channel.name,
            count=len({i.slot_id for i in items}),
            lines=_item_lines(items, zone),
        )
        note = notify(
            session,
            ctx.settings,
            event="remind_today",
            dedupe_key=f"remind_today:{today.isoformat()}:{channel_id}",
            role="broadcaster",
            channel_id=channel_id,
            message=message,
            now=at,
            data={"date": today.isoformat(), "item_ids": [i.id for i in items]},
        )
        sent += note is not None
    return f"{sent} channel(s) reminded of {len(rows)} item(s) on {today}"


def remind_unconfirmed(session: Session, ctx: WorkerContext, at: dt.datetime) -> str:
    """Remind broadcasters, once per slot, of items still unconfirmed N hours after the slot."""
    hours = ctx.settings.worker.unconfirmed_after_hours
    cutoff = at - dt.timedelta(hours=hours)
    rows = session.scalars(
        select(ScheduledItem)
        .join(Slot, ScheduledItem.slot_id == Slot.id)
        .join(WeekSchedule, Slot.schedule_id == WeekSchedule.id)
        .outerjoin(Airing, Airing.scheduled_item_id == ScheduledItem.id)
        .where(
            WeekSchedule.state == "published",
            Slot.starts_at <= cutoff,
            Slot.starts_at > cutoff - UNCONFIRMED_LOOKBACK,
            Airing.id.is_(None),
        )
        .order_by(Slot.starts_at, ScheduledItem.position)
    ).all()
    per_slot: dict[int, list[ScheduledItem]] = {}
    for item in rows:
        per_slot.setdefault(item.slot_id, []).append(item)
    zone = ctx.settings.zone
    sent = 0
    for slot_id, items in per_slot.items():
        slot = items[0].slot
        channel = session.get(Channel, slot.channel_id)
        assert channel is not None
        message = render(
            "unconfirmed",
            channel=channel.name,
            when=f"{slot.starts_at.astimezone(zone):%H:%M %d/%m/%Y}",
            count=len(items),
            hours=hours,
            lines=_item_lines(items, zone),
        )
        note = notify(
            session,
            ctx.settings,
            event="unconfirmed",
            dedupe_key=f"unconfirmed:slot:{slot_id}",
            role="broadcaster",
            channel_id=channel.id,
            message=message,
            now=at,
            data={"slot_id": slot_id, "item_ids": [i.id for i in items]},
        )
        sent += note is not None
    return f"{sent} slot reminder(s) for {len(rows)} unconfirmed item(s)"
