"""The confirmation endpoint's unit of work: the request owns the transaction, as views do.

On PostgreSQL a first confirmation needs no BEGIN or COMMIT: its connection runs in autocommit,
the item's facts are read and the airing with its audit entry is inserted by one statement
(atomic by itself). Anything else (a repeat, SQLite, a session already in a transaction) runs
the operation scheduler.airings.confirm_item in a transaction and commits it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from content.db import utcnow
from scheduler.airing_store import AiringRecord, ItemFacts, store_for
from scheduler.airings import audit_entry, confirm_item, new_row
from scheduler.config import Settings
from scheduler.models import Airing

__all__ = ["AiringRecord", "confirm_and_commit"]


def confirm_and_commit(  # noqa: PLR0913 - confirm_item's keyword-only options, passed through
    session: Session,
    settings: Settings,
    item_id: int,
    status: str,
    actor: str,
    *,
    started_at: dt.datetime | None = None,
    duration_seconds: int | None = None,
    reason_code: str | None = None,
    reason_text: str | None = None,
    source: str = "web",
    channel_id: int | None = None,
    allowed: Callable[[ItemFacts], bool] | None = None,
    now: dt.datetime | None = None,
) -> tuple[Airing | AiringRecord, bool]:
    """confirm_item, committed; a first confirmation on PostgreSQL in one autocommit statement."""
    details: dict[str, Any] = {
        "started_at": started_at, "duration_seconds": duration_seconds,
        "reason_code": reason_code, "reason_text": reason_text, "source": source,
        "channel_id": channel_id, "allowed": allowed,
    }  # fmt: skip
    if session.in_transaction() or session.get_bind().dialect.name != "postgresql":
        airing, created = confirm_item(
            session, settings, item_id, status, actor, now=now, **details
        )
        session.commit()
        return airing, created
    conn = session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    now = now or utcnow()
    row = new_row(conn, settings, item_id, status, actor, now=now, **details)
    airing_id = store_for(conn).insert_first(conn, row, audit_entry(row, actor))
    if airing_id is not None:
        session.commit()  # nothing left to commit: releases the connection
        return AiringRecord(id=airing_id, **row), True
    session.close()  # back to a transaction on the next use
    airing, created = confirm_item(session, settings, item_id, status, actor, now=now, **details)
    session.commit()
    return airing, created
