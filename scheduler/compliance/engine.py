"""The rule engine: evaluate coverage rules per channel and rule period (DESIGN.md section 4).

Hot path: per rule, one SQL aggregate over airings (and one over scheduled items for unconfirmed
counts and basis planned) grouped by channel and ISO week with the rule's filters pushed into
SQL, folded into per-rule counts over plain tuples. No ORM objects are loaded.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from content.db import utcnow
from scheduler.compliance.aggregate import RuleQuery, airing_rows, item_rows, unconfirmed_rows
from scheduler.compliance.beside import Beside
from scheduler.compliance.classes import (
    ProgrammeFacts,
    RuleClasses,
    close_classes,
    load_programmes,
    open_classes,
    rule_masks,
)
from scheduler.compliance.facts import area_ids, find_roots, load_channels, load_units
from scheduler.compliance.model import (
    ChannelInfo,
    ChannelRuleResult,
    ComplianceResult,
    RuleResult,
    UnitInfo,
)
from scheduler.compliance.selection import parse_period, rule_periods, select_rules
from scheduler.config import Rule, Settings
from scheduler.periods import Period, Week
from scheduler.rules import covers, fixed_languages, partial_minimum_seconds


@dataclass
class _Plan:
    """Per-rule lookups prepared once before the rows are folded."""

    rule: Rule
    periods: list[Period]
    bucket_of_week: dict[int, int]
    covered: dict[int, ChannelInfo]
    fixed_languages: frozenset[str]
    min_seconds: float | None
    running: frozenset[int] = frozenset()  # buckets of rule periods still in progress


def _plans(
    rules: list[Rule],
    period: Period,
    channels: dict[int, ChannelInfo],
    units: dict[int, UnitInfo],
    today: dt.date,
) -> list[_Plan]:
    codes = {
        cid: frozenset(units[u].code for u in ch.unit_ids if u in units)
        for cid, ch in channels.items()
    }
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
        fixed, mins = fixed_languages(rule), partial_minimum_seconds(rule)
        plans.append(_Plan(rule, periods, buckets, covered, fixed, mins, running))
    return plans


@dataclass
class _Tally:
    """One rule's folded counts: per channel, one value per rule period."""

    counts: dict[int, list[float]]
    not_aired: dict[int, list[int]]
    unconfirmed: dict[int, list[int]]


def _fold(plan: _Plan, arows: list, irows: list) -> _Tally:  # noqa: C901 - per-row filters kept inline: this loop runs per aggregate row (436 k at legacy scale)
    """Fold one rule's aggregate rows into counts and not-aired tallies."""
    rule = plan.rule
    n = len(plan.periods)
    counts: dict[int, list[float]] = {}
    not_aired: dict[int, list[int]] = {}
    seen: dict[tuple[int, int], set[int]] = defaultdict(set)
    distinct = rule.count == "distinct_programmes"
    minutes = rule.count == "minutes"
    own_language = rule.uses_channel_language
    buckets, covered, fixed = plan.bucket_of_week, plan.covered, plan.fixed_languages
    aired_basis = rule.basis == "aired"
    for cid, wk, lang, pid, counted, secs, na in arows:
        b = buckets.get(wk)
        ch = covered.get(cid)
        if b is None or ch is None:
            continue
        if own_language and lang not in fixed and lang not in ch.minority_languages:
            continue
        if na:
            row = not_aired.get(cid)
            if row is None:
                row = not_aired[cid] = [0] * n
            row[b] += na
        if not aired_basis or not counted:
            continue
        if distinct:
            seen[(cid, b)].add(pid)
            continue
        vals = counts.get(cid)
        if vals is None:
            vals = counts[cid] = [0.0] * n
        vals[b] += secs / 60 if minutes else counted
    for cid, wk, lang, pid, planned, psecs in irows:
        b = buckets.get(wk)
        ch = covered.get(cid)
        if b is None or ch is None:
            continue
        if own_language and lang not in fixed and lang not in ch.minority_languages:
            continue
        if distinct:
            seen[(cid, b)].add(pid)
            continue
        vals = counts.get(cid)
        if vals is None:
            vals = counts[cid] = [0.0] * n
        vals[b] += psecs / 60 if minutes else planned
    for (cid, b), pids in seen.items():
        vals = counts.get(cid)
        if vals is None:
            vals = counts[cid] = [0.0] * n
        vals[b] = float(len(pids))
    return _Tally(counts, not_aired, {})


def _fold_unconfirmed(plan: _Plan, bit: int, urows: list) -> dict[int, list[int]]:
    """Past items of the rule with no airing, per channel and rule period."""
    n = len(plan.periods)
    unconf: dict[int, list[int]] = {}
    own_language = plan.rule.uses_channel_language
    buckets, covered, fixed = plan.bucket_of_week, plan.covered, plan.fixed_languages
    for cid, wk, mask, lang, count in urows:
        if not mask & bit:
            continue
        b = buckets.get(wk)
        ch = covered.get(cid)
        if b is None or ch is None:
            continue
        if own_language and lang not in fixed and lang not in ch.minority_languages:
            continue
        row = unconf.get(cid)
        if row is None:
            row = unconf[cid] = [0] * n
        row[b] += count
    return unconf


def _result(plan: _Plan, tally: _Tally) -> RuleResult:
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


# Drive a rule's query by its channels when they are at most this share of all channels.
CHANNEL_DRIVEN_SHARE = 0.35
MAX_MASK_BITS = 62


