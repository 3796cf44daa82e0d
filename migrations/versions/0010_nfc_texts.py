"""text: stored titles and names in Unicode NFC, as every text entering Loa now is

Text with its tone marks as separate combining characters (legacy code pages, some keyboards)
was stored as it came, so the same title compared unequal and searches missed it. New text is
normalised at the door (content.text.clean_text); this brings the rows written before to the
same form. Only rows that change are written; nothing is reverted on downgrade (NFC is the same
text).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
# After the merge revision 0009: the texts live in tables of every branch (feeds, users, units...).
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Texts people read and search. User names stay as they are (unique, and ASCII by rule).
COLUMNS = {
    "programmes": ("title", "producer", "description"),
    "feed_sources": ("name",),
    "feed_items": ("title", "text"),
    "channels": ("name",),
    "loudspeaker_clusters": ("name",),
    "slot_patterns": ("name",),
    "admin_units": ("name", "full_name", "name_en"),
    "airings": ("reason_text",),
    "users": ("display_name",),
}
BATCH = 1000


def _nfc(value: str | None) -> str | None:
    return None if value is None else unicodedata.normalize("NFC", value)


def normalise(conn: sa.Connection, table: str, columns: Sequence[str]) -> int:
    """Rewrite the rows of `table` whose `columns` are not NFC; return how many changed."""
    t = sa.table(table, sa.column("id"), *(sa.column(c) for c in columns))
    stmt = (
        sa.update(t)
        .where(t.c.id == sa.bindparam("row_id"))
        .values({c: sa.bindparam(f"new_{c}") for c in columns})
    )
    changed: list[dict[str, object]] = []
    count = 0
    last = 0
    while True:  # keyset pages: no long-lived cursor while updating the same table
        rows = conn.execute(sa.select(t).where(t.c.id > last).order_by(t.c.id).limit(BATCH)).all()
        if not rows:
            break
        last = rows[-1].id
        for row in rows:
            values = {c: getattr(row, c) for c in columns}
            fixed = {c: _nfc(v) for c, v in values.items()}
            if fixed != values:
                changed.append({"row_id": row.id, **{f"new_{c}": v for c, v in fixed.items()}})
        if changed:
            conn.execute(stmt, changed)
            count += len(changed)
            changed = []
    return count


def upgrade() -> None:
    """Apply this revision."""
    conn = op.get_bind()
    for table, columns in COLUMNS.items():
        normalise(conn, table, columns)


def downgrade() -> None:
    """Revert this revision (nothing to undo: NFC is the same text)."""
