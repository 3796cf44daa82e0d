"""Fill one channel's week: emergency first, then every rule's need, then the free airtime.

The rule phase is a greedy pass; when it misses a need, an exact depth-first search (with a node
budget) settles it: needs impossible even alone are set aside, the others are met together when
possible, otherwise a maximal set of them (in rule order) is met, and targets are raised where
they fit. Everything is deterministic: ties break on rank, length and programme id.
"""

from __future__ import annotations

from collections.abc import Sequence

from scheduler.planner.fill import fill, free_airtime
from scheduler.planner.problem import Candidate, ChannelPlan, ChannelProblem, Placement

DEFAULT_BUDGET = 3000  # search nodes per channel, over all questions asked of the exact search


class _OutOfBudget(Exception):
    """The exact search used up its node budget."""


class _Week:
    """Mutable free airtime and placements of one channel while it is being planned."""

    def __init__(self, problem: ChannelProblem) -> None:
        self.slots = problem.slots
        self.free = [s.free for s in problem.slots]
        self.used: set[int] = set()
        self.placed: list[tuple[int, Candidate, str]] = []
        self.day_load = [0] * 7
        self.day_topic: dict[tuple[int, str], int] = {}

    def fits(self, si: int, c: Candidate) -> bool:
        """True when c may go into slot si now."""
        return self.free[si] >= c.seconds and (c.days >> self.slots[si].day) & 1 == 1

    def best_slot(self, c: Candidate) -> int | None:
        """The slot that spreads topics and load best among those c fits into."""
        best: tuple[int, int, int, int] | None = None
        chosen = None
        for si, s in enumerate(self.slots):
            if not self.fits(si, c):
                continue
            key = (self.day_topic.get((s.day, c.topic), 0), self.day_load[s.day], -self.free[si],
                   s.order)  # fmt: skip
            if best is None or key < best:
                best, chosen = key, si
        return chosen

    def place(self, si: int, c: Candidate, phase: str) -> None:
        """Put c into slot si."""
        day = self.slots[si].day
        self.free[si] -= c.seconds
        self.used.add(c.programme_id)
        self.placed.append((si, c, phase))
        self.day_load[day] += 1
        self.day_topic[(day, c.topic)] = self.day_topic.get((day, c.topic), 0) + 1

    def undo(self) -> None:
        """Take back the last placement."""
        si, c, _ = self.placed.pop()
        day = self.slots[si].day
        self.free[si] += c.seconds
        self.used.discard(c.programme_id)
        self.day_load[day] -= 1
        self.day_topic[(day, c.topic)] -= 1

    def rewind(self, length: int) -> None:
        """Undo placements until only `length` remain."""
        while len(self.placed) > length:
            self.undo()


def _order_key(c: Candidate, rem: Sequence[int]) -> tuple[int, float, int, int]:
    """Priority first, then the share of open needs covered, then shorter, then id."""
    gain = 0.0
    for j, g in enumerate(c.gains):
        if g and rem[j] > 0:
            gain += min(g, rem[j]) / rem[j]
    return (c.rank, -gain, c.seconds, c.programme_id)


