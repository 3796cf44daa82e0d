"""programme_scripts: the text of programmes made by text-to-speech, kept and editable

Also the merge point of the branches before it (a single head from here on).

Revision ID: 0009
Revises: 0002, 0003, 0004, 0008_report_archive
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import content.db

revision: str = "0009"
down_revision: str | Sequence[str] | None = ("0002", "0003", "0004", "0008_report_archive")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "programme_scripts",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("reading", sa.Text(), nullable=False),
        sa.Column("backend", sa.String(length=20), nullable=False),
        sa.Column("voice", sa.String(length=255), nullable=False),
        sa.Column("speed", sa.Float(), nullable=False),
        sa.Column("audio_asset_id", sa.Integer(), nullable=True),
        sa.Column("synthesized_by", sa.String(length=120), nullable=False),
        sa.Column("synthesized_at", content.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("speed > 0", name=op.f("ck_programme_scripts_speed_positive")),
        sa.ForeignKeyConstraint(
            ["audio_asset_id"],
            ["audio_assets.id"],
            name=op.f("fk_programme_scripts_audio_asset_id_audio_assets"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_programme_scripts_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("programme_id", name=op.f("pk_programme_scripts")),
    )
    op.create_index(
        op.f("ix_programme_scripts_audio_asset_id"),
        "programme_scripts",
        ["audio_asset_id"],
        unique=False,
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index(op.f("ix_programme_scripts_audio_asset_id"), table_name="programme_scripts")
    op.drop_table("programme_scripts")
