"""The in-memory form of an official unit list, whatever file or package it came from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session

from audio.messages import N_, Lines, Message, message
from scheduler.errors import Invalid
from scheduler.models.units import REFORM_DATE, AdminUnit

# The lists give no start date for pre-2025 units; they are taken as valid "since records
# began" so that reports on any pre-reform period resolve them.
LEGACY_VALID_FROM = dt.date(1900, 1, 1)
STRUCTURE_START = {"legacy": LEGACY_VALID_FROM, "2025": REFORM_DATE}
STRUCTURE_END = {"legacy": REFORM_DATE, "2025": None}
CODE_WIDTH = {"province": 2, "district": 3, "commune": 5}
LEVEL_ORDER = ("province", "district", "commune")


def parent_level(structure: str, level: str) -> str | None:
    """Level of a unit's parent: communes hang under districts before 2025, provinces after."""
    if level == "province":
        return None
    if level == "commune" and structure == "2025":
        return "province"
    return LEVEL_ORDER[LEVEL_ORDER.index(level) - 1]


class UnitsError(Invalid):
    """Bad input for a unit import (unknown province, malformed file, unknown format)."""

    code = "units"


class UnitsFileError(UnitsError):
    """A file with bad rows: every problem is listed (row, column, reason)."""

    def __init__(self, source: str, problems: list[Message]) -> None:
        self.problems = problems
        shown = list(problems[:50])
        if len(problems) > 50:
            shown.append(message(N_("... and %(n)s more"), n=len(problems) - 50))
        super().__init__(
            N_("%(file)s: %(count)s problem(s), nothing was imported:%(rows)s"),
            code="units.rows",
            file=source,
            count=len(problems),
            rows=Lines(shown),
        )


@dataclass(frozen=True)
class UnitRecord:
    """One unit as a list gives it; parent_code is the code of the unit one level up."""

    level: str
    code: str
    name: str
    unit_type: str | None
    full_name: str | None
    name_en: str | None
    parent_code: str | None = None


@dataclass
class UnitList:
    """A parsed list of one structure; `provinces` says which provinces it covers completely."""

    structure: str
    source: str
    records: list[UnitRecord] = field(default_factory=list)

    def count(self, level: str) -> int:
        """How many units of a level the list holds."""
        return sum(1 for r in self.records if r.level == level)

    def province_codes(self) -> set[str]:
        """Codes of the provinces in the list."""
        return {r.code for r in self.records if r.level == "province"}

    def only_province(self, code: str) -> UnitList:
        """The part of the list under one province (the province, its districts, communes)."""
        keep = {("province", code)}
        out = []
        for level in LEVEL_ORDER:
            up = parent_level(self.structure, level)
            for r in self.records:
                if r.level != level:
                    continue
                if (r.level, r.code) in keep or (up, r.parent_code) in keep:
                    keep.add((r.level, r.code))
                    out.append(r)
        return UnitList(self.structure, self.source, out)


def pad_code(raw: object, level: str) -> str | None:
    """A GSO code with its leading zeros ("1" -> "01"); None when it is not a number."""
    if raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip()
    if not text.isdigit() or len(text) > CODE_WIDTH[level]:
        return None
    return text.zfill(CODE_WIDTH[level])


def bulk_update(session: Session, rows: list[dict[str, Any]]) -> None:
    """UPDATE admin_units by id in executemany batches (rows grouped by the columns they set)."""
    table = AdminUnit.__table__
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        cols = tuple(sorted(k for k in row if k != "id"))
        groups.setdefault(cols, []).append({f"b_{k}": v for k, v in row.items()})
    for cols, params in groups.items():
        stmt = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values({c: bindparam(f"b_{c}") for c in cols})
        )
        session.connection().execute(stmt, params)
    session.expire_all()  # loaded AdminUnit objects must not keep the old values
