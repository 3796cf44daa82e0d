"""Read a CSV or XLSX export of the GSO list (danhmuchanhchinh.gso.gov.vn), either structure."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from audio.messages import N_, Message, message
from scheduler.units.records import UnitList, UnitRecord, UnitsError, UnitsFileError, pad_code
from scheduler.units.text import english_name, fold_key, nfc, split_type

# Accepted headers (compared accent-, case- and punctuation-insensitively) -> column role.
HEADERS = {
    "province_name": ("tinh thanh pho", "tinh tp", "tinh", "ten tinh", "ten tinh thanh pho"),
    "province_code": ("ma tp", "ma tinh", "ma tinh tp", "ma tinh thanh pho"),
    "district_name": ("quan huyen", "huyen", "ten quan huyen", "ten huyen"),
    "district_code": ("ma qh", "ma huyen", "ma quan huyen"),
    "commune_name": ("phuong xa", "xa phuong", "xa", "ten xa", "ten phuong xa"),
    "commune_code": ("ma px", "ma xa", "ma phuong xa"),
    "level": ("cap",),
    "name_en": ("ten tieng anh", "tieng anh"),
}
REQUIRED = ("province_name", "province_code", "commune_name", "commune_code")
_ROLE_OF = {h: role for role, names in HEADERS.items() for h in names}


def _cell(value: Any) -> str:
    """A cell as trimmed text ('' for empty)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value))


def _rows_csv(path: Path) -> list[list[str]]:
    """All rows of a CSV file (UTF-8, with or without BOM; comma, semicolon or tab)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnitsError(
            N_("%(file)s: a CSV file must be UTF-8 text (%(reason)s)"),
            code="units.encoding",
            file=path.name,
            reason=str(exc),
        ) from exc
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [[_cell(c) for c in row] for row in csv.reader(io.StringIO(text), dialect)]


def _rows_xlsx(path: Path) -> list[list[str]]:
    """All rows of the first sheet of an XLSX file."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise UnitsError(
            N_("%(file)s: not a readable XLSX workbook (%(reason)s)"),
            code="units.xlsx",
            file=path.name,
            reason=str(exc),
        ) from exc
    try:
        sheet = book.worksheets[0]
        return [[_cell(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _header(rows: list[list[str]], source: str) -> tuple[int, dict[str, int]]:
    """Index of the header row and the column of each role."""
    for index, row in enumerate(rows[:20]):
        roles: dict[str, int] = {}
        for col, text in enumerate(row):
            role = _ROLE_OF.get(fold_key(text))
            if role and role not in roles:
                roles[role] = col
        if all(r in roles for r in REQUIRED):
            return index, roles
    raise UnitsError(
        N_(
            "%(file)s: no header row with the columns %(columns)s"
            " (and for pre-2025 lists %(legacy)s)"
        ),
        code="units.header",
        file=source,
        columns="'Tỉnh Thành Phố, Mã TP, Phường Xã, Mã PX'",
        legacy="'Quận Huyện, Mã QH'",
    )


class _Builder:
    """Turns rows into unit records, checking that each code always names the same unit."""

    def __init__(self, source: str, structure: str) -> None:
        self.out = UnitList(structure, source)
        self.problems: list[Message] = []
        self.units: dict[tuple[str, str], tuple[str, str | None]] = {}

    def add(
        self,
        row_no: int,
        level: str,
        code_raw: str,
        name_raw: str,
        parent: str | None,
        columns: tuple[str, str],
        unit_type: str | None = None,
        name_en: str | None = None,
    ) -> str | None:
        """Add a unit the first time its code appears; check consistency afterwards."""
        code = pad_code(code_raw, level)
        if code is None:
            self.problems.append(
                message(
                    N_("row %(row)s, %(column)s: invalid code %(code)s"),
                    row=row_no,
                    column=columns[0],
                    code=repr(code_raw),
                )
            )
            return None
        if not name_raw:
            self.problems.append(
                message(
                    N_("row %(row)s, %(column)s: the name is missing"),
                    row=row_no,
                    column=columns[1],
                )
            )
            return None
        key = (level, code)
        if key in self.units:
            if self.units[key] != (name_raw, parent):
                self.problems.append(
                    message(
                        N_(
                            "row %(row)s, %(column)s: code %(code)s"
                            " already names another unit (%(other)s)"
                        ),
                        row=row_no,
                        column=columns[0],
                        code=code,
                        other=self.units[key][0],
                    )
                )
                return None
            return code
        self.units[key] = (name_raw, parent)
        prefix, short = split_type(name_raw)
        full: str | None
        if unit_type and not prefix:
            full = f"{unit_type} {short}"
        else:
            unit_type = unit_type or prefix
            full = name_raw if prefix else None
        self.out.records.append(
            UnitRecord(level, code, short, unit_type, full, name_en or english_name(short), parent)
        )
        return code


def parse_gso_rows(rows: list[list[str]], source: str, structure: str | None) -> UnitList:
    """Parse GSO export rows; the structure comes from the district columns unless given."""
    start, col = _header(rows, source)
    body = [(start + 2 + i, row) for i, row in enumerate(rows[start + 1 :]) if any(row)]
    if not body:
        raise UnitsError(N_("%(file)s: there are no data rows"), code="units.empty", file=source)

    def get(row: list[str], role: str) -> str:
        index = col.get(role)
        return row[index] if index is not None and index < len(row) else ""

    has_districts = "district_code" in col and any(get(r, "district_code") for _, r in body)
    detected = "legacy" if has_districts else "2025"
    if structure and structure != detected:
        raise _wrong_structure(source, detected, structure)
    b = _Builder(source, detected)
    names = {role: rows[start][i] for role, i in col.items()}
    for row_no, row in body:
        pcode = b.add(
            row_no,
            "province",
            get(row, "province_code"),
            get(row, "province_name"),
            None,
            (names["province_code"], names["province_name"]),
        )
        if pcode is None:
            continue
        parent = pcode
        if detected == "legacy":
            dcode = b.add(
                row_no,
                "district",
                get(row, "district_code"),
                get(row, "district_name"),
                pcode,
                (names.get("district_code", "Mã QH"), names.get("district_name", "Quận Huyện")),
            )
            if dcode is None:
                continue
            parent = dcode
        if not get(row, "commune_code") and not get(row, "commune_name") and detected == "legacy":
            continue  # a district without communes (island districts)
        b.add(
            row_no,
            "commune",
            get(row, "commune_code"),
            get(row, "commune_name"),
            parent,
            (names["commune_code"], names["commune_name"]),
            unit_type=get(row, "level") or None,
            name_en=get(row, "name_en") or None,
        )
    if b.problems:
        raise UnitsFileError(source, b.problems)
    return b.out


def _wrong_structure(source: str, detected: str, structure: str) -> UnitsError:
    return UnitsError(
        N_("%(file)s: the list is of the %(detected)s structure, not %(structure)s"),
        code="units.structure",
        file=source,
        detected=detected,
        structure=structure,
    )


def read_gso_file(path: Path, structure: str | None = None) -> UnitList:
    """Read a GSO CSV or XLSX export."""
    suffix = path.suffix.lower()
    rows: Iterable[list[str]]
    if suffix == ".csv":
        rows = _rows_csv(path)
    elif suffix in (".xlsx", ".xlsm"):
        rows = _rows_xlsx(path)
    else:
        raise UnitsError(
            N_("%(file)s: unsupported format %(suffix)s"),
            code="units.format",
            file=path.name,
            suffix=repr(suffix),
        )
    return parse_gso_rows(list(rows), path.name, structure)
