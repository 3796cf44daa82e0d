"""agent: station agent credentials, the device's playout statements, rendition hashes

Revision ID: 0011_agent
Revises: 0013_emergency
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from content.db import JSONType, UTCDateTime

revision: str = "0011_agent"
down_revision: str | Sequence[str] | None = "0013_emergency"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "station_agents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_by", sa.String(length=120), nullable=True),
        sa.Column("last_seen_at", UTCDateTime(), nullable=True),
        sa.Column("clock_offset_seconds", sa.Float(), nullable=True),
        sa.Column("health", JSONType, nullable=True),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channels.id"],
            name=op.f("fk_station_agents_channel_id_channels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_station_agents")),
        sa.UniqueConstraint("digest", name=op.f("uq_station_agents_digest")),
    )
    with op.batch_alter_table("station_agents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_station_agents_channel_id"), ["channel_id"])
    op.create_table(
        "playout_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("scheduled_item_id", sa.Integer(), nullable=True),
        sa.Column("programme_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("reason_code", sa.String(length=40), nullable=True),
        sa.Column("reason_text", sa.String(length=300), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("device_started_at", UTCDateTime(), nullable=False),
        sa.Column("seconds_played", sa.Float(), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=True),
        sa.Column("clock_offset_seconds", sa.Float(), nullable=False),
        sa.Column("skew_flagged", sa.Boolean(), nullable=False),
        sa.Column("airing_id", sa.Integer(), nullable=True),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('aired', 'partial', 'not_aired')",
            name=op.f("ck_playout_records_playout_status_known"),
        ),
        sa.CheckConstraint(
            "seconds_played >= 0", name=op.f("ck_playout_records_seconds_nonnegative")
        ),
        sa.ForeignKeyConstraint(
            ["agent_id"],
            ["station_agents.id"],
            name=op.f("fk_playout_records_agent_id_station_agents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["airing_id"],
            ["airings.id"],
            name=op.f("fk_playout_records_airing_id_airings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channels.id"],
            name=op.f("fk_playout_records_channel_id_channels"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_playout_records_programme_id_programmes"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["scheduled_item_id"],
            ["scheduled_items.id"],
            name=op.f("fk_playout_records_scheduled_item_id_scheduled_items"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_playout_records")),
        sa.UniqueConstraint(
            "agent_id", "event_id", name=op.f("uq_playout_records_agent_id_event_id")
        ),
    )
    with op.batch_alter_table("playout_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_playout_records_airing_id"), ["airing_id"])
        batch_op.create_index("ix_playout_records_channel_started", ["channel_id", "started_at"])
        batch_op.create_index("ix_playout_records_item", ["scheduled_item_id"])
    with op.batch_alter_table("audio_assets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rendition_sha256", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_audio_assets_rendition_sha256"), ["rendition_sha256"])


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("audio_assets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audio_assets_rendition_sha256"))
        batch_op.drop_column("rendition_sha256")
    op.drop_table("playout_records")
    op.drop_table("station_agents")
