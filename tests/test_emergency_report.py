"""Emergency airings are counted apart: not in the rules, in a table of the periodic report."""

from __future__ import annotations

import io

from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from content.db import utcnow
from scheduler.compliance.export_docx import document_bytes
from scheduler.compliance.export_xlsx import report_xlsx_bytes
from scheduler.compliance.reports import build_report
from scheduler.config import Settings
from scheduler.emergency import airing
from scheduler.emergency import issue as ops
from scheduler.emergency.models import EmergencyDelivery
from scheduler.models import Airing
from scheduler.periods import Week, local_date_of
from tests.emergency_helpers import build_area


def test_periodic_report_lists_emergencies_apart(session: Session, settings: Settings) -> None:
    area = build_area(session)
    now = utcnow()
    req = ops.Request(area.programme, area.province_a, 15, title="Cảnh báo bão số 3")
    b = ops.issue(session, settings, req, ops.Issuer("root", "admin"), now)
    first = session.scalars(
        select(EmergencyDelivery).where(EmergencyDelivery.broadcast_id == b.id)
    ).first()
    assert first is not None
    airing.report_by_agent(session, first.id, "aired", "agent:1", now, seconds=30)
    session.commit()
    week = Week.of(local_date_of(now, settings.zone))
    report = build_report(session, settings, str(week), "91", now=now)
    assert [(e.title, e.stations, e.aired, e.within_deadline) for e in report.emergencies] == [
        ("Cảnh báo bão số 3", 3, 1, 1)
    ]
    assert report.total.aired == 0 and report.total.unplanned == 0  # not in the rules' counts
    assert session.scalar(select(Airing.id)) is None
    other = build_report(session, settings, str(week), "92", now=now)
    assert other.emergencies == []
    text = "\n".join(
        p.text for p in Document(io.BytesIO(document_bytes(report, settings))).paragraphs
    )
    assert "1 tin khẩn (tính riêng, không tính vào mức độ đạt chỉ tiêu" in text
    book = load_workbook(io.BytesIO(report_xlsx_bytes(report, settings)))
    rows = list(book["Emergency broadcasts"].iter_rows(min_row=2, values_only=True))
    assert [r[1:] for r in rows] == [("Cảnh báo bão số 3", 3, 1, 1)]
