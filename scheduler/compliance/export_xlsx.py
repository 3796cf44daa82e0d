"""XLSX exports: the periodic report (one sheet per part) and a compliance result (per rule).

Written in the reader's language (headers, sheet names, statuses, periods in words, rule
names); numbers stay numbers with Excel formats, so the office can sum and sort them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from audio.messages import N_
from content.export_safe import xlsx_append
from scheduler.compliance.labels import (
    BASIS,
    COUNT,
    PERIOD_KIND,
    Reader,
    capital,
    period_name,
    rule_name,
    rule_period_name,
    status_name,
    vocab,
)
from scheduler.compliance.model import ComplianceResult
from scheduler.compliance.reports import Report
from scheduler.config import Settings

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_FONT = Font(bold=True)
THIN = Side(style="thin", color="999999")
INT, DEC, PCT, DATE = "#,##0", "#,##0.0", "0.0%", "DD/MM/YYYY"

Column = tuple[str, int, str | None]  # header, width, number format
_SHEET_UNSAFE = re.compile(r"[\\/*?:\[\]]")  # characters Excel refuses in a sheet name


def add_sheet(
    wb: Workbook, title: str, columns: Sequence[Column], rows: Sequence[Sequence[Any]]
) -> Worksheet:
    """A sheet with a bold, filled, frozen header row, formats, widths and a filter."""
    ws: Worksheet = wb.create_sheet(_SHEET_UNSAFE.sub("-", title)[:31].strip())
    ws.append([c[0] for c in columns])
    for i, (_, width, _fmt) in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = Border(bottom=THIN)
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.row_dimensions[1].height = 32
    for row in rows:
        xlsx_append(ws, row)
    for i, (_, _w, fmt) in enumerate(columns, start=1):
        if fmt is None:
            continue
        for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
            cell.number_format = fmt
    ws.freeze_panes = "A2"
    _fit(ws)
    ws.print_title_rows = "1:1"
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    return ws


def _fit(ws: Worksheet) -> None:
    """Print landscape, all columns on one page width."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _info(wb: Workbook, report: Report, t: Reader) -> Worksheet:
    """The report's facts: title, area, period in words, counted days, deadline, when built."""
    info: Worksheet = wb.create_sheet(t(N_("Report"))[:31])
    title = t(N_("Broadcast coverage compliance, %(period)s"), period=period_name(report.period, t))
    xlsx_append(info, [t(N_("Report")), title])
    xlsx_append(info, [t(N_("Area")), report.unit_name])
    xlsx_append(info, [t(N_("Reporting period")), capital(period_name(report.period, t))])
    xlsx_append(info, [t(N_("Weekly figures from")), report.period.week_start])
    xlsx_append(info, [t(N_("Weekly figures to")), report.period.week_end])
    xlsx_append(info, [t(N_("Deadline")), report.deadline])
    xlsx_append(info, [t(N_("Built at (UTC)")), report.generated_at.replace(tzinfo=None)])
    running = ", ".join(rule_period_name(label, t) for label in report.in_progress)
    xlsx_append(info, [t(N_("In progress (not judged yet)")), running or "–"])
    note = t(N_("Weekly figures count the weeks (Monday to Sunday) whose "
                "Thursday falls in the period."))  # fmt: skip
    xlsx_append(info, [t(N_("Note")), note])
    for r in range(4, 7):
        info.cell(row=r, column=2).number_format = DATE
    info.cell(row=7, column=2).number_format = "DD/MM/YYYY HH:MM"
    info.column_dimensions["A"].width = 28
    info.column_dimensions["B"].width = 80
    for (cell,) in info.iter_rows(min_col=1, max_col=1):
        cell.font = HEADER_FONT
    _fit(info)
    return info


