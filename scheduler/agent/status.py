"""`loa agent status`: what the station's cache holds and what it will play next."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from scheduler.agent.clock import Clock
from scheduler.agent.config import AgentConfig
from scheduler.agent.store import Store
from scheduler.agent.sync import slot_end, slot_start

DAY = 86400.0


def agent_status(config: AgentConfig, next_slots: int = 5) -> dict[str, Any]:
    """Cache, next slots, missing items, unsent as-run entries (plain values, for print or JSON)."""
    store = Store(config.db_path)
    try:
        saved = store.get("clock_offset")
        clock = Clock(float(saved) if saved else 0.0)
        schedule = store.schedule() or {"slots": [], "timezone": "Asia/Ho_Chi_Minh"}
        zone = ZoneInfo(schedule.get("timezone", "Asia/Ho_Chi_Minh"))
        verified = store.verified()
        now = clock.server()
        coming = [s for s in schedule["slots"] if slot_end(s) > now][:next_slots]
        missing = [
            i["id"]
            for s in schedule["slots"]
            if slot_end(s) > now and slot_start(s) < now + DAY
            for i in s["items"]
            if not i.get("sha256") or i["sha256"] not in verified
        ]
        rows = store.all_asrun()
        return {
            "cache_files": len(verified),
            "cache_bytes": sum(verified.values()),
            "schedule_version": store.get("etag"),
            "clock_offset_seconds": round(clock.offset, 3),
            "next_slots": [
                {
                    "id": s["id"],
                    "local_start": f"{dt.datetime.fromtimestamp(slot_start(s), zone):%d/%m %H:%M}",
                    "items": len(s["items"]),
                    "missing": sum(
                        1 for i in s["items"] if not i.get("sha256") or i["sha256"] not in verified
                    ),
                }
                for s in coming
            ],
            "missing_items": missing,
            "unsent_events": sum(1 for r in rows if not r.sent),
            "asrun": [
                {
                    "item_id": r.item_id,
                    "state": r.state,
                    "status": r.status,
                    "seconds": round(r.seconds, 3),
                    "started_at": r.started_at,
                    "reason_code": r.reason_code,
                    "sent": bool(r.sent),
                }
                for r in rows
            ],  # fmt: skip
        }
    finally:
        store.close()
