"""Fold a rule's aggregate rows into per-channel counts and statuses (the engine's Python half).

Per rule, the plan says which weeks fall in which rule period, which channels the rule covers
(scheduler.rules.covers) and which languages may count on each (allowed_languages); the folds
run once per aggregate row, so their filters are plain lookups.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from scheduler.compliance.facts import ancestor_units
from scheduler.compliance.model import ChannelInfo, ChannelRuleResult, RuleResult, UnitInfo
from scheduler.compliance.selection import rule_periods
from scheduler.config import Rule
from scheduler.periods import Period
from scheduler.rules import Condition, allowed_languages, counted_condition, covers


@dataclass
class Plan:
    """Per-rule lookups prepared once before the rows are folded."""

    rule: Rule
    periods: list[Period]
    bucket_of_week: dict[int, int]
    covered: dict[int, ChannelInfo]
    counted: Condition
    running: frozenset[int] = frozenset()  # buckets of rule periods still in progress
    # Per covered channel, the languages that may count (only for the own-language rules).
    allowed: dict[int, frozenset[str]] = field(default_factory=dict)


def make_plans(
    rules: list[Rule],
    period: Period,
    channels: dict[int, ChannelInfo],
    codes: dict[int, frozenset[str]],
    today: dt.date,
) -> list[Plan]:
    """Each rule's periods, week buckets, covered channels and counted condition."""
    plans = []
    for rule in rules:
        periods = rule_periods(period, rule)
        running: frozenset[int] = frozenset()
        if rule.basis == "aired":  # nothing can have aired in a period that has not started
            periods = [p for p in periods if p.week_start <= today]
            # A period still in progress is shown as running, never as missed (DESIGN 4).
            running = frozenset(i for i, p in enumerate(periods) if p.week_end >= today)
        buckets = {w.key: i for i, p in enumerate(periods) for w in p.weeks()}
        covered = {
            cid: ch
            for cid, ch in channels.items()
            if covers(rule, ch.kind, codes[cid], ch.minority_languages)
        }
        allowed: dict[int, frozenset[str]] = {}
        if rule.uses_channel_language:
            for cid, ch in covered.items():
                allowed[cid] = allowed_languages(rule, ch.minority_languages) or frozenset()
        counted = counted_condition(rule)
        plans.append(Plan(rule, periods, buckets, covered, counted, running, allowed))
    return plans


def unit_codes(
    channels: dict[int, ChannelInfo], units: dict[int, UnitInfo], follow_merges: bool
) -> dict[int, frozenset[str]]:
    """Per channel, the unit codes a rule's area may name (with or without merges followed)."""
    out = {}
    for cid, ch in channels.items():
        ids = ch.unit_ids if follow_merges else ancestor_units(units, ch.unit_id)
        out[cid] = frozenset(units[u].code for u in ids if u in units)
    return out


@dataclass
class Tally:
    """One rule's folded counts: per channel, one value per rule period."""

    counts: dict[int, list[float]]
    not_aired: dict[int, list[int]]
    unconfirmed: dict[int, list[int]]


def fold(plan: Plan, arows: list, irows: list) -> Tally:
    """Fold one rule's aggregate rows into counts and not-aired tallies.

    arows: (channel, week, language, programme, counted n, counted seconds, not aired n) of
    airings (and aired emergency deliveries); irows: the same without the last column, of
    scheduled items (basis planned, where airings only give not-aired tallies).
    """
    tally = Tally({}, {}, {})
    seen: dict[tuple[int, int], set[int]] = defaultdict(set)
    _fold_rows(plan, arows, plan.rule.basis == "aired", tally, seen)
    if irows:
        _fold_rows(plan, [(*r, 0) for r in irows], True, tally, seen)
    n = len(plan.periods)
    for (cid, b), pids in seen.items():
        vals = tally.counts.get(cid)
        if vals is None:
            vals = tally.counts[cid] = [0.0] * n
        vals[b] = float(len(pids))
    return tally


def _fold_rows(  # noqa: C901 - per-row filters kept inline: this loop runs per aggregate row (436 k at legacy scale)
    plan: Plan, rows: list, counting: bool, tally: Tally, seen: dict[tuple[int, int], set[int]]
) -> None:
    """Add rows to the tally (counting=False: only their not-aired tallies)."""
    rule = plan.rule
    n = len(plan.periods)
    counts, not_aired = tally.counts, tally.not_aired
    distinct = rule.count == "distinct_programmes"
    minutes = rule.count == "minutes"
    own_language = rule.uses_channel_language
    buckets, covered, allowed = plan.bucket_of_week, plan.covered, plan.allowed
    for cid, wk, lang, pid, counted, secs, na in rows:
        b = buckets.get(wk)
        if b is None or cid not in covered:
            continue
        if own_language and lang not in allowed[cid]:
            continue
        if na:
            row = not_aired.get(cid)
            if row is None:
                row = not_aired[cid] = [0] * n
            row[b] += na
        if not counting or not counted:
            continue
        if distinct:
            seen[(cid, b)].add(pid)
            continue
        vals = counts.get(cid)
        if vals is None:
            vals = counts[cid] = [0.0] * n
        vals[b] += secs / 60 if minutes else counted


def fold_unconfirmed(plan: Plan, bit: int, urows: list) -> dict[int, list[int]]:
    """Past items of the rule with no airing, per channel and rule period."""
    own_language, allowed = plan.rule.uses_channel_language, plan.allowed
    return fold_channel_unconfirmed(plan, [
        (cid, wk, count) for cid, wk, mask, lang, count in urows
        if mask & bit and cid in plan.covered
        and not (own_language and lang not in allowed[cid])
    ])  # fmt: skip


def result_of(plan: Plan, tally: Tally) -> RuleResult:
    """Statuses per channel and rule period."""
    rule = plan.rule
    spans = [(p.label, p.week_start, p.week_end) for p in plan.periods]
    first, last = (spans[0][1], spans[-1][2]) if spans else (dt.date.max, dt.date.min)
    target = rule.target if rule.target is not None else rule.minimum
    minimum = rule.minimum
    rr = RuleResult(rule, rule.basis, plan.periods)
    zeros_f = [0.0] * len(spans)
    zeros_i = [0] * len(spans)
    for cid in sorted(plan.covered, key=lambda c: (plan.covered[c].unit_code, c)):
        ch = plan.covered[cid]
        values = tally.counts.get(cid, zeros_f)
        statuses = [
            "target_met" if v >= target else "minimum_met" if v >= minimum else "below_minimum"
            for v in values
        ]
        for b in plan.running:
            statuses[b] = "running"
        whole = ch.active_from <= first and (ch.active_to is None or ch.active_to >= last)
        if not whole:
            for b, (_, start, end) in enumerate(spans):
                if not ch.active_between(start, end):
                    statuses[b] = "not_applicable"
        rr.channels.append(
            ChannelRuleResult(
                rule.id,
                ch,
                spans,
                values,
                statuses,
                tally.not_aired.get(cid, zeros_i),
                tally.unconfirmed.get(cid, zeros_i),
            )
        )
    return rr


def fold_channel_unconfirmed(plan: Plan, rows: list) -> dict[int, list[int]]:
    """Every past item with no airing, per covered channel and rule period."""
    n = len(plan.periods)
    out: dict[int, list[int]] = {}
    for cid, wk, count in rows:
        b = plan.bucket_of_week.get(wk)
        if b is None or cid not in plan.covered:
            continue
        row = out.get(cid)
        if row is None:
            row = out[cid] = [0] * n
        row[b] += count
    return out
