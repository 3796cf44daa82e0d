"""Compact in-memory shapes the planner works on: one channel's free airtime, candidates, needs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

# Priority ranks: lower goes first.
RANKS = {"emergency": 0, "priority": 1, "normal": 2}


@dataclass
class FreeSlot:
    """A slot of the week with the seconds still free in it."""

    slot_id: int
    day: int  # 0 = Monday .. 6 = Sunday
    order: int  # position of the slot in the channel's week (by start time)
    free: int  # seconds still free
    empty: bool  # True when the slot held nothing before planning (the filler may pack it)


@dataclass(frozen=True)
class Candidate:
    """A programme the channel may air this week, with what it adds to each need."""

    programme_id: int
    seconds: int
    days: int  # bit d set when the programme is valid on weekday d (0 = Monday)
    rank: int  # 0 emergency, 1 priority, 2 normal
    topic: str  # first topic, used to spread topics across the week
    gains: tuple[int, ...]  # per need: measure units this programme adds (0 = does not count)


@dataclass
class Need:
    """How much one rule still needs on one channel this week (in measure units)."""

    rule_id: str
    minimum: int  # to reach the rule's minimum
    target: int  # to reach the rule's target (>= minimum)
    cap: int | None = None  # most the plan may add before passing the target plus the margin


@dataclass
class ChannelProblem:
    """Everything the solver needs for one channel; the solver never touches the database."""

    channel_id: int
    slots: list[FreeSlot]
    needs: list[Need]
    candidates: list[Candidate]  # eligible for rules and filler (no repeats, right language...)
    emergency: list[Candidate] = field(default_factory=list)  # placed first, on every channel
    fill: bool = True  # pack the free airtime of every slot with further programmes
    by_length: list[Candidate] = field(default_factory=list)  # candidates, shortest first
    lengths: list[int] = field(default_factory=list)  # seconds of the usable library, sorted


@dataclass(frozen=True)
class Excess:
    """A need whose additions passed its cap (the target plus the margin), and in which phase."""

    need: int  # index into the problem's needs
    cap: int  # units the plan could add within the margin
    added: int  # units it added
    phase: str  # "rule": to meet other rules; "fill": nothing else fitted the free airtime


@dataclass(frozen=True)
class FreeAirtime:
    """Airtime the plan leaves free (slots with at least a minute free), and why."""

    seconds: int  # free seconds in those slots
    slots: int  # how many slots
    largest: int  # the largest free seconds of one slot
    cause: str  # rules_only | too_long (nothing that short) | used (all short ones taken)
    shortest: int  # seconds of the shortest usable programme in the channel's languages
    fitting: int  # usable programmes no longer than the largest gap (all in use or excluded)


class Placement(NamedTuple):
    """A programme put into a slot by the planner; phase is emergency, rule or fill."""

    slot_id: int
    programme_id: int
    phase: str


@dataclass
class ChannelPlan:
    """The solver's answer for one channel."""

    channel_id: int
    placements: list[Placement]
    gained: list[int]  # per need: measure units added by the placements
    # Needs the solver found impossible together with the others ("joint"), alone ("alone"),
    # or gave up on ("search_limit"); absent when met.
    why_unmet: dict[int, str] = field(default_factory=dict)
    nodes: int = 0  # exact-search nodes used
    excess: list[Excess] = field(default_factory=list)
    free: FreeAirtime | None = None

    def met_minimum(self, needs: list[Need], i: int) -> bool:
        """True when need i reached its minimum."""
        return self.gained[i] >= needs[i].minimum

    def met_target(self, needs: list[Need], i: int) -> bool:
        """True when need i reached its target."""
        return self.gained[i] >= needs[i].target
