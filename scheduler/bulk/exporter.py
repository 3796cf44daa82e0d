"""Export an area's channels, patterns, programmes, weeks and airings in the bulk format."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from content.models import Programme
from scheduler.areas import channels_in_area
from scheduler.config import Settings
from scheduler.models import Airing, ScheduledItem, Slot, SlotPattern, WeekSchedule
from scheduler.periods import Week


def export_rows(
    session: Session,
    settings: Settings,
    unit_code: str | None = None,
    weeks: tuple[Week, Week] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Rows of every section for the area (and, for weeks and airings, the week range)."""
    zone = settings.zone
    channels = channels_in_area(session, unit_code)
    ids = [c.id for c in channels]
    code_of = {c.id: c.code or f"ch{c.id}" for c in channels}
    out: dict[str, list[dict[str, Any]]] = {
        "channels": [
            {
                "code": code_of[c.id],
                "name": c.name,
                "kind": c.kind,
                "unit_code": c.unit.code,
                "unit_structure": c.unit.structure,
                "languages": c.languages,
                "active_from": c.active_from,
                "active_to": c.active_to,
            }
            for c in channels
        ]
    }
    patterns = session.scalars(
        select(SlotPattern)
        .where(SlotPattern.channel_id.in_(ids))
        .order_by(SlotPattern.channel_id, SlotPattern.start_time, SlotPattern.id)
    )
    out["slot_patterns"] = [
        {
            "channel_code": code_of[p.channel_id],
            "weekdays": p.weekdays,
            "start": p.start_time.strftime("%H:%M"),
            "minutes": p.duration_minutes,
            "valid_from": p.valid_from,
            "valid_to": p.valid_to,
            "name": p.name,
        }
        for p in patterns
    ]
    programmes = session.scalars(select(Programme).order_by(Programme.id))
    out["programmes"] = [
        {
            "code": p.code or f"p{p.id}",
            "title": p.title,
            "type": p.programme_type,
            "topics": p.topics,
            "language": p.language,
            "duration_seconds": p.duration_seconds,
            "producer": p.producer,
            "priority": p.priority,
            "approved_by": p.approved_by,
            "approved_at": p.approved_at,
            "valid_from": p.valid_from,
            "valid_to": p.valid_to,
            "description": p.description,
        }
        for p in programmes
    ]
    item_query = (
        select(ScheduledItem, Slot, WeekSchedule)
        .join(Slot, ScheduledItem.slot_id == Slot.id)
        .join(WeekSchedule, Slot.schedule_id == WeekSchedule.id)
        .where(Slot.channel_id.in_(ids))
        .options(selectinload(ScheduledItem.programme))
        .order_by(Slot.channel_id, Slot.starts_at, ScheduledItem.position)
    )
    airing_query = (
        select(Airing)
        .where(Airing.channel_id.in_(ids))
        .options(selectinload(Airing.programme))
        .order_by(Airing.channel_id, Airing.started_at, Airing.id)
    )
    if weeks is not None:
        item_query = item_query.where(WeekSchedule.week_key.between(weeks[0].key, weeks[1].key))
        airing_query = airing_query.where(Airing.week_key.between(weeks[0].key, weeks[1].key))
    out["schedule_items"] = [
        {
            "channel_code": code_of[slot.channel_id],
            "week": str(Week.from_key(schedule.week_key)),
            "state": schedule.state,
            "date": slot.local_date,
            "start": slot.starts_at.astimezone(zone).strftime("%H:%M"),
            "position": item.position,
            "programme_code": item.programme.code or f"p{item.programme_id}",
            "pinned": item.pinned,
        }
        for item, slot, schedule in session.execute(item_query)
    ]
    out["airings"] = [
        {
            "channel_code": code_of[a.channel_id],
            "date": a.local_date,
            "start": a.started_at.astimezone(zone).strftime("%H:%M"),
            "programme_code": a.programme.code or f"p{a.programme_id}",
            "status": a.status,
            "duration_seconds": a.duration_seconds,
            "reason_code": a.reason_code,
            "reason_text": a.reason_text,
            "planned": a.scheduled_item_id is not None,
            "confirmed_by": a.confirmed_by,
        }
        for a in session.scalars(airing_query)
    ]
    return out
