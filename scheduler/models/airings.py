"""The airing log: what actually aired on a channel, confirmed by whom, from where."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from content.db import Base, utcnow
from content.models import Programme
from scheduler.models.channels import Channel
from scheduler.models.schedules import ScheduledItem

AIRING_STATUSES = ("aired", "partial", "not_aired", "cancelled")
AIRING_SOURCES = ("web", "api", "playout", "import", "cli", "demo")


class Airing(Base):
    """One entry of the airing log; at most one per scheduled item."""

    __tablename__ = "airings"
    __table_args__ = (
        UniqueConstraint("scheduled_item_id"),
        UniqueConstraint("channel_id", "client_ref"),
        CheckConstraint(
            "status IN ('aired', 'partial', 'not_aired', 'cancelled')", name="status_known"
        ),
        CheckConstraint("duration_seconds >= 0", name="duration_nonnegative"),
        CheckConstraint(
            "status NOT IN ('not_aired', 'cancelled') OR reason_code IS NOT NULL",
            name="reason_when_not_aired",
        ),
        Index("ix_airings_channel_week", "channel_id", "week_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    scheduled_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("scheduled_items.id", ondelete="RESTRICT")
    )
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    status: Mapped[str] = mapped_column(String(12))
    started_at: Mapped[dt.datetime]
    local_date: Mapped[dt.date] = mapped_column(Date)
    week_key: Mapped[int] = mapped_column(Integer)  # ISO week of local_date: year * 100 + week
    duration_seconds: Mapped[int] = mapped_column(Integer)
    reason_code: Mapped[str | None] = mapped_column(String(40))
    reason_text: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(12), default="web")
    client_ref: Mapped[str | None] = mapped_column(String(64))
    confirmed_by: Mapped[str] = mapped_column(String(120))
    confirmed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    channel: Mapped[Channel] = relationship()
    programme: Mapped[Programme] = relationship()
    scheduled_item: Mapped[ScheduledItem | None] = relationship()

    @property
    def unplanned(self) -> bool:
        """True for an airing that fulfils no scheduled item."""
        return self.scheduled_item_id is None
