"""The long-running agent: APScheduler jobs for sync, emergencies, uploads, heartbeat, slots.

Slot jobs are date jobs at the slot's start on the server's clock, converted to the host's
clock through the measured offset (and rescheduled when the offset or the schedule changes).
As-run rows are uploaded in batches, retried with a growing pause until acknowledged.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler

from scheduler.agent import VERSION
from scheduler.agent.client import Client
from scheduler.agent.clock import Clock, iso
from scheduler.agent.config import AgentConfig, AgentError
from scheduler.agent.emergency import EmergencyDesk
from scheduler.agent.output import Output
from scheduler.agent.player import Player
from scheduler.agent.store import Store
from scheduler.agent.sync import Syncer, slot_end, slot_start

log = logging.getLogger("loa.agent")
EARLY = 3.0  # a slot's job fires this many seconds before its start; the player waits exactly
UPLOAD_SECONDS = 5
HEARTBEAT_SECONDS = 60
MAX_BACKOFF = 300.0
DAY = 86400.0


class Agent:
    """One station's agent: cache, player, uploads."""

    def __init__(self, config: AgentConfig) -> None:
        self.config = config
        self.store = Store(config.db_path)
        saved = self.store.get("clock_offset")
        self.clock = Clock(float(saved) if saved else 0.0)
        self.client = Client(config, self.clock)
        self.player = Player(config, self.store, self.clock, Output(config.output))
        self.desk = EmergencyDesk(config, self.store, self.client, self.clock, self.player)
        self.syncer = Syncer(
            config, self.store, self.client, self.clock, self.desk.log.files, self.desk.idle
        )
        self.scheduler = BackgroundScheduler(timezone="UTC")
        self._planned: dict[int, float] = {}  # slot id -> host time its job was set for
        self._backoff = 0.0
        self._upload_lock = threading.Lock()
        self.poll_seconds = 60
        self.emergency_poll_seconds = 10
        self._poll_interval = 0

    # --- jobs
    def sync(self) -> None:
        """Poll and fetch; re-plan slot jobs; pre-empt for a new emergency item."""
        report = self.syncer.sync()
        if report.error:
            log.warning("sync: %s", report.error)
        schedule = self.store.schedule()
        if schedule:
            self._adopt_timings(schedule)
        self.plan_slots()
        self._pace_polls()
        playing = self.player.now_playing
        current = self._current_slot()
        if playing is not None and current is not None and self.player.emergency_pending(current):
            self.player.preempt()

    def _adopt_timings(self, schedule: dict[str, Any]) -> None:
        poll = int(schedule.get("poll_seconds", 60))
        urgent = int(schedule.get("emergency_poll_seconds", 10))
        changed = urgent != self.emergency_poll_seconds
        self.poll_seconds, self.emergency_poll_seconds = poll, urgent
        if changed and self.scheduler.running and self.scheduler.get_job("emergency"):
            self.scheduler.reschedule_job("emergency", trigger="interval", seconds=urgent)

    def _pace_polls(self) -> None:
        """Poll every emergency_poll_seconds while a slot runs (emergencies pre-empt it)."""
        if not self.scheduler.running or self.scheduler.get_job("sync") is None:
            return
        seconds = self.emergency_poll_seconds if self._current_slot() else self.poll_seconds
        if seconds != self._poll_interval:
            self._poll_interval = seconds
            self.scheduler.reschedule_job("sync", trigger="interval", seconds=seconds)

    def _current_slot(self) -> int | None:
        schedule = self.store.schedule() or {"slots": []}
        now = self.clock.server()
        for slot in schedule["slots"]:
            if slot_start(slot) - EARLY <= now < slot_end(slot):
                return int(slot["id"])
        return None

    def plan_slots(self) -> None:
        """A date job per coming slot; a slot already running is started at once."""
        schedule = self.store.schedule() or {"slots": []}
        now = self.clock.server()
        wanted: dict[int, float] = {}
        for slot in schedule["slots"]:
            if slot_end(slot) <= now:
                continue
            wanted[int(slot["id"])] = max(slot_start(slot) - EARLY, now)
        for slot_id in set(self._planned) - set(wanted):
            self._remove_job(slot_id)
        host_now = time.time()
        for slot_id, at in wanted.items():
            when = self.clock.to_system(at)
            key = when.timestamp()
            earlier = self._planned.get(slot_id)
            if earlier is not None and (abs(earlier - key) < 0.25 or earlier <= host_now + 0.5):
                continue  # already planned there, or already fired
            self.scheduler.add_job(
                self.player.play_slot, "date", run_date=when, args=[slot_id],
                id=f"slot-{slot_id}", replace_existing=True, misfire_grace_time=None,
                max_instances=1,
            )  # fmt: skip
            self._planned[slot_id] = key

    def _remove_job(self, slot_id: int) -> None:
        self._planned.pop(slot_id, None)
        job = self.scheduler.get_job(f"slot-{slot_id}")
        if job is not None:
            job.remove()

    def upload(self) -> int:
        """Send finished as-run rows in batches until none is left; back off on failure."""
        sent = 0
        with self._upload_lock:
            while batch := self.store.unsent(100):
                try:
                    results = self.client.asrun([row.as_event() for row in batch])
                except AgentError as exc:
                    self._backoff = min(MAX_BACKOFF, max(UPLOAD_SECONDS, self._backoff * 2))
                    log.warning("upload failed, next try in %.0f s: %s", self._backoff, exc)
                    self._schedule_retry()
                    return sent
                self.store.acknowledge({r["event_id"]: r["result"] for r in results})
                sent += len(results)
                self._backoff = 0.0
        return sent

    def _schedule_retry(self) -> None:
        if self.scheduler.running:
            self.scheduler.reschedule_job("upload", trigger="interval", seconds=self._backoff)

    def _upload_job(self) -> None:
        before = self._backoff
        self.upload()
        if before and not self._backoff and self.scheduler.running:
            self.scheduler.reschedule_job("upload", trigger="interval", seconds=UPLOAD_SECONDS)

    def health(self) -> dict[str, Any]:
        """What the heartbeat reports."""
        missing, ready_until = self.syncer.missing(DAY)
        verified = self.store.verified()
        disk = shutil.disk_usage(self.config.cache_dir)
        report: dict[str, Any] = {
            "version": VERSION,
            "disk_free_bytes": disk.free,
            "cache_files": len(verified),
            "cache_bytes": sum(verified.values()),
            "schedule_version": (self.store.get("etag") or "").strip('"')[:40],
            "missing_items": missing[:200],
            "output": self.config.output[:200],
            "output_ok": self.player.output_ok,
            "clock_offset_seconds": round(self.clock.offset, 3),
            "unsent_events": len(self.store.unsent(10_000)),
        }
        if ready_until is not None:
            report["ready_until"] = iso(ready_until)
        if self.player.last_play_at is not None:
            report["last_play_at"] = iso(self.player.last_play_at)
        return report

    def heartbeat(self) -> None:
        """Tell the server how the station is."""
        try:
            self.client.heartbeat(self.health())
        except AgentError as exc:
            log.warning("heartbeat: %s", exc)

    # --- life
    def start(self) -> None:
        """Recover after a crash, sync once, then run the jobs."""
        recovered = self.store.recover()
        if recovered:
            log.info("%s interrupted item(s) recorded as partial", recovered)
        self.desk.start()
        self.scheduler.start()
        self.desk.poll()  # emergencies first: their audio comes before any other file
        self.scheduler.add_job(self.desk.poll, "interval", seconds=self.emergency_poll_seconds,
                               id="emergency", max_instances=1, coalesce=True)  # fmt: skip
        self.sync()
        self._poll_interval = self.poll_seconds
        self.scheduler.add_job(self.sync, "interval", seconds=self.poll_seconds, id="sync",
                               max_instances=1, coalesce=True)  # fmt: skip
        self._pace_polls()
        self.scheduler.add_job(self._upload_job, "interval", seconds=UPLOAD_SECONDS,
                               id="upload", max_instances=1, coalesce=True)  # fmt: skip
        self.scheduler.add_job(self.heartbeat, "interval", seconds=HEARTBEAT_SECONDS,
                               id="heartbeat", max_instances=1, coalesce=True)  # fmt: skip
        self.upload()
        self.heartbeat()

    def stop(self) -> None:
        """Stop playing and scheduling; what played so far is already in the log."""
        self.player.shutdown.set()
        self.player.preempt()
        self.scheduler.shutdown(wait=True)
        self.desk.stop()
        self.upload()
        self.desk.flush()
        self.store.close()
