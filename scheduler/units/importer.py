"""Apply an official unit list to the database: insert new units, update in place, close gone.

Bulk statements only (one INSERT per level, one UPDATE batch), so a whole country of ~14,000
units imports in seconds. The caller owns the transaction: on any error nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from audio.messages import N_, Message, message
from content.audit import record as audit
from scheduler.models.units import REFORM_DATE, AdminUnit
from scheduler.units.records import (
    LEVEL_ORDER,
    STRUCTURE_END,
    STRUCTURE_START,
    UnitList,
    UnitsError,
    bulk_update,
    parent_level,
)
from scheduler.units.successors import link_successors
from scheduler.units.text import fold

Progress = Callable[[Message], None]
LEVEL_COUNTS = {
    "province": N_("%(n)s provinces"),
    "district": N_("%(n)s districts"),
    "commune": N_("%(n)s communes"),
    "village": N_("%(n)s villages"),
}
_FIELDS = ("name", "unit_type", "full_name", "name_en", "search_name", "parent_id")


@dataclass
class ImportSummary:
    """What an import did; `line()` is the sentence the CLI prints."""

    structure: str
    source: str
    scope: str
    listed: dict[str, int] = field(default_factory=dict)
    new: int = 0
    changed: int = 0
    closed: int = 0
    unchanged: int = 0
    linked: int = 0
    effective: str | None = None

    def line(self) -> Message:
        """One line: counts by level, then new / changed / closed."""
        levels = [message(LEVEL_COUNTS[lvl], n=n) for lvl, n in self.listed.items() if n]
        return message(
            N_(
                "%(structure)s [%(scope)s] %(levels)s: %(new)s new, %(changed)s changed,"
                " %(closed)s closed (%(linked)s successor links set)"
            ),
            structure=self.structure,
            scope=self.scope,
            levels=levels,
            new=self.new,
            changed=self.changed,
            closed=self.closed,
            linked=self.linked,
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form (for --format json and the audit log)."""
        return asdict(self)


def _check_effective(structure: str, effective: dt.date | None) -> None:
    """An effective date must fall inside the structure's own period."""
    if effective is None:
        return
    if structure == "2025" and effective <= REFORM_DATE:
        raise UnitsError(
            N_("The effective date %(day)s must be after 01/07/2025 for the 2025 structure"),
            code="units.effective",
            day=f"{effective:%d/%m/%Y}",
        )
    if structure == "legacy" and not (STRUCTURE_START["legacy"] < effective < REFORM_DATE):
        raise UnitsError(
            N_("The effective date %(day)s must be before 01/07/2025 for the legacy structure"),
            code="units.effective",
            day=f"{effective:%d/%m/%Y}",
        )


def _change_date(structure: str, effective: dt.date | None, what: str) -> dt.date:
    """The date a change takes effect: given, or today for the 2025 structure."""
    if effective is not None:
        return effective
    if structure == "legacy":
        raise UnitsError(
            N_("%(what)s: give --effective DATE (before 2025-07-01) to change the legacy list"),
            code="units.effective",
            what=what,
        )
    return dt.date.today()


