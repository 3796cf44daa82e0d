"""What a station agent learns of emergency broadcasts: its channel's deliveries, versioned.

Agents poll every `[agent].emergency_poll_seconds`; nearly every poll is a 304. The version of a
channel comes from its live deliveries (count, latest change, sum of their broadcasts'
versions): any issue, report, confirmation, correction or cancellation changes it. A board of
every channel's version, rebuilt by one grouped query at most every `poll_cache_seconds`,
answers the no-change poll without touching the database per request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from scheduler.config import Settings
from scheduler.emergency.models import EmergencyBroadcast, EmergencyDelivery
from scheduler.fleet.feed import rendition_facts

# Delivery states an agent is told about: still to air, or cancelled (to drop).
LIVE = ("waiting", "delivered", "playing", "failed", "cancelled")
EMPTY = hashlib.sha256(b"emergency:none").hexdigest()[:20]


def _live(now: dt.datetime) -> tuple[Any, ...]:
    return (
        EmergencyDelivery.state.in_(LIVE),
        EmergencyBroadcast.expires_at > now,
        EmergencyBroadcast.state != "awaiting_approval",
    )


def _tag(count: int, latest: Any, versions: Any) -> str:
    text = f"{count}|{latest}|{versions}"
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def channel_version(session: Session, channel_id: int, now: dt.datetime) -> str:
    """The tag of one channel's live deliveries (one indexed aggregate)."""
    row = session.execute(
        select(
            func.count(EmergencyDelivery.id),
            func.max(EmergencyDelivery.updated_at),
            func.sum(EmergencyBroadcast.version),
        )
        .join(EmergencyBroadcast, EmergencyBroadcast.id == EmergencyDelivery.broadcast_id)
        .where(EmergencyDelivery.channel_id == channel_id, *_live(now))
    ).one()
    return _tag(row[0], row[1], row[2]) if row[0] else EMPTY


def all_versions(session: Session, now: dt.datetime) -> dict[int, str]:
    """Every channel with live deliveries and its tag (one grouped query)."""
    rows = session.execute(
        select(
            EmergencyDelivery.channel_id,
            func.count(EmergencyDelivery.id),
            func.max(EmergencyDelivery.updated_at),
            func.sum(EmergencyBroadcast.version),
        )
        .join(EmergencyBroadcast, EmergencyBroadcast.id == EmergencyDelivery.broadcast_id)
        .where(*_live(now))
        .group_by(EmergencyDelivery.channel_id)
    ).all()
    return {r[0]: _tag(r[1], r[2], r[3]) for r in rows}


@dataclass(frozen=True)
class Versions:
    """One build of the emergency board."""

    built: float
    versions: dict[int, str]

    def version(self, channel_id: int) -> str:
        """A channel's tag (EMPTY when nothing is live there)."""
        return self.versions.get(channel_id, EMPTY)


class EmergencyBoard:
    """Every channel's emergency tag, rebuilt at most every `refresh` seconds (one thread)."""

    def __init__(self, refresh: float) -> None:
        self.refresh = refresh
        self._rebuilding = threading.Lock()
        self._board: Versions | None = None

    def current(self, session: Callable[[], Session], now: dt.datetime) -> Versions:
        """The board, rebuilt first when older than `refresh`."""
        board = self._board
        if board is not None and time.monotonic() - board.built <= self.refresh:
            return board
        if self._rebuilding.acquire(blocking=board is None):
            try:
                board = self._board
                if board is None or time.monotonic() - board.built > self.refresh:
                    board = self._board = Versions(time.monotonic(), all_versions(session(), now))
            finally:
                self._rebuilding.release()
        assert board is not None
        return board

    def version(self, session: Callable[[], Session], channel_id: int, now: dt.datetime) -> str:
        """A channel's tag; `session` is called only when the database must be read."""
        if self.refresh <= 0:
            return channel_version(session(), channel_id, now)
        return self.current(session, now).version(channel_id)


def deliveries_payload(
    session: Session,
    settings: Settings,
    channel_id: int,
    now: dt.datetime,
    new_hashes: dict[int, str],
) -> list[dict[str, Any]]:
    """The channel's live deliveries, due first, each with the rendition to download."""
    rows = session.execute(
        select(EmergencyDelivery, EmergencyBroadcast)
        .join(EmergencyBroadcast, EmergencyBroadcast.id == EmergencyDelivery.broadcast_id)
        .where(EmergencyDelivery.channel_id == channel_id, *_live(now))
        .order_by(EmergencyDelivery.due_at, EmergencyDelivery.id)
    ).all()
    facts = rendition_facts(session, settings, {d.programme_id for d, _ in rows}, new_hashes)
    out = []
    for d, b in rows:
        sha, size, duration_ms = facts.get(d.programme_id, (None, 0, 0))
        cancelled = d.state == "cancelled" or b.state == "cancelled"
        out.append({
            "id": d.id,
            "broadcast_id": b.id,
            "title": b.title,
            "occurrence": d.occurrence,
            "due_at": _utc(d.due_at),
            "deadline": _utc(b.deadline_of(d.due_at)),
            "expires_at": _utc(b.expires_at),
            "state": "cancelled" if cancelled else d.state,
            "version": b.version,
            "programme": {"id": d.programme_id, "sha256": sha, "bytes": size,
                          "duration_ms": duration_ms},
        })  # fmt: skip
    return out


def in_scope_programmes(channel_id: int, now: dt.datetime) -> Any:
    """A subquery: programmes of the channel's emergency deliveries not yet expired."""
    return (
        select(EmergencyDelivery.programme_id)
        .join(EmergencyBroadcast, EmergencyBroadcast.id == EmergencyDelivery.broadcast_id)
        .where(
            EmergencyDelivery.channel_id == channel_id,
            EmergencyBroadcast.expires_at > now,
        )
    )


def _utc(at: dt.datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(dt.UTC).isoformat()
