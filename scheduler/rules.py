"""What a coverage rule counts: channel applicability, airing filters, measures and statuses.

Pure functions over plain facts, shared by the compliance engine and the planner so that both
read DESIGN.md section 4 the same way. Decisions the design leaves open, settled here:
- A rule without a target treats its minimum as the target (meeting it is `target_met`).
- A channel is applicable for a period when it is active on at least one day of the period's
  weeks; otherwise the status is `not_applicable`.
- Duration filters look at the programme's length; for a `partial` airing the minimum duration
  is also checked against the actual duration (DESIGN: "partial counts unless the rule sets a
  minimum duration, which is then checked against the actual duration").
- Measure `minutes` sums the actual duration of aired/partial airings, and the programme length
  under basis `planned`.
- Emergency broadcasts count for no rule unless the rule sets `counts_emergency`; then an
  emergency delivery aired on the channel counts as an aired airing of its programme.

When an airing counts is stated once, as a small condition (`counted_condition`): `holds` reads
it here for one airing, and scheduler/compliance/sql.py compiles it to SQL for the aggregates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from scheduler.config import CHANNEL_LANGUAGE, Rule

STATUSES = ("target_met", "minimum_met", "below_minimum", "not_applicable")
NOT_AIRED_STATUSES = ("not_aired", "cancelled")  # what the not-aired tallies count


@dataclass(frozen=True)
class ChannelFacts:
    """What a rule needs to know about a channel."""

    id: int
    kind: str
    languages: frozenset[str]
    unit_codes: frozenset[str]  # codes of the channel's unit and all its ancestors
    active_from: dt.date
    active_to: dt.date | None

    @property
    def minority_languages(self) -> frozenset[str]:
        """Languages other than Vietnamese."""
        return self.languages - {"vi"}

    def active_between(self, start: dt.date, end: dt.date) -> bool:
        """True when active on at least one day of [start, end]."""
        return self.active_from <= end and (self.active_to is None or self.active_to >= start)


@dataclass(frozen=True)
class AiringFacts:
    """One airing (basis aired) or one scheduled item (basis planned), reduced to what counts."""

    programme_id: int
    topics: frozenset[str]
    programme_type: str
    language: str
    programme_seconds: int
    status: str  # aired | partial | not_aired | cancelled | planned
    actual_seconds: int | None = None
    emergency: bool = False  # an emergency delivery (status aired), not a scheduled airing


def covers(
    rule: Rule, kind: str, unit_codes: frozenset[str], minority_languages: frozenset[str]
) -> bool:
    """The one statement of what a rule covers: the channel's kind, area and own language.

    unit_codes: the codes of the channel's unit and all its ancestors (the compliance engine
    follows merges too); minority_languages: the channel's languages other than Vietnamese.
    """
    if kind not in rule.channel_kinds:
        return False
    if rule.unit is not None and rule.unit not in unit_codes:
        return False
    return not (rule.uses_channel_language and not minority_languages)


def rule_covers_channel(rule: Rule, channel: ChannelFacts) -> bool:
    """True when the rule is about this channel at all (kind, area, own minority language)."""
    return covers(rule, channel.kind, channel.unit_codes, channel.minority_languages)


def fixed_languages(rule: Rule) -> frozenset[str]:
    """The languages a rule names outright (its "channel" marker aside)."""
    return frozenset(code for code in rule.languages if code != CHANNEL_LANGUAGE)


def programme_passes(
    rule: Rule, topics: frozenset[str], programme_type: str, language: str, seconds: int
) -> bool:
    """Topic (any of), type, language and duration filters, on the programme itself.

    For a rule naming the channel's own language, a non-Vietnamese programme passes here and
    its language is checked per channel (language_allowed).
    """
    if rule.topics and not topics.intersection(rule.topics):
        return False
    if rule.programme_types and programme_type not in rule.programme_types:
        return False
    own_language = rule.uses_channel_language and language != "vi"
    if rule.languages and language not in fixed_languages(rule) and not own_language:
        return False
    minutes = seconds / 60
    if rule.min_duration_minutes is not None and minutes < rule.min_duration_minutes:
        return False
    return rule.max_duration_minutes is None or minutes <= rule.max_duration_minutes


def allowed_languages(rule: Rule, minority_languages: frozenset[str]) -> frozenset[str] | None:
    """The languages a rule lets count on a channel (None: any): named, or the channel's own."""
    if not rule.languages:
        return None
    fixed = fixed_languages(rule)
    return fixed | minority_languages if rule.uses_channel_language else fixed