class _Importer:
    """State of one import: existing rows of the structure and the counters."""

    def __init__(self, session: Session, units: UnitList, effective: dt.date | None) -> None:
        self.session = session
        self.units = units
        self.effective = effective
        self.structure = units.structure
        self.end = STRUCTURE_END[units.structure]
        cols = [getattr(AdminUnit, c) for c in ("id", "level", "code", "valid_from", "valid_to")]
        stmt = select(*cols, *(getattr(AdminUnit, f) for f in _FIELDS)).where(
            AdminUnit.structure == self.structure
        )
        self.rows = {(r.level, r.code): r for r in session.execute(stmt)}
        self.ids = {key: r.id for key, r in self.rows.items()}
        self.province_of = self._province_of_existing()
        self.known_provinces = {c for (lvl, c) in self.rows if lvl == "province"}
        self.added: dict[tuple[str, int | None, str], list[int]] = {}

    def _province_of_existing(self) -> dict[tuple[str, str], str]:
        """Province code of every existing unit of the structure (for scoping closures)."""
        by_id = {r.id: r for r in self.rows.values()}
        out: dict[tuple[str, str], str] = {}
        for key, row in self.rows.items():
            cur = row
            while cur.parent_id is not None and cur.parent_id in by_id:
                cur = by_id[cur.parent_id]
            out[key] = cur.code
        return out

    def apply_level(self, level: str, province_of: dict[str, str], s: ImportSummary) -> None:
        """Insert and update the units of one level; parents are already in place."""
        up = parent_level(self.structure, level)
        new_rows: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for r in self.units.records:
            if r.level != level:
                continue
            values = {
                "name": r.name,
                "unit_type": r.unit_type,
                "full_name": r.full_name,
                "name_en": r.name_en,
                "search_name": fold(r.full_name or r.name),
                "parent_id": self.ids[(up, r.parent_code)] if r.parent_code else None,
            }
            row = self.rows.get((level, r.code))
            if row is None:
                if province_of[r.code] in self.known_provinces:
                    start = _change_date(self.structure, self.effective, f"new unit {r.code}")
                else:
                    start = STRUCTURE_START[self.structure]
                new_rows.append(
                    {
                        "structure": self.structure,
                        "level": level,
                        "code": r.code,
                        "valid_from": start,
                        "valid_to": self.end,
                        **values,
                    }
                )
                continue
            diff = {k: v for k, v in values.items() if getattr(row, k) != v}
            if row.valid_to != self.end:
                diff["valid_to"] = self.end  # listed again: reopen
            if diff:
                updates.append({"id": row.id, **diff})
            else:
                s.unchanged += 1
        if new_rows:
            self.session.execute(insert(AdminUnit.__table__), new_rows)
            stmt = select(AdminUnit.code, AdminUnit.id).where(
                AdminUnit.structure == self.structure, AdminUnit.level == level
            )
            self.ids.update({(level, code): i for code, i in self.session.execute(stmt)})
            for new in new_rows:
                key = (level, new["parent_id"], new["search_name"])
                self.added.setdefault(key, []).append(self.ids[(level, new["code"])])
        if updates:
            bulk_update(self.session, updates)
        s.new += len(new_rows)
        s.changed += len(updates)

    def close_missing(self, scope: set[str] | None, s: ImportSummary) -> None:
        """Close units of the scope that the list no longer has (children before parents)."""
        listed = {(r.level, r.code) for r in self.units.records}
        gone = [
            (key, row)
            for key, row in self.rows.items()
            if key not in listed and (scope is None or self.province_of[key] in scope)
        ]
        if not gone:
            return
        day = _change_date(self.structure, self.effective, f"{len(gone)} unit(s) not in the list")
        closes = []
        for key, row in gone:
            if row.valid_to is not None and row.valid_to <= day:
                continue  # already closed
            if day <= row.valid_from:
                raise UnitsError(
                    N_("%(unit)s: the closing date %(day)s is not after its start %(start)s"),
                    code="units.closing",
                    unit=f"{key[0]} {key[1]}",
                    day=f"{day:%d/%m/%Y}",
                    start=f"{row.valid_from:%d/%m/%Y}",
                )
            close: dict[str, Any] = {"id": row.id, "valid_to": day}
            same = self.added.get((key[0], row.parent_id, row.search_name), [])
            if len(same) == 1:
                close["successor_id"] = same[0]  # renumbered: same name, same parent
            closes.append(close)
        if closes:
            bulk_update(self.session, closes)
        s.closed += len(closes)


def import_units(
    session: Session,
    units: UnitList,
    actor: str,
    *,
    effective: dt.date | None = None,
    complete: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """Bring the database in line with a list; a second run of the same list changes nothing.

    Units are matched by (structure, level, code). Changed names/types are updated in place
    (valid_from stays); units missing from the list are closed at `effective` (default today,
    required for the legacy list) within the provinces the list covers, or within the whole
    structure when `complete`.
    """
    say = progress or (lambda _msg: None)
    _check_effective(units.structure, effective)
    listed = {lvl: units.count(lvl) for lvl in LEVEL_ORDER}
    scope_codes = units.province_codes()
    scope = (
        "whole country"
        if complete
        else (
            f"province {', '.join(sorted(scope_codes))}"
            if len(scope_codes) <= 3
            else f"{len(scope_codes)} provinces"
        )
    )
    summary = ImportSummary(
        units.structure,
        units.source,
        scope,
        listed,
        effective=effective.isoformat() if effective else None,
    )
    imp = _Importer(session, units, effective)
    province_of = _province_codes(units)
    for level in LEVEL_ORDER:
        if listed[level]:
            say(message(N_("%(count)s …"), count=message(LEVEL_COUNTS[level], n=listed[level])))
            imp.apply_level(level, province_of, summary)
    imp.close_missing(None if complete else scope_codes, summary)
    session.flush()
    say(message(N_("successor links …")))
    summary.linked = link_successors(session)
    audit(session, actor, "units.import", "admin_units", None, after=summary.as_dict())
    session.flush()
    return summary


def _province_codes(units: UnitList) -> dict[str, str]:
    """Province code of every code in the list (codes are unique within a level)."""
    out: dict[str, str] = {}
    parent: dict[str, str | None] = {}
    for r in units.records:
        parent[r.code] = r.parent_code
    for r in units.records:
        cur = r.code
        while up := parent.get(cur):
            cur = up
        out[r.code] = cur
    return out
