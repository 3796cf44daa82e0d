"""PostgreSQL: rows streamed with COPY FROM STDIN on the transaction's psycopg connection."""

from __future__ import annotations

from collections.abc import Sequence

from psycopg import sql
from sqlalchemy import Connection, Table


class PostgresBulkStore:
    """COPY with quoted identifiers: one round trip whatever the row count."""

    def insert(
        self, conn: Connection, table: Table, columns: Sequence[str], rows: list[tuple]
    ) -> None:
        """COPY table (columns) FROM STDIN, row by row."""
        raw = conn.connection.driver_connection
        assert raw is not None  # a live connection, checked out for this transaction
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        with raw.cursor() as cur, cur.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)


STORE = PostgresBulkStore()
