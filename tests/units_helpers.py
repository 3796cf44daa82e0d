"""Helpers shared by the unit-import tests: testdata paths and a database per backend."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scheduler.models.units import AdminUnit

LEGACY = "admin-units/pre2025-v2.4.1/simplified_json_generated_data_vn_units.json"
V2025 = "admin-units/post2025-v3.0.2/full_json_generated_data_vn_units.json"


def v2026(testdata: Path) -> Path:
    """The 2026 update (file name carries its export time)."""
    return next((testdata / "admin-units" / "latest-v4.2.0").glob("*.json"))


def count(session: Session, structure: str, level: str, *conds: object) -> int:
    """How many units of a structure and level (optionally filtered) are stored."""
    stmt = select(func.count()).where(
        AdminUnit.structure == structure, AdminUnit.level == level, *conds
    )
    return session.scalar(stmt) or 0


def unit(session: Session, structure: str, level: str, code: str) -> AdminUnit:
    """One stored unit."""
    stmt = select(AdminUnit).where(
        AdminUnit.structure == structure, AdminUnit.level == level, AdminUnit.code == code
    )
    return session.scalars(stmt).one()
