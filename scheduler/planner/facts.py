"""Plain facts about a week (loaded in bulk) and how they become the solver's per-channel problems.

Planner decisions settled here (documented in README, "Planner"):
- Every rule is planned under basis planned: scheduled items count as planned airings.
- A rule over a longer period (month ... year) asks this week for its share of what is left:
  ceil((goal - what the period's other weeks hold) / weeks left, this one included). A week
  that meets its share keeps the period on course; the last week asks for all that is left.
- A programme airs at most once per channel per week, and not in a week within
  `planning.no_repeat_weeks` weeks before or after a week that already has it on that channel
  (emergency programmes are exempt from the second part).
- Emergency programmes are placed on every channel that airs their language, before anything.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field

from scheduler.config import Rule
from scheduler.periods import Week, period_of_week
from scheduler.planner.problem import RANKS, Candidate, ChannelProblem, FreeSlot, Need
from scheduler.rules import AiringFacts, ChannelFacts, airing_counts, rule_covers_channel


@dataclass(frozen=True)
class ProgrammeFacts:
    """A programme of the library, reduced to what planning needs."""

    id: int
    title: str
    programme_type: str
    language: str
    seconds: int
    priority: str
    approved: bool
    valid_from: dt.date | None
    valid_to: dt.date | None
    topics: tuple[str, ...]

    def planned(self) -> AiringFacts:
        """This programme as a planned airing (basis planned)."""
        return AiringFacts(
            self.id, frozenset(self.topics), self.programme_type, self.language,
            self.seconds, "planned",
        )  # fmt: skip

    def valid_days(self, week: Week) -> int:
        """Bit d set when valid on weekday d of the week."""
        if self.valid_from is None and self.valid_to is None:
            return 0b1111111  # most of a library: valid every day
        mask = 0
        for d, day in enumerate(week.days()):
            if (self.valid_from is None or self.valid_from <= day) and (
                self.valid_to is None or day <= self.valid_to
            ):
                mask |= 1 << d
        return mask


@dataclass
class SlotFacts:
    """A slot of the planned week and the programmes already in it, in order."""

    id: int
    channel_id: int
    local_date: dt.date
    starts_at: dt.datetime | None  # the loader orders by it and leaves it out
    minutes: int
    items: list[int] = field(default_factory=list)
    next_position: int = 0  # position after the last item


@dataclass
class WeekFacts:
    """Everything the planner reads, loaded once."""

    week: Week
    rules: tuple[Rule, ...]
    no_repeat_weeks: int
    channels: list[ChannelFacts]
    slots: dict[int, list[SlotFacts]]  # by channel, in start order
    programmes: dict[int, ProgrammeFacts]
    recent: dict[int, set[int]] = field(default_factory=dict)  # no-repeat window, by channel
    # Items of other weeks inside the periods of longer rules: channel -> [(week_key, pid)].
    period_items: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    target_margin_percent: int = 50  # [planning]: how far the filler may pass a rule's target


def planned_rule(rule: Rule) -> Rule:
    """The rule as the planner reads it: under basis planned."""
    return rule if rule.basis == "planned" else dataclasses.replace(rule, basis="planned")


def units_of(rule: Rule, pids: list[int], programmes: dict[int, ProgrammeFacts]) -> int:
    """The rule's measure in integer units: airings, distinct programmes or seconds."""
    if rule.count == "airings":
        return len(pids)
    if rule.count == "distinct_programmes":
        return len(set(pids))
    return sum(programmes[p].seconds for p in pids)


