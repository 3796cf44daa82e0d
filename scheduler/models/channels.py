"""Channels (stations), their languages, loudspeaker clusters and recurring slot patterns."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from content.db import Base
from scheduler.models.units import AdminUnit


class Channel(Base):
    """One outlet that airs programmes, belonging to an administrative unit."""

    __tablename__ = "channels"
    __table_args__ = (
        CheckConstraint("active_to IS NULL OR active_to >= active_from", name="active_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("admin_units.id"), index=True)
    active_from: Mapped[dt.date] = mapped_column(Date)
    active_to: Mapped[dt.date | None] = mapped_column(Date)

    unit: Mapped[AdminUnit] = relationship(lazy="joined")
    language_links: Mapped[list[ChannelLanguage]] = relationship(
        back_populates="channel", cascade="all, delete-orphan", lazy="selectin"
    )
    clusters: Mapped[list[LoudspeakerCluster]] = relationship(
        back_populates="channel", cascade="all, delete-orphan"
    )
    patterns: Mapped[list[SlotPattern]] = relationship(
        back_populates="channel", cascade="all, delete-orphan", order_by="SlotPattern.start_time"
    )

    @property
    def languages(self) -> list[str]:
        """Language codes this channel airs in."""
        return sorted(link.language for link in self.language_links)

    @property
    def minority_languages(self) -> list[str]:
        """The channel's languages other than Vietnamese."""
        return [lang for lang in self.languages if lang != "vi"]

    def active_on(self, day: dt.date) -> bool:
        """True when the channel airs on day (active_to is inclusive)."""
        return self.active_from <= day and (self.active_to is None or day <= self.active_to)


class ChannelLanguage(Base):
    """A language a channel airs in."""

    __tablename__ = "channel_languages"

    channel_id: Mapped[int] = mapped_column(
        ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(16), primary_key=True)

    channel: Mapped[Channel] = relationship(back_populates="language_links")


class LoudspeakerCluster(Base):
    """A cụm loa: loudspeakers of a commune channel in one village."""

    __tablename__ = "loudspeaker_clusters"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(
        ForeignKey("channels.id", ondelete="CASCADE"), index=True
    )
    village_unit_id: Mapped[int | None] = mapped_column(ForeignKey("admin_units.id"))
    name: Mapped[str] = mapped_column(String(200))
    speakers: Mapped[int] = mapped_column(Integer, default=1)

    channel: Mapped[Channel] = relationship(back_populates="clusters")


class SlotPattern(Base):
    """A recurring airtime: weekdays (ISO 1..7 as a digit string), local start, length, dates."""

    __tablename__ = "slot_patterns"
    __table_args__ = (
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="valid_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(
        ForeignKey("channels.id", ondelete="CASCADE"), index=True
    )
    weekdays: Mapped[str] = mapped_column(String(7))
    start_time: Mapped[dt.time] = mapped_column(Time)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    name: Mapped[str | None] = mapped_column(String(120))

    channel: Mapped[Channel] = relationship(back_populates="patterns")

    def applies_on(self, day: dt.date) -> bool:
        """True when this pattern yields a slot on day."""
        in_range = self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)
        return in_range and str(day.isoweekday()) in self.weekdays
