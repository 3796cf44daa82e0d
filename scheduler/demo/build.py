"""Build a realistic demo province: stations, slot patterns, a library and weeks of airings.

The library grows week by week (scheduler.demo.library), as media centres produce new
programmes; stations fill their weeks by hand with what is new, so past weeks meet most rules
with realistic misses, and the planner still finds fresh programmes for this week and the next.
Everything after the stations is written with bulk statements (one per table).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from content.db import utcnow
from content.models import AuditEntry
from scheduler.areas import find_unit
from scheduler.config import Settings
from scheduler.demo.airings import DemoSlot, airings_for_slot, confirmation_lag
from scheduler.demo.fill import fill_week, musts, pools_for
from scheduler.demo.library import LibraryItem, build_library
from scheduler.demo.stations import (
    DEMO_PREFIX,
    build_stations,
    communes_of,
    demo_present,
    full_name,
)
from scheduler.errors import N_, InvalidState, NotFound
from scheduler.models import (
    Airing,
    Channel,
    ScheduledItem,
    Slot,
    WeekSchedule,
)
from scheduler.periods import Week, local_date_of, local_to_utc


@dataclass
class DemoSummary:
    """What the demo created."""

    channels: int = 0
    programmes: int = 0
    weeks: int = 0
    items: int = 0
    airings: int = 0
    unconfirmed: int = 0
    next_week: str = ""  # the draft week left for the planner
    showcase_channel: int = 0  # the station of the demo broadcaster (first commune station)

    def __str__(self) -> str:
        return (
            f"{self.channels} channels, {self.programmes} programmes, {self.weeks} channel-weeks, "
            f"{self.items} scheduled items, {self.airings} airings, "
            f"{self.unconfirmed} past items left unconfirmed"
        )


def _materialise(
    session: Session,
    settings: Settings,
    channels: list[Channel],
    weeks: list[Week],
    this_week: Week,
    actor: str,
) -> dict[tuple[int, Week], list[DemoSlot]]:
    """Every channel's schedules for the weeks, as schedules.materialise_week makes them.

    Weeks up to this one are published (on the Friday before); later weeks stay drafts.
    """
    zone = settings.zone
    keys = [(ch, w) for ch in channels for w in weeks]
    rows = []
    for ch, w in keys:
        published = w <= this_week
        rows.append(
            {
                "channel_id": ch.id,
                "week_key": w.key,
                "week_start": w.monday,
                "state": "published" if published else "draft",
                "version": 2 if published else 1,
                "published_by": actor if published else None,
                "published_at": dt.datetime.combine(
                    w.monday - dt.timedelta(days=3), dt.time(9), tzinfo=zone
                ) if published else None,
            }
        )  # fmt: skip
    schedule_ids = insert_ids(session, WeekSchedule, rows)
    slot_rows: list[dict[str, Any]] = []
    counts: list[int] = []
    for (ch, w), sid in zip(keys, schedule_ids, strict=True):
        before = len(slot_rows)
        for day in w.days():
            if not ch.active_on(day):
                continue
            for pattern in ch.patterns:
                if pattern.applies_on(day):
                    slot_rows.append(
                        {
                            "schedule_id": sid,
                            "channel_id": ch.id,
                            "pattern_id": pattern.id,
                            "starts_at": local_to_utc(day, pattern.start_time, zone),
                            "local_date": day,
                            "duration_minutes": pattern.duration_minutes,
                        }
                    )
        counts.append(len(slot_rows) - before)
    slot_ids = iter(insert_ids(session, Slot, slot_rows))
    audit: list[dict[str, object]] = []
    out: dict[tuple[int, Week], list[DemoSlot]] = {}
    position = 0
    for (ch, w), sid, n, row in zip(keys, schedule_ids, counts, rows, strict=True):
        part = slot_rows[position : position + n]
        position += n
        out[(ch.id, w)] = [
            DemoSlot(
                next(slot_ids), r["starts_at"], r["local_date"], r["duration_minutes"] * 60, []
            )
            for r in part
        ]
        audit.append(_audit(actor, "schedule.materialise", sid, None,
                            {"channel_id": ch.id, "week": str(w), "slots": n}))  # fmt: skip
        if row["state"] == "published":
            audit.append(_audit(actor, "schedule.publish", sid, {"state": "draft", "version": 1},
                                {"state": "published", "version": 2}))  # fmt: skip
    session.connection().execute(AuditEntry.__table__.insert(), audit)
    return out


def insert_ids(session: Session, model: type, rows: list[dict[str, object]]) -> list[int]:
    """Insert rows in bulk and return their ids in order.

    SQLite answers an ordered RETURNING with one statement per row, so there the ids are given
    explicitly from max(id) + 1: the transaction already wrote (the library), so SQLite holds the
    database's write lock and no other writer can take them. Elsewhere: INSERT ... RETURNING.
    """
    if not rows:
        return []
    table = model.__table__  # type: ignore[attr-defined]
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        stmt = table.insert().returning(table.c.id, sort_by_parameter_order=True)
        return list(conn.execute(stmt, rows).scalars())
    start = (conn.execute(select(func.max(table.c.id))).scalar() or 0) + 1
    ids = list(range(start, start + len(rows)))
    for row, new_id in zip(rows, ids, strict=True):
        row["id"] = new_id
    conn.execute(table.insert(), rows)
    return ids


def _audit(
    actor: str, action: str, entity_id: int, before: dict | None, after: dict
) -> dict[str, object]:
    """An audit_log row for a schedule (as content.audit.record writes it)."""
    return {"actor": actor, "action": action, "entity": "week_schedule", "entity_id": entity_id,
            "before": before, "after": after}  # fmt: skip


def build_demo(
    session: Session,
    settings: Settings,
    province_code: str,
    actor: str = "demo",
    past_weeks: int = 8,
    seed: int = 2026,
    now: dt.datetime | None = None,
) -> DemoSummary:
    """Create the demo in the caller's transaction; the province's units must be imported.

    Past weeks and this week are published and filled; next week is a draft half filled by
    hand, left for the planner (`loa plan`) to complete. Today's slots are not confirmed yet,
    this week's earlier days partly (the showcase station, the demo broadcaster's, more so).
    """
    if demo_present(session):
        raise InvalidState(N_("The demo data is already present"), code="demo.present")
    province = find_unit(session, province_code)
    if province.level != "province":
        raise NotFound(
            N_("Unit %(unit)s is not a province"), code="demo.province", unit=province_code
        )
    rng = random.Random(seed)
    now = now or utcnow()
    this_week = Week.of(local_date_of(now, settings.zone))
    weeks = [this_week.shift(k) for k in range(-past_weeks, 2)]
    summary = DemoSummary(next_week=str(weeks[-1]))
    communes = communes_of(session, province)
    # Rural communes are the subjects of the NTM stories ("Xã Tân Cương"), not urban wards.
    names = [full_name(c) for c in communes if (c.unit_type or "Xã") == "Xã"] or [
        full_name(c) for c in communes
    ]
    library = build_library(session, rng, actor, weeks, now, settings.zone, names, DEMO_PREFIX)
    summary.programmes = len(library)
    channels = build_stations(session, province, communes, rng, weeks[0].monday)
    summary.channels = len(channels)
    slots = _materialise(session, settings, channels, weeks, this_week, actor)
    summary.weeks = len(slots)
    recent = {w: {weeks[i].key, weeks[max(0, i - 1)].key} for i, w in enumerate(weeks)}
    pools: dict[tuple[frozenset[str], Week], tuple[list[LibraryItem], list[LibraryItem]]] = {}
    plan: list[tuple[Channel, float, list[DemoSlot]]] = []
    for channel in channels:
        langs = frozenset(channel.languages)
        minority = bool(langs - {"vi"})
        reliability = rng.choice((0.97, 0.93, 0.9, 0.85, 0.7))
        for w in weeks:
            week_slots = slots[(channel.id, w)]
            if not week_slots:
                continue
            if (langs, w) not in pools:  # channels with the same languages share their pools
                pools[(langs, w)] = pools_for(library, langs, w, w > this_week, recent[w])
            pool, fresh = pools[(langs, w)]
            if w <= this_week:
                wants = musts(channel.kind, minority, rng)
                fill_week(week_slots, fresh, pool, wants, 1.0, rng, settings.zone)
            else:
                # Next week: a draft begun by hand with the daily routine (news, relays); the
                # rest is left for the planner.
                fill_week(week_slots, [], pool, [], 0.5, rng, settings.zone)
            plan.append((channel, reliability, week_slots))
    item_rows = [
        {"slot_id": s.id, "programme_id": p.id, "position": i, "pinned": False, "added_by": actor}
        for _, _, week_slots in plan
        for s in week_slots
        for i, p in enumerate(s.picks)
    ]
    ids = iter(insert_ids(session, ScheduledItem, item_rows))
    summary.items = len(item_rows)
    rows: list[dict[str, object]] = []
    today = local_date_of(now, settings.zone)
    summary.showcase_channel = next(c.id for c in channels if c.kind == "commune_radio")
    for channel, reliability, week_slots in plan:
        for slot in week_slots:
            pairs = [(next(ids), p) for p in slot.picks]
            if slot.starts_at < now:
                showcase = channel.id == summary.showcase_channel
                lag = confirmation_lag(slot, today, this_week, showcase)
                summary.unconfirmed += airings_for_slot(
                    settings, channel, slot, pairs, reliability, rng, now, rows, lag
                )
    if rows:
        session.connection().execute(Airing.__table__.insert(), rows)
    summary.airings = len(rows)
    session.flush()
    return summary