def _summary(wb: Workbook, report: Report, settings: Settings, t: Reader) -> None:
    """Per unit and rule: only the rules that apply to some station of that unit."""
    rules = report.rules_in_area
    cols: list[Column] = [
        (t(N_("Unit code")), 10, None), (t(N_("Unit")), 26, None),
        (t(N_("Communes")), 8, INT), (t(N_("Communes with a station")), 10, INT),
        (t(N_("Rule")), 34, None), (t(N_("Stations it applies to")), 10, INT),
        (t(N_("Target met")), 10, INT), (t(N_("Minimum met or better")), 12, INT),
        (t(N_("Below minimum")), 10, INT), (t(N_("In progress")), 10, INT),
        (t(N_("Share at minimum")), 11, PCT), (t(N_("Share at target")), 11, PCT),
        (t(N_("Periods met")), 10, INT), (t(N_("Periods passed")), 10, INT),
        (t(N_("Share of periods met")), 10, PCT),
    ]  # fmt: skip
    rows, total_rows = [], 0
    for s in [*report.summary, report.total]:
        applying = [rid for rid in rules if s.rules[rid].channels]
        total_rows = len(applying)
        for rid in applying:
            r = s.rules[rid]
            rows.append((s.code, s.name, s.communes, s.communes_with_station,
                         rule_name(settings, rid, t), r.applicable, r.target_met, r.at_minimum,
                         r.below_minimum, r.running, _share(r.share_minimum),
                         _share(r.share_target), r.periods_met, r.periods_applicable,
                         _share(r.share_periods)))  # fmt: skip
    ws = add_sheet(wb, t(N_("Summary")), cols, rows)
    for row in ws.iter_rows(min_row=ws.max_row - total_rows + 1):
        for cell in row:
            cell.font = HEADER_FONT


def _emergency_sheet(wb: Workbook, report: Report, settings: Settings, t: Reader) -> None:
    """The period's emergency broadcasts over the report's stations."""
    add_sheet(
        wb,
        t(N_("Emergency broadcasts")),
        [(t(N_("Issued at")), 18, "DD/MM/YYYY HH:MM"), (t(N_("Broadcast")), 40, None),
         (t(N_("Stations")), 10, INT), (t(N_("Aired")), 10, INT),
         (t(N_("Aired within the deadline")), 14, INT)],
        [(e.effective_at.astimezone(settings.zone).replace(tzinfo=None), e.title, e.stations,
          e.aired, e.within_deadline) for e in report.emergencies],
    )  # fmt: skip


def report_workbook(report: Report, settings: Settings, reader: Reader | None = None) -> Workbook:
    """The periodic report as a workbook, one sheet per part, in the reader's language."""
    t = reader or Reader()
    wb = Workbook()
    wb.remove(wb.worksheets[0])  # a new workbook starts with one empty sheet
    info = _info(wb, report, t)
    _summary(wb, report, settings, t)
    rules = [settings.rule(rid) for rid in report.rules_in_area]
    add_sheet(
        wb,
        t(N_("Rules")),
        [(t(N_("Rule")), 50, None), (t(N_("Period")), 10, None), (t(N_("Minimum")), 10, INT),
         (t(N_("Target")), 10, INT), (t(N_("Counted as")), 20, None), (t(N_("Basis")), 10, None),
         (t(N_("Source")), 60, None), (t(N_("Rule code")), 26, None)],
        [(rule_name(settings, r.id, t), t(PERIOD_KIND[r.period]), r.minimum, r.target,
          t(COUNT[r.count]), t(BASIS[r.basis]), r.source, r.id) for r in rules],
    )  # fmt: skip
    add_sheet(
        wb,
        t(N_("Stations below minimum")),
        [(t(N_("Rule")), 34, None), (t(N_("Station")), 34, None), (t(N_("Unit code")), 10, None),
         (t(N_("Unit")), 24, None), (t(N_("Periods met")), 10, INT),
         (t(N_("Periods passed")), 12, INT), (t(N_("Periods missed")), 48, None),
         (t(N_("Reasons given")), 40, None), (t(N_("Unconfirmed")), 12, INT)],
        [(rule_name(settings, b.rule_id, t), b.result.channel.name, b.result.channel.unit_code,
          b.result.channel.unit_name, b.result.met, b.result.applicable,
          capital(", ".join(rule_period_name(p.label, t) for p in b.result.missed)),
          "; ".join(f"{vocab(settings, 'reason', k, t)}: {n}"
                    for k, n in sorted(b.reasons.items())),
          b.result.unconfirmed) for b in report.below],
    )  # fmt: skip
    add_sheet(
        wb,
        t(N_("Unconfirmed")),
        [(t(N_("Station")), 34, None), (t(N_("Unit")), 24, None),
         (t(N_("Unconfirmed items")), 14, INT)],
        report.unconfirmed,
    )  # fmt: skip
    content = [(t(N_("Topic")), vocab(settings, "topic", k, t), n, m)
               for k, n, m in report.by_topic]  # fmt: skip
    content += [(t(N_("Programme type")), vocab(settings, "type", k, t), n, m)
                for k, n, m in report.by_type]  # fmt: skip
    content += [(t(N_("Language")), vocab(settings, "language", k, t), n, m)
                for k, n, m in report.by_language]  # fmt: skip
    add_sheet(
        wb,
        t(N_("Content aired")),
        [(t(N_("Group")), 16, None), (t(N_("Value")), 34, None), (t(N_("Airings")), 12, INT),
         (t(N_("Minutes")), 12, DEC)],
        content,
    )  # fmt: skip
    if report.emergencies:  # counted apart from the rules: a sheet of their own
        _emergency_sheet(wb, report, settings, t)
    add_sheet(
        wb,
        t(N_("Planned and aired")),
        [(t(N_("Unit code")), 10, None), (t(N_("Unit")), 26, None), (t(N_("Planned")), 10, INT),
         (t(N_("Aired")), 10, INT), (t(N_("Partly aired")), 12, INT),
         (t(N_("Not aired or cancelled")), 12, INT), (t(N_("Unconfirmed")), 12, INT),
         (t(N_("Unplanned")), 12, INT), (t(N_("Minutes on air")), 14, DEC)],
        [(s.code, s.name, s.planned, s.aired, s.partial, s.not_aired, s.unconfirmed,
          s.unplanned, round(s.minutes, 1)) for s in [*report.summary, report.total]],
    )  # fmt: skip
    _detail(wb, report.result, settings, t)
    wb.move_sheet(info, offset=len(wb.sheetnames) - 1)
    wb.active = 0
    return wb


