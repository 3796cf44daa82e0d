"""Agent health: the last heartbeat, whether a station is ready for tomorrow, silent agents.

Ready for tomorrow: the agent's last report covers the schedule as it is now (same version),
and every item of the next 24 hours is present and verified in its cache.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.config import Settings
from scheduler.fleet.feed import schedule_version
from scheduler.models import Channel, ScheduledItem, Slot, StationAgent, WeekSchedule

ONLINE_SECONDS = 300  # seen within this long: online (heartbeats come every minute)
DAY = dt.timedelta(hours=24)


def beat(agent: StationAgent, report: dict[str, Any], now: dt.datetime) -> None:
    """Store a heartbeat as the device sent it (already checked against the API's schema)."""
    agent.health = dict(report)
    agent.last_seen_at = now
    offset = report.get("clock_offset_seconds")
    if isinstance(offset, int | float):
        agent.clock_offset_seconds = float(offset)


@dataclass
class MissingItem:
    """An item of the next 24 hours the station's cache lacks."""

    item_id: int
    title: str
    starts_at: dt.datetime


@dataclass
class StationHealth:
    """One agent as planners see it."""

    agent: StationAgent
    channel: Channel
    online: bool
    ready: bool
    stale: bool  # the agent has not fetched the latest schedule yet
    missing: list[MissingItem] = field(default_factory=list)

    @property
    def health(self) -> dict[str, Any]:
        """The last heartbeat (empty before the first)."""
        return self.agent.health or {}


def _coming_items(
    session: Session, channel_id: int, now: dt.datetime
) -> list[tuple[int, str, dt.datetime]]:
    from content.models import Programme

    rows = session.execute(
        select(ScheduledItem.id, Programme.title, Slot.starts_at)
        .join(Slot, Slot.id == ScheduledItem.slot_id)
        .join(WeekSchedule, WeekSchedule.id == Slot.schedule_id)
        .join(Programme, Programme.id == ScheduledItem.programme_id)
        .where(
            Slot.channel_id == channel_id,
            WeekSchedule.state == "published",
            Slot.starts_at >= now,
            Slot.starts_at < now + DAY,
        )
        .order_by(Slot.starts_at, ScheduledItem.position)
    ).all()
    return [(r[0], r[1], r[2]) for r in rows]


def station_health(
    session: Session, settings: Settings, agent: StationAgent, now: dt.datetime
) -> StationHealth:
    """Online, ready for the next 24 hours, or what is missing."""
    report = agent.health or {}
    seen = agent.last_seen_at
    online = seen is not None and (now - seen).total_seconds() <= ONLINE_SECONDS
    current = schedule_version(session, settings, agent.channel_id, now)
    stale = report.get("schedule_version") != current
    reported_missing = set(report.get("missing_items") or [])
    coming = _coming_items(session, agent.channel_id, now)
    if stale or not report:
        missing_ids = {item_id for item_id, _, _ in coming} if not report else reported_missing
    else:
        missing_ids = reported_missing
    missing = [MissingItem(i, t, s) for i, t, s in coming if i in missing_ids]
    ready = bool(report) and not stale and not missing
    return StationHealth(agent, agent.channel, online, ready, stale, missing)


def fleet(
    session: Session, settings: Settings, channel_ids: frozenset[int] | None, now: dt.datetime
) -> list[StationHealth]:
    """Every active agent of these channels (None: all), by channel name."""
    query = select(StationAgent).where(StationAgent.revoked_at.is_(None))
    if channel_ids is not None:
        if not channel_ids:
            return []
        query = query.where(StationAgent.channel_id.in_(channel_ids))
    agents = list(session.scalars(query))
    out = [station_health(session, settings, a, now) for a in agents]
    return sorted(out, key=lambda h: (h.channel.name, h.agent.id))


def _ready_check_passed(settings: Settings, now: dt.datetime) -> bool:
    hour, minute = (int(x) for x in settings.agent.ready_check_time.split(":"))
    local = now.astimezone(settings.zone)
    return (local.hour, local.minute) >= (hour, minute)


def check_agents(session: Session, settings: Settings, now: dt.datetime) -> str:
    """Worker job: tell planners about agents not ready for tomorrow, or silent too long.

    Not ready is checked once the day's ready_check_time has passed (one notice per agent and
    day); silent once last_seen is older than silent_hours (one notice per silence).
    """
    from scheduler.notify.service import notify
    from scheduler.notify.texts import render

    zone = settings.zone
    today = now.astimezone(zone).date().isoformat()
    silent_after = dt.timedelta(hours=settings.agent.silent_hours)
    told = 0
    for h in fleet(session, settings, None, now):
        ch = h.channel
        seen = h.agent.last_seen_at
        if seen is None or now - seen > silent_after:
            since = seen or h.agent.created_at
            if now - since > silent_after:
                message = render(
                    "agent_silent", channel=ch.name, hours=settings.agent.silent_hours,
                    seen=f"{since.astimezone(zone):%d/%m/%Y %H:%M}",
                )  # fmt: skip
                note = notify(
                    session, settings, event="agent_silent", role="planner", unit_id=ch.unit_id,
                    channel_id=ch.id, message=message, now=now,
                    dedupe_key=f"agent_silent:{h.agent.id}:{since.isoformat()}",
                    data={"agent_id": h.agent.id},
                )  # fmt: skip
                told += note is not None
            continue
        if not h.ready and _ready_check_passed(settings, now):
            lines = "\n".join(
                f"- {m.starts_at.astimezone(zone):%d/%m %H:%M} {m.title}" for m in h.missing[:20]
            )
            message = render("agent_not_ready", channel=ch.name, count=len(h.missing), lines=lines)
            note = notify(
                session, settings, event="agent_not_ready", role="planner", unit_id=ch.unit_id,
                channel_id=ch.id, message=message, now=now,
                dedupe_key=f"agent_not_ready:{h.agent.id}:{today}",
                data={"agent_id": h.agent.id, "item_ids": [m.item_id for m in h.missing]},
            )  # fmt: skip
            told += note is not None
    return f"{told} agent notice(s)"
