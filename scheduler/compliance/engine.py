"""The rule engine: evaluate coverage rules per channel and rule period (DESIGN.md section 4).

Hot path: per rule, one SQL aggregate over airings (and one over scheduled items for unconfirmed
counts and basis planned) grouped by channel and ISO week with the rule's filters pushed into
SQL, folded into per-rule counts over plain tuples. No ORM objects are loaded. What a rule covers
and counts comes from scheduler/rules.py alone: its counted condition is compiled to SQL, its
language filter is read per channel (allowed_languages) in the fold.

Options for the pages that show a part of it: `unconfirmed` ("rule": past items of the rule's
programmes with no airing; "channel": every past item of the channel's week with none, as a
supervisor's week shows; "off"), and `follow_merges` (a rule's area reached through a merged
unit's successor, or only through the channel's own unit and its ancestors).
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from content.db import utcnow
from scheduler.compliance.aggregate import (
    RuleQuery,
    airing_rows,
    emergency_rows,
    item_rows,
    items_without_airing_rows,
    programmes_on,
    unconfirmed_rows,
)
from scheduler.compliance.beside import Beside
from scheduler.compliance.classes import (
    ProgrammeFacts,
    RuleClasses,
    close_classes,
    load_programmes,
    open_classes,
    rule_masks,
)
from scheduler.compliance.facts import (
    area_ids,
    find_roots,
    load_channels,
    load_units,
)
from scheduler.compliance.fold import (
    Plan,
    Tally,
    fold,
    fold_channel_unconfirmed,
    fold_unconfirmed,
    make_plans,
    result_of,
    unit_codes,
)
from scheduler.compliance.model import (
    ComplianceResult,
    RuleResult,
)
from scheduler.compliance.selection import parse_period, select_rules
from scheduler.config import Rule, Settings
from scheduler.periods import Period, Week

# How unconfirmed items are counted (see the module's docstring); True/False mean rule/off.
Unconfirmed = Literal["rule", "channel", "off"]


# Drive a rule's query by its channels when they are at most this share of all channels.
CHANNEL_DRIVEN_SHARE = 0.35
MAX_MASK_BITS = 62


def _query(plan: Plan, bit: int, total_channels: int) -> RuleQuery | None:
    weeks = list(plan.bucket_of_week)
    if not weeks or not plan.covered:
        return None
    by_channel = len(plan.covered) <= CHANNEL_DRIVEN_SHARE * max(total_channels, 1)
    return RuleQuery(
        bit=bit,
        lo=min(weeks),
        hi=max(weeks),
        channel_ids=sorted(plan.covered) if by_channel else None,
        counted=plan.counted,
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
    unconfirmed: bool | Unconfirmed = True,
    follow_merges: bool = True,
) -> ComplianceResult:
    """Evaluate rules per channel and rule period over a window, for an area or the country.

    `unconfirmed=False` ("off") skips counting past scheduled items with no airing (rules under
    basis aired then need no scheduled-item query at all); "channel" counts every such item of
    the channel's week, whatever its programme; True ("rule") those the rule would count.
    """
    mode: Unconfirmed = (
        unconfirmed if isinstance(unconfirmed, str) else "rule" if unconfirmed else "off"
    )
    # The fold builds many small containers; cyclic GC passes over them only cost time here.
    enabled = gc.isenabled()
    gc.disable()
    try:
        window = parse_period(period)
        rules = select_rules(settings, rule_ids, basis)
        run = _Run(settings, now or utcnow(), mode, follow_merges)
        return _evaluate(session, run, window, rules, unit_code, channel_ids)
    finally:
        if enabled:
            gc.enable()


@dataclass(frozen=True)
class _Run:
    """An evaluation's options, passed down as one."""

    settings: Settings
    now: dt.datetime
    unconfirmed: Unconfirmed
    follow_merges: bool


