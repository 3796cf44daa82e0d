"""The worker process: heartbeat and lease loop; APScheduler runs the jobs while we hold it."""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
from typing import Any

from apscheduler.events import EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.engine import Engine

from content.db import make_session_factory, transaction
from scheduler.compliance.labels import Reader
from scheduler.config import Settings
from scheduler.worker import lease, ledger
from scheduler.worker.clock import Clock, SystemClock
from scheduler.worker.models import APSCHEDULER_TABLE
from scheduler.worker.runner import (
    UNLEDGERED,
    WorkerContext,
    _is_db_down,
    install,
    last_fire_time,
)

log = logging.getLogger("loa.worker")
JOB_FUNC = "scheduler.worker.runner:run_job"


def _event(level: int, event: str, **fields: object) -> None:
    log.log(level, event, extra={"fields": fields})


class Worker:
    """One worker process: stands by until it holds the lease, then schedules the jobs."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        clock: Clock | None = None,
        instance: str | None = None,
        reader: Reader | None = None,
    ) -> None:
        self.settings = settings
        self.ctx = WorkerContext(
            settings=settings,
            engine=engine,
            session_factory=make_session_factory(engine),
            clock=clock or SystemClock(),
            instance=instance or lease.instance_name(),
            reader=reader or Reader(),
        )
        self.scheduler: BackgroundScheduler | None = None
        self.last_renewal: dt.datetime | None = None

    @property
    def active(self) -> bool:
        """True while this worker holds the lease and runs jobs."""
        return self.scheduler is not None

    # -- lease and heartbeat -------------------------------------------------------------
    def tick(self) -> bool:
        """One heartbeat: renew or take the lease, start or stop scheduling accordingly."""
        w = self.settings.worker
        now = self.ctx.clock.now()
        with transaction(self.ctx.session_factory) as s:
            held = lease.try_acquire(
                s, self.ctx.instance, now, dt.timedelta(seconds=w.lease_seconds)
            )
            lease.beat(s, self.ctx.instance, "active" if held else "standby", now)
        if held:
            self.last_renewal = now
            if not self.active:
                self.promote()
        elif self.active:
            _event(logging.WARNING, "worker.lease_lost", instance=self.ctx.instance)
            self.demote()
        return held

    def lost_contact(self) -> None:
        """The database is unreachable: stop scheduling once our lease may have expired."""
        if not self.active or self.last_renewal is None:
            return
        lease_len = dt.timedelta(seconds=self.settings.worker.lease_seconds)
        if self.ctx.clock.now() - self.last_renewal >= lease_len:
            _event(logging.WARNING, "worker.lease_expired_offline", instance=self.ctx.instance)
            self.demote()

    # -- scheduling ------------------------------------------------------------------------
    def _make_scheduler(self) -> BackgroundScheduler:
        store = SQLAlchemyJobStore(engine=self.ctx.engine, tablename=APSCHEDULER_TABLE)
        sched = BackgroundScheduler(
            jobstores={"default": store},
            executors={"default": ThreadPoolExecutor(4)},
            job_defaults={"coalesce": True, "max_instances": 1},
            timezone=self.settings.zone,
        )
        sched.add_listener(self._on_missed, EVENT_JOB_MISSED)
        return sched

    def sync_jobs(self, sched: BackgroundScheduler) -> None:
        """Make the job store match config; unchanged jobs keep their stored next run time."""
        wanted = {k: j for k, j in self.settings.worker.jobs.items() if j.enabled}
        for job in sched.get_jobs():
            if job.id not in wanted:
                sched.remove_job(job.id)
        for job_id, spec in wanted.items():
            trigger = self.ctx.trigger(job_id)
            existing = sched.get_job(job_id)
            if (
                existing is not None
                and repr(existing.trigger) == repr(trigger)
                and existing.misfire_grace_time == spec.misfire_grace_seconds
                and existing.func_ref == JOB_FUNC
            ):
                continue
            sched.add_job(
                JOB_FUNC,
                trigger=trigger,
                args=[job_id],
                id=job_id,
                name=job_id,
                replace_existing=True,
                misfire_grace_time=spec.misfire_grace_seconds,
                coalesce=True,
                max_instances=1,
            )

    def catch_up(self, sched: BackgroundScheduler) -> None:
        """Make up the latest missed run of each job once (coalesced), or record it missed."""
        now = self.ctx.clock.now()
        for job_id, spec in self.settings.worker.jobs.items():
            if not spec.enabled or job_id in UNLEDGERED:
                continue
            at = last_fire_time(self.ctx.trigger(job_id), now)
            if at is None:
                continue
            within_grace = now - at <= dt.timedelta(seconds=spec.misfire_grace_seconds)
            with transaction(self.ctx.session_factory) as s:
                if ledger.find(s, job_id, at) is not None:
                    continue
                if not within_grace:
                    ledger.claim(
                        s,
                        job_id,
                        at,
                        self.ctx.instance,
                        now,
                        state="missed",
                        summary="worker down beyond the misfire grace time",
                    )
                    _event(logging.WARNING, "job.missed", job=job_id, scheduled_for=at.isoformat())
            if within_grace:
                # Outside the ledger transaction: the job store may be the same SQLite file.
                _event(logging.INFO, "job.catch_up", job=job_id, scheduled_for=at.isoformat())
                sched.modify_job(job_id, next_run_time=now)

    def _on_missed(self, event: JobExecutionEvent) -> None:
        """APScheduler skipped a run older than its grace: write it in the ledger as missed."""
        at = event.scheduled_run_time.astimezone(dt.UTC)
        _event(logging.WARNING, "job.missed", job=event.job_id, scheduled_for=at.isoformat())
        if event.job_id in UNLEDGERED:
            return
        try:
            with transaction(self.ctx.session_factory) as s:
                ledger.claim(
                    s,
                    event.job_id,
                    at,
                    self.ctx.instance,
                    self.ctx.clock.now(),
                    state="missed",
                    summary="missed by APScheduler (beyond grace)",
                )
        except Exception as exc:  # noqa: BLE001 - a listener must not kill the scheduler
            _event(logging.ERROR, "job.missed_unrecorded", job=event.job_id, error=str(exc))

    def promote(self) -> None:
        """We hold the lease: start APScheduler, sync the jobs, catch up missed runs."""
        sched = self._make_scheduler()
        sched.start(paused=True)
        try:
            self.sync_jobs(sched)
            self.catch_up(sched)
        except Exception:
            sched.shutdown(wait=False)
            raise
        sched.resume()
        self.scheduler = sched
        _event(
            logging.INFO,
            "worker.active",
            instance=self.ctx.instance,
            jobs=sorted(j.id for j in sched.get_jobs()),
        )

    def demote(self, wait: bool = False) -> None:
        """Stop scheduling (lease lost or shutting down); running jobs finish if wait."""
        sched, self.scheduler = self.scheduler, None
        if sched is not None:
            sched.shutdown(wait=wait)
            _event(logging.INFO, "worker.standby", instance=self.ctx.instance)

    # -- main loop -------------------------------------------------------------------------
    def run(self, stop: threading.Event | None = None) -> None:
        """Beat, hold the lease and schedule until stop is set (SIGTERM/SIGINT set it)."""
        stop = stop or self.ctx.stop
        self.ctx.stop = stop
        install(self.ctx)
        w = self.settings.worker
        _event(
            logging.INFO,
            "worker.start",
            instance=self.ctx.instance,
            lease_seconds=w.lease_seconds,
            heartbeat_seconds=w.heartbeat_seconds,
        )
        delay = float(w.heartbeat_seconds)
        while not stop.is_set():
            try:
                self.tick()
                delay = float(w.heartbeat_seconds)
            except Exception as exc:
                if not _is_db_down(exc):
                    _event(logging.ERROR, "worker.error", error=f"{exc.__class__.__name__}: {exc}")
                else:
                    _event(
                        logging.WARNING,
                        "worker.db_unreachable",
                        retry_in=delay,
                        error=str(exc).splitlines()[0][:300],
                    )
                self.lost_contact()
                stop.wait(delay)
                delay = min(delay * 2, float(max(w.db_retry_max_seconds, w.heartbeat_seconds)))
                continue
            stop.wait(delay)
        self.shutdown()

    def shutdown(self) -> None:
        """Graceful stop: let running jobs finish, give the lease up, say we stopped."""
        was_active = self.active
        self.demote(wait=True)
        try:
            with transaction(self.ctx.session_factory) as s:
                now = self.ctx.clock.now()
                if was_active:
                    lease.release(s, self.ctx.instance, now)
                lease.beat(s, self.ctx.instance, "stopped", now)
        except Exception as exc:  # noqa: BLE001 - the database may be gone; the lease expires
            _event(logging.WARNING, "worker.release_failed", error=str(exc).splitlines()[0])
        _event(logging.INFO, "worker.stopped", instance=self.ctx.instance)


def install_signal_handlers(stop: threading.Event) -> None:
    """SIGTERM and SIGINT ask the main loop to stop gracefully."""

    def _handler(signum: int, _frame: Any) -> None:
        _event(logging.INFO, "worker.signal", signal=signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, _handler)
    signal.signal(signal.SIGINT, _handler)
