"""Programmes (the content that goes on air) and the audit log shared by all layers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from content.db import Base, JSONType, utcnow

PRIORITIES = ("normal", "priority", "emergency")


class Programme(Base):
    """A piece of content: title, topics, type, language, duration, priority, approval."""

    __tablename__ = "programmes"
    __table_args__ = (
        CheckConstraint("duration_seconds >= 0", name="duration_nonnegative"),
        CheckConstraint("priority IN ('normal', 'priority', 'emergency')", name="priority_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    programme_type: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(16))
    duration_seconds: Mapped[int] = mapped_column(Integer)
    producer: Mapped[str | None] = mapped_column(String(200))
    priority: Mapped[str] = mapped_column(String(16), default="normal")
    description: Mapped[str | None] = mapped_column(Text)
    approved_by: Mapped[str | None] = mapped_column(String(120))
    approved_at: Mapped[dt.datetime | None]
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(120), default="system")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    topic_links: Mapped[list[ProgrammeTopic]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def topics(self) -> list[str]:
        """Topic codes of this programme, sorted."""
        return sorted(link.topic for link in self.topic_links)

    @property
    def is_approved(self) -> bool:
        """True once someone approved it for broadcast."""
        return self.approved_at is not None

    def valid_on(self, day: dt.date) -> bool:
        """True when the programme may be aired on day."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class ProgrammeTopic(Base):
    """One topic of a programme (a programme has one or more)."""

    __tablename__ = "programme_topics"

    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)

    programme: Mapped[Programme] = relationship(back_populates="topic_links")


class AuditEntry(Base):
    """Who changed what and when, with the values before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
