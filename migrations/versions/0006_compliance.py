"""compliance: index scheduled items by programme and slot (rule counts, unconfirmed items)

Revision ID: 0006
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("scheduled_items", schema=None) as batch_op:
        batch_op.create_index(
            "ix_scheduled_items_programme_slot", ["programme_id", "slot_id"], unique=False
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("scheduled_items", schema=None) as batch_op:
        batch_op.drop_index("ix_scheduled_items_programme_slot")
