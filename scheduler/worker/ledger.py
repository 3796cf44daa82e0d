"""The run ledger: a (job id, scheduled time) row commits with the run's effects, once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from scheduler.worker.models import JobRun


def find(session: Session, job_id: str, scheduled_for: dt.datetime) -> JobRun | None:
    """The ledger row of this run, if it was done (or recorded as missed)."""
    return session.scalar(
        select(JobRun).where(JobRun.job_id == job_id, JobRun.scheduled_for == scheduled_for)
    )


def claim(
    session: Session,
    job_id: str,
    scheduled_for: dt.datetime,
    instance: str,
    now: dt.datetime,
    state: str = "done",
    summary: str | None = None,
) -> JobRun | None:
    """Insert the ledger row; None when another run (or worker) already has it."""
    row = JobRun(
        job_id=job_id,
        scheduled_for=scheduled_for,
        state=state,
        instance=instance,
        started_at=now,
        finished_at=now,
        summary=summary,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return None
    return row


def runs(session: Session, job_id: str | None = None, limit: int = 50) -> list[JobRun]:
    """Recent ledger rows, newest first."""
    query = select(JobRun).order_by(JobRun.scheduled_for.desc(), JobRun.id.desc()).limit(limit)
    if job_id:
        query = query.where(JobRun.job_id == job_id)
    return list(session.scalars(query))
