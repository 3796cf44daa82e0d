"""The item-facts query, as SQLAlchemy Core (compiled once per back end by its store)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import aliased

from content.models import Programme
from scheduler.models import ScheduledItem, Slot, WeekSchedule


def item_facts_statement() -> Select[Any]:
    """Channel, slot start, programme, planned offset and week state of the item :item_id."""
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
            (WeekSchedule.state == "published").label("published"),
        )
        .join(Slot, Slot.id == ScheduledItem.slot_id)
        .join(WeekSchedule, WeekSchedule.id == Slot.schedule_id)
        .join(Programme, Programme.id == ScheduledItem.programme_id)
        .where(ScheduledItem.id == bindparam("item_id"))
    )
