"""Bulk writes of the planner: materialise missing weeks, insert items, bump versions, publish.

Same results as scheduler.schedules (materialise_week, add_item, publish_week) for many channels
at once, with a handful of statements and one audit entry per schedule touched.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from content.db import utcnow
from content.models import AuditEntry
from scheduler.bulk_store import insert_rows
from scheduler.config import Settings
from scheduler.models import Airing, Channel, ScheduledItem, Slot, SlotPattern, WeekSchedule
from scheduler.periods import Week, local_to_utc
from scheduler.planner.load import _chunks


def _audit(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        now = utcnow()
        for r in rows:
            r.setdefault("at", now)
            r.setdefault("before", None)
        session.connection().execute(AuditEntry.__table__.insert(), rows)


ITEM_COLUMNS = ("slot_id", "programme_id", "position", "pinned", "added_by")
SLOT_COLUMNS = ("schedule_id", "channel_id", "pattern_id", "starts_at", "local_date",
                "duration_minutes")  # fmt: skip


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
    utc: dict[tuple[dt.date, dt.time], dt.datetime] = {}
    slot_rows: list[tuple] = []
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
                    at = utc.get((day, p.start_time))
                    if at is None:
                        at = utc[(day, p.start_time)] = local_to_utc(day, p.start_time, zone)
                    slot_rows.append((sid, cid, p.id, at, day, p.duration_minutes))
                    n += 1
        audit_rows.append(
            {"actor": actor, "action": "schedule.materialise", "entity": "week_schedule",
             "entity_id": sid, "after": {"channel_id": cid, "week": str(week), "slots": n}}
        )  # fmt: skip
    insert_rows(session, Slot.__table__, SLOT_COLUMNS, slot_rows)
    _audit(session, audit_rows)
    return len(missing)


def insert_items(
    session: Session,
    week: Week,
    placements: Iterable[tuple[int, int, int, str]],
    next_position: dict[int, int],
    actor: str,
) -> int:
    """Append (channel, slot, programme, phase) placements to their slots; bump and audit.

    next_position: per slot, the position after its last item (slots absent start at 0).
    """
    rows: list[tuple[int, int, int, bool, str]] = []
    by_channel: dict[int, list[int]] = defaultdict(list)
    pos_of = dict(next_position)
    for cid, slot_id, pid, _ in placements:
        pos = pos_of.get(slot_id, 0)
        pos_of[slot_id] = pos + 1
        rows.append((slot_id, pid, pos, False, actor))
        by_channel[cid].append(pid)
    if not rows:
        return 0
    insert_rows(session, ScheduledItem.__table__, ITEM_COLUMNS, rows)
    schedules = _schedules(session, week, sorted(by_channel))
    ids = [sid for sid, _ in schedules.values()]
    for part in _chunks(ids):
        session.connection().execute(
            update(WeekSchedule.__table__)
            .where(WeekSchedule.__table__.c.id.in_(part))
            .values(version=WeekSchedule.__table__.c.version + 1)
        )
    _audit(
        session,
        [
            {"actor": actor,
             "action": "schedule.amend.plan" if state == "published" else "schedule.edit.plan",
             "entity": "week_schedule", "entity_id": sid,
             "after": {"week": str(week), "added": len(by_channel[cid]),
                       "programme_ids": by_channel[cid]}}
            for cid, (sid, state) in schedules.items()
        ],
    )  # fmt: skip
    return len(rows)


def _schedules(session: Session, week: Week, channel_ids: list[int]) -> dict[int, tuple[int, str]]:
    out: dict[int, tuple[int, str]] = {}
    for part in _chunks(channel_ids):
        for cid, sid, state in session.connection().execute(
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


def clear_unpinned(session: Session, week: Week, channel_ids: list[int], actor: str) -> int:
    """Take out the week's items nobody pinned and nothing confirmed, so the week is re-planned."""
    conn = session.connection()
    gone: list[tuple[int, int, int]] = []  # item, channel, programme
    for part in _chunks(channel_ids):
        gone += [(i, c, p) for i, c, p in conn.execute(
            select(ScheduledItem.id, WeekSchedule.channel_id, ScheduledItem.programme_id)
            .join(Slot, Slot.id == ScheduledItem.slot_id)
            .join(WeekSchedule, WeekSchedule.id == Slot.schedule_id)
            .outerjoin(Airing, Airing.scheduled_item_id == ScheduledItem.id)
            .where(WeekSchedule.week_key == week.key, WeekSchedule.channel_id.in_(part),
                   ScheduledItem.pinned.is_(False), Airing.id.is_(None))
            .order_by(ScheduledItem.id)
        ).all()]  # fmt: skip
    if not gone:
        return 0
    items = ScheduledItem.__table__
    for part in _chunks([g[0] for g in gone]):
        conn.execute(delete(items).where(items.c.id.in_(part)))
    by_channel: dict[int, list[int]] = defaultdict(list)
    for _, cid, pid in gone:
        by_channel[cid].append(pid)
    states = _schedules(session, week, sorted(by_channel))
    _audit(
        session,
        [
            {"actor": actor,
             "action": "schedule.amend.unplan" if state == "published" else "schedule.edit.unplan",
             "entity": "week_schedule", "entity_id": sid,
             "before": {"week": str(week), "programme_ids": by_channel[cid]}}
            for cid, (sid, state) in states.items()
        ],
    )  # fmt: skip
    return len(gone)
