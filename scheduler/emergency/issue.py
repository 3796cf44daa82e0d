"""Issue, approve, cancel and correct an emergency broadcast; every step audited.

Operations take the acting person as an `Issuer` (name, role, units in scope): the web and the
CLI build it from the account; this layer knows no accounts, only the rule that an issuer's
role is one of `[emergency].issuer_roles` (admins always) and that the area lies in scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from audio.messages import N_
from content import audit
from content.db import rowcount
from content.text import clean_optional, clean_text
from scheduler.config import Settings
from scheduler.emergency.models import OPEN_STATES, EmergencyBroadcast, EmergencyDelivery
from scheduler.emergency.targets import (
    Repeats,
    airable_programme,
    check_deadline,
    occurrences,
    target_channels,
)
from scheduler.errors import Invalid, InvalidState, LoaError, NotFound
from scheduler.models import AdminUnit, Channel
from scheduler.periods import local_date_of

MAX_TITLE = 300


class Forbidden(LoaError):
    """The person may not issue or change this broadcast."""

    code = "forbidden"
    http_status = 403


@dataclass(frozen=True)
class Issuer:
    """Who acts: their name, role and the units in their scope (None = everywhere)."""

    name: str
    role: str
    unit_ids: frozenset[int] | None = None


@dataclass(frozen=True)
class Request:
    """What an issuer asks for."""

    programme_id: int
    unit_id: int
    deadline_minutes: int
    title: str | None = None
    reason: str | None = None
    channel_kinds: tuple[str, ...] = ()
    channel_ids: tuple[int, ...] = ()
    repeats: Repeats = field(default_factory=Repeats)
    expires_at: dt.datetime | None = None


def may_issue(settings: Settings, role: str) -> bool:
    """True when the role may issue emergency broadcasts somewhere."""
    return role == "admin" or role in settings.emergency.issuer_roles


def check_issuer(session: Session, settings: Settings, who: Issuer, unit_id: int) -> None:
    """Refuse a role that may not issue, or an area outside the person's scope."""
    if not may_issue(settings, who.role):
        raise Forbidden(
            N_("The role '%(role)s' may not issue emergency broadcasts."),
            code="emergency.role",
            role=who.role,
        )
    if who.unit_ids is not None and unit_id not in who.unit_ids:
        unit = session.get(AdminUnit, unit_id)
        raise Forbidden(
            N_("%(unit)s is outside your area."),
            code="emergency.scope",
            unit=unit.name if unit else unit_id,
        )


@dataclass(frozen=True)
class Reach:
    """What a request would reach: its stations, when each airing is due, when it expires."""

    channels: list[Channel]
    due: list[dt.datetime]
    expires_at: dt.datetime


def reach(
    session: Session, settings: Settings, req: Request, who: Issuer, now: dt.datetime
) -> Reach:
    """Every check of issue() but the programme's, writing nothing: the issuing form's preview."""
    if session.get(AdminUnit, req.unit_id) is None:
        raise NotFound(N_("The unit was not found."), code="emergency.unit")
    check_issuer(session, settings, who, req.unit_id)
    check_deadline(req.deadline_minutes)
    if unknown := [k for k in req.channel_kinds if k not in settings.channel_kinds]:
        raise Invalid(N_("Unknown channel kind %(kind)s."), code="emergency.kind", kind=unknown[0])
    if req.repeats.times and req.repeats.every_minutes:
        raise Invalid(
            N_("Repeat at given times or every N minutes, not both."), code="emergency.repeats"
        )
    expires = req.expires_at or now + dt.timedelta(hours=settings.emergency.expiry_hours)
    if req.repeats.until and req.repeats.until > expires and req.expires_at is None:
        expires = req.repeats.until + dt.timedelta(minutes=req.deadline_minutes)
    if expires <= now:
        raise Invalid(N_("The expiry must be in the future."), code="emergency.expiry")
    day = local_date_of(now, settings.zone)
    channels = target_channels(
        session, req.unit_id, list(req.channel_kinds), list(req.channel_ids), day
    )
    due = occurrences(now, req.repeats, expires, settings.zone, settings.emergency.max_occurrences)
    return Reach(channels, due, expires)


def issue(
    session: Session, settings: Settings, req: Request, who: Issuer, now: dt.datetime
) -> EmergencyBroadcast:
    """Create the broadcast; it goes out at once unless a second person must approve it."""
    # Checked first, so that a refused request writes nothing (also when approval is pending).
    expires = reach(session, settings, req, who, now).expires_at
    programme = airable_programme(session, req.programme_id)
    title = clean_text(req.title or programme.title, field=N_("the title"))[:MAX_TITLE]
    b = EmergencyBroadcast(
        title=title,
        reason=clean_optional(req.reason, field=N_("the reason"), multiline=True),
        programme_id=programme.id,
        unit_id=req.unit_id,
        channel_kinds=sorted(req.channel_kinds),
        channel_ids=sorted(req.channel_ids),
        deadline_minutes=req.deadline_minutes,
        repeat_times=[f"{t:%H:%M}" for t in req.repeats.times],
        repeat_every_minutes=req.repeats.every_minutes,
        repeat_until=req.repeats.until,
        expires_at=expires,
        state="awaiting_approval" if settings.emergency.approval else "active",
        issued_by=who.name,
        issued_at=now,
        updated_at=now,
    )
    session.add(b)
    session.flush()
    audit.record(session, who.name, "emergency.issue", "emergency", b.id, after=b.snapshot())
    if b.state == "active":
        _activate(session, settings, b, now)
    return b


