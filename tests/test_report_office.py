"""The periodic report as an office files it: DOCX per ND 30/2020 rendered by LibreOffice,
CSV and XLSX in the reader's language, the running week never missed, the report archive."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import re
import shutil
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from scheduler.compliance.archive import file_report, filed_file, filed_reports
from scheduler.compliance.chart import chart_font
from scheduler.compliance.export_docx import write_docx
from scheduler.compliance.export_flat import csv_bytes, report_csv
from scheduler.compliance.export_xlsx import write_xlsx
from scheduler.compliance.reports import build_report
from scheduler.config import ReportLayout, Rule, Settings
from scheduler.periods import Week
from tests import factories as f
from tests.compliance_data import airing, channel_with_languages
from tests.readers import EN, VI

VN = ZoneInfo("Asia/Ho_Chi_Minh")
# Thursday 3 December 2026: week 49 (30/11–06/12) of quarter IV is still running.
NOW = dt.datetime(2026, 12, 3, 3, 0, tzinfo=dt.UTC)
WEEKLY = Rule(id="ntm_commune_weekly", name_vi="Tin bài nông thôn mới trên đài xã",
              name_en="New Rural Development on commune stations", source="test",
              channel_kinds=("commune_radio",), topics=("ntm",), period="week", minimum=1,
              target=2)  # fmt: skip
DISTRICT = dataclasses.replace(
    WEEKLY,
    id="ntm_district_column",
    name_vi="Chuyên mục huyện",
    name_en="District column",
    channel_kinds=("district_radio",),
)
LAYOUT = ReportLayout(
    addressees=("Ban Chỉ đạo các Chương trình mục tiêu quốc gia tỉnh",),
    sign_as="KT.",
    on_behalf_of="CHÁNH VĂN PHÒNG",
    signer_title="PHÓ CHÁNH VĂN PHÒNG",
    signer_name="Nguyễn Thị Minh Hằng",
    recipients=("Như trên", "UBND tỉnh (để b/c)", "Lưu: VT"),
)


def at(day: dt.date, hour: int = 6) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=VN).astimezone(dt.UTC)


@pytest.fixture
def office(session: Session, settings: Settings):
    """A province of two xã, a phường and an đặc khu, stations airing NTM through Q4 2026;
    the đặc khu's station airs nothing in week 49, which is still running at NOW."""
    s = dataclasses.replace(settings, rules=(WEEKLY, DISTRICT), report_layout=LAYOUT)
    province = f.unit(session, "Tỉnh Thử", level="province", code="96")
    prog = f.programme(session, "Bản tin nông thôn mới", seconds=600)
    channels = []
    for i, (name, kind) in enumerate(
        (
            ("Xã An Bình", "Xã"),
            ("Xã Hòa Lạc", "Xã"),
            ("Phường Trung Tâm", "Phường"),
            ("Đặc khu Cồn Cỏ", "Đặc khu"),
        )  # fmt: skip
    ):
        unit = f.unit(session, name, parent=province, code=f"9600{i}")
        unit.unit_type = kind
        ch = channel_with_languages(session, unit, "commune_radio", ("vi",), dt.date(2025, 7, 1),
                                    name=f"Đài {name}")  # fmt: skip
        channels.append(ch)
        for w in range(40, 50):
            monday = Week(2026, w).monday
            times = 0 if (i == 3 and w in (45, 49)) else (1 if i == 1 else 2)
            for k in range(times):
                airing(session, ch, prog, at(monday + dt.timedelta(days=k)), VN)
        if i == 1:
            airing(session, ch, prog, at(Week(2026, 44).monday, 17), VN, "partial", seconds=240)
    session.commit()
    return s, channels


