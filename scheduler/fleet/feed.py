"""The schedule an agent caches: today and the next horizon days of published slots, versioned.

The version is computed from the week schedules' own version counters (bumped by every edit
and by publishing) and today's date, with one indexed query: the no-change poll stays cheap.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from content.assets import file_sha256
from content.media_models import AudioAsset
from scheduler.config import Settings
from scheduler.models import Channel, ScheduledItem, Slot, StationAgent, WeekSchedule
from scheduler.periods import Week, local_date_of, local_to_utc


def window(settings: Settings, now: dt.datetime) -> tuple[dt.date, dt.date]:
    """The local days an agent keeps: today through today + horizon_days."""
    today = local_date_of(now, settings.zone)
    return today, today + dt.timedelta(days=settings.agent.horizon_days)


def _week_keys(first: dt.date, last: dt.date) -> list[int]:
    keys: list[int] = []
    week = Week.of(first)
    while week.monday <= last:
        keys.append(week.key)
        week = week.shift(1)
    return keys


def schedule_version(
    session: Session, settings: Settings, channel_id: int, now: dt.datetime
) -> str:
    """A short tag that changes whenever the agent's window or a schedule in it changes."""
    first, last = window(settings, now)
    rows = session.execute(
        select(WeekSchedule.id, WeekSchedule.week_key, WeekSchedule.state, WeekSchedule.version)
        .where(
            WeekSchedule.channel_id == channel_id,
            WeekSchedule.week_key.in_(_week_keys(first, last)),
        )
        .order_by(WeekSchedule.week_key)
    ).all()
    text = f"{first}|{settings.agent.horizon_days}|" + ";".join(
        f"{r.id}:{r.week_key}:{r.state}:{r.version}" for r in rows
    )
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def rendition_facts(
    session: Session, settings: Settings, programme_ids: set[int], new_hashes: dict[int, str]
) -> dict[int, tuple[str | None, int, int]]:
    """programme id -> (rendition sha256, bytes, duration ms).

    A rendition stored before its hash was kept (before migration 0011) is hashed here; the
    hash goes into new_hashes (asset id -> sha256) for the caller to store in a writing session.
    """
    if not programme_ids:
        return {}
    root = settings.resolve_path(settings.media.folder)
    assets = session.scalars(select(AudioAsset).where(AudioAsset.programme_id.in_(programme_ids)))
    facts: dict[int, tuple[str | None, int, int]] = {}
    for asset in assets:
        path = Path(root) / asset.rendition_path
        if not path.is_file():
            facts[asset.programme_id or 0] = (None, 0, asset.rendition_duration_ms)
            continue
        sha = asset.rendition_sha256
        if sha is None:
            sha = new_hashes[asset.id] = file_sha256(path)
        facts[asset.programme_id or 0] = (sha, path.stat().st_size, asset.rendition_duration_ms)
    return facts


def schedule_payload(
    session: Session,
    settings: Settings,
    channel: Channel,
    now: dt.datetime,
    new_hashes: dict[int, str] | None = None,
) -> dict[str, Any]:
    """What the agent needs to play its window: slots, items in order with offsets, audio hashes.

    Reads only; rendition hashes computed on the way are put in new_hashes (asset id -> hash).
    """
    new_hashes = {} if new_hashes is None else new_hashes
    first, last = window(settings, now)
    start = local_to_utc(first, dt.time(0, 0), settings.zone)
    end = local_to_utc(last + dt.timedelta(days=1), dt.time(0, 0), settings.zone)
    slots = list(
        session.scalars(
            select(Slot)
            .join(WeekSchedule, WeekSchedule.id == Slot.schedule_id)
            .where(
                Slot.channel_id == channel.id,
                WeekSchedule.state == "published",
                Slot.starts_at >= start,
                Slot.starts_at < end,
            )
            .order_by(Slot.starts_at)
        )
    )
    items_by_slot: dict[int, list[ScheduledItem]] = {s.id: [] for s in slots}
    if slots:
        query = (
            select(ScheduledItem)
            .where(ScheduledItem.slot_id.in_(items_by_slot))
            .order_by(ScheduledItem.slot_id, ScheduledItem.position)
        )
        for item in session.scalars(query):
            items_by_slot[item.slot_id].append(item)
    programme_ids = {i.programme_id for items in items_by_slot.values() for i in items}
    facts = rendition_facts(session, settings, programme_ids, new_hashes)
    gap_ms = round(settings.audio.gap_seconds * 1000)
    out_slots = []
    for slot in slots:
        offset = 0
        items = []
        for item in items_by_slot[slot.id]:
            sha, size, duration_ms = facts.get(
                item.programme_id, (None, 0, item.programme.duration_seconds * 1000)
            )
            items.append({
                "id": item.id,
                "position": item.position,
                "programme_id": item.programme_id,
                "title": item.programme.title,
                "priority": item.programme.priority,
                "duration_ms": duration_ms,
                "offset_ms": offset,
                "sha256": sha,
                "bytes": size,
            })  # fmt: skip
            offset += duration_ms + gap_ms
        out_slots.append({
            "id": slot.id,
            "starts_at": slot.starts_at.astimezone(dt.UTC).isoformat(),
            "local_date": slot.local_date.isoformat(),
            "duration_seconds": slot.duration_minutes * 60,
            "items": items,
        })  # fmt: skip
    a = settings.agent
    return {
        "channel": {"id": channel.id, "name": channel.name},
        "timezone": settings.locale.timezone,
        "from_date": first.isoformat(),
        "to_date": last.isoformat(),
        "horizon_days": a.horizon_days,
        "poll_seconds": a.poll_seconds,
        "emergency_poll_seconds": a.emergency_poll_seconds,
        "max_clock_skew_seconds": a.max_clock_skew_seconds,
        "slots": out_slots,
    }


