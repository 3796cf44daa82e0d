"""Roll-ups over the unit tree (country, province, legacy district, commune) and over time."""

from __future__ import annotations

from dataclasses import dataclass, field

from scheduler.compliance.facts import counted_units
from scheduler.compliance.model import ChannelRuleResult, ComplianceResult, UnitInfo

COUNTRY = 0  # roll-up key of the whole country


@dataclass
class UnitRollup:
    """One rule over one unit: channels at each status, rule periods met / applicable."""

    unit_id: int
    channels: int = 0
    target_met: int = 0
    minimum_met: int = 0
    below_minimum: int = 0
    running: int = 0  # channels whose only applicable rule period is still in progress
    not_applicable: int = 0
    periods_met: int = 0
    periods_applicable: int = 0
    below: list[ChannelRuleResult] = field(default_factory=list)

    @property
    def applicable(self) -> int:
        """Channels with at least one finished applicable rule period (running ones wait)."""
        return self.channels - self.not_applicable - self.running

    @property
    def at_minimum(self) -> int:
        """Channels at minimum or better (target met included)."""
        return self.target_met + self.minimum_met

    @property
    def share_minimum(self) -> float | None:
        """Share of applicable channels at minimum or better."""
        return self.at_minimum / self.applicable if self.applicable else None

    @property
    def share_target(self) -> float | None:
        """Share of applicable channels at target."""
        return self.target_met / self.applicable if self.applicable else None

    @property
    def share_periods(self) -> float | None:
        """Rule periods met / applicable (e.g. weeks met over a quarter)."""
        return self.periods_met / self.periods_applicable if self.periods_applicable else None


def rollup(result: ComplianceResult, rule_id: str) -> dict[int, UnitRollup]:
    """Per unit (and COUNTRY): a channel counts toward its unit, ancestors and successors."""
    out: dict[int, UnitRollup] = {}
    for cr in result.rule(rule_id).channels:
        status = cr.status
        met, applicable = cr.met, cr.applicable
        for uid in (COUNTRY, *cr.channel.unit_ids):
            if result.area is not None and uid != COUNTRY and uid not in result.area:
                continue
            r = out.get(uid)
            if r is None:
                r = out[uid] = UnitRollup(uid)
            r.channels += 1
            setattr(r, status, getattr(r, status) + 1)
            r.periods_met += met
            r.periods_applicable += applicable
            if status == "below_minimum":
                r.below.append(cr)
    return out


def report_units(result: ComplianceResult) -> list[UnitInfo]:
    """Rows of a report: the units one level below the root(s), existing in the period."""
    start, end = result.period.week_start, result.period.week_end
    units = result.units
    if result.roots:
        parents = set(result.roots)
        rows = [
            u
            for u in units.values()
            if u.parent_id in parents and u.valid_between(start, end) and u.level != "village"
        ]
    else:
        rows = [u for u in units.values() if u.level == "province" and u.valid_between(start, end)]
    return sorted(rows, key=lambda u: (u.structure != "2025", u.code))


def communes_with_station(result: ComplianceResult) -> dict[int, tuple[int, int]]:
    """Per unit (and COUNTRY): communes existing in the period, and those with an active
    commune_radio channel in it (a merged commune's station counts for its successor too)."""
    start, end = result.period.week_start, result.period.week_end
    served: set[int] = set()
    for ch in result.channels.values():
        if ch.kind == "commune_radio" and ch.active_between(start, end):
            served |= ch.unit_ids
    out: dict[int, list[int]] = {}
    for u in result.units.values():
        if u.level != "commune" or not u.valid_between(start, end):
            continue
        if result.area is not None and u.id not in result.area:
            continue
        has = u.id in served
        for uid in (COUNTRY, *counted_units(result.units, u.id)):
            row = out.setdefault(uid, [0, 0])
            row[0] += 1
            row[1] += has
    return {k: (v[0], v[1]) for k, v in out.items()}
