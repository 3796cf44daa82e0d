"""Automatic planning has one behaviour, stated as properties over random weeks.

Each random week is planned twice, as a new week and as a week with standing items (programmes
placed by hand, as a week whose slots already hold the daily news). Both plans must:
- top up every slot: no usable programme left that fits a slot's free airtime;
- keep every rule within its target plus the configured margin, unless the result says so;
- pass a cap while filling only when nothing within the caps fitted any more;
- say why airtime is left free (a slot with a minute or more), with the true cause.
Everything is checked against the raw facts, not against the planner's own bookkeeping.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random

import pytest

from scheduler.config import Rule, Settings
from scheduler.periods import Week, period_of_week
from scheduler.planner.core import FactsPlan, plan_facts
from scheduler.planner.facts import ProgrammeFacts, SlotFacts, WeekFacts
from scheduler.rules import AiringFacts, ChannelFacts, airing_counts, rule_covers_channel
from web.settings import load_app_settings

WEEK = Week(2026, 51)
WEEKS = 300
MARGINS = (0, 50, 100)


def _rule(rng: random.Random, i: int) -> Rule:
    count = rng.choices(["airings", "distinct_programmes", "minutes"], [5, 2, 2])[0]
    minimum = rng.randint(5, 20) if count == "minutes" else rng.randint(0, 3)
    target = minimum + (rng.choice([0, 5, 10]) if count == "minutes" else rng.randint(0, 2))
    return Rule(
        id=f"r{i}", name_vi=f"Quy định {i}", name_en=f"Rule {i}", source="test",
        channel_kinds=("commune_radio",), period=rng.choices(["week", "month"], [4, 1])[0],
        minimum=minimum, target=target if rng.random() < 0.7 else None,
        topics=tuple(rng.sample(["ntm", "ocop"], rng.choice([1, 1, 2]))),
        languages=rng.choice([(), (), ("channel",)]), count=count,
    )  # fmt: skip


def random_week(seed: int, standing: bool) -> tuple[Settings, WeekFacts]:
    """A commune station's week with a library where rule topics are common (the 16-NTM case)."""
    rng = random.Random(seed)
    days = WEEK.days()
    progs: dict[int, ProgrammeFacts] = {}
    for pid in range(1, rng.randint(8, 60) + 1):
        valid_from = valid_to = None
        if rng.random() < 0.15:
            valid_from = rng.choice(days)
            valid_to = valid_from + dt.timedelta(days=rng.randint(0, 3))
        topics = rng.sample(["ntm", "ocop", "y_te", "du_lich", "thoi_su"], rng.randint(1, 2))
        progs[pid] = ProgrammeFacts(
            pid, f"P{pid}", rng.choice(["tin", "chuyen_muc"]),
            rng.choices(["vi", "hmn"], [5, 1])[0],
            rng.choice([60, 120, 180, 240, 300, 420, 600, 900]),
            rng.choices(["normal", "priority", "emergency"], [30, 3, 1])[0],
            rng.random() < 0.92, valid_from, valid_to, tuple(topics),
        )  # fmt: skip
    langs = rng.choice([("vi",), ("vi",), ("vi", "hmn")])
    ch = ChannelFacts(1, "commune_radio", frozenset(langs), frozenset({"P"}),
                      dt.date(2025, 7, 1), None)  # fmt: skip
    slots = []
    for sid in range(1, rng.randint(2, 14) + 1):
        slots.append(SlotFacts(sid, 1, days[(sid - 1) % 7], None, rng.choice([10, 15, 30, 30])))
    if standing:
        # By hand: some slots already hold a programme or two (the daily news, a notice).
        for s in slots:
            for _ in range(rng.choice([0, 1, 1, 2])):
                p = rng.choice(list(progs.values()))
                taken = {q for t in slots for q in t.items}
                used = sum(progs[q].seconds for q in s.items)
                if p.id not in taken and used + p.seconds <= s.minutes * 60:
                    s.items.append(p.id)
    recent = {1: {p for p in progs if rng.random() < 0.15}}
    month = [w for w in period_of_week(WEEK, "month").weeks() if w != WEEK]
    others = [(rng.choice(month).key, rng.choice(list(progs))) for _ in range(rng.randint(0, 3))]
    period = {1: others}
    rules = tuple(_rule(rng, i) for i in range(rng.randint(1, 3)))
    margin = MARGINS[seed % len(MARGINS)]
    settings = dataclasses.replace(load_app_settings(), rules=rules)
    facts = WeekFacts(WEEK, rules, 2, [ch], {1: slots}, progs, recent, period, margin)
    return settings, facts


# -- the independent reading of a plan -------------------------------------------------------


def _valid(p: ProgrammeFacts, day: dt.date) -> bool:
    after_start = p.valid_from is None or p.valid_from <= day
    return after_start and (p.valid_to is None or day <= p.valid_to)


def _counts(rule: Rule, ch: ChannelFacts, p: ProgrammeFacts) -> bool:
    planned = AiringFacts(p.id, frozenset(p.topics), p.programme_type, p.language, p.seconds,
                          "planned")  # fmt: skip
    return airing_counts(dataclasses.replace(rule, basis="planned"), ch, planned)


