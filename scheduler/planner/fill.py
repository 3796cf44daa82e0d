"""Pack the free airtime of a channel's week once the rules are placed, and say what is left.

One behaviour for every week, new or with standing items: every slot's free airtime is topped
up, not only the slots that were empty. Programmes go in filler order (priority first, topics
interleaved, programmes some rule counts last); a rule's count may pass its target share by at
most the configured margin (`Need.cap`). When nothing within the caps fits any more, a second
pass places what still fits, fewest caps passed first, and the plan records each rule it pushed
past its cap (`Excess`). Airtime still free afterwards is explained (`FreeAirtime`).
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING

from scheduler.planner.problem import Candidate, ChannelProblem, Excess, FreeAirtime

if TYPE_CHECKING:  # the solver imports this module; only the type comes back
    from scheduler.planner.solver import _Week

FILL_LOOKAHEAD = 40  # candidates tried in filler order before the best fit by length takes over
FREE_NOTE_SECONDS = 60  # a slot with at least this much free airtime is worth a word


class _Filler:
    """Filling state of one channel: caps left per need and a skip list over the by-length list."""

    def __init__(self, problem: ChannelProblem, week: _Week, gained: list[int]) -> None:
        self.problem = problem
        self.week = week
        self.room: list[int | None] = [
            None if nd.cap is None else nd.cap - g
            for nd, g in zip(problem.needs, gained, strict=True)
        ]
        self.by_length = problem.by_length
        self.lengths = [c.seconds for c in self.by_length]
        # down[j]: the nearest index <= j not known to be unusable for good (used or over cap).
        self.down = list(range(len(self.by_length)))

    def allowed(self, c: Candidate) -> bool:
        """True when adding c keeps every rule it counts for within its cap."""
        room = self.room
        for i, g in enumerate(c.gains):
            if g:
                r = room[i]
                if r is not None and g > r:
                    return False
        return True

    def place(self, si: int, c: Candidate, phase: str) -> None:
        """Put c into slot si (no topic or load bookkeeping: the rule phase is over)."""
        week = self.week
        week.free[si] -= c.seconds
        week.used.add(c.programme_id)
        week.placed.append((si, c, phase))
        for i, g in enumerate(c.gains):
            r = self.room[i]
            if g and r is not None:
                self.room[i] = r - g

    def _find(self, j: int) -> int:
        down = self.down
        root = j
        while root >= 0 and down[root] != root:
            root = down[root]
        while j >= 0 and down[j] != j:  # path compression
            down[j], j = root, down[j]
        return root

    def longest_fit(self, room: int, day: int) -> Candidate | None:
        """The longest unused candidate within the caps that fits `room` on weekday `day`."""
        j = self._find(bisect_right(self.lengths, room) - 1)
        used = self.week.used
        while j >= 0:
            c = self.by_length[j]
            if c.programme_id in used or not self.allowed(c):
                self.down[j] = j - 1  # for good: used stays used, caps only shrink
            elif (c.days >> day) & 1:
                return c
            j = self._find(j - 1)
        return None

    def fill_slot(self, si: int, ptr: int) -> int:
        """Top up one slot: filler order first, then the best fit by length; returns ptr."""
        cands = self.problem.candidates
        n = len(cands)
        week = self.week
        day = week.slots[si].day
        used = week.used
        misses = scanned = 0
        shortest = self.lengths[0] if self.lengths else 0
        while week.free[si] >= shortest and misses < FILL_LOOKAHEAD and scanned < n:
            c = cands[ptr % n]
            ptr += 1
            scanned += 1
            if (c.seconds > week.free[si] or c.programme_id in used
                    or not (c.days >> day) & 1 or not self.allowed(c)):  # fmt: skip
                misses += 1
                continue
            self.place(si, c, "fill")
            misses = 0
        while (fit := self.longest_fit(week.free[si], day)) is not None:
            self.place(si, fit, "fill")
        return ptr

    def overflow(self, order: list[int]) -> set[int]:
        """Place what still fits although it passes a cap (fewest caps passed, then longest)."""
        week = self.week
        used = week.used
        pushed: set[int] = set()
        for si in order:
            day = week.slots[si].day
            while True:
                k = bisect_right(self.lengths, week.free[si])
                best: tuple[int, int] | None = None
                chosen = None
                for j in range(k - 1, -1, -1):
                    c = self.by_length[j]
                    if c.programme_id in used or not (c.days >> day) & 1:
                        continue
                    over = sum(
                        1 for i, g in enumerate(c.gains)
                        if g and (r := self.room[i]) is not None and g > r
                    )  # fmt: skip
                    key = (over, -c.seconds)
                    if best is None or key < best:
                        best, chosen = key, c
                    if over == 0:
                        break
                if chosen is None:
                    break
                for i, g in enumerate(chosen.gains):
                    r = self.room[i]
                    if g and r is not None and g > r:
                        pushed.add(i)
                self.place(si, chosen, "excess")
        return pushed


def fill(problem: ChannelProblem, week: _Week, gained: list[int]) -> list[Excess]:
    """Top up every slot of the week; return the rules whose caps the plan passed, and why."""
    caps = [nd.cap for nd in problem.needs]
    by_rules = {i for i, cap in enumerate(caps) if cap is not None and gained[i] > cap}
    pushed: set[int] = set()
    if problem.fill and problem.candidates:
        filler = _Filler(problem, week, gained)
        order = sorted(range(len(week.slots)), key=lambda k: week.slots[k].order)
        ptr = 0
        for si in order:
            ptr = filler.fill_slot(si, ptr)
        pushed = filler.overflow(order)
    totals = _added(problem, week)
    out = []
    for i, cap in enumerate(caps):
        if cap is not None and totals[i] > cap and (i in pushed or i in by_rules):
            out.append(Excess(i, cap, totals[i], "fill" if i in pushed else "rule"))
    return out


def _added(problem: ChannelProblem, week: _Week) -> list[int]:
    out = [0] * len(problem.needs)
    for _, c, _ in week.placed:
        for i, g in enumerate(c.gains):
            out[i] += g
    return out


def free_airtime(problem: ChannelProblem, week: _Week) -> FreeAirtime | None:
    """What airtime the plan leaves free (slots with a minute or more), and why."""
    gaps = [f for f in week.free if f >= FREE_NOTE_SECONDS]
    if not gaps:
        return None
    largest = max(gaps)
    lengths = problem.lengths
    shortest = lengths[0] if lengths else 0
    fitting = bisect_right(lengths, largest)
    if not problem.fill:
        cause = "rules_only"
    elif fitting == 0:
        cause = "too_long"
    else:
        cause = "used"
    return FreeAirtime(sum(gaps), len(gaps), largest, cause, shortest, fitting)
