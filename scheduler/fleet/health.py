"""Agent health: the last heartbeat, and whether a station is ready for tomorrow."""

from __future__ import annotations

import datetime as dt
from typing import Any

from scheduler.models import StationAgent


def beat(agent: StationAgent, report: dict[str, Any], now: dt.datetime) -> None:
    """Store a heartbeat as the device sent it (already checked against the API's schema)."""
    agent.health = dict(report)
    agent.last_seen_at = now
    offset = report.get("clock_offset_seconds")
    if isinstance(offset, int | float):
        agent.clock_offset_seconds = float(offset)
