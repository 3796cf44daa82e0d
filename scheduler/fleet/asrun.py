"""As-run uploads: the device's statements become airings with source `playout`, exactly once.

Each event carries the agent's own id for it; a retry of an acknowledged event is answered
"duplicate" and writes nothing. A person's earlier statement about the same item is kept as it
is: the device's statement is stored beside it (PlayoutRecord) and any disagreement is shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from content.db import utcnow
from content.models import Programme
from scheduler.airings import confirm_item
from scheduler.config import Settings
from scheduler.errors import N_, Invalid, LoaError
from scheduler.models import (
    PLAYOUT_STATUSES,
    Airing,
    PlayoutRecord,
    ScheduledItem,
    Slot,
    StationAgent,
)

# A not-aired reason the agent sends when it was not running; config may name it, else "khac".
AGENT_DOWN = "may_phat_khong_chay"
MAX_BATCH = 500


@dataclass(frozen=True)
class EventResult:
    """What became of one uploaded event."""

    event_id: str
    result: str  # accepted | duplicate | rejected
    airing_id: int | None = None
    code: str | None = None
    detail: str | None = None
    skew_flagged: bool = False

    def as_json(self) -> dict[str, Any]:
        """The result as the API answers it."""
        return {k: v for k, v in self.__dict__.items() if v is not None}


def _time(raw: Any, name: str) -> dt.datetime:
    if not isinstance(raw, str):
        raise Invalid(N_("%(field)s must be a date and time"), code="asrun.time", field=name)
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError as exc:
        raise Invalid(
            N_("%(field)s must be a date and time"), code="asrun.time", field=name
        ) from exc
    if value.tzinfo is None:
        raise Invalid(
            N_("%(field)s must include a time zone offset"), code="airing.time_zone", field=name
        )
    return value.astimezone(dt.UTC)


@dataclass(frozen=True)
class _Event:
    event_id: str
    item_id: int
    status: str
    started_at: dt.datetime
    device_started_at: dt.datetime
    seconds: float
    sha256: str | None
    offset: float
    reason_code: str | None
    reason_text: str | None


def _parse(raw: Any) -> _Event:
    """One event of the batch, checked field by field."""
    if not isinstance(raw, dict):
        raise Invalid(N_("Each event must be a JSON object"), code="asrun.event")
    event_id = raw.get("event_id")
    if not isinstance(event_id, str) or not 8 <= len(event_id) <= 64:
        raise Invalid(N_("event_id must be a text of 8 to 64 characters"), code="asrun.event_id")
    item_id = raw.get("item_id")
    if not isinstance(item_id, int) or isinstance(item_id, bool):
        raise Invalid(N_("item_id must be an integer"), code="asrun.item")
    status = raw.get("status")
    if status not in PLAYOUT_STATUSES:
        raise Invalid(
            N_("Unknown status '%(status)s' (use %(allowed)s)"),
            code="airing.status",
            status=str(status),
            allowed=", ".join(PLAYOUT_STATUSES),
        )
    seconds = raw.get("seconds_played", 0)
    offset = raw.get("clock_offset_seconds", 0)
    if not isinstance(seconds, int | float) or seconds < 0 or not isinstance(offset, int | float):
        raise Invalid(N_("seconds_played must be a number of seconds >= 0"), code="asrun.seconds")
    sha = raw.get("sha256")
    reason = raw.get("reason_code")
    text = raw.get("reason_text")
    return _Event(
        event_id=event_id,
        item_id=item_id,
        status=status,
        started_at=_time(raw.get("started_at"), "started_at"),
        device_started_at=_time(raw.get("device_started_at"), "device_started_at"),
        seconds=float(seconds),
        sha256=sha if isinstance(sha, str) and len(sha) == 64 else None,
        offset=float(offset),
        reason_code=reason if isinstance(reason, str) else None,
        reason_text=text[:300] if isinstance(text, str) else None,
    )


def _reason(settings: Settings, event: _Event) -> tuple[str | None, str | None]:
    """The configured reason for a not-aired event: the agent's code, else 'khac' with it."""
    if event.status == "aired":
        return None, None
    code = event.reason_code
    if code and code in settings.not_aired_reasons:
        return code, event.reason_text
    if event.status == "partial":
        return None, event.reason_text
    return "khac", event.reason_text or code or "agent"


