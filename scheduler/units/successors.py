"""Successor links from the pre-2025 units to the 2025 ones, and resolving a unit on a date."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from scheduler.models.units import AdminUnit
from scheduler.units.records import UnitsError, bulk_update

# Level of the successor of each legacy level (districts were abolished: their province).
SUCCESSOR_LEVEL = {"province": "province", "district": "province", "commune": "commune"}


def _mapping() -> dict[tuple[str, str], tuple[str, str, str | None]]:
    """The packaged old->new mapping; empty when the package is missing."""
    from scheduler.units.source_packages import legacy_to_2025

    try:
        return legacy_to_2025()
    except (UnitsError, OSError):
        return {}


def link_successors(session: Session) -> int:
    """Set successor_id of legacy units to their 2025 successor; returns how many changed.

    Uses the merge mapping of vietnamadminunits: the new commune is found by province and
    name (lists disagree on some 2025 codes), else by its code. A legacy commune the mapping
    cannot place falls back to the 2025 commune reusing its code (that new commune always
    took in at least part of the old one; see docs/units.md).
    """
    parent = aliased(AdminUnit)
    stmt_new = (
        select(
            AdminUnit.id,
            AdminUnit.level,
            AdminUnit.code,
            AdminUnit.search_name,
            parent.code,
            AdminUnit.valid_to,
        )
        .outerjoin(parent, AdminUnit.parent_id == parent.id)
        .where(AdminUnit.structure == "2025")
    )
    by_code: dict[tuple[str, str], int] = {}
    by_name: dict[tuple[str, str], list[int]] = {}
    for uid, level, code, search_name, pcode, valid_to in session.execute(stmt_new):
        by_code[(level, code)] = uid
        if level == "commune" and pcode and valid_to is None:
            by_name.setdefault((pcode, search_name), []).append(uid)
    if not by_code:
        return 0
    mapping = _mapping()
    updates = []
    stmt = select(AdminUnit.id, AdminUnit.level, AdminUnit.code, AdminUnit.successor_id).where(
        AdminUnit.structure == "legacy"
    )
    for uid, level, code, current in session.execute(stmt):
        target_level = SUCCESSOR_LEVEL.get(level)
        if target_level is None:
            continue
        target = None
        if (level, code) in mapping:
            new_pcode, new_code, new_name = mapping[(level, code)]
            named = by_name.get((new_pcode, new_name or ""), [])
            target = named[0] if len(named) == 1 else by_code.get((target_level, new_code))
        if target is None and level == "commune":
            target = by_code.get(("commune", code))
        if target is not None and target != current:
            updates.append({"id": uid, "successor_id": target})
    if updates:
        bulk_update(session, updates)
    return len(updates)


def unit_on(unit: AdminUnit, day: dt.date) -> AdminUnit | None:
    """The unit valid on `day` standing for `unit`: itself, or its successor chain.

    Returns None when the day is before the unit began (a merge has several predecessors,
    so there is no single answer going back) or the chain ends before the day.
    """
    seen: set[int] = set()
    cur: AdminUnit | None = unit
    while cur is not None and cur.id not in seen:
        if cur.valid_on(day):
            return cur
        if cur.valid_to is None or day < cur.valid_to:
            return None
        seen.add(cur.id)
        cur = cur.successor
    return None


def predecessors(session: Session, unit: AdminUnit) -> list[AdminUnit]:
    """Units whose successor is `unit` (the old communes merged into a new one)."""
    stmt = select(AdminUnit).where(AdminUnit.successor_id == unit.id).order_by(AdminUnit.code)
    return list(session.scalars(stmt))
