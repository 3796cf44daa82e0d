"""A reference implementation of DESIGN.md section 4, written for clarity, not speed.

It reads every row through the ORM and applies the rules' words one by one; the property tests
compare the engine with it. It shares no code with scheduler/compliance except the period
arithmetic of scheduler/periods.py (which has its own tests).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from content.models import Programme
from scheduler.config import Rule
from scheduler.models import AdminUnit, Airing, Channel, ScheduledItem
from scheduler.periods import Period, Week, period_of_week


@dataclass(frozen=True)
class RefRow:
    """Expected outcome for one rule, channel and rule period."""

    rule_id: str
    channel_id: int
    period: str
    count: float
    status: str
    not_aired: int
    unconfirmed: int


def _unit_codes(unit: AdminUnit) -> set[str]:
    """Codes of a unit, its ancestors, and its successor with the successor's ancestors."""
    codes: set[str] = set()
    todo = [unit]
    while todo:
        u = todo.pop()
        while u is not None:
            codes.add(u.code)
            if u.successor is not None:
                todo.append(u.successor)
            u = u.parent
    return codes


def _in_area(unit: AdminUnit, code: str, start: dt.date, end: dt.date) -> bool:
    """Is the unit under a unit with this code that existed in [start, end], or merged into one?"""
    todo = [unit]
    while todo:
        u = todo.pop()
        while u is not None:
            exists = u.valid_from <= end and (u.valid_to is None or u.valid_to > start)
            if u.code == code and exists:
                return True
            if u.successor is not None:
                todo.append(u.successor)
            u = u.parent
    return False


def _programme_matches(rule: Rule, programme: Programme, channel: Channel) -> bool:
    if rule.topics and not set(programme.topics) & set(rule.topics):
        return False
    if rule.programme_types and programme.programme_type not in rule.programme_types:
        return False
    if rule.languages:
        allowed = set(rule.languages) - {"channel"}
        if "channel" in rule.languages:
            allowed |= set(channel.languages) - {"vi"}
        if programme.language not in allowed:
            return False
    minutes = programme.duration_seconds / 60
    if rule.min_duration_minutes is not None and minutes < rule.min_duration_minutes:
        return False
    return not (rule.max_duration_minutes is not None and minutes > rule.max_duration_minutes)


def _counts_as_aired(rule: Rule, airing: Airing) -> bool:
    if airing.status == "aired":
        return True
    if airing.status == "partial":
        if rule.min_duration_minutes is None:
            return True
        return airing.duration_seconds >= rule.min_duration_minutes * 60
    return False


def _status(rule: Rule, value: float, applicable: bool) -> str:
    if not applicable:
        return "not_applicable"
    target = rule.target if rule.target is not None else rule.minimum
    if value >= target:
        return "target_met"
    if value >= rule.minimum:
        return "minimum_met"
    return "below_minimum"


def reference(
    session: Session,
    rules: list[Rule],
    window: Period,
    now: dt.datetime,
    unit_code: str | None = None,
    zone: dt.tzinfo = dt.UTC,
) -> list[RefRow]:
    """Expected rows, per rule, per covered channel, per rule period.

    Under basis aired, rule periods that start after today (in the planning zone) are left out.
    """
    channels = list(session.scalars(select(Channel).order_by(Channel.id)))
    airings = list(session.scalars(select(Airing)))
    items = list(session.scalars(select(ScheduledItem)))
    rows: list[RefRow] = []
    for rule in rules:
        periods: list[Period] = []
        today = now.astimezone(zone).date()
        for w in window.weeks():
            p = period_of_week(w, rule.period)
            not_started = rule.basis == "aired" and p.weeks()[0].monday > today
            if p.label not in [q.label for q in periods] and not not_started:
                periods.append(p)
        for channel in channels:
            if channel.kind not in rule.channel_kinds:
                continue
            if rule.unit is not None and rule.unit not in _unit_codes(channel.unit):
                continue
            if "channel" in rule.languages and not channel.minority_languages:
                continue
            if unit_code is not None and not _in_area(
                channel.unit, unit_code, window.week_start, window.week_end
            ):
                continue
            for p in periods:
                weeks = {w.key for w in p.weeks()}
                first, last = p.weeks()[0].monday, p.weeks()[-1].sunday
                applicable = channel.active_from <= last and (
                    channel.active_to is None or channel.active_to >= first
                )
                mine = [
                    a
                    for a in airings
                    if a.channel_id == channel.id
                    and Week.of(a.local_date).key in weeks
                    and _programme_matches(rule, a.programme, channel)
                ]
                planned = [
                    i
                    for i in items
                    if i.slot.channel_id == channel.id
                    and i.slot.schedule.week_key in weeks
                    and _programme_matches(rule, i.programme, channel)
                ]
                confirmed_items = {a.scheduled_item_id for a in airings}
                unconfirmed = [
                    i for i in planned if i.slot.starts_at < now and i.id not in confirmed_items
                ]
                not_aired = [a for a in mine if a.status in ("not_aired", "cancelled")]
                if rule.basis == "aired":
                    counted = [a for a in mine if _counts_as_aired(rule, a)]
                    if rule.count == "airings":
                        value = float(len(counted))
                    elif rule.count == "distinct_programmes":
                        value = float(len({a.programme_id for a in counted}))
                    else:
                        value = sum(a.duration_seconds for a in counted) / 60
                else:
                    if rule.count == "airings":
                        value = float(len(planned))
                    elif rule.count == "distinct_programmes":
                        value = float(len({i.programme_id for i in planned}))
                    else:
                        value = sum(i.programme.duration_seconds for i in planned) / 60
                status = _status(rule, value, applicable)
                if applicable and rule.basis == "aired" and last >= today:
                    status = "running"  # DESIGN 4: a period in progress is never missed
                rows.append(
                    RefRow(
                        rule.id,
                        channel.id,
                        p.label,
                        value,
                        status,
                        len(not_aired),
                        len(unconfirmed),
                    )
                )
    return rows
