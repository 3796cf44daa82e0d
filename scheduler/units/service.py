"""Unit import operations used by the CLI and the demo: from the packages or from a file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from audio.messages import N_
from scheduler.units.importer import ImportSummary, Progress, import_units
from scheduler.units.queries import province_in_list
from scheduler.units.records import UnitList, UnitsError
from scheduler.units.source_gso import read_gso_file
from scheduler.units.source_json import read_json_file
from scheduler.units.source_packages import read_2025_package, read_legacy_package

STRUCTURE_CHOICES = ("2025", "legacy")


def package_list(structure: str = "2025") -> UnitList:
    """The whole-country list of a structure from the installed packages."""
    if structure == "2025":
        return read_2025_package()
    if structure == "legacy":
        return read_legacy_package()
    raise UnitsError(
        N_("Unknown structure %(structure)s (use 2025 or legacy)"),
        code="units.structure",
        structure=repr(structure),
    )


def read_units_file(path: Path, structure: str | None = None) -> UnitList:
    """Read a JSON list or a GSO CSV/XLSX export; the structure is detected from the content."""
    if not path.is_file():
        raise UnitsError(N_("%(file)s: file not found"), code="units.file", file=str(path))
    suffix = path.suffix.lower()
    if suffix == ".json":
        units = read_json_file(path)
    elif suffix in (".csv", ".xlsx", ".xlsm"):
        units = read_gso_file(path, structure)
    else:
        raise UnitsError(
            N_(
                "%(file)s: unknown format %(suffix)s: expected .json"
                " (vietnamese-provinces-database) or .csv/.xlsx (GSO export)"
            ),
            code="units.format",
            file=path.name,
            suffix=repr(suffix or "(no suffix)"),
        )
    if structure and units.structure != structure:
        raise UnitsError(
            N_("%(file)s: the list is of the %(detected)s structure, not %(structure)s"),
            code="units.structure",
            file=path.name,
            detected=units.structure,
            structure=structure,
        )
    return units


def import_list(
    session: Session,
    units: UnitList,
    actor: str,
    *,
    province: str | None = None,
    effective: dt.date | None = None,
    complete: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import a list, or only one province of it (by code or name)."""
    if province:
        units = units.only_province(province_in_list(units, province))
        complete = False
    return import_units(
        session, units, actor, effective=effective, complete=complete, progress=progress
    )


def import_country(
    session: Session, actor: str, structure: str = "2025", progress: Progress | None = None
) -> ImportSummary:
    """Import every unit of a structure from the packaged official list."""
    return import_list(session, package_list(structure), actor, complete=True, progress=progress)


def import_province(
    session: Session,
    province: str,
    actor: str,
    structure: str = "2025",
    progress: Progress | None = None,
) -> ImportSummary:
    """Import one province (code like "19" or name like "Thái Nguyên") from the packaged list."""
    return import_list(
        session, package_list(structure), actor, province=province, progress=progress
    )


def import_file(
    session: Session,
    path: Path,
    actor: str,
    *,
    structure: str | None = None,
    province: str | None = None,
    effective: dt.date | None = None,
    complete: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import a unit list file (JSON or GSO CSV/XLSX)."""
    units = read_units_file(path, structure)
    return import_list(
        session,
        units,
        actor,
        province=province,
        effective=effective,
        complete=complete,
        progress=progress,
    )
