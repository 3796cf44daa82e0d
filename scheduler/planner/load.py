"""Bulk-load what the planner reads: a few column queries, no ORM objects, none per channel."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import String, case, cast, func, select
from sqlalchemy.engine import Connection, Row
from sqlalchemy.orm import Session

from content.models import Programme, ProgrammeTopic
from scheduler.config import Rule
from scheduler.models import AdminUnit, Channel, ChannelLanguage, ScheduledItem, Slot, WeekSchedule
from scheduler.periods import Week, period_of_week
from scheduler.planner.facts import ProgrammeFacts, SlotFacts, planned_rule
from scheduler.rules import ChannelFacts, airing_counts, rule_covers_channel

CHUNK = 5000  # ids per IN list (SQLite and PostgreSQL both take this comfortably)


def _conn(session: Session) -> Connection:
    """The session's connection: column queries skip the ORM's row processing."""
    return session.connection()


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def channel_facts(session: Session, channel_ids: list[int]) -> list[ChannelFacts]:
    """Channels with their languages and the codes of their unit and its ancestors."""
    rows: list[Row[int, str, int, dt.date, dt.date | None]] = []
    langs: dict[int, set[str]] = defaultdict(set)
    for part in _chunks(channel_ids):
        rows += _conn(session).execute(
            select(Channel.id, Channel.kind, Channel.unit_id, Channel.active_from,
                   Channel.active_to).where(Channel.id.in_(part))
        ).all()  # fmt: skip
        for cid, lang in _conn(session).execute(
            select(ChannelLanguage.channel_id, ChannelLanguage.language).where(
                ChannelLanguage.channel_id.in_(part)
            )
        ):
            langs[cid].add(lang)
    parent: dict[int, int | None] = {}
    code: dict[int, str] = {}
    frontier = list({r.unit_id for r in rows})
    while frontier:
        found: list[Row[int, int | None, str]] = []
        for part in _chunks(frontier):
            found += (
                _conn(session)
                .execute(
                    select(AdminUnit.id, AdminUnit.parent_id, AdminUnit.code).where(
                        AdminUnit.id.in_(part)
                    )
                )
                .all()
            )
        for uid, pid, c in found:
            parent[uid], code[uid] = pid, c
        frontier = list({pid for _, pid, _ in found if pid is not None and pid not in parent})
    codes: dict[int, frozenset[str]] = {}

    def chain(uid: int) -> frozenset[str]:
        got = codes.get(uid)
        if got is None:
            up = parent.get(uid)
            got = frozenset({code[uid]}) | (chain(up) if up is not None else frozenset())
            codes[uid] = got
        return got

    return [
        ChannelFacts(r.id, r.kind, frozenset(langs[r.id]), chain(r.unit_id), r.active_from,
                     r.active_to)
        for r in sorted(rows, key=lambda r: r.id)
    ]  # fmt: skip


def programme_facts(session: Session) -> dict[int, ProgrammeFacts]:
    """The whole library (a few thousand rows at most), with topics."""
    topics: dict[int, list[str]] = defaultdict(list)
    for pid, topic in _conn(session).execute(
        select(ProgrammeTopic.programme_id, ProgrammeTopic.topic).order_by(
            ProgrammeTopic.programme_id, ProgrammeTopic.topic
        )
    ):
        topics[pid].append(topic)
    # Whether approved, not when: no timestamp to parse per row (SQLite stores text).
    approved = case((Programme.approved_at.is_(None), False), else_=True)
    rows = _conn(session).execute(
        select(Programme.id, Programme.title, Programme.programme_type, Programme.language,
               Programme.duration_seconds, Programme.priority, approved,
               Programme.valid_from, Programme.valid_to)
    )  # fmt: skip
    empty: tuple[str, ...] = ()
    return {
        pid: ProgrammeFacts(pid, title, ptype, lang, seconds, priority, bool(ok), since, until,
                            tuple(topics[pid]) if pid in topics else empty)
        for pid, title, ptype, lang, seconds, priority, ok, since, until in rows
    }  # fmt: skip


def week_slots(session: Session, channel_ids: list[int], week: Week) -> dict[int, list[SlotFacts]]:
    """The week's slots per channel, in start order, with the programmes already in them."""
    out: dict[int, list[SlotFacts]] = defaultdict(list)
    slots: dict[int, SlotFacts] = {}
    conn = _conn(session)
    for part in _chunks(channel_ids):
        for sid, cid, day, minutes in conn.execute(
            select(Slot.id, Slot.channel_id, Slot.local_date, Slot.duration_minutes)
            .join(WeekSchedule, WeekSchedule.id == Slot.schedule_id)
            .where(WeekSchedule.week_key == week.key, WeekSchedule.channel_id.in_(part))
            .order_by(Slot.channel_id, Slot.starts_at, Slot.id)
        ).all():
            slot = slots[sid] = SlotFacts(sid, cid, day, None, minutes)
            out[cid].append(slot)
        for slot_id, pid, pos in conn.execute(
            select(ScheduledItem.slot_id, ScheduledItem.programme_id, ScheduledItem.position)
            .join(Slot, Slot.id == ScheduledItem.slot_id)
            .join(WeekSchedule, WeekSchedule.id == Slot.schedule_id)
            .where(WeekSchedule.week_key == week.key, WeekSchedule.channel_id.in_(part))
            .order_by(ScheduledItem.slot_id, ScheduledItem.position, ScheduledItem.id)
        ).all():
            slot = slots[slot_id]
            slot.items.append(pid)
            slot.next_position = max(slot.next_position, pos + 1)
    return dict(out)


