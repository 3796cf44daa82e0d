"""Why a week's plan is short of a rule, asked at any time (overview and grid), without writing.

A shortfall stays visible with its cause until it is fixed: the week as it stands is read with
the planner's own semantics (basis planned, a longer rule's weekly share); for every rule whose
part this week is below its minimum, the planner is run on a copy of the facts (rules only,
nothing written) to tell the two kinds apart: "not planned yet" (suitable programmes fit the free
airtime) and a real obstacle, named as the planner names it (no programme in the language,
everything aired within N weeks, no airtime...).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.orm import Session

from audio.messages import N_, Message
from scheduler.config import Settings
from scheduler.periods import Week
from scheduler.planner import load
from scheduler.planner.core import RuleStatus, plan_facts, week_status
from scheduler.planner.explain import Shortfall
from scheduler.planner.facts import WeekFacts

UNPLANNED = Message(N_("not planned yet: suitable programmes fit the free airtime"))
NO_WEEK = Message(N_("the week's slots are not created yet"))


@dataclass(frozen=True)
class RuleCheck:
    """A rule on a channel for the week as it stands, and why it is short when it is."""

    status: RuleStatus
    cause: str | None = None  # None when this week's part is met; unplanned, no_week, or a
    shortfall: Shortfall | None = None  # ... planner cause (content, language, airtime ...)

    @property
    def short(self) -> bool:
        """True when this week's part of the rule is below its minimum."""
        return not self.status.week_met


def week_facts(session: Session, settings: Settings, week: Week, ids: list[int]) -> WeekFacts:
    """What the planner reads for these channels and week, as the database holds it now."""
    channels = load.channel_facts(session, ids)
    programmes = load.programme_facts(session)
    return WeekFacts(
        week=week,
        rules=settings.rules,
        no_repeat_weeks=settings.planning.no_repeat_weeks,
        channels=channels,
        slots=load.week_slots(session, ids, week),
        programmes=programmes,
        recent=load.recent_programmes(session, ids, week, settings.planning.no_repeat_weeks),
        period_items=load.period_items(session, channels, week, settings.rules, programmes),
        target_margin_percent=settings.planning.target_margin_percent,
    )


def diagnose(
    session: Session, settings: Settings, week: Week, channel_ids: list[int]
) -> dict[int, list[RuleCheck]]:
    """Per channel, every rule that applies in the week with its status and, if short, why."""
    out: dict[int, list[RuleCheck]] = {cid: [] for cid in channel_ids}
    if not channel_ids:
        return out
    session.flush()
    facts = week_facts(session, settings, week, sorted(channel_ids))
    statuses = week_status(facts)
    short = {s.channel_id for s in statuses if not s.week_met and facts.slots.get(s.channel_id)}
    found: dict[tuple[int, str], Shortfall] = {}
    met_after: set[tuple[int, str]] = set()
    if short:
        sub = WeekFacts(
            facts.week, facts.rules, facts.no_repeat_weeks,
            [c for c in facts.channels if c.id in short], facts.slots, facts.programmes,
            facts.recent, facts.period_items, facts.target_margin_percent,
        )  # fmt: skip
        planned = plan_facts(settings, sub, fill=False)
        met_after = {(s.channel_id, s.rule_id) for s in planned.after if s.week_met}
        found = {(s.channel_id, s.rule_id): s for s in planned.shortfalls if s.level == "minimum"}
    grouped: dict[int, list[RuleCheck]] = defaultdict(list)
    for s in statuses:
        key = (s.channel_id, s.rule_id)
        if s.week_met:
            grouped[s.channel_id].append(RuleCheck(s))
        elif not facts.slots.get(s.channel_id):
            grouped[s.channel_id].append(RuleCheck(s, "no_week"))
        elif key in met_after or key not in found:
            grouped[s.channel_id].append(RuleCheck(s, "unplanned"))
        else:
            grouped[s.channel_id].append(RuleCheck(s, found[key].cause, found[key]))
    out.update(grouped)
    return out


def cause_message(check: RuleCheck) -> Message | None:
    """The cause of a short rule as a catalogue message (planner causes carry their own text)."""
    if check.cause == "unplanned":
        return UNPLANNED
    if check.cause == "no_week":
        return NO_WEEK
    return None
