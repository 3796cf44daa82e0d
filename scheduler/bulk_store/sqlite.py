"""SQLite: one executemany of positional tuples on the driver (no per-row dictionaries)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Table


class SqliteBulkStore:
    """The driver's executemany with identifiers quoted by the dialect."""

    def insert(
        self, conn: Connection, table: Table, columns: Sequence[str], rows: list[tuple]
    ) -> None:
        """INSERT INTO table (columns) VALUES (?, ...), executed once per row by sqlite3."""
        quote = conn.dialect.identifier_preparer.quote
        names = ", ".join(quote(c) for c in columns)
        marks = ", ".join("?" * len(columns))
        # Identifiers come from the table's metadata, quoted by the dialect; values are bound.
        conn.exec_driver_sql(f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})", rows)


STORE = SqliteBulkStore()