def language_allowed(rule: Rule, language: str, minority_languages: frozenset[str]) -> bool:
    """The language filter on one channel: named outright, or the channel's own language."""
    allowed = allowed_languages(rule, minority_languages)
    return allowed is None or language in allowed


def partial_minimum_seconds(rule: Rule) -> float | None:
    """How long a partial airing must have lasted to count (the rule's minimum duration)."""
    return rule.min_duration_minutes * 60 if rule.min_duration_minutes is not None else None


@dataclass(frozen=True)
class Test:
    """One test on an airing: its status is one of `values`, or its seconds are at least `least`."""

    field: Literal["status", "seconds"]
    values: tuple[str, ...] = ()
    least: float = 0.0


@dataclass(frozen=True)
class AllOf:
    """Every part holds."""

    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    """At least one part holds."""

    parts: tuple[Condition, ...]


Condition = Test | AllOf | AnyOf


def counted_condition(rule: Rule) -> Condition:
    """The one statement of which airings count by their own record (status and seconds).

    Basis aired: aired, or partial lasting the rule's minimum duration (when it sets one).
    Basis planned: scheduled items (status `planned`) count. The programme and language
    filters come on top (programme_passes, language_allowed).
    """
    if rule.basis == "planned":
        return Test("status", ("planned",))
    partial: Condition = Test("status", ("partial",))
    least = partial_minimum_seconds(rule)
    if least is not None:
        partial = AllOf((partial, Test("seconds", least=least)))
    return AnyOf((Test("status", ("aired",)), partial))


def holds(condition: Condition, status: str, seconds: int | None) -> bool:
    """Whether one airing meets the condition (a missing duration counts as 0 seconds)."""
    if isinstance(condition, Test):
        if condition.field == "status":
            return status in condition.values
        return (seconds or 0) >= condition.least
    if isinstance(condition, AllOf):
        return all(holds(part, status, seconds) for part in condition.parts)
    return any(holds(part, status, seconds) for part in condition.parts)


def airing_counts(rule: Rule, channel: ChannelFacts, airing: AiringFacts) -> bool:
    """True when this airing counts toward the rule on this channel under the rule's basis."""
    if airing.emergency and not rule.counts_emergency:
        return False
    if not holds(counted_condition(rule), airing.status, airing.actual_seconds):
        return False
    if not programme_passes(
        rule, airing.topics, airing.programme_type, airing.language, airing.programme_seconds
    ):
        return False
    return language_allowed(rule, airing.language, channel.minority_languages)


def measure(rule: Rule, counted: Iterable[AiringFacts]) -> float:
    """The rule's count over airings that already passed airing_counts."""
    items = list(counted)
    if rule.count == "airings":
        return float(len(items))
    if rule.count == "distinct_programmes":
        return float(len({a.programme_id for a in items}))
    total = 0
    for a in items:
        total += a.programme_seconds if a.status == "planned" else (a.actual_seconds or 0)
    return total / 60


def status_for(rule: Rule, value: float, applicable: bool = True) -> str:
    """Map a count to target_met / minimum_met / below_minimum / not_applicable."""
    if not applicable:
        return "not_applicable"
    target = rule.target if rule.target is not None else rule.minimum
    if value >= target:
        return "target_met"
    if value >= rule.minimum:
        return "minimum_met"
    return "below_minimum"
