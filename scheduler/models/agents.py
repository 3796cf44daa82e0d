"""Station agents: channel-scoped device credentials, their health, and what each device played."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from content.db import Base, JSONType, utcnow
from scheduler.models.channels import Channel

PLAYOUT_STATUSES = ("aired", "partial", "not_aired")


class StationAgent(Base):
    """A device credential for one channel: only its secret's hash is kept; revocable."""

    __tablename__ = "station_agents"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(
        ForeignKey("channels.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None]
    revoked_by: Mapped[str | None] = mapped_column(String(120))
    last_seen_at: Mapped[dt.datetime | None]
    clock_offset_seconds: Mapped[float | None] = mapped_column(Float)
    # The last heartbeat as the device sent it: version, disk free, cache, last play, output.
    health: Mapped[dict[str, Any] | None] = mapped_column(JSONType)

    channel: Mapped[Channel] = relationship()

    @property
    def active(self) -> bool:
        """True until revoked."""
        return self.revoked_at is None


class PlayoutRecord(Base):
    """The device's statement about one item: what it played, when, how long, from which file.

    Kept apart from the airing log so that a person's differing statement never overwrites it.
    """

    __tablename__ = "playout_records"
    __table_args__ = (
        UniqueConstraint("agent_id", "event_id"),
        CheckConstraint("status IN ('aired', 'partial', 'not_aired')", name="playout_status_known"),
        CheckConstraint("seconds_played >= 0", name="seconds_nonnegative"),
        Index("ix_playout_records_item", "scheduled_item_id"),
        Index("ix_playout_records_channel_started", "channel_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("station_agents.id", ondelete="CASCADE"))
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(String(64))
    scheduled_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("scheduled_items.id", ondelete="SET NULL")
    )
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programmes.id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(12))
    reason_code: Mapped[str | None] = mapped_column(String(40))
    reason_text: Mapped[str | None] = mapped_column(String(300))
    started_at: Mapped[dt.datetime]  # on server time (device time corrected by its offset)
    device_started_at: Mapped[dt.datetime]  # as the device's own clock read it
    seconds_played: Mapped[float] = mapped_column(Float)
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    clock_offset_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    skew_flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    airing_id: Mapped[int | None] = mapped_column(
        ForeignKey("airings.id", ondelete="SET NULL"), index=True
    )
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    agent: Mapped[StationAgent] = relationship()