def _repeats_of(b: EmergencyBroadcast) -> Repeats:
    times = tuple(dt.time.fromisoformat(t) for t in b.repeat_times)
    return Repeats(times, b.repeat_every_minutes, b.repeat_until)


def _activate(session: Session, settings: Settings, b: EmergencyBroadcast, now: dt.datetime) -> int:
    """Start the clock and write one delivery per station and occurrence (bulk insert)."""
    day = local_date_of(now, settings.zone)
    channels = target_channels(session, b.unit_id, b.channel_kinds, b.channel_ids, day)
    limit = settings.emergency.max_occurrences
    due = occurrences(now, _repeats_of(b), b.expires_at, settings.zone, limit)
    b.effective_at = now
    rows = [
        {"broadcast_id": b.id, "occurrence": n, "channel_id": c.id, "programme_id": b.programme_id,
         "due_at": at, "state": "waiting", "updated_at": now}
        for n, at in enumerate(due)
        for c in channels
    ]  # fmt: skip
    session.execute(insert(EmergencyDelivery), rows)
    session.flush()
    return len(rows)


def get(session: Session, broadcast_id: int) -> EmergencyBroadcast:
    """The broadcast, or NotFound."""
    b = session.get(EmergencyBroadcast, broadcast_id)
    if b is None:
        raise NotFound(
            N_("Emergency broadcast %(id)s was not found."), code="emergency.not_found",
            id=broadcast_id,
        )  # fmt: skip
    return b


def approve(
    session: Session, settings: Settings, broadcast_id: int, who: Issuer, now: dt.datetime
) -> EmergencyBroadcast:
    """A second person approves: the broadcast goes out now."""
    b = get(session, broadcast_id)
    check_issuer(session, settings, who, b.unit_id)
    if b.state != "awaiting_approval":
        raise InvalidState(
            N_("This broadcast is not waiting for approval."), code="emergency.approve.state"
        )
    if who.name == b.issued_by:
        raise Forbidden(
            N_("Another person must approve the broadcast you issued."),
            code="emergency.approve.self",
        )
    b.state, b.approved_by, b.approved_at = "active", who.name, now
    b.version += 1
    b.updated_at = now
    count = _activate(session, settings, b, now)
    audit.record(session, who.name, "emergency.approve", "emergency", b.id,
                 after={"deliveries": count})  # fmt: skip
    return b


def cancel(
    session: Session,
    settings: Settings,
    broadcast_id: int,
    who: Issuer,
    now: dt.datetime,
    reason: str | None = None,
) -> int:
    """Stop the broadcast: stations that have not started it will not air it (their number)."""
    b = get(session, broadcast_id)
    check_issuer(session, settings, who, b.unit_id)
    if b.state == "cancelled":
        raise InvalidState(N_("This broadcast is already cancelled."), code="emergency.cancelled")
    before = b.snapshot()
    b.state, b.cancelled_by, b.cancelled_at = "cancelled", who.name, now
    b.cancel_reason = clean_optional(reason, field=N_("the reason"), multiline=True)
    b.version += 1
    b.updated_at = now
    still_open = (EmergencyDelivery.broadcast_id == b.id, EmergencyDelivery.state.in_(OPEN_STATES))
    stopped = session.scalar(
        select(func.count(func.distinct(EmergencyDelivery.channel_id))).where(*still_open)
    )
    session.execute(
        update(EmergencyDelivery).where(*still_open).values(state="cancelled", updated_at=now)
    )
    session.flush()
    audit.record(session, who.name, "emergency.cancel", "emergency", b.id, before=before,
                 after={**b.snapshot(), "stopped": stopped})  # fmt: skip
    return int(stopped or 0)


def correct(
    session: Session,
    settings: Settings,
    broadcast_id: int,
    programme_id: int,
    who: Issuer,
    now: dt.datetime,
    title: str | None = None,
) -> int:
    """Replace the audio wherever it has not aired yet (fetched copies are fetched again)."""
    b = get(session, broadcast_id)
    check_issuer(session, settings, who, b.unit_id)
    if b.state == "cancelled":
        raise InvalidState(N_("This broadcast is already cancelled."), code="emergency.cancelled")
    programme = airable_programme(session, programme_id)
    before = b.snapshot()
    b.programme_id = programme.id
    if title:
        b.title = clean_text(title, field=N_("the title"))[:MAX_TITLE]
    b.version += 1
    b.updated_at = now
    replaced = rowcount(
        session.execute(
            update(EmergencyDelivery)
            .where(EmergencyDelivery.broadcast_id == b.id, EmergencyDelivery.state.in_(OPEN_STATES))
            .values(programme_id=programme.id, state="waiting", delivered_at=None, updated_at=now)
        )
    )
    session.flush()
    audit.record(session, who.name, "emergency.correct", "emergency", b.id, before=before,
                 after={**b.snapshot(), "replaced": replaced})  # fmt: skip
    return int(replaced or 0)


def pending_approval(session: Session, unit_ids: frozenset[int] | None) -> list[EmergencyBroadcast]:
    """Broadcasts waiting for a second person, in the given units (None = all)."""
    query = select(EmergencyBroadcast).where(EmergencyBroadcast.state == "awaiting_approval")
    if unit_ids is not None:
        query = query.where(EmergencyBroadcast.unit_id.in_(unit_ids))
    return list(session.scalars(query.order_by(EmergencyBroadcast.issued_at)))
