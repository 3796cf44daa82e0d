"""The programme library as the week grid's panel sees it: what one station may air that week.

Search is accent-insensitive ("nong thon moi" finds "Nông thôn mới"); filters narrow by topic,
type, language, duration, "fits the free airtime" (no longer than the largest free airtime of one
slot of the week) and "not aired here within N weeks" (before or after the week, this week
included). Only approved programmes valid on some day of the week, in a language the station
airs, are offered: anything else would be refused when dropped.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from content.models import Programme, ProgrammeTopic
from scheduler.models import Channel, ScheduledItem, Slot, WeekSchedule
from scheduler.periods import Week
from scheduler.units.text import fold

DURATIONS = {"short": (0, 300), "medium": (300, 900), "long": (900, None)}  # seconds
PER_PAGE = 30


@dataclass(frozen=True)
class LibraryQuery:
    """What the planner typed and chose in the panel."""

    text: str = ""
    topic: str | None = None
    programme_type: str | None = None
    language: str | None = None
    duration: str | None = None  # a DURATIONS key
    fits: bool = False
    fresh_weeks: int | None = None  # not aired on this station within N weeks before or after
    page: int = 1


@dataclass(frozen=True)
class LibraryEntry:
    """One programme as the panel lists it."""

    id: int
    title: str
    programme_type: str
    language: str
    seconds: int
    priority: str
    topics: tuple[str, ...]
    in_week: bool  # already in this week of the station
    last_week: Week | None  # the nearest week within the window that has it on this station


@dataclass
class LibraryPage:
    """A page of results, how many matched, and the week's largest free airtime of one slot."""

    entries: list[LibraryEntry] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1
    largest_free: int = 0


@lru_cache(maxsize=65536)
def folded(title: str) -> str:
    """The search form of a title (cached: a library is searched far more often than edited)."""
    return fold(title)


def _free(session: Session, channel_id: int, week: Week) -> int:
    """The largest free seconds of one slot of the station's week."""
    used: dict[int, int] = defaultdict(int)
    slots = session.execute(
        select(Slot.id, Slot.duration_minutes)
        .join(WeekSchedule, WeekSchedule.id == Slot.schedule_id)
        .where(WeekSchedule.channel_id == channel_id, WeekSchedule.week_key == week.key)
    ).all()
    for slot_id, seconds in session.execute(
        select(ScheduledItem.slot_id, Programme.duration_seconds)
        .join(Programme, Programme.id == ScheduledItem.programme_id)
        .where(ScheduledItem.slot_id.in_([s.id for s in slots]))
    ):
        used[slot_id] += seconds
    return max((m * 60 - used[sid] for sid, m in slots), default=0)


def _weeks_with(
    session: Session, channel_id: int, week: Week, weeks: int
) -> dict[int, int]:  # fmt: skip
    """Programme -> key of the nearest week within `weeks` of the week that has it here."""
    first, last = week.shift(-weeks), week.shift(weeks)
    out: dict[int, int] = {}
    for pid, key in session.execute(
        select(ScheduledItem.programme_id, WeekSchedule.week_key)
        .join(Slot, Slot.id == ScheduledItem.slot_id)
        .join(WeekSchedule, WeekSchedule.id == Slot.schedule_id)
        .where(
            WeekSchedule.channel_id == channel_id,
            WeekSchedule.week_key.between(first.key, last.key),
        )
    ):
        old = out.get(pid)
        if old is None or abs(key - week.key) < abs(old - week.key):
            out[pid] = key
    return out


def search(  # noqa: C901 - one pass of independent filters over the candidate rows
    session: Session,
    channel: Channel,
    week: Week,
    query: LibraryQuery,
    no_repeat_weeks: int,
    per_page: int = PER_PAGE,
) -> LibraryPage:
    """The page of programmes the station may air in the week that match the query."""
    rows = session.execute(
        select(Programme.id, Programme.title, Programme.programme_type, Programme.language,
               Programme.duration_seconds, Programme.priority)
        .where(
            Programme.approved_at.is_not(None),
            Programme.duration_seconds > 0,
            Programme.language.in_(channel.languages),
            or_(Programme.valid_from.is_(None), Programme.valid_from <= week.sunday),
            or_(Programme.valid_to.is_(None), Programme.valid_to >= week.monday),
        )
        .order_by(Programme.id.desc())
    ).all()  # fmt: skip
    largest = _free(session, channel.id, week)
    window = query.fresh_weeks if query.fresh_weeks is not None else no_repeat_weeks
    seen = _weeks_with(session, channel.id, week, window)
    words = fold(query.text).split()
    lo, hi = DURATIONS.get(query.duration or "", (0, None))
    wanted_topic: set[int] | None = None
    if query.topic:
        wanted_topic = set(
            session.scalars(
                select(ProgrammeTopic.programme_id).where(ProgrammeTopic.topic == query.topic)
            )
        )
    hits = []
    for r in rows:
        if query.programme_type and r.programme_type != query.programme_type:
            continue
        if query.language and r.language != query.language:
            continue
        if r.duration_seconds < lo or (hi is not None and r.duration_seconds > hi):
            continue
        if query.fits and r.duration_seconds > largest:
            continue
        if wanted_topic is not None and r.id not in wanted_topic:
            continue
        if query.fresh_weeks is not None and r.id in seen:
            continue
        if words:
            title = folded(r.title)
            if not all(w in title for w in words):
                continue
        hits.append(r)
    pages = max(1, -(-len(hits) // per_page))
    page = min(max(1, query.page), pages)
    shown = hits[(page - 1) * per_page : page * per_page]
    topics: dict[int, list[str]] = defaultdict(list)
    if shown:
        for pid, topic in session.execute(
            select(ProgrammeTopic.programme_id, ProgrammeTopic.topic)
            .where(ProgrammeTopic.programme_id.in_([r.id for r in shown]))
            .order_by(ProgrammeTopic.topic)
        ):
            topics[pid].append(topic)
    entries = [
        LibraryEntry(
            r.id, r.title, r.programme_type, r.language, r.duration_seconds, r.priority,
            tuple(topics[r.id]), seen.get(r.id) == week.key,
            Week.from_key(seen[r.id]) if r.id in seen else None,
        )
        for r in shown
    ]  # fmt: skip
    return LibraryPage(entries, len(hits), page, pages, largest)