def test_running_week_is_shown_never_missed(session: Session, office) -> None:
    s, channels = office
    report = build_report(session, s, "2026-Q4", "96", now=NOW)
    assert report.in_progress == ["2026-W49"]
    cr = {c.channel.id: c for c in report.result.rule(WEEKLY.id).channels}
    island = cr[channels[3].id]
    assert [p.label for p in island.missed] == ["2026-W45"]  # W49 is running, not missed
    assert (island.met, island.applicable) == (8, 9)  # weeks 40..48 passed
    assert island.statuses[-1] == "running"
    assert report.total.rules[WEEKLY.id].running == 0  # no channel is *only* running
    assert report.rules_in_area == [WEEKLY.id]  # the district rule applies to no station here
    assert report.commune_types == {"xã": (2, 2), "phường": (1, 1), "đặc khu": (1, 1)}


def _pdf_pages(docx: Path, work: Path) -> list[str]:
    """LibreOffice converts the DOCX to PDF; pdftotext gives each page's text."""
    proc = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{work}/profile",
         "--convert-to", "pdf", "--outdir", str(work), str(docx)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    pdf = work / (docx.stem + ".pdf")
    assert proc.returncode == 0 and pdf.exists(), proc.stdout + proc.stderr
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True, timeout=60).stdout  # fmt: skip
    return text.split("\f")


@pytest.mark.skipif(
    not shutil.which("soffice") or not shutil.which("pdftotext"),
    reason="LibreOffice and poppler-utils are needed (installed by .ci/run)",
)
def test_docx_rendered_by_libreoffice_reads_as_an_official_report(
    session: Session, office, tmp_path: Path
) -> None:
    s, _ = office
    report = build_report(session, s, "2026-Q4", "96", now=NOW)
    pages = [p for p in _pdf_pages(write_docx(report, s, tmp_path / "r.docx"), tmp_path)
             if p.strip()]  # fmt: skip
    assert len(pages) >= 2
    lines = "\n".join(re.sub(r"[ \t]+", " ", p) for p in pages)
    text = re.sub(r"\s+", " ", lines)  # phrases wrap across lines
    # Page numbers centred at the top from page 2 (page 1 shows none).
    assert not re.match(r"\s*1\s*\n", pages[0])
    for number, page in enumerate(pages[1:], start=2):
        assert page.strip().splitlines()[0].strip() == str(number)
    assert "Kính gửi: Ban Chỉ đạo các Chương trình mục tiêu quốc gia tỉnh." in text
    assert "quý IV năm 2026 (từ ngày 01/10 đến ngày 31/12/2026)" in text
    assert "thứ Năm thuộc kỳ báo cáo" in text  # the ISO-week attribution, once, in a note
    assert text.count("thứ Năm thuộc kỳ") == 1
    assert "4 đơn vị hành chính cấp xã (2 xã, 1 phường, 1 đặc khu)" in text
    assert "tuần 45 (02/11–08/11)" in text and "Tin bài nông thôn mới trên đài xã" in text
    assert "Tuần 49 (30/11–06/12) đang diễn ra" in text
    assert "tuần 49 (30/11–06/12)" not in text.split("III.")[1].split("IV.")[0]  # not missed
    # Signature block: KT. form, the signer's title, space for signature and seal, full name.
    sign = lines[lines.index("KT. CHÁNH VĂN PHÒNG") :]
    assert "PHÓ CHÁNH VĂN PHÒNG" in sign and "Nguyễn Thị Minh Hằng" in sign
    gap = sign.split("PHÓ CHÁNH VĂN PHÒNG")[1].split("Nguyễn Thị Minh Hằng")[0]
    assert gap.count("\n") >= 4  # room to sign and seal
    assert "Nơi nhận:" in text and "- Như trên;" in text and "- Lưu: VT." in text
    # No rule id, no ISO week code, no deadline in the body (it goes in the file name).
    for rid in (WEEKLY.id, DISTRICT.id):
        assert rid not in text
    assert not re.search(r"\d{4}-W\d{1,2}", text) and "ISO" not in text
    assert "hạn nộp" not in text.lower() and "20/12/2026" not in text


