"""What supervisors read: a weekly rule per channel and week under basis aired, unconfirmed items,
shares of communes at minimum and target, and the coming report deadlines.

The weekly figures come from the compliance engine (the numbers of the exports); which rules an
airing counted toward is read per airing with scheduler/rules.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from scheduler.compliance import RuleResult, evaluate
from scheduler.config import ReportPeriod, Rule, Settings
from scheduler.models import Channel
from scheduler.periods import Period, Week
from scheduler.rules import AiringFacts, airing_counts, rule_covers_channel, status_for
from web.channel_areas import channel_facts, unit_codes


@dataclass
class Cell:
    """One channel in one week: the rule's value and status, and unconfirmed past items.

    In the week still running the status is `running` (never missed) and `so_far` is the
    status the count reaches so far.
    """

    value: float = 0
    status: str = "not_applicable"
    unconfirmed: int = 0
    so_far: str = ""


@dataclass
class Matrix:
    """A weekly rule over the weeks of a period for the channels of an area."""

    rule: Rule
    weeks: list[Week]
    channels: list[Channel]
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    running: Week | None = None  # the week in progress, when the period holds it

    def cell(self, channel_id: int, week: Week) -> Cell:
        """The cell of a channel and week."""
        return self.cells.get((channel_id, week.key), Cell())

    def share(self, week: Week, statuses: tuple[str, ...]) -> tuple[int, int]:
        """(channels with one of the statuses, channels the rule applies to) in a week.

        For the running week: the statuses reached so far.
        """
        cells = [self.cell(c.id, week) for c in self.channels]
        applicable = [c for c in cells if c.status != "not_applicable"]
        hit = [c for c in applicable if (c.so_far or c.status) in statuses]
        return len(hit), len(applicable)

    def weeks_met(self, channel_id: int) -> tuple[int, int]:
        """(weeks at minimum or better, finished applicable weeks) of a channel over the period.

        The running week counts neither as met nor as missed (DESIGN 4).
        """
        cells = [self.cell(channel_id, w) for w in self.weeks]
        judged = [c for c in cells if c.status not in ("not_applicable", "running")]
        met = [c for c in judged if c.status in ("minimum_met", "target_met")]
        return len(met), len(judged)

    def is_running(self, week: Week) -> bool:
        """True for the week still in progress (shown apart, not judged)."""
        return week == self.running

    def unconfirmed(self, week: Week) -> int:
        """Past scheduled items without an airing in a week, over all channels."""
        return sum(self.cell(c.id, week).unconfirmed for c in self.channels)


def weekly_matrix(
    session: Session,
    settings: Settings,
    rule: Rule,
    period: Period,
    channels: list[Channel],
    now: dt.datetime,
) -> Matrix:
    """Count the rule per channel and week of the period (basis aired), plus unconfirmed items."""
    return weekly_matrices(session, settings, [rule], period, channels, now)[0]


def weekly_matrices(
    session: Session,
    settings: Settings,
    rules: list[Rule],
    period: Period,
    channels: list[Channel],
    now: dt.datetime,
) -> list[Matrix]:
    """weekly_matrix for each rule, by one run of the compliance engine over the channels.

    Weeks that have not started yet are left out: nothing can have aired in them. The engine
    is asked for what these pages show: every unconfirmed item of a channel's week, and rule
    areas reached through the channel's own unit and its ancestors.
    """
    today = now.astimezone(settings.zone).date()
    weeks = [w for w in period.weeks() if w.monday <= today]
    running = Week.of(today) if weeks and weeks[-1] == Week.of(today) else None
    if not rules or not channels:
        return [Matrix(rule, weeks, [], running=running) for rule in rules]
    result = evaluate(
        session, settings, period, rule_ids=[r.id for r in rules],
        channel_ids=[c.id for c in channels], basis="aired", now=now,
        unconfirmed="channel", follow_merges=False,
    )  # fmt: skip
    return [
        _matrix(rule, rr, weeks, channels, running)
        for rule, rr in zip(rules, result.rules, strict=True)
    ]


def _matrix(
    rule: Rule, rr: RuleResult, weeks: list[Week], channels: list[Channel], running: Week | None
) -> Matrix:
    """The engine's result of one weekly rule as the heat map's cells."""
    found = {cr.channel.id: cr for cr in rr.channels}
    matrix = Matrix(rule, weeks, [c for c in channels if c.id in found], running=running)
    for cid, cr in found.items():
        for (_, monday, _), value, status, unconfirmed in zip(
            cr.spans, cr.counts, cr.statuses, cr.unconfirmed_counts, strict=True
        ):
            cell = Cell(value, status, unconfirmed)
            if status == "running":
                cell.so_far = status_for(rule, value)
            matrix.cells[(cid, Week.of(monday).key)] = cell
    return matrix


@dataclass(frozen=True)
class Deadline:
    """A periodic report that falls due."""

    report: ReportPeriod
    period: Period
    due: dt.date


def _period_of(kind: str, day: dt.date) -> Period:
    if kind == "quarter":
        return Period.parse(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    if kind == "half":
        return Period.parse(f"{day.year}-H{1 if day.month <= 6 else 2}")
    return Period.parse(str(day.year))


def coming_deadlines(settings: Settings, today: dt.date, count: int = 4) -> list[Deadline]:
    """The next report deadlines from today, soonest first."""
    out: list[Deadline] = []
    for report in settings.reports:
        day = today
        for _ in range(3):
            period = _period_of(report.period, day)
            month = period.start.month + report.deadline_month - 1
            due = dt.date(period.start.year, month, report.deadline_day)
            if due >= today:
                out.append(Deadline(report, period, due))
            day = period.end + dt.timedelta(days=1)
    return sorted(out, key=lambda d: d.due)[:count]


def counted_rules(
    session: Session, settings: Settings, rules: list[Rule], channel: Channel, airings: list
) -> dict[int, list[Rule]]:
    """For each airing of a channel's week: the rules it counted toward (basis aired)."""
    facts = channel_facts(channel, unit_codes(session, {channel.unit_id})[channel.unit_id])
    covering = [r for r in rules if rule_covers_channel(r, facts)]
    out: dict[int, list[Rule]] = {}
    for a in airings:
        p = a.programme
        fact = AiringFacts(p.id, frozenset(p.topics), p.programme_type, p.language,
                           p.duration_seconds, a.status, a.duration_seconds)  # fmt: skip
        out[a.id] = [r for r in covering if airing_counts(r, facts, fact)]
    return out


