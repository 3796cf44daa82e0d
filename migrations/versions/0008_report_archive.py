"""report archive: every periodic report generated, its DOCX and XLSX kept with their hashes

Revision ID: 0008_report_archive
Revises: 0007
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from content.db import UTCDateTime

revision: str = "0008_report_archive"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "filed_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=40), nullable=False),
        sa.Column("period_kind", sa.String(length=10), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("unit_code", sa.String(length=16), nullable=True),
        sa.Column("unit_name", sa.String(length=250), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["admin_units.id"],
            name=op.f("fk_filed_reports_unit_id_admin_units"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_filed_reports")),
    )
    op.create_index(
        "ix_filed_reports_unit_created", "filed_reports", ["unit_id", "created_at"], unique=False
    )
    op.create_table(
        "filed_report_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint(
            "format IN ('docx', 'xlsx')", name=op.f("ck_filed_report_files_format_known")
        ),
        sa.CheckConstraint(
            "size = length(content)", name=op.f("ck_filed_report_files_size_matches")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["filed_reports.id"],
            name=op.f("fk_filed_report_files_report_id_filed_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_filed_report_files")),
    )
    op.create_index(
        "ix_filed_report_files_report_format",
        "filed_report_files",
        ["report_id", "format"],
        unique=True,
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_filed_report_files_report_format", table_name="filed_report_files")
    op.drop_table("filed_report_files")
    op.drop_index("ix_filed_reports_unit_created", table_name="filed_reports")
    op.drop_table("filed_reports")