class _Solver:
    """The rule phase for one channel."""

    def __init__(self, problem: ChannelProblem, budget: int | None) -> None:
        self.problem = problem
        self.week = _Week(problem)
        self.budget = budget
        self.n = len(problem.needs)
        self.by_need = [[c for c in problem.candidates if c.gains[i] > 0] for i in range(self.n)]
        self.forbidden: set[int] = set()
        self.nodes = 0

    # -- greedy -----------------------------------------------------------------------------

    def greedy(self, goal: Sequence[int]) -> list[int]:
        """Place programmes for the goal; return what is still missing per need."""
        rem = [g - a for g, a in zip(goal, self.gained(), strict=True)]
        stuck: set[int] = set()
        week = self.week
        while True:
            unmet = [i for i in range(self.n) if rem[i] > 0 and i not in stuck]
            if not unmet:
                return rem
            i = min(unmet, key=lambda k: (len(self.by_need[k]), k))
            best: tuple[tuple[int, float, int, int], Candidate, int] | None = None
            for c in self.by_need[i]:
                if c.programme_id in week.used:
                    continue
                key = _order_key(c, rem)
                if best is not None and key >= best[0]:
                    continue
                si = week.best_slot(c)
                if si is not None:
                    best = (key, c, si)
            if best is None:
                stuck.add(i)
                continue
            _, c, si = best
            week.place(si, c, "rule")
            for j, g in enumerate(c.gains):
                rem[j] -= g

    def gained(self) -> list[int]:
        """Measure units added so far, per need."""
        out = [0] * self.n
        for _, c, _ in self.week.placed:
            for j, g in enumerate(c.gains):
                out[j] += g
        return out

    # -- exact search ------------------------------------------------------------------------

    def search(self, goal: Sequence[int]) -> bool | None:
        """Extend the current placements to reach goal: True (placed), False (impossible), None."""
        rem = [g - a for g, a in zip(goal, self.gained(), strict=True)]
        if self.budget is not None and self.nodes >= self.budget:
            return None  # the channel's search budget is spent
        self.forbidden = set()
        mark = len(self.week.placed)
        try:
            found = self._dfs(rem)
        except _OutOfBudget:
            self.week.rewind(mark)
            return None
        if not found:
            self.week.rewind(mark)
        return found

    def _available(self, i: int, by_day: dict[int, int], room: dict[int, int]) -> list[Candidate]:
        """Candidates for need i not used or excluded that fit some slot on a valid day.

        `by_day` is the largest free time per weekday; `room` caches, per day mask, the largest
        free time over the days of the mask.
        """
        used, forbidden = self.week.used, self.forbidden
        out = []
        for c in self.by_need[i]:
            if c.programme_id in used or c.programme_id in forbidden:
                continue
            most = room.get(c.days)
            if most is None:
                most = room[c.days] = max(
                    (f for d, f in by_day.items() if (c.days >> d) & 1), default=0
                )
            if c.seconds <= most:
                out.append(c)
        return out

    def _dfs(self, rem: list[int]) -> bool:  # noqa: C901 - branch and bound, prunings inline
        self.nodes += 1
        if self.budget is not None and self.nodes > self.budget:
            raise _OutOfBudget
        unmet = [i for i in range(self.n) if rem[i] > 0]
        if not unmet:
            return True
        week = self.week
        by_day: dict[int, int] = {}
        for si, s in enumerate(week.slots):
            if week.free[si] > by_day.get(s.day, -1):
                by_day[s.day] = week.free[si]
        room: dict[int, int] = {}
        total_free = sum(week.free)
        branch: tuple[int, list[Candidate]] | None = None
        bounds: list[tuple[float, set[int]]] = []
        for i in unmet:
            avail = self._available(i, by_day, room)
            if sum(c.gains[i] for c in avail) < rem[i]:
                return False
            least = _least_seconds(avail, i, rem[i])
            if least > total_free:
                return False
            if len(unmet) > 1:
                bounds.append((least, {c.programme_id for c in avail}))
            if branch is None or len(avail) < len(branch[1]):
                branch = (i, avail)
        # Needs that share no candidate cannot share airtime either.
        taken: set[int] = set()
        least_sum = 0.0
        for least, ids in sorted(bounds, key=lambda b: -b[0]):
            if not ids & taken:
                taken |= ids
                least_sum += least
        if least_sum > total_free:
            return False
        assert branch is not None
        tried: list[int] = []
        try:
            for c in sorted(branch[1], key=lambda c: _order_key(c, rem)):
                seen: set[tuple[int, int]] = set()
                for si, s in enumerate(week.slots):
                    if not week.fits(si, c) or (s.day, week.free[si]) in seen:
                        continue
                    seen.add((s.day, week.free[si]))
                    week.place(si, c, "rule")
                    if self._dfs([r - g for r, g in zip(rem, c.gains, strict=True)]):
                        return True
                    week.undo()
                self.forbidden.add(c.programme_id)
                tried.append(c.programme_id)
            return False
        finally:
            self.forbidden.difference_update(tried)

    # -- the rule phase ----------------------------------------------------------------------

    def run(self) -> dict[int, str]:  # noqa: C901 - greedy, exact search, then the why
        """Meet the needs as well as possible; return why each unmet need was left."""
        needs = self.problem.needs
        mins = [nd.minimum for nd in needs]
        targets = [nd.target for nd in needs]
        base = len(self.week.placed)
        rem = self.greedy(targets)
        if all(r <= 0 for r in rem):
            return {}
        self.week.rewind(base)
        why: dict[int, str] = {}
        alone: list[int] = []
        for i in range(self.n):
            if mins[i] <= 0:
                alone.append(i)
                continue
            ok = self.search([mins[i] if j == i else 0 for j in range(self.n)])
            self.week.rewind(base)
            if ok:
                alone.append(i)
            else:
                why[i] = "alone" if ok is False else "search_limit"
        best: list[tuple[int, Candidate, str]] = []  # placements of the last level reached

        def attempt(goal: list[int]) -> bool | None:
            nonlocal best
            ok = self.search(goal)
            if ok:
                best = self.week.placed[base:]
            self.week.rewind(base)
            return ok

        level = [mins[i] if i in alone else 0 for i in range(self.n)]
        if attempt(level) is not True:
            level = [0] * self.n
            for i in alone:
                trial = list(level)
                trial[i] = mins[i]
                ok = attempt(trial)
                if ok:
                    level = trial
                else:
                    why[i] = "joint" if ok is False else "search_limit"
        for i in range(self.n):
            if level[i] and targets[i] > level[i]:
                trial = list(level)
                trial[i] = targets[i]
                if attempt(trial):
                    level = trial
        for si, c, phase in best:
            self.week.place(si, c, phase)
        self.greedy(targets)  # top up what is left (partial progress on unmet needs)
        return why


