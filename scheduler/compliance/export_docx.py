"""The periodic report as DOCX, laid out as a Vietnamese administrative report (ND 30/2020).

Issuing body and national motto side by side, number and symbol, place and date, title,
"Kính gửi", body with tables and a chart, a note, then "Nơi nhận" and the signature block
(title, KT./TL. forms, space for signature and seal, full name); page numbers centred at the
top from page 2; Times New Roman, A4. The text is Vietnamese (words_vi.py): it is filed with
an office. The deadline belongs in the cover message and the file name, not in the body.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Protocol

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from scheduler.compliance.chart import compliance_chart
from scheduler.compliance.docx_layout import (
    FONT,
    cell_line,
    cell_text,
    font,
    grid,
    no_borders,
    page_numbers_from_second_page,
    para,
    widths_of,
)
from scheduler.compliance.labels import rule_name, vocab
from scheduler.compliance.model import PeriodCount
from scheduler.compliance.reports import Report
from scheduler.compliance.words_vi import (
    COUNT,
    PERIOD_KIND,
    STATUS,
    commune_phrase,
    counted_weeks_note,
    num,
    pct,
    period_words,
    rule_period_words,
)
from scheduler.config import Settings

CENTER, LEFT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT
MAX_BELOW_ROWS = 60
MAX_MISSED_SHOWN = 8


def _date_words(day: dt.date) -> str:
    """'ngày 05 tháng 3 năm 2026': a leading zero for days below 10 and months 1 and 2 (ND 30)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


class Heading(Protocol):
    """What the official header and title blocks read (a Report, or another report's facts)."""

    @property
    def unit_name(self) -> str: ...
    @property
    def unit_full_name(self) -> str: ...
    @property
    def generated_at(self) -> dt.datetime: ...
    @property
    def title_vi(self) -> str: ...


def office_header(doc: DocxDocument, report: Heading, settings: Settings) -> None:
    layout = settings.report_layout
    authority = layout.authority or f"UBND {report.unit_full_name.upper()}"
    table = doc.add_table(rows=1, cols=2)
    no_borders(table)
    widths_of(table, [6.3, 10.2])
    left, right = table.rows[0].cells
    cell_text(left, authority, 12)
    cell_line(left, layout.issuing_body, 12, bold=True)
    cell_line(left, "———", 12)
    cell_line(left, f"Số:       /{layout.symbol}", 13, space_before=4)
    cell_text(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 12, bold=True)
    p = right.add_paragraph()
    p.alignment = CENTER
    p.paragraph_format.space_after = Pt(0)
    font(p.add_run("Độc lập - Tự do - Hạnh phúc"), 13, bold=True, underline=True)
    cell_line(right, " ", 12)
    day = report.generated_at.astimezone(settings.zone).date()
    place = layout.place or report.unit_name
    cell_line(right, f"{place}, {_date_words(day)}", 13, italic=True, space_before=4)


def office_title(doc: DocxDocument, report: Heading, settings: Settings) -> None:
    para(doc, "", space_after=6)
    para(doc, "BÁO CÁO", 14, bold=True, align=CENTER, space_after=0)
    para(doc, report.title_vi, 14, bold=True, align=CENTER, space_after=0)
    para(doc, "———", 13, align=CENTER, space_after=6)
    addressees = settings.report_layout.addressees
    if len(addressees) == 1:
        para(doc, f"Kính gửi: {addressees[0]}.", 14, align=CENTER, space_after=6)
    elif addressees:
        para(doc, "Kính gửi:", 14, align=CENTER, space_after=0)
        for i, name in enumerate(addressees):
            end = "." if i == len(addressees) - 1 else ";"
            p = para(doc, f"- {name}{end}", 14, align=LEFT, space_after=0)
            p.paragraph_format.left_indent = Cm(4)
        para(doc, "", space_after=3)


