"""Worker tables: the single-instance lease, heartbeats, the run ledger and APScheduler's store."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Float, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from content.db import Base, utcnow

APSCHEDULER_TABLE = "apscheduler_jobs"
RUN_STATES = ("done", "missed", "failed")


class WorkerLease(Base):
    """Who may run jobs: one row per lease name; a holder renews expires_at every heartbeat."""

    __tablename__ = "worker_leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120))
    acquired_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]


class WorkerHeartbeat(Base):
    """The last sign of life of one worker process (active or standby)."""

    __tablename__ = "worker_heartbeats"

    instance: Mapped[str] = mapped_column(String(120), primary_key=True)
    hostname: Mapped[str] = mapped_column(String(120))
    pid: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(12))  # active | standby | stopped
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    beat_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class JobRun(Base):
    """The run ledger: one row per job and scheduled time, so a run's effects happen once."""

    __tablename__ = "worker_job_runs"
    __table_args__ = (UniqueConstraint("job_id", "scheduled_for"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(String(60))
    scheduled_for: Mapped[dt.datetime] = mapped_column(index=True)
    state: Mapped[str] = mapped_column(String(12), default="done")
    instance: Mapped[str] = mapped_column(String(120))
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    summary: Mapped[str | None] = mapped_column(Text)


class APSchedulerJob(Base):
    """APScheduler 3's SQLAlchemyJobStore table, declared here so migrations create it."""

    __tablename__ = APSCHEDULER_TABLE

    id: Mapped[str] = mapped_column(String(191), primary_key=True)
    next_run_time: Mapped[float | None] = mapped_column(Float(25), index=True)
    job_state: Mapped[bytes] = mapped_column(LargeBinary)
