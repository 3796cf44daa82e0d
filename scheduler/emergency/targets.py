"""What a broadcast reaches and when: the stations of its area, its occurrences, its audio."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from audio.messages import N_
from content.assets import attach_to_programme, import_audio
from content.db import utcnow
from content.media_models import AudioAsset
from content.models import Programme, ProgrammeTopic
from content.speech import ProgrammeFields, programme_from_text
from content.text import clean_text
from scheduler.areas import subtree_ids
from scheduler.config import Settings
from scheduler.errors import Invalid, NotFound
from scheduler.media import media_root
from scheduler.models import Channel
from scheduler.periods import local_date_of
from scheduler.speech import speech_setup

MAX_DEADLINE_MINUTES = 24 * 60
PREFERRED_TOPIC = "phong_chong_thien_tai"
PREFERRED_TYPE = "thong_bao"


@dataclass(frozen=True)
class Repeats:
    """Optional repeats: at local times of day, or every N minutes until a moment."""

    times: tuple[dt.time, ...] = ()
    every_minutes: int | None = None
    until: dt.datetime | None = None


def target_channels(
    session: Session,
    unit_id: int,
    kinds: list[str],
    channel_ids: list[int],
    day: dt.date,
) -> list[Channel]:
    """Active stations of the unit's subtree, narrowed to kinds and to a list when given."""
    units = subtree_ids(session, unit_id)
    query = select(Channel).where(Channel.unit_id.in_(units)).order_by(Channel.id)
    if kinds:
        query = query.where(Channel.kind.in_(kinds))
    found = [c for c in session.scalars(query) if c.active_on(day)]
    if channel_ids:
        known = {c.id for c in found}
        if outside := sorted(set(channel_ids) - known):
            raise Invalid(
                N_("Stations %(ids)s are not active stations of the area."),
                code="emergency.channels.outside",
                ids=", ".join(map(str, outside)),
            )
        wanted = set(channel_ids)
        found = [c for c in found if c.id in wanted]
    if not found:
        raise Invalid(N_("The area has no active station to send to."), code="emergency.empty")
    return found


def occurrences(
    start: dt.datetime,
    repeats: Repeats,
    expires_at: dt.datetime,
    zone: dt.tzinfo,
    limit: int,
) -> list[dt.datetime]:
    """When each airing is due: at once, then the repeats before the expiry (UTC)."""
    due = [start]
    if repeats.every_minutes:
        until = min(repeats.until or expires_at, expires_at)
        step = dt.timedelta(minutes=repeats.every_minutes)
        at = start + step
        while at <= until:
            due.append(at)
            at += step
    day = local_date_of(start, zone)
    while repeats.times and day <= local_date_of(expires_at, zone):
        for t in repeats.times:
            at = dt.datetime.combine(day, t, tzinfo=zone).astimezone(dt.UTC)
            if start < at <= expires_at:
                due.append(at)
        day += dt.timedelta(days=1)
    due = sorted(set(due))
    if len(due) > limit:
        raise Invalid(
            N_("The repeats make %(count)s airings; at most %(limit)s are allowed."),
            code="emergency.repeats.many",
            count=len(due),
            limit=limit,
        )
    return due


def check_deadline(minutes: int) -> None:
    """A deadline of 1 minute to a day."""
    if not 1 <= minutes <= MAX_DEADLINE_MINUTES:
        raise Invalid(
            N_("The deadline must be between 1 and %(limit)s minutes."),
            code="emergency.deadline",
            limit=MAX_DEADLINE_MINUTES,
        )


def airable_programme(session: Session, programme_id: int) -> Programme:
    """The programme, which must exist, be approved and have its audio."""
    programme = session.get(Programme, programme_id)
    if programme is None:
        raise NotFound(
            N_("Programme %(id)s was not found."), code="emergency.programme", id=programme_id
        )
    if not programme.is_approved:
        raise Invalid(
            N_("Programme %(id)s is not approved for broadcast."),
            code="emergency.programme.approval",
            id=programme_id,
        )
    has_audio = session.scalar(
        select(AudioAsset.id).where(AudioAsset.programme_id == programme_id).limit(1)
    )
    if has_audio is None:
        raise Invalid(
            N_("Programme %(id)s has no audio to broadcast."),
            code="emergency.programme.audio",
            id=programme_id,
        )
    return programme


def _fields(settings: Settings, title: str) -> ProgrammeFields:
    topic = PREFERRED_TOPIC if PREFERRED_TOPIC in settings.topics else next(iter(settings.topics))
    kind = (
        PREFERRED_TYPE
        if PREFERRED_TYPE in settings.programme_types
        else next(iter(settings.programme_types))
    )
    return ProgrammeFields(
        title=title, topics=(topic,), programme_type=kind, language="vi", priority="emergency"
    )


def programme_from_audio(
    session: Session,
    settings: Settings,
    path: str | Path,
    title: str,
    actor: str,
    original_name: str | None = None,
) -> Programme:
    """An approved emergency programme from an uploaded file (validated, normalised, stored)."""
    clean_text(title, field=N_("the title"))
    imported = import_audio(
        session, media_root(settings), path, actor, settings.audio,
        original_name=original_name,
    )  # fmt: skip
    return programme_from_asset(session, settings, imported.asset, title, actor)


def programme_from_asset(
    session: Session, settings: Settings, asset: AudioAsset, title: str, actor: str
) -> Programme:
    """An approved emergency programme around stored audio (its own, if it already has one)."""
    if asset.programme_id is not None:
        return airable_programme(session, asset.programme_id)
    fields = _fields(settings, clean_text(title, field=N_("the title")))
    now = utcnow()
    programme = Programme(
        title=fields.title,
        programme_type=fields.programme_type,
        language=fields.language,
        duration_seconds=0,
        priority="emergency",
        created_by=actor,
        approved_by=actor,
        approved_at=now,
        topic_links=[ProgrammeTopic(topic=t) for t in fields.topics],
    )
    session.add(programme)
    session.flush()
    attach_to_programme(session, asset, programme, actor)
    return programme


def programme_from_speech(
    session: Session, settings: Settings, text: str, title: str, actor: str
) -> Programme:
    """An approved emergency programme whose audio is the text read aloud (offline)."""
    fields = _fields(settings, title)
    return programme_from_text(session, speech_setup(settings), fields, text, actor, approve=True)


def parse_times(values: list[str] | tuple[str, ...]) -> tuple[dt.time, ...]:
    """Local times of day "HH:MM" (06:00, 17:30), refused when not one."""
    out = []
    for raw in values:
        text = raw.strip()
        try:
            out.append(dt.time.fromisoformat(text) if len(text) == 5 else _bad_time(text))
        except ValueError:
            _bad_time(text)
    return tuple(sorted(set(out)))


def _bad_time(text: str) -> dt.time:
    raise Invalid(
        N_("“%(text)s” is not a time of day; write HH:MM (for example 06:00)."),
        code="emergency.time", text=text,
    )  # fmt: skip


def parse_until(text: str, now: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """A local time of day (the next one after now) or an RFC 3339 moment, as UTC."""
    text = text.strip()
    if len(text) == 5:
        (t,) = parse_times([text])
        local = now.astimezone(zone)
        at = dt.datetime.combine(local.date(), t, tzinfo=zone)
        if at <= local:
            at = dt.datetime.combine(local.date() + dt.timedelta(days=1), t, tzinfo=zone)
        return at.astimezone(dt.UTC)
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        _bad_time(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(dt.UTC)
