"""Roll-ups, merged units, the pre-publish check, periodic reports and their exports."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from scheduler.compliance import evaluate, precheck
from scheduler.compliance.export_docx import write_docx
from scheduler.compliance.export_flat import report_csv, report_json, result_csv, result_json
from scheduler.compliance.export_xlsx import write_result_xlsx, write_xlsx
from scheduler.compliance.reports import build_report, deadline_of
from scheduler.compliance.rollup import COUNTRY, rollup
from scheduler.config import Rule, Settings
from scheduler.periods import Period, Week
from tests import factories as f
from tests.compliance_data import airing, channel_with_languages, item
from tests.readers import VI

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2025, 10, 15, tzinfo=dt.UTC)
REFORM = dt.date(2025, 7, 1)
WEEKLY = Rule(id="ntm", name_vi="Nông thôn mới hằng tuần", name_en="NTM weekly", source="test",
              channel_kinds=("commune_radio",), topics=("ntm",), period="week", minimum=1,
              target=2)  # fmt: skip


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=VN).astimezone(dt.UTC)


@pytest.fixture
def merged(session: Session):
    """Two legacy communes (district 024, province 02) merged on 1 July 2025 into commune
    00701 of province 08; a station in each, the old ones closed on 30 June 2025."""
    old_p = f.unit(session, "Hà Giang", level="province", code="02", structure="legacy",
                   valid_from=dt.date(2008, 1, 1), valid_to=REFORM)  # fmt: skip
    old_d = f.unit(session, "Vị Xuyên", level="district", code="024", parent=old_p,
                   structure="legacy", valid_from=dt.date(2008, 1, 1), valid_to=REFORM)  # fmt: skip
    new_p = f.unit(session, "Tuyên Quang", level="province", code="08", valid_from=REFORM)
    new_c = f.unit(session, "Xã Vị Xuyên", parent=new_p, code="00701", valid_from=REFORM)
    other = f.unit(session, "Xã Khác", parent=new_p, code="00702", valid_from=REFORM)
    olds = []
    for code, name in (("00700", "Xã Đạo Đức"), ("00703", "Xã Việt Lâm")):
        u = f.unit(session, name, parent=old_d, code=code, structure="legacy",
                   valid_from=dt.date(2008, 1, 1), valid_to=REFORM)  # fmt: skip
        u.successor = new_c
        olds.append(channel_with_languages(session, u, "commune_radio", ("vi",),
                                           dt.date(2020, 1, 1), REFORM - dt.timedelta(days=1),
                                           name=f"Đài {name}"))  # fmt: skip
    new = channel_with_languages(session, new_c, "commune_radio", ("vi",), REFORM,
                                 name="Đài xã Vị Xuyên")  # fmt: skip
    quiet = channel_with_languages(session, other, "commune_radio", ("vi",), REFORM,
                                   name="Đài xã Khác")  # fmt: skip
    prog = f.programme(session, seconds=600)
    off = f.programme(session, "Ca nhạc", topics=("du_lich",), seconds=600)
    # Monday 30 June 2025 is in 2025-W27, the first week of 2025-Q3 (Thursday 3 July).
    airing(session, olds[0], prog, at(dt.date(2025, 6, 30), 6), VN)
    for w in range(27, 40):
        monday = Week(2025, w).monday
        airing(session, new, prog, at(monday + dt.timedelta(days=2), 6), VN)
        airing(session, new, prog, at(monday + dt.timedelta(days=3), 6), VN)
        si = item(session, quiet, off, monday + dt.timedelta(days=1), dt.time(17), VN)
        if w % 2:
            airing(session, quiet, off, at(monday + dt.timedelta(days=1), 17), VN, "not_aired",
                   item=si, reason="hong_thiet_bi")  # fmt: skip
    session.commit()
    return {"old": olds, "new": new, "quiet": quiet, "new_commune": new_c, "old_p": old_p}


def test_q3_2025_report_over_old_and_new_units(
    session: Session, settings: Settings, merged
) -> None:
    s = dataclasses.replace(settings, rules=(WEEKLY,))
    result = evaluate(session, s, "2025-Q3", unit_code="08", now=NOW)
    chans = {cr.channel.id: cr for cr in result.rule("ntm").channels}
    assert set(chans) == {c.id for c in (*merged["old"], merged["new"], merged["quiet"])}
    first = chans[merged["old"][0].id]
    assert first.applicable == 1 and first.met == 1 and first.status == "minimum_met"
    assert chans[merged["old"][1].id].status == "below_minimum"  # aired nothing in W27
    assert chans[merged["new"].id].status == "target_met"
    roll = rollup(result, "ntm")
    commune = roll[merged["new_commune"].id]
    assert (commune.channels, commune.periods_met, commune.periods_applicable) == (3, 14, 15)
    assert roll[COUNTRY].channels == 4 and roll[COUNTRY].below_minimum == 2
    # The old province is still reportable for the same quarter: only its own stations.
    old = evaluate(session, s, "2025-Q3", unit_code="02", now=NOW)
    assert {cr.channel.id for cr in old.rule("ntm").channels} == {c.id for c in merged["old"]}
    # Before the reform the new province did not exist.
    with pytest.raises(Exception, match="08"):
        evaluate(session, s, "2025-Q1", unit_code="08", now=NOW)


def test_report_parts(session: Session, settings: Settings, merged) -> None:
    s = dataclasses.replace(settings, rules=(WEEKLY,))
    report = build_report(session, s, "2025-Q3", "08", now=NOW)
    assert report.deadline == dt.date(2025, 9, 20)
    assert [r.code for r in report.summary] == ["00701", "00702"]
    vx, quiet = report.summary
    assert (vx.communes, vx.communes_with_station) == (3, 3)  # itself and the two merged
    assert report.total.communes_with_station == 4
    assert vx.rules["ntm"].share_minimum == pytest.approx(2 / 3)
    assert quiet.planned == 13 and quiet.not_aired == 7 and quiet.unconfirmed == 6
    below = {b.result.channel.name: b for b in report.below}
    assert below["Đài xã Khác"].reasons == {"hong_thiet_bi": 7}
    assert len(below["Đài xã Khác"].result.missed) == 13
    assert dict((k, n) for k, n, _ in report.by_topic) == {"ntm": 27}
    assert report.total.minutes == pytest.approx(270.0)
    data = json.loads(report_json(report))
    assert data["total"]["rules"]["ntm"]["below_minimum"] == 2
    rows = list(csv.DictReader(io.StringIO(report_csv(report, s, VI))))
    assert rows[-1]["Quy định"] == "Nông thôn mới hằng tuần"
    assert rows[-1]["Số đơn vị cấp xã có đài"] == "4"
    assert rows[-1]["Tỷ lệ đạt tối thiểu (%)"] == "50"  # 2 of the 4 stations


def test_deadlines_from_config(settings: Settings) -> None:
    assert deadline_of(settings, Period.parse("2026-Q4")) == dt.date(2026, 12, 20)
    assert deadline_of(settings, Period.parse("2026-H1")) == dt.date(2026, 6, 15)
    assert deadline_of(settings, Period.parse("2026")) == dt.date(2026, 12, 10)
    assert deadline_of(settings, Period.parse("2026-01-01..2026-02-01")) is None


def test_precheck_of_a_draft_week(session: Session, settings: Settings) -> None:
    province = f.unit(session, "Tỉnh", level="province", code="97")
    a = channel_with_languages(session, f.unit(session, "Xã A", parent=province, code="97001"),
                               "commune_radio", ("vi",), dt.date(2020, 1, 1))  # fmt: skip
    b = channel_with_languages(session, f.unit(session, "Xã B", parent=province, code="97002"),
                               "commune_radio", ("vi",), dt.date(2020, 1, 1))  # fmt: skip
    prog = f.programme(session, seconds=600)
    week = Week(2026, 49)
    for day in (0, 2):
        item(session, a, prog, week.monday + dt.timedelta(days=day), dt.time(6), VN, "draft")
    item(session, b, f.programme(session, "Khác", topics=("y_te",)), week.monday, dt.time(6), VN,
         "draft")  # fmt: skip
    session.commit()
    s = dataclasses.replace(settings, rules=(WEEKLY,))
    check = precheck(session, s, "2026-W49", "97")
    assert not check.ok
    assert [(x.channel.id, x.planned, x.missing) for x in check.shortfalls] == [(b.id, 0.0, 1.0)]
    short = check.shortfalls[0]
    assert "còn thiếu 1" in short.in_language("vi") and "1 short" in short.in_language("en")


def test_exports_xlsx_docx_csv_json(session: Session, settings: Settings, merged, tmp_path):
    quarterly = dataclasses.replace(WEEKLY, id="ntm_q", name_vi="Nông thôn mới hằng quý",
                                    name_en="NTM quarterly", period="quarter")  # fmt: skip
    s = dataclasses.replace(settings, rules=(WEEKLY, quarterly))
    report = build_report(session, s, "2025-Q3", "08", now=NOW)
    xlsx = write_xlsx(report, s, tmp_path / "r.xlsx", VI)
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["Tổng hợp", "Các quy định", "Đài chưa đạt", "Chưa xác nhận",
                             "Nội dung đã phát", "Kế hoạch - thực hiện", "Chi tiết",
                             "Báo cáo"]  # fmt: skip
    summary = wb["Tổng hợp"]
    assert summary.freeze_panes == "A2"
    assert summary["A1"].value == "Mã đơn vị" and summary["A1"].font.bold
    assert summary.cell(row=2, column=11).number_format == "0.0%"
    assert summary.cell(row=2, column=5).value == "Nông thôn mới hằng tuần"
    assert summary.cell(row=3, column=5).value == "Nông thôn mới hằng quý"
    assert wb["Kế hoạch - thực hiện"].cell(row=2, column=3).number_format == "#,##0"
    docx_path = write_docx(report, s, tmp_path / "r.docx")
    doc = Document(str(docx_path))
    header = "\n".join(c.text for c in doc.tables[0].rows[0].cells)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header
    assert "Độc lập - Tự do - Hạnh phúc" in header and "Số:" in header and "/BC-VPĐP" in header
    assert "UBND TUYÊN QUANG" in header and "ngày 15 tháng 10 năm 2025" in header
    texts = [p.text for p in doc.paragraphs]
    assert "BÁO CÁO" in texts
    assert any("quý III năm 2025 (từ ngày 01/07 đến ngày 30/09/2025)" in t for t in texts)
    assert "Nơi nhận:" in doc.tables[-1].rows[0].cells[0].text
    assert "CHÁNH VĂN PHÒNG" in doc.tables[-1].rows[0].cells[1].text
    assert len(doc.inline_shapes) == 1  # the chart
    result = report.result
    data = json.loads(result_json(result))
    entry = data["rules"][0]["channels"][0]
    assert {"channel_id", "channel_name", "unit_code", "period", "count", "status"} <= set(entry)
    rows = list(csv.DictReader(io.StringIO(result_csv(result, s, VI))))
    assert len(rows) == sum(len(cr.spans) for rr in result.rules for cr in rr.channels)
    assert rows[0]["Quy định"] == "Nông thôn mới hằng tuần"
    assert rows[0]["Kỳ"] == "Tuần 27 (30/06–06/07)" and rows[0]["Tình trạng"] == "Đạt tối thiểu"
    out = write_result_xlsx(result, s, tmp_path / "c.xlsx", VI)
    assert load_workbook(out).sheetnames == [
        "Tổng quan", "1. Nông thôn mới hằng tuần", "2. Nông thôn mới hằng quý"
    ]  # fmt: skip
