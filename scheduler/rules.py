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
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from scheduler.config import CHANNEL_LANGUAGE, Rule

STATUSES = ("target_met", "minimum_met", "below_minimum", "not_applicable")
COUNTED_STATUSES = ("aired", "partial")


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


def language_allowed(rule: Rule, language: str, minority_languages: frozenset[str]) -> bool:
    """The language filter on one channel: named outright, or the channel's own language."""
    if not rule.languages or language in fixed_languages(rule):
        return True
    return rule.uses_channel_language and language in minority_languages


def partial_minimum_seconds(rule: Rule) -> float | None:
    """How long a partial airing must have lasted to count (the rule's minimum duration)."""
    return rule.min_duration_minutes * 60 if rule.min_duration_minutes is not None else None


def airing_counts(rule: Rule, channel: ChannelFacts, airing: AiringFacts) -> bool:
    """True when this airing counts toward the rule on this channel under the rule's basis."""
    if rule.basis == "planned":
        if airing.status != "planned":
            return False
    elif airing.status not in COUNTED_STATUSES:
        return False
    if not programme_passes(
        rule, airing.topics, airing.programme_type, airing.language, airing.programme_seconds
    ):
        return False
    if not language_allowed(rule, airing.language, channel.minority_languages):
        return False
    least = rule.min_duration_minutes
    return not (airing.status == "partial" and least is not None
                and (airing.actual_seconds or 0) / 60 < least)  # fmt: skip


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
