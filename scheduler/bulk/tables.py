"""Read and write the bulk format: sections of flat rows, as JSON or as an XLSX workbook."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from content.export_safe import xlsx_append
from scheduler.errors import N_, Invalid

FORMAT = "loa/1"
SECTIONS: dict[str, tuple[str, ...]] = {
    "channels": (
        "code", "name", "kind", "unit_code", "unit_structure", "languages", "active_from",
        "active_to",
    ),
    "slot_patterns": (
        "channel_code", "weekdays", "start", "minutes", "valid_from", "valid_to", "name",
    ),
    "programmes": (
        "code", "title", "type", "topics", "language", "duration_seconds", "producer",
        "priority", "approved_by", "approved_at", "valid_from", "valid_to", "description",
    ),
    "schedule_items": (
        "channel_code", "week", "state", "date", "start", "position", "programme_code", "pinned",
    ),
    "airings": (
        "channel_code", "date", "start", "programme_code", "status", "duration_seconds",
        "reason_code", "reason_text", "planned", "confirmed_by",
    ),
}  # fmt: skip

Rows = dict[str, list[tuple[int, dict[str, Any]]]]


def _cell(value: Any) -> Any:
    """Normalise a cell value: empty strings to None, strip text."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def read_file(path: Path) -> Rows:
    """Read a bulk file into sections of (row number, row) pairs; row numbers as people see them."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        return _read_json(path)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    raise Invalid(
        N_("%(file)s: unknown file type '%(suffix)s' (use .json or .xlsx)"),
        code="bulk.file_type",
        file=path.name,
        suffix=suffix,
    )


def _check_columns(section: str, columns: list[str], where: str) -> None:
    unknown = [c for c in columns if c not in SECTIONS[section]]
    if unknown:
        raise Invalid(
            N_("%(file)s: section '%(section)s' has unknown columns %(unknown)s; known: %(known)s"),
            code="bulk.columns",
            file=where,
            section=section,
            unknown=", ".join(unknown),
            known=", ".join(SECTIONS[section]),
        )


def _unknown_section(file: str, section: str) -> Invalid:
    return Invalid(
        N_("%(file)s: unknown section '%(section)s' (known: %(known)s)"),
        code="bulk.section",
        file=file,
        section=section,
        known=", ".join(SECTIONS),
    )


def _read_json(path: Path) -> Rows:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Invalid(
            N_("%(file)s: not valid JSON (%(reason)s)"),
            code="bulk.json",
            file=path.name,
            reason=str(exc),
        ) from exc
    if not isinstance(data, dict):
        raise Invalid(
            N_("%(file)s: expected an object with sections"), code="bulk.json", file=path.name
        )
    if data.get("format", FORMAT) != FORMAT:
        raise Invalid(
            N_("%(file)s: the format %(format)s is not supported (use %(wanted)s)"),
            code="bulk.format",
            file=path.name,
            format=repr(data.get("format")),
            wanted=FORMAT,
        )
    out: Rows = {}
    for section, rows in data.items():
        if section == "format":
            continue
        if section not in SECTIONS:
            raise _unknown_section(path.name, section)
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise Invalid(
                N_("%(file)s: section '%(section)s' must be a list of objects"),
                code="bulk.json",
                file=path.name,
                section=section,
            )
        for row in rows:
            _check_columns(section, list(row), path.name)
        out[section] = [(i, {k: _cell(v) for k, v in r.items()}) for i, r in enumerate(rows, 1)]
    return out


def _read_xlsx(path: Path) -> Rows:
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise Invalid(
            N_("%(file)s: not a readable XLSX workbook (%(reason)s)"),
            code="bulk.xlsx",
            file=path.name,
            reason=str(exc),
        ) from exc
    out: Rows = {}
    try:
        for ws in wb.worksheets:
            if ws.title not in SECTIONS:
                raise _unknown_section(path.name, ws.title)
            rows = ws.iter_rows(values_only=True)
            header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
            header = [h for h in header if h]
            _check_columns(ws.title, header, path.name)
            parsed = []
            for number, values in enumerate(rows, 2):
                row = {h: _cell(v) for h, v in zip(header, values, strict=False)}
                if any(v is not None for v in row.values()):
                    parsed.append((number, row))
            out[ws.title] = parsed
    finally:
        wb.close()
    return out


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return value


def write_json(path: Path, sections: dict[str, list[dict[str, Any]]]) -> None:
    """Write sections as one JSON document."""
    doc: dict[str, Any] = {"format": FORMAT}
    for name, rows in sections.items():
        doc[name] = [{k: _json_value(v) for k, v in r.items()} for r in rows]
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return value


def write_xlsx(path: Path, sections: dict[str, list[dict[str, Any]]]) -> None:
    """Write sections as sheets with a bold frozen header row."""
    wb = Workbook()
    wb.remove(wb.worksheets[0])  # a new workbook starts with one empty sheet
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    for name, rows in sections.items():
        ws = wb.create_sheet(name)
        columns = SECTIONS[name]
        ws.append(list(columns))
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = head_fill
        for r in rows:
            xlsx_append(ws, [_xlsx_value(r.get(c)) for c in columns])
        ws.freeze_panes = "A2"
        for i, c in enumerate(columns, 1):
            ws.column_dimensions[get_column_letter(i)].width = max(12, len(c) + 4)
            if c in ("date", "active_from", "active_to", "valid_from", "valid_to"):
                for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                    cell.number_format = "dd/mm/yyyy"
    wb.save(path)