def _other_weeks(
    session: Session, channel_ids: list[int], first: Week, last: Week, week: Week,
    programme_ids: list[int] | None = None,
) -> list[tuple[int, int, int]]:  # fmt: skip
    """(channel, week_key, programme) of every item in weeks first..last except week."""
    out: list[tuple[int, int, int]] = []
    wanted = set(programme_ids) if programme_ids is not None else None
    for part in _chunks(channel_ids):
        query = (
            select(WeekSchedule.channel_id, WeekSchedule.week_key, ScheduledItem.programme_id)
            .join(Slot, Slot.schedule_id == WeekSchedule.id)
            .join(ScheduledItem, ScheduledItem.slot_id == Slot.id)
            .where(
                WeekSchedule.channel_id.in_(part),
                WeekSchedule.week_key.between(first.key, last.key),
                WeekSchedule.week_key != week.key,
            )
        )
        rows = _conn(session).execute(query).all()
        # Filtered here, not in SQL: an IN list of programmes leads SQLite to scan every
        # station's items of those programmes instead of these stations' weeks.
        out += [(c, w, p) for c, w, p in rows if wanted is None or p in wanted]
    return out


def recent_programmes(
    session: Session, channel_ids: list[int], week: Week, weeks: int
) -> dict[int, set[int]]:
    """Programmes on each channel within `weeks` weeks before or after the week.

    One row per channel (the ids joined by the database), since the window holds many items.
    """
    out: dict[int, set[int]] = defaultdict(set)
    if weeks <= 0:
        return out
    conn = _conn(session)
    pid = cast(ScheduledItem.programme_id, String)
    joined = func.aggregate_strings(pid, ",")
    first, last = week.shift(-weeks), week.shift(weeks)
    for part in _chunks(channel_ids):
        query = (
            select(WeekSchedule.channel_id, joined)
            .join(Slot, Slot.schedule_id == WeekSchedule.id)
            .join(ScheduledItem, ScheduledItem.slot_id == Slot.id)
            .where(
                WeekSchedule.channel_id.in_(part),
                WeekSchedule.week_key.between(first.key, last.key),
                WeekSchedule.week_key != week.key,
            )
            .group_by(WeekSchedule.channel_id)
        )
        for cid, ids in conn.execute(query):
            if ids:
                out[cid] = set(map(int, ids.split(",")))
    return out


def period_items(
    session: Session,
    channels: list[ChannelFacts],
    week: Week,
    rules: tuple[Rule, ...],
    programmes: dict[int, ProgrammeFacts],
) -> dict[int, list[tuple[int, int]]]:
    """Items of other weeks within the periods of rules longer than a week, for their channels."""
    long_rules = [r for r in rules if r.period != "week"]
    out: dict[int, list[tuple[int, int]]] = defaultdict(list)
    if not long_rules:
        return out
    ids = sorted({c.id for c in channels if any(rule_covers_channel(r, c) for r in long_rules)})
    if not ids:
        return out
    # Programmes that could count for some long rule on some channel (any language).
    every = frozenset(programmes[p].language for p in programmes) | {"vi"}
    probe = ChannelFacts(0, "", every, frozenset(), week.monday, None)
    planned = [planned_rule(r) for r in long_rules]
    relevant = sorted(
        p.id for p in programmes.values()
        if any(airing_counts(r, probe, p.planned()) for r in planned)
    )  # fmt: skip
    if not relevant:
        return out
    spans = [period_of_week(week, r.period).weeks() for r in long_rules]
    first = min(s[0] for s in spans)
    last = max(s[-1] for s in spans)
    for cid, wk, pid in _other_weeks(session, ids, first, last, week, relevant):
        out[cid].append((wk, pid))
    for items in out.values():
        items.sort()
    return out
