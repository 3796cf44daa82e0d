"""The pre-publish check: which channels a draft week leaves short under basis planned."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from audio.messages import N_, Message, message, render_in
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
    def message(self) -> Message:
        """What falls short, as a catalogue message."""
        return message(
            N_(
                "%(channel)s: rule '%(rule)s' for %(period)s has %(planned)s/%(minimum)s"
                " planned, %(missing)s short"
            ),
            channel=self.channel.name,
            rule=self.rule_id,
            period=self.period,
            planned=f"{self.planned:g}",
            minimum=self.minimum,
            missing=f"{self.missing:g}",
        )

    def in_language(self, language: str) -> str:
        """The explanation in `language` (a message parameter renders so)."""
        return render_in(self.message, language)


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
            raise Invalid.carry(exc) from exc
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
