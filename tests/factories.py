"""Small builders of test data (units, channels, patterns, programmes), committed to the DB."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy.orm import Session

from content.db import utcnow
from content.models import Programme, ProgrammeTopic
from scheduler.models import AdminUnit, Channel, ChannelLanguage, SlotPattern
from scheduler.units.text import fold

_seq = itertools.count(1)


def unit(
    session: Session,
    name: str = "Xã Thử",
    level: str = "commune",
    parent: AdminUnit | None = None,
    code: str | None = None,
    structure: str = "2025",
    valid_from: dt.date = dt.date(2025, 7, 1),
    valid_to: dt.date | None = None,
) -> AdminUnit:
    """An administrative unit."""
    u = AdminUnit(
        code=code or f"{next(_seq):05d}",
        structure=structure,
        level=level,
        name=name,
        search_name=fold(name),  # as the importer stores it
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    session.add(u)
    session.flush()
    return u


def channel(
    session: Session,
    unit: AdminUnit,
    kind: str = "commune_radio",
    languages: tuple[str, ...] = ("vi",),
    active_from: dt.date = dt.date(2025, 7, 1),
    active_to: dt.date | None = None,
    name: str | None = None,
) -> Channel:
    """A channel with its languages."""
    c = Channel(
        name=name or f"Đài {unit.name}",
        kind=kind,
        unit=unit,
        active_from=active_from,
        active_to=active_to,
        language_links=[ChannelLanguage(language=lang) for lang in languages],
    )
    session.add(c)
    session.flush()
    return c


def pattern(
    session: Session,
    channel: Channel,
    weekdays: str = "123456",
    start: dt.time = dt.time(6, 0),
    minutes: int = 30,
    valid_from: dt.date = dt.date(2025, 1, 1),
    valid_to: dt.date | None = None,
) -> SlotPattern:
    """A slot pattern."""
    p = SlotPattern(
        channel=channel,
        weekdays=weekdays,
        start_time=start,
        duration_minutes=minutes,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    session.add(p)
    session.flush()
    return p


def programme(
    session: Session,
    title: str = "Bản tin nông thôn mới",
    topics: tuple[str, ...] = ("ntm",),
    programme_type: str = "tin",
    language: str = "vi",
    seconds: int = 600,
    approved: bool = True,
    priority: str = "normal",
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> Programme:
    """An (approved) programme with topics."""
    p = Programme(
        title=title,
        programme_type=programme_type,
        language=language,
        duration_seconds=seconds,
        priority=priority,
        approved_by="tester" if approved else None,
        approved_at=utcnow() if approved else None,
        valid_from=valid_from,
        valid_to=valid_to,
        topic_links=[ProgrammeTopic(topic=t) for t in topics],
    )
    session.add(p)
    session.flush()
    return p
