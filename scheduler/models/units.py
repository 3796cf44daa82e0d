"""Administrative units: a tree with effective dates and successor links."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from content.db import Base

LEVELS = ("province", "district", "commune", "village")
STRUCTURES = ("legacy", "2025")
REFORM_DATE = dt.date(2025, 7, 1)


class AdminUnit(Base):
    """A province, (legacy) district, commune or village, valid between two dates."""

    __tablename__ = "admin_units"
    __table_args__ = (
        UniqueConstraint("structure", "level", "code"),
        CheckConstraint(
            "level IN ('province', 'district', 'commune', 'village')", name="level_known"
        ),
        CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name="valid_range"),
        Index("ix_admin_units_code_level", "code", "level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16))
    structure: Mapped[str] = mapped_column(String(8))
    level: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
    unit_type: Mapped[str | None] = mapped_column(String(40))
    full_name: Mapped[str | None] = mapped_column(String(250))
    name_en: Mapped[str | None] = mapped_column(String(250))
    search_name: Mapped[str] = mapped_column(String(250), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("admin_units.id", ondelete="RESTRICT"), index=True
    )
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    successor_id: Mapped[int | None] = mapped_column(
        ForeignKey("admin_units.id", ondelete="SET NULL")
    )

    parent: Mapped[AdminUnit | None] = relationship(
        remote_side="AdminUnit.id", foreign_keys=[parent_id]
    )
    successor: Mapped[AdminUnit | None] = relationship(
        remote_side="AdminUnit.id", foreign_keys=[successor_id]
    )

    def valid_on(self, day: dt.date) -> bool:
        """True when the unit exists on day (valid_to is exclusive)."""
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)
