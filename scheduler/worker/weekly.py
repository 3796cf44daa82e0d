"""Weekly jobs: draft next week per area with the planner; the digest of last week's log."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from audio.messages import N_, Joined, Message, TranslatableError, message, render_in
from scheduler.config import Label
from scheduler.errors import LoaError
from scheduler.models import Airing, Channel, ScheduledItem, Slot, WeekSchedule
from scheduler.notify.service import notify
from scheduler.notify.texts import render
from scheduler.periods import Week, local_date_of
from scheduler.planner import plan_week
from scheduler.schedules import materialise_week
from scheduler.worker.areas import channels_by_area
from scheduler.worker.job_kit import ACTOR, fmt_date

if TYPE_CHECKING:
    from scheduler.worker.runner import WorkerContext


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
    """Draft next week of one area with the planner, then count its slots."""
    out = _Drafted(channels=len(channels))
    try:
        with session.begin_nested():
            result = plan_week(session, ctx.settings, week, unit_code, user=ACTOR)
    except LoaError as exc:
        # One area the planner cannot fill must not stop the others: tell its planners.
        out.say(message(N_("Could not be drafted automatically: %(problem)s"), problem=exc))
    else:
        out.say(Joined(list(result.shortfalls)))
    for channel in channels:
        schedule = materialise_week(session, ctx.settings, channel.id, week, ACTOR)
        out.slots += len(schedule.slots)
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
                start=fmt_date(week.monday),
                end=fmt_date(week.sunday),
                channels=drafted.channels,
                slots=drafted.slots,
                shortfall=Label(drafted.shortfall_vi, drafted.shortfall_en),
            ),
            now=at,
            data={"week": str(week), "channels": drafted.channels, "slots": drafted.slots},
        )
    return f"week {week} drafted for {len(areas)} area(s)"


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
