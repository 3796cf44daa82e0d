"""The periodic report as DOCX, laid out as a Vietnamese administrative report (ND 30/2020).

Issuing body and national motto side by side, number and symbol, place and date, title, body
with tables and a chart, then "Nơi nhận" and the signature block; Times New Roman, A4.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table

from scheduler.compliance.chart import compliance_chart
from scheduler.compliance.labels import COUNT, PERIOD, rule_name, vocab
from scheduler.compliance.reports import Report, period_name_vi
from scheduler.config import Settings

FONT = "Times New Roman"


def _font(run, size: float = 13, bold: bool = False, italic: bool = False, underline=False):
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    run.font.underline = underline
    run._element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    return run


def _para(container, text: str = "", size: float = 13, bold=False, italic=False,
          align=WD_ALIGN_PARAGRAPH.JUSTIFY, underline=False, space_after: float = 3):  # fmt: skip
    p = container.add_paragraph()
    p.alignment = align
    p.paragraph_format.space_after = Pt(space_after)
    p.paragraph_format.space_before = Pt(0)
    if text:
        _font(p.add_run(text), size, bold, italic, underline)
    return p


def _no_borders(table: Table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _cell_text(cell, text: str, size: float = 11, bold=False, italic=False,
               align=WD_ALIGN_PARAGRAPH.CENTER, underline=False) -> None:  # fmt: skip
    cell.text = ""
    p = cell.paragraphs[0]
    p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    _font(p.add_run(text), size, bold, italic, underline)


def _grid(doc, headers: list[str], rows: list[list[str]], widths: list[float]) -> Table:
    """A bordered data table with a bold, repeated header row."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, h in enumerate(headers):
        _cell_text(table.rows[0].cells[i], h, 10, bold=True)
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
    for row in rows:
        cells = table.add_row().cells
        for i, value in enumerate(row):
            numeric = value[:1].isdigit() or value == "–"
            align = WD_ALIGN_PARAGRAPH.RIGHT if numeric and i else WD_ALIGN_PARAGRAPH.LEFT
            if i == 0 and numeric:
                align = WD_ALIGN_PARAGRAPH.CENTER
            _cell_text(cells[i], value, 10, align=align)
    _widths(table, widths)
    return table


def _widths(table: Table, widths: list[float]) -> None:
    """Fixed column widths (grid and cells) so every viewer lays the table out the same."""
    table.autofit = False
    for i, w in enumerate(widths):
        table.columns[i].width = Cm(w)
        for cell in table.columns[i].cells:
            cell.width = Cm(w)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%".replace(".", ",")


def _num(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".")


