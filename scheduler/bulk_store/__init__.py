"""Bulk inserts at driver speed behind one interface, a file per back end (as airing_store).

The planner writes tens of thousands of slots and items at once; the ORM's executemany costs
seconds at national scale. Values still pass through each column's own bind processing (UTC
datetimes, dates), memoised per distinct value since a week has few distinct dates and times.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from sqlalchemy import Connection, Table
from sqlalchemy.orm import Session


class BulkStore(Protocol):
    """Insert already bind-processed rows into a table."""

    def insert(
        self, conn: Connection, table: Table, columns: Sequence[str], rows: list[tuple]
    ) -> None:
        """Write rows (tuples in column order) in as few round trips as the driver allows."""


class _Portable:
    """Core's executemany: for back ends without a tuned path (Loa runs on two)."""

    def insert(
        self, conn: Connection, table: Table, columns: Sequence[str], rows: list[tuple]
    ) -> None:
        """One executemany of dictionaries."""
        conn.execute(table.insert(), [dict(zip(columns, r, strict=True)) for r in rows])


def store_for(conn: Connection) -> BulkStore:
    """The implementation for conn's back end."""
    if conn.dialect.name == "postgresql":
        from scheduler.bulk_store import postgresql

        return postgresql.STORE
    if conn.dialect.name == "sqlite":
        from scheduler.bulk_store import sqlite

        return sqlite.STORE
    return _Portable()


def _bind_processed(
    conn: Connection, table: Table, columns: Sequence[str], rows: list[tuple]
) -> list[tuple]:
    """Rows with each value as SQLAlchemy itself would bind it on this dialect."""
    procs: list[Callable[[Any], Any] | None] = [
        table.c[name].type._cached_bind_processor(conn.dialect) for name in columns
    ]
    which = [i for i, p in enumerate(procs) if p is not None]
    if not which:
        return rows
    memo: list[dict[Any, Any]] = [{} for _ in columns]
    converted = []
    for row in rows:
        out = list(row)
        for i in which:
            value = out[i]
            if value is not None:
                got = memo[i].get(value, memo)
                if got is memo:
                    proc = procs[i]
                    assert proc is not None  # only columns with a processor are in `which`
                    got = memo[i][value] = proc(value)
                out[i] = got
        converted.append(tuple(out))
    return converted


def insert_rows(session: Session, table: Table, columns: Sequence[str], rows: list[tuple]) -> None:
    """Insert many rows in the session's transaction: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    conn = session.connection()
    store_for(conn).insert(conn, table, columns, _bind_processed(conn, table, columns, rows))
