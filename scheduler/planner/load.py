"""Bulk-load what the planner reads: a few column queries, no ORM objects, none per channel."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from content.models import Programme, ProgrammeTopic
from scheduler.config import Rule
from scheduler.models import AdminUnit, Channel, ChannelLanguage, ScheduledItem, Slot, WeekSchedule
from scheduler.periods import Week, period_of_week
from scheduler.planner.facts import ProgrammeFacts, SlotFacts, planned_rule
from scheduler.rules import ChannelFacts, airing_counts, rule_covers_channel

CHUNK = 5000  # ids per IN list (SQLite and PostgreSQL both take this comfortably)


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def channel_facts(session: Session, channel_ids: list[int]) -> list[ChannelFacts]:
    """Channels with their languages and the codes of their unit and its ancestors."""
    rows = []
    langs: dict[int, set[str]] = defaultdict(set)
    for part in _chunks(channel_ids):
        rows += session.execute(
            select(Channel.id, Channel.kind, Channel.unit_id, Channel.active_from,
                   Channel.active_to).where(Channel.id.in_(part))
        ).all()  # fmt: skip
        for cid, lang in session.execute(
            select(ChannelLanguage.channel_id, ChannelLanguage.language).where(
                ChannelLanguage.channel_id.in_(part)
            )
        ):
            langs[cid].add(lang)
    parent: dict[int, int | None] = {}
    code: dict[int, str] = {}
    frontier = list({r.unit_id for r in rows})
    while frontier:
        found = []
        for part in _chunks(frontier):
            found += session.execute(
                select(AdminUnit.id, AdminUnit.parent_id, AdminUnit.code).where(
                    AdminUnit.id.in_(part)
                )
            ).all()
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
    for pid, topic in session.execute(
        select(ProgrammeTopic.programme_id, ProgrammeTopic.topic).order_by(
            ProgrammeTopic.programme_id, ProgrammeTopic.topic
        )
    ):
        topics[pid].append(topic)
    rows = session.execute(
        select(Programme.id, Programme.title, Programme.programme_type, Programme.language,
               Programme.duration_seconds, Programme.priority, Programme.approved_at,
               Programme.valid_from, Programme.valid_to)
    )  # fmt: skip
    return {
        r.id: ProgrammeFacts(r.id, r.title, r.programme_type, r.language, r.duration_seconds,
                             r.priority, r.approved_at is not None, r.valid_from, r.valid_to,
                             tuple(topics.get(r.id, ())))
        for r in rows
    }  # fmt: skip


def week_slots(session: Session, channel_ids: list[int], week: Week) -> dict[int, list[SlotFacts]]:
    """The week's slots per channel, in start order, with the programmes already in them."""
    slots: dict[int, SlotFacts] = {}
    for part in _chunks(channel_ids):
        for r in session.execute(
            select(Slot.id, Slot.channel_id, Slot.local_date, Slot.starts_at,
                   Slot.duration_minutes)
            .join(WeekSchedule, WeekSchedule.id == Slot.schedule_id)
            .where(WeekSchedule.week_key == week.key, WeekSchedule.channel_id.in_(part))
        ):  # fmt: skip
            slots[r.id] = SlotFacts(r.id, r.channel_id, r.local_date, r.starts_at,
                                    r.duration_minutes)  # fmt: skip
        for slot_id, pid in session.execute(
            select(ScheduledItem.slot_id, ScheduledItem.programme_id)
            .join(Slot, Slot.id == ScheduledItem.slot_id)
            .join(WeekSchedule, WeekSchedule.id == Slot.schedule_id)
            .where(WeekSchedule.week_key == week.key, WeekSchedule.channel_id.in_(part))
            .order_by(ScheduledItem.slot_id, ScheduledItem.position, ScheduledItem.id)
        ):
            slots[slot_id].items.append(pid)
    out: dict[int, list[SlotFacts]] = defaultdict(list)
    for s in sorted(slots.values(), key=lambda s: (s.channel_id, s.starts_at, s.id)):
        out[s.channel_id].append(s)
    return dict(out)


def _other_weeks(
    session: Session, channel_ids: list[int], first: Week, last: Week, week: Week,
    programme_ids: list[int] | None = None,
) -> list[tuple[int, int, int]]:  # fmt: skip
    """(channel, week_key, programme) of every item in weeks first..last except week."""
    out: list[tuple[int, int, int]] = []
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
        if programme_ids is not None:
            query = query.where(ScheduledItem.programme_id.in_(programme_ids))
        out += [tuple(r) for r in session.execute(query)]  # type: ignore[misc]
    return out


def recent_programmes(
    session: Session, channel_ids: list[int], week: Week, weeks: int
) -> dict[int, set[int]]:
    """Programmes on each channel within `weeks` weeks before or after the week."""
    out: dict[int, set[int]] = defaultdict(set)
    if weeks <= 0:
        return out
    for cid, _, pid in _other_weeks(
        session, channel_ids, week.shift(-weeks), week.shift(weeks), week
    ):
        out[cid].add(pid)
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
    relevant = sorted(
        p.id for p in programmes.values()
        if any(airing_counts(planned_rule(r), probe, p.planned()) for r in long_rules)
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