def test_docx_runs_and_chart_are_times_new_roman(session: Session, office, tmp_path) -> None:
    from docx import Document

    s, _ = office
    report = build_report(session, s, "2026-Q4", "96", now=NOW)
    doc = Document(str(write_docx(report, s, tmp_path / "r.docx")))
    runs = [r for p in doc.paragraphs for r in p.runs if r.text.strip()]
    runs += [r for t in doc.tables for row in t.rows for c in row.cells
             for p in c.paragraphs for r in p.runs if r.text.strip()]  # fmt: skip
    assert runs and all(r.font.name == "Times New Roman" for r in runs)
    assert doc.sections[0].different_first_page_header_footer
    assert chart_font() in ("Times New Roman", "Liberation Serif", "Tinos", "Nimbus Roman",
                            "TeX Gyre Termes")  # fmt: skip


def test_csv_and_xlsx_in_the_readers_language(session: Session, office, tmp_path) -> None:
    s, _ = office
    report = build_report(session, s, "2026-Q4", "96", now=NOW)
    data = csv_bytes(report_csv(report, s, VI))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0])[:5] == ["Mã đơn vị", "Đơn vị", "Số đơn vị cấp xã",
                                 "Số đơn vị cấp xã có đài", "Quy định"]  # fmt: skip
    assert {r["Quy định"] for r in rows} == {"Tin bài nông thôn mới trên đài xã"}  # applicable
    english = list(csv.DictReader(io.StringIO(report_csv(report, s, EN))))
    assert english[0]["Rule"] == "New Rural Development on commune stations"
    wb = load_workbook(write_xlsx(report, s, tmp_path / "vi.xlsx", VI))
    summary = wb["Tổng hợp"]
    assert [c.value for c in summary[1]][:5] == ["Mã đơn vị", "Đơn vị", "Số đơn vị cấp xã",
                                                 "Số đơn vị cấp xã có đài", "Quy định"]  # fmt: skip
    names = {row[4] for row in summary.iter_rows(min_row=2, values_only=True)}
    assert names == {"Tin bài nông thôn mới trên đài xã"}  # no row for the district rule
    below = wb["Đài chưa đạt"]
    missed = [row[6] for row in below.iter_rows(min_row=2, values_only=True)]
    assert missed == ["Tuần 45 (02/11–08/11)"]
    detail = [row[5] for row in wb["Chi tiết"].iter_rows(min_row=2, values_only=True)]
    assert "Tuần 49 (30/11–06/12)" in detail and not any("-W" in str(d) for d in detail)
    statuses = {row[9] for row in wb["Chi tiết"].iter_rows(min_row=2, values_only=True)}
    assert "Đang diễn ra" in statuses
    assert wb["Báo cáo"]["B3"].value == "Quý IV/2026"
    en = load_workbook(write_xlsx(report, s, tmp_path / "en.xlsx", EN))
    assert en.sheetnames[0] == "Summary" and en["Summary"]["E1"].value == "Rule"
    assert en["Summary"]["E2"].value == "New Rural Development on commune stations"


def test_archive_keeps_each_report_as_filed(session: Session, office) -> None:
    from scheduler.models import AdminUnit

    s, _ = office
    unit = session.query(AdminUnit).filter_by(code="96").one()
    first = file_report(session, s, "2026-Q4", unit, "giamsat", VI, now=NOW)
    second = file_report(session, s, "2026-Q4", unit, "giamsat", VI, now=NOW + dt.timedelta(1))
    session.commit()
    assert [r.id for r in filed_reports(session, {unit.id})] == [second.id, first.id]
    filed, docx = filed_file(session, first.id, "docx")
    assert (filed.created_by, filed.period, filed.unit_code) == ("giamsat", "2026-Q4", "96")
    assert docx.filename == "bao-cao-quy-IV-2026-96-han-20-12-2026.docx"
    assert hashlib.sha256(docx.content).hexdigest() == docx.sha256 and docx.size > 10_000
    assert filed.file("xlsx").content[:2] == b"PK"
    assert filed_reports(session, {unit.id + 999}) == []
