"""One sync: the schedule (conditional), the audio it needs (by hash), removal of the rest.

A slot about to start (within FREEZE_SECONDS) or running is frozen: a late change to it is
not taken, except emergency items, which are added so that they pre-empt.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from scheduler.agent.client import Client, Unreachable, file_sha256
from scheduler.agent.clock import Clock
from scheduler.agent.config import AgentConfig, AgentError
from scheduler.agent.store import Store

FREEZE_SECONDS = 120


@dataclass
class SyncReport:
    """What one sync did."""

    status: int = 0  # 200 new schedule, 304 unchanged, 0 server unreachable
    downloaded: int = 0
    bytes: int = 0
    removed: int = 0
    failed: list[str] = field(default_factory=list)
    error: str | None = None


def slot_start(slot: dict[str, Any]) -> float:
    """A slot's start as a timestamp (server time)."""
    return dt.datetime.fromisoformat(slot["starts_at"]).timestamp()


def slot_end(slot: dict[str, Any]) -> float:
    """When a slot ends."""
    return slot_start(slot) + float(slot["duration_seconds"])


def merge_frozen(old: dict[str, Any] | None, new: dict[str, Any], now: float) -> dict[str, Any]:
    """The new schedule, except slots running or about to run, kept as they were."""
    if not old:
        return new
    frozen = {
        s["id"]: s
        for s in old.get("slots", [])
        if slot_start(s) - FREEZE_SECONDS <= now < slot_end(s)
    }
    if not frozen:
        return new
    incoming = {s["id"]: s for s in new.get("slots", [])}
    slots = [s for s in new.get("slots", []) if s["id"] not in frozen]
    for slot_id, kept in frozen.items():
        late = incoming.get(slot_id)
        if late is not None:
            known = {i["id"] for i in kept["items"]}
            urgent = [
                i
                for i in late["items"]
                if i.get("priority") == "emergency" and i["id"] not in known
            ]
            kept = {**kept, "items": kept["items"] + urgent}
        slots.append(kept)
    slots.sort(key=slot_start)
    return {**new, "slots": slots}


def wanted_files(schedule: dict[str, Any] | None) -> set[str]:
    """Every rendition the schedule names."""
    if not schedule:
        return set()
    return {i["sha256"] for s in schedule["slots"] for i in s["items"] if i.get("sha256")}


class Syncer:
    """Brings the cache in line with the server."""

    def __init__(
        self,
        config: AgentConfig,
        store: Store,
        client: Client,
        clock: Clock,
        urgent_files: Callable[[], set[str]] = set,
        urgent_idle: Callable[[], None] = lambda: None,
    ) -> None:
        self.config = config
        self.store = store
        self.client = client
        self.clock = clock
        self.urgent_files = urgent_files  # audio of emergency broadcasts: never removed here
        self.urgent_idle = urgent_idle  # returns once no emergency audio is being fetched

    def sync(self) -> SyncReport:
        """Poll the schedule, fetch what is missing, remove what is no longer needed."""
        report = SyncReport()
        before = self.client.bytes_received
        try:
            fetched = self.client.schedule(self.store.get("etag"))
        except AgentError as exc:
            report.error = str(exc)
            return report
        finally:
            self.store.put(clock_offset=repr(self.clock.offset))
        report.status = fetched.status
        if fetched.status == 200 and fetched.body is not None:
            merged = merge_frozen(self.store.schedule(), fetched.body, self.clock.server())
            self.store.save_schedule(merged, fetched.etag or "")
        self._fetch_files(report)
        self._remove_unneeded(report)
        report.bytes = self.client.bytes_received - before
        return report

    def _fetch_files(self, report: SyncReport) -> None:
        folder = self.config.audio_dir
        folder.mkdir(parents=True, exist_ok=True)
        verified = self.store.verified()
        for sha in sorted(wanted_files(self.store.schedule())):
            self.urgent_idle()  # emergency audio first: wait while it is being fetched
            target = folder / f"{sha}.mp3"
            if sha in verified and target.is_file() and target.stat().st_size == verified[sha]:
                continue
            if target.is_file() and file_sha256(target) == sha:
                self.store.mark_verified(sha, target.stat().st_size, self.clock.device())
                continue
            try:
                self.client.download(sha, target)
            except Unreachable as exc:
                report.failed.append(sha)
                report.error = str(exc)
                continue
            except AgentError as exc:
                report.failed.append(sha)
                report.error = str(exc)
                continue
            self.store.mark_verified(sha, target.stat().st_size, self.clock.device())
            report.downloaded += 1

    def _remove_unneeded(self, report: SyncReport) -> None:
        """Files no slot of the cached window names any more (beyond the horizon, or dropped)."""
        keep = wanted_files(self.store.schedule()) | self.urgent_files()
        folder = self.config.audio_dir
        if not folder.is_dir():
            return
        for path in folder.iterdir():
            sha = path.name.split(".")[0]
            if sha in keep:
                continue
            if path.name.endswith(".part") and sha in keep:
                continue
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            self.store.forget_file(sha)
            report.removed += 1

    def missing(self, within_seconds: float) -> tuple[list[int], float | None]:
        """Items starting within the time given without their file; and until when all is ready."""
        schedule = self.store.schedule()
        if not schedule:
            return [], None
        now = self.clock.server()
        verified = self.store.verified()
        missing: list[tuple[float, int]] = []
        for slot in schedule["slots"]:
            start = slot_start(slot)
            if slot_end(slot) < now or start > now + within_seconds:
                continue
            for item in slot["items"]:
                sha = item.get("sha256")
                if not sha or sha not in verified:
                    missing.append((start + item["offset_ms"] / 1000, item["id"]))
        missing.sort()
        last = dt.date.fromisoformat(schedule["to_date"]) + dt.timedelta(days=1)
        zone = ZoneInfo(schedule.get("timezone", "Asia/Ho_Chi_Minh"))
        horizon_end = dt.datetime.combine(last, dt.time(0), zone).timestamp()
        ready_until = missing[0][0] if missing else horizon_end
        return [m[1] for m in missing], ready_until
