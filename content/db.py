"""Persistence foundation: declarative Base, UTC datetime type, engine and session factory."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import JSON, DateTime, MetaData, Table, create_engine, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection, CursorResult, Engine, Result, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

READ_ONLY = "loa_read_only"  # connection execution option: a read-only transaction
_GUARDED = "loa_guarded"  # DBAPI connection info: the read-only authorizer is installed

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware datetimes stored as UTC; naive values are refused, never guessed."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        """Convert to UTC before storing."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: give a timezone-aware value")
        value = value.astimezone(dt.UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        """Return aware UTC datetimes whatever the backend gives."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    """Declarative base of every Loa table, with stable constraint names for migrations."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime()}
    # Every Loa model maps a Table (none maps a select or a join): narrower than the FromClause
    # DeclarativeBase declares, so bulk Core statements on `Model.__table__` type-check.
    __table__: ClassVar[Table]


def rowcount(result: Result[Any]) -> int:
    """Rows an UPDATE or DELETE matched (Session.execute types every result as a plain Result)."""
    assert isinstance(result, CursorResult)
    return result.rowcount


def utcnow() -> dt.datetime:
    """The current time, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    """Turn on foreign keys and WAL for every SQLite connection."""
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


_FILE_WRITES = frozenset(
    getattr(sqlite3, f"SQLITE_{name}")
    for name in [
        "INSERT",
        "UPDATE",
        "DELETE",
        "CREATE_TABLE",
        "CREATE_INDEX",
        "CREATE_VIEW",
        "CREATE_TRIGGER",
        "DROP_TABLE",
        "DROP_INDEX",
        "DROP_VIEW",
        "DROP_TRIGGER",
        "ALTER_TABLE",
        "CREATE_VTABLE",
        "DROP_VTABLE",
    ]
)


def _deny_file_writes(action: int, _a: Any, _b: Any, dbname: str | None, _src: Any) -> int:
    """SQLite authorizer of read-only transactions: no writes but to temporary tables."""
    if action in _FILE_WRITES and dbname != "temp":
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def normalise_url(url: str, base_dir: str | Path = ".") -> str:
    """Resolve relative SQLite paths against base_dir and pick the psycopg 3 driver."""
    u = make_url(url)
    if u.drivername == "sqlite" and u.database and u.database != ":memory:":
        path = Path(u.database)
        if not path.is_absolute():
            path = Path(base_dir) / path
        path.parent.mkdir(parents=True, exist_ok=True)
        u = u.set(database=str(path))
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    return u.render_as_string(hide_password=False)


def make_engine(url: str, base_dir: str | Path = ".", **kwargs: Any) -> Engine:
    """Create an engine with Loa's per-dialect settings."""
    url = normalise_url(url, base_dir)
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": 30, "check_same_thread": False})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)

        # Let SQLAlchemy issue BEGIN itself so SAVEPOINTs work. SQLite allows one writer:
        # writing transactions take the write lock at the start (BEGIN IMMEDIATE), since a
        # deferred transaction that reads and then writes fails at once with SQLITE_BUSY when
        # another writer got in between. Read-only work (connections carrying the execution
        # option READ_ONLY, see read_only_session_factory) begins DEFERRED instead: under WAL
        # it reads a snapshot beside the writer and never holds the write lock. An authorizer
        # makes any write to the database file fail loudly there ("not authorized"), while
        # temporary tables (the compliance engine's) stay writable, which PRAGMA query_only
        # would forbid. The authorizer belongs to the DBAPI connection, so it is switched at the
        # BEGIN that changes the mode (switching re-prepares the cached statements).
        @event.listens_for(engine, "connect")
        def _no_autobegin(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            read_only = bool(conn.get_execution_options().get(READ_ONLY))
            fairy = conn.connection
            if fairy.info.get(_GUARDED, False) != read_only:
                guard = _deny_file_writes if read_only else None
                # Only SQLite connections reach here; the DBAPI protocol has no set_authorizer.
                fairy.dbapi_connection.set_authorizer(guard)  # type: ignore[union-attr]
                fairy.info[_GUARDED] = read_only
            conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory bound to engine; objects stay usable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


class ReadOnlyViolation(RuntimeError):
    """A write was attempted through a read-only session (a bug in the caller, never input)."""


def read_only_engine(engine: Engine) -> Engine:
    """The same engine and pool, whose transactions are read-only (see make_engine)."""
    # PostgreSQL ignores the option (MVCC readers never wait for writers; and a READ ONLY
    # transaction would forbid the temporary tables the compliance engine creates).
    return engine.execution_options(**{READ_ONLY: True})


def read_only_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for reading only: on SQLite they never take the single write lock."""
    factory = sessionmaker(bind=read_only_engine(engine), expire_on_commit=False)

    @event.listens_for(factory, "before_flush")
    def _refuse(session: Session, _ctx: Any, _instances: Any) -> None:
        if session.new or session.dirty or session.deleted:
            raise ReadOnlyViolation(
                "write attempted through a read-only session: use a writing session"
            )

    return factory


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Open a session, commit once on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def fetch_one_raw(conn: Connection, sql: str, params: dict[str, Any]) -> tuple[Any, ...] | None:
    """One row as a plain tuple, straight from the DBAPI cursor of conn (the busiest paths).

    Skips SQLAlchemy's statement and result layers (~0.1 ms of CPU a statement) but keeps
    their error contract: DBAPI errors come back as SQLAlchemy's (OperationalError answers
    503), and a lost connection is invalidated so the pool never hands it out again. The SQL
    is the driver's (compile statements once for the dialect).
    """
    if not conn.in_transaction():
        conn.begin()  # as execute() would: commit() and rollback() then reach the DBAPI
    dbapi_conn = conn.connection.dbapi_connection
    assert dbapi_conn is not None
    cursor = dbapi_conn.cursor()
    error = conn.dialect.loaded_dbapi.Error
    try:
        cursor.execute(sql, params)
        return cursor.fetchone()
    except error as exc:
        lost = conn.dialect.is_disconnect(exc, dbapi_conn, cursor)
        if lost:
            conn.invalidate(exc)
        raise DBAPIError.instance(
            sql, params, exc, error, connection_invalidated=lost, dialect=conn.dialect
        ) from exc
    finally:
        cursor.close()
