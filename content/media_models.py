"""Audio assets of programmes, feed sources and the feed item inbox (issue 5)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from content.db import Base, utcnow
from content.models import Programme

ITEM_STATES = ("new", "drafted", "dismissed")


class AudioAsset(Base):
    """A programme's audio: the original kept untouched and its derived broadcast rendition."""

    __tablename__ = "audio_assets"
    __table_args__ = (CheckConstraint("duration_ms > 0", name="duration_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programmes.id", ondelete="SET NULL"), unique=True
    )
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    original_path: Mapped[str] = mapped_column(String(255))
    original_bytes: Mapped[int] = mapped_column(BigInteger)
    container: Mapped[str] = mapped_column(String(60))
    codec: Mapped[str] = mapped_column(String(40))
    channels: Mapped[int] = mapped_column(Integer)
    sample_rate: Mapped[int] = mapped_column(Integer)
    duration_ms: Mapped[int] = mapped_column(Integer)
    input_lufs: Mapped[float | None] = mapped_column(Float)
    rendition_path: Mapped[str] = mapped_column(String(255))
    # SHA-256 of the rendition file: station agents fetch and check it by this (issue 13).
    rendition_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    rendition_profile: Mapped[str] = mapped_column(String(80))
    rendition_duration_ms: Mapped[int] = mapped_column(Integer)
    rendition_lufs: Mapped[float | None] = mapped_column(Float)
    rendition_true_peak_dbtp: Mapped[float | None] = mapped_column(Float)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    programme: Mapped[Programme | None] = relationship()


class FeedSource(Base):
    """An RSS/Atom feed the planners read: where, how often, and what the last poll gave."""

    __tablename__ = "feed_sources"
    __table_args__ = (CheckConstraint("poll_minutes > 0", name="poll_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(1000), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    default_topic: Mapped[str | None] = mapped_column(String(40))
    poll_minutes: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(default=True)
    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_polled_at: Mapped[dt.datetime | None]
    last_status: Mapped[str | None] = mapped_column(String(20))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(120), default="system")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class FeedItem(Base):
    """One entry of a feed, deduplicated, as plain text, waiting in the planners' inbox."""

    __tablename__ = "feed_items"
    __table_args__ = (
        UniqueConstraint("source_id", "dedup_key"),
        CheckConstraint("status IN ('new', 'drafted', 'dismissed')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(
        ForeignKey("feed_sources.id", ondelete="CASCADE"), index=True
    )
    dedup_key: Mapped[str] = mapped_column(String(64))
    guid: Mapped[str | None] = mapped_column(String(1000))
    link: Mapped[str | None] = mapped_column(String(2000))
    title: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    published_at: Mapped[dt.datetime | None]
    fetched_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(12), default="new", index=True)
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programmes.id", ondelete="SET NULL")
    )
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[dt.datetime | None]

    source: Mapped[FeedSource] = relationship()
