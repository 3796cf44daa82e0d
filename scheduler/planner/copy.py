"""Copy a week forward for many channels at once: items into the matching empty slots."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from audio.messages import N_, Message, message
from scheduler.bulk_store import insert_rows
from scheduler.config import Settings
from scheduler.models import ScheduledItem, Slot, WeekSchedule
from scheduler.periods import Week
from scheduler.planner.load import _chunks
from scheduler.planner.write import ITEM_COLUMNS, _audit, _schedules


def _slots_with_items(
    session: Session, week: Week, channel_ids: list[int], zone: dt.tzinfo
) -> dict[int, list[tuple[tuple[int, dt.time, int], int, dt.date, int, list[tuple[int, bool]]]]]:
    """Per channel: (match key, slot id, date, minutes, [(programme, pinned)]) in start order."""
    conn = session.connection()
    out: dict[int, list] = defaultdict(list)
    by_id: dict[int, list[tuple[int, bool]]] = {}
    for part in _chunks(channel_ids):
        for sid, cid, day, start, minutes in conn.execute(
            select(Slot.id, Slot.channel_id, Slot.local_date, Slot.starts_at,
                   Slot.duration_minutes)
            .join(WeekSchedule, WeekSchedule.id == Slot.schedule_id)
            .where(WeekSchedule.week_key == week.key, WeekSchedule.channel_id.in_(part))
            .order_by(Slot.channel_id, Slot.starts_at, Slot.id)
        ).all():  # fmt: skip
            items: list[tuple[int, bool]] = []
            by_id[sid] = items
            key = (day.isoweekday(), start.astimezone(zone).time(), minutes)
            out[cid].append((key, sid, day, minutes, items))
        for sid, pid, pinned in conn.execute(
            select(ScheduledItem.slot_id, ScheduledItem.programme_id, ScheduledItem.pinned)
            .join(Slot, Slot.id == ScheduledItem.slot_id)
            .join(WeekSchedule, WeekSchedule.id == Slot.schedule_id)
            .where(WeekSchedule.week_key == week.key, WeekSchedule.channel_id.in_(part))
            .order_by(ScheduledItem.slot_id, ScheduledItem.position, ScheduledItem.id)
        ).all():
            by_id[sid].append((pid, pinned))
    return out


def _why_not(p: Any, languages: Collection[str], day: dt.date, free: int) -> Message | None:
    """Why a copied programme does not fit the target slot (None when it does)."""
    if p.language not in languages:
        return message(
            N_("the channel does not air the language '%(language)s'"), language=p.language
        )
    if not p.approved:
        return message(N_("not approved for broadcast"))
    if (p.valid_from and p.valid_from > day) or (p.valid_to and p.valid_to < day):
        return message(N_("not valid on %(day)s"), day=f"{day:%d/%m/%Y}")
    if p.seconds > free:
        return message(
            N_("lasts %(seconds)s seconds; only %(free)s seconds are free in the slot"),
            seconds=p.seconds,
            free=free,
        )
    return None


def copy_forward(
    session: Session,
    settings: Settings,
    source: Week,
    target: Week,
    channels: dict[int, frozenset[str]],
    programmes: dict[int, Any],
    actor: str,
) -> tuple[int, list[tuple[int, Message]]]:
    """Copy many channels' items into the matching empty slots of target (schedules.copy_week).

    channels: id -> languages it airs; programmes: id -> ProgrammeFacts. Target weeks must be
    materialised; published targets are left alone. Returns (items copied, what was skipped).
    """
    zone = settings.zone
    ids = sorted(channels)
    src = _slots_with_items(session, source, ids, zone)
    dst = _slots_with_items(session, target, ids, zone)
    states = _schedules(session, target, ids)
    rows: list[tuple[int, int, int, bool, str]] = []
    skipped: list[tuple[int, Message]] = []
    copied_by: dict[int, int] = {}
    for cid in ids:
        if not src.get(cid):
            continue
        sid, state = states[cid]
        if state == "published":
            skipped.append((cid, message(N_("%(week)s is already published"), week=str(target))))
            continue
        targets = {key: (slot_id, day, minutes, items)
                   for key, slot_id, day, minutes, items in dst.get(cid, [])}  # fmt: skip
        copied_by[cid] = 0
        for key, _, day, _, items in src[cid]:
            match = targets.get(key)
            if match is None:
                if items:
                    skipped.append(
                        (
                            cid,
                            message(
                                N_("There is no matching slot for %(day)s in %(week)s"),
                                day=f"{day:%d/%m/%Y}",
                                week=str(target),
                            ),
                        )
                    )
                continue
            slot_id, tday, minutes, there = match
            if there:
                continue  # never overwrite what a planner already placed
            free = minutes * 60
            pos = 0
            for pid, pinned in items:
                p = programmes[pid]
                why = _why_not(p, channels[cid], tday, free)
                if why:
                    skipped.append(
                        (
                            cid,
                            message(
                                N_("«%(title)s» (#%(programme)s): %(reason)s"),
                                title=p.title,
                                programme=pid,
                                reason=why,
                            ),
                        )
                    )
                    continue
                free -= p.seconds
                rows.append((slot_id, pid, pos, pinned, actor))
                pos += 1
                copied_by[cid] += 1
    insert_rows(session, ScheduledItem.__table__, ITEM_COLUMNS, rows)
    changed = [states[cid][0] for cid, n in copied_by.items() if n]
    for part in _chunks(changed):
        session.connection().execute(
            update(WeekSchedule.__table__)
            .where(WeekSchedule.__table__.c.id.in_(part))
            .values(version=WeekSchedule.__table__.c.version + 1)
        )
    _audit(
        session,
        [
            {"actor": actor, "action": "schedule.copy", "entity": "week_schedule",
             "entity_id": states[cid][0],
             "after": {"from": str(source), "to": str(target), "copied": n}}
            for cid, n in copied_by.items()
        ],
    )  # fmt: skip
    return len(rows), skipped
