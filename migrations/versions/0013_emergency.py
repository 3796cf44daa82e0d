"""emergency: emergency broadcasts and their per-station deliveries (issue 14)

An emergency broadcast goes to every station of an area; each station's airing of each
occurrence (the first at once, then repeats) is one delivery row with its state, when and by
whom it aired. The lead rechains down_revision at merge time.

Revision ID: 0013_emergency
Revises: 0010
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import content.db

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

revision: str = "0013_emergency"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "emergency_broadcasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("channel_kinds", JSON, nullable=False),
        sa.Column("channel_ids", JSON, nullable=False),
        sa.Column("deadline_minutes", sa.Integer(), nullable=False),
        sa.Column("repeat_times", JSON, nullable=False),
        sa.Column("repeat_every_minutes", sa.Integer(), nullable=True),
        sa.Column("repeat_until", content.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("expires_at", content.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("issued_by", sa.String(length=120), nullable=False),
        sa.Column("issued_at", content.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.String(length=120), nullable=True),
        sa.Column("approved_at", content.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("effective_at", content.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_by", sa.String(length=120), nullable=True),
        sa.Column("cancelled_at", content.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", content.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "state IN ('awaiting_approval', 'active', 'cancelled')",
            name=op.f("ck_emergency_broadcasts_state_known"),
        ),
        sa.CheckConstraint(
            "deadline_minutes > 0", name=op.f("ck_emergency_broadcasts_deadline_positive")
        ),
        sa.CheckConstraint(
            "repeat_every_minutes IS NULL OR repeat_every_minutes > 0",
            name=op.f("ck_emergency_broadcasts_every_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_emergency_broadcasts_programme_id_programmes"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["admin_units.id"],
            name=op.f("fk_emergency_broadcasts_unit_id_admin_units"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emergency_broadcasts")),
    )
    with op.batch_alter_table("emergency_broadcasts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_emergency_broadcasts_effective_at"), ["effective_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_emergency_broadcasts_updated_at"), ["updated_at"], unique=False
        )

    op.create_table(
        "emergency_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("broadcast_id", sa.Integer(), nullable=False),
        sa.Column("occurrence", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("due_at", content.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("delivered_at", content.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("playing_at", content.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("aired_at", content.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("aired_by", sa.String(length=120), nullable=True),
        sa.Column("aired_via", sa.String(length=8), nullable=True),
        sa.Column("seconds", sa.Integer(), nullable=True),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.Column("notified_at", content.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", content.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", content.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", content.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "aired_via IS NULL OR aired_via IN ('agent', 'person')",
            name=op.f("ck_emergency_deliveries_via_known"),
        ),
        sa.CheckConstraint(
            "state IN ('waiting', 'delivered', 'playing', 'aired', 'failed', 'no_answer', 'cancelled')",
            name=op.f("ck_emergency_deliveries_state_known"),
        ),
        sa.CheckConstraint(
            "seconds IS NULL OR seconds >= 0",
            name=op.f("ck_emergency_deliveries_seconds_nonnegative"),
        ),
        sa.ForeignKeyConstraint(
            ["broadcast_id"],
            ["emergency_broadcasts.id"],
            name=op.f("fk_emergency_deliveries_broadcast_id_emergency_broadcasts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channels.id"],
            name=op.f("fk_emergency_deliveries_channel_id_channels"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_emergency_deliveries_programme_id_programmes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emergency_deliveries")),
        sa.UniqueConstraint(
            "broadcast_id",
            "occurrence",
            "channel_id",
            name=op.f("uq_emergency_deliveries_broadcast_id_occurrence_channel_id"),
        ),
    )
    with op.batch_alter_table("emergency_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_emergency_deliveries_channel_state", ["channel_id", "state"], unique=False
        )
        batch_op.create_index("ix_emergency_deliveries_open_due", ["state", "due_at"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("emergency_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_emergency_deliveries_open_due")
        batch_op.drop_index("ix_emergency_deliveries_channel_state")

    op.drop_table("emergency_deliveries")
    with op.batch_alter_table("emergency_broadcasts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_emergency_broadcasts_updated_at"))
        batch_op.drop_index(batch_op.f("ix_emergency_broadcasts_effective_at"))

    op.drop_table("emergency_broadcasts")
