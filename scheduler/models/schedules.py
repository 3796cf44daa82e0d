"""Weekly schedules: the concrete slots of one ISO week and the programmes placed in them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from content.db import Base, utcnow
from content.models import Programme
from scheduler.models.channels import Channel, SlotPattern

SCHEDULE_STATES = ("draft", "published")


class WeekSchedule(Base):
    """One channel's schedule for one ISO week, draft or published, versioned for edits."""

    __tablename__ = "week_schedules"
    __table_args__ = (
        UniqueConstraint("channel_id", "week_key"),
        CheckConstraint("state IN ('draft', 'published')", name="state_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    week_key: Mapped[int] = mapped_column(Integer, index=True)  # iso_year * 100 + iso_week
    week_start: Mapped[dt.date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(12), default="draft")
    version: Mapped[int] = mapped_column(Integer, default=1)
    published_at: Mapped[dt.datetime | None]
    published_by: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    channel: Mapped[Channel] = relationship()
    slots: Mapped[list[Slot]] = relationship(
        back_populates="schedule", cascade="all, delete-orphan", order_by="Slot.starts_at"
    )


class Slot(Base):
    """A concrete airtime of a channel in a week (from a pattern or added by hand)."""

    __tablename__ = "slots"
    __table_args__ = (
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
        UniqueConstraint("schedule_id", "starts_at"),
        Index("ix_slots_channel_start", "channel_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("week_schedules.id", ondelete="CASCADE"))
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    pattern_id: Mapped[int | None] = mapped_column(
        ForeignKey("slot_patterns.id", ondelete="SET NULL")
    )
    starts_at: Mapped[dt.datetime]
    local_date: Mapped[dt.date] = mapped_column(Date)
    duration_minutes: Mapped[int] = mapped_column(Integer)

    schedule: Mapped[WeekSchedule] = relationship(back_populates="slots")
    pattern: Mapped[SlotPattern | None] = relationship()
    items: Mapped[list[ScheduledItem]] = relationship(
        back_populates="slot", cascade="all, delete-orphan", order_by="ScheduledItem.position"
    )

    @property
    def ends_at(self) -> dt.datetime:
        """When the slot ends."""
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)


class ScheduledItem(Base):
    """A programme placed in a slot, in order; pinned items were placed by hand."""

    __tablename__ = "scheduled_items"
    __table_args__ = (
        Index("ix_scheduled_items_slot_position", "slot_id", "position"),
        # Compliance counts scheduled items by programme (migration 0006).
        Index("ix_scheduled_items_programme_slot", "programme_id", "slot_id"),
        # The items no airing points to (unconfirmed or still to come), migration 0007.
        Index(
            "ix_scheduled_items_unconfirmed",
            "programme_id",
            "slot_id",
            sqlite_where=text("has_airing = false"),
            postgresql_where=text("has_airing = false"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slots.id", ondelete="CASCADE"))
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    added_by: Mapped[str] = mapped_column(String(120), default="system")
    # An airing points to this item. Kept by triggers on airings (migration 0007), never by
    # the application: read it from the database, do not set it.
    has_airing: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    slot: Mapped[Slot] = relationship(back_populates="items")
    programme: Mapped[Programme] = relationship(lazy="joined")
