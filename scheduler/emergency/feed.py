"""What a station agent learns of emergency broadcasts: its channel's deliveries, versioned.

Agents poll every `[agent].emergency_poll_seconds`; nearly every poll is a 304. The version of a
channel comes from its live deliveries (see _tag_columns): an issue, a correction, a
cancellation, an airing or an expiry changes it, an agent's own progress report does not. A
board of every channel's version and prepared answer, rebuilt by one grouped query at most every
second (or `poll_cache_seconds` when shorter), answers the poll without the database per request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, func, select
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


def _tag(*parts: Any) -> str:
    text = "|".join(str(p) for p in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _tag_columns() -> tuple[Any, ...]:
    """What tells an agent's list changed: not the agents' own steps (delivered, playing).

    A new delivery (count, max id), a correction (programme, broadcast version), a cancellation
    (cancelled count, broadcast version), an airing or an expiry (count) change it; an agent's
    report of its own progress does not, so its next poll stays a 304.
    """
    return (
        func.count(EmergencyDelivery.id),
        func.max(EmergencyDelivery.id),
        func.sum(EmergencyDelivery.programme_id),
        func.sum(EmergencyBroadcast.version),
        func.sum(case((EmergencyDelivery.state == "cancelled", 1), else_=0)),
    )


def channel_version(session: Session, channel_id: int, now: dt.datetime) -> str:
    """The tag of one channel's live deliveries (one indexed aggregate)."""
    row = session.execute(
        select(*_tag_columns())
        .join(EmergencyBroadcast, EmergencyBroadcast.id == EmergencyDelivery.broadcast_id)
        .where(EmergencyDelivery.channel_id == channel_id, *_live(now))
    ).one()
    return _tag(*row) if row[0] else EMPTY


def all_versions(session: Session, now: dt.datetime) -> dict[int, str]:
    """Every channel with live deliveries and its tag (one grouped query)."""
    rows = session.execute(
        select(EmergencyDelivery.channel_id, *_tag_columns())
        .join(EmergencyBroadcast, EmergencyBroadcast.id == EmergencyDelivery.broadcast_id)
        .where(*_live(now))
        .group_by(EmergencyDelivery.channel_id)
    ).all()
    return {r[0]: _tag(*r[1:]) for r in rows}


def prepare(version: str, deliveries: list[dict[str, Any]]) -> bytes:
    """The answer's JSON without its server_time (added when sent: see with_time)."""
    return json.dumps({"version": version, "deliveries": deliveries}, ensure_ascii=False,
                      separators=(",", ":")).encode()  # fmt: skip


def with_time(prepared: bytes, now: dt.datetime) -> bytes:
    """A prepared body with the server's clock as its first field."""
    return b'{"server_time":"' + now.isoformat().encode() + b'",' + prepared[1:]


@dataclass(frozen=True)
class Versions:
    """One build of the emergency board: every channel's tag and its prepared answer."""

    built: float
    versions: dict[int, str]
    bodies: dict[int, bytes] = field(default_factory=dict)

    def version(self, channel_id: int) -> str:
        """A channel's tag (EMPTY when nothing is live there)."""
        return self.versions.get(channel_id, EMPTY)

    def body(self, channel_id: int) -> bytes | None:
        """The channel's prepared answer for its current tag, if the board has one."""
        if channel_id not in self.versions:
            return EMPTY_BODY
        return self.bodies.get(channel_id)


EMPTY_BODY = prepare(EMPTY, [])
# Past this many changed channels, the payloads are read for every live delivery at once.
_ALL_AT_ONCE = 500


class EmergencyBoard:
    """Every channel's emergency tag and answer, rebuilt at most every `refresh` seconds.

    When an issue changes thousands of channels at once, their answers are prepared in one
    read at the rebuild, so each agent's first poll after it is served like a 304 (without a
    query or Flask): the rush after an issue costs the server one read per process.
    """

    def __init__(self, refresh: float, settings: Settings | None = None) -> None:
        self.refresh = refresh
        self.settings = settings
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
                    board = self._board = self._rebuild(session(), board, now)
            finally:
                self._rebuilding.release()
        assert board is not None
        return board

    def _rebuild(self, session: Session, old: Versions | None, now: dt.datetime) -> Versions:
        versions = all_versions(session, now)
        kept = old.bodies if old is not None else {}
        changed = [c for c, v in versions.items() if old is None or old.versions.get(c) != v]
        bodies = {c: b for c, b in kept.items() if c in versions and c not in changed}
        if changed and self.settings is not None:
            new_hashes: dict[int, str] = {}
            wanted = changed if len(changed) <= _ALL_AT_ONCE else None
            read = payloads(session, self.settings, now, new_hashes, wanted)
            if not new_hashes:  # else the view stores the hashes first (renditions before 0011)
                bodies.update({c: prepare(versions[c], read.get(c, [])) for c in changed})
        return Versions(time.monotonic(), versions, bodies)

    def version(self, session: Callable[[], Session], channel_id: int, now: dt.datetime) -> str:
        """A channel's tag; `session` is called only when the database must be read."""
        if self.refresh <= 0:
            return channel_version(session(), channel_id, now)
        return self.current(session, now).version(channel_id)


def payloads(
    session: Session,
    settings: Settings,
    now: dt.datetime,
    new_hashes: dict[int, str],
    channel_ids: Collection[int] | None = None,
) -> dict[int, list[dict[str, Any]]]:
    """Live deliveries per channel (all channels, or these), due first, with their audio."""
    query = (
        select(EmergencyDelivery, EmergencyBroadcast)
        .join(EmergencyBroadcast, EmergencyBroadcast.id == EmergencyDelivery.broadcast_id)
        .where(*_live(now))
        .order_by(EmergencyDelivery.channel_id, EmergencyDelivery.due_at, EmergencyDelivery.id)
    )
    if channel_ids is not None:
        query = query.where(EmergencyDelivery.channel_id.in_(list(channel_ids)))
    rows = session.execute(query).all()
    facts = rendition_facts(session, settings, {d.programme_id for d, _ in rows}, new_hashes)
    out: dict[int, list[dict[str, Any]]] = {}
    for d, b in rows:
        sha, size, duration_ms = facts.get(d.programme_id, (None, 0, 0))
        cancelled = d.state == "cancelled" or b.state == "cancelled"
        out.setdefault(d.channel_id, []).append({
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


def deliveries_payload(
    session: Session,
    settings: Settings,
    channel_id: int,
    now: dt.datetime,
    new_hashes: dict[int, str],
) -> list[dict[str, Any]]:
    """The channel's live deliveries, due first, each with the rendition to download."""
    return payloads(session, settings, now, new_hashes, [channel_id]).get(channel_id, [])


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
