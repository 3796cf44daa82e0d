"""PostgreSQL: statements compiled once for psycopg and run straight on the cursor.

The busiest endpoint skips SQLAlchemy's statement and result layers (content.db.fetch_one_raw
keeps their error contract), and the airing and its audit entry go in one statement.
"""

from __future__ import annotations

from typing import Any

from psycopg.types.json import Jsonb
from sqlalchemy import Connection, Select, bindparam, insert, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.postgresql.psycopg import dialect as psycopg_dialect
from sqlalchemy.sql.elements import ClauseElement

from content.db import fetch_one_raw
from scheduler.airing_store import AIRING_COLUMNS, AIRINGS, AUDIT, ItemFacts
from scheduler.airing_store.queries import item_facts_statement


def _for_psycopg(stmt: ClauseElement) -> tuple[str, dict[str, Any]]:
    """A statement compiled once for psycopg: its SQL and its constant parameters."""
    compiled = stmt.compile(dialect=psycopg_dialect())
    return str(compiled), {k: v for k, v in compiled.params.items() if v is not None}


def _audited_insert() -> Select[Any]:
    """Insert the airing and its audit entry in one statement (one round trip)."""
    ins = (
        pg_insert(AIRINGS)
        .values({c: bindparam(c, type_=AIRINGS.c[c].type) for c in AIRING_COLUMNS})
        .on_conflict_do_nothing(index_elements=["scheduled_item_id"])
        .returning(AIRINGS.c.id)
        .cte("ins")
    )
    entry = select(
        bindparam("audit_at", type_=AUDIT.c.at.type),
        bindparam("audit_actor", type_=AUDIT.c.actor.type),
        literal("airing.confirm", AUDIT.c.action.type),
        literal("airing", AUDIT.c.entity.type),
        ins.c.id,
        bindparam("audit_after", type_=AUDIT.c.after.type),
    )
    columns = ["at", "actor", "action", "entity", "entity_id", "after"]
    aud = insert(AUDIT).from_select(columns, entry).cte("aud")
    return select(ins.c.id).add_cte(aud)


_FACTS = _for_psycopg(item_facts_statement())
_INSERT = _for_psycopg(_audited_insert())


class PostgresAiringStore:
    """One round trip for the facts, one for the airing with its audit entry."""

    def item_facts(self, conn: Connection, item_id: int) -> ItemFacts | None:
        """The item's facts straight from the cursor, or None when there is no such item."""
        sql, constants = _FACTS
        raw = fetch_one_raw(conn, sql, {**constants, "item_id": item_id})
        return ItemFacts(*raw) if raw is not None else None

    def insert_first(
        self, conn: Connection, row: dict[str, Any], entry: dict[str, Any]
    ) -> int | None:
        """The airing and its audit entry by one statement; None when the item had an airing."""
        sql, constants = _INSERT
        params = {**constants, **row, "audit_at": entry["at"], "audit_actor": entry["actor"],
                  "audit_after": Jsonb(entry["after"])}  # fmt: skip
        found = fetch_one_raw(conn, sql, params)
        return int(found[0]) if found is not None else None


STORE = PostgresAiringStore()
