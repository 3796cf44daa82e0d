"""One database session per request, opened on first use and closed when the request ends."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session, sessionmaker


def init_db(app: Flask, factory: sessionmaker[Session]) -> None:
    """Keep the session factory on the app and close the request's session at teardown."""
    app.extensions["loa_sessions"] = factory

    @app.teardown_appcontext
    def _close(_exc: BaseException | None) -> None:
        session: Session | None = g.pop("db", None)
        if session is not None:
            session.rollback()  # anything a view did not commit is dropped
            session.close()


def db() -> Session:
    """The request's session; views commit it once, after the operation succeeded."""
    if "db" not in g:
        g.db = current_app.extensions["loa_sessions"]()
    return g.db