def cap_units(goal: int, margin_percent: int) -> int:
    """A target raised by the margin, rounded up (50 %: a target of 2 airings allows 3)."""
    return -(-goal * (100 + margin_percent) // 100)


def goal_units(rule: Rule, goal: int) -> int:
    """A minimum or target in the units of units_of."""
    return goal * 60 if rule.count == "minutes" else goal


@dataclass
class RuleView:
    """One rule on one channel this week: what counts, what is there, what is still needed."""

    rule: Rule
    counts: dict[int, bool]  # programme id -> counts for this rule on this channel
    before: list[int]  # counted programmes in earlier weeks of the period
    now: list[int]  # counted programmes already in this week
    after: list[int]  # counted programmes in later weeks of the period
    k: int  # this week is the k-th ...
    n: int  # ... of the period's n weeks

    def counted(self, pid: int, programmes: dict[int, ProgrammeFacts], ch: ChannelFacts) -> bool:
        """True when the programme counts for the rule on this channel (memoised)."""
        hit = self.counts.get(pid)
        if hit is None:
            hit = airing_counts(self.rule, ch, programmes[pid].planned())
            self.counts[pid] = hit
        return hit

    def held(self, programmes: dict[int, ProgrammeFacts]) -> tuple[int, int, int]:
        """Units the period holds before this week, in it, and after it (distinct: new ones)."""
        rule = self.rule
        if rule.count == "distinct_programmes":
            b = len(set(self.before))
            c_now = len(set(self.now) - set(self.before))
            a = len(set(self.after) - set(self.before) - set(self.now))
            return b, c_now, a
        b = units_of(rule, self.before, programmes)
        return b, units_of(rule, self.now, programmes), units_of(rule, self.after, programmes)

    def share(self, goal: int, programmes: dict[int, ProgrammeFacts]) -> tuple[int, int]:
        """This week's share of the goal (units) and what the week already holds towards it."""
        b, c_now, a = self.held(programmes)
        g = goal_units(self.rule, goal)
        return math.ceil(max(0, g - b - a) / (self.n - self.k + 1)), c_now

    def need(self, goal: int, programmes: dict[int, ProgrammeFacts]) -> int:
        """Units this week must still add: its share of what the period still lacks."""
        share, c_now = self.share(goal, programmes)
        return max(0, share - c_now)

    def goal(self) -> int:
        """The rule's target, or its minimum when it has none."""
        rule = self.rule
        return rule.target if rule.target is not None else rule.minimum

    def cap(self, margin_percent: int, programmes: dict[int, ProgrammeFacts]) -> int:
        """Units the planner may add before the period passes its target plus the margin."""
        return max(0, cap_units(goal_units(self.rule, self.goal()), margin_percent)
                   - sum(self.held(programmes)))  # fmt: skip

    def seen(self) -> set[int]:
        """Programmes already counted in the period (a repeat adds nothing distinct)."""
        return set(self.before) | set(self.now) | set(self.after)


def rule_views(facts: WeekFacts, ch: ChannelFacts, counts_cache: dict) -> list[RuleView]:
    """The rules that apply to the channel in the week, with what its schedules already hold."""
    week = facts.week
    slots = facts.slots.get(ch.id, [])
    now_items = [p for s in slots for p in s.items]
    out = []
    for rule in facts.rules:
        if not rule_covers_channel(rule, ch):
            continue
        weeks = counts_cache.get(("weeks", rule.period))
        if weeks is None:
            weeks = counts_cache[("weeks", rule.period)] = period_of_week(week, rule.period).weeks()
        if not ch.active_between(weeks[0].monday, weeks[-1].sunday):
            continue
        pr = planned_rule(rule)
        key = (rule.id, ch.minority_languages)
        counts = counts_cache.setdefault(key, {})
        view = RuleView(pr, counts, [], [], [], weeks.index(week) + 1, len(weeks))
        view.now = [p for p in now_items if view.counted(p, facts.programmes, ch)]
        if len(weeks) > 1:
            first, last = weeks[0].key, weeks[-1].key
            for wk, pid in facts.period_items.get(ch.id, ()):
                if first <= wk <= last and view.counted(pid, facts.programmes, ch):
                    (view.before if wk < week.key else view.after).append(pid)
        out.append(view)
    return out


def _round_robin(progs: list[ProgrammeFacts]) -> list[ProgrammeFacts]:
    """Interleave programmes by first topic so that neighbours differ in topic."""
    groups: dict[str, list[ProgrammeFacts]] = defaultdict(list)
    for p in sorted(progs, key=lambda p: p.id):
        groups[p.topics[0] if p.topics else ""].append(p)
    queues = [groups[t] for t in sorted(groups)]
    out: list[ProgrammeFacts] = []
    i = 0
    while any(queues):
        for q in queues:
            if len(q) > i:
                out.append(q[i])
        i += 1
        if all(len(q) <= i for q in queues):
            break
    return out


class ProblemBuilder:
    """Turns WeekFacts into ChannelProblems, sharing work between channels alike."""

    def __init__(self, facts: WeekFacts, fill: bool = True) -> None:
        self.facts = facts
        self.fill = fill
        self.counts_cache: dict = {}
        week = facts.week
        self.days = {p.id: p.valid_days(week) for p in facts.programmes.values()}
        self.usable = [
            p for p in facts.programmes.values() if p.approved and p.seconds > 0 and self.days[p.id]
        ]
        self._ordered: dict[frozenset[str], list[ProgrammeFacts]] = {}
        self._bases: dict[tuple, tuple[list[Candidate], int, int]] = {}
        self._lengths: dict[tuple, tuple[list[Candidate], list[int]]] = {}

    def ordered(self, languages: frozenset[str]) -> list[ProgrammeFacts]:
        """Approved, valid programmes in the channel's languages, in filler order."""
        got = self._ordered.get(languages)
        if got is None:
            mine = [p for p in self.usable if p.language in languages]
            got = []
            for rank in sorted(set(RANKS.values())):
                got += _round_robin([p for p in mine if RANKS.get(p.priority, 2) == rank])
            self._ordered[languages] = got
        return got

    def views(self, ch: ChannelFacts) -> list[RuleView]:
        """The rules that apply to the channel this week."""
        return rule_views(self.facts, ch, self.counts_cache)

    def build(self, ch: ChannelFacts, views: list[RuleView]) -> ChannelProblem:
        """The solver's problem for one channel."""
        facts = self.facts
        slots = facts.slots.get(ch.id, [])
        progs = facts.programmes
        free_slots = [
            FreeSlot(
                s.id,
                s.local_date.weekday(),
                i,
                max(0, s.minutes * 60 - sum(progs[p].seconds for p in s.items)),
                not s.items,
            )  # fmt: skip
            for i, s in enumerate(slots)
        ]
        in_week = {p for s in slots for p in s.items}
        recent = facts.recent.get(ch.id, set())
        seen = [v.seen() if v.rule.count == "distinct_programmes" else set() for v in views]
        margin = facts.target_margin_percent
        needs = [
            Need(v.rule.id, v.need(v.rule.minimum, progs), v.need(v.goal(), progs),
                 v.cap(margin, progs))
            for v in views
        ]  # fmt: skip
        day_mask = 0
        for s in free_slots:
            day_mask |= 1 << s.day
        base = self._base(ch, views, day_mask)
        if base:
            ordered, first, mid = base
            plain = mid - first
            if plain and ch.id % plain:
                cut = first + ch.id % plain
                ordered = ordered[:first] + ordered[cut:mid] + ordered[first:cut] + ordered[mid:]
            base = (ordered, first, mid)
        everything = base[0] if base else []
        by_length, lengths = self._by_length(ch, views, day_mask) if base else ([], [])
        if in_week or any(seen):
            everything = [_unseen(c, seen) for c in everything if c.programme_id not in in_week]
            mine = {c.programme_id: c for c in everything}
            by_length = [mine[c.programme_id] for c in by_length if c.programme_id in mine]
        emergency = [c for c in everything if c.rank == 0]
        candidates = everything
        if recent:
            candidates = [c for c in everything if c.programme_id not in recent]
            by_length = [c for c in by_length if c.programme_id not in recent]
        return ChannelProblem(
            ch.id, free_slots, needs, candidates, emergency, self.fill, by_length, lengths
        )

    def _by_length(
        self, ch: ChannelFacts, views: list[RuleView], day_mask: int
    ) -> tuple[list[Candidate], list[int]]:
        """The base candidates shortest first (ties in filler order) and their lengths."""
        key = (frozenset(ch.languages), tuple(v.rule.id for v in views), day_mask)
        got = self._lengths.get(key)
        if got is None:
            base = self._bases[key][0]
            rank = {c.programme_id: i for i, c in enumerate(base)}
            ordered = sorted(base, key=lambda c: (c.seconds, rank[c.programme_id]))
            got = self._lengths[key] = (ordered, [c.seconds for c in ordered])
        return got

    def _base(
        self, ch: ChannelFacts, views: list[RuleView], day_mask: int
    ) -> tuple[list[Candidate], int, int] | None:
        """Candidates for channels alike (languages, rules, weekdays), in filler order.

        Priority programmes come first; then programmes no rule of the channel counts; then
        those some rule counts, kept for last so that the filler does not use up, week after
        week, the programmes the rules need (no repeat within N weeks). Returns the list and
        where the second and third groups start.
        """
        key = (frozenset(ch.languages), tuple(v.rule.id for v in views), day_mask)
        got = self._bases.get(key)
        if got is None:
            progs = self.facts.programmes
            groups: tuple[list[Candidate], list[Candidate], list[Candidate]] = ([], [], [])
            for p in self.ordered(frozenset(ch.languages)):
                days = self.days[p.id] & day_mask
                if not days:
                    continue
                gains = tuple(
                    _unit_gain(v.rule, p) if v.counted(p.id, progs, ch) else 0 for v in views
                )
                rank = RANKS.get(p.priority, 2)
                c = Candidate(p.id, p.seconds, days, rank, p.topics[0] if p.topics else "", gains)
                groups[0 if rank < 2 else 2 if any(gains) else 1].append(c)
            first, mid = len(groups[0]), len(groups[0]) + len(groups[1])
            got = (groups[0] + groups[1] + groups[2], first, mid)
            self._bases[key] = got
        return got if got[0] else None


def _unseen(c: Candidate, seen: list[set[int]]) -> Candidate:
    """The candidate with no gain for distinct-programme needs it was already counted for."""
    if not any(c.programme_id in s for s in seen):
        return c
    gains = tuple(0 if c.programme_id in seen[i] else g for i, g in enumerate(c.gains))
    return dataclasses.replace(c, gains=gains)


def _unit_gain(rule: Rule, p: ProgrammeFacts) -> int:
    return p.seconds if rule.count == "minutes" else 1