def _intro(doc: DocxDocument, report: Report, settings: Settings) -> None:
    t = report.total
    para(
        doc,
        f"Thực hiện các quy định về tần suất phát sóng trên hệ thống thông tin cơ sở, "
        f"{settings.report_layout.issuing_body.capitalize()} báo cáo kết quả "
        f"{period_words(report.period)} như sau:",
        indent=True,
    )
    para(doc, "I. TÌNH HÌNH CHUNG", 13, bold=True)
    types = {k: n for k, (n, _) in report.commune_types.items()}
    with_station = sum(s for _, s in report.commune_types.values())
    named = [k for k, n in types.items() if n]
    noun = named[0] if len(named) == 1 and named[0] else "đơn vị"
    share = with_station / t.communes if t.communes else None
    para(
        doc,
        f"Trên địa bàn có {commune_phrase(types)}, trong đó {num(with_station)} {noun} có đài "
        f"truyền thanh cấp xã hoạt động trong kỳ (tỷ lệ {pct(share)}). Trong kỳ có "
        f"{num(t.planned)} lượt chương trình theo kế hoạch; đã phát {num(t.aired)} lượt, phát "
        f"một phần {num(t.partial)} lượt, không phát hoặc hủy {num(t.not_aired)} lượt, chưa "
        f"xác nhận {num(t.unconfirmed)} lượt; phát ngoài kế hoạch {num(t.unplanned)} lượt; tổng "
        f"thời lượng phát sóng {num(t.minutes)} phút.",
        indent=True,
    )


def _rule_rows(report: Report, settings: Settings) -> list[list[str]]:
    rows = []
    for i, rid in enumerate(report.rules_in_area, start=1):
        rule, r = settings.rule(rid), report.total.rules[rid]
        target = rule.target if rule.target is not None else rule.minimum
        rows.append([
            str(i), rule_name(settings, rid),
            f"{rule.minimum}/{target} {COUNT[rule.count]}/{PERIOD_KIND[rule.period]}",
            num(r.applicable), pct(r.share_minimum), pct(r.share_target),
            f"{r.periods_met}/{r.periods_applicable}",
        ])  # fmt: skip
    return rows


def _results(doc: DocxDocument, report: Report, settings: Settings) -> None:
    para(doc, "II. KẾT QUẢ THỰC HIỆN CÁC QUY ĐỊNH", 13, bold=True)
    rules = report.rules_in_area
    if not rules:
        para(doc, "Trong kỳ không có quy định nào áp dụng cho các đài trên địa bàn.", indent=True)
        return
    grid(doc, ["TT", "Quy định", "Tối thiểu/ mục tiêu", "Số đài áp dụng", "Đạt tối thiểu",
               "Đạt mục tiêu", "Số kỳ đạt/ số kỳ đã qua"], _rule_rows(report, settings),
         [1.0, 6.0, 2.6, 1.8, 1.7, 1.7, 2.0])  # fmt: skip
    para(doc, "", space_after=2)
    bars = [(rule_name(settings, rid), report.total.rules[rid].share_minimum,
             report.total.rules[rid].share_target) for rid in rules]  # fmt: skip
    doc.add_picture(io.BytesIO(compliance_chart(bars)), width=Cm(15.5))
    doc.paragraphs[-1].alignment = CENTER
    para(doc, "Biểu đồ 1. Tỷ lệ đài đạt tối thiểu và đạt mục tiêu theo từng quy định", 12,
         italic=True, align=CENTER)  # fmt: skip
    main = rules[0]
    para(doc, f"Kết quả theo đơn vị (quy định: {rule_name(settings, main)}):", 13, italic=True)
    rows = [
        [s.code, s.name, num(s.communes_with_station), num(s.rules[main].applicable),
         pct(s.rules[main].share_minimum), pct(s.rules[main].share_target),
         f"{s.rules[main].periods_met}/{s.rules[main].periods_applicable}"]
        for s in [*report.summary, report.total] if s.rules[main].channels
    ]  # fmt: skip
    grid(doc, ["Mã", "Đơn vị", "Số đơn vị có đài", "Số đài áp dụng", "Đạt tối thiểu",
               "Đạt mục tiêu", "Số kỳ đạt/ số kỳ đã qua"], rows,
         [1.4, 5.4, 1.8, 1.8, 1.9, 1.9, 2.3])  # fmt: skip


