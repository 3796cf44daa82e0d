"""harden: server-side web sessions (signing out ends them) and users.auth_version

A signed cookie alone stayed valid for its whole lifetime after signing out; now the cookie
names a row of web_sessions, deleted on sign-out. users.auth_version is bumped whenever a user
is disabled, gets a new password or a new role or scope: token requests read it, so no process
acts on a stale cached principal.

Revision ID: 0012_harden
Revises: 0011_agent
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import content.db

revision: str = "0012_harden"
down_revision: str | Sequence[str] | None = "0011_agent"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add web_sessions and users.auth_version."""
    op.create_table(
        "web_sessions",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", content.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_web_sessions_user_id_users"),
            ondelete="CASCADE",
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_web_sessions")),
    )
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_sessions_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("auth_version", sa.Integer(), nullable=False, server_default="1")
        )


def downgrade() -> None:
    """Drop them again."""
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("auth_version")
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_sessions_user_id"))
    op.drop_table("web_sessions")
