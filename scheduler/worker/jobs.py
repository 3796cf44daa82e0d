"""The worker's jobs: each takes (session, context, scheduled time) and returns a summary."""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from audio.messages import N_, Joined, Message, TranslatableError, message, render_in
from content.db import read_only_session_factory, transaction
from scheduler.config import Label
from scheduler.errors import LoaError
from scheduler.models import Airing, Channel, ScheduledItem, Slot, WeekSchedule
from scheduler.notify.service import notify
from scheduler.notify.texts import render
from scheduler.periods import Period, Week, local_date_of, period_of_week
from scheduler.worker.areas import channels_by_area

if TYPE_CHECKING:
    from scheduler.worker.runner import WorkerContext

log = logging.getLogger("loa.worker.jobs")
ACTOR = "worker"
UNCONFIRMED_LOOKBACK = dt.timedelta(days=7)

JobFn = Callable[[Session, "WorkerContext", dt.datetime], str]


def optional(module: str, name: str) -> Any | None:
    """A function of another feature when it has landed, else None (logged as not available)."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        log.info("job.dependency_missing", extra={"fields": {"needs": f"{module}.{name}"}})
        return None


def _fmt_date(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def _item_lines(items: list[ScheduledItem], zone: dt.tzinfo) -> str:
    return "\n".join(
        f"- {item.slot.starts_at.astimezone(zone):%H:%M} {item.programme.title}" for item in items
    )


def feeds_poll(session: Session, ctx: WorkerContext, at: dt.datetime) -> str:
    """Poll every feed whose interval has elapsed; fetch outside any transaction, store in one."""
    store = optional("content.feeds.store", "poll_source")
    if store is None:
        return "content.feeds not available"
    from content.feeds.fetch import FeedFetchError, FetchLimits, fetch
    from content.feeds.store import due_sources
    from content.media_models import FeedSource

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
                counts[store(s, source, limits, ctx.settings.zone, replay).status] += 1
    return f"{len(due)} feed(s) polled: " + (
        ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none due"
    )


def remind_today(session: Session, ctx: WorkerContext, at: dt.datetime) -> str:
    """Tell each channel's broadcasters what today's published schedule holds."""
    zone = ctx.settings.zone
    today = local_date_of(at, zone)
    rows = session.scalars(
        select(ScheduledItem)
        .join(Slot, ScheduledItem.slot_id == Slot.id)
        .join(WeekSchedule, Slot.schedule_id == WeekSchedule.id)
        .where(Slot.local_date == today, WeekSchedule.state == "published")
        .order_by(Slot.channel_id, Slot.starts_at, ScheduledItem.position)
    ).all()
    per_channel: dict[int, list[ScheduledItem]] = {}
    for item in rows:
        per_channel.setdefault(item.slot.channel_id, []).append(item)
    sent = 0
    for channel_id, items in per_channel.items():
        channel = session.get(Channel, channel_id)
        assert channel is not None
        message = render(
            "remind_today",
            date=_fmt_date(today),
            channel=channel.name,
            count=len({i.slot_id for i in items}),
            lines=_item_lines(items, zone),
        )
        note = notify(
            session,
            ctx.settings,
            event="remind_today",
            dedupe_key=f"remind_today:{today.isoformat()}:{channel_id}",
            role="broadcaster",
            channel_id=channel_id,
            message=message,
            now=at,
            data={"date": today.isoformat(), "item_ids": [i.id for i in items]},
        )
        sent += note is not None
    return f"{sent} channel(s) reminded of {len(rows)} item(s) on {today}"


def remind_unconfirmed(session: Session, ctx: WorkerContext, at: dt.datetime) -> str:
    """Remind broadcasters, once per slot, of items still unconfirmed N hours after the slot."""
    hours = ctx.settings.worker.unconfirmed_after_hours
    cutoff = at - dt.timedelta(hours=hours)
    rows = session.scalars(
        select(ScheduledItem)
        .join(Slot, ScheduledItem.slot_id == Slot.id)
        .join(WeekSchedule, Slot.schedule_id == WeekSchedule.id)
        .outerjoin(Airing, Airing.scheduled_item_id == ScheduledItem.id)
        .where(
            WeekSchedule.state == "published",
            Slot.starts_at <= cutoff,
            Slot.starts_at > cutoff - UNCONFIRMED_LOOKBACK,
            Airing.id.is_(None),
        )
        .order_by(Slot.starts_at, ScheduledItem.position)
    ).all()
    per_slot: dict[int, list[ScheduledItem]] = {}
    for item in rows:
        per_slot.setdefault(item.slot_id, []).append(item)
    zone = ctx.settings.zone
    sent = 0
    for slot_id, items in per_slot.items():
        slot = items[0].slot
        channel = session.get(Channel, slot.channel_id)
        assert channel is not None
        message = render(
            "unconfirmed",
            channel=channel.name,
            when=f"{slot.starts_at.astimezone(zone):%H:%M %d/%m/%Y}",
            count=len(items),
            hours=hours,
            lines=_item_lines(items, zone),
        )
        note = notify(
            session,
            ctx.settings,
            event="unconfirmed",
            dedupe_key=f"unconfirmed:slot:{slot_id}",
            role="broadcaster",
            channel_id=channel.id,
            message=message,
            now=at,
            data={"slot_id": slot_id, "item_ids": [i.id for i in items]},
        )
        sent += note is not None
    return f"{sent} slot reminder(s) for {len(rows)} unconfirmed item(s)"


@dataclass
class _Drafted:
    channels: int = 0
    slots: int = 0
    shortfall_vi: str = ""
    shortfall_en: str = ""

    def say(self, note: Message | TranslatableError | Joined) -> None:
        """The shortfall note, in both languages of the stored notice."""
        self.shortfall_vi = render_in(note, "vi")
        self.shortfall_en = render_in(note, "en")


def _plan_area(
    session: Session, ctx: WorkerContext, week: Week, unit_code: str, channels: list[Channel]
) -> _Drafted:
    """Draft next week of one area: the planner when it has landed, else bare slots."""
    plan_week = optional("scheduler.planner", "plan_week")
    out = _Drafted(channels=len(channels))
    if plan_week is not None:
        try:
            with session.begin_nested():
                result = plan_week(session, ctx.settings, week, unit_code, user=ACTOR)
        except LoaError as exc:
            # One area the planner cannot fill must not stop the others: tell its planners.
            out.say(message(N_("Could not be drafted automatically: %(problem)s"), problem=exc))
        else:
            shortfalls = list(getattr(result, "shortfalls", []) or [])
            out.say(Joined(shortfalls))
    from scheduler.schedules import materialise_week

    empty = 0
    for channel in channels:
        schedule = materialise_week(session, ctx.settings, channel.id, week, ACTOR)
        out.slots += len(schedule.slots)
        if not schedule.slots or all(not slot.items for slot in schedule.slots):
            empty += 1
    if plan_week is None and empty:
        out.say(message(N_("%(n)s channels have no programme scheduled yet."), n=empty))
    if not out.shortfall_vi:
        out.say(message(N_("No shortfall.")))
    return out


def draft_next_week(session: Session, ctx: WorkerContext, at: dt.datetime) -> str:
    """Draft next week's schedules per area and tell its planners what falls short."""
    today = local_date_of(at, ctx.settings.zone)
    week = Week.of(today).shift(1)
    areas = channels_by_area(session, week.monday)
    for unit, channels in areas.items():
        drafted = _plan_area(session, ctx, week, unit.code, channels)
        notify(
            session,
            ctx.settings,
            event="week_drafted",
            dedupe_key=f"week_drafted:{week}:{unit.id}",
            role="planner",
            unit_id=unit.id,
            message=render(
                "week_drafted",
                week=str(week),
                area=unit.name,
                start=_fmt_date(week.monday),
                end=_fmt_date(week.sunday),
                channels=drafted.channels,
                slots=drafted.slots,
                shortfall=Label(drafted.shortfall_vi, drafted.shortfall_en),
            ),
            now=at,
            data={"week": str(week), "channels": drafted.channels, "slots": drafted.slots},
        )
    return f"week {week} drafted for {len(areas)} area(s)"


