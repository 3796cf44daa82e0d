"""The lease with an injected clock: one holder, takeover after expiry, job store sync."""

from __future__ import annotations

import dataclasses
import datetime as dt

from scheduler.config import JobSchedule
from scheduler.worker import lease
from scheduler.worker.clock import FixedClock
from scheduler.worker.service import Worker
from tests.worker_helpers import make_settings

T0 = dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC)  # the night DST starts in Berlin
JOBS = {"weekly_digest": {"cron": "0 7 * * mon", "misfire_grace_seconds": 86400}}


def test_one_holder_then_takeover_after_expiry(engine, tmp_path):
    settings = make_settings(
        tmp_path, jobs=JOBS, timezone="Europe/Berlin", lease_seconds=30, heartbeat_seconds=10
    )
    clock = FixedClock(T0)
    a = Worker(settings, engine, clock=clock, instance="a")
    b = Worker(settings, engine, clock=clock, instance="b")
    try:
        assert a.tick() is True and a.active
        assert b.tick() is False and not b.active
        clock.advance(dt.timedelta(seconds=29))
        assert a.tick() is True  # renewed: expires at T0 + 59 s now
        clock.advance(dt.timedelta(seconds=29))
        assert b.tick() is False
        # a stops beating (hung or cut off); after the lease time b takes over.
        clock.advance(dt.timedelta(seconds=31))
        assert b.tick() is True and b.active
        assert a.tick() is False and not a.active  # a notices and stands by
        with a.ctx.session_factory() as s:
            assert lease.current(s).holder == "b"
            from scheduler.worker.models import WorkerHeartbeat

            assert s.get(WorkerHeartbeat, "a").role == "standby"
            assert s.get(WorkerHeartbeat, "b").role == "active"
            s.commit()
    finally:
        a.demote()
        b.demote()


def test_lost_contact_demotes_only_after_the_lease_time(engine, tmp_path):
    settings = make_settings(tmp_path, jobs=JOBS, lease_seconds=30, heartbeat_seconds=10)
    clock = FixedClock(T0)
    w = Worker(settings, engine, clock=clock, instance="solo")
    try:
        w.tick()
        clock.advance(dt.timedelta(seconds=20))
        w.lost_contact()
        assert w.active
        clock.advance(dt.timedelta(seconds=10))
        w.lost_contact()
        assert not w.active
    finally:
        w.demote()


def test_job_store_keeps_unchanged_jobs_and_replaces_changed(engine, tmp_path):
    settings = make_settings(tmp_path, jobs=JOBS, timezone="Europe/Berlin")
    w = Worker(settings, engine, clock=FixedClock(T0), instance="s")
    try:
        w.tick()
        job = w.scheduler.get_job("weekly_digest")
        assert job.misfire_grace_time == 86400 and job.coalesce is True
        # APScheduler plans on the real clock, in the planning zone: Monday 07:00 Berlin time.
        assert (job.next_run_time.hour, job.next_run_time.isoweekday()) == (7, 1)
        assert str(job.next_run_time.tzinfo) == "Europe/Berlin"
        w.demote(wait=True)
        changed = dataclasses.replace(
            settings,
            worker=dataclasses.replace(
                settings.worker,
                jobs={"weekly_digest": JobSchedule(cron="0 9 * * tue", misfire_grace_seconds=60)},
            ),
        )
        w2 = Worker(changed, engine, clock=FixedClock(T0), instance="s")
        w2.tick()
        job = w2.scheduler.get_job("weekly_digest")
        assert job.misfire_grace_time == 60 and job.next_run_time.hour == 9
        assert [j.id for j in w2.scheduler.get_jobs()] == ["weekly_digest"]
        w2.demote(wait=True)
    finally:
        w.demote()
