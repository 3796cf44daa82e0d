"""Emergency broadcast tables: the broadcast, its occurrences' per-station deliveries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from content.db import Base, JSONType, utcnow
from content.models import Programme
from scheduler.models import AdminUnit, Channel

BROADCAST_STATES = ("awaiting_approval", "active", "cancelled")
DELIVERY_STATES = ("waiting", "delivered", "playing", "aired", "failed", "no_answer", "cancelled")
# Deliveries still to air (a correction replaces their audio, a cancellation stops them).
OPEN_STATES = ("waiting", "delivered")
AIRED_VIA = ("agent", "person")


class EmergencyBroadcast(Base):
    """An emergency programme sent to every station of an area, with a deadline to air it."""

    __tablename__ = "emergency_broadcasts"
    __table_args__ = (
        CheckConstraint(
            "state IN ('awaiting_approval', 'active', 'cancelled')", name="state_known"
        ),
        CheckConstraint("deadline_minutes > 0", name="deadline_positive"),
        CheckConstraint(
            "repeat_every_minutes IS NULL OR repeat_every_minutes > 0", name="every_positive"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str | None] = mapped_column(Text)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("admin_units.id"))
    # The narrowing asked for: channel kinds and an explicit list of channels ([] = none).
    channel_kinds: Mapped[list[str]] = mapped_column(JSONType, default=list)
    channel_ids: Mapped[list[int]] = mapped_column(JSONType, default=list)
    deadline_minutes: Mapped[int] = mapped_column(Integer)
    repeat_times: Mapped[list[str]] = mapped_column(JSONType, default=list)  # local "HH:MM"
    repeat_every_minutes: Mapped[int | None] = mapped_column(Integer)
    repeat_until: Mapped[dt.datetime | None]
    expires_at: Mapped[dt.datetime]
    state: Mapped[str] = mapped_column(String(20), default="active")
    issued_by: Mapped[str] = mapped_column(String(120))
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    approved_by: Mapped[str | None] = mapped_column(String(120))
    approved_at: Mapped[dt.datetime | None]
    # When the clock starts (issue, or approval when a second person must approve).
    effective_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    cancelled_by: Mapped[str | None] = mapped_column(String(120))
    cancelled_at: Mapped[dt.datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # Bumped by every change agents must see (approval, correction, cancellation).
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)

    programme: Mapped[Programme] = relationship()
    unit: Mapped[AdminUnit] = relationship()

    def deadline_of(self, due_at: dt.datetime) -> dt.datetime:
        """When an occurrence due at due_at must have aired."""
        return due_at + dt.timedelta(minutes=self.deadline_minutes)

    def snapshot(self) -> dict[str, Any]:
        """What the audit log keeps of the broadcast."""
        return {
            "title": self.title,
            "programme_id": self.programme_id,
            "unit_id": self.unit_id,
            "channel_kinds": self.channel_kinds,
            "channel_ids": self.channel_ids,
            "deadline_minutes": self.deadline_minutes,
            "repeat_times": self.repeat_times,
            "repeat_every_minutes": self.repeat_every_minutes,
            "repeat_until": self.repeat_until,
            "expires_at": self.expires_at,
            "state": self.state,
            "reason": self.reason,
            "version": self.version,
        }


class EmergencyDelivery(Base):
    """One station's airing of one occurrence of a broadcast (0 = at once, 1.. = repeats)."""

    __tablename__ = "emergency_deliveries"
    __table_args__ = (
        UniqueConstraint("broadcast_id", "occurrence", "channel_id"),
        CheckConstraint(
            "state IN ('waiting', 'delivered', 'playing', 'aired', 'failed', 'no_answer',"
            " 'cancelled')",
            name="state_known",
        ),
        CheckConstraint("aired_via IS NULL OR aired_via IN ('agent', 'person')", name="via_known"),
        CheckConstraint("seconds IS NULL OR seconds >= 0", name="seconds_nonnegative"),
        Index("ix_emergency_deliveries_channel_state", "channel_id", "state"),
        Index("ix_emergency_deliveries_open_due", "state", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(
        ForeignKey("emergency_broadcasts.id", ondelete="CASCADE")
    )
    occurrence: Mapped[int] = mapped_column(Integer, default=0)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    # The programme this station airs: a correction replaces it while not yet aired.
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"))
    due_at: Mapped[dt.datetime]
    state: Mapped[str] = mapped_column(String(12), default="waiting")
    delivered_at: Mapped[dt.datetime | None]
    playing_at: Mapped[dt.datetime | None]
    aired_at: Mapped[dt.datetime | None]
    aired_by: Mapped[str | None] = mapped_column(String(120))
    aired_via: Mapped[str | None] = mapped_column(String(8))
    seconds: Mapped[int | None] = mapped_column(Integer)
    failure_reason: Mapped[str | None] = mapped_column(Text)
    notified_at: Mapped[dt.datetime | None]
    reminded_at: Mapped[dt.datetime | None]
    escalated_at: Mapped[dt.datetime | None]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    broadcast: Mapped[EmergencyBroadcast] = relationship()
    channel: Mapped[Channel] = relationship()
