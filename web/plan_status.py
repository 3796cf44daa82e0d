"""Rule status of draft or published weeks under basis planned (what the grid highlights).

Uses the shared rule semantics of scheduler/rules.py on the items of the week; only weekly rules
are judged on one week (longer periods need the compliance engine's roll-up).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.config import Rule, Settings
from scheduler.models import AdminUnit, Channel
from scheduler.rules import (
    AiringFacts,
    ChannelFacts,
    airing_counts,
    measure,
    rule_covers_channel,
    status_for,
)
from web.weeks import WeekView


@dataclass(frozen=True)
class RuleStatus:
    """One weekly rule on one channel for one planned week."""

    rule: Rule
    value: float
    status: str

    @property
    def short(self) -> bool:
        """True when the plan is below the rule's minimum."""
        return self.status == "below_minimum"

    @property
    def wanted(self) -> int:
        """The target (or the minimum when the rule has no target)."""
        return self.rule.target if self.rule.target is not None else self.rule.minimum


def unit_codes(session: Session, unit_ids: set[int]) -> dict[int, frozenset[str]]:
    """For each unit: its code and the codes of all its ancestors (a few queries, any depth)."""
    known: dict[int, tuple[str, int | None]] = {}
    todo = set(unit_ids)
    while todo:
        rows = session.execute(
            select(AdminUnit.id, AdminUnit.code, AdminUnit.parent_id).where(AdminUnit.id.in_(todo))
        ).all()
        todo = set()
        for uid, code, parent in rows:
            known[uid] = (code, parent)
            if parent is not None and parent not in known:
                todo.add(parent)
    out: dict[int, frozenset[str]] = {}
    for uid in unit_ids:
        codes: set[str] = set()
        cur: int | None = uid
        while cur is not None and cur in known:
            code, cur = known[cur]
            codes.add(code)
        out[uid] = frozenset(codes)
    return out


def channel_facts(channel: Channel, codes: frozenset[str]) -> ChannelFacts:
    """What the rules need of a channel."""
    return ChannelFacts(
        id=channel.id,
        kind=channel.kind,
        languages=frozenset(channel.languages),
        unit_codes=codes,
        active_from=channel.active_from,
        active_to=channel.active_to,
    )


def weekly_rules(settings: Settings) -> list[Rule]:
    """The rules judged week by week, read under basis planned."""
    return [dataclasses.replace(r, basis="planned") for r in settings.rules if r.period == "week"]


def week_status(
    session: Session, settings: Settings, channels: list[Channel], views: dict[int, WeekView]
) -> dict[int, list[RuleStatus]]:
    """For each channel, the status of each weekly rule that covers it, from the planned items."""
    codes = unit_codes(session, {c.unit_id for c in channels})
    rules = weekly_rules(settings)
    out: dict[int, list[RuleStatus]] = {}
    for channel in channels:
        facts = channel_facts(channel, codes[channel.unit_id])
        view = views[channel.id]
        planned = [
            AiringFacts(
                programme_id=i.programme_id,
                topics=frozenset(i.topics),
                programme_type=i.programme_type,
                language=i.language,
                programme_seconds=i.duration_seconds,
                status="planned",
            )
            for s in view.slots
            for i in s.items
        ]
        applicable = facts.active_between(view.week.monday, view.week.sunday)
        statuses = []
        for rule in rules:
            if not rule_covers_channel(rule, facts):
                continue
            counted = [a for a in planned if airing_counts(rule, facts, a)]
            value = measure(rule, counted)
            statuses.append(RuleStatus(rule, value, status_for(rule, value, applicable)))
        out[channel.id] = statuses
    return out
