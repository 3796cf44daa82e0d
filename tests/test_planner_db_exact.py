"""plan_week on real databases against the exact solver: the loaders feed the planner right.

Random weeks are written to the database (stations, patterns, a library, pinned items, history
in the weeks around), the facts are read back independently with the ORM, plan_week plans the
week, and what it wrote is checked like tests/test_planner_exact.py checks the pure planner.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from content.models import Programme
from scheduler import schedules
from scheduler.config import PlanningSettings, Rule, Settings
from scheduler.models import ScheduledItem, Slot, WeekSchedule
from scheduler.periods import Week
from scheduler.planner import plan_week
from scheduler.planner.facts import ProgrammeFacts, SlotFacts, WeekFacts
from scheduler.rules import ChannelFacts
from tests import factories as f

pytest.importorskip("ortools.sat.python.cp_model")
from tests.test_planner_exact import verify  # noqa: E402

WEEK = Week(2026, 49)


def _random_week(session: Session, settings: Settings, seed: int) -> Settings:
    rng = random.Random(seed)
    days = WEEK.days()
    province = f.unit(session, "Tỉnh", level="province", code="91")
    progs = []
    for i in range(rng.randint(6, 12)):
        start = rng.choice(days) if rng.random() < 0.2 else None
        progs.append(f.programme(
            session, f"P{i}", tuple(rng.sample(["ntm", "ocop", "y_te"], rng.randint(1, 2))),
            rng.choice(["tin", "chuyen_muc"]), rng.choices(["vi", "hmn"], [4, 1])[0],
            rng.choice([60, 120, 180, 300, 420, 600]), approved=rng.random() < 0.9,
            priority=rng.choices(["normal", "priority", "emergency"], [16, 3, 1])[0],
            valid_from=start,
        ))  # fmt: skip
    for c in range(rng.randint(1, 2)):
        commune = f.unit(session, f"Xã {c}", parent=province, code=f"9100{c}")
        ch = f.channel(session, commune, languages=rng.choice([("vi",), ("vi", "hmn")]))
        for k in range(rng.randint(1, 2)):
            f.pattern(session, ch, "".join(sorted(rng.sample("1234567", rng.randint(1, 3)))),
                      dt.time(6 + 11 * k, 0), rng.choice([5, 10, 15]))  # fmt: skip
        for week in (WEEK.shift(-1), WEEK, WEEK.shift(1)):
            sched = schedules.materialise_week(session, settings, ch.id, week, "Lan")
            for slot in sched.slots:
                if rng.random() < (0.15 if week == WEEK else 0.5):
                    slot.items.append(ScheduledItem(programme=rng.choice(progs), position=0,
                                                    pinned=True, added_by="Lan"))  # fmt: skip
    rules = tuple(
        Rule(id=f"r{i}", name_vi=f"Quy định {i}", name_en=f"Rule {i}", source="test",
             channel_kinds=("commune_radio",), period="week", minimum=rng.randint(1, 2),
             target=rng.choice([None, 3]), topics=tuple(rng.sample(["ntm", "ocop"], 1)),
             languages=rng.choice([(), (), ("channel",)]),
             count=rng.choice(["airings", "airings", "minutes"]))
        for i in range(rng.randint(1, 3))
    )  # fmt: skip
    rules = tuple(dataclasses.replace(r, minimum=r.minimum * 4, target=None)
                  if r.count == "minutes" else r for r in rules)  # fmt: skip
    session.commit()
    return dataclasses.replace(settings, rules=rules, planning=PlanningSettings(1))


def _facts_from_orm(session: Session, settings: Settings) -> WeekFacts:
    """The planner's input, read with the ORM (independently of scheduler/planner/load.py)."""
    progs = {
        p.id: ProgrammeFacts(p.id, p.title, p.programme_type, p.language, p.duration_seconds,
                             p.priority, p.is_approved, p.valid_from, p.valid_to, tuple(p.topics))
        for p in session.scalars(select(Programme))
    }  # fmt: skip
    channels, slots, recent = [], {}, {}
    for sched in session.scalars(select(WeekSchedule).where(WeekSchedule.week_key == WEEK.key)):
        ch = sched.channel
        channels.append(
            ChannelFacts(
                ch.id,
                ch.kind,
                frozenset(ch.languages),
                frozenset({ch.unit.code, "91"}),
                ch.active_from,
                None,
            )
        )
        slots[ch.id] = [
            SlotFacts(
                s.id,
                ch.id,
                s.local_date,
                s.starts_at,
                s.duration_minutes,
                [i.programme_id for i in s.items],
            )
            for s in sched.slots
        ]
        recent[ch.id] = set(session.scalars(
            select(ScheduledItem.programme_id).join(Slot).join(WeekSchedule).where(
                WeekSchedule.channel_id == ch.id,
                WeekSchedule.week_key.in_([WEEK.shift(-1).key, WEEK.shift(1).key]))
        ))  # fmt: skip
    channels.sort(key=lambda c: c.id)
    return WeekFacts(WEEK, settings.rules, 1, channels, slots, progs, recent, {})


@pytest.mark.parametrize("seed", range(12))
def test_plan_week_on_the_database_matches_the_exact_solver(session, settings, seed):
    custom = _random_week(session, settings, seed)
    facts = _facts_from_orm(session, custom)
    before = set(session.scalars(select(ScheduledItem.id)))
    result = plan_week(session, custom, WEEK, "91", fill=bool(seed % 2))
    session.commit()
    placed: dict[int, list] = {}
    for item in session.scalars(select(ScheduledItem).order_by(ScheduledItem.id)):
        if item.id in before:
            continue
        phase = "emergency" if item.programme.priority == "emergency" else "rule"
        placed.setdefault(item.slot.channel_id, []).append(
            SimpleNamespace(slot_id=item.slot_id, programme_id=item.programme_id, phase=phase)
        )
    assert verify(seed, facts, placed, result.shortfalls, ordered=False)
