"""Weekly schedules: materialise from slot patterns, edit items, publish, amend and copy."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from audio.messages import Message, TranslatableError, message
from content import audit
from content.db import utcnow
from content.models import Programme
from scheduler.config import Settings
from scheduler.errors import N_, Invalid, InvalidState, NotFound, VersionConflict
from scheduler.models import Airing, Channel, ScheduledItem, Slot, WeekSchedule
from scheduler.periods import Week, local_to_utc


def get_week(session: Session, channel_id: int, week: Week) -> WeekSchedule | None:
    """The channel's schedule for the week, if it was materialised."""
    return session.scalar(
        select(WeekSchedule).where(
            WeekSchedule.channel_id == channel_id, WeekSchedule.week_key == week.key
        )
    )


def _channel(session: Session, channel_id: int) -> Channel:
    channel = session.get(Channel, channel_id)
    if channel is None:
        raise NotFound(
            N_("Channel %(channel)s does not exist"), code="channel.not_found", channel=channel_id
        )
    return channel


def materialise_week(
    session: Session, settings: Settings, channel_id: int, week: Week, actor: str
) -> WeekSchedule:
    """Create the week's schedule with one slot per pattern occurrence (idempotent)."""
    existing = get_week(session, channel_id, week)
    if existing is not None:
        return existing
    channel = _channel(session, channel_id)
    schedule = WeekSchedule(channel_id=channel_id, week_key=week.key, week_start=week.monday)
    zone = settings.zone
    for day in week.days():
        if not channel.active_on(day):
            continue
        for pattern in channel.patterns:
            if pattern.applies_on(day):
                schedule.slots.append(
                    Slot(
                        channel_id=channel_id,
                        pattern_id=pattern.id,
                        starts_at=local_to_utc(day, pattern.start_time, zone),
                        local_date=day,
                        duration_minutes=pattern.duration_minutes,
                    )
                )
    try:
        with session.begin_nested():
            session.add(schedule)
            session.flush()
    except IntegrityError:
        # Another transaction materialised the same week first: use theirs.
        found = get_week(session, channel_id, week)
        if found is None:
            raise
        return found
    audit.record(
        session,
        actor,
        "schedule.materialise",
        "week_schedule",
        schedule.id,
        after={"channel_id": channel_id, "week": str(week), "slots": len(schedule.slots)},
    )
    return schedule


def _schedule(session: Session, schedule_id: int) -> WeekSchedule:
    schedule = session.get(WeekSchedule, schedule_id)
    if schedule is None:
        raise NotFound(
            N_("Schedule %(schedule)s does not exist"),
            code="schedule.not_found",
            schedule=schedule_id,
        )
    return schedule


