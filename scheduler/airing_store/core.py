"""The two statements of a first confirmation through SQLAlchemy Core, for any back end.

Each dialect's module gives its own INSERT .. ON CONFLICT DO NOTHING construct (PostgreSQL's
and SQLite's are separate classes with the same API); everything else is shared.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Table, insert

from scheduler.airing_store import AIRINGS, AUDIT, ItemFacts
from scheduler.airing_store.queries import item_facts_statement

_FACTS = item_facts_statement()


class CoreAiringStore:
    """The item's facts, then the airing (unless the item has one) and its audit entry."""

    def __init__(self, upsert: Callable[[Table], Any]) -> None:
        """upsert: the dialect's insert() that offers on_conflict_do_nothing."""
        self.upsert = upsert

    def item_facts(self, conn: Connection, item_id: int) -> ItemFacts | None:
        """The item's facts, or None when there is no such item."""
        raw = conn.execute(_FACTS, {"item_id": item_id}).one_or_none()
        return ItemFacts(*raw) if raw is not None else None

    def insert_first(
        self, conn: Connection, row: dict[str, Any], entry: dict[str, Any]
    ) -> int | None:
        """INSERT .. ON CONFLICT DO NOTHING RETURNING id, then the audit entry when inserted."""
        stmt = (
            self.upsert(AIRINGS)
            .values(row)
            .on_conflict_do_nothing(index_elements=["scheduled_item_id"])
            .returning(AIRINGS.c.id)
        )
        airing_id: int | None = conn.execute(stmt).scalar_one_or_none()
        if airing_id is not None:
            conn.execute(insert(AUDIT), {**entry, "entity_id": airing_id})
        return airing_id
