"""XLSX exports: the periodic report (one sheet per part) and a compliance result (per rule)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from scheduler.compliance.labels import COUNT, PERIOD, STATUS, rule_name, vocab
from scheduler.compliance.model import ComplianceResult
from scheduler.compliance.reports import Report, period_name_vi
from scheduler.config import Settings

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_FONT = Font(bold=True)
THIN = Side(style="thin", color="999999")
INT, DEC, PCT, DATE = "#,##0", "#,##0.0", "0.0%", "DD/MM/YYYY"

Column = tuple[str, int, str | None]  # header, width, number format


def _sheet(wb: Workbook, title: str, columns: Sequence[Column], rows: Sequence[Sequence[Any]]):
    """A sheet with a bold, filled, frozen header row, formats, widths and a filter."""
    ws: Worksheet = wb.create_sheet(title[:31])
    ws.append([c[0] for c in columns])
    for i, (_, width, _fmt) in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = Border(bottom=THIN)
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.row_dimensions[1].height = 32
    for row in rows:
        ws.append(list(row))
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
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def report_workbook(report: Report, settings: Settings) -> Workbook:
    """The periodic report as a workbook, one sheet per part."""
    wb = Workbook()
    wb.remove(wb.active)
    info = wb.create_sheet("Thông tin")
    info.append(["Báo cáo", report.title_vi])
    info.append(["Đơn vị", report.unit_name])
    info.append(["Kỳ báo cáo", period_name_vi(report.period)])
    info.append(["Từ ngày", report.period.week_start])
    info.append(["Đến ngày", report.period.week_end])
    info.append(["Hạn nộp", report.deadline])
    info.append(["Lập lúc (UTC)", report.generated_at.replace(tzinfo=None)])
    for r in range(4, 7):
        info.cell(row=r, column=2).number_format = DATE
    info.cell(row=7, column=2).number_format = "DD/MM/YYYY HH:MM"
    info.column_dimensions["A"].width = 16
    info.column_dimensions["B"].width = 70
    for (cell,) in info.iter_rows(min_col=1, max_col=1):
        cell.font = HEADER_FONT
    _fit(info)
    rules = [rr.rule for rr in report.result.rules]
    cols: list[Column] = [
        ("Mã đơn vị", 10, None), ("Đơn vị", 26, None), ("Số xã", 8, INT),
        ("Số xã có đài", 10, INT), ("Quy định", 28, None), ("Số đài áp dụng", 10, INT),
        ("Đạt mục tiêu", 10, INT), ("Đạt tối thiểu trở lên", 12, INT), ("Chưa đạt", 10, INT),
        ("Tỷ lệ đạt tối thiểu", 11, PCT), ("Tỷ lệ đạt mục tiêu", 11, PCT),
        ("Số kỳ đạt", 10, INT), ("Số kỳ áp dụng", 10, INT), ("Tỷ lệ kỳ đạt", 10, PCT),
    ]  # fmt: skip
    rows = []
    for s in [*report.summary, report.total]:
        for rule in rules:
            r = s.rules[rule.id]
            rows.append((s.code, s.name, s.communes, s.communes_with_station, rule.id,
                         r.applicable, r.target_met, r.at_minimum, r.below_minimum,
                         _share(r.share_minimum), _share(r.share_target), r.periods_met,
                         r.periods_applicable, _share(r.share_periods)))  # fmt: skip
    ws = _sheet(wb, "Tổng hợp", cols, rows)
    for row in ws.iter_rows(min_row=ws.max_row - len(rules) + 1):
        for cell in row:
            cell.font = HEADER_FONT
    _sheet(
        wb,
        "Quy định",
        [("Mã", 26, None), ("Tên quy định", 50, None), ("Kỳ", 8, None), ("Tối thiểu", 10, INT),
         ("Mục tiêu", 10, INT), ("Đếm theo", 18, None), ("Căn cứ", 10, None),
         ("Nguồn", 60, None)],
        [(r.id, r.name_vi, PERIOD[r.period].vi, r.minimum, r.target, COUNT[r.count].vi,
          "đã phát" if r.basis == "aired" else "kế hoạch", r.source) for r in rules],
    )  # fmt: skip
    _sheet(
        wb,
        "Đài chưa đạt",
        [("Quy định", 26, None), ("Đài", 34, None), ("Mã đơn vị", 10, None), ("Đơn vị", 24, None),
         ("Số kỳ đạt", 10, INT), ("Số kỳ áp dụng", 12, INT), ("Các kỳ chưa đạt", 40, None),
         ("Lý do đã báo", 40, None), ("Chưa xác nhận", 12, INT)],
        [(b.rule_id, b.result.channel.name, b.result.channel.unit_code,
          b.result.channel.unit_name, b.result.met, b.result.applicable,
          ", ".join(p.label for p in b.result.missed),
          "; ".join(f"{vocab(settings, 'reason', k)}: {n}" for k, n in sorted(b.reasons.items())),
          b.result.unconfirmed) for b in report.below],
    )  # fmt: skip
    _sheet(
        wb,
        "Chưa xác nhận",
        [("Đài", 34, None), ("Đơn vị", 24, None), ("Số lượt chưa xác nhận", 14, INT)],
        report.unconfirmed,
    )
    content = [("Chủ đề", vocab(settings, "topic", k), n, m) for k, n, m in report.by_topic]
    content += [("Thể loại", vocab(settings, "type", k), n, m) for k, n, m in report.by_type]
    content += [("Ngôn ngữ", vocab(settings, "language", k), n, m)
                for k, n, m in report.by_language]  # fmt: skip
    _sheet(
        wb,
        "Nội dung đã phát",
        [("Nhóm", 12, None), ("Giá trị", 34, None), ("Số lượt phát", 12, INT),
         ("Số phút", 12, DEC)],
        content,
    )  # fmt: skip
    _sheet(
        wb,
        "Kế hoạch - thực hiện",
        [("Mã đơn vị", 10, None), ("Đơn vị", 26, None), ("Kế hoạch", 10, INT),
         ("Đã phát", 10, INT), ("Phát một phần", 12, INT), ("Không phát / hủy", 12, INT),
         ("Chưa xác nhận", 12, INT), ("Phát ngoài kế hoạch", 12, INT),
         ("Số phút phát sóng", 14, DEC)],
        [(s.code, s.name, s.planned, s.aired, s.partial, s.not_aired, s.unconfirmed,
          s.unplanned, round(s.minutes, 1)) for s in [*report.summary, report.total]],
    )  # fmt: skip
    _detail(wb, report.result)
    wb.move_sheet(info, offset=len(wb.sheetnames) - 1)
    wb.active = 0
    return wb


def _detail(wb: Workbook, result: ComplianceResult, split_rules: bool = False) -> None:
    """Per rule, channel and rule period: count and status (one sheet, or one per rule)."""
    cols: list[Column] = [
        ("Quy định", 26, None), ("Mã đài", 8, None), ("Đài", 34, None), ("Mã đơn vị", 10, None),
        ("Đơn vị", 24, None), ("Kỳ", 10, None), ("Số đếm", 10, DEC), ("Tối thiểu", 10, INT),
        ("Mục tiêu", 10, INT), ("Trạng thái", 16, None), ("Không phát / hủy", 12, INT),
        ("Chưa xác nhận", 12, INT),
    ]  # fmt: skip

    def rows_of(rule_id: str | None) -> list[tuple]:
        return [
            (r["rule_id"], r["channel_id"], r["channel_name"], r["unit_code"], r["unit_name"],
             r["period"], r["count"], r["minimum"], r["target"], STATUS[str(r["status"])].vi,
             r["not_aired"], r["unconfirmed"])
            for r in result.rows() if rule_id is None or r["rule_id"] == rule_id
        ]  # fmt: skip

    if split_rules:
        for rr in result.rules:
            _sheet(wb, rr.rule.id, cols, rows_of(rr.rule.id))
    else:
        _sheet(wb, "Chi tiết", cols, rows_of(None))


def write_xlsx(report: Report, settings: Settings, path: str | Path) -> Path:
    """Write the periodic report as XLSX."""
    wb = report_workbook(report, settings)
    wb.save(path)
    return Path(path)


def write_result_xlsx(result: ComplianceResult, settings: Settings, path: str | Path) -> Path:
    """Write a compliance result: an overview sheet and one sheet per rule."""
    wb = Workbook()
    ws = wb.active
    wb.remove(ws)
    _sheet(
        wb,
        "Tổng quan",
        [("Quy định", 26, None), ("Tên", 50, None), ("Số đài", 10, INT),
         ("Đạt mục tiêu", 12, INT), ("Đạt tối thiểu", 12, INT), ("Chưa đạt", 10, INT),
         ("Không áp dụng", 12, INT)],
        [(rr.rule.id, rule_name(settings, rr.rule.id), len(rr.channels),
          *rr.by_status().values()) for rr in result.rules],
    )  # fmt: skip
    _detail(wb, result, split_rules=True)
    wb.save(path)
    return Path(path)