def _detail(
    wb: Workbook, result: ComplianceResult, settings: Settings, t: Reader, split: bool = False
) -> None:
    """Per rule, channel and rule period: count and status (one sheet, or one per rule)."""
    cols: list[Column] = [
        (t(N_("Rule")), 34, None), (t(N_("Station code")), 8, None),
        (t(N_("Station")), 34, None), (t(N_("Unit code")), 10, None), (t(N_("Unit")), 24, None),
        (t(N_("Period")), 24, None), (t(N_("Count")), 10, DEC), (t(N_("Minimum")), 10, INT),
        (t(N_("Target")), 10, INT), (t(N_("Status")), 16, None),
        (t(N_("Not aired or cancelled")), 12, INT), (t(N_("Unconfirmed")), 12, INT),
    ]  # fmt: skip

    def rows_of(rule_id: str | None) -> list[tuple]:
        return [
            (rule_name(settings, str(r["rule_id"]), t), r["channel_id"], r["channel_name"],
             r["unit_code"], r["unit_name"], capital(rule_period_name(str(r["period"]), t)),
             r["count"], r["minimum"], r["target"], status_name(str(r["status"]), t),
             r["not_aired"], r["unconfirmed"])
            for r in result.rows() if rule_id is None or r["rule_id"] == rule_id
        ]  # fmt: skip

    if split:
        for i, rr in enumerate(result.rules, start=1):
            add_sheet(wb, f"{i}. {rule_name(settings, rr.rule.id, t)}", cols, rows_of(rr.rule.id))
    else:
        add_sheet(wb, t(N_("Detail")), cols, rows_of(None))


def report_xlsx_bytes(report: Report, settings: Settings, reader: Reader | None = None) -> bytes:
    """The XLSX file's bytes (what the archive keeps and the web serves)."""
    buf = io.BytesIO()
    report_workbook(report, settings, reader).save(buf)
    return buf.getvalue()


def write_xlsx(
    report: Report, settings: Settings, path: str | Path, reader: Reader | None = None
) -> Path:
    """Write the periodic report as XLSX."""
    Path(path).write_bytes(report_xlsx_bytes(report, settings, reader))
    return Path(path)


def write_result_xlsx(
    result: ComplianceResult, settings: Settings, path: str | Path, reader: Reader | None = None
) -> Path:
    """Write a compliance result: an overview sheet and one sheet per rule."""
    t = reader or Reader()
    wb = Workbook()
    wb.remove(wb.worksheets[0])  # a new workbook starts with one empty sheet
    add_sheet(
        wb,
        t(N_("Overview")),
        [(t(N_("Rule")), 50, None), (t(N_("Stations")), 10, INT),
         (t(N_("Target met")), 12, INT), (t(N_("Minimum met")), 12, INT),
         (t(N_("Below minimum")), 10, INT), (t(N_("In progress")), 10, INT),
         (t(N_("Not applicable")), 12, INT)],
        [(rule_name(settings, rr.rule.id, t), len(rr.channels), *rr.by_status().values())
         for rr in result.rules],
    )  # fmt: skip
    _detail(wb, result, settings, t, split=True)
    wb.save(path)
    return Path(path)
