"""Plain result objects of the compliance engine (no ORM objects, cheap to build and export)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TypedDict

from scheduler.config import Rule
from scheduler.periods import Period


@dataclass(frozen=True)
class ChannelInfo:
    """What results and reports show about a channel; unit_ids are all units it counts toward."""

    id: int
    name: str
    kind: str
    unit_id: int
    unit_code: str
    unit_name: str
    languages: frozenset[str]
    active_from: dt.date
    active_to: dt.date | None
    unit_ids: frozenset[int]

    @property
    def minority_languages(self) -> frozenset[str]:
        """Languages other than Vietnamese."""
        return self.languages - {"vi"}

    def active_between(self, start: dt.date, end: dt.date) -> bool:
        """True when active on at least one day of [start, end] (active_to inclusive)."""
        return self.active_from <= end and (self.active_to is None or self.active_to >= start)


@dataclass
class PeriodCount:
    """One rule period of one channel: the count, its status and what did not count."""

    label: str
    start: dt.date
    end: dt.date
    count: float
    status: str
    not_aired: int = 0
    unconfirmed: int = 0


# Statuses of a rule period: the four of scheduler/rules.py, and `running` for a period still in
# progress under basis aired (DESIGN 4: shown as running, never as missed; not judged yet).
STATUSES = ("target_met", "minimum_met", "below_minimum", "running", "not_applicable")
UNJUDGED = frozenset({"not_applicable", "running"})

Span = tuple[str, dt.date, dt.date]  # a rule period: label, first and last counted day


@dataclass
class ChannelRuleResult:
    """A rule on a channel over the window, one value per rule period (parallel lists)."""

    rule_id: str
    channel: ChannelInfo
    spans: list[Span]
    counts: list[float]
    statuses: list[str]
    not_aired_counts: list[int]
    unconfirmed_counts: list[int]

    @property
    def periods(self) -> list[PeriodCount]:
        """One PeriodCount per rule period."""
        return [
            PeriodCount(label, start, end, c, st, na, un)
            for (label, start, end), c, st, na, un in zip(
                self.spans,
                self.counts,
                self.statuses,
                self.not_aired_counts,
                self.unconfirmed_counts,
                strict=True,
            )
        ]

    @property
    def applicable(self) -> int:
        """Finished rule periods in which the channel was active (a running one is not judged)."""
        return sum(1 for s in self.statuses if s not in UNJUDGED)

    @property
    def met(self) -> int:
        """Rule periods at minimum or better."""
        return sum(1 for s in self.statuses if s in ("target_met", "minimum_met"))

    @property
    def count(self) -> float:
        """The count summed over the rule periods."""
        return sum(self.counts)

    @property
    def not_aired(self) -> int:
        """Matching airings not aired or cancelled."""
        return sum(self.not_aired_counts)

    @property
    def unconfirmed(self) -> int:
        """Matching scheduled items in the past with no airing."""
        return sum(self.unconfirmed_counts)

    @property
    def status(self) -> str:
        """Worst status over the finished applicable rule periods (docs/compliance.md).

        `running` when the only applicable period is still in progress.
        """
        statuses = set(self.statuses) - UNJUDGED
        if not statuses:
            return "running" if "running" in self.statuses else "not_applicable"
        if "below_minimum" in statuses:
            return "below_minimum"
        if statuses == {"target_met"}:
            return "target_met"
        return "minimum_met"

    @property
    def missed(self) -> list[PeriodCount]:
        """Finished applicable rule periods below minimum."""
        return [p for p in self.periods if p.status == "below_minimum"]

    @property
    def in_progress(self) -> list[PeriodCount]:
        """Rule periods still running (counted so far, neither met nor missed)."""
        return [p for p in self.periods if p.status == "running"]


@dataclass
class RuleResult:
    """One rule over the window: its rule periods and the result of every channel it covers."""

    rule: Rule
    basis: str
    periods: list[Period]
    channels: list[ChannelRuleResult] = field(default_factory=list)

    def by_status(self) -> dict[str, int]:
        """How many channels are at each (window) status."""
        out = dict.fromkeys(STATUSES, 0)
        for c in self.channels:
            out[c.status] += 1
        return out


@dataclass
class ComplianceResult:
    """Everything evaluate() found, per rule and per channel."""

    period: Period
    unit_code: str | None
    rules: list[RuleResult]
    channels: dict[int, ChannelInfo]
    units: dict[int, UnitInfo]
    area: frozenset[int] | None
    roots: tuple[int, ...]

    def rule(self, rule_id: str) -> RuleResult:
        """The result of one rule."""
        for r in self.rules:
            if r.rule.id == rule_id:
                return r
        raise KeyError(rule_id)

    def rows(self) -> list[ResultRow]:
        """Flat rows: per rule, per channel, per rule period (the JSON and CSV exports)."""
        out: list[ResultRow] = []
        for rr in self.rules:
            for cr in rr.channels:
                ch = cr.channel
                for p in cr.periods:
                    out.append(
                        {
                            "rule_id": rr.rule.id,
                            "channel_id": ch.id,
                            "channel_name": ch.name,
                            "channel_kind": ch.kind,
                            "unit_code": ch.unit_code,
                            "unit_name": ch.unit_name,
                            "period": p.label,
                            "count": p.count,
                            "minimum": rr.rule.minimum,
                            "target": rr.rule.target,
                            "status": p.status,
                            "not_aired": p.not_aired,
                            "unconfirmed": p.unconfirmed,
                        }
                    )
        return out


class ResultRow(TypedDict):
    """One flat row of a compliance result: a rule, a channel, one of the rule's periods."""

    rule_id: str
    channel_id: int
    channel_name: str
    channel_kind: str
    unit_code: str
    unit_name: str
    period: str
    count: float
    minimum: int
    target: int | None
    status: str
    not_aired: int
    unconfirmed: int


@dataclass(frozen=True)
class UnitInfo:
    """An administrative unit reduced to what roll-ups need."""

    id: int
    code: str
    name: str
    level: str
    structure: str
    parent_id: int | None
    successor_id: int | None
    valid_from: dt.date
    valid_to: dt.date | None
    full_name: str | None = None
    unit_type: str | None = None  # "Xã", "Phường", "Đặc khu", "Thị trấn"... as imported

    def valid_between(self, start: dt.date, end: dt.date) -> bool:
        """True when the unit exists on some day of [start, end] (valid_to exclusive)."""
        return self.valid_from <= end and (self.valid_to is None or self.valid_to > start)
