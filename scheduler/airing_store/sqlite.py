"""SQLite: the confirmation's statements through SQLAlchemy Core (no result-layer tuning)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from scheduler.airing_store import AIRINGS, AUDIT, ItemFacts
from scheduler.airing_store.queries import item_facts_statement

_FACTS = item_facts_statement()


class SqliteAiringStore:
    """Two statements for a first airing and its audit entry, in the caller's transaction."""

    def item_facts(self, conn: Connection, item_id: int) -> ItemFacts | None:
        """The item's facts, or None when there is no such item."""
        raw = conn.execute(_FACTS, {"item_id": item_id}).one_or_none()
        return ItemFacts(*raw) if raw is not None else None

    def insert_first(
        self, conn: Connection, row: dict[str, Any], entry: dict[str, Any]
    ) -> int | None:
        """INSERT .. ON CONFLICT DO NOTHING RETURNING id, then the audit entry when inserted."""
        stmt = (
            sqlite_insert(AIRINGS)
            .values(row)
            .on_conflict_do_nothing(index_elements=["scheduled_item_id"])
            .returning(AIRINGS.c.id)
        )
        airing_id: int | None = conn.execute(stmt).scalar_one_or_none()
        if airing_id is not None:
            conn.execute(insert(AUDIT), {**entry, "entity_id": airing_id})
        return airing_id


STORE = SqliteAiringStore()
