"""Run a job once per scheduled time: triggers, the ledger, DB retries, the worker context."""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import time
from dataclasses import dataclass, field

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from content.db import transaction
from scheduler.compliance.labels import Reader
from scheduler.config import Settings
from scheduler.notify.delivery import deliver_due
from scheduler.worker import ledger
from scheduler.worker.clock import Clock, SystemClock
from scheduler.worker.jobs import FILE_JOBS, JOBS
from scheduler.worker.settings import JobSchedule

log = logging.getLogger("loa.worker")
CRON_FIELDS = ("minute", "hour", "day", "month", "day_of_week")
UNLEDGERED = frozenset({"deliver_notifications", "emergency_watch"})
# Test hook (documented in docs/production.md): "job_id=seconds" pauses a job after its effects
# and before its commit, so tests can kill -9 a worker in the middle of a run.
FAULT_ENV = "LOA_WORKER_FAULT_SLEEP"


def make_trigger(job: JobSchedule, zone: dt.tzinfo) -> CronTrigger:
    """A cron trigger in the planning zone from 5 crontab fields (or 6, seconds first)."""
    parts = job.cron.split()
    fields = (
        dict(zip(("second", *CRON_FIELDS), parts, strict=True))
        if len(parts) == 6
        else {"second": "0", **dict(zip(CRON_FIELDS, parts, strict=True))}
    )
    return CronTrigger(timezone=zone, **fields)


_WINDOWS = (
    dt.timedelta(minutes=2),
    dt.timedelta(hours=2),
    dt.timedelta(days=2),
    dt.timedelta(days=9),
    dt.timedelta(days=40),
    dt.timedelta(days=400),
)


def last_fire_time(trigger: CronTrigger, now: dt.datetime) -> dt.datetime | None:
    """The latest time at or before now when the trigger fires (the run a job stands for)."""
    for window in _WINDOWS:
        t: dt.datetime | None = trigger.get_next_fire_time(None, now - window)  # untyped lib
        if t is None or t > now:
            continue
        last = t
        probe = last + dt.timedelta(seconds=1)
        for _ in range(10_000):
            nxt = trigger.get_next_fire_time(None, probe)
            if nxt is not None and nxt <= last:
                # A repeated local hour (DST ends) can map back to an earlier instant: skip on.
                probe += dt.timedelta(hours=1)
                continue
            if nxt is None or nxt > now:
                break
            last = nxt
            probe = last + dt.timedelta(seconds=1)
        # One key per local wall time: the repeated hour when DST ends maps to its first instant.
        local = last.astimezone(trigger.timezone).replace(fold=0)
        return local.astimezone(dt.UTC)
    return None


@dataclass
class WorkerContext:
    """What jobs need: settings, database, clock, this worker's name; set once per process."""

    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    clock: Clock = field(default_factory=SystemClock)
    instance: str = "worker"
    stop: threading.Event = field(default_factory=threading.Event)
    reader: Reader = field(default_factory=Reader)  # language of the files jobs write

    def trigger(self, job_id: str) -> CronTrigger:
        """The trigger of a configured job."""
        return make_trigger(self.settings.worker.jobs[job_id], self.settings.zone)


_context: WorkerContext | None = None


def install(ctx: WorkerContext) -> None:
    """Make ctx the context that APScheduler-called jobs use in this process."""
    global _context
    _context = ctx


def context() -> WorkerContext:
    """The installed context (jobs run only inside a started worker)."""
    if _context is None:
        raise RuntimeError("the worker context is not installed")
    return _context


def _fault_sleep(job_id: str) -> float:
    spec = os.environ.get(FAULT_ENV, "")
    for part in spec.split(","):
        name, _, secs = part.partition("=")
        if name.strip() == job_id and secs:
            return float(secs)
    return 0.0


def _event(level: int, event: str, **fields: object) -> None:
    log.log(level, event, extra={"fields": fields})


def run_job(job_id: str) -> None:
    """Entry point stored in APScheduler's job store: run the job for its latest fire time."""
    ctx = context()
    if job_id == "emergency_watch":  # idempotent by itself, every few seconds: no ledger rows
        with transaction(ctx.session_factory) as s:
            summary = JOBS[job_id](s, ctx, ctx.clock.now())
        if any(not part.endswith(" 0") for part in summary.split(", ")):
            _event(logging.INFO, "job.done", job=job_id, summary=summary)
        return
    if job_id in UNLEDGERED:
        report = deliver_due(ctx.session_factory, ctx.settings, ctx.clock.now())
        if report.sent or report.retried or report.dead:
            _event(logging.INFO, "job.done", job=job_id, summary=str(report))
        return
    at = last_fire_time(ctx.trigger(job_id), ctx.clock.now())
    if at is None:
        return
    execute(ctx, job_id, at)


def _is_db_down(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated
    )


def execute(ctx: WorkerContext, job_id: str, at: dt.datetime) -> str | None:
    """Run job_id for scheduled time at, at most once; retry while the database is down."""
    grace = dt.timedelta(seconds=ctx.settings.worker.jobs[job_id].misfire_grace_seconds)
    delay = 1.0
    while True:
        try:
            return _execute_once(ctx, job_id, at)
        except Exception as exc:
            if not _is_db_down(exc):
                _event(
                    logging.ERROR,
                    "job.failed",
                    job=job_id,
                    scheduled_for=at.isoformat(),
                    error=f"{exc.__class__.__name__}: {exc}",
                )
                raise
            if ctx.clock.now() > at + grace or ctx.stop.is_set():
                _event(
                    logging.ERROR,
                    "job.gave_up",
                    job=job_id,
                    scheduled_for=at.isoformat(),
                    error="database unreachable beyond the misfire grace time",
                )
                raise
            _event(
                logging.WARNING,
                "job.db_retry",
                job=job_id,
                scheduled_for=at.isoformat(),
                retry_in=delay,
                error=str(exc).splitlines()[0][:300],
            )
            ctx.stop.wait(delay)
            delay = min(delay * 2, float(ctx.settings.worker.db_retry_max_seconds))


def _execute_once(ctx: WorkerContext, job_id: str, at: dt.datetime) -> str | None:
    fn = JOBS[job_id]
    started = time.monotonic()
    if job_id in FILE_JOBS:
        with transaction(ctx.session_factory) as s:
            if ledger.find(s, job_id, at) is not None:
                _event(logging.INFO, "job.skip", job=job_id, scheduled_for=at.isoformat())
                return None
        _event(logging.INFO, "job.start", job=job_id, scheduled_for=at.isoformat())
        with transaction(ctx.session_factory) as s:
            summary = fn(s, ctx, at)
        with transaction(ctx.session_factory) as s:
            ledger.claim(s, job_id, at, ctx.instance, ctx.clock.now(), summary=summary)
    else:
        with transaction(ctx.session_factory) as s:
            row = ledger.claim(s, job_id, at, ctx.instance, ctx.clock.now())
            if row is None:
                _event(logging.INFO, "job.skip", job=job_id, scheduled_for=at.isoformat())
                return None
            _event(logging.INFO, "job.start", job=job_id, scheduled_for=at.isoformat())
            summary = fn(s, ctx, at)
            pause = _fault_sleep(job_id)
            if pause:
                time.sleep(pause)
            row.summary = summary[:2000]
            row.finished_at = ctx.clock.now()
    _event(
        logging.INFO,
        "job.done",
        job=job_id,
        scheduled_for=at.isoformat(),
        summary=summary,
        seconds=round(time.monotonic() - started, 3),
    )
    return summary
