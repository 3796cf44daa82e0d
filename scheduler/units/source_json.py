"""Read the JSON unit lists of vietnamese-provinces-database (pre-2025 three tiers, 2025 two)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from audio.messages import N_, Message, message
from scheduler.units.records import UnitList, UnitRecord, UnitsError, UnitsFileError, pad_code
from scheduler.units.text import english_name, nfc, split_type, tidy_full_name


def detect_json_structure(data: Any) -> str | None:
    """'legacy' for the three-tier list (District/Ward), '2025' for the two-tier one (Wards)."""
    if not isinstance(data, list) or not data or not isinstance(data[0], dict):
        return None
    first = data[0]
    if "District" in first:
        return "legacy"
    if "Wards" in first:
        return "2025"
    return None


class _Reader:
    """Collects records and every problem of one JSON list."""

    def __init__(self, source: str, structure: str) -> None:
        self.out = UnitList(structure, source)
        self.problems: list[Message] = []
        self.seen: set[tuple[str, str]] = set()

    def unit(self, item: Any, where: str, level: str, parent: str | None) -> str | None:
        """Add one unit; return its code, or None (and a problem) when it is unusable."""
        if not isinstance(item, dict):
            self.problems.append(message(N_("%(where)s: not an object"), where=where))
            return None
        code = pad_code(item.get("Code"), level)
        name = item.get("Name")
        if code is None:
            self.problems.append(
                message(
                    N_("%(where)s: the Code %(code)s is invalid"),
                    where=where,
                    code=repr(item.get("Code")),
                )
            )
            return None
        if not isinstance(name, str) or not name.strip():
            self.problems.append(
                message(N_("%(where)s (%(code)s): the Name is missing"), where=where, code=code)
            )
            return None
        if (level, code) in self.seen:
            self.problems.append(
                message(N_("%(where)s: the code %(code)s is used twice"), where=where, code=code)
            )
            return None
        self.seen.add((level, code))
        full = item.get("FullName") if isinstance(item.get("FullName"), str) else None
        full = tidy_full_name(full) if full else None
        unit_type = item.get("AdministrativeUnitShortName")
        if not isinstance(unit_type, str) or not unit_type.strip():
            unit_type = split_type(full)[0] if full else None
        name_en = item.get("NameEn") if isinstance(item.get("NameEn"), str) else None
        self.out.records.append(
            UnitRecord(
                level=level,
                code=code,
                name=nfc(name),
                unit_type=nfc(unit_type) if unit_type else None,
                full_name=full,
                name_en=nfc(name_en) if name_en else english_name(nfc(name)),
                parent_code=parent,
            )
        )
        return code

    def children(self, item: dict[str, Any], key: str, where: str) -> list[Any]:
        """A child list; null counts as empty (5 island districts have "Ward": null)."""
        value = item.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problems.append(message(N_("%(where)s: not a list"), where=f"{where}.{key}"))
            return []
        return value


def parse_json_units(data: Any, source: str) -> UnitList:
    """Turn a decoded JSON list into a UnitList; every bad record is reported at once."""
    structure = detect_json_structure(data)
    if structure is None:
        raise UnitsError(
            N_(
                "%(file)s: unknown format (expected a list of provinces"
                " with 'District' (pre-2025) or 'Wards' (2025) lists)"
            ),
            code="units.format",
            file=source,
        )
    reader = _Reader(source, structure)
    for i, prov in enumerate(data):
        where = f"[{i}]"
        pcode = reader.unit(prov, where, "province", None)
        if pcode is None:
            continue
        if structure == "2025":
            for j, ward in enumerate(reader.children(prov, "Wards", where)):
                reader.unit(ward, f"{where}.Wards[{j}]", "commune", pcode)
            continue
        for j, dist in enumerate(reader.children(prov, "District", where)):
            dwhere = f"{where}.District[{j}]"
            dcode = reader.unit(dist, dwhere, "district", pcode)
            if dcode is None:
                continue
            for k, ward in enumerate(reader.children(dist, "Ward", dwhere)):
                reader.unit(ward, f"{dwhere}.Ward[{k}]", "commune", dcode)
    if reader.problems:
        raise UnitsFileError(source, reader.problems)
    return reader.out


def read_json_file(path: Path) -> UnitList:
    """Load and parse a JSON unit list; malformed JSON is a clear error."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise UnitsError(
            N_("%(file)s: not UTF-8 text (%(reason)s)"),
            code="units.encoding",
            file=path.name,
            reason=str(exc),
        ) from exc
    except json.JSONDecodeError as exc:
        raise UnitsError(
            N_("%(file)s: malformed JSON at line %(line)s column %(column)s: %(reason)s"),
            code="units.json",
            file=path.name,
            line=exc.lineno,
            column=exc.colno,
            reason=exc.msg,
        ) from exc
    return parse_json_units(data, path.name)