def _check_version(schedule: WeekSchedule, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != schedule.version:
        raise VersionConflict(
            N_(
                "The schedule changed while you were editing it (it is now version %(current)s,"
                " you edited version %(edited)s); reload it and try again"
            ),
            current=schedule.version,
            edited=expected_version,
        )


def _touch(schedule: WeekSchedule) -> str:
    """Bump the version; return the audit action prefix (amend once published)."""
    schedule.version += 1
    return "schedule.amend" if schedule.state == "published" else "schedule.edit"


def publish_week(
    session: Session, schedule_id: int, actor: str, expected_version: int | None = None
) -> WeekSchedule:
    """Publish a draft week; publishing a published week changes nothing."""
    schedule = _schedule(session, schedule_id)
    _check_version(schedule, expected_version)
    if schedule.state == "published":
        return schedule
    before = {"state": schedule.state, "version": schedule.version}
    schedule.state = "published"
    schedule.published_at = utcnow()
    schedule.published_by = actor
    schedule.version += 1
    session.flush()
    audit.record(
        session,
        actor,
        "schedule.publish",
        "week_schedule",
        schedule.id,
        before=before,
        after={"state": schedule.state, "version": schedule.version},
    )
    return schedule


def slot_used_seconds(slot: Slot, exclude_item_id: int | None = None) -> int:
    """Seconds of the slot already taken by its items."""
    return sum(item.programme.duration_seconds for item in slot.items if item.id != exclude_item_id)


def check_programme_fits(session: Session, slot: Slot, programme: Programme) -> None:
    """Raise Invalid when the programme may not go into the slot, saying why."""
    channel = session.get(Channel, slot.channel_id)
    assert channel is not None
    if programme.language not in channel.languages:
        raise Invalid(
            N_(
                "Programme %(programme)s is in language '%(language)s', which channel"
                " %(channel)s does not air (it airs: %(languages)s)"
            ),
            code="programme.language",
            programme=programme.id,
            language=programme.language,
            channel=channel.id,
            languages=", ".join(channel.languages) or "-",
        )
    if not programme.is_approved:
        raise Invalid(
            N_("Programme %(programme)s is not approved for broadcast"),
            code="programme.approval",
            programme=programme.id,
        )
    if not programme.valid_on(slot.local_date):
        raise Invalid(
            N_("Programme %(programme)s is not valid on %(day)s"),
            code="programme.validity",
            programme=programme.id,
            day=f"{slot.local_date:%d/%m/%Y}",
        )
    free = slot.duration_minutes * 60 - slot_used_seconds(slot)
    if programme.duration_seconds > free:
        raise Invalid(
            N_(
                "Programme %(programme)s lasts %(seconds)s seconds but only %(free)s seconds"
                " are free in the slot"
            ),
            code="programme.length",
            programme=programme.id,
            seconds=programme.duration_seconds,
            free=free,
        )


def _renumber(slot: Slot) -> None:
    for i, item in enumerate(sorted(slot.items, key=lambda it: it.position)):
        item.position = i


def _item_snapshot(item: ScheduledItem) -> dict[str, object]:
    return {
        "slot_id": item.slot_id,
        "programme_id": item.programme_id,
        "position": item.position,
        "pinned": item.pinned,
    }


def add_item(
    session: Session,
    slot_id: int,
    programme_id: int,
    actor: str,
    position: int | None = None,
    pinned: bool = True,
    expected_version: int | None = None,
) -> ScheduledItem:
    """Place a programme in a slot (at the end, or at position), checking it fits."""
    slot = session.get(Slot, slot_id)
    if slot is None:
        raise NotFound(N_("Slot %(slot)s does not exist"), code="slot.not_found", slot=slot_id)
    schedule = slot.schedule
    _check_version(schedule, expected_version)
    programme = session.get(Programme, programme_id)
    if programme is None:
        raise NotFound(
            N_("Programme %(programme)s does not exist"),
            code="programme.not_found",
            programme=programme_id,
        )
    check_programme_fits(session, slot, programme)
    ordered = sorted(slot.items, key=lambda it: it.position)
    pos = len(ordered) if position is None else max(0, min(position, len(ordered)))
    item = ScheduledItem(programme=programme, position=pos, pinned=pinned, added_by=actor)
    for other in ordered[pos:]:
        other.position += 1
    slot.items.append(item)
    _renumber(slot)
    action = _touch(schedule)
    session.flush()
    audit.record(
        session, actor, f"{action}.add_item", "scheduled_item", item.id, after=_item_snapshot(item)
    )
    return item


def _item(session: Session, item_id: int) -> ScheduledItem:
    item = session.get(ScheduledItem, item_id)
    if item is None:
        raise NotFound(
            N_("Scheduled item %(item)s does not exist"), code="item.not_found", item=item_id
        )
    return item


def remove_item(
    session: Session, item_id: int, actor: str, expected_version: int | None = None
) -> None:
    """Take a programme out of its slot; refused once its airing was confirmed."""
    item = _item(session, item_id)
    slot = item.slot
    schedule = slot.schedule
    _check_version(schedule, expected_version)
    if session.scalar(select(Airing.id).where(Airing.scheduled_item_id == item_id)):
        raise InvalidState(
            N_("Scheduled item %(item)s already has a confirmed airing and cannot be removed"),
            code="item.confirmed",
            item=item_id,
        )
    before = _item_snapshot(item)
    slot.items.remove(item)
    session.delete(item)
    _renumber(slot)
    action = _touch(schedule)
    session.flush()
    audit.record(session, actor, f"{action}.remove_item", "scheduled_item", item_id, before=before)


def move_item(
    session: Session,
    item_id: int,
    position: int,
    actor: str,
    expected_version: int | None = None,
) -> ScheduledItem:
    """Move an item to another position within its slot."""
    item = _item(session, item_id)
    slot = item.slot
    schedule = slot.schedule
    _check_version(schedule, expected_version)
    before = _item_snapshot(item)
    ordered = [it for it in sorted(slot.items, key=lambda it: it.position) if it is not item]
    pos = max(0, min(position, len(ordered)))
    ordered.insert(pos, item)
    for i, it in enumerate(ordered):
        it.position = i
    action = _touch(schedule)
    session.flush()
    audit.record(
        session,
        actor,
        f"{action}.move_item",
        "scheduled_item",
        item.id,
        before=before,
        after=_item_snapshot(item),
    )
    return item


@dataclass
class CopyResult:
    """The target week and what could not be copied, with the reason."""

    schedule: WeekSchedule
    copied: int = 0
    notes: list[Message | TranslatableError] = field(default_factory=list)  # not copied, why

    @property
    def skipped(self) -> list[str]:
        """The notes in English (for readers that do not render catalogue messages)."""
        return [str(n) for n in self.notes]


def _slot_key(slot: Slot, zone: dt.tzinfo) -> tuple[int, dt.time, int]:
    local = slot.starts_at.astimezone(zone)
    return (slot.local_date.isoweekday(), local.time(), slot.duration_minutes)


def copy_week(
    session: Session,
    settings: Settings,
    channel_id: int,
    source: Week,
    target: Week,
    actor: str,
) -> CopyResult:
    """Copy the items of one week into the matching empty slots of another (a draft)."""
    src = get_week(session, channel_id, source)
    if src is None:
        raise NotFound(
            N_("Channel %(channel)s has no schedule for %(week)s"),
            code="schedule.not_found",
            channel=channel_id,
            week=str(source),
        )
    if source == target:
        raise Invalid(N_("The source and target weeks are the same"), code="schedule.copy.same")
    dst = materialise_week(session, settings, channel_id, target, actor)
    if dst.state == "published":
        raise InvalidState(
            N_(
                "The schedule of %(week)s is already published; amend it instead of copying over it"
            ),
            code="schedule.published",
            week=str(target),
        )
    zone = settings.zone
    targets = {_slot_key(s, zone): s for s in dst.slots}
    result = CopyResult(schedule=dst)
    for slot in src.slots:
        match = targets.get(_slot_key(slot, zone))
        if match is None:
            if slot.items:
                result.notes.append(
                    message(
                        N_("There is no matching slot for %(day)s in %(week)s"),
                        day=f"{slot.local_date:%d/%m/%Y}",
                        week=str(target),
                    )
                )
            continue
        if match.items:
            continue  # never overwrite what a planner already placed
        for item in sorted(slot.items, key=lambda it: it.position):
            try:
                check_programme_fits(session, match, item.programme)
            except Invalid as exc:
                result.notes.append(exc)
                continue
            match.items.append(
                ScheduledItem(
                    programme=item.programme,
                    position=len(match.items),
                    pinned=item.pinned,
                    added_by=actor,
                )
            )
            result.copied += 1
    if result.copied:
        dst.version += 1
    session.flush()
    audit.record(
        session,
        actor,
        "schedule.copy",
        "week_schedule",
        dst.id,
        after={"from": str(source), "to": str(target), "copied": result.copied},
    )
    return result