@dataclass(frozen=True)
class PeriodChoice:
    """One entry of the period picker: the period's code and its name in words."""

    kind: str
    value: str
    text: str


PICKER_KINDS = ("week", "month", "quarter", "half", "year")
PICKER_WEEKS = 26  # the last half-year of weeks; older weeks through the date range
PICKER_YEARS = 6


def period_choices(
    today: dt.date, first_year: int, chosen: Period, name: Callable[[Period], str]
) -> dict[str, list[PeriodChoice]]:
    """Periods that have started, newest first, per kind (the chosen one always listed)."""
    years = range(today.year, max(first_year, today.year - PICKER_YEARS + 1) - 1, -1)
    labels: dict[str, list[str]] = {k: [] for k in PICKER_KINDS}
    for y in years:
        labels["year"].append(str(y))
        labels["half"] += [f"{y}-H{h}" for h in (2, 1)]
        labels["quarter"] += [f"{y}-Q{q}" for q in (4, 3, 2, 1)]
        labels["month"] += [f"{y}-{m:02d}" for m in range(12, 0, -1)]
    week = Week.of(today)
    labels["week"] = [str(week.shift(-i)) for i in range(PICKER_WEEKS)]
    out: dict[str, list[PeriodChoice]] = {}
    for kind in PICKER_KINDS:
        periods = [Period.parse(label) for label in labels[kind]]
        periods = [p for p in periods if p.start <= today or p.kind == "week"]
        if chosen.kind == kind and chosen.label not in {p.label for p in periods}:
            periods.append(chosen)
        out[kind] = [PeriodChoice(kind, p.label, name(p)) for p in periods]
    return out
