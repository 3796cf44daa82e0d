"""Rule status of draft or published weeks under basis planned (the planner's week status).

Computed by the compliance engine (scheduler.compliance) under basis planned; only weekly rules
are judged on one week (longer periods need the engine's roll-up over their weeks).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.compliance import evaluate
from scheduler.config import Rule, Settings
from scheduler.models import AdminUnit, Channel
from scheduler.rules import ChannelFacts
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


def week_status(
    session: Session, settings: Settings, channels: list[Channel], views: dict[int, WeekView]
) -> dict[int, list[RuleStatus]]:
    """For each channel, the status of each weekly rule that covers it, from the planned items.

    One run of the compliance engine under basis planned over the views' week, rule areas
    reached through the channel's own unit and its ancestors (as the planner's pages read them).
    """
    out: dict[int, list[RuleStatus]] = {c.id: [] for c in channels}
    rules = [r for r in settings.rules if r.period == "week"]
    weeks = {views[c.id].week for c in channels}
    for week in sorted(weeks, key=lambda w: w.key):
        ids = [c.id for c in channels if views[c.id].week == week]
        if not rules or not ids:
            continue
        result = evaluate(
            session, settings, str(week), rule_ids=[r.id for r in rules], channel_ids=ids,
            basis="planned", unconfirmed=False, follow_merges=False,
        )  # fmt: skip
        for rr in result.rules:
            for cr in rr.channels:
                value, status = cr.counts[0], cr.statuses[0]
                out[cr.channel.id].append(RuleStatus(rr.rule, value, status))
    return out