def _header(doc, report: Report, settings: Settings) -> None:
    layout = settings.report_layout
    authority = layout.authority or f"UBND {report.unit_full_name.upper()}"
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, [6.3, 10.2])
    left, right = table.rows[0].cells
    _cell_text(left, authority, 12)
    p = left.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(0)
    _font(p.add_run(layout.issuing_body), 12, bold=True)
    p = left.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run("———"), 12)
    p = left.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(f"Số:       /{layout.symbol}"), 13)
    _cell_text(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, bold=True)
    p = right.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(0)
    _font(p.add_run("Độc lập - Tự do - Hạnh phúc"), 13, bold=True, underline=True)
    p = right.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(" "), 12)
    day = report.generated_at.astimezone(settings.zone).date()
    place = layout.place or report.unit_name
    p = right.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(
        p.add_run(f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"),
        13,
        italic=True,
    )


def _title(doc, report: Report) -> None:
    _para(doc, "", space_after=6)
    _para(doc, "BÁO CÁO", 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    _para(doc, report.title_vi, 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    _para(doc, "———", 13, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6)


def _intro(doc, report: Report, settings: Settings) -> None:
    t = report.total
    deadline = f" (hạn nộp: {report.deadline:%d/%m/%Y})" if report.deadline else ""
    _para(
        doc,
        f"Thực hiện các quy định về tần suất phát sóng trên hệ thống thông tin cơ sở, "
        f"{settings.report_layout.issuing_body.capitalize()} báo cáo kết quả "
        f"{period_name_vi(report.period)} (từ ngày {report.period.week_start:%d/%m/%Y} đến "
        f"ngày {report.period.week_end:%d/%m/%Y}, tính theo tuần ISO){deadline} như sau:",
    )
    _para(doc, "I. TÌNH HÌNH CHUNG", 13, bold=True)
    station_share = t.communes_with_station / t.communes if t.communes else None
    _para(
        doc,
        f"Trên địa bàn có {_num(t.communes)} đơn vị hành chính cấp xã, trong đó "
        f"{_num(t.communes_with_station)} xã có đài truyền thanh hoạt động trong kỳ "
        f"(tỷ lệ {_pct(station_share)}). Trong kỳ có {_num(t.planned)} lượt chương trình theo "
        f"kế hoạch; đã phát {_num(t.aired)} lượt, phát một phần {_num(t.partial)} lượt, không "
        f"phát hoặc hủy {_num(t.not_aired)} lượt, chưa xác nhận {_num(t.unconfirmed)} lượt; "
        f"phát ngoài kế hoạch {_num(t.unplanned)} lượt; tổng thời lượng phát sóng "
        f"{_num(t.minutes)} phút.",
    )


def _results(doc, report: Report, settings: Settings) -> None:
    _para(doc, "II. KẾT QUẢ THỰC HIỆN CÁC QUY ĐỊNH", 13, bold=True)
    rows = []
    for i, rr in enumerate(report.result.rules, start=1):
        r = report.total.rules[rr.rule.id]
        target = rr.rule.target if rr.rule.target is not None else rr.rule.minimum
        rows.append([
            str(i), rule_name(settings, rr.rule.id),
            f"{rr.rule.minimum}/{target} {COUNT[rr.rule.count].vi}/{PERIOD[rr.rule.period].vi}",
            _num(r.applicable), _pct(r.share_minimum), _pct(r.share_target),
            f"{r.periods_met}/{r.periods_applicable}",
        ])  # fmt: skip
    _grid(doc, ["TT", "Quy định", "Tối thiểu/ mục tiêu", "Số đài áp dụng", "Đạt tối thiểu",
                "Đạt mục tiêu", "Số kỳ đạt/ áp dụng"], rows,
          [1.0, 6.0, 2.6, 1.8, 1.7, 1.7, 2.0])  # fmt: skip
    names = {rr.rule.id: rule_name(settings, rr.rule.id) for rr in report.result.rules}
    if report.result.rules:
        _para(doc, "", space_after=2)
        doc.add_picture(io.BytesIO(compliance_chart(report, names)), width=Cm(15))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _para(doc, "Biểu đồ 1. Tỷ lệ đài đạt tối thiểu và đạt mục tiêu theo từng quy định", 11,
              italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)  # fmt: skip
    _para(doc, "Kết quả theo đơn vị:", 13, italic=True)
    main = report.result.rules[0].rule.id if report.result.rules else None
    if main is not None:
        rows = [
            [s.code, s.name, _num(s.communes_with_station), _num(s.rules[main].applicable),
             _pct(s.rules[main].share_minimum), _pct(s.rules[main].share_target),
             f"{s.rules[main].periods_met}/{s.rules[main].periods_applicable}"]
            for s in [*report.summary, report.total]
        ]  # fmt: skip
        _para(doc, f"(Quy định: {names[main]})", 11, italic=True)
        _grid(doc, ["Mã", "Đơn vị", "Số xã có đài", "Số đài áp dụng", "Đạt tối thiểu",
                    "Đạt mục tiêu", "Số kỳ đạt/ áp dụng"], rows,
              [1.4, 5.4, 1.8, 1.8, 1.9, 1.9, 2.3])  # fmt: skip


def _shortfalls(doc, report: Report, settings: Settings) -> None:
    _para(doc, "III. CÁC ĐÀI CHƯA ĐẠT TỐI THIỂU", 13, bold=True)
    if not report.below:
        _para(doc, "Trong kỳ không có đài nào chưa đạt mức tối thiểu.")
    else:
        shown = report.below[:60]
        rows = [
            [str(i), b.result.channel.name, b.rule_id,
             f"{b.result.met}/{b.result.applicable}",
             ", ".join(p.label for p in b.result.missed[:8])
             + ("…" if len(b.result.missed) > 8 else ""),
             "; ".join(f"{vocab(settings, 'reason', k)} ({n})" for k, n in b.reasons.items())
             or "Chưa báo lý do"]
            for i, b in enumerate(shown, start=1)
        ]  # fmt: skip
        _grid(doc, ["TT", "Đài", "Quy định", "Số kỳ đạt/ áp dụng", "Các kỳ chưa đạt",
                    "Lý do đã báo"], rows, [1.0, 4.2, 3.0, 1.8, 3.6, 3.0])  # fmt: skip
        if len(report.below) > len(shown):
            _para(doc, f"(Danh sách đầy đủ {len(report.below)} trường hợp trong tệp XLSX kèm "
                       "theo.)", 11, italic=True)  # fmt: skip
    unconfirmed = sum(n for _, _, n in report.unconfirmed)
    _para(doc, f"Số lượt chương trình đã đến giờ phát nhưng chưa được xác nhận: "
               f"{_num(unconfirmed)} lượt tại {len(report.unconfirmed)} đài (không tính là đã "
               "phát, cũng không tính là không phát).")  # fmt: skip


def _content(doc, report: Report, settings: Settings) -> None:
    _para(doc, "IV. NỘI DUNG ĐÃ PHÁT", 13, bold=True)
    rows = [["Chủ đề", vocab(settings, "topic", k), _num(n), _num(m)]
            for k, n, m in report.by_topic[:10]]  # fmt: skip
    rows += [["Thể loại", vocab(settings, "type", k), _num(n), _num(m)]
             for k, n, m in report.by_type[:8]]  # fmt: skip
    rows += [["Ngôn ngữ", vocab(settings, "language", k), _num(n), _num(m)]
             for k, n, m in report.by_language[:8]]  # fmt: skip
    if rows:
        _grid(doc, ["Nhóm", "Nội dung", "Số lượt phát", "Số phút"], rows, [2.5, 7.5, 3.0, 3.0])
    else:
        _para(doc, "Trong kỳ chưa có lượt phát nào được xác nhận.")
    _para(doc, "V. ĐỀ XUẤT, KIẾN NGHỊ", 13, bold=True)
    _para(
        doc,
        "Đề nghị các đài chưa đạt mức tối thiểu khắc phục trong kỳ tới và xác nhận đầy đủ "
        "nhật ký phát sóng; các đơn vị liên quan phối hợp cung cấp nội dung.",
    )


def _signature(doc, settings: Settings) -> None:
    layout = settings.report_layout
    _para(doc, "", space_after=6)
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, [8.0, 8.5])
    left, right = table.rows[0].cells
    _cell_text(left, "Nơi nhận:", 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    for i, r in enumerate(layout.recipients):
        end = "." if i == len(layout.recipients) - 1 else ";"
        p = left.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
        _font(p.add_run(f"- {r}{end}"), 11)
    _cell_text(right, layout.signer_title, 13, bold=True)
    for _ in range(4):
        right.add_paragraph()
    p = right.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(layout.signer_name or " "), 13, bold=True)


def report_document(report: Report, settings: Settings):
    """Build the python-docx Document."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(13)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    doc.core_properties.title = report.title_vi
    doc.core_properties.author = "Loa"
    _header(doc, report, settings)
    _title(doc, report)
    _intro(doc, report, settings)
    _results(doc, report, settings)
    _shortfalls(doc, report, settings)
    _content(doc, report, settings)
    _signature(doc, settings)
    return doc


def write_docx(report: Report, settings: Settings, path: str | Path) -> Path:
    """Write the periodic report as DOCX."""
    report_document(report, settings).save(str(path))
    return Path(path)
