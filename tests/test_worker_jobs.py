"""Jobs with an injected clock: reminders, drafting, deadlines, digest; each run happens once."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import docx
import openpyxl
import pytest
from sqlalchemy import func, select

from scheduler.airings import confirm_item
from scheduler.models import ScheduledItem, WeekSchedule
from scheduler.notify.models import Notification, OutboxMessage
from scheduler.periods import Week
from scheduler.schedules import add_item, materialise_week, publish_week
from scheduler.worker import ledger
from scheduler.worker.models import JobRun
from scheduler.worker.runner import execute, last_fire_time
from tests import factories as f
from tests.worker_helpers import context, make_settings

BERLIN = ZoneInfo("Europe/Berlin")
JOBS = {
    "remind_today": {"cron": "0 5 * * *", "misfire_grace_seconds": 10800},
    "remind_unconfirmed": {"cron": "0 * * * *", "misfire_grace_seconds": 3000},
    "draft_next_week": {"cron": "0 8 * * thu", "misfire_grace_seconds": 172800},
    "report_deadlines": {"cron": "0 7 * * *", "misfire_grace_seconds": 43200},
    "weekly_digest": {"cron": "0 7 * * mon", "misfire_grace_seconds": 86400},
}


@pytest.fixture
def berlin(tmp_path):
    return make_settings(tmp_path, jobs=JOBS, timezone="Europe/Berlin")


def _station(session, settings, week: Week, publish: bool = True):
    """A province > commune with one channel, a 06:00 daily pattern and one item per slot."""
    province = f.unit(session, "Tỉnh Thử", level="province", code="91")
    commune = f.unit(session, "Xã Một", parent=province)
    chan = f.channel(session, commune)
    f.pattern(session, chan, weekdays="1234567", start=dt.time(6, 0), minutes=30)
    prog = f.programme(session, seconds=600)
    schedule = materialise_week(session, settings, chan.id, week, "planner")
    for slot in schedule.slots:
        add_item(session, slot.id, prog.id, "planner")
    if publish:
        publish_week(session, schedule.id, "planner")
    session.commit()
    return province, chan, schedule


def _count(session, model, *where) -> int:
    """Count rows, then end the read (SQLite: the test session must not hold the write lock)."""
    n = session.scalar(select(func.count()).select_from(model).where(*where))
    session.commit()
    return n


def test_remind_today_on_the_dst_day_once(session, engine, berlin):
    # Sunday 29 March 2026: clocks go 02:00 -> 03:00 in Berlin; the day has 23 hours.
    _province, chan, _ = _station(session, berlin, Week(2026, 13))
    at = dt.datetime(2026, 3, 29, 5, 0, tzinfo=BERLIN)
    ctx = context(berlin, engine, at)
    key = last_fire_time(ctx.trigger("remind_today"), at)
    assert key == at.astimezone(dt.UTC)
    assert execute(ctx, "remind_today", key).startswith("1 channel(s) reminded of 1 item(s)")
    assert execute(ctx, "remind_today", key) is None  # the same run again: skipped
    session.expire_all()
    notes = session.scalars(select(Notification)).all()
    assert len(notes) == 1
    note = notes[0]
    session.commit()
    assert note.channel_id == chan.id and note.role == "broadcaster"
    assert "29/03/2026" in note.subject_vi and "06:00" in note.body_vi  # local time, CEST
    assert note.subject_en.startswith("Today's broadcasts")
    assert _count(session, JobRun, JobRun.job_id == "remind_today") == 1


def test_remind_today_skips_drafts(session, engine, berlin):
    _station(session, berlin, Week(2026, 13), publish=False)
    ctx = context(berlin, engine, dt.datetime(2026, 3, 29, 5, 0, tzinfo=BERLIN))
    execute(ctx, "remind_today", ctx.clock.now())
    assert _count(session, Notification) == 0


def test_a_failed_run_leaves_nothing_and_is_run_again(session, engine, berlin, monkeypatch):
    _station(session, berlin, Week(2026, 13))
    at = dt.datetime(2026, 3, 29, 5, 0, tzinfo=BERLIN)
    ctx = context(berlin, engine, at)
    import scheduler.notify.service as service

    real = service._queue

    def crash(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("killed in the middle")

    monkeypatch.setattr(service, "_queue", crash)
    with pytest.raises(RuntimeError):
        execute(ctx, "remind_today", at)
    session.expire_all()
    assert _count(session, Notification) == 0 and _count(session, JobRun) == 0
    monkeypatch.setattr(service, "_queue", real)
    assert execute(ctx, "remind_today", at) is not None
    assert _count(session, Notification) == 1 and _count(session, JobRun) == 1


def test_unconfirmed_after_n_hours_once_per_slot(session, engine, berlin):
    _station(session, berlin, Week(2026, 13))
    # Slot of Monday 23 March 06:00 CET; N = 6 hours -> due from 12:00 local.
    ctx = context(berlin, engine, dt.datetime(2026, 3, 23, 11, 0, tzinfo=BERLIN))
    execute(ctx, "remind_unconfirmed", ctx.clock.now())
    assert _count(session, Notification) == 0
    ctx.clock.set(dt.datetime(2026, 3, 23, 12, 0, tzinfo=BERLIN))
    assert execute(ctx, "remind_unconfirmed", ctx.clock.now()).startswith("1 slot reminder")
    ctx.clock.set(dt.datetime(2026, 3, 23, 13, 0, tzinfo=BERLIN))
    assert execute(ctx, "remind_unconfirmed", ctx.clock.now()).startswith("0 slot reminder")
    assert _count(session, Notification, Notification.event == "unconfirmed") == 1
    # Once confirmed, the next day's slot is the only one left to remind about.
    item = session.scalars(select(ScheduledItem).order_by(ScheduledItem.id)).first()
    session.commit()
    confirm_item(session, berlin, item.id, "aired", "bc", now=ctx.clock.now())
    session.commit()
    ctx.clock.set(dt.datetime(2026, 3, 24, 13, 0, tzinfo=BERLIN))
    assert execute(ctx, "remind_unconfirmed", ctx.clock.now()).startswith("1 slot reminder")
    assert _count(session, Notification, Notification.event == "unconfirmed") == 2


def test_draft_next_week_and_tell_planners(session, engine, berlin):
    province, chan, _ = _station(session, berlin, Week(2026, 13))
    # Thursday 26 March 08:00 CET drafts week 14 (30 March - 5 April), which is in CEST.
    at = dt.datetime(2026, 3, 26, 8, 0, tzinfo=BERLIN)
    ctx = context(berlin, engine, at)
    summary = execute(ctx, "draft_next_week", last_fire_time(ctx.trigger("draft_next_week"), at))
    assert summary == "week 2026-W14 drafted for 1 area(s)"
    session.expire_all()
    week = session.scalar(select(WeekSchedule).where(WeekSchedule.week_key == 202614))
    assert week is not None and week.state == "draft" and len(week.slots) == 7
    assert {s.starts_at.astimezone(BERLIN).hour for s in week.slots} == {6}
    note = session.scalar(select(Notification).where(Notification.event == "week_drafted"))
    assert note.role == "planner" and note.unit_id == province.id
    assert "2026-W14" in note.subject_vi and "7 khung giờ" in note.body_vi
    session.commit()
    assert execute(ctx, "draft_next_week", ctx.clock.now()) is None
    assert _count(session, WeekSchedule, WeekSchedule.week_key == 202614) == 1
    assert _count(session, Notification, Notification.event == "week_drafted") == 1


def test_report_deadline_reminders(session, engine, berlin):
    _station(session, berlin, Week(2026, 37))
    # Quarterly report of 2026-Q3 is due 20/09/2026; reminders 7 and 1 days before.
    ctx = context(berlin, engine, dt.datetime(2026, 9, 13, 7, 0, tzinfo=BERLIN))
    assert execute(ctx, "report_deadlines", ctx.clock.now()) == "report reminders: 2026-Q3:7d"
    ctx.clock.set(dt.datetime(2026, 9, 14, 7, 0, tzinfo=BERLIN))
    assert execute(ctx, "report_deadlines", ctx.clock.now()) == "report reminders: none due"
    ctx.clock.set(dt.datetime(2026, 9, 19, 7, 0, tzinfo=BERLIN))
    assert execute(ctx, "report_deadlines", ctx.clock.now()) == "report reminders: 2026-Q3:1d"
    # The half-year report of H2 is due 15/12 and the annual one 10/12.
    ctx.clock.set(dt.datetime(2026, 12, 3, 7, 0, tzinfo=BERLIN))
    assert execute(ctx, "report_deadlines", ctx.clock.now()) == "report reminders: 2026:7d"
    notes = session.scalars(select(Notification).order_by(Notification.id)).all()
    assert [n.role for n in notes] == ["supervisor"] * 3
    assert "20/09/2026" in notes[0].subject_vi and "còn 7 ngày" in notes[0].subject_vi
    assert notes[1].data["deadline"] == "2026-09-20"
    # The quarter's report of the area was pre-built as a workbook and a document.
    assert notes[0].data["files"] == ["bao-cao-2026-Q3-91.xlsx", "bao-cao-2026-Q3-91.docx"]
    assert "bao-cao-2026-Q3-91.xlsx" in notes[0].body_vi
    folder = berlin.resolve_path(berlin.worker.reports_folder)
    assert openpyxl.load_workbook(folder / "bao-cao-2026-Q3-91.xlsx").sheetnames
    document = docx.Document(str(folder / "bao-cao-2026-Q3-91.docx"))
    assert "2026" in "\n".join(p.text for p in document.paragraphs)
    assert not [f for f in folder.iterdir() if ".tmp" in f.name]
    assert notes[2].subject_vi.startswith("Hạn nộp Báo cáo năm 2026")


def test_weekly_digest_counts_last_week(session, engine, berlin):
    province, chan, schedule = _station(session, berlin, Week(2026, 13))
    items = session.scalars(select(ScheduledItem).order_by(ScheduledItem.id)).all()
    now = dt.datetime(2026, 3, 30, 7, 0, tzinfo=BERLIN)
    confirm_item(session, berlin, items[0].id, "aired", "bc", now=now)
    confirm_item(session, berlin, items[1].id, "not_aired", "bc", reason_code="mat_dien", now=now)
    session.commit()
    ctx = context(berlin, engine, now)
    assert execute(ctx, "weekly_digest", now) == "digest of 2026-W13 for 1 area(s)"
    notes = session.scalars(select(Notification).where(Notification.role == "supervisor")).all()
    assert len(notes) == 1
    assert notes[0].data == {
        "week": "2026-W13",
        "planned": 7,
        "aired": 1,
        "partial": 0,
        "not_aired": 1,
        "unconfirmed": 5,
        "unplanned": 0,
    }
    assert "7 chương trình theo lịch, 1 đã phát" in notes[0].body_vi


def test_ledger_rows_are_unique(session, engine, berlin):
    at = dt.datetime(2026, 3, 29, 3, 0, tzinfo=dt.UTC)
    assert ledger.claim(session, "remind_today", at, "a", at) is not None
    assert ledger.claim(session, "remind_today", at, "b", at) is None
    session.commit()
    assert _count(session, JobRun) == 1
    assert _count(session, OutboxMessage) == 0


def test_report_deadlines_builds_figures_without_the_write_lock(
    session, engine, berlin, monkeypatch
):
    """While the national figures are built, a confirmation on SQLite does not wait for the job."""
    if engine.dialect.name != "sqlite":
        pytest.skip("the single write lock is SQLite's")
    from sqlalchemy import event
    from sqlalchemy.exc import OperationalError

    from content.db import make_engine, make_session_factory
    from scheduler.worker import jobs

    _, chan, schedule = _station(session, berlin, Week(2026, 37))
    item_id = schedule.slots[0].items[0].id
    other = make_engine(str(engine.url))
    event.listen(other, "connect", lambda c, _r: c.execute("PRAGMA busy_timeout=300"))
    confirmed = []
    real = jobs._prebuild

    def prebuild_and_confirm(reading, ctx, period):
        figures = real(reading, ctx, period)
        try:
            with make_session_factory(other)() as s:
                confirm_item(s, berlin, item_id, "aired", "bt", now=ctx.clock.now())
                s.commit()
        except OperationalError as exc:  # not retried as "database down" by the runner
            raise AssertionError(f"the confirmation waited for the job's lock: {exc}") from exc
        confirmed.append(period)
        return figures

    monkeypatch.setattr(jobs, "_prebuild", prebuild_and_confirm)
    ctx = context(berlin, engine, dt.datetime(2026, 9, 13, 7, 0, tzinfo=BERLIN))
    try:
        assert execute(ctx, "report_deadlines", ctx.clock.now()) == "report reminders: 2026-Q3:7d"
    finally:
        other.dispose()
    assert [str(p) for p in confirmed] == ["2026-Q3"]
    assert _count(session, Notification, Notification.event == "report_deadline") == 1
