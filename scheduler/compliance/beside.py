"""A second database connection that runs one query of an evaluation beside the main one.

On PostgreSQL the unconfirmed-items query (index lookups, one backend) can run while the main
connection runs the rule aggregates and Python folds their rows; on a 2-core server that takes
it off the critical path. A second connection sees only committed data, so it is used only when
the caller's transaction has written nothing yet (no transaction id assigned): then both see
the committed data, each statement with its own snapshot, as under READ COMMITTED anyway.
Otherwise, and on other backends, the query runs at once on the caller's connection.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

T = TypeVar("T")


def _may_use_second_connection(session: Session, conn: Connection) -> bool:
    """PostgreSQL, an engine to draw from, and no write in the caller's transaction."""
    if conn.dialect.name != "postgresql" or not isinstance(session.get_bind(), Engine):
        return False
    session.flush()
    return conn.exec_driver_sql("SELECT txid_current_if_assigned()").scalar() is None


class Beside:
    """Submit queries (functions of a connection); each result is fetched when needed."""

    def __init__(self, session: Session, conn: Connection) -> None:
        self.session = session
        self.conn = conn
        self.pool: ThreadPoolExecutor | None = None
        self.checked = False

    def submit(self, fn: Callable[..., T], *args: Any) -> Callable[[], T]:
        """Start fn(connection, *args); the returned callable waits for and gives its result."""
        if not self.checked:
            self.checked = True
            if _may_use_second_connection(self.session, self.conn):
                self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="loa-beside")
        if self.pool is None:
            result = fn(self.conn, *args)
            return lambda: result
        # get_bind() may type as a Connection; a session beside another runs on an Engine.
        engine: Engine = self.session.get_bind()  # type: ignore[assignment]

        def run() -> T:
            with engine.connect() as side:
                try:
                    return fn(side, *args)
                finally:
                    side.rollback()

        future: Future[T] = self.pool.submit(run)
        return future.result

    def __enter__(self) -> Beside:
        return self

    def __exit__(
        self, _t: type[BaseException] | None, _e: BaseException | None, _tb: TracebackType | None
    ) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True)