def report_deadline(period: Period, deadline_month: int, deadline_day: int) -> dt.date:
    """The deadline date of a period's report (month counted from the period's first month)."""
    month0 = period.start.month - 1 + deadline_month - 1
    return dt.date(period.start.year + month0 // 12, month0 % 12 + 1, deadline_day)


def _prebuild(session: Session, ctx: WorkerContext, period: Period) -> tuple[str, str, dict]:
    """Evaluate compliance for the period and write each area's report XLSX ahead of time."""
    evaluate = optional("scheduler.compliance", "evaluate")
    if evaluate is None:
        missing = message(N_("the compliance engine is not available."))
        return (render_in(missing, "vi"), render_in(missing, "en"), {})
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
    build_report = optional("scheduler.compliance.reports", "build_report")
    writers = [
        (ext, optional(f"scheduler.compliance.export_{ext}", f"write_{ext}"))
        for ext in ("xlsx", "docx")
    ]
    if build_report is None:
        return []
    folder = ctx.settings.resolve_path(ctx.settings.worker.reports_folder)
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for unit in channels_by_area(session, period.end):
        report = build_report(session, ctx.settings, period, unit.code, now=ctx.clock.now())
        for ext, write in writers:
            if write is None:
                continue
            dest = folder / f"bao-cao-{period}-{unit.code}.{ext}"
            tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp.{ext}")
            try:
                if ext == "xlsx":
                    write(report, ctx.settings, tmp, ctx.reader)
                else:
                    write(report, ctx.settings, tmp)
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
                deadline=_fmt_date(deadline),
                summary=Label(summary_vi, summary_en),
            ),
            now=at,
            data={"period": str(period), "deadline": deadline.isoformat(), **built},
        )
        done.append(f"{period}:{days}d")
    return "report reminders: " + (", ".join(done) or "none due")


