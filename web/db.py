"""One database session per request, opened on first use and closed when the request ends.

GET and HEAD requests get a read-only session (content.db.read_only_session_factory): on
SQLite they read beside the single writer instead of holding the write lock for the whole
request, and a view that writes on GET fails loudly. Every other method gets a writing session.
"""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy.orm import Session, sessionmaker

READING_METHODS = frozenset({"GET", "HEAD"})


def init_db(
    app: Flask, factory: sessionmaker[Session], read_factory: sessionmaker[Session] | None = None
) -> None:
    """Keep the session factories on the app and close the request's session at teardown."""
    app.extensions["loa_sessions"] = factory
    app.extensions["loa_read_sessions"] = read_factory or factory

    @app.teardown_appcontext
    def _close(_exc: BaseException | None) -> None:
        session: Session | None = g.pop("db", None)
        if session is not None:
            session.rollback()  # anything a view did not commit is dropped
            session.close()


def db() -> Session:
    """The request's session; views commit it once, after the operation succeeded."""
    if "db" not in g:
        reading = has_request_context() and request.method in READING_METHODS
        key = "loa_read_sessions" if reading else "loa_sessions"
        g.db = current_app.extensions[key]()
    session: Session = g.db  # flask.g holds Any
    return session
