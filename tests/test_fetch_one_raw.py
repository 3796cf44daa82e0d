"""content.db.fetch_one_raw keeps SQLAlchemy's error contract while skipping its result layer."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError, OperationalError

from content.db import fetch_one_raw


def _sql(engine: Engine, sql: str) -> str:
    """The driver's placeholder style: psycopg %(name)s, sqlite3 :name."""
    return sql if engine.dialect.name == "postgresql" else sql.replace("%(n)s", ":n")


def test_a_row_comes_back_as_a_plain_tuple(engine: Engine) -> None:
    with engine.connect() as conn:
        assert fetch_one_raw(conn, _sql(engine, "SELECT %(n)s + 1, 'a'"), {"n": 41}) == (42, "a")
        assert fetch_one_raw(conn, _sql(engine, "SELECT 1 WHERE %(n)s < 0"), {"n": 1}) is None


def test_errors_are_sqlalchemy_errors_and_the_connection_stays_usable(engine: Engine) -> None:
    with engine.connect() as conn:
        with pytest.raises(DBAPIError):  # ProgrammingError on PostgreSQL, sqlite3 says Operational
            fetch_one_raw(conn, "SELECT * FROM no_such_table", {})
        conn.rollback()
        assert conn.execute(text("SELECT 1")).scalar() == 1
        assert not conn.invalidated


def test_a_lost_connection_is_invalidated_and_answers_operational_error(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("a server that can end a session is PostgreSQL's")
    with engine.connect() as conn, engine.connect() as killer:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        conn.commit()
        killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        killer.commit()
        with pytest.raises(OperationalError) as caught:
            fetch_one_raw(conn, "SELECT 1", {})
        assert caught.value.connection_invalidated and conn.invalidated
    with engine.connect() as fresh:  # the pool hands out a working connection again
        assert fresh.execute(text("SELECT 1")).scalar() == 1
