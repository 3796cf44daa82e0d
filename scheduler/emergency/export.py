"""Proof-of-air files: XLSX in the reader's language, and the DOCX report "Báo cáo kết quả phát
tin khẩn" in the official layout (Nghị định 30/2020/NĐ-CP, as the periodic report)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook

from audio.messages import N_
from scheduler.compliance.docx_layout import grid, para
from scheduler.compliance.export_docx import (
    CENTER,
    office_document,
    office_header,
    office_signature,
    office_title,
)
from scheduler.compliance.export_xlsx import DEC, INT, add_sheet
from scheduler.compliance.labels import Reader
from scheduler.compliance.words_vi import num, pct
from scheduler.config import Settings
from scheduler.emergency.proof import STATE_NAMES, VIA_NAMES, Proof

TIME = "DD/MM/YYYY HH:MM:SS"
VI_STATE = {
    "waiting": "Chưa phát",
    "delivered": "Đã chuyển tới thiết bị",
    "playing": "Đang phát",
    "aired": "Đã phát",
    "failed": "Phát lỗi",
    "no_answer": "Không phản hồi",
    "cancelled": "Hủy",
}
VI_VIA = {"agent": "thiết bị", "person": "cán bộ"}


def _local(at: dt.datetime | None, settings: Settings) -> dt.datetime | None:
    return at.astimezone(settings.zone).replace(tzinfo=None) if at else None


def xlsx_bytes(proof: Proof, settings: Settings, reader: Reader) -> bytes:
    """One sheet: every station with its state, times, who confirmed and how late."""
    wb = Workbook()
    wb.remove(wb.worksheets[0])  # a new workbook starts with one empty sheet
    columns = [
        (reader(N_("Commune")), 24, None), (reader(N_("Station")), 30, None),
        (reader(N_("State")), 18, None), (reader(N_("Due")), 20, TIME),
        (reader(N_("Aired at")), 20, TIME), (reader(N_("Confirmed by")), 20, None),
        (reader(N_("Evidence")), 12, None), (reader(N_("Minutes from issue to air")), 14, DEC),
        (reader(N_("Within the deadline")), 12, None), (reader(N_("Seconds aired")), 12, INT),
        (reader(N_("Escalated")), 12, None), (reader(N_("Failure reason")), 30, None),
    ]  # fmt: skip
    yes, no = reader(N_("yes")), reader(N_("no"))
    rows = [
        [r.unit, r.channel, reader(STATE_NAMES[r.state]), _local(r.due_at, settings),
         _local(r.aired_at, settings), r.aired_by or "",
         reader(VIA_NAMES[r.aired_via]) if r.aired_via else "", r.minutes_to_air,
         yes if r.within_deadline else no, r.seconds, yes if r.escalated else no,
         r.failure_reason or ""]
        for r in proof.rows
    ]  # fmt: skip
    add_sheet(wb, reader(N_("Proof of air")), columns, rows)
    summary: list[list[Any]] = [
        [reader(N_("Broadcast")), proof.broadcast.title],
        [reader(N_("Issued by")), proof.broadcast.issued_by],
        [reader(N_("Due")), _local(proof.due_at, settings)],
        [reader(N_("Air by")), _local(proof.deadline, settings)],
        [reader(N_("Stations")), len(proof.rows)],
        [reader(N_("Aired within the deadline")), proof.within_deadline],
        [reader(N_("Share within the deadline")), proof.share_within_deadline],
    ]
    ws = add_sheet(
        wb, reader(N_("Summary")), [(reader(N_("Item")), 30, None), ("", 40, None)], summary
    )
    for row in (3, 4):
        ws.cell(row=row + 1, column=2).number_format = TIME
    ws.cell(row=len(summary) + 1, column=2).number_format = "0.0%"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@dataclass(frozen=True)
class _Heading:
    """What the periodic report's header block reads (unit names and the date)."""

    unit_name: str
    unit_full_name: str
    generated_at: dt.datetime
    title_vi: str


def _intro(doc: Any, proof: Proof, settings: Settings) -> None:
    b = proof.broadcast
    local = _local(proof.due_at, settings)
    when = f"{local:%H giờ %M phút ngày %d/%m/%Y}" if local else ""
    by_device = proof.aired_by_agent
    aired = proof.counts["aired"]
    para(
        doc,
        f"Lúc {when}, {b.issued_by} phát hành tin khẩn “{b.title}” tới {num(len(proof.rows))}"
        f" đài trên địa bàn {b.unit.name}, yêu cầu phát trong vòng {b.deadline_minutes} phút"
        + (f" (lý do: {b.reason})" if b.reason else "")
        + ". Kết quả phát tin như sau:",
        indent=True,
    )
    late = len(proof.rows) - aired
    para(
        doc,
        f"- Đã phát: {num(aired)} đài, trong đó {num(proof.within_deadline)} đài phát trong "
        f"thời hạn (tỷ lệ {pct(proof.share_within_deadline)}); {num(by_device)} đài do thiết bị "
        f"phát tự động xác nhận, {num(aired - by_device)} đài do cán bộ phụ trách xác nhận.",
        indent=True,
    )
    para(doc, f"- Chưa phát hoặc không xác nhận: {num(late)} đài.", indent=True)
    if b.state == "cancelled" and b.cancelled_at:
        cancelled = _local(b.cancelled_at, settings)
        para(doc, f"- Tin khẩn đã được hủy lúc {cancelled:%H:%M ngày %d/%m/%Y}.", indent=True)


def docx_bytes(proof: Proof, settings: Settings, now: dt.datetime) -> bytes:
    """The report "Báo cáo kết quả phát tin khẩn" (Vietnamese, the official layout)."""
    title = "Kết quả phát tin khẩn"
    doc = office_document(f"Báo cáo {title.lower()}")
    unit = proof.broadcast.unit
    heading = _Heading(unit.name, unit.full_name or unit.name, now, title)
    office_header(doc, heading, settings)
    office_title(doc, heading, settings)
    para(doc, f"“{proof.broadcast.title}”", 13, bold=True, align=CENTER, space_after=6)
    _intro(doc, proof, settings)
    para(doc, "CHI TIẾT TỪNG ĐÀI", 13, bold=True)
    rows = []
    for i, r in enumerate(proof.rows, start=1):
        aired = _local(r.aired_at, settings)
        rows.append([
            str(i), r.unit, r.channel, VI_STATE[r.state],
            f"{aired:%H:%M:%S %d/%m}" if aired else "–",
            f"{r.aired_by} ({VI_VIA[r.aired_via]})" if r.aired_by and r.aired_via else "–",
            f"{r.minutes_to_air:g}".replace(".", ",") if r.minutes_to_air is not None else "–",
        ])  # fmt: skip
    headers = ["STT", "Xã", "Đài", "Kết quả", "Giờ phát", "Xác nhận", "Số phút"]
    grid(doc, headers, rows, [1.0, 3.0, 3.6, 2.4, 2.2, 2.8, 1.5])
    office_signature(doc, settings)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
