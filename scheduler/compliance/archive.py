"""File a periodic report: build it, keep its DOCX and XLSX as served, with their hashes.

Every report generated from the web goes through here, so an office can download again
exactly what it sent (same bytes, same SHA-256) and see who built it, when, for which period
and area. Operations flush, never commit: the request owns the transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from audio.messages import N_
from content.db import utcnow
from scheduler.compliance.export_docx import document_bytes
from scheduler.compliance.export_xlsx import report_xlsx_bytes
from scheduler.compliance.labels import ROMAN, Reader
from scheduler.compliance.reports import Report, build_report
from scheduler.config import Settings
from scheduler.errors import NotFound
from scheduler.models import AdminUnit, FiledReport, FiledReportFile
from scheduler.periods import Period

MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _ascii(text: str) -> str:
    """'Quý IV/2026' -> 'quy-IV-2026': a file name every mail client and office keeps intact."""
    bare = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in bare if not unicodedata.combining(c))
    out = "".join(c if c.isascii() and c.isalnum() else "-" for c in bare)
    return "-".join(part for part in out.split("-") if part)


def file_name(report: Report, fmt: str) -> str:
    """'bao-cao-quy-IV-2026-19-han-20-12-2026.docx': the deadline goes in the name, not the body."""
    period = report.period
    y, m = period.start.year, period.start.month
    words = {
        "quarter": f"quy-{ROMAN[(m - 1) // 3 + 1]}-{y}",
        "half": f"6-thang-{'dau' if m == 1 else 'cuoi'}-{y}",
        "year": f"nam-{y}",
        "month": f"thang-{m:02d}-{y}",
        "week": f"tuan-{period.label}",
    }.get(period.kind, f"{period.start:%d-%m-%Y}-den-{period.end:%d-%m-%Y}")
    area = _ascii(report.unit_code or "toan-quoc")
    due = f"-han-{report.deadline:%d-%m-%Y}" if report.deadline else ""
    return f"bao-cao-{words}-{area}{due}.{fmt}"


def _file(fmt: str, name: str, content: bytes) -> FiledReportFile:
    return FiledReportFile(
        format=fmt,
        filename=name,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )


@dataclass(frozen=True)
class Filing:
    """A built report and its files' bytes, ready to be kept (built from reads only)."""

    report: Report
    language: str
    files: dict[str, bytes]


def build_filing(
    session: Session,
    settings: Settings,
    period: Period | str,
    unit: AdminUnit | None,
    reader: Reader,
    now: dt.datetime | None = None,
) -> Filing:
    """Build the report of an area (None: the country) as DOCX and XLSX; only reads.

    Kept apart from `keep_filing` so that a web request can build in a read-only session
    (on SQLite, without holding the single write lock through the evaluation).
    """
    report = build_report(session, settings, period, unit.code if unit else None, now=now)
    files = {
        "docx": document_bytes(report, settings),
        "xlsx": report_xlsx_bytes(report, settings, reader),
    }
    return Filing(report, reader.language, files)


def keep_filing(session: Session, filing: Filing, unit: AdminUnit | None, user: str) -> FiledReport:
    """Keep a built report in the archive: who, when, period, area, and each file's hash."""
    report = filing.report
    filed = FiledReport(
        period=report.period.label,
        period_kind=report.period.kind,
        period_start=report.period.start,
        period_end=report.period.end,
        unit_id=unit.id if unit else None,
        unit_code=unit.code if unit else None,
        unit_name=report.unit_name,
        deadline=report.deadline,
        language=filing.language,
        created_by=user,
        created_at=report.generated_at,
        files=[_file(fmt, file_name(report, fmt), data) for fmt, data in filing.files.items()],
    )
    session.add(filed)
    session.flush()
    return filed


def file_report(
    session: Session,
    settings: Settings,
    period: Period | str,
    unit: AdminUnit | None,
    user: str,
    reader: Reader,
    now: dt.datetime | None = None,
) -> FiledReport:
    """Build the report and keep it, in one session (CLI, tests)."""
    filing = build_filing(session, settings, period, unit, reader, now or utcnow())
    return keep_filing(session, filing, unit, user)


def filed_reports(
    session: Session, unit_ids: set[int] | None, limit: int = 200
) -> list[FiledReport]:
    """The newest filed reports of these areas (None: every report, for admins)."""
    query = (
        select(FiledReport)
        .options(selectinload(FiledReport.files))
        .order_by(FiledReport.created_at.desc(), FiledReport.id.desc())
        .limit(limit)
    )
    if unit_ids is not None:
        query = query.where(FiledReport.unit_id.in_(sorted(unit_ids)))
    return list(session.scalars(query))


def filed_file(session: Session, report_id: int, fmt: str) -> tuple[FiledReport, FiledReportFile]:
    """A filed report and one of its files, with the bytes; NotFound when either is missing."""
    filed = session.get(FiledReport, report_id)
    found = filed.file(fmt) if filed is not None else None
    if filed is None or found is None:
        raise NotFound(N_("There is no such filed report."), code="report.not_found")
    return filed, found