def _missed(periods: list[PeriodCount]) -> str:
    shown = ", ".join(rule_period_words(p.label) for p in periods[:MAX_MISSED_SHOWN])
    more = len(periods) - MAX_MISSED_SHOWN
    return shown + (f" và {more} kỳ khác" if more > 0 else "")


def _shortfalls(doc: DocxDocument, report: Report, settings: Settings) -> None:
    para(doc, "III. CÁC ĐÀI CHƯA ĐẠT MỨC TỐI THIỂU", 13, bold=True)
    if not report.below:
        para(doc, "Trong kỳ không có đài nào chưa đạt mức tối thiểu.", indent=True)
    else:
        shown = report.below[:MAX_BELOW_ROWS]
        rows = [
            [str(i), b.result.channel.name, rule_name(settings, b.rule_id),
             f"{b.result.met}/{b.result.applicable}", _missed(b.result.missed),
             "; ".join(f"{vocab(settings, 'reason', k)} ({n})" for k, n in b.reasons.items())
             or "Chưa báo lý do"]
            for i, b in enumerate(shown, start=1)
        ]  # fmt: skip
        grid(doc, ["TT", "Đài", "Quy định", "Số kỳ đạt/ số kỳ đã qua", "Các kỳ chưa đạt",
                   "Lý do đã báo"], rows, [1.0, 3.6, 3.4, 1.8, 3.8, 3.0])  # fmt: skip
        if len(report.below) > len(shown):
            para(doc, f"(Danh sách đầy đủ {len(report.below)} trường hợp trong tệp XLSX kèm "
                      "theo.)", 12, italic=True)  # fmt: skip
    unconfirmed = sum(n for _, _, n in report.unconfirmed)
    para(doc, f"Số lượt chương trình đã đến giờ phát nhưng chưa được xác nhận: "
              f"{num(unconfirmed)} lượt tại {len(report.unconfirmed)} đài (không tính là đã "
              "phát, cũng không tính là không phát).", indent=True)  # fmt: skip


def _content(doc: DocxDocument, report: Report, settings: Settings) -> None:
    para(doc, "IV. NỘI DUNG ĐÃ PHÁT", 13, bold=True)
    rows = [["Chủ đề", vocab(settings, "topic", k), num(n), num(m)]
            for k, n, m in report.by_topic[:10]]  # fmt: skip
    rows += [["Thể loại", vocab(settings, "type", k), num(n), num(m)]
             for k, n, m in report.by_type[:8]]  # fmt: skip
    rows += [["Ngôn ngữ", vocab(settings, "language", k), num(n), num(m)]
             for k, n, m in report.by_language[:8]]  # fmt: skip
    if rows:
        grid(doc, ["Nhóm", "Nội dung", "Số lượt phát", "Số phút"], rows, [2.5, 7.5, 3.0, 3.0])
    else:
        para(doc, "Trong kỳ chưa có lượt phát nào được xác nhận.", indent=True)
    _emergencies(doc, report, settings)
    para(doc, "V. ĐỀ XUẤT, KIẾN NGHỊ", 13, bold=True)
    para(
        doc,
        "Đề nghị các đài chưa đạt mức tối thiểu khắc phục trong kỳ tới và xác nhận đầy đủ "
        "nhật ký phát sóng; các đơn vị liên quan phối hợp cung cấp nội dung.",
        indent=True,
    )


