"""compliance: scheduled_items.has_airing kept by triggers on airings, partial index of the rest

Unconfirmed items (past scheduled items with no airing) were found by an anti-join of every
scheduled item against the airing log. The flag, maintained by the database itself on every
insert, delete and re-link of an airing (whatever path writes it: confirmation, bulk import,
cascades, raw SQL), turns that into a read of a small partial index.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_scheduled_items_unconfirmed"
UNCONFIRMED = "has_airing = false"

SQLITE_TRIGGERS = {
    "trg_airings_item_insert": (
        "AFTER INSERT ON airings WHEN NEW.scheduled_item_id IS NOT NULL BEGIN "
        "UPDATE scheduled_items SET has_airing = true WHERE id = NEW.scheduled_item_id; END"
    ),
    "trg_airings_item_delete": (
        "AFTER DELETE ON airings WHEN OLD.scheduled_item_id IS NOT NULL BEGIN "
        "UPDATE scheduled_items SET has_airing = false WHERE id = OLD.scheduled_item_id; END"
    ),
    "trg_airings_item_update": (
        "AFTER UPDATE OF scheduled_item_id ON airings "
        "WHEN OLD.scheduled_item_id IS NOT NEW.scheduled_item_id BEGIN "
        "UPDATE scheduled_items SET has_airing = false WHERE id = OLD.scheduled_item_id; "
        "UPDATE scheduled_items SET has_airing = true WHERE id = NEW.scheduled_item_id; END"
    ),
}

PG_FUNCTION = """
CREATE FUNCTION loa_airings_mark_item() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        IF OLD.scheduled_item_id IS NOT NULL THEN
            UPDATE scheduled_items SET has_airing = false WHERE id = OLD.scheduled_item_id;
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        IF NEW.scheduled_item_id IS NOT NULL THEN
            UPDATE scheduled_items SET has_airing = true WHERE id = NEW.scheduled_item_id;
        END IF;
    END IF;
    RETURN NULL;
END
$$
"""
PG_TRIGGERS = {
    "trg_airings_item_insert": (
        "AFTER INSERT ON airings FOR EACH ROW WHEN (NEW.scheduled_item_id IS NOT NULL)"
    ),
    "trg_airings_item_delete": (
        "AFTER DELETE ON airings FOR EACH ROW WHEN (OLD.scheduled_item_id IS NOT NULL)"
    ),
    "trg_airings_item_update": (
        "AFTER UPDATE OF scheduled_item_id ON airings FOR EACH ROW "
        "WHEN (OLD.scheduled_item_id IS DISTINCT FROM NEW.scheduled_item_id)"
    ),
}


def upgrade() -> None:
    """Apply this revision."""
    # A plain ADD COLUMN: a batch would copy the table, and SQLite refuses to drop the old one
    # while airings point to its rows.
    op.add_column(
        "scheduled_items",
        sa.Column("has_airing", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.execute(
        "UPDATE scheduled_items SET has_airing = true WHERE id IN "
        "(SELECT scheduled_item_id FROM airings WHERE scheduled_item_id IS NOT NULL)"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for name, when in PG_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {when} EXECUTE FUNCTION loa_airings_mark_item()")
    else:
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
    op.create_index(
        INDEX,
        "scheduled_items",
        ["programme_id", "slot_id"],
        unique=False,
        sqlite_where=sa.text(UNCONFIRMED),
        postgresql_where=sa.text(UNCONFIRMED),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index(INDEX, table_name="scheduled_items")
    for name in SQLITE_TRIGGERS:
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON airings")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS loa_airings_mark_item()")
    op.drop_column("scheduled_items", "has_airing")
