"""The airing log's tuned SQL, behind one interface with a file per back end (APScheduler's way).

A confirmation needs two statements on the busiest endpoint: the item's facts, and the insert
of the first airing with its audit entry (a repeat finds the row taken and becomes an audited
update in scheduler.airings). `store_for` picks the back end's implementation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from sqlalchemy import Connection

from content.models import AuditEntry
from scheduler.models import Airing

AIRINGS = Airing.__table__
AUDIT = AuditEntry.__table__
AIRING_COLUMNS = (
    "channel_id", "scheduled_item_id", "programme_id", "local_date", "week_key", "source",
    "client_ref", "confirmed_by", "confirmed_at", "status", "started_at", "duration_seconds",
    "reason_code", "reason_text",
)  # fmt: skip


class ItemFacts(NamedTuple):
    """What a confirmation needs to know about its item."""

    id: int
    programme_id: int
    channel_id: int
    starts_at: dt.datetime
    duration_seconds: int
    offset: int
    published: bool  # the item's week is published (broadcasters confirm only those)


@dataclass(frozen=True, slots=True)
class AiringRecord:
    """A new airing as the one-statement path wrote it (no ORM object on the busiest endpoint)."""

    id: int
    channel_id: int
    scheduled_item_id: int | None
    programme_id: int
    local_date: dt.date
    week_key: int
    source: str
    client_ref: str | None
    confirmed_by: str
    confirmed_at: dt.datetime
    status: str
    started_at: dt.datetime
    duration_seconds: int
    reason_code: str | None
    reason_text: str | None


class AiringStore(Protocol):
    """The two statements of a first confirmation."""

    def item_facts(self, conn: Connection, item_id: int) -> ItemFacts | None:
        """Channel, slot start, programme, duration and planned offset of the item."""

    def insert_first(
        self, conn: Connection, row: dict[str, Any], entry: dict[str, Any]
    ) -> int | None:
        """Insert the airing and its audit entry unless the item has one: its id, or None."""


def store_for(conn: Connection) -> AiringStore:
    """The implementation for conn's back end."""
    if conn.dialect.name == "postgresql":
        from scheduler.airing_store import postgresql

        return postgresql.STORE
    from scheduler.airing_store import sqlite

    return sqlite.STORE
