"""What an evaluation is asked for: the window, the rules (basis overridden), their periods."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from scheduler.config import Rule, Settings
from scheduler.errors import N_, Invalid, NotFound
from scheduler.periods import Period, PeriodError, period_of_week


def parse_period(period: Period | str) -> Period:
    """A Period from a Period or its text; a bad text raises Invalid."""
    if isinstance(period, Period):
        return period
    try:
        return Period.parse(period)
    except PeriodError as exc:
        raise Invalid.carry(exc) from exc


def select_rules(
    settings: Settings, rule_ids: Iterable[str] | None, basis: str | None
) -> list[Rule]:
    """The configured rules asked for (all by default), with the basis overridden if given."""
    if basis is not None and basis not in ("aired", "planned"):
        raise Invalid(
            N_("Unknown basis '%(basis)s' (use aired or planned)"), code="basis", basis=basis
        )
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
                    N_("There is no rule '%(rule)s' (known: %(known)s)"),
                    code="rule.not_found",
                    rule=rid,
                    known=known,
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
