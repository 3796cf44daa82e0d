"""The rule engine: evaluate coverage rules per channel and rule period (DESIGN.md section 4).

Hot path: two SQL aggregates (airings, scheduled items) grouped by channel, ISO week and
programme class, folded into per-rule counts over plain tuples. No ORM objects are loaded.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from content.db import utcnow
from scheduler.compliance.aggregate import airing_rows, item_rows
from scheduler.compliance.classes import (
    Classes,
    classify,
    drop_class_table,
    fill_class_table,
    load_programmes,
)
from scheduler.compliance.facts import area_ids, find_roots, load_channels, load_units
from scheduler.compliance.model import (
    ChannelInfo,
    ChannelRuleResult,
    ComplianceResult,
    PeriodCount,
    RuleResult,
    UnitInfo,
)
from scheduler.config import CHANNEL_LANGUAGE, Rule, Settings
from scheduler.errors import Invalid, NotFound
from scheduler.periods import Period, PeriodError, period_of_week
from scheduler.rules import status_for

NOT_AIRED = ("not_aired", "cancelled")


def parse_period(period: Period | str) -> Period:
    """A Period from a Period or its text; a bad text raises Invalid."""
    if isinstance(period, Period):
        return period
    try:
        return Period.parse(period)
    except PeriodError as exc:
        raise Invalid(str(exc), code="period") from exc


def select_rules(
    settings: Settings, rule_ids: Iterable[str] | None, basis: str | None
) -> list[Rule]:
    """The configured rules asked for (all by default), with the basis overridden if given."""
    if basis is not None and basis not in ("aired", "planned"):
        raise Invalid(f"unknown basis '{basis}' (use aired or planned)", code="basis")
    if rule_ids is None:
        rules = list(settings.rules)
    else:
        rules = []
        for rid in rule_ids:
            try:
                rules.append(settings.rule(rid))
            except KeyError:
                known = ", ".join(r.id for r in settings.rules)
                raise NotFound(
                    f"không có quy định '{rid}' / no rule '{rid}' (known: {known})"
                ) from None
    if basis is not None:
        rules = [dataclasses.replace(r, basis=basis) for r in rules]  # type: ignore[arg-type]
    return rules


def rule_periods(period: Period, rule: Rule) -> list[Period]:
    """The rule's own periods that the window's weeks fall in (docs/compliance.md)."""
    seen: dict[str, Period] = {}
    for w in period.weeks():
        p = period_of_week(w, rule.period)
        seen.setdefault(p.label, p)
    return list(seen.values())


@dataclass
class _Plan:
    """Per-rule lookups prepared once before the rows are folded."""

    rule: Rule
    periods: list[Period]
    bucket_of_week: dict[int, int]
    covered: dict[int, ChannelInfo]
    fixed_languages: frozenset[str]
    min_seconds: float | None


def covers(rule: Rule, ch: ChannelInfo, codes: frozenset[str]) -> bool:
    """Kind, optional unit subtree (by code, through merges) and own minority language."""
    if ch.kind not in rule.channel_kinds:
        return False
    if rule.unit is not None and rule.unit not in codes:
        return False
    return not (rule.uses_channel_language and not ch.minority_languages)


def _plans(
    rules: list[Rule],
    period: Period,
    channels: dict[int, ChannelInfo],
    units: dict[int, UnitInfo],
) -> list[_Plan]:
    codes = {
        cid: frozenset(units[u].code for u in ch.unit_ids if u in units)
        for cid, ch in channels.items()
    }
    plans = []
    for rule in rules:
        periods = rule_periods(period, rule)
        buckets = {w.key: i for i, p in enumerate(periods) for w in p.weeks()}
        covered = {cid: ch for cid, ch in channels.items() if covers(rule, ch, codes[cid])}
        fixed = frozenset(c for c in rule.languages if c != CHANNEL_LANGUAGE)
        mins = rule.min_duration_minutes * 60 if rule.min_duration_minutes is not None else None
        plans.append(_Plan(rule, periods, buckets, covered, fixed, mins))
    return plans


def _language_ok(plan: _Plan, lang: str | None, ch: ChannelInfo) -> bool:
    if not plan.rule.uses_channel_language:
        return True
    return lang in plan.fixed_languages or lang in ch.minority_languages


Key = tuple[int, int]  # (channel id, rule period index)


def _fold(
    plans: list[_Plan],
    classes: Classes,
    arows: list,
    irows: list,
    distinct: dict[int, tuple[list, list]],
) -> tuple[list[dict[Key, float]], list[dict[Key, int]], list[dict[Key, int]]]:
    """Fold aggregate rows into per-rule counts, not-aired and unconfirmed tallies."""
    n_rules = len(plans)
    counts: list[dict[Key, float]] = [defaultdict(float) for _ in range(n_rules)]
    not_aired: list[dict[Key, int]] = [defaultdict(int) for _ in range(n_rules)]
    unconf: list[dict[Key, int]] = [defaultdict(int) for _ in range(n_rules)]
    rules_of, language_of = classes.rules_of, classes.language_of
    for cid, wk, cls, status, pdur, n, secs in arows:
        for i in rules_of[cls]:
            plan = plans[i]
            b = plan.bucket_of_week.get(wk)
            if b is None:
                continue
            ch = plan.covered.get(cid)
            if ch is None or not _language_ok(plan, language_of[cls], ch):
                continue
            if status in NOT_AIRED:
                not_aired[i][(cid, b)] += n
                continue
            rule = plan.rule
            if rule.basis != "aired" or i in distinct:
                continue
            if status == "partial" and plan.min_seconds is not None and pdur < plan.min_seconds:
                continue
            counts[i][(cid, b)] += n if rule.count == "airings" else secs / 60
    for cid, wk, cls, n, psecs, unconfirmed in irows:
        for i in rules_of[cls]:
            plan = plans[i]
            b = plan.bucket_of_week.get(wk)
            if b is None:
                continue
            ch = plan.covered.get(cid)
            if ch is None or not _language_ok(plan, language_of[cls], ch):
                continue
            if unconfirmed:
                unconf[i][(cid, b)] += unconfirmed
            if plan.rule.basis == "planned" and i not in distinct:
                counts[i][(cid, b)] += n if plan.rule.count == "airings" else psecs / 60
    for i, (drows, dirows) in distinct.items():
        plan = plans[i]
        seen: dict[Key, set[int]] = defaultdict(set)
        if plan.rule.basis == "aired":
            for cid, wk, cls, status, pdur, _n, _secs, pid in drows:
                b = plan.bucket_of_week.get(wk)
                ch = plan.covered.get(cid)
                if b is None or ch is None or not _language_ok(plan, language_of[cls], ch):
                    continue
                if status == "aired" or (
                    status == "partial" and (plan.min_seconds is None or pdur >= plan.min_seconds)
                ):
                    seen[(cid, b)].add(pid)
        else:
            for cid, wk, cls, _n, _psecs, _u, pid in dirows:
                b = plan.bucket_of_week.get(wk)
                ch = plan.covered.get(cid)
                if b is None or ch is None or not _language_ok(plan, language_of[cls], ch):
                    continue
                seen[(cid, b)].add(pid)
        for key, pids in seen.items():
            counts[i][key] = float(len(pids))
    return counts, not_aired, unconf


def _results(
    plans: list[_Plan],
    counts: list[dict[Key, float]],
    not_aired: list[dict[Key, int]],
    unconf: list[dict[Key, int]],
) -> list[RuleResult]:
    out = []
    for i, plan in enumerate(plans):
        spans = [(p, p.week_start, p.week_end) for p in plan.periods]
        rr = RuleResult(plan.rule, plan.rule.basis, plan.periods)
        for cid in sorted(plan.covered, key=lambda c: (plan.covered[c].unit_code, c)):
            ch = plan.covered[cid]
            cr = ChannelRuleResult(plan.rule.id, ch)
            for b, (p, start, end) in enumerate(spans):
                value = counts[i].get((cid, b), 0.0)
                applicable = ch.active_between(start, end)
                cr.periods.append(
                    PeriodCount(
                        label=p.label,
                        start=start,
                        end=end,
                        count=value,
                        status=status_for(plan.rule, value, applicable),
                        not_aired=not_aired[i].get((cid, b), 0),
                        unconfirmed=unconf[i].get((cid, b), 0),
                    )
                )
            rr.channels.append(cr)
        out.append(rr)
    return out


def evaluate(
    session: Session,
    settings: Settings,
    period: Period | str,
    unit_code: str | None = None,
    rule_ids: Iterable[str] | None = None,
    channel_ids: Iterable[int] | None = None,
    basis: str | None = None,
    now: dt.datetime | None = None,
) -> ComplianceResult:
    """Evaluate rules per channel and rule period over a window, for an area or the country."""
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
    channels = load_channels(session, units, area, kinds, channel_ids)
    plans = _plans(rules, window, channels, units)
    weeks = [wk for p in plans for wk in p.bucket_of_week]
    programmes = load_programmes(session)
    classes = classify(rules, programmes)
    arows: list = []
    irows: list = []
    distinct: dict[int, tuple[list, list]] = {}
    if weeks and channels and classes.rules_of:
        lo, hi = min(weeks), max(weeks)
        ids = sorted(channels) if (area is not None or channel_ids is not None) else None
        conn = session.connection()
        fill_class_table(conn, classes)
        try:
            arows = airing_rows(conn, lo, hi, ids)
            irows = item_rows(conn, lo, hi, ids, now)
            for i, plan in enumerate(plans):
                if plan.rule.count != "distinct_programmes":
                    continue
                mine = [c for c, rs in classes.rules_of.items() if i in rs]
                if plan.rule.basis == "aired":
                    distinct[i] = (airing_rows(conn, lo, hi, ids, True, mine), [])
                else:
                    distinct[i] = ([], item_rows(conn, lo, hi, ids, now, True, mine))
        finally:
            drop_class_table(conn)
    counts, not_aired, unconf = _fold(plans, classes, arows, irows, distinct)
    return ComplianceResult(
        period=window,
        unit_code=unit_code,
        rules=_results(plans, counts, not_aired, unconf),
        channels=channels,
        units=units,
        area=area,
        roots=roots,
    )