def weekly_digest(session: Session, ctx: WorkerContext, at: dt.datetime) -> str:
    """Per area, what last week's log says: planned, aired, not aired, unconfirmed."""
    week = Week.of(local_date_of(at, ctx.settings.zone)).shift(-1)
    areas = channels_by_area(session, week.sunday)
    for unit, channels in areas.items():
        ids = [c.id for c in channels]
        planned = (
            session.scalar(
                select(func.count(ScheduledItem.id))
                .join(Slot, ScheduledItem.slot_id == Slot.id)
                .join(WeekSchedule, Slot.schedule_id == WeekSchedule.id)
                .where(Slot.channel_id.in_(ids), WeekSchedule.week_key == week.key)
            )
            or 0
        )
        statuses: Counter[str] = Counter(
            {
                status: n
                for status, n in session.execute(
                    select(Airing.status, func.count(Airing.id))
                    .where(
                        Airing.channel_id.in_(ids),
                        Airing.week_key == week.key,
                        Airing.scheduled_item_id.is_not(None),
                    )
                    .group_by(Airing.status)
                )
            }
        )
        unplanned = (
            session.scalar(
                select(func.count(Airing.id)).where(
                    Airing.channel_id.in_(ids),
                    Airing.week_key == week.key,
                    Airing.scheduled_item_id.is_(None),
                )
            )
            or 0
        )
        values = {
            "planned": planned,
            "aired": statuses["aired"],
            "partial": statuses["partial"],
            "not_aired": statuses["not_aired"] + statuses["cancelled"],
            "unconfirmed": max(planned - sum(statuses.values()), 0),
            "unplanned": unplanned,
        }
        for role in ("supervisor", "planner"):
            notify(
                session,
                ctx.settings,
                event="weekly_digest",
                dedupe_key=f"weekly_digest:{week}:{unit.id}:{role}",
                role=role,
                unit_id=unit.id,
                message=render("weekly_digest", week=str(week), area=unit.name, **values),
                now=at,
                data={"week": str(week), **values},
            )
    return f"digest of {week} for {len(areas)} area(s)"


def backup_nightly(session: Session, ctx: WorkerContext, at: dt.datetime) -> str:
    """Back the database up (SQLite online backup, verified) and apply the retention."""
    from scheduler.ops.backup import backup_database

    result = backup_database(ctx.engine, ctx.settings, at)
    return str(result)


def emergency_watch(session: Session, ctx: WorkerContext, at: dt.datetime) -> str:
    """Emergency broadcasts: tell stations, remind, escalate, list at the deadline, close."""
    from scheduler.emergency.watch import summary, watch

    return summary(watch(session, ctx.settings, at))


JOBS: dict[str, JobFn] = {
    "feeds_poll": feeds_poll,
    "remind_today": remind_today,
    "remind_unconfirmed": remind_unconfirmed,
    "draft_next_week": draft_next_week,
    "report_deadlines": report_deadlines,
    "backup_nightly": backup_nightly,
    "weekly_digest": weekly_digest,
    "emergency_watch": emergency_watch,
}
# Jobs that work outside the ledger's transaction (a file; network fetches stored in their own
# short transactions; report workbooks built in a read-only session before the deduplicated
# notices); their ledger row is written after the (idempotent) effect.
FILE_JOBS = frozenset({"backup_nightly", "feeds_poll", "report_deadlines"})
