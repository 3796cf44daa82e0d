"""What automatic planning says beside the shortfalls: caps it passed, airtime it left free.

Each note is plain data with a catalogue message (English id, named parameters) that the edge
renders in the reader's language: the web page, the CLI, `--json` (English text plus code).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from audio.messages import N_, Message
from scheduler.config import Label, Rule


def amount(value: float, count: str) -> Message:
    """A rule's measure with its unit ("3 airings", "12 min")."""
    shown = f"{value:g}" if count != "minutes" else f"{value:.0f}"
    if count == "minutes":
        return Message(N_("%(n)s min"), {"n": shown})
    if count == "distinct_programmes":
        one, many = N_("%(n)s programme"), N_("%(n)s programmes")
    else:
        one, many = N_("%(n)s airing"), N_("%(n)s airings")
    return Message(one if value == 1 else many, {"n": shown})


def minutes(seconds: int) -> str:
    """Seconds as whole minutes, or with one decimal under ten minutes."""
    m = seconds / 60
    return f"{m:.0f}" if m >= 10 or abs(m - round(m)) < 0.05 else f"{m:.1f}"


@dataclass(frozen=True)
class ExcessNote:
    """A rule this week's plan takes past its target plus the margin, and why."""

    channel_id: int
    rule_id: str
    rule_name: Label
    period: str  # the rule's period containing the week ("2026-W49", "2026-12", "2026")
    count: str  # the rule's measure: airings, distinct_programmes, minutes
    target: float  # the rule's target (its minimum when it has none), in its measure
    cap: float  # the target raised by the margin
    planned: float  # what the period holds after planning
    phase: str  # fill: nothing else fitted the free airtime; rule: placed to meet other rules

    @property
    def code(self) -> str:
        """Machine-readable kind of note."""
        return f"plan.over_target.{self.phase}"

    def message(self) -> Message:
        """The note in catalogue form."""
        params: dict[str, Any] = {
            "rule": self.rule_name,
            "period": self.period,
            "planned": amount(self.planned, self.count),
            "target": amount(self.target, self.count),
            "cap": amount(self.cap, self.count),
        }
        if self.phase == "fill":
            msgid = N_(
                "%(rule)s (%(period)s): %(planned)s planned, more than the target %(target)s plus "
                "the margin (at most %(cap)s), because nothing else fits the free airtime"
            )
        else:
            msgid = N_(
                "%(rule)s (%(period)s): %(planned)s planned, more than the target %(target)s plus "
                "the margin (at most %(cap)s), because the programmes other rules need count for "
                "it too"
            )
        return Message(msgid, params)


@dataclass(frozen=True)
class FreeNote:
    """Airtime a channel's plan leaves free, and why."""

    channel_id: int
    seconds: int
    slots: int
    largest: int
    cause: str  # rules_only | too_long | used
    shortest: int
    fitting: int
    no_repeat_weeks: int

    @property
    def code(self) -> str:
        """Machine-readable kind of note."""
        return f"plan.free_airtime.{self.cause}"

    def message(self) -> Message:
        """The note in catalogue form."""
        params: dict[str, Any] = {
            "minutes": minutes(self.seconds),
            "slots": self.slots,
            "largest": minutes(self.largest),
        }
        if self.cause == "rules_only":
            msgid = N_(
                "%(minutes)s min left free in %(slots)s slots: only what the rules need was planned"
            )
        elif self.cause == "too_long":
            msgid = N_(
                "%(minutes)s min left free in %(slots)s slots (at most %(largest)s min in one): "
                "no usable programme is that short, the shortest lasts %(shortest)s min"
            )
            params["shortest"] = minutes(self.shortest)
        else:
            msgid = N_(
                "%(minutes)s min left free in %(slots)s slots (at most %(largest)s min in one): "
                "the %(fitting)s usable programmes short enough are all in this week already, "
                "aired here within %(weeks)s weeks before or after, or not valid that day"
            )
            params["fitting"] = self.fitting
            params["weeks"] = self.no_repeat_weeks
        return Message(msgid, params)


def rule_label(rule: Rule) -> Label:
    """A rule's name as a message parameter (rendered in the reader's language)."""
    return Label(rule.name_vi, rule.name_en)