def _pending(
    run: _Run, conn: Connection, beside: Beside, chunk: list[Plan], classes: RuleClasses,
    queries: list[RuleQuery | None], total: int,
) -> Callable[[], list]:  # fmt: skip
    """Start the chunk's unconfirmed query beside (mode rule), or run it here (mode channel)."""
    live = [q for q in queries if q is not None]
    if run.unconfirmed == "off" or not live:
        return list
    lo, hi = min(q.lo for q in live), max(q.hi for q in live)
    ids = sorted({c for p in chunk for c in p.covered})
    if run.unconfirmed == "channel":
        rows = items_without_airing_rows(conn, ids, lo, hi, run.now)
        return lambda: rows
    if not classes.rows:
        return list
    driven = len(ids) <= CHANNEL_DRIVEN_SHARE * max(total, 1)
    monday, sunday = Week.from_key(lo).monday, Week.from_key(hi).sunday
    return beside.submit(unconfirmed_rows, classes, monday, sunday, ids if driven else None,
                         run.now, _span(lo, hi))  # fmt: skip


def _evaluate_chunk(
    run: _Run,
    conn: Connection,
    beside: Beside,
    chunk: list[Plan],
    programmes: list[ProgrammeFacts],
    total: int,
) -> list[RuleResult]:
    """Up to MAX_MASK_BITS rules: the unconfirmed query beside, the rule aggregates here."""
    masks = rule_masks([p.rule for p in chunk], programmes)
    queries = [_query(p, 1 << i, total) for i, p in enumerate(chunk)]
    classes = RuleClasses((), inline=True)
    if masks and any(queries):
        classes = open_classes(conn, masks, programmes)
    try:
        urows = _pending(run, conn, beside, chunk, classes, queries, total)
        tallies: list[Tally] = []
        for plan, q in zip(chunk, queries, strict=True):
            arows: list = []
            irows: list = []
            if q is not None and masks:
                arows = airing_rows(conn, classes, q)
                if plan.rule.basis == "planned":
                    irows = item_rows(conn, classes, q, _span(q.lo, q.hi))
                elif plan.rule.counts_emergency:
                    zone = run.settings.zone
                    arows += emergency_rows(conn, classes, q, _span(q.lo, q.hi), zone)
            tallies.append(fold(plan, arows, irows))
        pending = urows()
        for i, (plan, tally) in enumerate(zip(chunk, tallies, strict=True)):
            if run.unconfirmed == "channel":
                tally.unconfirmed = fold_channel_unconfirmed(plan, pending)
            else:
                tally.unconfirmed = fold_unconfirmed(plan, 1 << i, pending)
    finally:
        close_classes(conn, classes)
    return [result_of(p, t) for p, t in zip(chunk, tallies, strict=True)]


def _programmes_of_few(
    conn: Connection, plans: list[Plan], channel_ids: Iterable[int] | None
) -> set[int] | None:
    """When the caller named its channels: the programmes they used in the window (else all)."""
    if channel_ids is None:
        return None
    weeks = [w for p in plans for w in p.bucket_of_week]
    covered = sorted({c for p in plans for c in p.covered})
    if not weeks or not covered:
        return set()
    lo, hi = min(weeks), max(weeks)
    return programmes_on(conn, covered, lo, hi, _span(lo, hi))


def _evaluate(
    session: Session,
    run: _Run,
    window: Period,
    rules: list[Rule],
    unit_code: str | None,
    channel_ids: Iterable[int] | None,
) -> ComplianceResult:
    """The body of evaluate()."""
    channel_ids = sorted(set(channel_ids)) if channel_ids is not None else None
    # A page's channels need only the units they reach (an area is found among them all).
    units = load_units(session, channel_ids if unit_code is None and channel_ids else None)
    roots: tuple[int, ...] = ()
    area = None
    if unit_code is not None:
        roots = find_roots(units, unit_code, window.week_start, window.week_end)
        area = area_ids(units, roots)
    kinds = {k for r in rules for k in r.channel_kinds}
    channels, total = load_channels(session, units, area, kinds, channel_ids)
    codes = unit_codes(channels, units, run.follow_merges)
    today = run.now.astimezone(run.settings.zone).date()
    plans = make_plans(rules, window, channels, codes, today)
    conn = session.connection()
    programmes = load_programmes(session, _programmes_of_few(conn, plans, channel_ids))
    results: list[RuleResult] = []
    with Beside(session, conn) as beside:
        for first in range(0, len(plans), MAX_MASK_BITS):
            chunk = plans[first : first + MAX_MASK_BITS]
            results += _evaluate_chunk(run, conn, beside, chunk, programmes, total)
    return ComplianceResult(
        period=window,
        unit_code=unit_code,
        rules=results,
        channels=channels,
        units=units,
        area=area,
        roots=roots,
    )