def _emergencies(doc: DocxDocument, report: Report, settings: Settings) -> None:
    """Emergency broadcasts of the period: a table of their own, outside the rules' counts."""
    if not report.emergencies:
        return
    para(
        doc,
        f"Trong kỳ có {num(len(report.emergencies))} tin khẩn (tính riêng, không tính vào "
        "mức độ đạt chỉ tiêu tần suất phát sóng):",
        indent=True,
    )
    rows = [
        [str(i), f"{e.effective_at.astimezone(settings.zone):%H:%M %d/%m/%Y}", e.title,
         num(e.stations), num(e.aired),
         f"{num(e.within_deadline)} ({pct(e.within_deadline / e.stations)})"]
        for i, e in enumerate(report.emergencies, start=1)
    ]  # fmt: skip
    headers = ["STT", "Thời điểm", "Tin khẩn", "Số đài", "Đã phát", "Trong thời hạn"]
    grid(doc, headers, rows, [1.0, 3.0, 6.0, 1.8, 1.8, 2.9])


def _notes(doc: DocxDocument, report: Report) -> None:
    """The one note on counted weeks, and the periods still running (shown, never missed)."""
    notes = [n for n in (counted_weeks_note(report.period),) if n]
    if report.in_progress:
        running = ", ".join(rule_period_words(label) for label in report.in_progress)
        notes.append(
            f"{running[:1].upper()}{running[1:]} {STATUS['running']} khi lập báo cáo: số liệu "
            "được tính đến thời điểm lập báo cáo, chưa đánh giá đạt hay chưa đạt và không tính "
            "vào số kỳ đã qua."
        )
    for i, note in enumerate(notes, start=1):
        prefix = "Ghi chú: " if len(notes) == 1 else f"Ghi chú ({i}): "
        para(doc, prefix + note, 12, italic=True, indent=True)


def office_signature(doc: DocxDocument, settings: Settings) -> None:
    layout = settings.report_layout
    para(doc, "", space_after=6)
    table = doc.add_table(rows=1, cols=2)
    no_borders(table)
    widths_of(table, [8.0, 8.5])
    left, right = table.rows[0].cells
    cell_text(left, "Nơi nhận:", 12, bold=True, italic=True, align=LEFT)
    for i, r in enumerate(layout.recipients):
        end = "." if i == len(layout.recipients) - 1 else ";"
        cell_line(left, f"- {r}{end}", 11, align=LEFT)
    if layout.sign_as == "Q.":
        cell_text(right, f"Q. {layout.signer_title}", 13, bold=True)
    elif layout.sign_as:
        cell_text(right, f"{layout.sign_as} {layout.on_behalf_of}", 13, bold=True)
        cell_line(right, layout.signer_title, 13, bold=True)
    else:
        cell_text(right, layout.signer_title, 13, bold=True)
    # Space for the signature and the seal (about 3 cm), then the signer's full name.
    cell_line(right, " ", 13, space_before=72)
    cell_line(right, layout.signer_name or " ", 13, bold=True, space_before=12)


def office_document(title: str) -> DocxDocument:
    """An empty document in the official layout (ND 30/2020: A4, its margins, font 13)."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    page_numbers_from_second_page(section)
    for name in ("Normal", "Table Grid", "Header"):
        style = doc.styles[name]
        style.font.name = FONT
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(slot), FONT)
    doc.styles["Normal"].font.size = Pt(13)
    doc.core_properties.title = title
    doc.core_properties.author = "Loa"
    return doc


def report_document(report: Report, settings: Settings) -> DocxDocument:
    """Build the python-docx Document."""
    doc = office_document(report.title_vi)
    office_header(doc, report, settings)
    office_title(doc, report, settings)
    _intro(doc, report, settings)
    _results(doc, report, settings)
    _shortfalls(doc, report, settings)
    _content(doc, report, settings)
    _notes(doc, report)
    office_signature(doc, settings)
    return doc


def document_bytes(report: Report, settings: Settings) -> bytes:
    """The DOCX file's bytes (what the archive keeps and the web serves)."""
    buf = io.BytesIO()
    report_document(report, settings).save(buf)
    return buf.getvalue()


def write_docx(report: Report, settings: Settings, path: str | Path) -> Path:
    """Write the periodic report as DOCX."""
    Path(path).write_bytes(document_bytes(report, settings))
    return Path(path)
