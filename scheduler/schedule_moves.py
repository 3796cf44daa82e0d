"""Move a scheduled item to another slot of the same week (the planner's drag and drop)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from content import audit
from content.errors import N_
from scheduler import schedules
from scheduler.errors import InvalidState, NotFound
from scheduler.models import Airing, ScheduledItem, Slot


def move_to_slot(
    session: Session,
    item_id: int,
    slot_id: int,
    position: int | None,
    actor: str,
    expected_version: int | None = None,
) -> ScheduledItem:
    """Put an item into another slot of its week (at position, else last), checking it fits.

    Within the same slot this is a reorder. Refused when the item's airing was confirmed (it
    aired where it was), when the slot is of another week or channel, or when it does not fit.
    """
    item = session.get(ScheduledItem, item_id)
    if item is None:
        raise NotFound(
            N_("scheduled item %(id)s does not exist"), code="item.not_found", id=item_id
        )
    source = item.slot
    if slot_id == source.id:
        last = len(source.items) - 1
        pos = last if position is None else position
        return schedules.move_item(session, item.id, pos, actor, expected_version=expected_version)
    target = session.get(Slot, slot_id)
    if target is None or target.schedule_id != source.schedule_id:
        raise NotFound(
            N_("slot %(id)s is not in this week of this station"), code="slot.not_found", id=slot_id
        )
    schedule = source.schedule
    schedules._check_version(schedule, expected_version)
    if session.scalar(select(Airing.id).where(Airing.scheduled_item_id == item.id)):
        raise InvalidState(
            N_("this programme's airing was already confirmed; it cannot move to another slot"),
            code="item.confirmed",
        )
    schedules.check_programme_fits(session, target, item.programme)
    before = {"slot_id": source.id, "position": item.position}
    ordered = sorted(target.items, key=lambda it: it.position)
    item.slot = target  # leaves the source slot's items, joins the target's
    for i, other in enumerate(sorted(source.items, key=lambda it: it.position)):
        other.position = i
    pos = len(ordered) if position is None else max(0, min(position, len(ordered)))
    ordered.insert(pos, item)
    for i, it in enumerate(ordered):
        it.position = i
    schedule.version += 1
    action = "schedule.amend" if schedule.state == "published" else "schedule.edit"
    session.flush()
    audit.record(
        session,
        actor,
        f"{action}.move_item",
        "scheduled_item",
        item.id,
        before=before,
        after={"slot_id": target.id, "position": item.position},
    )
    return item
