"""Job times: cron triggers in the planning zone, one run key per local time, DST included."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from scheduler.config import JobSchedule
from scheduler.worker.runner import last_fire_time, make_trigger

BERLIN = ZoneInfo("Europe/Berlin")
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def local(text: str, zone: dt.tzinfo = BERLIN) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=zone)


def test_daily_job_key_is_the_latest_local_fire_time():
    trig = make_trigger(JobSchedule(cron="0 5 * * *"), HCM)
    at = last_fire_time(trig, local("2026-11-23T04:59", HCM))
    assert at == local("2026-11-22T05:00", HCM)
    assert last_fire_time(trig, local("2026-11-23T05:00", HCM)) == local("2026-11-23T05:00", HCM)
    assert last_fire_time(trig, local("2026-11-23T23:00", HCM)) == local("2026-11-23T05:00", HCM)


def test_six_fields_mean_seconds_first():
    trig = make_trigger(JobSchedule(cron="*/20 * * * * *"), HCM)
    now = dt.datetime(2026, 11, 23, 1, 2, 59, tzinfo=dt.UTC)
    assert last_fire_time(trig, now) == dt.datetime(2026, 11, 23, 1, 2, 40, tzinfo=dt.UTC)


def test_weekly_job_on_its_weekday():
    trig = make_trigger(JobSchedule(cron="0 8 * * thu"), BERLIN)
    # Sunday 29 March 2026 (DST starts): the last Thursday 08:00 was 26 March, still CET.
    at = last_fire_time(trig, local("2026-03-29T12:00"))
    assert at == dt.datetime(2026, 3, 26, 7, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("now", "expected_utc"),
    [
        # Spring forward: 02:30 does not exist on 29 March; APScheduler fires at 03:30 CEST.
        ("2026-03-29T12:00", dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)),
        ("2026-03-30T12:00", dt.datetime(2026, 3, 30, 0, 30, tzinfo=dt.UTC)),
        # Fall back: 02:30 happens twice on 25 October; both map to the first (one run).
        ("2026-10-25T12:00", dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)),
        ("2026-10-26T12:00", dt.datetime(2026, 10, 26, 1, 30, tzinfo=dt.UTC)),
    ],
)
def test_dst_days_in_berlin(now, expected_utc):
    trig = make_trigger(JobSchedule(cron="30 2 * * *"), BERLIN)
    assert last_fire_time(trig, local(now)) == expected_utc


def test_repeated_hour_gives_one_key():
    trig = make_trigger(JobSchedule(cron="30 2 * * *"), BERLIN)
    first = dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)  # 02:30 CEST
    second = dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC)  # 02:30 CET, same wall time
    keys = {last_fire_time(trig, first + dt.timedelta(minutes=m)) for m in (0, 20, 45, 61, 90, 300)}
    assert keys == {first}
    assert last_fire_time(trig, second) == first
