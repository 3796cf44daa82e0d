"""Single-instance guard: a lease row with holder and expiry, renewed by the heartbeat."""

from __future__ import annotations

import datetime as dt
import os
import socket

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from content.db import rowcount
from scheduler.worker.models import WorkerHeartbeat, WorkerLease

LEASE_NAME = "worker"


def instance_name() -> str:
    """A name for this process that is unique across hosts: host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


def try_acquire(session: Session, holder: str, now: dt.datetime, ttl: dt.timedelta) -> bool:
    """Renew our lease, or take it over once expired; True when we hold it afterwards."""
    expires = now + ttl
    renewed = session.execute(
        update(WorkerLease)
        .where(WorkerLease.name == LEASE_NAME, WorkerLease.holder == holder)
        .values(expires_at=expires)
    )
    if rowcount(renewed) == 1:
        return True
    taken = session.execute(
        update(WorkerLease)
        .where(WorkerLease.name == LEASE_NAME, WorkerLease.expires_at < now)
        .values(holder=holder, expires_at=expires, acquired_at=now)
    )
    if rowcount(taken) == 1:
        return True
    if session.get(WorkerLease, LEASE_NAME, populate_existing=True) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(
                WorkerLease(name=LEASE_NAME, holder=holder, acquired_at=now, expires_at=expires)
            )
            session.flush()
    except IntegrityError:
        return False
    return True


def release(session: Session, holder: str, now: dt.datetime) -> None:
    """Give the lease up at once (graceful stop) so a standby need not wait for expiry."""
    session.execute(
        update(WorkerLease)
        .where(WorkerLease.name == LEASE_NAME, WorkerLease.holder == holder)
        .values(expires_at=now - dt.timedelta(seconds=1))
    )


def current(session: Session) -> WorkerLease | None:
    """The lease row, if any worker ever held it."""
    return session.scalar(select(WorkerLease).where(WorkerLease.name == LEASE_NAME))


def beat(session: Session, instance: str, role: str, now: dt.datetime) -> None:
    """Record that this worker is alive, and whether it is active or standing by."""
    row = session.get(WorkerHeartbeat, instance)
    if row is None:
        host, _, pid = instance.rpartition(":")
        row = WorkerHeartbeat(
            instance=instance,
            hostname=host or instance,
            pid=int(pid) if pid.isdigit() else os.getpid(),
            started_at=now,
        )
        session.add(row)
    row.role = role
    row.beat_at = now
    session.flush()


def freshest_beat(session: Session) -> WorkerHeartbeat | None:
    """The most recent heartbeat of a running (active or standby) worker."""
    return session.scalar(
        select(WorkerHeartbeat)
        .where(WorkerHeartbeat.role != "stopped")
        .order_by(WorkerHeartbeat.beat_at.desc())
        .limit(1)
    )