def store_rendition_hashes(session: Session, hashes: dict[int, str]) -> None:
    """Keep rendition hashes computed by schedule_payload (the caller commits)."""
    for asset_id, sha in hashes.items():
        session.execute(
            update(AudioAsset).where(AudioAsset.id == asset_id).values(rendition_sha256=sha)
        )


@dataclass(frozen=True)
class Board:
    """One build of the board: every channel's version and every active agent's credential."""

    built: float
    day: dt.date
    versions: dict[int, str]
    empty: str  # the version of a channel with no week in the window
    agents: dict[str, tuple[int, int]]  # credential digest -> (agent id, channel id)

    def version(self, channel_id: int) -> str:
        """A channel's version."""
        return self.versions.get(channel_id, self.empty)


class VersionBoard:
    """Every channel's schedule version and the active agents, rebuilt at most every `refresh` s.

    The no-change poll of a fleet (thousands of agents, each once a minute) then costs no
    database round trip: a schedule change (or a revocation) is seen within `refresh` seconds.
    One thread rebuilds; the others keep answering from the previous build meanwhile.
    """

    def __init__(self, refresh: float) -> None:
        self.refresh = refresh
        self._rebuilding = threading.Lock()
        self._board: Board | None = None

    def _usable(self, board: Board | None, first: dt.date) -> bool:
        return board is not None and board.day == first

    def current(
        self, session: Callable[[], Session], settings: Settings, now: dt.datetime
    ) -> Board:
        """The board, rebuilt first when older than `refresh` (or of another day)."""
        first, _ = window(settings, now)
        board = self._board
        if (
            board is not None
            and board.day == first
            and time.monotonic() - board.built <= self.refresh
        ):
            return board
        # Wait for a rebuild only when there is nothing usable to answer from meanwhile.
        if self._rebuilding.acquire(blocking=not self._usable(board, first)):
            try:
                board = self._board
                stale = board is None or time.monotonic() - board.built > self.refresh
                if stale or board is None or board.day != first:
                    board = self._board = _build_board(session(), settings, now)
            finally:
                self._rebuilding.release()
        assert board is not None
        return board

    def version(
        self,
        session: Callable[[], Session],
        settings: Settings,
        channel_id: int,
        now: dt.datetime,
    ) -> str:
        """The channel's version (as schedule_version computes it).

        `session` gives the database session only when the board must be rebuilt.
        """
        if self.refresh <= 0:
            return schedule_version(session(), settings, channel_id, now)
        return self.current(session, settings, now).version(channel_id)


def _build_board(session: Session, settings: Settings, now: dt.datetime) -> Board:
    first, last = window(settings, now)
    rows = session.execute(
        select(
            WeekSchedule.channel_id,
            WeekSchedule.id,
            WeekSchedule.week_key,
            WeekSchedule.state,
            WeekSchedule.version,
        )
        .where(WeekSchedule.week_key.in_(_week_keys(first, last)))
        .order_by(WeekSchedule.channel_id, WeekSchedule.week_key)
    ).all()
    parts: dict[int, list[str]] = {}
    for r in rows:
        parts.setdefault(r.channel_id, []).append(f"{r.id}:{r.week_key}:{r.state}:{r.version}")
    head = f"{first}|{settings.agent.horizon_days}|"
    versions = {
        ch: hashlib.sha256((head + ";".join(p)).encode()).hexdigest()[:20]
        for ch, p in parts.items()
    }
    agents = {
        digest: (agent_id, channel_id)
        for digest, agent_id, channel_id in session.execute(
            select(StationAgent.digest, StationAgent.id, StationAgent.channel_id).where(
                StationAgent.revoked_at.is_(None)
            )
        )
    }
    empty = hashlib.sha256(head.encode()).hexdigest()[:20]
    return Board(time.monotonic(), first, versions, empty, agents)
