"""The text of a programme made by text-to-speech, kept with it so that it can be edited."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from content.db import Base, utcnow
from content.media_models import AudioAsset
from content.models import Programme


class ProgrammeScript(Base):
    """A programme's text, its reading as spoken, the voice used and the audio made from it.

    The programme is synthesized while its current audio asset is `audio_asset_id`; audio
    uploaded later in its place makes it a recorded programme again (the text stays).
    """

    __tablename__ = "programme_scripts"
    __table_args__ = (CheckConstraint("speed > 0", name="speed_positive"),)

    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True
    )
    text: Mapped[str] = mapped_column(Text)
    reading: Mapped[str] = mapped_column(Text)
    backend: Mapped[str] = mapped_column(String(20))
    voice: Mapped[str] = mapped_column(String(255))
    speed: Mapped[float] = mapped_column(Float)
    audio_asset_id: Mapped[int | None] = mapped_column(
        ForeignKey("audio_assets.id", ondelete="SET NULL"), index=True
    )
    synthesized_by: Mapped[str] = mapped_column(String(120))
    synthesized_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    programme: Mapped[Programme] = relationship()
    asset: Mapped[AudioAsset | None] = relationship()
