"""The worker's jobs: each takes (session, context, scheduled time) and returns a summary."""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from audio.messages import N_, message, render_in
from content.db import read_only_session_factory, transaction
from content.feeds.fetch import FeedFetchError, FetchLimits, fetch
from content.feeds.store import due_sources, poll_source
from content.media_models import FeedSource
from scheduler.compliance import evaluate
from scheduler.compliance.export_docx import write_docx
from scheduler.compliance.export_xlsx import write_xlsx
from scheduler.compliance.reports import build_report
from scheduler.config import Label
from scheduler.emergency.watch import summary, watch
from scheduler.notify.service import notify
from scheduler.notify.texts import render
from scheduler.ops.backup import backup_database
from scheduler.periods import Period, Week, local_date_of, period_of_week
from scheduler.worker.areas import channels_by_area
from scheduler.worker.job_kit import JobFn, fmt_date
from scheduler.worker.reminders import remind_today, remind_unconfirmed
from scheduler.worker.weekly import draft_next_week, weekly_digest

if TYPE_CHECKING:
    from scheduler.worker.runner import WorkerContext


def feeds_poll(session: Session, ctx: WorkerContext, at: dt.datetime) -> str:
    """Poll every feed whose interval has elapsed; fetch outside any transaction, store in one."""
    f = ctx.settings.feeds
    limits = FetchLimits(f.timeout_seconds, f.max_bytes, f.user_agent)
    due = [(s.id, s.url, s.etag, s.last_modified) for s in due_sources(session, at)]
    session.rollback()  # no lock held while the network is slow
    counts: Counter[str] = Counter()
    for source_id, url, etag, modified in due:
        try:
            got: Any = fetch(url, limits, etag, modified)
        except FeedFetchError as exc:
            got = exc

        def replay(*_args: Any, _got: Any = got) -> Any:
            if isinstance(_got, Exception):
                raise _got
            return _got

        with transaction(ctx.session_factory) as s:
            source = s.get(FeedSource, source_id)
            if source is not None:
                counts[poll_source(s, source, limits, ctx.settings.zone, replay).status] += 1
    return f"{len(due)} feed(s) polled: " + (
        ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none due"
    )


def report_deadline(period: Period, deadline_month: int, deadline_day: int) -> dt.date:
    """The deadline date of a period's report (month counted from the period's first month)."""
    month0 = period.start.month - 1 + deadline_month - 1
    return dt.date(period.start.year + month0 // 12, month0 % 12 + 1, deadline_day)


def _prebuild(session: Session, ctx: WorkerContext, period: Period) -> tuple[str, str, dict]:
    """Evaluate compliance for the period and write each area's report XLSX ahead of time."""
    result = evaluate(session, ctx.settings, period, now=ctx.clock.now())
    statuses: Counter[str] = Counter()
    for rule_result in result.rules:
        for channel_result in rule_result.channels:
            statuses.update(channel_result.statuses)
    parts = ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())) or "—"
    files = _prebuild_files(session, ctx, period)
    built = message(
        N_("%(parts)s. Reports built: %(files)s"), parts=parts, files=", ".join(files) or "-"
    )
    return (
        render_in(built, "vi"),
        render_in(built, "en"),
        {"status": dict(statuses), "files": files},
    )


def _prebuild_files(session: Session, ctx: WorkerContext, period: Period) -> list[str]:
    """Each area's report as a workbook and a document, written atomically (a rerun replaces)."""
    folder = ctx.settings.resolve_path(ctx.settings.worker.reports_folder)
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for unit in channels_by_area(session, period.end):
        report = build_report(session, ctx.settings, period, unit.code, now=ctx.clock.now())
        for ext in ("xlsx", "docx"):
            dest = folder / f"bao-cao-{period}-{unit.code}.{ext}"
            tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp.{ext}")
            try:
                if ext == "xlsx":
                    write_xlsx(report, ctx.settings, tmp, ctx.reader)
                else:
                    write_docx(report, ctx.settings, tmp)
                os.replace(tmp, dest)
            finally:
                tmp.unlink(missing_ok=True)
            names.append(dest.name)
    return names


def report_deadlines(session: Session, ctx: WorkerContext, at: dt.datetime) -> str:
    """Before each report deadline remind supervisors and pre-build the figures.

    The figures (a national evaluation and one workbook per area) are built first in a
    read-only session, so on SQLite the single write lock is taken only for the notices.
    """
    today = local_date_of(at, ctx.settings.zone)
    due = []
    with read_only_session_factory(ctx.engine)() as reading:
        for rp in ctx.settings.reports:
            # The current period and the next one of this kind (a deadline may fall in either).
            current = period_of_week(Week.of(today), rp.period)
            candidates = [
                current,
                period_of_week(Week.of(current.end + dt.timedelta(days=7)), rp.period),
            ]
            for period in candidates:
                deadline = report_deadline(period, rp.deadline_month, rp.deadline_day)
                days = (deadline - today).days
                if days in ctx.settings.worker.report_remind_days:
                    due.append((rp, period, deadline, days, _prebuild(reading, ctx, period)))
                    reading.rollback()  # each period on a fresh snapshot
    done = []
    for rp, period, deadline, days, (summary_vi, summary_en, built) in due:
        notify(
            session,
            ctx.settings,
            event="report_deadline",
            dedupe_key=f"report_deadline:{rp.period}:{period}:{days}",
            role="supervisor",
            message=render(
                "report_deadline",
                report=Label(rp.name_vi, rp.name_en),
                period=str(period),
                days=days,
                deadline=fmt_date(deadline),
                summary=Label(summary_vi, summary_en),
            ),
            now=at,
            data={"period": str(period), "deadline": deadline.isoformat(), **built},
        )
        done.append(f"{period}:{days}d")
    return "report reminders: " + (", ".join(done) or "none due")


def backup_nightly(session: Session, ctx: WorkerContext, at: dt.datetime) -> str:
    """Back the database up (SQLite online backup, verified) and apply the retention."""
    result = backup_database(ctx.engine, ctx.settings, at)
    return str(result)


def emergency_watch(session: Session, ctx: WorkerContext, at: dt.datetime) -> str:
    """Emergency broadcasts: tell stations, remind, escalate, list at the deadline, close."""
    return summary(watch(session, ctx.settings, at))


def agents_check(session: Session, ctx: WorkerContext, at: dt.datetime) -> str:
    """Station agents: planners told when one is not ready for tomorrow or has gone silent."""
    from scheduler.fleet.health import check_agents

    return check_agents(session, ctx.settings, at)


JOBS: dict[str, JobFn] = {
    "feeds_poll": feeds_poll,
    "remind_today": remind_today,
    "remind_unconfirmed": remind_unconfirmed,
    "draft_next_week": draft_next_week,
    "report_deadlines": report_deadlines,
    "backup_nightly": backup_nightly,
    "weekly_digest": weekly_digest,
    "emergency_watch": emergency_watch,
    "agents_check": agents_check,
}
# Jobs that work outside the ledger's transaction (a file; network fetches stored in their own
# short transactions; report workbooks built in a read-only session before the deduplicated
# notices); their ledger row is written after the (idempotent) effect.
FILE_JOBS = frozenset({"backup_nightly", "feeds_poll", "report_deadlines"})