class Reading:
    """One channel's planned week, read from the facts and the placements alone."""

    def __init__(self, facts: WeekFacts, ch: ChannelFacts, placements: list) -> None:
        self.facts, self.ch = facts, ch
        self.progs = facts.programmes
        self.slots = facts.slots[ch.id]
        self.standing = [p for s in self.slots for p in s.items]
        self.added = [pl.programme_id for pl in placements]
        self.load = {s.id: sum(self.progs[p].seconds for p in s.items) for s in self.slots}
        for pl in placements:
            self.load[pl.slot_id] += self.progs[pl.programme_id].seconds
        self.used = set(self.standing) | set(self.added)
        self.rules = [r for r in facts.rules if rule_covers_channel(r, ch)]

    def free(self, slot: SlotFacts) -> int:
        return slot.minutes * 60 - self.load[slot.id]

    def usable(self, p: ProgrammeFacts, day: dt.date) -> bool:
        """May go into a slot on that day: language, approved, valid, not in week, not recent."""
        return (p.language in self.ch.languages and p.approved and p.seconds > 0
                and _valid(p, day) and p.id not in self.used
                and p.id not in self.facts.recent.get(self.ch.id, set()))  # fmt: skip

    def units(self, rule: Rule, pids: list[int]) -> int:
        counted = [p for p in pids if _counts(rule, self.ch, self.progs[p])]
        if rule.count == "airings":
            return len(counted)
        if rule.count == "distinct_programmes":
            return len(set(counted))
        return sum(self.progs[p].seconds for p in counted)

    def others(self, rule: Rule) -> tuple[list[int], list[int]]:
        if rule.period == "week":
            return [], []
        items = self.facts.period_items.get(self.ch.id, [])
        key = self.facts.week.key
        return [p for wk, p in items if wk < key], [p for wk, p in items if wk > key]

    def period_units(self, rule: Rule, now: list[int]) -> int:
        """What the rule's period holds with these items in this week."""
        before, after = self.others(rule)
        if rule.count == "distinct_programmes":
            return self.units(rule, before + after + now)
        return self.units(rule, before) + self.units(rule, now) + self.units(rule, after)

    def cap(self, rule: Rule) -> int:
        """The rule's target (else its minimum) raised by the margin, in the rule's units."""
        goal = rule.target if rule.target is not None else rule.minimum
        g = goal * 60 if rule.count == "minutes" else goal
        return math.ceil(g * (100 + self.facts.target_margin_percent) / 100)

    def within_caps(self, p: ProgrammeFacts, now: list[int]) -> bool:
        """Adding p keeps every rule at or under its cap (or where standing items had it)."""
        for rule in self.rules:
            if not _counts(rule, self.ch, p):
                continue
            base = self.period_units(rule, self.standing)
            if self.period_units(rule, now + [p.id]) > max(self.cap(rule), base):
                return False
        return True


def check_plan(facts: WeekFacts, result: FactsPlan, fill: bool) -> None:
    """The properties of the module docstring, for every channel of a planned week."""
    for ch in facts.channels:
        plan = result.plans[ch.id]
        r = Reading(facts, ch, plan.placements)
        # Caps: a rule past its target plus the margin is always said, and only then.
        said = {(n.rule_id, n.phase) for n in result.excess if n.channel_id == ch.id}
        for rule in r.rules:
            base = r.period_units(rule, r.standing)
            final = r.period_units(rule, r.standing + r.added)
            over = final > max(r.cap(rule), base)
            assert over == any(rid == rule.id for rid, _ in said), (rule.id, base, final, said)
        # Over a cap while filling only when nothing within the caps fitted any more.
        excess = [pl for pl in plan.placements if pl.phase == "excess"]
        assert bool(excess) <= any(phase == "fill" for _, phase in said)
        if excess:
            kept = [pl for pl in plan.placements if pl.phase != "excess"]
            before = Reading(facts, ch, kept)
            for s in before.slots:
                for p in facts.programmes.values():
                    fits = before.usable(p, s.local_date) and p.seconds <= before.free(s)
                    assert not (fits and before.within_caps(p, before.standing + before.added)), (
                        f"{p.id} fitted slot {s.id} within the caps, yet a cap was passed"
                    )
        notes = [n for n in result.free if n.channel_id == ch.id]
        gaps = [r.free(s) for s in r.slots if r.free(s) >= 60]
        assert all(r.free(s) >= 0 for s in r.slots)
        if fill:
            # Topped up: nothing usable fits any slot's free airtime.
            for s in r.slots:
                left = [p.id for p in facts.programmes.values()
                        if r.usable(p, s.local_date) and p.seconds <= r.free(s)]  # fmt: skip
                assert not left, f"slot {s.id} has {r.free(s)} s free and {left} fit"
        # Free airtime is explained, with its true cause.
        assert len(notes) == (1 if gaps else 0)
        if gaps:
            (note,) = notes
            assert note.seconds == sum(gaps) and note.slots == len(gaps)
            assert note.largest == max(gaps)
            days = {s.local_date for s in r.slots}
            fitting = [
                p for p in facts.programmes.values()
                if p.language in ch.languages and p.approved and p.seconds > 0
                and any(_valid(p, d) for d in days) and p.seconds <= max(gaps)
            ]  # fmt: skip
            assert note.fitting == len(fitting)
            want = "rules_only" if not fill else "used" if fitting else "too_long"
            assert note.cause == want
            assert str(note.message())


@pytest.mark.parametrize("block", range(10))
def test_one_behaviour_over_random_weeks(block: int) -> None:
    seeds = range(block * WEEKS // 10, (block + 1) * WEEKS // 10)
    over = free = topped = 0
    for seed in seeds:
        for standing in (False, True):
            settings, facts = random_week(seed, standing)
            fill = seed % 5 != 0
            result = plan_facts(settings, facts, fill=fill)
            check_plan(facts, result, fill)
            over += len(result.excess)
            free += len(result.free)
            topped += standing and any(
                pl.phase == "fill" and any(s.items for s in facts.slots[1] if s.id == pl.slot_id)
                for pl in result.plans[1].placements
            )
    # The random weeks exercise every branch: caps passed, free airtime, standing slots topped up.
    assert over and free and topped
