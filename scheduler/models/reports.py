"""The report archive: every periodic report generated, kept as it was filed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from content.db import Base, utcnow

REPORT_FORMATS = ("docx", "xlsx")


class FiledReport(Base):
    """One generated report: who, when, which period and area (as named when it was filed)."""

    __tablename__ = "filed_reports"
    __table_args__ = (Index("ix_filed_reports_unit_created", "unit_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(40))  # "2026-Q4", "2026-01-01..2026-03-31"
    period_kind: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("admin_units.id", ondelete="RESTRICT")
    )  # None: the whole country
    unit_code: Mapped[str | None] = mapped_column(String(16))
    unit_name: Mapped[str] = mapped_column(String(250))
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(5))  # of the spreadsheet; the DOCX is Vietnamese
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    files: Mapped[list[FiledReportFile]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="FiledReportFile.format"
    )

    def file(self, fmt: str) -> FiledReportFile | None:
        """The file of a format, if it was filed."""
        return next((f for f in self.files if f.format == fmt), None)


class FiledReportFile(Base):
    """One file of a filed report: its bytes exactly as served, their size and SHA-256."""

    __tablename__ = "filed_report_files"
    __table_args__ = (
        CheckConstraint("format IN ('docx', 'xlsx')", name="format_known"),
        CheckConstraint("size = length(content)", name="size_matches"),
        Index("ix_filed_report_files_report_format", "report_id", "format", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("filed_reports.id", ondelete="CASCADE"))
    format: Mapped[str] = mapped_column(String(8))
    filename: Mapped[str] = mapped_column(String(200))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)

    report: Mapped[FiledReport] = relationship(back_populates="files")
