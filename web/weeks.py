"""Read models of weekly schedules for pages and the API, loaded in a few bulk queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from flask import has_request_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from content.models import Programme, ProgrammeTopic
from scheduler.models import Airing, ScheduledItem, Slot, WeekSchedule
from scheduler.periods import Week
from web import params
from web.access import current


@dataclass
class ItemView:
    """A programme placed in a slot, with what became of it."""

    id: int
    position: int
    programme_id: int
    title: str
    programme_type: str
    language: str
    duration_seconds: int
    topics: list[str]
    pinned: bool
    airing_status: str | None = None
    airing_reason: str | None = None
    airing_source: str | None = None  # "playout": logged by the station agent


@dataclass
class SlotView:
    """A concrete airtime with its items."""

    id: int
    starts_at: dt.datetime
    local_date: dt.date
    duration_minutes: int
    items: list[ItemView] = field(default_factory=list)

    @property
    def used_seconds(self) -> int:
        """Seconds taken by the items."""
        return sum(i.duration_seconds for i in self.items)


@dataclass
class WeekView:
    """One channel's week: state, version (for ETag) and slots."""

    channel_id: int
    week: Week
    schedule_id: int | None = None
    state: str = "none"
    version: int = 0
    slots: list[SlotView] = field(default_factory=list)

    @property
    def etag(self) -> str:
        """Strong validator of the week's content: changes whenever the schedule changes."""
        return f'"s{self.schedule_id or 0}-v{self.version}"'

    def slots_on(self, day: dt.date) -> list[SlotView]:
        """The slots of one day."""
        return [s for s in self.slots if s.local_date == day]


def sees_drafts() -> bool:
    """Whether the caller may see draft weeks: everyone but broadcasters (who air what is
    published) and outside a request (CLI, worker)."""
    principal = current() if has_request_context() else None
    return principal is None or principal.role != "broadcaster"


def load_weeks(
    session: Session,
    channel_ids: list[int],
    week: Week,
    with_airings: bool = True,
    drafts: bool | None = None,
) -> dict[int, WeekView]:
    """Week views of many channels: one query each for schedules, slots, items and airings.

    A draft week is left out (as if not made yet) unless `drafts`; by default the caller's role
    decides (sees_drafts), so no page, API answer or feed shows a broadcaster a draft.
    """
    views = {cid: WeekView(channel_id=cid, week=week) for cid in channel_ids}
    if not channel_ids:
        return views
    query = select(
        WeekSchedule.id, WeekSchedule.channel_id, WeekSchedule.state, WeekSchedule.version
    ).where(WeekSchedule.channel_id.in_(channel_ids), WeekSchedule.week_key == week.key)
    if not (sees_drafts() if drafts is None else drafts):
        query = query.where(WeekSchedule.state == "published")
    schedules = session.execute(query).all()
    by_schedule: dict[int, WeekView] = {}
    for sid, cid, state, version in schedules:
        view = views[cid]
        view.schedule_id, view.state, view.version = sid, state, version
        by_schedule[sid] = view
    if not by_schedule:
        return views
    slot_rows = session.execute(
        select(Slot.id, Slot.schedule_id, Slot.starts_at, Slot.local_date, Slot.duration_minutes)
        .where(Slot.schedule_id.in_(list(by_schedule)))
        .order_by(Slot.starts_at)
    ).all()
    slots: dict[int, SlotView] = {}
    for slot_id, sid, starts, day, minutes in slot_rows:
        slots[slot_id] = SlotView(slot_id, starts, day, minutes)
        by_schedule[sid].slots.append(slots[slot_id])
    if not slots:
        return views
    item_rows = session.execute(
        select(
            ScheduledItem.id,
            ScheduledItem.slot_id,
            ScheduledItem.position,
            ScheduledItem.programme_id,
            ScheduledItem.pinned,
        )
        .join(Slot, Slot.id == ScheduledItem.slot_id)
        .where(Slot.schedule_id.in_(list(by_schedule)))
        .order_by(ScheduledItem.slot_id, ScheduledItem.position)
    ).all()
    programmes = programme_facts(session, {row[3] for row in item_rows})
    items: dict[int, ItemView] = {}
    for item_id, slot_id, position, programme_id, pinned in item_rows:
        title, ptype, language, seconds, topics = programmes[programme_id]
        view_item = ItemView(
            id=item_id,
            position=position,
            programme_id=programme_id,
            title=title,
            programme_type=ptype,
            language=language,
            duration_seconds=seconds,
            topics=topics,
            pinned=pinned,
        )
        items[item_id] = view_item
        slots[slot_id].items.append(view_item)
    if with_airings and items:
        _attach_airings(session, channel_ids, week, items)
    return views


def programme_facts(
    session: Session, ids: set[int]
) -> dict[int, tuple[str, str, str, int, list[str]]]:
    """Title, type, language, seconds and topics of programmes, in two plain queries."""
    if not ids:
        return {}
    rows = session.execute(
        select(
            Programme.id,
            Programme.title,
            Programme.programme_type,
            Programme.language,
            Programme.duration_seconds,
        ).where(Programme.id.in_(ids))
    ).all()
    topics: dict[int, list[str]] = defaultdict(list)
    for pid, topic in session.execute(
        select(ProgrammeTopic.programme_id, ProgrammeTopic.topic)
        .where(ProgrammeTopic.programme_id.in_(ids))
        .order_by(ProgrammeTopic.topic)
    ):
        topics[pid].append(topic)
    return {pid: (t, pt, lang, sec, topics[pid]) for pid, t, pt, lang, sec in rows}


def _attach_airings(
    session: Session, channel_ids: list[int], week: Week, items: dict[int, ItemView]
) -> None:
    rows = session.execute(
        select(Airing.scheduled_item_id, Airing.status, Airing.reason_code, Airing.source).where(
            Airing.scheduled_item_id.in_(list(items))
        )
    ).all()
    for item_id, status, reason, source in rows:
        assert item_id is not None  # matched by the IN list
        items[item_id].airing_status = status
        items[item_id].airing_reason = reason
        items[item_id].airing_source = source


def group_by_day(view: WeekView) -> dict[dt.date, list[SlotView]]:
    """Slots per day of the week (all seven days present)."""
    out: dict[dt.date, list[SlotView]] = defaultdict(list)
    for day in view.week.days():
        out[day] = view.slots_on(day)
    return out


def parse_week(raw: str) -> Week:
    """A week a page names ('2026-W48'), bounded by web.params; a bad one is a refusal."""
    return params.parse_week(raw)


def week_arg(name: str = "week") -> Week:
    """The week named in the page's query string (this week when absent)."""
    from flask import request

    from web.api.common import today

    raw = request.args.get(name)
    return params.parse_week(raw) if raw else Week.of(today())