def _item_channel(session: Session, item_id: int) -> tuple[int, int] | None:
    row = session.execute(
        select(Slot.channel_id, ScheduledItem.programme_id)
        .join(Slot, Slot.id == ScheduledItem.slot_id)
        .where(ScheduledItem.id == item_id)
    ).one_or_none()
    return (row[0], row[1]) if row is not None else None


def _record_one(
    session: Session, settings: Settings, agent: StationAgent, event: _Event, now: dt.datetime
) -> EventResult:
    found = session.scalar(
        select(PlayoutRecord).where(
            PlayoutRecord.agent_id == agent.id, PlayoutRecord.event_id == event.event_id
        )
    )
    if found is not None:
        return EventResult(event.event_id, "duplicate", found.airing_id)
    owner = _item_channel(session, event.item_id)
    if owner is None or owner[0] != agent.channel_id:
        return EventResult(event.event_id, "rejected", code="item.not_found",
                           detail=f"item {event.item_id}")  # fmt: skip
    flagged = abs(event.offset) > settings.agent.max_clock_skew_seconds
    reason_code, reason_text = _reason(settings, event)
    record = PlayoutRecord(
        agent_id=agent.id, channel_id=agent.channel_id, event_id=event.event_id,
        scheduled_item_id=event.item_id, programme_id=owner[1], status=event.status,
        reason_code=reason_code, reason_text=reason_text, started_at=event.started_at,
        device_started_at=event.device_started_at, seconds_played=event.seconds,
        file_sha256=event.sha256, clock_offset_seconds=event.offset, skew_flagged=flagged,
        received_at=now,
    )  # fmt: skip
    with session.begin_nested():
        session.add(record)
        session.flush()
        existing = session.scalar(select(Airing).where(Airing.scheduled_item_id == event.item_id))
        if existing is None:
            airing, _ = confirm_item(
                session, settings, event.item_id, event.status, _actor(agent),
                started_at=event.started_at, duration_seconds=_seconds(session, event),
                reason_code=reason_code, reason_text=reason_text, source="playout",
                channel_id=agent.channel_id, now=now,
            )  # fmt: skip
            record.airing_id = airing.id
        else:
            # A person (or an earlier event) already spoke for this item: keep that statement.
            record.airing_id = existing.id
        session.flush()
    return EventResult(event.event_id, "accepted", record.airing_id, skew_flagged=flagged)


def _actor(agent: StationAgent) -> str:
    """How the airing log names the device that vouches for an airing."""
    return f"agent:{agent.id}"


def _seconds(session: Session, event: _Event) -> int | None:
    """Whole seconds for a partial airing, within the programme's length; None otherwise."""
    if event.status != "partial":
        return None
    full = session.scalar(
        select(Programme.duration_seconds)
        .join(ScheduledItem, ScheduledItem.programme_id == Programme.id)
        .where(ScheduledItem.id == event.item_id)
    )
    length = full or 1
    return max(1, min(length, round(event.seconds)))


def record_batch(
    session: Session,
    settings: Settings,
    agent: StationAgent,
    events: Any,
    now: dt.datetime | None = None,
) -> list[EventResult]:
    """Store a batch of as-run events; each one is accepted, a duplicate, or rejected alone."""
    if not isinstance(events, list) or len(events) > MAX_BATCH:
        raise Invalid(
            N_("events must be a list of at most %(count)s events"),
            code="asrun.batch",
            count=MAX_BATCH,
        )
    now = now or utcnow()
    results: list[EventResult] = []
    for raw in events:
        try:
            event = _parse(raw)
        except LoaError as exc:
            ref = raw.get("event_id") if isinstance(raw, dict) else None
            results.append(EventResult(str(ref or "?"), "rejected", code=exc.code,
                                       detail=str(exc)))  # fmt: skip
            continue
        try:
            results.append(_record_one(session, settings, agent, event, now))
        except IntegrityError:
            # The same event raced in from a parallel retry: the other one stored it.
            results.append(EventResult(event.event_id, "duplicate"))
        except LoaError as exc:
            results.append(EventResult(event.event_id, "rejected", code=exc.code,
                                       detail=str(exc)))  # fmt: skip
    return results