def _query(plan: _Plan, bit: int, total_channels: int) -> RuleQuery | None:
    weeks = list(plan.bucket_of_week)
    if not weeks or not plan.covered:
        return None
    by_channel = len(plan.covered) <= CHANNEL_DRIVEN_SHARE * max(total_channels, 1)
    return RuleQuery(
        bit=bit,
        lo=min(weeks),
        hi=max(weeks),
        channel_ids=sorted(plan.covered) if by_channel else None,
        min_seconds=plan.min_seconds,
        by_language=plan.rule.uses_channel_language,
        by_programme=plan.rule.count == "distinct_programmes",
        minutes=plan.rule.count == "minutes",
    )


def _span(lo: int, hi: int) -> tuple[dt.datetime, dt.datetime]:
    """UTC instants safely around weeks lo..hi (a day of margin for any zone)."""
    first = Week.from_key(lo).monday - dt.timedelta(days=1)
    last = Week.from_key(hi).sunday + dt.timedelta(days=2)
    return (
        dt.datetime.combine(first, dt.time(), tzinfo=dt.UTC),
        dt.datetime.combine(last, dt.time(), tzinfo=dt.UTC),
    )


def evaluate(  # noqa: PLR0913 - the evaluation's scope and options, keyword-only after the session
    session: Session,
    settings: Settings,
    period: Period | str,
    unit_code: str | None = None,
    rule_ids: Iterable[str] | None = None,
    channel_ids: Iterable[int] | None = None,
    basis: str | None = None,
    now: dt.datetime | None = None,
    unconfirmed: bool = True,
) -> ComplianceResult:
    """Evaluate rules per channel and rule period over a window, for an area or the country.

    `unconfirmed=False` skips counting past scheduled items with no airing (rules under basis
    aired then need no scheduled-item query at all).
    """
    # The fold builds many small containers; cyclic GC passes over them only cost time here.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _evaluate(session, settings, period, unit_code, rule_ids, channel_ids, basis, now,
                         unconfirmed)  # fmt: skip
    finally:
        if enabled:
            gc.enable()


def _evaluate_chunk(
    conn: Connection,
    beside: Beside,
    chunk: list[_Plan],
    programmes: list[ProgrammeFacts],
    total: int,
    now: dt.datetime,
    unconfirmed: bool,
) -> list[RuleResult]:
    """Up to MAX_MASK_BITS rules: the unconfirmed query beside, the rule aggregates here."""
    masks = rule_masks([p.rule for p in chunk], programmes)
    queries = [_query(p, 1 << i, total) for i, p in enumerate(chunk)]
    classes = RuleClasses((), inline=True)
    if masks and any(queries):
        classes = open_classes(conn, masks, programmes)
    try:
        urows: Callable[[], list] = list
        live = [q for q in queries if q is not None]
        if unconfirmed and masks and live:
            lo, hi = min(q.lo for q in live), max(q.hi for q in live)
            ids = sorted({c for p in chunk for c in p.covered})
            driven = len(ids) <= CHANNEL_DRIVEN_SHARE * max(total, 1)
            monday, sunday = Week.from_key(lo).monday, Week.from_key(hi).sunday
            urows = beside.submit(unconfirmed_rows, classes, monday, sunday,
                                  ids if driven else None, now, _span(lo, hi))  # fmt: skip
        tallies: list[_Tally] = []
        for plan, q in zip(chunk, queries, strict=True):
            arows: list = []
            irows: list = []
            if q is not None and masks:
                arows = airing_rows(conn, classes, q)
                if plan.rule.basis == "planned":
                    irows = item_rows(conn, classes, q, _span(q.lo, q.hi))
            tallies.append(_fold(plan, arows, irows))
        pending = urows()
        for i, (plan, tally) in enumerate(zip(chunk, tallies, strict=True)):
            tally.unconfirmed = _fold_unconfirmed(plan, 1 << i, pending)
    finally:
        close_classes(conn, classes)
    return [_result(p, t) for p, t in zip(chunk, tallies, strict=True)]


def _evaluate(  # noqa: PLR0913 - evaluate's options passed through
    session: Session,
    settings: Settings,
    period: Period | str,
    unit_code: str | None,
    rule_ids: Iterable[str] | None,
    channel_ids: Iterable[int] | None,
    basis: str | None,
    now: dt.datetime | None,
    unconfirmed: bool,
) -> ComplianceResult:
    """The body of evaluate()."""
    window = parse_period(period)
    rules = select_rules(settings, rule_ids, basis)
    now = now or utcnow()
    units = load_units(session)
    roots: tuple[int, ...] = ()
    area = None
    if unit_code is not None:
        roots = find_roots(units, unit_code, window.week_start, window.week_end)
        area = area_ids(units, roots)
    kinds = {k for r in rules for k in r.channel_kinds}
    channels, total = load_channels(session, units, area, kinds, channel_ids)
    plans = _plans(rules, window, channels, units, now.astimezone(settings.zone).date())
    programmes = load_programmes(session)
    results: list[RuleResult] = []
    conn = session.connection()
    with Beside(session, conn) as beside:
        for first in range(0, len(plans), MAX_MASK_BITS):
            chunk = plans[first : first + MAX_MASK_BITS]
            results += _evaluate_chunk(conn, beside, chunk, programmes, total, now, unconfirmed)
    return ComplianceResult(
        period=window,
        unit_code=unit_code,
        rules=results,
        channels=channels,
        units=units,
        area=area,
        roots=roots,
    )
