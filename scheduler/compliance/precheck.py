"""The pre-publish check: which channels a draft week leaves short under basis planned."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from scheduler.compliance.engine import evaluate
from scheduler.compliance.model import ChannelInfo, ComplianceResult
from scheduler.config import Settings
from scheduler.errors import Invalid
from scheduler.periods import PeriodError, Week


@dataclass(frozen=True)
class Shortfall:
    """A channel that will fall short of a rule if the week airs as planned."""

    rule_id: str
    channel: ChannelInfo
    period: str
    planned: float
    minimum: int
    target: int | None
    status: str

    @property
    def missing(self) -> float:
        """How much more is needed to reach the minimum."""
        return max(0.0, self.minimum - self.planned)

    @property
    def text_vi(self) -> str:
        """Vietnamese explanation."""
        return (
            f"{self.channel.name}: quy định '{self.rule_id}' kỳ {self.period} mới có "
            f"{self.planned:g}/{self.minimum} theo kế hoạch, còn thiếu {self.missing:g}"
        )

    @property
    def text_en(self) -> str:
        """English explanation."""
        return (
            f"{self.channel.name}: rule '{self.rule_id}' for {self.period} has "
            f"{self.planned:g}/{self.minimum} planned, {self.missing:g} short"
        )


@dataclass
class PrecheckResult:
    """Shortfalls of a week's plan, and the full evaluation behind them."""

    week: Week
    result: ComplianceResult
    shortfalls: list[Shortfall] = field(default_factory=list)
    below_target: list[Shortfall] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no channel falls below a minimum."""
        return not self.shortfalls


def precheck(
    session: Session,
    settings: Settings,
    week: Week | str,
    unit_code: str | None,
    channel_ids: Iterable[int] | None = None,
    now: dt.datetime | None = None,
) -> PrecheckResult:
    """Evaluate every rule under basis planned for the rule periods containing the week.

    Draft and published schedules both count as planned; a monthly or yearly rule looks at
    everything planned in its month or year (docs/compliance.md).
    """
    if isinstance(week, str):
        try:
            week = Week.parse(week)
        except PeriodError as exc:
            raise Invalid(str(exc), code="week") from exc
    result = evaluate(
        session, settings, str(week), unit_code=unit_code, channel_ids=channel_ids,
        basis="planned", now=now, unconfirmed=False,
    )  # fmt: skip
    out = PrecheckResult(week, result)
    for rr in result.rules:
        for cr in rr.channels:
            for p in cr.periods:
                if p.status not in ("below_minimum", "minimum_met"):
                    continue
                s = Shortfall(rr.rule.id, cr.channel, p.label, p.count, rr.rule.minimum,
                              rr.rule.target, p.status)  # fmt: skip
                (out.shortfalls if p.status == "below_minimum" else out.below_target).append(s)
    return out
