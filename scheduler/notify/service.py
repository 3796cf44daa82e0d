"""Create notices: one inbox row per dedupe key, plus outbox rows for email and webhooks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from scheduler.config import Settings
from scheduler.models import AdminUnit, Channel
from scheduler.notify.models import Notification, OutboxMessage
from scheduler.notify.texts import Message


def _unit_codes_up(session: Session, unit_id: int | None) -> set[str]:
    """GSO codes of the unit and all its ancestors (to match recipients by area)."""
    codes: set[str] = set()
    seen: set[int] = set()
    while unit_id is not None and unit_id not in seen:
        seen.add(unit_id)
        unit = session.get(AdminUnit, unit_id)
        if unit is None:
            break
        codes.add(unit.code)
        unit_id = unit.parent_id
    return codes


def notify(  # noqa: PLR0913 - keyword-only: the fields of the one notice it adds
    session: Session,
    settings: Settings,
    *,
    event: str,
    dedupe_key: str,
    role: str,
    message: Message,
    now: dt.datetime,
    unit_id: int | None = None,
    channel_id: int | None = None,
    user_name: str | None = None,
    data: dict[str, Any] | None = None,
) -> Notification | None:
    """Add the notice once (None if its dedupe key exists) and queue its email and webhooks."""
    note = Notification(
        dedupe_key=dedupe_key,
        event=event,
        role=role,
        unit_id=unit_id,
        channel_id=channel_id,
        user_name=user_name,
        subject_vi=message.subject_vi,
        subject_en=message.subject_en,
        body_vi=message.body_vi,
        body_en=message.body_en,
        data=data,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(note)
            session.flush()
    except IntegrityError:
        return None
    _queue(session, settings, note, message, now)
    return note


def _queue(
    session: Session, settings: Settings, note: Notification, message: Message, now: dt.datetime
) -> None:
    """Outbox rows for the matching email recipients and webhooks (same transaction)."""
    cfg = settings.notifications
    area_unit = note.unit_id
    if area_unit is None and note.channel_id is not None:
        channel = session.get(Channel, note.channel_id)
        area_unit = channel.unit_id if channel else None
    codes = _unit_codes_up(session, area_unit)
    if cfg.smtp_host:
        for r in cfg.recipients:
            if r.role == note.role and (r.unit is None or r.unit in codes):
                session.add(
                    OutboxMessage(
                        dedupe_key=f"{note.dedupe_key}|email|{r.email}"[:260],
                        notification_id=note.id,
                        kind="email",
                        target=r.email,
                        event=note.event,
                        payload={
                            "subject": message.subject(settings.locale.language),
                            "text": message.email_text(settings.locale.language),
                        },
                        next_attempt_at=now,
                        created_at=now,
                    )
                )
    for hook in cfg.webhooks:
        if hook.events and note.event not in hook.events:
            continue
        session.add(
            OutboxMessage(
                dedupe_key=f"{note.dedupe_key}|webhook|{hook.url}"[:260],
                notification_id=note.id,
                kind="webhook",
                target=hook.url,
                event=note.event,
                payload=webhook_payload(note),
                next_attempt_at=now,
                created_at=now,
            )
        )
    session.flush()


def webhook_payload(note: Notification) -> dict[str, Any]:
    """The JSON document a webhook receives for a notice."""
    return {
        "event": note.event,
        "notification_id": note.id,
        "dedupe_key": note.dedupe_key,
        "created_at": note.created_at.isoformat(),
        "role": note.role,
        "unit_id": note.unit_id,
        "channel_id": note.channel_id,
        "subject": {"vi": note.subject_vi, "en": note.subject_en},
        "body": {"vi": note.body_vi, "en": note.body_en},
        "data": note.data or {},
    }


@dataclass(frozen=True)
class NoticeReader:
    """Whose notices: a role within units and channels (everywhere: admins), and a user name."""

    role: str
    unit_ids: list[int] | None = None
    channel_ids: list[int] | None = None
    user_name: str | None = None
    everywhere: bool = False

    def visible(self) -> ColumnElement[bool]:
        """The SQL condition of the notices this reader may see (and mark read)."""
        scope: list[ColumnElement[bool]] = [
            Notification.unit_id.is_(None) & Notification.channel_id.is_(None)
        ]
        if self.everywhere:
            scope.append(Notification.id.is_not(None))
        if self.unit_ids:
            scope.append(Notification.unit_id.in_(self.unit_ids))
        if self.channel_ids:
            scope.append(Notification.channel_id.in_(self.channel_ids))
        by_role = (Notification.role == self.role) & Notification.user_name.is_(None)
        named = Notification.user_name == self.user_name if self.user_name else false()
        return or_(by_role & or_(*scope), named)


def inbox(
    session: Session,
    role: str,
    unit_ids: list[int] | None = None,
    channel_ids: list[int] | None = None,
    user_name: str | None = None,
    limit: int = 50,
    everywhere: bool = False,
) -> list[Notification]:
    """Notices for a user: by role within their units and channels, or to them by name."""
    reader = NoticeReader(role, unit_ids, channel_ids, user_name, everywhere)
    query = select(Notification).where(reader.visible())
    return list(session.scalars(query.order_by(Notification.created_at.desc()).limit(limit)))


def mark_read(
    session: Session, notification_id: int, now: dt.datetime, reader: NoticeReader
) -> bool:
    """Mark one notice the reader may see as read; False when there is none (or out of scope)."""
    note = session.scalar(
        select(Notification).where(Notification.id == notification_id, reader.visible())
    )
    if note is None:
        return False
    if note.read_at is None:
        note.read_at = now
    session.flush()
    return True
