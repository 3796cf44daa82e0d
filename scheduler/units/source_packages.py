"""The official lists shipped in installed packages, so a fresh install needs no file.

- 2025 structure: `vietnam-provinces` 2025.10.1 (GPL-3.0-or-later), its nested JSON data.
- legacy structure and the old->new commune mapping: `vietnamadminunits` 1.0.4 (MIT), its
  SQLite dataset and converter JSON. Both are read as data files; neither package is imported
  (vietnamadminunits would pull in geopy and shapely at import time).
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from functools import lru_cache
from pathlib import Path

from audio.messages import N_
from scheduler.units.records import UnitList, UnitRecord, UnitsError
from scheduler.units.text import english_name, fold, nfc, split_type

_TYPE_2025 = {
    "tỉnh": "Tỉnh",
    "thành phố trung ương": "Thành phố",
    "xã": "Xã",
    "phường": "Phường",
    "đặc khu": "Đặc khu",
}


def _package_dir(name: str) -> Path:
    """Folder of an installed package, found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise UnitsError(
            N_("The package %(name)s is not installed (pip install -e .)"),
            code="units.package",
            name=repr(name),
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _record(
    level: str, code: str, full: str, unit_type: str | None, parent: str | None
) -> UnitRecord:
    """A record from a full name such as "Phường Ba Đình"."""
    prefix, short = split_type(full)
    unit_type = unit_type or prefix
    full_name = nfc(full) if prefix else f"{unit_type} {short}" if unit_type else None
    return UnitRecord(level, code, short, unit_type, full_name, english_name(short), parent)


def read_2025_package() -> UnitList:
    """All 34 provinces and 3,321 communes from vietnam-provinces."""
    path = _package_dir("vietnam_provinces") / "data" / "nested-divisions.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    out = UnitList("2025", "vietnam-provinces 2025.10.1")
    for prov in data:
        pcode = f"{int(prov['code']):02d}"
        ptype = _TYPE_2025.get(prov["division_type"])
        out.records.append(_record("province", pcode, prov["name"], ptype, None))
        for ward in prov["wards"]:
            wtype = _TYPE_2025.get(ward["division_type"])
            wcode = f"{int(ward['code']):05d}"
            out.records.append(_record("commune", wcode, ward["name"], wtype, pcode))
    return out


def _legacy_db() -> sqlite3.Connection:
    """A read-only connection to vietnamadminunits' dataset."""
    path = _package_dir("vietnamadminunits") / "data" / "dataset.db"
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def read_legacy_package() -> UnitList:
    """All 63 provinces, 696 districts and 10,035 communes from vietnamadminunits."""
    out = UnitList("legacy", "vietnamadminunits 1.0.4")
    seen: set[tuple[str, str]] = set()
    con = _legacy_db()
    try:
        rows = con.execute(
            "SELECT provinceCode, province, districtCode, district, districtType,"
            " wardCode, ward, wardType FROM admin_units_legacy"
            " ORDER BY provinceCode, districtCode, wardCode"
        ).fetchall()
    finally:
        con.close()
    for pcode, pname, dcode, dname, dtype, wcode, wname, wtype in rows:
        if ("province", pcode) not in seen:
            seen.add(("province", pcode))
            out.records.append(_record("province", pcode, pname, None, None))
        if ("district", dcode) not in seen:
            seen.add(("district", dcode))
            out.records.append(_record("district", dcode, dname, dtype, pcode))
        if wcode:
            out.records.append(_record("commune", wcode, wname, wtype, dcode))
    return out


@lru_cache(maxsize=1)
def legacy_to_2025() -> dict[tuple[str, str], tuple[str, str, str | None]]:
    """The 2025 successor of each legacy unit: (level, old code) -> (province, code, name).

    Communes: the 2025 commune they were merged into (its province code, code and folded
    full name, so it can be found even where another list numbers it differently); for the
    471 communes divided among several new ones, the one vietnamadminunits marks as the
    default (main) successor. Provinces and districts: the 2025 province that took them over.
    """
    con = _legacy_db()
    try:
        new_ward = {
            (pk, wk): (pcode, code, fold(name))
            for pk, wk, pcode, code, name in con.execute(
                "SELECT provinceKey, wardKey, provinceCode, wardCode, ward FROM admin_units"
            )
        }
        new_prov = dict(con.execute("SELECT DISTINCT provinceKey, provinceCode FROM admin_units"))
        old = con.execute(
            "SELECT provinceKey, districtKey, wardKey, provinceCode, districtCode, wardCode"
            " FROM admin_units_legacy"
        ).fetchall()
    finally:
        con.close()
    path = _package_dir("vietnamadminunits") / "data" / "converter_2025.json"
    conv = json.loads(path.read_text(encoding="utf-8"))
    prov_of_old = {o: n for n, olds in conv["DICT_PROVINCE"].items() for o in olds}
    merged = {
        o: (n_prov, n_ward)
        for n_prov, wards in conv["DICT_PROVINCE_WARD_NO_DIVIDED"].items()
        for n_ward, olds in wards.items()
        for o in olds
    }
    divided = {
        o: (n_prov, next(c["newWardKey"] for c in cands if c["isDefaultNewWard"]))
        for n_prov, wards in conv["DICT_PROVINCE_WARD_DIVIDED"].items()
        for o, cands in wards.items()
    }
    out: dict[tuple[str, str], tuple[str, str, str | None]] = {}
    for pk, dk, wk, pcode, dcode, wcode in old:
        new_pcode = new_prov.get(prov_of_old.get(pk, ""))
        if new_pcode:
            out[("province", pcode)] = (new_pcode, new_pcode, None)
            out[("district", dcode)] = (new_pcode, new_pcode, None)
        if not wcode:
            continue
        key = f"{pk}_{dk}_{wk}"
        target = merged.get(key) or divided.get(key)
        if target and target in new_ward:
            out[("commune", wcode)] = new_ward[target]
    return out