def _least_seconds(avail: list[Candidate], i: int, need: int) -> float:
    """A lower bound on the seconds needed to add `need` units to need i (fractional)."""
    total = 0.0
    for c in sorted(avail, key=lambda c: c.seconds / c.gains[i]):
        if need <= 0:
            break
        take = min(c.gains[i], need)
        total += c.seconds * take / c.gains[i]
        need -= take
    return total


def _emergency(problem: ChannelProblem, week: _Week) -> None:
    """Emergency programmes go first, into the earliest slot each fits."""
    for c in sorted(problem.emergency, key=lambda c: c.programme_id):
        if c.programme_id in week.used:
            continue
        for si in sorted(range(len(week.slots)), key=lambda k: week.slots[k].order):
            if week.fits(si, c):
                week.place(si, c, "emergency")
                break


def solve_channel(problem: ChannelProblem, budget: int | None = DEFAULT_BUDGET) -> ChannelPlan:
    """Plan one channel's week (pure: no database)."""
    solver = _Solver(problem, budget)
    _emergency(problem, solver.week)
    why = solver.run() if problem.needs else {}
    excess = fill(problem, solver.week, solver.gained())
    placements = [
        Placement(problem.slots[si].slot_id, c.programme_id, phase)
        for si, c, phase in solver.week.placed
    ]
    # Filler placements may count too (within the caps, or past them when nothing else fits).
    plan = ChannelPlan(problem.channel_id, placements, solver.gained(), nodes=solver.nodes,
                       excess=excess, free=free_airtime(problem, solver.week))  # fmt: skip
    for i in range(len(problem.needs)):
        if not plan.met_minimum(problem.needs, i):
            plan.why_unmet[i] = why.get(i, "search_limit")
    return plan
