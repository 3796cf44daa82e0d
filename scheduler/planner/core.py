"""Plan a week from facts alone: build each channel's problem, solve it, judge and explain."""

from __future__ import annotations

from dataclasses import dataclass, field

from scheduler.config import Label, Settings
from scheduler.periods import period_of_week
from scheduler.planner.explain import Shortfall, explain, funnel
from scheduler.planner.facts import (
    ProblemBuilder,
    RuleView,
    WeekFacts,
    cap_units,
    goal_units,
    units_of,
)
from scheduler.planner.notes import ExcessNote, FreeNote, rule_label
from scheduler.planner.problem import ChannelPlan, ChannelProblem
from scheduler.planner.solver import DEFAULT_BUDGET, solve_channel
from scheduler.rules import ChannelFacts, status_for

RUN_BUDGET_CHANNELS = 50  # a run may spend the search budget of this many channels in full


@dataclass(frozen=True)
class RuleStatus:
    """A rule on a channel under basis planned: the period's count and status, and this week.

    `week_met` is True when this week holds what the rule asks of it (for a weekly rule: its
    minimum; for a longer rule: the period's pace up to this week, see facts.py).
    """

    channel_id: int
    rule_id: str
    period: str
    value: float
    status: str
    week_met: bool


@dataclass
class FactsPlan:
    """The plan of every channel, the rule status before and after, and the shortfalls."""

    plans: dict[int, ChannelPlan] = field(default_factory=dict)
    problems: dict[int, ChannelProblem] = field(default_factory=dict)
    before: list[RuleStatus] = field(default_factory=list)
    after: list[RuleStatus] = field(default_factory=list)
    shortfalls: list[Shortfall] = field(default_factory=list)
    excess: list[ExcessNote] = field(default_factory=list)
    free: list[FreeNote] = field(default_factory=list)


def _status(
    facts: WeekFacts, view: RuleView, ch: ChannelFacts, added: list[int], week_met: bool
) -> RuleStatus:
    rule = view.rule
    counted = view.before + view.now + added + view.after
    units = units_of(rule, counted, facts.programmes)
    value = units / 60 if rule.count == "minutes" else float(units)
    period = _label(facts, rule.period)
    return RuleStatus(ch.id, rule.id, period, value, status_for(rule, value), week_met)


_LABELS: dict[tuple[int, str], str] = {}


def _label(facts: WeekFacts, kind: str) -> str:
    key = (facts.week.key, kind)
    got = _LABELS.get(key)
    if got is None:
        got = _LABELS[key] = period_of_week(facts.week, kind).label
    return got


def _free_by_day(problem: ChannelProblem, plan: ChannelPlan) -> dict[int, int]:
    """Largest free seconds of one slot per weekday, after the emergency items."""
    taken: dict[int, int] = {}
    for pl in plan.placements:
        if pl.phase == "emergency":
            taken[pl.slot_id] = taken.get(pl.slot_id, 0) + _seconds(problem, pl.programme_id)
    out: dict[int, int] = {}
    for s in problem.slots:
        out[s.day] = max(out.get(s.day, 0), s.free - taken.get(s.slot_id, 0))
    return out


def _seconds(problem: ChannelProblem, pid: int) -> int:
    for c in problem.emergency:
        if c.programme_id == pid:
            return c.seconds
    return 0


def _excess(facts: WeekFacts, views: list[RuleView], plan: ChannelPlan) -> list[ExcessNote]:
    """The plan's passed caps as notes, in the rules' own measure for this week."""
    out = []
    for ex in plan.excess:
        view = views[ex.need]
        rule = view.rule
        goal = goal_units(rule, view.goal())
        held = sum(view.held(facts.programmes))
        scale = 60 if rule.count == "minutes" else 1
        out.append(ExcessNote(
            plan.channel_id, rule.id, rule_label(rule), _label(facts, rule.period), rule.count,
            goal / scale, cap_units(goal, facts.target_margin_percent) / scale,
            (held + ex.added) / scale, ex.phase,
        ))  # fmt: skip
    return out


def week_status(facts: WeekFacts) -> list[RuleStatus]:
    """The rule status of the week as it stands (basis planned), without planning anything."""
    builder = ProblemBuilder(facts, fill=False)
    out = []
    for ch in facts.channels:
        for view in builder.views(ch):
            rule = view.rule
            need = view.need(rule.minimum, facts.programmes)
            out.append(_status(facts, view, ch, [], need <= 0))
    return out


def plan_facts(
    settings: Settings, facts: WeekFacts, fill: bool = True, budget: int | None = DEFAULT_BUDGET
) -> FactsPlan:
    """Plan every channel of the facts (pure: no database)."""
    builder = ProblemBuilder(facts, fill)
    out = FactsPlan()
    names = {r.id: Label(r.name_vi, r.name_en) for r in facts.rules}
    # The exact search is bounded per channel and, so that a pathological area cannot stall a
    # run, over the whole run: once spent, channels get the greedy plan (cause search_limit).
    left = None if budget is None else budget * RUN_BUDGET_CHANNELS
    for ch in facts.channels:
        views = builder.views(ch)
        problem = builder.build(ch, views)
        plan = solve_channel(problem, None if budget is None or left is None else min(budget, left))
        if left is not None:
            left = max(0, left - plan.nodes)
        out.problems[ch.id] = problem
        out.plans[ch.id] = plan
        placed = [pl.programme_id for pl in plan.placements]
        out.excess += _excess(facts, views, plan)
        if plan.free is not None:
            f = plan.free
            out.free.append(FreeNote(ch.id, f.seconds, f.slots, f.largest, f.cause, f.shortest,
                                     f.fitting, facts.no_repeat_weeks))  # fmt: skip
        for i, view in enumerate(views):
            need = problem.needs[i]
            out.before.append(_status(facts, view, ch, [], need.minimum <= 0))
            added = [p for p in placed if view.counted(p, facts.programmes, ch)]
            met_min = plan.met_minimum(problem.needs, i)
            out.after.append(_status(facts, view, ch, added, met_min))
            if met_min and plan.met_target(problem.needs, i):
                continue
            level = "minimum" if not met_min else "target"
            goal = need.minimum if not met_min else need.target
            in_week = {p for s in facts.slots.get(ch.id, []) for p in s.items}
            fun = funnel(facts, view, ch, _free_by_day(problem, plan), in_week)
            reason = plan.why_unmet.get(i) if not met_min else "target"
            others = [
                names[problem.needs[j].rule_id]
                for j in range(len(views))
                if j != i and plan.met_minimum(problem.needs, j) and problem.needs[j].minimum > 0
            ]
            cause, why = explain(settings, facts, view, ch, fun, goal, level, reason, others)
            scale = 60 if view.rule.count == "minutes" else 1
            out.shortfalls.append(
                Shortfall(ch.id, view.rule.id, level, goal / scale, plan.gained[i] / scale,
                          cause, why)
            )  # fmt: skip
    return out
