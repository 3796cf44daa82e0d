"""What stations say about an emergency broadcast: fetched, playing, aired, failed.

A person confirms from the station page (one tap); an agent reports each step. A delivery that
aired stays aired (a repeated report changes nothing); a cancelled one cannot be aired.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from audio.messages import N_
from content import audit
from content.text import clean_optional
from scheduler.emergency.models import EmergencyBroadcast, EmergencyDelivery
from scheduler.errors import Conflict, InvalidState, NotFound

# Reported states and which states they may follow.
AGENT_STEPS = {
    "delivered": ("waiting",),
    "playing": ("waiting", "delivered", "failed"),
    "aired": ("waiting", "delivered", "playing", "failed", "no_answer"),
    "failed": ("waiting", "delivered", "playing"),
}


def delivery(session: Session, delivery_id: int) -> EmergencyDelivery:
    """The delivery, or NotFound."""
    found = session.get(EmergencyDelivery, delivery_id)
    if found is None:
        raise NotFound(
            N_("Emergency delivery %(id)s was not found."), code="emergency.delivery",
            id=delivery_id,
        )  # fmt: skip
    return found


def open_for_channel(
    session: Session, channel_id: int, now: dt.datetime
) -> list[EmergencyDelivery]:
    """Active broadcasts this station has still to air, due now or earlier, oldest first."""
    return list(
        session.scalars(
            select(EmergencyDelivery)
            .join(EmergencyBroadcast, EmergencyBroadcast.id == EmergencyDelivery.broadcast_id)
            .where(
                EmergencyDelivery.channel_id == channel_id,
                EmergencyDelivery.state.in_(("waiting", "delivered", "playing", "failed")),
                EmergencyDelivery.due_at <= now,
                EmergencyBroadcast.state == "active",
                EmergencyBroadcast.expires_at > now,
            )
            .order_by(EmergencyDelivery.due_at, EmergencyDelivery.id)
        )
    )


def _refuse_closed(
    d: EmergencyDelivery, error: type[InvalidState | Conflict] = InvalidState
) -> None:
    """Refuse a step on a cancelled delivery or broadcast (the agent's refusal is a 409)."""
    if d.state == "cancelled" or d.broadcast.state != "active":
        raise error(
            N_("This emergency broadcast was cancelled; do not air it."),
            code="emergency.delivery.cancelled",
        )


def confirm_by_person(
    session: Session,
    delivery_id: int,
    actor: str,
    now: dt.datetime,
    aired_at: dt.datetime | None = None,
    seconds: int | None = None,
) -> EmergencyDelivery:
    """A broadcaster says the station aired it (idempotent: an aired delivery stays as it is)."""
    d = delivery(session, delivery_id)
    if d.state == "aired":
        return d
    _refuse_closed(d)
    when = aired_at or now
    if when > now + dt.timedelta(minutes=2):
        raise InvalidState(N_("The airing time is in the future."), code="emergency.future")
    d.state, d.aired_at, d.aired_by, d.aired_via = "aired", when, actor, "person"
    d.seconds = seconds
    d.updated_at = now
    session.flush()
    after = {"via": "person", "aired_at": when, "broadcast_id": d.broadcast_id}
    audit.record(session, actor, "emergency.aired", "emergency_delivery", d.id, after=after)
    return d


def report_by_agent(
    session: Session,
    delivery_id: int,
    state: str,
    agent: str,
    now: dt.datetime,
    at: dt.datetime | None = None,
    seconds: int | None = None,
    reason: str | None = None,
) -> EmergencyDelivery:
    """An agent's step (delivered, playing, aired, failed); replays and late steps are no-ops.

    A cancelled delivery (or, before it aired, a cancelled broadcast) is a Conflict: do not air.
    """
    d = delivery(session, delivery_id)
    if state not in AGENT_STEPS:
        raise InvalidState(N_("Unknown state %(state)s."), code="emergency.state", state=state)
    if d.state == "cancelled":
        _refuse_closed(d, Conflict)
    if d.state == state or d.state not in AGENT_STEPS[state]:
        return d  # a repeated or out-of-order report (aired stays aired)
    if state != "aired":
        _refuse_closed(d, Conflict)
    when = min(at or now, now)
    d.state, d.updated_at = state, now
    if state == "delivered":
        d.delivered_at = when
    elif state == "playing":
        d.playing_at = when
    elif state == "aired":
        d.aired_at, d.aired_by, d.aired_via, d.seconds = when, agent, "agent", seconds
    else:
        d.failure_reason = clean_optional(reason, field=N_("the reason")) or "?"
    session.flush()
    if state in ("aired", "failed"):
        after = {"via": "agent", "at": when, "seconds": seconds,
                 "reason": d.failure_reason, "broadcast_id": d.broadcast_id}  # fmt: skip
        audit.record(session, agent, f"emergency.{state}", "emergency_delivery", d.id, after=after)
    return d


# Steps that only move a delivery along (no audit entry): one conditional statement may take them.
PROGRESS_STEPS = ("delivered", "playing")


def advance(  # noqa: PLR0913 - the report's fields, as report_by_agent takes them
    session: Session,
    delivery_id: int,
    channel_id: int,
    state: str,
    at: dt.datetime,
    now: dt.datetime,
) -> bool:
    """report_by_agent's progress step in one UPDATE, when it is a plain transition.

    True when the delivery moved to `state`; False when the step is anything else (a replay,
    out of order, another channel's, cancelled): the caller then takes report_by_agent's path,
    which answers those. After an issue every agent reports at once: this keeps it one statement.
    """
    if state not in PROGRESS_STEPS:
        return False
    d, b = EmergencyDelivery, EmergencyBroadcast
    stamp = {"delivered_at": min(at, now)} if state == "delivered" else {"playing_at": min(at, now)}
    moved = session.execute(
        update(d)
        .where(
            d.id == delivery_id,
            d.channel_id == channel_id,
            d.state.in_(AGENT_STEPS[state]),
            exists().where(b.id == d.broadcast_id, b.state == "active"),
        )
        .values(state=state, updated_at=now, **stamp)
        .returning(d.id)
        .execution_options(synchronize_session=False)
    )
    return moved.first() is not None


def for_station(session: Session, channel_id: int, now: dt.datetime) -> list[EmergencyDelivery]:
    """What the station page shows at the top: due airings of live broadcasts, aired or not."""
    return list(
        session.scalars(
            select(EmergencyDelivery)
            .join(EmergencyBroadcast, EmergencyBroadcast.id == EmergencyDelivery.broadcast_id)
            .where(
                EmergencyDelivery.channel_id == channel_id,
                EmergencyDelivery.state.not_in(("cancelled", "no_answer")),
                EmergencyDelivery.due_at <= now,
                EmergencyBroadcast.state == "active",
                EmergencyBroadcast.expires_at > now,
            )
            .order_by(EmergencyDelivery.due_at.desc(), EmergencyDelivery.id)
            .limit(10)
        )
    )
