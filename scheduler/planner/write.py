"""Bulk writes of the planner: materialise missing weeks, insert items, bump versions, publish.

Same results as scheduler.schedules (materialise_week, add_item, publish_week) for many channels
at once, with a handful of statements and one audit entry per schedule touched.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from content.db import utcnow
from content.models import AuditEntry
from scheduler.config import Settings
from scheduler.models import Channel, ScheduledItem, Slot, SlotPattern, WeekSchedule
from scheduler.periods import Week, local_to_utc
from scheduler.planner.load import _chunks


def _audit(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        now = utcnow()
        for r in rows:
            r.setdefault("at", now)
            r.setdefault("before", None)
        session.execute(insert(AuditEntry), rows)


def materialise_missing(
    session: Session, settings: Settings, week: Week, channel_ids: Sequence[int], actor: str
) -> int:
    """Create the week's schedule (a slot per pattern occurrence) where missing; count them."""
    have = set()
    for part in _chunks(list(channel_ids)):
        have |= set(session.scalars(
            select(WeekSchedule.channel_id).where(
                WeekSchedule.week_key == week.key, WeekSchedule.channel_id.in_(part))
        ))  # fmt: skip
    missing = sorted(set(channel_ids) - have)
    if not missing:
        return 0
    active: dict[int, tuple[dt.date, dt.date | None]] = {}
    patterns: dict[int, list[Any]] = defaultdict(list)
    for part in _chunks(missing):
        for cid, a, b in session.execute(
            select(Channel.id, Channel.active_from, Channel.active_to).where(Channel.id.in_(part))
        ):
            active[cid] = (a, b)
        for p in session.execute(
            select(SlotPattern.id, SlotPattern.channel_id, SlotPattern.weekdays,
                   SlotPattern.start_time, SlotPattern.duration_minutes, SlotPattern.valid_from,
                   SlotPattern.valid_to)
            .where(SlotPattern.channel_id.in_(part))
            .order_by(SlotPattern.start_time, SlotPattern.id)
        ):  # fmt: skip
            patterns[p.channel_id].append(p)
    ids = list(
        session.scalars(
            insert(WeekSchedule).returning(WeekSchedule.id, sort_by_parameter_order=True),
            [
                {"channel_id": cid, "week_key": week.key, "week_start": week.monday,
                 "state": "draft", "version": 1}
                for cid in missing
            ],
        )
    )  # fmt: skip
    zone = settings.zone
    slot_rows: list[dict[str, Any]] = []
    audit_rows: list[dict[str, Any]] = []
    days = week.days()
    for cid, sid in zip(missing, ids, strict=True):
        a, b = active[cid]
        n = 0
        for day in days:
            if not (a <= day and (b is None or day <= b)):
                continue
            for p in patterns.get(cid, ()):
                if (p.valid_from <= day and (p.valid_to is None or day <= p.valid_to)
                        and str(day.isoweekday()) in p.weekdays):  # fmt: skip
                    slot_rows.append(
                        {"schedule_id": sid, "channel_id": cid, "pattern_id": p.id,
                         "starts_at": local_to_utc(day, p.start_time, zone), "local_date": day,
                         "duration_minutes": p.duration_minutes}
                    )  # fmt: skip
                    n += 1
        audit_rows.append(
            {"actor": actor, "action": "schedule.materialise", "entity": "week_schedule",
             "entity_id": sid, "after": {"channel_id": cid, "week": str(week), "slots": n}}
        )  # fmt: skip
    if slot_rows:
        session.execute(insert(Slot), slot_rows)
    _audit(session, audit_rows)
    return len(missing)


def insert_items(
    session: Session,
    week: Week,
    placements: Iterable[tuple[int, int, int, str]],
    actor: str,
) -> int:
    """Append (channel, slot, programme, phase) placements to their slots; bump and audit."""
    rows: list[dict[str, Any]] = []
    by_channel: dict[int, list[dict[str, Any]]] = defaultdict(list)
    slot_ids: set[int] = set()
    plist = list(placements)
    for _, slot_id, _, _ in plist:
        slot_ids.add(slot_id)
    if not plist:
        return 0
    next_pos: dict[int, int] = {}
    for part in _chunks(sorted(slot_ids)):
        for slot_id, pos in session.execute(
            select(ScheduledItem.slot_id, ScheduledItem.position).where(
                ScheduledItem.slot_id.in_(part)
            )
        ):
            next_pos[slot_id] = max(next_pos.get(slot_id, 0), pos + 1)
    for cid, slot_id, pid, phase in plist:
        pos = next_pos.get(slot_id, 0)
        next_pos[slot_id] = pos + 1
        row = {"slot_id": slot_id, "programme_id": pid, "position": pos, "pinned": False,
               "added_by": actor}  # fmt: skip
        rows.append(row)
        by_channel[cid].append({"slot_id": slot_id, "programme_id": pid, "phase": phase})
    session.execute(insert(ScheduledItem), rows)
    schedules = _schedules(session, week, sorted(by_channel))
    ids = [sid for sid, _ in schedules.values()]
    for part in _chunks(ids):
        session.execute(
            update(WeekSchedule)
            .where(WeekSchedule.id.in_(part))
            .values(version=WeekSchedule.version + 1)
            .execution_options(synchronize_session=False)
        )
    _audit(
        session,
        [
            {"actor": actor,
             "action": "schedule.amend.plan" if state == "published" else "schedule.edit.plan",
             "entity": "week_schedule", "entity_id": sid,
             "after": {"week": str(week), "added": by_channel[cid]}}
            for cid, (sid, state) in schedules.items()
        ],
    )  # fmt: skip
    return len(rows)


def _schedules(session: Session, week: Week, channel_ids: list[int]) -> dict[int, tuple[int, str]]:
    out: dict[int, tuple[int, str]] = {}
    for part in _chunks(channel_ids):
        for cid, sid, state in session.execute(
            select(WeekSchedule.channel_id, WeekSchedule.id, WeekSchedule.state).where(
                WeekSchedule.week_key == week.key, WeekSchedule.channel_id.in_(part)
            )
        ):
            out[cid] = (sid, state)
    return out


def publish(session: Session, week: Week, channel_ids: list[int], actor: str) -> int:
    """Publish the channels' draft weeks (as schedules.publish_week does); return how many."""
    drafts = [
        sid for sid, state in _schedules(session, week, channel_ids).values() if state == "draft"
    ]
    now = utcnow()
    for part in _chunks(drafts):
        session.execute(
            update(WeekSchedule)
            .where(WeekSchedule.id.in_(part))
            .values(state="published", published_at=now, published_by=actor,
                    version=WeekSchedule.version + 1)
            .execution_options(synchronize_session=False)
        )  # fmt: skip
    _audit(
        session,
        [
            {"actor": actor, "action": "schedule.publish", "entity": "week_schedule",
             "entity_id": sid, "before": {"state": "draft"}, "after": {"state": "published"}}
            for sid in drafts
        ],
    )  # fmt: skip
    return len(drafts)
