"""`loa agent status`: the cache, what plays next, emergency broadcasts pending or aired."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from scheduler.agent.clock import Clock
from scheduler.agent.config import AgentConfig
from scheduler.agent.emergency_log import EmergencyLog
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
        urgent = EmergencyLog(store)
        return {
            "emergencies": [
                {
                    "delivery_id": d.delivery_id,
                    "broadcast_id": d.broadcast_id,
                    "title": d.title,
                    "local_due": f"{dt.datetime.fromtimestamp(d.due_at, zone):%d/%m %H:%M:%S}",
                    "state": d.state,
                    "seconds": None if d.seconds is None else round(d.seconds, 3),
                    "reason": d.reason,
                }
                for d in urgent.all()
                if d.expires_at > now or d.state == "aired"
            ],
            "unsent_emergency_reports": len(urgent.unsent()),
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
